"""National plans: parts synthesized and simulated where they run, the same on any executor."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from importlib import resources

import pendulum
import pytest

from ilp.errors import PopulationError
from ilp.network import Network, load_network
from ilp.population import PartResult, PlanPart, part_seeds, run_plan, simulate, synthesize

START = pendulum.Date(2025, 1, 1)

with resources.as_file(resources.files("ilp").joinpath("data/demo/kecamatan/network.yaml")) as _p:
    NETWORK = load_network(_p)


def _plan(*keys: str) -> list[PlanPart]:
    return [PlanPart(k, NETWORK, 120 + 40 * i) for i, k in enumerate(keys)]


@pytest.fixture(scope="module")
def alone() -> tuple[PartResult, ...]:
    return run_plan(_plan("pkm-a", "pkm-b", "pkm-c"), START, 2, seed=11)


def _same(a: tuple[PartResult, ...], b: tuple[PartResult, ...]) -> None:
    assert [r.key for r in a] == [r.key for r in b]
    assert [r.people for r in a] == [r.people for r in b]
    for x, y in zip(a, b, strict=True):
        assert x.result.same_as(y.result)


def test_a_part_is_synthesize_then_simulate_with_its_own_seeds(
    alone: tuple[PartResult, ...],
) -> None:
    """Each part's result is what synthesize and simulate give with the part's seeds."""
    import numpy as np

    part = _plan("pkm-a", "pkm-b", "pkm-c")[1]
    synth_seed, sim_seed = part_seeds(11, part.key)
    made = synthesize(
        seed=np.random.Generator(np.random.PCG64(synth_seed)),
        on=START,
        network=NETWORK,
        size=part.size,
    )
    direct = simulate(
        made.population,
        made.history,
        NETWORK,
        START,
        2,
        seed=sim_seed,
        keep_population=False,
        households=made.households,
    )
    assert alone[1].people == len(made.population) == part.size
    assert alone[1].result.same_as(direct)
    assert alone[1].seconds_synth > 0
    assert alone[1].seconds_simulate > 0
    assert alone[1].cpu_seconds > 0
    assert alone[1].peak_memory > 0
    assert ":" in alone[1].worker


def test_a_part_does_not_depend_on_the_others(alone: tuple[PartResult, ...]) -> None:
    """A part run alone or among others gives the same result; another key, another."""
    by_itself = run_plan([_plan("pkm-a", "pkm-b", "pkm-c")[2]], START, 2, seed=11)
    assert by_itself[0].result.same_as(alone[2].result)
    assert not alone[0].result.same_as(alone[1].result)


def test_keys_and_seed_make_the_streams() -> None:
    """The seeds are a pure function of the plan seed and the key."""
    a, b = part_seeds(11, "pkm-a"), part_seeds(11, "pkm-a")
    assert a[1] == b[1]
    assert a[0].generate_state(4).tolist() == b[0].generate_state(4).tolist()
    assert part_seeds(11, "pkm-b")[1] != a[1]
    assert part_seeds(12, "pkm-a")[1] != a[1]


def test_a_process_pool_gives_the_same_results(alone: tuple[PartResult, ...]) -> None:
    """The parts run in a process pool equal the parts run here."""
    with ProcessPoolExecutor(2) as pool:
        pooled = run_plan(_plan("pkm-a", "pkm-b", "pkm-c"), START, 2, seed=11, executor=pool)
    _same(pooled, alone)


def test_a_dask_cluster_gives_the_same_results(alone: tuple[PartResult, ...]) -> None:
    """The parts run on a Dask LocalCluster equal the parts run here."""
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = run_plan(
            _plan("pkm-a", "pkm-b", "pkm-c"), START, 2, seed=11, executor=client.get_executor()
        )
    _same(remote, alone)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: PlanPart("", NETWORK, 10), "key"),
        (lambda: PlanPart("a", "network.yaml", 10), "network"),  # type: ignore[arg-type]
        (lambda: PlanPart("a", NETWORK, 0), "size"),
        (lambda: PlanPart("a", NETWORK, size=True), "size"),
    ],
)
def test_bad_parts_are_named(make: object, expected: str) -> None:
    """A part with an empty key, no network or no people is refused, naming the field."""
    with pytest.raises(PopulationError, match=expected):
        make()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("parts", "kwargs", "expected"),
    [
        (["pkm-a"], {}, "not a PlanPart"),
        (_plan("a", "a"), {}, "'a' appears twice"),
        (_plan("a"), {"months": 0}, "months"),
        (_plan("a"), {"seed": -1}, "seed"),
        (_plan("a"), {"start": "2025-02-30"}, "2025-02-30"),
    ],
)
def test_bad_plans_are_named(parts: list[object], kwargs: dict[str, object], expected: str) -> None:
    """Wrong items, duplicate keys, months, seeds and dates are refused before anything runs."""
    args: dict[str, object] = {"start": START, "months": 2, "seed": 1, **kwargs}
    with pytest.raises(Exception, match=expected) as info:
        run_plan(parts, args["start"], args["months"], seed=args["seed"])  # type: ignore[arg-type]
    assert isinstance(info.value, PopulationError) or "start" in str(info.value)


def test_networks_are_values_a_worker_can_receive() -> None:
    """A plan part pickles with its network (it is what travels to the worker)."""
    import pickle

    part = _plan("pkm-a")[0]
    back = pickle.loads(pickle.dumps(part))
    assert isinstance(back.network, Network)
    assert back.key == part.key

"""Demand simulation: people conserved, results reproducible by seed and executor, bad input refused.

The populations are small and made here with NumPy (WPP 2024 age and sex,
diagnosed hypertension), on a network of two Puskesmas made here too, so
the tests do not move when the synthetic-population generator changes.
``baseline_simulate.json`` holds the totals of one seeded run: a change
that moves any of them fails :class:`TestBaseline`. When the change is
intended, rewrite the file with ``ILP_UPDATE_BASELINE=1 pytest
tests/population/test_simulate.py`` and review the diff.

The simulation keeps its records itself (``Records``: reused buffers, a
history handed to ``due_batch`` without the checks) and asks the newborn
questions of the babies alone; the last classes compare each with the
plain construction (``np.lexsort`` and a checked ``History``; everyone
asked every week).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any
from unittest.mock import patch

import attrs
import numpy as np
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilp import _cli_simulate
from ilp.dates import from_day
from ilp.errors import ILPError, PopulationError
from ilp.lifecycle import national
from ilp.network import Area, AreaLevel, AreaType, Facility, FacilityType, Network, Opening
from ilp.population import CONDITIONS, NO_DAY, History, Population
from ilp.population import simulation as sim
from ilp.population.batch import due_batch
from ilp.population.batch.segments import day_span, day_spans, rest_of, whole
from ilp.population.columns._model import _trusted_history, code_offsets
from ilp.population.simulation import (
    DEFAULT_ATTENDANCE,
    DEFAULT_MINUTES,
    SimParams,
    SimResult,
    _records,
)
from ilp.population.simulation._attendance import Attendance, Pick
from ilp.population.simulation._partition import take_ascending
from ilp.population.simulation._records import Records
from ilp.population.simulation._run import _per_key
from ilp.population.simulation._state import TaskState, born_by, per_run, steps_of

START = pendulum.Date(2025, 1, 1)
BASELINE = Path(__file__).with_name("baseline_simulate.json")
# WPP 2024, Indonesia, about 1 Jan 2025: thousands by 5-year group 0-4 ... 75+ (demography.md §1a)
MALE = [11351, 11715, 12493, 12078, 11293, 11278, 10861, 10578, 10593, 9771, 8721, 7517, 5932,
        4228, 2605, 2513]  # fmt: skip
FEMALE = [10746, 11114, 11860, 11475, 10741, 10762, 10367, 10136, 10251, 9623, 8768, 7764, 6382,
          4853, 3277, 4075]  # fmt: skip


def _network() -> Network:
    """Two kecamatan, each with a Puskesmas, two desa (one without a Pustu) and Posyandu."""
    areas = [
        Area("prov", "Provinsi", AreaLevel.PROVINCE),
        Area("kab", "Kabupaten", AreaLevel.KABUPATEN, parent="prov"),
    ]
    facilities = []
    kinds = [AreaType.PERKOTAAN, AreaType.PERDESAAN, AreaType.TERPENCIL, AreaType.SANGAT_TERPENCIL]
    for k in range(2):
        kec = f"kec{k}"
        pkm = f"pkm{k}"
        areas.append(Area(kec, f"Kecamatan {k}", AreaLevel.KECAMATAN, parent="kab"))
        facilities.append(
            Facility(
                pkm, f"Puskesmas {k}", FacilityType.PUSKESMAS, kec, opening=Opening.every(0, 2)
            )
        )
        for d in range(2):
            desa = f"{kec}-d{d}"
            areas.append(
                Area(desa, f"Desa {k}.{d}", AreaLevel.DESA, parent=kec, type=kinds[2 * k + d])
            )
            pustu = pkm
            if d == 0:  # the other desa has no Pustu: its services fall back to the Puskesmas
                pustu = f"pustu-{desa}"
                facilities.append(
                    Facility(
                        pustu,
                        f"Pustu {desa}",
                        FacilityType.PUSTU,
                        desa,
                        parent=pkm,
                        opening=Opening.every(0, 1, 2, 3, 4),
                    )
                )
            for u in range(2):
                dusun = f"{desa}-u{u}"
                areas.append(Area(dusun, f"Dusun {dusun}", AreaLevel.DUSUN, parent=desa))
                facilities.append(
                    Facility(
                        f"psy-{dusun}",
                        f"Posyandu {dusun}",
                        FacilityType.POSYANDU,
                        dusun,
                        parent=pustu,
                        opening=Opening.nth(2, 1),
                    )
                )
    return Network(areas, facilities, id="test")


def _people(n: int, seed: int, *, pregnant: bool = False) -> tuple[Population, History]:
    """*n* people on the dusun of the test network on START, with a few records."""
    rng = np.random.default_rng(seed)
    counts = np.array(MALE + FEMALE, dtype=np.float64)
    cell = rng.choice(len(counts), size=n, p=counts / counts.sum())
    group = cell % len(MALE)
    years = group * 5 + rng.uniform(0, 5, n)
    birth = (START.toordinal() - np.floor(years * 365.25) - 1).astype(np.int32)
    order = np.argsort(birth, kind="stable")
    birth, sex = birth[order], (cell[order] < len(MALE)).astype(np.int8)
    years = years[order]
    dusun = [a.id for a in _network().areas if a.level is AreaLevel.DUSUN]
    ht = np.where(years >= 60, 0.229, np.where(years >= 18, 0.059, 0.0))
    conditions = np.where(rng.random(n) < ht, 1 << CONDITIONS.index(CONDITIONS[0]), 0)
    preg: dict[str, Any] = {}
    if pregnant:  # a few women with an ongoing pregnancy, so births start at once
        women = np.flatnonzero((sex == 0) & (years >= 20) & (years < 35))[: max(1, n // 60)]
        lmp = START.toordinal() - rng.integers(10, 250, len(women))
        preg = {
            "preg_person": women.astype(np.int32),
            "preg_lmp": lmp.astype(np.int32),
            "preg_edd": (lmp + 280).astype(np.int32),
            "preg_delivery": np.full(len(women), NO_DAY, dtype=np.int32),
            "preg_outcome": np.full(len(women), -1, dtype=np.int8),
            "preg_in_facility": np.full(len(women), -1, dtype=np.int8),
        }
    pop = Population(
        ids=np.array([f"p{i:06d}" for i in range(n)], dtype=object),
        birth=birth,
        sex=sex,
        conditions=conditions.astype(np.uint16),
        residence=rng.integers(0, len(dusun), n).astype(np.int32),
        areas=tuple(dusun),
        **preg,
    )
    # BCG for some of the under-ones, on their day of birth
    babies = np.flatnonzero(years < 1)
    given = babies[rng.random(len(babies)) < 0.5]
    history = History.from_arrays(
        pop,
        person=given,
        code=np.zeros(len(given), dtype=np.int64),
        day=birth[given],
        codes=["BCG"],
    )
    return pop, history


@pytest.fixture(scope="module")
def network() -> Network:
    return _network()


@pytest.fixture(scope="module")
def people() -> tuple[Population, History]:
    return _people(3000, 1)


@pytest.fixture(scope="module")
def run(network: Network, people: tuple[Population, History]) -> SimResult:
    pop, hist = people
    return sim.simulate(pop, hist, network, START, 6, seed=7)


class TestParams:
    def test_the_defaults_are_valid_for_the_national_catalogue(self) -> None:
        """Every default attendance and minutes key is a code or a group of the catalogue."""
        params = SimParams()
        params.check(national())
        groups = {s.group for s in national()}
        assert set(DEFAULT_ATTENDANCE) <= set(national().codes) | groups
        assert all(
            source.split(":")[0] in {"confirmed", "guessed"}
            for _, source in DEFAULT_MINUTES.values()
        )
        assert sum(params.fertility) * 5 == pytest.approx(2.10, abs=1e-3)

    @pytest.mark.parametrize(
        ("changes", "field", "value"),
        [
            ({"gompertz_a": -0.001}, "gompertz_a", -0.001),
            ({"dropout": 1.5}, "dropout", 1.5),
            ({"unreached": -0.1}, "unreached", -0.1),
            ({"attendance": {"BCG": 1.2}}, "attendance['BCG']", 1.2),
            ({"minutes": {"BCG": -5}}, "minutes['BCG']", -5),
            ({"area_factor": {"kota": 1.0}}, "area_factor", "kota"),
            ({"site_factor": {"pustu": -1.0}}, "site_factor['pustu']", -1.0),
            ({"fertility": (0.1, 0.2)}, "fertility", (0.1, 0.2)),
            ({"fertility": (0.1, 0.2, 0.1, 0.1, 0.1, 0.1, -0.1)}, "fertility[45-49]", -0.1),
            ({"facility_delivery": float("nan")}, "facility_delivery", None),
            ({"infant_mortality": 0.01}, "infant_mortality", 0.01),
        ],
    )
    def test_a_bad_rate_is_refused_naming_the_field_and_value(
        self, changes: dict[str, Any], field: str, value: Any
    ) -> None:
        """Negative rates, probabilities outside [0, 1] and unknown keys raise PopulationError."""
        with pytest.raises(PopulationError) as info:
            SimParams(**changes)
        assert info.value.field == field
        if value is not None:
            assert info.value.value == value
            assert repr(value) in str(info.value) or str(value) in str(info.value)

    def test_an_unknown_service_code_is_refused_before_any_work(
        self, network: Network, people: tuple[Population, History]
    ) -> None:
        """A code that is neither a code nor a group of the catalogue names itself."""
        params = SimParams(attendance={"NOT-A-VACCINE": 0.5})
        with pytest.raises(PopulationError, match="NOT-A-VACCINE") as info:
            sim.simulate(*people, network, START, 2, seed=1, params=params)
        assert info.value.field == "attendance"

    @pytest.mark.parametrize("months", [0, -3, 1.5, True])
    def test_months_below_one_are_refused(
        self, network: Network, people: tuple[Population, History], months: Any
    ) -> None:
        """Months must be a whole number of 1 or more."""
        with pytest.raises(PopulationError) as info:
            sim.simulate(*people, network, START, months, seed=1)
        assert info.value.field == "months"

    def test_a_network_that_does_not_hold_the_residences_is_refused(
        self, people: tuple[Population, History]
    ) -> None:
        """People living in areas the network lacks: the area is named."""
        other = Network(
            [Area("kecX", "X", AreaLevel.KECAMATAN)],
            [Facility("pkmX", "X", FacilityType.PUSKESMAS, "kecX")],
            id="other",
        )
        with pytest.raises(PopulationError, match="kec0-d0-u0") as info:
            sim.simulate(*people, other, START, 2, seed=1)
        assert info.value.field == "residence"

    def test_people_born_after_the_start_are_refused(
        self, network: Network, people: tuple[Population, History]
    ) -> None:
        """The start must not come before anyone's birth."""
        with pytest.raises(PopulationError) as info:
            sim.simulate(*people, network, START.subtract(years=30), 2, seed=1)
        assert info.value.field == "birth"

    def test_other_bad_arguments_are_named(
        self, network: Network, people: tuple[Population, History]
    ) -> None:
        """A bad seed, executor, history or household column raises a named ILPError."""
        pop, hist = people
        cases: list[tuple[dict[str, Any], str]] = [
            ({"seed": -1}, "seed"),
            ({"seed": 1, "executor": object()}, "executor"),
            ({"seed": 1, "households": [1, 2]}, "households"),
            ({"seed": 1, "tasks": 0}, "tasks"),
        ]
        for kwargs, field in cases:
            with pytest.raises(ILPError) as info:
                sim.simulate(pop, hist, network, START, 2, **kwargs)
            assert info.value.field == field
        with pytest.raises(PopulationError):
            sim.simulate(pop, History.empty(_people(10, 2)[0]), network, START, 2, seed=1)


class TestConservation:
    def test_nobody_is_lost_births_come_in_and_deaths_go_out(
        self, run: SimResult, people: tuple[Population, History]
    ) -> None:
        """Each month alive at the end = alive at the start + births - deaths, and months chain."""
        pe = run.people
        assert np.array_equal(pe["alive_end"], pe["alive_start"] + pe["births"] - pe["deaths"])
        assert np.array_equal(pe["alive_start"][1:], pe["alive_end"][:-1])
        pop, _ = people
        assert pe["alive_start"][0] == len(pop)
        final = run.population
        assert final is not None
        assert len(final) == len(pop) + pe["births"].sum()
        assert set(pop.ids.tolist()) <= set(final.ids.tolist())
        end = run.months[-1].add(months=1).toordinal()
        assert np.count_nonzero(final.death != NO_DAY) == pe["deaths"].sum()
        assert (
            np.count_nonzero((final.birth <= end) & (final.death == NO_DAY)) == pe["alive_end"][-1]
        )
        assert pe["births"].sum() > 0
        assert pe["deaths"].sum() > 0

    def test_partitions_add_up_to_the_whole(self, run: SimResult) -> None:
        """Per-Puskesmas totals sum to the monthly totals."""
        parts = run.partitions
        assert [run.sites[k] for k in parts["puskesmas"]] == ["pkm0", "pkm1"]
        assert parts["births"].sum() == run.people["births"].sum()
        assert parts["deaths"].sum() == run.people["deaths"].sum()
        assert parts["alive_end"].sum() == run.people["alive_end"][-1]
        assert parts["received"].sum() == run.demand["received"].sum()

    def test_babies_join_their_mothers_residence_and_household(self, network: Network) -> None:
        """Each baby lives where its mother lives and joins her family."""
        pop, hist = _people(2000, 3, pregnant=True)
        families = np.arange(len(pop)) // 3
        result = sim.simulate(pop, hist, network, START, 4, seed=2, households=families)
        final = result.population
        assert final is not None
        assert result.households is not None
        born = np.flatnonzero(final.birth >= START.toordinal())
        assert len(born) > 10
        index = {pid: i for i, pid in enumerate(final.ids.tolist())}
        for row in born.tolist():
            mother = index[final.ids[row].rsplit(".b", 1)[0]]
            assert final.residence[row] == final.residence[mother]
            assert result.households[row] == result.households[mother]
            delivered = (final.preg_person == mother) & (final.preg_delivery == final.birth[row])
            assert delivered.any()

    def test_received_is_never_more_than_due(self, run: SimResult) -> None:
        """Per month, site, cluster and service: received <= due, missed = due - received."""
        d = run.demand
        assert len(d) > 0
        assert (d["received"] <= d["due"]).all()
        assert np.array_equal(d["missed"], d["due"] - d["received"])
        assert (d["due"] > 0).all()
        cov = run.coverage
        assert (cov["received"] <= cov["due"]).all()
        assert ((run.coverage_rate() >= 0) & (run.coverage_rate() <= 1)).all()

    def test_what_is_received_joins_the_history_within_each_life(
        self, run: SimResult, people: tuple[Population, History]
    ) -> None:
        """Records grow by what was received, dated within the run and within each life."""
        _, hist = people
        final, history = run.population, run.history
        assert final is not None
        assert history is not None
        assert len(history) == len(hist) + run.demand["received"].sum()
        # from_arrays checks every record against its person's birth and death
        History.from_arrays(
            final,
            person=history.rec_person,
            code=history.rec_code,
            day=history.rec_day,
            codes=history.codes,
        )
        new = history.rec_day >= START.toordinal()
        assert history.rec_day[new].max() < run.months[-1].add(months=1).toordinal()

    def test_a_once_only_service_is_not_given_twice(self, run: SimResult) -> None:
        """Later months see earlier records: nobody gets BCG or a dose of a series twice."""
        history = run.history
        assert history is not None
        for code in ("BCG", "OPV-1", "DPT-HB-HIB-1", "HB0"):
            person, _ = history.of_code(code)
            assert len(np.unique(person)) == len(person)

    def test_staff_minutes_follow_the_received_services(self, run: SimResult) -> None:
        """Minutes are received x minutes per service; per site they add up."""
        d = run.demand
        per = np.array([run.params.minutes_of(national().service(c)) for c in run.codes])
        assert np.allclose(d["minutes"], d["received"] * per[d["service"]])
        staff = run.staff()
        assert staff["minutes"].sum() == pytest.approx(d["minutes"].sum())
        assert set(run.site_types) == {"posyandu", "pustu", "puskesmas"}

    def test_services_are_given_at_the_nearest_site_that_gives_them(self, run: SimResult) -> None:
        """Posyandu services at the Posyandu; a desa without a Pustu falls back to its Puskesmas."""
        recs = run.to_records()
        bcg = {r["site_type"] for r in recs if r["service"] == "BCG"}
        assert bcg == {"posyandu"}
        anc = {r["site"] for r in recs if r["service"] == "ANC-K1"}
        assert anc <= {"pustu-kec0-d0", "pustu-kec1-d0", "pkm0", "pkm1"}
        assert "pkm0" in anc or "pkm1" in anc
        ckg = {r["site_type"] for r in recs if r["service"] == "CKG"}
        assert ckg <= {"puskesmas"}


class TestReproducibility:
    def test_the_same_seed_gives_the_same_result_and_another_seed_another(
        self, network: Network, people: tuple[Population, History], run: SimResult
    ) -> None:
        """Randomness comes from the seed alone."""
        again = sim.simulate(*people, network, START, 6, seed=7)
        assert again.same_as(run)
        other = sim.simulate(*people, network, START, 6, seed=8)
        assert not other.same_as(run)

    def test_grouping_partitions_into_tasks_does_not_change_the_result(
        self, network: Network, people: tuple[Population, History], run: SimResult
    ) -> None:
        """Each Puskesmas draws from its own stream, whatever task it runs in."""
        split = sim.simulate(*people, network, START, 6, seed=7, tasks=2)
        assert len(split.seconds) == 2
        assert split.same_as(run)

    def test_merging_records_a_few_at_a_time_changes_nothing(
        self, network: Network, people: tuple[Population, History], run: SimResult
    ) -> None:
        """The records are merged a chunk at a time: with chunks of a few the run is the same."""
        with patch.object(_records, "_CHUNK", 3):
            small = sim.simulate(*people, network, START, 6, seed=7)
        assert small.same_as(run)

    def test_a_process_pool_gives_the_same_result_as_one_process(
        self, network: Network, people: tuple[Population, History], run: SimResult
    ) -> None:
        """executor=ProcessPoolExecutor(2) equals executor=None."""
        seen: list[tuple[int, int]] = []
        with ProcessPoolExecutor(2) as pool:
            pooled = sim.simulate(
                *people,
                network,
                START,
                6,
                seed=7,
                executor=pool,
                progress=lambda d, t: seen.append((d, t)),
            )
        assert pooled.same_as(run)
        assert seen[-1][0] == seen[-1][1]

    def test_dask_gives_the_same_result_as_one_process(
        self, network: Network, people: tuple[Population, History], run: SimResult
    ) -> None:
        """A Dask LocalCluster's executor equals executor=None."""
        distributed = pytest.importorskip("dask.distributed")
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            result = sim.simulate(
                *people, network, START, 6, seed=7, executor=client.get_executor()
            )
        assert result.same_as(run)


class TestEdges:
    def test_arguments_of_the_wrong_type_are_named(
        self, network: Network, people: tuple[Population, History]
    ) -> None:
        """Each argument of the wrong kind raises a PopulationError naming it."""
        pop, hist = people
        cases: list[tuple[tuple[Any, ...], dict[str, Any], str]] = [
            (([], hist, network), {}, "population"),
            ((pop, [], network), {}, "history"),
            ((pop, hist, "network.yaml"), {}, "network"),
            ((pop, hist, network), {"params": {"dropout": 0.1}}, "params"),
            ((pop, hist, network), {"region": "je"}, "region"),
            ((pop, hist, network), {"catalogue": "national"}, "catalogue"),
            ((pop, hist, network), {"keep_population": 1}, "keep_population"),
        ]
        call: Any = sim.simulate  # called with wrong types on purpose
        for args, kwargs, field in cases:
            with pytest.raises(PopulationError) as info:
                call(*args, START, 1, seed=1, **kwargs)
            assert info.value.field == field
        make: Any = SimParams
        bad: list[tuple[dict[str, Any], str]] = [
            ({"attendance": [("BCG", 0.5)]}, "params"),
            ({"fertility": 3}, "fertility"),
            ({"seed_pregnancies": "yes"}, "seed_pregnancies"),
            ({"attendance": {1: 0.5}}, "attendance"),
            ({"minutes": {1: 5}}, "minutes"),
        ]
        for changes, name in bad:
            with pytest.raises(PopulationError) as info:
                make(**changes)
            assert info.value.field == name

    def test_people_without_a_residence_or_a_puskesmas_are_refused(self, network: Network) -> None:
        """Everyone must live in an area of the network that a Puskesmas serves."""
        pop, _ = _people(50, 4)
        homeless = Population(
            ids=pop.ids, birth=pop.birth, sex=pop.sex, residence=np.full(50, -1, dtype=np.int32)
        )
        with pytest.raises(PopulationError, match="no residence") as info:
            sim.simulate(homeless, None, network, START, 1, seed=1)
        assert info.value.field == "residence"
        bare = Network(
            [
                Area("kec0", "K", AreaLevel.KECAMATAN),
                Area("kec0-d0-u0", "U", AreaLevel.DUSUN, parent="kec0"),
            ],
            [],
            id="bare",
        )
        one = Population(ids=pop.ids[:1], birth=pop.birth[:1], sex=pop.sex[:1],
                         residence=np.zeros(1, dtype=np.int32), areas=("kec0-d0-u0",))  # fmt: skip
        with pytest.raises(PopulationError, match="no Puskesmas"):
            sim.simulate(one, None, network=bare, start=START, months=1, seed=1)

    def test_rows_out_of_birth_order_and_later_records_are_handled(self, network: Network) -> None:
        """Rows in any order and records dated after the start: people still conserved."""
        pop, hist = _people(1500, 6)
        order = np.random.default_rng(0).permutation(len(pop))
        shuffled, moved = pop.take(order), hist.take(order)
        later = History.from_arrays(
            shuffled,
            person=np.concatenate([moved.rec_person, [0]]),
            code=np.concatenate([moved.rec_code, [0]]),
            day=np.concatenate([moved.rec_day, [START.add(days=3).toordinal()]]),
            codes=moved.codes,
        )
        result = sim.simulate(shuffled, later, network, START, 3, seed=3)
        p = result.people
        assert np.array_equal(p["alive_end"], p["alive_start"] + p["births"] - p["deaths"])
        assert result.population is not None
        assert set(result.population.ids.tolist()) >= set(pop.ids.tolist())

    def test_a_site_that_does_not_give_a_service_passes_it_on(
        self, network: Network, people: tuple[Population, History]
    ) -> None:
        """Posyandu that stop giving BCG send it to the Pustu; no opening rule means any day."""
        facilities = [
            Facility(
                f.id,
                f.name,
                f.type,
                f.area,
                parent=f.parent,
                services_removed={"BCG"} if f.type is FacilityType.POSYANDU else set(),
            )
            for f in network.facilities
        ]
        changed = Network(network.areas, facilities, id="changed")
        result = sim.simulate(*people, changed, START, 2, seed=7, keep_population=False)
        bcg = {r["site_type"] for r in result.to_records() if r["service"] == "BCG"}
        assert "posyandu" not in bcg
        assert bcg <= {"pustu", "puskesmas"}
        assert result.population is None

    def test_a_failing_task_stops_the_run(
        self, network: Network, people: tuple[Population, History], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A task's failure is raised from simulate; the other tasks are cancelled."""
        from concurrent.futures import ThreadPoolExecutor

        def broken(task: Any) -> Any:
            raise PopulationError("task failed", field="test")

        from ilp.population.simulation import _run

        monkeypatch.setattr(_run, "run_task_quietly", broken)
        with ThreadPoolExecutor(1) as pool, pytest.raises(PopulationError, match="task failed"):
            sim.simulate(*people, network, START, 2, seed=1, executor=pool, tasks=2)

    def test_same_as_looks_at_every_part(self, run: SimResult) -> None:
        """Results differing in tables, people or records are not the same."""
        import attrs

        assert run.same_as(run)
        assert not run.same_as(attrs.evolve(run, seed=99))
        assert not run.same_as(attrs.evolve(run, demand=run.demand[:-1]))
        assert not run.same_as(attrs.evolve(run, population=None, history=None))
        assert not run.same_as(attrs.evolve(run, households=np.zeros(3, dtype=np.int32)))
        assert run.population is not None
        other = attrs.evolve(
            run, population=run.population.take(np.arange(len(run.population))[::-1])
        )
        assert not run.same_as(other)
        assert run.history is not None
        empty = attrs.evolve(run, history=History.empty(run.population))
        assert not run.same_as(empty)


class TestFiles:
    def test_npz_round_trip_keeps_every_table(self, run: SimResult, tmp_path: Path) -> None:
        """save then load gives the same tables."""
        path = tmp_path / "run.npz"
        run.save(path)
        back = SimResult.load(path)
        for name in ("demand", "coverage", "people", "partitions"):
            assert np.array_equal(getattr(back, name), getattr(run, name))
        assert back.months == run.months
        assert back.params == run.params
        assert back.population is None
        assert [p.name for p in tmp_path.iterdir()] == ["run.npz"]

    def test_csv_holds_the_demand_table(self, run: SimResult, tmp_path: Path) -> None:
        """One row per demand record, with names instead of indices."""
        path = tmp_path / "run.csv"
        run.save(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        assert (
            lines[0]
            == "month,site,site_type,puskesmas,cluster,service,group,due,received,missed,minutes"
        )
        assert len(lines) == len(run.demand) + 1

    def test_a_failure_while_writing_leaves_no_file(
        self, run: SimResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The result is written aside and renamed: a failure midway leaves nothing behind."""
        path = tmp_path / "run.npz"

        def broken(f: Any, **arrays: Any) -> None:
            f.write(b"PK\x03\x04 half a zip")
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(np, "savez_compressed", broken)
        with pytest.raises(PopulationError, match="No space left"):
            run.save(path)
        assert list(tmp_path.iterdir()) == []

    def test_an_old_file_survives_a_failed_write(
        self, run: SimResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Overwriting keeps the previous file whole until the new one is complete."""
        path = tmp_path / "run.csv"
        path.write_text("old\n", encoding="utf-8")
        from ilp.population.simulation import _io

        monkeypatch.setattr(
            _io, "result_csv", lambda result: (_ for _ in ()).throw(KeyboardInterrupt)
        )
        with pytest.raises(KeyboardInterrupt):
            run.save(path)
        assert path.read_text(encoding="utf-8") == "old\n"
        assert [p.name for p in tmp_path.iterdir()] == ["run.csv"]

    def test_a_bad_file_name_is_refused(self, run: SimResult, tmp_path: Path) -> None:
        """Only .npz and .csv are written, into a folder that exists."""
        with pytest.raises(PopulationError) as info:
            run.save(tmp_path / "run.xlsx")
        assert info.value.field == "path"
        with pytest.raises(PopulationError, match="cannot write"):
            run.save(tmp_path / "no" / "such" / "run.npz")

    def test_files_that_are_not_saved_results_are_refused(self, tmp_path: Path) -> None:
        """A missing file, another .npz, or one with arrays missing raise PopulationError."""
        with pytest.raises(PopulationError, match="not a saved simulation"):
            SimResult.load(tmp_path / "missing.npz")
        np.savez(tmp_path / "other.npz", a=np.arange(3))
        with pytest.raises(PopulationError, match="not a simulation saved by ilp"):
            SimResult.load(tmp_path / "other.npz")
        np.savez(tmp_path / "part.npz", ilp_simulation_format=np.array([1]))
        with pytest.raises(PopulationError, match="array 'months' is missing"):
            SimResult.load(tmp_path / "part.npz")


class TestPlainData:
    def test_records_name_months_sites_and_services(self, run: SimResult) -> None:
        """to_records gives dicts with ids and codes, one per row of each table."""
        recs = run.to_records()
        assert len(recs) == len(run.demand)
        assert set(recs[0]) == {"month", "site", "site_type", "puskesmas", "cluster", "service",
                                "group", "due", "received", "missed", "minutes"}  # fmt: skip
        assert recs[0]["month"] == "2025-01-01"
        assert len(run.to_records("people")) == 6
        assert {r["desa"] for r in run.to_records("coverage")} == set(run.desas)
        assert len(run.to_records("partitions")) == 2
        assert len(run.to_records("staff")) == len(run.staff())
        with pytest.raises(PopulationError):
            run.to_records("nothing")

    def test_to_frame_of_an_empty_table_keeps_its_columns(
        self, run: SimResult, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An empty table is an empty DataFrame with the same columns; no pandas, a clear error."""
        import importlib

        import attrs

        pytest.importorskip("pandas")
        empty = attrs.evolve(run, demand=run.demand[:0])
        assert list(empty.to_frame().columns) == list(run.to_frame().columns)
        assert len(empty.to_frame()) == 0
        real = importlib.import_module

        def no_pandas(name: str, *args: Any) -> Any:
            if name == "pandas":
                raise ImportError(name)
            return real(name, *args)

        monkeypatch.setattr(importlib, "import_module", no_pandas)
        with pytest.raises(ImportError, match=r"pip install 'ilp\[frames\]'"):
            run.to_frame()

    def test_to_frame_is_one_call(self, run: SimResult) -> None:
        """With pandas installed, each table is a DataFrame of the same rows."""
        pytest.importorskip("pandas")
        frame = run.to_frame()
        assert len(frame) == len(run.demand)
        assert frame["received"].sum() == run.demand["received"].sum()
        assert list(run.to_frame("people").columns) == [
            "month",
            "alive_start",
            "births",
            "deaths",
            "alive_end",
        ]


class TestCalibration:
    def test_bcg_coverage_of_babies_born_in_the_run_is_near_the_survey_figure(
        self, network: Network
    ) -> None:
        """About 91 % of babies get BCG (Susenas 2023: 90.86 %), within 8 points."""
        pop, hist = _people(20_000, 5, pregnant=True)
        result = sim.simulate(pop, hist, network, START, 12, seed=5)
        final, history = result.population, result.history
        assert final is not None
        assert history is not None
        old_enough = START.add(months=6).toordinal()
        babies = np.flatnonzero(
            (final.birth >= START.toordinal())
            & (final.birth < old_enough)
            & (final.death == NO_DAY)
        )
        assert len(babies) > 100
        person, _ = history.of_code("BCG")
        got = np.isin(babies, person).mean()
        assert abs(got - 0.9086) < 0.08


class TestCommand:
    def _args(self, tmp_path: Path, **changes: Any) -> Any:
        import argparse

        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers(dest="command")
        _cli_simulate.add_parser(sub, argparse.ArgumentParser)
        net = Path(__file__).parents[2] / "src/ilp/data/demo/kecamatan/network.yaml"
        argv = ["simulate", "--network", str(net), "--register", str(net.parent), "--start",
                "2025-11-01", "--months", "2", "--seed", "1", "--out", str(tmp_path / "out.npz"),
                "--workers", "1", "--quiet"]  # fmt: skip
        for key, value in changes.items():
            argv[argv.index(f"--{key}") + 1] = value
        return parser.parse_args(argv)

    def test_simulate_writes_the_result(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The demo register for two months: one line of summary and an .npz file."""
        import io

        out = io.StringIO()
        assert _cli_simulate.run(self._args(tmp_path), out) == 0
        assert "wrote" in out.getvalue()
        assert SimResult.load(tmp_path / "out.npz").people["alive_start"][0] == 1100

    def test_simulate_draws_people_and_writes_csv_with_a_progress_bar(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--synthetic N draws the people; no bar when stderr is not a terminal; .csv holds demand."""
        import io

        args = self._args(tmp_path, out=str(tmp_path / "out.csv"), workers="2")
        args.register, args.synthetic, args.quiet, args.je_endemic = None, 500, False, True
        assert _cli_simulate.run(args, io.StringIO()) == 0
        assert capsys.readouterr().err == ""  # a log file gets no carriage-return frames
        header = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("month,site,site_type")
        args.synthetic = 0
        assert _cli_simulate.run(args, io.StringIO()) == 2
        assert "--synthetic" in capsys.readouterr().err

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"months": "0"}, "months: 0"),
            ({"start": "2025-02-30"}, "--start"),
            ({"seed": "-2"}, "seed"),
            ({"out": "result.txt"}, ".npz or .csv"),
            ({"out": "/no/such/folder/result.npz"}, "does not exist"),
            ({"workers": "0"}, "--workers"),
            ({"register": "/no/such/register.yaml"}, "no such file"),
        ],
    )
    def test_bad_config_exits_2_with_one_line(
        self,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        changes: dict[str, str],
        message: str,
    ) -> None:
        """Exit status 2, one line on standard error, no file written."""
        import io

        assert _cli_simulate.run(self._args(tmp_path, **changes), io.StringIO()) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ")
        assert err.count("\n") == 1
        assert message in err
        assert list(tmp_path.iterdir()) == []

    def test_a_run_that_fails_midway_writes_no_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A failure in the second month: exit 2 and nothing at --out."""
        import io

        calls = []
        from ilp.population import due_batch as real

        def failing(*args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            if len(calls) > 6:
                raise PopulationError("simulated failure", field="test")
            return real(*args, **kwargs)

        from ilp.population.simulation import _attendance

        monkeypatch.setattr(_attendance, "due_batch", failing)
        assert _cli_simulate.run(self._args(tmp_path), io.StringIO()) == 2
        assert "simulated failure" in capsys.readouterr().err
        assert list(tmp_path.iterdir()) == []


class TestBaseline:
    def test_a_seeded_run_matches_the_stored_baseline(self, run: SimResult) -> None:
        """Totals of a 3,000-person, 6-month run have not drifted."""
        d = run.demand
        groups = np.array(run.code_groups)[d["service"]]
        found = {
            "people": run.to_records("people"),
            "due": int(d["due"].sum()),
            "received": int(d["received"].sum()),
            "received_by_group": {g: int(d["received"][groups == g].sum()) for g in run.groups},
            "minutes": float(d["minutes"].sum()),
        }
        if os.environ.get("ILP_UPDATE_BASELINE"):
            BASELINE.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
            pytest.skip("baseline rewritten")
        assert found == json.loads(BASELINE.read_text(encoding="utf-8"))


class TestRegionsOfAreas:
    def test_je_is_in_demand_only_where_the_area_is_endemic(
        self, network: Network, people: tuple[Population, History]
    ) -> None:
        """Without a region passed, each person takes the flags of their area (kec0 endemic)."""
        pop, hist = people
        endemic = Network(
            tuple(
                attrs.evolve(a, flags={"je_endemic": True}) if a.id == "kec0" else a
                for a in network.areas
            ),
            network.facilities,
            id="test",
        )
        result = sim.simulate(pop, hist, endemic, START, 2, seed=7)
        je = result.codes.index("JE")
        d = result.demand
        rows = d["service"] == je
        assert int(d["due"][rows].sum()) > 0
        sites = {result.sites[s] for s in np.unique(d["site"][rows & (d["due"] > 0)])}
        assert sites
        assert all("kec0" in s or s == "pkm0" for s in sites), sites
        plain = sim.simulate(pop, hist, network, START, 2, seed=7)
        assert "JE" not in plain.codes or not int(
            plain.demand["due"][plain.demand["service"] == plain.codes.index("JE")].sum()
        )


# -- the simulation's own record keeping against the plain construction -------------

CODES = ("A", "B", "C", "D", "E")


def _checked(persons: int, person: Any, code: Any, day: Any) -> History:
    """Records sorted the plain way and checked by History."""
    p, c, d = (np.asarray(x, dtype=np.int64) for x in (person, code, day))
    order = np.lexsort((d, p, c))
    return History(
        CODES,
        p[order].astype(np.int32),
        c[order].astype(np.int16),
        d[order].astype(np.int32),
        persons,
    )


def _batch(draw: Any, persons: int, days: tuple[int, int]) -> list[tuple[int, int, int]]:
    one = st.tuples(st.integers(0, persons - 1), st.integers(0, len(CODES) - 1), st.integers(*days))
    return list(draw(st.lists(one, max_size=25)))


@st.composite
def _growth(draw: Any) -> tuple[int, list[tuple[int, int, int]], list[list[tuple[int, int, int]]]]:
    """People, records given at the start, and batches added later: most of them after every
    record before them (a month's), some anywhere (a history reaching past the start)."""
    persons = draw(st.integers(1, 12))
    first = _batch(draw, persons, (100, 130))
    batches = []
    day = 130
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            batches.append(_batch(draw, persons, (day, day + 30)))
            day += 31
        else:
            batches.append(_batch(draw, persons, (90, day + 30)))
    return persons, first, batches


def _columns(records: list[tuple[int, int, int]]) -> tuple[Any, Any, Any]:
    if not records:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    p, c, d = zip(*records, strict=True)
    return np.array(p), np.array(c), np.array(d)


def _grow_and_compare(case: tuple[int, list[Any], list[list[Any]]]) -> None:
    """Add *case*'s batches to its first records; after each, the history handed out is
    that of all records so far sorted by (code, person, day) and checked. The records
    given at the start are read, never written (they are the caller's)."""
    persons, first, batches = case
    given = _checked(persons, *_columns(first))
    was = [x.copy() for x in (given.rec_person, given.rec_code, given.rec_day)]
    records = Records(given)
    so_far = list(first)
    for batch in batches:
        p, c, d = _columns(batch)
        records.add(p.astype(np.int32), c.astype(np.int16), d.astype(np.int32))
        so_far += batch
        want = _checked(persons, *_columns(so_far))
        parts = records.history(persons)
        got = whole(parts)
        for name in ("rec_person", "rec_code", "rec_day", "offsets"):
            assert np.array_equal(getattr(got, name), getattr(want, name)), name
        assert got.codes == want.codes
        assert got.persons == persons
        # the day spans kept as the records grow are those found from scratch, handed out
        spans = day_spans(want.offsets, want.rec_day)
        assert np.array_equal(records.spans, spans)
        for part in (parts, rest_of(parts)):
            if part is not None:  # each part's, handed out with it, as found from scratch
                fresh = _checked(persons, part.rec_person, part.rec_code, part.rec_day)
                assert [day_span(part, c) for c in CODES] == [day_span(fresh, c) for c in CODES]
                History(CODES, part.rec_person, part.rec_code, part.rec_day, persons)
        # and the history handed out passes every check History makes
        History(CODES, got.rec_person, got.rec_code, got.rec_day, persons)
    for column, before in zip((given.rec_person, given.rec_code, given.rec_day), was, strict=True):
        assert np.array_equal(column, before)


class TestRecords:
    @settings(deadline=None, max_examples=80)
    @given(_growth())
    def test_records_added_in_batches_are_the_sorted_checked_history(
        self, case: tuple[int, list[Any], list[list[Any]]]
    ) -> None:
        """After every batch, the columns, the code offsets and the history handed out are
        those of all records so far sorted by (code, person, day) and checked."""
        _grow_and_compare(case)

    @settings(deadline=None, max_examples=60)
    @given(_growth(), st.integers(1, 9), st.integers(1, 9))
    def test_records_merged_a_few_at_a_time_are_the_sorted_checked_history(
        self, case: tuple[int, list[Any], list[list[Any]]], chunk: int, short: int
    ) -> None:
        """The merge works chunk by chunk of the output; with chunks of a few records (so
        that new records fall in many chunks, at their edges too; in place, chunks as
        long as the shift of their old records, or set aside when shorter than *short*)
        the columns and offsets are still those of all records sorted by (code, person,
        day)."""
        with patch.object(_records, "_CHUNK", chunk), patch.object(_records, "_SHORT", short):
            _grow_and_compare(case)

    @settings(deadline=None, max_examples=60)
    @given(_growth(), st.data())
    def test_the_records_of_some_rows_and_codes_are_those_of_the_checked_history(
        self, case: tuple[int, list[Any], list[list[Any]]], data: st.DataObject
    ) -> None:
        """``of_rows`` keeps the records of the chosen codes (renumbered in the order asked)
        and rows (renumbered from 0), as filtering and sorting them plainly does."""
        persons, first, _ = case
        records = Records(_checked(persons, *_columns(first)))
        rows = sorted(data.draw(st.sets(st.integers(0, persons - 1))))
        codes = tuple(data.draw(st.permutations(CODES))[: data.draw(st.integers(1, 5))])
        new = np.full(persons, -1, dtype=np.int64)
        new[rows] = np.arange(len(rows))
        got = records.of_rows(codes, np.array(rows, dtype=np.intp))
        kept = [
            (int(new[p]), codes.index(CODES[c]), d)
            for p, c, d in first
            if new[p] >= 0 and CODES[c] in codes
        ]
        p, c, d = _columns(kept)
        order = np.lexsort((d, p, c))
        assert got.codes == codes
        assert got.persons == len(rows)
        assert got.rec_person.tolist() == p[order].tolist()
        assert got.rec_code.tolist() == c[order].tolist()
        assert got.rec_day.tolist() == d[order].tolist()
        History(codes, got.rec_person, got.rec_code, got.rec_day, len(rows))

    @pytest.mark.parametrize("later", [True, False])
    def test_batches_beyond_the_room_kept_grow_it(self, later: bool) -> None:
        """Batches of thousands (more than the room kept at the start), all later than the
        records before them or reaching back before them, still give the sorted history."""
        rng = np.random.default_rng(4)
        persons = 50
        start = _checked(persons, [0, 7, 3], [0, 2, 4], [200, 201, 202])
        records = Records(start)
        p, c, d = [start.rec_person], [start.rec_code], [start.rec_day]
        for month in range(3):
            size = 3000 * (month + 1)
            days = rng.integers(100, 200, size) if not later else rng.integers(0, 30, size)
            batch = (
                rng.integers(0, persons, size).astype(np.int32),
                rng.integers(0, len(CODES), size).astype(np.int16),
                (days + (203 + 31 * month if later else 0)).astype(np.int32),
            )
            records.add(*batch)
            for column, values in zip((p, c, d), batch, strict=True):
                column.append(values)
        want = _checked(persons, *(np.concatenate(x) for x in (p, c, d)))
        got = whole(records.history(persons))
        for name in ("rec_person", "rec_code", "rec_day", "offsets"):
            assert np.array_equal(getattr(got, name), getattr(want, name)), name

    def test_nothing_added_changes_nothing(self) -> None:
        """An empty batch leaves the records as they were."""
        start = _checked(3, [0, 2, 1], [1, 1, 0], [5, 6, 7])
        records = Records(start)
        none = np.zeros(0, dtype=np.int32)
        records.add(none, none.astype(np.int16), none)
        assert records.n == 3
        assert records.person.tolist() == start.rec_person.tolist()


class TestPerRun:
    @settings(deadline=None, max_examples=60)
    @given(st.lists(st.integers(-3, 3), max_size=40), st.booleans())
    def test_a_rate_computed_per_run_is_the_rate_row_by_row(
        self, values: list[int], ordered: bool
    ) -> None:
        """A rate of the age computed once per run of equal birth days and spread over the
        run's rows is the rate computed row by row, byte for byte (rows in any order)."""
        days = np.array(sorted(values) if ordered else values, dtype=np.int32) + 739_000
        m0 = 739_010

        def rate(b: Any) -> Any:
            return 1 - np.exp(-SimParams().mortality((m0 - b) / 365.25) * 31 / 365.25)

        got, want = per_run(days, rate), rate(days)
        assert got.dtype == want.dtype
        assert got.tobytes() == want.tobytes()


class TestDrawSteps:
    @settings(deadline=None, max_examples=200)
    @given(
        st.floats(0, 1, exclude_max=True),
        st.floats(0, 2, allow_nan=False) | st.just(float(np.nextafter(0.5, 1))),
    )
    def test_a_draw_below_a_chance_is_never_in_a_higher_step(
        self, draw: float, chance: float
    ) -> None:
        """The byte steps rule out only draws that are not below the chance: a draw below
        it (and no other, after the exact test) comes, whatever the chance."""
        steps = steps_of(np.array([draw, np.inf]))
        top = min(math.floor(chance * 256), 255)  # as TaskState makes a service's top step
        if draw < chance:
            assert steps[0] <= top
        assert steps[1] == 255  # the unreached and disengaged: ruled out by the exact test


class TestBornBy:
    @settings(deadline=None, max_examples=200)
    @given(st.integers(700_000, 800_000), st.sampled_from([15, 50]) | st.floats(0, 120))
    def test_a_birth_day_is_up_to_the_limit_exactly_when_the_age_is_reached(
        self, day: int, years: float
    ) -> None:
        """``birth <= born_by(day, years)`` is the age test ``(day - birth) / 365.25 >=
        years`` made row by row, for the birth days around the limit."""
        births = np.arange(day - int(years * 365.25) - 40, day - int(years * 365.25) + 40)
        births = births.astype(np.int32)
        want = (day - births) / 365.25 >= years
        assert ((births <= born_by(day, years)) == want).all()


class TestPerKey:
    @settings(deadline=None, max_examples=60)
    @given(st.integers(0, 300), st.integers(0, 2000), st.integers(1, 20), st.integers(0, 2**32 - 1))
    def test_flags_counted_a_byte_at_a_time_are_the_counts_group_by_group(
        self, n: int, size: int, groups: int, seed: int
    ) -> None:
        """Coverage counts (rows per key and group whose flag is set) made eight groups at
        a time as bytes are those of a bincount per group, for few keys and for many."""
        rng = np.random.default_rng(seed)
        size = max(size, 1) if n else size
        key = rng.integers(0, max(size, 1), n).astype(np.intp)
        flags = rng.random((groups, n)) < rng.random((groups, 1))
        want = np.zeros((size, groups), dtype=np.int64)
        for g in range(groups):
            want[:, g] = np.bincount(key[flags[g]], minlength=size)
        got = _per_key(key, flags, size)
        assert got.dtype == want.dtype
        assert got.tolist() == want.tolist()


class TestTrustedHistory:
    @settings(deadline=None, max_examples=30)
    @given(st.data())
    def test_a_task_takes_the_same_records_as_history_take(self, data: st.DataObject) -> None:
        """A task's people and records (taken without a second check) are those that the
        checked ``Population.take`` and ``History.take`` give for the same rows."""
        pop, hist = _people(300, data.draw(st.integers(0, 5)), pregnant=True)
        rows = np.array(sorted(data.draw(st.sets(st.integers(0, 299), min_size=1))))
        if data.draw(st.booleans()):  # every row (one task holds them all)
            rows = np.arange(300)
        task_pop, task_hist = take_ascending(pop, hist, rows)
        want_pop, want_hist = pop.take(rows), hist.take(rows)
        for name in ("rec_person", "rec_code", "rec_day", "offsets"):
            assert np.array_equal(getattr(task_hist, name), getattr(want_hist, name)), name
        assert task_hist.persons == want_hist.persons == len(rows)
        assert np.array_equal(task_pop.ids, want_pop.ids)
        assert np.array_equal(task_pop.preg_person, want_pop.preg_person)

    def test_it_equals_the_checked_history_of_the_same_columns(self) -> None:
        """Same fields and code offsets as History builds after its checks."""
        want = _checked(4, [3, 0, 0, 2, 1], [4, 0, 0, 2, 4], [9, 5, 3, 7, 8])
        got = _trusted_history(CODES, want.rec_person, want.rec_code, want.rec_day, 4)
        assert isinstance(got, History)
        assert got.codes == want.codes
        assert got.persons == 4
        assert got.offsets.tolist() == want.offsets.tolist() == [0, 2, 2, 3, 3, 5]
        assert repr(got) == repr(want)

    def test_every_month_s_view_of_the_people_passes_the_population_checks(
        self, network: Network, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The monthly view of the people is built without the checks; built again with
        them from the same columns, each month's is accepted and the same."""
        real = TaskState.population
        seen: list[int] = []

        def checked(self: TaskState, m0: int) -> Population:
            view = real(self, m0)
            fields = [f.name for f in attrs.fields(Population) if f.init]
            again = Population(**{name: getattr(view, name) for name in fields})
            for name in fields:
                got, want = getattr(view, name), getattr(again, name)
                if isinstance(want, np.ndarray):
                    assert got.dtype == want.dtype, name
                    assert np.array_equal(got, want), name
                else:
                    assert got == want, name
            assert view.birth_sorted == again.birth_sorted
            seen.append(m0)
            return view

        monkeypatch.setattr(TaskState, "population", checked)
        pop, hist = _people(2000, 3, pregnant=True)
        result = sim.simulate(pop, hist, network, START, 4, seed=3)
        assert len(seen) == 4
        assert int(result.people["births"].sum()) > 0

    def test_code_offsets_reach_the_last_code_a_history_can_hold(self) -> None:
        """With 32767 codes (the most int16 holds) the bounds still end at the last record."""
        code = np.array([0, 0, 5, 32766, 32766], dtype=np.int16)
        bounds = code_offsets(code, 32767)
        assert len(bounds) == 32768
        assert bounds[:7].tolist() == [0, 2, 2, 2, 2, 2, 3]
        assert bounds[32766] == 3
        assert bounds[32767] == 5


def _every_week_of_everyone(
    self: Attendance, pop: Population, result: Any, m0: int, m1: int
) -> Iterator[Pick]:
    """The newborn questions as first written: every row, every week, the last one too."""
    _, newborn, _ = self._catalogues()
    assert newborn is not None
    full = whole(self.history())  # the two parts as one
    people, kinds, days = [], [], []
    for i, code in enumerate(newborn.codes):
        k = full.codes.index(code)
        lo, hi = int(full.offsets[k]), int(full.offsets[k + 1])
        people.append(full.rec_person[lo:hi])
        kinds.append(np.full(hi - lo, i, dtype=np.int16))
        days.append(full.rec_day[lo:hi])
    sub = History(
        newborn.codes,
        np.concatenate(people),
        np.concatenate(kinds),
        np.concatenate(days),
        len(pop),
    )
    prev = m0 - 32
    for end in [*range(m0 + 6, m1, 7), m1]:
        weekly = due_batch(
            pop, sub, from_day(end), catalogue=newborn, region=self.t.region, horizon=m1 - end
        )
        yield from self._picks(weekly, m0, m1, born=(prev, end))
        prev = end


class TestNewbornQuestions:
    def test_babies_alone_and_the_last_week_from_the_month_give_the_same_run(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A run with births every month is the same, to the last record, as when every
        person is asked every week (the last week too) of the newborn entries."""
        pop, hist = _people(3000, 5, pregnant=True)
        network = _network()
        fast = sim.simulate(pop, hist, network, START, 4, seed=3)
        assert int(fast.people["births"].min()) > 0
        hb0 = fast.codes.index("HB0")
        assert int(fast.demand["due"][fast.demand["service"] == hb0].sum()) > 0
        monkeypatch.setattr(Attendance, "_newborn_picks", _every_week_of_everyone)
        plain = sim.simulate(pop, hist, network, START, 4, seed=3)
        assert fast.same_as(plain)
        assert fast.history is not None
        assert plain.history is not None
        assert len(fast.history) == len(plain.history)

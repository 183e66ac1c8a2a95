"""National runs from a small plan: each partition synthesized and simulated where it runs.

A plan is a list of :class:`PlanPart` values (a key, the network of the
partition, e.g. one Puskesmas' catchment or a kabupaten, and a number of
people). :func:`run_plan` sends each part to an executor; the worker draws
the part's population with :func:`~ilp.population.synthesize`, simulates it
with :func:`~ilp.population.simulate` and sends back only the aggregates
(a :class:`~ilp.population.SimResult` without the population). No machine
ever holds more than the parts it runs, so the national population never
has to fit anywhere. Each part's random streams come from a
:class:`numpy.random.SeedSequence` of the plan's seed and the part's key,
so a part's result is the same on one process, a process pool or a Dask
cluster, and whatever the other parts are.
"""

from __future__ import annotations

import concurrent.futures
import datetime as _dt
import hashlib
import os
import socket
import time
from collections.abc import Iterable
from typing import Any

import attrs
import numpy as np
import pendulum

from ilp.dates import as_date
from ilp.errors import PopulationError
from ilp.lifecycle import Catalogue
from ilp.network import Network
from ilp.population.simulation import SimParams, SimResult, simulate
from ilp.population.synthesis import SynthParams, synthesize

__all__ = ["PartResult", "PlanPart", "part_seeds", "run_plan"]


def _check_key(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value:
        msg = f"key: {value!r} is not a non-empty text"
        raise PopulationError(msg, field="key", value=value)


def _check_network(_: object, __: attrs.Attribute[Network], value: Network) -> None:
    if not isinstance(value, Network):
        msg = f"network: expected a Network, got {type(value).__name__}"
        raise PopulationError(msg, field="network", value=value)


def _check_size(_: object, __: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"size: {value!r} is not a whole number of people >= 1"
        raise PopulationError(msg, field="size", value=value)


@attrs.frozen
class PlanPart:
    """One partition of a national plan: its key, its network and how many people live on it.

    The key names the part and, with the plan's seed, seeds it: keep it
    stable (a Puskesmas or kabupaten code) to get the same part again.
    """

    key: str = attrs.field(validator=_check_key)
    network: Network = attrs.field(validator=_check_network, repr=False)
    size: int = attrs.field(validator=_check_size)


@attrs.frozen
class PartResult:
    """What a worker sends back for one part: the aggregates, and what the part cost."""

    key: str
    people: int
    #: The simulation's aggregate tables (no population).
    result: SimResult = attrs.field(repr=False)
    #: Wall-clock seconds to synthesize and to simulate the part, on the worker.
    seconds_synth: float
    seconds_simulate: float
    #: CPU seconds of the worker process for the whole part (less disturbed by other load).
    cpu_seconds: float
    #: Peak resident memory of the worker process after the part, in bytes (0 where unknown).
    peak_memory: int
    #: The process that ran the part (``host:pid``).
    worker: str


def part_seeds(seed: int, key: str) -> tuple[np.random.SeedSequence, int]:
    """The synthesis seed sequence and the simulation seed of the part *key* of a plan *seed*."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        msg = f"seed: {seed!r} is not a whole number >= 0"
        raise PopulationError(msg, field="seed", value=seed)
    words = np.frombuffer(hashlib.sha256(key.encode("utf-8")).digest(), dtype=np.uint32)
    root = np.random.SeedSequence([seed, *words.tolist()])
    synth, sim = root.spawn(2)
    return synth, int(sim.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def _peak_memory() -> int:
    try:
        import resource  # noqa: PLC0415 - POSIX only

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024
    except (ImportError, OSError):  # pragma: no cover - Windows has no resource module
        return 0


def _run_part(  # noqa: PLR0917 - the task's arguments, sent to a worker
    part: PlanPart,
    start: pendulum.Date,
    months: int,
    seed: int,
    synth_params: SynthParams | None,
    params: SimParams | None,
    catalogue: Catalogue | None,
) -> PartResult:
    synth_seed, sim_seed = part_seeds(seed, part.key)
    c0 = os.times()
    t0 = time.perf_counter()
    made = synthesize(
        seed=np.random.Generator(np.random.PCG64(synth_seed)),
        on=start,
        network=part.network,
        size=part.size,
        params=synth_params,
        catalogue=catalogue,
    )
    t1 = time.perf_counter()
    result = simulate(
        made.population,
        made.history,
        part.network,
        start,
        months,
        params=params,
        seed=sim_seed,
        catalogue=catalogue,
        keep_population=False,
        households=made.households,
    )
    t2 = time.perf_counter()
    c1 = os.times()
    cpu = c1.user + c1.system - c0.user - c0.system
    worker = f"{socket.gethostname()}:{os.getpid()}"
    return PartResult(
        part.key, len(made.population), result, t1 - t0, t2 - t1, cpu, _peak_memory(), worker
    )


def run_plan(
    parts: Iterable[PlanPart],
    start: pendulum.Date | _dt.date | str,
    months: int,
    *,
    seed: int,
    synth_params: SynthParams | None = None,
    params: SimParams | None = None,
    catalogue: Catalogue | None = None,
    executor: concurrent.futures.Executor | None = None,
) -> tuple[PartResult, ...]:
    """Synthesize and simulate each part of a plan where it runs; the results in plan order.

    Each part is one task: *executor* (any :class:`concurrent.futures.Executor`,
    e.g. a process pool or Dask's ``Client.get_executor()``) runs them; without
    one they run here, one after the other. Only each part's key, network
    and size go to the worker, and only its aggregates come back. The same
    *seed* gives the same results whatever runs them. Keys must be distinct.
    """
    plan = list(parts)
    seen: set[str] = set()
    for i, p in enumerate(plan):
        if not isinstance(p, PlanPart):
            msg = f"parts: item {i} is a {type(p).__name__}, not a PlanPart"
            raise PopulationError(msg, field="parts", value=p)
        if p.key in seen:
            msg = f"parts: key {p.key!r} appears twice"
            raise PopulationError(msg, field="key", value=p.key)
        seen.add(p.key)
    day = as_date(start, field="start")
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        msg = f"months: {months!r} is not a whole number of months >= 1"
        raise PopulationError(msg, field="months", value=months)
    part_seeds(seed, "")  # checks the seed before anything is sent
    args: list[Any] = [day, months, seed, synth_params, params, catalogue]
    if executor is None:
        return tuple(_run_part(p, *args) for p in plan)
    futures = [executor.submit(_run_part, p, *args) for p in plan]
    return tuple(f.result() for f in futures)

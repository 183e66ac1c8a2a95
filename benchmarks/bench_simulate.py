"""Benchmark: a million people simulated for 12 months, on one process and on a process pool.

Run by hand (never in CI):  python benchmarks/bench_simulate.py [--people N] [--months M] [--workers K]
[--skip-single] [--skip-pool]

It builds a made-up region (benchmarks/_simdata.py: one Puskesmas per
about 28,000 people, as Indonesia's 282 million people over about 10,000
Puskesmas; 8 desa per kecamatan, 4 dusun per desa), draws its people with
``ilp.population.synthesize`` (age, sex, families, pregnancies, conditions
and a year of service records), then times ``simulate`` twice: without an
executor (one process, one task) and with a ``ProcessPoolExecutor`` of
--workers processes, and checks that both give the same result. It reports
the wall time, the time of each task, people and records per Puskesmas,
and extrapolates the national population on a cluster from the
per-person-month cost. The one-process run also reports its CPU time (user
and system, ``time.process_time``: the figure to compare on a shared
machine), the load average and the process's peak RSS so far.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pendulum

sys.path.insert(0, str(Path(__file__).parent))

import _simdata

import ilp
from ilp.population import synthesize
from ilp.population.simulation import SimResult, simulate

START = pendulum.Date(2025, 1, 1)
NATIONAL = 282_000_000
PUSKESMAS_NATIONAL = 10_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=20251101)
    parser.add_argument("--skip-single", action="store_true", help="time the pool only")
    parser.add_argument(
        "--skip-pool", action="store_true", help="time one process only (and no extrapolation)"
    )
    args = parser.parse_args()
    print(
        f"ilp {ilp.__version__}, Python {platform.python_version()}, NumPy {np.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
    )
    puskesmas = max(1, round(args.people / (NATIONAL / PUSKESMAS_NATIONAL)))
    net = _simdata.network(puskesmas)
    began = time.perf_counter()
    drawn = synthesize(seed=args.seed, on=START, network=net, size=args.people)
    pop, hist = drawn.population, drawn.history
    print(
        f"region: {puskesmas} Puskesmas, {len(net.facilities)} sites; {len(pop):,} people, "
        f"{len(hist):,} records, {len(pop.preg_person):,} pregnancies "
        f"(synthesized in {time.perf_counter() - began:.1f} s)"
    )

    def run(executor: ProcessPoolExecutor | None) -> tuple[float, float, SimResult]:
        t, cpu = time.perf_counter(), time.process_time()
        result = simulate(
            pop,
            hist,
            net,
            START,
            args.months,
            seed=args.seed,
            executor=executor,
            keep_population=False,
            households=drawn.households,
        )
        return time.perf_counter() - t, time.process_time() - cpu, result

    single = None
    if not args.skip_single:
        took, cpu, single = run(None)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"one process:       {took:6.1f} s wall, {cpu:6.1f} s CPU; "
            f"peak RSS {rss:,.0f} MB; load average {load}"
        )
    if args.skip_pool:
        return
    with ProcessPoolExecutor(args.workers) as pool:
        took_pool, _, pooled = run(pool)
    tasks = pooled.seconds
    print(
        f"{args.workers} processes:       {took_pool:6.1f} s wall "
        f"({len(tasks)} tasks: {', '.join(f'{s:.1f}' for s in tasks)} s)"
    )
    if single is not None:
        print(f"same result: {pooled.same_as(single)}")
    parts = pooled.partitions
    demand = pooled.demand
    people = pooled.people
    print(
        f"per Puskesmas: {parts['people_start'].mean():,.0f} people (min {parts['people_start'].min():,}, "
        f"max {parts['people_start'].max():,}); {parts['received'].mean():,.0f} services received "
        f"in {args.months} months"
    )
    print(
        f"run: {int(people['births'].sum()):,} births, {int(people['deaths'].sum()):,} deaths, "
        f"{int(demand['due'].sum()):,} items due, {int(demand['received'].sum()):,} received"
    )
    # one Puskesmas alone, as one task of a cluster would run it
    one_net = _simdata.network(1)
    one = synthesize(seed=args.seed, on=START, network=one_net, size=NATIONAL // PUSKESMAS_NATIONAL)
    alone = simulate(
        one.population,
        one.history,
        one_net,
        START,
        args.months,
        seed=args.seed,
        keep_population=False,
    ).seconds[0]
    print(f"one Puskesmas alone ({len(one.population):,} people, one task): {alone:.2f} s")
    cpu = sum(tasks)
    per = cpu / (len(pop) * args.months)
    print(f"cost: {per * 1e6:.2f} µs of one core per person-month ({cpu:.1f} core-s in the tasks)")
    per_pkm = per * (NATIONAL / PUSKESMAS_NATIONAL) * args.months
    core_s = per * NATIONAL * args.months

    def span(seconds: float) -> str:
        return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"

    print(
        f"national ({NATIONAL / 1e6:.0f} M people, about {PUSKESMAS_NATIONAL:,} Puskesmas), "
        f"{args.months} months: {core_s / 3600:.1f} core-hours of task time (grouped "
        f"tasks; {alone * PUSKESMAS_NATIONAL / 3600:.1f} with one task per Puskesmas); one "
        f"Puskesmas partition about {per_pkm:.2f} core-s; on 64 cores about {span(core_s / 64)}, "
        f"on 256 cores about {span(core_s / 256)} (plus start-up, shipping and the merge)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the parent: {rss:,.0f} MB")


if __name__ == "__main__":
    main()

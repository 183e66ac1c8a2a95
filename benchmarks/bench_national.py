"""Benchmark: a scaled-down national plan on a Dask cluster, extrapolated to 282 M people.

Run by hand (never in CI), from the repository root:

    python benchmarks/bench_national.py [--people 2000000] [--parts 70] [--months 12]
        [--workers 2] [--address tcp://scheduler:8786]

Each part is a kecamatan-sized network (one Puskesmas, 10 desa with a Pustu,
5 dusun each with a Posyandu, as in ``bench_targets.py``) with
``people / parts`` people; the workers synthesize and simulate their parts
(``ilp.population.run_plan``) and only the aggregates come back. Without
``--address`` a ``LocalCluster`` of ``--workers`` single-threaded processes
runs them; with it, the cluster at that address does (the code is the same).
Prints each part's time and throughput, the peak memory of each worker, and
the time 282 M people x the same months would take on N such workers. The
extrapolation uses CPU seconds of the workers (wall clock on a shared
machine counts other people's load).
"""

from __future__ import annotations

import argparse
import platform
import time
from collections import defaultdict

import pendulum
from bench_targets import _network

import ilp
from ilp.population import PartResult, PlanPart, run_plan

NATIONAL = 282_000_000


def wall_cpu_note(results: tuple[PartResult, ...]) -> str:
    """How the worker's wall clock compares with its CPU time (other load on the machine)."""
    wall = sum(r.seconds_synth + r.seconds_simulate for r in results)
    return f"{wall:.1f} s of worker wall clock"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=2_000_000)
    parser.add_argument("--parts", type=int, default=70)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--address", help="a running Dask scheduler (default: a LocalCluster)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    from dask.distributed import Client, LocalCluster  # noqa: PLC0415 - extra ilp[dask]

    network = _network()
    size = args.people // args.parts
    plan = [PlanPart(f"part-{k:04d}", network, size) for k in range(args.parts)]
    start = pendulum.Date(2025, 1, 1)
    print(f"ilp {ilp.__version__}, Python {platform.python_version()}, {platform.machine()}")
    if args.address:
        client = Client(args.address)
        cluster = None
    else:
        cluster = LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    workers = len(client.scheduler_info()["workers"])
    print(f"{args.parts} parts of {size} people, {args.months} months, on {workers} workers")
    t = time.perf_counter()
    results = run_plan(plan, start, args.months, seed=args.seed, executor=client.get_executor())
    wall = time.perf_counter() - t
    client.close()
    if cluster is not None:
        cluster.close()

    busy = sum(r.cpu_seconds for r in results)
    people = sum(r.people for r in results)
    per_part = sorted(r.seconds_synth + r.seconds_simulate for r in results)
    print(
        f"per part: synthesize {min(r.seconds_synth for r in results):.2f}-"
        f"{max(r.seconds_synth for r in results):.2f} s, simulate "
        f"{min(r.seconds_simulate for r in results):.2f}-"
        f"{max(r.seconds_simulate for r in results):.2f} s, median total "
        f"{per_part[len(per_part) // 2]:.2f} s"
    )
    rate = people * args.months / busy
    print(
        f"throughput: {rate:,.0f} person-months per CPU-second of a worker "
        f"({people / busy:,.0f} people per CPU-second for {args.months} months; "
        f"CPU {busy:.1f} s over {wall_cpu_note(results)})"
    )
    peak: dict[str, int] = defaultdict(int)
    for r in results:
        peak[r.worker] = max(peak[r.worker], r.peak_memory)
    for w, m in sorted(peak.items()):
        print(f"worker {w}: peak memory {m / 2**20:,.0f} MiB")
    print(
        f"wall clock: {wall:.1f} s for {people:,} people ({people * args.months / wall:,.0f} person-months/s)"
    )
    for n in (workers, 16, 64, 256, 1024):
        minutes = NATIONAL * args.months / (rate * n) / 60
        print(
            f"282 M people x {args.months} months on {n} single-core workers: "
            f"about {minutes:,.1f} min of compute"
        )


if __name__ == "__main__":
    main()

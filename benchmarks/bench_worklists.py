"""Benchmark: every work list of a 50,000-person kecamatan, in a process of its own.

Run by hand (never in CI), from the repository root, after ``bench_targets.py
--register DIR`` has written the register's CSV files to DIR:

    python benchmarks/bench_worklists.py DIR

Times what a user's process pays, with nothing read or freed before it:
``read_register_columns`` on the folder, then ``work_lists`` for the
network of ``bench_targets.py`` (every Posyandu's target list, every Pustu's
week, every dusun's home visits). Run it several times, interleaved with
another version of ilp put first on ``PYTHONPATH``: one process is one sample.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_targets

import ilp
from ilp.files import read_register_columns
from ilp.population import WorkLists, work_lists


def _read_every_list(lists: WorkLists) -> int:
    """Every list's people made (the lists are lazy), counted."""
    people = sum(len(t.targets) for t in lists.targets.values())
    people += sum(len(t.targets) for t in lists.weekly.values())
    return people + sum(len(v.members) for visits in lists.home_visits.values() for v in visits)


def main() -> None:
    """Read the register folder given, make every list, print the times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "register", type=Path, help="a CSV register folder (bench_targets.py --register)"
    )
    args = parser.parse_args()
    network = bench_targets._network()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    register = read_register_columns(args.register)
    cpu1, wall1 = time.process_time(), time.perf_counter()
    lists = work_lists(network, register, bench_targets.ON)
    cpu2, wall2 = time.process_time(), time.perf_counter()
    people = _read_every_list(lists)
    cpu3, wall3 = time.process_time(), time.perf_counter()
    print(f"ilp {ilp.__version__} ({os.path.dirname(ilp.__file__)})")
    print(
        f"read_register_columns {wall1 - wall0:.2f} s (CPU {cpu1 - cpu0:.2f}); "
        f"+ work_lists {wall2 - wall0:.2f} s (CPU {cpu2 - cpu0:.2f}); "
        f"end to end with every list read {wall3 - wall0:.2f} s (CPU {cpu3 - cpu0:.2f}); "
        f"{people} people on lists; load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()

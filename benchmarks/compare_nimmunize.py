"""Benchmark: ilp.due() against nimmunize on the same children 0-5, in the same process.

Run by hand (never in CI, never imported by the tests). nimmunize
(https://pypi.org/project/nimmunize/) is GPL-3.0: it is **not** a dependency
of ilp and no code of it is copied here. Install it only in a throwaway
environment outside the repository, beside ilp::

    python3 -m venv /path/to/nimm-venv
    /path/to/nimm-venv/bin/pip install nimmunize -e .
    /path/to/nimm-venv/bin/python benchmarks/compare_nimmunize.py [--children N]

The children are those of ``bench_due.py --children`` (same generator and
seed): ages 0-5 with histories made by following the national schedule with
gaps. nimmunize answers for its 13 antigens (Nigeria's schedule) given the
child's birth date and the dates of each antigen's doses; it is called
through its public ``overdue(dob, taken, as_of=)`` (which runs
``next_due`` and flags each antigen's next dose as missed or not, with the
days of delay) and ``next_due``. Each child's immunisation records are
mapped to nimmunize's antigens (HB0, BCG, OPV, DPT-HB-Hib as pentavalent,
PCV, IPV, RV as rotavirus, MR, vitamin A), dates in order.

ilp is timed four ways on the same children: with the child's whole
history (every service of the national catalogue: growth monitoring,
vitamin A, ...), with the same history as a ``ValidatedHistory`` made once
(not timed), with the ``ValidatedHistory`` made in the timed call (its
cost included), and with only the immunisation records nimmunize is given. Both tools are
timed child by child, interleaved, best of ``--repeat`` calls each, with
wall time and single-thread CPU time (``time.process_time``), and the load
average beside them.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib.metadata
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import nimmunize  # type: ignore[import-not-found]  # GPL: benchmark environment only
from bench_due import ON, people

import ilp
from ilp.lifecycle import due, national

# ilp code (without the dose number) -> nimmunize antigen
ANTIGENS = {
    "HB0": "hep_b_birth",
    "BCG": "bcg",
    "OPV": "opv",
    "DPT-HB-HIB": "pentavalent",
    "PCV": "pcv",
    "IPV": "ipv",
    "RV": "rotavirus",
    "MR": "measles_rubella",
    "VITA-BLUE": "vitamin_a",
    "VITA-RED": "vitamin_a",
}


def _antigen(code: str) -> str | None:
    if code in ANTIGENS:
        return ANTIGENS[code]
    base, _, number = code.rpartition("-")
    return ANTIGENS.get(base) if number.isdigit() else None


def taken(history: Sequence[ilp.ServiceRecord]) -> dict[str, list[_dt.date]]:
    """The history as nimmunize's ``taken``: each antigen's dose dates, in order."""
    out: dict[str, list[_dt.date]] = {}
    for r in sorted(history, key=lambda r: r.date):
        antigen = _antigen(r.code)
        if antigen is not None:
            out.setdefault(antigen, []).append(_dt.date(r.date.year, r.date.month, r.date.day))
    return out


def best(call: Callable[[], Any], repeat: int) -> float:
    """The best wall time of *repeat* calls, in µs."""
    fastest = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        call()
        fastest = min(fastest, time.perf_counter() - t)
    return fastest * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20251101)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    cat = national()
    children = list(people(args.children, args.seed, children=True))
    as_of = _dt.date(ON.year, ON.month, ON.day)
    cases = []
    for person, history in children:
        dob = _dt.date(person.birth_date.year, person.birth_date.month, person.birth_date.day)
        shots = tuple(r for r in history if _antigen(r.code) is not None)
        validated = (
            ilp.ValidatedHistory(person, history) if hasattr(ilp, "ValidatedHistory") else None
        )
        cases.append((person, history, validated, shots, dob, taken(history)))

    ways: dict[str, Callable[[Any], Callable[[], Any]]] = {
        "nimmunize overdue()": lambda c: lambda: nimmunize.overdue(c[4], c[5], as_of=as_of),
        "nimmunize next_due()": lambda c: lambda: nimmunize.next_due(c[4], c[5], as_of=as_of),
        "ilp due(), whole history": lambda c: lambda: due(c[0], ON, history=c[1], catalogue=cat),
        "ilp due(), immunisation records only": lambda c: (
            lambda: due(c[0], ON, history=c[3], catalogue=cat)
        ),
    }
    if cases and cases[0][2] is not None:
        ways["ilp due(), ValidatedHistory"] = lambda c: (
            lambda: due(c[0], ON, history=c[2], catalogue=cat)
        )
        # what a one-off question costs when the history is checked for it
        ways["ilp ValidatedHistory(...) made, then due()"] = lambda c: (
            lambda: due(c[0], ON, history=ilp.ValidatedHistory(c[0], c[1]), catalogue=cat)
        )
    wall: dict[str, list[float]] = {w: [] for w in ways}
    cpu = dict.fromkeys(ways, 0.0)
    for case in cases:  # interleaved: each child through every way in turn
        for way, make in ways.items():
            call = make(case)
            c0 = time.process_time()
            wall[way].append(best(call, args.repeat))
            cpu[way] += time.process_time() - c0

    n = len(cases)
    records = sum(len(c[1]) for c in cases) / n
    shots = sum(len(c[3]) for c in cases) / n
    nimm = importlib.metadata.version("nimmunize")
    print(f"ilp {ilp.__version__} ({Path(ilp.__file__).parent}), nimmunize {nimm}")
    print(f"Python {platform.python_version()}, {platform.machine()}")
    print(
        f"children 0-5: {n}; records per child: {records:.1f} in all, "
        f"{shots:.1f} immunisation records (what nimmunize is given)"
    )
    for way in ways:
        times = sorted(wall[way])
        p95 = times[int(0.95 * (n - 1))]
        per_call = cpu[way] / (n * args.repeat) * 1e6
        print(
            f"{way:<44} median {statistics.median(times):7.1f} µs  p95 {p95:7.1f} µs  "
            f"CPU {per_call:7.1f} µs per call"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

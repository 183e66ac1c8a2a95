"""Benchmark: time of ilp.due() per person over the full national catalogue.

Run by hand (never in CI):
    python benchmarks/bench_due.py [--people N] [--seed S] [--children]

``--children`` builds only children aged 0-5 (the issue-11 target: about 16
records each), the same people ``compare_nimmunize.py`` feeds to both tools.

It builds realistic persons of every age from a seeded generator: the
age/sex structure of Indonesia (WPP 2024, shared/domain/data), pregnancies for
women 15–49, conditions at published prevalence, and service histories made
by following the schedule itself with gaps (each due item given on a monthly
visit with probability 0.85, so some doses come late and some never). It then
times due() for each person on the reference date and reports the median
and 95th percentile, with the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pendulum

import ilp
from ilp import Condition, Person, Pregnancy, ServiceRecord
from ilp.lifecycle import Status, due, national

ON = pendulum.Date(2025, 11, 1)
# share of the population by 5-year age group, 0-4 ... 80+ (rounded WPP 2024, Indonesia)
AGE_SHARES = [8.0, 8.2, 8.3, 8.1, 7.9, 7.8, 7.6, 7.4, 7.2, 6.7, 6.0, 5.3, 4.4, 3.4, 2.5, 1.6, 1.6]


def _person(rng: random.Random, i: int, *, children: bool = False) -> Person:
    if children:
        age_days = rng.randrange(0, 6 * 365)  # 0-5 years
    else:
        group = rng.choices(range(len(AGE_SHARES)), weights=AGE_SHARES)[0]
        age_days = rng.randrange(group * 5 * 365, (group * 5 + 5) * 365)
    birth = ON.subtract(days=age_days)
    sex = rng.choice(("F", "M"))
    years = age_days // 365
    conditions = []
    if years >= 18 and rng.random() < 0.30:
        conditions.append(Condition.HYPERTENSION)
    if years >= 15 and rng.random() < 0.11:
        conditions.append(Condition.DIABETES)
    pregnancies = []
    if sex == "F" and 18 <= years < 45 and rng.random() < 0.08:
        pregnancies.append(Pregnancy(ON.subtract(days=rng.randrange(0, 270))))
    elif sex == "F" and 18 <= years < 45 and rng.random() < 0.03:
        lmp = ON.subtract(days=rng.randrange(290, 320))
        pregnancies.append(Pregnancy(lmp, delivery_date=lmp.add(days=rng.randrange(266, 285))))
    return Person(f"p{i}", sex, birth, conditions=conditions, pregnancies=pregnancies)


def _history(rng: random.Random, person: Person) -> tuple[ServiceRecord, ...]:
    """Follow the schedule on monthly visits over the last 6 years, giving due items with gaps."""
    start = max(person.birth_date, ON.subtract(years=6))
    records: list[ServiceRecord] = []
    day = start
    while day < ON:
        for item in due(person, day, history=records, horizon=0):
            if item.status in (Status.DUE, Status.OVERDUE) and rng.random() < 0.85:
                records.append(ServiceRecord(item.code, day))
        day = day.add(days=rng.randrange(25, 40))
    return tuple(records)


def people(
    n: int, seed: int, *, children: bool = False
) -> Iterator[tuple[Person, tuple[ServiceRecord, ...]]]:
    """*n* seeded persons with their histories (children 0-5 only when *children*)."""
    rng = random.Random(seed)
    for i in range(n):
        p = _person(rng, i, children=children)
        yield p, _history(rng, p)


def time_due(
    population: list[tuple[Person, Sequence[ServiceRecord]]], repeat: int
) -> tuple[list[float], float, int]:
    """Best-of-*repeat* wall µs per person (sorted), CPU µs per call, and items returned."""
    cat = national()
    times, items = [], 0
    cpu0 = time.process_time()
    for person, history in population:
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            result = due(person, ON, history=history, catalogue=cat)
            best = min(best, time.perf_counter() - t)
        items += len(result)
        times.append(best * 1e6)
    cpu = (time.process_time() - cpu0) / (len(population) * repeat) * 1e6
    times.sort()
    return times, cpu, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20251101)
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per person (min kept)")
    parser.add_argument("--children", action="store_true", help="children aged 0-5 only")
    parser.add_argument(
        "--validated",
        action="store_true",
        help="pass each history as an ilp.ValidatedHistory made once (not timed)",
    )
    args = parser.parse_args()

    cat = national()
    t0 = time.perf_counter()
    population = list(people(args.people, args.seed, children=args.children))
    built = time.perf_counter() - t0
    records = sum(len(h) for _, h in population)
    made = ""
    if args.validated:
        c0, t0 = time.process_time(), time.perf_counter()
        population = [(p, ilp.ValidatedHistory(p, h)) for p, h in population]
        wall = (time.perf_counter() - t0) / len(population) * 1e6
        cpu_made = (time.process_time() - c0) / len(population) * 1e6
        made = f"ValidatedHistory made once per person (not in the times below): {wall:.1f} µs"
        made += f" wall, CPU {cpu_made:.1f} µs per person"
    times, cpu, items = time_due(population, args.repeat)
    p95 = times[int(0.95 * (len(times) - 1))]
    where = Path(ilp.__file__).parent  # which ilp ran (a same-run A/B puts another first)
    print(
        f"ilp {ilp.__version__} ({where}), Python {platform.python_version()}, {platform.machine()}"
    )
    print(f"catalogue: {len(cat)} codes in {len(cat.entries)} entries")
    who = "children 0-5" if args.children else "people"
    if args.validated:
        who += " (histories as ValidatedHistory)"
    print(
        f"{who}: {len(population)} (histories: {records} records, "
        f"{records / len(population):.1f} per person, built in {built:.1f} s); "
        f"items returned: {items} ({items / len(population):.1f} per person)"
    )
    if made:
        print(made)
    print(
        f"due() per person, best of {args.repeat}: median {statistics.median(times):.1f} µs, "
        f"p95 {p95:.1f} µs, max {times[-1]:.1f} µs; CPU {cpu:.1f} µs per call"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

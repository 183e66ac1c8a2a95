"""Benchmark: ilp.population.due_batch over a million people, and its ratio to ilp.due().

Run by hand (never in CI):  python benchmarks/bench_batch.py [--people N] [--seed S]

It builds a columnar population with NumPy alone (no Person objects): the
age/sex structure of Indonesia as in bench_due.py (WPP 2024), hypertension
and diabetes at the same prevalence, pregnancies for women 18-44 (8 %
ongoing, 3 % delivered in the last weeks), a recorded school grade for half
of the children 6-17. Histories are made cheaply, without asking the
schedule: each child under six gets each infant dose at its recommended age
plus a random delay (exponential, mean 20 days), each dose dropped with
probability 0.1 and the rest of a series after a drop with probability 0.5;
under-fives are weighed in each of the last three months (70 %); adults have
a yearly screening in the last 18 months (40 %), patients a follow-up in each
of the last two months (60 %), pregnant women their first contact (80 %).

It then times ``due_batch`` over the full national catalogue (best of
--repeat calls, CPU time of this one thread) twice: on the rows in random
order, and on the same people sorted by date of birth
(``Population.sorted_by_birth``, which a synthetic population can be built
in). In random order it also reports the first call alone, which puts the
rows in order of birth (kept with the population for the calls after it),
and the second, which puts the records in that order (kept with the
history). It times ``due()`` on a random sample of 2,000 of the same people
(converted to Person objects), checks the batch agrees with it on them, and
reports persons per second per core, the ratio, and memory per person.
It counts the page faults of the timed calls too: pages glibc gave back
after a call and takes again (``docs/population.md``, Speed; with
``MALLOC_TOP_PAD_`` set there are none).

The floor (issue 11): the CPU time of one vectorised NumPy pass that reads
every column ``due_batch`` reads once, on the same people and records
(``floor``, best of --repeat): whether each person is alive on the date
(birth and death compared with it), a count of the nonzero values of each
other person column (sex, conditions, school grade and year, sexual
activity, residence), each pregnancy column compared with the date (HPHT,
EDD, delivery) or counted (person, outcome), and every record's day
compared with the date, the records kept counted per person with one
``bincount``. ``due_batch`` is reported as a multiple of it, for each row
order (the target is at most 15x).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from typing import Any

import numpy as np
import numpy.typing as npt
import pendulum

import ilp
from ilp.dates import Duration
from ilp.lifecycle import Region, Status, due, national
from ilp.population import CONDITIONS, NO_DAY, BatchResult, History, Population, due_batch

ON = pendulum.Date(2025, 11, 1)
# share of the population by 5-year age group, 0-4 ... 80+ (rounded WPP 2024, Indonesia)
AGE_SHARES = [8.0, 8.2, 8.3, 8.1, 7.9, 7.8, 7.6, 7.4, 7.2, 6.7, 6.0, 5.3, 4.4, 3.4, 2.5, 1.6, 1.6]
# infant doses: (code, recommended age, series it belongs to or None)
DOSES = [
    ("HB0", "0d", None),
    ("VIT-K1", "0d", None),
    ("BCG", "1w", None),
    ("OPV-1", "1w", "OPV"),
    ("OPV-2", "2m", "OPV"),
    ("OPV-3", "3m", "OPV"),
    ("OPV-4", "4m", "OPV"),
    ("DPT-HB-HIB-1", "2m", "DPT"),
    ("DPT-HB-HIB-2", "3m", "DPT"),
    ("DPT-HB-HIB-3", "4m", "DPT"),
    ("DPT-HB-HIB-4", "18m", "DPT"),
    ("PCV-1", "2m", "PCV"),
    ("PCV-2", "3m", "PCV"),
    ("PCV-3", "12m", "PCV"),
    ("RV-1", "2m", "RV"),
    ("RV-2", "3m", "RV"),
    ("RV-3", "4m", "RV"),
    ("IPV-1", "4m", "IPV"),
    ("IPV-2", "9m", "IPV"),
    ("MR-1", "9m", "MR"),
    ("MR-2", "18m", "MR"),
    ("KN-1", "1d", "KN"),
    ("KN-2", "5d", "KN"),
    ("KN-3", "14d", "KN"),
]
SCREENINGS = ["PTM-SCREEN", "TB-SCREEN", "VISION-SCREEN", "FITNESS-SCREEN"]


def build(n: int, seed: int) -> tuple[Population, History]:
    """A population of *n* people on ON, and a cheap history, from one seeded generator."""
    rng = np.random.default_rng(seed)
    d = ON.toordinal()
    shares = np.array(AGE_SHARES) / sum(AGE_SHARES)
    group = rng.choice(len(shares), size=n, p=shares)
    age = group * 5 * 365 + rng.integers(0, 5 * 365, size=n)
    birth = (d - age).astype(np.int32)
    sex = rng.integers(0, 2, size=n).astype(np.int8)
    years = age // 365
    ht = (years >= 18) & (rng.random(n) < 0.30)
    dm = (years >= 15) & (rng.random(n) < 0.11)
    conditions = (ht << CONDITIONS.index(ilp.Condition.HYPERTENSION)) | (
        dm << CONDITIONS.index(ilp.Condition.DIABETES)
    )
    school = (years >= 6) & (years <= 17) & (rng.random(n) < 0.5)
    grade = np.where(school, np.clip(years - 6, 1, 12), 0).astype(np.int8)
    women = np.flatnonzero((sex == 0) & (years >= 18) & (years < 45))
    draw = rng.random(len(women))
    pregnant = women[draw < 0.08]
    delivered = women[(draw >= 0.08) & (draw < 0.11)]
    lmp_now = d - rng.integers(0, 270, size=len(pregnant))
    lmp_past = d - rng.integers(290, 320, size=len(delivered))
    preg_person = np.concatenate([pregnant, delivered])
    preg_lmp = np.concatenate([lmp_now, lmp_past])
    preg_delivery = np.concatenate(
        [np.full(len(pregnant), NO_DAY), lmp_past + rng.integers(266, 285, size=len(delivered))]
    )
    order = np.argsort(preg_person, kind="stable")
    population = Population(
        ids=np.array([f"p{i}" for i in range(n)], dtype=object),
        birth=birth,
        sex=sex,
        conditions=conditions.astype(np.uint16),
        school_grade=grade,
        school_year=np.where(school, 2025, 0).astype(np.int16),
        preg_person=preg_person[order].astype(np.int32),
        preg_lmp=preg_lmp[order].astype(np.int32),
        preg_edd=(preg_lmp[order] + 280).astype(np.int32),
        preg_delivery=preg_delivery[order].astype(np.int32),
        preg_outcome=np.where(preg_delivery[order] == NO_DAY, -1, 0).astype(np.int8),
        preg_in_facility=np.full(len(order), -1, dtype=np.int8),
    )
    return population, history(population, rng, pregnant, lmp_now)


def history(
    population: Population,
    rng: np.random.Generator,
    pregnant: npt.NDArray[np.int64],
    lmp: npt.NDArray[np.int64],
) -> History:
    """Cheap histories: doses at the recommended age plus a delay, some dropped."""
    d = ON.toordinal()
    birth = population.birth.astype(np.int64)
    codes = national().codes
    where = {c: i for i, c in enumerate(codes)}
    person, code, day = [], [], []

    def add(rows: npt.NDArray[np.int64], name: str, days: npt.NDArray[np.int64]) -> None:
        keep = (days <= d) & (days >= birth[rows])
        person.append(rows[keep])
        code.append(np.full(int(keep.sum()), where[name]))
        day.append(days[keep])

    children = np.flatnonzero(d - birth < 6 * 365)
    dropped: dict[str, npt.NDArray[np.bool_]] = {}
    for name, age, series in DOSES:
        lost = rng.random(len(children)) < 0.1
        if series is not None:
            before = dropped.get(series, np.zeros(len(children), dtype=np.bool_))
            lost |= before & (rng.random(len(children)) < 0.5)
            dropped[series] = lost
        rows = children[~lost]
        at = Duration.parse(age)
        given = birth[rows] + at.months * 30 + at.days + rng.exponential(20, len(rows)).astype(int)
        add(rows, name, given)
    under5 = np.flatnonzero(d - birth < 5 * 365)
    for back in (1, 2, 3):
        rows = under5[rng.random(len(under5)) < 0.7]
        add(rows, "GROWTH", d - 30 * back + rng.integers(0, 28, size=len(rows)))
    adults = np.flatnonzero(d - birth >= 18 * 365)
    for name in SCREENINGS:
        rows = adults[rng.random(len(adults)) < 0.4]
        add(rows, name, d - rng.integers(0, 540, size=len(rows)))
    for bit, name in ((0, "HT-CONTROL"), (1, "DM-CONTROL")):
        patients = np.flatnonzero(population.conditions & (1 << bit))
        for back in (0, 1):
            rows = patients[rng.random(len(patients)) < 0.6]
            add(rows, name, d - 30 * back - rng.integers(0, 28, size=len(rows)))
    took = rng.random(len(pregnant)) < 0.8
    add(pregnant[took], "ANC-K1", np.minimum(lmp[took] + rng.integers(20, 80, int(took.sum())), d))
    return History.from_arrays(
        population,
        person=np.concatenate(person),
        code=np.concatenate(code),
        day=np.concatenate(day),
        codes=codes,
    )


def _owned(*arrays: npt.NDArray[Any]) -> int:
    """Bytes of memory behind *arrays*, each buffer counted once (views and broadcasts share)."""
    seen: dict[int, int] = {}
    for a in arrays:
        base = a
        while isinstance(base.base, np.ndarray):
            base = base.base
        seen[id(base)] = base.nbytes
    return sum(seen.values())


def _time(
    population: Population, hist: History, repeat: int, region: Region
) -> tuple[float, float, float, float, float, BatchResult]:
    """CPU seconds of the first and second ``due_batch`` calls, best wall and CPU seconds of
    *repeat* more calls, their page faults per call, and a result.

    The first call on a population not sorted by birth also puts its rows in
    order of birth and finds its records' new rows; the second puts the
    records in that order too; ``due_batch`` keeps both with the population
    and history (weakly) for the calls after them.
    """
    cat = national()
    c = time.process_time()
    due_batch(population, hist, ON, catalogue=cat, region=region)
    first = time.process_time() - c
    c = time.process_time()
    due_batch(population, hist, ON, catalogue=cat, region=region)
    second = time.process_time() - c
    best_wall, best_cpu = float("inf"), float("inf")
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = due_batch(population, hist, ON, catalogue=cat, region=region)
        best_wall = min(best_wall, time.perf_counter() - w)
        best_cpu = min(best_cpu, time.process_time() - c)
        del result
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / max(repeat, 1)
    result = due_batch(population, hist, ON, catalogue=cat, region=region)
    return first, second, best_wall, best_cpu, faults, result


def floor(population: Population, hist: History, repeat: int) -> float:
    """Best CPU seconds of one NumPy pass over every column and record (see the docstring)."""
    d = ON.toordinal()
    n = len(population)
    best = float("inf")
    for _ in range(repeat):
        c = time.process_time()
        alive = (population.birth <= d) & (population.death >= d)
        counts = [int(np.count_nonzero(alive))]
        for name in PERSON_COLUMNS:
            counts.append(int(np.count_nonzero(getattr(population, name))))
        for name in ("preg_lmp", "preg_edd", "preg_delivery"):
            counts.append(int(np.count_nonzero(getattr(population, name) <= d)))
        for name in ("preg_person", "preg_outcome"):
            counts.append(int(np.count_nonzero(getattr(population, name))))
        per_person = np.bincount(hist.rec_person[hist.rec_day <= d], minlength=n)
        counts.append(int(per_person.max(initial=0)))
        best = min(best, time.process_time() - c)
    return best


def _as_tuples(items: ilp.DueList) -> list[tuple[object, ...]]:
    return [
        (x.code, x.dose, x.status, x.earliest, x.recommended, x.overdue, x.latest, x.given)
        for x in items
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20251101)
    parser.add_argument("--repeat", type=int, default=5, help="timed batch calls (best kept)")
    parser.add_argument("--sample", type=int, default=2000, help="people timed with due()")
    args = parser.parse_args()

    cat = national()
    region = Region()
    t0 = time.perf_counter()
    population, hist = build(args.people, args.seed)
    built = time.perf_counter() - t0
    n = len(population)
    t0 = time.perf_counter()
    by_birth, by_birth_hist = population.sorted_by_birth(hist)
    sort_time = time.perf_counter() - t0
    # sorted first: the month tables are then built before the first call in random order
    _, _, wall_sorted, cpu_sorted, faults_sorted, _ = _time(
        by_birth, by_birth_hist, args.repeat, region
    )
    first, second, wall, cpu, faults, result = _time(population, hist, args.repeat, region)
    floor_cpu = floor(population, hist, args.repeat)

    rng = np.random.default_rng(args.seed + 1)
    sample = np.sort(rng.choice(n, size=min(args.sample, n), replace=False))
    small, small_hist = population.take(sample), hist.take(sample)
    people = small.to_people()
    records = small_hist.to_mapping(small)
    cpu0 = time.process_time()
    for p in people:
        due(p, ON, history=records.get(p.id, ()), catalogue=cat, region=region)
    due_each = (time.process_time() - cpu0) / len(people)
    # the same people through the batch: the figures describe one and the same job
    check = due_batch(small, small_hist, ON, catalogue=cat, region=region)
    agree = sum(
        check.items_of(i) == _as_tuples(due(p, ON, history=records.get(p.id, ()), catalogue=cat))
        for i, p in enumerate(people)
    )

    columns = _owned(*(getattr(population, name) for name in COLUMNS))
    records_bytes = _owned(hist.rec_person, hist.rec_code, hist.rec_day)
    result_bytes = _owned(
        *(
            getattr(s, name)
            for s in result.slots
            for name in ("rows", "status", "earliest", "recommended", "overdue", "latest", "given")
        )
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        f"ilp {ilp.__version__}, Python {platform.python_version()}, NumPy {np.__version__}, "
        f"{platform.machine()}, {os.cpu_count()} cores; one thread"
    )
    print(
        f"catalogue: {len(cat)} codes in {len(cat.entries)} entries "
        f"({len(cat.entries_on(ON))} in force on {ON}), {len(result.slots)} slots"
    )
    print(
        f"population: {n:,} people, {len(population.preg_person):,} pregnancies, "
        f"{len(hist):,} records (built in {built:.1f} s)"
    )
    print(
        f"items listed on {ON}: {len(result):,} ({len(result) / n:.1f} per person); "
        f"due or overdue: {sum(result.counts([Status.DUE, Status.OVERDUE]).values()):,}"
    )
    print(
        f"floor (one NumPy pass over every column and record): best of {args.repeat} "
        f"{floor_cpu * 1e3:.1f} ms CPU, {floor_cpu * 1e3 / (n / 1e6):.1f} ms per million people"
    )
    for label, w, c, f in (
        ("rows in random order", wall, cpu, faults),
        (
            f"rows sorted by birth (sorting took {sort_time:.2f} s, once)",
            wall_sorted,
            cpu_sorted,
            faults_sorted,
        ),
    ):
        print(
            f"due_batch, {label}: best of {args.repeat} {w * 1e3:.0f} ms wall, "
            f"{c * 1e3:.0f} ms CPU -> {n / c / 1e6:.2f} million persons/s per core, "
            f"{c / floor_cpu:.1f}x the floor, {due_each / (c / n):.0f}x due(); "
            f"{f:,.0f} page faults per call"
        )
    print(
        f"due_batch, rows in random order, first call (rows put in order of birth): "
        f"{first * 1e3:.0f} ms CPU -> {n / first / 1e6:.2f} million persons/s per core, "
        f"{first / floor_cpu:.1f}x the floor"
    )
    print(
        f"due_batch, rows in random order, second call (records put in order of birth): "
        f"{second * 1e3:.0f} ms CPU -> {n / second / 1e6:.2f} million persons/s per core, "
        f"{second / floor_cpu:.1f}x the floor"
    )
    print(
        f"due() on a sample of {len(people)}: {due_each * 1e6:.1f} µs CPU per person "
        f"-> {1 / due_each:,.0f} persons/s; due_batch agrees on {agree} of {len(people)}"
    )
    print(
        f"memory per person: columns {columns / n:.0f} B (+ the ids), records "
        f"{records_bytes / n:.0f} B, result {result_bytes / n:.0f} B; "
        f"peak RSS of this run {peak / n:.0f} B"
    )


#: The person and pregnancy columns of a Population (ids aside).
COLUMNS = (
    "birth",
    "death",
    "sex",
    "conditions",
    "school_grade",
    "school_year",
    "sexually_active",
    "residence",
    "preg_person",
    "preg_lmp",
    "preg_edd",
    "preg_delivery",
    "preg_outcome",
    "preg_in_facility",
)

#: The person columns the floor counts (birth and death are compared with the date).
PERSON_COLUMNS = tuple(c for c in COLUMNS if c not in ("birth", "death") and "preg_" not in c)


if __name__ == "__main__":
    main()

"""Benchmark: target lists for a whole kecamatan of 50,000 people.

Run by hand (never in CI):  python benchmarks/bench_targets.py [--people N] [--seed S]

With ``--register DIR`` the register is written there as CSV files the first
time (``ilp.files.read_register``'s format) and read back from them on every
run, so the time is end to end from the register files; keep DIR under
``benchmarks/results/`` (not committed).

Builds a kecamatan (10 desa with a Pustu, 5 dusun each with a Posyandu) and a
register of families of about four, ages from Indonesia's structure, with
histories made by following the schedule at quarterly visits over the last
two years (each due item given with probability 0.8). Then times, on one
date: every Posyandu's target list for its next opening day, every Pustu's
weekly list and every dusun's kader home-visit list, first person by person
(``targets``, ``weekly_list``, ``home_visits``) and then all at once with
``ilp.population.work_lists``, and checks the two give the same lists. From
the register files it also times what a user runs: reading, every list, and
every list's JSON as ``ilp targets``/``ilp home-visits --format json`` print
it. Times are wall clock and, less disturbed by other load, CPU seconds of
this process.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import platform
import random
import time
from pathlib import Path

import pendulum

import ilp
from ilp import Family, FamilyRegister, Member, Person, Pregnancy, ServiceRecord
from ilp.files import read_register, read_register_columns
from ilp.lifecycle import Status, due
from ilp.network import (
    Area,
    AreaLevel,
    Facility,
    FacilityType,
    Network,
    Opening,
    Staff,
    StaffRole,
    TargetList,
)
from ilp.network._targets import home_visits, targets, weekly_list
from ilp.population import WorkLists, work_lists

ON = pendulum.Date(2025, 11, 3)
AGE_SHARES = [8.0, 8.2, 8.3, 8.1, 7.9, 7.8, 7.6, 7.4, 7.2, 6.7, 6.0, 5.3, 4.4, 3.4, 2.5, 1.6, 1.6]


def _network() -> Network:
    areas = [
        Area("kab", "Kabupaten Bench", AreaLevel.KABUPATEN),
        Area("kec", "Kecamatan Bench", AreaLevel.KECAMATAN, parent="kab"),
    ]
    facilities = [
        Facility(
            "pkm",
            "Puskesmas Bench",
            FacilityType.PUSKESMAS,
            "kec",
            opening=Opening.every(0, 1, 2, 3, 4, 5),
        )
    ]
    for d in range(10):
        desa = f"desa-{d}"
        areas.append(Area(desa, f"Desa {d}", AreaLevel.DESA, parent="kec"))
        facilities.append(
            Facility(
                f"pustu-{d}",
                f"Pustu {d}",
                FacilityType.PUSTU,
                desa,
                parent="pkm",
                staff=[Staff(f"b{d}", StaffRole.BIDAN), Staff(f"p{d}", StaffRole.PERAWAT)],
                opening=Opening.every(0, 1, 2, 3, 4),
            )
        )
        for u in range(5):
            dusun = f"{desa}-{u}"
            areas.append(Area(dusun, f"Dusun {d}.{u}", AreaLevel.DUSUN, parent=desa))
            facilities.append(
                Facility(
                    f"pos-{d}-{u}",
                    f"Posyandu {d}.{u}",
                    FacilityType.POSYANDU,
                    dusun,
                    parent=f"pustu-{d}",
                    opening=Opening.nth(1 + u % 4, 1 + d % 4),
                )
            )
    return Network(areas, facilities)


def _person(rng: random.Random, pid: str, age_days: int) -> Person:
    birth = ON.subtract(days=age_days)
    sex = rng.choice("FM")
    years = age_days // 365
    conditions = [
        c for c, p in (("hypertension", 0.3), ("diabetes", 0.1)) if years >= 18 and rng.random() < p
    ]
    pregnancies = []
    if sex == "F" and 18 <= years < 45 and rng.random() < 0.08:
        pregnancies.append(Pregnancy(ON.subtract(days=rng.randrange(0, 270))))
    return Person(pid, sex, birth, conditions=conditions, pregnancies=pregnancies)


def _history(rng: random.Random, person: Person) -> tuple[ServiceRecord, ...]:
    records: list[ServiceRecord] = []
    day = max(person.birth_date, ON.subtract(years=2))
    while day < ON:
        for item in due(person, day, history=records, horizon=0):
            if item.status in (Status.DUE, Status.OVERDUE) and rng.random() < 0.8:
                records.append(ServiceRecord(item.code, day))
        day = day.add(days=rng.randrange(80, 100))
    return tuple(records)


def _register(rng: random.Random, network: Network, people: int) -> FamilyRegister:
    dusun = [a.id for a in network.areas if a.level is AreaLevel.DUSUN]
    families, histories, n = [], {}, 0
    while n < people:
        size = rng.choice((2, 3, 3, 4, 4, 4, 5, 5, 6))
        members = []
        for k in range(size):
            group = rng.choices(range(len(AGE_SHARES)), weights=AGE_SHARES)[0]
            age = rng.randrange(group * 5 * 365, group * 5 * 365 + 5 * 365)
            if k == 0:
                age = max(age, 20 * 365)
            p = _person(rng, f"p{n}", age)
            members.append(
                Member(
                    p, "head" if k == 0 else "child" if age < p.birth_date.toordinal() else "other"
                )
            )
            histories[p.id] = _history(rng, p)
            n += 1
        kk = f"{3500000000000000 + len(families):016d}"
        families.append(
            Family(kk, members, residence=rng.choice(dusun), address=f"RT {len(families) % 9 + 1}")
        )
    return FamilyRegister(tuple(families), histories)


def _write_register(register: FamilyRegister, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tables: dict[str, list[list[object]]] = {
        "households.csv": [["kk_number", "address", "residence"]],
        "people.csv": [["person_id", "kk_number", "relation", "sex", "birth_date", "conditions"]],
        "pregnancies.csv": [["person_id", "lmp", "edd"]],
        "records.csv": [["person_id", "code", "date"]],
    }
    for f in register.families:
        tables["households.csv"].append([f.kk_number, f.address, f.residence])
        for m in f.members:
            p = m.person
            conditions = ";".join(sorted(c.value for c in p.conditions))
            tables["people.csv"].append(
                [p.id, f.kk_number, m.relation.value, p.sex.value, p.birth_date, conditions]
            )
            tables["pregnancies.csv"] += [[p.id, q.lmp, q.edd] for q in p.pregnancies]
            tables["records.csv"] += [[p.id, r.code, r.date] for r in register.history(p.id)]
    for name, rows in tables.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--register", type=Path, help="CSV register folder (made if missing)")
    parser.add_argument("--batch-only", action="store_true", help="skip the per-person lists")
    parser.add_argument(
        "--rounds", type=int, default=2, help="interleaved rounds of the two register readers"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    network = _network()
    if args.register is not None and not (args.register / "people.csv").exists():
        _write_register(_register(rng, network, args.people), args.register)
    t0, c0 = time.perf_counter(), _cpu()
    if args.register is not None:
        register = read_register(args.register)
    else:
        register = _register(rng, network, args.people)
    built, built_cpu = time.perf_counter() - t0, _cpu() - c0
    records = sum(len(h) for h in register.histories.values())
    print(
        f"ilp {ilp.__version__} ({Path(ilp.__file__).parent}), "
        f"Python {platform.python_version()}, {platform.machine()}"
    )
    print(
        f"register: {len(register.families)} families, {len(register.people)} people, {records} records ({'read' if args.register else 'built'} in {built:.2f} s, CPU {built_cpu:.2f} s)"
    )

    t, c = time.perf_counter(), _cpu()
    batch = work_lists(network, register, ON)
    t_batch, c_batch = time.perf_counter() - t, _cpu() - c
    print(
        f"work_lists, all three at once: {t_batch:.2f} s, CPU {c_batch:.2f} s "
        f"({sum(len(x.targets) for x in batch.targets.values())} people on target lists, "
        f"{sum(len(x.targets) for x in batch.weekly.values())} on weekly lists, "
        f"{sum(len(v) for v in batch.home_visits.values())} households to visit)"
    )
    if args.register is not None:
        print(
            f"end to end from the register files: {built + t_batch:.2f} s, "
            f"CPU {built_cpu + c_batch:.2f} s"
        )
    if args.register is not None:
        _columnar(args.register, network, batch, args.rounds)
    if args.batch_only:
        return

    t, c = time.perf_counter(), _cpu()
    lists = [targets(network, register, ON, site=f) for f in network.of_type(FacilityType.POSYANDU)]
    weeks = [
        weekly_list(network, register, ON, site=f) for f in network.of_type(FacilityType.PUSTU)
    ]
    visits = [
        home_visits(network, register, ON, area=f.area)
        for f in network.of_type(FacilityType.POSYANDU)
    ]
    t_each, c_each = time.perf_counter() - t, _cpu() - c
    print(
        f"person by person, {len(lists)} target lists, {len(weeks)} weekly lists, "
        f"{len(visits)} home-visit lists: {t_each:.2f} s, CPU {c_each:.2f} s"
    )
    assert [x.as_dict() for x in lists] == [x.as_dict() for x in batch.targets.values()]
    assert [x.as_dict() for x in weeks] == [x.as_dict() for x in batch.weekly.values()]
    assert visits == list(batch.home_visits.values())
    print(f"the same lists; work_lists is {c_each / c_batch:.1f}x less CPU")


def _columnar(folder: Path, network: Network, batch: WorkLists, rounds: int) -> None:
    """End to end from the files, interleaved: read_register + work_lists, and the columnar path.

    The columnar path reads the folder with ``read_register_columns`` (pyarrow) and
    makes ``Person`` values only for the people on a list; its lists must equal the others.
    """
    for k in range(rounds):
        for name, read in (
            ("read_register", read_register),
            ("read_register_columns", read_register_columns),
        ):
            # the last reader's register and lists are freed before the clock starts, not
            # inside the next reader's time when their names are bound again
            register = lists = None
            gc.collect()
            t, c = time.perf_counter(), _cpu()
            register = read(folder)
            t_read, c_read = time.perf_counter() - t, _cpu() - c
            lists = work_lists(network, register, ON)
            t_all, c_all = time.perf_counter() - t, _cpu() - c
            size = len(_json_of(lists))
            t_json, c_json = time.perf_counter() - t, _cpu() - c
            load = os.getloadavg()[0]
            print(
                f"round {k + 1}, {name} + work_lists: read {t_read:.2f} s (CPU {c_read:.2f}), "
                f"end to end {t_all:.2f} s (CPU {c_all:.2f}); with the JSON of every list "
                f"({size / 1e6:.0f} MB) {t_json:.2f} s (CPU {c_json:.2f}), load {load:.1f}"
            )
            assert [x.as_dict() for x in lists.targets.values()] == [
                x.as_dict() for x in batch.targets.values()
            ]
            assert [x.as_dict() for x in lists.weekly.values()] == [
                x.as_dict() for x in batch.weekly.values()
            ]
            assert list(lists.home_visits.values()) == list(batch.home_visits.values())


def _json_of(lists: WorkLists) -> str:
    """Every list as ``ilp targets --format json`` / ``ilp home-visits --format json`` print it."""
    try:
        from ilp.population._worklist_rows import work_list_json  # noqa: PLC0415
    except ImportError:  # an ilp from before the lists held rows: what the commands printed with
        return "".join(
            [json.dumps(tl.as_dict(), ensure_ascii=False, indent=2) for tl in _target_lists(lists)]
            + [
                json.dumps([v.as_dict() for v in visits], ensure_ascii=False, indent=2)
                for visits in lists.home_visits.values()
            ]
        )
    return "".join(
        work_list_json(made, key)
        for made in (lists.targets, lists.weekly, lists.home_visits)
        for key in made
    )


def _target_lists(lists: WorkLists) -> list[TargetList]:
    return [*lists.targets.values(), *lists.weekly.values()]


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


if __name__ == "__main__":
    main()

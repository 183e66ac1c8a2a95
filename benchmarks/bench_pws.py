"""How fast ilp.pws computes indicators and writes the dashboard (run by hand, never in CI).

Two figures from issue 8:

1. every indicator of the shipped file, per desa and per month, for a
   kabupaten of 1 M people with a year of records (synthesized on
   1 January 2026, so 2025 is a whole year of history), after loading:
   target 5 s on one core;
2. the dashboard of one Puskesmas of 50,000 people, end to end from the
   register files (network YAML + register CSV → HTML): target 3 s.

    OMP_NUM_THREADS=1 python benchmarks/bench_pws.py [--people 1000000] [--puskesmas-people 50000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _simdata import network as make_network

from ilp.files import read_register, read_register_columns
from ilp.network import dump_network, load_network
from ilp.population import CONDITIONS, NO_DAY, synthesize
from ilp.pws import evaluate, indicators, register_columns
from ilp.pws._report import write_report


def kabupaten(people: int) -> None:
    net = make_network(30)  # 30 Puskesmas, 240 desa, 960 dusun
    t = time.perf_counter()
    drawn = synthesize(seed=8, on="2026-01-01", network=net, size=people)
    load = time.perf_counter() - t
    pop, hist = drawn.population, drawn.history
    in_2025 = (hist.rec_day >= dt.date(2025, 1, 1).toordinal()) & (
        hist.rec_day <= dt.date(2025, 12, 31).toordinal()
    )
    print(f"kabupaten: {len(pop):,} people, {len(hist):,} records ({int(in_2025.sum()):,} in 2025)")
    print(f"  synthesis (not timed below): {load:.1f} s")
    ids = indicators().ids()
    t = time.perf_counter()
    ev = evaluate(pop, hist, net, year=2025)
    for iid in ids:
        ev.values(iid, "desa")
    values = time.perf_counter() - t
    t = time.perf_counter()
    for iid in ids:
        for month in range(1, 13):
            ev.pws(iid, month)
    tables = time.perf_counter() - t
    print(f"  {len(ids)} indicators x 240 desa x 12 months (values): {values:.2f} s")
    print(f"  PWS tables for each indicator and month on top:            {tables:.2f} s")


def write_register(folder: Path, drawn: object) -> None:
    """The synthetic people as a register CSV folder (households, people, pregnancies, records)."""
    pop = drawn.population  # type: ignore[attr-defined]
    hist = drawn.history  # type: ignore[attr-defined]
    households = drawn.households  # type: ignore[attr-defined]
    ids = pop.ids.tolist()
    kk = [f"35079912{h:08d}" for h in households.tolist()]
    residence = [pop.areas[r] if r >= 0 else "" for r in pop.residence.tolist()]
    with (folder / "households.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kk_number", "residence"])
        seen = {}
        for k, r in zip(kk, residence, strict=True):
            seen.setdefault(k, r)
        w.writerows(seen.items())
    heads: set[str] = set()
    day = dt.date.fromordinal
    with (folder / "people.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["person_id", "kk_number", "relation", "sex", "birth_date", "death_date", "conditions"]
        )
        for i, pid in enumerate(ids):
            rel = "other" if kk[i] in heads else "head"
            heads.add(kk[i])
            death = int(pop.death[i])
            bits = int(pop.conditions[i])
            conds = ";".join(c.value for k, c in enumerate(CONDITIONS) if bits >> k & 1)
            w.writerow(
                [
                    pid,
                    kk[i],
                    rel,
                    "female" if pop.sex[i] == 0 else "male",
                    day(int(pop.birth[i])).isoformat(),
                    "" if death == NO_DAY else day(death).isoformat(),
                    conds,
                ]
            )
    with (folder / "pregnancies.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "lmp", "edd", "delivery_date", "in_facility"])
        for k in range(len(pop.preg_person)):
            dl = int(pop.preg_delivery[k])
            fac = int(pop.preg_in_facility[k])
            w.writerow(
                [
                    ids[int(pop.preg_person[k])],
                    day(int(pop.preg_lmp[k])).isoformat(),
                    day(int(pop.preg_edd[k])).isoformat(),
                    "" if dl == NO_DAY else day(dl).isoformat(),
                    "" if fac < 0 else ("true" if fac else "false"),
                ]
            )
    with (folder / "records.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["person_id", "code", "date"])
        codes = hist.codes
        for p, c, d in zip(
            hist.rec_person.tolist(), hist.rec_code.tolist(), hist.rec_day.tolist(), strict=True
        ):
            w.writerow([ids[p], codes[c], day(d).isoformat()])


def puskesmas(people: int, rounds: int = 2) -> None:
    """The dashboard from the files, interleaved: read_register and read_register_columns."""
    net = make_network(1)
    drawn = synthesize(seed=9, on="2025-11-01", network=net, size=people)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "network.yaml").write_text(dump_network(net), "utf-8")
        reg = folder / "register"
        reg.mkdir()
        write_register(reg, drawn)
        print(f"puskesmas: {people:,} people, {len(drawn.history):,} records")
        for k in range(rounds):
            for name, read in (
                ("read_register", read_register),
                ("read_register_columns", read_register_columns),
            ):
                t, c = time.perf_counter(), time.process_time()
                network = load_network(folder / "network.yaml")
                register = read(reg)
                t_read, c_read = time.perf_counter() - t, time.process_time() - c
                cols = register_columns(register, network)
                ev = evaluate(
                    cols.population, cols.history, network, year=2025, weights=cols.weights
                )
                write_report(ev, 10, folder / "pws.html")
                total, cpu = time.perf_counter() - t, time.process_time() - c
                print(
                    f"  round {k + 1}, {name}: read {t_read:.2f} s (CPU {c_read:.2f}); "
                    f"files -> dashboard HTML {total:.2f} s (CPU {cpu:.2f}); "
                    f"load {os.getloadavg()[0]:.1f}"
                )
        _ = np


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--people", type=int, default=1_000_000)
    p.add_argument("--puskesmas-people", type=int, default=50_000)
    p.add_argument("--only", choices=("kabupaten", "puskesmas"))
    a = p.parse_args()
    if a.only != "puskesmas":
        kabupaten(a.people)
    if a.only != "kabupaten":
        puskesmas(a.puskesmas_people)


if __name__ == "__main__":
    main()

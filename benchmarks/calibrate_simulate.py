"""Calibration of the default simulation parameters against published national figures.

Run by hand (never in CI):  python benchmarks/calibrate_simulate.py [--people N] [--months M] [--seed S]

It draws a population with ``ilp.population.synthesize`` on a made-up
network (benchmarks/_simdata.py), simulates it with ``SimParams()`` for --months months
(36 by default, so that children born in the run reach 12-23 months), and
measures, on the people born during the run and the pregnancies begun
during it, the figures that ``docs/simulation.md`` lists as calibration
targets (demography.md §2 and §4; survey definitions, §6 item 4). Each
line prints the target, the tolerance, the value measured and whether it
is within the tolerance.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pendulum

sys.path.insert(0, str(Path(__file__).parent))

import _simdata

from ilp.population import NO_DAY, History, Population, synthesize
from ilp.population.simulation import SimParams, SimResult, simulate

START = pendulum.Date(2025, 1, 1)
# (name, target %, tolerance in points, source)
TARGETS = [
    ("CBR per 1,000", 15.54, 1.0, "WPP2024, 2025 [confirmed: W1]"),
    ("CDR per 1,000", 7.71, 0.8, "WPP2024, 2025 [confirmed: W1]"),
    ("BCG, 12-23 months", 90.86, 3.0, "Susenas 2023 [confirmed-secondary: P42]"),
    ("DPT-HB-Hib 3, 12-23 months", 88.31, 3.0, "Susenas 2023 [confirmed-secondary: P42]"),
    ("Polio 3, 12-23 months", 88.61, 3.0, "Susenas 2023 [confirmed-secondary: P42]"),
    ("MR 1, 12-23 months", 75.36, 3.0, "Susenas 2023 [confirmed-secondary: P42]"),
    ("IDL, 12-23 months", 63.58, 5.0, "Susenas 2023 [confirmed-secondary: P42]"),
    ("KN1", 84.1, 3.0, "Riskesdas 2018 [confirmed-secondary: P44]"),
    ("KN lengkap", 43.5, 5.0, "Riskesdas 2018 [confirmed-secondary: P44]"),
    ("ANC K4 (1-1-2)", 77.0, 5.0, "SDKI 2017 [confirmed-secondary: P13]"),
]
IDL = [
    "HB0",
    "BCG",
    "OPV-1",
    "OPV-2",
    "OPV-3",
    "OPV-4",
    "DPT-HB-HIB-1",
    "DPT-HB-HIB-2",
    "DPT-HB-HIB-3",
    "MR-1",
]


def has(history: History, code: str, n: int) -> npt.NDArray[np.bool_]:
    """Per row, whether *code* was ever given."""
    person, _ = history.of_code(code)
    out = np.zeros(n, dtype=np.bool_)
    out[person] = True
    return out


def measure(result: SimResult, start: pendulum.Date) -> dict[str, float]:
    """The calibration figures of a run, in the units of TARGETS."""
    pop = result.population
    hist = result.history
    assert isinstance(pop, Population)
    assert isinstance(hist, History)
    n = len(pop)
    end = result.months[-1].add(months=1).toordinal() - 1
    out: dict[str, float] = {}
    pe = result.people
    years = len(result.months) / 12
    mean = (pe["alive_start"].astype(float) + pe["alive_end"]).mean() / 2
    out["CBR per 1,000"] = pe["births"].sum() / mean / years * 1000
    out["CDR per 1,000"] = pe["deaths"].sum() / mean / years * 1000
    born = pop.birth >= start.toordinal()
    alive = pop.death == NO_DAY
    end_date = pendulum.Date.fromordinal(end)
    lo = end_date.subtract(months=24).toordinal()  # 12-23 completed months on the last day
    hi = end_date.subtract(months=12).toordinal()
    cohort = born & alive & (pop.birth > lo) & (pop.birth <= hi)
    got = {c: has(hist, c, n) for c in [*IDL, "KN-1", "KN-2", "KN-3"]}
    k = cohort.sum()
    out["BCG, 12-23 months"] = got["BCG"][cohort].mean() * 100
    out["DPT-HB-Hib 3, 12-23 months"] = got["DPT-HB-HIB-3"][cohort].mean() * 100
    out["Polio 3, 12-23 months"] = got["OPV-3"][cohort].mean() * 100
    out["MR 1, 12-23 months"] = got["MR-1"][cohort].mean() * 100
    idl = np.ones(n, dtype=np.bool_)
    for c in IDL:
        idl &= got[c]
    out["IDL, 12-23 months"] = idl[cohort].mean() * 100
    newborn = (
        born & (pop.birth <= end - 28) & ((pop.death == NO_DAY) | (pop.death > pop.birth + 28))
    )
    out["KN1"] = got["KN-1"][newborn].mean() * 100
    out["KN lengkap"] = (got["KN-1"] & got["KN-2"] & got["KN-3"])[newborn].mean() * 100
    # ANC: pregnancies begun in the run and delivered in it, 1-1-2 (K1; K2 or K3; two of K4-K6)
    dl = pop.preg_delivery
    done = (pop.preg_lmp >= start.toordinal()) & (dl != NO_DAY)
    women = pop.preg_person[done]
    counts = {}
    for c in ("ANC-K1", "ANC-K2", "ANC-K3", "ANC-K4", "ANC-K5", "ANC-K6"):
        person, _ = hist.of_code(c)
        mark = np.zeros(n, dtype=np.int64)
        np.add.at(mark, person, 1)
        counts[c] = mark[women] > 0
    t3 = counts["ANC-K4"].astype(int) + counts["ANC-K5"] + counts["ANC-K6"]
    k4 = counts["ANC-K1"] & (counts["ANC-K2"] | counts["ANC-K3"]) & (t3 >= 2)
    out["ANC K4 (1-1-2)"] = k4.mean() * 100 if len(k4) else float("nan")
    out["_cohort"] = float(k)
    out["_newborns"] = float(newborn.sum())
    out["_pregnancies"] = float(len(women))
    return out


def run(
    people: int, months: int, seed: int, puskesmas: int, params: SimParams
) -> tuple[SimResult, float]:
    """Synthesize *people* on a made-up network and simulate them; the result and its time."""
    net = _simdata.network(puskesmas)
    drawn = synthesize(seed=seed, on=START, network=net, size=people)
    began = time.perf_counter()
    result = simulate(
        drawn.population,
        drawn.history,
        net,
        START,
        months,
        seed=seed,
        params=params,
        households=drawn.households,
    )
    return result, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=150_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=20251101)
    parser.add_argument("--puskesmas", type=int, default=6)
    args = parser.parse_args()
    result, took = run(args.people, args.months, args.seed, args.puskesmas, SimParams())
    found = measure(result, START)
    print(
        f"{args.people:,} people, {args.months} months from {START}, seed {args.seed}: {took:.1f} s"
    )
    print(
        f"cohort 12-23 months: {found['_cohort']:.0f}; newborns: {found['_newborns']:.0f}; pregnancies: {found['_pregnancies']:.0f}"
    )
    print(f"{'figure':30} {'target':>8} {'tol':>5} {'model':>8}  ok  source")
    for name, target, tol, source in TARGETS:
        value = found[name]
        ok = abs(value - target) <= tol
        print(
            f"{name:30} {target:8.2f} {tol:5.1f} {value:8.2f}  {'yes' if ok else 'NO ':3} {source}"
        )


if __name__ == "__main__":
    main()

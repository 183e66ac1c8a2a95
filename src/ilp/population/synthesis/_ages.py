"""Ages and sexes drawn from the WPP2024 table of the year nearest the date."""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Final

import numpy as np
import pendulum

from ilp.dates import Duration
from ilp.lifecycle.semantics import max_birth
from ilp.population._calendar import Arr
from ilp.population.batch.draws import trunc_exp

if TYPE_CHECKING:
    from ilp.population.synthesis._params import SynthParams

_EPOCH: Final = _dt.date(1970, 1, 1).toordinal()
_DAYS_PER_YEAR: Final = 365.2425
#: The oldest age drawn (the WPP 75+ group includes 100+).
_MAX_AGE: Final = 100


@cache
def _age_tables() -> dict[int, tuple[tuple[int, int | None, int, int], ...]]:
    """Year → rows of (lowest age, age above the group or None, male, female)."""
    text = resources.files("ilp.population").joinpath("data/population_age_sex.csv")
    lines = [ln for ln in text.read_text("utf-8").splitlines() if not ln.startswith("#")]
    tables: dict[int, list[tuple[int, int | None, int, int]]] = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        group = row["age_group"]
        if group.endswith("+"):
            lo, hi = int(group[:-1]), None
        else:
            a, b = group.split("-")
            lo, hi = int(a), int(b) + 1
        tables.setdefault(int(row["year"]), []).append(
            (lo, hi, int(row["male"]), int(row["female"]))
        )
    return {year: tuple(rows) for year, rows in tables.items()}


def _table(params: SynthParams, on: pendulum.Date) -> tuple[tuple[int, int | None, int, int], ...]:
    tables = _age_tables()
    year = params.age_table_year
    if year is None:
        year = min(tables, key=lambda y: (abs(on.toordinal() - _dt.date(y, 1, 1).toordinal()), -y))
    return tables[year]


class _YearThresholds:
    """For a date: the last birth day of each completed age in years (as ``ilp.dates``)."""

    def __init__(self, day: int) -> None:
        self.last = np.array(
            [max_birth(Duration(months=12 * y), day) for y in range(_MAX_AGE + 31)],
            dtype=np.int64,
        )
        self._ascending = self.last[1:][::-1]

    def age(self, birth: Arr) -> Arr:
        """Completed years on the day, for births on or before it."""
        asc = self._ascending
        return (len(asc) - np.searchsorted(asc, birth, side="left")).astype(np.int64)


def _ages(
    rng: np.random.Generator,
    n: int,
    years: _YearThresholds,
    table: tuple[tuple[int, int | None, int, int], ...],
) -> tuple[Arr, Arr]:
    counts = np.array([[female, male] for _, _, male, female in table], dtype=np.float64)
    cells = rng.multinomial(n, (counts / counts.sum()).ravel()).reshape(counts.shape)
    births: list[Arr] = []
    sexes: list[Arr] = []
    before = {lo: (f, m) for lo, hi, m, f in table if hi is not None}
    for g, (lo, hi, _, _) in enumerate(table):
        for s in (0, 1):
            k = int(cells[g, s])
            if hi is not None:
                b = rng.integers(years.last[hi] + 1, years.last[lo] + 1, size=k)
            else:  # the open group: exponential fall, fitted to the group before it
                last = counts[g, s]
                prior = before[lo - 5][s]
                ratio = last / (prior + last)  # geometric 5-year bands that add up to the group
                mean = 5.0 / -math.log(ratio)
                x = trunc_exp(rng, k, mean, np.full(k, float(_MAX_AGE - lo)))
                days = np.floor(x * _DAYS_PER_YEAR).astype(np.int64)
                b = np.maximum(years.last[lo] - days, years.last[_MAX_AGE] + 1)
            births.append(b.astype(np.int64))
            sexes.append(np.full(k, s, dtype=np.int8))
    birth = np.concatenate(births) if births else np.zeros(0, dtype=np.int64)
    sex = np.concatenate(sexes) if sexes else np.zeros(0, dtype=np.int8)
    order = np.argsort(birth, kind="stable")
    return birth[order], sex[order]


def _band(values: Arr, bands: Iterable[tuple[float, ...]], column: int = 1) -> Arr:
    """The rate of each value: the band whose lower bound is the last at or below it (else 0)."""
    rows = list(bands)
    if not rows:
        return np.zeros(len(values))
    edges = np.array([b[0] for b in rows])
    rates = np.array([0.0] + [b[column] for b in rows])
    return rates[np.searchsorted(edges, values, side="right")]

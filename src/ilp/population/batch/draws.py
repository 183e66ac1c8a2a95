"""Random draws and day arithmetic the synthetic-history walkers share."""

from __future__ import annotations

import datetime as _dt
from typing import Final

import numpy as np

from ilp.people import Outcome
from ilp.population._calendar import Arr, add_months
from ilp.population.columns import OUTCOMES

__all__ = ["LIVE_BIRTH", "month_start", "shift", "trunc_exp", "uniform_day"]

_EPOCH: Final = _dt.date(1970, 1, 1).toordinal()
#: The ``preg_outcome`` code of a live birth.
LIVE_BIRTH: Final = OUTCOMES.index(Outcome.LIVE_BIRTH)


def trunc_exp(rng: np.random.Generator, k: int, mean: float, cap: Arr | None) -> Arr:
    """*k* exponential draws of *mean*, each truncated to ``[0, cap]`` when *cap* is given."""
    u = rng.random(k)
    if mean <= 0:
        return np.zeros(k)
    if cap is None:
        return -mean * np.log1p(-u)
    cap = np.maximum(cap, 0.0)
    x = -mean * np.log1p(u * np.expm1(-cap / mean))
    return np.minimum(x, cap)


def shift(day: int, months: int, days: int = 0) -> int:
    """A scalar day number plus (or minus) months and days."""
    return int(add_months(np.array([day], dtype=np.int64), months)[0]) + days


def month_start(year: Arr, month: Arr) -> Arr:
    """The day number of the first day of each (*year*, *month*)."""
    m = (np.asarray(year, np.int64) - 1970) * 12 + np.asarray(month, np.int64) - 1
    return m.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + _EPOCH


def uniform_day(rng: np.random.Generator, lo: Arr, hi: Arr) -> Arr:
    """A day drawn uniformly from ``[lo, hi]`` (``lo`` where the range is empty)."""
    span = np.maximum(np.asarray(hi) - lo + 1, 1)
    out: Arr = lo + np.floor(rng.random(len(span)) * span).astype(np.int64)
    return out

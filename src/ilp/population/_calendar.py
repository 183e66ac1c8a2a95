"""Calendar arithmetic over arrays of day numbers, exactly as :mod:`ilp.dates` does it per day.

Day numbers are proleptic Gregorian ordinals (``date.toordinal()``). Adding
calendar months is a gather from a table "day number → the same day N months
later" (clamped to the month's end, as ``ilp.dates.add_months_day``); the
tables are built with NumPy ``datetime64`` over a range of days and cached.
The scalar helpers that find, for a fixed date, the birth days at which an
age bound changes (``max_birth``, ``min_birth``) live in
:mod:`ilp.lifecycle.semantics` and are re-exported here.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ilp.dates import Duration
from ilp.lifecycle import Limit
from ilp.lifecycle.semantics import max_birth, min_birth

__all__ = ["NO_DAY", "Arr", "Calendar", "add_months", "max_birth", "min_birth"]

#: The day number that stands for "no date" in int32 columns (larger than any real day).
NO_DAY: Final = int(np.iinfo(np.int32).max)

#: An array of any dtype (internal arithmetic).
Arr = npt.NDArray[Any]

_EPOCH: Final = _dt.date(1970, 1, 1).toordinal()
_FIRST_DAY: Final = 1
_LAST_DAY: Final = _dt.date.max.toordinal()
#: Tables cover whole blocks of this many days, so nearby ranges share a table.
_BLOCK: Final = 1 << 14


def add_months(days: Arr, months: int | Arr) -> Arr:
    """Day numbers *days* plus *months* calendar months, clamped to the month's last day."""
    dt = (np.asarray(days, dtype=np.int64) - _EPOCH).astype("datetime64[D]")
    month = dt.astype("datetime64[M]")
    offset = dt - month.astype("datetime64[D]")
    target = month + np.asarray(months, dtype=np.int64)
    first = target.astype("datetime64[D]")
    length = (target + 1).astype("datetime64[D]") - first
    out = first + np.minimum(offset, length - np.timedelta64(1, "D"))
    result: Arr = out.astype(np.int64) + _EPOCH
    return result


@lru_cache(maxsize=96)
def _month_table(months: int, lo: int, hi: int) -> npt.NDArray[np.int32]:
    table = add_months(np.arange(lo, hi + 1, dtype=np.int64), months).astype(np.int32)
    table.setflags(write=False)
    return table


@lru_cache(maxsize=32)
def _month_table_or_none(months: int, lo: int, hi: int) -> npt.NDArray[np.int32]:
    """``_month_table`` after a first entry, 0, for the day before *lo* (no day)."""
    table = np.concatenate([np.zeros(1, dtype=np.int32), _month_table(months, lo, hi)])
    table.setflags(write=False)
    return table


@lru_cache(maxsize=8)
def _day_key_table(lo: int, hi: int) -> npt.NDArray[np.int16]:
    """Day number → month * 32 + day of month."""
    dt = (np.arange(lo, hi + 1, dtype=np.int64) - _EPOCH).astype("datetime64[D]")
    month = dt.astype("datetime64[M]")
    dom = (dt - month.astype("datetime64[D]")).astype(np.int64) + 1
    key = (month.astype(np.int64) % 12 + 1) * 32 + dom
    table: npt.NDArray[np.int16] = key.astype(np.int16)
    table.setflags(write=False)
    return table


@lru_cache(maxsize=64)
def _birthday_table(year: int) -> npt.NDArray[np.int32]:
    """``month * 32 + day`` of a date of birth → its birthday in *year* (29 Feb → 28 Feb)."""
    table = np.zeros(13 * 32, dtype=np.int32)
    for month in range(1, 13):
        nxt = _dt.date(year + (month == 12), month % 12 + 1, 1)
        last = (nxt - _dt.timedelta(days=1)).day
        for day in range(1, 32):
            table[month * 32 + day] = _dt.date(year, month, min(day, last)).toordinal()
    table.setflags(write=False)
    return table


@lru_cache(maxsize=64)
def _birthday_pair(year: int) -> npt.NDArray[np.int32]:
    table = np.concatenate([_birthday_table(year), _birthday_table(year - 1)])
    table.setflags(write=False)
    return table


class Calendar:
    """Calendar arithmetic for day numbers from *lo* to *hi* (inclusive)."""

    __slots__ = ("hi", "lo")

    def __init__(self, lo: int, hi: int) -> None:
        lo = max(_FIRST_DAY, min(lo, _LAST_DAY))
        hi = min(_LAST_DAY, max(hi, lo))
        self.lo = max(_FIRST_DAY, lo - lo % _BLOCK)
        self.hi = min(_LAST_DAY, hi - hi % _BLOCK + _BLOCK - 1)

    def months(self, days: Arr, months: int) -> Arr:
        """*days* plus *months* calendar months."""
        if months == 0:
            return days
        table = _month_table(months, self.lo, self.hi)
        # the offsets made as intp: take converts any other index to a new array first
        return table.take(np.subtract(days, self.lo, dtype=np.intp))

    def after(self, duration: Duration, days: Arr) -> Arr:
        """*days* plus *duration* (months first, then days), as ``Duration.after``."""
        out = self.months(days, duration.months)
        return out + duration.days if duration.days else out

    def after_at(self, duration: Duration, at: Arr) -> Arr:
        """``after`` of the days ``at + lo - 1`` given as offsets *at* (intp), and the
        duration's days alone where *at* is 0 (no day)."""
        out: Arr
        if duration.months:
            table = _month_table_or_none(duration.months, self.lo, self.hi)
            out = table.take(at)
        else:
            out = np.where(at == 0, np.int32(0), (at + (self.lo - 1)).astype(np.int32))
        return out + duration.days if duration.days else out

    def limit(self, limit: Limit, days: Arr) -> Arr:
        """The last day within *limit* counted from *days*, as ``Limit.day``."""
        out = self.after(limit.duration, days)
        return out - 1 if limit.exclusive else out

    def birthday_keys(self, births: Arr) -> Arr:
        """``month * 32 + day`` of each date of birth, for :meth:`birthday`."""
        return _day_key_table(self.lo, self.hi).take(np.subtract(births, self.lo, dtype=np.intp))

    #: The number of birth keys (``month * 32 + day``).
    KEYS: Final = 13 * 32

    def birthday_table(self, year: int) -> npt.NDArray[np.int32]:
        """Birth key → the birthday in calendar *year* (29 February → 28 February)."""
        return _birthday_table(year)

    def birthday_pair(self, year: int) -> npt.NDArray[np.int32]:
        """Birth key → the birthday in *year*; key + ``KEYS`` → the one in *year* - 1."""
        return _birthday_pair(year)

"""Calendar dates, ages and durations, as ``../shared/domain/decisions.md`` ("Time") fixes them.

Dates are calendar dates with no time of day. Everything that enters ilp is
turned into a :class:`pendulum.Date` by :func:`as_date`; the evaluators work
on integer day numbers (proleptic Gregorian ordinals, ``date.toordinal()``)
and convert back only at the edge.

Month arithmetic is pendulum's: 31 January + 1 month is 28 (or 29) February.
"At age N months" is the date of birth plus N months, so a child born on
31 January is one month old on 28 February. Completed age in months is the
largest N with ``birth + N months <= on``; completed years are completed
months divided by 12 (a child born on 29 February 2024 turns one on
28 February 2025).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from functools import lru_cache
from typing import Any, Final

import attrs
import pendulum

from ilp.errors import InvalidDateError

__all__ = [
    "FIRST_DATE",
    "LAST_DATE",
    "MAX_DURATION_YEARS",
    "DateLike",
    "Duration",
    "GestationalAge",
    "add_months",
    "add_months_day",
    "age_in_days",
    "age_in_months",
    "age_in_years",
    "as_date",
    "days_as_datetime64",
    "from_day",
    "gestational_age",
    "months_between",
    "to_day",
    "trimester",
]

#: What ilp accepts wherever it wants a date.
DateLike = _dt.date | str

_ISO_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)

#: The first date ilp accepts: nobody alive or recorded today was born before it.
FIRST_DATE: Final = pendulum.Date(1900, 1, 1)
#: The last date ilp accepts: far enough for any plan, and far from the calendar's end
#: (9999-12-31), so that every date ilp computes from accepted ones exists.
LAST_DATE: Final = pendulum.Date(2200, 12, 31)
#: The longest duration a catalogue or region may give (an age, a window, an interval).
MAX_DURATION_YEARS: Final = 200


def _in_range(date: pendulum.Date, field: str, value: object) -> pendulum.Date:
    if not FIRST_DATE <= date <= LAST_DATE:
        msg = (
            f"{field}: {date.isoformat()!r} is outside the supported dates "
            f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"
        )
        raise InvalidDateError(msg, field=field, value=date.isoformat())
    return date


def as_date(value: object, *, field: str = "date") -> pendulum.Date:
    """Return *value* as a :class:`pendulum.Date`.

    Accepts ``datetime.date``, ``pendulum.Date``, a ``datetime`` at exactly
    midnight, and ISO ``YYYY-MM-DD`` strings, from :data:`FIRST_DATE` to
    :data:`LAST_DATE`. A datetime with a time of day, an impossible date
    (``2024-02-30``), a date outside that range or anything else raises
    :class:`~ilp.errors.InvalidDateError` naming *field* and the value.
    """
    if isinstance(value, _dt.datetime):
        if value.time() != _dt.time(0) or value.tzinfo is not None:
            what = "has a time of day" if value.time() != _dt.time(0) else "has a time zone"
            msg = f"{field}: {value.isoformat()!r} {what}; give a calendar date"
            raise InvalidDateError(msg, field=field, value=value)
        return _in_range(pendulum.Date(value.year, value.month, value.day), field, value)
    if isinstance(value, pendulum.Date):
        return _in_range(value, field, value)
    if isinstance(value, _dt.date):
        return _in_range(pendulum.Date(value.year, value.month, value.day), field, value)
    if isinstance(value, str):
        match = _ISO_DATE.fullmatch(value.strip())
        if match is None:
            msg = f"{field}: {value!r} is not a date in the form YYYY-MM-DD"
            raise InvalidDateError(msg, field=field, value=value)
        year, month, day = (int(g) for g in match.groups())
        try:
            date = pendulum.Date(year, month, day)
        except ValueError:
            msg = f"{field}: {value!r} is not a date that exists"
            raise InvalidDateError(msg, field=field, value=value) from None
        return _in_range(date, field, value)
    msg = f"{field}: expected a date, got {type(value).__name__} {_short(value)}"
    raise InvalidDateError(msg, field=field, value=value)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def to_day(date: _dt.date) -> int:
    """Day number of *date* (``date.toordinal()``), the unit the evaluators work in."""
    return date.toordinal()


#: Day number of 1970-01-01, NumPy's ``datetime64`` epoch.
_EPOCH_DAY: Final = 719_163
#: The day number the columnar evaluators use for "no date" (the int32 maximum).
_NO_DAY: Final = 2**31 - 1


def days_as_datetime64(days: Any) -> Any:
    """Day numbers (:func:`to_day`) as a NumPy ``datetime64[D]`` array; "no date" becomes NaT.

    The columnar evaluators keep dates as int32 day numbers with 2147483647
    for "no date"; this turns such an array into dates that pandas and NumPy
    print and compare as dates.
    """
    import numpy as np  # noqa: PLC0415 - NumPy only for the columnar side

    arr = np.asarray(days, dtype=np.int64)
    out = (arr - _EPOCH_DAY).astype("datetime64[D]")
    out[arr == _NO_DAY] = np.datetime64("NaT")
    return out


def from_day(day: int) -> pendulum.Date:
    """The date of day number *day*."""
    d = _dt.date.fromordinal(day)
    return pendulum.Date(d.year, d.month, d.day)


@lru_cache(maxsize=1 << 18)
def add_months_day(day: int, months: int) -> int:
    """Day number *day* plus *months* calendar months, clamped to the month's last day."""
    d = _dt.date.fromordinal(day)
    y, m0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    last = calendar.monthrange(y, m0 + 1)[1]
    return _dt.date(y, m0 + 1, min(d.day, last)).toordinal()


def add_months(date: _dt.date, months: int) -> pendulum.Date:
    """*date* plus *months* calendar months, clamped to the month's last day."""
    return from_day(add_months_day(date.toordinal(), months))


def _check_order(birth: _dt.date, on: _dt.date) -> None:
    if on < birth:
        msg = f"on: {on.isoformat()} is before the date of birth {birth.isoformat()}"
        raise InvalidDateError(msg, field="on", value=on)


def age_in_days(birth: _dt.date, on: _dt.date) -> int:
    """Completed days from *birth* to *on* (0 on the day of birth)."""
    _check_order(birth, on)
    return on.toordinal() - birth.toordinal()


def months_between(b: int, o: int) -> int:
    """Completed months from day number *b* to day number *o* (``age_in_months`` on day numbers)."""
    bd, od = _dt.date.fromordinal(b), _dt.date.fromordinal(o)
    months = (od.year - bd.year) * 12 + od.month - bd.month
    if add_months_day(b, months) > o:
        months -= 1
    return months


def age_in_months(birth: _dt.date, on: _dt.date) -> int:
    """Completed months: the largest N with ``birth + N months <= on``."""
    _check_order(birth, on)
    return months_between(birth.toordinal(), on.toordinal())


def age_in_years(birth: _dt.date, on: _dt.date) -> int:
    """Completed years: completed months divided by 12."""
    return age_in_months(birth, on) // 12


@attrs.frozen(order=True)
class GestationalAge:
    """Gestational age in completed weeks and days since the HPHT (LMP)."""

    weeks: int
    days: int

    @property
    def total_days(self) -> int:
        """Whole days since the first day of the last menstrual period."""
        return self.weeks * 7 + self.days

    def __str__(self) -> str:
        return f"{self.weeks}w{self.days}d"


def gestational_age(lmp: _dt.date, on: _dt.date) -> GestationalAge:
    """Gestational age on *on* for a pregnancy whose HPHT (LMP) is *lmp*."""
    if on < lmp:
        msg = f"on: {on.isoformat()} is before the HPHT (LMP) {lmp.isoformat()}"
        raise InvalidDateError(msg, field="on", value=on)
    weeks, days = divmod(on.toordinal() - lmp.toordinal(), 7)
    return GestationalAge(weeks, days)


def trimester(lmp: _dt.date, on: _dt.date) -> int:
    """Trimester (1, 2 or 3): weeks 0–12, >12–24, >24 (decisions.md, "Time")."""
    total = gestational_age(lmp, on).total_days
    if total <= 12 * 7 + 6:
        return 1
    if total <= 24 * 7 + 6:
        return 2
    return 3


_DURATION: Final = re.compile(r"(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)w)?(?:(\d+)d)?", re.ASCII)


@attrs.frozen
class Duration:
    """A span written as in the catalogue: ``"2m"``, ``"6m29d"``, ``"4w"``, ``"1y"``, ``"0d"``.

    Years and months are calendar months (``1y`` is ``12m``); weeks are
    7 days. Adding a duration adds the months first, then the days.
    """

    months: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    days: int = attrs.field(default=0, validator=attrs.validators.ge(0))

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read ``"1y2m3w4d"``-style text (each part optional, in that order)."""
        if not isinstance(text, str) or not text or (m := _DURATION.fullmatch(text)) is None:
            msg = f"{_short(text)} is not a duration such as '2m', '6m29d', '4w' or '1y'"
            raise ValueError(msg)
        if any(g is not None and len(g) > 6 for g in m.groups()):
            msg = f"{_short(text)} is longer than {MAX_DURATION_YEARS} years"
            raise ValueError(msg)
        y, mo, w, d = (int(g) if g else 0 for g in m.groups())
        months, days = y * 12 + mo, w * 7 + d
        if months + days // 28 > MAX_DURATION_YEARS * 12:
            msg = f"{_short(text)} is longer than {MAX_DURATION_YEARS} years"
            raise ValueError(msg)
        return cls(months=months, days=days)

    def after(self, day: int) -> int:
        """Day number *day* plus this duration."""
        return add_months_day(day, self.months) + self.days if self.months else day + self.days

    def add_to(self, date: _dt.date) -> pendulum.Date:
        """*date* plus this duration."""
        return from_day(self.after(date.toordinal()))

    def __str__(self) -> str:
        y, mo = divmod(self.months, 12)
        w, d = divmod(self.days, 7)
        if mo == 0 and y == 0 and w == 0 and d == 0:
            return "0d"
        # keep months whole when they do not make whole years (18m reads better than 1y6m)
        parts = [f"{y}y"] if y and not mo else ([f"{self.months}m"] if self.months else [])
        if d == 0 and w:
            parts.append(f"{w}w")
        elif self.days:
            parts.append(f"{self.days}d")
        return "".join(parts)

"""Building blocks of the strategies: constants, argument checks, day arithmetic, chance.

Every strategy builds its objects through the public constructors, so
everything it produces has passed ilp's own validation. Dates are drawn as
day numbers and become :class:`pendulum.Date` at the end. Ages follow
``decisions.md`` ("Time"): a person is at least *d* old on a date when the
date of birth plus *d* is on or before that date.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import string
from typing import Final, TypeVar

import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ilp.dates import (
    FIRST_DATE,
    DateLike,
    Duration,
    add_months,
    as_date,
    from_day,
)
from ilp.errors import ILPError
from ilp.people import (
    MAX_PREGNANCY_DAYS,
    MIN_BIRTH_DAYS,
    MIN_PREGNANCY_AGE_YEARS,
    Condition,
    Outcome,
    Relation,
    Sex,
)

T = TypeVar("T")


#: Dates the strategies accept: room for any age up to 120 years on any query date.
_FIRST: Final = FIRST_DATE


_LAST: Final = pendulum.Date(2199, 12, 31)


#: The earliest query date (``on``) accepted.
_FIRST_ON: Final = pendulum.Date(1920, 1, 1)


#: The oldest age accepted.
_MAX_AGE: Final = Duration(months=120 * 12)


#: Query dates drawn when none is given.
_DEFAULT_ON: Final = ("2000-01-01", "2039-12-31")


_EDD_DAYS: Final = 280


_MIN_EDD_DAYS: Final = 36 * 7


_MAX_EDD_DAYS: Final = 44 * 7


_TERM_DAYS: Final = (37 * 7, 42 * 7)


#: First HPHT after a delivery, at the soonest.
_POSTPARTUM_GAP: Final = 14


_REPRODUCTIVE_AGE: Final = (Duration(months=15 * 12), Duration(months=49 * 12))


_YOUNGEST_MOTHER: Final = Duration(months=MIN_PREGNANCY_AGE_YEARS * 12)


_ADULT: Final = Duration(months=18 * 12)


_GENERATION: Final = Duration(months=15 * 12)


_CENTURY: Final = Duration(months=100 * 12)


_CODE: Final = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")


#: Province codes: the first two digits of a NIK, KK number or area code.
_PROVINCES: Final = (
    *range(11, 20),
    21,
    *range(31, 37),
    *range(51, 54),
    *range(61, 66),
    *range(71, 77),
    81,
    82,
    *range(91, 97),
)


_NAMES: Final = {
    Sex.FEMALE: ("Siti", "Dewi", "Ayu", "Putri", "Nur Aini", "Ni Made Sari", "Rahmawati"),
    Sex.MALE: ("Budi", "Agus", "Ahmad", "Wayan", "Muhammad Rizki", "Yohanes", "Eko"),
}


_CODES: Final = (
    "HB0",
    "BCG",
    "OPV-1",
    "DPT-HB-HIB-1",
    "PCV-1",
    "RV-1",
    "IPV-1",
    "MR-1",
    "ANC-K1",
    "KF-1",
    "KN-1",
    "GROWTH",
    "VITA-RED",
    "BIAS-MR",
    "HPV-1",
    "SCHOOL-SCREEN",
    "PTM-SCREEN",
    "HT-CONTROL",
    "SKILAS",
    "CKG",
)


_STREETS: Final = ("Merdeka", "Sudirman", "Diponegoro", "Kenanga", "Melati")


# Strategies built once: building one costs more than drawing from it.
_IDS: Final = st.text(string.ascii_letters + string.digits + "-_.:", min_size=1, max_size=12)


_SEXES: Final = st.sampled_from(Sex)


_MAYBE_BOOL: Final = st.none() | st.booleans()


_OUTCOMES: Final = st.sampled_from(
    [Outcome.LIVE_BIRTH, None, Outcome.STILLBIRTH, Outcome.MISCARRIAGE]
)


_MISCARRIAGE_DAYS: Final = st.integers(min_value=21, max_value=MIN_BIRTH_DAYS - 1)


_BIRTH_DAYS: Final = st.one_of(
    st.integers(min_value=_TERM_DAYS[0], max_value=_TERM_DAYS[1]),
    st.integers(min_value=MIN_BIRTH_DAYS, max_value=MAX_PREGNANCY_DAYS),
)


_GAPS: Final = st.integers(min_value=0, max_value=2000)


_SOME_CONDITIONS: Final = st.frozensets(st.sampled_from(Condition), min_size=1, max_size=3)


_PERCENT: Final = st.integers(min_value=0, max_value=99)


_SERIALS: Final = st.integers(min_value=1, max_value=9999)


_VILLAGES: Final = st.integers(min_value=1001, max_value=2999)


_ADDRESSES: Final = st.builds(
    "Jl. {} No. {}, RT {:03d}/RW {:03d}".format,
    st.sampled_from(_STREETS),
    st.integers(min_value=1, max_value=200),
    st.integers(min_value=1, max_value=20),
    st.integers(min_value=1, max_value=15),
)


_RELATIONS: Final = st.sampled_from(
    [Relation.CHILD, Relation.SPOUSE, Relation.PARENT, Relation.OTHER]
)


_PROVIDERS: Final = st.none() | st.sampled_from(["bidan", "dokter", "perawat", "kader"])


_RESULTS: Final = st.none() | st.sampled_from(["normal", "abnormal", "positive", "negative"])


_VALUES: Final = st.none() | st.floats(min_value=0.5, max_value=250.0)


def _date_arg(value: object, name: str) -> pendulum.Date:
    try:
        return as_date(value, field=name)
    except ILPError as exc:
        raise InvalidArgument(str(exc)) from None


def _window(day: pendulum.Date, name: str, first: pendulum.Date) -> pendulum.Date:
    if not first <= day <= _LAST:
        msg = f"{name}={day.isoformat()} must be from {first.isoformat()} to {_LAST.isoformat()}"
        raise InvalidArgument(msg)
    return day


def _dates_arg(
    value: DateLike | SearchStrategy[_dt.date],
    name: str,
    first: pendulum.Date = _FIRST,
) -> SearchStrategy[pendulum.Date]:
    """Checked dates for an argument that is a date or a strategy of dates."""
    if isinstance(value, SearchStrategy):
        return value.map(lambda d: _window(_date_arg(d, name), name, first))
    return st.just(_window(_date_arg(value, name), name, first))


def _age_arg(value: Duration | str, name: str) -> Duration:
    if isinstance(value, Duration):
        age = value
    else:
        try:
            age = Duration.parse(value)
        except ValueError as exc:
            msg = f"{name}: {exc}"
            raise InvalidArgument(msg) from None
    if age.months * 31 + age.days > _MAX_AGE.months * 31:
        msg = f"{name}={age} is more than {_MAX_AGE}"
        raise InvalidArgument(msg)
    return age


def _bool_arg(value: object, name: str) -> None:
    if value is not None and not isinstance(value, bool):
        msg = f"{name}={value!r} must be True, False or None"
        raise InvalidArgument(msg)


def _sex_arg(value: object) -> None:
    if value is not None and not isinstance(value, Sex):
        msg = f"sex={value!r} must be a Sex or None"
        raise InvalidArgument(msg)


def _count_arg(value: object, name: str, least: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        msg = f"{name}={value!r} must be an integer of at least {least}"
        raise InvalidArgument(msg)


def _size_args(min_size: int, max_size: int, least: int = 0) -> None:
    _count_arg(min_size, "min_size", least)
    _count_arg(max_size, "max_size", min_size)


def _day(date: _dt.date) -> int:
    return date.toordinal()


def _plus(day: int, age: Duration) -> int:
    return age.after(day)


def _back(on: int, age: Duration) -> int:
    """About *on* minus *age*: where the exact searches start."""
    return _day(add_months(from_day(on - age.days), -age.months))


def _latest_birth(on: int, age: Duration) -> int:
    """The last day of birth of someone at least *age* old on day *on*."""
    day = _back(on, age)
    while age.after(day + 1) <= on:
        day += 1
    while age.after(day) > on:
        day -= 1
    return day


def _earliest_birth(on: int, age: Duration) -> int:
    """The first day of birth of someone at most *age* old on day *on*."""
    day = _back(on, age)
    while age.after(day - 1) >= on:
        day -= 1
    while age.after(day) < on:
        day += 1
    return day


@functools.cache
def _chance(percent: int) -> SearchStrategy[bool]:
    """True about *percent* % of the time; shrinks to False."""
    return _PERCENT.map(lambda n: n >= 100 - percent)


def _maybe(draw: st.DrawFn, percent: int, strategy: SearchStrategy[T]) -> T | None:
    return draw(strategy) if draw(_chance(percent)) else None


def _between(draw: st.DrawFn, low: int, high: int) -> int:
    """A number from *low* to *high*, spread over the whole range (years first, then days)."""
    years = draw(st.integers(min_value=0, max_value=(high - low) // 365))
    return min(high, low + years * 365 + draw(st.integers(min_value=0, max_value=364)))

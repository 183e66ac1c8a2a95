"""Hypothesis strategies for ilp's domain objects.

Every strategy here builds its objects through the public constructors, so
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
from collections.abc import Iterable
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
    age_in_months,
    age_in_years,
    as_date,
    from_day,
)
from ilp.errors import ILPError
from ilp.people import (
    MAX_PREGNANCY_DAYS,
    MIN_BIRTH_DAYS,
    MIN_PREGNANCY_AGE_YEARS,
    POSTTERM_DAYS,
    Condition,
    Family,
    Household,
    Member,
    Outcome,
    Person,
    Pregnancy,
    Relation,
    School,
    ServiceRecord,
    Sex,
)

__all__ = [
    "dates",
    "durations",
    "families",
    "histories",
    "niks",
    "persons",
    "pregnancies",
]

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


# -- arguments ---------------------------------------------------------------------------


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


def _on_arg(value: DateLike | SearchStrategy[_dt.date] | None) -> SearchStrategy[pendulum.Date]:
    if value is None:
        return dates(min_value=_DEFAULT_ON[0], max_value=_DEFAULT_ON[1])
    return _dates_arg(value, "on", _FIRST_ON)


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


# -- day arithmetic and chance -------------------------------------------------------------


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


# -- dates and durations ------------------------------------------------------------------


def dates(
    *,
    min_value: DateLike = "1900-01-01",
    max_value: DateLike = "2100-12-31",
) -> SearchStrategy[pendulum.Date]:
    """Calendar dates from *min_value* to *max_value* inclusive, as :class:`pendulum.Date`."""
    low, high = _date_arg(min_value, "min_value"), _date_arg(max_value, "max_value")
    if low > high:
        msg = f"min_value={low.isoformat()} is after max_value={high.isoformat()}"
        raise InvalidArgument(msg)
    return st.dates(min_value=low, max_value=high).map(
        lambda d: pendulum.Date(d.year, d.month, d.day)
    )


def durations(*, max_months: int = 1200, max_days: int = 3650) -> SearchStrategy[Duration]:
    """Durations of 0 to *max_months* months plus 0 to *max_days* days."""
    _count_arg(max_months, "max_months")
    _count_arg(max_days, "max_days")
    return st.builds(
        Duration,
        months=st.integers(min_value=0, max_value=max_months),
        days=st.integers(min_value=0, max_value=max_days),
    )


# -- identity numbers ----------------------------------------------------------------------


@st.composite
def _areas(draw: st.DrawFn) -> str:
    """Six-digit area codes: province, kabupaten/kota, kecamatan."""
    province = draw(st.sampled_from(_PROVINCES))
    regency = draw(st.integers(min_value=1, max_value=79))
    district = draw(st.integers(min_value=1, max_value=50))
    return f"{province:02d}{regency:02d}{district:02d}"


_AREAS: Final = _areas()
#: Desa/kelurahan codes: an area code and a four-digit village number.
_RESIDENCES: Final = st.builds("{}{}".format, _AREAS, _VILLAGES)
_PLACES: Final = st.none() | _AREAS.map("PKM-{}".format)


def _nik(draw: st.DrawFn, birth: _dt.date, sex: Sex, area: str | None = None) -> str:
    day = birth.day + (40 if sex is Sex.FEMALE else 0)
    code = area if area is not None else draw(_AREAS)
    return f"{code}{day:02d}{birth.month:02d}{birth.year % 100:02d}{draw(_SERIALS):04d}"


def niks(
    *,
    birth_date: DateLike | SearchStrategy[_dt.date] | None = None,
    sex: Sex | None = None,
) -> SearchStrategy[str]:
    """NIKs of 16 digits in the Dukcapil layout: area, birth date (day + 40 for women), serial."""
    births = dates() if birth_date is None else _dates_arg(birth_date, "birth_date")
    _sex_arg(sex)

    @st.composite
    def build(draw: st.DrawFn) -> str:
        return _nik(draw, draw(births), sex if sex is not None else draw(_SEXES))

    return build()


# -- pregnancies ---------------------------------------------------------------------------


def _ending(draw: st.DrawFn) -> tuple[Outcome | None, int]:
    """How a pregnancy that has ended ended, and its length in days from the HPHT."""
    outcome = draw(_OUTCOMES)
    if outcome is Outcome.MISCARRIAGE:
        return outcome, draw(_MISCARRIAGE_DAYS)
    return outcome, draw(_BIRTH_DAYS)


def _edd(draw: st.DrawFn, lmp: int, min_edd: int | None = None) -> pendulum.Date:
    """HPHT + 280 days, or now and then an EDD corrected by ultrasound, not before *min_edd*."""
    low = lmp + _MIN_EDD_DAYS if min_edd is None else max(lmp + _MIN_EDD_DAYS, min_edd)
    if not draw(_chance(25)):
        return from_day(lmp + _EDD_DAYS)
    return from_day(draw(st.integers(min_value=low, max_value=lmp + _MAX_EDD_DAYS)))


def _ended(draw: st.DrawFn, lmp: int, outcome: Outcome | None, length: int) -> Pregnancy:
    return Pregnancy(
        from_day(lmp),
        edd=_edd(draw, lmp),
        delivery_date=from_day(lmp + length),
        outcome=outcome,
        in_facility=None if outcome is Outcome.MISCARRIAGE else draw(_MAYBE_BOOL),
    )


def _ongoing(draw: st.DrawFn, lmp: int, min_edd: int | None = None) -> Pregnancy:
    return Pregnancy(from_day(lmp), edd=_edd(draw, lmp, min_edd))


def pregnancies(
    *,
    lmp: DateLike | SearchStrategy[_dt.date] | None = None,
    delivered: bool | None = None,
) -> SearchStrategy[Pregnancy]:
    """Pregnancies with HPHT *lmp*: ended (*delivered* True), ongoing (False) or either (None).

    An ended pregnancy is a live birth, a stillbirth, a birth of unstated
    outcome (all from 20 to 45 weeks) or a miscarriage (3 to 19 weeks).
    """
    lmps = (
        dates(min_value="1950-01-01", max_value="2050-12-31")
        if lmp is None
        else _dates_arg(lmp, "lmp")
    )
    _bool_arg(delivered, "delivered")

    @st.composite
    def build(draw: st.DrawFn) -> Pregnancy:
        day = _day(draw(lmps))
        if not (draw(st.booleans()) if delivered is None else delivered):
            return _ongoing(draw, day)
        outcome, length = _ending(draw)
        return _ended(draw, day, outcome, length)

    return build()


def _obstetric_history(
    draw: st.DrawFn, birth: int, on: int, death: int | None, pregnant: bool | None
) -> list[Pregnancy]:
    """Non-overlapping pregnancies of a woman born on day *birth*, as recorded on day *on*.

    *pregnant* True ends the list with a pregnancy ongoing on *on*; False
    makes sure none is; None lets one happen. A woman who died may have died
    pregnant; now and then a record was never closed and is stale by *on*.
    """
    end = on if death is None else death
    current: Pregnancy | None = None
    horizon = end
    if pregnant:
        # HPHT 0 to 40 weeks before `on`, at age 10 or later; EDD + 14 days on or after `on`
        youngest = _plus(birth, _YOUNGEST_MOTHER)
        lmp = on - draw(st.integers(min_value=0, max_value=min(_EDD_DAYS, on - youngest)))
        current = _ongoing(draw, lmp, min_edd=on - POSTTERM_DAYS)
        horizon = lmp
    cursor = _plus(birth, _REPRODUCTIVE_AGE[0])
    last = min(_plus(birth, _REPRODUCTIVE_AGE[1]), horizon)
    found: list[Pregnancy] = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        lmp = cursor + draw(_GAPS)
        if lmp > last:
            break
        outcome, length = _ending(draw)
        if lmp + length > horizon:
            if current is None and (pregnant is None or death is not None):
                found.append(_ongoing(draw, lmp))  # pregnant on `on`, or died pregnant
            break
        found.append(_ended(draw, lmp, outcome, length))
        cursor = lmp + length + _POSTPARTUM_GAP
    else:
        stale = min(last, on - _MAX_EDD_DAYS - POSTTERM_DAYS - 1)
        if current is None and cursor <= stale and draw(_chance(10)):
            found.append(_ongoing(draw, draw(st.integers(min_value=cursor, max_value=stale))))
    if current is not None:
        found.append(current)
    return found


# -- persons -------------------------------------------------------------------------------


def _school(draw: st.DrawFn, birth: pendulum.Date, on: pendulum.Date) -> School | None:
    """Now and then a grade near the one the age gives, for children of 6 to 17."""
    age = age_in_years(birth, on)
    if not 6 <= age <= 17 or not draw(_chance(40)):
        return None
    grade = min(12, max(1, age - 6 + draw(st.integers(min_value=-1, max_value=1))))
    school_year = on.year if on.month >= 7 else on.year - 1
    return School(grade, draw(st.sampled_from([school_year, None])))


def _birth_range(
    on: int, min_age: Duration, max_age: Duration, *, pregnant: bool | None, alive: bool | None
) -> tuple[int, int]:
    """First and last day of birth giving an age from *min_age* to *max_age* on day *on*."""
    first = max(_earliest_birth(on, max_age), _day(_FIRST))
    last = _latest_birth(on, min_age)
    if pregnant:
        last = min(last, _latest_birth(on, _YOUNGEST_MOTHER))
    if alive is False:
        last = min(last, on - 1)
    if first > last:
        msg = (
            f"no person is aged {min_age} to {max_age} on {from_day(on).isoformat()}"
            + (" and old enough to be pregnant" if pregnant else "")
            + (" and died before it" if alive is False else "")
        )
        raise InvalidArgument(msg)
    return first, last


def _person(
    draw: st.DrawFn,
    *,
    ident: str,
    on: int,
    first_birth: int,
    last_birth: int,
    sex: Sex | None,
    pregnant: bool | None,
    alive: bool | None,
    nik: bool | None,
    conditions: SearchStrategy[frozenset[Condition]] | None,
    residences: SearchStrategy[str | None] | None = None,
    area: str | None = None,
) -> Person:
    """A person born from day *first_birth* to *last_birth*, as recorded on day *on*."""
    chosen = Sex.FEMALE if pregnant else sex if sex is not None else draw(_SEXES)
    birth = on - _between(draw, on - last_birth, on - first_birth)
    dead = (not pregnant and birth < on and draw(_chance(10))) if alive is None else not alive
    death = on - draw(st.integers(min_value=1, max_value=on - birth)) if dead else None
    born, today = from_day(birth), from_day(on)
    history = _obstetric_history(draw, birth, on, death, pregnant) if chosen is Sex.FEMALE else []
    if history:
        active = draw(st.sampled_from([True, None]))
    elif age_in_years(born, today) >= 15:
        active = draw(_MAYBE_BOOL)
    else:
        active = None
    has_nik = draw(_chance(60)) if nik is None else nik
    return Person(
        ident,
        chosen,
        born,
        name=_maybe(draw, 70, st.sampled_from(_NAMES[chosen])),
        nik=_nik(draw, born, chosen, area) if has_nik else None,
        death_date=None if death is None else from_day(death),
        conditions=(
            (_maybe(draw, 30, _SOME_CONDITIONS) or frozenset())
            if conditions is None
            else draw(conditions)
        ),
        pregnancies=history,
        school=None if dead else _school(draw, born, today),
        residence=_maybe(draw, 30, _RESIDENCES) if residences is None else draw(residences),
        ever_sexually_active=active,
    )


def _conditions_arg(
    value: Iterable[Condition | str] | SearchStrategy[frozenset[Condition]] | None,
) -> SearchStrategy[frozenset[Condition]] | None:
    if value is None or isinstance(value, SearchStrategy):
        return value
    try:
        fixed = frozenset(Condition.parse(c) for c in value)
    except ILPError as exc:
        raise InvalidArgument(str(exc)) from None
    return st.just(fixed)


def persons(
    *,
    on: DateLike | SearchStrategy[_dt.date] | None = None,
    min_age: Duration | str | None = None,
    max_age: Duration | str | None = None,
    sex: Sex | None = None,
    pregnant: bool | None = None,
    alive: bool | None = None,
    nik: bool | None = None,
    conditions: Iterable[Condition | str] | SearchStrategy[frozenset[Condition]] | None = None,
    ids: SearchStrategy[str] | None = None,
) -> SearchStrategy[Person]:
    """Persons as recorded on date *on*, aged *min_age* to *max_age* on it.

    Ages are durations (``"28d"``, ``"59m"``, ``"5y"``), both bounds
    inclusive: birth + *min_age* <= *on* <= birth + *max_age*. They default
    to 0 days and 100 years, or to 15 and 49 years when *pregnant* is True.
    Nothing is dated after *on*, which may be a strategy (share it with
    ``st.shared`` to learn the date drawn); by default it is drawn from
    2000 to 2039.

    *pregnant*: True gives women in stage ``IBU_HAMIL`` on *on*, False
    anyone who is not, None either. *alive*: True gives people with no date
    of death, False people who died before *on*, None mostly the living.
    *nik*: True always, False never, None sometimes. *conditions*: exactly
    these, or drawn from a strategy; None gives a few now and then. *ids*:
    the person ids to draw from.
    """
    _bool_arg(pregnant, "pregnant")
    _bool_arg(alive, "alive")
    _bool_arg(nik, "nik")
    _sex_arg(sex)
    if pregnant and sex is Sex.MALE:
        msg = "pregnant=True needs sex=Sex.FEMALE or None"
        raise InvalidArgument(msg)
    if pregnant and alive is False:
        msg = "pregnant=True needs alive=True or None"
        raise InvalidArgument(msg)
    ages = _REPRODUCTIVE_AGE if pregnant else (Duration(), _CENTURY)
    low = _age_arg(ages[0] if min_age is None else min_age, "min_age")
    high = _age_arg(ages[1] if max_age is None else max_age, "max_age")
    days = _on_arg(on)
    if on is not None and not isinstance(on, SearchStrategy):
        _birth_range(_day(_date_arg(on, "on")), low, high, pregnant=pregnant, alive=alive)
    wanted = _conditions_arg(conditions)
    names = _IDS if ids is None else ids

    @st.composite
    def build(draw: st.DrawFn) -> Person:
        day = _day(draw(days))
        first, last = _birth_range(day, low, high, pregnant=pregnant, alive=alive)
        return _person(
            draw,
            ident=draw(names),
            on=day,
            first_birth=first,
            last_birth=last,
            sex=sex,
            pregnant=pregnant,
            alive=alive,
            nik=nik,
            conditions=wanted,
        )

    return build()


# -- families ------------------------------------------------------------------------------


def _household(draw: st.DrawFn, people: list[Person], on: pendulum.Date) -> Household:
    """Household facts, each sometimes unknown, consistent with the members."""
    smoker = any(Condition.SMOKER in p.conditions for p in people)
    infant = any(7 <= age_in_months(p.birth_date, on) <= 23 for p in people)
    return Household(
        family_planning=draw(_MAYBE_BOOL),
        no_smoker=draw(st.sampled_from([None, False])) if smoker else draw(_MAYBE_BOOL),
        jkn=draw(_MAYBE_BOOL),
        clean_water=draw(_MAYBE_BOOL),
        healthy_latrine=draw(_MAYBE_BOOL),
        exclusive_breastfeeding=draw(_MAYBE_BOOL) if infant else None,
    )


def _relations(draw: st.DrawFn, size: int) -> list[Relation]:
    """HEAD first, then children, at most one spouse, at most two parents, and others."""
    found = [Relation.HEAD]
    for _ in range(size - 1):
        relation = draw(_RELATIONS)
        if relation is Relation.SPOUSE and Relation.SPOUSE in found:
            relation = Relation.CHILD
        if relation is Relation.PARENT and found.count(Relation.PARENT) == 2:
            relation = Relation.OTHER
        found.append(relation)
    return found


def _kk_number(draw: st.DrawFn, area: str, on: int) -> str:
    issued = from_day(on - draw(st.integers(min_value=0, max_value=30 * 365)))
    return f"{area}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}{draw(_SERIALS):04d}"


def families(
    *,
    on: DateLike | SearchStrategy[_dt.date] | None = None,
    min_size: int = 1,
    max_size: int = 8,
    ids: SearchStrategy[str] | None = None,
) -> SearchStrategy[Family]:
    """Families (keluarga) of *min_size* to *max_size* members living on date *on*.

    One head aged 18 or more; at most one spouse, of the other sex and also
    adult; children at least 15 years younger and at most two parents at
    least 15 years older than the head; others of any age. Member ids are
    unique (drawn from *ids*); the KK number, NIKs and home share an area
    code; household facts are sometimes known.
    """
    _size_args(min_size, max_size, least=1)
    days = _on_arg(on)
    names = _IDS if ids is None else ids

    @st.composite
    def build(draw: st.DrawFn) -> Family:
        day = _day(draw(days))
        size = draw(st.integers(min_value=min_size, max_value=max_size))
        relations = _relations(draw, size)
        idents = draw(st.lists(names, min_size=size, max_size=size, unique=True))
        area = draw(_AREAS)
        home = f"{area}{draw(_VILLAGES)}"
        homes = st.sampled_from([home, None])
        oldest = max(_earliest_birth(day, _CENTURY), _day(_FIRST))
        adult = _latest_birth(day, _ADULT)

        def member(ident: str, first: int, last: int, sex: Sex | None = None) -> Person:
            return _person(
                draw,
                ident=ident,
                on=day,
                first_birth=first,
                last_birth=last,
                sex=sex,
                pregnant=None,
                alive=True,
                nik=None,
                conditions=None,
                residences=homes,
                area=area,
            )

        # a head with parents is young enough for them to be at most 100
        head_first = max(_earliest_birth(day, Duration(months=84 * 12)), _day(_FIRST))
        head = member(idents[0], head_first if Relation.PARENT in relations else oldest, adult)
        born = _day(head.birth_date)
        members = [Member(head, Relation.HEAD)]
        for ident, relation in zip(idents[1:], relations[1:], strict=True):
            if relation is Relation.SPOUSE:
                other = Sex.FEMALE if head.sex is Sex.MALE else Sex.MALE
                first, last = max(oldest, born - 25 * 365), min(adult, born + 25 * 365)
                person = member(ident, first, last, other)
            elif relation is Relation.CHILD:
                person = member(ident, _plus(born, _GENERATION), day)
            elif relation is Relation.PARENT:
                person = member(ident, oldest, _latest_birth(born, _GENERATION))
            else:
                person = member(ident, oldest, day)
            members.append(Member(person, relation))
        return Family(
            _kk_number(draw, area, day),
            members,
            household=_household(draw, [m.person for m in members], from_day(day)),
            residence=draw(homes),
            address=_maybe(draw, 50, _ADDRESSES),
        )

    return build()


# -- histories -----------------------------------------------------------------------------


def _person_arg(value: object) -> None:
    if not isinstance(value, Person):
        msg = f"person={value!r} must be a Person"
        raise InvalidArgument(msg)


def _codes_arg(value: Iterable[str] | SearchStrategy[str] | None) -> SearchStrategy[str]:
    if value is None:
        return st.sampled_from(_CODES)
    if isinstance(value, SearchStrategy):
        return value
    fixed = list(value)
    if not fixed or any(not isinstance(c, str) or _CODE.fullmatch(c) is None for c in fixed):
        msg = f"codes={fixed!r} must be one or more service codes such as 'BCG'"
        raise InvalidArgument(msg)
    return st.sampled_from(fixed)


def histories(
    person: Person,
    *,
    on: DateLike | SearchStrategy[_dt.date],
    codes: Iterable[str] | SearchStrategy[str] | None = None,
    min_size: int = 0,
    max_size: int = 20,
) -> SearchStrategy[tuple[ServiceRecord, ...]]:
    """Service records of *person* dated from birth to *on* (or death), sorted by date and code.

    *codes* are the service codes to use, or a strategy of them; by default
    a sample of the national codes. A history drawn is what
    :func:`~ilp.people.validate_history` returns for it.
    """
    _person_arg(person)
    _size_args(min_size, max_size)
    code_strategy = _codes_arg(codes)
    days = _dates_arg(on, "on")
    born = _day(person.birth_date)

    def check(day: pendulum.Date) -> int:
        if day < person.birth_date:
            msg = (
                f"on={day.isoformat()} is before the date of birth "
                f"{person.birth_date.isoformat()} of person {person.id!r}"
            )
            raise InvalidArgument(msg)
        return _day(day if person.death_date is None else min(day, person.death_date))

    if not isinstance(on, SearchStrategy):
        check(_date_arg(on, "on"))

    @st.composite
    def build(draw: st.DrawFn) -> tuple[ServiceRecord, ...]:
        last = check(draw(days))
        record = st.builds(
            ServiceRecord,
            code_strategy,
            st.integers(min_value=born, max_value=last).map(from_day),
            place=_PLACES,
            provider=_PROVIDERS,
            result=_RESULTS,
            value=_VALUES,
        )
        records = draw(st.lists(record, min_size=min_size, max_size=max_size))
        return tuple(sorted(records, key=lambda r: (r.date, r.code)))

    return build()

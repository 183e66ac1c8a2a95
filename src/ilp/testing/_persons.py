"""Strategies for persons: birth, sex, conditions, school, pregnancies, identity."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ilp.dates import (
    DateLike,
    Duration,
    age_in_years,
    from_day,
)
from ilp.errors import ILPError
from ilp.people import (
    Condition,
    Person,
    School,
    Sex,
)
from ilp.testing._common import (
    _CENTURY,
    _FIRST,
    _IDS,
    _MAYBE_BOOL,
    _NAMES,
    _REPRODUCTIVE_AGE,
    _SEXES,
    _SOME_CONDITIONS,
    _YOUNGEST_MOTHER,
    _age_arg,
    _between,
    _bool_arg,
    _chance,
    _date_arg,
    _day,
    _earliest_birth,
    _latest_birth,
    _maybe,
    _sex_arg,
)
from ilp.testing._dates import _on_arg
from ilp.testing._niks import _RESIDENCES, _nik
from ilp.testing._pregnancies import _obstetric_history

__all__ = ["persons"]


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

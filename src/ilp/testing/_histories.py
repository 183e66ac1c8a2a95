"""Strategies for service histories of a person."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ilp.dates import (
    DateLike,
    from_day,
)
from ilp.people import (
    Person,
    ServiceRecord,
)
from ilp.testing._common import (
    _CODE,
    _CODES,
    _PROVIDERS,
    _RESULTS,
    _VALUES,
    _date_arg,
    _dates_arg,
    _day,
    _size_args,
)
from ilp.testing._niks import _PLACES

__all__ = ["histories"]


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

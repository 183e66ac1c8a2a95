"""Strategies for families (keluarga): members, relations, the household and its KK number."""

from __future__ import annotations

import datetime as _dt

import pendulum
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ilp.dates import (
    DateLike,
    Duration,
    age_in_months,
    from_day,
)
from ilp.people import (
    Condition,
    Family,
    Household,
    Member,
    Person,
    Relation,
    Sex,
)
from ilp.testing._common import (
    _ADDRESSES,
    _ADULT,
    _CENTURY,
    _FIRST,
    _GENERATION,
    _IDS,
    _MAYBE_BOOL,
    _RELATIONS,
    _SERIALS,
    _VILLAGES,
    _day,
    _earliest_birth,
    _latest_birth,
    _maybe,
    _plus,
    _size_args,
)
from ilp.testing._dates import _on_arg
from ilp.testing._niks import _AREAS
from ilp.testing._persons import _person

__all__ = ["families"]


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

        # a head with parents is young enough for them to be at most 100, and
        # born a generation after the earliest supported birth date; near that
        # date no adult head can have a parent, who is then another relative
        head_first = max(_earliest_birth(day, Duration(months=84 * 12)), _plus(oldest, _GENERATION))
        if head_first > adult:
            relations = [Relation.OTHER if r is Relation.PARENT else r for r in relations]
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

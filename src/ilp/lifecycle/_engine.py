"""The due-services engine: which services a person is due on a date, and why.

``due()`` is pure: the date is an argument, nothing is read from files or
the clock, and its inputs are not changed. Each entry in force whose
eligibility admits the person is evaluated by its rule
(``rule.evaluate``, one module per kind in :mod:`ilp.lifecycle.rules`), in
integer day numbers; dates become :class:`pendulum.Date` only when an item
is read.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from operator import attrgetter, itemgetter
from typing import Any, Final, overload

import attrs
import pendulum

from ilp._coerce import member_of
from ilp._reader import show
from ilp._vocabulary import Cluster, PointOfCare
from ilp.dates import FIRST_DATE, LAST_DATE, Duration, as_date
from ilp.errors import InvalidDateError, InvalidPersonError, UnknownServiceError
from ilp.lifecycle._item import DueItem
from ilp.lifecycle._model import Catalogue
from ilp.lifecycle._plan import BAND, SURE, plan_for
from ilp.lifecycle._stages import LifeStage
from ilp.lifecycle.rules.person import (
    ENTERING,
    OUTSIDE,
    Ctx,
    age_band,
    birth_after,
    by_grade,
    eligible,
)
from ilp.lifecycle.semantics import DEFAULT_HORIZON, Status, check_horizon
from ilp.people import Person, ServiceRecord, ValidatedHistory, history_days, validate_history

__all__ = ["DEFAULT_HORIZON", "DueItem", "DueList", "Region", "Status", "due"]


def _flags(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _ages(value: Mapping[str, Duration | str]) -> Mapping[str, Duration]:
    return {k: v if isinstance(v, Duration) else Duration.parse(v) for k, v in value.items()}


@attrs.frozen
class Region:
    """Where the person lives, as far as the schedule cares.

    ``flags`` name regional programmes (``je_endemic`` for districts where
    Japanese encephalitis vaccine is routine); ``ages`` override a code's
    recommended age (``{"JE": "9m"}``).
    """

    flags: frozenset[str] = attrs.field(factory=frozenset, converter=_flags)
    ages: Mapping[str, Duration] = attrs.field(factory=dict, converter=_ages, hash=False)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Region:
        """Read ``{"je_endemic": true, "ages": {"JE": "9m"}}``: true flags plus optional ages."""
        if not isinstance(data, Mapping):
            msg = f"region: expected a mapping such as {{je_endemic: true}}, got {show(data)}"
            raise InvalidPersonError(msg, field="region", value=data)
        flags, ages = set(), {}
        for key, value in data.items():
            if not isinstance(key, str):
                msg = f"region: a key must be text, got {show(key)}"
                raise InvalidPersonError(msg, field="region", value=key)
            if key == "ages":
                if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
                    msg = f"region.ages: expected a mapping of code to age, got {show(value)}"
                    raise InvalidPersonError(msg, field="region.ages", value=value)
                ages = dict(value)
            elif isinstance(value, bool):
                if value:
                    flags.add(key)
            else:
                name = key if len(key) <= 40 else f"{key[:37]}..."
                msg = f"region.{name}: expected true or false, got {show(value)}"
                raise InvalidPersonError(msg, field=f"region.{name}", value=value)
        try:
            return cls(flags, ages)
        except ValueError as exc:
            msg = f"region.ages: {exc}"
            raise InvalidPersonError(msg, field="region.ages", value=ages) from None


_NO_REGION: Final = Region()
# a Status member read on the enum class costs ~55 ns, a module global ~10 ns (issue 11)
_UPCOMING: Final = Status.UPCOMING


@attrs.frozen(repr=False)
class DueList(Sequence[DueItem]):
    """The services of one person on one date, most urgent first; filter and export.

    Behaves as a tuple of :class:`DueItem`.
    """

    person_id: str
    on: pendulum.Date
    items: tuple[DueItem, ...]

    @overload
    def __getitem__(self, index: int) -> DueItem: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[DueItem, ...]: ...
    def __getitem__(self, index: int | slice) -> DueItem | tuple[DueItem, ...]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[DueItem]:
        return iter(self.items)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the items, in order."""
        return tuple(i.code for i in self.items)

    def get(self, code: str) -> DueItem | None:
        """The first item for *code* that is not completed, else the last one, or None."""
        found = [i for i in self.items if i.code == code]
        open_ = [i for i in found if i.status is not Status.COMPLETED]
        return open_[0] if open_ else (found[-1] if found else None)

    def filter(
        self,
        *,
        status: Status | str | Iterable[Status | str] | None = None,
        cluster: Cluster | int | Iterable[Cluster | int] | None = None,
        stage: LifeStage | str | Iterable[LifeStage | str] | None = None,
        point_of_care: PointOfCare | str | Iterable[PointOfCare | str] | None = None,
        code: str | Iterable[str] | None = None,
    ) -> DueList:
        """Items matching every given criterion (each accepts one value or several)."""
        statuses = _set_of(status, Status, "status")
        clusters = _set_of(cluster, Cluster, "cluster")
        stages = _set_of(stage, LifeStage, "stage")
        places = _set_of(point_of_care, PointOfCare, "point_of_care")
        codes = {code} if isinstance(code, str) else (set(code) if code is not None else None)
        kept = tuple(
            i
            for i in self.items
            if (statuses is None or i.status in statuses)
            and (clusters is None or i.cluster in clusters)
            and (stages is None or not stages.isdisjoint(i.service.stages))
            and (places is None or not places.isdisjoint(i.points_of_care))
            and (codes is None or i.code in codes)
        )
        return DueList(self.person_id, self.on, kept)

    @property
    def actionable(self) -> DueList:
        """The due and overdue items."""
        return self.filter(status=(Status.DUE, Status.OVERDUE))

    def as_dict(self) -> dict[str, Any]:
        """``{"person", "on", "items": [...]}`` as plain JSON-ready data."""
        return {
            "person": self.person_id,
            "on": self.on.isoformat(),
            "items": [i.as_dict() for i in self.items],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """The list as JSON (see :meth:`as_dict`)."""
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=indent)

    def __repr__(self) -> str:
        lines = [f"DueList({self.person_id!r} on {self.on}: {len(self.items)} items)"]
        width = max((len(i.code) for i in self.items), default=0)
        lines += [f"  {i.code:<{width}}  {i.status.value:<9} {i.recommended}" for i in self.items]
        return "\n".join(lines)

    def to_frame(self) -> Any:
        """One row per item as a pandas DataFrame (``docs/interop.md#tables``; ``ilp[frames]``)."""
        from ilp.interop._frames import due_frame  # noqa: PLC0415 - extra ilp[frames]

        return due_frame(self)

    def _repr_html_(self) -> str:
        from html import escape  # noqa: PLC0415 - only notebooks need it

        head = "".join(
            f"<th>{h}</th>"
            for h in ("code", "status", "earliest", "recommended", "overdue", "latest", "reason")
        )
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td>{escape(str(v))}</td>"
                for v in (
                    i.code,
                    i.status.value,
                    i.earliest,
                    i.recommended,
                    i.overdue or "",
                    i.latest or "",
                    i.reason.en,
                )
            )
            + "</tr>"
            for i in self.items
        )
        title = escape(f"{self.person_id} on {self.on}")
        return f"<table><caption>{title}</caption><tr>{head}</tr>{rows}</table>"


def _set_of(value: Any, enum_type: type[Any], name: str) -> set[Any] | None:
    if value is None:
        return None
    if isinstance(value, str | int | enum.Enum):
        value = [value]
    what = f"a {enum_type.__name__}"
    return {member_of(enum_type, v, field=name, what=what) for v in value}


def due(
    person: Person,
    on: pendulum.Date | _dt.date | str,
    *,
    history: Iterable[ServiceRecord] = (),
    catalogue: Catalogue | None = None,
    region: Region | None = None,
    horizon: int = DEFAULT_HORIZON,
) -> DueList:
    """The services *person* is due on date *on*, with status, dates and reasons.

    *history* holds the services already given; records dated after *on*
    are ignored. A :class:`~ilp.people.ValidatedHistory` is checked once, when
    made, not on every call. *catalogue* defaults to the shipped national catalogue;
    *region* carries regional flags (``je_endemic``). Upcoming items are
    reported when their earliest date is at most *horizon* days ahead.
    Pure: no clock, no I/O, inputs untouched.
    """
    if not isinstance(person, Person):
        msg = f"person: expected a Person, got {type(person).__name__}"
        raise InvalidPersonError(msg, field="person", value=person)
    # a pendulum Date in range and a whole horizon, as callers pass them, need no call
    if type(on) is pendulum.Date and FIRST_DATE <= on <= LAST_DATE:
        day = on
    else:
        day = as_date(on, field="on")
    if type(horizon) is not int or horizon < 0:
        check_horizon(horizon)
    if day < person.birth_date:
        msg = (
            f"on: {day.isoformat()} is before the date of birth "
            f"{person.birth_date.isoformat()} of person {person.id!r}"
        )
        raise InvalidDateError(msg, field="on", value=day)
    if catalogue is None:
        from ilp.lifecycle._loader import national  # noqa: PLC0415 - loads on first use

        catalogue = national()
    d = day.toordinal()
    recs = _records(person, history, catalogue, d)
    if person.death_date is not None and day > person.death_date:
        return _due_list(person.id, day, ())
    ctx = Ctx(person, d, recs, region or _NO_REGION, horizon, on=day)
    age = d - ctx.b
    items: list[DueItem] = []
    # only the entries whose ages (and sex, pregnancy) may admit the person: ilp.lifecycle._plan
    candidates, ordered = plan_for(catalogue, person, horizon).candidates_for(age, recs.keys())
    for entry, first, last, floor, codes, evaluate, test in candidates:
        if d < first or d > last or (age < floor and recs.keys().isdisjoint(codes)):
            continue
        if test == SURE:  # an age band alone, and the person is well inside it
            evaluate(entry, ctx, items)
            continue
        el = entry.eligibility
        if test == BAND:  # an age band alone: one test tells whether, and whether upcoming
            band = age_band(el, ctx)
            if band == OUTSIDE:
                continue
            entering = band == ENTERING
        elif eligible(el, ctx):
            f = el.age_from
            entering = f is not None and birth_after(ctx, f) > d and not by_grade(el, ctx)
        else:
            continue
        if entering:
            # not yet in the age band (admitted by the horizon): only what is upcoming
            ahead: list[DueItem] = []
            evaluate(entry, ctx, ahead)
            items += [x for x in ahead if x.status is _UPCOMING]
        else:
            evaluate(entry, ctx, items)
    if not ordered:  # (the plan's entries give their items in the order of their services)
        items.sort(key=_BY_SERVICE)
    _sort(items)
    return _due_list(person.id, day, tuple(items))


# DueList(person_id, on, items) without attrs' __init__ (three calls of a frozen class's
# __setattr__): the fields' slots set directly, once per due() call
_NEW_LIST: Final = object.__new__
_SET_PERSON: Final = DueList.__dict__["person_id"].__set__
_SET_ON: Final = DueList.__dict__["on"].__set__
_SET_ITEMS: Final = DueList.__dict__["items"].__set__


def _due_list(person_id: str, on: pendulum.Date, items: tuple[DueItem, ...]) -> DueList:
    """``DueList(person_id, on, items)``, made as due() makes every list."""
    made: DueList = _NEW_LIST(DueList)
    _SET_PERSON(made, person_id)
    _SET_ON(made, on)
    _SET_ITEMS(made, items)
    return made


def _records(
    person: Person, history: Iterable[ServiceRecord], catalogue: Catalogue, d: int
) -> Mapping[str, Sequence[int]]:
    """Each code's record days up to day *d*, in date order, after checking the history.

    A :class:`ValidatedHistory` that fits the person is trusted; any other
    history is checked in one pass (:func:`~ilp.people.history_days`), and when
    something is wrong the full check of :func:`_checked_records` finds and reports it.
    """
    # a tuple is never a ValidatedHistory (and isinstance() of an ABC is a Python call)
    if type(history) is tuple:
        records = history
    elif isinstance(history, ValidatedHistory) and history.fits(person):
        if not catalogue.knows(history.codes):
            return _checked_records(person, history.records, catalogue, d)
        return history.day_numbers(d)
    else:
        records = tuple(history)
    recs = history_days(person, records, catalogue._code_set, d)  # (code_set: a property)
    return _checked_records(person, records, catalogue, d) if recs is None else recs


def _checked_records(
    person: Person, history: Iterable[ServiceRecord], catalogue: Catalogue, d: int
) -> dict[str, list[int]]:
    """As :func:`_records`, one check at a time: the reference, and the errors it names."""
    recs: dict[str, list[int]] = {}
    for r in validate_history(person, history):
        if r.code not in catalogue:
            msg = (
                f"history: service code {r.code!r} (on {r.date.isoformat()}) "
                f"is not in catalogue {catalogue.id!r}"
            )
            raise UnknownServiceError(msg, field="code", value=r.code)
        rd = r.date.toordinal()
        if rd <= d:
            recs.setdefault(r.code, []).append(rd)
    return recs


# the order of semantics.order_key, (rank, recommended, code, dose or 0), by stable sorts
# on keys read in C, least significant first: a Python key function called per item cost
# about 10 % of due() (the differential test compares due()'s order with
# BatchResult.items_of's) (a DueItem is (service, status, earliest, recommended, ...)).
# The first, on the services' order, only where the plan's band is not ordered: the
# entries of an ordered band give their items in that order (ilp.lifecycle._plan.Plan)
_BY_SERVICE: Final = attrgetter("service._order")
_BY_RECOMMENDED: Final = itemgetter(3)
_BY_STATUS: Final = attrgetter("status._rank")


def _sort(items: list[DueItem]) -> None:
    """Put *items*, in the order of their services, in due-list order (``order_key``)."""
    items.sort(key=_BY_RECOMMENDED)
    items.sort(key=_BY_STATUS)

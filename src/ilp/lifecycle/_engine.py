"""The due-services engine: which services a person is due on a date, and why.

``due()`` is pure: the date is an argument, nothing is read from files or
the clock, and its inputs are not changed. Rules are evaluated in integer
day numbers; dates become :class:`pendulum.Date` only when an item is read.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, Final, overload

import attrs
import pendulum

from ilp._vocabulary import Cluster, Label, PointOfCare
from ilp.dates import Duration, _add_months_day, _months_between, as_date, from_day
from ilp.errors import ILPError, InvalidDateError, InvalidPersonError, UnknownServiceError
from ilp.lifecycle._model import (
    BirthdayRule,
    CalendarRule,
    Catalogue,
    Eligibility,
    Entry,
    FollowupRule,
    OnceRule,
    PostnatalRule,
    PregnancyRule,
    RecurringRule,
    SchoolRule,
    SeriesRule,
    Service,
)
from ilp.lifecycle._stages import LifeStage, stages_of
from ilp.people import Person, Pregnancy, ServiceRecord, validate_history

__all__ = ["DueItem", "DueList", "Region", "Status", "due"]

#: How far ahead, in days, upcoming items are reported by default.
DEFAULT_HORIZON: Final = 30


class Status(enum.Enum):
    """Where a service stands on the date asked (``decisions.md``, "Status")."""

    OVERDUE = "overdue"  #: past its overdue date, still within its latest date
    DUE = "due"  #: on or after its earliest date, before its overdue date
    UPCOMING = "upcoming"  #: earliest date is in the future, within the horizon
    MISSED = "missed"  #: past its latest date (or can no longer be given) and never given
    COMPLETED = "completed"  #: given, and nothing more of it is needed on the date

    @property
    def actionable(self) -> bool:
        """True for due and overdue: something to do now."""
        return self in (Status.DUE, Status.OVERDUE)


_ORDER: Final = {s: i for i, s in enumerate(Status)}


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
            msg = f"region: expected a mapping such as {{je_endemic: true}}, got {data!r}"
            raise InvalidPersonError(msg, field="region", value=data)
        flags, ages = set(), {}
        for key, value in data.items():
            if key == "ages":
                if not isinstance(value, Mapping):
                    msg = f"region.ages: expected a mapping of code to age, got {value!r}"
                    raise InvalidPersonError(msg, field="region.ages", value=value)
                ages = dict(value)
            elif isinstance(value, bool):
                if value:
                    flags.add(str(key))
            else:
                msg = f"region.{key}: expected true or false, got {value!r}"
                raise InvalidPersonError(msg, field=f"region.{key}", value=value)
        try:
            return cls(flags, ages)
        except ValueError as exc:
            msg = f"region.ages: {exc}"
            raise InvalidPersonError(msg, field="region.ages", value=ages) from None


_NO_REGION: Final = Region()


def _date_or_none(day: int | None) -> pendulum.Date | None:
    return None if day is None else from_day(day)


@attrs.frozen(eq=True, repr=False)
class DueItem:
    """One service for one person on one date: its status, four dates and the reason.

    Dates are ``pendulum.Date`` (or None where they do not apply). ``reason``
    says in Indonesian and English why the dates are what they are.
    """

    service: Service
    status: Status
    _earliest: int
    _recommended: int
    _overdue: int | None
    _latest: int | None
    _given: int | None
    _why: tuple[Any, ...] = attrs.field(eq=False)

    @property
    def code(self) -> str:
        """The service code (``DPT-HB-HIB-2``)."""
        return self.service.code

    @property
    def dose(self) -> int | None:
        """Dose or contact number within its series, or None."""
        return self.service.dose

    @property
    def cluster(self) -> Cluster:
        """The Puskesmas cluster that answers for the service."""
        return self.service.cluster

    @property
    def points_of_care(self) -> tuple[PointOfCare, ...]:
        """Where in the network the service can be given."""
        return self.service.points_of_care

    @property
    def source(self) -> str:
        """The guideline the rule comes from."""
        return self.service.source

    @property
    def earliest(self) -> pendulum.Date:
        """First day it may be given."""
        return from_day(self._earliest)

    @property
    def recommended(self) -> pendulum.Date:
        """The day the schedule aims at."""
        return from_day(self._recommended)

    @property
    def overdue(self) -> pendulum.Date | None:
        """First day it counts as late, or None when the rule sets none."""
        return _date_or_none(self._overdue)

    @property
    def latest(self) -> pendulum.Date | None:
        """Last day it may be given, or None when open-ended."""
        return _date_or_none(self._latest)

    @property
    def given(self) -> pendulum.Date | None:
        """For a completed item, the date it was given."""
        return _date_or_none(self._given)

    @property
    def reason(self) -> Label:
        """Why: the rule and its dates, in Indonesian and English."""
        return _reason(self.service, self.status, self._why, self._given, self._latest)

    def as_dict(self) -> dict[str, Any]:
        """The item as plain JSON-ready data (ISO dates or None)."""
        return {
            "code": self.code,
            "label": self.service.label.as_dict(),
            "dose": self.dose,
            "status": self.status.value,
            "earliest": from_day(self._earliest).isoformat(),
            "recommended": from_day(self._recommended).isoformat(),
            "overdue": None if self._overdue is None else from_day(self._overdue).isoformat(),
            "latest": None if self._latest is None else from_day(self._latest).isoformat(),
            "given": None if self._given is None else from_day(self._given).isoformat(),
            "cluster": int(self.cluster),
            "points_of_care": [p.value for p in self.points_of_care],
            "reason": self.reason.as_dict(),
            "source": self.source,
            "confirmed": self.service.confirmed,
        }

    def __repr__(self) -> str:
        return (
            f"DueItem({self.code} {self.status.value}: earliest={self.earliest}, "
            f"recommended={self.recommended}, overdue={self.overdue}, latest={self.latest})"
        )


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
        statuses = _set_of(status, Status)
        clusters = _set_of(cluster, Cluster)
        stages = _set_of(stage, LifeStage)
        places = _set_of(point_of_care, PointOfCare)
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


def _set_of(value: Any, enum_type: type[Any]) -> set[Any] | None:
    if value is None:
        return None
    if isinstance(value, str | int | enum.Enum):
        value = [value]
    out = set()
    for v in value:
        try:
            out.add(v if isinstance(v, enum_type) else enum_type(v))
        except ValueError:
            msg = f"filter: {v!r} is not a {enum_type.__name__}"
            raise ILPError(msg, field=enum_type.__name__, value=v) from None
    return out


# ---------------------------------------------------------------------------
# per-person evaluation


class _Ctx:
    """What every rule needs about one person on one date, computed once."""

    __slots__ = ("b", "d", "horizon", "months", "person", "recs", "region", "stages")

    def __init__(
        self,
        person: Person,
        d: int,
        recs: dict[str, list[int]],
        region: Region,
        horizon: int,
    ) -> None:
        self.person = person
        self.b = person.birth_date.toordinal()
        self.d = d
        self.months = _months_between(self.b, d)
        self.recs = recs
        self.region = region
        self.horizon = horizon
        self.stages: frozenset[LifeStage] | None = None


# a raw result: (service, status, earliest, recommended, overdue, latest, given, why)
_Raw = tuple[Service, Status, int, int, int | None, int | None, int | None, tuple[Any, ...]]


def _status(d: int, e: int, o: int | None, latest: int | None) -> Status:
    if latest is not None and (d > latest or e > latest):
        return Status.MISSED
    if d < e:
        return Status.UPCOMING
    if o is not None and d >= o:
        return Status.OVERDUE
    return Status.DUE


def _eligible(el: Eligibility, ctx: _Ctx) -> bool:
    p = ctx.person
    if el.sex is not None and p.sex is not el.sex:
        return False
    if el.age_from is not None:
        # a person who enters the age band within the horizon is listed as upcoming
        f = el.age_from
        if f.days == 0 and ctx.months >= f.months:
            pass
        elif f.after(ctx.b) > ctx.d + ctx.horizon:
            return False
    if el.age_to is not None and el.age_to.day(ctx.b) < ctx.d:
        return False
    if el.born_from is not None and p.birth_date < el.born_from:
        return False
    if el.born_before is not None and p.birth_date >= el.born_before:
        return False
    if el.conditions and el.conditions.isdisjoint(p.conditions):
        return False
    if el.region is not None and el.region not in ctx.region.flags:
        return False
    if el.sexually_active and p.ever_sexually_active is False:
        return False
    if el.stages:
        if ctx.stages is None:
            ctx.stages = stages_of(p, from_day(ctx.d))
        if el.stages.isdisjoint(ctx.stages):
            return False
    return True


def _scope(entry: Entry, ctx: _Ctx) -> tuple[int, int | None]:
    """First and last day of the eligibility by age (last None when open).

    Nothing starts before the entry's edition takes effect: a programme that
    began on 10 February 2025 has no occurrence, and nothing overdue, before it.
    """
    el = entry.eligibility
    start = ctx.b if el.age_from is None else el.age_from.after(ctx.b)
    if entry.effective_from is not None:
        start = max(start, entry.effective_from.toordinal())
    end = None if el.age_to is None else el.age_to.day(ctx.b)
    return start, end


def _visible(st: Status, e: int, ctx: _Ctx) -> bool:
    return st is not Status.UPCOMING or e - ctx.d <= ctx.horizon


def _once(entry: Entry, rule: OnceRule, ctx: _Ctx, out: list[_Raw]) -> None:
    svc = entry.services[0]
    given = ctx.recs.get(svc.code)
    b = ctx.b
    e = max(rule.earliest.after(b), _scope(entry, ctx)[0])
    rec_age = ctx.region.ages.get(svc.code, rule.recommended)
    r = max(rec_age.after(b), e) if rec_age is not None else e
    o = max(rule.overdue.after(b), e) if rule.overdue is not None else None
    latest = rule.latest.day(b) if rule.latest is not None else None
    if given:
        out.append((svc, Status.COMPLETED, e, r, o, latest, given[0], ("once",)))
        return
    st = _status(ctx.d, e, o, latest)
    if _visible(st, e, ctx):
        out.append((svc, st, e, r, o, latest, None, ("once", rec_age)))


def _series(entry: Entry, rule: SeriesRule, ctx: _Ctx, out: list[_Raw]) -> None:
    b = ctx.b
    start = _scope(entry, ctx)[0]
    used: dict[str, int] = {}
    prev: int | None = None
    for svc, dose in zip(entry.services, rule.doses, strict=True):
        if dose.born_from is not None and ctx.person.birth_date < dose.born_from:
            return  # this dose is not for the person's birth cohort
        records = ctx.recs.get(dose.code, ())
        k = used.get(dose.code, 0)
        if k < len(records):
            used[dose.code] = k + 1
            given = records[k]
            e = dose.earliest.after(b)
            out.append((svc, Status.COMPLETED, e, e, None, None, given, ("dose",)))
            prev = given
            continue
        e = max(dose.earliest.after(b), start)
        if prev is not None:
            e = max(e, (dose.min_interval or _ONE_DAY).after(prev))
        rec_age = ctx.region.ages.get(dose.code, dose.recommended)
        r = e
        if rec_age is not None:
            r = max(r, rec_age.after(b))
        if dose.recommended_interval is not None and prev is not None:
            r = max(r, dose.recommended_interval.after(prev))
        o = max(dose.overdue.after(b), e) if dose.overdue is not None else None
        latest = dose.latest.day(b) if dose.latest is not None else None
        st = _status(ctx.d, e, o, latest)
        if _visible(st, e, ctx):
            out.append((svc, st, e, r, o, latest, None, ("dose", dose, prev)))
        return


_ONE_DAY: Final = Duration(days=1)


def _current_pregnancy(person: Person, d: int) -> Pregnancy | None:
    for p in person.pregnancies:
        if p.lmp.toordinal() <= d <= p.last_pregnant_day.toordinal():
            return p
    return None


def _recurring(entry: Entry, rule: RecurringRule, ctx: _Ctx, out: list[_Raw]) -> None:
    svc = entry.services[0]
    start, end = _scope(entry, ctx)
    records = ctx.recs.get(svc.code, ())
    if rule.since_pregnancy:
        p = _current_pregnancy(ctx.person, ctx.d)
        if p is None:
            return
        lmp = p.lmp.toordinal()
        start = max(start, lmp)
        records = [r for r in records if r >= lmp]
    last = records[-1] if records else None
    # a record from before the age band opened does not bring the next one forward
    e = max(rule.interval.after(last), start) if last is not None else start
    o = rule.grace.after(e)
    why = ("recurring", rule.interval, last)
    if last is not None and (e > ctx.d or (end is not None and e > end)):
        if e - ctx.d <= ctx.horizon and (end is None or e <= end):
            out.append((svc, Status.UPCOMING, e, e, o, end, None, why))
        else:
            out.append((svc, Status.COMPLETED, e, e, o, end, last, why))
        return
    st = _status(ctx.d, e, o, end)
    if _visible(st, e, ctx):
        out.append((svc, st, e, e, o, end, None, why))


@lru_cache(maxsize=4096)
def _month_span(year: int, month: int) -> tuple[int, int]:
    first = _dt.date(year, month, 1).toordinal()
    return first, _add_months_day(first, 1) - 1


def _occurrences(  # noqa: PLR0917 - internal helper shared by four rule kinds
    svc: Service,
    windows: Iterable[tuple[int, int]],
    ctx: _Ctx,
    start: int,
    end: int | None,
    why: tuple[Any, ...],
    out: list[_Raw],
) -> None:
    """Report the current, next (within the horizon) or previous occurrence of a window."""
    d = ctx.d
    records = ctx.recs.get(svc.code, ())
    prev = cur = nxt = None
    for first, last in windows:  # in date order
        lo, hi = max(first, start), last if end is None else min(last, end)
        if lo > hi:
            continue
        if hi < d:
            prev = (lo, hi)
        elif lo <= d:
            cur = (lo, hi)
        else:
            nxt = (lo, hi)
            break
    if cur is not None:
        given = _given_in(records, cur[0], d)
        if given is None:
            out.append((svc, Status.DUE, cur[0], cur[0], None, cur[1], None, why))
            return
        if nxt is not None and nxt[0] - d <= ctx.horizon:
            out.append((svc, Status.UPCOMING, nxt[0], nxt[0], None, nxt[1], None, why))
        else:
            out.append((svc, Status.COMPLETED, cur[0], cur[0], None, cur[1], given, why))
        return
    if nxt is not None and nxt[0] - d <= ctx.horizon:
        out.append((svc, Status.UPCOMING, nxt[0], nxt[0], None, nxt[1], None, why))
        return
    if prev is not None:
        given = _given_in(records, prev[0], prev[1])
        st = Status.MISSED if given is None else Status.COMPLETED
        out.append((svc, st, prev[0], prev[0], None, prev[1], given, why))


def _given_in(records: Sequence[int], lo: int, hi: int) -> int | None:
    for r in records:
        if lo <= r <= hi:
            return r
    return None


def _calendar(entry: Entry, rule: CalendarRule, ctx: _Ctx, out: list[_Raw]) -> None:
    svc = entry.services[0]
    start, end = _scope(entry, ctx)
    if rule.limit is not None:
        records = [r for r in ctx.recs.get(svc.code, ()) if r >= start]
        if len(records) >= rule.limit:
            last = records[rule.limit - 1]
            out.append((svc, Status.COMPLETED, last, last, None, None, last, ("calendar", rule)))
            return
    year = _dt.date.fromordinal(ctx.d).year
    windows = [_month_span(y, m) for y in (year - 1, year, year + 1) for m in rule.months]
    _occurrences(svc, windows, ctx, start, end, ("calendar", rule), out)


def _followup(entry: Entry, rule: FollowupRule, ctx: _Ctx, out: list[_Raw]) -> None:
    svc = entry.services[0]
    start, end = _scope(entry, ctx)
    year = _dt.date.fromordinal(ctx.d).year
    windows = []
    for y in (year - 1, year, year + 1):
        for m in range(1, 13, rule.every):
            first = _month_span(y, m)[0]
            windows.append((first, _add_months_day(first, rule.every) - 1))
    _occurrences(svc, windows, ctx, start, end, ("followup", rule, entry.eligibility), out)


def _birthday(entry: Entry, rule: BirthdayRule, ctx: _Ctx, out: list[_Raw]) -> None:
    svc = entry.services[0]
    start, end = _scope(entry, ctx)
    years = ctx.months // 12
    windows = []
    for n in (years - 1, years, years + 1):
        if n >= 0:
            day = _add_months_day(ctx.b, 12 * n)
            windows.append((day, rule.window.after(day)))
    # a window belongs to a birthday inside the eligibility: clip only by that birthday
    kept = [(lo, hi) for lo, hi in windows if lo >= start and (end is None or lo <= end)]
    _occurrences(svc, kept, ctx, start, None, ("birthday", rule), out)


def _grade_in(ctx: _Ctx, school_year: int) -> int | None:
    school = ctx.person.school
    if school is not None:
        return school.grade_on(pendulum.Date(school_year, 7, 1))
    july = _dt.date(school_year, 7, 1).toordinal()
    if july < ctx.b:
        return None
    grade = _months_between(ctx.b, july) // 12 - 6
    return grade if 1 <= grade <= 12 else None


def _school(entry: Entry, rule: SchoolRule, ctx: _Ctx, out: list[_Raw]) -> None:
    svc = entry.services[0]
    records = ctx.recs.get(svc.code, ())
    why: tuple[Any, ...] = ("school", rule)
    if records and not rule.each_grade:
        first = records[0]
        out.append((svc, Status.COMPLETED, first, first, None, None, first, why))
        return
    prev: int | None = None
    if rule.after is not None:
        before = ctx.recs.get(rule.after)
        if not before:
            return
        prev = before[-1]
    day = _dt.date.fromordinal(ctx.d)
    sy = day.year if day.month >= 7 else day.year - 1
    windows = []
    done: _Raw | None = None
    for year in (sy - 1, sy, sy + 1):
        if _grade_in(ctx, year) not in rule.grades:
            continue
        ordered = sorted(rule.months, key=lambda m: (m < 7, m))
        lo = _month_span(year if ordered[0] >= 7 else year + 1, ordered[0])[0]
        hi = _month_span(year if ordered[-1] >= 7 else year + 1, ordered[-1])[1]
        if prev is not None and rule.min_interval is not None:
            lo = max(lo, rule.min_interval.after(prev))
        if rule.each_grade:
            # given at any time in that school year counts for that grade
            year_start = _dt.date(year, 7, 1).toordinal()
            given = _given_in(
                records, year_start, min(ctx.d, _dt.date(year + 1, 6, 30).toordinal())
            )
            if given is not None:
                if year_start <= ctx.d:
                    done = (svc, Status.COMPLETED, lo, lo, None, hi, given, why)
                continue
        windows.append((lo, hi))
    start, end = _scope(entry, ctx)
    count = len(out)
    _occurrences(svc, windows, ctx, start, end, why, out)
    if done is not None:
        # a grade already done stands unless something newer is open or upcoming
        if len(out) == count:
            out.append(done)
        elif out[-1][1] is Status.MISSED and done[2] > out[-1][2]:
            out[-1] = done


def _pregnancy(entry: Entry, rule: PregnancyRule, ctx: _Ctx, out: list[_Raw]) -> None:
    p = _current_pregnancy(ctx.person, ctx.d)
    if p is None:
        return
    lmp, last_day, d = p.lmp.toordinal(), p.last_pregnant_day.toordinal(), ctx.d
    prev: int | None = None
    for svc, c in zip(entry.services, rule.contacts, strict=True):
        given = _given_in(ctx.recs.get(c.code, ()), lmp, d)
        why = ("contact", c, lmp, prev)
        e = c.start.after(lmp)
        if prev is not None:
            e = max(e, (c.min_interval or _ONE_DAY).after(prev))
        latest = min(c.end.day(lmp), last_day) if c.end is not None else last_day
        r = max(c.recommended.after(lmp), e) if c.recommended is not None else e
        o = max(c.overdue.after(lmp), e) if c.overdue is not None else None
        if given is not None:
            out.append((svc, Status.COMPLETED, e, r, o, latest, given, why))
            prev = given
            continue
        st = _status(d, e, o, latest)
        if st is Status.MISSED:
            out.append((svc, st, e, r, o, latest, None, why))
            continue
        if _visible(st, e, ctx):
            out.append((svc, st, e, r, o, latest, None, why))
        return


def _postnatal(entry: Entry, rule: PostnatalRule, ctx: _Ctx, out: list[_Raw]) -> None:
    d = ctx.d
    if rule.anchor == "birth":
        anchor = ctx.b
    else:
        deliveries = [
            p.delivery_date.toordinal()
            for p in ctx.person.pregnancies
            if p.is_birth and p.delivery_date is not None and p.delivery_date.toordinal() <= d
        ]
        if not deliveries:
            return
        anchor = deliveries[-1]
    for svc, v in zip(entry.services, rule.visits, strict=True):
        e, latest = v.start.after(anchor), v.end.day(anchor)
        why = ("visit", v, anchor, rule.anchor)
        given = _given_in(ctx.recs.get(v.code, ()), anchor, d)
        if given is not None:
            out.append((svc, Status.COMPLETED, e, e, None, latest, given, why))
            continue
        st = _status(d, e, None, latest)
        if st is Status.UPCOMING:
            if _visible(st, e, ctx):
                out.append((svc, st, e, e, None, latest, None, why))
            return
        out.append((svc, st, e, e, None, latest, None, why))


_EVALUATORS: Final[dict[type[Any], Any]] = {
    OnceRule: _once,
    SeriesRule: _series,
    RecurringRule: _recurring,
    CalendarRule: _calendar,
    FollowupRule: _followup,
    BirthdayRule: _birthday,
    SchoolRule: _school,
    PregnancyRule: _pregnancy,
    PostnatalRule: _postnatal,
}


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
    are ignored. *catalogue* defaults to the shipped national catalogue;
    *region* carries regional flags (``je_endemic``). Upcoming items are
    reported when their earliest date is at most *horizon* days ahead.
    Pure: no clock, no I/O, inputs untouched.
    """
    if not isinstance(person, Person):
        msg = f"person: expected a Person, got {type(person).__name__}"
        raise InvalidPersonError(msg, field="person", value=person)
    day = as_date(on, field="on")
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 0:
        msg = f"horizon: {horizon!r} is not a whole number of days >= 0"
        raise ILPError(msg, field="horizon", value=horizon)
    if day < person.birth_date:
        msg = (
            f"on: {day.isoformat()} is before the date of birth "
            f"{person.birth_date.isoformat()} of person {person.id!r}"
        )
        raise InvalidDateError(msg, field="on", value=day)
    if catalogue is None:
        from ilp.lifecycle._loader import national  # noqa: PLC0415 - loads on first use

        catalogue = national()
    records = validate_history(person, history)
    d = day.toordinal()
    recs: dict[str, list[int]] = {}
    for r in records:
        if r.code not in catalogue:
            msg = (
                f"history: service code {r.code!r} (on {r.date.isoformat()}) "
                f"is not in catalogue {catalogue.id!r}"
            )
            raise UnknownServiceError(msg, field="code", value=r.code)
        rd = r.date.toordinal()
        if rd <= d:
            recs.setdefault(r.code, []).append(rd)
    if person.death_date is not None and day > person.death_date:
        return DueList(person.id, day, ())
    ctx = _Ctx(person, d, recs, region or _NO_REGION, horizon)
    raw: list[_Raw] = []
    for entry in catalogue.entries_on(day):
        if _eligible(entry.eligibility, ctx):
            el = entry.eligibility
            if el.age_from is not None and el.age_from.after(ctx.b) > d:
                # not yet in the age band (admitted by the horizon): only what is upcoming
                ahead: list[_Raw] = []
                _EVALUATORS[type(entry.rule)](entry, entry.rule, ctx, ahead)
                raw += [x for x in ahead if x[1] is Status.UPCOMING]
            else:
                _EVALUATORS[type(entry.rule)](entry, entry.rule, ctx, raw)
    raw.sort(key=lambda x: (_ORDER[x[1]], x[3], x[0].code, x[0].dose or 0))
    return DueList(person.id, day, tuple(DueItem(*x) for x in raw))


# ---------------------------------------------------------------------------
# reasons


_UNITS: Final = {"en": ("year", "month", "week", "day"), "id": ("tahun", "bulan", "minggu", "hari")}
_MONTHS: Final = {
    "en": "January February March April May June July August September October November December",
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember",
}


def _words(dur: Duration | None, lang: str) -> str:
    if dur is None:
        return ""
    y_, mo_, w_, d_ = _UNITS[lang]
    parts = []
    y, mo = divmod(dur.months, 12)
    if y and not mo:
        parts.append((y, y_))
    elif dur.months:
        parts.append((dur.months, mo_))
    w, d = divmod(dur.days, 7)
    if dur.days and not d:
        parts.append((w, w_))
    elif dur.days >= 84:  # 24w6d reads better as weeks and days than as 174 days
        parts += [(w, w_), (d, d_)]
    elif dur.days:
        parts.append((dur.days, d_))
    if not parts:
        return "0 " + d_ + ("s" if lang == "en" else "")
    return " ".join(f"{n} {u}{'s' if lang == 'en' and n != 1 else ''}" for n, u in parts)


def _month_names(months: Iterable[int], lang: str) -> str:
    names = _MONTHS[lang].split()
    listed = [names[m - 1] for m in months]
    if len(listed) == 12:
        return "every month" if lang == "en" else "setiap bulan"
    joiner = " and " if lang == "en" else " dan "
    return joiner.join(listed)


def _reason(
    svc: Service, status: Status, why: tuple[Any, ...], given: int | None, latest: int | None
) -> Label:
    name = svc.label
    if status is Status.COMPLETED and given is not None:
        g = from_day(given).isoformat()
        return Label(f"{name.id}: sudah diberikan {g}", f"{name.en}: given {g}")
    kind = why[0]
    texts: dict[str, str] = {}
    for lang in ("id", "en"):
        texts[lang] = _reason_text(kind, why, getattr(name, lang), lang, svc)
    if status is Status.MISSED and latest is not None:
        last = from_day(latest).isoformat()
        texts["id"] += f"; tidak dapat diberikan lagi setelah {last}"
        texts["en"] += f"; can no longer be given after {last}"
    return Label(texts["id"], texts["en"])


def _reason_text(kind: str, why: tuple[Any, ...], name: str, lang: str, svc: Service) -> str:
    en = lang == "en"
    if kind == "once":
        rec = why[1] if len(why) > 1 else None
        if rec is None:
            return name
        return f"{name}: at age {_words(rec, lang)}" if en else f"{name}: umur {_words(rec, lang)}"
    if kind == "dose":
        dose, prev = why[1], why[2]
        if prev is None or dose.number == 1:
            rec = dose.recommended or dose.earliest
            return (
                f"{name}: at age {_words(rec, lang)}" if en else f"{name}: umur {_words(rec, lang)}"
            )
        gap = _words(dose.min_interval or _ONE_DAY, lang)
        p = from_day(prev).isoformat()
        return (
            f"{name}: at least {gap} after dose {dose.number - 1}, given {p}"
            if en
            else f"{name}: minimal {gap} setelah dosis {dose.number - 1} (diberikan {p})"
        )
    if kind == "recurring":
        every, last = _words(why[1], lang), why[2]
        if last is None:
            return (
                f"{name}: every {every}; none recorded"
                if en
                else f"{name}: setiap {every}; belum pernah tercatat"
            )
        ld = from_day(last).isoformat()
        return (
            f"{name}: every {every}; last given {ld}"
            if en
            else f"{name}: setiap {every}; terakhir {ld}"
        )
    if kind == "calendar":
        months = _month_names(why[1].months, lang)
        return f"{name}: given in {months}" if en else f"{name}: diberikan pada {months}"
    if kind == "followup":
        rule, el = why[1], why[2]
        conds = ", ".join(sorted(c.value.replace("_", " ") for c in el.conditions))
        period = _words(Duration(months=rule.every), lang)
        return (
            f"{name}: follow-up every {period} for {conds}"
            if en
            else f"{name}: kontrol setiap {period} ({conds})"
        )
    if kind == "birthday":
        w = _words(why[1].window, lang)
        return (
            f"{name}: within {w} after the birthday"
            if en
            else f"{name}: dalam {w} setelah hari ulang tahun"
        )
    if kind == "school":
        rule = why[1]
        grades = "/".join(str(g) for g in rule.grades)
        months = _month_names(sorted(rule.months, key=lambda m: (m < 7, m)), lang)
        return (
            f"{name}: school grade {grades}, {months}"
            if en
            else f"{name}: kelas {grades}, bulan {months}"
        )
    if kind == "contact":
        c, lmp = why[1], why[2]
        hpht = from_day(lmp).isoformat()
        lo, hi = _words(c.start, lang), _words(c.end.duration, lang) if c.end else "…"
        doctor = (", with a doctor" if en else ", oleh dokter") if c.doctor else ""
        return (
            f"{name}: gestational age {lo} to {hi} (HPHT {hpht}){doctor}"
            if en
            else f"{name}: usia kehamilan {lo} sampai {hi} (HPHT {hpht}){doctor}"
        )
    # postnatal visit
    v, anchor, what = why[1], why[2], why[3]
    a = from_day(anchor).isoformat()
    lo, hi = v.start.days, v.end.duration.days - (1 if v.end.exclusive else 0)
    if en:
        after = "delivery" if what == "delivery" else "birth"
        return f"{name}: days {lo}–{hi} after {after} on {a}"
    after = "persalinan" if what == "delivery" else "lahir"
    return f"{name}: hari ke-{lo} sampai ke-{hi} setelah {after} {a}"

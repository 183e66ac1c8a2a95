"""The per-person toolkit every rule kind's ``evaluate`` uses: context, status, windows.

``due()`` builds one :class:`Ctx` per call and hands it to each entry's rule
(``rule.evaluate(entry, ctx, out)``), which appends :class:`~ilp.lifecycle.DueItem`
values to *out*. Everything is in integer day numbers.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from ilp._months import MONTH_ONE_YEAR, MONTH_SPAN, MONTH_STARTS, NO_OFFSET, month_of
from ilp.dates import add_months_day, from_day
from ilp.lifecycle._item import DueItem, Why, new_item
from ilp.lifecycle._stages import LifeStage, stages_on_day
from ilp.lifecycle.semantics import SCHOOL_YEAR_MONTH, Status, school_year_of
from ilp.people import Person, Pregnancy

if TYPE_CHECKING:
    from ilp.dates import Duration
    from ilp.lifecycle._engine import Region
    from ilp.lifecycle._model import Eligibility, Entry, Limit, Service

__all__ = [
    "ENTERING",
    "INSIDE",
    "OUTSIDE",
    "Ctx",
    "DueItem",
    "Spans",
    "Why",
    "age_band",
    "birth_after",
    "birth_limit",
    "birth_plus",
    "by_grade",
    "current_pregnancy",
    "eligible",
    "given_in",
    "grade_on",
    "grade_scope",
    "in_age_band",
    "near",
    "occurrence",
    "occurrences",
    "scope",
    "status",
    "visible",
    "year_windows",
]


# Status members as module constants: Status.X reads the enum class (~55 ns),
# a global ~10 ns; due() reads them once or twice per item (issue 11)
_OVERDUE: Final = Status.OVERDUE
_DUE: Final = Status.DUE
_UPCOMING: Final = Status.UPCOMING
_MISSED: Final = Status.MISSED
_COMPLETED: Final = Status.COMPLETED


class Ctx:
    """What every rule needs about one person on one date, computed once.

    ``recs`` holds each code's record days up to the date, in date order.
    ``bm`` and ``bo`` are the month of birth and the day's offset in it
    (:func:`ilp._months.month_of`): while ``bo < NO_OFFSET``, the day *m* months
    after birth is ``MONTH_STARTS[bm + m] + bo`` (:func:`birth_plus`).
    ``year`` is the calendar year of the date. The stages and school grades are worked
    out on first use and kept
    (``grades``: school year to grade, :func:`ilp.lifecycle.rules.school.grade_in`).
    """

    __slots__ = (
        "b",
        "bm",
        "bo",
        "d",
        "grade",
        "grade_known",
        "grades",
        "horizon",
        "months",
        "person",
        "recs",
        "region",
        "stages",
        "year",
    )

    def __init__(
        self,
        person: Person,
        d: int,
        recs: Mapping[str, Sequence[int]],
        region: Region,
        horizon: int,
        *,
        on: _dt.date | None = None,
    ) -> None:
        """*on*, when given, is the date of day number *d* (``due()`` has it at hand)."""
        self.person = person
        birth = person.birth_date
        self.b = b = birth.toordinal()
        self.bm, self.bo = bm, bo = month_of(birth)
        self.d = d
        if on is None:
            on = _dt.date.fromordinal(d)
        self.year = year = on.year
        # months_between(b, d): month indexes as month_of counts them (bm is the birth's)
        months = (year - MONTH_ONE_YEAR) * 12 + on.month - 1 - bm
        after = MONTH_STARTS[bm + months] + bo if bo < NO_OFFSET else add_months_day(b, months)
        self.months = months - 1 if after > d else months
        self.recs = recs
        self.region = region
        self.horizon = horizon
        self.stages: frozenset[LifeStage] | None = None
        self.grade: int | None = None
        self.grade_known = False
        self.grades: dict[int, int | None] = {}


def status(d: int, e: int, o: int | None, latest: int | None) -> Status:
    """The status on day *d* of an item open from *e*, overdue from *o*, closed after *latest*."""
    if latest is not None and (d > latest or e > latest):
        return _MISSED
    if d < e:
        return _UPCOMING
    if o is not None and d >= o:
        return _OVERDUE
    return _DUE


def eligible(el: Eligibility, ctx: Ctx) -> bool:
    """Whether the person is in *el* on the date (or enters its age band within the horizon).

    Over columns the age and birth conditions are
    :func:`ilp.lifecycle.semantics.birth_range`: the same bounds as birth days.
    """
    if el.any_of:
        return any(eligible(alt, ctx) for alt in el.any_of)
    p = ctx.person
    # every test must hold: the cheap ones first, then the age band, then the stages
    if el.sex is not None and p.sex is not el.sex:
        return False
    if el.conditions and el.conditions.isdisjoint(p.conditions):
        return False
    if el.region is not None and el.region not in ctx.region.flags:
        return False
    if el.sexually_active and p.ever_sexually_active is False:
        return False
    if el.born_from is not None and p.birth_date < el.born_from:
        return False
    if el.born_before is not None and p.birth_date >= el.born_before:
        return False
    if el.grades and p.school is not None:
        # a known school grade decides instead of the age band
        if grade_on(ctx) not in el.grades:
            return False
    elif not in_age_band(el, ctx):
        return False
    if el.stages:
        if ctx.stages is None:
            ctx.stages = stages_on_day(p, ctx.d, ctx.months)
        if el.stages.isdisjoint(ctx.stages):
            return False
    return True


#: Where a person stands to an age band (:func:`age_band`): outside it, in it, or not yet
#: in it but entering it within the horizon (listed as upcoming only).
OUTSIDE, INSIDE, ENTERING = 0, 1, 2


def age_band(el: Eligibility, ctx: Ctx) -> int:
    """:data:`OUTSIDE`, :data:`INSIDE` or :data:`ENTERING` *el*'s age band on the date."""
    found = INSIDE
    f = el.age_from
    if f is not None and not (f.days == 0 and ctx.months >= f.months):
        first = birth_plus(ctx, f.months) + f.days  # f.after(ctx.b)
        if first > ctx.d:
            # a person who enters the age band within the horizon is listed as upcoming
            if first > ctx.d + ctx.horizon:
                return OUTSIDE
            found = ENTERING
    to = el.age_to
    if to is not None:  # to.day(ctx.b), birth_plus inlined
        t, bo = to.duration, ctx.bo
        if bo < NO_OFFSET:
            last = MONTH_STARTS[ctx.bm + t.months] + bo + t.days - to.exclusive
        else:
            last = add_months_day(ctx.b, t.months) + t.days - to.exclusive
        if last < ctx.d:
            return OUTSIDE
    return found


def in_age_band(el: Eligibility, ctx: Ctx) -> bool:
    """Whether the person is in *el*'s age band on the date (or enters it within the horizon)."""
    return age_band(el, ctx) != OUTSIDE


def grade_on(ctx: Ctx) -> int | None:
    """The person's recorded school grade on the date (None: none recorded, or past grade 12)."""
    if not ctx.grade_known:
        school = ctx.person.school
        ctx.grade = None if school is None else school.grade_on(from_day(ctx.d))
        ctx.grade_known = True
    return ctx.grade


def by_grade(el: Eligibility, ctx: Ctx) -> bool:
    """Whether a recorded school grade, not the age band, decides the person's eligibility."""
    return bool(el.grades) and ctx.person.school is not None


def grade_scope(el: Eligibility, grade: int, d: int) -> tuple[int, int]:
    """First and last day of the school years in *el*'s grades of a person in *grade* on *d*.

    The grade moves up each July: the first listed grade began on 1 July of
    the school year ``grade - min(grades)`` years before the current one.
    """
    year = school_year_of(d)
    first = _dt.date(year - (grade - min(el.grades)), SCHOOL_YEAR_MONTH, 1).toordinal()
    end = _dt.date(year + (max(el.grades) - grade) + 1, SCHOOL_YEAR_MONTH, 1).toordinal() - 1
    return first, end


def scope(entry: Entry, ctx: Ctx) -> tuple[int, int | None]:
    """First and last day of the eligibility by age (last None when open).

    Nothing starts before the entry's edition takes effect: a programme that
    began on 10 February 2025 has no occurrence, and nothing overdue, before it.
    """
    f_months, f_days, to_months, to_days, effective, graded = entry._scope
    grade = grade_on(ctx) if graded and ctx.person.school is not None else None
    end: int | None
    if grade is not None and grade in entry.eligibility.grades:
        start, end = grade_scope(entry.eligibility, grade, ctx.d)
    else:  # age_from.after(b) and age_to.day(b) inlined (birth_plus): most rules ask
        b, bm, bo = ctx.b, ctx.bm, ctx.bo
        if f_months is None:
            start = b
        elif bo < NO_OFFSET:
            start = MONTH_STARTS[bm + f_months] + bo + f_days
        else:
            start = add_months_day(b, f_months) + f_days
        if to_months is None:
            end = None
        elif bo < NO_OFFSET:
            end = MONTH_STARTS[bm + to_months] + bo + to_days
        else:
            end = add_months_day(b, to_months) + to_days
    if effective is not None and effective > start:
        start = effective
    return start, end


def birth_plus(ctx: Ctx, months: int) -> int:
    """The day number *months* calendar months after the person's birth (clamped)."""
    bo = ctx.bo
    return MONTH_STARTS[ctx.bm + months] + bo if bo < NO_OFFSET else add_months_day(ctx.b, months)


def birth_after(ctx: Ctx, duration: Duration) -> int:
    """``duration.after(ctx.b)``: *duration* after the person's birth, by the month table.

    ``Duration.after`` keeps its months in a value-keyed cache, and a person's own
    entries there are cold on a first call: a look-up in the table reads one list slot.
    """
    months = duration.months
    if not months:
        return ctx.b + duration.days
    bo = ctx.bo
    if bo < NO_OFFSET and months <= MONTH_SPAN:
        return MONTH_STARTS[ctx.bm + months] + bo + duration.days
    return add_months_day(ctx.b, months) + duration.days


def birth_limit(ctx: Ctx, limit: Limit) -> int:
    """``limit.day(ctx.b)``: the last day within *limit* of the person's birth (table)."""
    return birth_after(ctx, limit.duration) - limit.exclusive


def visible(st: Status, e: int, ctx: Ctx) -> bool:
    """Whether an item is listed: upcoming ones only within the horizon."""
    return st is not _UPCOMING or e - ctx.d <= ctx.horizon


def given_in(records: Sequence[int], lo: int, hi: int) -> int | None:
    """The first of *records* (in date order) from *lo* to *hi* (inclusive), or None."""
    i = bisect_left(records, lo)
    if i < len(records) and records[i] <= hi:
        return records[i]
    return None


def current_pregnancy(person: Person, d: int) -> Pregnancy | None:
    """The pregnancy the person is in on day *d*, or None."""
    for p in person.pregnancies:
        if p.lmp.toordinal() <= d <= p.last_pregnant_day.toordinal():
            return p
    return None


#: The windows of the years around one year, in date order, and their last days (None
#: when they are not in date order): what :func:`year_windows` keeps per rule and year.
Spans = tuple[tuple[tuple[int, int], ...], tuple[int, ...] | None]
_YEARS_KEPT: Final = 256


def year_windows(
    cache: dict[int, Spans], year: int, build: Callable[[int], Iterable[tuple[int, int]]]
) -> Spans:
    """The windows *build* gives for *year*, kept in the rule's *cache* (built once per year).

    Thread-safe: the values are immutable, and two threads storing one store the same.
    """
    found = cache.get(year)
    if found is None:
        spans = tuple(build(year))
        lasts = tuple(hi for _, hi in spans)
        found = (spans, lasts if list(lasts) == sorted(lasts) else None)
        if len(cache) > _YEARS_KEPT:
            cache.clear()
        cache[year] = found
    return found


def near(spans: Spans, ctx: Ctx, start: int, end: int | None) -> Sequence[tuple[int, int]]:
    """The windows of *spans* that :func:`occurrences` needs on the date, clipped to the scope.

    Only three can matter while the scope is open on the date: the first window that
    neither ends before the date nor is clipped empty by *start* (k), the one after it,
    and the one before it. Earlier ones can only be a previous occurrence that the one
    before k replaces (when that one is clipped empty by *start*, so are they); later
    ones come after a next occurrence.
    """
    windows, lasts = spans
    if lasts is None or (end is not None and end < ctx.d):
        return windows
    k = bisect_left(lasts, ctx.d if ctx.d > start else start)  # (max() is a slower call)
    return windows[k - 1 if k else 0 : k + 2]


def occurrences(  # noqa: PLR0917 - internal helper shared by four rule kinds
    svc: Service,
    windows: Iterable[tuple[int, int]],
    ctx: Ctx,
    start: int,
    end: int | None,
    why: Why,
    out: list[DueItem],
) -> None:
    """Report the current, next (within the horizon) or previous occurrence of a window."""
    d = ctx.d
    # the last window before the date, the one holding it and the first after it, clipped
    # to the scope (None: no such window); a window the scope does not clip is passed on
    prev = cur = nxt = None
    for window in windows:  # in date order
        first, last = window
        lo = first if first > start else start
        hi = last if end is None or last < end else end
        if lo > hi:
            continue
        if lo != first or hi != last:
            window = (lo, hi)  # noqa: PLW2901 - the window as clipped
        if hi < d:
            prev = window
        elif lo <= d:
            cur = window
        else:
            nxt = window
            break
    occurrence(svc, ctx, prev, cur, nxt, why, out)


#: A window of days, first and last (inclusive), or None.
_Window = tuple[int, int] | None


def occurrence(  # noqa: PLR0917 - the three windows occurrences() found, handed on
    svc: Service, ctx: Ctx, prev: _Window, cur: _Window, nxt: _Window, why: Why, out: list[DueItem]
) -> None:
    """The item of :func:`occurrences` given the windows before, holding and after the date.

    *cur* holds the date; *prev* is the last that ended before it and *nxt* the first
    that starts after it (each clipped to the scope, None when there is none).
    """
    d = ctx.d
    records = ctx.recs.get(svc.code, ())
    if cur is not None:
        c_lo, c_hi = cur
        i = bisect_left(records, c_lo)  # given_in(records, c_lo, d), inlined
        if i == len(records) or records[i] > d:
            out.append(new_item((svc, _DUE, c_lo, c_lo, None, c_hi, None, why)))
        elif nxt is not None and nxt[0] - d <= ctx.horizon:
            n_lo, n_hi = nxt
            out.append(new_item((svc, _UPCOMING, n_lo, n_lo, None, n_hi, None, why)))
        else:
            given = records[i]
            out.append(new_item((svc, _COMPLETED, c_lo, c_lo, None, c_hi, given, why)))
        return
    if nxt is not None and nxt[0] - d <= ctx.horizon:
        n_lo, n_hi = nxt
        out.append(new_item((svc, _UPCOMING, n_lo, n_lo, None, n_hi, None, why)))
        return
    if prev is not None:
        p_lo, p_hi = prev
        found = given_in(records, p_lo, p_hi)
        st = _MISSED if found is None else _COMPLETED
        out.append(new_item((svc, st, p_lo, p_lo, None, p_hi, found, why)))

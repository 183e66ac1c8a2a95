"""Rule kind ``recurring`` over columns: due again an interval after the last record.

``evaluate`` is the columnar twin of ``RecurringRule.evaluate``
(:mod:`ilp.lifecycle.rules.recurring`), step for step; ``walk`` draws its
synthetic history. ``tests/population/test_batch_equals_due.py`` proves the
twins agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

from ilp.lifecycle import Entry
from ilp.lifecycle.rules import recurring
from ilp.lifecycle.rules.person import Why, current_pregnancy
from ilp.lifecycle.rules.recurring import RecurringRule
from ilp.population._calendar import NO_DAY, Arr
from ilp.population.batch.base import ColumnarKind
from ilp.population.batch.cohort import Cohort, lookup, spread, take
from ilp.population.batch.draws import uniform_day
from ilp.population.batch.result import COMPLETED, UPCOMING

if TYPE_CHECKING:
    from ilp.population.batch.base import Facts
    from ilp.population.batch.histories import Histories
    from ilp.population.batch.run import Run

__all__ = ["KIND", "evaluate", "walk", "why"]


def evaluate(run: Run, entry: Entry, co: Cohort, slot: int) -> None:
    """``RecurringRule.evaluate`` over the cohort's rows."""
    rule = entry.rule
    assert isinstance(rule, RecurringRule)
    svc = entry.services[0]
    start, end = run.scope(entry, co)
    seg = run.segments(co, svc.code)
    # the rows with a record and the day of each one's last, part by part of the records
    lasts = [] if seg is None else seg.lasts()
    sel: Arr | None = None
    if rule.since_pregnancy:
        sel, lmp = lookup(co.rows, *run.preg.pregnant[:2])
        if not len(sel):
            return
        start = np.maximum(start[sel], lmp)
        end = None if end is None else end[sel]
        # only records since the HPHT of the current pregnancy count
        lasts = [_since(sel, lmp, has, last) for has, last in lasts]
    if not any(len(has) for has, _ in lasts):
        # never given: due from the start of the eligibility, which the eligibility
        # keeps within the horizon
        o, st = _never_given(run, entry, co, start, end, shared=sel is None)
        run.emit(slot, co, sel, st, start, start, o, end, None)
        return
    kept, e, o, st, end, given = _given(run, rule, start, end, lasts)
    if kept is not None:  # completed items left out (due_batch's statuses)
        if not len(kept):
            return
        sel = kept if sel is None else sel[kept]
    run.emit(slot, co, sel, st, e, e, o, end, given)


def _since(sel: Arr, lmp: Arr, has: Arr, last: Arr) -> tuple[Arr, Arr]:
    """The rows *has* (cohort rows) with a last record on or after the HPHT *lmp* of the
    pregnant rows *sel*, as places in *sel*, and those records' days."""
    pos = np.minimum(np.searchsorted(sel, has), len(sel) - 1)
    ok = (sel[pos] == has) & (last >= lmp[pos])
    return pos[ok], last[ok]


def _given(
    run: Run, rule: RecurringRule, start: Arr, end: Arr | None, lasts: list[tuple[Arr, Arr]]
) -> tuple[Arr | None, Arr, Arr, Arr, Arr | None, Arr | None]:
    """The items of every row, the rows with a record on the day of their last (*lasts*:
    the rows and days of each part of the records, in order), the others as never given:
    the rows kept (None: all), earliest, overdue, status, latest and given.

    Completed items are left out here, before their overdue day and status are
    found, when ``due_batch`` was not asked for them.
    """
    d, cal = run.d, run.cal
    m = len(start)
    # the last record as days after lo - 1, as month tables index them; 0: no record
    at = np.zeros(m, dtype=np.intp)
    for has, last in lasts:  # a row's last record is in the last part listing it
        at[has] = last - np.int32(cal.lo - 1)
    # a record from before the age band opened does not bring the next one forward
    # (no record: the interval's days after no day, before any start)
    e = np.maximum(cal.after_at(rule.interval, at), start)
    # given: upcoming only when late, and then within the horizon; else completed
    gone = e > d if end is None else (e > d) | (e > end)
    gone &= at > 0
    late = np.flatnonzero(gone)
    up: Arr = np.zeros(0, dtype=np.bool_)
    kept = done = None
    if len(late):
        el = e[late]
        up = el - d <= run.h
        if end is not None:
            up &= el <= end[late]
        done = late[~up]
        if len(done) and not run.wants(COMPLETED):
            kept, e, end = _without(done, e, end)
            late = late[up]
            late -= np.searchsorted(done, late)  # their places among the rows kept
            up, done = up[up], None
    o = cal.after(rule.grace, e)
    st = run.status(e, o, end)
    given = None
    if len(late):
        st[late] = np.where(up, np.int8(UPCOMING), np.int8(COMPLETED))
        if done is not None and len(done):
            given = np.full(m, NO_DAY, dtype=np.int32)
            given[done] = at[done] + (cal.lo - 1)
    return kept, e, o, st, end, given


def _without(done: Arr, e: Arr, end: Arr | None) -> tuple[Arr, Arr, Arr | None]:
    """The rows but *done* (ascending), and *e* and *end* at them."""
    keep = np.ones(len(e), dtype=np.bool_)
    keep[done] = False
    kept = np.flatnonzero(keep)
    if end is not None:
        # one latest day for all (a broadcast) stays one
        end = end[: len(kept)] if end.strides == (0,) else end.take(kept)
    return kept, e.take(kept), end


def _never_given(
    run: Run, entry: Entry, co: Cohort, start: Arr, end: Arr | None, *, shared: bool
) -> tuple[Arr, Arr]:
    """The overdue day and status of rows with no record (kept per cohort when *shared*)."""
    rule = entry.rule
    assert isinstance(rule, RecurringRule)
    if not shared:
        overdue = run.cal.after(rule.grace, start)
        return overdue, run.status(start, overdue, end)
    el = entry.eligibility
    key = ("grace", el.age_from, entry.effective_from, rule.grace)
    key_st = (*key, el.age_to)
    o, st = co.cache.get(key), co.cache.get(key_st)
    if o is None or st is None:
        # the scope is a function of the birth day unless a recorded grade decides:
        # found once a day when the cohort is spread (cohort.spread)
        found = None if el.grades else spread(co, run.pop)
        at, counts = found if found is not None else (None, None)
        first, last = take(start, at), None if end is None else take(end, at)
        o_at = run.cal.after(rule.grace, first)
        st_at = run.status(first, o_at, last)
        if counts is not None:
            o_at, st_at = np.repeat(o_at, counts), np.repeat(st_at, counts)
        o = co.cache[key] = o_at if o is None else o
        st = co.cache[key_st] = st_at
    return o, st


def walk(h: Histories, rng: np.random.Generator, entry: Entry) -> None:
    """Synthetic records of the entry's services for everyone in its scope on the date."""
    rule = entry.rule
    assert isinstance(rule, RecurringRule)
    code = entry.services[0].code
    if rule.since_pregnancy:
        ongoing = h.pop.preg_delivery == NO_DAY
        rows = h.pop.preg_person[ongoing].astype(np.int64)
        since = h.pop.preg_lmp[ongoing].astype(np.int64)
        keep = np.isin(rows, h.rows(entry))
        rows, since = rows[keep], since[keep]
    else:
        rows = h.rows(entry)
        since = None
    p = h.coverage(code, rows)
    for start, end in h.periods(rule.interval):
        lo = np.full(len(rows), start, dtype=np.int64)
        day = uniform_day(rng, lo, np.full(len(rows), end))
        ok = (rng.random(len(rows)) < p) & h.fits(entry, code, rows, day)
        if since is not None:
            ok &= day >= since
        h.emit(code, rows[ok], day[ok])


def why(facts: Facts, entry: Entry, j: int, slot: int, rows: Arr) -> list[Why]:
    """The reason data ``RecurringRule.evaluate`` gives open items of slot *j* (work lists)."""
    rule = entry.rule
    assert isinstance(rule, RecurringRule)
    lasts = facts.last_records(entry.services[0].code, rows)
    if rule.since_pregnancy:
        for k, row in enumerate(rows.tolist()):
            p = current_pregnancy(facts.person(row), facts.d)
            last = lasts[k]
            if p is None or (last is not None and last < p.lmp.toordinal()):
                lasts[k] = None
    return [(recurring.reason, rule.interval, last) for last in lasts]


#: The kind's columnar functions, found by :func:`ilp.population.batch.kinds.columnar`.
KIND: Final = ColumnarKind(evaluate, walk, why)

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
from ilp.population.batch.cohort import Cohort, lookup
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
    d, cal = run.d, run.cal
    start, end = run.scope(entry, co)
    seg = run.segments(co, svc.code)
    has, last = (None, None) if seg is None else seg.last()
    sel: Arr | None = None
    if rule.since_pregnancy:
        sel, lmp = lookup(co.rows, *run.preg.pregnant[:2])
        if not len(sel):
            return
        start = np.maximum(start[sel], lmp)
        end = None if end is None else end[sel]
        o_none = cal.after(rule.grace, start)
        st_none = run.status(start, o_none, end)
        if has is not None and last is not None:
            # only records since the HPHT of the current pregnancy count
            pos = np.minimum(np.searchsorted(sel, has), len(sel) - 1)
            ok = (sel[pos] == has) & (last >= lmp[pos])
            has, last = pos[ok], last[ok]
    else:
        el = entry.eligibility
        key = ("grace", el.age_from, entry.effective_from, rule.grace)
        cached = co.cache.get(key)
        if cached is None:
            cached = co.cache[key] = cal.after(rule.grace, start)
        o_none = cached
        key_st = (*key, el.age_to)
        cached = co.cache.get(key_st)
        if cached is None:
            cached = co.cache[key_st] = run.status(start, o_none, end)
        st_none = cached
    # never given: due from the start of the eligibility, which the eligibility keeps
    # within the horizon; given: upcoming only when late, and then within the horizon
    e, o, st, given = start, o_none, st_none, None
    if has is not None and last is not None and len(has):
        # a record from before the age band opened does not bring the next one forward
        eh = np.maximum(cal.after(rule.interval, last), start[has])
        oh = cal.after(rule.grace, eh)
        endh = None if end is None else end[has]
        sth = run.status(eh, oh, endh)
        late = eh > d if endh is None else (eh > d) | (eh > endh)
        if late.any():
            up = late & (eh - d <= run.h)
            if endh is not None:
                up &= eh <= endh
            done = late & ~up
            sth[up] = UPCOMING
            sth[done] = COMPLETED
            if done.any():
                given = np.full(len(start), NO_DAY, dtype=np.int32)
                given[has[done]] = last[done]
        e, o, st = start.copy(), o_none.copy(), st_none.copy()
        e[has], o[has], st[has] = eh, oh, sth
    run.emit(slot, co, sel, st, e, e, o, end, given)


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

"""Rule kind ``series`` over columns: doses in order.

``evaluate`` is the columnar twin of ``SeriesRule.evaluate``
(:mod:`ilp.lifecycle.rules.series`), step for step; ``walk`` draws its
synthetic history. ``tests/population/test_batch_equals_due.py`` proves the
twins agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

from ilp.lifecycle import Entry
from ilp.lifecycle.rules import series
from ilp.lifecycle.rules.person import Why
from ilp.lifecycle.rules.series import SeriesRule
from ilp.lifecycle.semantics import (
    ONE_DAY,
)
from ilp.population._calendar import NO_DAY, Arr
from ilp.population.batch.base import ColumnarKind
from ilp.population.batch.cohort import Cohort, take
from ilp.population.batch.draws import trunc_exp
from ilp.population.batch.result import COMPLETED

if TYPE_CHECKING:
    from ilp.population.batch.base import Facts
    from ilp.population.batch.histories import Histories
    from ilp.population.batch.run import Run

__all__ = ["KIND", "evaluate", "walk", "why"]


def evaluate(run: Run, entry: Entry, co: Cohort, slot: int) -> None:
    """``SeriesRule.evaluate`` over the cohort's rows, dose by dose."""
    rule = entry.rule
    assert isinstance(rule, SeriesRule)
    cal = run.cal
    start, _ = run.scope(entry, co)
    sel: Arr | None = None  # the rows that have had every earlier dose
    prev: Arr | None = None
    used: dict[str, int] = {}
    for j, (_svc, dose) in enumerate(zip(entry.services, rule.doses, strict=True)):
        if dose.born_from is not None:
            keep = np.flatnonzero(take(co.b, sel) >= dose.born_from.toordinal())
            sel = keep if sel is None else sel[keep]
            prev = None if prev is None else prev[keep]
            if not len(sel):
                return
        k = used.get(dose.code, 0)
        used[dose.code] = k + 1
        code = run.merged(dose.code, rule.credit)
        rec = run.kth(co, code, k, sel) if k else _first(run, co, code, sel)
        psel, pprev = sel, prev
        dsel = days = None  # the rows given this dose, and the days
        if rec is not None:
            given = rec != NO_DAY
            done = np.flatnonzero(given)
            if len(done):
                dsel = done if sel is None else sel[done]
                days = rec[done]
                if run.wants(COMPLETED):
                    ec = take(run.after(co, dose.earliest), dsel)
                    run.emit(slot + j, co, dsel, COMPLETED, ec, ec, None, None, days)
                pend = np.flatnonzero(~given)
                psel = pend if sel is None else sel[pend]
                pprev = None if prev is None else prev[pend]
        if psel is None or len(psel):
            e = np.maximum(take(run.after(co, dose.earliest), psel), take(start, psel))
            if pprev is not None:
                e = np.maximum(e, cal.after(dose.min_interval or ONE_DAY, pprev))
            rec_age = run.region.ages.get(dose.code, dose.recommended)
            r = e
            if rec_age is not None:
                r = np.maximum(r, take(run.after(co, rec_age), psel))
            if dose.recommended_interval is not None and pprev is not None:
                r = np.maximum(r, cal.after(dose.recommended_interval, pprev))
            o = None
            if dose.overdue is not None:
                o = np.maximum(take(run.after(co, dose.overdue), psel), e)
            latest = None if dose.latest is None else run.limit(co, dose.latest, psel)
            st = run.status(e, o, latest)
            run.emit(slot + j, co, psel, st, e, r, o, latest, None, run.visible(st, e))
        if dsel is None:
            return
        sel, prev = dsel, days


def _first(run: Run, co: Cohort, code: str, sel: Arr | None) -> Arr | None:
    """``run.kth(co, code, 0, sel)``: each row's first record of *code*, or NO_DAY.

    Found from the records themselves (each row's are consecutive and in day
    order: the first of each run of one row), without the start and count
    of every cohort row that ``kth`` reads for a later record.
    """
    seg = run.segments(co, code)
    if seg is None:
        return None
    first = seg.first_days()
    return take(first, sel)


def walk(h: Histories, rng: np.random.Generator, entry: Entry) -> None:
    """Synthetic records of the entry's services for everyone in its scope on the date."""
    rule = entry.rule
    assert isinstance(rule, SeriesRule)
    rows = h.rows(entry)
    b = h.birth[rows]
    child = h.child_immunization(entry)
    going = h.reached[rows].copy() if child else np.ones(len(rows), dtype=bool)
    before = h.params.reach if child else 1.0
    last = np.full(len(rows), -1, dtype=np.int64)
    previous_code: str | None = None
    d = h.params.dropout
    for k, dose in enumerate(rule.doses):
        if dose.born_from is not None:
            going &= b >= dose.born_from.toordinal()
        target = h.params.coverage.get(dose.code, h.params.default_coverage)
        if dose.code == previous_code:
            cont = np.full(len(rows), target)  # a repeated code: coverage per dose
        else:
            cont = np.full(len(rows), min(1.0, target / before) if before > 0 else 0.0)
            before = target
        if k == 0 and not child:
            cont = np.minimum(1.0, cont * h.factor[rows])
        previous_code = dose.code
        late_share = np.minimum(1.0, (1.0 - cont) / d)  # missed on time
        u = rng.random(len(rows))
        on_time = u < 1.0 - late_share
        given = u < np.maximum(cont, 1.0 - d)
        start = np.maximum(h.after(b, dose.recommended or dose.earliest), h.after(b, dose.earliest))
        gap = dose.recommended_interval or dose.min_interval
        has = last >= 0
        if has.any():
            after = last[has] + 1 if gap is None else h.after(last[has], gap)
            start[has] = np.maximum(start[has], after)
        start = np.maximum(start, h.first_day.get(dose.code, 0))
        latest = h.limit(b, dose.latest) if dose.latest is not None else None
        cap = h.on_time(b, start, dose.overdue, latest)
        delay = trunc_exp(rng, len(rows), h.params.delay_days, cap)
        extra = trunc_exp(rng, len(rows), h.params.catchup_days, None)
        day = start + np.floor(delay + np.where(on_time, 0.0, extra)).astype(np.int64)
        ok = going & given & h.fits(entry, dose.code, rows, day)
        if latest is not None:
            ok &= day <= latest
        h.emit(dose.code, rows[ok], day[ok])
        last = np.where(ok, day, last)
        going = ok


def why(facts: Facts, entry: Entry, j: int, slot: int, rows: Arr) -> list[Why]:
    """The reason data ``SeriesRule.evaluate`` gives open items of slot *j* (work lists)."""
    rule = entry.rule
    assert isinstance(rule, SeriesRule)
    dose = rule.doses[j]
    if j == 0:
        return [(series.reason, dose, None)] * len(rows)
    return [(series.reason, dose, g) for g in facts.given(slot - 1)[rows].tolist()]


#: The kind's columnar functions, found by :func:`ilp.population.batch.kinds.columnar`.
KIND: Final = ColumnarKind(evaluate, walk, why)

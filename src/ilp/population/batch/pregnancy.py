"""Rule kind ``pregnancy`` over columns: antenatal contacts from the HPHT.

``evaluate`` is the columnar twin of ``PregnancyRule.evaluate``
(:mod:`ilp.lifecycle.rules.pregnancy`), step for step; ``walk`` draws its
synthetic history. ``tests/population/test_batch_equals_due.py`` proves the
twins agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

from ilp.lifecycle import Entry
from ilp.lifecycle.rules import pregnancy
from ilp.lifecycle.rules.person import Why, current_pregnancy
from ilp.lifecycle.rules.pregnancy import PregnancyRule
from ilp.lifecycle.semantics import (
    ONE_DAY,
)
from ilp.population._calendar import NO_DAY, Arr
from ilp.population.batch.base import ColumnarKind
from ilp.population.batch.cohort import Cohort, lookup
from ilp.population.batch.draws import uniform_day
from ilp.population.batch.result import COMPLETED, MISSED

if TYPE_CHECKING:
    from ilp.population.batch.base import Facts
    from ilp.population.batch.histories import Histories
    from ilp.population.batch.run import Run

__all__ = ["KIND", "evaluate", "walk", "why"]


def evaluate(run: Run, entry: Entry, co: Cohort, slot: int) -> None:
    """``PregnancyRule.evaluate`` over the pregnant rows of the cohort."""
    rule = entry.rule
    assert isinstance(rule, PregnancyRule)
    cal, d = run.cal, run.d
    sel, lmp, last_day = lookup(co.rows, *run.preg.pregnant)
    prev = np.full(len(sel), NO_DAY, dtype=np.int32)
    for j, (_svc, c) in enumerate(zip(entry.services, rule.contacts, strict=True)):
        if not len(sel):
            return
        given = run.first_in(co, c.code, lmp, d, sel)
        e = cal.after(c.start, lmp)
        has_prev = prev != NO_DAY
        if has_prev.any():
            gap = cal.after(c.min_interval or ONE_DAY, np.where(has_prev, prev, lmp))
            e = np.where(has_prev, np.maximum(e, gap), e)
        latest = last_day if c.end is None else np.minimum(cal.limit(c.end, lmp), last_day)
        r = np.maximum(cal.after(c.recommended, lmp), e) if c.recommended is not None else e
        o = np.maximum(cal.after(c.overdue, lmp), e) if c.overdue is not None else None
        done = given != NO_DAY
        st = run.status(e, o, latest)
        st[done] = COMPLETED
        stop = (st != COMPLETED) & (st != MISSED)
        keep = ~stop | run.visible(st, e)
        run.emit(slot + j, co, sel, st, e, r, o, latest, given, keep)
        prev = np.where(done, given, prev)
        go = np.flatnonzero(~stop)
        sel, lmp, last_day, prev = sel[go], lmp[go], last_day[go], prev[go]


def walk(h: Histories, rng: np.random.Generator, entry: Entry) -> None:
    """Synthetic records of the entry's services for everyone in its scope on the date."""
    rule = entry.rule
    assert isinstance(rule, PregnancyRule)
    ongoing = h.pop.preg_delivery == NO_DAY
    rows = h.pop.preg_person[ongoing].astype(np.int64)
    lmp = h.pop.preg_lmp[ongoing].astype(np.int64)
    keep = np.isin(rows, h.rows(entry))
    rows, lmp = rows[keep], lmp[keep]
    previous = np.full(len(rows), -1, dtype=np.int64)
    for contact in rule.contacts:
        p = h.coverage(contact.code, rows)
        lo = h.after(lmp, contact.start)
        hi = h.limit(lmp, contact.end) if contact.end is not None else lo + 90
        has = previous >= 0
        if contact.min_interval is not None:
            lo = np.where(has, np.maximum(lo, h.after(previous, contact.min_interval)), lo)
        lo = np.where(has, np.maximum(lo, previous + 1), lo)
        day = uniform_day(rng, lo, hi)
        ok = (rng.random(len(rows)) < p) & (lo <= hi)
        ok &= h.fits(entry, contact.code, rows, day)
        h.emit(contact.code, rows[ok], day[ok])
        previous = np.where(ok, day, previous)


def why(facts: Facts, entry: Entry, j: int, slot: int, rows: Arr) -> list[Why]:
    """The reason data ``PregnancyRule.evaluate`` gives open items of slot *j* (work lists)."""
    rule = entry.rule
    assert isinstance(rule, PregnancyRule)
    contact = rule.contacts[j]
    out: list[Why] = []
    for row in rows.tolist():
        p = current_pregnancy(facts.person(row), facts.d)
        assert p is not None
        out.append((pregnancy.reason, contact, p.lmp.toordinal()))
    return out


#: The kind's columnar functions, found by :func:`ilp.population.batch.kinds.columnar`.
KIND: Final = ColumnarKind(evaluate, walk, why)

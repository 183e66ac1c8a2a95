"""Rule kind ``once`` over columns: a once-only window by age.

``evaluate`` is the columnar twin of ``OnceRule.evaluate``
(:mod:`ilp.lifecycle.rules.once`), step for step; ``walk`` draws its
synthetic history. ``tests/population/test_batch_equals_due.py`` proves the
twins agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

from ilp.lifecycle import Entry
from ilp.lifecycle.rules import once
from ilp.lifecycle.rules.once import OnceRule
from ilp.lifecycle.rules.person import Why
from ilp.population._calendar import NO_DAY, Arr
from ilp.population.batch.base import ColumnarKind
from ilp.population.batch.cohort import Cohort
from ilp.population.batch.draws import trunc_exp
from ilp.population.batch.result import COMPLETED

if TYPE_CHECKING:
    from ilp.population.batch.base import Facts
    from ilp.population.batch.histories import Histories
    from ilp.population.batch.run import Run

__all__ = ["KIND", "evaluate", "walk", "why"]


def evaluate(run: Run, entry: Entry, co: Cohort, slot: int) -> None:
    """``OnceRule.evaluate`` over the cohort's rows."""
    rule = entry.rule
    assert isinstance(rule, OnceRule)
    svc = entry.services[0]
    start, _ = run.scope(entry, co)
    e = np.maximum(run.after(co, rule.earliest), start)
    rec_age = run.region.ages.get(svc.code, rule.recommended)
    r = np.maximum(run.after(co, rec_age), e) if rec_age is not None else e
    o = np.maximum(run.after(co, rule.overdue), e) if rule.overdue is not None else None
    latest = None if rule.latest is None else run.limit(co, rule.latest)
    st = run.status(e, o, latest)
    given = run.kth(co, svc.code, 0)
    if given is not None:
        st[given != NO_DAY] = COMPLETED
    run.emit(slot, co, None, st, e, r, o, latest, given, run.visible(st, e))


def walk(h: Histories, rng: np.random.Generator, entry: Entry) -> None:
    """Synthetic records of the entry's services for everyone in its scope on the date."""
    rule = entry.rule
    assert isinstance(rule, OnceRule)
    code = entry.services[0].code
    rows = h.rows(entry)
    b = h.birth[rows]
    p = h.coverage(code, rows)
    if h.child_immunization(entry):  # the area factor is in the reach
        target = h.params.coverage.get(code, h.params.default_coverage)
        p = np.where(h.reached[rows], min(1.0, target / h.params.reach), 0.0)
    start = h.after(b, rule.recommended or rule.earliest)
    start = np.maximum(start, h.first_day.get(code, 0))
    latest = h.limit(b, rule.latest) if rule.latest is not None else None
    cap = h.on_time(b, start, rule.overdue, latest)
    delay = trunc_exp(rng, len(rows), h.params.delay_days, cap)
    day = start + np.floor(delay).astype(np.int64)
    ok = (rng.random(len(rows)) < p) & h.fits(entry, code, rows, day)
    if latest is not None:
        ok &= day <= latest
    h.emit(code, rows[ok], day[ok])


def why(facts: Facts, entry: Entry, j: int, slot: int, rows: Arr) -> list[Why]:
    """The reason data ``OnceRule.evaluate`` gives open items of slot *j* (work lists)."""
    rule = entry.rule
    assert isinstance(rule, OnceRule)
    svc = entry.services[0]
    return [(once.reason, facts.region.ages.get(svc.code, rule.recommended))] * len(rows)


#: The kind's columnar functions, found by :func:`ilp.population.batch.kinds.columnar`.
KIND: Final = ColumnarKind(evaluate, walk, why)

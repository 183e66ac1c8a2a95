"""Rule kind ``postnatal`` over columns: visits from a delivery or a birth.

``evaluate`` is the columnar twin of ``PostnatalRule.evaluate``
(:mod:`ilp.lifecycle.rules.postnatal`), step for step; ``walk`` draws its
synthetic history. ``tests/population/test_batch_equals_due.py`` proves the
twins agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

from ilp.lifecycle import Entry
from ilp.lifecycle.rules import postnatal
from ilp.lifecycle.rules.person import Why
from ilp.lifecycle.rules.postnatal import PostnatalRule
from ilp.population._calendar import NO_DAY, Arr
from ilp.population.batch.base import ColumnarKind
from ilp.population.batch.cohort import Cohort, lookup
from ilp.population.batch.draws import LIVE_BIRTH, uniform_day
from ilp.population.batch.result import COMPLETED, UPCOMING

if TYPE_CHECKING:
    from ilp.population.batch.base import Facts
    from ilp.population.batch.histories import Histories
    from ilp.population.batch.run import Run

__all__ = ["KIND", "evaluate", "walk", "why"]


def evaluate(run: Run, entry: Entry, co: Cohort, slot: int) -> None:
    """``PostnatalRule.evaluate`` over the cohort's rows, visit by visit."""
    rule = entry.rule
    assert isinstance(rule, PostnatalRule)
    cal, d = run.cal, run.d
    sel: Arr | None
    if rule.anchor == "birth":
        sel, anchor = None, co.b
    else:
        sel, anchor = lookup(co.rows, *run.preg.delivered)
    for j, (_svc, v) in enumerate(zip(entry.services, rule.visits, strict=True)):
        if sel is not None and not len(sel):
            return
        e, latest = cal.after(v.start, anchor), cal.limit(v.end, anchor)
        given = run.first_in(co, v.code, anchor, d, sel)
        st = run.status(e, None, latest)
        st[given != NO_DAY] = COMPLETED
        up = st == UPCOMING
        keep = ~up | run.visible(st, e)
        run.emit(slot + j, co, sel, st, e, e, None, latest, given, keep)
        go = np.flatnonzero(~up)
        sel = go if sel is None else sel[go]
        anchor = anchor[go]


def walk(h: Histories, rng: np.random.Generator, entry: Entry) -> None:
    """Synthetic records of the entry's services for everyone in its scope on the date."""
    rule = entry.rule
    assert isinstance(rule, PostnatalRule)
    if rule.anchor == "delivery":
        ended = (h.pop.preg_delivery != NO_DAY) & (h.pop.preg_outcome == LIVE_BIRTH)
        rows = h.pop.preg_person[ended].astype(np.int64)
        anchor = h.pop.preg_delivery[ended].astype(np.int64)
        keep = np.isin(rows, h.rows(entry))
        rows, anchor = rows[keep], anchor[keep]
    else:
        rows = h.rows(entry)
        anchor = h.birth[rows]
    for visit in rule.visits:
        p = h.coverage(visit.code, rows)
        day = uniform_day(rng, h.after(anchor, visit.start), h.limit(anchor, visit.end))
        ok = (rng.random(len(rows)) < p) & h.fits(entry, visit.code, rows, day)
        h.emit(visit.code, rows[ok], day[ok])


def why(facts: Facts, entry: Entry, j: int, slot: int, rows: Arr) -> list[Why]:
    """The reason data ``PostnatalRule.evaluate`` gives open items of slot *j* (work lists)."""
    rule = entry.rule
    assert isinstance(rule, PostnatalRule)
    visit, what = rule.visits[j], rule.anchor
    return [(postnatal.reason, visit, facts.anchor(row, what), what) for row in rows.tolist()]


#: The kind's columnar functions, found by :func:`ilp.population.batch.kinds.columnar`.
KIND: Final = ColumnarKind(evaluate, walk, why)

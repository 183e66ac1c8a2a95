"""Rule kind ``calendar`` over columns: due in listed months of each year.

``evaluate`` is the columnar twin of ``CalendarRule.evaluate``
(:mod:`ilp.lifecycle.rules.calendar`), step for step; ``walk`` draws its
synthetic history. ``tests/population/test_batch_equals_due.py`` proves the
twins agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pendulum

from ilp.lifecycle import Entry
from ilp.lifecycle.rules import calendar
from ilp.lifecycle.rules.calendar import CalendarRule
from ilp.lifecycle.rules.person import Why
from ilp.population._calendar import Arr
from ilp.population.batch.base import ColumnarKind
from ilp.population.batch.cohort import Cohort
from ilp.population.batch.draws import month_start, shift, uniform_day
from ilp.population.batch.occurrences import emit_occurrences, occurrences, scoped_occurrences
from ilp.population.batch.result import COMPLETED

if TYPE_CHECKING:
    from ilp.population.batch.base import Facts
    from ilp.population.batch.histories import Histories
    from ilp.population.batch.run import Run

__all__ = ["KIND", "evaluate", "walk", "why"]


def evaluate(run: Run, entry: Entry, co: Cohort, slot: int) -> None:
    """``CalendarRule.evaluate`` over the cohort's rows."""
    rule = entry.rule
    assert isinstance(rule, CalendarRule)
    code = entry.services[0].code
    if rule.limit is None:
        occ = scoped_occurrences(run, entry, co, code, rule.windows(run.d))
        emit_occurrences(run, slot, co, None, occ)
        return
    start, end = run.scope(entry, co)
    sel: Arr | None = None
    found = run.first_from(co, code, start)
    if found is not None:
        pos, z, days = found
        pos = pos + (rule.limit - 1)
        done = np.flatnonzero(pos < z)
        if len(done):
            if run.wants(COMPLETED):
                last = days[pos[done]]
                run.emit(slot, co, done, COMPLETED, last, last, None, None, last)
            sel = np.flatnonzero(pos >= z)
            start = start[sel]
            end = None if end is None else end[sel]
    occ = occurrences(run, co, code, sel, rule.windows(run.d), start, end)
    emit_occurrences(run, slot, co, sel, occ)


def walk(h: Histories, rng: np.random.Generator, entry: Entry) -> None:
    """Synthetic records of the entry's services for everyone in its scope on the date."""
    rule = entry.rule
    assert isinstance(rule, CalendarRule)
    code = entry.services[0].code
    rows = h.rows(entry)
    p = h.coverage(code, rows)
    count = np.zeros(len(rows), dtype=np.int64)
    first = pendulum.Date.fromordinal(h.lookback)
    month = first.year * 12 + first.month - 1
    last = pendulum.Date.fromordinal(h.on)
    while month <= last.year * 12 + last.month - 1:
        year, m = divmod(month, 12)
        month += 1
        if m + 1 not in rule.months:
            continue
        lo = int(month_start(np.array([year]), np.array([m + 1]))[0])
        hi = shift(lo, 1) - 1
        day = uniform_day(rng, np.full(len(rows), lo), np.full(len(rows), hi))
        ok = (rng.random(len(rows)) < p) & h.fits(entry, code, rows, day)
        if rule.limit is not None:
            ok &= count < rule.limit
        count += ok
        h.emit(code, rows[ok], day[ok])


def why(facts: Facts, entry: Entry, j: int, slot: int, rows: Arr) -> list[Why]:
    """The reason data ``CalendarRule.evaluate`` gives open items of slot *j* (work lists)."""
    rule = entry.rule
    assert isinstance(rule, CalendarRule)
    return [(calendar.reason, rule.months)] * len(rows)


#: The kind's columnar functions, found by :func:`ilp.population.batch.kinds.columnar`.
KIND: Final = ColumnarKind(evaluate, walk, why)

"""Rule kind ``followup`` over columns: once per period, for a condition.

``evaluate`` is the columnar twin of ``FollowupRule.evaluate``
(:mod:`ilp.lifecycle.rules.followup`), step for step; ``walk`` draws its
synthetic history. ``tests/population/test_batch_equals_due.py`` proves the
twins agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pendulum

from ilp.lifecycle import Entry
from ilp.lifecycle.rules import followup
from ilp.lifecycle.rules.followup import FollowupRule
from ilp.lifecycle.rules.person import Why
from ilp.population._calendar import Arr
from ilp.population.batch.base import ColumnarKind
from ilp.population.batch.cohort import Cohort
from ilp.population.batch.draws import month_start, shift, uniform_day
from ilp.population.batch.occurrences import emit_occurrences, scoped_occurrences

if TYPE_CHECKING:
    from ilp.population.batch.base import Facts
    from ilp.population.batch.histories import Histories
    from ilp.population.batch.run import Run

__all__ = ["KIND", "evaluate", "walk", "why"]


def evaluate(run: Run, entry: Entry, co: Cohort, slot: int) -> None:
    """``FollowupRule.evaluate`` over the cohort's rows."""
    rule = entry.rule
    assert isinstance(rule, FollowupRule)
    code = entry.services[0].code
    found = scoped_occurrences(run, entry, co, code, rule.windows(run.d))
    emit_occurrences(run, slot, co, None, found)


def walk(h: Histories, rng: np.random.Generator, entry: Entry) -> None:
    """Synthetic records of the entry's services for everyone in its scope on the date."""
    rule = entry.rule
    assert isinstance(rule, FollowupRule)
    code = entry.services[0].code
    rows = h.rows(entry)
    p = h.coverage(code, rows)
    on = pendulum.Date.fromordinal(h.on)
    start = on.year * 12 + (on.month - 1) // rule.every * rule.every
    for k in range(max(1, h.params.history_months // rule.every)):
        year, m = divmod(start - k * rule.every, 12)
        lo = int(month_start(np.array([year]), np.array([m + 1]))[0])
        hi = shift(lo, rule.every) - 1
        day = uniform_day(rng, np.full(len(rows), lo), np.full(len(rows), hi))
        ok = (rng.random(len(rows)) < p) & h.fits(entry, code, rows, day)
        h.emit(code, rows[ok], day[ok])


def why(facts: Facts, entry: Entry, j: int, slot: int, rows: Arr) -> list[Why]:
    """The reason data ``FollowupRule.evaluate`` gives open items of slot *j* (work lists)."""
    rule = entry.rule
    assert isinstance(rule, FollowupRule)
    return [(followup.reason, rule.every, entry.eligibility.conditions)] * len(rows)


#: The kind's columnar functions, found by :func:`ilp.population.batch.kinds.columnar`.
KIND: Final = ColumnarKind(evaluate, walk, why)

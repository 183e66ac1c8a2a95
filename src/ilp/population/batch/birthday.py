"""Rule kind ``birthday`` over columns: a window after each birthday.

``evaluate`` is the columnar twin of ``BirthdayRule.evaluate``
(:mod:`ilp.lifecycle.rules.birthday`), step for step; ``walk`` draws its
synthetic history. ``tests/population/test_batch_equals_due.py`` proves the
twins agree.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Final

import numpy as np

from ilp.lifecycle import Entry
from ilp.lifecycle.rules import birthday
from ilp.lifecycle.rules.birthday import BirthdayRule
from ilp.lifecycle.rules.person import Why
from ilp.population._calendar import Arr, add_months
from ilp.population.batch.base import ColumnarKind
from ilp.population.batch.cohort import Cohort
from ilp.population.batch.draws import uniform_day
from ilp.population.batch.occurrences import decide, decide_by_day, emit_occurrences
from ilp.population.batch.result import DUE, MISSED, UPCOMING

if TYPE_CHECKING:
    from ilp.population.batch.base import Facts
    from ilp.population.batch.histories import Histories
    from ilp.population.batch.run import Run

__all__ = ["KIND", "evaluate", "walk", "why"]


def evaluate(run: Run, entry: Entry, co: Cohort, slot: int) -> None:
    """``BirthdayRule.evaluate`` over the cohort's rows."""
    rule = entry.rule
    assert isinstance(rule, BirthdayRule)
    code = entry.services[0].code
    d, cal = run.d, run.cal
    width = rule.window
    if width.months == 0 and width.days < 365 and run.segments(co, code) is None:
        # a window shorter than a year and no records: the last birthday's window holds
        # the date or is the previous one (the one before it only when it is not kept)
        heads, counts = (co, None) if entry.eligibility.grades else co.runs()
        # with no grade, all that follows is a function of the birth day: once per day
        b0, b1, b2, kept0, kept1, kept2 = _birthdays(run, entry, heads)
        c1 = kept1 & (b1 >= d - width.days)
        soon = kept2 & (b2 <= d + run.h) & ~c1
        rest = ~c1 & ~soon & (kept1 | kept0)
        st = soon.view(np.int8) * np.int8(UPCOMING)
        st += c1.view(np.int8) * np.int8(DUE)
        st += rest.view(np.int8) * np.int8(MISSED)
        e = np.where(soon, b2, np.where(kept1, b1, b0))
        if counts is not None:
            st, e = np.repeat(st, counts), np.repeat(e, counts)
        emit_occurrences(run, slot, co, None, (st, e, e + width.days, None))
        return
    # with no grade, the windows are a function of the birth day: found once per day,
    # and only the rows with a record in one are decided again
    by_day = not entry.eligibility.grades
    heads, counts = co.runs() if by_day else (co, None)
    b0, b1, b2, kept0, kept1, kept2 = _birthdays(run, entry, heads)
    h0, h1, h2 = (cal.after(width, x) for x in (b0, b1, b2))
    # the last of the first two windows still open holds the date
    c1 = kept1 & (h1 >= d)
    c0 = kept0 & (h0 >= d) & ~c1
    p1 = kept1 & (h1 < d)
    p0 = kept0 & (h0 < d) & ~p1
    cur = (c0 | c1, np.where(c1, b1, b0), np.where(c1, h1, h0))
    prev = (p0 | p1, np.where(p1, b1, b0), np.where(p1, h1, h0))
    if counts is not None:
        found = decide_by_day(run, co, code, counts, cur, (kept2, b2, h2), prev)
    else:
        found = decide(run, co, code, None, len(co), cur, (kept2, b2, h2), prev)
    emit_occurrences(run, slot, co, None, found)


def _birthdays(run: Run, entry: Entry, co: Cohort) -> tuple[Arr, ...]:
    """The birthdays before the last, the last and the next of each cohort row
    (b0 < b1 <= d < b2), and whether each is within the row's eligibility."""
    d, cal = run.d, run.cal
    start, end = run.scope(entry, co)
    year = _dt.date.fromordinal(d).year
    keys = co.cache.get("birthday")
    if keys is None:
        keys = co.cache["birthday"] = cal.birthday_keys(co.b)
    # whether this year's birthday is still to come picks the years of the three windows
    later = np.take(cal.birthday_table(year), keys) > d
    index = keys + later.view(np.int8).astype(np.int16) * np.int16(cal.KEYS)
    b0, b1, b2 = (np.take(cal.birthday_pair(year + k), index) for k in (-1, 0, 1))
    kept0, kept1, kept2 = (b0 >= start, b1 >= start, b2 >= start)
    if end is not None:
        kept0 &= b0 <= end
        kept1 &= b1 <= end
        kept2 &= b2 <= end
    return b0, b1, b2, kept0, kept1, kept2


def walk(h: Histories, rng: np.random.Generator, entry: Entry) -> None:
    """Synthetic records of the entry's services for everyone in its scope on the date."""
    rule = entry.rule
    assert isinstance(rule, BirthdayRule)
    code = entry.services[0].code
    rows = h.rows(entry)
    b = h.birth[rows]
    opened = add_months(b, 12 * h.age[rows])
    day = uniform_day(rng, opened, h.after(opened, rule.window))
    ok = (rng.random(len(rows)) < h.coverage(code, rows)) & (opened >= h.lookback)
    ok &= h.fits(entry, code, rows, opened) & h.fits(entry, code, rows, day)
    h.emit(code, rows[ok], day[ok])


def why(facts: Facts, entry: Entry, j: int, slot: int, rows: Arr) -> list[Why]:
    """The reason data ``BirthdayRule.evaluate`` gives open items of slot *j* (work lists)."""
    rule = entry.rule
    assert isinstance(rule, BirthdayRule)
    return [(birthday.reason, rule.window)] * len(rows)


#: The kind's columnar functions, found by :func:`ilp.population.batch.kinds.columnar`.
KIND: Final = ColumnarKind(evaluate, walk, why)

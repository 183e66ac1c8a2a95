"""Rule kind ``school`` over columns: a school grade and month.

``evaluate`` is the columnar twin of ``SchoolRule.evaluate``
(:mod:`ilp.lifecycle.rules.school`), step for step; ``walk`` draws its
synthetic history. ``tests/population/test_batch_equals_due.py`` proves the
twins agree.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np

from ilp.lifecycle import Entry
from ilp.lifecycle.rules import school
from ilp.lifecycle.rules.person import Why
from ilp.lifecycle.rules.school import SchoolRule
from ilp.lifecycle.semantics import SCHOOL_YEAR_MONTH, school_months, school_year_of
from ilp.population._calendar import NO_DAY, Arr
from ilp.population.batch.base import ColumnarKind
from ilp.population.batch.cohort import Cohort
from ilp.population.batch.draws import month_start, uniform_day
from ilp.population.batch.occurrences import decide, emit_occurrences, find_windows
from ilp.population.batch.result import COMPLETED, MISSED, NOT_LISTED

if TYPE_CHECKING:
    from ilp.population.batch.base import Facts
    from ilp.population.batch.histories import Histories
    from ilp.population.batch.run import Run

__all__ = ["KIND", "evaluate", "walk", "why"]


def _recorded_grades(run: Run, co: Cohort) -> tuple[Arr, Arr, Arr]:
    """Cohort rows with a recorded grade (positions in the cohort), the grade and its
    school year (int16), kept with the cohort."""
    recorded = co.cache.get("graded")
    if recorded is None:
        rows, grade, at = run.pop.recorded_grades()
        if co.contiguous:  # the population's, between the cohort's first row and last
            a, z = np.searchsorted(rows, [co.lo, co.hi]).tolist()
            recorded, grade, at = rows[a:z] - co.lo, grade[a:z], at[a:z]
        else:
            grades = run.pop.school_grade[co.rows]
            recorded = np.flatnonzero(grades)
            grade = grades.take(recorded).astype(np.int16)
            at = run.pop.school_year.take(co.rows.take(recorded))
        co.cache["graded"], co.cache["grade"], co.cache["grade year"] = recorded, grade, at
    return recorded, co.cache["grade"], co.cache["grade year"]


def _age_grades(
    run: Run, years: Sequence[int], grades: tuple[int, ...]
) -> list[list[tuple[int, int]]]:
    """Per school year, the ranges of birth days whose grade from age is one of *grades*."""
    out = []
    for year in years:
        july = _dt.date(year, 7, 1).toordinal()
        # completed years on 1 July are the grade + 6
        out.append(
            [
                (run.threshold(12 * (g + 7), july) + 1, run.threshold(12 * (g + 6), july))
                for g in grades
                if 1 <= g <= 12
            ]
        )
    return out


def in_grades(
    run: Run, co: Cohort, years: Sequence[int], grades: tuple[int, ...]
) -> tuple[Arr, list[Arr]]:
    """The cohort rows in one of *grades* in a school year starting in one of *years*.

    Returns those rows (sorted) and, per year, whether each is in the grades then
    (``_grade_in``: the recorded grade moved up each July, else the grade from age).
    The work is over the rows between the first and last of them, not the cohort.
    """
    ranges = _age_grades(run, years, grades)
    b = co.b
    # the rows are in order of birth: each range of births is a slice
    flat = [r for per_year in ranges for r in per_year]
    edges = np.array([x for lo, hi in flat for x in (lo, hi + 1)], dtype=b.dtype)
    bounds = np.searchsorted(b, edges).tolist()
    slices = [(i, j) for i, j in zip(bounds[::2], bounds[1::2], strict=True) if i < j]
    recorded, grade, at = _recorded_grades(run, co)
    listed: list[Arr] = []
    picked = recorded[:0]
    if len(recorded):
        # a bit per grade (0 and 13: out of 1-12): the grades' bits, tested in one pass
        wanted = sum(1 << g for g in set(grades) if 1 <= g <= 12)
        for year in years:
            bit = co.cache.get(("grade bit", year))
            if bit is None:  # the recorded grade moved up to *year* (shared by the entries)
                now = np.clip(np.where(at == 0, grade, grade + year - at), 0, 13)
                bit = co.cache["grade bit", year] = np.left_shift(1, now)
            listed.append((bit & wanted) != 0)
        chosen = listed[0] | listed[1] | listed[2]
        picked = recorded[chosen]
        listed = [x[chosen] for x in listed]
    lo = min([i for i, _ in slices] + picked[:1].tolist(), default=0)
    hi = max([j for _, j in slices] + (picked[-1:] + 1).tolist(), default=0)
    mask = np.zeros(max(hi - lo, 0), dtype=np.bool_)
    for i, j in slices:
        mask[i - lo : j - lo] = True
    if len(recorded):
        # a recorded grade (moved up each July) overrides the grade from age
        a, z = np.searchsorted(recorded, [lo, hi]).tolist()
        mask[recorded[a:z] - lo] = False
        mask[picked - lo] = True
    rows = np.flatnonzero(mask) + lo
    rb = b[rows]
    # *rb* is in order of birth too: each range of births is a slice of *rows*
    valid = []
    for per_year in ranges:
        ok = np.zeros(len(rows), dtype=np.bool_)
        if per_year:
            ends = [x for first, last in per_year for x in (first, last + 1)]
            at = np.searchsorted(rb, np.array(ends, dtype=b.dtype)).tolist()
            for i, j in zip(at[::2], at[1::2], strict=True):
                ok[i:j] = True
        valid.append(ok)
    if len(picked):
        # the place in *rows* of each listed recorded row: the rows of *mask* before it
        pos = np.cumsum(mask, dtype=np.intp).take(picked - lo) - 1
        for k, ok in enumerate(valid):
            ok[pos] = listed[k]
    return rows, valid


def _first(run: Run, co: Cohort, code: str) -> Arr | None:
    """Each cohort row's first record of *code*, or NO_DAY (None: no records).

    With records in two parts (a simulation's), from the runs of each part's
    records rather than from the two joined, which ``kth`` reads; with one,
    ``kth`` (its start and count are read again by the windows' look-ups).
    """
    seg = run.segments(co, code)
    if seg is None:
        return None
    return seg.first_days() if len(seg.parts()) > 1 else seg.kth(0)


def evaluate(run: Run, entry: Entry, co: Cohort, slot: int) -> None:
    """``SchoolRule.evaluate`` over the cohort's rows."""
    rule = entry.rule
    assert isinstance(rule, SchoolRule)
    code = entry.services[0].code
    d = run.d
    m = len(co)
    playing: Arr | None = None  # the rows still in play, over the cohort
    if not rule.each_grade:
        first = _first(run, co, code)
        if first is not None:
            done = np.flatnonzero(first != NO_DAY)
            if len(done):
                if run.wants(COMPLETED):
                    f = first[done]
                    run.emit(slot, co, done, COMPLETED, f, f, None, None, f)
                playing = first == NO_DAY
    prev_all: Arr | None = None
    if rule.after is not None:
        seg = run.segments(co, rule.after)
        if seg is None:
            return
        prev_all = np.full(m, NO_DAY, dtype=np.int32)
        for has, last in seg.lasts():  # a row's last record is in the last part listing it
            prev_all[has] = last
        ok = prev_all != NO_DAY
        playing = ok if playing is None else playing & ok
    sy = school_year_of(d)
    years = (sy - 1, sy, sy + 1)
    sel, valid = in_grades(run, co, years, rule.grades)
    if playing is not None:
        keep = np.flatnonzero(playing[sel])
        sel, valid = sel[keep], [v[keep] for v in valid]
    some = np.flatnonzero(valid[0] | valid[1] | valid[2])
    if not len(some):
        return
    if len(some) < len(sel):
        sel = sel[some]
        valid = [v[some] for v in valid]
    prev = None if prev_all is None else prev_all[sel]
    m = len(sel)
    windows: list[tuple[Arr | int, Arr | int, Arr | None]] = []
    done_lo = np.zeros(m, dtype=np.int32)
    done_hi = np.zeros(m, dtype=np.int32)
    done_given = np.zeros(m, dtype=np.int32)
    has_done = np.zeros(m, dtype=np.bool_)
    for year, in_grade in zip(years, valid, strict=True):
        ok = in_grade
        opens, hi = rule.window(year)
        lo: Arr | int = opens
        if prev is not None and rule.min_interval is not None:
            lo = np.maximum(run.cal.after(rule.min_interval, prev), lo)
        if rule.each_grade:
            # given at any time in that school year counts for that grade
            year_start = _dt.date(year, SCHOOL_YEAR_MONTH, 1).toordinal()
            year_end = min(d, _dt.date(year + 1, SCHOOL_YEAR_MONTH, 1).toordinal() - 1)
            g = run.first_in(co, code, year_start, year_end, sel)
            got = ok & (g != NO_DAY)
            np.copyto(done_lo, lo, where=got)
            np.copyto(done_hi, hi, where=got)
            np.copyto(done_given, g, where=got)
            has_done |= got
            ok = ok & ~got
        windows.append((lo, hi, ok))
    start, end = run.scope(entry, co, sel)
    p, c, n = find_windows(run, windows, start, end)
    st, e, latest, given = decide(run, co, code, sel, m, c, n, p)
    if has_done.any():
        # a grade already done stands unless something newer is open or upcoming
        take = has_done & ((st == NOT_LISTED) | ((st == MISSED) & (done_lo > e)))
        st[take] = COMPLETED
        e[take] = done_lo[take]
        latest[take] = done_hi[take]
        if given is None:
            given = np.full(m, NO_DAY, dtype=np.int32)
        given[take] = done_given[take]
    emit_occurrences(run, slot, co, sel, (st, e, latest, given))


def walk(h: Histories, rng: np.random.Generator, entry: Entry) -> None:
    """Synthetic records of the entry's services for everyone in its scope on the date."""
    rule = entry.rule
    assert isinstance(rule, SchoolRule)
    code = entry.services[0].code
    rows = h.rows(entry)
    rows = rows[h.pop.school_grade[rows] > 0]
    grade = h.pop.school_grade[rows].astype(np.int64)
    year = h.pop.school_year[rows].astype(np.int64)
    p = h.coverage(code, rows)
    done = np.zeros(len(rows), dtype=bool)
    months = np.array(school_months(rule.months))
    after = h.given.get(rule.after) if rule.after is not None else None
    for g in sorted(rule.grades):
        then = year - (grade - g)
        month = months[rng.integers(0, len(months), size=len(rows))]
        lo = month_start(np.where(month >= SCHOOL_YEAR_MONTH, then, then + 1), month)
        hi = h.cal.months(lo, 1) - 1
        day = uniform_day(rng, lo, hi)
        ok = (grade >= g) & (rng.random(len(rows)) < p) & h.fits(entry, code, rows, day)
        if not rule.each_grade:
            ok &= ~done
        if rule.after is not None:
            before = after[rows] if after is not None else np.full(len(rows), -1)
            ok &= before >= 0
            if rule.min_interval is not None:
                since = np.where(before >= 0, before, h.on)
                ok &= day >= h.after(since, rule.min_interval)
        done |= ok
        h.emit(code, rows[ok], day[ok])


def why(facts: Facts, entry: Entry, j: int, slot: int, rows: Arr) -> list[Why]:
    """The reason data ``SchoolRule.evaluate`` gives open items of slot *j* (work lists)."""
    rule = entry.rule
    assert isinstance(rule, SchoolRule)
    return [(school.reason, rule.grades, rule.months)] * len(rows)


#: The kind's columnar functions, found by :func:`ilp.population.batch.kinds.columnar`.
KIND: Final = ColumnarKind(evaluate, walk, why)

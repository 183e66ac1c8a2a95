"""The rows an entry applies to, and the per-row lookups of records and pregnancies.

A :class:`Cohort` is the rows an eligibility admits (made by
:meth:`ilp.population.batch.run.Run.cohort`); :class:`Segments` (from
:mod:`~ilp.population.batch.segments`) are one code's records for a cohort's
rows; :class:`Pregnancies` the pregnancy facts of everyone on the date. The
rest are small array helpers they share.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Final

import numpy as np

from ilp.lifecycle import LifeStage
from ilp.lifecycle.semantics import NIFAS_DAYS
from ilp.people import POSTTERM_DAYS, Outcome
from ilp.population._calendar import NO_DAY, Arr
from ilp.population.batch.segments import Segments, day_span
from ilp.population.columns import OUTCOMES, History, Population

__all__ = [
    "Cohort",
    "Columns",
    "Pregnancies",
    "Segments",
    "aranges",
    "birth_order",
    "by_day",
    "columns_of",
    "day_span",
    "distinct",
    "first_per_person",
    "last_per_person",
    "lookup",
    "radix_order",
    "spans",
    "spread",
    "take",
]

_MISCARRIAGE = OUTCOMES.index(Outcome.MISCARRIAGE)


def take(values: Arr, sel: Arr | None) -> Arr:
    """*values* at the rows *sel* (all of them when None)."""
    return values if sel is None else values.take(sel)


class Cohort:
    """The rows an entry's eligibility admits, their birth days, and shared lookups.

    ``rows`` are distinct rows of the run's columns (:class:`Columns`) in
    ascending order; ``contiguous`` says they are every row from ``lo`` to
    ``hi``. ``out32`` are the same people's rows in the caller's population,
    as the items list them (the same numbers unless the run put the rows in
    order of birth itself). The columns are in order of birth, so ``b`` is
    sorted too.
    """

    __slots__ = (
        "_runs",
        "_starts",
        "b",
        "cache",
        "contiguous",
        "hi",
        "lo",
        "out32",
        "rows",
        "scopes",
        "segments",
    )

    def __init__(self, rows: Arr, out32: Arr, birth: Arr) -> None:
        self.rows = rows
        self.out32 = out32
        self.b = birth
        self.lo, self.hi = int(rows[0]), int(rows[-1]) + 1
        # distinct ascending rows are every row from lo to hi when there are hi - lo of them
        self.contiguous = self.hi - self.lo == len(rows)
        self.segments: dict[str, Segments | None] = {}
        self.cache: dict[Any, Arr] = {}
        self.scopes: dict[Any, tuple[Arr, Arr | None]] = {}
        self._runs: tuple[Cohort, Arr] | None = None
        self._starts: tuple[Arr, Arr] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def starts(self) -> tuple[Arr, Arr]:
        """The position of the first row of each run of rows born on one day, and its length."""
        if self._starts is None:
            b = self.b
            change = np.empty(len(b), dtype=np.bool_)
            change[:1] = True
            np.not_equal(b[1:], b[:-1], out=change[1:])
            at = np.flatnonzero(change)
            self._starts = (at, np.diff(at, append=len(b)))
        return self._starts

    def runs(self) -> tuple[Cohort, Arr]:
        """The first row of each run of rows born on one day, as a cohort, and each run's length.

        What is a function of the birth day alone is found for these rows
        (about 36,500 days for a century of births), then ``np.repeat``-ed.
        """
        if self._runs is None:
            at, counts = self.starts()
            self._runs = (self.subset(at), counts)
        return self._runs

    def head_of(self, rows: Arr) -> Arr:
        """The run of one birth day (an index into :meth:`runs`) of each of cohort *rows*."""
        found: Arr = np.searchsorted(np.cumsum(self.runs()[1]), rows, side="right")
        return found

    def release(self) -> None:
        """Let go of the lookups kept for the entries (when the last one is done)."""
        self.segments.clear()
        self.cache.clear()
        self.scopes.clear()
        self._runs = None
        self._starts = None

    def subset(self, keep: Arr) -> Cohort:
        """The cohort rows at the positions *keep* (ascending)."""
        return Cohort(self.rows[keep], self.out32[keep], self.b[keep])


class Columns:
    """The person and pregnancy columns ``due_batch`` reads, its rows in order of birth.

    With *order* (the population's rows in order of birth) every column is
    taken in that order and pregnancies name their person by the new row, so
    each age band is a slice of rows; ``out32`` holds each row's number in
    the caller's population. Without it, the population's own columns.
    """

    __slots__ = (
        "_lazy",
        "_ordered",
        "_places",
        "_pop",
        "areas",
        "birth",
        "conditions",
        "inverse",
        "n",
        "order",
        "out32",
        "preg_delivery",
        "preg_edd",
        "preg_lmp",
        "preg_outcome",
        "preg_person",
        "school_grade",
        "sex",
    )

    def __init__(self, pop: Population, order: Arr | None) -> None:
        self.n = len(pop)
        self.areas = pop.areas
        self._pop = weakref.ref(pop)  # the cache of views must not keep the population alive
        self.order = order
        self._places: weakref.WeakKeyDictionary[History, Arr] = weakref.WeakKeyDictionary()
        self._ordered: weakref.WeakKeyDictionary[History, tuple[Arr, Arr]] = (
            weakref.WeakKeyDictionary()
        )
        # the columns most rules read are taken at once, the others when first asked for
        self._lazy: dict[str, Arr] = {}
        self.birth: Arr = self.pick(pop.birth)
        self.sex: Arr = self.pick(pop.sex)
        self.conditions: Arr = self.pick(pop.conditions)
        self.school_grade: Arr = self.pick(pop.school_grade)
        person, moved = pop.preg_person, None
        self.out32: Arr = aranges(self.n)[1]
        #: Each caller's row's row here (None: the same).
        self.inverse: Arr | None = None
        if order is not None:
            self.out32 = order.astype(np.int32)
            self.inverse = inverse = np.empty(self.n, dtype=np.int32)
            inverse[order] = aranges(self.n)[1]
            person = inverse[person]
            # sorted by (new) person, then HPHT, as a Population keeps its pregnancies
            moved = np.lexsort((pop.preg_lmp, person))
            person = person[moved]

        def preg(values: Arr) -> Arr:
            return values if moved is None else values[moved]

        self.preg_person: Arr = person
        self.preg_lmp: Arr = preg(pop.preg_lmp)
        self.preg_edd: Arr = preg(pop.preg_edd)
        self.preg_delivery: Arr = preg(pop.preg_delivery)
        self.preg_outcome: Arr = preg(pop.preg_outcome)

    def __len__(self) -> int:
        return self.n

    def pick(self, values: Arr) -> Arr:
        """A column of the caller's population with its rows in the order here."""
        return values if self.order is None else values.take(self.order)

    def _column(self, name: str) -> Arr:
        found = self._lazy.get(name)
        if found is None:
            pop = self._pop()
            assert pop is not None  # a view is only used while its population is
            found = self._lazy[name] = self.pick(getattr(pop, name))
        return found

    def day_starts(self) -> Arr:
        """Per day from the first birth day to the last and one more, its first row.

        The first row born on or after that day (``searchsorted``): the rows
        are in order of birth, so the rows born on a day end where the next
        day's start. Made once per population.
        """
        found = self._lazy.get("day starts")
        if found is None:
            b = self.birth
            top = int(b[-1]) + 2 if len(b) else 1
            days = np.arange(int(b[0]) if len(b) else 0, top, dtype=np.int64)
            found = self._lazy["day starts"] = np.searchsorted(b, days)
        return found

    def recorded_grades(self) -> tuple[Arr, Arr, Arr]:
        """The rows with a recorded school grade, the grade and its school year (int16).

        Made once per population (most rows, the adults, have none).
        """
        found = self._lazy.get("graded")
        if found is None:
            found = self._lazy["graded"] = np.flatnonzero(self.school_grade)
            self._lazy["grade"] = self.school_grade.take(found).astype(np.int16)
            self._lazy["grade year"] = self.school_year.take(found)
        return found, self._lazy["grade"], self._lazy["grade year"]

    def places(self, history: History) -> Arr:
        """The row here of the person of each of *history*'s records (kept with the history)."""
        assert self.inverse is not None
        with _LOCK:
            found = self._places.get(history)
        if found is None:
            found = self.inverse.take(history.rec_person)
            with _LOCK:
                self._places[history] = found
        return found

    def in_order(self, history: History) -> tuple[Arr, Arr] | None:
        """*history*'s records with the rows here, in row order within each code, or None.

        The row and day of each record, sorted by code, row and day as a
        History is, so that each code's records are in order of birth. They
        are made when *history* is asked for a second time (its records' rows
        here are kept since the first), and kept with it; None the first time.
        """
        with _LOCK:
            found = self._ordered.get(history)
            places = self._places.get(history)
        if found is None and places is not None:
            # the records are sorted by code, then person and day: a stable sort of
            # (code, row here) keeps each person's records in day order
            order = radix_order(history.rec_code, places, self.n)
            found = (places.take(order), history.rec_day.take(order))
            with _LOCK:
                self._ordered[history] = found
                self._places.pop(history, None)
        return found

    @property
    def school_year(self) -> Arr:
        """The school year of each recorded grade (0: none)."""
        return self._column("school_year")

    @property
    def sexually_active(self) -> Arr:
        """Whether each person is sexually active (nonzero)."""
        return self._column("sexually_active")

    @property
    def residence(self) -> Arr:
        """Each person's area, an index into ``areas`` (``len(areas)``: none)."""
        return self._column("residence")


_LOCK: Final = threading.Lock()
_VIEWS: Final[weakref.WeakKeyDictionary[Population, Columns]] = weakref.WeakKeyDictionary()


def columns_of(pop: Population) -> Columns:
    """The columns of *pop* in order of birth, made once per population (it is immutable)."""
    with _LOCK:
        found = _VIEWS.get(pop)
    if found is None:
        found = Columns(pop, None if pop.birth_sorted else birth_order(pop.birth))
        with _LOCK:
            _VIEWS[pop] = found
    return found


class Pregnancies:
    """Per-person pregnancy facts on the date: current pregnancy, last delivery, stages.

    Each fact is held for the rows it concerns only (sorted, distinct rows).
    """

    def __init__(self, pop: Columns, d: int) -> None:
        self.n = len(pop)
        person = pop.preg_person.astype(np.int64)
        lmp = pop.preg_lmp.astype(np.int64)
        dl = pop.preg_delivery.astype(np.int64)
        ended = dl != NO_DAY
        last_day = np.where(ended, dl - 1, pop.preg_edd.astype(np.int64) + POSTTERM_DAYS)
        current = np.flatnonzero((lmp <= d) & (d <= last_day))
        first = first_per_person(person, current)  # _current_pregnancy: the first
        #: Rows pregnant on the date, with the HPHT and last pregnant day of that pregnancy.
        self.pregnant = (person[first], lmp[first], last_day[first])
        birth = ended & (pop.preg_outcome != _MISCARRIAGE)
        last = last_per_person(person, np.flatnonzero(birth & (dl <= d)))
        #: Rows with a delivery on or before the date, with the latest one.
        self.delivered = (person[last], dl[last])
        since = d - dl
        self._members: dict[LifeStage, Arr] = {}
        #: Per pregnancy stage, the rows in it (sorted, distinct).
        self.rows = {
            LifeStage.IBU_HAMIL: person[first],
            LifeStage.IBU_BERSALIN: distinct(person[birth & (dl == d)]),
            LifeStage.IBU_NIFAS: distinct(person[birth & (since >= 0) & (since <= NIFAS_DAYS)]),
        }

    def flag(self, stage: LifeStage, rows: Arr) -> Arr:
        """Whether each of *rows* is in pregnancy *stage*."""
        member = self._members.get(stage)
        if member is None:
            member = self._members[stage] = np.zeros(self.n, dtype=np.bool_)
            member[self.rows[stage]] = True
        return member[rows]


#: The rows a day (on average over its birth days) from which :func:`spread` takes a slice.
ROWS_A_DAY = 4
#: The same for a cohort that is not a slice: its runs of one day cost a pass over its rows.
ROWS_A_DAY_APART = 16


def spread(co: Cohort, cols: Columns) -> tuple[Arr, Arr] | None:
    """One row of each birth day of a cohort and how many are born on it, or None
    (:func:`_spread`, kept with the cohort)."""
    at = co.cache.get("spread at")
    if at is None:
        found = _spread(co, cols)
        at, counts = (_NOT_SPREAD, _NOT_SPREAD) if found is None else found
        co.cache["spread at"], co.cache["spread counts"] = at, counts
    # a cohort has rows: no position at all says it is not spread
    return (at, co.cache["spread counts"]) if len(at) else None


_NOT_SPREAD: Final = np.zeros(0, dtype=np.intp)


def _spread(co: Cohort, cols: Columns) -> tuple[Arr, Arr] | None:
    """One row of each birth day of a cohort and how many are born on it, or None.

    For a cohort of ``ROWS_A_DAY`` or more rows to a day on average over
    the days from its first birth to its last: the position in the cohort
    of a row born on each of those days (any row for a day with none) and
    the number born on it. What is a function of the birth day alone is
    then found at those positions and ``np.repeat``-ed over the rows: one
    pass that writes them, instead of a gather for each. A cohort of
    consecutive rows reads them from the population's first row of each
    day; another (a slice with some rows left out, as the dead) finds its
    runs of one day (``Cohort.starts``, kept with it) when it has
    ``ROWS_A_DAY_APART`` or more rows a day.
    """
    b = co.b
    days = int(b[-1]) - int(b[0]) + 1
    if not co.contiguous:
        return co.starts() if len(b) >= ROWS_A_DAY_APART * days else None
    if len(b) < ROWS_A_DAY * days:
        return None
    at = int(b[0]) - int(cols.birth[0])
    starts = cols.day_starts()[at : at + int(b[-1]) - int(b[0]) + 2]
    bounds = np.clip(starts, co.lo, co.hi) - co.lo
    return np.minimum(bounds[:-1], len(b) - 1), np.diff(bounds)


def by_day(co: Cohort, cols: Columns, f: Callable[[Arr], Arr]) -> Arr:
    """``f(co.b)`` for a function *f* of the birth day alone, found once a day when spread."""
    found = spread(co, cols)
    if found is None:
        return f(co.b)
    at, counts = found
    heads = co.cache.get("spread births")
    if heads is None:  # the birth day at each position (shared by the lookups)
        heads = co.cache["spread births"] = co.b.take(at)
    out: Arr = np.repeat(f(heads), counts)
    return out


def distinct(values: Arr) -> Arr:
    """The distinct values of sorted *values* (as ``np.unique``, without sorting again)."""
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=np.bool_)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def lookup(rows: Arr, keys: Arr, *values: Arr) -> tuple[Arr, ...]:
    """Positions of *rows* found in sorted *keys*, and the *values* there."""
    if not len(keys):
        found = np.zeros(0, dtype=np.int64)
        return (found, *(v[:0] for v in values))
    pos = np.minimum(np.searchsorted(keys, rows), len(keys) - 1)
    found = np.flatnonzero(keys[pos] == rows)
    at = pos[found]
    return (found, *(v[at] for v in values))


def birth_order(birth: Arr) -> Arr:
    """The rows in order of birth (stable): a radix sort when births span under 179 years."""
    low = int(birth.min()) if len(birth) else 0
    if len(birth) and int(birth.max()) - low < 1 << 16:
        return np.argsort((birth - low).astype(np.uint16), kind="stable")
    return np.argsort(birth, kind="stable")


def radix_order(major: Arr, minor: Arr, n: int) -> Arr:
    """The stable order of the pairs (*major*, *minor*), *minor* in ``range(n)``, *major* >= 0.

    When *major* is sorted (as a History's codes are), each run of one major value
    is put in order of *minor* by a least-significant-digit radix sort, a
    stable argsort of 16-bit digits at a time (NumPy sorts those by
    counting), not a comparison sort. A run at a time, the passes stay in
    cache: about a quarter of the time of one sort of the packed pairs.
    """
    size = len(major)
    if size > 1 and not bool(np.all(major[1:] >= major[:-1])):
        return np.lexsort((minor, major))
    bits = max(1, (n - 1).bit_length())
    digits = [np.right_shift(minor, shift).astype(np.uint16) for shift in range(0, bits, 16)]
    edges = [0, *(np.flatnonzero(major[1:] != major[:-1]) + 1).tolist(), size]
    out = np.empty(size, dtype=np.intp)
    for a, b in itertools.pairwise(edges):
        order: Arr | None = None
        for digit in digits:
            step = np.argsort(
                digit[a:b] if order is None else digit[a:b].take(order), kind="stable"
            )
            order = step if order is None else order.take(step)
        assert order is not None
        order += a
        out[a:b] = order
    return out


@lru_cache(maxsize=4)
def aranges(n: int) -> tuple[Arr, Arr]:
    rows, rows32 = np.arange(n, dtype=np.int64), np.arange(n, dtype=np.int32)
    rows.setflags(write=False)
    rows32.setflags(write=False)
    return rows, rows32


def spans(starts: Arr, ends: Arr) -> Arr:
    """The integers from each of *starts* up to (not including) its end in *ends*, one run
    after another (``np.concatenate`` of the ``np.arange``-s, made at once)."""
    sizes = ends - starts
    total = int(sizes.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    # each run's start less the values before it, spread over the run, plus a count
    before = np.cumsum(sizes) - sizes
    out: Arr = np.repeat(starts - before, sizes) + np.arange(total)
    return out


def last_per_person(person: Arr, sel: Arr) -> Arr:
    """Of the positions *sel* (in table order), the last one of each person."""
    if not len(sel):
        return sel
    p = person[sel]
    keep = np.ones(len(sel), dtype=np.bool_)
    keep[:-1] = p[:-1] != p[1:]
    return sel[keep]


def first_per_person(person: Arr, sel: Arr) -> Arr:
    """Of the positions *sel* (in table order), the first one of each person."""
    if not len(sel):
        return sel
    p = person[sel]
    keep = np.ones(len(sel), dtype=np.bool_)
    keep[1:] = p[1:] != p[:-1]
    return sel[keep]

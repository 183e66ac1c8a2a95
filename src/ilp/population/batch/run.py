"""One ``due_batch`` call: the shared facts, record queries, cohorts and item output.

:class:`Run` holds what every rule kind's columnar evaluator
(:mod:`ilp.population.batch` ``<kind>.py``) needs: the date and horizon,
the calendar tables, each code's records up to the date, the cohorts that
eligibilities admit (``eligible`` of the per-person engine, made by
:class:`~ilp.population.batch.eligible.Eligible`), and ``emit``, which
collects each slot's items.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from functools import partial

import numpy as np

from ilp.dates import Duration
from ilp.errors import PopulationError
from ilp.lifecycle import Eligibility, Entry, Limit, Region
from ilp.lifecycle.semantics import (
    SCHOOL_YEAR_MONTH,
    max_birth,
    school_year_of,
)
from ilp.population._calendar import NO_DAY, Arr, Calendar
from ilp.population.batch.arena import Arena
from ilp.population.batch.cohort import (
    Cohort,
    Pregnancies,
    Segments,
    aranges,
    by_day,
    columns_of,
    spans,
    take,
)
from ilp.population.batch.eligible import Eligible
from ilp.population.batch.output import Output
from ilp.population.batch.plan import Plan
from ilp.population.batch.result import COMPLETED, DUE, MISSED, OVERDUE, UPCOMING
from ilp.population.batch.segments import (
    SPARSE,
    Pair,
    day_span,
    merge_sorted,
    pair,
    rest_of,
    segments_of_rows,
    whole,
)
from ilp.population.columns import History, Population

__all__ = ["Run"]

#: A cohort's records are this many times the rows of its span out of it (its holes), or more,
#: for its records to be found by the holes (fewer: by a lookup and a test of every record).
FEW_HOLES = 16


class Run:
    """Everything one ``due_batch`` call shares."""

    def __init__(
        self,
        pop: Population,
        history: History,
        *,
        d: int,
        region: Region,
        horizon: int,
        plan: Plan,
        by_area: Mapping[str, Region] | None = None,
        statuses: frozenset[int] | None = None,
    ) -> None:
        #: The status codes of the items kept (None: all of them).
        self.statuses = statuses
        #: The population's columns, rows in order of birth (so each age band is a slice).
        self.pop = columns_of(pop)
        cols = self.pop
        #: The records handed over in two parts by the simulation (``keep_rest``): the
        #: second, read as a part of its own when the rows are in order.
        self.rest = rest_of(history)
        if self.rest is not None and cols.inverse is not None:
            history, self.rest = whole(history), None
        self.history = history
        self.d = d
        self.h = horizon
        self.region = region
        self.plan = plan
        lo = int(cols.birth[0]) if len(cols) else d
        self.cal = Calendar(lo, d + horizon + plan.span + 400)
        #: Each slot's items, as the kinds emit them.
        self.out = Output(len(plan.codes), Arena(plan.pool, len(pop)))
        self._records: dict[str, tuple[Arr, Arr] | None] = {}
        #: Each code's records in ``rest`` (rows in order), as ``_records``.
        self._rest: dict[str, tuple[Arr, Arr] | None] = {}
        #: The rows here of the persons of each code's records (None: rows are in order).
        self._places: dict[str, Arr | None] = {}
        #: The records with the rows here in order (None: the rows are in order, or the
        #: first call on this population and history, which reads them as they are).
        self.ordered = None if cols.inverse is None else cols.in_order(history)
        self._thresholds: dict[tuple[int, int], int] = {}
        #: The cohort rows of the entry being evaluated not yet in its age band (or None).
        self.ahead: Arr | None = None
        #: The rows each eligibility admits.
        self.eligible = Eligible(pop, cols, d=d, horizon=horizon, region=region, by_area=by_area)

    # -- shared facts ------------------------------------------------------------------

    @property
    def preg(self) -> Pregnancies:
        """The pregnancy facts of everyone on the date (``Eligible.preg``)."""
        return self.eligible.preg

    def threshold(self, months: int, day: int) -> int:
        """The last birth day at which a person is at least *months* old on *day*."""
        key = (months, day)
        found = self._thresholds.get(key)
        if found is None:
            found = self._thresholds[key] = max_birth(Duration(months=months), day)
        return found

    def threshold_for(self, age: Duration) -> int:
        """The last birth day at which a person is at least *age* old on the date."""
        if age.days:
            return max_birth(age, self.d)
        return self.threshold(age.months, self.d)

    def after(self, co: Cohort, duration: Duration) -> Arr:
        """*duration* after each cohort row's birth (shared by the entries of a cohort)."""
        found = co.cache.get(duration)
        if found is None:
            found = co.cache[duration] = by_day(co, self.pop, partial(self.cal.after, duration))
        return found

    def limit(self, co: Cohort, limit: Limit, sel: Arr | None = None) -> Arr:
        """The last day within *limit* from each cohort row's birth (``Limit.day``)."""
        if not limit.exclusive:
            return take(self.after(co, limit.duration), sel)
        # the day before, found once a birth day (by_day) and shared like ``after``
        found = co.cache.get(limit)
        if found is None:
            found = co.cache[limit] = by_day(co, self.pop, partial(self.cal.limit, limit))
        return take(found, sel)

    def records(self, code: str) -> tuple[Arr, Arr] | None:
        """Persons and days of the records of *code* up to the date (None when none).

        Each person's records are consecutive and in day order. The persons
        are rows here, ascending, unless ``places`` is kept for *code* (the
        first call on a population out of order): then they are the caller's
        rows, and ``places`` their rows here. With a ``rest``, these are the
        records of the first part (:meth:`rest_records`: the second).
        """
        if code not in self._records:
            person, day = self.history.of_code(code)
            places = None
            if self.pop.inverse is not None and len(person):
                at = int(self.history.offsets[self.history.codes.index(code)])
                if self.ordered is None:
                    places = self.pop.places(self.history)[at : at + len(person)]
                else:  # the records with the rows here, sorted as the rows
                    rows, days = self.ordered
                    person, day = rows[at : at + len(person)], days[at : at + len(person)]
            found = self._up_to_date(self.history, code, person, day, places)
            self._records[code] = None if found is None else found[:2]
            self._places[code] = None if found is None else found[2]
        return self._records[code]

    def rest_records(self, code: str) -> tuple[Arr, Arr] | None:
        """``records`` of *code* in ``rest``: each person's after those of ``records``."""
        if self.rest is None:
            return None
        if code not in self._rest:
            person, day = self.rest.of_code(code)
            found = self._up_to_date(self.rest, code, person, day, None)
            self._rest[code] = None if found is None else found[:2]
        return self._rest[code]

    def _up_to_date(
        self, history: History, code: str, person: Arr, day: Arr, places: Arr | None
    ) -> tuple[Arr, Arr, Arr | None] | None:
        """The records of *code* (of *history*) up to the date, with their *places*."""
        low, high = day_span(history, code)
        if high > self.d:  # some records are after the date
            keep = day <= self.d
            person, day = person[keep], day[keep]
            places = None if places is None else places[keep]
            low = int(day.min()) if len(day) else low
        if len(day) and low < self.cal.lo:
            # only a History built without its population can hold such a record
            msg = f"history: a record of {code} is dated before every birth"
            raise PopulationError(msg, field="rec_day", value=low)
        return (person, day, places) if len(person) else None

    def segments(self, co: Cohort, code: str) -> Segments | None:
        """For each cohort row, where its records of *code* start and how many there are."""
        if code in co.segments:
            return co.segments[code]
        seg = None
        found = self.records(code)
        if found is not None:
            person, day = found
            if self.ordered is None and self.pop.inverse is not None:
                seg = self._unordered(co, code, day, self.pop.inverse)
            else:  # the records are sorted by row here
                seg = self._sorted(co, person, day)
        rest = self.rest_records(code)
        if rest is not None:
            seg = pair(seg, self._sorted(co, *rest, rest=True))
        co.segments[code] = seg
        return seg

    def _sorted(self, co: Cohort, person: Arr, day: Arr, *, rest: bool = False) -> Segments | None:
        """``segments`` of records sorted by row here (*rest*: the second part's)."""
        lo, hi = co.lo, co.hi
        i, j = np.searchsorted(person, np.array([lo, hi], dtype=person.dtype))
        if i < j and co.contiguous:
            # a cohort from the first row reads the records' rows as they are
            loc = person[i:j] - lo if lo else person[i:j]
            return Segments(loc, day[i:j], len(co), ascending=True)
        if len(co) * SPARSE < j - i:  # few rows for the records: searched per row
            return segments_of_rows(person[i:j], day[i:j], co.rows)
        if i < j:
            return self._without_holes(co, person[i:j], day[i:j], rest=rest)
        return None

    def _unordered(self, co: Cohort, code: str, day: Arr, inverse: Arr) -> Segments | None:
        """``segments`` of records whose persons are in no order (each one's consecutive)."""
        lo, hi = co.lo, co.hi
        places = self._places.get(code)
        if places is None:  # codes merged for credit
            found = self.records(code)
            assert found is not None
            places = self._places[code] = inverse[found[0]]
        if lo > 0 or hi < len(self.pop):
            inside = np.flatnonzero((places >= lo) & (places < hi))
            places, day = places[inside], day[inside]
        return self._mapped(co, places, day, ascending=False)

    def _local(self, co: Cohort) -> Arr:
        """Per row up to the cohort's last, its place in the cohort (-1: none).

        Indexed by the row itself (not from the cohort's first): the records'
        rows look it up as they are, with no shifted copy of them first.
        """
        local = co.cache.get("local")
        if local is None:
            local = np.full(co.hi, -1, dtype=np.int32)
            local[co.rows] = aranges(len(self.pop))[1][: len(co)]
            co.cache["local"] = local
        return local

    def _without_holes(
        self, co: Cohort, person: Arr, day: Arr, *, rest: bool = False
    ) -> Segments | None:
        """``_mapped`` of the records (sorted by row) of the rows of a cohort's span.

        When the rows of the span out of the cohort (the holes: the dead,
        mostly) are few for its records, the holes' records are found by a
        search each and dropped, and each other record's place in the cohort
        is its row less the cohort's first and the holes before it: one shift
        per run of records between two holes, spread over the run. No lookup
        of every record in a map of the span, nor a test of each.
        """
        lo = co.lo
        out = co.hi - lo - len(co)
        # the second part's records are few for the holes, but a search per hole costs less
        # than a map of the span, unless the first part's made one
        few = rest and "local" not in co.cache and out * 64 <= len(co)
        if out * FEW_HOLES > len(person) and not few:
            return self._mapped(co, person, day, ascending=True)
        holes = self._holes(co).astype(person.dtype)
        a = np.searchsorted(person, holes, side="left")
        b = np.searchsorted(person, holes, side="right")
        cut = np.flatnonzero(b > a)
        if len(cut):  # the holes' records
            keep = np.ones(len(person), dtype=np.bool_)
            keep[spans(a[cut], b[cut])] = False
            person, day = person[keep], day[keep]
            if not len(person):
                return None
        # the records after k holes are shifted down by lo + k
        runs = np.diff(np.searchsorted(person, holes), prepend=0, append=len(person))
        shift = np.repeat(np.arange(lo, lo + len(holes) + 1, dtype=person.dtype), runs)
        loc = person - shift
        return Segments(loc, day, len(co), ascending=True)

    @staticmethod
    def _holes(co: Cohort) -> Arr:
        """The rows from the cohort's first to its last that are not in it (kept with it).

        Before the cohort row at position *i* there are ``rows[i] - lo - i``
        holes, a count that never falls: the *k*-th hole is just before the
        first row with *k* holes before it, found by a bisection for all *k* at
        once (work per hole, none per row), unless the holes are many.
        """
        found = co.cache.get("holes")
        if found is None:
            rows, lo, m = co.rows, co.lo, len(co)
            count = co.hi - lo - m
            if count * 64 > m:  # many: where the rows jump
                at = np.flatnonzero(np.diff(rows) - 1)
                found = spans(rows[at] + 1, rows[at + 1])
            else:
                k = np.arange(1, count + 1)
                a = np.zeros(count, dtype=np.intp)
                b = np.full(count, m - 1, dtype=np.intp)
                for _ in range(m.bit_length()):  # the first i with rows[i] - lo - i >= k
                    mid = (a + b) >> 1
                    short = rows.take(mid) - lo - mid < k
                    a = np.where(short, mid + 1, a)
                    b = np.where(short, b, mid)
                found = lo + a + k - 1
            co.cache["holes"] = found
        return found

    def _mapped(self, co: Cohort, rows: Arr, day: Arr, *, ascending: bool) -> Segments | None:
        """The records of *rows* (rows here, in the cohort's span) kept for the cohort's rows."""
        if not len(rows):
            return None
        if co.contiguous:
            loc = rows - co.lo if co.lo else rows
        else:
            loc = self._local(co)[rows]
            keep = loc >= 0
            if not keep.all():
                loc, day = loc[keep], day[keep]
        return Segments(loc, day, len(co), ascending=ascending) if len(loc) else None

    # -- record queries (over the cohort rows *sel*, None for all) ------------------------

    def merged(self, code: str, credit: tuple[str, ...]) -> str:
        """A key under which the records of *code* and of the *credit* codes are one code."""
        if not credit:
            return code
        key = "+".join((code, *credit))
        if key not in self._records:
            found = [
                x
                for c in (code, *credit)
                for x in (self.records(c), self.rest_records(c))
                if x is not None
            ]
            self._records[key] = found[0] if len(found) == 1 else merge_sorted(found)
        return key

    def kth(self, co: Cohort, code: str, k: int, sel: Arr | None = None) -> Arr | None:
        """The *k*-th record (from 0) of *code* of each row, or NO_DAY."""
        seg = self.segments(co, code)
        return None if seg is None else seg.kth(k, sel)

    def first_from(
        self, co: Cohort, code: str, lo: Arr | int, sel: Arr | None = None
    ) -> tuple[Arr, Arr, Arr] | None:
        """Position of each row's first record of *code* on or after *lo*, and its end, in
        the days returned with them."""
        seg = self.segments(co, code)
        if seg is None:
            return None
        a, c, days = seg.places()
        a, c = take(a, sel), take(c, sel)
        z = a + c
        hi = z
        top = len(days) - 1
        steps = int(c.max()).bit_length() if len(c) else 0
        for _ in range(steps):  # a vectorised bisect within each row's records
            mid = (a + hi) >> 1
            less = (a < hi) & (days[np.minimum(mid, top)] < lo)
            a = np.where(less, mid + 1, a)
            hi = np.where(less, hi, mid)
        return a, z, days

    def first_in(  # noqa: PLR0917 - internal: the window of each row, as first_in per person
        self,
        co: Cohort,
        code: str,
        lo: Arr | int,
        hi: Arr | int,
        sel: Arr | None = None,
        valid: Arr | None = None,
    ) -> Arr:
        """Each row's first record of *code* from *lo* to *hi* (inclusive), or NO_DAY.

        One pass over the code's records: each is tested against its row's
        bounds, and the first that passes in each row's run is kept. Rows
        where *valid* is False (when given) have no window.
        """
        m = len(co) if sel is None else len(sel)
        out = np.full(m, NO_DAY, dtype=np.int32)
        seg = self.segments(co, code)
        if seg is None or not m:
            return out
        where = None  # each cohort row's place in *out*
        if sel is not None:
            where = np.full(len(co), -1, dtype=np.int32)
            where[sel] = np.arange(m, dtype=np.int32)
        window = (lo, hi, valid)
        if isinstance(seg, Pair) and seg.whole_unmade:
            # each row's records of the first part are before its of the second: the first
            # one passing is the first part's, unless it has none
            _first_passing(out, seg.first.loc, seg.first.day, where, window)
            rest = np.full(m, NO_DAY, dtype=np.int32)
            _first_passing(rest, seg.then.loc, seg.then.day, where, window)
            np.copyto(out, rest, where=out == NO_DAY)
        else:
            _first_passing(out, seg.loc, seg.day, where, window)
        return out

    # -- eligibility ---------------------------------------------------------------------

    def cohort(self, entry: Entry) -> Cohort | None:
        """The rows admitted by the entry's eligibility (``eligible`` per person), shared by key."""
        return self.eligible.cohort_of(entry.eligibility)

    # -- shared pieces of rules ------------------------------------------------------------

    def _grade_scope(
        self, el: Eligibility, co: Cohort, start: Arr, end: Arr | None
    ) -> tuple[Arr, Arr | None]:
        """``grade_scope`` per person for the rows whose recorded grade decides."""
        recorded = np.flatnonzero(self.pop.school_grade[co.rows])
        grade = self.eligible.grade_now(co.rows[recorded])
        by_grade = recorded[grade != 0]
        if not len(by_grade):
            return start, end
        assert end is not None  # the loader requires an age band with grades
        g = grade[grade != 0]
        year = school_year_of(self.d)
        lo_g, hi_g = min(el.grades), max(el.grades)

        def july(y: int) -> int:
            return _dt.date(y, SCHOOL_YEAR_MONTH, 1).toordinal()

        # per grade now (1-12): the first and last day of the grade band
        first = np.array([0] + [july(year - (x - lo_g)) for x in range(1, 13)], dtype=np.int64)
        last = np.array([0] + [july(year + (hi_g - x) + 1) - 1 for x in range(1, 13)])
        start, end = start.astype(np.int64), end.astype(np.int64)
        start[by_grade] = first[g]
        end[by_grade] = last[g]
        return start, end

    def scope(self, entry: Entry, co: Cohort, sel: Arr | None = None) -> tuple[Arr, Arr | None]:
        """``_scope`` of the engine: first and last day of the eligibility by age."""
        el = entry.eligibility
        key = ("scope", el.age_from, el.age_to, el.grades, entry.effective_from)
        found = co.scopes.get(key)
        if found is None:
            start = co.b if el.age_from is None else self.after(co, el.age_from)
            end = None if el.age_to is None else self.limit(co, el.age_to)
            if el.grades:
                start, end = self._grade_scope(el, co, start, end)
            if entry.effective_from is not None:
                start = np.maximum(start, entry.effective_from.toordinal())
            found = co.scopes[key] = (start, end)
        start, end = found
        return take(start, sel), None if end is None else take(end, sel)

    def status(self, e: Arr, o: Arr | None, latest: Arr | None) -> Arr:
        """``_status`` of the engine as int8 codes: missed, upcoming, overdue or due."""
        d = self.d
        st: Arr
        if o is None:
            st = np.full(len(e), DUE, dtype=np.int8)
        else:
            st = np.int8(DUE) - (o <= d).view(np.int8)
        np.maximum(st, (e > d).view(np.int8) * np.int8(UPCOMING), out=st)
        if latest is not None:
            missed = (latest < d) | (latest < e)
            np.maximum(st, missed.view(np.int8) * np.int8(MISSED), out=st)
        return st

    def visible(self, st: Arr, e: Arr) -> Arr:
        """``_visible`` of the engine: upcoming items only within the horizon."""
        shown: Arr = (st != UPCOMING) | (e <= self.d + self.h)
        return shown

    def wants(self, status: int) -> bool:
        """True if the items of status code *status* are kept (``due_batch``'s *statuses*)."""
        return self.statuses is None or status in self.statuses

    def _wanted(self, st: Arr) -> Arr:
        """Which of the status codes *st* are kept: one pass when one code is left out."""
        assert self.statuses is not None
        left = [c for c in (OVERDUE, DUE, UPCOMING, MISSED, COMPLETED) if c not in self.statuses]
        ok: Arr
        if len(left) == 1:
            ok = st != left[0]
        elif len(self.statuses) == 1:
            ok = st == next(iter(self.statuses))
        else:
            # bit c of the kept set, for each code c
            bits = np.int8(sum(1 << c for c in self.statuses))
            ok = (np.right_shift(bits, st) & np.int8(1)).view(np.bool_)
        return ok

    def emit(  # noqa: PLR0917 - internal: the columns of one item, as the engine's tuples
        self,
        slot: int,
        co: Cohort,
        sel: Arr | None,
        st: Arr | int,
        e: Arr,
        r: Arr,
        o: Arr | None,
        latest: Arr | None,
        given: Arr | None,
        keep: Arr | None = None,
    ) -> None:
        """Add the items of cohort rows *sel* (None: all) to *slot*, those *keep* says
        of the statuses kept.

        The arrays are read when the slot is done (at the next slot's items, or
        the end of the call), and a kind's own may become the items' columns as
        they are: none may be changed after it is given here.
        """
        rows = co.out32 if sel is None else sel
        if self.ahead is not None:
            # not yet in the age band (admitted by the horizon): only what is upcoming
            pos = self.ahead
            if sel is not None:
                pos = np.minimum(np.searchsorted(sel, pos), len(sel) - 1)
                pos = pos[sel[pos] == self.ahead]
            if isinstance(st, int):
                bad = pos if st != UPCOMING else pos[:0]
            else:
                bad = pos[st[pos] != UPCOMING]
            if len(bad):
                keep = np.ones(len(rows), dtype=np.bool_) if keep is None else keep.copy()
                keep[bad] = False
        if self.statuses is not None:
            if isinstance(st, int):
                if st not in self.statuses:
                    return
            else:
                ok = self._wanted(st)
                if keep is not None:
                    ok &= keep
                keep = ok
        m = len(rows)
        n = m if keep is None else int(np.count_nonzero(keep))
        if not n:
            return
        columns = tuple(
            NO_DAY if x is None else int(x) if np.ndim(x) == 0 else x
            for x in (st, e, r, o, latest, given)
        )
        self.out.add(slot, co.out32, sel, None if n == m else keep, n, columns)


def _first_passing(
    out: Arr, loc: Arr, day: Arr, where: Arr | None, window: tuple[Arr | int, Arr | int, Arr | None]
) -> None:
    """Into *out*, each row's first record (rows *loc*, days *day*) passing its *window*.

    One pass over the records: each is tested against its row's bounds, and
    the first that passes in each row's run is kept (each row's records are
    consecutive and in day order). *where* is each row's place in *out*
    (-1: none; None: the row itself); rows whose valid is False have none.
    """
    lo, hi, valid = window
    at = loc if where is None else where[loc]
    ok = day >= (lo if np.ndim(lo) == 0 else lo[at])  # type: ignore[index]
    ok &= day <= (hi if np.ndim(hi) == 0 else hi[at])  # type: ignore[index]
    if where is not None:
        ok &= at >= 0
    if valid is not None:
        ok &= valid[at]
    idx = np.flatnonzero(ok)
    if len(idx):
        a = at[idx]
        first = np.empty(len(idx), dtype=np.bool_)
        first[0] = True
        np.not_equal(a[1:], a[:-1], out=first[1:])
        out[a[first]] = day[idx[first]]

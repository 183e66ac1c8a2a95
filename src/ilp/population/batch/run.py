"""One ``due_batch`` call: the shared facts, record queries, cohorts and item output.

:class:`Run` holds what every rule kind's columnar evaluator
(:mod:`ilp.population.batch` ``<kind>.py``) needs: the date and horizon,
the calendar tables, each code's records up to the date, the cohorts that
eligibilities admit (``eligible`` of the per-person engine, as birth-day
bounds from :func:`ilp.lifecycle.semantics.birth_range`), and ``emit``, which
collects each slot's items.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from functools import partial
from typing import Any

import attrs
import numpy as np

from ilp.dates import Duration
from ilp.errors import PopulationError
from ilp.lifecycle import Eligibility, Entry, LifeStage, Limit, Region
from ilp.lifecycle.semantics import (
    PREGNANCY_STAGES,
    SCHOOL_YEAR_MONTH,
    age_stage_births,
    birth_range,
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
    day_span,
    distinct,
    take,
)
from ilp.population.batch.output import Output
from ilp.population.batch.plan import Plan
from ilp.population.batch.result import DUE, MISSED, UPCOMING
from ilp.population.columns import CONDITIONS, SEX_CODES, History, Population

__all__ = ["Run"]


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
    ) -> None:
        #: The population's columns, rows in order of birth (so each age band is a slice).
        self.pop = columns_of(pop)
        cols = self.pop
        self.history = history
        self.d = d
        self.h = horizon
        self.region = region
        self.plan = plan
        alive = (pop.birth <= d) & (pop.death >= d)
        self.all_alive = bool(alive.all())
        self.alive = alive if self.all_alive else cols.pick(alive)
        lo = int(cols.birth[0]) if len(cols) else d
        self.cal = Calendar(lo, d + horizon + plan.span + 400)
        #: Each slot's items, as the kinds emit them.
        self.out = Output(len(plan.codes), Arena(plan.pool, len(pop)))
        self._records: dict[str, tuple[Arr, Arr] | None] = {}
        #: The rows here of the persons of each code's records (None: rows are in order).
        self._places: dict[str, Arr | None] = {}
        #: The records with the rows here in order (None: the rows are in order, or the
        #: first call on this population and history, which reads them as they are).
        self.ordered = None if cols.inverse is None else cols.in_order(history)
        self._cohorts: dict[tuple[Any, ...], Cohort | None] = {}
        self._preg: Pregnancies | None = None
        self._thresholds: dict[tuple[int, int], int] = {}
        self._bases: dict[tuple[Any, ...], tuple[Arr, Arr, Arr, bool]] = {}
        #: The cohort rows of the entry being evaluated not yet in its age band (or None).
        self.ahead: Arr | None = None
        #: Per region flag, whether each row's area has it (None: one region for everyone).
        self.flag_rows: dict[str, Arr] | None = None
        if by_area is not None:
            flags = sorted({f for r in by_area.values() for f in r.flags})
            index = {a: i for i, a in enumerate(cols.areas)}
            self.flag_rows = {}
            for flag in flags:
                has = np.zeros(len(cols.areas) + 1, dtype=np.bool_)  # the last: no area
                for area, found in by_area.items():
                    if area in index and flag in found.flags:
                        has[index[area]] = True
                self.flag_rows[flag] = has[cols.residence]

    # -- shared facts ------------------------------------------------------------------

    @property
    def preg(self) -> Pregnancies:
        if self._preg is None:
            self._preg = Pregnancies(self.pop, self.d)
        return self._preg

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
        out = take(self.after(co, limit.duration), sel)
        return out - 1 if limit.exclusive else out

    def records(self, code: str) -> tuple[Arr, Arr] | None:
        """Persons and days of the records of *code* up to the date (None when none).

        Each person's records are consecutive and in day order. The persons
        are rows here, ascending, unless ``places`` is kept for *code* (the
        first call on a population out of order): then they are the caller's
        rows, and ``places`` their rows here.
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
            low, high = day_span(self.history, code)
            if high > self.d:  # some records are after the date
                keep = day <= self.d
                person, day = person[keep], day[keep]
                places = None if places is None else places[keep]
                low = int(day.min()) if len(day) else low
            self._places[code] = places
            if len(day) and low < self.cal.lo:
                # only a History built without its population can hold such a record
                msg = f"history: a record of {code} is dated before every birth"
                raise PopulationError(msg, field="rec_day", value=low)
            self._records[code] = (person, day) if len(person) else None
        return self._records[code]

    def segments(self, co: Cohort, code: str) -> Segments | None:
        """For each cohort row, where its records of *code* start and how many there are."""
        if code in co.segments:
            return co.segments[code]
        seg = None
        found = self.records(code)
        if found is not None:
            person, day = found
            lo, hi = co.lo, co.hi
            inverse = None if self.ordered is not None else self.pop.inverse
            if inverse is None:  # the records are sorted by row here
                i, j = np.searchsorted(person, np.array([lo, hi], dtype=person.dtype))
                loc, day = person[i:j] - lo, day[i:j]
            else:  # each person's records are consecutive, the persons in no order
                places = self._places.get(code)
                if places is None:  # codes merged for credit
                    places = self._places[code] = inverse[person]
                loc = places - lo
                if lo > 0 or hi < len(self.pop):
                    inside = np.flatnonzero((places >= lo) & (places < hi))
                    loc, day = loc[inside], day[inside]
            if len(loc) and not co.contiguous:
                local = co.cache.get("local")
                if local is None:
                    local = np.full(hi - lo, -1, dtype=np.int32)
                    local[co.rows - lo] = np.arange(len(co), dtype=np.int32)
                    co.cache["local"] = local
                loc = local[loc]
                keep = loc >= 0
                if not keep.all():
                    loc, day = loc[keep], day[keep]
            if len(loc):
                seg = Segments(loc, day, len(co), ascending=inverse is None)
        co.segments[code] = seg
        return seg

    # -- record queries (over the cohort rows *sel*, None for all) ------------------------

    def merged(self, code: str, credit: tuple[str, ...]) -> str:
        """A key under which the records of *code* and of the *credit* codes are one code."""
        if not credit:
            return code
        key = "+".join((code, *credit))
        if key not in self._records:
            found = [x for c in (code, *credit) if (x := self.records(c)) is not None]
            if not found:
                self._records[key] = None
            else:
                # each code's records are sorted by person and day: one sort of packed
                # (person, day) keys merges them (a day number fits in 22 bits)
                key64 = np.sort(
                    np.concatenate([p.astype(np.int64) << 22 | d for p, d in found]),
                    kind="stable",
                )
                person = (key64 >> 22).astype(np.int32)
                day = (key64 & ((1 << 22) - 1)).astype(np.int32)
                self._records[key] = (person, day)
        return key

    def kth(self, co: Cohort, code: str, k: int, sel: Arr | None = None) -> Arr | None:
        """The *k*-th record (from 0) of *code* of each row, or NO_DAY."""
        seg = self.segments(co, code)
        if seg is None:
            return None
        c = take(seg.count, sel)
        ok = np.flatnonzero(c > k)
        out = np.full(len(c), NO_DAY, dtype=np.int32)
        out[ok] = seg.day[take(seg.start, sel)[ok] + k]
        return out

    def first_from(
        self, co: Cohort, code: str, lo: Arr | int, sel: Arr | None = None
    ) -> tuple[Arr, Arr, Segments] | None:
        """Position of each row's first record of *code* on or after *lo*, and its end."""
        seg = self.segments(co, code)
        if seg is None:
            return None
        a = take(seg.start, sel)
        c = take(seg.count, sel)
        z = a + c
        hi = z
        steps = int(c.max()).bit_length() if len(c) else 0
        for _ in range(steps):  # a vectorised bisect within each row's records
            mid = (a + hi) >> 1
            less = (a < hi) & (seg.day[np.minimum(mid, seg.top)] < lo)
            a = np.where(less, mid + 1, a)
            hi = np.where(less, hi, mid)
        return a, z, seg

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
        loc, day = seg.loc, seg.day
        at = loc  # each record's place in *out*
        if sel is not None:
            where = np.full(len(co), -1, dtype=np.int32)
            where[sel] = np.arange(m, dtype=np.int32)
            at = where[loc]
        ok = day >= (lo if np.ndim(lo) == 0 else lo[at])  # type: ignore[index]
        ok &= day <= (hi if np.ndim(hi) == 0 else hi[at])  # type: ignore[index]
        if sel is not None:
            ok &= at >= 0
        if valid is not None:
            ok &= valid[at]
        idx = np.flatnonzero(ok)
        if len(idx):
            # each row's records are consecutive and in day order: its first one passing
            a = at[idx]
            first = np.empty(len(idx), dtype=np.bool_)
            first[0] = True
            np.not_equal(a[1:], a[:-1], out=first[1:])
            out[a[first]] = day[idx[first]]
        return out

    # -- eligibility ---------------------------------------------------------------------

    def cohort(self, entry: Entry) -> Cohort | None:
        """The rows admitted by the entry's eligibility (``eligible`` per person), shared by key."""
        return self.cohort_of(entry.eligibility)

    def cohort_of(self, el: Eligibility) -> Cohort | None:
        """The rows *el* admits: alternatives joined, recorded grades before the age band."""
        if el.any_of:
            return self._union([self.cohort_of(alt) for alt in el.any_of])
        if el.grades:
            return self._graded(el)
        if el.region is not None and self.flag_rows is not None:
            return self._flagged(el)
        if el.region is not None and el.region not in self.region.flags:
            return None
        lo_b, hi_b = birth_range(el, self.d, self.h)
        if lo_b > hi_b:
            return None
        sex = None if el.sex is None else SEX_CODES[el.sex]
        bits = sum(1 << CONDITIONS.index(c) for c in el.conditions)
        key = (lo_b, hi_b, sex, bits, el.sexually_active, el.stages)
        if key not in self._cohorts:
            self._cohorts[key] = self._make_cohort(key)
        return self._cohorts[key]

    def _flagged(self, el: Eligibility) -> Cohort | None:
        """The rows *el* admits whose own area has its region flag."""
        assert self.flag_rows is not None
        assert el.region is not None
        has = self.flag_rows.get(el.region)
        co = None if has is None else self.cohort_of(attrs.evolve(el, region=None))
        if co is None or has is None:
            return None
        keep = np.flatnonzero(has[co.rows])
        return co.subset(keep) if len(keep) else None

    def _union(self, parts: list[Cohort | None]) -> Cohort | None:
        """The rows of any of *parts*, in ascending order."""
        found = [co for co in parts if co is not None]
        if len(found) <= 1:
            return found[0] if found else None
        member = np.zeros(len(self.pop), dtype=np.bool_)
        for co in found:
            if co.contiguous:
                member[co.lo : co.hi] = True
            else:
                member[co.rows] = True
        rows = np.flatnonzero(member)
        return Cohort(rows, self.pop.out32[rows], self.pop.birth[rows])

    def grade_now(self, rows: Arr) -> Arr:
        """Each row's recorded school grade on the date, moved up each July (0: none)."""
        grade = self.pop.school_grade[rows].astype(np.int64)
        year = self.pop.school_year[rows].astype(np.int64)
        now = np.where(year == 0, grade, grade + school_year_of(self.d) - year)
        return np.where((grade > 0) & (now >= 1) & (now <= 12), now, 0)

    def _graded(self, el: Eligibility) -> Cohort | None:
        """``eligible`` with ``grades``: a recorded grade decides, else the age band."""
        if el.region is not None and el.region not in self.region.flags:
            return None
        grades = self.pop.school_grade
        by_age = self.cohort_of(attrs.evolve(el, grades=frozenset()))
        if by_age is not None:
            keep = np.flatnonzero(grades[by_age.rows] == 0)
            if not len(keep):
                by_age = None
            elif len(keep) < len(by_age):
                by_age = by_age.subset(keep)
        sex = None if el.sex is None else SEX_CODES[el.sex]
        bits = sum(1 << CONDITIONS.index(c) for c in el.conditions)
        rows, out32, births, whole = self._base(sex, bits, el.sexually_active)
        # only rows with a recorded grade can be admitted by it
        idx = np.flatnonzero(grades if whole else grades[rows])
        rows, out32, births = rows[idx], out32[idx], births[idx]
        wanted = np.zeros(13, dtype=np.bool_)
        wanted[sorted(el.grades)] = True
        ok = wanted[self.grade_now(rows)]
        if el.born_from is not None:
            ok &= births >= el.born_from.toordinal()
        if el.born_before is not None:
            ok &= births < el.born_before.toordinal()
        if el.stages:
            ok &= self._in_stages(el.stages, rows, births)
        idx = np.flatnonzero(ok)
        by_grade = None
        if len(idx):
            by_grade = Cohort(rows[idx], out32[idx], births[idx])
        return self._union([by_age, by_grade])

    def _base(self, sex: int | None, bits: int, active: bool) -> tuple[Arr, Arr, Arr, bool]:
        """The living rows passing the filters that do not depend on age.

        Returns their rows (int64 and int32, ascending), births, and whether
        they are every row.
        """
        key = (sex, bits, active)
        found = self._bases.get(key)
        if found is None:
            pop = self.pop
            mask = None if self.all_alive else self.alive
            if sex is not None:
                ok = pop.sex == sex
                mask = ok if mask is None else mask & ok
            if bits:
                ok = (pop.conditions & bits) != 0
                mask = ok if mask is None else mask & ok
            if active:
                ok = pop.sexually_active != 0
                mask = ok if mask is None else mask & ok
            if mask is None:
                found = (aranges(len(pop))[0], pop.out32, pop.birth, True)
            else:
                rows = np.flatnonzero(mask)
                found = (rows, pop.out32[rows], pop.birth[rows], False)
            self._bases[key] = found
        return found

    def _birth_ranges(
        self, stages: frozenset[LifeStage], lo_b: int, hi_b: int
    ) -> list[tuple[int, int]]:
        """The age stages among *stages* as merged ranges of birth days within [lo_b, hi_b]."""
        merged: list[tuple[int, int]] = []
        for first, last in sorted(age_stage_births(stages, self.d)):
            a, b = max(first, lo_b), min(last, hi_b)
            if a > b:
                continue
            if merged and a <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged

    def _pregnant_cohort(self, key: tuple[Any, ...]) -> Cohort | None:
        """The cohort of an eligibility whose stages are pregnancy stages only."""
        lo_b, hi_b, sex, bits, active, stages = key
        pop = self.pop
        rows = distinct(np.sort(np.concatenate([self.preg.rows[stage] for stage in stages])))
        b = pop.birth[rows]
        ok = self.alive[rows] & (b >= lo_b) & (b <= hi_b)
        if sex is not None:
            ok &= pop.sex[rows] == sex
        if bits:
            ok &= (pop.conditions[rows] & bits) != 0
        if active:
            ok &= pop.sexually_active[rows] != 0
        rows = rows[ok]
        if not len(rows):
            return None
        return Cohort(rows, pop.out32[rows], b[ok])

    def _make_cohort(self, key: tuple[Any, ...]) -> Cohort | None:
        lo_b, hi_b, sex, bits, active, stages = key
        if stages and stages <= PREGNANCY_STAGES:
            return self._pregnant_cohort(key)
        base, base32, births, _ = self._base(sex, bits, active)
        ranges = [(lo_b, hi_b)]
        pregnant = stages & PREGNANCY_STAGES if stages else frozenset()
        if stages and not pregnant:
            ranges = self._birth_ranges(stages, lo_b, hi_b)
        co = self._sliced(ranges, base, base32, births)
        if co is not None and pregnant:
            idx = np.flatnonzero(self._in_stages(stages, co.rows, co.b))
            co = co.subset(idx) if len(idx) else None
        return co

    def _sliced(
        self, ranges: list[tuple[int, int]], base: Arr, base32: Arr, births: Arr
    ) -> Cohort | None:
        """The rows of *base* born within one of *ranges* (rows in order of birth: slices)."""
        edges = np.array([x for a, b in ranges for x in (a, b + 1)], dtype=births.dtype)
        bounds = np.searchsorted(births, edges)
        parts = [(int(i), int(j)) for i, j in zip(bounds[::2], bounds[1::2], strict=True) if i < j]
        if not parts:
            return None
        if len(parts) == 1:
            i, j = parts[0]
            return Cohort(base[i:j], base32[i:j], births[i:j])
        return Cohort(*(np.concatenate([x[i:j] for i, j in parts]) for x in (base, base32, births)))

    def _in_stages(self, stages: frozenset[LifeStage], rows: Arr, b: Arr) -> Arr:
        """Whether each row (born on *b*) is in one of *stages* on the date (``stages_of``)."""
        ok = np.zeros(len(b), dtype=np.bool_)
        for first, last in age_stage_births(stages, self.d):
            ok |= (b >= first) & (b <= last)
        for stage in stages & PREGNANCY_STAGES:
            ok |= self.preg.flag(stage, rows)
        return ok

    # -- shared pieces of rules ------------------------------------------------------------

    def _grade_scope(
        self, el: Eligibility, co: Cohort, start: Arr, end: Arr | None
    ) -> tuple[Arr, Arr | None]:
        """``grade_scope`` per person for the rows whose recorded grade decides."""
        recorded = np.flatnonzero(self.pop.school_grade[co.rows])
        grade = self.grade_now(co.rows[recorded])
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
        """Add the items of cohort rows *sel* (None: all) to *slot*, those *keep* says.

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
        m = len(rows)
        n = m if keep is None else int(np.count_nonzero(keep))
        if not n:
            return
        columns = tuple(
            NO_DAY if x is None else int(x) if np.ndim(x) == 0 else x
            for x in (st, e, r, o, latest, given)
        )
        self.out.add(slot, co.out32, sel, None if n == m else keep, n, columns)

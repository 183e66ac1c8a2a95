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
from ilp.population.batch.cohort import (
    Cohort,
    Pregnancies,
    Segments,
    aranges,
    birth_order,
    take,
)
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
        self.pop = pop
        self.history = history
        self.d = d
        self.h = horizon
        self.region = region
        self.plan = plan
        self.alive = (pop.birth <= d) & (pop.death >= d)
        lo = int(pop.birth.min()) if len(pop) else d
        self.cal = Calendar(lo, d + horizon + plan.span + 400)
        self.pieces: list[list[tuple[Arr, ...]]] = [[] for _ in plan.codes]
        self._records: dict[str, tuple[Arr, Arr] | None] = {}
        self._cohorts: dict[tuple[Any, ...], Cohort | None] = {}
        self._preg: Pregnancies | None = None
        self._thresholds: dict[tuple[int, int], int] = {}
        self.all_alive = bool(self.alive.all())
        self._bases: dict[tuple[Any, ...], tuple[Arr, Arr, Arr, Arr, bool]] = {}
        self._places: dict[str, Arr | None] = {}
        #: The rows in order of birth (None when they already are), and their births.
        self.order: Arr | None = None if pop.birth_sorted else birth_order(pop.birth)
        self.births = pop.birth if self.order is None else pop.birth[self.order]
        self._inverse: Arr | None = None
        self._ordered: dict[str, Arr] = {}
        #: The cohort rows of the entry being evaluated not yet in its age band (or None).
        self.ahead: Arr | None = None
        #: Per region flag, whether each row's area has it (None: one region for everyone).
        self.flag_rows: dict[str, Arr] | None = None
        if by_area is not None:
            flags = sorted({f for r in by_area.values() for f in r.flags})
            index = {a: i for i, a in enumerate(pop.areas)}
            self.flag_rows = {}
            for flag in flags:
                has = np.zeros(len(pop.areas) + 1, dtype=np.bool_)  # the last: no area
                for area, found in by_area.items():
                    if area in index and flag in found.flags:
                        has[index[area]] = True
                self.flag_rows[flag] = has[pop.residence]

    # -- shared facts ------------------------------------------------------------------

    @property
    def preg(self) -> Pregnancies:
        if self._preg is None:
            self._preg = Pregnancies(self.pop, self.d)
        return self._preg

    def all_rows(self) -> tuple[Arr, Arr]:
        """Every row number, as int64 and int32 (read-only, shared between calls)."""
        return aranges(len(self.pop))

    def ordered_rows(self) -> tuple[Arr, Arr]:
        """Every row, in order of birth, as int64 and int32."""
        if self.order is None:
            return self.all_rows()
        if "rows" not in self._ordered:
            self._ordered["rows"] = self.order.astype(np.int32)
        return self.order, self._ordered["rows"]

    def in_birth_order(self, name: str) -> Arr:
        """A person column (or ``alive``) with its rows in order of birth."""
        found = self._ordered.get(name)
        if found is None:
            values = self.alive if name == "alive" else getattr(self.pop, name)
            found = values if self.order is None else values[self.order]
            self._ordered[name] = found
        return found

    @property
    def inverse(self) -> Arr:
        """Each row's place in birth order."""
        if self._inverse is None:
            assert self.order is not None
            self._inverse = np.empty(len(self.order), dtype=np.int32)
            self._inverse[self.order] = self.all_rows()[1]
        return self._inverse

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
            found = co.cache[duration] = self.cal.after(duration, co.b)
        return found

    def limit(self, co: Cohort, limit: Limit, sel: Arr | None = None) -> Arr:
        """The last day within *limit* from each cohort row's birth (``Limit.day``)."""
        out = take(self.after(co, limit.duration), sel)
        return out - 1 if limit.exclusive else out

    def records(self, code: str) -> tuple[Arr, Arr] | None:
        """Persons and days of the records of *code* up to the date (None when none)."""
        if code not in self._records:
            person, day = self.history.of_code(code)
            keep = day <= self.d
            if not keep.all():
                person, day = person[keep], day[keep]
            if len(day) and int(day.min()) < self.cal.lo:
                # only a History built without its population can hold such a record
                msg = f"history: a record of {code} is dated before every birth"
                raise PopulationError(msg, field="rec_day", value=int(day.min()))
            self._records[code] = (person, day) if len(person) else None
        return self._records[code]

    def record_places(self, code: str) -> Arr | None:
        """The places in birth order of the persons of the records of *code* (unsorted)."""
        if code not in self._places:
            found = self.records(code)
            self._places[code] = None if found is None else self.inverse[found[0]]
        return self._places[code]

    def segments(self, co: Cohort, code: str) -> Segments | None:
        """For each cohort row, where its records of *code* start and how many there are."""
        if code in co.segments:
            return co.segments[code]
        seg = None
        found = self.records(code)
        if found is not None:
            person, day = found
            lo, hi = co.lo, co.hi
            if self.order is None:  # persons are places: the records are sorted by them
                i, j = np.searchsorted(person, [lo, hi])
                loc, day = person[i:j] - lo, day[i:j]
            else:
                places = self.record_places(code)
                assert places is not None
                inside = np.flatnonzero((places >= lo) & (places < hi))
                loc, day = places[inside] - lo, day[inside]
            if len(loc) and not co.contiguous:
                local = co.cache.get("local")
                if local is None:
                    local = np.full(hi - lo, -1, dtype=np.int32)
                    local[co.pos - lo] = np.arange(len(co), dtype=np.int32)
                    co.cache["local"] = local
                loc = local[loc]
                keep = loc >= 0
                if not keep.all():
                    loc, day = loc[keep], day[keep]
            if len(loc):
                seg = Segments(loc, day, len(co))
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
                person = np.concatenate([p for p, _ in found])
                day = np.concatenate([d for _, d in found])
                order = np.lexsort((day, person))
                self._records[key] = (person[order], day[order])
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

    def first_in(
        self, co: Cohort, code: str, lo: Arr | int, hi: Arr | int, sel: Arr | None = None
    ) -> Arr:
        """Each row's first record of *code* from *lo* to *hi* (inclusive), or NO_DAY."""
        m = len(co) if sel is None else len(sel)
        out = np.full(m, NO_DAY, dtype=np.int32)
        found = self.first_from(co, code, lo, sel)
        if found is None:
            return out
        pos, end, seg = found
        ok = np.flatnonzero(pos < end)
        got = seg.day[pos[ok]]
        inside = got <= (hi if np.ndim(hi) == 0 else hi[ok])  # type: ignore[index]
        out[ok[inside]] = got[inside]
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
        if not len(keep):
            return None
        return Cohort(
            co.rows[keep],
            co.rows32[keep],
            co.b[keep],
            co.pos[keep],
            contiguous=False,
            ordered=co.ordered,
        )

    def _union(self, parts: list[Cohort | None]) -> Cohort | None:
        """The rows of any of *parts*, in birth order."""
        found = [co for co in parts if co is not None]
        if len(found) <= 1:
            return found[0] if found else None
        places = np.unique(np.concatenate([co.pos for co in found]))
        rows = places if self.order is None else self.order[places]
        return Cohort(
            rows, rows.astype(np.int32), self.births[places], places, contiguous=False, ordered=True
        )

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
        by_age = self.cohort_of(attrs.evolve(el, grades=frozenset()))
        keep = None if by_age is None else np.flatnonzero(self.pop.school_grade[by_age.rows] == 0)
        if by_age is not None and keep is not None and not len(keep):
            by_age = None
        elif by_age is not None and keep is not None and len(keep) < len(by_age):
            by_age = Cohort(
                by_age.rows[keep],
                by_age.rows32[keep],
                by_age.b[keep],
                by_age.pos[keep],
                contiguous=False,
                ordered=by_age.ordered,
            )
        sex = None if el.sex is None else SEX_CODES[el.sex]
        bits = sum(1 << CONDITIONS.index(c) for c in el.conditions)
        places, rows, _, births, _ = self._base(sex, bits, el.sexually_active)
        ok = np.isin(self.grade_now(rows), sorted(el.grades))
        if el.born_from is not None:
            ok &= births >= el.born_from.toordinal()
        if el.born_before is not None:
            ok &= births < el.born_before.toordinal()
        if el.stages:
            ok &= self._in_stages(el.stages, rows, births)
        idx = np.flatnonzero(ok)
        by_grade = None
        if len(idx):
            by_grade = Cohort(
                rows[idx],
                rows[idx].astype(np.int32),
                births[idx],
                places[idx],
                contiguous=False,
                ordered=True,
            )
        return self._union([by_age, by_grade])

    def _base(self, sex: int | None, bits: int, active: bool) -> tuple[Arr, Arr, Arr, Arr, bool]:
        """The living rows passing the filters that do not depend on age, in birth order.

        Returns their places in birth order, rows (int64 and int32), births, and
        whether they are every row.
        """
        key = (sex, bits, active)
        found = self._bases.get(key)
        if found is None:
            column = self.in_birth_order
            mask = None if self.all_alive else column("alive")
            if sex is not None:
                ok = column("sex") == sex
                mask = ok if mask is None else mask & ok
            if bits:
                ok = (column("conditions") & bits) != 0
                mask = ok if mask is None else mask & ok
            if active:
                ok = column("sexually_active") != 0
                mask = ok if mask is None else mask & ok
            places, _ = self.all_rows()
            if mask is None:
                rows, rows32 = self.ordered_rows()
                found = (places, rows, rows32, self.births, True)
            else:
                pos = np.flatnonzero(mask)
                rows = pos if self.order is None else self.order[pos]
                found = (pos, rows, rows.astype(np.int32), self.births[pos], False)
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

    def _make_cohort(self, key: tuple[Any, ...]) -> Cohort | None:
        lo_b, hi_b, sex, bits, active, stages = key
        pop = self.pop
        if stages and stages <= PREGNANCY_STAGES:
            rows = np.unique(np.concatenate([self.preg.rows[stage] for stage in stages]))
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
            pos = rows if self.order is None else self.inverse[rows]
            return Cohort(
                rows,
                rows.astype(np.int32),
                b[ok],
                pos,
                contiguous=False,
                ordered=self.order is None,
            )
        places, base, base32, births, whole = self._base(sex, bits, active)
        ranges = [(lo_b, hi_b)]
        pregnant = stages & PREGNANCY_STAGES if stages else frozenset()
        if stages and not pregnant:
            ranges = self._birth_ranges(stages, lo_b, hi_b)
        # in birth order, each range of births is a slice
        bounds = np.searchsorted(births, [x for a, b in ranges for x in (a, b + 1)])
        parts = [(int(i), int(j)) for i, j in zip(bounds[::2], bounds[1::2], strict=True) if i < j]
        if not parts:
            return None
        if len(parts) == 1:
            i, j = parts[0]
            co = Cohort(
                base[i:j], base32[i:j], births[i:j], places[i:j], contiguous=whole, ordered=True
            )
        else:
            co = Cohort(
                *(
                    np.concatenate([x[i:j] for i, j in parts])
                    for x in (base, base32, births, places)
                ),
                contiguous=False,
                ordered=True,
            )
        if pregnant:
            idx = np.flatnonzero(self._in_stages(stages, co.rows, co.b))
            if not len(idx):
                return None
            co = Cohort(
                co.rows[idx], co.rows32[idx], co.b[idx], co.pos[idx], contiguous=False, ordered=True
            )
        return co

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
        grade = self.grade_now(co.rows)
        by_grade = np.flatnonzero(grade)
        if not len(by_grade):
            return start, end
        assert end is not None  # the loader requires an age band with grades
        g = grade[by_grade]
        year = school_year_of(self.d)
        july = {
            y: _dt.date(y, SCHOOL_YEAR_MONTH, 1).toordinal() for y in range(year - 13, year + 14)
        }
        first = np.array([july[year - (x - min(el.grades))] for x in g.tolist()], dtype=np.int64)
        last = np.array([july[year + (max(el.grades) - x) + 1] - 1 for x in g.tolist()])
        start, end = start.astype(np.int64), end.astype(np.int64)
        start[by_grade] = first
        end[by_grade] = last
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
        """Add the items of cohort rows *sel* (None: all) to *slot*, those *keep* says."""
        rows = co.rows32 if sel is None else co.rows32[sel]
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
        same = r is e  # most rules recommend the earliest day: compress it once
        columns: list[Arr | int | None] = [st, e, None if same else r, o, latest, given]
        if keep is not None and not keep.all():
            idx = np.flatnonzero(keep)
            if not len(idx):
                return
            rows = rows[idx]
            columns = [x if x is None or isinstance(x, int) else x[idx] for x in columns]
        if same:
            columns[2] = columns[1]
        n = len(rows)
        if not n:
            return
        none = np.broadcast_to(np.int32(NO_DAY), (n,))
        dates = [
            none if x is None else np.broadcast_to(np.asarray(x, dtype=np.int32), (n,))
            for x in columns[1:]
        ]
        status = np.broadcast_to(np.asarray(columns[0], dtype=np.int8), (n,))
        self.pieces[slot].append((rows, status, *dates))

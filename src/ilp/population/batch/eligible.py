"""The rows each eligibility admits on the date: ``eligible`` of the per-person engine.

:class:`Eligible` makes one :class:`~ilp.population.batch.cohort.Cohort` per
distinct eligibility of a ``due_batch`` call, as birth-day bounds from
:func:`ilp.lifecycle.semantics.birth_range` over a *base* (the living rows
passing the filters that do not depend on age), with recorded school
grades, region flags, life stages and pregnancies. What does not depend on
the date is kept with the population between calls (:class:`_Kept`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from typing import Any, Final

import attrs
import numpy as np

from ilp.lifecycle import Eligibility, LifeStage, Region
from ilp.lifecycle.semantics import (
    PREGNANCY_STAGES,
    age_stage_births,
    birth_range,
    school_year_of,
)
from ilp.population._calendar import NO_DAY, Arr
from ilp.population.batch.cohort import Cohort, Columns, Pregnancies, aranges, distinct
from ilp.population.columns import CONDITIONS, SEX_CODES, Population

__all__ = ["Base", "Eligible"]

#: The rows of a base: as int64 and int32 (ascending), their births, whether every row.
Base = tuple[Arr, Arr, Arr, bool]


class _Kept:
    """What ``due_batch`` keeps with a population between calls (it is immutable).

    The last birth and the first death say whether everyone is alive on a
    date without a pass over the columns. When everyone is, the rows that
    pass a base's filters (sex, conditions, sexual activity) do not depend on
    the date: each base is kept, about 16 bytes per row it holds (for the
    national catalogue about 25 bytes per person, against some 700 for a
    call), and saves a pass over every person, the ``flatnonzero`` of a mask
    in no order and two gathers per call (about 11 ms per call at 1 M).
    """

    __slots__ = ("bases", "first_death", "last_birth")

    def __init__(self, pop: Population, cols: Columns) -> None:
        n = len(pop)
        self.last_birth = int(cols.birth[-1]) if n else 0
        self.first_death = int(pop.death.min()) if n else NO_DAY
        self.bases: dict[tuple[Any, ...], Base] = {}


_LOCK: Final = threading.Lock()
_KEPT: Final[weakref.WeakKeyDictionary[Population, _Kept]] = weakref.WeakKeyDictionary()


def _kept(pop: Population, cols: Columns) -> _Kept:
    """The facts kept with *pop* (made on the first call on it, dropped with it)."""
    with _LOCK:
        found = _KEPT.get(pop)
    if found is None:
        found = _Kept(pop, cols)
        with _LOCK:
            found = _KEPT.setdefault(pop, found)
    return found


class Eligible:
    """The rows each eligibility admits on the date *d* (horizon *horizon*), shared by key."""

    def __init__(
        self,
        pop: Population,
        cols: Columns,
        *,
        d: int,
        horizon: int,
        region: Region,
        by_area: Mapping[str, Region] | None,
    ) -> None:
        #: The population's columns, rows in order of birth (so each age band is a slice).
        self.pop = cols
        self.d = d
        self.h = horizon
        self.region = region
        kept = _kept(pop, cols)
        self.all_alive = kept.last_birth <= d <= kept.first_death
        #: Whether each row is alive on the date (None: everyone is).
        self.alive: Arr | None = None
        if not self.all_alive:
            self.alive = cols.pick((pop.birth <= d) & (pop.death >= d))
        self._cohorts: dict[tuple[Any, ...], Cohort | None] = {}
        self._preg: Pregnancies | None = None
        # the bases are kept with the population when they do not depend on the date
        self._bases: dict[tuple[Any, ...], Base] = kept.bases if self.all_alive else {}
        #: Per region flag, whether each row's area has it (None: one region for everyone).
        self.flag_rows = None if by_area is None else _flag_rows(cols, by_area)

    @property
    def preg(self) -> Pregnancies:
        """The pregnancy facts of everyone on the date (made when first asked for)."""
        if self._preg is None:
            self._preg = Pregnancies(self.pop, self.d)
        return self._preg

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
        # only rows with a recorded grade can be admitted by it
        rows, out32, births, _ = self._base(sex, bits, el.sexually_active, graded=True)
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

    def _base(self, sex: int | None, bits: int, active: bool, *, graded: bool = False) -> Base:
        """The living rows passing the filters that do not depend on age.

        Returns their rows (int64 and int32, ascending), births, and whether
        they are every row; with *graded*, only those with a recorded school
        grade. They are read-only: when everyone is alive they are kept with
        the population for later calls (``_Kept``).
        """
        key = (sex, bits, active, graded)
        found = self._bases.get(key)
        if found is None:
            pop = self.pop
            if graded:
                rows, out32, births, whole = self._base(sex, bits, active)
                idx = np.flatnonzero(pop.school_grade if whole else pop.school_grade[rows])
                found = (rows[idx], out32[idx], births[idx], False)
            else:
                mask = self._mask(sex, bits, active)
                if mask is None:
                    found = (aranges(len(pop))[0], pop.out32, pop.birth, True)
                else:
                    rows = np.flatnonzero(mask)
                    found = (rows, pop.out32[rows], pop.birth[rows], False)
            if not found[3]:  # the whole base is the columns' own arrays
                for x in found[:3]:
                    x.setflags(write=False)
            # calls on other threads may share the dict: the first one found is kept
            found = self._bases.setdefault(key, found)
        return found

    def _mask(self, sex: int | None, bits: int, active: bool) -> Arr | None:
        """Whether each row is alive and passes the filters (None: every row does)."""
        pop = self.pop
        mask = self.alive
        if sex is not None:
            ok = pop.sex == sex
            mask = ok if mask is None else mask & ok
        if bits:
            ok = (pop.conditions & bits) != 0
            mask = ok if mask is None else mask & ok
        if active:
            ok = pop.sexually_active != 0
            mask = ok if mask is None else mask & ok
        return mask

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
        ok = (b >= lo_b) & (b <= hi_b)
        if self.alive is not None:
            ok &= self.alive[rows]
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


def _flag_rows(cols: Columns, by_area: Mapping[str, Region]) -> dict[str, Arr]:
    """Per region flag of *by_area*, whether each row's own area has it."""
    flags = sorted({f for r in by_area.values() for f in r.flags})
    index = {a: i for i, a in enumerate(cols.areas)}
    found = {}
    for flag in flags:
        has = np.zeros(len(cols.areas) + 1, dtype=np.bool_)  # the last: no area
        for area, region in by_area.items():
            if area in index and flag in region.flags:
                has[index[area]] = True
        found[flag] = has[cols.residence]
    return found

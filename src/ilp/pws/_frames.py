"""Indicators over columns: one frame of target-group units per indicator, no loop over persons.

A frame holds, for every member of an indicator's target group in a
calendar year, its residence (an index into ``Population.areas``) and the
month values the indicator needs: the month it joins the year's sasaran and
the month it is served to standard (accumulating kinds), or which months it
was in the group and served (monthly kinds). Grouping by area and month is
then a few ``bincount`` calls (:mod:`ilp.pws._evaluate`).

Months are indices 0–11 of the year; 12 means "not in this year".
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from ilp.people import Condition
from ilp.population import CONDITIONS, NO_DAY, History, Population
from ilp.population._calendar import add_months
from ilp.pws._model import GroupKind, Indicator, IndicatorKind, Requirement, TargetGroup

__all__ = [
    "AccFrame",
    "DropFrame",
    "MonthFrame",
    "accumulating",
    "dropout",
    "month_starts",
    "monthly",
]

Arr = npt.NDArray[Any]
I64 = npt.NDArray[np.int64]

#: Trimester limits in days of gestation (decisions.md: T1 to 12w6d, T2 to 24w6d).
T1_LAST: Final = 12 * 7 + 6
T2_LAST: Final = 24 * 7 + 6
#: Last day of pregnancy care when no delivery is recorded (44w6d after the HPHT).
PREGNANCY_LAST: Final = 44 * 7 + 6
NONE: Final = 12


def month_starts(year: int) -> I64:
    """Day numbers of 1 January … 1 December of *year* and 1 January of the next."""
    days = [_dt.date(year, m, 1).toordinal() for m in range(1, 13)]
    return np.array([*days, _dt.date(year + 1, 1, 1).toordinal()], dtype=np.int64)


def month_index(days: Arr, starts: I64) -> I64:
    """Month index of each day in the year of *starts*: -1 before it, 12 after."""
    out: I64 = np.searchsorted(starts, np.asarray(days, dtype=np.int64), side="right") - 1
    return out


@attrs.frozen
class AccFrame:
    """Members of an accumulating indicator's sasaran: area, month joined, month served."""

    person: I64
    area: I64
    enter: I64
    done: I64
    #: Pregnancy row of each unit (pregnancy groups), else -1.
    pregnancy: I64


@attrs.frozen
class MonthFrame:
    """Members of a monthly indicator's group: in the group and served, per month (units × 12)."""

    person: I64
    area: I64
    inside: npt.NDArray[np.bool_]
    served: npt.NDArray[np.bool_]
    #: Weighed in the month before (units × 12), for SKDN.
    before: npt.NDArray[np.bool_] | None = None
    #: Gained weight on the month before (units × 12), for SKDN N; None without weights.
    gained: npt.NDArray[np.bool_] | None = None


@attrs.frozen
class DropFrame:
    """First doses of the two services of a drop-out: area and month of each."""

    first_person: I64
    first_area: I64
    first_month: I64
    second_person: I64
    second_area: I64
    second_month: I64


@attrs.frozen
class _Group:
    """Candidate members: unit rows, persons, anchor day, span, the month they join."""

    person: I64
    anchor: I64
    lo: I64
    hi: I64
    enter: I64
    pregnancy: I64
    #: For pregnancy units: HPHT (trimesters) and the last day of care.
    lmp: I64 | None = None


def _alive_bound(population: Population, rows: I64) -> I64:
    death = population.death[rows].astype(np.int64)
    return np.where(death == NO_DAY, np.iinfo(np.int64).max // 4, death)


def _has(population: Population, condition: Condition | None) -> npt.NDArray[np.bool_]:
    if condition is None:
        return np.ones(len(population), dtype=bool)
    bit = 1 << CONDITIONS.index(condition)
    out: npt.NDArray[np.bool_] = (population.conditions & bit) != 0
    return out


def _age_span(population: Population, group: TargetGroup, starts: I64) -> tuple[I64, I64, I64]:
    """Rows alive and in the age range at some time in the year, with the span."""
    jan1, end = int(starts[0]), int(starts[12]) - 1
    birth = population.birth.astype(np.int64)
    slack = 32
    cand = birth <= end - group.from_months * 28 + slack
    if group.to_months is not None:
        cand &= birth >= jan1 - group.to_months * 31 - slack
    cand &= _has(population, group.condition)
    rows = np.flatnonzero(cand).astype(np.int64)
    b = birth[rows]
    lo = add_months(b, group.from_months) if group.from_months else b
    hi = (
        add_months(b, group.to_months) - 1
        if group.to_months is not None
        else np.full(len(rows), np.iinfo(np.int64).max // 4)
    )
    hi = np.minimum(hi, _alive_bound(population, rows))
    lo = np.maximum(lo, jan1)
    hi = np.minimum(hi, end)
    keep = lo <= hi
    return rows[keep], lo[keep], hi[keep]


def _group(population: Population, group: TargetGroup, starts: I64) -> _Group:
    jan1, nxt = int(starts[0]), int(starts[12])
    kind = group.kind
    if kind in (GroupKind.PREGNANCIES, GroupKind.DELIVERIES):
        dl = population.preg_delivery.astype(np.int64)
        lmp = population.preg_lmp.astype(np.int64)
        if kind is GroupKind.PREGNANCIES:
            end = np.where(dl == NO_DAY, population.preg_edd.astype(np.int64), dl)
            rows = np.flatnonzero((end >= jan1) & (end < nxt)).astype(np.int64)
            anchor = lmp[rows]
            last = np.where(dl[rows] == NO_DAY, anchor + PREGNANCY_LAST, dl[rows])
            enter = np.maximum(month_index(anchor, starts), 0)
            person = population.preg_person[rows].astype(np.int64)
            return _Group(person, anchor, anchor, last, enter, rows, lmp=anchor)
        rows = np.flatnonzero((dl != NO_DAY) & (dl >= jan1) & (dl < nxt)).astype(np.int64)
        anchor = dl[rows]
        far = np.full(len(rows), np.iinfo(np.int64).max // 4)
        enter = month_index(anchor, starts)
        person = population.preg_person[rows].astype(np.int64)
        return _Group(person, anchor, anchor, far, enter, rows, lmp=lmp[rows])
    none = np.zeros(0, dtype=np.int64)
    if kind is GroupKind.LIVE_BIRTHS:
        birth = population.birth.astype(np.int64)
        rows = np.flatnonzero((birth >= jan1) & (birth < nxt)).astype(np.int64)
        b = birth[rows]
        far = np.full(len(rows), np.iinfo(np.int64).max // 4)
        return _Group(rows, b, b, far, month_index(b, starts), np.full(len(rows), -1), None)
    if kind is GroupKind.FIRST_BIRTHDAYS:
        birth = population.birth.astype(np.int64)
        cand = np.flatnonzero((birth >= jan1 - 400) & (birth < nxt - 360)).astype(np.int64)
        fb = add_months(birth[cand], 12)
        alive = _alive_bound(population, cand) >= fb
        keep = (fb >= jan1) & (fb < nxt) & alive
        rows = cand[keep]
        b = birth[rows]
        hi = fb[keep] - 1
        return _Group(rows, b, b, hi, np.zeros(len(rows), dtype=np.int64), np.full(len(rows), -1))
    rows, lo, hi = _age_span(population, group, starts)
    birth = population.birth[rows].astype(np.int64)
    pregnancy = np.full(len(rows), -1, dtype=np.int64)
    del none
    return _Group(rows, birth, lo, hi, month_index(lo, starts), pregnancy)


def _positions(history: History, codes: tuple[str, ...]) -> I64:
    """Positions in the history of the records of *codes*."""
    parts = []
    for code in codes:
        if code in history.codes:
            k = history.codes.index(code)
            parts.append(np.arange(history.offsets[k], history.offsets[k + 1], dtype=np.int64))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _records(history: History, codes: tuple[str, ...]) -> tuple[I64, I64]:
    pos = _positions(history, codes)
    return history.rec_person[pos].astype(np.int64), history.rec_day[pos].astype(np.int64)


def _unit_of(population: Population, g: _Group, person: I64, day: I64) -> I64:
    """The unit (index into the group) each record belongs to, -1 for none."""
    n = len(population)
    if g.lmp is None:  # person units
        where = np.full(n, -1, dtype=np.int64)
        where[g.person] = np.arange(len(g.person))
        return where[person]
    # pregnancy units: the woman's pregnancy with the latest HPHT on or before the day
    if not len(g.pregnancy):
        return np.full(len(person), -1, dtype=np.int64)
    unit_of_preg = np.full(len(population.preg_person), -1, dtype=np.int64)
    unit_of_preg[g.pregnancy] = np.arange(len(g.pregnancy))
    big = np.int64(1) << 32
    keys = population.preg_person.astype(np.int64) * big + population.preg_lmp
    found = np.searchsorted(keys, person * big + day, side="right") - 1
    ok = found >= 0
    found = np.where(ok, found, 0)
    ok &= population.preg_person[found] == person
    out: I64 = np.where(ok, unit_of_preg[found], -1)
    return out


def _kth_day(unit: I64, day: I64, units: int, k: int) -> I64:
    """Per unit, the day of its k-th record (NO_DAY when it has fewer)."""
    out = np.full(units, NO_DAY, dtype=np.int64)
    if not len(unit):
        return out
    order = np.lexsort((day, unit))
    u, d = unit[order], day[order]
    first = np.searchsorted(u, np.arange(units), side="left")
    count = np.bincount(u, minlength=units)
    has = count >= k
    out[has] = d[first[has] + k - 1]
    return out


def _requirement_day(
    population: Population,
    history: History,
    g: _Group,
    q: Requirement,
    *,
    lo: I64,
    hi: I64,
) -> I64:
    person, day = _records(history, q.codes)
    unit = _unit_of(population, g, person, day)
    keep = unit >= 0
    unit, day = unit[keep], day[keep]
    ok = (day >= lo[unit]) & (day <= hi[unit])
    if q.trimester is not None and g.lmp is not None:
        gest = day - g.lmp[unit]
        ok &= {1: gest <= T1_LAST, 2: (gest > T1_LAST) & (gest <= T2_LAST), 3: gest > T2_LAST}[
            q.trimester
        ]
    if q.from_day is not None and q.to_day is not None:
        after = day - g.anchor[unit]
        ok &= (after >= q.from_day) & (after <= q.to_day)
    return _kth_day(unit[ok], day[ok], len(g.person), q.min)


def accumulating(
    indicator: Indicator, population: Population, history: History, starts: I64
) -> AccFrame:
    """The frame of a ``coverage`` or ``counts`` indicator for the year of *starts*."""
    assert indicator.group is not None
    g = _group(population, indicator.group, starts)
    n = len(g.person)
    if indicator.kind is IndicatorKind.COUNTS:
        lo, hi = g.lo, g.hi  # records in the year while in the group
    else:
        lo, hi = g.anchor, g.hi  # records from the anchor to the end of the window
        if indicator.before_months is not None:
            birth = population.birth[g.person].astype(np.int64)
            hi = np.minimum(hi, add_months(birth, indicator.before_months) - 1)
    done = np.full(n, -(2**40), dtype=np.int64)
    for q in indicator.requires:
        done = np.maximum(done, _requirement_day(population, history, g, q, lo=lo, hi=hi))
    if indicator.in_facility:
        facility = population.preg_in_facility[g.pregnancy] == 1
        day = np.where(facility, g.anchor, NO_DAY)
        done = np.maximum(done, day)
    done_month = np.where(done >= NO_DAY, NONE, np.clip(month_index(done, starts), 0, NONE))
    enter = np.clip(g.enter, 0, NONE)
    area = population.residence[g.person].astype(np.int64)
    return AccFrame(g.person, area, enter, np.maximum(done_month, enter), g.pregnancy)


def _month_matrix(unit: I64, month: I64, units: int) -> npt.NDArray[np.bool_]:
    flat = np.zeros(units * 12, dtype=bool)
    ok = (month >= 0) & (month < 12)
    flat[unit[ok] * 12 + month[ok]] = True
    return flat.reshape(units, 12)


def monthly(
    indicator: Indicator,
    population: Population,
    history: History,
    starts: I64,
    values: npt.NDArray[np.float64] | None = None,
) -> MonthFrame:
    """The frame of a ``monthly`` or ``skdn`` indicator for the year of *starts*."""
    assert indicator.group is not None
    g = _group(population, indicator.group, starts)
    n = len(g.person)
    first = np.clip(month_index(g.lo, starts), 0, 11)
    last = np.clip(month_index(g.hi, starts), 0, 11)
    months = np.arange(12)
    inside = (months >= first[:, None]) & (months <= last[:, None])
    pos = _positions(history, indicator.codes)
    person = history.rec_person[pos].astype(np.int64)
    day = history.rec_day[pos].astype(np.int64)
    unit = _unit_of(population, g, person, day)
    keep = unit >= 0
    unit, day = unit[keep], day[keep]
    inside_span = (day >= g.lo[unit]) & (day <= g.hi[unit])
    month = month_index(day, starts)
    served = _month_matrix(unit[inside_span], month[inside_span], n) & inside
    area = population.residence[g.person].astype(np.int64)
    if indicator.kind is not IndicatorKind.SKDN:
        return MonthFrame(g.person, area, inside, served)
    # weighed in the month before (December of last year for January), any record
    prev_start = _dt.date.fromordinal(int(starts[0]) - 1).replace(day=1).toordinal()
    shifted = np.concatenate([[prev_start], starts[:12]])
    m_prev = month_index(day, shifted)  # index 0 = previous December
    weighed13 = _month_matrix(unit, np.where(m_prev <= 11, m_prev, -1), n)
    before = weighed13[:, :12] & inside  # the month before, for months 0..11
    gained = None
    if values is not None:
        w = values[pos[keep]]
        # last weight of each unit and month (records are sorted by day within a person)
        order = np.lexsort((day, m_prev, unit))
        u, mm, ww = unit[order], m_prev[order], w[order]
        ok = (mm >= 0) & (mm <= 12) & ~np.isnan(ww)
        u, mm, ww = u[ok], mm[ok], ww[ok]
        weight = np.full((n, 14), np.nan)
        weight[u, mm] = ww  # later records overwrite earlier: the month's last weight
        gained = (weight[:, 1:13] > weight[:, 0:12]) & served
    return MonthFrame(g.person, area, inside, served, before, gained)


def dropout(
    indicator: Indicator, population: Population, history: History, starts: I64
) -> DropFrame:
    """The first doses of the two services given in the year of *starts*."""

    def firsts(code: str | None) -> tuple[I64, I64, I64]:
        person, day = history.of_code(code or "")
        person, day = person.astype(np.int64), day.astype(np.int64)
        month = month_index(day, starts)
        keep = (month >= 0) & (month < 12)
        person, month = person[keep], month[keep]
        # records are sorted by person then day: keep each person's first in the year
        uniq = np.ones(len(person), dtype=bool)
        uniq[1:] = person[1:] != person[:-1]
        person, month = person[uniq], month[uniq]
        return person.astype(np.int64), population.residence[person].astype(np.int64), month

    a = firsts(indicator.from_code)
    b = firsts(indicator.to_code)
    return DropFrame(*a, *b)

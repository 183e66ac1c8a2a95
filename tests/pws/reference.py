"""A slow, obvious per-person reference for the columnar indicators (tests only).

It walks every person, pregnancy and record in Python with pendulum dates,
following the conventions written in docs/monitoring.md, and returns the
same four (areas × 12) tables as :class:`ilp.pws.Values`.
"""

from __future__ import annotations

import datetime as dt

import pendulum

from ilp.network import Network
from ilp.people import Person, ServiceRecord
from ilp.pws import GroupKind, Indicator, IndicatorKind, TargetGroup

Table = list[list[int]]
FAR = dt.date.max


def _month(day: dt.date, year: int) -> int:
    """0–11 in *year*; -1 before it, 12 after."""
    if day.year < year:
        return -1
    if day.year > year:
        return 12
    return day.month - 1


def _plus_months(day: dt.date, months: int) -> dt.date:
    return pendulum.Date(day.year, day.month, day.day).add(months=months)


def _desa(network: Network, area: str | None) -> str | None:
    if area is None:
        return None
    for a in network.ancestors(area):
        if a.level.name == "DESA":
            return a.id
    return None


def _zeros(n: int) -> Table:
    return [[0] * 12 for _ in range(n)]


def _span(p: Person, group: TargetGroup, year: int) -> tuple[dt.date, dt.date] | None:
    """The days of *year* *p* spends in an age or condition group."""
    if group.condition is not None and group.condition not in p.conditions:
        return None
    lo = _plus_months(p.birth_date, group.from_months)
    hi = FAR if group.to_months is None else _plus_months(p.birth_date, group.to_months)
    if hi != FAR:
        hi = hi - dt.timedelta(days=1)
    if p.death_date is not None:
        hi = min(hi, p.death_date)
    lo = max(lo, dt.date(year, 1, 1))
    hi = min(hi, dt.date(year, 12, 31))
    return (lo, hi) if lo <= hi else None


def _pregnancy_of(p: Person, day: dt.date) -> int | None:
    found = None
    for k, q in enumerate(p.pregnancies):
        if q.lmp <= day:
            found = k
    return found


def reference(
    ind: Indicator,
    people: list[Person],
    histories: dict[str, tuple[ServiceRecord, ...]],
    network: Network,
    year: int,
) -> tuple[list[str], Table, Table, Table, Table]:
    """(desa ids, numerator, denominator, cumulative numerator, cumulative denominator)."""
    desas = [a.id for a in network.areas if a.level.name == "DESA"]
    row = {d: i for i, d in enumerate(desas)}
    num, den, cnum, cden = (_zeros(len(desas)) for _ in range(4))
    kind = ind.kind
    for p in people:
        d = _desa(network, p.residence)
        if d is None:
            continue
        r = row[d]
        records = sorted(histories.get(p.id, ()), key=lambda x: x.date)
        if kind in (IndicatorKind.COVERAGE, IndicatorKind.COUNTS):
            for enter, served in _units(ind, p, records, year):
                for m in range(enter, 12):
                    den[r][m] += 1
                    cden[r][m] += 1
                done = max(served, enter)
                if done < 12:
                    num[r][done] += 1
                    for m in range(done, 12):
                        cnum[r][m] += 1
        elif kind in (IndicatorKind.MONTHLY, IndicatorKind.SKDN):
            assert ind.group is not None
            span = _span(p, ind.group, year)
            if span is None:
                continue
            inside = [
                span[0] <= dt.date(year, m + 1, 1) + _month_len(year, m)
                and span[1] >= dt.date(year, m + 1, 1)
                for m in range(12)
            ]
            served = [False] * 12
            for rec in records:
                if rec.code in ind.codes and span[0] <= rec.date <= span[1]:
                    served[rec.date.month - 1] = True
            for m in range(12):
                if inside[m]:
                    den[r][m] += 1
                    num[r][m] += served[m]
            if kind is IndicatorKind.MONTHLY:
                for m in range(12):
                    seen = any(inside[: m + 1])
                    ok = all(served[k] for k in range(m + 1) if inside[k])
                    cden[r][m] += seen
                    cnum[r][m] += seen and ok
            else:
                for m in range(12):
                    cden[r][m] = sum(den[r][: m + 1])
                    cnum[r][m] = sum(num[r][: m + 1])
        elif kind is IndicatorKind.DROPOUT:
            for code, sign in ((ind.from_code, 1), (ind.to_code, -1)):
                first = next((x for x in records if x.code == code and x.date.year == year), None)
                if first is None:
                    continue
                m = first.date.month - 1
                num[r][m] += sign
                if sign == 1:
                    den[r][m] += 1
                for k in range(m, 12):
                    cnum[r][k] += sign
                    if sign == 1:
                        cden[r][k] += 1
    return desas, num, den, cnum, cden


def _month_len(year: int, m: int) -> dt.timedelta:
    nxt = dt.date(year + (m == 11), (m + 1) % 12 + 1, 1)
    return nxt - dt.date(year, m + 1, 1) - dt.timedelta(days=1)


def _units(
    ind: Indicator, p: Person, records: list[ServiceRecord], year: int
) -> list[tuple[int, int]]:
    """(month joined, month served to standard or 12) of each of *p*'s units in the group."""
    assert ind.group is not None
    g = ind.group
    out = []
    if g.kind in (GroupKind.PREGNANCIES, GroupKind.DELIVERIES):
        for k, q in enumerate(p.pregnancies):
            if g.kind is GroupKind.PREGNANCIES:
                end = q.delivery_date or q.edd
                if end.year != year:
                    continue
                anchor, lo = q.lmp, q.lmp
                hi = q.delivery_date or q.lmp + dt.timedelta(days=44 * 7 + 6)
                enter = max(_month(q.lmp, year), 0)
            else:
                if q.delivery_date is None or q.delivery_date.year != year:
                    continue
                anchor = lo = q.delivery_date
                hi = FAR
                enter = _month(q.delivery_date, year)
            mine = [x for x in records if _pregnancy_of(p, x.date) == k]
            done = _done(ind, mine, anchor, lo, hi, q.lmp)
            if ind.in_facility:
                facility = q.delivery_date if q.in_facility else None
                done = (
                    None
                    if facility is None or (done is None and ind.requires)
                    else max(done or facility, facility)
                )
            out.append((enter, _done_month(done, year)))
        return out
    if g.kind is GroupKind.LIVE_BIRTHS:
        if p.birth_date.year != year:
            return []
        done = _done(ind, records, p.birth_date, p.birth_date, FAR, None)
        return [(_month(p.birth_date, year), _done_month(done, year))]
    if g.kind is GroupKind.FIRST_BIRTHDAYS:
        fb = _plus_months(p.birth_date, 12)
        if fb.year != year or (p.death_date is not None and p.death_date < fb):
            return []
        hi = fb - dt.timedelta(days=1)
        done = _done(ind, records, p.birth_date, p.birth_date, hi, None)
        return [(0, _done_month(done, year))]
    span = _span(p, g, year)
    if span is None:
        return []
    if ind.kind is IndicatorKind.COUNTS:
        lo, hi = span
    else:
        lo, hi = p.birth_date, span[1]
    if ind.before_months is not None:
        hi = min(hi, _plus_months(p.birth_date, ind.before_months) - dt.timedelta(days=1))
    done = _done(ind, records, p.birth_date, lo, hi, None)
    return [(max(_month(span[0], year), 0), _done_month(done, year))]


def _done(  # noqa: PLR0917 - a private helper of the reference
    ind: Indicator,
    records: list[ServiceRecord],
    anchor: dt.date,
    lo: dt.date,
    hi: dt.date,
    lmp: dt.date | None,
) -> dt.date | None:
    last = None
    for q in ind.requires:
        days = []
        for x in records:
            if x.code not in q.codes or not lo <= x.date <= hi:
                continue
            if q.trimester is not None and lmp is not None:
                gest = (x.date - lmp).days
                tri = 1 if gest <= 90 else 2 if gest <= 174 else 3
                if tri != q.trimester:
                    continue
            if q.from_day is not None and q.to_day is not None:
                after = (x.date - anchor).days
                if not q.from_day <= after <= q.to_day:
                    continue
            days.append(x.date)
        if len(days) < q.min:
            return None
        kth = sorted(days)[q.min - 1]
        last = kth if last is None else max(last, kth)
    if not ind.requires and not ind.in_facility:
        return None
    return last if ind.requires else anchor


def _done_month(done: dt.date | None, year: int) -> int:
    if done is None:
        return 12
    return min(max(_month(done, year), 0), 12)

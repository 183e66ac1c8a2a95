"""Attendance in a simulation task: who is due each month (``due_batch``), who comes, where."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Final

import numpy as np

from ilp.dates import from_day
from ilp.lifecycle import Catalogue, Entry, Status, national
from ilp.network import Opening, OpeningKind
from ilp.population._calendar import NO_DAY
from ilp.population.batch import STATUS_CODES, due_batch
from ilp.population.columns import History
from ilp.population.simulation._params import Arr
from ilp.population.simulation._state import TaskState

__all__ = ["Attendance"]

_DUE: Final = STATUS_CODES[Status.DUE]


_OVERDUE: Final = STATUS_CODES[Status.OVERDUE]


_MISSED: Final = STATUS_CODES[Status.MISSED]


_UPCOMING: Final = STATUS_CODES[Status.UPCOMING]


def _newborn_only(entry: Entry) -> bool:
    """True for an entry whose scope ends within 31 days of birth (asked weekly)."""
    limit = entry.eligibility.age_to
    return limit is not None and limit.duration.months == 0 and limit.duration.days <= 31


def _opening_days(
    opening: Opening | None, holidays: frozenset[_dt.date], lo: int, hi: int
) -> list[int]:
    """The opening days of *opening* from day *lo* to *hi*."""
    if opening is None:
        return []
    if opening.kind is OpeningKind.WEEKDAYS:
        days = range(lo, hi + 1)
        return [
            d
            for d in days
            if (d - 1) % 7 in opening.weekdays and _dt.date.fromordinal(d) not in holidays
        ]
    out = []
    for day in opening.days(_dt.date.fromordinal(lo), holidays):
        d = day.toordinal()
        if d > hi:
            break
        out.append(d)
    return out


class Attendance(TaskState):
    """Who is due in a month, who comes, where and on which day; the records that adds."""

    def _catalogues(self) -> tuple[Catalogue, Catalogue | None, frozenset[str]]:
        """The catalogue, its entries for newborns only (scope under a month), and their keys."""
        if self._cats is None:
            cat = self.t.catalogue
            if cat is None:
                cat = national()
            short = tuple(e for e in cat.entries if _newborn_only(e))
            sub = None
            if short:
                sub = Catalogue(cat.id, cat.title, cat.edition, short, origin=cat.origin)
            self._cats = (cat, sub, frozenset(e.key for e in short))
        return self._cats

    def _newborn_history(self, codes: tuple[str, ...]) -> History:
        """The history restricted to *codes* (the newborn entries' services)."""
        hist_codes = self.t.hist_codes
        offsets = np.searchsorted(self.rec_code, np.arange(len(hist_codes) + 1))
        parts = []
        for i, code in enumerate(codes):
            k = hist_codes.index(code)
            lo, hi = int(offsets[k]), int(offsets[k + 1])
            parts.append((self.rec_person[lo:hi], np.full(hi - lo, i), self.rec_day[lo:hi]))
        return History(
            codes,
            np.concatenate([x[0] for x in parts]).astype(np.int32),
            np.concatenate([x[1] for x in parts]).astype(np.int16),
            np.concatenate([x[2] for x in parts]).astype(np.int32),
            len(self.part),
        )

    def _items(
        self,
        result: Any,
        m0: int,
        m1: int,
        *,
        skip: frozenset[str] = frozenset(),
        born: tuple[int, int] | None = None,
    ) -> list[tuple[Arr, Arr, Arr, Arr]]:
        """The items of *result* in demand during the month: rows, services, earliest, latest."""
        where = self._where
        out = []
        birth = self.cols["birth"]
        for code, key, items in zip(result.codes, result.entries, result.slots, strict=True):
            if not len(items) or key in skip:
                continue
            st = items.status
            e = items.earliest
            latest = items.latest
            sel = (st == _DUE) | (st == _OVERDUE)
            sel |= (st == _MISSED) & (latest >= m0) & (latest >= e) & (latest != NO_DAY)
            if born is not None:
                # a newborn evaluation also takes what opens before the month ends
                sel |= (st == _UPCOMING) & (e <= m1)
                b = birth[items.rows]
                sel &= (b > born[0]) & (b <= born[1])
            picked = np.flatnonzero(sel)
            if len(picked):
                out.append(
                    (
                        items.rows[picked],
                        np.full(len(picked), where[code], dtype=np.int32),
                        e[picked],
                        latest[picked],
                    )
                )
        return out

    def _serve(self, k: int, m0: int, m1: int, u: Arr) -> None:
        t = self.t
        cat, newborn, newborn_keys = self._catalogues()
        pop = self.population(m0)
        result = due_batch(
            pop, self.history(), from_day(m1), catalogue=cat, region=t.region, horizon=0
        )
        found = self._items(result, m0, m1, skip=newborn_keys)
        if newborn is not None:
            # entries whose scope is shorter than a month (HB0 within a week of birth)
            # are asked weekly, of the babies born that week, so none is missed
            sub = self._newborn_history(newborn.codes)
            prev = m0 - 32
            for end in [*list(range(m0 + 6, m1, 7)), m1]:
                weekly = due_batch(
                    pop, sub, from_day(end), catalogue=newborn, region=t.region, horizon=m1 - end
                )
                found += self._items(weekly, m0, m1, born=(prev, end))
                prev = end
        if not found:
            return
        rows = np.concatenate([f[0] for f in found])
        svc = np.concatenate([f[1] for f in found])
        n_services = len(t.services)
        # the (area, service) cell of each item: its site and its attendance
        cell = t.area_local[self.cols["residence"]][rows] * n_services + svc
        key = self._key.reshape(-1)[cell]  # (site + 1) * services + service
        size = (len(t.site_global) + 1) * n_services
        self.due[k] += np.bincount(key, minlength=size).reshape(-1, n_services)
        group = t.service_group[svc]
        g = t.n_groups
        self.ever_due.reshape(-1)[rows.astype(np.int64) * g + group] = True
        # who comes: reached, engaged, and their draw of the month below the attendance
        prob = self._prob.reshape(-1)[cell]
        draw = u[rows]
        come = np.flatnonzero((draw < prob) & self.reached[rows] & self.engaged[rows])
        if not len(come):
            return
        lo = np.concatenate([f[2] for f in found])[come].astype(np.int64)
        hi = np.concatenate([f[3] for f in found])[come].astype(np.int64)
        r = rows[come]
        lo = np.maximum(np.maximum(lo, m0), self.cols["birth"][r])
        hi = np.minimum(np.minimum(hi, m1), self.death_day[r])
        inside = np.flatnonzero(lo <= hi)  # not after death, nor after the window
        got, lo, hi, r = come[inside], lo[inside], hi[inside], r[inside]
        # the day: the site's first opening day in the window, else a day drawn in it
        # (the draw below the attendance, rescaled, is uniform on [0, 1))
        fraction = draw[got] / prob[got]
        day = lo + np.floor(fraction * (hi - lo + 1)).astype(np.int64)
        table = self._next_open(m0, m1)
        if table is not None:
            j = table[key[got] // n_services - 1, lo - m0]
            day = np.where(j <= hi - m0, m0 + j, day)
        self.received[k] += np.bincount(key[got], minlength=size).reshape(-1, n_services)
        self.ever_received.reshape(-1)[r.astype(np.int64) * g + group[got]] = True
        self.part_received += np.bincount(self.part[r], minlength=self.n_parts)
        self._append(r, t.service_hist_code[svc[got]], day)

    def _next_open(self, m0: int, m1: int) -> Arr | None:
        """Per task site and day of the month, the offset of the next opening day (or 99)."""
        openings = self.t.openings
        if all(o is None for o in openings):
            return None
        span = m1 - m0 + 1
        rows: dict[Any, Arr] = {}
        table = np.full((len(openings), span), 99, dtype=np.int64)
        for s, opening in enumerate(openings):
            row = rows.get(opening)
            if row is None:
                row = np.full(span + 1, 99, dtype=np.int64)
                for d in _opening_days(opening, self.t.holidays, m0, m1):
                    row[d - m0] = d - m0
                # the next opening at or after each day: a reversed running minimum
                row = rows[opening] = np.minimum.accumulate(row[::-1])[::-1][:span]
            table[s] = row
        return table

    def _append(self, person: Arr, code: Arr, day: Arr) -> None:
        order = np.lexsort((day, person, code))
        person = person[order].astype(np.int32)
        code = code[order].astype(np.int16)
        day = day[order].astype(np.int32)
        if self.appendable:
            # every new day is after every old one: each record goes after the old
            # records of its code and person (found code by code, in the code's block)
            n_codes = len(self.t.hist_codes)
            old = np.searchsorted(self.rec_code, np.arange(n_codes + 1))
            new = np.searchsorted(code, np.arange(n_codes + 1))
            at = np.empty(len(code), dtype=np.int64)
            for k in np.flatnonzero(new[1:] > new[:-1]).tolist():
                lo, hi = int(old[k]), int(old[k + 1])
                block = slice(int(new[k]), int(new[k + 1]))
                at[block] = lo + np.searchsorted(
                    self.rec_person[lo:hi], person[block], side="right"
                )
            self.rec_person = np.insert(self.rec_person, at, person)
            self.rec_code = np.insert(self.rec_code, at, code)
            self.rec_day = np.insert(self.rec_day, at, day)
            return
        p = np.concatenate([self.rec_person, person])
        c = np.concatenate([self.rec_code, code])
        d = np.concatenate([self.rec_day, day])
        order = np.lexsort((d, p, c))
        self.rec_person, self.rec_code, self.rec_day = p[order], c[order], d[order]

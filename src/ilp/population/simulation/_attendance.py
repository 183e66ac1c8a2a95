"""Attendance in a simulation task: who is due each month (``due_batch``), who comes, where."""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Iterable, Iterator
from typing import Any, Final

import numpy as np

from ilp.dates import from_day
from ilp.lifecycle import Catalogue, Entry, Status, national
from ilp.network import Opening, OpeningKind
from ilp.population._calendar import NO_DAY
from ilp.population.batch import STATUS_CODES, due_batch
from ilp.population.columns import History, Population
from ilp.population.simulation._params import Arr
from ilp.population.simulation._state import TaskState, steps_of

__all__ = ["Attendance"]

_DUE: Final = STATUS_CODES[Status.DUE]


_MISSED: Final = STATUS_CODES[Status.MISSED]


_UPCOMING: Final = STATUS_CODES[Status.UPCOMING]

#: Items of one slot in demand in a month: the service index, their task rows, their
#: indices among the slot's items, and the slot's earliest and latest days.
Pick = tuple[int, Arr, Arr, Arr, Arr]

#: Items of one slot whose people came: the service index, their task rows and areas, the
#: draws rescaled to [0, 1) below the attendance, and the items' earliest and latest days.
Came = tuple[int, Arr, Arr, Arr, Arr, Arr]


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

    def _serve(self, k: int, m0: int, m1: int, u: Arr) -> None:
        """Who is in demand during the month, who comes, where and when; their records."""
        t = self.t
        cat, newborn, newborn_keys = self._catalogues()
        pop = self.population(m0)
        result = due_batch(
            pop, self.history(), from_day(m1), catalogue=cat, region=t.region, horizon=0
        )
        picks = self._picks(result, m0, m1, skip=newborn_keys)
        if newborn is not None:
            picks = itertools.chain(picks, self._newborn_picks(pop, result, m0, m1))
        self._take_up(k, m0, m1, u, picks)

    def _newborn_picks(self, pop: Population, result: Any, m0: int, m1: int) -> Iterator[Pick]:
        """The month's items of the entries whose scope is shorter than a month (HB0 within
        a week of birth): asked weekly, of the babies born that week, so none is missed.

        Each week's question concerns only the babies born in it, so it is put to them
        alone (``due_batch`` answers each person from their own columns and records).
        The last week ends on the month's last day: its question is the monthly one
        (same day, horizon 0, the same records of these codes), so its answer is taken
        from the monthly result rather than asked again.
        """
        _, newborn, keys = self._catalogues()
        assert newborn is not None
        ends = [*range(m0 + 6, m1, 7), m1]
        prev = m0 - 32
        birth = pop.birth
        rows = np.flatnonzero((birth > prev) & (birth <= ends[-2]))
        if len(rows):
            babies, records = self._babies(pop, rows, newborn.codes)
            for end in ends[:-1]:
                weekly = due_batch(
                    babies,
                    records,
                    from_day(end),
                    catalogue=newborn,
                    region=self.t.region,
                    horizon=m1 - end,
                )
                yield from self._picks(weekly, m0, m1, born=(prev, end), rows=rows)
                prev = end
        else:
            prev = ends[-2]
        yield from self._picks(result, m0, m1, only=keys, born=(prev, m1))

    def _babies(
        self, pop: Population, rows: Arr, codes: tuple[str, ...]
    ) -> tuple[Population, History]:
        """The people in *rows* (ascending) of the month's population, and their records of
        *codes*, renumbered from 0."""
        return pop.take(rows), self.records.of_rows(codes, rows)

    def _picks(
        self,
        result: Any,
        m0: int,
        m1: int,
        *,
        skip: frozenset[str] = frozenset(),
        only: frozenset[str] | None = None,
        born: tuple[int, int] | None = None,
        rows: Arr | None = None,
    ) -> Iterator[Pick]:
        """The items of *result* in demand during the month, slot by slot (see :data:`Pick`;
        *rows*: the task rows of the result's rows, when it was asked of some rows only).

        Due or overdue, or missed with a window that closed within the month; for a
        newborn question (*born*: the babies born after the first day, up to the second)
        also upcoming with a window that opens before the month ends.
        """
        where = self._where
        birth = self.cols["birth"]
        for code, key, items in zip(result.codes, result.entries, result.slots, strict=True):
            if not len(items) or key in skip or (only is not None and key not in only):
                continue
            st = items.status
            e = items.earliest
            latest = items.latest
            # overdue (1) or due (2): listed items have codes 1 to 5, so one test
            sel = st <= _DUE
            missed = np.flatnonzero(st == _MISSED)  # few: test their window on them alone
            end = latest[missed]
            sel[missed[(end >= m0) & (end >= e[missed]) & (end != NO_DAY)]] = True
            found = items.rows if rows is None else rows[items.rows]
            if born is not None:
                sel |= (st == _UPCOMING) & (e <= m1)
                b = birth[found]
                sel &= (b > born[0]) & (b <= born[1])
            picked = np.flatnonzero(sel)
            if len(picked):
                yield where[code], found[picked], picked, e, latest

    def _take_up(self, k: int, m0: int, m1: int, u: Arr, picks: Iterable[Pick]) -> None:
        """Count the items of *picks* as due at their site; those who come get a record.

        Slot by slot (one service each), so no array is as long as the month's
        items; those who come (a few in a hundred) are then dated all at once.
        """
        t = self.t
        area = self.area  # intp, so that no lookup below first converts its index array
        n_areas = len(t.area_factor)
        # the month's draw of each row, or infinity for the unreached and disengaged
        draws = np.where(self.reached & self.engaged, u, np.inf)
        # and its step in a byte: most items are ruled out on the steps (a small array)
        steps = steps_of(draws)
        # items due per service and area, counted at their sites once the month is done
        per_area = np.zeros(self._slot.shape, dtype=np.int64)
        came: list[Came] = []
        for s, found, picked, earliest, latest in picks:
            rows = found.astype(np.intp)
            a = area[rows]
            per_area[s] += np.bincount(a, minlength=n_areas)
            self.ever_due[int(t.service_group[s])][rows] = True
            # who comes: reached, engaged, and their draw of the month below the attendance
            # (tested on those whose draw's step is not above the service's highest chance)
            maybe = np.flatnonzero(steps[rows] <= self._top_step[s])
            near, near_area = rows[maybe], a[maybe]
            draw, chance = draws[near], self._chance[s][near_area]
            come = np.flatnonzero(draw < chance)
            if len(come):
                item = picked[maybe[come]]
                # the draw below the attendance, rescaled, is uniform on [0, 1)
                fraction = draw[come] / chance[come]
                came.append(
                    (s, near[come], near_area[come], fraction, earliest[item], latest[item])
                )
        # per service and area: the site + 1 that gives the service there
        services = np.broadcast_to(np.arange(len(per_area))[:, None], per_area.shape)
        np.add.at(self.due[k], (self._slot, services), per_area)
        if came:
            self._receive(k, m0, m1, came=came)

    def _receive(
        self,
        k: int,
        m0: int,
        m1: int,
        *,
        came: list[Came],
    ) -> None:
        """Date the items of those who came (see :data:`Came`), count them as received at
        their site, and record them."""
        t = self.t
        service = np.concatenate([np.full(len(x[1]), x[0], dtype=np.intp) for x in came])
        rows, a, fraction, earliest, latest = (
            np.concatenate([x[i] for x in came]) for i in range(1, 6)
        )
        # within the window, the month and the life (day numbers fit int32)
        lo = np.maximum(np.maximum(earliest, m0), self.cols["birth"][rows])
        hi = np.minimum(np.minimum(latest, m1), self.death_day[rows])
        inside = np.flatnonzero(lo <= hi)  # not after death, nor after the window
        service, rows, a, lo, hi = (x[inside] for x in (service, rows, a, lo, hi))
        slot = self._slot[service, a]
        # the day: the site's first opening day in the window, else a day drawn in it
        day = lo + np.floor(fraction[inside] * (hi - lo + 1)).astype(np.int64)
        table = self._next_open(m0, m1)
        if table is not None:
            j = table[slot - 1, lo - m0]
            day = np.where(j <= hi - m0, m0 + j, day)
        n_slots, n_services = self.received.shape[1:]
        counts = np.bincount(slot * n_services + service, minlength=n_slots * n_services)
        self.received[k] += counts.reshape(n_slots, n_services)
        self.ever_received[t.service_group[service], rows] = True
        self.part_received += np.bincount(self.part[rows], minlength=self.n_parts)
        self.records.add(rows, t.service_hist_code[service], day)

    def _next_open(self, m0: int, m1: int) -> Arr | None:
        """Per task site and day of the month, the offset of the next opening day (or 99)."""
        if self._opens is None:  # the distinct openings, and each site's (-1: none)
            distinct: dict[Any, int] = {}
            site = [
                -1 if o is None else distinct.setdefault(o, len(distinct)) for o in self.t.openings
            ]
            self._opens = (tuple(distinct), np.array(site, dtype=np.intp))
        openings, index = self._opens
        if not openings:
            return None
        span = m1 - m0 + 1
        # one row per distinct opening, and a last row of 99 for the sites without one
        rows = np.full((len(openings) + 1, span + 1), 99, dtype=np.int64)
        for i, opening in enumerate(openings):
            for d in _opening_days(opening, self.t.holidays, m0, m1):
                rows[i, d - m0] = d - m0
        # the next opening at or after each day: a reversed running minimum
        rows = np.minimum.accumulate(rows[:, ::-1], axis=1)[:, ::-1][:, :span]
        table: Arr = rows[index]
        return table

"""Attendance in a simulation task: who is due each month (``due_batch``), who comes, where."""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Iterable, Iterator
from typing import Any, Final, NamedTuple

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

#: The items a month's questions ask for: completed ones are never in demand.
_ASKED: Final = frozenset({Status.OVERDUE, Status.DUE, Status.UPCOMING, Status.MISSED})

#: Listed items of a slot taken at a time: a chunk's arrays stay in cache through the
#: passes made over them (status, rows, areas, steps, draws).
_CHUNK: Final = 1 << 16

#: Items of one slot in demand in a month, of a chunk of its listed items: the service
#: index, their task rows (intp), their indices among the chunk's items (None: all of
#: them), and the chunk's earliest and latest days.
Pick = tuple[int, Arr, Arr | None, Arr, Arr]


#: Items of one service whose people came: the service index, their task rows and areas,
#: the draws rescaled to [0, 1) below the attendance, and the items' earliest and latest
#: days.
Came = tuple[int, Arr, Arr, Arr, Arr, Arr]


def _runs(came: list[Came]) -> Iterator[tuple[int, list[tuple[Arr, ...]]]]:
    """The items of *came* in runs of one service: the service and its items' columns."""
    for s, run in itertools.groupby(came, key=lambda x: x[0]):
        yield s, [x[1:] for x in run]


class _Month(NamedTuple):
    """The month being served: its index, first and last days, and the sites' next
    opening days (see ``Attendance._next_open``)."""

    k: int
    m0: int
    m1: int
    table: Arr | None


def _closes_from(end: int, m0: int) -> bool:
    """True if a window whose last day is *end* can have closed within the month."""
    return end >= m0 and end != NO_DAY


def _in_demand(status: Arr, earliest: Arr, latest: Arr, m0: int, *, missed: bool) -> Arr:
    """Which items are in demand: due or overdue, or (if *missed*) missed with a window
    that closed within the month (on or after its first day)."""
    # overdue (1) or due (2): listed items have codes 1 to 5, so one test
    sel: Arr = status <= _DUE
    if missed and not sel.all():  # (all due or overdue: most chunks, completed not asked for)
        at = np.flatnonzero(status == _MISSED)  # few: test their window on them alone
        if len(at):
            end = latest.take(at)
            sel[at[(end >= m0) & (end >= earliest.take(at)) & (end != NO_DAY)]] = True
    return sel


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
            pop,
            self.history(),
            from_day(m1),
            catalogue=cat,
            region=t.region,
            horizon=0,
            statuses=_ASKED,
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
                    statuses=_ASKED,
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
        """The items of *result* in demand during the month, slot by slot and a chunk of
        its items at a time (see :data:`Pick`; *rows*: the task rows of the result's rows,
        when it was asked of some rows only).

        Due or overdue, or missed with a window that closed within the month; for a
        newborn question (*born*: the babies born after the first day, up to the second)
        also upcoming with a window that opens before the month ends.
        """
        where = self._where
        for code, key, items in zip(result.codes, result.entries, result.slots, strict=True):
            if not len(items) or key in skip or (only is not None and key not in only):
                continue
            # one latest day shared by every item (a broadcast) outside the month, or none:
            # no missed item is in demand, so none is looked for
            latest = items.latest
            missed = latest.strides != (0,) or _closes_from(int(latest[0]), m0)
            for lo in range(0, len(items), _CHUNK):
                part = slice(lo, lo + _CHUNK)
                e, end, found = items.earliest[part], latest[part], items.rows[part]
                if rows is not None:
                    found = rows.take(found)
                sel = _in_demand(items.status[part], e, end, m0, missed=missed)
                if born is not None:
                    sel = self._born(sel, items.status[part], e, found, m1=m1, born=born)
                n = int(np.count_nonzero(sel))
                if n == len(sel):  # every item (most chunks: completed ones are not asked for)
                    yield where[code], found.astype(np.intp), None, e, end
                elif n:
                    picked = np.flatnonzero(sel)
                    yield where[code], found.take(picked).astype(np.intp), picked, e, end

    def _born(
        self, sel: Arr, status: Arr, earliest: Arr, found: Arr, *, m1: int, born: tuple[int, int]
    ) -> Arr:
        """*sel*, for a newborn question, with the upcoming items whose window opens before
        the month ends, of the babies born in *born* alone."""
        sel = sel | ((status == _UPCOMING) & (earliest <= m1))
        b = self.cols["birth"].take(found)
        out: Arr = sel & (b > born[0]) & (b <= born[1])
        return out

    def _take_up(self, k: int, m0: int, m1: int, u: Arr, picks: Iterable[Pick]) -> None:
        """Count the items of *picks* as due at their site; those who come get a record
        (*u*: each row's attendance draw, set to infinity here where it does not count).

        A chunk of one slot's items at a time (one service), so that every array
        stays small while it is passed over; those who come (a few in a hundred)
        are dated chunk by chunk, and recorded all at once.
        """
        t = self.t
        area = self.area
        n_areas = len(t.area_factor)
        # the month's draw of each row, or infinity for the unreached and disengaged (in u)
        draws = u
        np.copyto(draws, np.inf, where=~(self.reached & self.engaged))
        # and its step in a byte: most items are ruled out on the steps (a small array)
        steps = steps_of(draws)
        # items due per service and area, counted at their sites once the month is done
        per_area = np.zeros(self._slot.shape, dtype=np.int64)
        group, top = t.service_group.tolist(), self._top_step.tolist()
        month = _Month(k, m0, m1, self._next_open(m0, m1))
        came: list[Came] = []
        for s, rows, picked, earliest, latest in picks:
            a = area.take(rows)
            per_area[s] += np.bincount(a, minlength=n_areas)
            self.ever_due[group[s]][rows] = True
            # who comes: reached, engaged, and their draw of the month below the attendance
            # (tested on those whose draw's step is not above the service's highest chance)
            maybe = np.flatnonzero(steps.take(rows) <= top[s])
            near, near_area = rows.take(maybe), a.take(maybe)
            draw, chance = draws.take(near), self._chance[s].take(near_area)
            come = np.flatnonzero(draw < chance)
            if len(come):
                item = maybe.take(come)
                if picked is not None:
                    item = picked.take(item)
                # the draw below the attendance, rescaled, is uniform on [0, 1)
                fraction = draw.take(come) / chance.take(come)
                came.append(
                    (
                        s,
                        near.take(come),
                        near_area.take(come),
                        fraction,
                        earliest.take(item),
                        latest.take(item),
                    )
                )
        # per service and area: the site + 1 that gives the service there
        services = np.broadcast_to(np.arange(len(per_area))[:, None], per_area.shape)
        np.add.at(self.due[k], (self._slot, services), per_area)
        # those who came, dated a service at a time (its chunks in a row taken together)
        records = [
            self._receive(month, s, *(np.concatenate(c) for c in zip(*x, strict=True)))
            for s, x in _runs(came)
        ]
        if records:
            self._record(records)

    def _receive(  # noqa: PLR0917 - the columns of Came, in its order
        self,
        month: _Month,
        s: int,
        rows: Arr,
        areas: Arr,
        fraction: Arr,
        earliest: Arr,
        latest: Arr,
    ) -> tuple[int, Arr, Arr]:
        """Date the items of service *s* of those who came (*fraction*: their draws rescaled
        to [0, 1) below the attendance), count them as received at their site; the rows
        and days of their records."""
        m0, m1 = month.m0, month.m1
        # within the window, the month and the life (day numbers fit int32)
        lo = np.maximum(np.maximum(earliest, m0), self.cols["birth"].take(rows))
        hi = np.minimum(np.minimum(latest, m1), self.death_day.take(rows))
        if (lo > hi).any():  # after death, or after the window: not given
            inside = np.flatnonzero(lo <= hi)
            rows, areas, fraction, lo, hi = (
                x.take(inside) for x in (rows, areas, fraction, lo, hi)
            )
        slot = self._slot[s].take(areas)
        # the day: the site's first opening day in the window, else a day drawn in it
        day = lo + np.floor(fraction * (hi - lo + 1)).astype(np.int64)
        if month.table is not None:
            span = month.table.shape[1]
            j = month.table.ravel().take((slot - 1) * span + (lo - m0))
            day = np.where(j <= hi - m0, m0 + j, day)
        self.received[month.k][:, s] += np.bincount(slot, minlength=self.received.shape[1])
        self.ever_received[int(self.t.service_group[s])][rows] = True
        return s, rows, day

    def _record(self, came: list[tuple[int, Arr, Arr]]) -> None:
        """Count the records of *came* (service, rows, days) per partition, and add them."""
        rows = np.concatenate([x[1] for x in came])
        service = np.array([x[0] for x in came], dtype=np.intp)
        code = np.repeat(self.t.service_hist_code[service], [len(x[1]) for x in came])
        self.part_received += np.bincount(self.part.take(rows), minlength=self.n_parts)
        self.records.add(rows, code, np.concatenate([x[2] for x in came]))

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

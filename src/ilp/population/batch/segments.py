"""One code's records for the rows of a cohort (:class:`Segments`), and the day spans of a history.

A call of ``due_batch`` asks, for each entry's cohort, where each row's
records of the entry's codes are. Each code's records are sorted by row
(then day); a cohort is ascending rows. For a cohort of every row from its
first to its last, the records from its first row to its last are those
rows' records as they are (a slice, no copy). For any other cohort (most:
the dead are in none), :func:`segments_of_rows` finds where each cohort
row's records are in the code's records, per row (work that grows with the
cohort and the records of its span, with no array per record): the queries
that read a row's first, last or *k*-th record read the code's records at
those places, and the records of the cohort as one array each (``loc``,
``day``) are made only when a query walks them.

:func:`day_span` is the first and last day of each code's records, kept with
a history; :func:`keep_day_spans` lets code that builds histories and knows
them (the simulation, every month) hand them over, instead of a pass over
every record at the first call on each history.

A history may be handed over with a second part of its records
(:func:`keep_rest`: the simulation's records of its own run, each person's
after those it was given): a cohort's records are then found in each part,
and :class:`Pair` answers for the two (the per-row queries read each part
as it is; the records as one array each are the two merged, when asked for).
"""

from __future__ import annotations

import sys
import threading
import weakref
from typing import Final

import numpy as np

from ilp.population._calendar import NO_DAY, Arr
from ilp.population.columns import History
from ilp.population.columns._model import _trusted_history

__all__ = [
    "SPARSE",
    "Pair",
    "Segments",
    "day_span",
    "day_spans",
    "keep_day_spans",
    "keep_rest",
    "merge_sorted",
    "pair",
    "rest_of",
    "segments_of_rows",
    "whole",
]


class Segments:
    """The records of one code for the rows of a cohort, in row then day order.

    ``loc`` is each record's row within the cohort (each row's records are
    consecutive; the rows ascend when ``ascending``), ``day`` its day;
    ``start`` and ``count`` (per cohort row) say where each row's records are
    in them. :meth:`last` and :meth:`kth` answer per row.

    Made from the records themselves (``loc`` and ``day``), or by
    :meth:`of_rows` from where each cohort row's records are in the code's
    records: then ``loc``, ``day`` and ``start`` are made when first asked
    for, and :meth:`last` and :meth:`kth` read the code's records in place.
    """

    __slots__ = ("_at", "_count", "_day", "_last", "_loc", "_src", "_start", "ascending", "m")

    def __init__(self, loc: Arr, day: Arr, m: int, *, ascending: bool) -> None:
        self._loc: Arr | None = loc
        self._day: Arr | None = day
        self.m = m
        self.ascending = ascending
        self._start: Arr | None = None
        self._count: Arr | None = None
        self._last: tuple[Arr, Arr] | None = None
        #: The code's records' days and each cohort row's first position in them (of_rows).
        self._src: Arr | None = None
        self._at: Arr | None = None

    @classmethod
    def of_rows(cls, at: Arr, count: Arr, days: Arr) -> Segments:
        """The records of each cohort row: *count* of them from position *at* in *days*.

        *at* ascends with the rows, so the cohort's records are those of *days*
        at the rows' places, in row then day order.
        """
        seg = cls.__new__(cls)
        seg._loc = seg._day = seg._start = None
        seg._last = None
        seg.m = len(count)
        seg.ascending = True
        seg._count, seg._src, seg._at = count, days, at
        return seg

    def _dense(self) -> None:
        # intp: positions in the records index them without a conversion first
        loc = self.loc
        count = np.bincount(loc, minlength=self.m)
        start = np.zeros(self.m, dtype=np.intp)
        if self.ascending:
            np.cumsum(count[:-1], out=start[1:])
        else:
            change = np.empty(len(loc), dtype=np.bool_)
            change[0] = True
            np.not_equal(loc[1:], loc[:-1], out=change[1:])
            starts = np.flatnonzero(change)
            start[loc[starts]] = starts
        self._start, self._count = start, count

    @property
    def start(self) -> Arr:
        """Per cohort row, the position of its first record (any value when it has none)."""
        if self._start is None:
            if self._at is None:
                self._dense()
            else:  # the rows' records one after another
                count = self.count
                start = np.zeros(self.m, dtype=np.intp)
                np.cumsum(count[:-1], out=start[1:])
                self._start = start
        assert self._start is not None
        return self._start

    @property
    def count(self) -> Arr:
        """Per cohort row, how many records it has."""
        if self._count is None:
            self._dense()
        assert self._count is not None
        return self._count

    @property
    def loc(self) -> Arr:
        """Each record's row within the cohort."""
        if self._loc is None:
            rows = np.arange(self.m, dtype=np.int32)
            self._loc = np.repeat(rows, self.count)
        return self._loc

    @property
    def day(self) -> Arr:
        """Each record's day."""
        if self._day is None:
            assert self._src is not None
            assert self._at is not None
            count = self.count
            # position of each record: its row's place in the source, plus its rank in the row
            shift = np.repeat(self._at - self.start, count)
            shift += np.arange(len(shift), dtype=shift.dtype)
            self._day = self._src.take(shift)
        return self._day

    @property
    def top(self) -> int:
        """The position of the last record."""
        return len(self.day) - 1

    @property
    def size(self) -> int:
        """How many records there are."""
        if self._loc is not None:
            return len(self._loc)
        return int(self.count.sum())

    def parts(self) -> tuple[Segments, ...]:
        """The parts whose records, one after another for each row, are these (this one)."""
        return (self,)

    def lasts(self) -> list[tuple[Arr, Arr]]:
        """:meth:`last` of each part, in order: a row's last record is in the last part
        listing it (scattered in turn, the last one written stands)."""
        return [part.last() for part in self.parts()]

    def first_days(self) -> Arr:
        """The day of each cohort row's first record, or NO_DAY.

        Found from the records themselves (each row's are consecutive and in
        day order: the first of each run of one row), without the start and
        count of every cohort row.
        """
        rows, days = self.heads()
        first = np.full(self.m, NO_DAY, dtype=days.dtype)
        first[rows] = days
        return first

    def heads(self) -> tuple[Arr, Arr]:
        """The rows that have a record, and the day of each one's first record."""
        loc, day = self.loc, self.day
        head = np.empty(len(loc), dtype=np.bool_)
        head[:1] = True
        np.not_equal(loc[1:], loc[:-1], out=head[1:])
        at = np.flatnonzero(head)
        return (loc, day) if len(at) == len(loc) else (loc.take(at), day.take(at))

    def places(self) -> tuple[Arr, Arr, Arr]:
        """Per cohort row, the position of its first record and how many there are, in the
        days returned with them (the code's own, for :meth:`of_rows`)."""
        if self._at is not None and self._src is not None:
            return self._at, self.count, self._src
        return self.start, self.count, self.day

    def last(self) -> tuple[Arr, Arr]:
        """The rows that have a record (ascending), and the day of each one's last record."""
        if self._last is None:
            if self._at is not None and self._src is not None:
                has = np.flatnonzero(self.count)
                end = self._at.take(has) + self.count.take(has) - 1
                self._last = (has, self._src.take(end))
            else:
                loc = self.loc
                end_of = np.empty(len(loc), dtype=np.bool_)
                end_of[-1:] = True
                np.not_equal(loc[1:], loc[:-1], out=end_of[:-1])
                ends = np.flatnonzero(end_of)
                self._last = (loc.take(ends), self.day.take(ends))
        return self._last

    def kth(self, k: int, sel: Arr | None = None) -> Arr:
        """The *k*-th record (from 0) of each cohort row (those *sel* picks), or NO_DAY."""
        at, count, days = self.places()
        if sel is not None:
            at, count = at.take(sel), count.take(sel)
        # every row's record at start + k (clipped: any day where there are k or fewer),
        # then NO_DAY where there are: no flatnonzero of a mask in no order, no scatter
        if k:
            at = at + k
        found: Arr = np.where(count > k, days.take(at, mode="clip"), np.int32(NO_DAY))
        return found


class Pair(Segments):
    """The records of one code for the rows of a cohort in two parts (:class:`Segments`
    each): each row's records in *first*, then its records in *then* (on or after them).

    :meth:`last`, :meth:`kth` and ``count`` read the two parts as they are;
    ``loc``, ``day``, ``start``, ``top`` and :meth:`places` are those of the
    one :class:`Segments` the two make (``whole``), made when first asked for.
    """

    __slots__ = ("_whole", "first", "then")

    def __init__(self, first: Segments, then: Segments) -> None:
        self.first, self.then = first, then
        self.m = first.m
        self.ascending = True
        self._whole: Segments | None = None

    @property
    def whole(self) -> Segments:
        """The two parts as one: each row's records of *first*, then of *then*."""
        if self._whole is None:
            a, b = self.first, self.then
            loc_a, loc_b = a.loc, b.loc
            # each record of *then* goes after those of *first* of its row
            at = np.searchsorted(loc_a, loc_b, side="right")
            at += np.arange(len(loc_b), dtype=at.dtype)
            n = len(loc_a) + len(loc_b)
            keep = np.ones(n, dtype=np.bool_)
            keep[at] = False
            loc = np.empty(n, dtype=loc_a.dtype)
            day = np.empty(n, dtype=a.day.dtype)
            loc[keep], day[keep] = loc_a, a.day
            loc[at], day[at] = loc_b, b.day
            self._whole = Segments(loc, day, self.m, ascending=True)
        return self._whole

    @property
    def whole_unmade(self) -> bool:
        """Whether ``whole`` is not made yet (the parts are then read as they are)."""
        return self._whole is None

    @property
    def loc(self) -> Arr:
        """Each record's row within the cohort (``whole``)."""
        return self.whole.loc

    @property
    def day(self) -> Arr:
        """Each record's day (``whole``)."""
        return self.whole.day

    @property
    def start(self) -> Arr:
        """Per cohort row, the position of its first record (``whole``)."""
        return self.whole.start

    @property
    def count(self) -> Arr:
        """Per cohort row, how many records it has."""
        if self._whole is not None:
            return self._whole.count
        found: Arr = self.first.count + self.then.count
        return found

    @property
    def top(self) -> int:
        """The position of the last record (``whole``)."""
        return self.whole.top

    @property
    def size(self) -> int:
        """How many records there are."""
        return self.first.size + self.then.size

    def places(self) -> tuple[Arr, Arr, Arr]:
        """As :meth:`Segments.places` (``whole``)."""
        return self.whole.places()

    def parts(self) -> tuple[Segments, ...]:
        """The two parts (each row's records of the first, then of the second)."""
        return (self.first, self.then)

    def first_days(self) -> Arr:
        """The day of each cohort row's first record, or NO_DAY."""
        first = self.first.first_days()
        rows, days = self.then.heads()
        none = first.take(rows) == NO_DAY  # the rows with records in the second part only
        first[rows[none]] = days[none]
        return first

    def heads(self) -> tuple[Arr, Arr]:
        """As :meth:`Segments.heads` (``whole``)."""
        return self.whole.heads()

    def last(self) -> tuple[Arr, Arr]:
        """The rows that have a record, and the day of each one's last record."""
        has_a, day_a = self.first.last()
        has_b, day_b = self.then.last()
        if not len(has_a):
            return has_b, day_b
        # per row: its last record in the first part, then in the second (a day is never
        # NO_DAY); a scatter each and one pass, no search of the rows of one among the other's
        last = np.full(self.m, NO_DAY, dtype=day_a.dtype)
        last[has_a] = day_a
        last[has_b] = day_b
        rows = np.flatnonzero(last != NO_DAY)
        return rows, last.take(rows)

    def kth(self, k: int, sel: Arr | None = None) -> Arr:
        """The *k*-th record (from 0) of each cohort row (those *sel* picks), or NO_DAY."""
        if self._whole is not None:
            return self._whole.kth(k, sel)
        at_a, count_a, days_a = self.first.places()
        at_b, count_b, days_b = self.then.places()
        if sel is not None:
            at_a, count_a = at_a.take(sel), count_a.take(sel)
            at_b, count_b = at_b.take(sel), count_b.take(sel)
        in_a = days_a.take(at_a + k if k else at_a, mode="clip")
        in_b = days_b.take(at_b + (k - count_a), mode="clip")
        found: Arr = np.where(
            count_a > k,
            in_a,
            np.where(count_a + count_b > k, in_b, np.int32(NO_DAY)),
        )
        return found


def pair(first: Segments | None, then: Segments | None) -> Segments | None:
    """The records of two parts (each row's of *first* before its of *then*), as one."""
    if then is None:
        return first
    if first is None:
        return then
    return Pair(first, then)


#: A cohort of fewer rows than the records of its span over this is searched row by row.
SPARSE: Final = 16


def segments_of_rows(person: Arr, day: Arr, rows: Arr) -> Segments | None:
    """The records of the cohort *rows* (ascending) among records of one code (*person*,
    sorted, and *day*), found by two searches a row, as :meth:`Segments.of_rows`.

    For a cohort of a few rows spread over many records (the pregnant among
    the records of a pregnancy service), the work grows with the rows, not the records.
    """
    query = rows.astype(person.dtype)  # as the column: the search does not copy it
    at = np.searchsorted(person, query, side="left")
    count = np.searchsorted(person, query, side="right") - at
    if not count.any():
        return None
    return Segments.of_rows(at, count, day)


def merge_sorted(found: list[tuple[Arr, Arr]]) -> tuple[Arr, Arr] | None:
    """Records of several codes (persons and days, each sorted by person then day) as one
    code's: sorted by person then day (None when there are none).

    One stable sort (a merge of the runs) of (person, day) packed into 64
    bits (persons and days are non-negative int32): the halves are read back
    as they lie in memory, without shifting them out.
    """
    if not found:
        return None
    key = np.empty(sum(len(p) for p, _ in found), dtype=np.int64)
    at = 0
    for person, day in found:
        part = key[at : at + len(person)]
        np.left_shift(person, 32, out=part, dtype=np.int64)
        part |= day
        at += len(person)
    key.sort(kind="stable")
    halves = key.view(np.int32).reshape(-1, 2)
    low = 0 if sys.byteorder == "little" else 1
    return halves[:, 1 - low].copy(), halves[:, low].copy()


_LOCK: Final = threading.Lock()
_SPANS: Final[weakref.WeakKeyDictionary[History, Arr]] = weakref.WeakKeyDictionary()


def keep_day_spans(history: History, spans: Arr) -> None:
    """Keep with *history* the first and last day of each code's records (``2 × codes``;
    0 and 0 for a code without records), as :func:`day_span` would find them.

    For code that builds a history and knows them (the simulation keeps them
    as it adds each month's records): the first call on the history then
    makes no pass over its records to find them.
    """
    with _LOCK:
        _SPANS[history] = spans


def day_spans(offsets: Arr, days: Arr) -> Arr:
    """The first and last day of each code's records (``2 × codes``, int64; 0 and 0 for a
    code without records), from a history's code *offsets* and record *days*."""
    starts = offsets[:-1]
    some = np.flatnonzero(offsets[1:] > starts)
    found = np.zeros((2, len(starts)), dtype=np.int64)
    if len(some):
        found[0, some] = np.minimum.reduceat(days, starts[some])
        found[1, some] = np.maximum.reduceat(days, starts[some])
    return found


def day_span(history: History, code: str) -> tuple[int, int]:
    """The first and last day of the records of *code* in *history* (0, 0 when none).

    Found for every code at once and kept with the history (it is
    immutable): a call finds whether a code has records after its date
    without a pass over them.
    """
    with _LOCK:
        found = _SPANS.get(history)
    if found is None:
        found = day_spans(history.offsets, history.rec_day)
        keep_day_spans(history, found)
    if code not in history.codes:
        return 0, 0
    k = history.codes.index(code)
    return int(found[0, k]), int(found[1, k])


_RESTS: Final[weakref.WeakKeyDictionary[History, History]] = weakref.WeakKeyDictionary()


def keep_rest(history: History, rest: History) -> None:
    """Keep with *history* a second part of its records, *rest* (same codes and people):
    each person's records of a code in *rest* are on or after those in *history*.

    Internal to ``ilp.population``, for the simulation: the records it was
    given stay as they are, and each month's records join only those of the
    run, which ``due_batch`` reads as a second part (a history with a rest
    is never handed to a caller: :func:`whole` is its one sorted set).
    """
    with _LOCK:
        _RESTS[history] = rest


def rest_of(history: History) -> History | None:
    """The second part of *history*'s records kept by :func:`keep_rest` (None: none)."""
    with _LOCK:
        return _RESTS.get(history)


def merge_parts(first: History, then: History) -> tuple[Arr, Arr, Arr]:
    """The columns of the records of *first* and *then* (same codes; each person's records
    of a code in *then* on or after those in *first*) as one sorted set.

    Each record of *then* goes after the records of its code and person in
    *first* (found code by code, in the code's slice); the others move up
    by the records of *then* before them.
    """
    at_first, at_then = first.offsets, then.offsets
    person = first.rec_person
    k = len(then)
    at = np.empty(k, dtype=np.int64)
    for c in np.flatnonzero(at_then[1:] > at_then[:-1]).tolist():
        lo, hi = int(at_first[c]), int(at_first[c + 1])
        block = slice(int(at_then[c]), int(at_then[c + 1]))
        at[block] = lo + np.searchsorted(person[lo:hi], then.rec_person[block], side="right")
    at += np.arange(k)
    n = len(first) + k
    keep = np.ones(n, dtype=np.bool_)
    keep[at] = False
    out = []
    for a, b in (
        (first.rec_person, then.rec_person),
        (first.rec_code, then.rec_code),
        (first.rec_day, then.rec_day),
    ):
        column = np.empty(n, dtype=a.dtype)
        column[keep] = a
        column[at] = b
        out.append(column)
    return out[0], out[1], out[2]


def whole(history: History) -> History:
    """*history* with the rest kept with it (:func:`keep_rest`), as one sorted set."""
    rest = rest_of(history)
    if rest is None:
        return history
    person, code, day = merge_parts(history, rest)
    return _trusted_history(history.codes, person, code, day, history.persons)

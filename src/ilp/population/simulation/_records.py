"""A task's service records, sorted by (code, person, day), growing month by month.

The records are what ``due_batch`` reads every month. Merging each month's
new records into all of them moved every old record every month (one pass
over the whole history at memory speed, a second of a year's run of a
million people). So the records given to ``simulate`` (the base) are kept
as they are, and each month's records are merged only into the run's own
(the rest: every one on or after every record of the base). ``due_batch``
is handed the base as a history with the rest kept beside it
(``keep_rest``) and reads the two as parts, each row's records of the base
before its records of the run; a history handed to anyone else (the
records of some rows, the final columns) is the two merged.

Each part is a :class:`_Sorted`: a month's new records are sorted among
themselves (packed into one integer key: time in the new records only) and
merged in one pass, the columns sharing one mask, into the one buffer kept
with room to grow by half: from its end to its start, so that every old
record is moved up before its place is written. The given records are read,
not copied; a month allocates nothing of the size of the history (each
fresh large array costs its page faults again). The history handed to
``due_batch`` is built without the checks: the records were checked when
they were given to ``simulate``, and every record added here is sorted into
place by construction (the final history of a run is built checked, in
``_merge``).
"""

from __future__ import annotations

from typing import Final

import numpy as np

from ilp.population.batch.segments import day_spans, keep_day_spans, keep_rest, merge_parts
from ilp.population.columns import History
from ilp.population.columns._model import _trusted_history, code_offsets
from ilp.population.simulation._params import Arr

__all__ = ["Records"]

_EMPTY: Final = np.zeros(0, dtype=np.int32)

#: Bits kept for the code in a packed sort key (History holds at most 32767 codes).
_CODE_BITS = 15


#: Records merged at a time: a chunk's columns and mask stay in cache while written.
_CHUNK = 1 << 18

#: In place, a chunk is no longer than the number of new records before its end, so that
#: its old records come from below it and need not be set aside first; except near the
#: start, where that number is small: chunks of this many, set aside (few records).
_SHORT = 1 << 14


def _capacity(n: int) -> int:
    """Room for *n* records and half as many again (at least 4096)."""
    return n + max(n // 2, 4096)


def _columns(size: int) -> tuple[Arr, Arr, Arr]:
    return (
        np.empty(size, dtype=np.int32),
        np.empty(size, dtype=np.int16),
        np.empty(size, dtype=np.int32),
    )


class _Sorted:
    """Records sorted by (code, person, day), growing: person (task row), code (index into
    *codes*) and day."""

    def __init__(self, history: History, room: int = 0) -> None:
        self.codes = history.codes
        self.n = len(history)
        self._room = room  # the records the first buffer has room for, at least
        # the given columns, only read: the first records added are merged into a buffer
        self._columns: tuple[Arr, Arr, Arr] = (
            history.rec_person,
            history.rec_code,
            history.rec_day,
        )
        self._owned = False  # True once the columns are this object's buffer
        self._mask = np.empty(_CHUNK, dtype=np.bool_)  # one chunk's: old record or new
        self._moved = np.empty(_CHUNK, dtype=np.int32)  # one chunk's old records, set aside
        self.last_day = int(history.rec_day.max()) if self.n else 0
        self.offsets = history.offsets.copy()  # each code's slice
        #: The first and last day of each code's records (``day_spans``), kept as they grow.
        self.spans = day_spans(history.offsets, history.rec_day)

    # -- views --------------------------------------------------------------------------

    @property
    def person(self) -> Arr:
        return self._columns[0][: self.n]

    @property
    def code(self) -> Arr:
        return self._columns[1][: self.n]

    @property
    def day(self) -> Arr:
        return self._columns[2][: self.n]

    def history(self, persons: int) -> History:
        """The records as a history of *persons* people (views: valid until the next add).

        Its codes' day spans are handed to ``due_batch`` with it: its first
        call makes no pass over every record to find them.
        """
        history = _trusted_history(
            self.codes, self.person, self.code, self.day, persons, offsets=self.offsets
        )
        keep_day_spans(history, self.spans.copy())
        return history

    def of_rows(self, codes: tuple[str, ...], rows: Arr) -> History:
        """The records of *codes* (in that order) of the people in *rows* (ascending), as a
        history of ``len(rows)`` people numbered from 0 in that order.

        Each code's records are sorted by person: the slice of those from the
        first row to the last is found by a search, and its records are matched
        to *rows* by another (the work grows with that slice, not with the
        population).
        """
        offsets = self.offsets
        person, day = self.person, self.day
        query = rows.astype(np.int32)  # as the person column: no copy of it to int64
        people = [np.zeros(0, dtype=np.int32)]
        kinds = [np.zeros(0, dtype=np.int16)]
        days = [np.zeros(0, dtype=np.int32)]
        for i, code in enumerate(codes if len(query) else ()):
            k = self.codes.index(code)
            lo, hi = int(offsets[k]), int(offsets[k + 1])
            block = person[lo:hi]
            first = lo + int(np.searchsorted(block, query[0], side="left"))
            last = lo + int(np.searchsorted(block, query[-1], side="right"))
            near = person[first:last]
            at = np.searchsorted(query, near)  # below len(query): no record is past the last
            kept = np.flatnonzero(query[at] == near)
            people.append(at[kept].astype(np.int32))
            kinds.append(np.full(len(kept), i, dtype=np.int16))
            days.append(day[first:last][kept])
        return _trusted_history(
            codes,
            np.concatenate(people),
            np.concatenate(kinds),
            np.concatenate(days),
            len(rows),
        )

    def copies(self) -> tuple[Arr, Arr, Arr]:
        """The three columns, copied out of the buffers."""
        return self.person.copy(), self.code.copy(), self.day.copy()

    # -- growth -------------------------------------------------------------------------

    def clear(self) -> None:
        """No records (the buffers are kept)."""
        self.n = 0
        self.offsets[:] = 0
        self.spans[:] = 0
        self.last_day = 0

    def add(self, person: Arr, code: Arr, day: Arr) -> None:
        """Add records given in any order (*code*: indices into ``codes``)."""
        if not len(person):
            return
        person, code, day = _sorted(person, code, day)
        first = int(day.min())
        if first < self.last_day:  # not all after the old ones: sort everything again
            self._resort(person, code, day)
        else:
            had = self.offsets[1:] > self.offsets[:-1]
            self._merge(person, code, day)
            self._widen(had, code, day)
        self.last_day = max(self.last_day, int(day.max()))

    def _widen(self, had: Arr, code: Arr, day: Arr) -> None:
        """Widen the day spans of the codes (*had*: those with records before) by the new
        records (sorted by code)."""
        new = code_offsets(code, len(self.codes))
        some = np.flatnonzero(new[1:] > new[:-1])
        low = np.minimum.reduceat(day, new[some]).astype(np.int64)
        high = np.maximum.reduceat(day, new[some]).astype(np.int64)
        old = had[some]
        spans = self.spans
        spans[0, some] = np.where(old, np.minimum(spans[0, some], low), low)
        spans[1, some] = np.where(old, np.maximum(spans[1, some], high), high)

    def _merge(self, person: Arr, code: Arr, day: Arr) -> None:
        """Insert sorted records that are all on or after every old one.

        Each new record goes after the old records of its code and person
        (found code by code, within the code's block); the old ones move up
        by the number of new records before them. The code column is written
        from the code offsets.
        """
        n, k = self.n, len(person)
        old = self.offsets
        new = code_offsets(code, len(self.codes))
        at = np.empty(k, dtype=np.int64)
        old_person = self.person
        for c in np.flatnonzero(new[1:] > new[:-1]).tolist():
            lo, hi = int(old[c]), int(old[c + 1])
            block = slice(int(new[c]), int(new[c + 1]))
            at[block] = lo + np.searchsorted(old_person[lo:hi], person[block], side="right")
        m = n + k
        where = at + np.arange(k)  # the new records' places among all
        offsets = old + new
        if self._owned and len(self._columns[0]) >= m:
            self._merge_chunks(self._columns, where, person, day, m)
            # the codes are runs, one per code, that only move up: a run's places below its
            # old end held its code already, the rest is written
            lows = np.maximum(offsets[:-1], old[1:]).tolist()
        else:  # the given columns, or a full buffer: merged into a new one
            columns = _columns(max(_capacity(m), self._room))
            self._merge_chunks(columns, where, person, day, m)
            self._columns, self._owned = columns, True
            lows = offsets[:-1].tolist()
        highs = offsets[1:].tolist()
        for c, (lo, hi) in enumerate(zip(lows, highs, strict=True)):
            if lo < hi:
                self._columns[1][lo:hi] = c
        self.n, self.offsets = m, offsets

    def _merge_chunks(
        self, out: tuple[Arr, Arr, Arr], where: Arr, person: Arr, day: Arr, m: int
    ) -> None:
        """Write the person and day columns of all *m* records into *out*: the old ones
        from ``self._columns`` (which may be *out*), the new ones at *where*.

        Chunk by chunk of the output, from the last, so that the new records are
        written where the old ones were just moved (still in cache), and so that
        in one buffer every old record is read before its place is written (old
        records only move up). Chunks before the first new record stay as they are.
        In one buffer a chunk is at most as long as the shift of its last old
        record, so that its old records are read from below it, not copied aside.
        """
        in_place = out is self._columns
        hi = m
        while hi > 0:
            last = int(np.searchsorted(where, hi))  # the new records before hi
            if in_place and last == 0:
                break  # no new record up to here: the old ones are in their places
            size = _CHUNK
            if in_place:  # no longer than the old ones move up: they come from below it
                size = min(_CHUNK, max(last, _SHORT))
            lo = max(hi - size, 0)
            first = int(np.searchsorted(where, lo))
            local = where[first:last] - lo
            keep = self._mask[: hi - lo]
            keep[:] = True
            keep[local] = False
            # the old records of the chunk: after those before it, less the new ones
            old_lo, old_hi = lo - first, hi - last
            for column, values in ((0, person), (2, day)):
                src = self._columns[column][old_lo:old_hi]
                if in_place and old_hi > lo:  # it overlaps the chunk: set aside first
                    src = self._moved[: old_hi - old_lo]
                    src[:] = self._columns[column][old_lo:old_hi]
                dst = out[column][lo:hi]
                dst[keep] = src
                dst[local] = values[first:last]
            hi = lo

    def _resort(self, person: Arr, code: Arr, day: Arr) -> None:
        p = np.concatenate([self.person, person])
        c = np.concatenate([self.code, code])
        d = np.concatenate([self.day, day])
        order = np.lexsort((d, p, c))
        m = len(order)
        if not self._owned or len(self._columns[0]) < m:
            self._columns, self._owned = _columns(_capacity(m)), True
        for dst, values in zip(self._columns, (p, c, d), strict=True):
            dst[:m] = values[order]
        self.n = m
        self.offsets = code_offsets(self.code, len(self.codes))
        self.spans = day_spans(self.offsets, self.day)


class Records:
    """The records of one task, in two parts: those given to ``simulate`` (``base``, read,
    never moved) and those of the run (``rest``, on or after them, merged month by month).

    Each month's records are merged only into the run's own (a fraction of
    the whole, growing from none), so the records given are not moved up
    every month. ``due_batch`` reads the two parts as they are (the history
    handed to it keeps the run's as its rest: ``keep_rest``); the records
    of some rows, and the columns at the end, are the two merged.
    """

    def __init__(self, history: History) -> None:
        self.codes = history.codes
        self.base = _Sorted(history)
        none = _trusted_history(
            self.codes, _EMPTY, _EMPTY.astype(np.int16), _EMPTY, history.persons
        )
        # room for the run's records of a year or so (pages are touched only as written)
        self.rest = _Sorted(none, room=len(history) // 2)

    @property
    def n(self) -> int:
        """How many records there are."""
        return self.base.n + self.rest.n

    @property
    def spans(self) -> Arr:
        """The first and last day of each code's records (``day_spans``)."""
        a, b = self.base.spans, self.rest.spans
        has_a = self.base.offsets[1:] > self.base.offsets[:-1]
        has_b = self.rest.offsets[1:] > self.rest.offsets[:-1]
        low = np.where(has_a, a[0], b[0])
        high = np.where(has_b, b[1], a[1])
        return np.stack([low, high])

    def _whole(self) -> tuple[Arr, Arr, Arr]:
        base = self.base.history(0)
        if not self.rest.n:
            return base.rec_person, base.rec_code, base.rec_day
        return merge_parts(base, self.rest.history(0))

    @property
    def person(self) -> Arr:
        return self._whole()[0]

    @property
    def code(self) -> Arr:
        return self._whole()[1]

    @property
    def day(self) -> Arr:
        return self._whole()[2]

    def history(self, persons: int) -> History:
        """The records as a history of *persons* people, the run's kept as its rest
        (``keep_rest``; views: valid until the next add)."""
        history = self.base.history(persons)
        if self.rest.n:
            keep_rest(history, self.rest.history(persons))
        return history

    def of_rows(self, codes: tuple[str, ...], rows: Arr) -> History:
        """The records of *codes* (in that order) of the people in *rows* (ascending), as a
        history of ``len(rows)`` people numbered from 0 in that order."""
        first = self.base.of_rows(codes, rows)
        if not self.rest.n:
            return first
        person, code, day = merge_parts(first, self.rest.of_rows(codes, rows))
        return _trusted_history(codes, person, code, day, len(rows))

    def copies(self) -> tuple[Arr, Arr, Arr]:
        """The three columns, copied out of the buffers."""
        person, code, day = self._whole()
        if not self.rest.n:
            return person.copy(), code.copy(), day.copy()
        return person, code, day

    def add(self, person: Arr, code: Arr, day: Arr) -> None:
        """Add records given in any order (*code*: indices into ``codes``)."""
        if not len(person):
            return
        if int(day.min()) < max(self.base.last_day, self.rest.last_day):
            # not all after the old ones: everything in one part, sorted again
            if self.rest.n:
                self.base.add(*self.rest.copies())
                self.rest.clear()
            self.base.add(person, code, day)
        else:
            self.rest.add(person, code, day)


def _sorted(person: Arr, code: Arr, day: Arr) -> tuple[Arr, Arr, Arr]:
    """Records sorted by (code, person, day), as int32, int16 and int32 columns.

    Equal records are interchangeable, so one sort of a packed key gives the
    order of ``np.lexsort((day, person, code))``.
    """
    person = person.astype(np.int64)
    code = code.astype(np.int64)
    day = day.astype(np.int64)
    d0 = int(day.min())
    day_bits = max(1, (int(day.max()) - d0).bit_length())
    person_bits = max(1, int(person.max()).bit_length())
    if _CODE_BITS + person_bits + day_bits > 63:  # pragma: no cover - beyond 2**40 people
        order = np.lexsort((day, person, code))
        return (
            person[order].astype(np.int32),
            code[order].astype(np.int16),
            day[order].astype(np.int32),
        )
    # the records come slot by slot, each slot's sorted: a stable sort (timsort) merges
    # those runs; any sort gives the same keys
    key = np.sort(
        (code << (person_bits + day_bits)) | (person << day_bits) | (day - d0), kind="stable"
    )
    return (
        ((key >> day_bits) & ((1 << person_bits) - 1)).astype(np.int32),
        (key >> (person_bits + day_bits)).astype(np.int16),
        ((key & ((1 << day_bits) - 1)) + d0).astype(np.int32),
    )

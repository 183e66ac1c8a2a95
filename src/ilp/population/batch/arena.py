"""Memory for the item columns ``due_batch`` writes itself, kept from one call to the next.

At a million people a call writes tens of megabytes of item columns (rows,
and the columns of slots emitted in pieces or with rows left out). Freed
when the caller lets go of a result, glibc hands those pages back to the
operating system and the next call takes them again, one page fault per
4 KiB (``docs/population.md``, Speed). So these columns are cut from
chunks that a :class:`Pool`, kept with the catalogue's plan, hands to the
next call once no result views them any more. Other memory of the process
is left alone: nothing here changes how the allocator works.

A result's arrays are views of a *lease* of each chunk it uses: an array
over the chunk's buffer whose views all lead back to it (NumPy's views
point at the array that lends the memory, here the lease, not the chunk).
While any view lives, so does the lease, and the chunk stays the result's;
once the lease is gone (a weak reference says so), the chunk is free.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Final

import numpy as np

from ilp.population._calendar import Arr

__all__ = ["Arena", "Pool"]

#: The smallest chunk, in items (a small population's columns fit in one).
MIN_CHUNK: Final = 1 << 12


class _Chunk:
    """A buffer and, while a call or a result uses it, the lease its columns are views of."""

    __slots__ = ("buffer", "call", "lease")

    def __init__(self, buffer: Arr) -> None:
        self.buffer = buffer
        self.lease: weakref.ReferenceType[Arr] | None = None
        #: The number of the last call that used it (:meth:`Pool.begin`).
        self.call = 0

    def free(self) -> bool:
        return self.lease is None or self.lease() is None


class Pool:
    """The chunks of past calls: each one free once no result views it.

    A chunk still viewed is kept only while it is the last call's (a caller
    that holds the last result while asking again): older ones are left to
    their results, so that the pool never holds more than two calls' worth.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._chunks: dict[np.dtype[Any], list[_Chunk]] = {}
        self._calls = 0

    @property
    def nbytes(self) -> int:
        """The bytes of the chunks kept, free or not."""
        with self._lock:
            return sum(c.buffer.nbytes for chunks in self._chunks.values() for c in chunks)

    def begin(self) -> int:
        """The number of a new call."""
        with self._lock:
            self._calls += 1
            return self._calls

    def take(self, dtype: np.dtype[Any], call: int) -> list[_Chunk]:
        """The free chunks of *dtype*, now call *call*'s."""
        free: list[_Chunk] = []
        busy: list[_Chunk] = []
        with self._lock:
            for chunk in self._chunks.get(dtype, []):
                if chunk.free():
                    free.append(chunk)
                elif chunk.call >= call - 1:
                    busy.append(chunk)
            self._chunks[dtype] = busy
        return free

    def give(self, dtype: np.dtype[Any], chunks: list[_Chunk], call: int) -> None:
        """Keep the *chunks* call *call* used, for later calls."""
        for chunk in chunks:
            chunk.call = call
        with self._lock:
            self._chunks.setdefault(dtype, []).extend(chunks)


class Arena:
    """Columns of one call, cut from the chunks of a :class:`Pool` (new ones when none fits)."""

    def __init__(self, pool: Pool, size: int) -> None:
        self._pool = pool
        self._call = pool.begin()
        self._size = max(size, MIN_CHUNK)
        self._spare: dict[np.dtype[Any], list[_Chunk]] = {}
        #: Per dtype, the chunks cut from in this call: each one's lease and how far it is used.
        self._used: dict[np.dtype[Any], list[tuple[_Chunk, Arr, list[int]]]] = {}

    def empty(self, n: int, dtype: type[np.generic]) -> Arr:
        """An uninitialised array of *n* items of *dtype*."""
        dt = np.dtype(dtype)
        used = self._used.setdefault(dt, [])
        # the first chunk with room (a column too long for one chunk's rest fits in another)
        found = next((u for u in used if u[2][0] + n <= len(u[1])), None)
        if found is None:
            found = (*self._next(dt, n), [0])
            used.append(found)
        _, lease, at = found
        start = at[0]
        at[0] = start + n
        return lease[start : start + n]

    def _next(self, dt: np.dtype[Any], n: int) -> tuple[_Chunk, Arr]:
        """A chunk of at least *n* items, from the pool when one is free, and its lease."""
        if dt not in self._spare:
            self._spare[dt] = self._pool.take(dt, self._call)
        spare = self._spare[dt]
        while spare and len(spare[0].buffer) < n:
            spare.pop(0)  # too small for this column: let it go
        chunk = spare.pop(0) if spare else _Chunk(np.empty(max(n, self._size), dtype=dt))
        # a lease that NumPy does not see through: views of it keep it alive
        lease: Arr = np.frombuffer(chunk.buffer.data, dtype=dt)
        chunk.lease = weakref.ref(lease)
        return chunk, lease

    def close(self) -> None:
        """Give the chunks used back to the pool; spare ones not needed go."""
        for dt, used in self._used.items():
            self._pool.give(dt, [chunk for chunk, _, _ in used], self._call)
        self._used.clear()
        self._spare.clear()

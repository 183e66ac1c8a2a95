"""Each slot's items as the rule kinds emit them, each column written once at its final size.

A kind emits a slot's items in one or more pieces (completed doses, then the
pending ones), each over some cohort rows with a mask of the rows listed.
:class:`Output` holds a slot's pieces until the slot is done (the next slot
is emitted, or the call ends: a kind emits one slot's pieces one after the
other), then makes each column once: the piece's own array when there is
one piece and nothing to leave out, one shared read-only broadcast when
every piece has one value (``given`` of items not given), else one array of
the slot's length that each piece is compressed into. No piece is
compressed into an array of its own first, and no pieces are concatenated.
A mask of a few long runs (a large cohort with a handful of rows left out)
is copied run by run, slice by slice; other masks are gathered at the
positions they keep.
"""

from __future__ import annotations

from typing import Final, NamedTuple

import numpy as np

from ilp.population._calendar import Arr
from ilp.population.batch.arena import Arena
from ilp.population.batch.result import SlotItems

__all__ = ["Output"]

#: A column of a piece: an array over the piece's rows, or one value for all of them.
Column = Arr | int
_DTYPES: Final = (np.int32, np.int8, np.int32, np.int32, np.int32, np.int32, np.int32)


def _frozen(values: Arr) -> Arr:
    view = values.view()
    view.setflags(write=False)
    return view


_EMPTY: Final = SlotItems(*(_frozen(np.zeros(0, dtype=t)) for t in _DTYPES))


class _Piece(NamedTuple):
    """Items of cohort rows: ``rows[sel][mask]`` and the columns at ``mask`` (None: all)."""

    n: int
    rows: Arr
    sel: Arr | None
    mask: Arr | None
    columns: tuple[Column, ...]  # status, earliest, recommended, overdue, latest, given


def _constant(pieces: list[_Piece], c: int) -> int | None:
    """The one value column *c* has in every piece, or None."""
    first = pieces[0].columns[c]
    if not isinstance(first, int):
        return None
    same = all(isinstance(x := p.columns[c], int) and x == first for p in pieces[1:])
    return first if same else None


#: The positions of a piece's kept items: None (all of them), their indices, or
#: the ``(start, stop)`` runs of them when the mask has few runs.
Kept = Arr | list[tuple[int, int]] | None

#: Fewest items per run for a mask to be copied run by run: a slice copy costs
#: about as much Python as a thousand items of a gather.
_RUN_ITEMS: Final = 2048
#: The first items of a mask looked at for many short runs before all of it is.
_HEAD: Final = 1 << 16


def _kept(mask: Arr | None) -> Kept:
    """The kept positions of *mask*: runs when they are few and long, else indices."""
    if mask is None:
        return None
    head = mask[:_HEAD]
    if len(mask) > _HEAD and np.count_nonzero(head[1:] != head[:-1]) >= _HEAD // _RUN_ITEMS:
        # many short runs in the first items already (a status left out here and there):
        # gathered, with no pass over the whole mask to find its runs
        return np.flatnonzero(mask)
    edges = np.flatnonzero(mask[1:] != mask[:-1]) + 1
    if len(edges) >= len(mask) // _RUN_ITEMS:
        return np.flatnonzero(mask)
    bounds = [0, *edges.tolist(), len(mask)]
    first = 0 if mask[0] else 1
    return [(bounds[i], bounds[i + 1]) for i in range(first, len(bounds) - 1, 2)]


def _take(values: Arr, at: Kept, out: Arr) -> None:
    """*values* at the positions *at* (all when None) written into *out*."""
    if at is None:
        np.copyto(out, values, casting="unsafe")
    elif isinstance(at, list):
        # a few long runs: slice copies, no index array read per item
        i = 0
        for start, stop in at:
            np.copyto(out[i : i + stop - start], values[start:stop], casting="unsafe")
            i += stop - start
    else:
        # positions are valid: "clip" only spares NumPy a buffered copy for the bounds check
        np.take(values, at, out=out, mode="clip")


def _rows(arena: Arena, pieces: list[_Piece], kept: list[Kept], n: int) -> Arr:
    """The caller's row numbers of the slot's items."""
    p = pieces[0]
    if len(pieces) == 1 and p.mask is None and p.sel is None:
        return p.rows  # every row of the cohort: its own (shared) array
    out = arena.empty(n, np.int32)
    at = 0
    for p, k in zip(pieces, kept, strict=True):
        if p.sel is None:
            _take(p.rows, k, out[at : at + p.n])
        else:
            # the rows at the kept positions of sel
            _take(p.rows, p.sel if k is None else _picked(p.sel, k), out[at : at + p.n])
        at += p.n
    return out


def _picked(sel: Arr, k: Arr | list[tuple[int, int]]) -> Arr:
    """*sel* at the kept positions *k*."""
    if isinstance(k, list):
        return np.concatenate([sel[:0], *(sel[start:stop] for start, stop in k)])
    return sel.take(k)


def _column(arena: Arena, pieces: list[_Piece], kept: list[Kept], c: int, n: int) -> Arr:
    """Column *c* of the slot's items."""
    dtype = _DTYPES[c + 1]
    value = _constant(pieces, c)
    if value is not None:
        # one shared value: a read-only broadcast, no memory per item
        return np.broadcast_to(dtype(value), (n,))
    first = pieces[0].columns[c]
    alone = len(pieces) == 1 and pieces[0].mask is None
    if alone and not isinstance(first, int) and first.dtype == dtype:
        return first  # the kind's own array, as it is
    out = arena.empty(n, dtype)
    at = 0
    for p, k in zip(pieces, kept, strict=True):
        x, part = p.columns[c], out[at : at + p.n]
        if isinstance(x, int):
            part.fill(x)
        else:
            _take(x, k, part)
        at += p.n
    return out


def _items(arena: Arena, pieces: list[_Piece]) -> SlotItems:
    n = sum(p.n for p in pieces)
    # the positions of the kept items, once per piece for all its columns
    kept = [_kept(p.mask) for p in pieces]
    columns = [_rows(arena, pieces, kept, n)]
    for c in range(6):
        if c == 2 and all(p.columns[2] is p.columns[1] for p in pieces):
            # recommended is earliest (most rules): one column for both
            columns.append(columns[-1])
        else:
            columns.append(_column(arena, pieces, kept, c, n))
    return SlotItems(*(_frozen(x) for x in columns))


class Output:
    """The items of every slot of one ``due_batch`` call, gathered from the kinds."""

    def __init__(self, slots: int, arena: Arena) -> None:
        self._arena = arena
        self._done: list[list[SlotItems]] = [[] for _ in range(slots)]
        self._slot = -1
        self._pieces: list[_Piece] = []

    def add(  # noqa: PLR0917 - internal: the columns of one piece, as Run.emit has them
        self,
        slot: int,
        rows: Arr,
        sel: Arr | None,
        mask: Arr | None,
        n: int,
        columns: tuple[Column, ...],
    ) -> None:
        """Add *n* items of *slot*: the *rows* at *sel* (None: all) where *mask* says.

        *columns* are status, earliest, recommended, overdue, latest and
        given, each an array over ``rows[sel]`` or one value; their arrays
        are read when the slot is done, so they must not change until then.
        """
        if slot != self._slot:
            self._close()
            self._slot = slot
        self._pieces.append(_Piece(n, rows, sel, mask, columns))

    def _close(self) -> None:
        if self._pieces:
            self._done[self._slot].append(_items(self._arena, self._pieces))
            self._pieces = []

    def slots(self) -> tuple[SlotItems, ...]:
        """Every slot's items (the call is done: nothing more is added)."""
        self._close()
        out = tuple(_join(parts) for parts in self._done)
        self._arena.close()
        return out


def _join(parts: list[SlotItems]) -> SlotItems:
    """One slot's items from the groups of pieces it was emitted in (normally one)."""
    if not parts:
        return _EMPTY
    if len(parts) == 1:
        return parts[0]
    names = ("rows", "status", "earliest", "recommended", "overdue", "latest", "given")
    return SlotItems(
        *(_frozen(np.concatenate([getattr(p, name) for p in parts])) for name in names)
    )

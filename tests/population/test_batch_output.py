"""due_batch's Output: a slot's pieces written into its columns, whatever shape their masks have."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from ilp.population.batch.arena import Arena, Pool
from ilp.population.batch.output import Output

NAMES = ("rows", "status", "earliest", "recommended", "overdue", "latest", "given")
Arr = npt.NDArray[Any]


def _mask(rng: np.random.Generator, m: int, runs: int) -> Arr:
    """A mask of *m* rows flipping *runs* - 1 times (few long runs, or many short ones)."""
    flips = np.zeros(m, dtype=np.int8)
    flips[rng.choice(np.arange(1, m), size=runs - 1, replace=False)] = 1
    start = rng.integers(2)
    return np.asarray((np.cumsum(flips) + start) % 2 == 1)


def _piece(rng: np.random.Generator, m: int, runs: int | None, *, sel: bool) -> dict[str, Any]:
    rows = rng.permutation(3 * m if sel else m).astype(np.int32)
    at = np.sort(rng.choice(len(rows), size=m, replace=False)) if sel else None
    mask = None if runs is None else _mask(rng, m, runs)
    columns = (
        rng.integers(0, 5, m).astype(np.int8),
        rng.integers(0, 9999, m).astype(np.int32),
        rng.integers(0, 9999, m).astype(np.int64),  # a kind's int64 day, cast as it is written
        7,
        rng.integers(0, 9999, m).astype(np.int32),
        rng.integers(0, 9999, m).astype(np.int32),
    )
    return {"rows": rows, "sel": at, "mask": mask, "columns": columns}


def _expected(pieces: list[dict[str, Any]]) -> list[Arr]:
    """The slot's columns made the plain way: each piece compressed, then joined."""
    parts: list[list[Arr]] = [[] for _ in NAMES]
    for p in pieces:
        rows = p["rows"] if p["sel"] is None else p["rows"][p["sel"]]
        m = len(rows)
        keep = np.ones(m, dtype=np.bool_) if p["mask"] is None else p["mask"]
        parts[0].append(rows[keep])
        for c, x in enumerate(p["columns"]):
            parts[c + 1].append((np.full(m, x) if isinstance(x, int) else x)[keep])
    dtypes = (np.int32, np.int8, np.int32, np.int32, np.int32, np.int32, np.int32)
    return [np.concatenate(x).astype(t) for x, t in zip(parts, dtypes, strict=True)]


@pytest.mark.parametrize("sel", [False, True])
@pytest.mark.parametrize("shape", [(None,), (1,), (2,), (3,), (40,), (5000,), (3, 2000, None)])
def test_pieces_are_written_as_their_masks_keep_them(
    sel: bool, shape: tuple[int | None, ...]
) -> None:
    """Masks of few long runs (copied run by run) or many short ones (gathered) give the same."""
    rng = np.random.default_rng(len(shape) * 100 + (shape[0] or 0) + sel)
    pieces = [_piece(rng, 20_000, runs, sel=sel) for runs in shape]
    output = Output(1, Arena(Pool(), 1000))
    for p in pieces:
        n = len(p["columns"][0]) if p["mask"] is None else int(np.count_nonzero(p["mask"]))
        output.add(0, p["rows"], p["sel"], p["mask"], n, p["columns"])
    (items,) = output.slots()
    for name, want in zip(NAMES, _expected(pieces), strict=True):
        got = getattr(items, name)
        assert got.dtype == want.dtype, name
        assert np.array_equal(got, want), name

"""Splitting a register CSV file into columns of distinct cells, with pyarrow.

:func:`table` reads one file of a register folder as its columns: each a
:class:`Column`, the index of every row's cell into the column's distinct
(stripped) cells, or the day numbers themselves for a date column pyarrow
reads as dates. A file the split is not sure of (quotes, NUL bytes, bare
carriage returns, rows not as long as the header) is split by the
reference reader's ``csv`` reading instead; a file it cannot take at all
raises :class:`Decline`, and :mod:`ilp._register_columns` then leaves the
folder to the reference reader (:mod:`ilp._register_csv`).
"""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from ilp._register_csv import csv_rows
from ilp._yaml import SIZE_LIMITS
from ilp.dates import FIRST_DATE, LAST_DATE
from ilp.errors import ILPError

__all__ = ["Column", "Decline", "days_of", "indices", "iso_days", "split_days", "table"]

_NONE: Final[frozenset[str]] = frozenset()
_NO_ROWS: Final = np.zeros(0, dtype=np.int64)


class Decline(Exception):  # noqa: N818 - a signal, not an error
    """The fast path does not take this folder: the reference reader reads it."""


# -- splitting a file into columns of distinct cells


@attrs.frozen
class Column:
    """A column as the index of each row's cell into ``values``, its distinct stripped cells."""

    index: npt.NDArray[np.int64]
    values: list[str]
    #: Each row's day number when pyarrow read the column as dates (index and values empty).
    read: npt.NDArray[np.int32] | None = None

    def convert(self, make: Callable[[str], Any], dtype: Any = object) -> npt.NDArray[Any]:
        """Each row's cell through *make* (called once per distinct cell)."""
        made = [make(v) for v in self.values]
        if dtype is object:
            table = np.empty(len(made), dtype=object)
            table[:] = made
        else:
            table = np.array(made, dtype=dtype)
        out: npt.NDArray[Any] = table[self.index]
        return out

    def days(self, make: Callable[[str], int]) -> npt.NDArray[np.integer[Any]]:
        """Each row's date cell as a day number: plain ISO dates at once, any other by *make*."""
        if self.read is not None:
            return self.read
        found, read = iso_days(self.values)
        for k in np.flatnonzero(~read).tolist():
            found[k] = make(self.values[k])
        out: npt.NDArray[np.int64] = found[self.index]
        return out

    def cells(self) -> list[str]:
        """Each row's stripped cell."""
        values = self.values
        return [values[i] for i in self.index.tolist()]


def table(
    path: Path, required: frozenset[str], optional: frozenset[str], dates: frozenset[str] = _NONE
) -> tuple[dict[str, Column], int]:
    """The columns of *path* (absent ones left out) and the number of rows.

    The columns named in *dates* are read by pyarrow as dates when every cell
    is one (:func:`split_days`), else as text like the others.
    """
    data = _read_bytes(path)
    if (
        b'"' in data
        or b"\x00" in data
        or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n"))
    ):
        return _python_table(path, required, optional)
    end = data.find(b"\n")
    first = data if end < 0 else data[:end]
    try:
        header = [h.strip() for h in first.decode("utf-8").split(",")]
    except UnicodeDecodeError:
        raise Decline from None
    if (
        not set(header) <= required | optional
        or len(set(header)) != len(header)
        or not required <= set(header)
    ):
        raise Decline
    dated = {k for k, h in enumerate(header) if h in dates}
    raw = split_days(data, len(header), dated) if dated and end >= 0 else None
    if raw is None:
        dated = set()
        raw = _split(data, len(header)) if end >= 0 else [[] for _ in header]
    if raw is None:  # rows pyarrow does not split as the header says: csv's reading decides
        return _python_table(path, required, optional)
    pc = importlib.import_module("pyarrow.compute")

    columns: dict[str, Column] = {}
    for k, (name, cells) in enumerate(zip(header, raw, strict=True)):
        if k in dated:
            columns[name] = Column(_NO_ROWS, [], days_of(cells))
        elif len(cells):
            columns[name] = _encoded(pc, cells)
        else:
            columns[name] = Column(_NO_ROWS, [])
    rows = len(raw[0]) if raw else 0
    blank = _blank(list(columns.values()))
    if blank is not None and blank.any():  # a line of empty cells: skipped, as csv does
        keep = np.flatnonzero(~blank)
        columns = {k: _used(c.index[keep], c.values) for k, c in columns.items()}
        rows = len(keep)
    for name in required:
        if "" in columns[name].values and np.any(
            columns[name].index == columns[name].values.index("")
        ):
            raise Decline
    return columns, rows


def _blank(columns: list[Column]) -> npt.NDArray[np.bool_] | None:
    """Per row, whether every cell is empty; None when none can be (a column has no empty cell)."""
    if not columns or any("" not in c.values for c in columns):
        return None
    blank = np.ones(len(columns[0].index), dtype=np.bool_)
    for c in columns:
        blank &= np.array([not v for v in c.values], dtype=np.bool_)[c.index]
    return blank


def _encoded(pc: Any, cells: Any) -> Column:
    """A pyarrow column of text (in chunks) as a Column: one dictionary of its distinct cells.

    pyarrow encodes the chunks with one dictionary, the same for each; the
    chunks are not first copied into one array (the file's text again).
    """
    chunks = pc.dictionary_encode(cells).chunks
    dictionary = chunks[-1].dictionary
    if any(not c.dictionary.equals(dictionary) for c in chunks[:-1]):  # pragma: no cover
        chunks = [pc.dictionary_encode(cells.combine_chunks())]  # never seen: one array
        dictionary = chunks[0].dictionary
    values = [v.strip() for v in dictionary.to_pylist()]
    index = np.concatenate([_view(c.indices) for c in chunks], dtype=np.int64)
    return Column(index, values)


def indices(array: Any) -> npt.NDArray[np.int64]:
    """A pyarrow integer array without nulls, read from its buffer (to_numpy imports pandas)."""
    return _view(array).astype(np.int64)


def _view(array: Any) -> npt.NDArray[np.signedinteger[Any]]:
    """A pyarrow integer array without nulls as a NumPy view of its buffer (no copy)."""
    if array.null_count:
        raise Decline
    width = array.type.bit_width // 8
    found: npt.NDArray[np.signedinteger[Any]] = np.frombuffer(
        array.buffers()[1], np.dtype(f"i{width}"), len(array), array.offset * width
    )
    return found


def _python_table(
    path: Path, required: frozenset[str], optional: frozenset[str]
) -> tuple[dict[str, Column], int]:
    """The columns of *path* split by the reference reader (quoted cells, short rows)."""
    try:
        rows = [row for _, row in csv_rows(path, required, optional)]
    except ILPError:
        raise Decline from None
    columns = {}
    for name in required | optional:
        where: dict[str, int] = {}
        index = [where.setdefault(row.get(name, ""), len(where)) for row in rows]
        columns[name] = Column(np.array(index, dtype=np.int64), list(where))
    return columns, len(rows)


def _used(index: npt.NDArray[np.int64], values: list[str]) -> Column:
    """The column of the cells *index* picks, with only the distinct cells it uses."""
    used = np.unique(index)
    return Column(np.searchsorted(used, index), [values[u] for u in used.tolist()])


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > SIZE_LIMITS["register CSV file"]:
                raise Decline
            return fh.read()
    except OSError:
        raise Decline from None


def split_days(data: bytes, width: int, dated: set[int]) -> list[Any] | None:
    """:func:`_split`, the columns *dated* as pyarrow dates; None unless each of their cells
    is a date in ``FIRST_DATE``-``LAST_DATE``.

    pyarrow reads a date from ``YYYY-MM-DD`` alone, a date that exists: what
    :func:`ilp.dates.as_date` reads, the range apart
    (``tests/fuzz/test_register_columns.py`` compares them). An empty cell is
    a null: None, and the file is read as text.
    """
    pa = importlib.import_module("pyarrow")
    raw = _split(data, width, {k: pa.date32() for k in dated})
    if raw is None:
        return None
    for k in dated:
        if raw[k].null_count:
            return None
        days = days_of(raw[k])
        if len(days) and (days.min() < _FIRST_DAY or days.max() > _LAST_DAY):
            return None
    return raw


def days_of(column: Any) -> npt.NDArray[np.int32]:
    """The day numbers of a pyarrow date32 column (in chunks) without nulls, from its buffers."""
    parts = [np.frombuffer(c.buffers()[1], np.int32, len(c), c.offset * 4) for c in column.chunks]
    days = np.concatenate(parts) if parts else np.zeros(0, np.int32)
    found: npt.NDArray[np.int32] = days + np.int32(_EPOCH)  # in range: no overflow
    return found


def _split(data: bytes, width: int, types: dict[int, Any] | None = None) -> list[Any] | None:
    """The body of *data* (after the header line) as *width* pyarrow text columns, or None.

    The columns in *types* take the type given there instead.
    """
    pa = importlib.import_module("pyarrow")
    pcsv = importlib.import_module("pyarrow.csv")

    names = [f"c{i}" for i in range(width)]
    kinds = {n: (types or {}).get(i, pa.string()) for i, n in enumerate(names)}
    try:
        table = pcsv.read_csv(
            pa.BufferReader(data),
            # one thread: pyarrow's pool, first used, faults fresh memory per thread
            # (0.2 to 1.5 CPU-s of system time in a new process) for a split of 0.1 s
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1, use_threads=False),
            parse_options=pcsv.ParseOptions(
                quote_char=False, newlines_in_values=False, ignore_empty_lines=True
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=kinds,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    return [table.column(n) for n in names]


#: The day number of 1970-01-01 (NumPy's datetime64 epoch).
_EPOCH: Final = 719_163
_FIRST_DAY: Final = FIRST_DATE.toordinal()
_LAST_DAY: Final = LAST_DATE.toordinal()
#: The places of the digits in ``YYYY-MM-DD``, and the weights that make year, month and day.
_DIGITS: Final = [0, 1, 2, 3, 5, 6, 8, 9]
_WEIGHTS: Final = np.array(
    [[1000, 100, 10, 1, 0, 0, 0, 0], [0, 0, 0, 0, 10, 1, 0, 0], [0, 0, 0, 0, 0, 0, 10, 1]]
).T


def iso_days(values: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Each of *values* as a day number, and whether it was read.

    A value is read when it is ``YYYY-MM-DD`` in ASCII digits, a date that
    exists, from ``FIRST_DATE`` to ``LAST_DATE``: exactly the dates
    :func:`ilp.dates.as_date` reads from stripped text, read to the same day
    (``tests/fuzz/test_register_columns.py`` compares them). The others
    (empty, other forms, refused) are left to the field's converter.
    """
    n = len(values)
    length = np.fromiter(map(len, values), dtype=np.int64, count=n)
    chars = np.array(values, dtype="U10").view(np.uint32).reshape(n, 10).astype(np.int64)
    digits = chars[:, _DIGITS] - ord("0")
    read = (length == 10) & (chars[:, 4] == ord("-")) & (chars[:, 7] == ord("-"))
    read &= np.all((digits >= 0) & (digits <= 9), axis=1)
    year, month, day = (digits @ _WEIGHTS).T
    read &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    months = np.where(read, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first = months.astype("datetime64[D]").astype(np.int64)
    found = first + np.where(read, day, 1) - 1 + _EPOCH
    read &= found < (months + 1).astype("datetime64[D]").astype(np.int64) + _EPOCH
    read &= (found >= _FIRST_DAY) & (found <= _LAST_DAY)
    return found, read

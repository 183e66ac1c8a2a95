"""Reading a CSV register folder straight into columns (:class:`~ilp.population.ColumnRegister`).

:func:`read_csv_columns` gives what ``ColumnRegister.from_register(
read_csv_register(folder))`` gives, without making a
:class:`~ilp.people.Person` or :class:`~ilp.people.ServiceRecord` per row:
pyarrow's CSV reader splits the files (extra ``ilp[parquet]``), each
column's distinct cells are checked once by the very converters and
validators of the people's fields, and the rows take the checked values
through NumPy. It takes the files it is sure to read as the reference
reader (:mod:`ilp._register_csv`) reads them: no quote characters, no bare
carriage returns, every row as long as the header. Anything else, and any
cell the checks refuse, goes to the reference reader, which reads the
folder again and raises the error it raises there (file, line and column
named). So both readers give equal columns or the same error; a Hypothesis
property in ``tests/properties/test_register_columns.py`` holds them to it.
"""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from ilp._register_csv import (
    CSV_FILES,
    FLAGS,
    KK_NUMBER,
    PERSON_COLUMNS,
    csv_rows,
    flag,
    int_cell,
    read_csv_register,
)
from ilp._yaml import SIZE_LIMITS
from ilp.dates import FIRST_DATE, LAST_DATE, from_day
from ilp.errors import ILPError, PopulationError
from ilp.people import Family, Household, Member, Person, Pregnancy, Relation, ServiceRecord
from ilp.population import NO_DAY, ColumnRegister, History, Population
from ilp.population.columns import CONDITIONS, OUTCOMES, RELATIONS, SEX_CODES, SEXES

__all__ = ["read_csv_columns"]

_ACTIVE: Final = {None: -1, False: 0, True: 1}
_HEAD: Final = RELATIONS.index(Relation.HEAD)
_NOWHERE: Final = Path("-")
#: An empty whole-number cell (int_cell reads at most 9 digits: never this).
_EMPTY: Final = -(2**40)


_NONE: Final[frozenset[str]] = frozenset()
_NO_ROWS: Final = np.zeros(0, dtype=np.int64)


class _Decline(Exception):  # noqa: N818 - a signal, not an error
    """The fast path does not take this folder: the reference reader reads it."""


def read_csv_columns(folder: Path) -> ColumnRegister:
    """The CSV register in *folder* as columns (see :func:`ilp.files.read_register_columns`)."""
    try:
        importlib.import_module("pyarrow")  # the optional fast path
    except ImportError:
        return reference_columns(folder)
    try:
        return _Reader(folder).register()
    except _Decline:
        return reference_columns(folder)


def reference_columns(folder: Path) -> ColumnRegister:
    """The columns through the reference reader: one Person and record per row."""
    return ColumnRegister.from_register(read_csv_register(folder))


# -- splitting a file into columns of distinct cells


@attrs.frozen
class _Column:
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
        found, read = _iso_days(self.values)
        for k in np.flatnonzero(~read).tolist():
            found[k] = make(self.values[k])
        out: npt.NDArray[np.int64] = found[self.index]
        return out

    def cells(self) -> list[str]:
        """Each row's stripped cell."""
        values = self.values
        return [values[i] for i in self.index.tolist()]


def _table(
    path: Path, required: frozenset[str], optional: frozenset[str], dates: frozenset[str] = _NONE
) -> tuple[dict[str, _Column], int]:
    """The columns of *path* (absent ones left out) and the number of rows.

    The columns named in *dates* are read by pyarrow as dates when every cell
    is one (:func:`_split_days`), else as text like the others.
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
        raise _Decline from None
    if (
        not set(header) <= required | optional
        or len(set(header)) != len(header)
        or not required <= set(header)
    ):
        raise _Decline
    dated = {k for k, h in enumerate(header) if h in dates}
    raw = _split_days(data, len(header), dated) if dated and end >= 0 else None
    if raw is None:
        dated = set()
        raw = _split(data, len(header)) if end >= 0 else [[] for _ in header]
    if raw is None:  # rows pyarrow does not split as the header says: csv's reading decides
        return _python_table(path, required, optional)
    pc = importlib.import_module("pyarrow.compute")

    columns: dict[str, _Column] = {}
    for k, (name, cells) in enumerate(zip(header, raw, strict=True)):
        if k in dated:
            columns[name] = _Column(_NO_ROWS, [], _days_of(cells))
        elif len(cells):
            columns[name] = _encoded(pc, cells)
        else:
            columns[name] = _Column(_NO_ROWS, [])
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
            raise _Decline
    return columns, rows


def _blank(columns: list[_Column]) -> npt.NDArray[np.bool_] | None:
    """Per row, whether every cell is empty; None when none can be (a column has no empty cell)."""
    if not columns or any("" not in c.values for c in columns):
        return None
    blank = np.ones(len(columns[0].index), dtype=np.bool_)
    for c in columns:
        blank &= np.array([not v for v in c.values], dtype=np.bool_)[c.index]
    return blank


def _encoded(pc: Any, cells: Any) -> _Column:
    """A pyarrow column of text (in chunks) as a _Column: one dictionary of its distinct cells.

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
    return _Column(index, values)


def _indices(array: Any) -> npt.NDArray[np.int64]:
    """A pyarrow integer array without nulls, read from its buffer (to_numpy imports pandas)."""
    return _view(array).astype(np.int64)


def _view(array: Any) -> npt.NDArray[np.signedinteger[Any]]:
    """A pyarrow integer array without nulls as a NumPy view of its buffer (no copy)."""
    if array.null_count:
        raise _Decline
    width = array.type.bit_width // 8
    found: npt.NDArray[np.signedinteger[Any]] = np.frombuffer(
        array.buffers()[1], np.dtype(f"i{width}"), len(array), array.offset * width
    )
    return found


def _python_table(
    path: Path, required: frozenset[str], optional: frozenset[str]
) -> tuple[dict[str, _Column], int]:
    """The columns of *path* split by the reference reader (quoted cells, short rows)."""
    try:
        rows = [row for _, row in csv_rows(path, required, optional)]
    except ILPError:
        raise _Decline from None
    columns = {}
    for name in required | optional:
        where: dict[str, int] = {}
        index = [where.setdefault(row.get(name, ""), len(where)) for row in rows]
        columns[name] = _Column(np.array(index, dtype=np.int64), list(where))
    return columns, len(rows)


def _used(index: npt.NDArray[np.int64], values: list[str]) -> _Column:
    """The column of the cells *index* picks, with only the distinct cells it uses."""
    used = np.unique(index)
    return _Column(np.searchsorted(used, index), [values[u] for u in used.tolist()])


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > SIZE_LIMITS["register CSV file"]:
                raise _Decline
            return fh.read()
    except OSError:
        raise _Decline from None


def _split_days(data: bytes, width: int, dated: set[int]) -> list[Any] | None:
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
        days = _days_of(raw[k])
        if len(days) and (days.min() < _FIRST_DAY or days.max() > _LAST_DAY):
            return None
    return raw


def _days_of(column: Any) -> npt.NDArray[np.int32]:
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


# -- checking distinct cells with the fields' own converters and validators


def _checked(check: Callable[[str], Any]) -> Callable[[str], Any]:
    """*check* with any ILPError turned into a decline (the reference reader names it)."""

    def run(value: str) -> Any:
        try:
            return check(value)
        except ILPError:
            raise _Decline from None

    return run


def _validator(cls: type[Any], field: str) -> Callable[[str], str | None]:
    """A cell checked by *cls*'s validator of *field*; the empty cell is None."""
    attribute = getattr(attrs.fields(cls), field)
    validate = attribute.validator

    def check(value: str) -> str | None:
        if not value:
            return None
        validate(None, attribute, value)
        return value

    return _checked(check)


def _text(value: str) -> str | None:
    """A text cell, not checked here; the empty cell is None."""
    return value or None


def _convert_of(cls: type[Any], field: str) -> Callable[[Any], Any]:
    """*cls*'s converter of *field*."""
    convert: Callable[[Any], Any] = getattr(attrs.fields(cls), field).converter
    return convert


def _converter(cls: type[Any], field: str) -> Callable[[str], Any]:
    """A cell through *cls*'s converter of *field*; the empty cell is None."""
    convert = _convert_of(cls, field)
    return _checked(lambda value: None if not value else convert(value))


def _day(cls: type[Any], field: str) -> Callable[[str], int]:
    """A date cell as its day number (:data:`NO_DAY` when empty)."""
    convert = _converter(cls, field)

    def day(value: str) -> int:
        date = convert(value)
        return NO_DAY if date is None else int(date.toordinal())

    return day


#: The day number of 1970-01-01 (NumPy's datetime64 epoch).
_EPOCH: Final = 719_163
_FIRST_DAY: Final = FIRST_DATE.toordinal()
_LAST_DAY: Final = LAST_DATE.toordinal()
#: The places of the digits in ``YYYY-MM-DD``, and the weights that make year, month and day.
_DIGITS: Final = [0, 1, 2, 3, 5, 6, 8, 9]
_WEIGHTS: Final = np.array(
    [[1000, 100, 10, 1, 0, 0, 0, 0], [0, 0, 0, 0, 10, 1, 0, 0], [0, 0, 0, 0, 0, 0, 10, 1]]
).T


def _iso_days(values: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
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


def _flag(column: str) -> Callable[[str], int]:
    return _checked(lambda value: _ACTIVE[flag(value or None, _NOWHERE, 0, column)])


def _whole(column: str) -> Callable[[str], int]:
    """A whole-number cell (:data:`_EMPTY` when empty)."""

    def whole(value: str) -> int:
        found = int_cell(value or None, _NOWHERE, 0, column)
        return _EMPTY if found is None else found

    return _checked(whole)


# -- the files


class _Reader:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.paths = [folder / n for n in CSV_FILES]

    def register(self) -> ColumnRegister:
        families = self._households()
        people = self._people(families)
        return self._records(families, people)

    # -- households.csv

    def _households(self) -> dict[str, Any]:
        optional = frozenset({"address", "residence", *FLAGS})
        cols, rows = _table(self.paths[0], frozenset({"kk_number"}), optional)
        kk = cols["kk_number"]
        if any(KK_NUMBER.fullmatch(v) is None for v in kk.values):
            raise _Decline
        numbers = kk.cells()
        if len(set(numbers)) != rows:
            raise _Decline  # the reference names the second line of a card number
        facts = [
            cols[k].convert(_flag(k), np.int8) if k in cols else np.full(rows, -1, np.int8)
            for k in FLAGS
        ]
        back = {-1: None, 0: False, 1: True}
        made: dict[tuple[int, ...], Household] = {}
        households = []
        for key in zip(*(f.tolist() for f in facts), strict=True) if facts else []:
            found = made.get(key)
            if found is None:
                found = made[key] = Household(
                    **{k: back[v] for k, v in zip(FLAGS, key, strict=True)}
                )
            households.append(found)

        def text(name: str, field: str) -> list[str | None]:
            if name not in cols:
                return [None] * rows
            found: list[str | None] = cols[name].convert(_validator(Family, field)).tolist()
            return found

        return {
            "kk": numbers,
            "row": {k: i for i, k in enumerate(numbers)},
            "households": households,
            "residence": text("residence", "residence"),
            "address": text("address", "address"),
        }

    # -- people.csv and pregnancies.csv

    def _people(self, families: dict[str, Any]) -> dict[str, Any]:
        required = frozenset({"person_id", "kk_number", "relation", "sex", "birth_date"})
        cols, rows = _table(self.paths[1], required, PERSON_COLUMNS)
        row_of = families["row"]
        if any(v not in row_of for v in cols["kk_number"].values if v):
            raise _Decline
        family = cols["kk_number"].convert(lambda v: row_of[v], np.int64)
        order = np.argsort(family, kind="stable")  # members by family card, in file order
        ids = cols["person_id"].convert(_text)[order]  # checked by ColumnRegister
        if len(set(ids.tolist())) != rows:
            raise _Decline
        relation = cols["relation"].convert(
            _checked(lambda v: RELATIONS.index(_convert_of(Member, "relation")(v))),
            np.int8,
        )[order]
        heads = np.bincount(family[order][relation == _HEAD], minlength=len(row_of))
        if np.any(heads != 1):
            raise _Decline
        p = _PersonColumns(cols, rows)
        p.take(order)
        pregnancies = self._pregnancies({pid: i for i, pid in enumerate(ids.tolist())}, p)
        return {
            "ids": ids,
            "family": family[order],
            "relation": relation,
            "columns": p,
            "pregnancies": pregnancies,
        }

    def _pregnancies(
        self, row_of: dict[str, int], p: _PersonColumns
    ) -> list[tuple[int, Pregnancy]]:
        path = self.paths[2]
        if not path.exists():
            return []
        optional = frozenset({"edd", "delivery_date", "outcome", "in_facility"})
        cols, rows = _table(path, frozenset({"person_id", "lmp"}), optional)
        none = [""] * rows
        cells = {k: c.cells() for k, c in cols.items()}
        fields = [(f, cells.get(f, none)) for f in ("lmp", "edd", "delivery_date", "outcome")]
        facilities = cells.get("in_facility", none)
        found: dict[int, list[Pregnancy]] = {}
        for k in range(rows):
            data: dict[str, Any] = {f: column[k] for f, column in fields if column[k]}
            facility = facilities[k]
            row = row_of.get(cells["person_id"][k])
            if row is None:
                raise _Decline
            try:
                data["in_facility"] = flag(facility or None, _NOWHERE, 0, "in_facility")
                found.setdefault(row, []).append(Pregnancy.from_mapping(data))
            except ILPError:
                raise _Decline from None
        out = []
        for row, pregs in sorted(found.items()):
            person = p.check_pregnancies(row, pregs)
            out += [(row, q) for q in person.pregnancies]
        return out

    # -- records.csv

    def _records(self, families: dict[str, Any], people: dict[str, Any]) -> ColumnRegister:
        p: _PersonColumns = people["columns"]
        population = p.population(people["ids"], people["pregnancies"])
        n = len(population)
        path = self.paths[3]
        if path.exists():
            optional = frozenset({"place", "provider", "result", "value"})
            required = frozenset({"person_id", "code", "date"})
            cols, k = _table(path, required, optional, frozenset({"date"}))
            row_of = {pid: i for i, pid in enumerate(people["ids"].tolist())}
            if any(v not in row_of for v in cols["person_id"].values if v):
                raise _Decline
            person = cols["person_id"].convert(lambda v: row_of[v], np.int32)
            code_col = cols["code"]
            _ = [_validator(ServiceRecord, "code")(v) for v in code_col.values]
            day = cols["date"].days(_day(ServiceRecord, "date"))
            extra = {
                name: cols[name].convert(_validator(ServiceRecord, name))
                for name in ("place", "provider", "result")
                if name in cols
            }
            value = (
                cols["value"].convert(_number, np.float64)
                if "value" in cols
                else np.full(k, np.nan)
            )
            death = population.death[person]
            if np.any(day < population.birth[person]) or np.any((death != NO_DAY) & (day > death)):
                raise _Decline  # the reference's Population.from_people names the record
            codes = sorted(set(code_col.values))
            small = np.int16 if len(codes) <= np.iinfo(np.int16).max else np.int64
            rank: _Ints = np.array([codes.index(c) for c in code_col.values] or [0], small)
            code: _Ints = rank[code_col.index] if k else np.zeros(0, small)
            order = _record_order(code, person, day, len(codes))
            history = History(  # the columns in their own dtypes where they are (no copy)
                tuple(codes),
                person[order].astype(np.int32, copy=False),
                code[order].astype(np.int16, copy=False),
                day[order].astype(np.int32, copy=False),
                n,
            )
            value = value if "value" not in cols else value[order]
            extra = {x: v[order] for x, v in extra.items()}
        else:
            history = History.empty(population)
            value = np.zeros(0, np.float64)
            extra = {}
        none = np.full(len(history), None, dtype=object)
        texts: dict[str, npt.NDArray[Any]] = {
            x: extra.get(x, none) for x in ("place", "provider", "result")
        }
        try:
            return self._columns(families, people, population, history, value, texts)
        except PopulationError:  # an id, name, NIK or area ColumnRegister refuses
            raise _Decline from None

    @staticmethod
    def _columns(  # noqa: PLR0917 - internal: the parts read
        families: dict[str, Any],
        people: dict[str, Any],
        population: Population,
        history: History,
        value: npt.NDArray[np.float64],
        extra: Mapping[str, npt.NDArray[Any]],
    ) -> ColumnRegister:
        p: _PersonColumns = people["columns"]
        return ColumnRegister(
            population,
            history,
            people["family"].astype(np.int32),
            people["relation"],
            p.names,
            p.niks,
            tuple(families["kk"]),
            tuple(families["households"]),
            tuple(families["residence"]),
            tuple(families["address"]),
            value,
            extra["place"],
            extra["provider"],
            extra["result"],
        )


_Ints = npt.NDArray[np.integer[Any]]


def _record_order(code: _Ints, person: _Ints, day: _Ints, codes: int) -> npt.NDArray[np.intp]:
    """``np.lexsort((day, person, code))``; when the file lists each person's records together
    in date order (as usual), the same by a stable sort of the codes alone (about 10x faster)."""
    same = person[1:] == person[:-1]
    if codes <= np.iinfo(np.int16).max and bool(
        np.all((person[1:] > person[:-1]) | (same & (day[1:] >= day[:-1])))
    ):
        return np.argsort(code.astype(np.int16), kind="stable")
    return np.lexsort((day, person, code))


_PERSON_ARRAYS: Final = (
    *("sex", "birth", "death", "names", "niks"),
    *("residence", "conditions", "grade", "year", "active"),
)


class _PersonColumns:
    """The checked person columns of ``people.csv``, in file order until :meth:`take`."""

    def __init__(self, cols: dict[str, _Column], rows: int) -> None:
        def opt(name: str, make: Callable[[str], Any], dtype: Any, empty: Any) -> Any:
            if name in cols:
                return cols[name].convert(make, dtype)
            return np.full(rows, empty, dtype=dtype)

        self.sex = cols["sex"].convert(
            _checked(lambda v: SEX_CODES[_convert_of(Person, "sex")(v)]), np.int8
        )
        self.birth = cols["birth_date"].days(_day(Person, "birth_date"))
        self.death = (
            cols["death_date"].days(_day(Person, "death_date"))
            if "death_date" in cols
            else np.full(rows, NO_DAY, dtype=np.int64)
        )
        # the texts are checked once, by ColumnRegister (a refusal declines)
        self.names = opt("name", _text, object, None)
        self.niks = opt("nik", _text, object, None)
        self.residence = opt("residence", _text, object, None)
        self.conditions = opt("conditions", _conditions, np.int64, 0)
        self.grade = opt("school_grade", _whole("school_grade"), np.int64, _EMPTY)
        self.year = opt("school_year", _whole("school_year"), np.int64, _EMPTY)
        self.active = opt("ever_sexually_active", _flag("ever_sexually_active"), np.int8, -1)
        self._check()

    def _check(self) -> None:
        if np.any((self.death != NO_DAY) & (self.death < self.birth)):
            raise _Decline
        grade, year = self.grade, self.year
        # Person.from_mapping: a grade 1-12 and a year 1900-2200 with it, or neither
        has_grade, has_year = grade != _EMPTY, year != _EMPTY
        if np.any(has_grade & ((grade < 1) | (grade > 12))):
            raise _Decline
        if np.any(has_year & (~has_grade | (year < 1900) | (year > 2200))):
            raise _Decline
        self.grade = np.where(has_grade, grade, 0)
        self.year = np.where(has_year, year, 0)

    def take(self, order: npt.NDArray[np.int64]) -> None:
        """Put the rows in *order*."""
        for name in _PERSON_ARRAYS:
            setattr(self, name, getattr(self, name)[order])

    def check_pregnancies(self, row: int, pregnancies: list[Pregnancy]) -> Person:
        """The person in *row* with *pregnancies*, checked as ``Person`` checks them."""
        death = int(self.death[row])
        try:
            return Person(
                "row",
                SEXES[int(self.sex[row])],
                from_day(int(self.birth[row])),
                death_date=None if death == NO_DAY else from_day(death),
                pregnancies=pregnancies,
            )
        except ILPError:
            raise _Decline from None

    def population(
        self, ids: npt.NDArray[np.object_], pregnancies: list[tuple[int, Pregnancy]]
    ) -> Population:
        areas = tuple(sorted({r for r in self.residence.tolist() if r is not None}))
        at = {a: i for i, a in enumerate(areas)}
        residence = np.array(
            [-1 if r is None else at[r] for r in self.residence.tolist()], np.int32
        )
        school_ok = self.grade != 0
        return Population(
            ids=ids,
            birth=self.birth.astype(np.int32),
            sex=self.sex,
            death=self.death.astype(np.int32),
            conditions=self.conditions.astype(np.uint16),
            school_grade=self.grade.astype(np.int8),
            school_year=np.where(school_ok, self.year, 0).astype(np.int16),
            sexually_active=self.active,
            residence=residence,
            areas=areas,
            preg_person=np.array([r for r, _ in pregnancies], np.int32),
            preg_lmp=np.array([q.lmp.toordinal() for _, q in pregnancies], np.int32),
            preg_edd=np.array([q.edd.toordinal() for _, q in pregnancies], np.int32),
            preg_delivery=np.array(
                [
                    NO_DAY if q.delivery_date is None else q.delivery_date.toordinal()
                    for _, q in pregnancies
                ],
                np.int32,
            ),
            preg_outcome=np.array(
                [-1 if q.outcome is None else OUTCOMES.index(q.outcome) for _, q in pregnancies],
                np.int8,
            ),
            preg_in_facility=np.array([_ACTIVE[q.in_facility] for _, q in pregnancies], np.int8),
        )


_VALUE: Final = _converter(ServiceRecord, "value")


def _number(value: str) -> float:
    found = _VALUE(value)
    return float("nan") if found is None else float(found)


_BIT: Final = {c: 1 << i for i, c in enumerate(CONDITIONS)}
_CONDITIONS: Final = _convert_of(Person, "conditions")


@_checked
def _conditions(value: str) -> int:
    found = _CONDITIONS([c for c in value.split(";") if c.strip()])
    return sum(_BIT[c] for c in found)

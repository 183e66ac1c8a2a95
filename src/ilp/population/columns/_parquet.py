"""Populations and histories as Parquet datasets (extra ``ilp[parquet]``: pyarrow).

A dataset is a folder with three sub-folders, ``people/``, ``pregnancies/``
and ``records/``, each holding one Parquet file per *part*
(``<part>.parquet``). A part is self-contained: its pregnancies and records
name their person by id, so parts written apart (one per Puskesmas or
kabupaten, on different machines) make one dataset, and loading reads
every part in name order. Dates are Arrow ``date32`` (null for "none");
ids, areas and service codes are text; the other columns keep the codes of
:class:`~ilp.population.Population`. Files are written through
:func:`ilp._atomic.write_atomic` (whole or not at all); everything read is
checked as the ``.npz`` loader checks it, and every failure is a
:class:`~ilp.errors.PopulationError` naming the file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, BinaryIO, Final

import numpy as np
import numpy.typing as npt

from ilp._atomic import write_atomic
from ilp.errors import PopulationError
from ilp.population._calendar import NO_DAY
from ilp.population._result_file import parquet_modules
from ilp.population.columns._model import History, Population

__all__ = ["load_parquet", "save_parquet"]

#: Day number (``date.toordinal()``) of 1970-01-01, day 0 of Arrow's ``date32``.
_EPOCH: Final = 719163
_FORMAT_KEY: Final = b"ilp_format"
_FORMAT: Final = b"1"
_PART: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_KINDS: Final = ("people", "pregnancies", "records")
#: Per kind: column name, Arrow type name, whether nulls are allowed.
_SCHEMA: Final[dict[str, tuple[tuple[str, str, bool], ...]]] = {
    "people": (
        ("id", "string", False),
        ("birth", "date32[day]", False),
        ("sex", "int8", False),
        ("death", "date32[day]", True),
        ("conditions", "uint16", False),
        ("school_grade", "int8", False),
        ("school_year", "int16", False),
        ("sexually_active", "int8", False),
        ("residence", "string", True),
    ),
    "pregnancies": (
        ("person", "string", False),
        ("lmp", "date32[day]", False),
        ("edd", "date32[day]", False),
        ("delivery", "date32[day]", True),
        ("outcome", "int8", False),
        ("in_facility", "int8", False),
    ),
    "records": (
        ("person", "string", False),
        ("code", "string", False),
        ("date", "date32[day]", False),
    ),
}


def _arrow() -> Any:
    return parquet_modules()


def _dates(days: npt.NDArray[Any], pa: Any) -> Any:
    days = np.asarray(days, dtype=np.int64)
    none = days == NO_DAY
    values = np.where(none, 0, days - _EPOCH).astype(np.int32)
    return pa.array(values, type=pa.date32(), mask=none if none.any() else None)


def save_parquet(
    folder: str | os.PathLike[str],
    population: Population,
    history: History | None = None,
    *,
    part: str = "part-0",
) -> None:
    """Write *population* (and *history*) as part *part* of the Parquet dataset in *folder*.

    The folder and its sub-folders are made when missing; a part of the
    same name is replaced, other parts are left alone. *part* is a file
    name stem of letters, digits, ``_``, ``.`` and ``-``.
    """
    pa, pq = _arrow()
    if not isinstance(population, Population):
        msg = f"population: expected a Population, got {type(population).__name__}"
        raise PopulationError(msg, field="population", value=population)
    if not isinstance(part, str) or _PART.fullmatch(part) is None:
        msg = f"part: {part!r} is not a name of letters, digits, '_', '.' and '-'"
        raise PopulationError(msg, field="part", value=part)
    if history is not None and history.persons != len(population):
        msg = f"history: it is for {history.persons} people, the population has {len(population)}"
        raise PopulationError(msg, field="history", value=history.persons)
    ids = population.ids
    areas = np.array([*population.areas, None], dtype=object)
    tables = {
        "people": {
            "id": pa.array(ids.tolist(), type=pa.string()),
            "birth": _dates(population.birth, pa),
            "sex": population.sex,
            "death": _dates(population.death, pa),
            "conditions": population.conditions,
            "school_grade": population.school_grade,
            "school_year": population.school_year,
            "sexually_active": population.sexually_active,
            "residence": pa.array(areas[population.residence].tolist(), type=pa.string()),
        },
        "pregnancies": {
            "person": pa.array(ids[population.preg_person].tolist(), type=pa.string()),
            "lmp": _dates(population.preg_lmp, pa),
            "edd": _dates(population.preg_edd, pa),
            "delivery": _dates(population.preg_delivery, pa),
            "outcome": population.preg_outcome,
            "in_facility": population.preg_in_facility,
        },
    }
    if history is not None:
        codes = np.array(history.codes, dtype=object)
        tables["records"] = {
            "person": pa.array(ids[history.rec_person].tolist(), type=pa.string()),
            "code": pa.DictionaryArray.from_arrays(
                pa.array(history.rec_code.astype(np.int32)), pa.array(codes.tolist(), pa.string())
            ).cast(pa.string()),
            "date": _dates(history.rec_day, pa),
        }
    root = Path(folder)
    for kind, columns in tables.items():
        table = pa.table(columns).replace_schema_metadata(
            {_FORMAT_KEY: _FORMAT, b"ilp_kind": kind.encode()}
        )
        target = root / kind
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            msg = f"{os.fspath(target)}: cannot make the folder ({exc.strerror})"
            raise PopulationError(msg, field="path", value=os.fspath(target)) from None
        _write(pq, table, target / f"{part}.parquet")


def _write(pq: Any, table: Any, path: Path) -> None:
    def write(f: BinaryIO) -> None:
        pq.write_table(table, f, compression="zstd")

    write_atomic(path, write, error=PopulationError)


def _read(path: Path, kind: str) -> dict[str, npt.NDArray[Any]]:
    """The columns of one part file of *kind*, checked against the schema."""
    pa, pq = _arrow()
    name = os.fspath(path)
    try:
        table = pq.read_table(path)
        table.column_names  # noqa: B018 - names that are not UTF-8 fail here, not later
    except (OSError, pa.ArrowException, UnicodeDecodeError) as exc:
        msg = f"{name}: not a Parquet file ilp can read ({str(exc)[:120]})"
        raise PopulationError(msg, field="path", value=name) from None
    meta = table.schema.metadata or {}
    if meta.get(_FORMAT_KEY) != _FORMAT or meta.get(b"ilp_kind") != kind.encode():
        msg = f"{name}: not a part of an ilp {kind} dataset (saved by another program or version)"
        raise PopulationError(msg, field="path", value=name)
    out: dict[str, npt.NDArray[Any]] = {}
    for column, type_name, nullable in _SCHEMA[kind]:
        if column not in table.column_names:
            msg = f"{name}: no column {column!r}"
            raise PopulationError(msg, field=column, value=name)
        values = table.column(column)
        if str(values.type) != type_name:
            msg = f"{name}: column {column!r} is {values.type}, expected {type_name}"
            raise PopulationError(msg, field=column, value=str(values.type))
        if not nullable and values.null_count:
            msg = f"{name}: column {column!r} has {values.null_count} empty values"
            raise PopulationError(msg, field=column, value=values.null_count)
        if type_name == "date32[day]":
            days = values.cast(pa.int32()).to_numpy(zero_copy_only=False)
            if values.null_count:
                none = values.is_null().to_numpy(zero_copy_only=False)
                days = np.where(none, NO_DAY - _EPOCH, days)
            out[column] = (days.astype(np.int64) + _EPOCH).astype(np.int64)
        elif type_name == "string":
            try:
                out[column] = np.array(values.to_pylist(), dtype=object)
            except UnicodeDecodeError:
                msg = f"{name}: column {column!r} holds text that is not UTF-8"
                raise PopulationError(msg, field=column, value=name) from None
        else:
            out[column] = values.to_numpy(zero_copy_only=False)
    return out


def _rows_of(
    ids: npt.NDArray[Any], index: dict[str, int], path: Path, column: str
) -> npt.NDArray[np.int32]:
    rows = np.fromiter((index.get(i, -1) for i in ids.tolist()), dtype=np.int64, count=len(ids))
    if (rows < 0).any():
        unknown = ids[int(np.flatnonzero(rows < 0)[0])]
        msg = f"{os.fspath(path)}: {column} {unknown!r} is not a person of the dataset"
        raise PopulationError(msg, field=column, value=unknown)
    return rows.astype(np.int32)


def _day_column(values: npt.NDArray[np.int64], path: Path, column: str) -> npt.NDArray[np.int32]:
    bad = ((values < 1) | (values > NO_DAY)) if len(values) else np.zeros(0, dtype=bool)
    if bad.any():
        msg = f"{os.fspath(path)}: column {column!r} holds a date ilp cannot use"
        raise PopulationError(msg, field=column, value=int(values[int(np.flatnonzero(bad)[0])]))
    return values.astype(np.int32)


def _parts(root: Path, kind: str) -> list[Path]:
    folder = root / kind
    if not folder.is_dir():
        if kind == "people":
            msg = f"{os.fspath(root)}: not a Parquet population dataset (no folder 'people')"
            raise PopulationError(msg, field="path", value=os.fspath(root))
        return []
    return sorted(folder.glob("*.parquet"))


def load_parquet(folder: str | os.PathLike[str]) -> tuple[Population, History]:
    """The population and history of the Parquet dataset in *folder*: every part, in name order.

    The history is empty when the dataset holds no records.
    """
    root = Path(folder)
    people = [(p, _read(p, "people")) for p in _parts(root, "people")]
    if not people:
        msg = f"{os.fspath(root)}: the dataset holds no part in 'people'"
        raise PopulationError(msg, field="path", value=os.fspath(root))
    ids = np.concatenate([c["id"] for _, c in people])
    index: dict[str, int] = {}
    for k, pid in enumerate(ids.tolist()):
        if index.setdefault(pid, k) != k:
            msg = f"{os.fspath(root)}: person id {pid!r} is in the dataset twice"
            raise PopulationError(msg, field="id", value=pid)
    residence = np.concatenate([c["residence"] for _, c in people])
    areas = tuple(sorted({a for a in residence.tolist() if a is not None}))
    where = {a: i for i, a in enumerate(areas)}

    def joined(name: str) -> npt.NDArray[Any]:
        return np.concatenate([c[name] for _, c in people])

    pregs = [(p, _read(p, "pregnancies")) for p in _parts(root, "pregnancies")]

    def preg(name: str, dtype: type[Any]) -> npt.NDArray[Any]:
        if not pregs:
            return np.zeros(0, dtype=dtype)
        if dtype is np.int32:  # a date
            return np.concatenate([_day_column(c[name], p, name) for p, c in pregs])
        return np.concatenate([c[name] for _, c in pregs]).astype(dtype)

    preg_person = (
        np.concatenate([_rows_of(c["person"], index, p, "person") for p, c in pregs])
        if pregs
        else np.zeros(0, dtype=np.int32)
    )
    try:
        population = Population(
            ids=ids,
            birth=_day_column(joined("birth"), people[0][0], "birth"),
            sex=joined("sex"),
            death=_day_column(joined("death"), people[0][0], "death"),
            conditions=joined("conditions"),
            school_grade=joined("school_grade"),
            school_year=joined("school_year"),
            sexually_active=joined("sexually_active"),
            residence=np.fromiter(
                (-1 if a is None else where[a] for a in residence.tolist()),
                dtype=np.int32,
                count=len(residence),
            ),
            areas=areas,
            preg_person=preg_person,
            preg_lmp=preg("lmp", np.int32),
            preg_edd=preg("edd", np.int32),
            preg_delivery=preg("delivery", np.int32),
            preg_outcome=preg("outcome", np.int8),
            preg_in_facility=preg("in_facility", np.int8),
        )
    except PopulationError as exc:
        msg = f"{os.fspath(root)}: {exc.msg}"
        raise PopulationError(msg, field=exc.field, value=exc.value) from None
    records = [(p, _read(p, "records")) for p in _parts(root, "records")]
    if not records:
        return population, History.empty(population)
    person = np.concatenate([_rows_of(c["person"], index, p, "person") for p, c in records])
    code_text = np.concatenate([c["code"] for _, c in records])
    codes, code = np.unique(code_text.astype(str), return_inverse=True)
    day = np.concatenate([_day_column(c["date"], p, "date") for p, c in records])
    try:
        history = History.from_arrays(
            population, person=person, code=code, day=day, codes=codes.tolist()
        )
    except PopulationError as exc:
        msg = f"{os.fspath(root)}: {exc.msg}"
        raise PopulationError(msg, field=exc.field, value=exc.value) from None
    return population, history

"""Saving and loading simulation results: ``.npz`` (every table) or ``.csv`` (the demand table).

The one module that reads and writes :class:`SimResult` files; the
population a result holds is saved on its own (``Population.save``).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any, BinaryIO, Final

import numpy as np

from ilp._atomic import write_atomic
from ilp.errors import PopulationError
from ilp.population._result_file import ParquetResult, check_result, parquet_modules, read_result
from ilp.population.simulation._params import MAX_MONTHS, SITE_TYPES, Arr, SimParams
from ilp.population.simulation._result import (
    COVERAGE_DTYPE,
    DEMAND_COLUMNS,
    DEMAND_DTYPE,
    PARTITION_DTYPE,
    PEOPLE_DTYPE,
    SimResult,
)

__all__ = [
    "RESULT_FORMAT",
    "load_result",
    "load_result_parquet",
    "result_arrays",
    "result_csv",
    "save_result",
    "save_result_parquet",
]

#: The marker array of a result file.
RESULT_FORMAT: Final = "ilp_simulation_format"


# -- files -------------------------------------------------------------------------


def result_arrays(result: SimResult) -> dict[str, Arr]:
    """The arrays of a ``.npz`` result file."""
    return {
        RESULT_FORMAT: np.array([1]),
        "start": np.array([result.start.isoformat()]),
        "months": np.array([m.isoformat() for m in result.months], dtype=str),
        "seed": np.array([result.seed], dtype=np.int64),
        "codes": np.array(list(result.codes), dtype=str),
        "code_groups": np.array(list(result.code_groups), dtype=str),
        "groups": np.array(list(result.groups), dtype=str),
        "sites": np.array(list(result.sites), dtype=str),
        "site_types": np.array(list(result.site_types), dtype=str),
        "site_puskesmas": np.array(list(result.site_puskesmas), dtype=np.int32),
        "desas": np.array(list(result.desas), dtype=str),
        "demand": result.demand,
        "coverage": result.coverage,
        "people": result.people,
        "partitions": result.partitions,
        "params": np.array([json.dumps(result.params.as_dict(), sort_keys=True)]),
    }


def result_csv(result: SimResult) -> str:
    """The demand table as CSV text."""
    buf = io.StringIO()
    records = result.to_records("demand")
    writer = csv.DictWriter(buf, fieldnames=DEMAND_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow({k: "" if v is None else v for k, v in r.items()})
    return buf.getvalue()


def save_result(result: SimResult, path: str | os.PathLike[str]) -> None:
    """Write *result* to *path*: ``.npz`` (every table) or ``.csv`` (the demand table).

    The file is written to a temporary file in the same folder and
    renamed into place when complete, so a failure leaves no
    half-written file.
    """
    target = Path(path)
    kind = target.suffix.lower()
    if kind not in {".npz", ".csv"}:
        msg = f"{os.fspath(path)!r} does not end in .npz or .csv"
        raise PopulationError(f"path: {msg}", field="path", value=os.fspath(path))

    def write(f: BinaryIO) -> None:
        if kind == ".npz":
            np.savez_compressed(f, allow_pickle=False, **result_arrays(result))
        else:
            f.write(result_csv(result).encode("utf-8"))

    write_atomic(target, write, error=PopulationError)


def _dtypes() -> dict[str, np.dtype[Any]]:
    return {
        "demand": DEMAND_DTYPE,
        "coverage": COVERAGE_DTYPE,
        "people": PEOPLE_DTYPE,
        "partitions": PARTITION_DTYPE,
    }


def load_result(path: str | os.PathLike[str]) -> SimResult:
    """The result saved at *path* (``.npz``) by :func:`save_result` (without the population).

    Every array is checked against the others before the result is made
    (:mod:`ilp.population._result_file`); a file that is not a complete,
    consistent result raises :class:`~ilp.errors.PopulationError`.
    """
    fields = read_result(
        path,
        marker=RESULT_FORMAT,
        dtypes=_dtypes(),
        site_types=SITE_TYPES,
        max_months=MAX_MONTHS,
        params=SimParams,
    )
    return SimResult(**fields)


# -- Parquet -----------------------------------------------------------------------

#: The tables of a Parquet result folder, one file each; the first also holds the names.
_PARQUET_TABLES: Final = ("demand", "coverage", "people", "partitions")
_NAMES_KEY: Final = b"ilp_result"


def save_result_parquet(result: SimResult, folder: str | os.PathLike[str]) -> None:
    """Write *result* (without its population) as the Parquet files of folder *folder*.

    One file per table (``demand.parquet``, ``coverage.parquet``,
    ``people.parquet``, ``partitions.parquet``), columns as in the ``.npz``
    tables; the names, months, seed and parameters go in the metadata of
    ``demand.parquet``. The folder is made when missing; each file is
    written whole or not at all.
    """
    pa, pq = parquet_modules()
    if not isinstance(result, SimResult):
        msg = f"result: expected a SimResult, got {type(result).__name__}"
        raise PopulationError(msg, field="result", value=None)
    arrays = result_arrays(result)
    names = {
        k: v.tolist() for k, v in arrays.items() if k not in _PARQUET_TABLES and k != RESULT_FORMAT
    }
    root = Path(folder)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"{os.fspath(root)}: cannot make the folder ({exc.strerror})"
        raise PopulationError(msg, field="path", value=os.fspath(root)) from None
    for kind in _PARQUET_TABLES:
        table = arrays[kind]
        columns = {name: table[name] for name in table.dtype.names or ()}
        meta = {b"ilp_format": b"1", b"ilp_kind": f"simulation {kind}".encode()}
        if kind == "demand":
            meta[_NAMES_KEY] = json.dumps(names, sort_keys=True).encode()
        arrow = pa.table(columns).replace_schema_metadata(meta)

        def write(f: BinaryIO, arrow: Any = arrow) -> None:
            pq.write_table(arrow, f, compression="zstd")

        write_atomic(root / f"{kind}.parquet", write, error=PopulationError)


def load_result_parquet(folder: str | os.PathLike[str]) -> SimResult:
    """The result saved in *folder* by :func:`save_result_parquet` (without the population).

    Each file's kind, columns and types are checked, then every table and
    name as :meth:`SimResult.load` checks a ``.npz`` file; anything else is
    a :class:`~ilp.errors.PopulationError` naming the file.
    """
    fields = check_result(
        ParquetResult(Path(folder), _dtypes()),
        dtypes=_dtypes(),
        site_types=SITE_TYPES,
        max_months=MAX_MONTHS,
        params=SimParams,
    )
    return SimResult(**fields)

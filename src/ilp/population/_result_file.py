"""Reading a saved simulation result: every array checked against the others.

:meth:`SimResult.load <ilp.population.SimResult.load>` calls
:func:`read_result`, which opens the file with :func:`~ilp.population._npz.open_npz`
(headers checked before anything is allocated) and checks what a result
promises: one start date, one seed, dates of the months in order from the
start, names aligned with their codes and sites, tables of the saved dtypes
whose indices point into those names, and parameters that
:class:`~ilp.population.SimParams` accepts. Anything else is a
:class:`~ilp.errors.PopulationError` naming the file and the array.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt

from ilp._yaml import SIZE_LIMITS, Map, read_json
from ilp.dates import add_months, as_date
from ilp.errors import ILPError, PopulationError
from ilp.population._npz import open_npz

__all__ = ["ParquetResult", "check_result", "parquet_modules", "read_result"]

_TEXTS: Final = ("months", "codes", "code_groups", "groups", "sites", "site_types", "desas")


def read_result(
    path: str | os.PathLike[str],
    *,
    marker: str,
    dtypes: Mapping[str, np.dtype[Any]],
    site_types: tuple[str, ...],
    max_months: int,
    params: Callable[..., Any],
) -> dict[str, Any]:
    """The keyword arguments of a :class:`SimResult` saved at *path*, all checked."""
    with open_npz(path, "simulation") as data:
        if marker not in data:
            raise data.error("not a simulation saved by ilp")
        return check_result(
            data, dtypes=dtypes, site_types=site_types, max_months=max_months, params=params
        )


class Arrays(Protocol):
    """Where a result's arrays come from: a ``.npz`` file or a Parquet folder."""

    path: str

    def get(self, name: str) -> npt.NDArray[Any]:
        """The array *name* (an error naming it when missing)."""

    def error(self, msg: str, name: str | None = None) -> PopulationError:
        """A :class:`PopulationError` about this file (and array *name*)."""


def check_result(
    data: Arrays,
    *,
    dtypes: Mapping[str, np.dtype[Any]],
    site_types: tuple[str, ...],
    max_months: int,
    params: Callable[..., Any],
) -> dict[str, Any]:
    """The keyword arguments of a :class:`SimResult` from the arrays of *data*, all checked."""
    return _Check(data, dtypes, site_types, max_months, params).run()


class _Check:
    def __init__(
        self,
        data: Arrays,
        dtypes: Mapping[str, np.dtype[Any]],
        site_types: tuple[str, ...],
        max_months: int,
        params: Callable[..., Any],
    ) -> None:
        self.data = data
        self.dtypes = dtypes
        self.site_types = site_types
        self.max_months = max_months
        self.make_params = params

    def fail(self, name: str, msg: str) -> PopulationError:
        return self.data.error(msg, name)

    def texts(self, name: str, length: int | None = None) -> list[str]:
        array = self.data.get(name)
        if array.dtype.kind != "U" or array.ndim != 1:
            raise self.fail(name, "is not a one-dimensional array of text")
        if length is not None and len(array) != length:
            raise self.fail(name, f"holds {len(array)} values where {length} are expected")
        out: list[str] = array.tolist()
        return out

    def table(self, name: str) -> npt.NDArray[Any]:
        array = self.data.get(name)
        if array.dtype != self.dtypes[name] or array.ndim != 1:
            raise self.fail(name, f"is not a one-dimensional table of the {name} columns")
        return array

    def within(self, name: str, column: npt.NDArray[Any], low: int, high: int) -> None:
        """Every value of *column* from *low* to *high* - 1, else an error naming the first."""
        bad = (column < low) | (column >= high)
        if bad.any():
            value = column[int(np.flatnonzero(bad)[0])].item()
            raise self.fail(name, f"holds {value!r}, outside {low} to {high - 1}")

    def run(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: self.texts(name) for name in _TEXTS}
        start_text = self.texts("start", 1)[0]
        seed = self.data.get("seed")
        if seed.shape != (1,) or seed.dtype.kind not in "iu" or int(seed[0]) < 0:
            raise self.fail("seed", "is not one whole number of 0 or more")
        try:
            start = as_date(start_text, field="start")
            months = [as_date(m, field="months") for m in out["months"]]
        except ILPError as exc:
            raise self.fail("start", f"holds a date ilp refuses ({exc.msg})") from None
        n_months, n_sites, n_codes = len(months), len(out["sites"]), len(out["codes"])
        if not 1 <= n_months <= self.max_months:
            raise self.fail("months", f"holds {n_months} months; 1 to {self.max_months} expected")
        if months != [add_months(start, k) for k in range(n_months)]:
            raise self.fail("months", "does not hold the months from the start, in order")
        for name, length in (("code_groups", n_codes), ("site_types", n_sites)):
            if len(out[name]) != length:
                raise self.fail(name, f"holds {len(out[name])} names where {length} are expected")
        unknown = set(out["site_types"]) - set(self.site_types)
        if unknown:
            raise self.fail("site_types", f"holds {sorted(unknown)[0][:40]!r}")
        unknown = set(out["code_groups"]) - set(out["groups"])
        if unknown:
            raise self.fail("code_groups", f"holds {sorted(unknown)[0][:40]!r}, not in groups")
        owners = self.data.get("site_puskesmas")
        if owners.ndim != 1 or owners.dtype.kind not in "iu" or len(owners) != n_sites:
            raise self.fail("site_puskesmas", f"is not {n_sites} whole numbers")
        self.within("site_puskesmas", owners, 0, n_sites)
        demand = self.table("demand")
        self.within("demand", demand["month"], 0, n_months)
        self.within("demand", demand["site"], -1, n_sites)
        self.within("demand", demand["service"], 0, n_codes)
        coverage = self.table("coverage")
        self.within("coverage", coverage["desa"], -1, len(out["desas"]))
        self.within("coverage", coverage["group"], 0, len(out["groups"]))
        for name, array, columns in (
            ("demand", demand, ("due", "received", "missed")),
            ("coverage", coverage, ("due", "received")),
        ):
            for column in columns:
                self.within(name, array[column], 0, 2**62)
        if not np.isfinite(demand["minutes"]).all() or (demand["minutes"] < 0).any():
            raise self.fail("demand", "holds minutes that are negative or not finite")
        people = self.table("people")
        if len(people) != n_months or not np.array_equal(people["month"], np.arange(n_months)):
            raise self.fail("people", f"does not hold one row per month ({n_months})")
        partitions = self.table("partitions")
        self.within("partitions", partitions["puskesmas"], 0, n_sites)
        out.update(
            start=start,
            months=months,
            seed=int(seed[0]),
            site_puskesmas=owners.tolist(),
            demand=demand,
            coverage=coverage,
            people=people,
            partitions=partitions,
            params=self.params(),
        )
        return out

    def params(self) -> Any:
        text = self.texts("params", 1)[0]
        if len(text) > SIZE_LIMITS["simulation parameters"]:
            raise self.fail("params", "is longer than the limit for simulation parameters")
        origin = f"{self.data.path}: array 'params'"
        data = read_json(text, origin=origin, error=PopulationError)
        if not isinstance(data, Map):
            raise self.fail("params", "is not a JSON object of simulation parameters")
        if data.duplicates:
            raise self.fail("params", f"gives {data.duplicates[0][0]!r} twice")
        try:
            return self.make_params(**{str(k): _plain(v) for k, v in data.items()})
        except ILPError as exc:
            raise self.fail("params", f"holds parameters ilp refuses ({exc.msg})") from None
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            text = str(exc) if len(str(exc)) < 100 else str(exc)[:97] + "..."
            raise self.fail("params", f"holds parameters ilp refuses ({text})") from None


def _plain(value: Any) -> Any:
    """Parsed JSON as plain dicts (the parameters take any mapping)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# -- Parquet result folders ----------------------------------------------------------

#: How much larger than its file a Parquet table may say it is (a decompression bomb is not).
_MAX_RATIO: Final = 1000
_SLACK: Final = 1 << 20


def parquet_modules() -> tuple[Any, Any]:
    """``pyarrow`` and ``pyarrow.parquet`` (extra ``ilp[parquet]``)."""
    try:
        pa = importlib.import_module("pyarrow")  # an optional extra, imported on use
        pq = importlib.import_module("pyarrow.parquet")
    except ImportError:  # pragma: no cover - the dev environment has pyarrow
        msg = "Parquet needs pyarrow: pip install 'ilp[parquet]'"
        raise ImportError(msg) from None
    return pa, pq


class ParquetResult:
    """The arrays of a result saved as a Parquet folder, each table file checked on reading."""

    def __init__(self, folder: Path, dtypes: Mapping[str, np.dtype[Any]]) -> None:
        self.folder = folder
        self.path = os.fspath(folder)
        self.dtypes = dtypes
        self._tables: dict[str, npt.NDArray[Any]] = {}
        self._names: dict[str, npt.NDArray[Any]] | None = None

    def error(self, msg: str, name: str | None = None) -> PopulationError:
        """A :class:`PopulationError` about this folder (and array *name*)."""
        full = f"{self.path}: array {name!r} {msg}" if name else f"{self.path}: {msg}"
        return PopulationError(full, field=name or "path", value=self.path)

    def get(self, name: str) -> npt.NDArray[Any]:
        """The table or name array *name*."""
        if name in self.dtypes:
            if name not in self._tables:
                self._tables[name] = self._table(name)
            return self._tables[name]
        names = self._name_arrays()
        if name not in names:
            raise self.error("is missing", name)
        return names[name]

    def _file(self, kind: str) -> tuple[Any, Path]:
        pa, pq = parquet_modules()
        path = self.folder / f"{kind}.parquet"
        where = os.fspath(path)
        try:
            size = path.stat().st_size
            meta = pq.read_metadata(path)
            # what reading would take: every value at 8 bytes (the widest of a result's)
            decoded = meta.num_rows * max(meta.num_columns, 1) * 8
            if decoded > _MAX_RATIO * size + _SLACK:
                msg = f"{where}: the file says it holds {decoded} bytes, far more than it can"
                raise PopulationError(msg, field="path", value=where)
            table = pq.read_table(path)
            table.column_names  # noqa: B018 - names that are not UTF-8 fail here, not later
        except FileNotFoundError:
            msg = f"{where}: no such file (a simulation result folder has {kind}.parquet)"
            raise PopulationError(msg, field="path", value=where) from None
        except (OSError, pa.ArrowException, UnicodeDecodeError) as exc:
            msg = f"{where}: not a Parquet file ilp can read ({str(exc)[:120]})"
            raise PopulationError(msg, field="path", value=where) from None
        found = table.schema.metadata or {}
        if (
            found.get(b"ilp_format") != b"1"
            or found.get(b"ilp_kind") != f"simulation {kind}".encode()
        ):
            msg = f"{where}: not the {kind} table of a simulation saved by ilp"
            raise PopulationError(msg, field="path", value=where)
        return table, path

    def _table(self, kind: str) -> npt.NDArray[Any]:
        table, path = self._file(kind)
        pa, _ = parquet_modules()
        dtype = self.dtypes[kind]
        fields = dtype.names or ()
        if list(table.column_names) != list(fields):
            msg = f"{os.fspath(path)}: not the columns {', '.join(fields)}"
            raise PopulationError(msg, field=kind, value=None)
        out = np.zeros(table.num_rows, dtype=dtype)
        for name in fields:
            column = table.column(name)
            want = pa.from_numpy_dtype(out[name].dtype)
            if column.type != want or column.null_count:
                msg = f"{os.fspath(path)}: column {name!r} is not {want} without empty values"
                raise PopulationError(msg, field=name, value=None)
            out[name] = column.to_numpy(zero_copy_only=False)
        return out

    def _name_arrays(self) -> dict[str, npt.NDArray[Any]]:
        if self._names is None:
            table, path = self._file("demand")
            text = (table.schema.metadata or {}).get(b"ilp_result", b"")
            origin = f"{os.fspath(path)}: metadata 'ilp_result'"
            if len(text) > SIZE_LIMITS["simulation parameters"] + (1 << 24):
                raise self.error("holds names longer than a simulation result's")
            try:
                data = read_json(text.decode("utf-8"), origin=origin, error=PopulationError)
            except UnicodeDecodeError:
                raise self.error("holds names that are not UTF-8 text") from None
            if not isinstance(data, Map):
                raise self.error("holds no names of a simulation saved by ilp")
            self._names = {str(k): _as_array(v) for k, v in data.items()}
        return self._names


def _as_array(value: Any) -> npt.NDArray[Any]:
    """A JSON value as the array the ``.npz`` file holds: text, whole numbers, or what it is."""
    items = value if isinstance(value, list) else [value]
    if items and all(isinstance(v, str) for v in items):
        return np.array(items, dtype=str)
    if items and all(
        isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2**62 for v in items
    ):
        return np.array(items, dtype=np.int64)
    out = np.empty(len(items), dtype=object)  # refused by the checks as neither
    out[:] = [None] * len(items)
    return out

"""Tables: due lists, target lists and batch results as pandas DataFrames and Arrow tables.

pandas and pyarrow are imported here only (extra ``ilp[frames]``). Column
names and dtypes are a contract, listed in ``docs/interop.md#tables``.
Dates are ``datetime64[s]`` columns (NaT where a date does not apply);
codes and statuses are pandas ``category``; ids are ``string``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from ilp._extras import require
from ilp.lifecycle import DueList, Status

if TYPE_CHECKING:
    from ilp.network._targets import TargetList
    from ilp.population.batch.result import BatchResult

__all__ = ["batch_frame", "due_frame", "target_frame", "to_arrow"]

#: The columns of a due-list frame, in order.
DUE_COLUMNS: Final = (
    "person",
    "on",
    "code",
    "dose",
    "status",
    "earliest",
    "recommended",
    "overdue",
    "latest",
    "given",
    "cluster",
    "reason_id",
    "reason_en",
)
_STATUS_ORDER: Final = [s.value for s in Status]
_EPOCH: Final = _dt.date(1970, 1, 1).toordinal()


def _pandas() -> Any:
    return require("pandas", "frames", feature="tables (to_frame)")


def _dates(values: list[Any]) -> Any:
    nat = np.iinfo(np.int64).min  # NaT as datetime64
    days = np.array([nat if v is None else v.toordinal() - _EPOCH for v in values], dtype=np.int64)
    return days.astype("datetime64[D]").astype("datetime64[s]")


def _finish(pd: Any, columns: dict[str, Any], categorical: Iterable[str]) -> Any:
    frame = pd.DataFrame(columns)
    for name in categorical:
        if name == "status":
            frame[name] = pd.Categorical(frame[name], categories=_STATUS_ORDER)
        else:
            frame[name] = frame[name].astype("category")
    return frame


def due_frame(lists: DueList | Iterable[DueList]) -> Any:
    """One row per due item of one or several due lists (columns: ``DUE_COLUMNS``)."""
    pd = _pandas()
    chosen = [lists] if isinstance(lists, DueList) else list(lists)
    rows = [(dl, i) for dl in chosen for i in dl]
    columns: dict[str, Any] = {
        "person": pd.array([dl.person_id for dl, _ in rows], dtype="string"),
        "on": _dates([dl.on for dl, _ in rows]),
        "code": [i.code for _, i in rows],
        "dose": pd.array([i.dose for _, i in rows], dtype="Int8"),
        "status": [i.status.value for _, i in rows],
        "earliest": _dates([i.earliest for _, i in rows]),
        "recommended": _dates([i.recommended for _, i in rows]),
        "overdue": _dates([i.overdue for _, i in rows]),
        "latest": _dates([i.latest for _, i in rows]),
        "given": _dates([i.given for _, i in rows]),
        "cluster": np.array([int(i.cluster) for _, i in rows], dtype=np.int8),
        "reason_id": pd.array([i.reason.id for _, i in rows], dtype="string"),
        "reason_en": pd.array([i.reason.en for _, i in rows], dtype="string"),
    }
    return _finish(pd, columns, ("code", "status"))


def target_frame(target_list: TargetList) -> Any:
    """One row per (person, service) of a target list.

    Columns: ``site``, ``day``, ``person``, ``name``, ``kk_number``,
    ``residence``, ``stage``, ``code``, ``status``, ``recommended``,
    ``reason_en``.
    """
    pd = _pandas()
    pairs = target_list.items
    columns: dict[str, Any] = {
        "site": pd.array([target_list.site.id] * len(pairs), dtype="string"),
        "day": _dates([target_list.day] * len(pairs)),
        "person": pd.array([t.person.id for t, _ in pairs], dtype="string"),
        "name": pd.array([t.person.name for t, _ in pairs], dtype="string"),
        "kk_number": pd.array(
            [t.family.kk_number if t.family else None for t, _ in pairs], dtype="string"
        ),
        "residence": pd.array([t.residence for t, _ in pairs], dtype="string"),
        "stage": [t.stage.value if t.stage else None for t, _ in pairs],
        "code": [i.code for _, i in pairs],
        "status": [i.status.value for _, i in pairs],
        "recommended": _dates([i.recommended for _, i in pairs]),
        "reason_en": pd.array([i.reason.en for _, i in pairs], dtype="string"),
    }
    return _finish(pd, columns, ("stage", "code", "status"))


def batch_frame(result: BatchResult) -> Any:
    """One row per item of a ``due_batch`` result.

    Columns: ``person`` (row of the population, int32), ``code``, ``dose``
    (Int8), ``status`` and the five dates ``earliest``, ``recommended``,
    ``overdue``, ``latest``, ``given``.
    """
    from ilp.dates import days_as_datetime64  # noqa: PLC0415 - NumPy side only
    from ilp.population.batch.result import STATUS_CODES  # noqa: PLC0415 - population layer

    pd = _pandas()
    arrays = result.to_arrays()
    slot = arrays["slot"].astype(np.int64)
    codes = np.array(result.codes, dtype=object)
    doses = pd.array(list(result.doses), dtype="Int8")
    names = {code: s.value for s, code in STATUS_CODES.items()}
    status_of = np.array([names.get(k) for k in range(6)], dtype=object)
    columns: dict[str, Any] = {
        "person": arrays["person"].astype(np.int32),
        "code": codes[slot] if len(slot) else np.array([], dtype=object),
        "dose": doses[slot] if len(slot) else pd.array([], dtype="Int8"),
        "status": status_of[arrays["status"].astype(np.int64)],
    }
    for name in ("earliest", "recommended", "overdue", "latest", "given"):
        columns[name] = days_as_datetime64(arrays[name].astype(np.int64)).astype("datetime64[s]")
    return _finish(pd, columns, ("code", "status"))


def to_arrow(frame: Any) -> Any:
    """A frame as an Arrow table (extra ``ilp[frames]``), schema from its dtypes."""
    pa = require("pyarrow", "frames", feature="Arrow tables (to_arrow)")
    return pa.Table.from_pandas(frame, preserve_index=False)

"""Saving and loading populations and histories: NumPy ``.npz`` files, no pickle.

The one module that reads and writes population files. A population file
holds the arrays of :data:`PERSON_COLUMNS` and :data:`PREGNANCY_COLUMNS`
(ids and area ids as text) and a format marker; it may also hold a history
(``rec_*`` arrays), which a history file holds alone. Files are written
through :func:`ilp._atomic.write_atomic` (whole or not at all); every failure to
read or write is a :class:`~ilp.errors.PopulationError` naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ilp._atomic import write_atomic
from ilp.errors import PopulationError
from ilp.population._npz import NpzArrays, open_npz
from ilp.population.columns._model import (
    PERSON_COLUMNS,
    PREGNANCY_COLUMNS,
    History,
    Population,
    check_life,
    column_error,
)

__all__ = ["load_history", "load_population", "save_history", "save_population"]

_POPULATION_FORMAT: Final = "ilp_population_format"
_HISTORY_FORMAT: Final = "ilp_history_format"


def save_population(
    population: Population, path: str | os.PathLike[str], history: History | None
) -> None:
    """Write *population* (and *history*): see :meth:`Population.save`."""
    arrays: dict[str, npt.NDArray[Any]] = {_POPULATION_FORMAT: np.array([1])}
    arrays["ids"] = np.array(population.ids.tolist() or [], dtype=str)
    arrays["areas"] = np.array(list(population.areas), dtype=str)
    for name, _ in PERSON_COLUMNS[1:] + PREGNANCY_COLUMNS:
        arrays[name] = getattr(population, name)
    if history is not None:
        if history.persons != len(population):
            msg = f"history is for {history.persons} people, the population has {len(population)}"
            raise PopulationError(f"history: {msg}", field="history", value=history.persons)
        arrays.update(_history_arrays(history))
    _write(path, arrays)


def load_population(path: str | os.PathLike[str]) -> Population:
    """The population saved at *path*: see :meth:`Population.load`."""
    with _read(path, "population") as data:
        _require(data, path, _POPULATION_FORMAT)
        names = ["ids", "areas"] + [n for n, _ in PERSON_COLUMNS[1:] + PREGNANCY_COLUMNS]
        arrays = {n: _require(data, path, n) for n in names}
    for name in ("ids", "areas"):
        if arrays[name].dtype.kind != "U" or arrays[name].ndim != 1:
            raise column_error(
                name, f"in {os.fspath(path)!r} is not a one-dimensional array of text"
            )
    ids = arrays.pop("ids").astype(object)
    areas = tuple(arrays.pop("areas").tolist())
    try:
        return Population(ids=ids, areas=areas, **arrays)
    except PopulationError as exc:
        raise PopulationError(
            f"{os.fspath(path)}: {exc.msg}", field=exc.field, value=exc.value
        ) from None


def _history_arrays(history: History) -> dict[str, npt.NDArray[Any]]:
    return {
        _HISTORY_FORMAT: np.array([1]),
        "rec_codes": np.array(list(history.codes), dtype=str),
        "rec_persons": np.array([history.persons], dtype=np.int64),
        "rec_person": history.rec_person,
        "rec_code": history.rec_code,
        "rec_day": history.rec_day,
    }


def save_history(history: History, path: str | os.PathLike[str]) -> None:
    """Write *history* alone: see :meth:`History.save`."""
    _write(path, _history_arrays(history))


def load_history(path: str | os.PathLike[str], population: Population | None) -> History:
    """The history saved at *path*: see :meth:`History.load`."""
    with _read(path, "history") as data:
        _require(data, path, _HISTORY_FORMAT)
        arrays = {
            n: _require(data, path, n)
            for n in ("rec_codes", "rec_persons", "rec_person", "rec_code", "rec_day")
        }
    codes, persons = arrays["rec_codes"], arrays["rec_persons"]
    if codes.dtype.kind not in "U" or codes.ndim != 1:
        raise column_error("rec_codes", f"in {os.fspath(path)!r} is not an array of text")
    if persons.shape != (1,) or persons.dtype.kind not in "iu":
        raise column_error("rec_persons", f"in {os.fspath(path)!r} is not one whole number")
    try:
        history = History(
            tuple(codes.tolist()),
            arrays["rec_person"],
            arrays["rec_code"],
            arrays["rec_day"],
            int(persons[0]),
        )
        if population is not None:
            if len(population) != history.persons:
                msg = f"is for {history.persons} people, the population has {len(population)}"
                raise column_error("history", msg, history.persons)
            check_life(population, history.rec_person, history.rec_day)
    except PopulationError as exc:
        raise PopulationError(
            f"{os.fspath(path)}: {exc.msg}", field=exc.field, value=exc.value
        ) from None
    return history


def _write(path: str | os.PathLike[str], arrays: Mapping[str, npt.NDArray[Any]]) -> None:
    write_atomic(path, lambda f: np.savez(f, allow_pickle=False, **arrays), error=PopulationError)


def _read(path: str | os.PathLike[str], what: str) -> NpzArrays:
    return open_npz(path, what)


def _require(data: NpzArrays, path: str | os.PathLike[str], name: str) -> Any:
    return data.get(name)

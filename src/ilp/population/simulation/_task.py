"""One task of a simulation (some partitions, all months): what it is given and what it returns."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ilp.dates import add_months
from ilp.lifecycle import Catalogue, Region
from ilp.population.columns import History, Population
from ilp.population.simulation._params import Arr, SimParams

__all__ = ["Task", "TaskResult", "month_span", "part_numbers"]


def part_numbers(part: Arr, n_parts: int) -> Arr:
    """*part* (partition numbers below *n_parts*) as int16 when they fit, else int32.

    A stable argsort of int16 is a radix sort, so grouping rows by partition
    this way costs a counting pass, not a comparison sort.
    """
    return part.astype(np.int16 if n_parts <= np.iinfo(np.int16).max else np.int32)


@attrs.frozen
class Task:
    """Everything one task needs (picklable): its rows, tables and seeds."""

    population: Population
    history: History
    part: npt.NDArray[np.int32]  # per row: index into keys
    lid: npt.NDArray[np.int64]  # per row: its position within its partition
    keys: tuple[str, ...]  # the partitions' Puskesmas ids
    seeds: tuple[np.random.SeedSequence, ...]
    hist_codes: tuple[str, ...]
    service_hist_code: npt.NDArray[np.int16]  # per service: its index in hist_codes
    service_group: npt.NDArray[np.int16]
    n_groups: int
    attendance: npt.NDArray[np.float64]  # per service
    area_local: npt.NDArray[np.int32]  # per area of the population: its task-local index
    site_of: npt.NDArray[np.int32]  # per task area × service: the task site, -1 none
    area_factor: npt.NDArray[np.float64]  # per task area
    area_desa: npt.NDArray[np.int32]  # per task area: desa (global index), -1 none
    site_factor: npt.NDArray[np.float64]  # per task site, and 0 last (for site -1)
    site_global: npt.NDArray[np.int32]  # per task-local site: the global site index
    openings: tuple[Any, ...]  # per task-local site: its Opening or None
    holidays: frozenset[_dt.date]
    start: int
    months: int
    params: SimParams
    catalogue: Catalogue | None
    region: Region | Mapping[str, Region] | None
    seed_pregnancies: bool
    keep_population: bool
    services: tuple[str, ...]  # the catalogue's codes (service index order)
    households: npt.NDArray[np.int32] | None  # per row: its family, or None


@attrs.frozen
class TaskResult:
    due: npt.NDArray[np.int64]  # months × (sites + 1) × services
    received: npt.NDArray[np.int64]
    site_global: npt.NDArray[np.int32]
    counts: npt.NDArray[np.int64]  # partitions × months × 4
    people_start: npt.NDArray[np.int64]  # per partition
    part_received: npt.NDArray[np.int64]  # per partition
    cover: npt.NDArray[np.int64]  # rows of (desa, group, due, received), desa -1 for none
    columns: dict[str, Arr] | None
    preg: dict[str, Arr] | None
    records: tuple[Arr, Arr, Arr] | None  # person (task row), history code, day
    households: npt.NDArray[np.int32] | None
    part: npt.NDArray[np.int32]
    lid: npt.NDArray[np.int64]
    seconds: float


def month_span(start: int, k: int) -> tuple[int, int]:
    first = add_months(_dt.date.fromordinal(start), k).toordinal()
    return first, add_months(_dt.date.fromordinal(start), k + 1).toordinal() - 1

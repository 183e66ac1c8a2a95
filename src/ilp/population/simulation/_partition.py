"""Partitioning a simulation: rows by Puskesmas, partitions grouped into tasks of equal size."""

from __future__ import annotations

import concurrent.futures
import os
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ilp.lifecycle import Catalogue, Region
from ilp.network import Network
from ilp.population._calendar import NO_DAY
from ilp.population.columns import History, Population
from ilp.population.columns._model import _trusted_history
from ilp.population.simulation._layout import Layout, partition_seed
from ilp.population.simulation._params import Arr, SimParams
from ilp.population.simulation._task import Task, part_numbers

__all__ = ["make_tasks", "take_ascending", "task_groups", "workers_of"]


def workers_of(executor: concurrent.futures.Executor) -> int:
    found = getattr(executor, "_max_workers", None)
    if isinstance(found, int) and found > 0:
        return found
    return os.cpu_count() or 1


def task_groups(sizes: Arr, n: int) -> list[Arr]:
    """Split partitions (in order) into *n* contiguous runs of about equal people."""
    n = max(1, min(n, len(sizes)))
    edges = np.cumsum(sizes)
    total = edges[-1] if len(edges) else 0
    cuts = np.searchsorted(edges, total * np.arange(1, n) / n, side="left") + 1
    cuts = np.unique(np.clip(cuts, 1, len(sizes)))
    return [g for g in np.split(np.arange(len(sizes)), cuts) if len(g)]


def take_ascending(
    population: Population, history: History, rows: Arr
) -> tuple[Population, History]:
    """The people in *rows* (ascending) and their records: a gather, no sort needed."""
    n = len(population)
    if len(rows) == n:  # every row (one task): the same columns and records
        return population, history
    new = np.full(n, -1, dtype=np.int64)
    new[rows] = np.arange(len(rows))
    columns: dict[str, Any] = {}
    for f in attrs.fields(Population):
        if not f.init:
            continue
        value = getattr(population, f.name)
        if f.name.startswith("preg_"):
            continue
        if isinstance(value, np.ndarray) and value.shape == (n,):
            columns[f.name] = value[rows]
        else:
            columns[f.name] = value
    moved = new[population.preg_person]
    keep = moved >= 0
    for name in ("preg_lmp", "preg_edd", "preg_delivery", "preg_outcome", "preg_in_facility"):
        columns[name] = getattr(population, name)[keep]
    columns["preg_person"] = moved[keep].astype(np.int32)
    moved = new[history.rec_person]
    keep = moved >= 0
    # rows ascending: the kept records stay sorted by (code, person, day), as checked
    records = _trusted_history(
        history.codes,
        moved[keep].astype(np.int32),
        history.rec_code[keep],
        history.rec_day[keep],
        len(rows),
    )
    return Population(**columns), records


@attrs.frozen
class Tables:
    """What every task shares: the run's service and site tables (built by ``simulate``)."""

    codes: tuple[str, ...]  # the catalogue's codes (service index order)
    groups: tuple[str, ...]
    service_group: npt.NDArray[np.int16]
    attendance: npt.NDArray[np.float64]  # per service
    hist_codes: tuple[str, ...]
    service_hist_code: npt.NDArray[np.int16]  # per service: its index in hist_codes
    site_of: npt.NDArray[np.int32]  # per area × service: the site that gives it, -1 none
    area_factor: npt.NDArray[np.float64]  # per area
    site_factor_of_type: npt.NDArray[np.float64]  # per site type


def make_tasks(  # long only by Task's keyword list: one line per field
    population: Population,
    history: History,
    family: npt.NDArray[np.int32] | None,
    *,
    layout: Layout,
    tables: Tables,
    network: Network,
    params: SimParams,
    catalogue: Catalogue | None,
    region: Region | Mapping[str, Region] | None,
    seed: int,
    day0: int,
    months: int,
    tasks: int,
    keep_population: bool,
) -> tuple[list[Task], list[Arr]]:
    """The tasks of a run (rows in order of birth), and the partitions each one holds.

    Each person's partition is the Puskesmas over their residence; the
    partitions, in network order, are grouped into *tasks* contiguous runs
    of about equal people.
    """
    n_areas = len(population.areas)
    pkm = layout.chain[population.residence, 2]
    part_of_site = np.full(len(layout.sites), -1, dtype=np.int64)
    part_of_site[list(layout.partitions)] = np.arange(len(layout.partitions))
    part = part_of_site[pkm]
    n_parts = len(layout.partitions)
    sizes = np.bincount(part, minlength=n_parts)
    # a person's place in its partition: by birth, then by row (the rows are in that order)
    # (a stable sort of small numbers is a radix sort)
    by_part = np.argsort(part_numbers(part, n_parts), kind="stable")
    part_start = np.concatenate([[0], np.cumsum(sizes)])
    lid = np.empty(len(population), dtype=np.int64)
    lid[by_part] = np.arange(len(population)) - np.repeat(part_start[:-1], sizes)
    groups_of_parts = task_groups(sizes, tasks)
    keys = tuple(layout.sites[s].id for s in layout.partitions)
    seeds = tuple(partition_seed(seed, key) for key in keys)
    pending = (population.preg_delivery == NO_DAY) & (
        population.preg_edd.astype(np.int64) + 14 >= day0
    )
    seed_pregnancies = params.seed_pregnancies and not bool(pending.any())
    site_of = tables.site_of
    task_list = []
    for members in groups_of_parts:
        inside = np.zeros(n_parts, dtype=np.bool_)
        inside[members] = True
        rows = np.flatnonzero(inside[part])  # ascending: in order of birth
        task_pop, task_hist = take_ascending(population, history, rows)
        local_part = np.full(n_parts, -1, dtype=np.int64)
        local_part[members] = np.arange(len(members))
        # the areas lived in, ascending (marked: no sort of the rows' areas)
        lived = np.zeros(n_areas, dtype=np.bool_)
        lived[population.residence[rows]] = True
        areas = np.flatnonzero(lived)
        area_local = np.full(n_areas, -1, dtype=np.int32)
        area_local[areas] = np.arange(len(areas))
        task_sites = np.unique(
            np.concatenate([site_of[areas].ravel(), layout.chain[areas].ravel()])
        )
        task_sites = task_sites[task_sites >= 0].astype(np.int32)
        site_local = np.full(len(layout.sites) + 1, -1, dtype=np.int32)
        site_local[task_sites] = np.arange(len(task_sites))
        local_site_of = np.where(site_of[areas] >= 0, site_local[site_of[areas]], -1)
        site_factor = tables.site_factor_of_type[layout.site_type[task_sites]]
        task_list.append(
            Task(
                population=task_pop,
                history=task_hist,
                part=local_part[part[rows]].astype(np.int32),
                lid=lid[rows],
                keys=tuple(keys[m] for m in members),
                seeds=tuple(seeds[m] for m in members),
                hist_codes=tables.hist_codes,
                service_hist_code=tables.service_hist_code,
                service_group=tables.service_group,
                n_groups=len(tables.groups),
                attendance=tables.attendance,
                area_local=area_local,
                site_of=local_site_of.astype(np.int32),
                area_factor=tables.area_factor[areas],
                area_desa=layout.area_desa[areas],
                site_factor=np.append(site_factor, 0.0),
                site_global=task_sites,
                openings=tuple(layout.sites[s].opening for s in task_sites),
                holidays=network.holidays,
                start=day0,
                months=months,
                params=params,
                catalogue=catalogue,
                region=region,
                seed_pregnancies=seed_pregnancies,
                keep_population=keep_population,
                services=tables.codes,
                households=None if family is None else family[rows],
            )
        )
    return task_list, groups_of_parts

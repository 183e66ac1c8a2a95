"""The state of one simulation task, and its random draws (per partition, in a fixed order)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import numpy as np

from ilp.lifecycle import Catalogue
from ilp.population._calendar import NO_DAY
from ilp.population.columns import History, Population
from ilp.population.columns._model import _trusted_population
from ilp.population.simulation._params import Arr
from ilp.population.simulation._records import Records
from ilp.population.simulation._task import Task, part_numbers

__all__ = ["TaskState", "per_run"]

#: Rows written at a time when spreading the draws (1 MB of float64 per draw).
_ROWS = 1 << 17


def per_run(values: Arr, f: Callable[[Arr], Arr]) -> Arr:
    """``f(values)`` for an elementwise *f*, computed once per run of equal neighbours.

    A task's rows are in order of birth, so a month's people at risk fall in
    runs of one birth day each (tens of thousands of runs for a million
    people): a rate of the age is computed once per run and spread over its
    rows, the same values as computed row by row (in any order; rows out of
    order only make more runs).
    """
    if len(values) < 2:
        return f(values)
    starts = np.empty(len(values), dtype=np.bool_)
    starts[0] = True
    np.not_equal(values[1:], values[:-1], out=starts[1:])
    out: Arr = f(values[starts])[np.cumsum(starts) - 1]
    return out


class TaskState:
    """The state of one task: growing columns, pregnancies, records and counters."""

    def __init__(self, task: Task) -> None:
        self.t = task
        pop = task.population
        self.cols: dict[str, Arr] = {}
        self.extra: dict[str, Any] = {}
        for f in attrs.fields(Population):
            if not f.init:
                continue
            value = getattr(pop, f.name)
            if f.name.startswith("preg_"):
                continue
            if isinstance(value, np.ndarray) and f.name != "areas":
                self.cols[f.name] = value.copy()
            else:
                self.extra[f.name] = value
        self.death_day = self.cols["death"].copy()
        self.preg: dict[str, Arr] = {
            "person": pop.preg_person.astype(np.int64),
            "lmp": pop.preg_lmp.copy(),
            "edd": pop.preg_edd.copy(),
            "delivery": pop.preg_delivery.copy(),
            "outcome": pop.preg_outcome.copy(),
            "in_facility": pop.preg_in_facility.copy(),
            "planned": np.full(len(pop.preg_person), NO_DAY, dtype=np.int32),
        }
        self.part = task.part.astype(np.int64)
        self.lid = task.lid.copy()
        self.households = None if task.households is None else task.households.copy()
        self.n_parts = len(task.keys)
        self.rngs = [np.random.Generator(np.random.PCG64(s)) for s in task.seeds]
        # each partition's rows in its own order (lid), which is the rows' order: a stable
        # sort of the (small) partition numbers is the lexsort by (part, lid)
        owner = part_numbers(self.part, self.n_parts)
        order = np.argsort(owner, kind="stable")
        step = np.diff(self.lid[order])
        assert bool(np.all((step > 0) | (np.diff(owner[order]) != 0))), "lid not in row order"
        starts = np.searchsorted(owner[order], np.arange(self.n_parts + 1, dtype=owner.dtype))
        self.members = [order[starts[p] : starts[p + 1]] for p in range(self.n_parts)]
        self.records = Records(task.history)
        n = len(pop)
        self.engaged = np.ones(n, dtype=np.bool_)
        self.reached = np.ones(n, dtype=np.bool_)
        # per group and row: ever due, ever received (a group's row is one array)
        self.ever_due = np.zeros((task.n_groups, n), dtype=np.bool_)
        self.ever_received = np.zeros((task.n_groups, n), dtype=np.bool_)
        n_sites = len(task.site_global)
        n_services = len(task.services)
        self.due = np.zeros((task.months, n_sites + 1, n_services), dtype=np.int64)
        self.received = np.zeros_like(self.due)
        self.counts = np.zeros((self.n_parts, task.months, 4), dtype=np.int64)
        self.part_received = np.zeros(self.n_parts, dtype=np.int64)
        self.people_start = np.bincount(self.part, minlength=self.n_parts).astype(np.int64)
        self._cats: tuple[Catalogue, Catalogue | None, frozenset[str]] | None = None
        self._opens: tuple[tuple[Any, ...], Arr] | None = None  # see Attendance._next_open
        self._buffers: dict[str, Arr] = {}  # see _extended
        # each row's task area (as intp: an index), grown with the babies like the columns
        self.area = task.area_local[self.cols["residence"]].astype(np.intp)
        # per service and task area: the task site + 1 that gives it (0: none), and the
        # chance of coming (one row per service, so a service's items look up one row)
        self._slot = np.ascontiguousarray((task.site_of + 1).T, dtype=np.intp)
        self._chance = np.ascontiguousarray(
            (
                task.attendance[None, :]
                * task.area_factor[:, None]
                * task.site_factor[task.site_of]
            ).T
        )
        self._where = {c: i for i, c in enumerate(task.services)}

    def _extended(self, name: str, old: Arr, values: Arr) -> Arr:
        """*old* with *values* after it (along the last axis), in a buffer kept with room.

        Babies join every month: copying every row column each time would move
        the whole task a dozen times over for a few thousand rows. The result
        is a view of the buffer named *name*; the next call writes after it.
        """
        n, b = old.shape[-1], values.shape[-1]
        buf = self._buffers.get(name)
        if buf is None or old.base is not buf or buf.shape[-1] < n + b:
            room = n + b + max((n + b) // 16, 1024)
            buf = np.empty((*old.shape[:-1], room), dtype=old.dtype)
            buf[..., :n] = old
            self._buffers[name] = buf
        buf[..., n : n + b] = values
        return buf[..., : n + b]

    # -- draws, per partition in its own order -----------------------------------------

    def _spread(self, blocks: list[Arr], width: int) -> Arr:
        """Per-partition draws (``width`` × the partition's members) laid out over the task rows.

        The members of all partitions are every task row once, each partition's
        in ascending rows: each block row is scattered in order, a range of rows
        at a time.
        """
        n = len(self.part)
        out = np.empty((width, n), dtype=np.float64)
        # range by range of rows, so that the writes of all partitions stay in cache
        edges = np.minimum(np.arange(0, n + _ROWS, _ROWS), n)
        cuts = [np.searchsorted(rows, edges).tolist() for rows in self.members]
        for j in range(len(edges) - 1):
            for rows, block, cut in zip(self.members, blocks, cuts, strict=True):
                lo, hi = cut[j], cut[j + 1]
                if lo < hi:
                    for i in range(width):
                        out[i][rows[lo:hi]] = block[i][lo:hi]
        return out

    def _draw(self, width: int) -> Arr:
        """*width* draws for every task row, each partition's from its generator in its order."""
        blocks = [self.rngs[p].random((width, len(r))) for p, r in enumerate(self.members)]
        return self._spread(blocks, width)

    def _draw_rows(self, rows: Arr, *, normal: bool = False) -> Arr:
        """One draw for each of *rows* (ascending), in that order, per partition in its own order.

        A partition's members are in ascending rows, so its rows among *rows*
        are in its order: a stable sort by partition groups them. Only the
        draws are made (no array as long as the task for a few thousand rows).
        """
        out = np.empty(len(rows), dtype=np.float64)
        if not len(rows):
            return out
        owner = part_numbers(self.part[rows], self.n_parts)
        order = np.argsort(owner, kind="stable")
        counts = np.bincount(owner, minlength=self.n_parts).tolist()
        values = [
            rng.standard_normal(size) if normal else rng.random(size)
            for rng, size in zip(self.rngs, counts, strict=True)
            if size
        ]
        out[order] = np.concatenate(values)
        return out

    # -- the month's view ------------------------------------------------------------

    def population(self, m0: int) -> Population:
        """The population as seen during the month starting *m0*: deaths before it only."""
        cols = dict(self.cols)
        cols["death"] = np.where(self.death_day < m0, self.death_day, NO_DAY).astype(np.int32)
        preg = self.preg
        # built here from a population checked when it was given: not checked again
        # (tests/population/test_simulate.py checks every month's view)
        return _trusted_population(
            {
                **cols,
                **self.extra,
                "preg_person": preg["person"].astype(np.int32),
                "preg_lmp": preg["lmp"],
                "preg_edd": preg["edd"],
                "preg_delivery": preg["delivery"],
                "preg_outcome": preg["outcome"],
                "preg_in_facility": preg["in_facility"],
            }
        )

    def history(self) -> History:
        return self.records.history(len(self.part))

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
from ilp.population.simulation._params import YEAR_DAYS, Arr
from ilp.population.simulation._records import Records
from ilp.population.simulation._task import Task, part_numbers

__all__ = ["TaskState", "born_by", "per_run", "steps_of"]

#: Steps of a draw in a byte: a draw d in [0, 1) is in step floor(d × 256), exactly.
_STEPS = 256


def steps_of(draws: Arr) -> Arr:
    """The 1/256 step of each draw in [0, 1) (255 for infinity), as one byte each.

    Multiplying by 256 is exact in binary floating point, so ``d < c`` implies
    ``step(d) <= step(c)``: a test of the steps passes every draw that can be
    below a chance, and the exact test is then made of those alone.
    """
    scaled = draws * _STEPS
    np.minimum(scaled, _STEPS - 1, out=scaled)  # (in place: one temporary, not two)
    out: Arr = scaled.astype(np.uint8)
    return out


def born_by(day: int, years: float) -> int:
    """The last birth day whose age on *day*, ``(day - birth) / YEAR_DAYS``, is at least
    *years*: the age falls as the birth day grows, so ``birth <= born_by(day, years)`` is
    ``age >= years`` (the same division, of the few birth days around the limit)."""
    guess = day - int(years * YEAR_DAYS)
    births = np.arange(guess - 4, guess + 5)
    old = (day - births) / YEAR_DAYS >= years
    assert bool(old[0]), "the limit is among the birth days tried"
    assert not bool(old[-1]), "the limit is among the birth days tried"
    return int(births[np.flatnonzero(old)[-1]])


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
    # the first row of each run, and the run lengths: each run's value repeated over it
    # (no running count over the rows)
    first = np.flatnonzero(values[1:] != values[:-1])
    first += 1
    first = np.concatenate([np.zeros(1, dtype=first.dtype), first])
    out: Arr = np.repeat(f(values[first]), np.diff(first, append=len(values)))
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
                # only read, never written: the babies' rows go into new buffers (_extended)
                self.cols[f.name] = value
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
        starts = np.searchsorted(owner[order], np.arange(self.n_parts + 1, dtype=owner.dtype))
        # lid numbers each partition's rows from 0 (_draw finds a row's draws by it)
        place = np.arange(len(order)) - np.repeat(starts[:-1], np.diff(starts))
        assert bool(np.array_equal(self.lid[order], place)), "lid not 0, 1, 2... per partition"
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
        self.rows_per_part = self.people_start.copy()  # with the babies born so far
        self._cats: tuple[Catalogue, Catalogue | None, frozenset[str]] | None = None
        self._opens: tuple[tuple[Any, ...], Arr] | None = None  # see Attendance._next_open
        self._buffers: dict[str, Arr] = {}  # see _extended
        # the draw block's layout (see _places): room per partition, starts, row places
        self._room: list[int] | None = None
        self._starts = self._place = np.zeros(0, dtype=np.int64)
        # each row's task area, grown with the babies like the columns (int16 when the
        # task's areas fit: a small table, in cache while a slot's items look up their areas;
        # bincount widens a chunk of them at a time)
        self.area = part_numbers(task.area_local[self.cols["residence"]], len(task.area_factor))
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
        # per service, the 1/256 step of its highest chance: a draw whose step is above it
        # cannot come anywhere (see Attendance._take_up)
        top = np.floor(self._chance.max(axis=1, initial=0.0) * _STEPS)
        self._top_step = np.minimum(top, _STEPS - 1).astype(np.uint8)

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

    def _scratch(self, name: str, width: int, n: int, dtype: type = np.float64) -> Arr:
        """A *width* × *n* array in the buffer named *name*, kept with room for the babies
        to come (its values are those of the last use; each row is contiguous)."""
        buf = self._buffers.get(name)
        if buf is None or buf.shape[0] != width or buf.shape[1] < n:
            buf = np.empty((width, n + max(n // 16, 1024)), dtype=dtype)
            self._buffers[name] = buf
        out: Arr = buf[:, :n]
        return out

    # -- draws, per partition in its own order -----------------------------------------

    def _draw(self, width: int, *, normal: bool = False) -> Arr:
        """*width* draws for every task row, each partition's from its generator in its order
        (uniform, or standard normal).

        Each partition's draws are made straight into its slice of one block
        (see :meth:`_draw_block`), then gathered into row order: a row's place
        in the block is its partition's start plus its position in the
        partition (``lid``), so that one ``take`` lays out all the draws.
        """
        block, _ = self._draw_block(width, normal=normal)
        place = self._place
        out = self._scratch("draws", width, len(place))
        # (mode="clip": the places are in range, and the result is written straight to out)
        for i in range(width):
            np.take(block[i], place, out=out[i], mode="clip")
        return out

    def _draw_block(self, width: int, *, normal: bool = False) -> tuple[Arr, Arr]:
        """*width* draws for every task row in the draw block, and each partition's start in
        it: partition after partition, a block row at a time (the order of
        ``random((width, size))``), each partition's rows in its own order.

        The block is kept from month to month (valid until the next call; another
        width takes a new one).
        """
        starts, _ = self._places()
        block = self._scratch("draw block", width, int(starts[-1]))
        for rng, lo, rows in zip(self.rngs, starts[:-1].tolist(), self.members, strict=True):
            if len(rows):
                for i in range(width):
                    if normal:
                        rng.standard_normal(out=block[i, lo : lo + len(rows)])
                    else:
                        rng.random(out=block[i, lo : lo + len(rows)])
        return block, starts

    def _below(self, drawn: Arr, starts: Arr, limit: float) -> tuple[Arr, Arr]:
        """The rows whose draw in *drawn* (a row of the draw block) is below *limit*, and
        those draws: partition after partition, each in its own order (a partition's
        ``lid``-th draw is its member ``lid``'s)."""
        rows, values = [np.zeros(0, dtype=np.intp)], [np.zeros(0)]
        for lo, members in zip(starts[:-1].tolist(), self.members, strict=True):
            mine = drawn[lo : lo + len(members)]
            at = np.flatnonzero(mine < limit)
            rows.append(members.take(at))
            values.append(mine.take(at))
        return np.concatenate(rows), np.concatenate(values)

    def _places(self) -> tuple[Arr, Arr]:
        """Each partition's start in the draw block, and each row's place in the block.

        Each partition has room for babies to come after its rows, so that the
        places stay where they were from month to month: only the babies' are
        found, until a partition outgrows its room and all are laid out again.
        """
        n = len(self.part)
        sizes = [len(r) for r in self.members]
        if self._room is None or any(s > r for s, r in zip(sizes, self._room, strict=True)):
            self._room = [s + s // 16 + 64 for s in sizes]
            starts = np.zeros(self.n_parts + 1, dtype=np.int64)
            np.cumsum(self._room, out=starts[1:])
            self._starts = starts
            place = starts.take(self.part)
            place += self.lid
            self._place = place
        elif len(self._place) < n:  # the babies since the last call
            new = self._starts.take(self.part[len(self._place) :])
            new += self.lid[len(self._place) :]
            self._place = self._extended("draw places", self._place, new)
        return self._starts, self._place

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
        cols["death"] = np.where(self.death_day < m0, self.death_day, NO_DAY).astype(
            np.int32, copy=False
        )
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

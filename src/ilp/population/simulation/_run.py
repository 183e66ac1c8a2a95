"""Running simulation tasks: month by month within a task, and the tasks on an executor."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ilp.people import Sex
from ilp.population._calendar import NO_DAY
from ilp.population.columns import SEX_CODES
from ilp.population.simulation._attendance import Attendance
from ilp.population.simulation._params import YEAR_DAYS, Arr
from ilp.population.simulation._state import born_by, per_run
from ilp.population.simulation._task import Task, TaskResult, month_span
from ilp.population.simulation._vital import VitalEvents

__all__ = ["MonthTick", "TaskRun", "run_task", "run_task_quietly", "run_tasks"]


class TaskRun(VitalEvents, Attendance):
    """One task run month by month: vital events, then attendance; then its result."""

    # -- one month ---------------------------------------------------------------------

    def month(self, k: int) -> None:
        t, p = self.t, self.t.params
        m0, m1 = month_span(t.start, k)
        length = m1 - m0 + 1
        n0 = len(self.part)
        # each partition draws from its own generator, in the same order every month
        # (engagement, death, attendance: the first two read in the block, where few are below
        # what changes anything; the attendance laid out over the rows)
        block, starts = self._draw_block(3)
        place = self._place
        birth = self.cols["birth"]
        # 1. engagement: the engaged whose draw is below the dropout leave, the others whose
        # draw is below the re-engagement come back (no other row changes)
        rows, drawn = self._below(block[0], starts, max(p.dropout, p.reengage))
        engaged = self.engaged
        engaged[rows] = np.where(engaged[rows], drawn >= p.dropout, drawn < p.reengage)
        # 2. deaths among the living without a date of death yet
        alive_start = (birth <= m0) & (self.death_day >= m0)
        self._deaths(m0, length, block[1], starts, alive_start)
        # 3. conceptions
        # aged 15 to 49: born after the last day of those aged 50, up to that of those aged 15
        women = alive_start & (self.cols["sex"] == SEX_CODES[Sex.FEMALE])
        women &= (birth > born_by(m0, 50)) & (birth <= born_by(m0, 15))
        women &= ~self._blocked(m0)
        at = np.flatnonzero(women)
        chance = per_run(
            birth[at],
            lambda b: 1 - np.exp(-p.conception((m0 - b) / YEAR_DAYS) * length / YEAR_DAYS),
        )
        rows = at[self._draw_rows(at) < chance]
        when = self._draw_rows(rows)
        normal = self._draw_rows(rows, normal=True)
        if len(rows):
            lmp = m0 + np.floor(when * length).astype(np.int64)
            keep = self.death_day[rows].astype(np.int64) >= lmp
            rows, lmp = rows[keep], lmp[keep]
            self._add_pregnancies(rows, lmp, lmp + self._gestation(normal[keep]))
        # 4. deliveries and births
        babies = self._deliver(m0, m1)
        # the attendance draws of the rows, then the babies' (one buffer kept with room)
        u = self._scratch("attendance", 1, n0 + len(babies))[0]
        np.take(block[2], place, out=u[:n0], mode="clip")
        u[n0:] = babies
        # 5. counts of people: alive at the start (of the rows before the babies), born, died,
        # alive at the end; the living counted as the rows less the others (a few)
        part = self.part
        died = (self.death_day >= m0) & (self.death_day <= m1)
        alive_end = (self.cols["birth"] <= m1) & (self.death_day > m1)
        before = self.rows_per_part.copy()
        born = np.bincount(part[n0:], minlength=self.n_parts)
        self.rows_per_part += born
        for j, count in enumerate(
            (
                before - self._count(part[:n0], ~alive_start),
                born,
                self._count(part, died),
                self.rows_per_part - self._count(part, ~alive_end),
            )
        ):
            self.counts[:, k, j] = count
        # 6. who is due, who comes
        self._serve(k, m0, m1, u)

    def _deaths(self, m0: int, length: int, drawn: Arr, starts: Arr, alive: Arr) -> None:
        """Date the deaths of the month among the *alive* at its start without a date of
        death yet: those whose draw (*drawn*: a row of the draw block) is below their rate.

        Only the rows whose draw is below the highest rate of any birth day from
        the first to the last are looked at (a row's rate is elementwise: the
        same computed for it alone).
        """
        p, birth = self.t.params, self.cols["birth"]

        def rate(b: Arr) -> Arr:
            out: Arr = 1 - np.exp(-p.mortality((m0 - b) / YEAR_DAYS) * length / YEAR_DAYS)
            return out

        days = np.arange(int(birth.min()), int(birth.max()) + 1) if len(birth) else birth
        highest = float(np.fmax.reduce(rate(days), initial=0.0))  # (a NaN rate: none dies)
        rows, below = self._below(drawn, starts, highest)
        at_risk = alive[rows] & (self.death_day[rows] == NO_DAY)
        dies = np.sort(rows[at_risk & (below < rate(birth[rows]))])
        day = (m0 + np.floor(self._draw_rows(dies) * length)).astype(np.int32)
        self.death_day[dies] = np.maximum(day, birth[dies])

    def _count(self, part: Arr, mask: Arr) -> Arr:
        """The rows of each partition where *mask* (mostly False) holds."""
        return np.bincount(part[np.flatnonzero(mask)], minlength=self.n_parts)

    # -- the end -----------------------------------------------------------------------

    def finish(self, seconds: float) -> TaskResult:
        t = self.t
        desa = t.area_desa[self.area].astype(np.intp) + 1
        g = t.n_groups
        # people due and people who received, per (desa + 1, group) key = (desa + 1) × g + group
        size = int(desa.max()) + 1 if len(desa) else 0
        due = _per_key(desa, self.ever_due, size).ravel()
        got = _per_key(desa, self.ever_received, size).ravel()
        keys = np.flatnonzero(due)
        cover = np.stack([keys // g - 1, keys % g, due[keys], got[keys]]).astype(np.int64)
        columns = preg = records = None
        if t.keep_population:
            end = month_span(t.start, t.months - 1)[1]
            columns = dict(self.cols)
            columns["death"] = np.where(self.death_day <= end, self.death_day, NO_DAY).astype(
                np.int32
            )
            preg = dict(self.preg)
            del preg["planned"]
            records = self.records.copies()
        return TaskResult(
            due=self.due,
            received=self.received,
            site_global=t.site_global,
            counts=self.counts,
            people_start=self.people_start,
            part_received=self.part_received,
            cover=cover,
            columns=columns,
            preg=preg,
            records=records,
            households=self.households if t.keep_population else None,
            part=self.part.astype(np.int32),
            lid=self.lid,
            seconds=seconds,
        )


#: Groups whose flags are read together, as the bits of a byte (see _per_key).
_BITS = 8


def _per_key(key: Arr, flags: Arr, size: int) -> Arr:
    """The rows of each *key* (below *size*) where each row of *flags* (groups × rows) is
    set: shape (size, groups).

    Eight groups at a time: a row's flags as the bits of a byte, the rows
    counted per key and byte, and each bit's count the sum over the bytes
    that have it (exact integer sums). When there are far more keys than
    rows, a count per key and group.
    """
    g, n = flags.shape
    out = np.zeros((size, g), dtype=np.int64)
    if size << _BITS > 4 * n + (1 << 16):
        for group in range(g):
            out[:, group] = np.bincount(key, flags[group], minlength=size)
        return out
    shifted = key << _BITS
    key_byte = np.empty_like(shifted)
    bits = (np.arange(1 << _BITS)[:, None] >> np.arange(_BITS)) & 1  # byte x bit: is it set
    for first in range(0, g, _BITS):
        width = min(_BITS, g - first)
        byte = np.zeros(n, dtype=np.uint8)
        for i in range(width):  # (a multiply-add of bytes: no shift of a byte array)
            np.add(byte, flags[first + i].view(np.uint8) * np.uint8(1 << i), out=byte)
        np.add(shifted, byte, out=key_byte)
        counts = np.bincount(key_byte, minlength=size << _BITS)
        out[:, first : first + width] = counts.reshape(size, 1 << _BITS) @ bits[:, :width]
    return out


def run_task(task: Task, progress: Callable[[int], None] | None = None) -> TaskResult:
    began = time.perf_counter()
    run = TaskRun(task)
    run.setup()
    for k in range(task.months):
        run.month(k)
        if progress is not None:
            progress(k + 1)
    return run.finish(time.perf_counter() - began)


def run_task_quietly(task: Task) -> TaskResult:
    return run_task(task)


def run_tasks(
    task_list: Sequence[Task],
    executor: concurrent.futures.Executor | None,
    months: int,
    progress: Callable[[int, int], object] | None,
) -> list[TaskResult]:
    """The results of *task_list*, in order: here one after another, or on *executor*.

    *progress* is called with (months done, months in all), counted over
    tasks; a task's failure is raised as soon as it is known, and the tasks
    not yet started are cancelled.
    """
    total = months * len(task_list)
    outputs: list[TaskResult] = []
    if executor is None:
        for i, task in enumerate(task_list):
            done_before = i * months

            def tick(k: int, base: int = done_before) -> None:
                if progress is not None:
                    progress(base + k, total)

            outputs.append(run_task(task, tick))
        return outputs
    if progress is not None and isinstance(executor, concurrent.futures.ProcessPoolExecutor):
        return _run_with_month_ticks(task_list, executor, total, progress)
    futures = [executor.submit(run_task_quietly, task) for task in task_list]
    done = 0
    try:
        for future in concurrent.futures.as_completed(futures):
            future.result()  # raise a task's failure as soon as it is known
            done += months
            if progress is not None:
                progress(done, total)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return [f.result() for f in futures]


class MonthTick:
    """A picklable progress callback for a worker process: one token per month done."""

    def __init__(self, queue: Any) -> None:
        self.queue = queue

    def __call__(self, month: int) -> None:
        del month
        self.queue.put(1)


def _run_with_month_ticks(
    task_list: Sequence[Task],
    executor: concurrent.futures.ProcessPoolExecutor,
    total: int,
    progress: Callable[[int, int], object],
) -> list[TaskResult]:
    """As :func:`run_tasks` on a process pool, with *progress* called after every month.

    The workers put a token on a manager queue each month; a thread here
    turns the tokens into *progress* calls.
    """
    with multiprocessing.Manager() as manager:
        queue = manager.Queue()
        tick = MonthTick(queue)

        def drain() -> None:
            done = 0
            while queue.get() is not None:
                done += 1
                progress(done, total)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        futures = [executor.submit(run_task, task, tick) for task in task_list]
        try:
            for future in concurrent.futures.as_completed(futures):
                future.result()  # raise a task's failure as soon as it is known
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        finally:
            queue.put(None)
            reader.join()
        return [f.result() for f in futures]

"""due_batch's item columns: memory kept from call to call, never under a result still held."""

from __future__ import annotations

import gc
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pendulum

from ilp.population import NO_DAY, BatchResult, due_batch, synthesize
from ilp.population.batch.arena import Arena, Pool

ON = pendulum.Date(2025, 11, 1)
NAMES = ("rows", "status", "earliest", "recommended", "overdue", "latest", "given")


def _copy(result: BatchResult) -> list[list[npt.NDArray[Any]]]:
    """Every column of every slot, copied."""
    return [[np.array(getattr(s, n)) for n in NAMES] for s in result.slots]


def _same(a: list[list[npt.NDArray[Any]]], b: list[list[npt.NDArray[Any]]]) -> bool:
    return len(a) == len(b) and all(
        x.dtype == y.dtype and np.array_equal(x, y)
        for p, q in zip(a, b, strict=True)
        for x, y in zip(p, q, strict=True)
    )


class TestPool:
    def test_a_chunk_is_used_again_only_once_no_view_of_it_is_left(self) -> None:
        """A column's chunk goes to the next call only when every view of it is gone."""
        pool = Pool()
        arena = Arena(pool, 100)
        first = arena.empty(60, np.int32)
        first[:] = 7
        view = first[10:20]
        buffer = first.base.base.obj  # type: ignore[union-attr]  # the chunk under the lease
        del first
        arena.close()
        arena = Arena(pool, 100)
        busy = arena.empty(60, np.int32)
        assert not np.shares_memory(busy, buffer)  # a view of the old column is alive
        assert (view == 7).all()
        arena.close()
        del view, busy
        gc.collect()
        arena = Arena(pool, 100)
        again = arena.empty(60, np.int32)
        assert np.shares_memory(again, buffer)
        arena.close()

    def test_the_pool_keeps_the_chunks_of_two_calls_at_most(self) -> None:
        """Results all held: the pool keeps only the last two calls' chunks (not every one)."""
        pool = Pool()
        held = []
        for _ in range(5):
            arena = Arena(pool, 100)
            held.append(arena.empty(50, np.int32))
            arena.close()
        one = held[0].base.base.obj.nbytes  # type: ignore[union-attr]
        assert pool.nbytes == 2 * one
        del held
        gc.collect()
        arena = Arena(pool, 100)
        arena.empty(50, np.int32)
        arena.close()
        assert pool.nbytes == one  # free ones this call did not need are let go

    def test_columns_of_one_call_do_not_overlap(self) -> None:
        """Columns cut from the chunks of one call are disjoint, a new chunk when one is full."""
        arena = Arena(Pool(), 10)
        columns = [arena.empty(n, np.int32) for n in (3, 5000, 4000, 1, 4096, 0)]
        columns += [arena.empty(n, np.int8) for n in (7, 9)]
        for i, a in enumerate(columns):
            a[...] = i
        for i, a in enumerate(columns):
            assert (a == i).all()
            assert not any(np.shares_memory(a, b) for b in columns[i + 1 :] if len(a) and len(b))
        arena.close()


class TestResults:
    def test_a_result_held_keeps_its_values_through_later_calls(self) -> None:
        """Later calls on other dates write nowhere a held result (or a view of it) reads."""
        syn = synthesize(seed=5, on=ON, size=3000)
        pop, hist = syn.population, syn.history
        held = due_batch(pop, hist, ON)
        want = _copy(held)
        part = held.slots[0].rows[:5]
        for days in (30, 400, -200):
            later = due_batch(pop, hist, ON.add(days=days))
            assert later.size == held.size
            del later
            gc.collect()
        assert _same(_copy(held), want)
        assert np.array_equal(part, want[0][0][:5])
        for items in held.slots:
            assert not any(getattr(items, n).flags.writeable for n in NAMES)

    def test_results_after_a_dropped_one_equal_fresh_ones(self) -> None:
        """Memory handed on from a dropped result gives the same items as a first call."""
        syn = synthesize(seed=6, on=ON, size=2000)
        pop, hist = syn.population, syn.history
        want = [_copy(due_batch(pop, hist, ON.add(days=d))) for d in (0, 90)]
        gc.collect()
        for _ in range(2):
            for d, expected in zip((0, 90), want, strict=True):
                assert _same(_copy(due_batch(pop, hist, ON.add(days=d))), expected)


class TestKeptWithThePopulation:
    def test_a_population_asked_again_answers_as_a_fresh_copy(self) -> None:
        """The rows kept with a population while everyone is alive (each eligibility's sex,
        conditions, activity and recorded grade) give what a fresh copy gives, on dates
        where everyone is alive and dates where some are not born yet or dead."""
        syn = synthesize(seed=8, on=ON, size=3000)
        pop, hist = syn.population, syn.history
        last_birth = int(pop.birth.max())
        assert last_birth <= ON.toordinal()
        assert (pop.death == NO_DAY).all()
        older = pop.birth < np.median(pop.birth)  # half of them die ten days before ON
        death = np.where(older, ON.toordinal() - 10, NO_DAY).astype(np.int32)
        dying = attrs.evolve(pop, death=death)
        assert (dying.death != NO_DAY).any()
        earlier = pendulum.Date.fromordinal(last_birth - 1)  # one person not born yet
        for population in (pop, dying, pop):
            for on in (ON, earlier, ON.add(days=45), ON):
                got = _copy(due_batch(population, hist, on))
                fresh = attrs.evolve(population)  # a new object: nothing kept with it
                assert _same(got, _copy(due_batch(fresh, hist, on))), on
                assert population.birth.flags.writeable  # its own columns are left as they are

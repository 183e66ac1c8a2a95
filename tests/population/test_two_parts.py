"""Records read in two parts: the simulation's given records, then those of its run.

The simulation keeps the records it was given as they are and merges each
month's records only into the run's own; ``due_batch`` reads a history
handed over with a rest (``keep_rest``) as two parts, each row's records of
the first before its records of the second. Whichever way each part of a
cohort's records is found (a slice, a search per row, between the holes, a
lookup), the two parts (``Pair``) must answer as the records merged do, and
``due_batch`` on the two parts must give, byte for byte, what it gives on
the one sorted history.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.population.test_batch_equals_due import (
    REFERENCE,
    REGIONS,
    seeded_people,
    walk_schedule,
)
from tests.population.test_segments import _case, _made, _plain

from ilp.population import Population
from ilp.population._calendar import NO_DAY
from ilp.population.batch import due_batch
from ilp.population.batch import run as run_module
from ilp.population.batch.segments import (
    Pair,
    Segments,
    keep_rest,
    pair,
    rest_of,
    whole,
)
from ilp.population.columns import History
from ilp.population.columns._model import _trusted_history

WAYS = ("slice", "searched", "holes", "mapped")


def _part(way: str, person: Any, day: Any, rows: Any) -> Segments | None:
    """One part's segments made one way (``slice``: from the records as they are)."""
    if way != "slice":
        return _made(way, person, day, rows)
    loc, days = _plain(person, day, rows)
    if not loc:
        return None
    return Segments(
        np.array(loc, dtype=np.int32), np.array(days, dtype=np.int32), len(rows), ascending=True
    )


def _split(person: Any, day: Any, cut: int, ties: Any) -> tuple[Any, Any]:
    """The records in two parts: before *cut*, and after it; those on it in either (*ties*)."""
    first = (day < cut) | ((day == cut) & ties)
    return first, ~first


@st.composite
def _two_parts(draw: Any) -> tuple[Any, Any, Any, Any, Any]:
    person, day, rows = draw(_case())
    cut = draw(st.integers(700_000, 700_051))
    ties = np.array(draw(st.lists(st.booleans(), min_size=len(day), max_size=len(day))), bool)
    return person, day, rows, *_split(person, day, cut, ties)


class TestPair:
    @settings(deadline=None, max_examples=300)
    @given(_two_parts(), st.sampled_from(WAYS), st.sampled_from(WAYS), st.integers(0, 4))
    def test_two_parts_answer_as_the_records_merged(
        self, case: tuple[Any, Any, Any, Any, Any], way_a: str, way_b: str, k: int
    ) -> None:
        """count, size, last, lasts, kth (all rows and some), first_days, heads, places,
        loc, day, start and top of the two parts are those of the records as one."""
        person, day, rows, in_a, in_b = case
        one = _part("slice", person, day, rows)
        a = _part(way_a, person[in_a], day[in_a], rows)
        b = _part(way_b, person[in_b], day[in_b], rows)
        two = pair(a, b)
        if one is None:
            assert two is None
            return
        assert two is not None
        assert isinstance(two, Pair) == (a is not None and b is not None)
        assert two.count.tolist() == one.count.tolist()
        assert two.size == one.size
        last = np.full(len(rows), NO_DAY, dtype=np.int64)
        for has, days in two.lasts():  # in order: the last part listing a row stands
            last[has] = days
        want_has, want_last = one.last()
        assert np.flatnonzero(last != NO_DAY).tolist() == want_has.tolist()
        assert last[want_has].tolist() == want_last.tolist()
        for sel in (None, np.arange(0, len(rows), 2)):
            assert two.kth(k, sel).tolist() == one.kth(k, sel).tolist()
        assert two.first_days().tolist() == one.first_days().tolist()
        has, days = two.last()
        assert (has.tolist(), days.tolist()) == (want_has.tolist(), want_last.tolist())
        # what is read as one sorted set: the two parts merged
        assert two.loc.tolist() == one.loc.tolist()
        assert two.day.tolist() == one.day.tolist()
        assert two.start[one.count > 0].tolist() == one.start[one.count > 0].tolist()
        assert two.top == one.top
        assert [x.tolist() for x in two.heads()] == [x.tolist() for x in one.heads()]
        at, count, source = two.places()
        runs = [source[i : i + c].tolist() for i, c in zip(at, count, strict=True)]
        at, count, source = one.places()
        assert runs == [source[i : i + c].tolist() for i, c in zip(at, count, strict=True)]
        # and kth read after the merge is made, as before
        assert two.kth(k).tolist() == one.kth(k).tolist()


# -- due_batch on a history with a rest -----------------------------------------------------


@pytest.fixture(scope="module")
def in_birth_order() -> tuple[Population, History]:
    """A population with deaths, pregnancies and conditions, in birth order (as the
    simulation's), with records made by following the schedule for four years."""
    population, _ = Population.from_people(seeded_people(800, seed=20261207))
    order = np.argsort(population.birth, kind="stable")
    population = population.take(order)
    history = walk_schedule(population, 12, REFERENCE.subtract(years=4), REFERENCE)
    return population, history


def _with_rest(history: History, cut: int) -> History:
    """*history* as the simulation hands it over: the records up to *cut*, and the others
    (on or after every one of those) kept as its rest."""
    first = history.rec_day <= cut
    parts = [
        _trusted_history(
            history.codes,
            history.rec_person[keep],
            history.rec_code[keep],
            history.rec_day[keep],
            history.persons,
        )
        for keep in (first, ~first)
    ]
    keep_rest(parts[0], parts[1])
    return parts[0]


def _columns(result: Any) -> list[Any]:
    out: list[Any] = [result.codes, result.entries]
    for items in result.slots:
        for field in ("rows", "status", "earliest", "recommended", "overdue", "latest", "given"):
            value = np.asarray(getattr(items, field))
            out.append((str(value.dtype), value.tobytes()))
    return out


@pytest.mark.parametrize(
    ("sparse", "few_holes"),
    [(16, 16), (0, 16), (10**9, 0), (10**9, 10**9)],
    ids=["as-set", "searched", "holes", "mapped"],
)
@pytest.mark.parametrize("months_back", [1, 6, 30])
def test_due_batch_on_two_parts_is_due_batch_on_the_history(
    in_birth_order: tuple[Population, History],
    monkeypatch: pytest.MonkeyPatch,
    sparse: int,
    few_holes: int,
    months_back: int,
) -> None:
    """The records cut at a day into the given and the run's (kept as a rest): every slot
    column of due_batch is byte for byte that of the one sorted history, whichever way
    every cohort's records are found, for several dates and regions."""
    monkeypatch.setattr(run_module, "SPARSE", sparse)
    monkeypatch.setattr(run_module, "FEW_HOLES", few_holes)
    population, history = in_birth_order
    cut = REFERENCE.subtract(months=months_back).toordinal()
    two = _with_rest(history, cut)
    rest = rest_of(two)
    assert rest is not None
    assert len(two)
    assert len(rest)
    merged = whole(two)
    for name in ("rec_person", "rec_code", "rec_day"):
        assert np.array_equal(getattr(merged, name), getattr(history, name))
    for on in (REFERENCE.subtract(days=40), REFERENCE, REFERENCE.add(days=20)):
        for region in REGIONS[:2]:
            got = due_batch(population, two, on, region=region, horizon=30)
            want = due_batch(population, history, on, region=region, horizon=30)
            assert _columns(got) == _columns(want)


def test_a_population_out_of_order_reads_the_two_parts_merged(
    in_birth_order: tuple[Population, History],
) -> None:
    """Rows not in birth order: the two parts are read merged, with the same answer."""
    population, history = in_birth_order
    order = np.random.default_rng(3).permutation(len(population))
    shuffled, records = population.take(order), history.take(order)
    two = _with_rest(records, REFERENCE.subtract(months=3).toordinal())
    got = due_batch(shuffled, two, REFERENCE, horizon=30)
    want = due_batch(shuffled, records, REFERENCE, horizon=30)
    assert _columns(got) == _columns(want)

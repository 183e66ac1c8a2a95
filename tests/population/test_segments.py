"""The records of a code for a cohort's rows (``Segments``), made each of the ways ``Run`` has.

``Run.segments`` finds a cohort's records of a code in one of several ways,
by the cohort's shape: a slice for every row of a span, a search per row for
a few rows among many records, slices between the rows left out (the holes)
when they are few, and a lookup and a mask otherwise. Each must give the
records a plain filter gives; the per-row answers (``start``, ``count``,
``last``, ``kth``) must be those of the records. And ``due_batch`` answers
as ``due()`` whichever way is taken for every cohort.
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
    assert_batch_equals_due,
    seeded_people,
    walk_schedule,
)

from ilp import Person, ServiceRecord
from ilp.population import Population
from ilp.population._calendar import NO_DAY
from ilp.population.batch import run as run_module
from ilp.population.batch.cohort import Cohort, spans
from ilp.population.batch.run import Run
from ilp.population.batch.segments import (
    Segments,
    day_span,
    day_spans,
    merge_sorted,
    segments_of_rows,
)
from ilp.population.columns import History


@st.composite
def _case(draw: Any) -> tuple[Any, Any, Any]:
    """Records of one code (rows sorted, each row's days sorted) and a cohort of rows."""
    n = draw(st.integers(1, 40))
    per_row = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
    person = np.repeat(np.arange(n, dtype=np.int32), per_row)
    days = [sorted(draw(st.lists(st.integers(0, 50), min_size=c, max_size=c))) for c in per_row]
    day = np.array([d for row in days for d in row], dtype=np.int32) + 700_000
    rows = sorted(draw(st.sets(st.integers(0, n - 1), min_size=1)))
    return person, day, np.array(rows, dtype=np.int64)


def _plain(person: Any, day: Any, rows: Any) -> tuple[list[int], list[int]]:
    """Each record of a cohort row: its place in the cohort, and its day."""
    place = {int(r): i for i, r in enumerate(rows)}
    kept = [(place[int(p)], int(d)) for p, d in zip(person, day, strict=True) if int(p) in place]
    return [p for p, _ in kept], [d for _, d in kept]


def _cohort(rows: Any) -> Cohort:
    return Cohort(rows, rows.astype(np.int32), rows.astype(np.int32))


def _made(way: str, person: Any, day: Any, rows: Any) -> Segments | None:
    """The cohort's segments made one of the ways ``Run.segments`` has (the records given are
    those of the cohort's span)."""
    co = _cohort(rows)
    i, j = np.searchsorted(person, [co.lo, co.hi])
    p, d = person[i:j], day[i:j]
    if i == j:
        return None
    run = object.__new__(Run)
    run.pop = np.zeros(co.hi)  # type: ignore[assignment] # only its length is read
    if way == "searched":
        return segments_of_rows(p, d, rows)
    if way == "holes":
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(run_module, "FEW_HOLES", 0)  # however many holes
            return run._without_holes(co, p, d)
    return run._mapped(co, p, d, ascending=True)


@pytest.mark.parametrize("way", ["searched", "holes", "mapped"])
class TestSegmentsMadeEachWay:
    @settings(deadline=None, max_examples=150)
    @given(_case(), st.booleans())
    def test_the_records_and_rows_are_those_of_a_plain_filter(
        self, way: str, case: tuple[Any, Any, Any], rows_first: bool
    ) -> None:
        """``loc`` and ``day`` are the records of the cohort's rows, in row then day order;
        ``start`` and ``count`` say where each row's are (asked for before the records or
        after); None when there are none."""
        person, day, rows = case
        loc, days = _plain(person, day, rows)
        seg = _made(way, person, day, rows)
        if not loc:
            assert seg is None
            return
        assert seg is not None
        count = np.bincount(loc, minlength=len(rows))
        start = np.concatenate([[0], np.cumsum(count)[:-1]])
        has = count > 0
        for ask in ("rows", "records") if rows_first else ("records", "rows"):
            if ask == "rows":
                assert seg.count.tolist() == count.tolist()
                assert seg.start[has].tolist() == start[has].tolist()
            else:
                assert seg.loc.tolist() == loc
                assert seg.day.tolist() == days
        assert seg.m == len(rows)
        assert seg.top == len(loc) - 1

    @settings(deadline=None, max_examples=150)
    @given(_case(), st.integers(0, 4), st.booleans())
    def test_each_rows_last_and_kth_record_are_read_from_its_records(
        self, way: str, case: tuple[Any, Any, Any], k: int, some: bool
    ) -> None:
        """``last`` and ``kth`` (of all rows, or of some) are each row's records read one by one."""
        person, day, rows = case
        loc, days = _plain(person, day, rows)
        seg = _made(way, person, day, rows)
        if seg is None:
            return
        mine: list[list[int]] = [[] for _ in rows]
        for p, d in zip(loc, days, strict=True):
            mine[p].append(d)
        has, last = seg.last()
        assert has.tolist() == [i for i, x in enumerate(mine) if x]
        assert last.tolist() == [x[-1] for x in mine if x]
        sel = np.arange(0, len(rows), 2) if some else None
        picked = range(0, len(rows), 2) if some else range(len(rows))
        want = [mine[i][k] if len(mine[i]) > k else NO_DAY for i in picked]
        assert seg.kth(k, sel).tolist() == want
        at, count, source = seg.places()
        assert [source[a : a + c].tolist() for a, c in zip(at, count, strict=True)] == mine


# -- due_batch equals due() whichever way every cohort takes -------------------------------


@pytest.fixture(scope="module")
def scheduled() -> tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]]:
    people = seeded_people(800, seed=20261206)
    population, _ = Population.from_people(people)
    history = walk_schedule(population, 11, REFERENCE.subtract(years=4), REFERENCE)
    return people, history.to_mapping(population)


@pytest.mark.parametrize(
    ("sparse", "few_holes"),
    [(0, 16), (10**9, 0), (10**9, 10**9)],
    ids=["searched", "holes", "mapped"],
)
def test_batch_equals_due_whichever_way_the_segments_are_made(
    scheduled: tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]],
    monkeypatch: pytest.MonkeyPatch,
    sparse: int,
    few_holes: int,
) -> None:
    """Every cohort's records searched per row, or cut between its holes, or looked up and
    masked: batch equals due() (a population with deaths, pregnancies and conditions)."""
    monkeypatch.setattr(run_module, "SPARSE", sparse)
    monkeypatch.setattr(run_module, "FEW_HOLES", few_holes)
    people, records = scheduled
    assert_batch_equals_due(people, records, REFERENCE, regions=REGIONS[:2], horizons=(0, 30))


# -- day spans -----------------------------------------------------------------------


def test_day_spans_are_each_codes_first_and_last_day() -> None:
    """Per code, the first and last day of its records; 0 and 0 for a code without any."""
    history = History(
        ("A", "B", "C"),
        np.array([0, 1, 1, 0], dtype=np.int32),
        np.array([0, 0, 0, 2], dtype=np.int16),
        np.array([9, 3, 7, 5], dtype=np.int32),
        2,
    )
    assert day_spans(history.offsets, history.rec_day).tolist() == [[3, 0, 5], [9, 0, 5]]
    assert day_span(history, "A") == (3, 9)
    assert day_span(history, "B") == (0, 0)
    assert day_span(history, "Z") == (0, 0)


@settings(deadline=None, max_examples=100)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 30), st.integers(0, 800_000)), max_size=12),
        max_size=5,
    )
)
def test_records_of_codes_merged_are_all_of_them_sorted(parts: list[list[tuple[int, int]]]) -> None:
    """The records of several codes merged for credit are all of them, sorted by person and day."""
    found = []
    for records in parts:
        if records:
            person, day = zip(*sorted(records), strict=True)
            found.append((np.array(person, dtype=np.int32), np.array(day, dtype=np.int32)))
    merged = merge_sorted(found)
    if not found:
        assert merged is None
        return
    assert merged is not None
    want = sorted(r for records in parts for r in records)
    assert merged[0].dtype == merged[1].dtype == np.int32
    assert list(zip(merged[0].tolist(), merged[1].tolist(), strict=True)) == want


@settings(deadline=None, max_examples=100)
@given(st.lists(st.tuples(st.integers(-5, 50), st.integers(0, 6)), max_size=8))
def test_spans_are_the_ranges_one_after_another(runs: list[tuple[int, int]]) -> None:
    """``spans`` is the concatenation of ``range(start, start + size)`` for each run."""
    starts = np.array([a for a, _ in runs], dtype=np.int64)
    ends = starts + np.array([n for _, n in runs], dtype=np.int64)
    want = [x for a, n in runs for x in range(a, a + n)]
    assert spans(starts, ends).tolist() == want

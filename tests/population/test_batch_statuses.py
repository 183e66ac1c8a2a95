"""``due_batch(..., statuses=...)``: the items of those statuses, exactly as without it.

The promise: a result asked for some statuses equals the result asked for
all of them with the items of the other statuses left out, slot by slot and
column by column (rows in the same order). Hypothesis invents populations,
histories, dates, horizons and sets of statuses; a synthetic population of
20,000 people checks every set at scale (large cohorts, Output's gathered
and run-by-run masks, completed items left out before they are made).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilp import Person, ServiceRecord, national
from ilp.errors import InvalidArgumentError
from ilp.lifecycle import Region, Status
from ilp.population import (
    STATUS_CODES,
    BatchResult,
    History,
    Population,
    due_batch,
    synthesize,
)
from ilp.testing import dates, histories, persons

CAT = national()
NAMES = ("rows", "status", "earliest", "recommended", "overdue", "latest", "given")
Case = tuple[list[Person], dict[str, tuple[ServiceRecord, ...]], pendulum.Date]
#: Every set of statuses but the empty one.
SUBSETS = [
    frozenset(c) for k in range(1, len(Status) + 1) for c in itertools.combinations(Status, k)
]


def assert_kept(full: BatchResult, kept: BatchResult, statuses: frozenset[Status]) -> None:
    """*kept* is *full* with the items of statuses other than *statuses* left out."""
    assert (kept.on, kept.size, kept.codes, kept.doses, kept.entries) == (
        full.on,
        full.size,
        full.codes,
        full.doses,
        full.entries,
    )
    assert kept.statuses == (None if len(statuses) == len(Status) else statuses)
    codes = [STATUS_CODES[s] for s in statuses]
    for s, (a, b) in enumerate(zip(full.slots, kept.slots, strict=True)):
        keep = np.isin(a.status, codes)
        for name in NAMES:
            want, got = getattr(a, name)[keep], getattr(b, name)
            assert got.dtype == want.dtype, (s, name)
            assert not got.flags.writeable, (s, name)
            np.testing.assert_array_equal(got, want, err_msg=f"slot {s} {full.codes[s]} {name}")


def assert_every_subset(
    population: Population,
    history: History,
    on: pendulum.Date,
    *,
    horizon: int,
    subsets: Sequence[frozenset[Status]] = SUBSETS,
    region: Region | None = None,
) -> None:
    full = due_batch(population, history, on, horizon=horizon, region=region)
    for statuses in subsets:
        kept = due_batch(population, history, on, horizon=horizon, region=region, statuses=statuses)
        assert_kept(full, kept, statuses)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """People of every age, histories of a few national codes, and a date to ask."""
    on = draw(dates(min_value="2018-01-01", max_value="2030-12-31"))
    people = draw(
        st.lists(
            st.one_of(
                persons(on=on),
                persons(on=on, max_age="6y"),
                persons(on=on, min_age="5y", max_age="19y"),
                persons(on=on, pregnant=True),
                persons(on=on, min_age="15y", max_age="80y"),
            ),
            min_size=1,
            max_size=8,
            unique_by=lambda p: p.id,
        )
    )
    chosen = draw(st.lists(st.sampled_from(CAT.codes), min_size=1, max_size=8, unique=True))
    records = {p.id: draw(histories(p, on=on, codes=chosen, max_size=25)) for p in people}
    asked = on.add(days=draw(st.sampled_from([0, 0, 1, 31, 200, -40, 400])))
    return people, records, asked


class TestGenerated:
    @settings(deadline=None)
    @given(cases(), st.sampled_from([0, 30]), st.sampled_from(SUBSETS), st.booleans())
    def test_kept_items_are_those_of_the_full_result(
        self,
        case: Case,
        horizon: int,
        statuses: frozenset[Status],
        by_birth: bool,
    ) -> None:
        """For any people, histories, date, horizon and statuses: the full result, filtered."""
        people, records, on = case
        population, history = Population.from_people(people, records)
        if by_birth:
            population, history = population.sorted_by_birth(history)
        assert_every_subset(population, history, on, horizon=horizon, subsets=[statuses])


@pytest.fixture(scope="module")
def drawn() -> tuple[Population, History]:
    found = synthesize(seed=20251101, on=pendulum.Date(2025, 1, 1), size=20_000)
    return found.population, found.history


class TestAtScale:
    @pytest.mark.parametrize("on", ["2025-01-31", "2025-06-15"])
    def test_every_set_of_statuses(self, drawn: tuple[Population, History], on: str) -> None:
        """20,000 synthetic people with their histories: every set of statuses, two horizons."""
        population, history = drawn
        day = pendulum.parse(on).date()
        assert_every_subset(population, history, day, horizon=0)
        open_ = [frozenset(Status) - {Status.COMPLETED}, frozenset({Status.COMPLETED})]
        assert_every_subset(population, history, day, horizon=30, subsets=open_)

    def test_every_status_occurs(self, drawn: tuple[Population, History]) -> None:
        """The population has items of every status but upcoming at horizon 0, and it at 30."""
        population, history = drawn
        counts = due_batch(population, history, "2025-01-31", horizon=30).table().sum(axis=0)
        assert (counts[1:] > 0).all(), counts


class TestArgument:
    def test_codes_and_members_and_one_status(self) -> None:
        """Statuses are members or their codes, several or one; all five is everything."""
        people = [Person.from_mapping({"id": "a", "sex": "F", "birth_date": "2024-01-01"})]
        population, history = Population.from_people(people)
        on = pendulum.Date(2024, 6, 1)
        full = due_batch(population, history, on)
        assert due_batch(population, history, on, statuses="due").statuses == {Status.DUE}
        by_code = due_batch(population, history, on, statuses=["due", Status.OVERDUE])
        assert by_code.statuses == {Status.DUE, Status.OVERDUE}
        assert_kept(full, by_code, frozenset({Status.DUE, Status.OVERDUE}))
        every = due_batch(population, history, on, statuses=list(Status))
        assert every.statuses is None
        assert "due/overdue" not in repr(by_code)
        assert "overdue/due" in repr(by_code)

    @pytest.mark.parametrize("bad", [(), ["due", "soon"], "later", 3])
    def test_bad_statuses_are_refused(self, bad: object) -> None:
        people = [Person.from_mapping({"id": "a", "sex": "F", "birth_date": "2024-01-01"})]
        population, history = Population.from_people(people)
        with pytest.raises(InvalidArgumentError) as caught:
            due_batch(population, history, "2024-06-01", statuses=bad)  # type: ignore[arg-type]
        assert caught.value.field == "statuses"

"""Population.to_frame / from_frame: two DataFrames that give back equal columns."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ilp
from ilp.population import Population
from ilp.population.columns._model import PERSON_COLUMNS, PREGNANCY_COLUMNS
from ilp.testing import persons


def same(a: Population, b: Population) -> None:
    for name, _ in PERSON_COLUMNS + PREGNANCY_COLUMNS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.areas == b.areas


class TestPopulationFrames:
    def test_the_sample_kecamatan_round_trips(self) -> None:
        """People and pregnancies frames of the sample give back equal arrays."""
        ref = resources.files("ilp").joinpath("data/demo/kecamatan")
        with resources.as_file(ref) as folder:
            reg = ilp.read_register(folder)
        pop, _ = Population.from_people(reg.people, reg.histories)
        people, pregnancies = pop.to_frame(), pop.to_frame("pregnancies")
        assert str(people["birth"].dtype) == "datetime64[s]"
        assert len(pregnancies) == len(pop.preg_person)
        same(pop, Population.from_frame(people, pregnancies))

    @settings(max_examples=25, deadline=None)
    @given(st.lists(persons(on="2025-01-01"), max_size=6, unique_by=lambda p: p.id))
    def test_any_people_round_trip(self, people: list[ilp.Person]) -> None:
        """Columns from any people survive the frames."""
        pop, _ = Population.from_people(people)
        same(pop, Population.from_frame(pop.to_frame(), pop.to_frame("pregnancies")))

    def test_people_alone_have_no_pregnancies(self) -> None:
        """from_frame without a pregnancies frame gives none."""
        pop, _ = Population.from_people([ilp.Person("a", "P", "2000-01-01")])
        assert len(Population.from_frame(pop.to_frame()).preg_person) == 0

    def test_a_missing_column_or_bad_table_is_refused(self) -> None:
        """A frame without birth, or an unknown table name, raises PopulationError."""
        pop, _ = Population.from_people([ilp.Person("a", "P", "2000-01-01")])
        with pytest.raises(ilp.PopulationError, match="birth"):
            Population.from_frame(pop.to_frame().drop(columns=["birth"]))
        with pytest.raises(ilp.PopulationError, match="table"):
            pop.to_frame("records")
        frame = pop.to_frame()
        frame["sex"] = ["x"]
        with pytest.raises(ilp.PopulationError, match="sex"):
            Population.from_frame(frame)

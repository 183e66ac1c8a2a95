"""Columnar populations and histories: conversion both ways, files, and refusal of bad arrays."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilp import Condition, Outcome, Person, Pregnancy, School, ServiceRecord
from ilp.errors import ILPError, InvalidRecordError, PopulationError
from ilp.population import CONDITIONS, NO_DAY, OUTCOMES, History, Population
from ilp.population.columns._people import starts_of
from ilp.testing import histories, persons

ON = st.shared(st.dates(min_value=pendulum.Date(2000, 1, 1), max_value=pendulum.Date(2035, 12, 31)))


def _fields(person: Person) -> dict[str, Any]:
    """Everything a Population holds of a person (names and NIKs are not held)."""
    data = attrs.asdict(person, recurse=False)
    del data["name"], data["nik"]
    return data


@st.composite
def people_and_histories(
    draw: st.DrawFn,
) -> tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]]:
    on = draw(ON)
    people = draw(st.lists(persons(on=on), max_size=6, unique_by=lambda p: p.id))
    records = {p.id: draw(histories(p, on=on, max_size=6)) for p in people}
    return people, records


def _plain(records: tuple[ServiceRecord, ...]) -> tuple[ServiceRecord, ...]:
    return tuple(ServiceRecord(r.code, r.date) for r in records)


class TestConversion:
    @settings(deadline=None)
    @given(people_and_histories())
    def test_from_people_then_to_people_gives_the_same_people(
        self, case: tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]]
    ) -> None:
        """Every field the columns hold comes back; histories keep each record's code and date."""
        people, records = case
        population, history = Population.from_people(people, records)
        back = population.to_people()
        assert [_fields(p) for p in back] == [_fields(p) for p in people]
        mapping = history.to_mapping(population)
        for p in people:
            assert mapping.get(p.id, ()) == _plain(records[p.id])

    @settings(deadline=None)
    @given(people_and_histories())
    def test_save_then_load_gives_the_same_arrays(
        self,
        tmp_path_factory: pytest.TempPathFactory,
        case: tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]],
    ) -> None:
        """A population and history saved to .npz load back equal, array by array."""
        people, records = case
        population, history = Population.from_people(people, records)
        path = tmp_path_factory.mktemp("npz") / "population.npz"
        population.save(path, history)
        loaded = Population.load(path)
        for name in attrs.fields_dict(Population):
            if not name.startswith("_"):
                assert np.array_equal(getattr(loaded, name), getattr(population, name)), name
        assert loaded.ids.dtype == object
        again = History.load(path, loaded)
        assert again.codes == history.codes
        for name in ("rec_person", "rec_code", "rec_day", "offsets"):
            assert np.array_equal(getattr(again, name), getattr(history, name)), name

    def test_columns_hold_the_documented_codes(self) -> None:
        """Sex, conditions, school, activity, residence and pregnancies use the documented codes."""
        woman = Person(
            "w",
            "F",
            "1990-05-01",
            conditions=[Condition.DIABETES, Condition.SMOKER],
            pregnancies=[
                Pregnancy("2020-01-01", delivery_date="2020-10-01", outcome="live_birth"),
                Pregnancy("2025-01-01"),
            ],
            residence="3507011001",
            ever_sexually_active=True,
        )
        boy = Person("b", "M", "2015-03-02", school=School(4, 2025), death_date="2030-01-01")
        population, history = Population.from_people([woman, boy], {"b": []})
        assert population.sex.tolist() == [0, 1]
        assert population.conditions[0] == (1 << CONDITIONS.index(Condition.DIABETES)) | (
            1 << CONDITIONS.index(Condition.SMOKER)
        )
        assert population.school_grade.tolist() == [0, 4]
        assert population.school_year.tolist() == [0, 2025]
        assert population.sexually_active.tolist() == [1, -1]
        assert population.residence.tolist() == [0, -1]
        assert population.areas == ("3507011001",)
        assert population.death.tolist() == [NO_DAY, pendulum.Date(2030, 1, 1).toordinal()]
        assert population.preg_person.tolist() == [0, 0]
        assert population.preg_delivery[1] == NO_DAY
        assert population.preg_outcome.tolist() == [OUTCOMES.index(Outcome.LIVE_BIRTH), -1]
        assert len(history) == 0
        assert population.index_of("b") == 1

    def test_take_keeps_people_pregnancies_and_records_together(self) -> None:
        """take() picks rows in the order given and renumbers pregnancies and records."""
        a = Person("a", "F", "1990-01-01", pregnancies=[Pregnancy("2024-01-01")])
        b = Person("b", "M", "2020-01-01")
        c = Person("c", "F", "1985-01-01", pregnancies=[Pregnancy("2023-01-01")])
        records = {
            "b": [ServiceRecord("BCG", "2020-01-02")],
            "c": [ServiceRecord("TD-WUS", "2023-02-01")],
        }
        population, history = Population.from_people([a, b, c], records)
        picked = population.take([2, 1])
        assert picked.ids.tolist() == ["c", "b"]
        assert picked.preg_person.tolist() == [0]
        assert history.take([2, 1]).to_mapping(picked) == {
            "c": (ServiceRecord("TD-WUS", "2023-02-01"),),
            "b": (ServiceRecord("BCG", "2020-01-02"),),
        }
        ordered, renumbered = population.sorted_by_birth(history)
        assert ordered.ids.tolist() == ["c", "a", "b"]
        assert ordered.birth_sorted
        assert not population.birth_sorted
        assert renumbered.records_of(2) == (ServiceRecord("BCG", "2020-01-02"),)

    def test_records_come_back_in_date_then_code_order(self) -> None:
        """Whatever the order of a history's codes, records come back as validate_history sorts them."""
        population, _ = Population.from_people([Person("a", "F", "2000-01-01")])
        day = pendulum.Date(2020, 5, 5).toordinal()
        history = History.from_arrays(
            population, person=[0, 0], code=[0, 1], day=[day, day], codes=["TD-WUS", "BCG"]
        )
        assert [r.code for r in history.to_mapping(population)["a"]] == ["BCG", "TD-WUS"]
        assert [r.code for r in history.records_of(0)] == ["BCG", "TD-WUS"]
        assert history.of_code("MR-1")[0].size == 0

    def test_an_empty_population(self) -> None:
        """No people gives empty columns that round-trip."""
        population, history = Population.from_people([])
        assert len(population) == 0
        assert population.to_people() == []
        assert len(history) == 0


def _population(**changes: Any) -> Population:
    base: dict[str, Any] = {
        "ids": np.array(["a", "b"], dtype=object),
        "birth": np.array([738000, 739000], dtype=np.int32),
        "sex": np.array([0, 1], dtype=np.int8),
    }
    base.update(changes)
    return Population(**base)


class TestBadInput:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"birth": np.array([738000, 739000], dtype=np.int64)}, "birth"),
            ({"birth": [738000, 739000]}, "birth"),
            ({"sex": np.array([0], dtype=np.int8)}, "sex"),
            ({"sex": np.array([[0, 1]], dtype=np.int8)}, "sex"),
            ({"sex": np.array([0, 2], dtype=np.int8)}, "sex"),
            ({"ids": np.array(["a", "b"])}, "ids"),
            ({"death": np.array([737000, NO_DAY], dtype=np.int32)}, "death"),
            ({"conditions": np.array([0, 1 << 12], dtype=np.uint16)}, "conditions"),
            ({"school_grade": np.array([0, 13], dtype=np.int8)}, "school_grade"),
            ({"school_year": np.array([2025, 0], dtype=np.int16)}, "school_year"),
            ({"sexually_active": np.array([0, 2], dtype=np.int8)}, "sexually_active"),
            ({"residence": np.array([0, -1], dtype=np.int32)}, "residence"),
            ({"preg_person": np.array([1], dtype=np.int32)}, "preg_lmp"),
        ],
    )
    def test_bad_columns_raise_population_error_naming_the_column(
        self, changes: dict[str, Any], field: str
    ) -> None:
        """A wrong dtype, shape or value is refused with the column's name."""
        with pytest.raises(PopulationError) as info:
            _population(**changes)
        assert info.value.field == field
        assert field in str(info.value)

    def test_pregnancy_rows_are_checked(self) -> None:
        """A pregnancy of a man, or out of order, or with an EDD too far, is refused."""
        lmp = np.array([745000], dtype=np.int32)
        one = {
            "preg_lmp": lmp,
            "preg_edd": lmp + 280,
            "preg_delivery": np.array([NO_DAY], dtype=np.int32),
            "preg_outcome": np.array([-1], dtype=np.int8),
            "preg_in_facility": np.array([-1], dtype=np.int8),
        }
        _population(preg_person=np.array([0], dtype=np.int32), **one)
        with pytest.raises(PopulationError, match="woman"):
            _population(preg_person=np.array([1], dtype=np.int32), **one)
        with pytest.raises(PopulationError, match="preg_edd"):
            _population(preg_person=np.array([0], dtype=np.int32), **{**one, "preg_edd": lmp + 100})
        with pytest.raises(PopulationError, match="preg_outcome"):
            _population(
                preg_person=np.array([0], dtype=np.int32),
                **{**one, "preg_outcome": np.array([0], dtype=np.int8)},
            )
        two = {k: np.concatenate([v, v]) for k, v in one.items()}
        with pytest.raises(PopulationError, match="sorted"):
            _population(preg_person=np.array([0, 0], dtype=np.int32), **two)

    def test_history_arrays_are_checked(self) -> None:
        """Records out of order, of unknown rows or codes, or outside a life are refused."""
        population = _population()
        with pytest.raises(PopulationError, match="sorted"):
            History(
                ("A", "B"),
                np.array([0, 0], dtype=np.int32),
                np.array([1, 0], dtype=np.int16),
                np.array([738500, 738500], dtype=np.int32),
                2,
            )
        with pytest.raises(PopulationError, match="rec_person"):
            History(
                ("A",),
                np.array([5], dtype=np.int32),
                np.array([0], dtype=np.int16),
                np.array([738500], dtype=np.int32),
                2,
            )
        with pytest.raises(PopulationError, match="before the birth"):
            History.from_arrays(population, person=[1], code=[0], day=[738500], codes=["BCG"])
        with pytest.raises(PopulationError, match="code"):
            History.from_arrays(population, person=[1], code=[3], day=[739500], codes=["BCG"])
        with pytest.raises(PopulationError, match="twice"):
            population.take([0, 0])

    def test_people_and_histories_are_checked(self) -> None:
        """Non-persons, duplicate ids, unknown ids and impossible records are refused."""
        p = Person("a", "F", "2020-01-01")
        with pytest.raises(PopulationError, match="not a Person"):
            Population.from_people([p, "b"])  # type: ignore[list-item]
        with pytest.raises(PopulationError, match="twice"):
            Population.from_people([p, Person("a", "M", "2021-01-01")])
        with pytest.raises(PopulationError, match="'z'"):
            Population.from_people([p], {"z": []})
        with pytest.raises(InvalidRecordError):
            Population.from_people([p], {"a": [ServiceRecord("BCG", "2019-01-01")]})
        with pytest.raises(PopulationError, match="not in the population"):
            Population.from_people([p])[0].index_of("q")

    def test_files_that_are_not_populations_are_refused(self, tmp_path: Path) -> None:
        """A missing file, a text file, an .npz without the arrays or with pickles: PopulationError."""
        with pytest.raises(PopulationError, match="not a saved population"):
            Population.load(tmp_path / "missing.npz")
        text = tmp_path / "text.npz"
        text.write_text("hello")
        with pytest.raises(PopulationError):
            Population.load(text)
        other = tmp_path / "other.npz"
        with other.open("wb") as f:
            np.savez(f, birth=np.zeros(2, dtype=np.int32))
        with pytest.raises(PopulationError, match="ilp_population_format"):
            Population.load(other)
        population, _ = Population.from_people([Person("a", "F", "2020-01-01")])
        good = tmp_path / "good.npz"
        population.save(good)
        with pytest.raises(PopulationError, match="ilp_history_format"):
            History.load(good)
        with zipfile.ZipFile(good) as z:
            names = z.namelist()
        assert "birth.npy" in names
        broken = tmp_path / "broken.npz"
        arrays = dict(np.load(good))
        arrays["birth"] = arrays["birth"].astype(np.int64)
        with broken.open("wb") as f:
            np.savez(f, **arrays)
        with pytest.raises(PopulationError, match=r"broken\.npz: birth: dtype int64"):
            Population.load(broken)
        pickled = tmp_path / "pickled.npz"
        arrays = dict(np.load(good))
        arrays["ids"] = np.array(["a"], dtype=object)
        with pickled.open("wb") as f:
            np.savez(f, **arrays)
        with pytest.raises(PopulationError):
            Population.load(pickled)
        with pytest.raises(PopulationError, match="cannot write"):
            population.save(tmp_path / "no" / "such" / "dir.npz")
        assert isinstance(PopulationError("x"), ILPError)
        assert isinstance(PopulationError("x"), ValueError)

    def test_history_of_another_population_is_refused(self, tmp_path: Path) -> None:
        """A history saved for another number of people does not load against this one."""
        one, history = Population.from_people(
            [Person("a", "F", "2020-01-01")], {"a": [ServiceRecord("BCG", "2020-01-02")]}
        )
        two, _ = Population.from_people(
            [Person("a", "F", "2020-01-01"), Person("b", "M", "2020-01-01")]
        )
        path = tmp_path / "h.npz"
        history.save(path)
        assert len(History.load(path)) == 1
        with pytest.raises(PopulationError, match="is for 1 people"):
            History.load(path, two)
        with pytest.raises(PopulationError, match="history"):
            two.save(tmp_path / "p.npz", history)
        assert History.load(path, one).persons == 1


def _with_pregnancies(n: int, counts: list[int]) -> Population:
    """*n* women born 1980, the *i*-th with ``counts[i % len(counts)]`` pregnancies a year apart."""
    birth = pendulum.Date(1980, 1, 1).toordinal()
    person, lmp = [], []
    for row in range(n):
        for k in range(counts[row % len(counts)]):
            person.append(row)
            lmp.append(birth + 20 * 365 + 400 * k + row)
    lmps = np.array(lmp, dtype=np.int32)
    return Population(
        ids=np.array([f"w{i}" for i in range(n)], dtype=object),
        birth=np.full(n, birth, dtype=np.int32),
        sex=np.zeros(n, dtype=np.int8),
        preg_person=np.array(person, dtype=np.int32),
        preg_lmp=lmps,
        preg_edd=lmps + 280,
        preg_delivery=np.where(np.arange(len(lmps)) % 2 == 0, lmps + 270, NO_DAY).astype(np.int32),
        preg_outcome=np.where(np.arange(len(lmps)) % 2 == 0, 0, -1).astype(np.int8),
        preg_in_facility=np.where(np.arange(len(lmps)) % 2 == 0, 1, -1).astype(np.int8),
    )


class TestTake:
    @settings(deadline=None, max_examples=60)
    @given(
        st.integers(1, 12).flatmap(
            lambda n: st.tuples(
                st.just(n),
                st.lists(st.integers(0, 3), min_size=1, max_size=4),
                st.permutations(range(n)).flatmap(
                    lambda p: st.integers(0, len(p)).map(lambda k: p[:k])
                ),
            )
        )
    )
    def test_take_gives_each_row_its_pregnancies_as_a_plain_filter_and_sort_does(
        self, case: tuple[int, list[int], list[int]]
    ) -> None:
        """take() of any distinct rows in any order: each taken row's pregnancies, in the
        order of the rows then of the HPHT, renumbered; as a map of every row and a lexsort."""
        n, counts, rows = case
        population = _with_pregnancies(n, counts)
        picked = population.take(rows)
        new = np.full(n, -1, dtype=np.int64)
        new[rows] = np.arange(len(rows))
        moved = new[population.preg_person]
        kept = np.flatnonzero(moved >= 0)
        order = kept[np.lexsort((population.preg_lmp[kept], moved[kept]))]
        assert picked.preg_person.tolist() == moved[order].tolist()
        assert picked.preg_person.dtype == np.int32
        for name in ("preg_lmp", "preg_edd", "preg_delivery", "preg_outcome", "preg_in_facility"):
            got, want = getattr(picked, name), getattr(population, name)[order]
            assert got.dtype == want.dtype
            assert got.tolist() == want.tolist(), name
        assert picked.ids.tolist() == [f"w{r}" for r in rows]


@given(st.lists(st.integers(0, 200), max_size=30), st.sampled_from([np.int8, np.int32, np.int64]))
def test_starts_of_is_searchsorted_of_every_row(values: list[int], dtype: Any) -> None:
    """``starts_of`` finds each row's start as a search for 0..n does, in any integer dtype.

    The rows searched for take the column's dtype when they fit (int32 columns are not
    copied to int64), else int64 (an int8 column with more than 127 rows).
    """
    n = max(values, default=0) + 1
    rows = np.array(sorted(v for v in values if v <= np.iinfo(dtype).max), dtype=dtype)
    expected = np.searchsorted(rows.astype(np.int64), np.arange(n + 1))
    assert starts_of(rows, n).tolist() == expected.tolist()

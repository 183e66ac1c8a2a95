"""Parquet datasets of populations and histories: round trips, parts, and refusal of bad files."""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np
import pendulum
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilp import Person, Pregnancy, ServiceRecord
from ilp.errors import PopulationError
from ilp.population import History, Population, load_parquet, save_parquet
from ilp.testing import histories, persons

ON = st.shared(st.dates(min_value=pendulum.Date(2000, 1, 1), max_value=pendulum.Date(2035, 12, 31)))


@st.composite
def people_and_histories(
    draw: st.DrawFn,
) -> tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]]:
    on = draw(ON)
    people = draw(st.lists(persons(on=on), min_size=1, max_size=6, unique_by=lambda p: p.id))
    records = {p.id: draw(histories(p, on=on, max_size=6)) for p in people}
    return people, records


def assert_same(a: Population, b: Population, ha: History, hb: History) -> None:
    """Every column of the populations and histories is equal."""
    for name in attrs.fields_dict(Population):
        if not name.startswith("_"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.areas == b.areas
    assert ha.to_mapping(a) == hb.to_mapping(b)


class TestRoundTrip:
    @settings(deadline=None, max_examples=40)
    @given(people_and_histories())
    def test_save_then_load_gives_the_same_columns(
        self,
        tmp_path_factory: pytest.TempPathFactory,
        case: tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]],
    ) -> None:
        """A population and history saved as Parquet load back equal, column by column."""
        people, records = case
        population, history = Population.from_people(people, records)
        folder = tmp_path_factory.mktemp("parquet")
        save_parquet(folder, population, history)
        loaded, again = load_parquet(folder)
        assert loaded.ids.dtype == object
        assert_same(population, loaded, history, again)

    @settings(deadline=None, max_examples=25)
    @given(people_and_histories(), st.integers(min_value=0, max_value=6))
    def test_parts_saved_apart_load_as_one_dataset(
        self,
        tmp_path_factory: pytest.TempPathFactory,
        case: tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]],
        cut: int,
    ) -> None:
        """Two parts written separately load as the whole, in part-name order."""
        people, records = case
        cut = min(cut, len(people))
        population, history = Population.from_people(people, records)
        folder = tmp_path_factory.mktemp("parts")
        first, second = np.arange(cut), np.arange(cut, len(people))
        save_parquet(folder, population.take(second), history.take(second), part="b")
        save_parquet(folder, population.take(first), history.take(first), part="a")
        loaded, again = load_parquet(folder)
        assert_same(population, loaded, history, again)

    def test_what_the_files_hold_is_readable_without_ilp(self, tmp_path: Path) -> None:
        """Dates are Arrow dates (null for none), ids and codes are text."""
        mother = Person(
            "m",
            "F",
            "1995-02-03",
            pregnancies=[Pregnancy("2025-01-01")],
            residence="dusun-a",
        )
        child = Person("c", "M", "2024-06-01", death_date="2025-01-31")
        population, history = Population.from_people(
            [mother, child], {"c": [ServiceRecord("BCG", "2024-06-02")]}
        )
        save_parquet(tmp_path, population, history, part="pkm-1")
        people = pq.read_table(tmp_path / "people" / "pkm-1.parquet").to_pylist()
        assert people[0]["birth"] == pendulum.Date(1995, 2, 3)
        assert people[0]["death"] is None
        assert people[1]["death"] == pendulum.Date(2025, 1, 31)
        assert [p["residence"] for p in people] == ["dusun-a", None]
        preg = pq.read_table(tmp_path / "pregnancies" / "pkm-1.parquet").to_pylist()
        assert preg[0]["person"] == "m"
        assert preg[0]["delivery"] is None
        recs = pq.read_table(tmp_path / "records" / "pkm-1.parquet").to_pylist()
        assert recs == [{"person": "c", "code": "BCG", "date": pendulum.Date(2024, 6, 2)}]

    def test_without_a_history_the_loaded_history_is_empty(self, tmp_path: Path) -> None:
        """A dataset saved without records loads with an empty history."""
        population, _ = Population.from_people([Person("a", "M", "2000-01-01")])
        save_parquet(tmp_path, population)
        loaded, history = load_parquet(tmp_path)
        assert len(loaded) == 1
        assert len(history) == 0


def test_a_dataset_without_pregnancies_or_records_loads(tmp_path: Path) -> None:
    """Only people/ is required: without pregnancies/ and records/ there are none."""
    folder = _saved(tmp_path)
    for kind in ("pregnancies", "records"):
        (folder / kind / "part-0.parquet").unlink()
        (folder / kind).rmdir()
    population, history = load_parquet(folder)
    assert len(population) == 2
    assert len(population.preg_person) == 0
    assert len(history) == 0


def _saved(folder: Path) -> Path:
    people = [Person("a", "M", "2000-01-01"), Person("b", "F", "2001-01-01")]
    population, history = Population.from_people(
        people, {"a": [ServiceRecord("BCG", "2000-01-02")]}
    )
    save_parquet(folder, population, history)
    return folder


def _rewrite(path: Path, table: pa.Table) -> None:
    pq.write_table(table, path)


class TestBadInput:
    def test_not_a_dataset(self, tmp_path: Path) -> None:
        """A folder without people/ is named."""
        with pytest.raises(PopulationError, match="no folder 'people'"):
            load_parquet(tmp_path)

    def test_no_part(self, tmp_path: Path) -> None:
        """An empty people/ folder is named."""
        (tmp_path / "people").mkdir()
        with pytest.raises(PopulationError, match="no part"):
            load_parquet(tmp_path)

    def test_not_parquet(self, tmp_path: Path) -> None:
        """A file that is not Parquet is named."""
        folder = _saved(tmp_path)
        (folder / "people" / "part-0.parquet").write_text("id,birth\n", "utf-8")
        with pytest.raises(PopulationError, match=r"part-0\.parquet: not a Parquet file"):
            load_parquet(folder)

    def test_column_names_that_are_not_utf8(self, tmp_path: Path) -> None:
        """A part whose column names are not UTF-8 (a fuzz finding) is named, not a decode error."""
        folder = _saved(tmp_path)
        path = folder / "people" / "part-0.parquet"
        data = path.read_bytes()
        assert b"residence" in data
        path.write_bytes(data.replace(b"residence", b"resid\xd5nce"))
        with pytest.raises(PopulationError, match=r"part-0\.parquet: not a Parquet file"):
            load_parquet(folder)

    def test_text_that_is_not_utf8(self, tmp_path: Path) -> None:
        """An id column holding bytes that are not UTF-8 (a fuzz finding) is named."""
        folder = _saved(tmp_path)
        path = folder / "people" / "part-0.parquet"
        table = pq.read_table(path)
        bad = pa.array([b"\xf8a", b"b"], type=pa.binary()).view(pa.string())
        index = table.column_names.index("id")
        _rewrite(path, table.set_column(index, "id", bad))
        with pytest.raises(PopulationError, match="column 'id' holds text that is not UTF-8"):
            load_parquet(folder)

    def test_foreign_parquet(self, tmp_path: Path) -> None:
        """A Parquet file without the ilp marker is refused."""
        folder = _saved(tmp_path)
        path = folder / "people" / "part-0.parquet"
        _rewrite(path, pq.read_table(path).replace_schema_metadata({}))
        with pytest.raises(PopulationError, match="not a part of an ilp people dataset"):
            load_parquet(folder)

    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            (lambda t: t.drop_columns(["sex"]), "no column 'sex'"),
            (
                lambda t: t.set_column(2, "sex", pa.array([0, 1], pa.int64())),
                "column 'sex' is int64, expected int8",
            ),
            (
                lambda t: t.set_column(2, "sex", pa.array([0, None], pa.int8())),
                "column 'sex' has 1 empty values",
            ),
            (
                lambda t: t.set_column(2, "sex", pa.array([0, 7], pa.int8())),
                "sex",
            ),
            (
                lambda t: t.set_column(0, "id", pa.array(["a", "a"], pa.string())),
                "person id 'a' is in the dataset twice",
            ),
        ],
    )
    def test_bad_people_columns(self, tmp_path: Path, change: object, expected: str) -> None:
        """Missing, mistyped, empty, out-of-range and duplicate columns are named."""
        folder = _saved(tmp_path)
        path = folder / "people" / "part-0.parquet"
        table = pq.read_table(path)
        meta = table.schema.metadata
        _rewrite(path, change(table).replace_schema_metadata(meta))  # type: ignore[operator]
        with pytest.raises(PopulationError, match=expected):
            load_parquet(folder)

    def test_record_of_an_unknown_person(self, tmp_path: Path) -> None:
        """A record naming nobody of the dataset is refused with the id."""
        folder = _saved(tmp_path)
        path = folder / "records" / "part-0.parquet"
        table = pq.read_table(path)
        changed = table.set_column(0, "person", pa.array(["z"], pa.string()))
        _rewrite(path, changed.replace_schema_metadata(table.schema.metadata))
        with pytest.raises(PopulationError, match="person 'z' is not a person of the dataset"):
            load_parquet(folder)

    def test_record_before_birth(self, tmp_path: Path) -> None:
        """A record dated before its person's birth is refused, naming the folder."""
        folder = _saved(tmp_path)
        path = folder / "records" / "part-0.parquet"
        table = pq.read_table(path)
        early = pa.array([pendulum.Date(1999, 1, 1)], pa.date32())
        changed = table.set_column(2, "date", early)
        _rewrite(path, changed.replace_schema_metadata(table.schema.metadata))
        with pytest.raises(PopulationError, match="before the birth"):
            load_parquet(folder)

    def test_date_beyond_what_ilp_uses(self, tmp_path: Path) -> None:
        """A date before year 1 is refused."""
        folder = _saved(tmp_path)
        path = folder / "people" / "part-0.parquet"
        table = pq.read_table(path)
        changed = table.set_column(1, "birth", pa.array([-800000, 0], pa.int32()).cast(pa.date32()))
        _rewrite(path, changed.replace_schema_metadata(table.schema.metadata))
        with pytest.raises(PopulationError, match="column 'birth' holds a date ilp cannot use"):
            load_parquet(folder)

    @pytest.mark.parametrize("part", ["", "../x", "a/b", 3])
    def test_bad_part_name(self, tmp_path: Path, part: object) -> None:
        """A part name that is not a plain file stem is refused."""
        population, _ = Population.from_people([Person("a", "M", "2000-01-01")])
        with pytest.raises(PopulationError, match="part"):
            save_parquet(tmp_path, population, part=part)  # type: ignore[arg-type]

    def test_not_a_population(self, tmp_path: Path) -> None:
        """Saving something else is refused."""
        with pytest.raises(PopulationError, match="expected a Population"):
            save_parquet(tmp_path, "people")  # type: ignore[arg-type]

    def test_history_of_other_people(self, tmp_path: Path) -> None:
        """A history for another number of people is refused."""
        population, _ = Population.from_people([Person("a", "M", "2000-01-01")])
        other = History.empty(population.take([0, 0][:1]))
        wrong = History(other.codes, other.rec_person, other.rec_code, other.rec_day, 3)
        with pytest.raises(PopulationError, match="3 people"):
            save_parquet(tmp_path, population, wrong)

    def test_unwritable_folder(self, tmp_path: Path) -> None:
        """A folder that cannot be made is named."""
        (tmp_path / "file").write_text("x", "utf-8")
        population, _ = Population.from_people([Person("a", "M", "2000-01-01")])
        with pytest.raises(PopulationError, match="cannot make the folder"):
            save_parquet(tmp_path / "file", population)

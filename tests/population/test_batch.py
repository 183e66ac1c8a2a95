"""due_batch's result and arguments: slots, counts, arrays, and refusal of bad input."""

from __future__ import annotations

import datetime as dt
import gc
import weakref

import numpy as np
import pendulum
import pytest

from ilp import Person, Pregnancy, ServiceRecord, national
from ilp.dates import Duration, add_months_day
from ilp.errors import ILPError, PopulationError, UnknownServiceError
from ilp.lifecycle import Limit, Status, due
from ilp.population import NO_DAY, NOT_LISTED, STATUS_CODES, History, Population, due_batch
from ilp.population._calendar import Calendar, add_months, max_birth, min_birth
from ilp.population.batch.cohort import radix_order

ON = pendulum.Date(2025, 11, 1)


def _people() -> tuple[list[Person], dict[str, list[ServiceRecord]]]:
    baby = Person("baby", "F", "2025-09-01")
    mother = Person(
        "mother",
        "F",
        "1995-02-03",
        pregnancies=[Pregnancy("2025-03-01")],
        ever_sexually_active=True,
    )
    dead = Person("dead", "M", "1960-01-01", death_date="2025-10-31")
    unborn = Person("unborn", "M", "2025-12-24")
    records = {"baby": [ServiceRecord("OPV-1", "2025-09-01"), ServiceRecord("BCG", "2025-12-01")]}
    return [baby, mother, dead, unborn], records


class TestResult:
    def test_slots_cover_every_entry_of_the_catalogue(self) -> None:
        """One slot per service position of every entry, with its code and dose."""
        people, records = _people()
        result = due_batch(*Population.from_people(people, records), ON)
        cat = national()
        assert len(result.slots) == sum(len(e.services) for e in cat.entries)
        assert result.codes.count("TD-WUS") == 5
        assert [result.doses[i] for i, c in enumerate(result.codes) if c == "TD-WUS"] == [
            1,
            2,
            3,
            4,
            5,
        ]
        assert result.size == 4
        assert len(result) == sum(len(s) for s in result.slots)
        assert "4 people" in repr(result)

    def test_dead_and_unborn_people_get_nothing_and_later_records_are_ignored(self) -> None:
        """Nothing for the dead or the not yet born; a BCG dated after the date does not count."""
        people, records = _people()
        result = due_batch(*Population.from_people(people, records), ON)
        assert result.items_of(2) == []
        assert result.items_of(3) == []
        bcg = [i for i in result.items_of(0) if i[0] == "BCG"]
        assert bcg[0][2] is Status.OVERDUE  # not completed: the record is dated later

    def test_items_of_matches_due(self) -> None:
        """items_of gives due()'s tuples, in due()'s order."""
        people, records = _people()
        result = due_batch(*Population.from_people(people, records), ON)
        for row, person in enumerate(people[:2]):
            want = [
                (i.code, i.dose, i.status, i.earliest, i.recommended, i.overdue, i.latest, i.given)
                for i in due(person, ON, history=records.get(person.id, ()))
            ]
            assert result.items_of(row) == want

    def test_counts_table_and_arrays_agree(self) -> None:
        """counts(), table(), status_of() and to_arrays() describe the same items."""
        people, records = _people()
        result = due_batch(*Population.from_people(people, records), ON)
        arrays = result.to_arrays()
        assert len(arrays["person"]) == len(result)
        table = result.table()
        assert table.shape == (len(result.slots), 6)
        assert (table.sum(axis=1) == result.size).all()
        completed = result.counts(status=Status.COMPLETED)
        assert completed == {"OPV-1": 1}
        assert result.counts(status="completed") == completed
        assert sum(result.counts().values()) == len(result)
        assert sum(result.counts([Status.DUE, Status.OVERDUE]).values()) == int(
            np.isin(
                arrays["status"], [STATUS_CODES[Status.DUE], STATUS_CODES[Status.OVERDUE]]
            ).sum()
        )
        slot = result.codes.index("OPV-1")
        status = result.status_of(slot)
        assert status.tolist() == [
            STATUS_CODES[Status.COMPLETED],
            NOT_LISTED,
            NOT_LISTED,
            NOT_LISTED,
        ]
        opv = result.slots[slot]
        assert opv.given.tolist() == [pendulum.Date(2025, 9, 1).toordinal()]
        assert opv.overdue.tolist() == [NO_DAY]
        assert not opv.earliest.flags.writeable
        with pytest.raises(ILPError, match="not a Status"):
            result.counts(status="late")

    def test_no_history_is_an_empty_history(self) -> None:
        """history=None means nothing given."""
        people, _ = _people()
        population, _ = Population.from_people(people)
        a = due_batch(population, None, ON)
        b = due_batch(population, History.empty(population), ON)
        assert a.to_arrays().keys() == b.to_arrays().keys()
        for k, v in a.to_arrays().items():
            assert np.array_equal(v, b.to_arrays()[k]), k


class TestRowOrder:
    """A population not sorted by birth is put in order once and the order kept with it."""

    @staticmethod
    def _unsorted() -> tuple[list[Person], Population, History, History]:
        people, records = _people()
        people = [*people, Person("old", "M", "1950-05-05"), Person("kid", "F", "2019-07-01")]
        more = {**records, "kid": [ServiceRecord("MR-1", "2020-04-01")]}
        population, history = Population.from_people(people, records)
        _, other = Population.from_people(people, more)
        assert not population.birth_sorted
        return people, population, history, other

    def test_dates_and_histories_on_one_population_equal_fresh_calls(self) -> None:
        """The same population asked on other dates and with another history answers as new."""
        people, population, history, other = self._unsorted()
        for hist in (history, other, history):
            for on in (ON, ON.add(days=45), ON.subtract(years=2)):
                got = due_batch(population, hist, on)
                fresh = Population.from_people(people)[0]  # a new object: nothing kept
                want = due_batch(fresh, hist, on)
                for row in range(len(people)):
                    assert got.items_of(row) == want.items_of(row), (people[row].id, on)

    def test_the_kept_order_does_not_keep_the_population_alive(self) -> None:
        """Only a weak reference ties the kept birth order to its population."""
        _, population, history, _ = self._unsorted()
        due_batch(population, history, ON)
        gone = weakref.ref(population)
        del population, history
        gc.collect()
        assert gone() is None

    def test_radix_order_is_the_stable_order_of_the_pairs(self) -> None:
        """radix_order sorts (major, minor) pairs as a stable lexsort does, in 32 and 64 bits."""
        rng = np.random.default_rng(11)
        for n, codes, size in ((1, 1, 5), (70_000, 3, 5_000), (1 << 30, 40, 3_000), (5, 9, 0)):
            major = np.sort(rng.integers(0, codes, size)).astype(np.int16)
            minor = rng.integers(0, min(n, 50), size).astype(np.int32) * (n // min(n, 50))
            got = radix_order(major, minor, n)
            assert got.tolist() == np.lexsort((minor, major)).tolist(), (n, codes)


class TestBadArguments:
    def test_bad_arguments_raise_ilp_errors(self) -> None:
        """Wrong types, a negative horizon, a bad date or a history of another size are refused."""
        people, records = _people()
        population, history = Population.from_people(people, records)
        with pytest.raises(PopulationError, match="Population"):
            due_batch(people, history, ON)  # type: ignore[arg-type]
        with pytest.raises(PopulationError, match="History"):
            due_batch(population, records, ON)  # type: ignore[arg-type]
        with pytest.raises(PopulationError, match="is for 1 people"):
            due_batch(population, History.empty(population.take([0])), ON)
        with pytest.raises(ILPError, match="horizon"):
            due_batch(population, history, ON, horizon=-1)
        with pytest.raises(ILPError, match="horizon"):
            due_batch(population, history, ON, horizon=True)
        with pytest.raises(ILPError, match="on"):
            due_batch(population, history, "2025-02-30")
        with pytest.raises(ILPError, match="region"):
            due_batch(population, history, ON, region={"je_endemic": True})  # type: ignore[arg-type]

    def test_a_record_before_every_birth_raises(self) -> None:
        """A History built without its population may hold impossible records: refused when used."""
        population, _ = Population.from_people([Person("a", "F", "2020-01-01")])
        day = np.array([pendulum.Date(1917, 1, 1).toordinal()], dtype=np.int32)
        bad = History(("TB-SCREEN",), np.array([0], np.int32), np.array([0], np.int16), day, 1)
        with pytest.raises(PopulationError, match="before every birth"):
            due_batch(population, bad, ON)
        with pytest.raises(PopulationError, match="not a row"):
            due_batch(population, None, ON).items_of(1)

    def test_an_empty_population_lists_nothing(self) -> None:
        """No people, no items; the slots are still there."""
        population, history = Population.from_people([])
        result = due_batch(population, history, ON)
        assert len(result) == 0
        assert result.counts() == {}
        assert result.table().shape == (len(result.slots), 6)

    def test_a_record_of_an_unknown_code_raises(self) -> None:
        """As due() does, a record whose code the catalogue lacks raises UnknownServiceError."""
        population, history = Population.from_people(
            [Person("a", "F", "2020-01-01")], {"a": [ServiceRecord("NOT-A-CODE", "2021-01-01")]}
        )
        with pytest.raises(UnknownServiceError, match="NOT-A-CODE"):
            due_batch(population, history, ON)


class TestCalendar:
    def test_month_tables_match_the_per_day_arithmetic(self) -> None:
        """Adding months over arrays equals dates.add_months_day, month ends and 29 February too."""
        days = np.arange(dt.date(1999, 12, 1).toordinal(), dt.date(2004, 3, 31).toordinal())
        cal = Calendar(int(days[0]), int(days[-1]))
        for months in (1, 2, 6, 12, 13, 59, 60, 216):
            want = [add_months_day(int(x), months) for x in days]
            assert add_months(days, months).tolist() == want
            assert cal.months(days, months).tolist() == want
        assert add_months(days, -1).tolist() == [add_months_day(int(x), -1) for x in days]
        leap = np.array([dt.date(2024, 2, 29).toordinal()])
        keys = Calendar(int(leap[0]), int(leap[0])).birthday_keys(leap)
        assert cal.birthday_table(2025)[keys].tolist() == [dt.date(2025, 2, 28).toordinal()]

    def test_after_at_offsets_with_no_day(self) -> None:
        """after_at reads offsets from lo - 1: as ``after`` for days, the duration's days for 0."""
        cal = Calendar(dt.date(2000, 1, 1).toordinal(), dt.date(2004, 12, 31).toordinal())
        days = np.arange(cal.lo, cal.lo + 900, 7, dtype=np.int32)
        at = np.concatenate([[0], days - (cal.lo - 1), [0]]).astype(np.intp)
        for dur in (Duration(months=12), Duration(months=3, days=2), Duration(days=42)):
            got = cal.after_at(dur, at)
            assert got.dtype == np.int32
            assert got[1:-1].tolist() == cal.after(dur, days).tolist()
            assert got[[0, -1]].tolist() == [dur.days, dur.days]

    def test_birth_thresholds_bound_the_ages(self) -> None:
        """max_birth and min_birth are the last and first births meeting an age bound."""
        d = dt.date(2025, 3, 31).toordinal()
        for dur in (Duration(months=1), Duration(months=12, days=3), Duration(days=42)):
            b = max_birth(dur, d)
            assert dur.after(b) <= d < dur.after(b + 1)
        limit = Limit(Duration(months=60), exclusive=True)
        b = min_birth(limit, d)
        assert limit.day(b) >= d > limit.day(b - 1)
        assert NO_DAY == 2**31 - 1

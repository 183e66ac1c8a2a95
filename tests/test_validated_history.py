"""ValidatedHistory: a history checked once, that ``due()`` trusts and gives the same answers for."""

from __future__ import annotations

import copy
import pickle
import threading
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilp import (
    InvalidRecordError,
    Person,
    ServiceRecord,
    UnknownServiceError,
    ValidatedHistory,
    national,
)
from ilp.lifecycle import Catalogue, Region, Status, due
from ilp.people import history_days, validate_history
from ilp.testing import dates, histories, persons

CAT = national()
ON = st.shared(dates(min_value="2015-01-01", max_value="2030-12-31"), key="on")
BIRTH = pendulum.Date(2024, 1, 15)
CHILD = Person("anak", "F", BIRTH)
RECORDS = (
    ServiceRecord("BCG", "2024-02-20"),
    ServiceRecord("HB0", "2024-01-15"),
    ServiceRecord("OPV-1", "2024-02-20"),
    ServiceRecord("DPT-HB-HIB-1", "2024-03-15"),
    ServiceRecord("OPV-2", "2024-03-15"),
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Person, pendulum.Date, tuple[ServiceRecord, ...]]:
    on = draw(ON)
    person = draw(persons(on=on))
    # records up to 2 years after the date asked: those after it are ignored
    later = on.add(years=2)
    end = min(later, person.death_date) if person.death_date is not None else later
    history = draw(histories(person, on=end, codes=st.sampled_from(CAT.codes), max_size=15))
    return person, on, history


class TestSameAnswers:
    @given(cases(), st.sampled_from([0, 30, 365]))
    def test_due_with_a_validated_history_equals_due_with_the_records(
        self, case: tuple[Person, pendulum.Date, tuple[ServiceRecord, ...]], horizon: int
    ) -> None:
        """Records before, on and after the date asked: the same due list either way."""
        person, on, history = case
        if on < person.birth_date:
            return
        checked = ValidatedHistory(person, history)
        for region in (Region(), Region(flags={"je_endemic"})):
            plain = due(person, on, history=history, region=region, horizon=horizon)
            trusted = due(person, on, history=checked, region=region, horizon=horizon)
            assert trusted.as_dict() == plain.as_dict()

    @given(cases())
    def test_it_is_the_sorted_validated_tuple(
        self, case: tuple[Person, pendulum.Date, tuple[ServiceRecord, ...]]
    ) -> None:
        """As a sequence it is exactly what validate_history returns."""
        person, _, history = case
        checked = ValidatedHistory(person, history)
        assert tuple(checked) == validate_history(person, history) == checked.records
        assert len(checked) == len(history)
        assert checked.codes == {r.code for r in history}
        if history:
            assert checked[0] == checked.records[0]
            assert checked[-2:] == checked.records[-2:]

    def test_day_numbers_up_to_a_day(self) -> None:
        """Each code's days in date order; codes with nothing up to the day are left out."""
        checked = ValidatedHistory(CHILD, [*RECORDS, ServiceRecord("OPV-1", "2024-02-01")])
        days = checked.day_numbers()
        assert days["OPV-1"] == (
            pendulum.Date(2024, 2, 1).toordinal(),
            pendulum.Date(2024, 2, 20).toordinal(),
        )
        upto = checked.day_numbers(pendulum.Date(2024, 2, 10).toordinal())
        assert upto == {
            "HB0": (BIRTH.toordinal(),),
            "OPV-1": (pendulum.Date(2024, 2, 1).toordinal(),),
        }
        assert checked.day_numbers(BIRTH.toordinal() - 1) == {}


def _reference(
    person: Person, history: tuple[ServiceRecord, ...], until: int
) -> dict[str, list[int]]:
    """Each code's days up to *until*, in date order, from validate_history's sorted tuple."""
    out: dict[str, list[int]] = {}
    for r in validate_history(person, history):
        if r.date.toordinal() <= until:
            out.setdefault(r.code, []).append(r.date.toordinal())
    return out


class TestHistoryDays:
    @given(cases(), st.randoms(use_true_random=False))
    def test_each_codes_days_in_date_order_up_to_the_day(
        self, case: tuple[Person, pendulum.Date, tuple[ServiceRecord, ...]], rnd: Any
    ) -> None:
        """In date order or not, the days validate_history's order gives, up to the day."""
        person, on, history = case
        shuffled = list(history)
        rnd.shuffle(shuffled)
        d = on.toordinal()
        for records in (history, tuple(shuffled)):
            assert history_days(person, records, CAT.code_set, d) == _reference(person, history, d)

    def test_a_problem_gives_none(self) -> None:
        """Before birth, after death, not a record or an unknown code: None, in any order."""
        d = pendulum.Date(2025, 1, 1).toordinal()
        died = attrs.evolve(CHILD, death_date=pendulum.Date(2024, 3, 1))
        early = ServiceRecord("BCG", "2024-01-14")
        for records in ((*RECORDS, early), (early, *RECORDS), (RECORDS[1], early)):
            assert history_days(CHILD, records, CAT.code_set, d) is None
        assert history_days(died, RECORDS, CAT.code_set, d) is None
        assert history_days(died, RECORDS[::-1], CAT.code_set, d) is None
        assert history_days(CHILD, (*RECORDS, "BCG"), CAT.code_set, d) is None  # type: ignore[arg-type]
        assert history_days(CHILD, RECORDS, CAT.code_set - {"OPV-2"}, d) is None
        assert history_days(CHILD, RECORDS[::-1], CAT.code_set - {"OPV-2"}, d) is None
        assert history_days(CHILD, (), CAT.code_set, d) == {}

    def test_a_record_made_without_init_is_checked_in_full(self) -> None:
        """A record with its fields but no day number (made around __init__): None, and due()
        reads its date as the full check does."""
        bare = object.__new__(ServiceRecord)
        for name, value in zip(
            ("code", "date"), ("OPV-1", pendulum.Date(2024, 2, 20)), strict=True
        ):
            object.__setattr__(bare, name, value)
        for name in ("place", "provider", "result", "value"):
            object.__setattr__(bare, name, None)
        assert history_days(CHILD, (RECORDS[1], bare), CAT.code_set, 10**6) is None
        made = (RECORDS[1], ServiceRecord("OPV-1", "2024-02-20"))
        found = due(CHILD, "2024-06-01", history=(RECORDS[1], bare))
        assert found == due(CHILD, "2024-06-01", history=made)
        assert found.get("OPV-1").status is Status.COMPLETED  # type: ignore[union-attr]

    def test_a_record_copied_or_unpickled_keeps_its_day(self) -> None:
        """The day number made with a record is made again after pickling, copying or evolving."""
        record = ServiceRecord("BCG", "2024-02-20")
        again = pickle.loads(pickle.dumps(record))
        moved = attrs.evolve(record, date="2024-03-01")
        for r in (record, again, copy.copy(record), copy.deepcopy(record), moved):
            assert history_days(CHILD, (r,), CAT.code_set, 10**6) == {"BCG": [r.date.toordinal()]}
        assert again == record
        assert hash(again) == hash(record)
        assert (
            repr(again)
            == repr(record)
            == (
                "ServiceRecord(code='BCG', date=Date(2024, 2, 20), "
                "place=None, provider=None, result=None, value=None)"
            )
        )
        assert [a.name for a in attrs.fields(ServiceRecord)] == [
            "code",
            "date",
            "place",
            "provider",
            "result",
            "value",
        ]


class TestChecks:
    def test_a_record_before_birth_is_refused_as_by_validate_history(self) -> None:
        """The same error and message as validate_history, when made."""
        bad = [*RECORDS, ServiceRecord("BCG", "2023-12-31")]
        with pytest.raises(InvalidRecordError) as made:
            ValidatedHistory(CHILD, bad)
        with pytest.raises(InvalidRecordError) as reference:
            validate_history(CHILD, bad)
        assert str(made.value) == str(reference.value)
        assert "2023-12-31" in str(made.value)

    def test_a_history_checked_for_other_dates_of_life_is_checked_again(self) -> None:
        """Given to a person who died before a record, due() refuses it as for plain records."""
        checked = ValidatedHistory(CHILD, RECORDS)
        died = attrs.evolve(CHILD, death_date=pendulum.Date(2024, 3, 1))
        assert not checked.fits(died)
        assert checked.fits(attrs.evolve(CHILD, id="other"))
        with pytest.raises(InvalidRecordError, match="DPT-HB-HIB-1 on 2024-03-15 is after"):
            due(died, "2024-02-25", history=checked)

    def test_a_code_not_in_the_catalogue_is_named(self) -> None:
        """due() with a validated history names an unknown code as with plain records."""
        entries = tuple(e for e in CAT.entries if e.key != "HB0")
        small = Catalogue("small", CAT.title, "1", entries)
        checked = ValidatedHistory(CHILD, RECORDS)
        with pytest.raises(UnknownServiceError) as trusted:
            due(CHILD, "2024-06-01", history=checked, catalogue=small)
        with pytest.raises(UnknownServiceError) as plain:
            due(CHILD, "2024-06-01", history=RECORDS, catalogue=small)
        assert str(trusted.value) == str(plain.value)
        assert "'HB0'" in str(trusted.value)

    def test_not_a_record_is_refused(self) -> None:
        """Anything but ServiceRecord items is refused, naming it."""
        with pytest.raises(InvalidRecordError, match="expected ServiceRecord items"):
            ValidatedHistory(CHILD, ["BCG"])  # type: ignore[list-item]


class TestValue:
    def test_immutable(self) -> None:
        """No attribute can be set."""
        checked = ValidatedHistory(CHILD, RECORDS)
        with pytest.raises(AttributeError, match="immutable"):
            checked.records = ()  # type: ignore[misc]

    def test_pickles_equal_and_hashes(self) -> None:
        """It survives pickling (process pools) and compares by person and records."""
        checked = ValidatedHistory(CHILD, RECORDS)
        again = pickle.loads(pickle.dumps(checked))
        assert again == checked
        assert hash(again) == hash(checked)
        assert again.day_numbers() == checked.day_numbers()
        assert checked != ValidatedHistory(CHILD, RECORDS[:2])
        assert checked != RECORDS
        assert repr(checked) == "ValidatedHistory('anak': 5 records)"

    def test_shared_between_threads(self) -> None:
        """Many threads asking about the same history on many dates get each date's answer."""
        checked = ValidatedHistory(CHILD, RECORDS)
        days = [BIRTH.add(days=n) for n in range(0, 900, 9)]
        expected = {d: due(CHILD, d, history=RECORDS).as_dict() for d in days}
        found: dict[pendulum.Date, object] = {}

        def work(offset: int) -> None:
            for d in days[offset::4]:
                found[d] = due(CHILD, d, history=checked).as_dict()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert found == expected

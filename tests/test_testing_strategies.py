"""The public Hypothesis strategies produce valid objects and respect their arguments."""

from __future__ import annotations

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import ilp.testing
from ilp.dates import Duration, age_in_months, age_in_years
from ilp.lifecycle import LifeStage, stages_of
from ilp.people import (
    Condition,
    Family,
    Person,
    Pregnancy,
    Relation,
    ServiceRecord,
    Sex,
    validate_history,
)
from ilp.testing import dates, durations, families, histories, niks, persons, pregnancies

D = pendulum.Date
DAY = D(2025, 3, 1)
ON: st.SearchStrategy[pendulum.Date] = st.shared(
    dates(min_value="1990-01-01", max_value="2060-12-31"), key="on"
)


def dated_after(person: Person, on: pendulum.Date) -> list[pendulum.Date]:
    """Every date the person carries that is later than *on*."""
    found = [person.birth_date, *([person.death_date] if person.death_date else [])]
    for p in person.pregnancies:
        found.append(p.lmp)
        if p.delivery_date is not None:
            found.append(p.delivery_date)
    return [d for d in found if d > on]


def revalidated(person: Person) -> Person:
    """The person built again from its fields, so every validator runs once more."""
    return attrs.evolve(person, pregnancies=[attrs.evolve(p) for p in person.pregnancies])


class TestPublicNames:
    def test_all_is_sorted_and_complete(self) -> None:
        """ilp.testing exports exactly its sorted __all__."""
        names = ilp.testing.__all__
        assert names == sorted(names)
        assert all(callable(getattr(ilp.testing, n)) for n in names)
        assert set(names) == {
            "dates",
            "durations",
            "families",
            "histories",
            "niks",
            "persons",
            "pregnancies",
        }


class TestDates:
    @given(dates(min_value="2024-02-28", max_value=D(2024, 3, 1)))
    def test_dates_stay_within_bounds(self, day: pendulum.Date) -> None:
        """Drawn dates are pendulum Dates from min_value to max_value inclusive."""
        assert type(day) is pendulum.Date
        assert D(2024, 2, 28) <= day <= D(2024, 3, 1)

    @pytest.mark.parametrize(
        ("low", "high"), [("2025-01-02", "2025-01-01"), ("2025-02-30", "2025-03-01"), (3, None)]
    )
    def test_bad_bounds_are_refused(self, low: object, high: object) -> None:
        """Reversed or impossible bounds raise InvalidArgument."""
        with pytest.raises(InvalidArgument):
            dates(min_value=low, max_value=high)  # type: ignore[arg-type]


class TestDurations:
    @given(durations(max_months=24, max_days=30))
    def test_durations_stay_within_bounds(self, duration: Duration) -> None:
        """Months and days are each from zero to their maximum."""
        assert 0 <= duration.months <= 24
        assert 0 <= duration.days <= 30

    @pytest.mark.parametrize("kwargs", [{"max_months": -1}, {"max_days": 1.5}])
    def test_bad_bounds_are_refused(self, kwargs: dict[str, object]) -> None:
        """Negative or non-integer maxima raise InvalidArgument."""
        with pytest.raises(InvalidArgument):
            durations(**kwargs)  # type: ignore[arg-type]


class TestNiks:
    @given(niks(birth_date="1990-06-05", sex=Sex.FEMALE))
    def test_woman_nik_carries_birth_day_plus_40(self, nik: str) -> None:
        """A woman's NIK has her birth day + 40, month and two-digit year in digits 7-12."""
        assert len(nik) == 16
        assert nik.isdigit()
        assert nik[6:12] == "450690"

    @given(niks(birth_date="2001-12-31", sex=Sex.MALE))
    def test_man_nik_carries_birth_date(self, nik: str) -> None:
        """A man's NIK has his birth date as DDMMYY in digits 7-12."""
        assert nik[6:12] == "311201"

    @given(niks())
    def test_every_nik_is_valid_for_a_person(self, nik: str) -> None:
        """Any drawn NIK passes Person validation."""
        assert Person("p", "F", "2000-01-01", nik=nik).nik == nik


class TestPregnancies:
    @given(pregnancies())
    def test_pregnancies_are_valid(self, pregnancy: Pregnancy) -> None:
        """Building a drawn pregnancy again from its fields passes validation."""
        assert attrs.evolve(pregnancy) == pregnancy

    @given(pregnancies(lmp="2024-05-01", delivered=True))
    def test_delivered_pregnancies_have_an_end(self, pregnancy: Pregnancy) -> None:
        """delivered=True gives an ended pregnancy with the HPHT given."""
        assert pregnancy.lmp == D(2024, 5, 1)
        assert pregnancy.delivery_date is not None

    @given(pregnancies(lmp=dates(min_value="2020-01-01", max_value="2020-12-31"), delivered=False))
    def test_ongoing_pregnancies_have_no_end(self, pregnancy: Pregnancy) -> None:
        """delivered=False gives an ongoing pregnancy with an HPHT from the strategy."""
        assert pregnancy.delivery_date is None
        assert pregnancy.outcome is None
        assert pregnancy.lmp.year == 2020

    def test_bad_delivered_is_refused(self) -> None:
        """delivered takes True, False or None only."""
        with pytest.raises(InvalidArgument):
            pregnancies(delivered="yes")  # type: ignore[arg-type]


class TestPersons:
    @given(persons(on=ON), ON)
    def test_default_persons_are_0_to_100_years_and_valid(
        self, person: Person, on: pendulum.Date
    ) -> None:
        """By default a person is 0 to 100 years old on the date and passes validation again."""
        assert person.birth_date.add(years=100) >= on >= person.birth_date
        assert revalidated(person) == person
        assert not dated_after(person, on)

    @given(persons(), persons())
    def test_default_date_is_drawn_for_each_person(self, a: Person, b: Person) -> None:
        """Without on, persons are still valid and born by 2039."""
        for person in (a, b):
            assert person.birth_date <= D(2039, 12, 31)

    @given(persons(on=DAY, max_age="5y"))
    def test_persons_aged_0_to_5_years(self, person: Person) -> None:
        """max_age is inclusive: on the date, birth + 5 years is not before it."""
        assert person.birth_date <= DAY <= person.birth_date.add(years=5)

    @given(persons(on=DAY, min_age="59m", max_age="59m29d"))
    def test_narrow_age_band_is_exact(self, person: Person) -> None:
        """Both bounds are exact: birth + 59 months <= date <= birth + 59 months 29 days."""
        born = person.birth_date
        assert Duration.parse("59m").add_to(born) <= DAY <= Duration.parse("59m29d").add_to(born)
        assert age_in_months(born, DAY) in (59, 60)

    @given(persons(on=DAY, min_age="0d", max_age="0d"))
    def test_age_zero_is_born_that_day(self, person: Person) -> None:
        """max_age 0 days gives people born on the date itself."""
        assert person.birth_date == DAY

    @given(persons(on=DAY, min_age=Duration(months=60 * 12)))
    def test_min_age_accepts_a_duration(self, person: Person) -> None:
        """A Duration works as an age bound: everyone is at least 60 here."""
        assert age_in_years(person.birth_date, DAY) >= 60

    @given(persons(on=ON, pregnant=True), ON)
    def test_pregnant_women_on_the_date(self, person: Person, on: pendulum.Date) -> None:
        """pregnant=True gives living women of 15 to 49 in stage IBU_HAMIL on the date."""
        assert person.sex is Sex.FEMALE
        assert person.death_date is None
        assert 15 <= age_in_years(person.birth_date, on) <= 49
        assert LifeStage.IBU_HAMIL in stages_of(person, on)
        assert person.pregnancies[-1].delivery_date is None
        assert not dated_after(person, on)

    @given(persons(on=DAY, pregnant=True, min_age="10y", max_age="11y"))
    def test_pregnant_girls_can_be_asked_for(self, person: Person) -> None:
        """Age bounds given with pregnant=True are kept, down to age 10."""
        assert 10 <= age_in_years(person.birth_date, DAY) <= 11
        assert LifeStage.IBU_HAMIL in stages_of(person, DAY)

    @given(persons(on=ON, pregnant=False, sex=Sex.FEMALE, min_age="15y", max_age="49y"), ON)
    def test_not_pregnant_women_on_the_date(self, person: Person, on: pendulum.Date) -> None:
        """pregnant=False gives people not in stage IBU_HAMIL on the date."""
        assert LifeStage.IBU_HAMIL not in stages_of(person, on)

    @given(persons(on=ON, sex=Sex.MALE), ON)
    def test_sex_is_respected(self, person: Person, on: pendulum.Date) -> None:
        """sex=MALE gives men only, with no pregnancies."""
        assert person.sex is Sex.MALE
        assert person.pregnancies == ()

    @given(persons(on=ON, alive=True), ON)
    def test_alive_true_gives_no_date_of_death(self, person: Person, on: pendulum.Date) -> None:
        """alive=True gives people with no date of death."""
        assert person.death_date is None
        assert person.is_alive(on)

    @given(persons(on=ON, alive=False), ON)
    def test_alive_false_gives_people_who_died_before_the_date(
        self, person: Person, on: pendulum.Date
    ) -> None:
        """alive=False gives people who died on or after birth and before the date."""
        assert person.death_date is not None
        assert person.birth_date <= person.death_date < on
        assert person.school is None

    @given(persons(nik=True), persons(nik=False))
    def test_nik_true_and_false(self, with_nik: Person, without: Person) -> None:
        """nik=True always gives a NIK matching the birth date, nik=False never does."""
        assert with_nik.nik is not None
        day = with_nik.birth_date.day + (40 if with_nik.sex is Sex.FEMALE else 0)
        assert with_nik.nik[6:8] == f"{day:02d}"
        assert without.nik is None

    @given(persons(conditions=["hypertension", Condition.DIABETES]))
    def test_fixed_conditions_are_exactly_those(self, person: Person) -> None:
        """A collection of conditions gives exactly those conditions."""
        assert person.conditions == {Condition.HYPERTENSION, Condition.DIABETES}

    @given(persons(conditions=st.just(frozenset()), ids=st.just("fixed-id")))
    def test_conditions_and_ids_may_be_strategies(self, person: Person) -> None:
        """Strategies for conditions and ids are drawn from."""
        assert person.conditions == frozenset()
        assert person.id == "fixed-id"

    @given(persons(on=ON), ON)
    def test_pregnancies_are_realistic(self, person: Person, on: pendulum.Date) -> None:
        """Pregnancies start at 10 or later and only the last may still be open."""
        for p in person.pregnancies:
            assert p.lmp >= person.birth_date.add(years=10)
        assert all(p.delivery_date is not None for p in person.pregnancies[:-1])

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"pregnant": True, "sex": Sex.MALE},
            {"pregnant": True, "alive": False},
            {"pregnant": "yes"},
            {"sex": "F"},
            {"min_age": "five years"},
            {"max_age": "200y"},
            {"on": DAY, "min_age": "6y", "max_age": "5y"},
            {"on": DAY, "max_age": "0d", "alive": False},
            {"on": DAY, "pregnant": True, "max_age": "9y"},
            {"on": "1700-01-01"},
            {"on": "2025-02-30"},
            {"conditions": ["asthma"]},
        ],
    )
    def test_impossible_requests_are_refused(self, kwargs: dict[str, object]) -> None:
        """Arguments no person can satisfy raise InvalidArgument when the strategy is made."""
        with pytest.raises(InvalidArgument):
            persons(**kwargs)  # type: ignore[arg-type]


class TestFamilies:
    @given(families(on=pendulum.Date(1920, 1, 1), min_size=3))
    def test_families_near_the_earliest_birth_date(self, family: Family) -> None:
        """On the earliest query date no head can have a parent born in range; families still draw."""
        assert Relation.PARENT not in [m.relation for m in family.members]
        assert age_in_years(family.head.birth_date, pendulum.Date(1920, 1, 1)) >= 18

    @given(families(on=ON), ON)
    def test_families_are_valid_and_realistic(self, family: Family, on: pendulum.Date) -> None:
        """One adult head, unique ids, at most one spouse of the other sex, plausible ages."""
        head = family.head
        assert age_in_years(head.birth_date, on) >= 18
        ids = [p.id for p in family.people]
        assert len(ids) == len(set(ids))
        assert 1 <= len(family.members) <= 8
        relations = [m.relation for m in family.members]
        assert relations.count(Relation.HEAD) == 1
        assert relations.count(Relation.SPOUSE) <= 1
        assert relations.count(Relation.PARENT) <= 2
        for m in family.members:
            assert m.person.death_date is None
            assert m.person.birth_date <= on
            assert not dated_after(m.person, on)
            if m.relation is Relation.SPOUSE:
                assert m.person.sex is not head.sex
                assert age_in_years(m.person.birth_date, on) >= 18
            if m.relation is Relation.CHILD:
                assert m.person.birth_date >= head.birth_date.add(years=15)
            if m.relation is Relation.PARENT:
                assert m.person.birth_date.add(years=15) <= head.birth_date

    @given(families())
    def test_card_number_and_home_share_an_area_code(self, family: Family) -> None:
        """The KK number is 16 digits and starts with the area code of the home."""
        assert len(family.kk_number) == 16
        assert family.kk_number.isdigit()
        for place in (family.residence, *(p.residence for p in family.people)):
            assert place is None or place[:6] == family.kk_number[:6]

    @given(families(min_size=3, max_size=3))
    def test_size_is_respected(self, family: Family) -> None:
        """min_size and max_size bound the number of members."""
        assert len(family.members) == 3

    @pytest.mark.parametrize(
        "kwargs", [{"min_size": 0}, {"min_size": 3, "max_size": 2}, {"on": "nope"}]
    )
    def test_bad_sizes_are_refused(self, kwargs: dict[str, object]) -> None:
        """A family needs at least its head, and max_size is at least min_size."""
        with pytest.raises(InvalidArgument):
            families(**kwargs)  # type: ignore[arg-type]


class TestHistories:
    @given(
        persons(on=ON).flatmap(lambda p: st.tuples(st.just(p), histories(p, on=ON))),
        ON,
    )
    def test_histories_are_within_life_and_before_the_date(
        self, drawn: tuple[Person, tuple[ServiceRecord, ...]], on: pendulum.Date
    ) -> None:
        """Records fall from birth to the date (or death) and come sorted as validated."""
        person, history = drawn
        assert validate_history(person, history) == history
        end = min(on, person.death_date) if person.death_date else on
        assert all(person.birth_date <= r.date <= end for r in history)

    @given(histories(Person("c", "F", "2024-01-01"), on="2024-06-30", codes=["BCG"], min_size=2))
    def test_codes_and_sizes_are_respected(self, history: tuple[ServiceRecord, ...]) -> None:
        """Given codes and sizes bound what is drawn."""
        assert 2 <= len(history) <= 20
        assert {r.code for r in history} == {"BCG"}

    @given(histories(Person("d", "M", "2024-01-01", death_date="2024-02-01"), on="2030-01-01"))
    def test_records_of_the_dead_stop_at_death(self, history: tuple[ServiceRecord, ...]) -> None:
        """Nothing is dated after the date of death."""
        assert all(r.date <= D(2024, 2, 1) for r in history)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"on": "2023-12-31"},
            {"on": "2025-01-01", "codes": ["bcg"]},
            {"on": "2025-01-01", "codes": []},
            {"on": "2025-01-01", "min_size": 3, "max_size": 1},
        ],
    )
    def test_bad_arguments_are_refused(self, kwargs: dict[str, object]) -> None:
        """A date before birth, malformed codes or bad sizes raise InvalidArgument."""
        with pytest.raises(InvalidArgument):
            histories(Person("c", "F", "2024-01-01"), **kwargs)  # type: ignore[arg-type]

    def test_person_must_be_a_person(self) -> None:
        """histories needs a Person, not a strategy of them."""
        with pytest.raises(InvalidArgument):
            histories(persons(), on=DAY)  # type: ignore[arg-type]

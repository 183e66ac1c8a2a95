"""People, pregnancies, service records and families: what they accept and what they refuse."""

from __future__ import annotations

import re

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilp.errors import (
    ILPError,
    InvalidDateError,
    InvalidFamilyError,
    InvalidPersonError,
    InvalidRecordError,
    mask_digits,
)
from ilp.people import (
    EDD_DAYS,
    Condition,
    Family,
    Household,
    Member,
    Outcome,
    Person,
    Pregnancy,
    Relation,
    School,
    ServiceRecord,
    Sex,
    mask_nik,
    validate_history,
)
from ilp.testing import families, niks, persons

D = pendulum.Date
NIK = "3201014506900001"
KK = "3201012301150007"


def woman(*pregnancies: Pregnancy, **fields: object) -> Person:
    """A woman born on 1 January 1995 with the given pregnancies."""
    return Person("w", Sex.FEMALE, "1995-01-01", pregnancies=pregnancies, **fields)  # type: ignore[arg-type]


def delivered(lmp: str, days: int, outcome: Outcome | None = Outcome.LIVE_BIRTH) -> Pregnancy:
    """A pregnancy with HPHT *lmp* that ended *days* later."""
    start = D.fromisoformat(lmp)
    return Pregnancy(start, delivery_date=start.add(days=days), outcome=outcome)


class TestSex:
    @pytest.mark.parametrize(
        "text",
        ["female", "FEMALE", "Female", "f", "F", "p", "P", "perempuan", "Perempuan", " f "],
    )
    def test_parse_reads_every_spelling_of_female(self, text: str) -> None:
        """English and Indonesian words and letters for female, in any case, read as FEMALE."""
        assert Sex.parse(text) is Sex.FEMALE

    @pytest.mark.parametrize(
        "text", ["male", "MALE", "m", "M", "l", "L", "laki-laki", "Laki-Laki", "male\n"]
    )
    def test_parse_reads_every_spelling_of_male(self, text: str) -> None:
        """English and Indonesian words and letters for male, in any case, read as MALE."""
        assert Sex.parse(text) is Sex.MALE

    def test_parse_returns_a_member_unchanged(self) -> None:
        """A Sex member is already parsed."""
        assert Sex.parse(Sex.MALE) is Sex.MALE

    @pytest.mark.parametrize(
        "value", ["", "x", "wanita", "laki", "pria", "W", None, 0, 1, True, ["F"]]
    )
    def test_parse_refuses_anything_else_naming_it(self, value: object) -> None:
        """Any other value raises InvalidPersonError quoting it, with field 'sex'."""
        with pytest.raises(InvalidPersonError, match=re.escape(repr(value))) as info:
            Sex.parse(value)
        assert info.value.field == "sex"
        assert info.value.value == value


class TestCondition:
    def test_parse_reads_codes_in_any_case(self) -> None:
        """A condition code is read whatever its case and surrounding blanks."""
        assert Condition.parse(" Hypertension ") is Condition.HYPERTENSION
        assert Condition.parse(Condition.DIABETES) is Condition.DIABETES

    @pytest.mark.parametrize("value", ["asthma", "", 3, None])
    def test_parse_refuses_unknown_conditions_listing_the_known(self, value: object) -> None:
        """An unknown condition raises InvalidPersonError quoting it and listing the codes."""
        with pytest.raises(InvalidPersonError, match=re.escape(repr(value))) as info:
            Condition.parse(value)
        assert "hypertension" in str(info.value)
        assert info.value.field == "conditions"


class TestPregnancy:
    def test_edd_defaults_to_hpht_plus_280_days(self) -> None:
        """Without a given EDD (HPL), it is the HPHT plus 280 days (Naegele)."""
        p = Pregnancy("2025-01-01")
        assert p.edd == D(2025, 1, 1).add(days=EDD_DAYS)
        assert p.edd == D(2025, 10, 8)

    def test_given_edd_is_kept(self) -> None:
        """An EDD from ultrasound within 36 to 44 weeks of the HPHT is kept as given."""
        assert Pregnancy("2025-01-01", edd="2025-10-01").edd == D(2025, 10, 1)

    @pytest.mark.parametrize("days", [251, 309, -3])
    def test_implausible_edd_is_refused_naming_it(self, days: int) -> None:
        """An EDD outside 252 to 308 days after the HPHT raises InvalidPersonError naming it."""
        edd = D(2025, 1, 1).add(days=days)
        with pytest.raises(InvalidPersonError, match=edd.isoformat()) as info:
            Pregnancy("2025-01-01", edd=edd)
        assert info.value.field == "edd"

    def test_delivery_before_hpht_is_refused(self) -> None:
        """A delivery date before the HPHT raises InvalidPersonError naming both dates."""
        with pytest.raises(InvalidPersonError, match=r"2024-12-31.*before.*2025-01-01") as info:
            Pregnancy("2025-01-01", delivery_date="2024-12-31")
        assert info.value.field == "delivery_date"

    def test_delivery_after_45_weeks_is_refused(self) -> None:
        """A pregnancy ending more than 45 weeks (315 days) after the HPHT is implausible."""
        with pytest.raises(InvalidPersonError, match="316 days") as info:
            delivered("2025-01-01", 316)
        assert info.value.value == D(2025, 1, 1).add(days=316)

    def test_delivery_at_exactly_45_weeks_is_accepted(self) -> None:
        """Day 315 after the HPHT is still a plausible delivery."""
        assert delivered("2025-01-01", 315).delivery_date == D(2025, 1, 1).add(days=315)

    @pytest.mark.parametrize("outcome", [Outcome.LIVE_BIRTH, Outcome.STILLBIRTH, None])
    def test_birth_before_20_weeks_is_refused(self, outcome: Outcome | None) -> None:
        """A birth (live, still or unstated) before day 140 must be recorded as a miscarriage."""
        with pytest.raises(InvalidPersonError, match=r"19 weeks.*miscarriage") as info:
            delivered("2025-01-01", 139, outcome)
        assert info.value.field == "delivery_date"

    def test_birth_at_20_weeks_is_accepted(self) -> None:
        """Day 140 (20 weeks) is the first day a birth is accepted."""
        assert delivered("2025-01-01", 140).is_birth

    def test_miscarriage_before_20_weeks_is_accepted(self) -> None:
        """A miscarriage (abortus) ends before 20 weeks and is not a birth."""
        p = delivered("2025-01-01", 139, Outcome.MISCARRIAGE)
        assert not p.is_birth
        assert p.last_pregnant_day == D(2025, 1, 1).add(days=138)

    def test_miscarriage_at_20_weeks_is_refused(self) -> None:
        """A pregnancy ending at 20 weeks or later is not a miscarriage."""
        with pytest.raises(InvalidPersonError, match="20 weeks") as info:
            delivered("2025-01-01", 140, Outcome.MISCARRIAGE)
        assert info.value.field == "outcome"

    def test_outcome_without_delivery_is_refused(self) -> None:
        """An outcome needs the date the pregnancy ended."""
        with pytest.raises(InvalidPersonError, match=r"'live_birth'.*without a delivery_date"):
            Pregnancy("2025-01-01", outcome="live_birth")

    def test_outcome_is_read_from_its_code(self) -> None:
        """Outcomes may be given by code, as in YAML."""
        p = Pregnancy("2025-01-01", delivery_date="2025-09-30", outcome="stillbirth")
        assert p.outcome is Outcome.STILLBIRTH

    @pytest.mark.parametrize("value", ["abortion", "LIVE_BIRTH", 1])
    def test_unknown_outcome_is_refused_naming_it(self, value: object) -> None:
        """An outcome that is not a known code raises InvalidPersonError quoting it."""
        with pytest.raises(InvalidPersonError, match=re.escape(repr(value))) as info:
            Pregnancy("2025-01-01", delivery_date="2025-09-30", outcome=value)
        assert info.value.field == "outcome"

    def test_bad_hpht_raises_invalid_date_naming_the_field(self) -> None:
        """An HPHT that is not a date raises InvalidDateError for field 'lmp'."""
        with pytest.raises(InvalidDateError, match=r"^lmp: '2025-02-30'"):
            Pregnancy("2025-02-30")

    def test_ongoing_pregnancy_is_stale_after_edd_plus_14_days(self) -> None:
        """With no delivery recorded, the last pregnant day is the EDD plus 14 days."""
        p = Pregnancy("2025-01-01")
        assert p.last_pregnant_day == p.edd.add(days=14)
        assert not p.is_birth

    def test_delivered_pregnancy_ends_the_day_before_delivery(self) -> None:
        """Once delivered, the last pregnant day is the day before delivery."""
        assert delivered("2025-01-01", 270).last_pregnant_day == D(2025, 1, 1).add(days=269)

    def test_from_mapping_builds_a_pregnancy(self) -> None:
        """A mapping with code strings builds the same pregnancy as the constructor."""
        data = {"lmp": "2025-01-01", "delivery_date": "2025-09-30", "outcome": "live_birth"}
        assert Pregnancy.from_mapping(data) == Pregnancy(
            D(2025, 1, 1), delivery_date=D(2025, 9, 30), outcome=Outcome.LIVE_BIRTH
        )

    def test_from_mapping_refuses_unknown_keys_naming_them(self) -> None:
        """A key that is not a field raises InvalidPersonError naming it."""
        with pytest.raises(InvalidPersonError, match="unknown field 'hpht'") as info:
            Pregnancy.from_mapping({"hpht": "2025-01-01"})
        assert info.value.field == "hpht"

    def test_from_mapping_refuses_missing_hpht(self) -> None:
        """A mapping without 'lmp' raises InvalidPersonError naming it."""
        with pytest.raises(InvalidPersonError, match="missing required field 'lmp'"):
            Pregnancy.from_mapping({"edd": "2025-10-08"})


class TestPersonValidation:
    def test_a_plain_person_is_built_with_converted_fields(self) -> None:
        """Sex and dates given as text are converted; collections become immutable."""
        p = Person("p1", "L", "2020-05-01", conditions=["hypertension"])
        assert p.sex is Sex.MALE
        assert p.birth_date == D(2020, 5, 1)
        assert p.conditions == frozenset({Condition.HYPERTENSION})
        assert p.pregnancies == ()

    def test_a_single_condition_string_is_one_condition(self) -> None:
        """A bare string is one condition, not a set of letters."""
        assert Person("p", "F", "1980-01-01", conditions="diabetes").conditions == {
            Condition.DIABETES
        }

    @pytest.mark.parametrize("value", ["", "   ", None, 17])
    def test_id_must_be_non_empty_text(self, value: object) -> None:
        """An empty, blank or non-text id raises InvalidPersonError quoting it."""
        with pytest.raises(InvalidPersonError, match=re.escape(repr(value))) as info:
            Person(value, "F", "2000-01-01")  # type: ignore[arg-type]
        assert info.value.field == "id"

    def test_bad_sex_is_refused_naming_it(self) -> None:
        """An unknown sex raises InvalidPersonError quoting it."""
        with pytest.raises(InvalidPersonError, match="'X'"):
            Person("p", "X", "2000-01-01")

    def test_bad_birth_date_is_refused_naming_field_and_value(self) -> None:
        """An impossible date of birth raises InvalidDateError for field 'birth_date'."""
        with pytest.raises(InvalidDateError, match=r"^birth_date: '2023-02-29'") as info:
            Person("p", "F", "2023-02-29")
        assert info.value.field == "birth_date"

    def test_death_before_birth_is_refused(self) -> None:
        """A date of death before the date of birth raises InvalidPersonError naming both."""
        with pytest.raises(InvalidPersonError, match=r"2019-12-31.*2020-01-01") as info:
            Person("p", "F", "2020-01-01", death_date="2019-12-31")
        assert info.value.field == "death_date"
        assert info.value.value == D(2019, 12, 31)

    def test_death_on_the_day_of_birth_is_accepted(self) -> None:
        """A child may die on the day it is born."""
        p = Person("p", "F", "2020-01-01", death_date="2020-01-01")
        assert p.is_alive(D(2020, 1, 1))
        assert not p.is_alive(D(2020, 1, 2))

    def test_is_alive_from_birth_through_death(self) -> None:
        """A person is alive from the date of birth through the date of death."""
        p = Person("p", "M", "2020-01-01", death_date="2024-06-30")
        assert not p.is_alive(D(2019, 12, 31))
        assert p.is_alive(D(2020, 1, 1))
        assert p.is_alive(D(2024, 6, 30))
        assert not p.is_alive(D(2024, 7, 1))

    def test_man_with_a_pregnancy_is_refused(self) -> None:
        """Only a woman can carry a pregnancy record."""
        with pytest.raises(InvalidPersonError, match="'m' is male") as info:
            Person("m", "M", "1990-01-01", pregnancies=[Pregnancy("2020-01-01")])
        assert info.value.field == "pregnancies"

    def test_pregnancy_before_age_10_is_refused(self) -> None:
        """An HPHT before the tenth birthday raises InvalidPersonError naming it."""
        with pytest.raises(InvalidPersonError, match=r"2004-12-31.*before age 10") as info:
            woman(Pregnancy("2004-12-31"))
        assert info.value.value == D(2004, 12, 31)

    def test_pregnancy_from_the_tenth_birthday_is_accepted(self) -> None:
        """An HPHT on the tenth birthday is accepted."""
        assert len(woman(Pregnancy("2005-01-01")).pregnancies) == 1

    def test_pregnancies_are_sorted_by_hpht(self) -> None:
        """Pregnancies are kept in HPHT order whatever order they are given in."""
        first = delivered("2015-01-01", 270)
        second = delivered("2018-01-01", 270)
        assert woman(second, first).pregnancies == (first, second)

    def test_pregnancies_may_be_given_as_mappings(self) -> None:
        """A pregnancy given as a mapping is read with Pregnancy.from_mapping."""
        p = woman({"lmp": "2020-01-01"})  # type: ignore[arg-type]
        assert p.pregnancies == (Pregnancy("2020-01-01"),)

    def test_overlapping_pregnancies_are_refused(self) -> None:
        """An HPHT before the previous pregnancy ended raises InvalidPersonError naming both."""
        with pytest.raises(InvalidPersonError, match=r"2020-06-01 overlaps.*2020-01-01") as info:
            woman(delivered("2020-01-01", 270), Pregnancy("2020-06-01"))
        assert info.value.value == D(2020, 6, 1)

    def test_pregnancy_after_an_open_one_is_refused(self) -> None:
        """A pregnancy with no end recorded overlaps every later one."""
        with pytest.raises(InvalidPersonError, match=r"overlaps.*\(no end\)"):
            woman(Pregnancy("2015-01-01"), Pregnancy("2019-01-01"))

    def test_next_hpht_on_the_delivery_day_is_accepted(self) -> None:
        """A new HPHT may fall on the day the previous pregnancy ended."""
        first = delivered("2020-01-01", 100, Outcome.MISCARRIAGE)
        assert first.delivery_date is not None
        assert len(woman(first, Pregnancy(first.delivery_date)).pregnancies) == 2

    def test_pregnancy_after_death_is_refused(self) -> None:
        """An HPHT after the date of death raises InvalidPersonError naming both."""
        with pytest.raises(InvalidPersonError, match=r"2021-01-01.*after.*2020-12-31"):
            woman(Pregnancy("2021-01-01"), death_date="2020-12-31")

    @pytest.mark.parametrize("grade", [0, 13, -1, True, "3", 3.0, None])
    def test_school_grade_outside_1_to_12_is_refused(self, grade: object) -> None:
        """A grade that is not an integer from 1 to 12 raises InvalidPersonError quoting it."""
        with pytest.raises(InvalidPersonError, match=re.escape(repr(grade))) as info:
            Person("s", "F", "2015-01-01", school=School(grade))  # type: ignore[arg-type]
        assert info.value.field == "school_grade"

    @pytest.mark.parametrize("grade", [1, 12])
    def test_school_grades_1_and_12_are_accepted(self, grade: int) -> None:
        """Grades 1 and 12 are the first and last (SD 1 to SMA 12); a bare int is a School."""
        assert Person("s", "F", "2010-01-01", school=grade).school == School(grade)

    def test_grade_moves_up_each_july(self) -> None:
        """A grade recorded for a school year moves up on 1 July and ends after grade 12."""
        school = School(5, 2024)
        assert school.grade_on(D(2025, 6, 30)) == 5
        assert school.grade_on(D(2025, 7, 1)) == 6
        assert school.grade_on(D(2032, 7, 1)) is None
        assert School(5).grade_on(D(2030, 1, 1)) == 5


class TestNik:
    @pytest.mark.parametrize(
        "nik",
        [
            "320101450690000",
            "32010145069000012",
            "320101450690000A",
            "3201 0145 0690 0001",
            "\uff13\uff12\uff10\uff11\uff10\uff11\uff14\uff15\uff10\uff16\uff19\uff10\uff10\uff10\uff10\uff11",
        ],
    )
    def test_malformed_nik_is_refused_showing_no_digit(self, nik: str) -> None:
        """Reproducer 8: a NIK that is not 16 ASCII digits is refused; no digit of it is shown."""
        with pytest.raises(InvalidPersonError, match="is not a NIK of 16 digits") as info:
            Person("p", "F", "1990-06-05", nik=nik)
        quoted = re.search(r"'([^']*)'", str(info.value))
        assert quoted is not None
        assert not any(c.isdigit() for c in quoted.group(1))
        assert info.value.field == "nik"
        assert nik not in repr(info.value.value)

    def test_full_width_digits_are_not_a_nik(self) -> None:
        """Reproducer 8: only ASCII digits make a NIK (full-width ３ is refused)."""
        with pytest.raises(InvalidPersonError, match="0-9"):
            Person("p", "F", "1990-06-05", nik="\uff13" * 16)

    def test_short_text_is_named_in_full(self) -> None:
        """Text too short to be a NIK is quoted as given."""
        with pytest.raises(InvalidPersonError, match="'123'"):
            Person("p", "F", "1990-06-05", nik="123")

    @pytest.mark.parametrize("value", [["3507121204780003"], {"n": 1}, 1.5])
    def test_other_types_are_refused_without_quoting_them(self, value: object) -> None:
        """A list, mapping or float is named by its type only."""
        with pytest.raises(InvalidPersonError, match="expected quoted text of 16 digits") as info:
            Person("p", "F", "1990-06-05", nik=value)  # type: ignore[arg-type]
        assert info.value.value is None

    def test_nik_given_as_a_number_must_be_quoted(self) -> None:
        """Issue 14 item 5: a NIK read by YAML as a number is told to be quoted, no digit shown."""
        with pytest.raises(InvalidPersonError, match="must be quoted") as info:
            Person("p", "F", "1990-06-05", nik=int(NIK))  # type: ignore[arg-type]
        assert "0001" not in str(info.value)
        assert info.value.value is None

    def test_mask_nik_keeps_no_digit(self) -> None:
        """Masking hides all sixteen digits: the last four would give the NIK away."""
        assert mask_nik(NIK) == "****************"
        assert mask_nik(None) is None

    def test_repr_masks_the_nik(self) -> None:
        """repr shows the masked NIK, quoted."""
        text = repr(Person("p", "F", "1990-06-05", nik=NIK))
        assert "nik='****************'" in text

    @given(niks(), st.sampled_from(Sex))
    def test_repr_and_str_never_show_a_full_nik(self, nik: str, sex: Sex) -> None:
        """For any NIK, neither repr nor str of a person (or of a family) contains it."""
        p = Person("p", sex, "1990-06-05", nik=nik)
        family = Family(KK, [Member(p, Relation.HEAD)])
        for text in (repr(p), str(p), repr(family), str(family), repr(family.members[0])):
            assert nik not in text
            assert "****************" in text

    @given(persons(nik=True))
    def test_generated_people_never_show_their_nik(self, person: Person) -> None:
        """Whatever else a person carries, its repr hides the NIK."""
        assert person.nik is not None
        assert person.nik not in repr(person)


class TestPersonFromMapping:
    def test_builds_a_person_with_school_grade_and_year(self) -> None:
        """school_grade and school_year become a School; an integer id becomes text."""
        p = Person.from_mapping(
            {
                "id": 42,
                "sex": "P",
                "birth_date": "2015-03-01",
                "school_grade": 3,
                "school_year": 2024,
            }
        )
        assert p.id == "42"
        assert p.school == School(3, 2024)

    def test_unknown_key_is_refused_naming_it(self) -> None:
        """A key that is not a field raises InvalidPersonError naming it."""
        with pytest.raises(InvalidPersonError, match="unknown field 'agama'") as info:
            Person.from_mapping({"id": "a", "sex": "F", "birth_date": "2000-01-01", "agama": "x"})
        assert info.value.field == "agama"

    @pytest.mark.parametrize("missing", ["id", "sex", "birth_date"])
    def test_missing_required_key_is_refused_naming_it(self, missing: str) -> None:
        """Each of id, sex and birth_date is required, and its absence is named."""
        data = {"id": "a", "sex": "F", "birth_date": "2000-01-01"}
        del data[missing]
        with pytest.raises(InvalidPersonError, match=f"missing required field '{missing}'"):
            Person.from_mapping(data)

    @pytest.mark.parametrize("value", [None, "id,sex", ["a", "F"]])
    def test_non_mapping_is_refused(self, value: object) -> None:
        """Only a mapping of fields can become a person."""
        with pytest.raises(InvalidPersonError, match="expected a mapping"):
            Person.from_mapping(value)  # type: ignore[arg-type]

    def test_school_year_without_grade_is_refused(self) -> None:
        """A school year alone says nothing."""
        with pytest.raises(InvalidPersonError, match="school_year: given without"):
            Person.from_mapping(
                {"id": "a", "sex": "F", "birth_date": "2015-01-01", "school_year": 2024}
            )

    @pytest.mark.parametrize("year", ["2024", 2024.0, True])
    def test_school_year_must_be_an_integer(self, year: object) -> None:
        """A school year that is not an integer raises InvalidPersonError quoting it."""
        data = {"id": "a", "sex": "F", "birth_date": "2015-01-01", "school_grade": 3}
        with pytest.raises(InvalidPersonError, match=re.escape(repr(year))):
            Person.from_mapping({**data, "school_year": year})

    def test_school_grade_given_as_text_is_refused_as_a_person_error(self) -> None:
        """A grade read as text raises InvalidPersonError, not a bare TypeError."""
        with pytest.raises(InvalidPersonError, match="'3'"):
            Person.from_mapping(
                {"id": "a", "sex": "F", "birth_date": "2015-01-01", "school_grade": "3"}
            )

    def test_bad_nested_pregnancy_is_refused_as_a_person_error(self) -> None:
        """A pregnancy mapping with an unknown key raises InvalidPersonError naming the key."""
        with pytest.raises(InvalidPersonError, match="unknown field 'hpl'"):
            Person.from_mapping(
                {
                    "id": "a",
                    "sex": "F",
                    "birth_date": "1990-01-01",
                    "pregnancies": [{"lmp": "2020-01-01", "hpl": "2020-10-07"}],
                }
            )

    @given(persons())
    def test_round_trips_through_its_own_fields(self, person: Person) -> None:
        """A person rebuilt from a mapping of its fields has the same fields."""
        data = attrs.asdict(person, recurse=False)
        school = data.pop("school")
        if school is not None:
            data["school_grade"], data["school_year"] = school.grade, school.year
        again = Person.from_mapping(data)
        assert attrs.astuple(again, recurse=False) == attrs.astuple(person, recurse=False)


class TestPersonIdentity:
    def test_people_with_the_same_id_are_equal(self) -> None:
        """Person is an entity: equal and hashed by id whatever the other fields say."""
        a = Person("p1", "F", "2000-01-01")
        b = Person("p1", "M", "1950-01-01", name="Budi")
        assert a == b
        assert hash(a) == hash(b)
        assert len({a, b}) == 1

    def test_people_with_other_ids_differ(self) -> None:
        """Two people with the same fields but different ids are different people."""
        assert Person("p1", "F", "2000-01-01") != Person("p2", "F", "2000-01-01")

    def test_a_person_is_not_equal_to_other_types(self) -> None:
        """Comparing with something that is not a Person is never equal."""
        assert Person("p1", "F", "2000-01-01") != "p1"

    def test_evolve_keeps_identity_and_revalidates(self) -> None:
        """attrs.evolve makes a new, validated person with the same identity."""
        p = Person("p1", "F", "2000-01-01")
        assert attrs.evolve(p, name="Siti") == p
        with pytest.raises(InvalidPersonError):
            attrs.evolve(p, death_date="1999-01-01")

    def test_people_are_frozen(self) -> None:
        """Fields cannot be set after construction."""
        p = Person("p1", "F", "2000-01-01")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            p.name = "x"  # type: ignore[misc]


class TestServiceRecord:
    @pytest.mark.parametrize("code", ["BCG", "HB0", "DPT-HB-HIB-1", "ANC-K1", "OPV-4"])
    def test_codes_in_the_canonical_form_are_accepted(self, code: str) -> None:
        """Upper-case ASCII words and digits joined by '-' are service codes."""
        assert ServiceRecord(code, "2025-01-01").code == code

    @pytest.mark.parametrize(
        "code", ["bcg", "BCG-", "-BCG", "DPT--1", "BCG 1", "", "BCG_1", "É", None, 1]
    )
    def test_malformed_code_is_refused_quoting_it(self, code: object) -> None:
        """Anything else raises InvalidRecordError quoting the code."""
        with pytest.raises(InvalidRecordError, match=re.escape(repr(code))) as info:
            ServiceRecord(code, "2025-01-01")  # type: ignore[arg-type]
        assert info.value.field == "code"

    def test_date_is_converted(self) -> None:
        """The date may be given as ISO text."""
        assert ServiceRecord("BCG", "2025-01-31").date == D(2025, 1, 31)

    @pytest.mark.parametrize("value", ["2025-02-30", "31/01/2025", None])
    def test_bad_date_is_a_record_error_quoting_it(self, value: object) -> None:
        """A bad date raises InvalidRecordError (field 'date') quoting it."""
        with pytest.raises(InvalidRecordError, match=re.escape(repr(value))) as info:
            ServiceRecord("BCG", value)
        assert info.value.field == "date"

    def test_records_compare_by_value(self) -> None:
        """Two records of the same service, day and details are equal."""
        assert ServiceRecord("BCG", "2025-01-01", place="PKM-1") == ServiceRecord(
            "BCG", D(2025, 1, 1), place="PKM-1"
        )
        assert ServiceRecord("BCG", "2025-01-01") != ServiceRecord("BCG", "2025-01-02")

    def test_from_mapping_builds_a_record(self) -> None:
        """A mapping such as one read from JSON builds a record."""
        r = ServiceRecord.from_mapping({"code": "BCG", "date": "2025-01-01", "value": 3.2})
        assert r == ServiceRecord("BCG", "2025-01-01", value=3.2)

    def test_from_mapping_refuses_unknown_and_missing_keys(self) -> None:
        """Unknown keys and a missing date raise InvalidRecordError naming them."""
        with pytest.raises(InvalidRecordError, match="unknown field 'dose'"):
            ServiceRecord.from_mapping({"code": "BCG", "date": "2025-01-01", "dose": 1})
        with pytest.raises(InvalidRecordError, match="missing required field 'date'"):
            ServiceRecord.from_mapping({"code": "BCG"})


class TestValidateHistory:
    CHILD = Person("c", "F", "2024-01-10", death_date="2024-12-31")

    def test_history_is_sorted_by_date_then_code(self) -> None:
        """Records come back in date order, codes breaking ties."""
        a = ServiceRecord("OPV-1", "2024-01-10")
        b = ServiceRecord("BCG", "2024-01-10")
        c = ServiceRecord("HB0", "2024-01-10")
        d = ServiceRecord("DPT-HB-HIB-1", "2024-03-10")
        assert validate_history(self.CHILD, [d, a, c, b]) == (b, c, a, d)

    def test_records_on_the_days_of_birth_and_death_are_accepted(self) -> None:
        """The first and last days of life are within the person's life."""
        records = [ServiceRecord("HB0", "2024-01-10"), ServiceRecord("GROWTH", "2024-12-31")]
        assert len(validate_history(self.CHILD, records)) == 2

    def test_record_before_birth_is_refused_naming_code_and_date(self) -> None:
        """A record dated before birth raises InvalidRecordError naming the code and date."""
        with pytest.raises(InvalidRecordError, match="HB0 on 2024-01-09 is before") as info:
            validate_history(self.CHILD, [ServiceRecord("HB0", "2024-01-09")])
        assert info.value.value == D(2024, 1, 9)

    def test_record_after_death_is_refused_naming_code_and_date(self) -> None:
        """A record dated after death raises InvalidRecordError naming the code and date."""
        with pytest.raises(InvalidRecordError, match="GROWTH on 2025-01-01 is after"):
            validate_history(self.CHILD, [ServiceRecord("GROWTH", "2025-01-01")])

    def test_item_that_is_not_a_record_is_refused(self) -> None:
        """Only ServiceRecord items make a history."""
        with pytest.raises(InvalidRecordError, match="got dict"):
            validate_history(self.CHILD, [{"code": "BCG", "date": "2024-01-10"}])  # type: ignore[list-item]


class TestFamily:
    HEAD = Person("h", "M", "1980-01-01")
    WIFE = Person("w", "F", "1982-01-01")
    CHILD = Person("c", "F", "2010-01-01")

    def test_family_with_one_head_is_built(self) -> None:
        """A family card with one head and unique members is valid; members become a tuple."""
        family = Family(
            KK,
            [
                Member(self.HEAD, Relation.HEAD),
                Member(self.WIFE, "spouse"),
                Member(self.CHILD, Relation.CHILD),
            ],
        )
        assert family.head is self.HEAD
        assert family.people == (self.HEAD, self.WIFE, self.CHILD)
        assert isinstance(family.members, tuple)
        assert family.household == Household()

    def test_family_without_a_head_is_refused(self) -> None:
        """A family card needs a head (kepala keluarga)."""
        with pytest.raises(InvalidFamilyError, match=r"\*{16} has 0 heads") as info:
            Family(KK, [Member(self.CHILD, Relation.CHILD)])
        assert info.value.field == "members"

    def test_family_with_two_heads_is_refused_naming_them(self) -> None:
        """Exactly one member may be the head."""
        with pytest.raises(InvalidFamilyError, match=r"has 2 heads \['h', 'w'\]"):
            Family(KK, [Member(self.HEAD, Relation.HEAD), Member(self.WIFE, Relation.HEAD)])

    def test_person_listed_twice_is_refused_naming_the_id(self) -> None:
        """Member ids are unique within a family."""
        with pytest.raises(InvalidFamilyError, match="'c' appears twice") as info:
            Family(
                KK,
                [
                    Member(self.HEAD, Relation.HEAD),
                    Member(self.CHILD, Relation.CHILD),
                    Member(self.CHILD, Relation.OTHER),
                ],
            )
        assert info.value.value == "c"

    @pytest.mark.parametrize(
        "kk", ["320101230115000", "32010123011500071", "3201012301150OO7", "", None, int(KK)]
    )
    def test_bad_kk_number_is_refused_quoting_it(self, kk: object) -> None:
        """A family card number that is not 16 digits raises InvalidFamilyError quoting it.

        Runs of 16 digits or more are masked in every message; a number read
        from YAML is told to be quoted.
        """
        expected = "must be quoted" if isinstance(kk, int) else re.escape(mask_digits(repr(kk)))
        with pytest.raises(InvalidFamilyError, match=expected) as info:
            Family(kk, [Member(self.HEAD, Relation.HEAD)])  # type: ignore[arg-type]
        assert info.value.field == "kk_number"

    def test_unknown_relation_is_a_family_error(self) -> None:
        """A relation that is not a known code raises InvalidFamilyError quoting it."""
        with pytest.raises(InvalidFamilyError, match="'cousin'") as info:
            Member(self.HEAD, "cousin")
        assert info.value.field == "relation"

    def test_item_that_is_not_a_member_is_refused(self) -> None:
        """Members must be Member objects."""
        with pytest.raises(InvalidFamilyError, match="got Person"):
            Family(KK, [self.HEAD])  # type: ignore[list-item]

    def test_families_compare_by_card_number(self) -> None:
        """Family is an entity: equal and hashed by its KK number."""
        a = Family(KK, [Member(self.HEAD, Relation.HEAD)])
        b = Family(KK, [Member(self.WIFE, Relation.HEAD)], address="Jl. Merdeka 1")
        assert a == b
        assert hash(a) == hash(b)
        assert a != Family("3201012301150008", [Member(self.HEAD, Relation.HEAD)])
        assert a != KK

    @given(families())
    def test_generated_families_revalidate(self, family: Family) -> None:
        """Rebuilding any generated family from its parts passes validation again."""
        again = Family(
            family.kk_number,
            list(family.members),
            household=family.household,
            residence=family.residence,
            address=family.address,
        )
        assert again.head == family.head


class TestErrorsAreValueErrors:
    @pytest.mark.parametrize(
        "error", [InvalidPersonError, InvalidRecordError, InvalidFamilyError, InvalidDateError]
    )
    def test_every_validation_error_is_an_ilp_error_and_a_value_error(
        self, error: type[Exception]
    ) -> None:
        """Callers may catch either ILPError or ValueError."""
        assert issubclass(error, ILPError)
        assert issubclass(error, ValueError)

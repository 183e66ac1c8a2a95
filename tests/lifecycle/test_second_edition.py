"""The catalogue's second edition (issue 9), asked through ``due()`` at the edges of its windows.

Dates come from the ILP decree (KMK HK.01.07/MENKES/2015/2023, cited by
line) and ``docs/decisions.md``: the day before the earliest date, the
earliest date, the overdue date, the latest date and the day after.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ilp import Condition, Person, Pregnancy, ServiceRecord, national
from ilp.dates import as_date
from ilp.errors import CatalogueError
from ilp.lifecycle import DueItem, Region, Status, due, dump_catalogue, parse_catalogue
from ilp.lifecycle._loader import read_yaml

MALARIA = Region(flags={"malaria_endemic"})


def _item(
    person: Person,
    on: str,
    code: str,
    *,
    history: Sequence[ServiceRecord] = (),
    region: Region | None = None,
    horizon: int = 0,
) -> DueItem | None:
    return due(person, on, history=history, region=region, horizon=horizon).get(code)


def _status(person: Person, on: str, code: str, **kw: object) -> Status | None:
    item = _item(person, on, code, **kw)  # type: ignore[arg-type]
    return None if item is None else item.status


def _given(*pairs: tuple[str, str]) -> list[ServiceRecord]:
    return [ServiceRecord(code, date) for code, date in pairs]


class TestLabLansia:
    """LAB-LANSIA: blood glucose and cholesterol yearly for everyone 60 and over (KMK L5762, L5840)."""

    ELDER = Person("e", "F", "1965-06-15")  # 60 on 2025-06-15

    @pytest.mark.parametrize(
        ("on", "status"),
        [
            ("2025-06-14", None),  # the day before the 60th birthday
            ("2025-06-15", Status.DUE),  # earliest: the 60th birthday
            ("2025-07-14", Status.DUE),  # the day before it is overdue (grace 1 month)
            ("2025-07-15", Status.OVERDUE),
        ],
    )
    def test_due_from_the_sixtieth_birthday(self, on: str, status: Status | None) -> None:
        assert _status(self.ELDER, on, "LAB-LANSIA") == status

    def test_upcoming_within_the_horizon_before_sixty(self) -> None:
        item = _item(self.ELDER, "2025-06-01", "LAB-LANSIA", horizon=30)
        assert item is not None
        assert item.status is Status.UPCOMING
        assert item.earliest == as_date("2025-06-15")

    def test_yearly_after_the_last_test(self) -> None:
        history = _given(("LAB-LANSIA", "2025-06-20"))
        assert _status(self.ELDER, "2026-06-19", "LAB-LANSIA", history=history) is Status.COMPLETED
        assert _status(self.ELDER, "2026-06-20", "LAB-LANSIA", history=history) is Status.DUE


class TestDentalBalita:
    """DENTAL-BALITA: dental check of children 12-72 months at every Posyandu visit (Tabel 18c)."""

    CHILD = Person("c", "M", "2024-01-10")  # 12 months on 2025-01-10, 73 months on 2030-02-10

    @pytest.mark.parametrize(
        ("on", "status"),
        [
            ("2025-01-09", None),  # the day before 12 months
            ("2025-01-10", Status.DUE),  # earliest: 12 months
            ("2025-01-31", Status.DUE),  # the last day of that month's window
            ("2030-02-09", Status.DUE),  # the last day: 72 months and all of that month of age
            ("2030-02-10", None),  # the day after
        ],
    )
    def test_from_twelve_through_seventy_two_months(self, on: str, status: Status | None) -> None:
        assert _status(self.CHILD, on, "DENTAL-BALITA") == status

    def test_first_window_opens_at_twelve_months_and_ends_with_the_month(self) -> None:
        item = _item(self.CHILD, "2025-01-10", "DENTAL-BALITA")
        assert item is not None
        assert (item.earliest, item.latest) == (as_date("2025-01-10"), as_date("2025-01-31"))

    def test_last_window_ends_the_day_before_73_months(self) -> None:
        item = _item(self.CHILD, "2030-02-01", "DENTAL-BALITA")
        assert item is not None
        assert (item.earliest, item.latest) == (as_date("2030-02-01"), as_date("2030-02-09"))

    def test_a_check_on_the_last_day_of_a_month_leaves_the_next_month_due(self) -> None:
        history = _given(("DENTAL-BALITA", "2025-03-31"))
        assert _status(self.CHILD, "2025-03-31", "DENTAL-BALITA", history=history) is (
            Status.COMPLETED
        )
        assert _status(self.CHILD, "2025-04-01", "DENTAL-BALITA", history=history) is Status.DUE

    def test_it_is_opportunistic_at_the_posyandu(self) -> None:
        service = national().service("DENTAL-BALITA")
        assert service.opportunistic
        assert not service.outreach(self.CHILD, as_date("2025-02-01"))
        assert [p.value for p in service.points_of_care] == ["posyandu"]


class TestMonthlyServicesPerCalendarMonth:
    """A record anywhere in a month completes that month; the next opens on its first day."""

    def test_a_child_weighed_on_31_january_is_due_on_1_february(self) -> None:
        child = Person("c", "F", "2024-01-31")
        history = _given(("GROWTH", "2025-01-31"))
        item = _item(child, "2025-02-01", "GROWTH", history=history)
        assert item is not None
        assert item.status is Status.DUE
        assert (item.earliest, item.latest) == (as_date("2025-02-01"), as_date("2025-02-28"))

    def test_iron_tablets_in_pregnancy_per_calendar_month(self) -> None:
        mother = Person("m", "F", "1995-05-05", pregnancies=[Pregnancy("2025-01-06")])
        history = _given(("TTD-BUMIL", "2025-03-31"))
        assert _status(mother, "2025-03-31", "TTD-BUMIL", history=history) is Status.COMPLETED
        item = _item(mother, "2025-04-01", "TTD-BUMIL", history=history)
        assert item is not None
        assert item.status is Status.DUE
        assert item.latest == as_date("2025-04-30")

    def test_no_iron_tablets_before_the_pregnancy(self) -> None:
        mother = Person("m", "F", "1995-05-05", pregnancies=[Pregnancy("2025-01-06")])
        assert _status(mother, "2025-01-05", "TTD-BUMIL") is None
        assert _status(mother, "2025-01-06", "TTD-BUMIL") is Status.DUE

    @pytest.mark.parametrize("code", ["HT-CONTROL", "DM-CONTROL"])
    def test_chronic_disease_control_per_calendar_month(self, code: str) -> None:
        ill = Person(
            "p", "M", "1970-01-01", conditions=[Condition.HYPERTENSION, Condition.DIABETES]
        )
        history = _given((code, "2025-01-31"))
        assert _status(ill, "2025-01-31", code, history=history) is Status.COMPLETED
        assert _status(ill, "2025-02-01", code, history=history) is Status.DUE


class TestTuberculosisScreening:
    """TB-SCREEN: every adult at every contact, preferably monthly (KMK L5041-5065), opportunistic."""

    ADULT = Person("a", "M", "1980-01-01")

    def test_due_in_every_calendar_month(self) -> None:
        history = _given(("TB-SCREEN", "2025-05-31"))
        assert _status(self.ADULT, "2025-05-31", "TB-SCREEN", history=history) is (Status.COMPLETED)
        item = _item(self.ADULT, "2025-06-01", "TB-SCREEN", history=history)
        assert item is not None
        assert item.status is Status.DUE
        assert (item.earliest, item.latest) == (as_date("2025-06-01"), as_date("2025-06-30"))

    def test_from_the_first_birthday(self) -> None:
        child = Person("c", "F", "2024-03-15")
        assert _status(child, "2025-03-14", "TB-SCREEN") is None
        assert _status(child, "2025-03-15", "TB-SCREEN") is Status.DUE

    def test_not_a_reason_to_reach_out_by_itself(self) -> None:
        service = national().service("TB-SCREEN")
        assert service.opportunistic
        assert not service.outreach(self.ADULT, as_date("2025-06-01"))

    @pytest.mark.parametrize("condition", [Condition.HIV, Condition.DIABETES, Condition.SMOKER])
    def test_the_priority_groups_the_record_shows_are_reached(self, condition: Condition) -> None:
        person = Person("p", "M", "1980-01-01", conditions=[condition])
        assert national().service("TB-SCREEN").outreach(person, as_date("2025-06-01"))

    def test_pregnant_women_are_a_priority_group_while_pregnant(self) -> None:
        woman = Person(
            "w",
            "F",
            "1995-01-01",
            pregnancies=[Pregnancy("2025-01-06", delivery_date="2025-10-06")],
        )
        service = national().service("TB-SCREEN")
        assert service.outreach(woman, as_date("2025-10-05"))
        assert not service.outreach(woman, as_date("2025-10-07"))

    def test_scheduled_services_are_always_a_reason(self) -> None:
        """Mental-health and vision screening have a yearly frequency: not opportunistic."""
        for code in ("MENTAL-SCREEN-ADULT", "VISION-SCREEN", "GROWTH"):
            service = national().service(code)
            assert not service.opportunistic
            assert service.outreach(self.ADULT, as_date("2025-06-01"))


class TestPregnancyClasses:
    """KELAS-BUMIL-1..4: at least 4 pregnancy classes in a pregnancy (KMK L1238-1253)."""

    MOTHER = Person("m", "F", "1995-05-05", pregnancies=[Pregnancy("2025-01-06")])

    def test_the_first_class_is_due_from_the_hpht(self) -> None:
        assert _status(self.MOTHER, "2025-01-05", "KELAS-BUMIL-1") is None
        item = _item(self.MOTHER, "2025-01-06", "KELAS-BUMIL-1")
        assert item is not None
        assert item.status is Status.DUE
        # until delivery: the last pregnant day is HPL + 14 days (HPHT + 294 days)
        assert item.latest == as_date("2025-10-27")

    def test_classes_follow_one_another_on_later_days(self) -> None:
        history = _given(("KELAS-BUMIL-1", "2025-03-01"), ("KELAS-BUMIL-2", "2025-04-01"))
        items = due(self.MOTHER, "2025-04-01", history=history, horizon=30)
        third = items.get("KELAS-BUMIL-3")
        assert third is not None
        assert third.status is Status.UPCOMING
        assert third.earliest == as_date("2025-04-02")
        assert items.get("KELAS-BUMIL-4") is None  # one actionable class at a time

    def test_four_classes_complete_the_pregnancy(self) -> None:
        history = _given(*((f"KELAS-BUMIL-{n}", f"2025-0{n + 2}-01") for n in range(1, 5)))
        items = due(self.MOTHER, "2025-07-01", history=history)
        for n in range(1, 5):
            item = items.get(f"KELAS-BUMIL-{n}")
            assert item is not None
            assert item.status is Status.COMPLETED


class TestMalariaInPregnancy:
    """MALARIA-BUMIL: malaria test at the first ANC contact in malaria-endemic areas (KMK L1222)."""

    MOTHER = Person("m", "F", "1995-05-05", pregnancies=[Pregnancy("2025-01-06")])

    def test_only_where_the_region_is_malaria_endemic(self) -> None:
        assert _status(self.MOTHER, "2025-02-01", "MALARIA-BUMIL") is None
        assert _status(self.MOTHER, "2025-02-01", "MALARIA-BUMIL", region=MALARIA) is Status.DUE

    @pytest.mark.parametrize(
        ("on", "status"),
        [
            ("2025-01-05", None),  # the day before the HPHT
            ("2025-01-06", Status.DUE),  # from the HPHT, with K1
            ("2025-04-06", Status.DUE),  # the last day of trimester 1 (12w6d)
            ("2025-04-07", Status.OVERDUE),  # 13 weeks: K1's window is over
        ],
    )
    def test_with_the_first_antenatal_contact(self, on: str, status: Status | None) -> None:
        assert _status(self.MOTHER, on, "MALARIA-BUMIL", region=MALARIA) == status

    def test_one_test_per_pregnancy(self) -> None:
        history = _given(("MALARIA-BUMIL", "2025-02-01"))
        assert _status(
            self.MOTHER, "2025-09-01", "MALARIA-BUMIL", history=history, region=MALARIA
        ) is (Status.COMPLETED)


class TestDewormingCitation:
    """Deworming cites the decree for 'balita' and the decisions page for its 12-month floor."""

    def test_source_names_the_decree_and_the_decision(self) -> None:
        service = national().service("DEWORM")
        assert "KMK HK.01.07/MENKES/2015/2023 L1855-1857" in service.source
        assert "ilp decisions, Catalogue readings of the decree" in service.source
        assert service.note is not None
        assert "product decision" in service.note


HEADER = """\
format: 1
id: flags
title: {id: Uji, en: Test}
edition: "2025-01-01"
"""
ENTRY = """\
  - code: X
    label: {id: X, en: X}
    group: immunization
    cluster: 2
    points_of_care: [posyandu]
    source: test
"""


def _parse(text: str) -> object:
    return parse_catalogue(read_yaml(text, origin="t.yaml"), origin="t.yaml")


def _problems(text: str) -> tuple[str, ...]:
    with pytest.raises(CatalogueError) as info:
        _parse(text)
    return info.value.problems


class TestRegionFlagsInTheCatalogue:
    """A catalogue declares the region flags its entries name; others are located errors."""

    def test_declared_flags_load_with_their_labels(self) -> None:
        cat = national()
        assert set(cat.region_flags) == {"je_endemic", "malaria_endemic"}
        assert cat.region_flags["malaria_endemic"].en.startswith("High malaria")

    def test_an_entry_naming_an_undeclared_flag_is_refused_at_its_line(self) -> None:
        text = (
            HEADER
            + "region_flags: {je_endemic: {id: JE, en: JE}}\nservices:\n"
            + ENTRY
            + "    eligibility: {region: je_endemic}\n    rule: {kind: once}\n"
            + ENTRY.replace("code: X", "code: Y")
            + "    eligibility: {region: dengue_endemic}\n    rule: {kind: once}\n"
        )
        problems = _problems(text)
        assert len(problems) == 1
        assert problems[0].startswith("t.yaml:15: Y.eligibility.region: unknown region flag")
        assert "'dengue_endemic'" in problems[0]
        assert "known: je_endemic" in problems[0]

    def test_a_declared_flag_no_entry_names_is_refused(self) -> None:
        text = (
            HEADER
            + "region_flags:\n  je_endemic: {id: JE, en: JE}\nservices:\n"
            + ENTRY
            + "    rule: {kind: once}\n"
        )
        assert _problems(text) == ("t.yaml:6: region_flags.je_endemic: no entry names this flag",)

    @pytest.mark.parametrize(
        ("flags", "fragment"),
        [
            ("{JE-Endemic: {id: a, en: b}}", "snake_case"),
            ("{je_endemic: {id: a}}", "missing required key 'en'"),
            ("[je_endemic]", "expected a mapping"),
        ],
    )
    def test_bad_declarations_are_refused(self, flags: str, fragment: str) -> None:
        text = HEADER + f"region_flags: {flags}\nservices:\n" + ENTRY + "    rule: {kind: once}\n"
        assert any(fragment in p for p in _problems(text))


class TestOpportunisticKey:
    """``opportunistic: true`` or with its priority groups; bad shapes are located errors."""

    def _with(self, value: str) -> str:
        return (
            HEADER
            + "services:\n"
            + ENTRY
            + f"    opportunistic: {value}\n    rule: {{kind: once}}\n"
        )

    def test_true_and_priority_groups_are_read(self) -> None:
        plain = _parse(self._with("true"))
        service = plain.service("X")  # type: ignore[attr-defined]
        assert service.opportunistic
        assert service.priority is None
        grouped = _parse(self._with("{priority: {conditions: [hiv], stages: [ibu_hamil]}}"))
        priority = grouped.service("X").priority  # type: ignore[attr-defined]
        assert priority is not None
        assert {c.value for c in priority.conditions} == {"hiv"}
        assert {s.value for s in priority.stages} == {"ibu_hamil"}

    @pytest.mark.parametrize(
        ("value", "fragment"),
        [
            ("{priority: {}}", "name the priority groups"),
            ("{priority: {conditions: [flu]}}", "'flu' is not a known condition"),
            ("{groups: [hiv]}", "unknown key 'groups'"),
            ("yes please", "expected a mapping"),
        ],
    )
    def test_bad_values_are_refused_at_their_line(self, value: str, fragment: str) -> None:
        problems = _problems(self._with(value))
        assert any(p.startswith("t.yaml:") and fragment in p for p in problems), problems
        assert all("services[0].opportunistic" in p for p in problems), problems

    def test_dump_then_parse_keeps_flags_and_opportunistic_services(self) -> None:
        cat = national()
        again = parse_catalogue(
            read_yaml(dump_catalogue(cat), origin="dump.yaml"), origin="dump.yaml"
        )
        assert again.region_flags == cat.region_flags
        assert again.entries == cat.entries

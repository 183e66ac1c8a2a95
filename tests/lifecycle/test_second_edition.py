"""The catalogue's second edition (issue 9), asked through ``due()`` at the edges of its windows.

Dates come from the ILP decree (KMK HK.01.07/MENKES/2015/2023, cited by
line) and ``docs/decisions.md``: the day before the earliest date, the
earliest date, the overdue date, the latest date and the day after.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ilp import Condition, Person, Pregnancy, School, ServiceRecord, national
from ilp.dates import as_date
from ilp.errors import CatalogueError
from ilp.lifecycle import DueItem, LifeStage, Region, Status, due, dump_catalogue, parse_catalogue
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


def _td(
    person: Person, on: str, history: Sequence[ServiceRecord] = (), horizon: int = 0
) -> list[DueItem]:
    return list(due(person, on, history=history, horizon=horizon).filter(code="TD-WUS"))


def _open_td(person: Person, on: str, history: Sequence[ServiceRecord] = ()) -> DueItem | None:
    return next((i for i in _td(person, on, history) if i.status is not Status.COMPLETED), None)


class TestTetanusForEveryPregnantWoman:
    """TD-WUS: every pregnant woman towards T5 whatever her age (KMK L1212)."""

    def test_a_pregnant_woman_of_41_is_due_td(self) -> None:
        woman = Person("w", "F", "1984-01-01", pregnancies=[Pregnancy("2025-03-01")])
        item = _open_td(woman, "2025-05-01")
        assert item is not None
        assert item.status is Status.DUE
        assert item.dose == 1

    def test_the_same_woman_not_pregnant_gets_none(self) -> None:
        """Outside pregnancy the age band is 10-39: at 41 nothing is listed."""
        woman = Person("w", "F", "1984-01-01", pregnancies=[Pregnancy("2025-03-01")])
        assert _td(woman, "2025-02-28") == []
        # the pregnancy (HPHT 2025-03-01) lasts to HPL + 14 days = 2025-12-20
        assert _td(woman, "2025-12-20") != []
        assert _td(woman, "2025-12-21") == []

    def test_a_pregnant_girl_of_14_is_due_td(self) -> None:
        girl = Person("g", "F", "2011-01-01", pregnancies=[Pregnancy("2025-03-01")])
        item = _open_td(girl, "2025-05-01")
        assert item is not None
        assert item.status is Status.DUE

    def test_her_next_dose_keeps_its_interval_in_pregnancy(self) -> None:
        """T2 at least 4 weeks after T1 (PCV deck T-status table)."""
        woman = Person("w", "F", "1984-01-01", pregnancies=[Pregnancy("2025-03-01")])
        history = _given(("TD-WUS", "2025-05-01"))
        assert _open_td(woman, "2025-05-28", history) is None  # the day before: not yet
        item = _open_td(woman, "2025-05-29", history)
        assert item is not None
        assert (item.status, item.dose) == (Status.DUE, 2)
        assert item.earliest == as_date("2025-05-29")


class TestTetanusForGirls:
    """TD-WUS for girls from 10 (KMK L3361, L3566): towards T5, not before the 10th birthday."""

    GIRL = Person("g", "F", "2015-04-10")  # 10 on 2025-04-10

    @pytest.mark.parametrize(
        ("on", "status"),
        [("2025-04-09", None), ("2025-04-10", Status.DUE)],
    )
    def test_from_the_tenth_birthday(self, on: str, status: Status | None) -> None:
        item = _open_td(self.GIRL, on)
        assert (item.status if item else None) == status

    def test_upcoming_within_the_horizon_before_ten(self) -> None:
        items = [i for i in _td(self.GIRL, "2025-04-01", horizon=30) if i.dose == 1]
        assert [(i.status, i.earliest) for i in items] == [(Status.UPCOMING, as_date("2025-04-10"))]

    def test_women_of_40_and_over_who_are_not_pregnant_get_none(self) -> None:
        woman = Person("w", "F", "1985-06-01")  # 40 on 2025-06-01
        assert _open_td(woman, "2025-05-31") is not None
        assert _td(woman, "2025-06-01") == []

    def test_boys_get_none(self) -> None:
        assert _td(Person("b", "M", "2012-01-01"), "2025-06-01") == []


#: Childhood tetanus doses of a girl born 2008-01-15 who had them all on time.
CHILDHOOD = _given(
    ("DPT-HB-HIB-1", "2008-03-15"),
    ("DPT-HB-HIB-2", "2008-04-15"),
    ("DPT-HB-HIB-3", "2008-05-15"),
    ("DPT-HB-HIB-4", "2009-07-15"),
    ("BIAS-DT", "2015-11-10"),
    ("BIAS-TD-2", "2016-11-10"),
    ("BIAS-TD-5", "2019-11-10"),
)


class TestTetanusStatusCountsChildhoodDoses:
    """T status from the history: infant series T2, booster T3, DT T4, Td grade 2 T5."""

    WOMAN = Person("w", "F", "2008-01-15")

    @pytest.mark.parametrize(
        ("given", "next_dose"),
        [
            (0, 1),  # nothing recorded: T1 next
            (3, 3),  # DPT-HB-Hib 1-3: T2, so T3 is next
            (4, 4),  # + booster at 18 months: T3, T4 next
            (5, 5),  # + BIAS DT: T4, T5 next
        ],
    )
    def test_the_next_dose_follows_the_status_the_history_gives(
        self, given: int, next_dose: int
    ) -> None:
        item = _open_td(self.WOMAN, "2025-06-01", CHILDHOOD[:given])
        assert item is not None
        assert item.dose == next_dose

    def test_every_childhood_dose_gives_t5_and_nothing_is_due(self) -> None:
        items = _td(self.WOMAN, "2025-06-01", CHILDHOOD[:6])
        assert len(items) == 5
        assert all(i.status is Status.COMPLETED for i in items)

    def test_the_interval_counts_from_the_last_childhood_dose(self) -> None:
        """After BIAS DT (T4) on 2015-11-10, T5 may follow a year later."""
        item = _open_td(self.WOMAN, "2025-06-01", CHILDHOOD[:5])
        assert item is not None
        assert item.status is Status.DUE
        assert item.earliest == as_date("2018-01-15")  # the 10th birthday is later than a year

    def test_a_td_wus_dose_adds_to_the_childhood_status(self) -> None:
        history = [*CHILDHOOD[:4], ServiceRecord("TD-WUS", "2024-03-01")]
        item = _open_td(self.WOMAN, "2025-06-01", history)
        assert item is not None
        assert item.dose == 5
        assert item.earliest == as_date("2025-03-01")  # T5 at least a year after T4


class TestIronTabletsByGrade:
    """TTD-REMAJA: girls in grades 7-12 (KMK L3552); the age band only when no grade is known."""

    def test_a_grade_7_girl_of_11_gets_them(self) -> None:
        girl = Person("g", "F", "2014-03-01", school=School(7, 2025))  # 11 in September 2025
        item = _item(girl, "2025-09-01", "TTD-REMAJA")
        assert item is not None
        assert item.status.actionable
        # from 1 July of grade 7 to 30 June after grade 12
        assert (item.earliest, item.latest) == (as_date("2025-07-01"), as_date("2031-06-30"))

    def test_a_grade_6_girl_of_12_does_not(self) -> None:
        girl = Person("g", "F", "2013-03-01", school=School(6, 2025))  # 12 in September 2025
        assert _item(girl, "2025-09-01", "TTD-REMAJA") is None

    @pytest.mark.parametrize(
        ("on", "listed"),
        [("2025-06-30", False), ("2025-07-01", True)],  # grade 6 -> grade 7 on 1 July
    )
    def test_she_starts_on_the_first_day_of_grade_7(self, on: str, listed: bool) -> None:
        girl = Person("g", "F", "2014-03-01", school=School(7, 2025))
        assert (_item(girl, on, "TTD-REMAJA") is not None) is listed

    @pytest.mark.parametrize(
        ("on", "listed"),
        [("2031-06-30", True), ("2031-07-01", False)],  # past grade 12
    )
    def test_she_stops_after_grade_12(self, on: str, listed: bool) -> None:
        girl = Person("g", "F", "2014-03-01", school=School(7, 2025))
        history = _given(("TTD-REMAJA", as_date(on).subtract(days=3).isoformat()))
        assert (_item(girl, on, "TTD-REMAJA", history=history) is not None) is listed

    @pytest.mark.parametrize(
        ("on", "listed"),
        [("2025-02-28", False), ("2025-03-01", True)],  # the 12th birthday
    )
    def test_without_a_grade_the_age_band_applies(self, on: str, listed: bool) -> None:
        girl = Person("g", "F", "2013-03-01")
        assert (_item(girl, on, "TTD-REMAJA") is not None) is listed


class TestNewEligibilityAndSeriesKeys:
    """``any_of``, ``grades`` and series ``credit``: read, written back, and bad uses located."""

    def _entry(self, eligibility: str, rule: str = "{kind: recurring, interval: 1y}") -> str:
        return (
            HEADER
            + "services:\n"
            + ENTRY
            + f"    eligibility: {eligibility}\n    rule: {rule}\n"
            + ENTRY.replace("code: X", "code: Y")
            + "    rule: {kind: once}\n"
        )

    def test_alternatives_hold_the_common_keys_too(self) -> None:
        cat = _parse(
            self._entry("{sex: female, any_of: [{age: {from: 10y}}, {stages: [ibu_hamil]}]}")
        )
        el = cat.entries[0].eligibility  # type: ignore[attr-defined]
        assert [alt.sex.value for alt in el.any_of] == ["female", "female"]
        assert el.any_of[1].stages == {LifeStage.IBU_HAMIL}

    @pytest.mark.parametrize(
        ("eligibility", "fragment"),
        [
            ("{sex: female, any_of: [{sex: male}]}", "'sex' is given above"),
            ("{any_of: []}", "non-empty list"),
            ("{any_of: [{any_of: [{sex: male}]}]}", "unknown key 'any_of'"),
            ("{grades: [7, 8]}", "grades need an age band"),
            ("{grades: [7, 13], age: {from: 12y, before: 19y}}", "grades are 1 to 12"),
        ],
    )
    def test_bad_eligibility_is_refused_at_its_line(self, eligibility: str, fragment: str) -> None:
        problems = _problems(self._entry(eligibility))
        assert any(p.startswith("t.yaml:") and fragment in p for p in problems), problems

    def _series(self, rule: str) -> str:
        return (
            HEADER
            + "services:\n"
            + ENTRY.replace("code: X", "series: S")
            + f"    rule: {rule}\n"
            + ENTRY.replace("code: X", "code: Y")
            + "    rule: {kind: once}\n"
        )

    def test_credit_is_read(self) -> None:
        cat = _parse(self._series("{kind: series, credit: [Y], doses: [{code: D}, {code: D}]}"))
        assert cat.entries[0].rule.credit == ("Y",)  # type: ignore[attr-defined]

    @pytest.mark.parametrize(
        ("rule", "fragment"),
        [
            ("{kind: series, credit: [Y], doses: [{code: D-1}, {code: D-2}]}", "share one code"),
            ("{kind: series, credit: [D], doses: [{code: D}]}", "credits the series' own code"),
            ("{kind: series, credit: [NOPE], doses: [{code: D}]}", "'NOPE', which no entry"),
            ("{kind: series, credit: [bad code], doses: [{code: D}]}", "not a list of service"),
        ],
    )
    def test_bad_credit_is_refused(self, rule: str, fragment: str) -> None:
        problems = _problems(self._series(rule))
        assert any(fragment in p for p in problems), problems

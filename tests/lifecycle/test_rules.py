"""Each rule kind, evaluated per person, at the edges of its windows (mini catalogues)."""

from __future__ import annotations

import pytest

from ilp import Condition, Person, Pregnancy, ServiceRecord
from ilp.lifecycle import DueList, Region, Status, due

from .conftest import catalogue_of

ONCE = catalogue_of(
    "- code: PKAT\nrule: {kind: once, earliest: 6m, latest: 6m29d}",
    "- code: HB0\nrule: {kind: once, earliest: 0d, overdue: 1d, latest: 7d}",
)
RV = catalogue_of(
    """
    - series: RV
    eligibility: {age: {before: 60m}, born: {from: "2023-05-16"}}
    rule:
      kind: series
      doses:
        - {code: RV-1, earliest: 6w, recommended: 2m, overdue: 3m, latest: 6m29d}
        - {code: RV-2, min_interval: 4w, recommended: 3m, overdue: 4m, latest: 6m29d}
        - {code: RV-3, min_interval: 4w, recommended: 4m, overdue: 5m, latest: 6m29d}
    """
)
TD = catalogue_of(
    """
    - series: TD
    eligibility: {sex: female, age: {from: 15y, before: 40y}}
    rule:
      kind: series
      doses:
        - {code: TD-WUS}
        - {code: TD-WUS, min_interval: 4w}
        - {code: TD-WUS, min_interval: 6m}
    """
)


def _one(items: DueList, code: str) -> tuple[Status, str, str | None]:
    item = items.get(code)
    assert item is not None, f"{code} not in {items.codes}"
    latest = item.latest.isoformat() if item.latest else None
    return item.status, item.earliest.isoformat(), latest


def child(birth: str = "2024-01-31") -> Person:
    return Person("c", "F", birth)


class TestOnce:
    @pytest.mark.parametrize(
        ("on", "status"),
        [
            ("2024-07-01", Status.UPCOMING),
            ("2024-07-30", Status.UPCOMING),
            ("2024-07-31", Status.DUE),
            ("2024-08-29", Status.DUE),
            ("2024-08-30", Status.MISSED),
        ],
    )
    def test_pkat_window_is_six_months_to_six_months_29_days(self, on: str, status: Status) -> None:
        """PKAT for a child born 31 Jan 2024: 6 months is 31 Jul, 6m29d is 29 Aug."""
        assert _one(due(child(), on, catalogue=ONCE), "PKAT")[0] is status

    def test_upcoming_only_within_the_horizon(self) -> None:
        """An item whose earliest date is more than horizon days away is not listed."""
        assert due(child(), "2024-06-30", catalogue=ONCE, horizon=30).get("PKAT") is None
        assert due(child(), "2024-07-01", catalogue=ONCE, horizon=30).get("PKAT") is not None

    def test_overdue_from_the_overdue_age(self) -> None:
        """HB0 is due on the birth day and overdue from the next day."""
        assert _one(due(child(), "2024-01-31", catalogue=ONCE), "HB0")[0] is Status.DUE
        assert _one(due(child(), "2024-02-01", catalogue=ONCE), "HB0")[0] is Status.OVERDUE
        assert _one(due(child(), "2024-02-07", catalogue=ONCE), "HB0")[0] is Status.OVERDUE
        assert _one(due(child(), "2024-02-08", catalogue=ONCE), "HB0")[0] is Status.MISSED

    def test_given_is_completed(self) -> None:
        """A record makes a once service completed, with its date."""
        items = due(
            child(), "2024-03-01", history=[ServiceRecord("HB0", "2024-01-31")], catalogue=ONCE
        )
        item = items.get("HB0")
        assert item is not None
        assert item.status is Status.COMPLETED
        assert item.given is not None
        assert item.given.isoformat() == "2024-01-31"


class TestSeries:
    def test_first_dose_dates_from_the_rotavirus_letter(self) -> None:
        """RV-1: earliest 6 weeks, recommended 2 months, latest 6 months 29 days."""
        item = due(child("2024-01-15"), "2024-03-15", catalogue=RV).get("RV-1")
        assert item is not None
        assert item.status is Status.DUE
        assert item.earliest.isoformat() == "2024-02-26"
        assert item.recommended.isoformat() == "2024-03-15"
        assert item.overdue is not None
        assert item.overdue.isoformat() == "2024-04-15"
        assert item.latest is not None
        assert item.latest.isoformat() == "2024-08-13"

    def test_second_dose_waits_four_weeks_after_the_first(self) -> None:
        """RV-2 given 4 weeks after RV-1: upcoming the day before, due on the day."""
        hist = [ServiceRecord("RV-1", "2024-04-01")]
        before = due(child("2024-01-15"), "2024-04-28", history=hist, catalogue=RV).get("RV-2")
        on_day = due(child("2024-01-15"), "2024-04-29", history=hist, catalogue=RV).get("RV-2")
        assert before is not None
        assert before.status is Status.UPCOMING
        assert on_day is not None
        assert on_day.status is Status.DUE
        assert "given 2024-04-01" in on_day.reason.en
        assert "diberikan 2024-04-01" in on_day.reason.id

    def test_only_one_dose_is_actionable(self) -> None:
        """Late for everything, only the first missing dose is listed as open."""
        items = due(child("2024-01-15"), "2024-07-01", catalogue=RV)
        assert [i.code for i in items if i.status is not Status.COMPLETED] == ["RV-1"]

    def test_dose_that_can_no_longer_be_given_is_missed(self) -> None:
        """RV-2 after RV-1 at 6 months 20 days cannot fit before 6 months 29 days: missed."""
        hist = [ServiceRecord("RV-1", "2024-08-04")]
        item = due(child("2024-01-15"), "2024-08-10", history=hist, catalogue=RV).get("RV-2")
        assert item is not None
        assert item.status is Status.MISSED

    def test_missed_is_reported_while_eligible_then_not(self) -> None:
        """Missed rotavirus shows while the child is under five, and not after."""
        assert (
            _one(due(child("2024-01-15"), "2029-01-14", catalogue=RV), "RV-1")[0] is Status.MISSED
        )
        assert due(child("2024-01-15"), "2029-01-15", catalogue=RV).get("RV-1") is None

    def test_birth_cohort_before_the_start_is_not_eligible(self) -> None:
        """Children born before 16 May 2023 are not in the rotavirus programme."""
        assert due(child("2023-05-15"), "2023-07-15", catalogue=RV).get("RV-1") is None
        assert due(child("2023-05-16"), "2023-07-16", catalogue=RV).get("RV-1") is not None

    def test_doses_sharing_a_code_are_matched_in_date_order(self) -> None:
        """Two TD-WUS records make the next TD-WUS dose number 3, 6 months after the second."""
        woman = Person("w", "F", "2000-01-01")
        hist = [ServiceRecord("TD-WUS", "2020-01-10"), ServiceRecord("TD-WUS", "2020-02-10")]
        item = due(woman, "2020-09-01", history=hist, catalogue=TD).get("TD-WUS")
        assert item is not None
        assert item.dose == 3
        assert item.status is Status.DUE
        assert item.earliest.isoformat() == "2020-08-10"

    def test_region_age_override(self) -> None:
        """A region may move a dose's recommended age."""
        item = due(
            child("2024-01-15"), "2024-02-27", catalogue=RV, region=Region(ages={"RV-1": "7w"})
        )
        assert item.get("RV-1").recommended.isoformat() == "2024-03-04"  # type: ignore[union-attr]


class TestRecurring:
    CAT = catalogue_of(
        """
        - code: SKILAS
        eligibility: {age: {from: 60y}}
        rule: {kind: recurring, interval: 1y, grace: 1m}
        """
    )

    def test_never_screened_is_overdue_from_eligibility(self) -> None:
        """Never screened at 61: earliest is the 60th birthday, overdue a month later."""
        item = due(Person("e", "M", "1960-03-01"), "2021-04-01", catalogue=self.CAT).get("SKILAS")
        assert item is not None
        assert item.status is Status.OVERDUE
        assert item.earliest.isoformat() == "2020-03-01"

    def test_due_again_a_year_after_the_last(self) -> None:
        """Screened on 10 Oct 2024: completed until 9 Oct 2025, due from 10 Oct 2025."""
        old = Person("e", "F", "1955-02-02")
        hist = [ServiceRecord("SKILAS", "2024-10-10")]
        assert (
            _one(due(old, "2025-08-01", history=hist, catalogue=self.CAT), "SKILAS")[0]
            is Status.COMPLETED
        )
        assert (
            _one(due(old, "2025-09-10", history=hist, catalogue=self.CAT), "SKILAS")[0]
            is Status.UPCOMING
        )
        assert (
            _one(due(old, "2025-10-10", history=hist, catalogue=self.CAT), "SKILAS")[0]
            is Status.DUE
        )
        assert (
            _one(due(old, "2025-11-10", history=hist, catalogue=self.CAT), "SKILAS")[0]
            is Status.OVERDUE
        )

    def test_since_pregnancy_ignores_records_before_the_hpht(self) -> None:
        """Iron tablets in pregnancy count only from the current HPHT."""
        cat = catalogue_of(
            "- code: TTD-BUMIL\neligibility: {stages: [ibu_hamil]}\nrule: {kind: recurring, interval: 1m, since: pregnancy}"
        )
        woman = Person("w", "F", "1995-01-01", pregnancies=[Pregnancy("2025-06-10")])
        hist = [ServiceRecord("TTD-BUMIL", "2025-05-01")]
        item = due(woman, "2025-07-01", history=hist, catalogue=cat).get("TTD-BUMIL")
        assert item is not None
        assert item.status is Status.DUE
        assert item.earliest.isoformat() == "2025-06-10"


class TestCalendar:
    CAT = catalogue_of(
        "- code: VITA-RED\neligibility: {age: {from: 12m, before: 60m}}\nrule: {kind: calendar, months: [2, 8]}",
        "- code: VITA-BLUE\neligibility: {age: {from: 6m, before: 12m}}\nrule: {kind: calendar, months: [2, 8], limit: 1}",
    )

    def test_due_in_february_only_from_the_eligibility_start(self) -> None:
        """A child turning 12 months on 20 Feb is due vitamin A red from 20 Feb to 28 Feb."""
        items = due(Person("c", "M", "2024-02-20"), "2025-02-21", catalogue=self.CAT)
        assert _one(items, "VITA-RED") == (Status.DUE, "2025-02-20", "2025-02-28")

    def test_missed_after_the_month(self) -> None:
        """Not given in February: missed in March, until August is within the horizon."""
        kid = Person("c", "M", "2022-01-01")
        assert _one(due(kid, "2025-03-05", catalogue=self.CAT), "VITA-RED")[0] is Status.MISSED
        assert _one(due(kid, "2025-07-05", catalogue=self.CAT), "VITA-RED")[0] is Status.UPCOMING

    def test_given_in_the_month_is_completed(self) -> None:
        """A capsule given in August completes August."""
        kid = Person("c", "M", "2022-01-01")
        hist = [ServiceRecord("VITA-RED", "2025-08-12")]
        assert (
            _one(due(kid, "2025-08-20", history=hist, catalogue=self.CAT), "VITA-RED")[0]
            is Status.COMPLETED
        )

    def test_limit_completes_for_good(self) -> None:
        """One blue capsule completes the 6–11 month service for good."""
        kid = Person("c", "F", "2024-09-01")
        hist = [ServiceRecord("VITA-BLUE", "2025-03-10")]
        assert (
            _one(due(kid, "2025-08-05", history=hist, catalogue=self.CAT), "VITA-BLUE")[0]
            is Status.COMPLETED
        )


class TestFollowup:
    CAT = catalogue_of(
        "- code: HT-CONTROL\neligibility: {conditions: [hypertension], age: {from: 15y}}\nrule: {kind: followup, every: 1m}"
    )

    def test_monthly_followup_for_hypertension(self) -> None:
        """Hypertension: due each calendar month until a contact is recorded in it."""
        p = Person("h", "M", "1978-04-12", conditions=[Condition.HYPERTENSION])
        assert _one(due(p, "2025-11-01", catalogue=self.CAT), "HT-CONTROL") == (
            Status.DUE,
            "2025-11-01",
            "2025-11-30",
        )
        hist = [ServiceRecord("HT-CONTROL", "2025-11-03")]
        assert (
            _one(due(p, "2025-11-05", history=hist, catalogue=self.CAT, horizon=0), "HT-CONTROL")[0]
            is Status.COMPLETED
        )

    def test_no_condition_no_followup(self) -> None:
        """Without hypertension there is no follow-up."""
        assert (
            due(Person("h", "M", "1978-04-12"), "2025-11-01", catalogue=self.CAT).get("HT-CONTROL")
            is None
        )


class TestPregnancy:
    CAT = catalogue_of(
        """
        - series: ANC
        eligibility: {stages: [ibu_hamil]}
        rule:
          kind: pregnancy
          contacts:
            - {code: ANC-K1, from: 0d, to: 12w6d, doctor: true}
            - {code: ANC-K2, from: 13w, to: 24w6d}
            - {code: ANC-K3, from: 13w, to: 24w6d, min_interval: 4w}
        """
    )

    def woman(self) -> Person:
        return Person("w", "F", "1995-01-01", pregnancies=[Pregnancy("2025-01-01")])

    def test_first_contact_in_trimester_one(self) -> None:
        """K1 is due from the HPHT to week 12 day 6 (day 90), with a doctor."""
        item = due(self.woman(), "2025-02-01", catalogue=self.CAT).get("ANC-K1")
        assert item is not None
        assert (item.status, item.latest.isoformat() if item.latest else None) == (
            Status.DUE,
            "2025-04-01",
        )
        assert "doctor" in item.reason.en

    def test_missed_first_contact_does_not_block_the_second(self) -> None:
        """A woman first seen at week 14 has K1 missed and K2 due."""
        items = due(self.woman(), "2025-04-10", catalogue=self.CAT)
        assert _one(items, "ANC-K1")[0] is Status.MISSED
        assert _one(items, "ANC-K2")[0] is Status.DUE
        assert items.get("ANC-K3") is None

    def test_interval_between_contacts(self) -> None:
        """K3 waits 4 weeks after K2."""
        hist = [ServiceRecord("ANC-K1", "2025-02-01"), ServiceRecord("ANC-K2", "2025-04-10")]
        item = due(self.woman(), "2025-04-20", history=hist, catalogue=self.CAT, horizon=60).get(
            "ANC-K3"
        )
        assert item is not None
        assert item.status is Status.UPCOMING
        assert item.earliest.isoformat() == "2025-05-08"


class TestPostnatal:
    CAT = catalogue_of(
        """
        - series: KF
        eligibility: {stages: [ibu_nifas]}
        rule:
          kind: postnatal
          anchor: delivery
          visits:
            - {code: KF-1, from: 0d, to: 2d}
            - {code: KF-2, from: 3d, to: 7d}
        """
    )

    def test_windows_count_from_delivery(self) -> None:
        """KF1 days 0–2, KF2 days 3–7 after delivery on 5 Oct 2025."""
        w = Person(
            "w",
            "F",
            "1995-01-01",
            pregnancies=[Pregnancy("2025-01-01", delivery_date="2025-10-05")],
        )
        assert _one(due(w, "2025-10-07", catalogue=self.CAT), "KF-1") == (
            Status.DUE,
            "2025-10-05",
            "2025-10-07",
        )
        items = due(w, "2025-10-08", catalogue=self.CAT)
        assert _one(items, "KF-1")[0] is Status.MISSED
        assert _one(items, "KF-2") == (Status.DUE, "2025-10-08", "2025-10-12")


class TestSchool:
    CAT = catalogue_of(
        "- code: BIAS-MR\neligibility: {age: {from: 5y, before: 15y}}\nrule: {kind: school, grades: [1], months: [8]}",
        "- code: HPV-1\neligibility: {sex: female, age: {from: 9y, before: 15y}}\nrule: {kind: school, grades: [5], months: [8]}",
        "- code: HPV-2\neligibility: {sex: female, age: {from: 9y, before: 15y}}\nrule: {kind: school, grades: [6], months: [8], after: HPV-1, min_interval: 6m}",
    )

    def test_grade_one_in_august(self) -> None:
        """A grade-1 pupil is due BIAS MR in August of that school year."""
        kid = Person("k", "M", "2018-03-01", school=1)
        assert _one(due(kid, "2025-08-10", catalogue=self.CAT), "BIAS-MR") == (
            Status.DUE,
            "2025-08-01",
            "2025-08-31",
        )

    def test_grade_estimated_from_age(self) -> None:
        """With no grade recorded, a child who is 7 on 1 July is taken to be in grade 1."""
        kid = Person("k", "M", "2018-06-30")
        assert _one(due(kid, "2025-08-10", catalogue=self.CAT), "BIAS-MR")[0] is Status.DUE
        younger = Person("k2", "M", "2018-07-02")
        assert due(younger, "2025-08-10", catalogue=self.CAT).get("BIAS-MR") is None

    def test_second_dose_needs_the_first(self) -> None:
        """HPV-2 is listed only after HPV-1, and not before the interval."""
        girl = Person("g", "F", "2013-03-01")  # grade 6 in 2025/26 by age
        assert due(girl, "2025-08-10", catalogue=self.CAT).get("HPV-2") is None
        hist = [ServiceRecord("HPV-1", "2024-08-10")]
        assert (
            _one(due(girl, "2025-08-10", history=hist, catalogue=self.CAT), "HPV-2")[0]
            is Status.DUE
        )


class TestBirthday:
    CAT = catalogue_of(
        '- code: CKG\neffective: {from: "2025-02-10"}\neligibility: {age: {from: 18y}}\nrule: {kind: birthday, window: 30d}'
    )

    def test_window_from_birthday_to_thirty_days_after(self) -> None:
        """The birthday check runs from the birthday to 30 days after it."""
        p = Person("a", "F", "1990-05-10")
        assert _one(due(p, "2025-05-10", catalogue=self.CAT), "CKG") == (
            Status.DUE,
            "2025-05-10",
            "2025-06-09",
        )
        assert _one(due(p, "2025-06-10", catalogue=self.CAT), "CKG")[0] is Status.MISSED

    def test_not_before_the_programme_starts(self) -> None:
        """No birthday check before 10 February 2025."""
        assert (
            due(Person("a", "F", "1990-01-10"), "2025-01-20", catalogue=self.CAT).get("CKG") is None
        )

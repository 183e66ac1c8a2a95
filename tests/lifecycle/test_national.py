"""The national catalogue, asked through ``due()``, at the edges of the documented windows.

Every expected date comes from the domain documents (codes.md, decisions.md,
schedules.md and the ILP decree KMK HK.01.07/MENKES/2015/2023), not from the
catalogue: where the two disagree, the test states the document.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ilp import Condition, Person, Pregnancy, School, ServiceRecord, national
from ilp.dates import as_date
from ilp.lifecycle import DueItem, Region, Status, due

ACTIONABLE = (Status.DUE, Status.OVERDUE)
JE_REGION = Region(flags={"je_endemic"})


def _item(
    person: Person,
    on: str,
    code: str,
    *,
    history: Sequence[ServiceRecord] = (),
    region: Region | None = None,
    horizon: int = 30,
) -> DueItem | None:
    return due(person, on, history=history, region=region, horizon=horizon).get(code)


def _status(
    person: Person,
    on: str,
    code: str,
    *,
    history: Sequence[ServiceRecord] = (),
    region: Region | None = None,
    horizon: int = 30,
) -> Status | None:
    item = _item(person, on, code, history=history, region=region, horizon=horizon)
    return None if item is None else item.status


def _window(item: DueItem | None) -> tuple[str, str | None]:
    assert item is not None
    return item.earliest.isoformat(), item.latest.isoformat() if item.latest else None


def _given(*pairs: tuple[str, str]) -> list[ServiceRecord]:
    return [ServiceRecord(code, date) for code, date in pairs]


def _minus_one(iso: str) -> str:
    return as_date(iso).subtract(days=1).isoformat()


def _plus_one(iso: str) -> str:
    return as_date(iso).add(days=1).isoformat()


def girl(birth: str, **kw: object) -> Person:
    return Person("g", "F", birth, **kw)  # type: ignore[arg-type]


def boy(birth: str, **kw: object) -> Person:
    return Person("b", "M", birth, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------


CODES_MD = [
    "HB0",
    "BCG",
    *(f"OPV-{n}" for n in range(1, 5)),
    *(f"DPT-HB-HIB-{n}" for n in range(1, 5)),
    *(f"PCV-{n}" for n in range(1, 4)),
    *(f"RV-{n}" for n in range(1, 4)),
    "IPV-1",
    "IPV-2",
    "MR-1",
    "MR-2",
    "JE",
    "BIAS-MR",
    "BIAS-DT",
    "BIAS-TD-2",
    "BIAS-TD-5",
    "HPV-1",
    "HPV-2",
    "TD-WUS",
    *(f"ANC-K{n}" for n in range(1, 7)),
    "ANC-TRIPLE-ELIM",
    "TTD-BUMIL",
    *(f"KF-{n}" for n in range(1, 5)),
    *(f"KN-{n}" for n in range(1, 4)),
    "SHK",
    "VIT-K1",
    "GROWTH",
    "VITA-BLUE",
    "VITA-RED",
    "DEWORM",
    "SDIDTK",
    "PKAT",
    "SCHOOL-SCREEN",
    "TTD-REMAJA",
    "HB-REMAJA",
    "PTM-SCREEN",
    "CERVIX-SCREEN",
    "BREAST-SCREEN",
    "HT-CONTROL",
    "DM-CONTROL",
    "SKILAS",
    "CKG",
]


class TestCodes:
    @pytest.mark.parametrize("code", CODES_MD)
    def test_every_canonical_code_is_in_the_national_catalogue(self, code: str) -> None:
        """codes.md: every canonical service code exists in the national catalogue, spelt exactly."""
        assert code in national()


# ---------------------------------------------------------------------------


class TestNewborn:
    BORN = "2024-02-28"  # a leap year: day 1 is 29 February

    @pytest.mark.parametrize(
        ("on", "status"),
        [
            ("2024-02-28", Status.DUE),
            ("2024-02-29", Status.OVERDUE),
            ("2024-03-01", Status.MISSED),
        ],
    )
    def test_birth_dose_hepatitis_b_within_24_hours(self, on: str, status: Status) -> None:
        """KMK Tabel 7 and EPI-2017: HB0 within 24 hours is day 0 (due) or day 1 (late), not day 2."""
        assert _status(girl(self.BORN), on, "HB0") is status

    def test_birth_dose_window_dates(self) -> None:
        """KMK Tabel 7 (HB0 < 24 jam): earliest and recommended on the day of birth, latest the next day."""
        item = _item(girl(self.BORN), self.BORN, "HB0")
        assert item is not None
        assert item.recommended.isoformat() == self.BORN
        assert _window(item) == ("2024-02-28", "2024-02-29")

    @pytest.mark.parametrize(
        ("code", "earliest", "latest"),
        [
            ("KN-1", "2024-02-28", "2024-03-01"),
            ("KN-2", "2024-03-02", "2024-03-06"),
            ("KN-3", "2024-03-07", "2024-03-27"),
        ],
    )
    def test_neonatal_visit_windows_in_days_after_birth(
        self, code: str, earliest: str, latest: str
    ) -> None:
        """decisions.md 'Time': KN1 days 0–2, KN2 days 3–7, KN3 days 8–28 after birth, inclusive."""
        item = _item(girl(self.BORN), latest, code)
        assert item is not None
        assert item.status is Status.DUE
        assert _window(item) == (earliest, latest)

    @pytest.mark.parametrize(
        ("on", "code"),
        [("2024-03-02", "KN-1"), ("2024-03-07", "KN-2"), ("2024-03-28", "KN-3")],
    )
    def test_neonatal_visit_missed_the_day_after_its_window(self, on: str, code: str) -> None:
        """decisions.md 'Status' and 'Time': a KN visit not made is missed the day after its last day."""
        assert _status(girl(self.BORN), on, code) is Status.MISSED

    def test_next_neonatal_visit_is_upcoming_the_day_before_its_window(self) -> None:
        """decisions.md 'Time': with KN1 made, KN2 (days 3–7) is upcoming on day 2."""
        hist = _given(("KN-1", "2024-02-28"))
        assert _status(girl(self.BORN), "2024-03-01", "KN-2", history=hist) is Status.UPCOMING


# ---------------------------------------------------------------------------


class TestInfantImmunization:
    BORN = "2024-01-31"  # a month end in a leap year: 1 month is 29 February

    @pytest.mark.parametrize("code", ["BCG", "OPV-1"])
    @pytest.mark.parametrize(
        ("on", "status"),
        [("2024-01-31", Status.DUE), ("2024-02-28", Status.DUE), ("2024-02-29", Status.OVERDUE)],
    )
    def test_bcg_and_first_polio_dose_before_one_month(
        self, code: str, on: str, status: Status
    ) -> None:
        """KMK Tabel 7: BCG and OPV1 at '< 1 bulan' — from birth, late from the 1-month date (29 Feb)."""
        item = _item(boy(self.BORN), on, code)
        assert item is not None
        assert item.earliest.isoformat() == self.BORN
        assert item.status is status

    @pytest.mark.parametrize(
        ("code", "history", "recommended"),
        [
            ("DPT-HB-HIB-1", [], "2024-03-31"),
            ("DPT-HB-HIB-2", [("DPT-HB-HIB-1", "2024-03-31")], "2024-04-30"),
            (
                "DPT-HB-HIB-3",
                [("DPT-HB-HIB-1", "2024-03-31"), ("DPT-HB-HIB-2", "2024-04-30")],
                "2024-05-31",
            ),
            ("OPV-2", [("OPV-1", "2024-01-31")], "2024-03-31"),
            ("OPV-3", [("OPV-1", "2024-01-31"), ("OPV-2", "2024-03-31")], "2024-04-30"),
            (
                "OPV-4",
                [("OPV-1", "2024-01-31"), ("OPV-2", "2024-03-31"), ("OPV-3", "2024-04-30")],
                "2024-05-31",
            ),
            ("PCV-1", [], "2024-03-31"),
            ("PCV-2", [("PCV-1", "2024-03-31")], "2024-04-30"),
            ("RV-1", [], "2024-03-31"),
            ("RV-2", [("RV-1", "2024-03-31")], "2024-04-30"),
            ("RV-3", [("RV-1", "2024-03-31"), ("RV-2", "2024-04-30")], "2024-05-31"),
            ("IPV-1", [], "2024-05-31"),
        ],
    )
    def test_doses_at_the_programme_ages_of_two_three_and_four_months(
        self, code: str, history: list[tuple[str, str]], recommended: str
    ) -> None:
        """KMK Tabel 7 and schedules.md §1.1: the infant doses at 2, 3 and 4 months (31 Jan + 1 month = 29 Feb)."""
        item = _item(boy(self.BORN), recommended, code, history=_given(*history))
        assert item is not None
        assert item.recommended.isoformat() == recommended
        assert item.status is Status.DUE

    @pytest.mark.parametrize(
        ("code", "previous", "given", "earliest"),
        [
            ("DPT-HB-HIB-2", "DPT-HB-HIB-1", "2024-03-31", "2024-04-30"),
            ("OPV-3", "OPV-2", "2024-03-31", "2024-04-30"),
            ("PCV-2", "PCV-1", "2024-03-31", "2024-04-30"),
        ],
    )
    def test_primary_doses_one_month_after_the_previous(
        self, code: str, previous: str, given: str, earliest: str
    ) -> None:
        """KMK Tabel 7: OPV, DPT-HB-Hib and PCV at least 1 month after the previous dose (schedules.md §1.2 says 4 weeks; the decree governs)."""
        hist = _given(*([("OPV-1", self.BORN)] if code == "OPV-3" else []), (previous, given))
        day_before = _item(boy(self.BORN), _minus_one(earliest), code, history=hist)
        on_day = _item(boy(self.BORN), earliest, code, history=hist)
        assert day_before is not None
        assert day_before.status is Status.UPCOMING
        assert on_day is not None
        assert on_day.status is Status.DUE
        assert on_day.earliest.isoformat() == earliest

    @pytest.mark.parametrize(
        ("history", "code", "earliest"),
        [
            ([("RV-1", "2024-03-31")], "RV-2", "2024-04-28"),
            ([("RV-1", "2024-03-31"), ("RV-2", "2024-04-30")], "RV-3", "2024-05-28"),
        ],
    )
    def test_rotavirus_doses_four_weeks_apart(
        self, history: list[tuple[str, str]], code: str, earliest: str
    ) -> None:
        """RV letter IM.02.02/C/3052/2023: rotavirus doses at least 4 weeks (28 days) apart."""
        hist = _given(*history)
        assert _status(boy(self.BORN), _minus_one(earliest), code, history=hist) is Status.UPCOMING
        item = _item(boy(self.BORN), earliest, code, history=hist)
        assert item is not None
        assert item.status is Status.DUE
        assert item.earliest.isoformat() == earliest

    def test_rotavirus_only_for_children_born_from_16_may_2023(self) -> None:
        """RV letter IM.02.02/C/3052/2023: the first national cohort is born on or after 2023-05-16."""
        assert _item(boy("2023-05-15"), "2023-07-15", "RV-1") is None
        assert _status(boy("2023-05-16"), "2023-07-16", "RV-1") is Status.DUE

    @pytest.mark.parametrize(
        ("born", "latest"),
        [
            ("2024-01-31", "2024-08-29"),
            ("2024-02-29", "2024-09-27"),
            ("2023-08-31", "2024-03-29"),
        ],
    )
    def test_last_rotavirus_dose_no_later_than_six_months_29_days(
        self, born: str, latest: str
    ) -> None:
        """RV letter IM.02.02/C/3052/2023: the last rotavirus dose no later than 6 months 29 days."""
        on_last = _item(boy(born), latest, "RV-1")
        assert on_last is not None
        assert on_last.status in ACTIONABLE
        assert on_last.latest is not None
        assert on_last.latest.isoformat() == latest
        assert _status(boy(born), _plus_one(latest), "RV-1") is Status.MISSED

    def test_rotavirus_dose_that_cannot_fit_before_the_limit_is_missed(self) -> None:
        """RV letter IM.02.02/C/3052/2023: RV3 4 weeks after RV2 must still fall by 6 months 29 days."""
        fits = _given(("RV-1", "2024-07-04"), ("RV-2", "2024-08-01"))
        late = _given(("RV-1", "2024-07-05"), ("RV-2", "2024-08-02"))
        assert _status(boy(self.BORN), "2024-08-29", "RV-3", history=fits) in ACTIONABLE
        assert _status(boy(self.BORN), "2024-08-03", "RV-3", history=late) is Status.MISSED

    @pytest.mark.parametrize(
        ("born", "earliest"), [("2024-01-31", "2024-10-31"), ("2023-05-31", "2024-02-29")]
    )
    def test_first_measles_rubella_dose_at_nine_months(self, born: str, earliest: str) -> None:
        """KMK Tabel 7 and schedules.md §1.1: MR1 at 9 months."""
        assert _status(boy(born), _minus_one(earliest), "MR-1") is Status.UPCOMING
        item = _item(boy(born), earliest, "MR-1")
        assert item is not None
        assert item.status is Status.DUE
        assert item.recommended.isoformat() == earliest

    def test_second_measles_rubella_dose_at_eighteen_months(self) -> None:
        """KMK Tabel 8 and schedules.md §1.1: MR2 at 18 months (31 Aug 2023 + 18 months = 28 Feb 2025)."""
        child = boy("2023-08-31")
        hist = _given(("MR-1", "2024-05-31"))
        assert _status(child, "2025-02-27", "MR-2", history=hist) is Status.UPCOMING
        assert _status(child, "2025-02-28", "MR-2", history=hist) is Status.DUE

    def test_second_measles_rubella_dose_six_months_after_the_first(self) -> None:
        """KMK Tabel 8: MR2 at least 6 months after MR1."""
        child = boy("2023-08-31")
        hist = _given(("MR-1", "2024-11-30"))
        assert _status(child, "2025-05-29", "MR-2", history=hist) is Status.UPCOMING
        assert _status(child, "2025-05-30", "MR-2", history=hist) is Status.DUE

    PRIMARY_DPT = (
        ("DPT-HB-HIB-1", "2023-10-31"),
        ("DPT-HB-HIB-2", "2023-11-30"),
        ("DPT-HB-HIB-3", "2023-12-31"),
    )

    @pytest.mark.parametrize(
        ("on", "status"),
        [
            ("2025-02-27", Status.UPCOMING),
            ("2025-02-28", Status.DUE),
            ("2025-08-30", Status.DUE),
            ("2025-08-31", Status.OVERDUE),
        ],
    )
    def test_pentavalent_booster_at_18_to_23_months(self, on: str, status: Status) -> None:
        """codes.md and KMK Tabel 8: DPT-HB-Hib 4 at 18–23 months, late from 24 months."""
        hist = _given(*self.PRIMARY_DPT)
        assert _status(boy("2023-08-31"), on, "DPT-HB-HIB-4", history=hist) is status

    def test_pentavalent_booster_twelve_months_after_the_third_dose(self) -> None:
        """KMK Tabel 8: DPT-HB-Hib 4 at least 12 months after DPT-HB-Hib 3."""
        hist = _given(*self.PRIMARY_DPT[:2], ("DPT-HB-HIB-3", "2024-06-15"))
        assert _status(boy("2023-08-31"), "2025-06-14", "DPT-HB-HIB-4", history=hist) is (
            Status.UPCOMING
        )
        assert _status(boy("2023-08-31"), "2025-06-15", "DPT-HB-HIB-4", history=hist) is Status.DUE

    def test_pneumococcal_booster_at_twelve_months(self) -> None:
        """KMK Tabel 8 and schedules.md §1.1: PCV3 at 12 months (29 Feb 2024 + 12 months = 28 Feb 2025)."""
        child = boy("2024-02-29")
        hist = _given(("PCV-1", "2024-04-29"), ("PCV-2", "2024-05-29"))
        assert _status(child, "2025-02-27", "PCV-3", history=hist) is Status.UPCOMING
        item = _item(child, "2025-02-28", "PCV-3", history=hist)
        assert item is not None
        assert item.status is Status.DUE
        assert item.recommended.isoformat() == "2025-02-28"

    def test_pneumococcal_booster_eight_weeks_after_the_second_dose(self) -> None:
        """KMK Tabel 8 and schedules.md §1.2: PCV3 at least 8 weeks (56 days) after PCV2."""
        child = boy("2024-02-29")
        hist = _given(("PCV-1", "2024-12-10"), ("PCV-2", "2025-01-15"))
        assert _status(child, "2025-03-11", "PCV-3", history=hist) is Status.UPCOMING
        assert _status(child, "2025-03-12", "PCV-3", history=hist) is Status.DUE

    def test_pneumococcal_booster_can_be_given_up_to_24_months(self) -> None:
        """schedules.md §1.2–1.3 (PCV-catchup): a missed PCV3 up to 24 months, i.e. through the day before 25 months (decisions.md 'Time')."""
        child = boy("2023-01-31")
        hist = _given(("PCV-1", "2023-03-31"), ("PCV-2", "2023-04-30"))
        assert _status(child, "2025-02-27", "PCV-3", history=hist) in ACTIONABLE
        assert _status(child, "2025-02-28", "PCV-3", history=hist) not in ACTIONABLE

    def test_japanese_encephalitis_only_in_endemic_regions(self) -> None:
        """KMK Tabel 7 and decisions.md 'Regions': JE only where the region is flagged je_endemic."""
        assert _item(boy(self.BORN), "2024-11-30", "JE") is None
        assert _status(boy(self.BORN), "2024-11-30", "JE", region=JE_REGION) is Status.DUE

    def test_japanese_encephalitis_at_ten_months(self) -> None:
        """KMK Tabel 7 and decisions.md 'Regions': JE at 10 months (31 Jan + 10 months = 30 Nov)."""
        item = _item(boy(self.BORN), "2024-11-30", "JE", region=JE_REGION)
        assert item is not None
        assert item.recommended.isoformat() == "2024-11-30"

    def test_japanese_encephalitis_at_nine_months_where_the_region_says_so(self) -> None:
        """decisions.md 'Regions': a region may give JE at 9 months instead of 10."""
        region = Region(flags={"je_endemic"}, ages={"JE": "9m"})
        assert _status(boy(self.BORN), "2024-10-30", "JE", region=region) is Status.UPCOMING
        item = _item(boy(self.BORN), "2024-10-31", "JE", region=region)
        assert item is not None
        assert item.status is Status.DUE
        assert item.recommended.isoformat() == "2024-10-31"


class TestInactivatedPolio:
    def test_second_dose_four_weeks_after_the_first_in_2023(self) -> None:
        """IPV2 letter IM.02.03/C/…/2023: in the 2023 transition IPV2 at least 4 weeks after IPV1."""
        child = girl("2022-07-01")
        hist = _given(("IPV-1", "2023-10-15"))
        assert _status(child, "2023-11-11", "IPV-2", history=hist) is Status.UPCOMING
        item = _item(child, "2023-11-12", "IPV-2", history=hist)
        assert item is not None
        assert item.status in ACTIONABLE
        assert item.earliest.isoformat() == "2023-11-12"

    def test_2023_transition_only_for_children_born_from_13_june_2022(self) -> None:
        """IPV2 letter IM.02.03/C/…/2023: the 2023 IPV2 cohort is born on or after 2022-06-13."""
        hist = _given(("IPV-1", "2023-10-15"))
        assert _item(girl("2022-06-12"), "2023-11-12", "IPV-2", history=hist) is None
        assert _status(girl("2022-06-13"), "2023-11-12", "IPV-2", history=hist) in ACTIONABLE

    def test_same_child_waits_four_months_once_the_2024_rule_applies(self) -> None:
        """decisions.md 'Sources and precedence': from 2024 IPV2 is at least 4 months after IPV1, not 4 weeks."""
        child = girl("2022-07-01")
        hist = _given(("IPV-1", "2023-10-15"))
        assert _status(child, "2023-12-31", "IPV-2", history=hist) in ACTIONABLE
        assert _status(child, "2024-01-01", "IPV-2", history=hist) not in ACTIONABLE
        assert _status(child, "2024-02-14", "IPV-2", history=hist) is Status.UPCOMING
        assert _status(child, "2024-02-15", "IPV-2", history=hist) in ACTIONABLE

    def test_second_dose_at_nine_months_from_2024(self) -> None:
        """IPV2 letter (rule of 2024): IPV2 at 9 months (31 May 2023 + 9 months = 29 Feb 2024)."""
        child = boy("2023-05-31")
        hist = _given(("IPV-1", "2023-09-30"))
        assert _status(child, "2024-02-28", "IPV-2", history=hist) is Status.UPCOMING
        item = _item(child, "2024-02-29", "IPV-2", history=hist)
        assert item is not None
        assert item.status is Status.DUE
        assert item.recommended.isoformat() == "2024-02-29"

    def test_second_dose_four_months_after_the_first_from_2024(self) -> None:
        """IPV2 letter (rule of 2024): IPV2 at least 4 months after IPV1."""
        child = boy("2023-05-31")
        hist = _given(("IPV-1", "2024-01-31"))
        assert _status(child, "2024-05-30", "IPV-2", history=hist) is Status.UPCOMING
        assert _status(child, "2024-05-31", "IPV-2", history=hist) in ACTIONABLE

    def test_first_dose_catch_up_in_2023_for_children_born_before_13_june_2022(self) -> None:
        """KMK Tabel 7 and schedules.md §1.2: IPV1 at 4 months with catch-up to 59 months — the 2023 birth cohort limits IPV2 only."""
        child = girl("2022-06-12")
        assert _status(child, "2023-06-11", "IPV-1") in ACTIONABLE
        assert _status(child, "2023-09-01", "IPV-1") in ACTIONABLE

    def test_catch_up_to_59_months_for_any_cohort_from_2024(self) -> None:
        """IPV2 letter (rule of 2024): catch-up for children lacking two IPV doses up to 59 months."""
        child = boy("2021-03-31")  # born before the 2023 cohort
        hist = _given(("IPV-1", "2021-07-31"))
        assert _status(child, "2024-06-01", "IPV-2", history=hist) in ACTIONABLE
        assert _status(child, "2026-03-30", "IPV-2", history=hist) in ACTIONABLE
        assert _status(child, "2026-03-31", "IPV-2", history=hist) not in ACTIONABLE


# ---------------------------------------------------------------------------


class TestNutritionAndGrowth:
    LEAP = "2024-02-29"  # 6 months: 29 Aug 2024; 12 months: 28 Feb 2025

    @pytest.mark.parametrize(
        ("on", "status"),
        [
            ("2024-08-29", Status.DUE),
            ("2024-08-31", Status.DUE),
            ("2024-09-01", Status.MISSED),
        ],
    )
    def test_blue_vitamin_a_in_august_from_six_months(self, on: str, status: Status) -> None:
        """KMK §IV.2.g and schedules.md §3: blue vitamin A for 6–11 months, in February or August."""
        assert _status(girl(self.LEAP), "2024-08-28", "VITA-BLUE") not in ACTIONABLE
        assert _status(girl(self.LEAP), on, "VITA-BLUE") is status

    def test_blue_vitamin_a_in_february_up_to_eleven_months(self) -> None:
        """KMK §IV.2.g: blue vitamin A until 11 months — the last day is the day before 12 months."""
        item = _item(girl(self.LEAP), "2025-02-27", "VITA-BLUE")
        assert item is not None
        assert item.status is Status.DUE
        assert _window(item) == ("2025-02-01", "2025-02-27")
        assert _status(girl(self.LEAP), "2025-02-28", "VITA-BLUE") not in ACTIONABLE

    def test_blue_vitamin_a_only_once(self) -> None:
        """schedules.md §3: the blue capsule is given once (February or August)."""
        hist = _given(("VITA-BLUE", "2024-08-30"))
        assert _status(girl(self.LEAP), "2025-02-10", "VITA-BLUE", history=hist) is (
            Status.COMPLETED
        )

    def test_red_vitamin_a_from_twelve_months(self) -> None:
        """KMK §IV.2.g: red vitamin A from 12 months — a leap-day child turns 12 months on 28 Feb."""
        assert _status(girl(self.LEAP), "2025-02-27", "VITA-RED") not in ACTIONABLE
        item = _item(girl(self.LEAP), "2025-02-28", "VITA-RED")
        assert item is not None
        assert item.status is Status.DUE
        assert _window(item) == ("2025-02-28", "2025-02-28")

    def test_red_vitamin_a_in_february_and_august(self) -> None:
        """schedules.md §3: red vitamin A twice a year, February and August."""
        hist = _given(("VITA-RED", "2025-02-28"))
        assert _status(girl(self.LEAP), "2025-05-15", "VITA-RED", history=hist) not in ACTIONABLE
        item = _item(girl(self.LEAP), "2025-08-01", "VITA-RED", history=hist)
        assert item is not None
        assert item.status is Status.DUE
        assert _window(item) == ("2025-08-01", "2025-08-31")

    def test_red_vitamin_a_until_59_months(self) -> None:
        """KMK §IV.2.g and decisions.md 'Time': red vitamin A to 59 months, ending the day before the fifth birthday."""
        child = boy("2020-08-15")
        item = _item(child, "2025-08-14", "VITA-RED")
        assert item is not None
        assert item.status is Status.DUE
        assert _window(item) == ("2025-08-01", "2025-08-14")
        assert _status(child, "2025-08-15", "VITA-RED") not in ACTIONABLE

    def test_deworming_in_august_from_twelve_months(self) -> None:
        """KMK §IV.2.g: deworming for 12–59 months, in August (31 Aug 2023 + 12 months = 31 Aug 2024)."""
        child = boy("2023-08-31")
        assert _status(child, "2024-08-30", "DEWORM") not in ACTIONABLE
        assert _window(_item(child, "2024-08-31", "DEWORM")) == ("2024-08-31", "2024-08-31")
        assert _status(child, "2024-08-31", "DEWORM") is Status.DUE

    def test_deworming_not_in_february(self) -> None:
        """KMK §IV.2.g: deworming once a year in August, not with the February vitamin A."""
        hist = _given(("DEWORM", "2024-08-31"))
        assert _status(boy("2023-08-31"), "2025-02-15", "DEWORM", history=hist) not in ACTIONABLE
        assert _status(boy("2023-08-31"), "2025-08-01", "DEWORM", history=hist) is Status.DUE

    def test_monthly_weighing_from_birth(self) -> None:
        """schedules.md §3 (Standar Pemantauan Pertumbuhan): weighing every month, from the month of birth."""
        item = _item(girl("2025-01-31"), "2025-01-31", "GROWTH")
        assert item is not None
        assert item.status is Status.DUE
        assert _window(item) == ("2025-01-31", "2025-01-31")

    def test_monthly_weighing_due_again_next_month(self) -> None:
        """schedules.md §3: weighed in March, the child is due again from 1 April."""
        child = girl("2024-06-15")
        hist = _given(("GROWTH", "2025-03-05"))
        assert _status(child, "2025-03-20", "GROWTH", history=hist, horizon=0) is Status.COMPLETED
        item = _item(child, "2025-04-01", "GROWTH", history=hist)
        assert item is not None
        assert item.status is Status.DUE
        assert _window(item) == ("2025-04-01", "2025-04-30")

    def test_monthly_weighing_until_59_months(self) -> None:
        """codes.md and decisions.md 'Time': weighing to 59 months, the last day the day before the fifth birthday."""
        child = girl("2020-03-31")
        assert _window(_item(child, "2025-03-30", "GROWTH")) == ("2025-03-01", "2025-03-30")
        assert _item(child, "2025-03-31", "GROWTH") is None


# ---------------------------------------------------------------------------


class TestPregnancy:
    HPHT = "2024-01-01"  # day 90 = 31 Mar 2024; day 91 = 1 Apr; day 174 = 23 Jun; day 175 = 24 Jun

    def woman(self, *pregnancies: Pregnancy) -> Person:
        return girl("1995-06-15", pregnancies=pregnancies or [Pregnancy(self.HPHT)])

    @pytest.mark.parametrize(
        ("on", "status"),
        [("2024-01-01", Status.DUE), ("2024-03-31", Status.DUE), ("2024-04-01", Status.MISSED)],
    )
    def test_first_contact_in_trimester_one(self, on: str, status: Status) -> None:
        """KMK §IV.1.a and decisions.md 'Time': K1 in trimester 1, from the HPHT to day 90 (12w6d)."""
        assert _status(self.woman(), on, "ANC-K1") is status

    def test_first_contact_is_with_a_doctor(self) -> None:
        """KMK §IV.1.a: K1 is a contact with a doctor (with ultrasound)."""
        item = _item(self.woman(), "2024-02-01", "ANC-K1")
        assert item is not None
        assert _window(item) == ("2024-01-01", "2024-03-31")
        assert "doctor" in item.reason.en
        assert "dokter" in item.reason.id

    def test_trimester_one_ends_on_29_february(self) -> None:
        """decisions.md 'Time': trimester 1 ends on day 90 — for an HPHT of 1 Dec 2023 that is 29 Feb 2024."""
        woman = girl("1995-06-15", pregnancies=[Pregnancy("2023-12-01")])
        assert _window(_item(woman, "2024-02-29", "ANC-K1")) == ("2023-12-01", "2024-02-29")
        assert _status(woman, "2024-03-01", "ANC-K1") is Status.MISSED

    @pytest.mark.parametrize(
        ("code", "history", "on", "status"),
        [
            ("ANC-K2", [("ANC-K1", "2024-02-01")], "2024-03-31", Status.UPCOMING),
            ("ANC-K2", [("ANC-K1", "2024-02-01")], "2024-04-01", Status.DUE),
            ("ANC-K2", [("ANC-K1", "2024-02-01")], "2024-06-23", Status.DUE),
            ("ANC-K2", [("ANC-K1", "2024-02-01")], "2024-06-24", Status.MISSED),
            (
                "ANC-K3",
                [("ANC-K1", "2024-02-01"), ("ANC-K2", "2024-04-10")],
                "2024-06-23",
                Status.DUE,
            ),
            (
                "ANC-K3",
                [("ANC-K1", "2024-02-01"), ("ANC-K2", "2024-04-10")],
                "2024-06-24",
                Status.MISSED,
            ),
        ],
    )
    def test_second_and_third_contacts_in_trimester_two(
        self, code: str, history: list[tuple[str, str]], on: str, status: Status
    ) -> None:
        """KMK §IV.1.a and decisions.md 'Time': K2 and K3 in trimester 2, day 91 to day 174 (>12–24 weeks)."""
        assert _status(self.woman(), on, code, history=_given(*history)) is status

    def test_trimester_two_window_dates(self) -> None:
        """decisions.md 'Time': trimester 2 runs from day 91 (1 Apr 2024) to day 174 (23 Jun 2024)."""
        item = _item(self.woman(), "2024-04-01", "ANC-K2", history=_given(("ANC-K1", "2024-02-01")))
        assert _window(item) == ("2024-04-01", "2024-06-23")

    TM2 = (("ANC-K1", "2024-02-01"), ("ANC-K2", "2024-04-10"), ("ANC-K3", "2024-05-20"))

    def test_fourth_contact_from_trimester_three(self) -> None:
        """KMK §IV.1.a and decisions.md 'Time': K4 in trimester 3, from day 175 (>24 weeks)."""
        hist = _given(*self.TM2)
        assert _status(self.woman(), "2024-06-23", "ANC-K4", history=hist) is Status.UPCOMING
        item = _item(self.woman(), "2024-06-24", "ANC-K4", history=hist)
        assert item is not None
        assert item.status is Status.DUE
        assert item.earliest.isoformat() == "2024-06-24"

    def test_fifth_contact_is_with_a_doctor_in_trimester_three(self) -> None:
        """KMK §IV.1.a: K5 is the trimester-3 contact with a doctor."""
        hist = _given(*self.TM2, ("ANC-K4", "2024-07-01"))
        item = _item(self.woman(), "2024-07-15", "ANC-K5", history=hist)
        assert item is not None
        assert item.status is Status.DUE
        assert "doctor" in item.reason.en

    def test_sixth_contact_until_delivery(self) -> None:
        """KMK §IV.1.a: the three trimester-3 contacts run until delivery (last pregnant day the day before)."""
        woman = self.woman(Pregnancy(self.HPHT, delivery_date="2024-10-01"))
        hist = _given(*self.TM2, ("ANC-K4", "2024-07-01"), ("ANC-K5", "2024-08-01"))
        item = _item(woman, "2024-09-30", "ANC-K6", history=hist)
        assert item is not None
        assert item.status is Status.DUE
        assert _window(item)[1] == "2024-09-30"
        assert _status(woman, "2024-10-01", "ANC-K6", history=hist) not in ACTIONABLE

    @pytest.mark.parametrize(
        ("on", "status"),
        [("2024-01-01", Status.DUE), ("2024-05-19", Status.DUE), ("2024-05-20", Status.OVERDUE)],
    )
    def test_triple_elimination_test_before_20_weeks(self, on: str, status: Status) -> None:
        """schedules.md §2.2 (Permenkes 52/2017): triple elimination test once, ideally before 20 weeks (day 140)."""
        assert _status(self.woman(), on, "ANC-TRIPLE-ELIM") is status

    def test_triple_elimination_test_once_per_pregnancy(self) -> None:
        """schedules.md §2.2: tested once in a pregnancy is done; the next pregnancy is tested again."""
        woman = self.woman(
            Pregnancy(self.HPHT, delivery_date="2024-10-01", outcome="live_birth"),
            Pregnancy("2025-06-01"),
        )
        hist = _given(("ANC-TRIPLE-ELIM", "2024-02-01"))
        assert _status(woman, "2024-09-01", "ANC-TRIPLE-ELIM", history=hist) is Status.COMPLETED
        assert _status(woman, "2025-06-01", "ANC-TRIPLE-ELIM", history=hist) is Status.DUE


class TestPostpartum:
    DELIVERY = "2024-02-28"  # day 2 = 1 Mar (leap year), day 42 = 10 Apr

    def mother(self, outcome: str = "live_birth", delivery: str = DELIVERY) -> Person:
        return girl(
            "1995-06-15",
            pregnancies=[Pregnancy("2023-05-20", delivery_date=delivery, outcome=outcome)],
        )

    @pytest.mark.parametrize(
        ("code", "earliest", "latest"),
        [
            ("KF-1", "2024-02-28", "2024-03-01"),
            ("KF-2", "2024-03-02", "2024-03-06"),
            ("KF-3", "2024-03-07", "2024-03-27"),
            ("KF-4", "2024-03-28", "2024-04-10"),
        ],
    )
    def test_postpartum_visit_windows_in_days_after_delivery(
        self, code: str, earliest: str, latest: str
    ) -> None:
        """KMK §IV.1.e and decisions.md 'Time': KF1 days 0–2, KF2 3–7, KF3 8–28, KF4 29–42 after delivery."""
        first = _item(self.mother(), earliest, code)
        last = _item(self.mother(), latest, code)
        assert first is not None
        assert first.status is Status.DUE
        assert last is not None
        assert last.status is Status.DUE
        assert _window(last) == (earliest, latest)

    @pytest.mark.parametrize(
        ("on", "code"),
        [("2024-03-02", "KF-1"), ("2024-03-07", "KF-2"), ("2024-03-28", "KF-3")],
    )
    def test_postpartum_visit_missed_the_day_after_its_window(self, on: str, code: str) -> None:
        """decisions.md 'Status' and 'Time': a KF visit not made is missed the day after its last day."""
        assert _status(self.mother(), on, code) is Status.MISSED

    def test_last_postpartum_visit_not_actionable_after_day_42(self) -> None:
        """KMK §IV.1.e: KF4 ends on day 42 after delivery; on day 43 it can no longer be made."""
        assert _status(self.mother(), "2024-04-11", "KF-4") not in ACTIONABLE

    def test_no_postpartum_visit_before_delivery(self) -> None:
        """KMK §IV.1.e: the KF windows count from the delivery; the day before there is none."""
        items = due(self.mother(), "2024-02-27")
        assert not {"KF-1", "KF-2", "KF-3", "KF-4"} & set(items.codes)

    def test_miscarriage_gives_no_postpartum_visits(self) -> None:
        """KMK §IV.1.e: postpartum (nifas) visits follow a delivery; a miscarriage (abortus) has none."""
        woman = girl(
            "1995-06-15",
            pregnancies=[
                Pregnancy("2024-01-01", delivery_date="2024-03-01", outcome="miscarriage")
            ],
        )
        items = due(woman, "2024-03-02")
        assert not {"KF-1", "KF-2", "KF-3", "KF-4"} & set(items.codes)


# ---------------------------------------------------------------------------


class TestSchoolImmunization:
    @pytest.mark.parametrize(
        ("code", "grade", "on", "status"),
        [
            ("BIAS-MR", 1, "2025-07-31", Status.UPCOMING),
            ("BIAS-MR", 1, "2025-08-01", Status.DUE),
            ("BIAS-MR", 1, "2025-08-31", Status.DUE),
            ("BIAS-MR", 1, "2025-09-01", Status.MISSED),
            ("BIAS-DT", 1, "2025-10-31", Status.UPCOMING),
            ("BIAS-DT", 1, "2025-11-01", Status.DUE),
            ("BIAS-DT", 1, "2025-11-30", Status.DUE),
            ("BIAS-DT", 1, "2025-12-01", Status.MISSED),
            ("BIAS-TD-2", 2, "2025-10-31", Status.UPCOMING),
            ("BIAS-TD-2", 2, "2025-11-01", Status.DUE),
            ("BIAS-TD-2", 2, "2025-11-30", Status.DUE),
            ("BIAS-TD-2", 2, "2025-12-01", Status.MISSED),
            ("BIAS-TD-5", 5, "2025-10-31", Status.UPCOMING),
            ("BIAS-TD-5", 5, "2025-11-01", Status.DUE),
            ("BIAS-TD-5", 5, "2025-11-30", Status.DUE),
            ("BIAS-TD-5", 5, "2025-12-01", Status.MISSED),
        ],
    )
    def test_school_immunization_month_by_grade(
        self, code: str, grade: int, on: str, status: Status
    ) -> None:
        """KMK Tabel 17 (BIAS): grade 1 MR in August and DT in November, Td in November of grades 2 and 5."""
        pupil = boy("2015-03-15", school=School(grade, 2025))
        assert _status(pupil, on, code) is status

    def test_grade_one_estimated_from_age_seven_on_1_july(self) -> None:
        """decisions.md 'School services': with no grade recorded, grade 1 is the school year starting when the child is 7."""
        assert _status(boy("2018-07-01"), "2025-08-01", "BIAS-MR") is Status.DUE
        assert _status(boy("2018-07-02"), "2025-08-01", "BIAS-MR") not in ACTIONABLE

    def test_anaemia_screening_for_girls_in_grade_7_and_again_in_grade_10(self) -> None:
        """codes.md, schedules.md §4 and KMK §IV.3 (skrining anemia remaja putri kelas 7 dan 10): Hb in grade 7 and in grade 10."""
        pupil = girl("2009-09-10", school=School(7, 2022))
        hist = _given(("HB-REMAJA", "2022-09-01"))
        assert _status(pupil, "2023-09-01", "HB-REMAJA", history=hist) is Status.COMPLETED
        item = _item(pupil, "2025-09-01", "HB-REMAJA", history=hist)
        assert item is not None
        assert item.status is Status.DUE
        assert _window(item) == ("2025-07-01", "2026-06-30")

    def test_hpv_second_dose_in_grade_six_under_the_two_dose_rule(self) -> None:
        """HPV letter IM.02.02/C/3055/2023: in 2024 a girl given HPV1 in grade 5 gets HPV2 in grade 6, in August."""
        pupil = girl("2012-09-10", school=School(5, 2023))
        hist = _given(("HPV-1", "2023-08-20"))
        item = _item(pupil, "2024-08-01", "HPV-2", history=hist)
        assert item is not None
        assert item.status is Status.DUE
        assert _window(item) == ("2024-08-01", "2024-08-31")

    def test_hpv_second_dose_at_least_six_months_after_the_first(self) -> None:
        """HPV letter IM.02.02/C/3055/2023: HPV2 at least 6 months after HPV1."""
        pupil = girl("2012-09-10", school=School(5, 2023))
        hist = _given(("HPV-1", "2024-02-20"))
        assert _status(pupil, "2024-08-19", "HPV-2", history=hist) is Status.UPCOMING
        assert _status(pupil, "2024-08-20", "HPV-2", history=hist) is Status.DUE

    def test_no_hpv_second_dose_under_the_one_dose_rule(self) -> None:
        """decisions.md 'Sources and precedence' (schedules.md §1.4): from 2025-01-01 one HPV dose, no HPV2."""
        pupil = girl("2013-09-10", school=School(5, 2024))
        hist = _given(("HPV-1", "2024-08-10"))
        items = due(pupil, "2025-08-10", history=hist)
        assert items.get("HPV-2") is None
        assert _status(pupil, "2025-08-10", "HPV-1", history=hist) is Status.COMPLETED

    def test_hpv_second_dose_no_longer_asked_from_2025(self) -> None:
        """decisions.md 'Sources and precedence': the two-dose rule ends on 2024-12-31."""
        pupil = girl("2012-09-10", school=School(5, 2023))
        hist = _given(("HPV-1", "2023-08-20"))
        assert _status(pupil, "2024-12-31", "HPV-2", history=hist) is Status.MISSED
        assert _item(pupil, "2025-01-01", "HPV-2", history=hist) is None

    def test_hpv_first_dose_in_grade_five_estimated_from_age(self) -> None:
        """schedules.md §1.4 and decisions.md 'School services': HPV for grade-5 girls, grade from age (7 on 1 July = grade 1)."""
        assert _status(girl("2014-07-01"), "2025-08-01", "HPV-1") is Status.DUE
        assert _status(girl("2014-07-02"), "2025-08-01", "HPV-1") not in ACTIONABLE
        assert _item(boy("2014-07-01"), "2025-08-01", "HPV-1") is None


class TestTetanusForWomen:
    def test_second_dose_four_weeks_after_the_first(self) -> None:
        """schedules.md §1.6 (PCV-deck T-status table): T2 at least 4 weeks (28 days) after T1."""
        woman = girl("1995-05-10")
        hist = _given(("TD-WUS", "2024-01-31"))
        assert _status(woman, "2024-02-27", "TD-WUS", history=hist) is Status.UPCOMING
        item = _item(woman, "2024-02-28", "TD-WUS", history=hist)
        assert item is not None
        assert item.status is Status.DUE
        assert item.dose == 2
        assert item.earliest.isoformat() == "2024-02-28"

    @pytest.mark.parametrize(
        ("history", "dose", "earliest"),
        [
            (["2023-08-01", "2024-02-29"], 3, "2024-08-29"),
            (["2023-06-01", "2023-08-01", "2024-02-29"], 4, "2025-02-28"),
            (["2022-01-01", "2022-02-01", "2022-09-01", "2024-08-31"], 5, "2025-08-31"),
        ],
    )
    def test_later_doses_six_months_then_one_year_then_one_year(
        self, history: list[str], dose: int, earliest: str
    ) -> None:
        """schedules.md §1.6 (PCV-deck): T3 ≥6 months after T2, T4 ≥1 year after T3, T5 ≥1 year after T4."""
        woman = girl("1995-05-10")
        hist = [ServiceRecord("TD-WUS", d) for d in history]
        assert _status(woman, _minus_one(earliest), "TD-WUS", history=hist) is Status.UPCOMING
        item = _item(woman, earliest, "TD-WUS", history=hist)
        assert item is not None
        assert item.status is Status.DUE
        assert item.dose == dose

    def test_no_more_doses_after_t5(self) -> None:
        """schedules.md §1.6: no Td once T5 is documented."""
        hist = [
            ServiceRecord("TD-WUS", d)
            for d in ("2019-01-01", "2019-02-01", "2019-09-01", "2020-09-01", "2021-09-01")
        ]
        items = due(girl("1995-05-10"), "2025-01-01", history=hist, horizon=3650)
        assert [i.status for i in items if i.code == "TD-WUS"] == [Status.COMPLETED] * 5

    def test_women_only(self) -> None:
        """schedules.md §1.6: T-status Td is for women of childbearing age."""
        assert _item(boy("1995-05-10"), "2025-01-01", "TD-WUS") is None

    def test_from_age_10(self) -> None:
        """KMK L3361, L3566: girls towards T5 from 10 — born 29 Feb 2008, 10 on 28 Feb 2018."""
        assert _status(girl("2008-02-29"), "2018-02-27", "TD-WUS") not in ACTIONABLE
        item = _item(girl("2008-02-29"), "2018-02-28", "TD-WUS")
        assert item is not None
        assert item.status is Status.DUE
        assert item.earliest.isoformat() == "2018-02-28"

    def test_until_age_39(self) -> None:
        """schedules.md §1.6: WUS up to 39 years — nothing from the 40th birthday."""
        assert _status(girl("1985-06-15"), "2025-06-14", "TD-WUS") is Status.DUE
        assert _item(girl("1985-06-15"), "2025-06-15", "TD-WUS") is None


# ---------------------------------------------------------------------------


class TestAdultScreening:
    def test_no_birthday_check_before_the_programme_starts(self) -> None:
        """decisions.md 'Sources and precedence': the free birthday check (CKG) starts on 2025-02-10."""
        assert _item(boy("1990-02-09"), "2025-02-09", "CKG") is None
        assert _item(boy("1990-02-10"), "2025-02-09", "CKG") is None
        assert _window(_item(boy("1990-02-10"), "2025-02-10", "CKG")) == (
            "2025-02-10",
            "2025-03-12",
        )

    @pytest.mark.parametrize(
        ("on", "status"),
        [
            ("2025-03-30", Status.UPCOMING),
            ("2025-03-31", Status.DUE),
            ("2025-04-30", Status.DUE),
            ("2025-05-01", Status.MISSED),
        ],
    )
    def test_birthday_check_from_the_birthday_to_30_days_after(
        self, on: str, status: Status
    ) -> None:
        """schedules.md §0 item 3 (CKG 2025): the birthday check runs from the birthday to 30 days after it."""
        assert _status(girl("1990-03-31"), on, "CKG") is status

    def test_birthday_check_of_a_leap_day_birth(self) -> None:
        """decisions.md 'Time': born 29 Feb, the 2025 birthday is 28 Feb (window to 30 Mar)."""
        item = _item(girl("2000-02-29"), "2025-02-28", "CKG")
        assert item is not None
        assert item.status is Status.DUE
        assert _window(item) == ("2025-02-28", "2025-03-30")

    @pytest.mark.parametrize(
        ("born", "has_ckg"),
        [
            ("2024-06-15", True),  # 1 year
            ("2019-06-15", True),  # 6 years
            ("2018-06-15", False),  # 7 years: CKG at school
            ("2008-06-15", False),  # 17 years: CKG at school
            ("2007-06-15", True),  # 18 years
            ("1955-06-15", True),  # 70 years
        ],
    )
    def test_birthday_check_for_ages_1_to_6_and_from_18(self, born: str, has_ckg: bool) -> None:
        """schedules.md §0 item 3 and §3 (CKG 2025): birthday-anchored for ages 1–6 and from 18; 7–17 at school."""
        assert (_status(girl(born), "2025-06-15", "CKG") is Status.DUE) is has_ckg

    def test_ncd_screening_from_age_15(self) -> None:
        """codes.md and KMK §V: PTM screening yearly from 15 (born 28 Feb 2010: from 28 Feb 2025)."""
        assert _status(boy("2010-02-28"), "2025-02-27", "PTM-SCREEN") not in ACTIONABLE
        assert _status(boy("2010-02-28"), "2025-02-28", "PTM-SCREEN") is Status.DUE

    def test_ncd_screening_yearly(self) -> None:
        """codes.md and KMK Tabel 19: PTM screening once a year."""
        hist = _given(("PTM-SCREEN", "2025-03-10"))
        assert _status(boy("1980-01-01"), "2026-03-09", "PTM-SCREEN", history=hist) not in (
            ACTIONABLE
        )
        assert _status(boy("1980-01-01"), "2026-03-10", "PTM-SCREEN", history=hist) is Status.DUE

    @pytest.mark.parametrize(
        ("sexually_active", "offered"), [(None, True), (True, True), (False, False)]
    )
    def test_cervical_screening_for_women_who_have_had_sexual_contact(
        self, sexually_active: bool | None, offered: bool
    ) -> None:
        """decisions.md 'Screening eligibility': cervical screening needs sexual contact; unknown counts as yes."""
        woman = girl("1990-05-20", ever_sexually_active=sexually_active)
        assert (_status(woman, "2025-06-01", "CERVIX-SCREEN") in ACTIONABLE) is offered

    def test_cervical_screening_women_only(self) -> None:
        """KMK §V.1.f: cervical screening is for women."""
        assert _item(boy("1990-05-20"), "2025-06-01", "CERVIX-SCREEN") is None

    def test_cervical_screening_from_age_30(self) -> None:
        """schedules.md §5 (CKG: women from 30) and KMK §V.1.f: cervical screening from age 30."""
        woman = girl("1995-03-31")
        assert _status(woman, "2025-03-30", "CERVIX-SCREEN") not in ACTIONABLE
        assert _status(woman, "2025-03-31", "CERVIX-SCREEN") is Status.DUE

    def test_cervical_screening_every_three_years(self) -> None:
        """KMK §V.1.f: IVA every 3 years."""
        hist = _given(("CERVIX-SCREEN", "2022-05-31"))
        woman = girl("1985-01-01")
        assert _status(woman, "2025-05-30", "CERVIX-SCREEN", history=hist) not in ACTIONABLE
        assert _status(woman, "2025-05-31", "CERVIX-SCREEN", history=hist) is Status.DUE

    def test_breast_examination_from_age_15(self) -> None:
        """codes.md and KMK §V.1.f: SADANIS for women from 15."""
        assert _status(girl("2010-03-31"), "2025-03-30", "BREAST-SCREEN") not in ACTIONABLE
        assert _status(girl("2010-03-31"), "2025-03-31", "BREAST-SCREEN") is Status.DUE
        assert _item(boy("2010-03-31"), "2025-03-31", "BREAST-SCREEN") is None

    def test_breast_examination_every_three_years_not_yearly(self) -> None:
        """decisions.md 'Screening eligibility': SADANIS every 3 years — the decree's text wins over its yearly table."""
        woman = girl("1985-01-01")
        hist = _given(("BREAST-SCREEN", "2025-04-01"))
        assert _status(woman, "2026-04-01", "BREAST-SCREEN", history=hist) is Status.COMPLETED
        assert _status(woman, "2028-03-31", "BREAST-SCREEN", history=hist) not in ACTIONABLE
        assert _status(woman, "2028-04-01", "BREAST-SCREEN", history=hist) is Status.DUE

    def test_elderly_screening_from_age_60(self) -> None:
        """KMK §V.3.a and schedules.md §6: SKILAS from 60 (born 29 Feb 1964: from 29 Feb 2024)."""
        assert _status(boy("1964-02-29"), "2024-02-28", "SKILAS") not in ACTIONABLE
        assert _status(boy("1964-02-29"), "2024-02-29", "SKILAS") is Status.DUE
        assert _item(boy("1966-01-01"), "2025-06-01", "SKILAS") is None

    def test_elderly_screening_yearly(self) -> None:
        """KMK §V.3.a and schedules.md §6: SKILAS at least once a year."""
        hist = _given(("SKILAS", "2024-03-01"))
        assert _status(boy("1964-02-29"), "2025-02-28", "SKILAS", history=hist) not in ACTIONABLE
        assert _status(boy("1964-02-29"), "2025-03-01", "SKILAS", history=hist) is Status.DUE

    @pytest.mark.parametrize(
        ("condition", "code"),
        [(Condition.HYPERTENSION, "HT-CONTROL"), (Condition.DIABETES, "DM-CONTROL")],
    )
    def test_monthly_follow_up_with_the_condition(self, condition: Condition, code: str) -> None:
        """codes.md and KMK §V.1 (at least monthly): a follow-up contact every calendar month."""
        patient = boy("1970-01-01", conditions=[condition])
        item = _item(patient, "2024-02-01", code)
        assert item is not None
        assert item.status is Status.DUE
        assert _window(item) == ("2024-02-01", "2024-02-29")
        hist = _given((code, "2024-02-03"))
        assert _status(patient, "2024-02-29", code, history=hist, horizon=0) is Status.COMPLETED
        assert _status(patient, "2024-03-01", code, history=hist) is Status.DUE

    @pytest.mark.parametrize("code", ["HT-CONTROL", "DM-CONTROL"])
    def test_no_monthly_follow_up_without_the_condition(self, code: str) -> None:
        """codes.md: monthly follow-up is only for a person with hypertension or diabetes."""
        assert _item(boy("1970-01-01"), "2024-02-01", code) is None
        other = Condition.DIABETES if code == "HT-CONTROL" else Condition.HYPERTENSION
        assert _item(boy("1970-01-01", conditions=[other]), "2024-02-01", code) is None


# ---------------------------------------------------------------------------


class TestStatus:
    def test_upcoming_only_within_the_horizon(self) -> None:
        """decisions.md 'Status': upcoming is reported only within the horizon (default 30 days)."""
        child = boy("2024-01-31")  # MR-1 earliest 31 Oct 2024
        assert _status(child, "2024-10-01", "MR-1") is Status.UPCOMING
        assert _item(child, "2024-09-30", "MR-1") is None
        assert _status(child, "2024-09-30", "MR-1", horizon=31) is Status.UPCOMING
        assert _item(child, "2024-10-30", "MR-1", horizon=0) is None

    @pytest.mark.parametrize(
        ("person", "on", "code", "earliest"),
        [
            pytest.param(
                girl("2024-02-29"), "2024-08-28", "VITA-BLUE", "2024-08-29", id="VITA-BLUE-6m"
            ),
            pytest.param(
                girl("2024-02-29"), "2025-02-27", "VITA-RED", "2025-02-28", id="VITA-RED-12m"
            ),
            pytest.param(boy("2023-08-31"), "2024-08-30", "DEWORM", "2024-08-31", id="DEWORM-12m"),
            pytest.param(boy("2024-06-15"), "2025-06-14", "CKG", "2025-06-15", id="CKG-1y"),
            pytest.param(girl("2008-02-29"), "2018-02-27", "TD-WUS", "2018-02-28", id="TD-WUS-10y"),
            pytest.param(
                boy("2010-02-28"), "2025-02-27", "PTM-SCREEN", "2025-02-28", id="PTM-SCREEN-15y"
            ),
            pytest.param(
                girl("2010-03-31"),
                "2025-03-30",
                "BREAST-SCREEN",
                "2025-03-31",
                id="BREAST-SCREEN-15y",
            ),
            pytest.param(
                girl("1995-03-31"),
                "2025-03-30",
                "CERVIX-SCREEN",
                "2025-03-31",
                id="CERVIX-SCREEN-30y",
            ),
            pytest.param(boy("1964-02-29"), "2024-02-28", "SKILAS", "2024-02-29", id="SKILAS-60y"),
        ],
    )
    def test_upcoming_the_day_before_an_age_band_opens(
        self, person: Person, on: str, code: str, earliest: str
    ) -> None:
        """decisions.md 'Status': a service whose earliest date is tomorrow is upcoming today, also when tomorrow is the birthday that opens its age band."""
        item = _item(person, on, code)
        assert item is not None, f"{code} not listed the day before {earliest}"
        assert item.status is Status.UPCOMING
        assert item.earliest.isoformat() == earliest

    def test_completed_carries_the_date_given(self) -> None:
        """decisions.md 'Status': a service given and not needed again is completed."""
        item = _item(boy("2024-01-31"), "2024-06-01", "BCG", history=_given(("BCG", "2024-02-10")))
        assert item is not None
        assert item.status is Status.COMPLETED
        assert item.given is not None
        assert item.given.isoformat() == "2024-02-10"

    def test_nothing_after_the_date_of_death(self) -> None:
        """decisions.md 'Status': a person who has died is due nothing after the death date."""
        child = boy("2024-01-31", death_date="2024-03-15")
        assert len(due(child, "2024-03-15")) > 0
        assert len(due(child, "2024-03-16")) == 0
        hist = _given(("BCG", "2024-02-10"))
        assert len(due(child, "2025-03-16", history=hist)) == 0

    PEOPLE = (
        (boy("2024-01-31"), "2024-02-29", ()),
        (boy("2024-01-31"), "2024-08-30", (("RV-1", "2024-03-31"), ("BCG", "2024-02-10"))),
        (girl("2023-08-31"), "2025-02-28", (("VITA-RED", "2024-08-31"),)),
        (girl("2014-07-01", school=School(5, 2025)), "2025-11-15", (("HPV-1", "2025-08-05"),)),
        (
            girl("1995-06-15", pregnancies=[Pregnancy("2024-01-01")]),
            "2024-05-20",
            (("ANC-K1", "2024-02-01"),),
        ),
        (
            girl(
                "1995-06-15",
                pregnancies=[Pregnancy("2023-05-20", delivery_date="2024-02-28")],
            ),
            "2024-03-07",
            (("KF-1", "2024-02-28"),),
        ),
        (boy("1970-01-01", conditions=["hypertension", "diabetes"]), "2025-06-20", ()),
        (girl("1960-02-29"), "2025-03-01", (("SKILAS", "2024-03-01"),)),
    )

    @pytest.mark.parametrize(("person", "on", "history"), PEOPLE)
    def test_every_status_agrees_with_the_item_dates(
        self, person: Person, on: str, history: tuple[tuple[str, str], ...]
    ) -> None:
        """decisions.md 'Status': each status holds only in its date range (upcoming before earliest, due until overdue, overdue until latest, missed after latest)."""
        items = due(person, on, history=_given(*history))
        day = items.on
        for i in items:
            if i.status is Status.UPCOMING:
                assert day < i.earliest
                assert (i.earliest - day).in_days() <= 30
            elif i.status is Status.DUE:
                assert i.earliest <= day
                assert i.overdue is None or day < i.overdue
                assert i.latest is None or day <= i.latest
            elif i.status is Status.OVERDUE:
                assert i.overdue is not None
                assert i.overdue <= day
                assert i.latest is None or day <= i.latest
            elif i.status is Status.MISSED:
                assert i.latest is not None
                assert day > i.latest or i.earliest > i.latest, i
                assert i.given is None
            else:
                assert i.given is not None
                assert i.given <= day

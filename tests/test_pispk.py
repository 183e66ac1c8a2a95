"""Tests for the PIS-PK family assessment (ilp.pispk)."""

from __future__ import annotations

import datetime as dt
import json
import math
from random import Random
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilp._vocabulary import Label
from ilp.errors import ILPError, InvalidDateError, InvalidFamilyError, InvalidRecordError
from ilp.people import (
    Condition,
    Family,
    Household,
    Member,
    Outcome,
    Person,
    Pregnancy,
    Relation,
    ServiceRecord,
    Sex,
)
from ilp.pispk import (
    BASIC_IMMUNIZATION,
    GROWTH_CODE,
    HYPERTENSION_CONTROL_CODE,
    MENTAL_ILLNESS_CARE_CODE,
    TB_TREATMENT_CODE,
    Answer,
    IKSCategory,
    Indicator,
    InvalidAssessmentError,
    PISPKResult,
    PISPKSummary,
    aggregate,
    assess_family,
)

ON = pendulum.Date(2025, 6, 15)
KK = "3201010101010001"
ALL_YES = Household(
    family_planning=True,
    no_smoker=True,
    jkn=True,
    clean_water=True,
    healthy_latrine=True,
    exclusive_breastfeeding=True,
)
HOUSEHOLD_INDICATORS = (
    Indicator.NO_SMOKING,
    Indicator.JKN,
    Indicator.CLEAN_WATER,
    Indicator.HEALTHY_LATRINE,
)


def _head(sex: Sex = Sex.MALE, *, years: int = 40, **kw: Any) -> Person:
    return Person("head", sex, ON.subtract(years=years), **kw)


def _member(
    pid: str,
    *,
    sex: Sex = Sex.FEMALE,
    birth: pendulum.Date,
    relation: Relation = Relation.CHILD,
    **kw: Any,
) -> Member:
    return Member(Person(pid, sex, birth, **kw), relation)


def _child(pid: str = "c", *, months: int, **kw: Any) -> Member:
    return _member(pid, birth=ON.subtract(months=months), **kw)


def _adult(pid: str, *, years: int, relation: Relation = Relation.PARENT, **kw: Any) -> Member:
    return _member(pid, birth=ON.subtract(years=years), relation=relation, **kw)


def _family(*others: Member, head: Person | None = None, household: Household = ALL_YES) -> Family:
    head = head if head is not None else _head()
    return Family(KK, [Member(head, Relation.HEAD), *others], household=household)


def _records(code_dates: list[tuple[str, pendulum.Date | str]]) -> list[ServiceRecord]:
    return [ServiceRecord(code, date) for code, date in code_dates]


def _idl(on: pendulum.Date = ON) -> list[ServiceRecord]:
    return [ServiceRecord(code, on.subtract(days=1)) for code in BASIC_IMMUNIZATION]


def _result(answers: list[Answer]) -> PISPKResult:
    return PISPKResult(KK, ON, answers, [Label("x", "x")] * 12)


def test_public_names_exist() -> None:
    """Every name in ilp.pispk.__all__ exists in the module."""
    import ilp.pispk

    assert all(hasattr(ilp.pispk, name) for name in ilp.pispk.__all__)
    assert "assess_family" in ilp.pispk.__all__


class TestAnswer:
    """The Y / T / N answer vocabulary."""

    def test_codes_are_the_letters_of_the_form(self) -> None:
        """The answer values are the letters Y, T and N used on the PIS-PK form."""
        assert [a.value for a in Answer] == ["Y", "T", "N"]

    def test_every_answer_has_a_bilingual_label(self) -> None:
        """Each answer has an Indonesian and an English label."""
        assert Answer.Y.label == Label("Ya", "Yes (met)")
        assert all(a.label.id and a.label.en for a in Answer)


class TestIndicator:
    """The 12 indicators, their codes, numbers and labels."""

    def test_twelve_indicators_with_stable_codes_in_official_order(self) -> None:
        """The 12 codes are stable and listed in the official order 1 to 12."""
        assert [i.value for i in Indicator] == [
            "kb",
            "facility_delivery",
            "complete_immunization",
            "exclusive_breastfeeding",
            "growth_monitoring",
            "tb_treatment",
            "hypertension_treatment",
            "mental_illness_treatment",
            "no_smoking",
            "jkn",
            "clean_water",
            "healthy_latrine",
        ]
        assert [i.number for i in Indicator] == list(range(1, 13))

    def test_every_indicator_has_a_bilingual_label(self) -> None:
        """Each indicator is named in Indonesian and English."""
        assert all(i.label.id and i.label.en for i in Indicator)
        assert "JKN" in Indicator.JKN.label.id

    def test_basic_immunization_set_is_the_classic_idl_with_ipv_and_mr(self) -> None:
        """The complete basic set is HB0, BCG, OPV 1–4, DPT-HB-Hib 1–3, IPV-1 and MR-1."""
        assert set(BASIC_IMMUNIZATION) == {
            "HB0",
            "BCG",
            "OPV-1",
            "OPV-2",
            "OPV-3",
            "OPV-4",
            "DPT-HB-HIB-1",
            "DPT-HB-HIB-2",
            "DPT-HB-HIB-3",
            "IPV-1",
            "MR-1",
        }
        assert len(BASIC_IMMUNIZATION) == 11


class TestIKSCategory:
    """The IKS bands and their edges."""

    @pytest.mark.parametrize(
        ("iks", "category"),
        [
            (1.0, IKSCategory.SEHAT),
            (0.8000001, IKSCategory.SEHAT),
            (0.8, IKSCategory.PRA_SEHAT),
            (0.65, IKSCategory.PRA_SEHAT),
            (0.5, IKSCategory.PRA_SEHAT),
            (0.4999999, IKSCategory.TIDAK_SEHAT),
            (0.0, IKSCategory.TIDAK_SEHAT),
            (1, IKSCategory.SEHAT),
            (0, IKSCategory.TIDAK_SEHAT),
        ],
    )
    def test_band_edges(self, iks: float, category: IKSCategory) -> None:
        """Exactly 0.8 and exactly 0.5 are pra-sehat; only above 0.8 is sehat."""
        assert IKSCategory.of(iks) is category

    @pytest.mark.parametrize("iks", [-0.01, 1.01, math.nan, True, "0.9", None])
    def test_value_outside_zero_to_one_is_refused(self, iks: object) -> None:
        """An IKS outside [0, 1], NaN or not a number raises InvalidAssessmentError."""
        with pytest.raises(InvalidAssessmentError, match="not an IKS value"):
            IKSCategory.of(iks)  # type: ignore[arg-type]

    def test_every_category_has_a_bilingual_label(self) -> None:
        """Each category is named in Indonesian and English."""
        assert IKSCategory.PRA_SEHAT.label.id == "Keluarga pra-sehat"
        assert all(c.label.en for c in IKSCategory)


class TestPISPKResult:
    """The result object: lookups, IKS arithmetic and validation."""

    @pytest.mark.parametrize(
        ("y", "t", "iks", "category"),
        [
            (4, 4, 0.5, IKSCategory.PRA_SEHAT),
            (8, 2, 0.8, IKSCategory.PRA_SEHAT),
            (4, 1, 0.8, IKSCategory.PRA_SEHAT),
            (9, 2, 9 / 11, IKSCategory.SEHAT),
            (5, 1, 5 / 6, IKSCategory.SEHAT),
            (12, 0, 1.0, IKSCategory.SEHAT),
            (5, 6, 5 / 11, IKSCategory.TIDAK_SEHAT),
            (0, 4, 0.0, IKSCategory.TIDAK_SEHAT),
        ],
    )
    def test_iks_is_y_over_y_plus_t(
        self, y: int, t: int, iks: float, category: IKSCategory
    ) -> None:
        """IKS = ΣY / (ΣY + ΣT), N answers left out, and the category follows it."""
        answers = [Answer.Y] * y + [Answer.T] * t + [Answer.N] * (12 - y - t)
        result = _result(answers)
        assert result.iks == pytest.approx(iks)
        assert result.category is category
        assert (result.met, result.not_met) == (y, t)

    def test_no_applicable_indicator_gives_no_iks(self) -> None:
        """With every indicator N, the IKS and the category are None."""
        result = _result([Answer.N] * 12)
        assert result.iks is None
        assert result.category is None
        assert result.applicable == ()

    def test_answer_and_reason_look_up_by_indicator(self) -> None:
        """answer() and reason() return the entry at the indicator's position."""
        answers = [Answer.N] * 12
        answers[Indicator.JKN.number - 1] = Answer.T
        reasons = [Label(str(n), str(n)) for n in range(1, 13)]
        result = PISPKResult(KK, "2025-06-15", answers, reasons)
        assert result.answer(Indicator.JKN) is Answer.T
        assert result.reason(Indicator.JKN) == Label("10", "10")
        assert result.applicable == (Indicator.JKN,)
        assert result.on == ON

    @pytest.mark.parametrize(
        "answers", [[Answer.Y] * 11, [Answer.Y] * 13, ["Y"] * 12], ids=["11", "13", "strings"]
    )
    def test_answers_must_be_twelve_answer_values(self, answers: list[Answer]) -> None:
        """Answers that are not 12 Answer members raise InvalidAssessmentError."""
        with pytest.raises(InvalidAssessmentError, match="answers"):
            PISPKResult(KK, ON, answers, [Label("x", "x")] * 12)

    def test_reasons_must_be_twelve_labels(self) -> None:
        """Reasons that are not 12 Labels raise InvalidAssessmentError."""
        with pytest.raises(InvalidAssessmentError, match="reasons"):
            PISPKResult(KK, ON, [Answer.N] * 12, ["x"] * 12)  # type: ignore[list-item]

    def test_bad_date_is_refused(self) -> None:
        """A date that does not exist raises InvalidDateError naming the field on."""
        with pytest.raises(InvalidDateError, match="on"):
            PISPKResult(KK, "2025-02-30", [Answer.N] * 12, [Label("x", "x")] * 12)

    def test_as_dict_is_plain_data_for_json(self) -> None:
        """as_dict() gives the IKS, the category code and each indicator's answer and reason."""
        data = assess_family(_family(), ON).as_dict()
        assert json.loads(json.dumps(data)) == data
        assert (data["kk_number"], data["on"], data["iks"], data["category"]) == (
            KK,
            "2025-06-15",
            1.0,
            "sehat",
        )
        assert data["indicators"][9] == {
            "number": 10,
            "code": "jkn",
            "answer": "Y",
            "reason": {
                "id": "seluruh anggota peserta JKN",
                "en": "every member is enrolled in JKN",
            },
        }

    def test_summary_reports_iks_and_every_indicator(self) -> None:
        """summary() has an IKS line and one line per indicator, in the language asked."""
        result = assess_family(_family(household=attrs.evolve(ALL_YES, jkn=False)), ON)
        lines = result.summary("id").splitlines()
        assert lines[0] == f"PIS-PK {KK} 2025-06-15: IKS 0.750 (Keluarga pra-sehat)"
        assert len(lines) == 13
        assert lines[10].startswith(" 10. T  Keluarga sudah menjadi anggota")
        assert "IKS 0.750 (Pre-healthy family)" in result.summary()

    def test_summary_without_iks(self) -> None:
        """With nothing applicable the summary shows IKS as a dash."""
        assert _result([Answer.N] * 12).summary().startswith(f"PIS-PK {KK} 2025-06-15: IKS -\n")

    def test_summary_language_must_be_id_or_en(self) -> None:
        """A language other than id or en raises InvalidAssessmentError."""
        with pytest.raises(InvalidAssessmentError, match="lang: 'fr'"):
            _result([Answer.N] * 12).summary("fr")

    def test_result_is_frozen(self) -> None:
        """A result cannot be changed in place."""
        result = _result([Answer.N] * 12)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            result.kk_number = "x"  # type: ignore[misc]


class TestFamilyPlanning:
    """Indicator 1: a couple of reproductive age (PUS) uses family planning."""

    def _kb(self, family: Family) -> Answer:
        return assess_family(family, ON).answer(Indicator.KB)

    @pytest.mark.parametrize(
        ("birth", "applies"),
        [
            (ON.subtract(years=15), True),
            (ON.subtract(years=15).add(days=1), False),
            (ON.subtract(years=50).add(days=1), True),
            (ON.subtract(years=50), False),
        ],
        ids=["15y", "14y", "49y", "50y"],
    )
    def test_applies_while_wife_is_15_to_49(self, birth: pendulum.Date, applies: bool) -> None:
        """The wife's completed age must be 15 to 49 years."""
        family = _family(_member("w", birth=birth, relation=Relation.SPOUSE))
        assert self._kb(family) is (Answer.Y if applies else Answer.N)

    def test_female_head_with_male_spouse_is_a_couple(self) -> None:
        """A female head and a male spouse make a PUS when she is 15–49."""
        family = _family(
            _adult("h", years=45, sex=Sex.MALE, relation=Relation.SPOUSE),
            head=_head(Sex.FEMALE, years=30),
        )
        assert self._kb(family) is Answer.Y

    def test_same_sex_spouse_is_not_a_couple_of_reproductive_age(self) -> None:
        """A spouse of the head's own sex does not make a PUS."""
        family = _family(_adult("s", years=30, sex=Sex.MALE, relation=Relation.SPOUSE))
        assert self._kb(family) is Answer.N

    def test_head_alone_is_not_a_couple(self) -> None:
        """A head without a spouse in the family gives N."""
        assert self._kb(_family()) is Answer.N

    def test_couple_outside_the_head_and_spouse_does_not_count(self) -> None:
        """A married child and in-law (relations child/other) are not counted as a PUS."""
        family = _family(
            _adult("son", years=25, sex=Sex.MALE, relation=Relation.CHILD),
            _adult("inlaw", years=24, relation=Relation.OTHER),
        )
        assert self._kb(family) is Answer.N

    def test_dead_spouse_leaves_no_couple(self) -> None:
        """A spouse who died before the date does not make a PUS."""
        spouse = _adult("w", years=30, relation=Relation.SPOUSE, death_date=ON.subtract(days=1))
        assert self._kb(_family(spouse)) is Answer.N

    @pytest.mark.parametrize(
        ("value", "answer", "words"),
        [
            (True, Answer.Y, "uses family planning"),
            (False, Answer.T, "does not use"),
            (None, Answer.T, "not recorded"),
        ],
    )
    def test_answer_comes_from_the_household_survey(
        self, value: bool | None, answer: Answer, words: str
    ) -> None:
        """family_planning True is Y; False is T; unknown is T with "not recorded"."""
        household = attrs.evolve(ALL_YES, family_planning=value)
        family = _family(_adult("w", years=30, relation=Relation.SPOUSE), household=household)
        result = assess_family(family, ON)
        assert result.answer(Indicator.KB) is answer
        assert words in result.reason(Indicator.KB).en


class TestFacilityDelivery:
    """Indicator 2: a mother with a baby of 0–11 months gave birth in a facility."""

    def _mother(
        self,
        pid: str = "m",
        *,
        delivered: pendulum.Date,
        outcome: Outcome | None = Outcome.LIVE_BIRTH,
        in_facility: bool | None = True,
        **kw: Any,
    ) -> Member:
        pregnancy = Pregnancy(
            delivered.subtract(days=275),
            delivery_date=delivered,
            outcome=outcome,
            in_facility=in_facility,
        )
        return _adult(pid, years=28, relation=Relation.SPOUSE, pregnancies=[pregnancy], **kw)

    def _answer(self, *mothers: Member) -> Answer:
        return assess_family(_family(*mothers), ON).answer(Indicator.FACILITY_DELIVERY)

    @pytest.mark.parametrize(
        ("months", "applies"), [(0, True), (11, True), (12, False)], ids=["0m", "11m", "12m"]
    )
    def test_applies_while_baby_is_0_to_11_months(self, months: int, applies: bool) -> None:
        """The delivery counts while the baby would be 0–11 completed months old."""
        mother = self._mother(delivered=ON.subtract(months=months))
        assert self._answer(mother) is (Answer.Y if applies else Answer.N)

    def test_delivery_on_the_day_before_the_first_birthday_applies(self) -> None:
        """A baby one day short of 12 months still makes the indicator apply."""
        mother = self._mother(delivered=ON.subtract(months=12).add(days=1))
        assert self._answer(mother) is Answer.Y

    def test_delivery_outside_a_facility_is_not_met(self) -> None:
        """in_facility False gives T naming the mother."""
        family = _family(self._mother(delivered=ON.subtract(months=3), in_facility=False))
        result = assess_family(family, ON)
        assert result.answer(Indicator.FACILITY_DELIVERY) is Answer.T
        assert (
            "did not deliver in a health facility: m"
            in result.reason(Indicator.FACILITY_DELIVERY).en
        )

    def test_unknown_place_of_delivery_is_not_met(self) -> None:
        """in_facility None gives T with "not recorded"."""
        family = _family(self._mother(delivered=ON.subtract(months=3), in_facility=None))
        result = assess_family(family, ON)
        assert result.answer(Indicator.FACILITY_DELIVERY) is Answer.T
        assert "not recorded" in result.reason(Indicator.FACILITY_DELIVERY).en

    def test_unstated_outcome_counts_as_a_birth(self) -> None:
        """A delivery without an outcome is taken as a live birth."""
        assert self._answer(self._mother(delivered=ON.subtract(months=2), outcome=None)) is (
            Answer.Y
        )

    def test_stillbirth_does_not_apply(self) -> None:
        """A stillbirth leaves no baby of 0–11 months, so N."""
        mother = self._mother(delivered=ON.subtract(months=2), outcome=Outcome.STILLBIRTH)
        assert self._answer(mother) is Answer.N

    def test_delivery_after_the_date_does_not_apply(self) -> None:
        """A delivery later than the assessment date is not yet a birth."""
        assert self._answer(self._mother(delivered=ON.add(days=1))) is Answer.N

    def test_dead_mother_is_not_counted(self) -> None:
        """A mother who died before the date is not a living member."""
        mother = self._mother(delivered=ON.subtract(months=2), death_date=ON.subtract(days=3))
        assert self._answer(mother) is Answer.N

    def test_every_mother_must_deliver_in_a_facility(self) -> None:
        """With two recent mothers, one home birth makes the family T."""
        daughter = _member(
            "d",
            birth=ON.subtract(years=19),
            pregnancies=[
                Pregnancy(
                    ON.subtract(months=14),
                    delivery_date=ON.subtract(months=5),
                    outcome=Outcome.LIVE_BIRTH,
                    in_facility=False,
                )
            ],
        )
        result = assess_family(_family(self._mother(delivered=ON.subtract(months=1)), daughter), ON)
        assert result.answer(Indicator.FACILITY_DELIVERY) is Answer.T
        assert result.reason(Indicator.FACILITY_DELIVERY).en.endswith(": d")


class TestCompleteImmunization:
    """Indicator 3: a child of 12–23 months has complete basic immunisation."""

    @pytest.mark.parametrize(
        ("months", "applies"),
        [(11, False), (12, True), (23, True), (24, False)],
        ids=["11m", "12m", "23m", "24m"],
    )
    def test_applies_for_children_12_to_23_months(self, months: int, applies: bool) -> None:
        """Only a child of 12 to 23 completed months makes indicator 3 apply."""
        family = _family(_child(months=months))
        result = assess_family(family, ON, records={"c": _idl()})
        expected = Answer.Y if applies else Answer.N
        assert result.answer(Indicator.COMPLETE_IMMUNIZATION) is expected

    def test_day_before_second_birthday_still_applies(self) -> None:
        """A child one day short of 24 months is 23 completed months old."""
        family = _family(_member("c", birth=ON.subtract(months=24).add(days=1)))
        result = assess_family(family, ON)
        assert result.answer(Indicator.COMPLETE_IMMUNIZATION) is Answer.T

    def test_missing_dose_is_not_met_and_named(self) -> None:
        """A child without MR-1 is T, and the reason names MR-1."""
        records = [r for r in _idl() if r.code != "MR-1"]
        result = assess_family(_family(_child(months=15)), ON, records={"c": records})
        assert result.answer(Indicator.COMPLETE_IMMUNIZATION) is Answer.T
        reason = result.reason(Indicator.COMPLETE_IMMUNIZATION)
        assert reason.en == "basic immunisation incomplete: c (missing MR-1)"
        assert reason.id == "imunisasi dasar belum lengkap: c (kurang MR-1)"

    def test_child_without_records_is_not_met(self) -> None:
        """No records at all counts as not met (T), with "no records"."""
        result = assess_family(_family(_child(months=15)), ON)
        assert result.answer(Indicator.COMPLETE_IMMUNIZATION) is Answer.T
        assert "no records" in result.reason(Indicator.COMPLETE_IMMUNIZATION).en

    def test_doses_after_the_date_do_not_count(self) -> None:
        """A dose recorded after the assessment date does not complete the set."""
        records = [r for r in _idl() if r.code != "MR-1"] + [ServiceRecord("MR-1", ON.add(days=1))]
        result = assess_family(_family(_child(months=15)), ON, records={"c": records})
        assert result.answer(Indicator.COMPLETE_IMMUNIZATION) is Answer.T

    def test_pcv_and_rotavirus_are_not_required(self) -> None:
        """The classic set without PCV or RV doses is complete."""
        result = assess_family(_family(_child(months=18)), ON, records={"c": _idl()})
        assert result.answer(Indicator.COMPLETE_IMMUNIZATION) is Answer.Y

    def test_every_child_must_be_complete(self) -> None:
        """With two children of 12–23 months, one incomplete child makes the family T."""
        family = _family(_child("c1", months=13), _child("c2", months=20))
        result = assess_family(family, ON, records={"c1": _idl()})
        assert result.answer(Indicator.COMPLETE_IMMUNIZATION) is Answer.T
        assert "c2" in result.reason(Indicator.COMPLETE_IMMUNIZATION).en
        assert "c1" not in result.reason(Indicator.COMPLETE_IMMUNIZATION).en


class TestExclusiveBreastfeeding:
    """Indicator 4: an infant of 7–23 months was exclusively breastfed."""

    @pytest.mark.parametrize(
        ("months", "applies"),
        [(6, False), (7, True), (23, True), (24, False)],
        ids=["6m", "7m", "23m", "24m"],
    )
    def test_applies_for_infants_7_to_23_months(self, months: int, applies: bool) -> None:
        """Only an infant of 7 to 23 completed months makes indicator 4 apply."""
        result = assess_family(_family(_child(months=months)), ON)
        expected = Answer.Y if applies else Answer.N
        assert result.answer(Indicator.EXCLUSIVE_BREASTFEEDING) is expected

    @pytest.mark.parametrize(
        ("value", "answer"), [(True, Answer.Y), (False, Answer.T), (None, Answer.T)]
    )
    def test_answer_comes_from_the_household_survey(
        self, value: bool | None, answer: Answer
    ) -> None:
        """exclusive_breastfeeding True is Y; False or unknown is T."""
        household = attrs.evolve(ALL_YES, exclusive_breastfeeding=value)
        result = assess_family(_family(_child(months=9), household=household), ON)
        assert result.answer(Indicator.EXCLUSIVE_BREASTFEEDING) is answer


class TestGrowthMonitoring:
    """Indicator 5: a child of 2–59 months was weighed last month."""

    def _answer(self, months: int, weighed: list[pendulum.Date], on: pendulum.Date = ON) -> Answer:
        family = _family(_member("c", birth=on.subtract(months=months)))
        records = {"c": [ServiceRecord(GROWTH_CODE, d) for d in weighed]}
        return assess_family(family, on, records=records).answer(Indicator.GROWTH_MONITORING)

    @pytest.mark.parametrize(
        ("months", "applies"),
        [(1, False), (2, True), (59, True), (60, False)],
        ids=["1m", "2m", "59m", "60m"],
    )
    def test_applies_for_children_2_to_59_months(self, months: int, applies: bool) -> None:
        """Only a child of 2 to 59 completed months makes indicator 5 apply."""
        weighed = [ON.subtract(days=10)]
        assert self._answer(months, weighed) is (Answer.Y if applies else Answer.N)

    def test_weighing_on_first_day_of_previous_month_counts(self) -> None:
        """A GROWTH record on the first day of last month is Y."""
        assert self._answer(10, [pendulum.Date(2025, 5, 1)]) is Answer.Y

    def test_weighing_two_months_ago_does_not_count(self) -> None:
        """A GROWTH record on the last day of the month before last is T."""
        assert self._answer(10, [pendulum.Date(2025, 4, 30)]) is Answer.T

    def test_weighing_earlier_this_month_counts(self) -> None:
        """A GROWTH record this month, on or before the date, is Y."""
        assert self._answer(10, [ON]) is Answer.Y

    def test_weighing_after_the_date_does_not_count(self) -> None:
        """A GROWTH record after the assessment date is T."""
        assert self._answer(10, [ON.add(days=1)]) is Answer.T

    def test_window_in_january_reaches_back_to_december(self) -> None:
        """Assessed in January, a weighing on 1 December of the year before counts."""
        on = pendulum.Date(2025, 1, 20)
        assert self._answer(10, [pendulum.Date(2024, 12, 1)], on=on) is Answer.Y
        assert self._answer(10, [pendulum.Date(2024, 11, 30)], on=on) is Answer.T

    def test_reason_names_code_window_and_child(self) -> None:
        """The reason names the code, the window start and the child not weighed."""
        result = assess_family(_family(_child(months=10)), ON)
        reason = result.reason(Indicator.GROWTH_MONITORING)
        assert reason.en == "no GROWTH since 2025-05-01: c"
        assert reason.id == "tidak ada GROWTH sejak 2025-05-01: c"


class TestTreatmentIndicators:
    """Indicators 6–8: TB, hypertension and severe mental illness under care."""

    CASES = (
        (Indicator.TB_TREATMENT, Condition.TUBERCULOSIS, TB_TREATMENT_CODE),
        (Indicator.HYPERTENSION_TREATMENT, Condition.HYPERTENSION, HYPERTENSION_CONTROL_CODE),
        (
            Indicator.MENTAL_ILLNESS_TREATMENT,
            Condition.SEVERE_MENTAL_DISORDER,
            MENTAL_ILLNESS_CARE_CODE,
        ),
    )

    def _assess(
        self, condition: Condition, birth: pendulum.Date, records: list[ServiceRecord]
    ) -> PISPKResult:
        patient = _member("p", birth=birth, relation=Relation.PARENT, conditions=[condition])
        return assess_family(_family(patient), ON, records={"p": records})

    @pytest.mark.parametrize(("indicator", "condition", "code"), CASES)
    def test_recent_care_record_is_met(
        self, indicator: Indicator, condition: Condition, code: str
    ) -> None:
        """A patient with the care record since the start of last month is Y."""
        result = self._assess(condition, ON.subtract(years=50), [ServiceRecord(code, "2025-05-20")])
        assert result.answer(indicator) is Answer.Y

    @pytest.mark.parametrize(("indicator", "condition", "code"), CASES)
    def test_old_care_record_is_not_met(
        self, indicator: Indicator, condition: Condition, code: str
    ) -> None:
        """A care record from before last month is T."""
        result = self._assess(condition, ON.subtract(years=50), [ServiceRecord(code, "2025-04-30")])
        assert result.answer(indicator) is Answer.T
        assert result.reason(indicator).en == f"no {code} since 2025-05-01: p"

    @pytest.mark.parametrize(("indicator", "condition", "code"), CASES)
    def test_another_code_does_not_count(
        self, indicator: Indicator, condition: Condition, code: str
    ) -> None:
        """Only the indicator's own code counts as care."""
        other = "PTM-SCREEN"
        result = self._assess(condition, ON.subtract(years=50), [ServiceRecord(other, ON)])
        assert code != other
        assert result.answer(indicator) is Answer.T

    @pytest.mark.parametrize(
        ("indicator", "condition"),
        [
            (Indicator.TB_TREATMENT, Condition.TUBERCULOSIS),
            (Indicator.HYPERTENSION_TREATMENT, Condition.HYPERTENSION),
        ],
    )
    def test_tb_and_hypertension_count_members_from_15_years(
        self, indicator: Indicator, condition: Condition
    ) -> None:
        """A patient of 14 years is N; from the 15th birthday the indicator applies."""
        young = self._assess(condition, ON.subtract(years=15).add(days=1), [])
        fifteen = self._assess(condition, ON.subtract(years=15), [])
        assert young.answer(indicator) is Answer.N
        assert fifteen.answer(indicator) is Answer.T

    def test_severe_mental_illness_counts_at_any_age(self) -> None:
        """A 12-year-old with severe mental illness makes indicator 8 apply."""
        result = self._assess(Condition.SEVERE_MENTAL_DISORDER, ON.subtract(years=12), [])
        assert result.answer(Indicator.MENTAL_ILLNESS_TREATMENT) is Answer.T

    def test_every_patient_must_be_under_care(self) -> None:
        """With two hypertensive members, the untreated one makes the family T."""
        family = _family(
            _adult("a", years=60, conditions=["hypertension"]),
            _adult("b", years=62, conditions=["hypertension"]),
        )
        records = {"a": [ServiceRecord("HT-CONTROL", "2025-06-01")]}
        result = assess_family(family, ON, records=records)
        assert result.answer(Indicator.HYPERTENSION_TREATMENT) is Answer.T
        assert result.reason(Indicator.HYPERTENSION_TREATMENT).en.endswith(": b")

    def test_member_without_the_condition_is_not_counted(self) -> None:
        """A family with no one carrying the condition is N on 6–8."""
        result = assess_family(_family(_adult("a", years=60, conditions=["diabetes"])), ON)
        assert all(result.answer(i) is Answer.N for i, _, _ in self.CASES)


class TestHouseholdIndicators:
    """Indicators 9–12: always applicable, answered from household facts."""

    FIELDS = (
        (Indicator.NO_SMOKING, "no_smoker"),
        (Indicator.JKN, "jkn"),
        (Indicator.CLEAN_WATER, "clean_water"),
        (Indicator.HEALTHY_LATRINE, "healthy_latrine"),
    )

    @pytest.mark.parametrize(("indicator", "field"), FIELDS)
    @pytest.mark.parametrize(
        ("value", "answer"), [(True, Answer.Y), (False, Answer.T), (None, Answer.T)]
    )
    def test_answer_comes_from_the_household(
        self, indicator: Indicator, field: str, value: bool | None, answer: Answer
    ) -> None:
        """True is Y; False is T; unknown is T with "not recorded"."""
        household = attrs.evolve(ALL_YES, **{field: value})
        result = assess_family(_family(household=household), ON)
        assert result.answer(indicator) is answer
        assert ("not recorded" in result.reason(indicator).en) is (value is None)

    def test_recorded_smoker_overrides_the_household_answer(self) -> None:
        """A member carrying Condition.SMOKER makes indicator 9 T even if no_smoker is True."""
        result = assess_family(_family(_adult("s", years=17, conditions=["smoker"])), ON)
        assert result.answer(Indicator.NO_SMOKING) is Answer.T
        assert result.reason(Indicator.NO_SMOKING) == Label(
            "anggota merokok: s", "members who smoke: s"
        )

    def test_dead_smoker_does_not_count(self) -> None:
        """A smoker who died before the date no longer makes indicator 9 T."""
        smoker = _adult("s", years=70, conditions=["smoker"], death_date=ON.subtract(days=1))
        assert assess_family(_family(smoker), ON).answer(Indicator.NO_SMOKING) is Answer.Y


class TestLivingMembers:
    """Only members alive on the date count."""

    def test_child_not_yet_born_is_not_counted(self) -> None:
        """A child born after the date is ignored rather than refused."""
        family = _family(_member("c", birth=ON.add(days=30)))
        result = assess_family(family, ON)
        assert all(result.answer(i) is Answer.N for i in list(Indicator)[:8])

    def test_records_of_an_unborn_member_are_accepted(self) -> None:
        """Records of a member born after the date are valid and simply not counted."""
        family = _family(_member("c", birth=ON.add(days=30)))
        records = {"c": [ServiceRecord("HB0", ON.add(days=30))]}
        assert assess_family(family, ON, records=records).iks == 1.0

    def test_family_with_no_applicable_clinical_indicator(self) -> None:
        """A lone adult without conditions gets N on 1–8 and is judged on 9–12 alone."""
        result = assess_family(_family(), ON)
        assert [result.answer(i) for i in Indicator] == [Answer.N] * 8 + [Answer.Y] * 4
        assert result.applicable == HOUSEHOLD_INDICATORS
        assert result.iks == 1.0
        assert result.category is IKSCategory.SEHAT

    def test_family_with_nobody_alive_has_no_iks(self) -> None:
        """When no member is alive on the date, every indicator is N and the IKS is None."""
        head = _head(death_date=ON.subtract(days=1))
        result = assess_family(_family(head=head), ON)
        assert set(result.answers) == {Answer.N}
        assert result.iks is None
        assert result.category is None
        assert "no family member is alive" in result.reason(Indicator.JKN).en


class TestIKSOfAFamily:
    """The IKS and category assess_family gives, at the band edges."""

    @pytest.mark.parametrize(
        ("no", "iks", "category"),
        [
            (0, 1.0, IKSCategory.SEHAT),
            (1, 0.75, IKSCategory.PRA_SEHAT),
            (2, 0.5, IKSCategory.PRA_SEHAT),
            (3, 0.25, IKSCategory.TIDAK_SEHAT),
            (4, 0.0, IKSCategory.TIDAK_SEHAT),
        ],
    )
    def test_household_only_family(self, no: int, iks: float, category: IKSCategory) -> None:
        """A family judged on 9–12 only has IKS = (4 − failures) / 4."""
        changes = {field: False for _, field in TestHouseholdIndicators.FIELDS[:no]}
        result = assess_family(_family(household=attrs.evolve(ALL_YES, **changes)), ON)
        assert result.iks == iks
        assert result.category is category

    def test_exactly_four_fifths_is_pra_sehat(self) -> None:
        """Four Y out of five applicable indicators (IKS 0.8) is pra-sehat."""
        family = _family(_adult("g", years=65, conditions=["hypertension"]))
        result = assess_family(family, ON)
        assert result.iks == 0.8
        assert result.category is IKSCategory.PRA_SEHAT

    def test_just_above_four_fifths_is_sehat(self) -> None:
        """Five Y out of six applicable indicators (IKS 0.833) is sehat."""
        family = _family(_adult("g", years=65, conditions=["hypertension", "tuberculosis"]))
        records = {"g": [ServiceRecord("HT-CONTROL", "2025-06-02")]}
        result = assess_family(family, ON, records=records)
        assert result.iks == pytest.approx(5 / 6)
        assert result.category is IKSCategory.SEHAT

    def test_full_young_family(self) -> None:
        """A young family meeting every applicable indicator scores 1.0."""
        mother = _adult(
            "w",
            years=27,
            relation=Relation.SPOUSE,
            pregnancies=[
                Pregnancy(
                    "2024-03-01", delivery_date="2024-12-05", outcome="live_birth", in_facility=True
                )
            ],
        )
        baby = _member("b", birth=pendulum.Date(2024, 12, 5))
        toddler = _child("t", months=20)
        records = {
            "b": [ServiceRecord("GROWTH", "2025-05-12")],
            "t": [*_idl(), ServiceRecord("GROWTH", "2025-05-12")],
        }
        result = assess_family(_family(mother, baby, toddler), ON, records=records)
        assert result.applicable == (*list(Indicator)[:5], *HOUSEHOLD_INDICATORS)
        assert result.iks == 1.0


class TestBadInput:
    """Bad input raises ILPError subclasses that name the offending value."""

    def test_family_must_be_a_family(self) -> None:
        """Anything but a Family raises InvalidFamilyError."""
        with pytest.raises(InvalidFamilyError, match="expected a Family"):
            assess_family({"kk_number": KK}, ON)  # type: ignore[arg-type]

    def test_bad_date_is_refused(self) -> None:
        """An impossible date raises InvalidDateError naming on."""
        with pytest.raises(InvalidDateError, match="on: '2025-13-01'"):
            assess_family(_family(), "2025-13-01")

    def test_records_for_a_stranger_name_the_id(self) -> None:
        """Records for a person id outside the family raise InvalidRecordError naming it."""
        with pytest.raises(InvalidRecordError, match="'ghost' is not a member") as info:
            assess_family(_family(), ON, records={"ghost": []})
        assert info.value.value == "ghost"

    def test_records_keyed_by_a_non_text_id_are_refused(self) -> None:
        """A record key that is not a text id raises InvalidRecordError naming it."""
        with pytest.raises(InvalidRecordError, match="person id 7"):
            assess_family(_family(), ON, records={7: []})  # type: ignore[dict-item]

    def test_records_must_be_a_mapping(self) -> None:
        """Records given as a list raise InvalidRecordError."""
        with pytest.raises(InvalidRecordError, match="expected a mapping"):
            assess_family(_family(), ON, records=[ServiceRecord("BCG", ON)])  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "items", ["BCG", ServiceRecord("BCG", ON), 3], ids=["str", "record", "int"]
    )
    def test_records_per_person_must_be_an_iterable_of_records(self, items: object) -> None:
        """A person's records that are not an iterable of records raise InvalidRecordError."""
        with pytest.raises(InvalidRecordError, match=r"records\['head'\]"):
            assess_family(_family(), ON, records={"head": items})  # type: ignore[dict-item]

    def test_record_items_must_be_service_records(self) -> None:
        """A mapping among a person's records raises InvalidRecordError."""
        with pytest.raises(InvalidRecordError, match="expected ServiceRecord items"):
            assess_family(_family(), ON, records={"head": [{"code": "BCG"}]})  # type: ignore[list-item]

    def test_record_before_birth_is_refused(self) -> None:
        """A record dated before the person's birth raises InvalidRecordError."""
        records = {"c": [ServiceRecord("BCG", ON.subtract(years=3))]}
        with pytest.raises(InvalidRecordError, match="before the date of birth"):
            assess_family(_family(_child(months=15)), ON, records=records)

    def test_every_error_is_an_ilp_error(self) -> None:
        """The errors raised all derive from ILPError and ValueError."""
        for error in (InvalidAssessmentError, InvalidRecordError, InvalidFamilyError):
            assert issubclass(error, ILPError)
            assert issubclass(error, ValueError)


class TestAggregate:
    """aggregate(): share of sehat families and per-indicator coverage."""

    def _results(self) -> list[PISPKResult]:
        smoker = _adult("s", years=30, conditions=["smoker"])
        untreated = _adult("g", years=70, conditions=["hypertension"])
        treated = _adult("g", years=70, conditions=["hypertension"])
        no_latrine = attrs.evolve(ALL_YES, healthy_latrine=False, clean_water=False)
        families = [
            _family(),  # 4/4 sehat
            attrs.evolve(_family(smoker), kk_number="3201010101010002"),  # 3/4 pra-sehat
            attrs.evolve(_family(untreated), kk_number="3201010101010003"),  # 4/5 pra-sehat
            attrs.evolve(
                _family(treated, household=no_latrine), kk_number="3201010101010004"
            ),  # 3/5 pra-sehat
            attrs.evolve(
                _family(household=attrs.evolve(no_latrine, jkn=False)),
                kk_number="3201010101010005",
            ),  # 1/4 tidak sehat
        ]
        records = [None, None, None, {"g": [ServiceRecord("HT-CONTROL", "2025-06-01")]}, None]
        return [assess_family(f, ON, records=r) for f, r in zip(families, records, strict=True)]

    def test_counts_families_by_category(self) -> None:
        """Each family is counted once, in its IKS band."""
        summary = aggregate(self._results())
        assert (summary.families, summary.sehat, summary.pra_sehat, summary.tidak_sehat) == (
            5,
            1,
            3,
            1,
        )
        assert summary.share_sehat == pytest.approx(1 / 5)

    def test_coverage_is_y_over_applicable_families(self) -> None:
        """Coverage is Y / (Y + T), leaving out families where the indicator is N."""
        summary = aggregate(self._results())
        assert summary.coverage(Indicator.HYPERTENSION_TREATMENT) == pytest.approx(1 / 2)
        assert summary.coverage(Indicator.NO_SMOKING) == pytest.approx(4 / 5)
        assert summary.coverage(Indicator.HEALTHY_LATRINE) == pytest.approx(3 / 5)
        assert summary.coverage(Indicator.KB) is None

    def test_no_results_give_empty_summary(self) -> None:
        """Aggregating nothing gives zero families and no shares."""
        summary = aggregate([])
        assert summary.families == 0
        assert summary.share_sehat is None
        assert all(summary.coverage(i) is None for i in Indicator)

    def test_family_without_iks_is_counted_but_not_banded(self) -> None:
        """A family with nobody alive counts as a family but not in the sehat share."""
        dead = assess_family(_family(head=_head(death_date=ON.subtract(days=1))), ON)
        summary = aggregate([dead])
        assert (summary.families, summary.with_iks, summary.share_sehat) == (1, 0, None)

    def test_as_dict_is_plain_data_for_json(self) -> None:
        """as_dict() gives the counts, the sehat share and each indicator's coverage."""
        data = aggregate(self._results()).as_dict()
        assert json.loads(json.dumps(data)) == data
        assert data["share_sehat"] == pytest.approx(0.2)
        assert data["coverage"]["hypertension_treatment"] == {
            "met": 1,
            "not_met": 1,
            "coverage": 0.5,
        }
        assert data["coverage"]["kb"]["coverage"] is None

    def test_same_family_twice_is_refused(self) -> None:
        """Two results for the same family card raise InvalidAssessmentError."""
        result = assess_family(_family(), ON)
        with pytest.raises(InvalidAssessmentError, match=r"family \*{16} appears twice"):
            aggregate([result, result])

    def test_items_must_be_results(self) -> None:
        """An item that is not a PISPKResult raises InvalidAssessmentError."""
        with pytest.raises(InvalidAssessmentError, match="expected PISPKResult items"):
            aggregate([_family()])  # type: ignore[list-item]

    def test_summary_counts_must_be_twelve_non_negative_integers(self) -> None:
        """A summary built with a wrong count list raises InvalidAssessmentError."""
        with pytest.raises(InvalidAssessmentError, match="12 counts"):
            PISPKSummary(families=0, sehat=0, pra_sehat=0, tidak_sehat=0, met=[0], not_met=[0] * 12)


# --- properties ---------------------------------------------------------------------------------

_CODES = (
    *BASIC_IMMUNIZATION,
    GROWTH_CODE,
    TB_TREATMENT_CODE,
    HYPERTENSION_CONTROL_CODE,
    MENTAL_ILLNESS_CARE_CODE,
)
_MAYBE = st.sampled_from([True, False, None])
#: Age in days on the date: young children, adults, or not yet born (negative).
_AGE_DAYS = st.integers(-200, 6 * 365) | st.integers(15 * 365, 80 * 365)


@st.composite
def _scenarios(
    draw: st.DrawFn,
) -> tuple[Family, pendulum.Date, dict[str, list[ServiceRecord]]]:
    """A hand-built family, a date and records: some members unborn or dead on the date."""
    on = pendulum.Date.fromordinal(
        draw(st.integers(dt.date(2018, 1, 1).toordinal(), dt.date(2030, 12, 31).toordinal()))
    )
    members: list[Member] = []
    records: dict[str, list[ServiceRecord]] = {}
    for n in range(draw(st.integers(1, 6))):
        pid = f"p{n}"
        sex = draw(st.sampled_from(Sex))
        birth = on.subtract(days=draw(_AGE_DAYS))
        death = None
        if draw(st.booleans()) and draw(st.booleans()):
            death = birth.add(days=draw(st.integers(0, 80 * 365)))
        pregnancies = []
        ten = birth.add(years=12)
        if sex is Sex.FEMALE and ten < on and draw(st.booleans()):
            lmp = on.subtract(days=draw(st.integers(0, on.toordinal() - ten.toordinal())))
            if death is None or lmp <= death:
                delivered = draw(st.none() | st.integers(140, 300))
                outcome = draw(st.sampled_from([None, Outcome.LIVE_BIRTH, Outcome.STILLBIRTH]))
                pregnancies.append(
                    Pregnancy(
                        lmp,
                        delivery_date=None if delivered is None else lmp.add(days=delivered),
                        outcome=None if delivered is None else outcome,
                        in_facility=draw(_MAYBE),
                    )
                )
        person = Person(
            pid,
            sex,
            birth,
            death_date=death,
            conditions=draw(st.frozensets(st.sampled_from(Condition), max_size=3)),
            pregnancies=pregnancies,
        )
        relation = Relation.HEAD if n == 0 else draw(st.sampled_from(list(Relation)[1:]))
        members.append(Member(person, relation))
        # records count back from the date (or from death), a few after the date
        last = on.add(days=draw(st.sampled_from([0, 0, 0, 30])))
        if death is not None:
            last = min(last, death)
        last = max(last, birth)
        span = last.toordinal() - birth.toordinal()
        codes = list(BASIC_IMMUNIZATION) if draw(st.booleans()) else []
        codes += draw(st.lists(st.sampled_from(_CODES), max_size=8))
        records[pid] = [
            ServiceRecord(code, last.subtract(days=draw(st.integers(0, min(span, 90)))))
            for code in codes
        ]
    household = Household(
        family_planning=draw(_MAYBE),
        no_smoker=draw(_MAYBE),
        jkn=draw(_MAYBE),
        clean_water=draw(_MAYBE),
        healthy_latrine=draw(_MAYBE),
        exclusive_breastfeeding=draw(_MAYBE),
    )
    return Family(KK, members, household=household), on, records


class TestProperties:
    """Properties that hold for any family Hypothesis can build."""

    @settings(deadline=None)
    @given(_scenarios())
    def test_iks_is_between_zero_and_one_and_counts_y_over_y_plus_t(
        self, scenario: tuple[Family, pendulum.Date, dict[str, list[ServiceRecord]]]
    ) -> None:
        """The IKS is ΣY / (ΣY + ΣT), in [0, 1], and None only when nothing applies."""
        family, on, records = scenario
        result = assess_family(family, on, records=records)
        y, t = result.answers.count(Answer.Y), result.answers.count(Answer.T)
        if y + t == 0:
            assert result.iks is None
        else:
            assert result.iks is not None
            assert 0 <= result.iks <= 1
            assert result.iks == y / (y + t)
        alive = any(p.is_alive(on) for p in family.people)
        assert all((result.answer(i) is not Answer.N) is alive for i in HOUSEHOLD_INDICATORS)

    @settings(deadline=None)
    @given(_scenarios())
    def test_category_agrees_with_iks(
        self, scenario: tuple[Family, pendulum.Date, dict[str, list[ServiceRecord]]]
    ) -> None:
        """Sehat is above 0.8, pra-sehat 0.5 to 0.8, tidak sehat below 0.5."""
        family, on, records = scenario
        result = assess_family(family, on, records=records)
        iks, category = result.iks, result.category
        if iks is None:
            assert category is None
        elif iks > 0.8:
            assert category is IKSCategory.SEHAT
        elif iks >= 0.5:
            assert category is IKSCategory.PRA_SEHAT
        else:
            assert category is IKSCategory.TIDAK_SEHAT

    @settings(deadline=None)
    @given(_scenarios(), st.randoms(use_true_random=False))
    def test_result_depends_only_on_the_inputs(
        self,
        scenario: tuple[Family, pendulum.Date, dict[str, list[ServiceRecord]]],
        rnd: Random,
    ) -> None:
        """The same family, date and records give the same result, in any record order."""
        family, on, records = scenario
        first = assess_family(family, on, records=records)
        shuffled = {}
        for pid in reversed(list(records)):
            items = list(records[pid])
            rnd.shuffle(items)
            shuffled[pid] = tuple(items)
        assert assess_family(family, on, records=shuffled) == first
        assert assess_family(family, str(on), records=records) == first
        assert aggregate([first]) == aggregate([assess_family(family, on, records=records)])

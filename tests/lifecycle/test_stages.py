"""Life-cycle stages on the day before, on, and after every boundary (decisions.md)."""

from __future__ import annotations

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilp import Cluster
from ilp.dates import add_months
from ilp.errors import InvalidDateError
from ilp.lifecycle import LifeStage, stages_of
from ilp.people import Outcome, Person, Pregnancy
from ilp.testing import dates, persons

D = pendulum.Date
S = LifeStage
BIRTH = D(2020, 1, 31)  # a month-end birthday: month arithmetic clamps (28/29 February)
AGE_STAGES = frozenset(
    {S.NEONATUS, S.BAYI, S.BALITA, S.PRASEKOLAH, S.USIA_SEKOLAH, S.REMAJA, S.DEWASA, S.LANSIA}
)
PREGNANCY_STAGES = frozenset({S.IBU_HAMIL, S.IBU_BERSALIN, S.IBU_NIFAS})
ON: st.SearchStrategy[pendulum.Date] = st.shared(
    dates(min_value="2000-01-01", max_value="2039-12-31"), key="on"
)


def child() -> Person:
    return Person("c", "F", BIRTH)


def at_months(months: int, days: int = 0) -> pendulum.Date:
    """The date of birth plus *months* calendar months plus *days* days."""
    return add_months(BIRTH, months).add(days=days)


def age_stages(on: pendulum.Date) -> frozenset[LifeStage]:
    return stages_of(child(), on) & AGE_STAGES


class TestNeonatus:
    @pytest.mark.parametrize(("days", "expected"), [(0, True), (28, True), (29, False)])
    def test_newborn_from_day_0_through_day_28(self, days: int, expected: bool) -> None:
        """A newborn (neonatus) is 0 to 28 days old inclusive; day 29 is not."""
        assert (S.NEONATUS in stages_of(child(), BIRTH.add(days=days))) is expected

    def test_day_of_birth_is_neonatus_bayi_and_balita(self) -> None:
        """On the day of birth a child is in the three infant stages and nothing else."""
        assert stages_of(child(), BIRTH) == {S.NEONATUS, S.BAYI, S.BALITA}


class TestAgeBoundaries:
    @pytest.mark.parametrize(
        ("stage", "end_month"),
        [
            (S.BAYI, 12),
            (S.BALITA, 60),
            (S.PRASEKOLAH, 84),
            (S.USIA_SEKOLAH, 216),
            (S.REMAJA, 216),
            (S.DEWASA, 720),
        ],
    )
    def test_stage_ends_the_day_before_its_end_month(
        self, stage: LifeStage, end_month: int
    ) -> None:
        """In the stage the day before birth + end months; out of it from that day on."""
        assert stage in age_stages(at_months(end_month, -1))
        assert stage not in age_stages(at_months(end_month))
        assert stage not in age_stages(at_months(end_month, 1))

    @pytest.mark.parametrize(
        ("stage", "first_month"),
        [
            (S.PRASEKOLAH, 60),
            (S.USIA_SEKOLAH, 72),
            (S.REMAJA, 120),
            (S.DEWASA, 216),
            (S.LANSIA, 720),
        ],
    )
    def test_stage_starts_on_birth_plus_its_first_month(
        self, stage: LifeStage, first_month: int
    ) -> None:
        """Out of the stage the day before birth + first months; in it that day and after."""
        assert stage not in age_stages(at_months(first_month, -1))
        assert stage in age_stages(at_months(first_month))
        assert stage in age_stages(at_months(first_month, 1))

    def test_bayi_is_through_11_completed_months(self) -> None:
        """Bayi is 0 to 11 months: the day before the first birthday is the last day."""
        assert at_months(12, -1) == D(2021, 1, 30)
        assert S.BAYI in age_stages(D(2021, 1, 30))
        assert S.BAYI not in age_stages(D(2021, 1, 31))

    def test_balita_ends_the_day_before_the_fifth_birthday(self) -> None:
        """Balita is 0 to 59 months: 'until 59 months' ends the day before 60 months."""
        assert S.BALITA in age_stages(D(2025, 1, 30))
        assert age_stages(D(2025, 1, 31)) == {S.PRASEKOLAH}

    def test_month_end_birthday_counts_months_by_clamped_dates(self) -> None:
        """Born 31 January, a child is one month old on 29 February of a leap year."""
        assert at_months(1) == D(2020, 2, 29)

    def test_prasekolah_and_usia_sekolah_overlap_from_age_6_to_7(self) -> None:
        """Between 72 and 83 months a child is both pre-school and school age."""
        assert age_stages(at_months(72)) == {S.PRASEKOLAH, S.USIA_SEKOLAH}
        assert age_stages(at_months(84)) == {S.USIA_SEKOLAH}

    def test_remaja_are_also_usia_sekolah_until_18(self) -> None:
        """From 10 to under 18 years a person is both adolescent and school age."""
        assert age_stages(at_months(120)) == {S.USIA_SEKOLAH, S.REMAJA}
        assert age_stages(at_months(216, -1)) == {S.USIA_SEKOLAH, S.REMAJA}
        assert age_stages(at_months(216)) == {S.DEWASA}

    def test_dewasa_until_the_day_before_60_then_lansia(self) -> None:
        """Adult through 59 years; elderly from the sixtieth birthday with no upper bound."""
        assert age_stages(at_months(720, -1)) == {S.DEWASA}
        assert age_stages(at_months(720)) == {S.LANSIA}
        assert age_stages(at_months(1300)) == {S.LANSIA}

    def test_leap_day_birth_reaches_a_stage_on_28_february(self) -> None:
        """Born 29 February, a person turns 18 (dewasa) on 28 February of a common year."""
        person = Person("l", "M", "2004-02-29")
        assert S.DEWASA not in stages_of(person, "2022-02-27")
        assert S.DEWASA in stages_of(person, "2022-02-28")


class TestPregnancyStages:
    LMP = D(2024, 1, 1)
    DELIVERY = D(2024, 9, 27)  # day 270

    def mother(self, pregnancy: Pregnancy) -> Person:
        return Person("m", "F", "1995-05-05", pregnancies=[pregnancy])

    def on(self, pregnancy: Pregnancy, day: pendulum.Date) -> frozenset[LifeStage]:
        return stages_of(self.mother(pregnancy), day) & PREGNANCY_STAGES

    def test_pregnant_from_the_hpht(self) -> None:
        """IBU_HAMIL starts on the HPHT, not the day before."""
        p = Pregnancy(self.LMP, delivery_date=self.DELIVERY)
        assert self.on(p, self.LMP.subtract(days=1)) == set()
        assert self.on(p, self.LMP) == {S.IBU_HAMIL}

    def test_pregnant_until_the_day_before_delivery(self) -> None:
        """The day before delivery is the last day of IBU_HAMIL."""
        p = Pregnancy(self.LMP, delivery_date=self.DELIVERY)
        assert self.on(p, self.DELIVERY.subtract(days=1)) == {S.IBU_HAMIL}

    def test_delivery_day_is_bersalin_and_nifas_not_hamil(self) -> None:
        """On the delivery day a woman is IBU_BERSALIN and IBU_NIFAS (day 0), no longer hamil."""
        p = Pregnancy(self.LMP, delivery_date=self.DELIVERY)
        assert self.on(p, self.DELIVERY) == {S.IBU_BERSALIN, S.IBU_NIFAS}

    @pytest.mark.parametrize(("day", "expected"), [(1, True), (42, True), (43, False)])
    def test_nifas_through_day_42_after_delivery(self, day: int, expected: bool) -> None:
        """Postpartum (nifas) lasts from the delivery day through day 42, not day 43."""
        p = Pregnancy(self.LMP, delivery_date=self.DELIVERY)
        got = self.on(p, self.DELIVERY.add(days=day))
        assert got == ({S.IBU_NIFAS} if expected else set())

    @pytest.mark.parametrize("outcome", [Outcome.STILLBIRTH, None])
    def test_stillbirth_and_unstated_outcome_are_deliveries(self, outcome: Outcome | None) -> None:
        """A stillbirth, or a delivery whose outcome is not recorded, gives bersalin and nifas."""
        p = Pregnancy(self.LMP, delivery_date=self.DELIVERY, outcome=outcome)
        assert self.on(p, self.DELIVERY) == {S.IBU_BERSALIN, S.IBU_NIFAS}

    def test_miscarriage_gives_no_bersalin_and_no_nifas(self) -> None:
        """After a miscarriage the woman is no longer pregnant and not postpartum."""
        end = self.LMP.add(days=70)
        p = Pregnancy(self.LMP, delivery_date=end, outcome=Outcome.MISCARRIAGE)
        assert self.on(p, end.subtract(days=1)) == {S.IBU_HAMIL}
        assert self.on(p, end) == set()
        assert self.on(p, end.add(days=10)) == set()

    def test_open_pregnancy_is_stale_after_edd_plus_14_days(self) -> None:
        """With no delivery recorded, IBU_HAMIL lasts through EDD + 14 days and then stops."""
        p = Pregnancy(self.LMP)
        last = p.edd.add(days=14)
        assert self.on(p, last) == {S.IBU_HAMIL}
        assert self.on(p, last.add(days=1)) == set()

    def test_open_pregnancy_with_given_edd_counts_from_that_edd(self) -> None:
        """A corrected EDD moves the day the open record goes stale."""
        p = Pregnancy(self.LMP, edd=self.LMP.add(days=260))
        assert self.on(p, self.LMP.add(days=274)) == {S.IBU_HAMIL}
        assert self.on(p, self.LMP.add(days=275)) == set()

    def test_pregnant_adolescent_is_in_several_stages(self) -> None:
        """A pregnant 16-year-old is remaja, usia sekolah and ibu hamil at once."""
        girl = Person("g", "F", "2008-03-01", pregnancies=[Pregnancy("2024-06-01")])
        assert stages_of(girl, "2024-08-01") == {S.REMAJA, S.USIA_SEKOLAH, S.IBU_HAMIL}

    def test_second_pregnancy_starts_a_new_hamil(self) -> None:
        """Each pregnancy of a woman counts on its own dates."""
        first = Pregnancy("2020-01-01", delivery_date="2020-10-01")
        second = Pregnancy("2022-01-01")
        woman = Person("m", "F", "1995-05-05", pregnancies=[first, second])
        assert S.IBU_HAMIL not in stages_of(woman, "2021-06-01")
        assert S.IBU_HAMIL in stages_of(woman, "2022-03-01")


class TestDeathAndBirth:
    def test_dead_person_has_no_stage_after_the_date_of_death(self) -> None:
        """From the day after death a person is in no stage."""
        p = Person("d", "M", "1950-01-01", death_date="2024-05-01")
        assert stages_of(p, "2024-05-01") == {S.LANSIA}
        assert stages_of(p, "2024-05-02") == set()

    def test_woman_who_died_pregnant_has_no_stage_after_death(self) -> None:
        """Death ends the pregnancy stages too."""
        p = Person(
            "d", "F", "1995-01-01", death_date="2024-05-01", pregnancies=[Pregnancy("2024-01-01")]
        )
        assert stages_of(p, "2024-05-02") == set()

    def test_date_before_birth_is_refused(self) -> None:
        """Asking for stages before birth raises InvalidDateError naming both dates."""
        with pytest.raises(InvalidDateError, match=r"2020-01-30 is before.*2020-01-31") as info:
            stages_of(child(), "2020-01-30")
        assert info.value.field == "on"

    def test_bad_date_text_is_refused(self) -> None:
        """A date that does not exist raises InvalidDateError for field 'on'."""
        with pytest.raises(InvalidDateError, match=r"^on: '2024-02-30'"):
            stages_of(child(), "2024-02-30")


class TestLifeStage:
    def test_every_stage_has_a_bilingual_label(self) -> None:
        """Each stage has an Indonesian and an English label."""
        for stage in S:
            assert stage.label.id
            assert stage.label.en

    def test_adults_and_elderly_are_cluster_3_others_cluster_2(self) -> None:
        """Dewasa and lansia belong to cluster 3; every other stage to cluster 2."""
        assert {s for s in S if s.cluster is Cluster.ADULT_ELDERLY} == {S.DEWASA, S.LANSIA}
        assert all(s.cluster in (Cluster.ADULT_ELDERLY, Cluster.MOTHER_CHILD) for s in S)


class TestStageProperties:
    @given(persons(on=ON, alive=True), ON)
    def test_every_living_person_has_an_age_stage(self, person: Person, on: pendulum.Date) -> None:
        """Age stages cover every age: a living person is always in at least one."""
        assert stages_of(person, on) & AGE_STAGES

    @given(persons(on=ON), ON)
    def test_stages_depend_only_on_person_and_date(self, person: Person, on: pendulum.Date) -> None:
        """Asking twice, or with the date as text, gives the same answer."""
        first = stages_of(person, on)
        assert stages_of(person, on) == first
        assert stages_of(person, on.isoformat()) == first

    @given(persons(on=ON, alive=False), ON)
    def test_a_dead_person_has_no_stage(self, person: Person, on: pendulum.Date) -> None:
        """After the date of death the set of stages is empty."""
        assert stages_of(person, on) == frozenset()

    @given(persons(on=ON, pregnant=True), ON)
    def test_pregnant_women_are_ibu_hamil(self, person: Person, on: pendulum.Date) -> None:
        """A woman with an ongoing pregnancy on the date is IBU_HAMIL, not bersalin."""
        got = stages_of(person, on)
        assert S.IBU_HAMIL in got
        assert S.IBU_BERSALIN not in got

    @given(persons(on=ON, max_age="9y"), ON)
    def test_no_pregnancy_stage_before_age_10(self, person: Person, on: pendulum.Date) -> None:
        """Children under ten are in no pregnancy stage."""
        assert not stages_of(person, on) & PREGNANCY_STAGES

    @given(persons(on=ON, min_age="18y", alive=True), ON)
    def test_adults_are_dewasa_or_lansia_exclusively(
        self, person: Person, on: pendulum.Date
    ) -> None:
        """From 18 a living person is exactly one of dewasa and lansia and in no child stage."""
        got = stages_of(person, on) & AGE_STAGES
        assert got in ({S.DEWASA}, {S.LANSIA})

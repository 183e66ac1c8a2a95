"""The age-band plan only skips entries that would list nothing (``ilp.lifecycle._plan``).

The reference is the engine as it was before the plan: every entry in force
asked whether it admits the person. ``due()`` must give the same list.
"""

from __future__ import annotations

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilp import Person, ServiceRecord, national
from ilp.dates import add_months_day
from ilp.lifecycle import DueItem, DueList, Region, Status, due
from ilp.lifecycle._plan import plan_for
from ilp.lifecycle.rules import SchoolRule
from ilp.lifecycle.rules.person import Ctx, by_grade, eligible
from ilp.people import Sex
from ilp.testing import dates, histories, persons

CAT = national()
ON = st.shared(dates(min_value="2015-01-01", max_value="2030-12-31"), key="on")
REGIONS = st.sampled_from([Region(), Region(flags={"je_endemic", "malaria_endemic"})])
HORIZONS = st.one_of(st.sampled_from([0, 6, 30]), st.integers(min_value=0, max_value=800))


def every_entry(
    person: Person, on: pendulum.Date, history: tuple[ServiceRecord, ...], region: Region, h: int
) -> DueList:
    """``due()`` without the plan: every entry in force is asked (the engine before issue 11)."""
    d = on.toordinal()
    recs: dict[str, list[int]] = {}
    for r in sorted(history, key=lambda r: (r.date, r.code)):
        if r.date <= on:
            recs.setdefault(r.code, []).append(r.date.toordinal())
    ctx = Ctx(person, d, recs, region, h)
    items: list[DueItem] = []
    for entry in CAT.entries_on(on):
        if eligible(entry.eligibility, ctx):
            el = entry.eligibility
            if el.age_from is not None and el.age_from.after(ctx.b) > d and not by_grade(el, ctx):
                ahead: list[DueItem] = []
                entry.rule.evaluate(entry, ctx, ahead)
                items += [x for x in ahead if x.status is Status.UPCOMING]
            else:
                entry.rule.evaluate(entry, ctx, items)
    items.sort(key=lambda i: (list(Status).index(i.status), i.recommended, i.code, i.dose or 0))
    return DueList(person.id, on, tuple(items))


@st.composite
def cases(
    draw: st.DrawFn, max_age: str = "100y"
) -> tuple[Person, pendulum.Date, tuple[ServiceRecord, ...], Region, int]:
    on = draw(ON)
    person = draw(persons(on=on, alive=True, max_age=max_age))
    history = draw(histories(person, on=on, codes=st.sampled_from(CAT.codes), max_size=12))
    return person, on, history, draw(REGIONS), draw(HORIZONS)


Case = tuple[Person, pendulum.Date, tuple[ServiceRecord, ...], Region, int]


class TestSameAnswers:
    @settings(max_examples=300)
    @given(cases())
    def test_due_equals_asking_every_entry(self, case: Case) -> None:
        """Any age, sex, pregnancy, school grade, history, region and horizon: the same list."""
        person, on, history, region, h = case
        got = due(person, on, history=history, region=region, horizon=h)
        assert got.as_dict() == every_entry(person, on, history, region, h).as_dict()

    @settings(max_examples=300)
    @given(cases(max_age="8y"))
    def test_due_equals_asking_every_entry_for_young_children(self, case: Case) -> None:
        """Around school age, where the school entries' floor decides, the same list."""
        person, on, history, region, h = case
        got = due(person, on, history=history, region=region, horizon=h)
        assert got.as_dict() == every_entry(person, on, history, region, h).as_dict()


class TestBounds:
    @given(st.integers(min_value=pendulum.Date(1900, 1, 1).toordinal(), max_value=800_000))
    def test_a_month_is_27_to_32_days_from_any_birth(self, b: int) -> None:
        """The plan's bounds on months in days hold from any day, clamping included."""
        for months in (*range(40), 59, 60, 61, 119, 120, 215, 216, 719, 720, 1199, 1200):
            span = add_months_day(b, months) - b
            assert 27 * months <= span <= 32 * months

    def test_school_entries_list_nothing_below_their_floor(self) -> None:
        """No school record, no record of the code: nothing before ``floor_days`` (any date)."""
        school = [e for e in CAT.entries if isinstance(e.rule, SchoolRule)]
        assert school
        for entry in school:
            floor = entry.rule.floor_days()
            assert floor > 0
            first = pendulum.Date(2024, 1, 1).toordinal()
            for d in range(first, first + 731, 9):
                for age in range(floor - 400, floor, 7):
                    birth = pendulum.Date.fromordinal(d - age)
                    child = Person("c", Sex.FEMALE, birth)
                    out: list[DueItem] = []
                    entry.rule.evaluate(entry, Ctx(child, d, {}, Region(), 800), out)
                    assert out == [], (entry.key, birth, d)

    def test_plans_are_shared(self) -> None:
        """One plan per catalogue, horizon and kind of person, built once."""
        a = Person("a", Sex.MALE, pendulum.Date(2020, 1, 1))
        b = Person("b", Sex.MALE, pendulum.Date(1960, 5, 5))
        assert plan_for(CAT, a, 30) is plan_for(CAT, b, 30)
        assert plan_for(CAT, a, 30) is not plan_for(CAT, a, 0)

    def test_a_man_is_never_offered_pregnancy_or_women_only_entries(self) -> None:
        """The plan for men holds no entry that admits women only."""
        man = Person("m", Sex.MALE, pendulum.Date(1990, 1, 1))
        plan = plan_for(CAT, man, 30)
        keys = {c[0].key for band in plan.bands for c in band}
        assert "ANC" not in keys
        assert "CERVIX-SCREEN" not in keys
        assert "PTM-SCREEN" in keys


NEAR_CASES = st.tuples(
    st.sampled_from([(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), (2, 8), (8,), (1, 4, 7, 10)]),
    st.integers(min_value=738_000, max_value=740_000),
    st.integers(min_value=-800, max_value=800),
    st.one_of(st.none(), st.integers(min_value=-800, max_value=800)),
    st.integers(min_value=0, max_value=400),
    st.lists(st.integers(min_value=-800, max_value=0), max_size=4),
)


class TestNearWindows:
    @given(NEAR_CASES)
    def test_the_near_windows_give_the_same_occurrence(
        self, case: tuple[tuple[int, ...], int, int, int | None, int, list[int]]
    ) -> None:
        """occurrences() over the windows near() keeps equals occurrences() over all of them."""
        from ilp.lifecycle.rules.calendar import CalendarRule
        from ilp.lifecycle.rules.person import near, occurrences, year_windows

        months, d, start_off, end_off, horizon, given_offsets = case
        rule = CalendarRule(months)
        year = pendulum.Date.fromordinal(d).year
        spans = year_windows({}, year, lambda y: rule.windows(pendulum.Date(y, 6, 1).toordinal()))
        start, end = d + start_off, None if end_off is None else d + end_off
        child = Person("c", Sex.MALE, pendulum.Date.fromordinal(d - 3000))
        recs = {"GROWTH": sorted({d + g for g in given_offsets})}
        ctx = Ctx(child, d, recs, Region(), horizon)
        svc = CAT.service("GROWTH")
        why = (lambda name, lang: name,)
        everything: list[DueItem] = []
        occurrences(svc, spans[0], ctx, start, end, why, everything)
        kept: list[DueItem] = []
        occurrences(svc, near(spans, ctx, start, end), ctx, start, end, why, kept)
        assert kept == everything


class TestSure:
    @settings(max_examples=200)
    @given(
        st.integers(min_value=pendulum.Date(1930, 1, 1).toordinal(), max_value=739_000),
        st.integers(min_value=0, max_value=40_000),
        st.sampled_from([0, 6, 30, 365]),
    )
    def test_an_entry_the_plan_is_sure_of_admits_the_person(
        self, b: int, age: int, horizon: int
    ) -> None:
        """Where the plan skips the age test (SURE), the exact test says INSIDE."""
        from ilp.lifecycle._plan import SURE
        from ilp.lifecycle.rules.person import INSIDE, age_band

        for sex in Sex:
            person = Person("p", sex, pendulum.Date.fromordinal(b))
            ctx = Ctx(person, b + age, {}, Region(), horizon)
            for entry, *_, test in plan_for(CAT, person, horizon).candidates(age):
                if test == SURE:
                    assert age_band(entry.eligibility, ctx) == INSIDE, entry.key


def test_plans_for_many_horizons_do_not_pile_up() -> None:
    """Asking with hundreds of horizons keeps a bounded number of plans, and right ones."""
    from ilp.lifecycle import Catalogue

    cat = Catalogue("copy", CAT.title, CAT.edition, CAT.entries)
    child = Person("c", Sex.FEMALE, pendulum.Date(2024, 1, 1))
    for h in range(300):
        plan_for(cat, child, h)
    assert len(cat._memo) <= 256
    on = pendulum.Date(2025, 11, 1)
    assert due(child, on, catalogue=cat, horizon=3) == due(child, on, catalogue=CAT, horizon=3)


@st.composite
def anyone(draw: st.DrawFn) -> tuple[Person, pendulum.Date, Region, int]:
    """People of every kind the plan tells apart: pregnant at any age, with a school grade."""
    import attrs

    from ilp.people import School

    on = draw(ON)
    kind = draw(st.sampled_from(["any", "pregnant", "schooled"]))
    if kind == "pregnant":
        person = draw(persons(on=on, alive=True, pregnant=True, min_age="9y", max_age="60y"))
    else:
        person = draw(persons(on=on, alive=True, max_age="100y" if kind == "any" else "25y"))
    if kind == "schooled":
        person = attrs.evolve(person, school=School(draw(st.integers(min_value=1, max_value=12))))
    return person, on, draw(REGIONS), draw(HORIZONS)


class TestSuperset:
    @settings(max_examples=400)
    @given(anyone())
    def test_every_entry_eligible_admits_is_a_candidate(
        self, case: tuple[Person, pendulum.Date, Region, int]
    ) -> None:
        """The plan never leaves out an entry in force whose eligibility admits the person."""
        person, on, region, h = case
        ctx = Ctx(person, on.toordinal(), {}, region, h)
        kept = {id(c[0]) for c in plan_for(CAT, person, h).candidates(ctx.d - ctx.b)}
        for entry in CAT.entries_on(on):
            if eligible(entry.eligibility, ctx):
                assert id(entry) in kept, entry.key

    def test_an_alternative_for_a_pregnancy_counts_only_with_one_on_file(self) -> None:
        """TD-WUS admits a pregnant woman of 45 by her pregnancy, and not the same woman without."""
        from ilp import Pregnancy

        on = pendulum.Date(2025, 11, 1)
        born = pendulum.Date(1980, 6, 1)
        pregnant = Person("w", Sex.FEMALE, born, pregnancies=[Pregnancy(on.subtract(days=60))])
        assert "TD-WUS" in due(pregnant, on).codes
        assert "TD-WUS" not in due(Person("w", Sex.FEMALE, born), on).codes

    def test_a_grade_decides_only_with_a_school_record(self) -> None:
        """A girl of 10 in grade 7 is offered TTD-REMAJA; without the record her age decides."""
        from ilp.people import School

        on = pendulum.Date(2025, 11, 1)
        born = pendulum.Date(2015, 6, 1)
        schooled = Person("g", Sex.FEMALE, born, school=School(7))
        assert "TTD-REMAJA" in due(schooled, on).codes
        assert "TTD-REMAJA" not in due(Person("g", Sex.FEMALE, born), on).codes


@pytest.mark.parametrize(
    "code", ["BIAS-MR", "BIAS-DT", "BIAS-TD-2", "HPV-1", "THALASSAEMIA-SCREEN"]
)
def test_a_record_of_a_school_code_is_listed_below_the_floor(code: str) -> None:
    """A child of 4 with a record of a school entry's code has it listed (completed): the plan
    leaves the entries below their floor out only when no record of their codes is on file.
    """
    child = Person("c", Sex.FEMALE, pendulum.Date(2021, 3, 1))
    on = pendulum.Date(2025, 11, 1)
    item = due(child, on, history=[ServiceRecord(code, "2025-08-10")]).get(code)
    assert item is not None
    assert item.status is Status.COMPLETED
    assert item.given == pendulum.Date(2025, 8, 10)
    assert due(child, on).get(code) is None


@given(
    st.integers(min_value=pendulum.Date(1900, 1, 1).toordinal(), max_value=740_000),
    st.integers(min_value=0, max_value=45_000),
)
def test_the_context_counts_months_as_months_between(b: int, age: int) -> None:
    """Ctx works out the completed months itself (sharing a date with the year): the same."""
    from ilp.dates import months_between

    ctx = Ctx(Person("p", Sex.MALE, pendulum.Date.fromordinal(b)), b + age, {}, Region(), 0)
    assert ctx.months == months_between(b, b + age)
    assert ctx.year == pendulum.Date.fromordinal(b + age).year


class TestServiceOrder:
    """A band whose entries give their items in the order of their services is not sorted on it."""

    def test_every_band_of_the_national_catalogue_is_ordered(self) -> None:
        """For every kind of person and horizon: due() needs no sort on the services' order."""
        from ilp.lifecycle._plan import _build

        for sex in Sex:
            for pregnant in (False, True):
                for schooled in (False, True):
                    for h in (0, 30, 400):
                        plan = _build(CAT, (h, sex, pregnant, schooled))
                        assert all(plan.ordered), (sex, pregnant, schooled, h)

    def test_the_band_is_in_the_order_of_the_first_services(self) -> None:
        """Entries in catalogue order B, A: the band holds A first."""
        from .conftest import catalogue_of

        cat = catalogue_of(
            "- code: B\nrule: {kind: once, earliest: 0d}",
            "- code: A\nrule: {kind: once, earliest: 0d}",
        )
        baby = Person("b", Sex.FEMALE, pendulum.Date(2025, 1, 1))
        plan = plan_for(cat, baby, 30)
        assert [c[0].services[0].code for c in plan.candidates(10)] == ["A", "B"]
        assert all(plan.ordered)
        assert due(baby, pendulum.Date(2025, 1, 11), catalogue=cat).codes == ("A", "B")

    def test_a_series_not_in_the_order_of_its_codes_is_sorted(self) -> None:
        """Doses ZZ-1 then AA-2 given the same day: the band is not ordered, AA-2 comes first."""
        from .conftest import catalogue_of

        cat = catalogue_of(
            """
            - series: Q
            rule:
              kind: series
              doses:
                - {code: ZZ-1, earliest: 0d}
                - {code: AA-2, earliest: 0d, min_interval: 0d}
            """
        )
        baby = Person("b", Sex.FEMALE, pendulum.Date(2025, 1, 1))
        given = pendulum.Date(2025, 1, 5)
        history = (ServiceRecord("ZZ-1", given), ServiceRecord("AA-2", given))
        assert not plan_for(cat, baby, 30).candidates_for(31, set())[1]
        got = due(baby, pendulum.Date(2025, 2, 1), history=history, catalogue=cat)
        assert got.codes == ("AA-2", "ZZ-1")

    def test_entries_in_force_together_whose_services_interleave_are_sorted(self) -> None:
        """A series A-1, C-1 and a single B in force together: B is listed between them."""
        from .conftest import catalogue_of

        cat = catalogue_of(
            """
            - series: S
            rule:
              kind: series
              doses:
                - {code: A-1, earliest: 0d}
                - {code: C-1, earliest: 0d, min_interval: 0d}
            """,
            "- code: B\nrule: {kind: once, earliest: 0d}",
        )
        baby = Person("b", Sex.FEMALE, pendulum.Date(2025, 1, 1))
        given = pendulum.Date(2025, 1, 5)
        history = tuple(ServiceRecord(c, given) for c in ("A-1", "B", "C-1"))
        assert not plan_for(cat, baby, 30).candidates_for(31, set())[1]
        got = due(baby, pendulum.Date(2025, 2, 1), history=history, catalogue=cat)
        assert got.codes == ("A-1", "B", "C-1")

    def test_editions_of_a_series_in_force_apart_leave_the_band_ordered(self) -> None:
        """Two editions of a series share their codes, never their days in force: ordered."""
        from .conftest import catalogue_of

        series = """
            - series: S
            effective: {%s: "2025-01-01"}
            rule:
              kind: series
              doses:
                - {code: S-1, earliest: 0d}
                - {code: S-2, earliest: 1m}
            """
        cat = catalogue_of(series % "before", series % "from")
        baby = Person("b", Sex.FEMALE, pendulum.Date(2024, 6, 1))
        assert all(plan_for(cat, baby, 30).ordered)

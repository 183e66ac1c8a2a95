"""Invariants of the due engine over generated people, histories and dates (national catalogue)."""

from __future__ import annotations

import random
from collections import Counter

import attrs
import pendulum
from hypothesis import given
from hypothesis import strategies as st

from ilp import Condition, Person, Pregnancy, ServiceRecord, national
from ilp.lifecycle import Region, Status, due
from ilp.testing import dates, histories, persons

CAT = national()
ON = st.shared(dates(min_value="2015-01-01", max_value="2030-12-31"), key="on")
REGIONS = st.sampled_from([Region(), Region(flags={"je_endemic"})])


@st.composite
def cases(draw: st.DrawFn) -> tuple[Person, pendulum.Date, tuple[ServiceRecord, ...], Region]:
    """A person, a date, a history of national codes up to that date, and a region."""
    on = draw(ON)
    person = draw(persons(on=on, alive=True))
    history = draw(histories(person, on=on, codes=st.sampled_from(CAT.codes), max_size=15))
    return person, on, history, draw(REGIONS)


def _entry_of(code: str, on: pendulum.Date) -> object:
    return next(e for e in CAT.entries_on(on) if any(s.code == code for s in e.services))


class TestDatesAndStatus:
    @given(cases())
    def test_status_agrees_with_the_four_dates(
        self, case: tuple[Person, pendulum.Date, tuple[ServiceRecord, ...], Region]
    ) -> None:
        """Every item's status is what its dates say on the asked date (decisions.md, "Status")."""
        person, on, history, region = case
        for i in due(person, on, history=history, region=region):
            if i.status is Status.UPCOMING:
                assert on < i.earliest <= on.add(days=30)
            elif i.status is Status.DUE:
                assert i.earliest <= on
                assert i.overdue is None or on < i.overdue
                assert i.latest is None or on <= i.latest
            elif i.status is Status.OVERDUE:
                assert i.overdue is not None
                assert i.earliest <= on
                assert i.overdue <= on
                assert i.latest is None or on <= i.latest
            elif i.status is Status.MISSED:
                assert i.latest is not None
                assert i.latest < on or i.latest < i.earliest
                assert i.given is None
            else:
                assert i.given is not None
                assert i.given <= on

    @given(cases())
    def test_nothing_outside_its_eligibility_by_sex_and_age(
        self, case: tuple[Person, pendulum.Date, tuple[ServiceRecord, ...], Region]
    ) -> None:
        """No item for the wrong sex or outside its age range; upcoming ones start when the range opens."""
        person, on, history, region = case
        for i in due(person, on, history=history, region=region):
            el = _entry_of(i.code, on).eligibility  # type: ignore[attr-defined]
            assert el.sex is None or el.sex is person.sex
            b = person.birth_date.toordinal()
            by_age = not (el.grades and person.school is not None)  # else the grade decides
            if by_age and el.age_from is not None:
                # an upcoming item may be listed before the age band opens, never earlier
                opens = el.age_from.after(b)
                assert i.earliest.toordinal() >= opens
                if i.status is not Status.UPCOMING:
                    assert opens <= on.toordinal()
            if by_age and el.age_to is not None:
                assert on.toordinal() <= el.age_to.day(b)
            if el.conditions:
                assert not el.conditions.isdisjoint(person.conditions)


class TestSeries:
    @given(cases())
    def test_at_most_one_actionable_dose_per_series(
        self, case: tuple[Person, pendulum.Date, tuple[ServiceRecord, ...], Region]
    ) -> None:
        """No two doses or contacts of one series are due or overdue at once."""
        person, on, history, region = case
        series = Counter(
            i.service.series
            for i in due(person, on, history=history, region=region).actionable
            if i.service.series
        )
        assert all(n == 1 for n in series.values()), series

    @given(cases())
    def test_recording_today_leaves_nothing_of_it_due_today(
        self, case: tuple[Person, pendulum.Date, tuple[ServiceRecord, ...], Region]
    ) -> None:
        """Giving every actionable item on the asked date leaves none of those code/dose pairs actionable."""
        person, on, history, region = case
        before = due(person, on, history=history, region=region).actionable
        given_today = tuple(ServiceRecord(i.code, on) for i in before)
        after = due(person, on, history=history + given_today, region=region).actionable
        assert not {(i.code, i.dose) for i in before} & {(i.code, i.dose) for i in after}


class TestPurity:
    @given(cases())
    def test_same_arguments_same_answer_and_inputs_untouched(
        self, case: tuple[Person, pendulum.Date, tuple[ServiceRecord, ...], Region]
    ) -> None:
        """due() depends only on its arguments and changes none of them."""
        person, on, history, region = case
        snapshot = (attrs.asdict(person), [attrs.asdict(r) for r in history], attrs.asdict(region))
        first = due(person, on, history=history, region=region)
        second = due(person, on, history=list(reversed(history)), region=region)
        assert first.as_dict() == second.as_dict()
        assert snapshot == (
            attrs.asdict(person),
            [attrs.asdict(r) for r in history],
            attrs.asdict(region),
        )

    @given(cases(), st.integers(min_value=0, max_value=120))
    def test_a_longer_horizon_only_adds_upcoming_items(
        self, case: tuple[Person, pendulum.Date, tuple[ServiceRecord, ...], Region], extra: int
    ) -> None:
        """Widening the horizon only adds upcoming items (with the given doses of their series);
        one may take the place of a past occurrence."""
        person, on, history, region = case
        short = {
            (i.code, i.dose, i.status)
            for i in due(person, on, history=history, region=region, horizon=0)
        }
        wide = {
            (i.code, i.dose, i.status)
            for i in due(person, on, history=history, region=region, horizon=extra)
        }
        # a series brought into view by the horizon lists its doses given so far (by
        # credit too) beside the upcoming one, as it does for anyone in its age band
        coming = {code for code, _, status in wide if status is Status.UPCOMING}
        for code, dose, status in {k for k in wide if k[2] is not Status.UPCOMING} - short:
            assert status is Status.COMPLETED, (code, dose)
            assert code in coming, (code, dose)
        for code, dose, status in short - wide:
            assert status in (Status.COMPLETED, Status.MISSED)
            assert (code, dose, Status.UPCOMING) in wide

    @given(persons(alive=False))
    def test_nobody_is_due_anything_after_death(self, person: Person) -> None:
        """A person is due nothing after the date of death."""
        assert person.death_date is not None
        assert len(due(person, person.death_date.add(days=1))) == 0


def _walk(
    rng: random.Random, person: Person, start: pendulum.Date, end: pendulum.Date, seen: set[str]
) -> None:
    """Visit monthly from *start* to *end*, giving most actionable items, noting every code seen due."""
    region = Region(flags={"je_endemic", "malaria_endemic"})
    history: list[ServiceRecord] = []
    day = max(start, person.birth_date)
    while day <= end:
        for item in due(person, day, history=history, region=region, horizon=0).actionable:
            seen.add(item.code)
            if rng.random() < 0.9:
                history.append(ServiceRecord(item.code, day))
        deliveries = [p.delivery_date for p in person.pregnancies if p.delivery_date]
        fresh = day.toordinal() - person.birth_date.toordinal() < 30 or any(
            -40 <= day.toordinal() - d.toordinal() < 45 for d in deliveries
        )
        day = day.add(days=1 if fresh else rng.randrange(26, 35))


def test_every_code_is_due_for_someone_on_some_date() -> None:
    """Following a varied population month by month through 2022–2027, every code comes due."""
    rng = random.Random(7)
    seen: set[str] = set()
    start, end = pendulum.Date(2022, 1, 1), pendulum.Date(2027, 12, 31)
    for i in range(160):
        sex = "F" if i % 2 else "M"
        birth = (
            start.subtract(days=rng.randrange(0, 75 * 365))
            if i % 4
            else start.add(days=rng.randrange(0, 5 * 365))
        )
        years = (start.toordinal() - birth.toordinal()) // 365
        conditions = [
            c
            for c in (Condition.HYPERTENSION, Condition.DIABETES, Condition.SMOKER)
            if rng.random() < 0.3
        ]
        pregnancies = []
        if sex == "F" and 15 <= years < 40 and rng.random() < 0.6:
            lmp = start.add(days=rng.randrange(0, 4 * 365))
            pregnancies.append(Pregnancy(lmp, delivery_date=lmp.add(days=rng.randrange(260, 290))))
        person = Person(f"p{i}", sex, birth, conditions=conditions, pregnancies=pregnancies)
        _walk(rng, person, start, end, seen)
    for year in range(2008, 2017):  # one schoolgirl per birth year, for each school-grade rule
        _walk(rng, Person(f"g{year}", "F", pendulum.Date(year, 3, 15)), start, end, seen)
    assert set(CAT.codes) - seen == set()


def test_a_series_in_view_by_the_horizon_lists_its_credited_dose() -> None:
    """A girl 3 weeks short of TD-WUS's 10 years, with BIAS-DT (credit for it): horizon 7
    brings the series into view with dose 1 completed and dose 2 upcoming; horizon 0 has none."""
    girl = Person(id="0", sex="female", birth_date=pendulum.Date(2005, 1, 8))
    history = (ServiceRecord("BIAS-DT", pendulum.Date(2005, 1, 8)),)
    on = pendulum.Date(2015, 1, 1)
    short = {(i.code, i.dose, i.status) for i in due(girl, on, history=history, horizon=0)}
    wide = {(i.code, i.dose, i.status) for i in due(girl, on, history=history, horizon=7)}
    assert not {k for k in short if k[0] == "TD-WUS"}
    assert ("TD-WUS", 1, Status.COMPLETED) in wide
    assert ("TD-WUS", 2, Status.UPCOMING) in wide

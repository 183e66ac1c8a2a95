"""The promise: ``due_batch`` over columns says, person by person, what ``due()`` says.

Hypothesis invents populations (children, school-age children, pregnant women,
adults with conditions, the dead), histories of national codes (some dated
after the date asked, which both must ignore), dates across the catalogue's
editions, regions and horizons; a seeded population of 2,000 people whose
histories follow the schedule checks the same on fixed dates of 2023 and 2025.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilp import Condition, Person, Pregnancy, ServiceRecord, national
from ilp.dates import as_date
from ilp.errors import ILPError
from ilp.lifecycle import (
    CalendarRule,
    Catalogue,
    Region,
    RuleKind,
    Status,
    due,
    parse_catalogue,
)
from ilp.lifecycle._loader import read_yaml
from ilp.population import STATUS_CODES, History, Population, due_batch
from ilp.population.batch import cohort
from ilp.testing import dates, histories, persons

CAT = national()
REGIONS = (
    Region(),
    Region(flags={"je_endemic"}),
    Region(flags={"je_endemic"}, ages={"JE": "9m", "MR-1": "10m", "TD-WUS": "16y"}),
)
HORIZONS = (0, 30)

Case = tuple[list[Person], dict[str, tuple[ServiceRecord, ...]], pendulum.Date]
#: How to ask: a region, a horizon and whether the rows are sorted by birth.
Asking = tuple[Region, int, bool]
ASKING = st.tuples(st.sampled_from(REGIONS), st.sampled_from(HORIZONS), st.booleans())


def _expected(
    person: Person,
    *,
    history: Sequence[ServiceRecord],
    on: pendulum.Date,
    catalogue: Catalogue,
    region: Region,
    horizon: int,
) -> list[tuple[object, ...]]:
    if on < person.birth_date:
        return []  # due() refuses the date; the batch lists nothing
    items = due(person, on, history=history, catalogue=catalogue, region=region, horizon=horizon)
    return [
        (i.code, i.dose, i.status, i.earliest, i.recommended, i.overdue, i.latest, i.given)
        for i in items
    ]


def assert_batch_equals_due(
    people: Sequence[Person],
    records: Mapping[str, Sequence[ServiceRecord]],
    on: pendulum.Date,
    *,
    catalogue: Catalogue = CAT,
    regions: Sequence[Region] = REGIONS,
    horizons: Sequence[int] = HORIZONS,
    orders: Sequence[bool] = (False, True),
) -> None:
    """For each region, horizon and row order, every person's batch items equal due()'s.

    Items are compared in order, as ``due()`` lists them. The rows are taken
    as given (asked twice: the first call and a later one on the same
    population and history) and, with *orders* True, sorted by birth (the
    faster path of ``due_batch``).
    """
    population, history = Population.from_people(people, records)
    ways: list[tuple[tuple[Population, History], Sequence[int]]] = []
    if False in orders:
        ways.append(((population, history), range(len(people))))
    if True in orders:
        by_birth = population.sorted_by_birth(history)
        ways.append((by_birth, np.argsort(population.birth, kind="stable").tolist()))
    for region in regions:
        for horizon in horizons:
            want = [
                _expected(
                    person,
                    history=records.get(person.id, ()),
                    on=on,
                    catalogue=catalogue,
                    region=region,
                    horizon=horizon,
                )
                for person in people
            ]
            for (pop, hist), rows in ways:
                # a population out of birth order twice: the first call reads the records
                # as they are, a later one in birth order (kept with the history)
                for _ in range(2 if pop is population else 1):
                    result = due_batch(
                        pop, hist, on, catalogue=catalogue, region=region, horizon=horizon
                    )
                    for row, person in enumerate(rows):
                        got = result.items_of(row)
                        assert got == want[person], (
                            people[person],
                            on,
                            region,
                            horizon,
                            records.get(people[person].id),
                        )


# -- generated populations ------------------------------------------------------------------

ON = st.shared(
    st.one_of(
        dates(min_value="2015-01-01", max_value="2030-12-31"),
        dates(min_value="2023-01-01", max_value="2026-06-30"),
    ),
    key="on",
)
_ILLNESSES = st.frozensets(
    st.sampled_from([Condition.HYPERTENSION, Condition.DIABETES, Condition.SMOKER]), min_size=1
)


def _people(on: pendulum.Date) -> st.SearchStrategy[Person]:
    return st.one_of(
        persons(on=on),
        persons(on=on, max_age="6y"),
        persons(on=on, max_age="3m"),
        persons(on=on, min_age="5y", max_age="19y"),
        persons(on=on, pregnant=True),
        persons(on=on, min_age="15y", max_age="80y", conditions=_ILLNESSES),
    )


@st.composite
def _codes_for(draw: st.DrawFn, catalogue: Catalogue) -> st.SearchStrategy[str]:
    """A few codes per person, so that series, shared codes and repeats get records."""
    chosen = draw(st.lists(st.sampled_from(catalogue.codes), min_size=1, max_size=6, unique=True))
    return st.sampled_from(chosen)


@st.composite
def cases(draw: st.DrawFn, catalogue: Catalogue = CAT) -> Case:
    """People recorded on a date, their histories (some records later), and a date to ask."""
    on = draw(ON)
    people = draw(st.lists(_people(on), min_size=1, max_size=6, unique_by=lambda p: p.id))
    records: dict[str, tuple[ServiceRecord, ...]] = {}
    for p in people:
        until = on.add(days=draw(st.sampled_from([0, 0, 45, 400])))
        codes = draw(_codes_for(catalogue))
        records[p.id] = draw(histories(p, on=until, codes=codes, max_size=20))
    asked = on.add(days=draw(st.sampled_from([0, 0, 0, 1, 29, 31, 200, -40, -400, 900])))
    return people, records, asked


class TestGeneratedPopulations:
    @settings(deadline=None)
    @given(cases(), ASKING)
    def test_batch_equals_due_for_every_person(self, case: Case, asking: Asking) -> None:
        """For any people, histories, date, region and horizon, due_batch lists what due() lists."""
        people, records, on = case
        region, horizon, by_birth = asking
        assert_batch_equals_due(
            people, records, on, regions=[region], horizons=[horizon], orders=[by_birth]
        )

    @pytest.mark.slow
    @settings(max_examples=2000, deadline=None)
    @given(cases())
    def test_batch_equals_due_many_examples(self, case: Case) -> None:
        """The same promise over many more examples, each region, horizon and order (-m slow)."""
        people, records, on = case
        assert_batch_equals_due(people, records, on)


# -- every rule feature, including those the national catalogue does not use ---------------

_FEATURES = """\
format: 1
id: features
title: {id: Uji, en: Features}
edition: "2025-01-01"
region_flags: {je_endemic: {id: Endemis JE, en: JE endemic}}
services:
  - code: ONCE-A
    eligibility: {age: {from: 2m, before: 24m}}
    rule: {kind: once, earliest: 6w, recommended: 2m, overdue: 3m, latest_before: 12m}
  - code: ONCE-C
    eligibility: {age: {from: 6w, before: 1y}, conditions: [hiv]}
    rule: {kind: once, earliest: 6w, overdue: 8w}
  - code: ONCE-B
    effective: {from: "2020-03-01"}
    eligibility: {age: {through: 30d}, born: {before: "2030-01-01"}}
    rule: {kind: once, earliest: 3d}
  - series: SER
    eligibility: {age: {before: 6y}}
    rule:
      kind: series
      doses:
        - {code: SER-1, earliest: 4w, recommended: 2m, overdue: 3m}
        - {code: SER-2, earliest: 10w, min_interval: 4w, recommended_interval: 2m, overdue: 5m, latest: 2y}
        - {code: SER-3, earliest: 1y, min_interval: 6m, recommended: 18m, latest_before: 5y, born_from: "2019-06-01"}
  - series: SHARED
    eligibility: {sex: female, age: {from: 12y, before: 50y}}
    rule:
      kind: series
      doses:
        - {code: SHARED-DOSE, earliest: 12y}
        - {code: SHARED-DOSE, min_interval: 4w}
        - {code: SHARED-DOSE, min_interval: 1y, recommended_interval: 18m}
  - code: REC-A
    eligibility: {age: {from: 30y, through: 70y}, sexually_active: true, sex: female}
    rule: {kind: recurring, interval: 2y, grace: 2m}
  - code: REC-B
    eligibility: {stages: [ibu_hamil]}
    rule: {kind: recurring, interval: 2w, grace: 3d, since: pregnancy}
  - code: REC-D
    eligibility: {stages: [ibu_hamil, remaja, neonatus], age: {from: 10y}}
    rule: {kind: recurring, interval: 3m, grace: 2w}
  - code: REC-E
    eligibility: {stages: [ibu_hamil], conditions: [diabetes, hypertension]}
    rule: {kind: recurring, interval: 4w, since: pregnancy}
  - code: REC-C
    eligibility: {stages: [bayi, remaja, lansia], age: {from: 1m}}
    rule: {kind: recurring, interval: 5m, grace: 10d}
  - code: CAL-A
    eligibility: {age: {from: 6m, before: 3y}}
    rule: {kind: calendar, months: [2, 5, 8, 11], limit: 3}
  - code: CAL-B
    eligibility: {age: {before: 10y}}
    rule: {kind: calendar, months: [12, 1]}
  - code: FU-A
    eligibility: {conditions: [hypertension, diabetes], age: {from: 20y}}
    rule: {kind: followup, every: 2m}
  - code: FU-B
    eligibility: {conditions: [smoker]}
    rule: {kind: followup, every: 12m}
  - code: BD-A
    eligibility: {age: {from: 2y, before: 20y}}
    rule: {kind: birthday, window: 2m}
  - code: BD-B
    eligibility: {age: {from: 40y}, stages: [dewasa, lansia]}
    rule: {kind: birthday, window: 1y2m}
  - code: BD-C
    effective: {from: "2021-07-01"}
    eligibility: {age: {from: 1y, through: 8y}}
    rule: {kind: birthday, window: 20d}
  - code: SCH-A
    eligibility: {age: {before: 19y}}
    rule: {kind: school, grades: [2, 4], months: [9, 2]}
  - code: SCH-B
    eligibility: {age: {before: 19y}}
    rule: {kind: school, grades: [3, 5], months: [10], after: SCH-A, min_interval: 5m}
  - code: SCH-C
    eligibility: {age: {before: 19y}}
    rule: {kind: school, grades: [1, 3, 6], months: [1, 2, 3], each_grade: true, after: SCH-A}
  - code: SCH-D
    eligibility: {age: {before: 19y}}
    rule: {kind: school, grades: [4, 8], months: [7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6], each_grade: true, after: SCH-A, min_interval: 1m}
  - series: PREG
    eligibility: {sex: female, stages: [ibu_hamil]}
    rule:
      kind: pregnancy
      contacts:
        - {code: PREG-1, from: 0d, to: 12w6d, recommended: 8w, overdue: 10w}
        - {code: PREG-2, from: 13w, to: 24w6d, min_interval: 6w, recommended: 20w}
        - {code: PREG-3, from: 20w, min_interval: 2w, overdue: 30w}
        - {code: PREG-4, from: 30w, to_before: 50w, min_interval: 1w}
  - series: PN-D
    eligibility: {stages: [ibu_nifas, ibu_bersalin]}
    rule:
      kind: postnatal
      anchor: delivery
      visits:
        - {code: PN-D-1, from: 0d, to: 2d}
        - {code: PN-D-2, from: 3d, to: 10d}
        - {code: PN-D-3, from: 11d, to_before: 43d}
  - series: PN-B
    eligibility: {stages: [neonatus]}
    rule:
      kind: postnatal
      anchor: birth
      visits:
        - {code: PN-B-1, from: 1d, to: 3d}
        - {code: PN-B-2, from: 7d, to: 28d}
  - code: JE
    eligibility: {region: je_endemic, age: {from: 8m, before: 20y}}
    rule: {kind: once, earliest: 9m, recommended: 10m, overdue: 11m}
  - series: CREDITED
    eligibility: {sex: female, any_of: [{age: {from: 6y, before: 30y}}, {stages: [ibu_hamil]}]}
    rule:
      kind: series
      credit: [SER-1, SER-3, SCH-A]
      doses:
        - {code: CREDITED-DOSE, earliest: 6y}
        - {code: CREDITED-DOSE, earliest: 6y, min_interval: 4w}
        - {code: CREDITED-DOSE, earliest: 6y, min_interval: 6m}
        - {code: CREDITED-DOSE, earliest: 6y, min_interval: 1y}
  - code: ANY-REC
    eligibility: {any_of: [{age: {from: 5y, before: 8y}}, {conditions: [hiv], age: {from: 2y}}, {region: je_endemic, stages: [lansia]}]}
    rule: {kind: recurring, interval: 4m, grace: 1m}
  - code: GRADED
    eligibility: {sex: female, grades: [3, 4, 5], age: {from: 8y, before: 11y}}
    rule: {kind: recurring, interval: 1m, grace: 1w}
  - code: GRADED-CAL
    eligibility: {grades: [2, 9], age: {from: 7y, through: 8y}, stages: [usia_sekolah, remaja]}
    rule: {kind: calendar, months: [3, 9]}
"""


def _features() -> Catalogue:
    """The feature catalogue, plus a calendar entry whose months are out of order.

    The loader sorts months; a catalogue built in Python may not, and both
    evaluators then take the windows in the order given.
    """
    cat = _parsed_features()
    cal = next(e for e in cat.entries if e.key.startswith("CAL-B"))
    odd = attrs.evolve(
        cal,
        key="CAL-ODD",
        services=(attrs.evolve(cal.services[0], code="CAL-ODD"),),
        rule=CalendarRule((9, 3, 3, 6)),
    )
    return Catalogue(cat.id, cat.title, cat.edition, (*cat.entries, odd))


def _parsed_features() -> Catalogue:
    common = (
        "    group: immunization\n    cluster: 2\n    points_of_care: [puskesmas]\n"
        "    source: test\n    label: {id: Layanan, en: Service}\n"
    )
    lines = []
    for line in _FEATURES.splitlines():
        lines.append(line)
        if line.startswith(("  - code:", "  - series:")):
            lines.append(common.rstrip("\n"))
    text = "\n".join(lines) + "\n"
    return parse_catalogue(read_yaml(text, origin="features.yaml"), origin="features.yaml")


FEATURES = _features()
FEATURE_REGIONS = (Region(), Region(flags={"je_endemic"}, ages={"JE": "1y", "SER-2": "4m"}))
ON_FEATURES = st.shared(dates(min_value="2018-01-01", max_value="2028-12-31"), key="on")


@st.composite
def feature_cases(draw: st.DrawFn) -> Case:
    """People and histories of the feature catalogue's codes."""
    on = draw(ON_FEATURES)
    people = draw(st.lists(_people(on), min_size=1, max_size=6, unique_by=lambda p: p.id))
    records: dict[str, tuple[ServiceRecord, ...]] = {}
    for p in people:
        until = on.add(days=draw(st.sampled_from([0, 0, 60])))
        codes = draw(_codes_for(FEATURES))
        records[p.id] = draw(histories(p, on=until, codes=codes, max_size=25))
    asked = on.add(days=draw(st.sampled_from([0, 0, 3, 31, 180, -60])))
    return people, records, asked


class TestEveryRuleFeature:
    def test_every_rule_kind_is_in_the_feature_catalogue(self) -> None:
        """The feature catalogue holds an entry of every rule kind, so each is compared."""
        assert {e.rule.kind for e in FEATURES.entries} == set(RuleKind)

    @settings(deadline=None)
    @given(feature_cases(), st.sampled_from(HORIZONS), st.booleans())
    def test_batch_equals_due_on_a_catalogue_of_every_feature(
        self, case: Case, horizon: int, by_birth: bool
    ) -> None:
        """Features the national catalogue leaves unused (intervals, limits, grades) agree too."""
        people, records, on = case
        assert_batch_equals_due(
            people,
            records,
            on,
            catalogue=FEATURES,
            regions=FEATURE_REGIONS,
            horizons=[horizon],
            orders=[by_birth],
        )

    @pytest.mark.slow
    @settings(max_examples=2000, deadline=None)
    @given(feature_cases())
    def test_batch_equals_due_on_every_feature_many_examples(self, case: Case) -> None:
        """The same over many more examples (run with -m slow)."""
        people, records, on = case
        assert_batch_equals_due(people, records, on, catalogue=FEATURES, regions=FEATURE_REGIONS)


# -- a seeded population with histories that follow the schedule --------------------------

REFERENCE = pendulum.Date(2025, 11, 1)
#: share of the population by 5-year age group, 0-4 ... 80+ (rounded WPP 2024, Indonesia)
AGE_SHARES = (8.0, 8.2, 8.3, 8.1, 7.9, 7.8, 7.6, 7.4, 7.2, 6.7, 6.0, 5.3, 4.4, 3.4, 2.5, 1.6, 1.6)


def seeded_people(n: int, seed: int) -> list[Person]:
    """People of every age on REFERENCE, children over-represented, from ``random.Random(seed)``."""
    rng = random.Random(seed)
    people = []
    weights = list(AGE_SHARES)
    weights[0] *= 3  # more children: most rules are theirs
    weights[1] *= 2
    weights[2] *= 2
    for i in range(n):
        group = rng.choices(range(len(weights)), weights=weights)[0]
        age = rng.randrange(group * 5 * 365, (group * 5 + 5) * 365)
        birth = REFERENCE.subtract(days=age)
        sex = rng.choice(("F", "M"))
        years = age // 365
        conditions = []
        if years >= 18 and rng.random() < 0.30:
            conditions.append(Condition.HYPERTENSION)
        if years >= 15 and rng.random() < 0.11:
            conditions.append(Condition.DIABETES)
        if years >= 15 and rng.random() < 0.2:
            conditions.append(Condition.SMOKER)
        pregnancies = []
        if sex == "F" and 18 <= years < 45:
            if rng.random() < 0.10:
                pregnancies.append(Pregnancy(REFERENCE.subtract(days=rng.randrange(0, 290))))
            elif rng.random() < 0.06:
                lmp = REFERENCE.subtract(days=rng.randrange(270, 330))
                delivery = lmp.add(days=rng.randrange(250, 290))
                outcome = rng.choice(["live_birth", "stillbirth", None])
                pregnancies.append(Pregnancy(lmp, delivery_date=delivery, outcome=outcome))
        death = None
        if rng.random() < 0.02:
            death = birth.add(days=rng.randrange(0, age + 1))
            pregnancies = [p for p in pregnancies if p.lmp <= death and p.delivery_date]
        school = None
        if 6 <= years <= 17 and rng.random() < 0.5:
            school = {"school_grade": min(12, max(1, years - 6 + rng.choice((-1, 0, 0, 1))))}
            if rng.random() < 0.5:
                school["school_year"] = 2025
        active = rng.choice((None, True, False)) if years >= 15 else None
        data: dict[str, object] = {
            "id": f"p{i}",
            "sex": sex,
            "birth_date": birth,
            "conditions": conditions,
            "pregnancies": pregnancies,
            "death_date": death,
            "ever_sexually_active": active,
            **(school or {}),
        }
        people.append(Person.from_mapping(data))
    return people


def walk_schedule(
    population: Population, seed: int, start: pendulum.Date, until: pendulum.Date
) -> History:
    """Histories made by following the schedule: each due item given with probability 0.85.

    Every 25 to 40 days from *start* to *until*, ``due_batch`` (horizon 0)
    says what is due or overdue for everyone; each such item is given on
    that day or not.
    """
    rng = np.random.default_rng(seed)
    codes = list(CAT.codes)
    where = {c: i for i, c in enumerate(codes)}
    person: list[npt.NDArray[np.int32]] = []
    code: list[npt.NDArray[np.int64]] = []
    day: list[npt.NDArray[np.int64]] = []
    history = History.empty(population)
    on = start
    while on < until:
        result = due_batch(population, history, on, horizon=0)
        for s, items in enumerate(result.slots):
            actionable = np.isin(
                items.status, [STATUS_CODES[Status.DUE], STATUS_CODES[Status.OVERDUE]]
            )
            rows = items.rows[actionable & (rng.random(len(items)) < 0.85)]
            person.append(rows)
            code.append(np.full(len(rows), where[result.codes[s]]))
            day.append(np.full(len(rows), on.toordinal()))
        history = History.from_arrays(
            population,
            person=np.concatenate(person),
            code=np.concatenate(code),
            day=np.concatenate(day),
            codes=codes,
        )
        on = on.add(days=int(rng.integers(25, 41)))
    return history


@pytest.fixture(scope="module")
def seeded() -> tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]]:
    people = seeded_people(2000, seed=20251101)
    population, _ = Population.from_people(people)
    history = walk_schedule(population, 7, pendulum.Date(2019, 11, 1), REFERENCE)
    return people, history.to_mapping(population)


class TestSeededPopulation:
    @pytest.mark.parametrize(
        "on",
        ["2023-03-15", "2023-09-01", "2024-08-20", "2025-02-15", "2025-11-01"],
    )
    def test_batch_equals_due_on_fixed_dates(
        self,
        seeded: tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]],
        on: str,
    ) -> None:
        """2,000 people on dates of the 2023 IPV and HPV editions and of 2025: batch equals due()."""
        people, records = seeded
        assert_batch_equals_due(people, records, as_date(on), regions=REGIONS[:2], horizons=(30,))

    def test_batch_equals_due_found_once_per_birth_day(
        self,
        seeded: tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Every slice of rows found a birth day at a time (``cohort.spread``): batch equals due()."""
        monkeypatch.setattr(cohort, "ROWS_A_DAY", 0)
        people, records = seeded
        assert_batch_equals_due(people, records, REFERENCE, regions=REGIONS[:2], horizons=(0, 30))

    def test_every_status_and_many_codes_occur(
        self, seeded: tuple[list[Person], dict[str, tuple[ServiceRecord, ...]]]
    ) -> None:
        """The seeded population exercises every status and most of the catalogue."""
        people, records = seeded
        population, history = Population.from_people(people, records)
        result = due_batch(population, history, REFERENCE)
        for status in Status:
            assert result.counts(status=status), status
        assert len(result.counts()) > 50
        assert len(History.empty(population)) == 0


#: Each area's region, as ``Network.region_of`` gives it: a person takes the one of their home.
AREA_REGIONS: Mapping[str, Region] = {
    "endemic": Region(flags={"je_endemic"}),
    "plain": Region(),
    "both": Region(flags={"je_endemic", "malaria_endemic"}),
}


class TestRegionPerArea:
    @settings(deadline=None, max_examples=40)
    @given(feature_cases(), st.lists(st.sampled_from([*AREA_REGIONS, "elsewhere", None])))
    def test_each_person_takes_the_region_of_their_area(
        self, case: Case, homes: list[str | None]
    ) -> None:
        """With a region per area, each row equals ``due()`` asked with its home's region."""
        people, records, on = case
        people = [
            attrs.evolve(p, residence=homes[i % len(homes)] if homes else None)
            for i, p in enumerate(people)
        ]
        population, history = Population.from_people(people, records)
        result = due_batch(population, history, on, catalogue=FEATURES, region=AREA_REGIONS)
        for row, person in enumerate(people):
            region = AREA_REGIONS.get(person.residence or "", Region())
            want = _expected(
                person,
                history=records.get(person.id, ()),
                on=on,
                catalogue=FEATURES,
                region=region,
                horizon=30,
            )
            assert result.items_of(row) == want, (person, on, region)

    def test_regions_per_area_may_not_carry_ages(self) -> None:
        person = Person("p", "F", "2024-01-01", residence="endemic")
        population, history = Population.from_people([person], {})
        with pytest.raises(ILPError, match="region\\['endemic'\\]"):
            due_batch(
                population,
                history,
                "2025-01-01",
                region={"endemic": Region(flags={"je_endemic"}, ages={"JE": "9m"})},
            )

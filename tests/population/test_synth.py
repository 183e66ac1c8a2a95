"""Synthetic populations: reproducible, shaped like their published inputs, valid for the engines.

Sampling tolerances are a few standard errors; the seeds are fixed, so a
run either passes or fails the same way every time. ``baseline_synth.json``
holds counts and checksums of a 10,000-person synthesis: a change to the
generator that moves any of them fails :class:`TestBaseline`. When the
change is intended, rewrite the file with ``ILP_UPDATE_BASELINE=1 pytest
tests/population/test_synth.py`` and review the diff. (NumPy documents
that its distributions may change between versions; a new NumPy can move
the baseline too.)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import math
import os
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pendulum
import pytest

from ilp import due
from ilp.errors import ILPError, PopulationError
from ilp.lifecycle import SeriesRule, national
from ilp.network import AreaLevel, Network, load_network
from ilp.population import (
    CONDITIONS,
    DEFAULT_COVERAGE,
    NO_DAY,
    Synthetic,
    SynthParams,
    due_batch,
    synthesize,
)

ON = pendulum.Date(2025, 11, 1)
BASELINE = Path(__file__).with_name("baseline_synth.json")


def _ages(birth: np.ndarray[Any, Any], on: dt.date) -> np.ndarray[Any, Any]:
    """Completed years on *on*, the plain way (one date per person; fine for tests)."""
    out = []
    for b in birth.tolist():
        d = dt.date.fromordinal(b)
        years = on.year - d.year - ((on.month, on.day) < (d.month, d.day))
        if d.month == 2 and d.day == 29 and on.month == 2 and on.day == 28:
            years += not _leap(on.year)  # turns a year older on 28 February
        out.append(years)
    return np.array(out)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _table(year: int) -> list[tuple[int, int | None, int, int]]:
    """The shipped age table: (lowest age, age above the group or None, male, female)."""
    ref = resources.files("ilp.population").joinpath("data/population_age_sex.csv")
    text = "\n".join(ln for ln in ref.read_text("utf-8").splitlines() if not ln.startswith("#"))
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        if int(row["year"]) != year:
            continue
        group = row["age_group"]
        lo, hi = (int(group[:-1]), None) if group.endswith("+") else map(int, group.split("-"))
        rows.append((lo, None if hi is None else hi + 1, int(row["male"]), int(row["female"])))
    return rows


@pytest.fixture(scope="module")
def large() -> Synthetic:
    return synthesize(seed=20251101, on=ON, size=200_000)


@pytest.fixture(scope="module")
def large_ages(large: Synthetic) -> np.ndarray[Any, Any]:
    return _ages(large.population.birth, ON)


@pytest.fixture(scope="module")
def demo_network() -> Network:
    ref = resources.files("ilp").joinpath("data/demo/kecamatan/network.yaml")
    with resources.as_file(ref) as path:
        return load_network(path)


def _arrays(s: Synthetic) -> dict[str, np.ndarray[Any, Any]]:
    p, h = s.population, s.history
    names = [
        "birth", "sex", "conditions", "school_grade", "school_year", "sexually_active",
        "residence", "preg_person", "preg_lmp", "preg_edd", "preg_delivery", "preg_outcome",
        "preg_in_facility",
    ]  # fmt: skip
    out = {n: getattr(p, n) for n in names}
    out.update(
        ids=p.ids.astype(str),
        rec_person=h.rec_person,
        rec_code=h.rec_code,
        rec_day=h.rec_day,
        households=s.households,
        mother=s.mother,
    )
    return out


class TestReproducibility:
    def test_same_seed_gives_identical_arrays(self) -> None:
        """Two runs with one seed give the same people, histories, families and areas."""
        a = _arrays(synthesize(seed=11, on=ON, size=5000))
        b = _arrays(synthesize(seed=11, on=ON, size=5000))
        for name, column in a.items():
            assert np.array_equal(column, b[name]), name

    def test_different_seeds_differ(self) -> None:
        """Another seed gives other people and other histories."""
        a = _arrays(synthesize(seed=11, on=ON, size=5000))
        b = _arrays(synthesize(seed=12, on=ON, size=5000))
        assert not np.array_equal(a["birth"], b["birth"])
        assert not np.array_equal(a["households"], b["households"])
        assert len(a["rec_day"]) != len(b["rec_day"]) or not np.array_equal(
            a["rec_day"], b["rec_day"]
        )

    def test_generator_seed_is_advanced(self) -> None:
        """Equal generators give equal populations; reusing one generator gives a new one."""
        a = synthesize(seed=np.random.default_rng(3), on=ON, size=2000)
        b = synthesize(seed=np.random.default_rng(3), on=ON, size=2000)
        assert np.array_equal(a.population.birth, b.population.birth)
        rng = np.random.default_rng(3)
        c = synthesize(seed=rng, on=ON, size=2000)
        d = synthesize(seed=rng, on=ON, size=2000)
        assert not np.array_equal(c.population.birth, d.population.birth)

    def test_coverage_change_leaves_the_people_alone(self) -> None:
        """Each stage has its own random stream: other coverage, same people and families."""
        params = SynthParams(coverage={**DEFAULT_COVERAGE, "GROWTH": 0.2})
        a = synthesize(seed=5, on=ON, size=3000)
        b = synthesize(seed=5, on=ON, size=3000, params=params)
        assert np.array_equal(a.population.birth, b.population.birth)
        assert np.array_equal(a.households, b.households)
        growth = a.history.codes.index("GROWTH")
        assert (a.history.rec_code == growth).sum() > (b.history.rec_code == growth).sum()


class TestAgeAndSex:
    def test_age_sex_structure_matches_the_table(
        self, large: Synthetic, large_ages: np.ndarray[Any, Any]
    ) -> None:
        """Counts by 5-year group and sex pass a chi-square test against WPP2024 (p > 0.001)."""
        table = _table(2025)
        total = sum(m + f for _, _, m, f in table)
        n = len(large.population)
        sex = large.population.sex
        chi2 = 0.0
        for lo, hi, male, female in table:
            inside = (large_ages >= lo) & (large_ages < (hi or 999))
            for s, count in ((0, female), (1, male)):
                expected = n * count / total
                observed = int((inside & (sex == s)).sum())
                chi2 += (observed - expected) ** 2 / expected
        assert chi2 < 61.10  # chi-square, 31 degrees of freedom, p = 0.001

    def test_ages_stop_at_one_hundred(self, large_ages: np.ndarray[Any, Any]) -> None:
        """Nobody is older than 100, and the open group 75+ is not empty."""
        assert large_ages.min() >= 0
        assert large_ages.max() < 100
        assert (large_ages >= 75).sum() > 1000

    def test_rows_are_in_order_of_birth(self, large: Synthetic) -> None:
        """Rows come sorted by birth, the order due_batch is fastest on."""
        assert large.population.birth_sorted

    def test_table_nearest_to_the_date_is_used(self) -> None:
        """A date in 2020 takes the 2020 table, whose under-fives are more numerous."""
        under5 = []
        for on in ("2020-03-01", "2025-03-01"):
            s = synthesize(seed=1, on=on, size=100_000)
            ages = _ages(s.population.birth, pendulum.Date.fromisoformat(on))
            under5.append((ages < 5).mean())
        assert under5[0] > under5[1]


class TestFamilies:
    def test_mean_family_size_is_the_parameter(self, large: Synthetic) -> None:
        """The mean family (kartu keluarga) size is 3.14 people, as D §2 derives."""
        sizes = large.household_sizes()
        assert sizes.min() >= 1
        assert abs(sizes.mean() - 3.14) < 0.01
        assert 0.05 < (sizes == 1).mean() < 0.3
        assert sizes.max() < 25

    def test_census_household_size_can_be_asked_for(self) -> None:
        """A larger household_size gives larger families."""
        s = synthesize(seed=2, on=ON, size=20_000, params=SynthParams(household_size=3.9))
        assert abs(s.household_sizes().mean() - 3.9) < 0.02

    def test_mothers_are_women_of_childbearing_age_in_the_same_family(
        self, large: Synthetic
    ) -> None:
        """A mother is a woman 15-49 at the child's birth who lives in the child's family."""
        child = np.flatnonzero(large.mother >= 0)
        mom = large.mother[child]
        pop = large.population
        assert (pop.sex[mom] == 0).all()
        assert (large.households[mom] == large.households[child]).all()
        sample = np.random.default_rng(0).choice(len(child), size=3000, replace=False)
        at_birth = np.array(
            [
                _ages(np.array([m]), dt.date.fromordinal(c))[0]
                for m, c in zip(
                    pop.birth[mom[sample]].tolist(), pop.birth[child[sample]].tolist(), strict=True
                )
            ]
        )
        assert at_birth.min() >= 15
        assert at_birth.max() <= 49

    def test_nearly_every_young_child_lives_with_a_mother(
        self, large: Synthetic, large_ages: np.ndarray[Any, Any]
    ) -> None:
        """Children under 15 have a mother at home (the matching rarely fails)."""
        assert (large.mother[large_ages < 15] >= 0).mean() > 0.99


class TestPregnancies:
    def test_pregnancies_only_for_women_15_to_49(
        self, large: Synthetic, large_ages: np.ndarray[Any, Any]
    ) -> None:
        """Every pregnancy is a woman's, aged 15-49 on the date and at least 15 at the HPHT."""
        pop = large.population
        person = pop.preg_person
        assert (pop.sex[person] == 0).all()
        assert large_ages[person].min() >= 15
        assert large_ages[person].max() <= 49
        assert len(np.unique(person)) == len(person)
        lmp_ages = [
            _ages(np.array([b]), dt.date.fromordinal(lmp))[0]
            for b, lmp in zip(pop.birth[person].tolist(), pop.preg_lmp.tolist(), strict=True)
        ]
        assert min(lmp_ages) >= 15

    def test_ongoing_pregnancies_at_the_fertility_rate(
        self, large: Synthetic, large_ages: np.ndarray[Any, Any]
    ) -> None:
        """Women 15-49 are pregnant at ASFR x 280/365.25, within four standard errors."""
        params = SynthParams()
        pop = large.population
        shape = np.array(params.fertility_shape)
        asfr = params.tfr * shape / (5 * shape.sum())
        women = (pop.sex == 0) & (large_ages >= 15) & (large_ages <= 49)
        rate = asfr[np.clip((large_ages - 15) // 5, 0, 6)] * 280 / 365.25
        expected = rate[women].sum()
        ongoing = int((pop.preg_delivery == NO_DAY).sum())
        assert abs(ongoing - expected) < 4 * math.sqrt(expected)

    def test_gestation_is_uniform_over_forty_weeks(self, large: Synthetic) -> None:
        """Ongoing pregnancies are spread evenly over 0-279 days of gestation."""
        pop = large.population
        ongoing = pop.preg_delivery == NO_DAY
        ga = ON.toordinal() - pop.preg_lmp[ongoing]
        assert ga.min() >= 0
        assert ga.max() < 280
        counts = np.bincount(ga // 70, minlength=4)
        assert counts.min() > 0.85 * counts.mean()
        assert (pop.preg_edd - pop.preg_lmp == 280).all()

    def test_deliveries_are_the_last_42_days_of_births(self, large: Synthetic) -> None:
        """Each woman in nifas is the mother of a baby born on her delivery day, a live birth."""
        pop = large.population
        ended = pop.preg_delivery != NO_DAY
        assert ended.sum() > 100
        assert (ON.toordinal() - pop.preg_delivery[ended] <= 42).all()
        assert (pop.preg_outcome[ended] == 0).all()  # OUTCOMES[0] is a live birth
        babies = np.flatnonzero(ON.toordinal() - pop.birth <= 42)
        mothers = large.mother[babies]
        delivered = dict(
            zip(pop.preg_person[ended].tolist(), pop.preg_delivery[ended].tolist(), strict=True)
        )
        for baby, mom in zip(babies.tolist(), mothers.tolist(), strict=True):
            if mom >= 0:
                assert delivered[mom] == pop.birth[baby]


class TestConditions:
    def test_hypertension_at_the_published_diagnosed_prevalence(
        self, large: Synthetic, large_ages: np.ndarray[Any, Any]
    ) -> None:
        """Diagnosed hypertension: 5.9 % at 18-59 and 22.9 % at 60+ (SKI 2023), ± 4 SE."""
        has = (large.population.conditions & 1) > 0
        assert CONDITIONS[0].value == "hypertension"
        for lo, hi, rate in ((18, 60, 0.059), (60, 200, 0.229)):
            group = (large_ages >= lo) & (large_ages < hi)
            se = math.sqrt(rate * (1 - rate) / group.sum())
            assert abs(has[group].mean() - rate) < 4 * se
        assert not has[large_ages < 18].any()

    def test_smoking_by_sex(self, large: Synthetic, large_ages: np.ndarray[Any, Any]) -> None:
        """Current tobacco use at 15+: 65.5 % of men and 3.3 % of women (GATS 2021), ± 4 SE."""
        bit = 1 << [c.value for c in CONDITIONS].index("smoker")
        smokes = (large.population.conditions & bit) > 0
        for sex, rate in ((1, 0.655), (0, 0.033)):
            group = (large.population.sex == sex) & (large_ages >= 15)
            se = math.sqrt(rate * (1 - rate) / group.sum())
            assert abs(smokes[group].mean() - rate) < 4 * se


class TestSchool:
    def test_grades_follow_age_on_the_first_of_july(self, large: Synthetic) -> None:
        """A pupil's grade is their age on 1 July 2025 minus 6, for the 2025 school year."""
        pop = large.population
        pupils = np.flatnonzero(pop.school_grade > 0)
        assert len(pupils) > 0.15 * len(pop)
        july = _ages(pop.birth[pupils], dt.date(2025, 7, 1))
        assert (pop.school_grade[pupils] == july - 6).all()
        assert (pop.school_year[pupils] == 2025).all()
        assert (pop.school_year[pop.school_grade == 0] == 0).all()


class TestHistories:
    def test_every_record_is_within_the_life_and_not_after_the_date(self, large: Synthetic) -> None:
        """No record before the person's birth or after the synthesis date."""
        h = large.history
        assert len(h) > 500_000
        assert (h.rec_day >= large.population.birth[h.rec_person]).all()
        assert (h.rec_day <= ON.toordinal()).all()
        assert set(h.codes) == set(national().codes)

    def test_series_records_are_given_in_order(self, large: Synthetic) -> None:
        """A dose is only recorded after the dose before it in its series (drop-out stops it)."""
        h = large.history
        for entry in national().entries_on(ON):
            if not isinstance(entry.rule, SeriesRule):
                continue
            codes = [d.code for d in entry.rule.doses]
            for before, after in itertools.pairwise(codes):
                if before == after:
                    continue
                p0, d0 = h.of_code(before)
                p1, d1 = h.of_code(after)
                first = dict(zip(p0.tolist(), d0.tolist(), strict=True))
                assert all(
                    first.get(p, 10**9) < d for p, d in zip(p1.tolist(), d1.tolist(), strict=True)
                )

    def test_dpt3_coverage_in_infants_near_the_survey_figure(
        self, large: Synthetic, large_ages: np.ndarray[Any, Any]
    ) -> None:
        """DPT-HB-Hib 3 reaches about 88.3 % of children aged 1 (Susenas 2023), ± 3 points."""
        one = np.flatnonzero(large_ages == 1)
        people, _ = large.history.of_code("DPT-HB-HIB-3")
        share = np.isin(one, people).mean()
        assert abs(share - 0.8831) < 0.03
        people, _ = large.history.of_code("MR-1")
        assert abs(np.isin(one, people).mean() - 0.7536) < 0.03

    def test_due_batch_runs_and_equals_due_on_a_small_population(self) -> None:
        """The output feeds due_batch, and due() agrees with it person by person."""
        s = synthesize(seed=8, on=ON, size=400)
        result = due_batch(s.population, s.history, ON)
        people = s.population.to_people()
        records = s.history.to_mapping(s.population)
        for row, person in enumerate(people):
            items = due(person, ON, history=records.get(person.id, ()))
            mine = sorted((i.code, i.status.value) for i in items)
            batch = sorted((i[0], i[2].value) for i in result.items_of(row))
            assert mine == batch, person.id


class TestNetwork:
    def test_everyone_lives_on_a_dusun_or_desa_of_the_network(self, demo_network: Network) -> None:
        """Residences are the network's dusun/RW (or desa without one), families not split."""
        s = synthesize(seed=4, on=ON, network=demo_network, size=12_000)
        pop = s.population
        assert (pop.residence >= 0).all()
        for area in s.areas:
            found = demo_network.area(area.id)
            assert found.level is AreaLevel.DUSUN or not demo_network.children(found.id)
        counts = np.bincount(pop.residence, minlength=len(s.areas))
        assert (abs(counts - 12_000 / len(s.areas)) < 15).all()
        order = np.argsort(s.households, kind="stable")
        hh, res = s.households[order], pop.residence[order]
        same = hh[1:] == hh[:-1]
        assert (res[1:][same] == res[:-1][same]).all()

    def test_default_size_is_per_area(self, demo_network: Network) -> None:
        """Without a size, each area gets params.people_per_area people."""
        s = synthesize(seed=4, on=ON, network=demo_network)
        assert len(s.population) == 1300 * len(s.areas)

    def test_area_type_and_weights_choose_the_areas(self, demo_network: Network) -> None:
        """area_type keeps the remote desa's dusun; weights share people out."""
        s = synthesize(seed=4, on=ON, network=demo_network, size=3000, area_type="terpencil")
        assert all(a.id.startswith("desa-gunungsari-") for a in s.areas)
        weights = {"kel-sukamaju-rw01": 3.0, "desa-sumberejo-krajan": 1.0}
        s = synthesize(seed=4, on=ON, network=demo_network, size=4000, weights=weights)
        people = np.bincount(s.population.residence, minlength=len(s.areas)).tolist()
        counts = dict(zip(s.population.areas, people, strict=True))
        assert abs(counts["kel-sukamaju-rw01"] - 3000) < 15
        assert abs(counts["desa-sumberejo-krajan"] - 1000) < 15
        assert sum(counts.values()) == 4000

    def test_without_a_network_one_area_of_the_given_type(self) -> None:
        """size people in one synthetic desa of the area type asked for."""
        s = synthesize(seed=4, on=ON, size=500, area_type="perkotaan")
        assert len(s.areas) == 1
        assert s.areas[0].type is not None
        assert s.areas[0].type.value == "perkotaan"
        assert (s.population.residence == 0).all()


class TestBadInput:
    @pytest.mark.parametrize(
        "change",
        [
            {"tfr": -1.0},
            {"reach": 1.5},
            {"stay_home": -0.1},
            {"dropout": 0.0},
            {"household_size": 0},
            {"coverage": {"GROWTH": -0.2}},
            {"coverage": {"GROWTH": 1.2}},
            {"prevalence": {"flu": ((0, 0.1, 0.1),)}},
            {"prevalence": {"smoker": ((15, 0.1),)}},
            {"ever_married": ((20, 0.5), (15, 0.2))},
            {"enrolment": ((7, 2.0),)},
            {"area_factor": {"city": 1.0}},
            {"fertility_shape": (1.0, 2.0)},
            {"age_table_year": 2021},
            {"history_months": 0},
        ],
    )
    def test_bad_parameters_are_refused(self, change: dict[str, Any]) -> None:
        """A negative rate, a rate above 1 or an unknown name raises PopulationError."""
        with pytest.raises(PopulationError) as info:
            SynthParams(**change)
        assert isinstance(info.value, ILPError)
        assert isinstance(info.value, ValueError)
        assert info.value.field is not None
        assert info.value.field.startswith("params.")

    def test_unknown_service_code_is_refused(self) -> None:
        """A coverage for a code the catalogue does not have raises PopulationError."""
        params = SynthParams(coverage={**DEFAULT_COVERAGE, "NOT-A-CODE": 0.5})
        with pytest.raises(PopulationError, match="NOT-A-CODE"):
            synthesize(seed=1, on=ON, size=10, params=params)

    @pytest.mark.parametrize(
        "change",
        [
            {"size": -1},
            {"size": None},
            {"size": True},
            {"seed": -3},
            {"seed": "7"},
            {"area_type": "moon"},
            {"weights": {"desa-x": 1.0}},
            {"params": "defaults"},
        ],
    )
    def test_bad_arguments_are_refused(self, change: dict[str, Any]) -> None:
        """Sizes, seeds, area types and weights that make no sense raise PopulationError."""
        args: dict[str, Any] = {"seed": 1, "on": ON, "size": 10}
        args.update(change)
        with pytest.raises(PopulationError):
            synthesize(**args)

    def test_weights_must_name_areas_of_the_network(self, demo_network: Network) -> None:
        """A weight for an area that is not a dusun/desa of the network is refused."""
        with pytest.raises(PopulationError, match="sukamaju"):
            synthesize(seed=1, on=ON, network=demo_network, size=10, weights={"sukamaju": 1})
        with pytest.raises(PopulationError, match="add up to 0"):
            synthesize(
                seed=1, on=ON, network=demo_network, size=10, weights={"kel-sukamaju-rw01": 0}
            )


class TestParameters:
    def test_default_codes_are_national_catalogue_codes(self) -> None:
        """Every code with a default coverage is a service of the national catalogue."""
        assert set(DEFAULT_COVERAGE) <= set(national().codes)

    def test_parameters_compare_by_value(self) -> None:
        """Two parameter sets are equal when every rate is, and evolve changes one."""
        assert SynthParams() == SynthParams()
        assert attrs.evolve(SynthParams(), tfr=2.1).tfr == 2.1
        assert SynthParams(coverage={**DEFAULT_COVERAGE, "GROWTH": 0.5}) != SynthParams()

    def test_tiny_and_empty_populations(self) -> None:
        """Zero, one and a handful of people are valid populations too."""
        for size in (0, 1, 2, 7):
            s = synthesize(seed=size, on=ON, size=size)
            assert len(s.population) == size
            assert len(s.households) == size


def _summary(s: Synthetic) -> dict[str, Any]:
    pop, h = s.population, s.history
    ages = _ages(pop.birth, s.on)
    sizes = s.household_sizes()
    return {
        "people": {"female": int((pop.sex == 0).sum()), "male": int((pop.sex == 1).sum())},
        "age_groups": np.bincount(np.minimum(ages // 5, 15), minlength=16).tolist(),
        "families": len(sizes),
        "family_sizes": np.bincount(sizes).tolist(),
        "with_mother": int((s.mother >= 0).sum()),
        "pregnant": int((pop.preg_delivery == NO_DAY).sum()),
        "nifas": int((pop.preg_delivery != NO_DAY).sum()),
        "conditions": {
            c.value: int(((pop.conditions >> i) & 1).sum()) for i, c in enumerate(CONDITIONS)
        },
        "pupils": int((pop.school_grade > 0).sum()),
        "records": dict(
            zip(h.codes, np.bincount(h.rec_code, minlength=len(h.codes)).tolist(), strict=True)
        ),
        "checksums": {
            "birth": int(pop.birth.astype(np.int64).sum()),
            "record_day": int(h.rec_day.astype(np.int64).sum()),
            "record_person": int(h.rec_person.astype(np.int64).sum()),
        },
    }


class TestBaseline:
    def test_a_seeded_synthesis_matches_the_stored_baseline(self) -> None:
        """Counts and checksums of a 10,000-person synthesis have not drifted."""
        s = synthesize(seed=20251101, on=ON, size=10_000)
        found = {"seed": 20251101, "on": ON.isoformat(), "size": 10_000, **_summary(s)}
        if os.environ.get("ILP_UPDATE_BASELINE"):
            BASELINE.write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
            pytest.skip("baseline rewritten")
        stored = json.loads(BASELINE.read_text(encoding="utf-8"))
        assert found == stored

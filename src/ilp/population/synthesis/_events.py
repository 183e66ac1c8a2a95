"""Pregnancies and recent births, conditions and school grades."""

from __future__ import annotations

import datetime as _dt

import attrs
import numpy as np
import numpy.typing as npt
import pendulum

from ilp.lifecycle.semantics import NIFAS_DAYS
from ilp.people import EDD_DAYS, Sex
from ilp.population._calendar import NO_DAY, Arr, add_months
from ilp.population.batch.draws import LIVE_BIRTH
from ilp.population.columns import CONDITIONS, SEX_CODES
from ilp.population.synthesis._ages import _DAYS_PER_YEAR, _band, _YearThresholds
from ilp.population.synthesis._arguments import Streams
from ilp.population.synthesis._families import DrawnFamilies
from ilp.population.synthesis._params import SynthParams

__all__ = ["DrawnPregnancies"]


@attrs.frozen
class DrawnPregnancies:
    person: Arr
    lmp: Arr
    edd: Arr
    delivery: Arr
    outcome: npt.NDArray[np.int8]
    in_facility: npt.NDArray[np.int8]


def _pregnancies(
    rng: np.random.Generator,
    *,
    birth: Arr,
    sex: Arr,
    age: Arr,
    fam: DrawnFamilies,
    on_day: int,
    params: SynthParams,
) -> DrawnPregnancies:
    # deliveries of the last 42 days: the mothers of the babies of that age
    babies = np.flatnonzero((on_day - birth <= NIFAS_DAYS) & (fam.mother >= 0))
    moms = fam.mother[babies]
    born = birth[babies]
    d_lmp = born - rng.integers(37 * 7, 42 * 7 + 1, size=len(babies))  # term births (guess)
    facility = (rng.random(len(babies)) < params.facility_birth).astype(np.int8)

    # ongoing: ASFR x 40 weeks, married women without a baby under one first
    infant = np.zeros(len(birth), dtype=bool)
    small = np.flatnonzero((on_day - birth < 365) & (fam.mother >= 0))
    infant[fam.mother[small]] = True
    shape = np.array(params.fertility_shape)
    asfr = params.tfr * shape / (5 * shape.sum())
    chosen: list[Arr] = []
    female = sex == SEX_CODES[Sex.FEMALE]
    for g in range(7):
        women = np.flatnonzero(female & (age >= 15 + 5 * g) & (age < 20 + 5 * g))
        k = int(rng.binomial(len(women), min(1.0, asfr[g] * EDD_DAYS / _DAYS_PER_YEAR)))
        rank = np.where(fam.married[women], 0, np.where(fam.ever_married[women], 1, 2))
        rank = np.where(infant[women], 3, rank)
        order = np.lexsort((rng.random(len(women)), rank))
        pick = order[:k]
        chosen.append(women[pick[rank[pick] < 3]])
    pregnant = np.concatenate(chosen)
    lmp = on_day - rng.integers(0, EDD_DAYS, size=len(pregnant))
    adult = add_months(birth[pregnant], 15 * 12) <= lmp
    pregnant, lmp = pregnant[adult], lmp[adult]

    person = np.concatenate([moms, pregnant])
    order = np.argsort(person, kind="stable")
    all_lmp = np.concatenate([d_lmp, lmp])[order]
    none = np.full(len(pregnant), -1, dtype=np.int8)
    return DrawnPregnancies(
        person=person[order],
        lmp=all_lmp,
        edd=all_lmp + EDD_DAYS,
        delivery=np.concatenate([born, np.full(len(pregnant), NO_DAY)])[order],
        outcome=np.concatenate([np.full(len(babies), LIVE_BIRTH, dtype=np.int8), none])[order],
        in_facility=np.concatenate([facility, none])[order],
    )


def _conditions(streams: Streams, age: Arr, sex: Arr, params: SynthParams) -> Arr:
    bits = np.zeros(len(age), dtype=np.uint16)
    for i, condition in enumerate(CONDITIONS):
        bands = params.prevalence.get(condition.value)
        if not bands:
            continue
        rate = np.where(sex == SEX_CODES[Sex.FEMALE], _band(age, bands, 1), _band(age, bands, 2))
        has = streams("conditions", condition.value).random(len(age)) < rate
        bits |= (has.astype(np.uint16) << i).astype(np.uint16)
    return bits


def _school(
    rng: np.random.Generator, birth: Arr, on: pendulum.Date, params: SynthParams
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int16]]:
    year = on.year if on.month >= 7 else on.year - 1  # the school year starts in July
    july = _YearThresholds(_dt.date(year, 7, 1).toordinal())
    at_july = np.where(birth <= july.last[0], july.age(birth), -1)
    grade = at_july - 6
    school = (grade >= 1) & (grade <= 12)
    school &= rng.random(len(birth)) < _band(at_july, params.enrolment)
    grades = np.where(school, grade, 0).astype(np.int8)
    return grades, np.where(school, year, 0).astype(np.int16)

"""Synthetic populations: people, families, pregnancies, conditions and histories, drawn at scale.

:func:`synthesize` draws a reproducible population for a network (placed on
its dusun/RW, or desa where a desa has none) or for a number of people in
one synthetic area. Every step is vectorised with NumPy: loops run over age
groups, cohorts, catalogue entries, doses and months, never over persons, so
a million people take a few seconds. The same seed gives the same arrays.

How it is drawn, and from what (``D`` is the domain note
``demography.md``; each default of :class:`SynthParams` names its source
next to it, and "guess" marks a figure D does not give):

- **Age and sex**: the WPP2024 table shipped in ``data/population_age_sex.csv``
  (D §1a), the year nearest to *on*; ages are uniform within each 5-year
  group. Within 75+ the density falls exponentially at the rate that makes
  geometric 5-year bands after 70-74 add up to the 75+ total [derived], and
  stops at 100.
- **Families** (kartu keluarga): ever-married women by age (guess); each is
  paired with a man about 4 years older (guess) in the same age bucket,
  without replacement, so that old women outlive the men of their age and
  become widows. Children, and unmarried adults under 30 who still live at
  home (guess), are matched cohort by cohort to an ever-married woman who
  was 15-49 in the pregnancy, her age drawn from the age pattern of fertility
  (guess), at most one child per woman in two adjacent one-year cohorts.
  A couple or a woman with her children is a family; everyone else lives
  alone. Families then join others at random (as parents or relatives),
  one person three times as likely as a pair and sixty times as likely as
  a larger family (guess), until the mean size is ``household_size``: 3.14
  people per family card (D §2, [derived] from Dukcapil 2020). Census
  households are larger (3.8-3.9, D §2, [unconfirmed]); set
  ``household_size`` for those. Children whose mother is not found join a
  family at random.
- **Births and pregnancies**: women who gave birth in the last 42 days
  (nifas) are the mothers of the babies of that age, so deliveries follow
  the table's own birth rate (its 0-4 share over five years is 15.5 per
  1,000, as WPP2024's crude birth rate for 2025, 15.54, D §2). Women 15-49
  are pregnant on *on* with probability ASFR x 280 / 365.25 (40 weeks per
  birth), with ASFR = TFR 2.18 (D §2, LF SP2020) spread over the 5-year
  groups by the fertility pattern (guess); married women without a baby
  come first. The HPHT is drawn so that the gestational age is uniform.
- **Conditions** are *diagnosed* (known to the register), since they drive
  follow-up services: hypertension 5.9 % at 18-59 and 22.9 % at 60+ (D §3a,
  SKI 2023; the measured 30.8 % is the alternative), diabetes 2.0 % at 15+
  (D §3a, Riskesdas 2018), obesity 23.4 % of adults (D §3a, SKI 2023), TB
  under treatment 0.14 % (D §3b [derived]), severe mental disorder 1.8 per
  1,000 persons (D §3b), current tobacco use 65.5 % of men and 3.3 % of
  women 15+ (GATS 2021, WHO Indonesia; not in D). Each is drawn
  independently; HIV, hepatitis B and disability have no figure in D.
- **School**: grade = completed age on 1 July minus 6, with the school
  participation rate (APS) of the age: 99.16 % at 7-12, 96.1 % at 13-15,
  73.42 % at 16-18 (BPS 2023 via GoodStats; not in D). Nobody repeats.
- **Histories**, for everyone in an entry's scope on *on*, with the
  catalogue's own ages and windows (entries in force on *on*; a record is
  never dated before the first edition that has its code): immunisation
  series give each dose at its recommended age (or after the previous dose)
  plus a delay (exponential, mean 21 days, guess, cut off where the dose
  would become overdue or pass its latest age). A child is reached by
  the programme with the BCG coverage (90.86 %, D §4a, Susenas 2023); the
  chance of continuing to each dose is the ratio of the published coverage
  of that dose and the one before (D §4a), so each dose's coverage is the
  published one. A child who misses a dose on time either catches up later
  (another exponential delay, mean 60 days) or, with probability
  ``dropout`` (guess), gets no further dose of the series. Recurring,
  calendar, follow-up, school, birthday, pregnancy and postnatal services
  get records in the last ``history_months`` (12) at their coverage per
  period (per month, interval, contact or visit). Coverage is scaled by
  area type: urban 1.037 and rural 0.951 [derived: Susenas IDL urban and
  rural over national, D §4a], remote 0.85 and very remote 0.75 (guess).
  Only people in an entry's scope on *on* get its records (what the due
  engine reads); regional entries (JE) get none, as a population holds no
  region.

Two figures are not in D: tobacco use from the GATS 2021 release
(https://www.who.int/indonesia/news/detail/22-08-2024-ministry-of-health-and-who-release-global-adult-tobacco-survey-indonesia-report-2021)
and school participation from BPS as reported by GoodStats
(https://data.goodstats.id/statistic/semakin-banyak-anak-indonesia-yang-masih-bersekolah-Mh1yZ).

Rows are in order of birth (``due_batch`` is faster that way).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ilp.dates import DateLike, as_date
from ilp.errors import PopulationError
from ilp.lifecycle import (
    Catalogue,
    national,
)
from ilp.network import AreaType, Network
from ilp.people import Sex
from ilp.population.batch.histories import Histories
from ilp.population.columns import SEX_CODES, Population
from ilp.population.synthesis._ages import _MAX_AGE, _ages, _table, _YearThresholds
from ilp.population.synthesis._arguments import Streams, _area_type, _areas, _check_codes, _size
from ilp.population.synthesis._events import _conditions, _pregnancies, _school
from ilp.population.synthesis._families import _families, _place
from ilp.population.synthesis._params import SynthParams
from ilp.population.synthesis._result import Synthetic

__all__ = ["synthesize"]


# Long only by its parts laid end to end: the argument checks, one line per stage in
# draw order, and the keyword lists of the Population and Synthetic it returns.
def synthesize(
    *,
    seed: int | np.random.Generator,
    on: DateLike,
    network: Network | None = None,
    size: int | None = None,
    area_type: AreaType | str | None = None,
    params: SynthParams | None = None,
    weights: Mapping[str, float] | None = None,
    catalogue: Catalogue | None = None,
) -> Synthetic:
    """A reproducible synthetic population on date *on* (see the module docstring for how).

    With a *network*, people live on its dusun/RW (or on a desa that has
    none), restricted to areas of *area_type* when given, in proportion to
    *weights* (area id → weight; equal by default): *size* people in all,
    or ``params.people_per_area`` per area. Without one, *size* people
    live in one synthetic desa of *area_type* (None: national coverage).
    *seed* is a whole number or a :class:`numpy.random.Generator` (which is
    advanced); the same seed gives identical arrays. Histories use the
    *catalogue* (default: the national one). Bad arguments raise
    :class:`~ilp.errors.PopulationError`.
    """
    params = SynthParams() if params is None else params
    if not isinstance(params, SynthParams):
        msg = f"params: expected SynthParams, got {type(params).__name__}"
        raise PopulationError(msg, field="params", value=params)
    day = as_date(on, field="on")
    streams = Streams(seed)
    catalogue = national() if catalogue is None else catalogue
    if not isinstance(catalogue, Catalogue):
        msg = f"catalogue: expected a Catalogue, got {type(catalogue).__name__}"
        raise PopulationError(msg, field="catalogue", value=catalogue)
    _check_codes(params, catalogue)
    kind = _area_type(area_type)
    areas, area_weights, area_types = _areas(network, kind, weights)
    n = _size(size, network, params, len(areas))
    on_day = day.toordinal()
    if on_day - 365 * (_MAX_AGE + 1) < 1:
        msg = f"on: {day.isoformat()} is too early to hold people up to {_MAX_AGE} years old"
        raise PopulationError(msg, field="on", value=day.isoformat())

    years = _YearThresholds(on_day)
    birth, sex = _ages(streams("ages"), n, years, _table(params, day))
    age = years.age(birth)
    fam = _families(streams("families"), birth, sex, age, params)
    household, residence = _place(streams("placement"), fam.unit, area_weights)
    factor = np.array(
        [params.area_factor.get(t, 1.0) if t is not None else 1.0 for t in area_types]
    )[residence]
    preg = _pregnancies(
        streams("pregnancies"), birth=birth, sex=sex, age=age, fam=fam, on_day=on_day, params=params
    )
    conditions = _conditions(streams, age, sex, params)
    grade, school_year = _school(streams("school"), birth, day, params)
    active = np.where((sex == SEX_CODES[Sex.FEMALE]) & fam.ever_married, 1, -1).astype(np.int8)
    active[preg.person] = 1
    ids = np.zeros(0, dtype=object)
    if n:  # "s0000001": zero-padded row numbers, made without a loop over persons
        digits = np.char.zfill(np.arange(n).astype(str), len(str(n - 1)))
        ids = np.char.add("s", digits).astype(object)
    population = Population(
        ids=ids,
        birth=birth.astype(np.int32),
        sex=sex,
        conditions=conditions,
        school_grade=grade,
        school_year=school_year,
        sexually_active=active,
        residence=residence.astype(np.int32),
        areas=tuple(a.id for a in areas),
        preg_person=preg.person.astype(np.int32),
        preg_lmp=preg.lmp.astype(np.int32),
        preg_edd=preg.edd.astype(np.int32),
        preg_delivery=preg.delivery.astype(np.int32),
        preg_outcome=preg.outcome,
        preg_in_facility=preg.in_facility,
    )
    history = Histories(
        streams=streams,
        population=population,
        catalogue=catalogue,
        params=params,
        on_day=on_day,
        factor=factor,
        age=age,
    ).run()
    return Synthetic(
        population=population,
        history=history,
        households=household.astype(np.int32),
        mother=fam.mother.astype(np.int32),
        areas=areas,
        on=day,
    )

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

import csv
import datetime as _dt
import io
import math
import zlib
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final, TypeGuard

import attrs
import numpy as np
import numpy.typing as npt
import pendulum

from ilp.dates import DateLike, Duration, as_date
from ilp.errors import PopulationError
from ilp.lifecycle import (
    Catalogue,
    national,
)
from ilp.lifecycle.semantics import NIFAS_DAYS, max_birth
from ilp.network import Area, AreaLevel, AreaType, Network
from ilp.people import EDD_DAYS, Condition
from ilp.population._calendar import NO_DAY, Arr, add_months
from ilp.population.batch.draws import LIVE_BIRTH, trunc_exp
from ilp.population.batch.histories import Histories
from ilp.population.columns import CONDITIONS, History, Population

__all__ = [
    "DEFAULT_AREA_FACTOR",
    "DEFAULT_COVERAGE",
    "DEFAULT_PREVALENCE",
    "SynthParams",
    "Synthetic",
    "synthesize",
]

_EPOCH: Final = _dt.date(1970, 1, 1).toordinal()
_DAYS_PER_YEAR: Final = 365.2425
#: The oldest age drawn (the WPP 75+ group includes 100+).
_MAX_AGE: Final = 100
#: Unmarried people up to this age may still live with their mother.
_MAX_DEPENDENT_AGE: Final = 29
#: Retries when a person finds no partner or mother in the drawn age bucket.
_TRIES: Final = 4

# ---------------------------------------------------------------------------------------
# parameters

#: Default coverage per service code: the chance of a record per dose, contact, visit or
#: period. Survey figures (D §4) where D has them; the rest are guesses, marked so.
DEFAULT_COVERAGE: Final[Mapping[str, float]] = MappingProxyType(
    {
        # newborn care at birth: KN1 84.1 % (D §4b, Riskesdas 2018) as a proxy (guess)
        "HB0": 0.841,
        "VIT-K1": 0.841,
        "EYE-PROPHYLAXIS": 0.841,
        "SHK": 0.3,  # guess: a new programme, no figure in D
        "CKG-NEWBORN": 0.5,  # guess
        "KN-1": 0.841,  # D §4b, Riskesdas 2018
        "KN-2": 0.72,  # D §4b [derived]: sqrt(0.435 / 0.841), so that KN lengkap is 43.5 %
        "KN-3": 0.72,  # same
        # immunisation by 12-23 months, Susenas 2023 (D §4a) where given
        "BCG": 0.9086,  # D §4a
        "OPV-1": 0.9086,  # guess: as BCG (same first visits)
        "OPV-2": 0.8973,  # guess: midway between OPV-1 and OPV-3
        "OPV-3": 0.8861,  # D §4a, polio3
        "OPV-4": 0.86,  # guess: a little below polio3
        "DPT-HB-HIB-1": 0.9086,  # guess: as BCG
        "DPT-HB-HIB-2": 0.8958,  # guess: midway between DPT1 and DPT3
        "DPT-HB-HIB-3": 0.8831,  # D §4a, DPT3 (HB3 is 86.99 % in the same survey)
        "DPT-HB-HIB-4": 0.60,  # guess: the 18-month booster; no figure in D
        "PCV-1": 0.9086,  # guess: as DPT-HB-HIB-1 (same visit)
        "PCV-2": 0.8958,  # guess: as DPT-HB-HIB-2 (same visit)
        "PCV-3": 0.7536,  # guess: as MR-1, the published dose nearest in age
        "RV-1": 0.9086,  # guess: as DPT-HB-HIB-1 (same visit)
        "RV-2": 0.8958,  # guess: as DPT-HB-HIB-2
        "RV-3": 0.8831,  # guess: as DPT-HB-HIB-3
        "IPV-1": 0.8831,  # guess: as DPT-HB-HIB-3 (same visit, 4 months)
        "IPV-2": 0.7536,  # guess: as MR-1 (same visit, 9 months)
        "MR-1": 0.7536,  # D §4a, measles1
        "MR-2": 0.60,  # guess: no figure in D
        # child nutrition and development: no figure in D (§4c gap), guesses
        "GROWTH": 0.75,
        "VITA-BLUE": 0.8,
        "VITA-RED": 0.8,
        "DEWORM": 0.8,
        "PKAT": 0.5,
        "SDIDTK": 0.6,
        # pregnancy
        "ANC-K1": 0.95,  # guess
        "ANC-K2": 0.77,  # D §4b, K4 77 % (SDKI 2017), for every contact after K1
        "ANC-K3": 0.77,
        "ANC-K4": 0.77,
        "ANC-K5": 0.77,
        "ANC-K6": 0.77,
        "ANC-TRIPLE-ELIM": 0.7,  # guess
        "ANEMIA-BUMIL": 0.7,  # guess
        "TTD-BUMIL": 0.7,  # guess, per month
        "DENTAL-BUMIL": 0.3,  # guess
        "TD-WUS": 0.5,  # guess, per dose (the 80 % T2+ of P41 is a target)
        # after delivery: the KN figures as a proxy (D has no KF figure), guess
        "KF-1": 0.841,
        "KF-2": 0.72,
        "KF-3": 0.72,
        "KF-4": 0.72,
        "KB-PASCA-SALIN": 0.4,  # guess
        # school: the 2023 BIAS target of 80 % (D §4a, P41) used as a rate
        "BIAS-MR": 0.8,
        "BIAS-DT": 0.8,
        "BIAS-TD-2": 0.8,
        "BIAS-TD-5": 0.8,
        "HPV-1": 0.8,
        "HPV-2": 0.8,
        "SCHOOL-SCREEN": 0.7,  # guess
        "MENTAL-SCREEN-CHILD": 0.5,  # guess
        "TTD-REMAJA": 0.3,  # guess, per week
        "HB-REMAJA": 0.5,  # guess
        "THALASSAEMIA-SCREEN": 0.3,  # guess
        # adults, per interval: PTM screening from D §4d (39.87 % ever screened)
        "PTM-SCREEN": 0.3987,
        # other adult screening: guess, near the 37 % who ever had glucose checked (D §4d)
        "CERVIX-SCREEN": 0.3,
        "BREAST-SCREEN": 0.3,
        "COLORECTAL-SCREEN": 0.3,
        "LUNG-CANCER-SCREEN": 0.3,
        "COPD-SCREEN": 0.3,
        "VISION-SCREEN": 0.3,
        "MENTAL-SCREEN-ADULT": 0.3,
        "SKILAS": 0.3,
        "TB-SCREEN": 0.3,
        "CVD-RISK-SCREEN": 0.3,
        "DM-COMPLICATION-SCREEN": 0.3,
        "FITNESS-SCREEN": 0.2,  # guess
        "CKG": 0.25,  # guess
        # follow-up per period: HT [derived, D §3a, SKI 2023]: people with a return visit over
        # people diagnosed, 2.34/5.9 at 18-59 and 11.0/22.9 at 60+, weighted by the diagnosed
        # of each age band (about 0.43); DM and doctor review are guesses
        "HT-CONTROL": 0.43,
        "DM-CONTROL": 0.45,
        "NCD-DOCTOR-REVIEW": 0.5,
    }
)

#: Diagnosed prevalence: condition → bands of (from age in years, female, male).
DEFAULT_PREVALENCE: Final[Mapping[str, tuple[tuple[float, float, float], ...]]] = MappingProxyType(
    {
        # D §3a, SKI 2023: diagnosed 5.9 % at 18-59, 22.9 % at 60+
        "hypertension": ((18, 0.059, 0.059), (60, 0.229, 0.229)),
        # D §3a, Riskesdas 2018: doctor-diagnosed 2.0 % at 15+
        "diabetes": ((15, 0.020, 0.020),),
        # D §3b [derived]: 1.06 M new cases (WHO 2024 report, 2023) / 282.35 M people
        # (WPP, 1 Jul 2023) x 74 % detected x half a year of treatment
        "tuberculosis": ((0, 0.00139, 0.00139),),
        # D §3b, Riskesdas 2018 re-analysis: 1.8 per 1,000 persons, drawn among people
        # 15+ (75.75 % of the WPP2024 2025 table) [derived]: 1.8 / 0.7575
        "severe_mental_disorder": ((15, 0.00238, 0.00238),),
        # D §3a, SKI 2023: adult obesity 23.4 %
        "obesity": ((18, 0.234, 0.234),),
        # GATS 2021 (WHO Indonesia, 22 Aug 2024; not in D): tobacco use 15+, women 3.3 %,
        # men 65.5 %
        "smoker": ((15, 0.033, 0.655),),
    }
)

#: Area type → factor on every coverage. Urban and rural [derived]: Susenas 2023 IDL urban
#: 65.92 % and rural 60.47 % over national 63.58 % (D §4a); remote ones are guesses.
DEFAULT_AREA_FACTOR: Final[Mapping[AreaType, float]] = MappingProxyType(
    {
        AreaType.PERKOTAAN: 1.037,
        AreaType.PERDESAAN: 0.951,
        AreaType.TERPENCIL: 0.85,
        AreaType.SANGAT_TERPENCIL: 0.75,
    }
)


def _bad(name: str, msg: str, value: object) -> PopulationError:
    return PopulationError(f"params.{name}: {msg}", field=f"params.{name}", value=value)


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_rate(name: str, value: object) -> None:
    if not _is_number(value) or not 0 <= value <= 1:
        raise _bad(name, f"{value!r} is not a rate from 0 to 1", value)


def _rate(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    _check_rate(attribute.name, value)


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not _is_number(value) or value <= 0:
        raise _bad(attribute.name, f"{value!r} is not a number above 0", value)


def _share(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not _is_number(value) or not 0 < value <= 1:
        raise _bad(attribute.name, f"{value!r} is not a share above 0 and at most 1", value)


def _not_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not _is_number(value) or value < 0:
        raise _bad(attribute.name, f"{value!r} is not a number of 0 or more", value)


def _check_bands(name: str, bands: Any, width: int) -> tuple[tuple[float, ...], ...]:
    what = "(from age, rate)" if width == 2 else "(from age, female rate, male rate)"
    try:
        items = [tuple(band) for band in bands]
    except TypeError:
        raise _bad(name, f"expected a list of {what} bands, got {bands!r}", bands) from None
    previous = -1.0
    for i, band in enumerate(items):
        if len(band) != width or not all(_is_number(x) for x in band):
            raise _bad(f"{name}[{i}]", f"{band!r} is not a band {what}", band)
        age, *rates = band
        if age < 0 or age <= previous:
            raise _bad(f"{name}[{i}]", f"age {age!r} is negative or not above the last", age)
        previous = float(age)
        for rate in rates:
            _check_rate(f"{name}[{i}]", rate)
    return tuple(tuple(float(x) for x in band) for band in items)


def _ever_married(value: Iterable[Iterable[float]]) -> tuple[tuple[float, ...], ...]:
    return _check_bands("ever_married", value, 2)


def _enrolment(value: Iterable[Iterable[float]]) -> tuple[tuple[float, ...], ...]:
    return _check_bands("enrolment", value, 2)


def _coverage(value: Mapping[str, float]) -> Mapping[str, float]:
    if not isinstance(value, Mapping):
        raise _bad("coverage", f"expected a mapping of code to rate, got {value!r}", value)
    for code, rate in value.items():
        if not isinstance(code, str) or not code:
            raise _bad("coverage", f"{code!r} is not a service code", code)
        _check_rate(f"coverage[{code!r}]", rate)
    return MappingProxyType({k: float(v) for k, v in value.items()})


def _prevalence(
    value: Mapping[str, Iterable[Iterable[float]]],
) -> Mapping[str, tuple[tuple[float, ...], ...]]:
    if not isinstance(value, Mapping):
        raise _bad("prevalence", f"expected a mapping of condition to bands, got {value!r}", value)
    known = {c.value for c in Condition}
    out: dict[str, tuple[tuple[float, ...], ...]] = {}
    for name, bands in value.items():
        key = name.value if isinstance(name, Condition) else name
        if key not in known:
            msg = f"{name!r} is not a condition ({', '.join(sorted(known))})"
            raise _bad("prevalence", msg, name)
        out[key] = _check_bands(f"prevalence[{key!r}]", bands, 3)
    return MappingProxyType(out)


def _area_factor(value: Mapping[AreaType | str, float]) -> Mapping[AreaType, float]:
    if not isinstance(value, Mapping):
        raise _bad(
            "area_factor", f"expected a mapping of area type to factor, got {value!r}", value
        )
    out: dict[AreaType, float] = {}
    for key, factor in value.items():
        try:
            kind = key if isinstance(key, AreaType) else AreaType(key)
        except ValueError:
            known = ", ".join(t.value for t in AreaType)
            raise _bad("area_factor", f"{key!r} is not an area type ({known})", key) from None
        if not _is_number(factor) or factor < 0:
            raise _bad(f"area_factor[{kind.value!r}]", f"{factor!r} is not a factor >= 0", factor)
        out[kind] = float(factor)
    return MappingProxyType(out)


def _shape(value: Iterable[float]) -> tuple[float, ...]:
    try:
        shape = tuple(value)
    except TypeError:
        raise _bad("fertility_shape", f"expected 7 weights, got {value!r}", value) from None
    if len(shape) != 7 or not all(_is_number(x) and x >= 0 for x in shape) or sum(shape) <= 0:
        msg = f"{value!r} is not 7 weights >= 0 (ages 15-19 to 45-49) with a positive sum"
        raise _bad("fertility_shape", msg, value)
    return tuple(float(x) for x in shape)


def _whole(low: int) -> Callable[[Any, attrs.Attribute[int], int], None]:
    def check(_: Any, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise _bad(attribute.name, f"{value!r} is not a whole number >= {low}", value)

    return check


def _year(_: Any, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and value not in _age_tables():
        known = ", ".join(str(y) for y in sorted(_age_tables()))
        raise _bad(attribute.name, f"{value!r} is not a year of the age table ({known})", value)


@attrs.frozen
class SynthParams:
    """Every rate :func:`synthesize` uses; the defaults cite their source (module docstring).

    Rates are checked when the parameters are made: a negative rate, a rate
    above 1, an unknown condition or area type raises
    :class:`~ilp.errors.PopulationError`. Coverage codes are checked against
    the catalogue when :func:`synthesize` runs. Change one with
    ``attrs.evolve(SynthParams(), tfr=2.1)`` or
    ``coverage={**DEFAULT_COVERAGE, "GROWTH": 0.6}``.
    """

    #: Year of the WPP age table (2020 or 2025); None: the one nearest to *on*.
    age_table_year: int | None = attrs.field(default=None, validator=_year)
    #: Persons per family (KK): D §2 [derived] 271.35 M people / 86.44 M family cards (2020).
    household_size: float = attrs.field(default=3.14, validator=_positive)
    #: Share of women ever married, by age (guess; LF SP2020 has the table, D does not quote it).
    ever_married: tuple[tuple[float, ...], ...] = attrs.field(
        default=((15, 0.10), (20, 0.45), (25, 0.78), (30, 0.90), (35, 0.95)),
        converter=_ever_married,
    )
    #: Husband's age minus wife's age, mean and standard deviation in years (guess).
    spouse_age_gap: float = attrs.field(default=4.0, validator=_not_negative)
    spouse_age_sd: float = attrs.field(default=3.0, validator=_not_negative)
    #: Chance an unmarried person aged 18-29 still lives with their mother (guess).
    stay_home: float = attrs.field(default=0.8, validator=_rate)
    #: Total fertility rate: D §2, LF SP2020 (BPS); WPP2024 gives 2.10-2.13 for 2023-2025.
    tfr: float = attrs.field(default=2.18, validator=_positive)
    #: Relative fertility at 15-19, 20-24, ..., 45-49 (guess: shape only).
    fertility_shape: tuple[float, ...] = attrs.field(
        default=(0.3, 1.0, 1.1, 0.9, 0.5, 0.15, 0.03), converter=_shape
    )
    #: Share of deliveries in a facility: D §4b, SDKI 2017.
    facility_birth: float = attrs.field(default=0.79, validator=_rate)
    #: Diagnosed prevalence by condition: (from age, female, male) bands; see DEFAULT_PREVALENCE.
    prevalence: Mapping[str, tuple[tuple[float, ...], ...]] = attrs.field(
        default=DEFAULT_PREVALENCE, converter=_prevalence, hash=False
    )
    #: School participation (APS) by age on 1 July: BPS 2023 (via data.goodstats.id; not in D).
    enrolment: tuple[tuple[float, ...], ...] = attrs.field(
        default=((7, 0.9916), (13, 0.961), (16, 0.7342)),
        converter=_enrolment,
    )
    #: Share of children reached by the immunisation programme: BCG 90.86 % (D §4a, Susenas 2023).
    reach: float = attrs.field(default=0.9086, validator=_rate)
    #: Chance that a child who misses a dose on time never gets it nor a later dose (guess).
    dropout: float = attrs.field(default=0.6, validator=_share)
    #: Coverage per service code (see DEFAULT_COVERAGE); codes not listed get ``default_coverage``.
    coverage: Mapping[str, float] = attrs.field(
        default=DEFAULT_COVERAGE, converter=_coverage, hash=False
    )
    #: Coverage of catalogue codes that ``coverage`` does not list (none in the national one).
    default_coverage: float = attrs.field(default=0.0, validator=_rate)
    #: Mean delay in days after the recommended age or day (guess: "a few weeks").
    delay_days: float = attrs.field(default=21.0, validator=_not_negative)
    #: Mean extra delay in days of a dose caught up after being missed (guess).
    catchup_days: float = attrs.field(default=60.0, validator=_not_negative)
    #: Months of recurring, calendar and follow-up records kept before *on*.
    history_months: int = attrs.field(default=12, validator=_whole(1))
    #: Factor on coverage by area type (see DEFAULT_AREA_FACTOR); types not listed: 1.
    area_factor: Mapping[AreaType, float] = attrs.field(
        default=DEFAULT_AREA_FACTOR, converter=_area_factor, hash=False
    )
    #: People per dusun (or desa) when a network is given without a size [derived]: about
    #: 100 balita per Posyandu (D §5, Depkes 2006) / 7.7 % under five (D §1a).
    people_per_area: int = attrs.field(default=1300, validator=_whole(0))


# ---------------------------------------------------------------------------------------
# the result


def _int32_column(name: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(instance: Any, _: attrs.Attribute[Any], value: Any) -> None:
        n = len(instance.population)
        if not isinstance(value, np.ndarray) or value.dtype != np.int32 or value.shape != (n,):
            msg = f"{name}: expected an int32 array of {n} rows"
            raise PopulationError(msg, field=name, value=type(value).__name__)

    return check


def _area_tuple(value: Iterable[Area]) -> tuple[Area, ...]:
    return tuple(value)


@attrs.frozen(eq=False, repr=False)
class Synthetic:
    """A synthetic population: the people, their histories, families and mothers, and areas.

    ``households[i]`` is the family (kartu keluarga) of row *i*, numbered
    from 0 area by area; ``mother[i]`` is the row of the mother who lives
    with person *i* (-1 for none); ``areas[k]`` is the area whose id is
    ``population.areas[k]`` (what ``population.residence`` indexes).
    """

    population: Population
    history: History
    households: npt.NDArray[np.int32] = attrs.field(validator=_int32_column("households"))
    mother: npt.NDArray[np.int32] = attrs.field(validator=_int32_column("mother"))
    areas: tuple[Area, ...] = attrs.field(converter=_area_tuple)
    on: pendulum.Date

    def __attrs_post_init__(self) -> None:
        if tuple(a.id for a in self.areas) != self.population.areas:
            msg = "areas: the areas do not match population.areas"
            raise PopulationError(msg, field="areas", value=len(self.areas))
        if self.history.persons != len(self.population):
            msg = "history: it is not the history of this population"
            raise PopulationError(msg, field="history", value=self.history.persons)

    def __repr__(self) -> str:
        return (
            f"Synthetic({len(self.population)} people, {self.household_count} families, "
            f"{len(self.history)} records, {len(self.areas)} areas, on {self.on.isoformat()})"
        )

    @property
    def household_count(self) -> int:
        """The number of families."""
        return int(self.households.max()) + 1 if len(self.households) else 0

    def household_sizes(self) -> npt.NDArray[np.int64]:
        """The number of people in each family, by family number."""
        return np.bincount(self.households, minlength=self.household_count)


# ---------------------------------------------------------------------------------------
# the entry point


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
    streams = _Streams(seed)
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
    active = np.where((sex == 0) & fam.ever_married, 1, -1).astype(np.int8)
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


# ---------------------------------------------------------------------------------------
# arguments


class _Streams:
    """Independent random streams by name, all from one seed (a stage's draws never shift
    another's when it changes)."""

    def __init__(self, seed: int | np.random.Generator) -> None:
        if isinstance(seed, np.random.Generator):
            self.entropy: int | list[int] = [int(x) for x in seed.integers(0, 2**63, size=4)]
        elif isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0:
            self.entropy = seed
        else:
            msg = f"seed: {seed!r} is not a whole number >= 0 nor a numpy.random.Generator"
            raise PopulationError(msg, field="seed", value=seed)

    def __call__(self, *names: str) -> np.random.Generator:
        key = tuple(zlib.crc32(name.encode()) for name in names)
        return np.random.default_rng(np.random.SeedSequence(self.entropy, spawn_key=key))


def _check_codes(params: SynthParams, catalogue: Catalogue) -> None:
    unknown = sorted(c for c in params.coverage if c not in catalogue and c not in DEFAULT_COVERAGE)
    if unknown:
        msg = (
            f"unknown service code(s) {', '.join(map(repr, unknown))} (catalogue {catalogue.id!r})"
        )
        raise _bad("coverage", msg, unknown[0])


def _area_type(value: AreaType | str | None) -> AreaType | None:
    if value is None or isinstance(value, AreaType):
        return value
    try:
        return AreaType(value)
    except ValueError:
        known = ", ".join(t.value for t in AreaType)
        msg = f"area_type: {value!r} is not an area type ({known})"
        raise PopulationError(msg, field="area_type", value=value) from None


def _areas(
    network: Network | None, kind: AreaType | None, weights: Mapping[str, float] | None
) -> tuple[tuple[Area, ...], Arr, list[AreaType | None]]:
    if network is None:
        if weights is not None:
            msg = "weights: only meaningful with a network"
            raise PopulationError(msg, field="weights", value=dict(weights))
        area = Area("synthetic", "Synthetic area", AreaLevel.DESA, type=kind)
        return (area,), np.ones(1), [kind]
    if not isinstance(network, Network):
        msg = f"network: expected a Network, got {type(network).__name__}"
        raise PopulationError(msg, field="network", value=network)
    leaves = [
        a
        for a in network.areas
        if a.level is AreaLevel.DUSUN or (a.level is AreaLevel.DESA and not network.children(a.id))
    ]
    types = [network.area_type(a.id) for a in leaves]
    if kind is not None:
        keep = [i for i, t in enumerate(types) if t is kind]
        leaves, types = [leaves[i] for i in keep], [types[i] for i in keep]
    if not leaves:
        what = f" of type {kind.value!r}" if kind is not None else ""
        msg = f"network: {network.id!r} has no dusun or desa{what} to place people on"
        raise PopulationError(msg, field="network", value=network.id)
    w = np.ones(len(leaves))
    if weights is not None:
        index = {a.id: i for i, a in enumerate(leaves)}
        w[:] = 0.0
        for area_id, weight in weights.items():
            if area_id not in index:
                msg = f"weights: {area_id!r} is not a dusun or desa of the network used"
                raise PopulationError(msg, field="weights", value=area_id)
            if not _is_number(weight) or weight < 0:
                msg = f"weights: {weight!r} for {area_id!r} is not a number >= 0"
                raise PopulationError(msg, field="weights", value=weight)
            w[index[area_id]] = float(weight)
        if w.sum() <= 0:
            raise PopulationError("weights: they add up to 0", field="weights", value=0)
    return tuple(leaves), w, types


def _size(size: int | None, network: Network | None, params: SynthParams, areas: int) -> int:
    if size is None:
        if network is None:
            msg = "size: give the number of people (or a network)"
            raise PopulationError(msg, field="size", value=None)
        return params.people_per_area * areas
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        msg = f"size: {size!r} is not a whole number of people >= 0"
        raise PopulationError(msg, field="size", value=size)
    return size


# ---------------------------------------------------------------------------------------
# ages


@cache
def _age_tables() -> dict[int, tuple[tuple[int, int | None, int, int], ...]]:
    """Year → rows of (lowest age, age above the group or None, male, female)."""
    text = resources.files("ilp.population").joinpath("data/population_age_sex.csv")
    lines = [ln for ln in text.read_text("utf-8").splitlines() if not ln.startswith("#")]
    tables: dict[int, list[tuple[int, int | None, int, int]]] = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        group = row["age_group"]
        if group.endswith("+"):
            lo, hi = int(group[:-1]), None
        else:
            a, b = group.split("-")
            lo, hi = int(a), int(b) + 1
        tables.setdefault(int(row["year"]), []).append(
            (lo, hi, int(row["male"]), int(row["female"]))
        )
    return {year: tuple(rows) for year, rows in tables.items()}


def _table(params: SynthParams, on: pendulum.Date) -> tuple[tuple[int, int | None, int, int], ...]:
    tables = _age_tables()
    year = params.age_table_year
    if year is None:
        year = min(tables, key=lambda y: (abs(on.toordinal() - _dt.date(y, 1, 1).toordinal()), -y))
    return tables[year]


class _YearThresholds:
    """For a date: the last birth day of each completed age in years (as ``ilp.dates``)."""

    def __init__(self, day: int) -> None:
        self.last = np.array(
            [max_birth(Duration(months=12 * y), day) for y in range(_MAX_AGE + 31)],
            dtype=np.int64,
        )
        self._ascending = self.last[1:][::-1]

    def age(self, birth: Arr) -> Arr:
        """Completed years on the day, for births on or before it."""
        asc = self._ascending
        return (len(asc) - np.searchsorted(asc, birth, side="left")).astype(np.int64)


def _ages(
    rng: np.random.Generator,
    n: int,
    years: _YearThresholds,
    table: tuple[tuple[int, int | None, int, int], ...],
) -> tuple[Arr, Arr]:
    counts = np.array([[female, male] for _, _, male, female in table], dtype=np.float64)
    cells = rng.multinomial(n, (counts / counts.sum()).ravel()).reshape(counts.shape)
    births: list[Arr] = []
    sexes: list[Arr] = []
    before = {lo: (f, m) for lo, hi, m, f in table if hi is not None}
    for g, (lo, hi, _, _) in enumerate(table):
        for s in (0, 1):
            k = int(cells[g, s])
            if hi is not None:
                b = rng.integers(years.last[hi] + 1, years.last[lo] + 1, size=k)
            else:  # the open group: exponential fall, fitted to the group before it
                last = counts[g, s]
                prior = before[lo - 5][s]
                ratio = last / (prior + last)  # geometric 5-year bands that add up to the group
                mean = 5.0 / -math.log(ratio)
                x = trunc_exp(rng, k, mean, np.full(k, float(_MAX_AGE - lo)))
                days = np.floor(x * _DAYS_PER_YEAR).astype(np.int64)
                b = np.maximum(years.last[lo] - days, years.last[_MAX_AGE] + 1)
            births.append(b.astype(np.int64))
            sexes.append(np.full(k, s, dtype=np.int8))
    birth = np.concatenate(births) if births else np.zeros(0, dtype=np.int64)
    sex = np.concatenate(sexes) if sexes else np.zeros(0, dtype=np.int8)
    order = np.argsort(birth, kind="stable")
    return birth[order], sex[order]


def _band(values: Arr, bands: Iterable[tuple[float, ...]], column: int = 1) -> Arr:
    """The rate of each value: the band whose lower bound is the last at or below it (else 0)."""
    rows = list(bands)
    if not rows:
        return np.zeros(len(values))
    edges = np.array([b[0] for b in rows])
    rates = np.array([0.0] + [b[column] for b in rows])
    return rates[np.searchsorted(edges, values, side="right")]


# ---------------------------------------------------------------------------------------
# families


@attrs.frozen
class _Families:
    unit: Arr  # a representative row per family (before numbering)
    mother: Arr  # row of the mother at home, or -1
    ever_married: Arr  # women ever married
    married: Arr  # women living with a husband


#: Age buckets are clipped to this range (no one is older).
_BUCKETS: Final = 256


class _Pool:
    """Candidates sorted by age bucket, in a random order within each bucket."""

    def __init__(self, rng: np.random.Generator, rows: Arr, key: Arr) -> None:
        rows = rng.permutation(rows)
        order = np.argsort(np.clip(key[rows], 0, _BUCKETS - 1).astype(np.int16), kind="stable")
        self.rows = rows[order]
        self.key = key[self.rows]


def _match_once(rng: np.random.Generator, keys: Arr, cands: Arr, ck: Arr) -> Arr:
    """Give each requester a distinct candidate of its bucket (*keys*), at random.

    *cands* are sorted by bucket *ck*; each bucket is read from a random
    starting point, so repeated calls on one pool are independent draws.
    """
    out = np.full(len(keys), -1, dtype=np.int64)
    if not len(cands) or not len(keys):
        return out
    bucket = np.clip(keys, -1, _BUCKETS).astype(np.int16)
    ro = rng.permutation(len(keys))
    ro = ro[np.argsort(bucket[ro], kind="stable")]
    sk = bucket[ro]
    first = np.searchsorted(ck, sk, side="left")
    count = np.searchsorted(ck, sk, side="right") - first
    rank = np.arange(len(sk)) - np.searchsorted(sk, sk, side="left")
    start = np.floor(rng.random(_BUCKETS + 2)[sk + 1] * count).astype(np.int64)
    ok = rank < count
    out[ro[ok]] = cands[first[ok] + (start[ok] + rank[ok]) % count[ok]]
    return out


def _match(
    rng: np.random.Generator,
    requesters: Arr,
    *,
    draw: Callable[[Arr], Arr],
    accept: Callable[[Arr, Arr], Arr],
    pool: _Pool,
    available: Arr,
) -> Arr:
    """Match requesters to distinct available candidates by drawn age buckets, with retries."""
    out = np.full(len(requesters), -1, dtype=np.int64)
    todo = np.arange(len(requesters))
    for _ in range(_TRIES):
        if not len(todo):
            break
        free = available[pool.rows]
        got = _match_once(rng, draw(requesters[todo]), pool.rows[free], pool.key[free])
        hit = got >= 0
        hit[hit] = accept(requesters[todo[hit]], got[hit])
        out[todo[hit]] = got[hit]
        available[got[hit]] = False
        todo = todo[~hit]
    return out


def _families(
    rng: np.random.Generator, birth: Arr, sex: Arr, age: Arr, params: SynthParams
) -> _Families:
    n = len(birth)
    female = sex == 0
    ever = female & (age >= 15) & (rng.random(n) < _band(age, params.ever_married))

    # couples: each ever-married woman looks for a man of her age plus the gap
    wives = np.flatnonzero(ever)

    def husband_age(rows: Arr) -> Arr:
        gap = rng.normal(params.spouse_age_gap, params.spouse_age_sd, len(rows))
        return age[rows] + np.rint(gap).astype(np.int64)

    def anyone(rows: Arr, cands: Arr) -> Arr:
        return np.ones(len(rows), dtype=bool)

    men = (~female) & (age >= 18)
    husband = _match(
        rng,
        wives,
        draw=husband_age,
        accept=anyone,
        pool=_Pool(rng, np.flatnonzero(men), age),
        available=men.copy(),
    )
    married = np.zeros(n, dtype=bool)
    married[wives[husband >= 0]] = True
    husbands = np.zeros(n, dtype=bool)
    husbands[husband[husband >= 0]] = True

    # children and young adults at home, cohort by cohort, to a woman 15-49 at their birth
    dependent = (age < 18) & ~ever & ~husbands
    young = (age >= 18) & (age <= _MAX_DEPENDENT_AGE) & ~ever & ~husbands
    dependent |= young & (rng.random(n) < params.stay_home)
    shape = np.array(params.fertility_shape) / sum(params.fertility_shape)
    mother = np.full(n, -1, dtype=np.int64)
    last_cohort = np.full(n, -10, dtype=np.int64)

    def mother_age(rows: Arr) -> Arr:
        group = rng.choice(7, size=len(rows), p=shape)
        return age[rows] + 15 + 5 * group + rng.integers(0, 5, size=len(rows))

    def fits(rows: Arr, cands: Arr) -> Arr:
        # 15 when the pregnancy began (10 months before the birth), under 50 at the birth
        mb, cb = birth[cands], birth[rows]
        return (add_months(mb, 15 * 12 + 10) <= cb) & (add_months(mb, 50 * 12) > cb)

    women = _Pool(rng, np.flatnonzero(ever), age)
    for c in range(_MAX_DEPENDENT_AGE + 1):
        kids = np.flatnonzero(dependent & (age == c))
        if not len(kids):
            continue
        free = ever & (last_cohort < c - 1)
        found = _match(rng, kids, draw=mother_age, accept=fits, pool=women, available=free)
        ok = found >= 0
        mother[kids[ok]] = found[ok]
        last_cohort[found[ok]] = c

    # families: couples, women with children at home, and everyone else alone
    unit = np.arange(n, dtype=np.int64)
    matched = wives[husband >= 0]
    unit[matched] = husband[husband >= 0]
    linked = mother >= 0
    unit[linked] = unit[mother[linked]]
    stray = (age < 18) & ~linked & ~ever  # children with no mother found: join a family
    unit[stray] = -1
    unit = _resize(rng, unit, age, linked, round(n / params.household_size))
    return _Families(unit=unit, mother=mother, ever_married=ever, married=married)


def _resize(rng: np.random.Generator, unit: Arr, age: Arr, linked: Arr, target: int) -> Arr:
    """Merge small families into others (or let adult children leave) to reach *target*."""
    n = len(unit)
    target = max(1, min(target, n))
    heads, size = np.unique(unit[unit >= 0], return_counts=True)
    if not len(heads):  # only children: they live together
        return np.zeros(n, dtype=np.int64)
    extra = len(heads) - target
    if extra > 0:
        # small ones first, but not all of them: a family of one is three times as likely to
        # join another as a family of two, and sixty times as likely as a larger one (guess)
        weight = np.where(size == 1, 3.0, np.where(size == 2, 1.0, 0.05))
        key = rng.random(len(heads)) ** (1.0 / weight)  # weighted sampling without replacement
        go = np.argsort(-key, kind="stable")[: min(extra, len(heads) - 1)]
        keep = np.ones(len(heads), dtype=bool)
        keep[go] = False
        into = heads[keep][rng.integers(0, int(keep.sum()), size=len(go))]
        remap = np.arange(n, dtype=np.int64)
        remap[heads[go]] = into
        unit = np.where(unit >= 0, remap[np.maximum(unit, 0)], -1)
    elif extra < 0:
        grown = np.flatnonzero(linked & (age >= 18))
        leave = rng.permutation(grown)[:-extra]
        unit[leave] = leave
    stray = np.flatnonzero(unit < 0)
    if len(stray):
        heads = np.unique(unit[unit >= 0])
        unit[stray] = heads[rng.integers(0, len(heads), size=len(stray))]
    return unit


def _place(rng: np.random.Generator, unit: Arr, weights: Arr) -> tuple[Arr, Arr]:
    """Number the families in a random order and cut them into areas by people."""
    n = len(unit)
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    _, family = np.unique(unit, return_inverse=True)
    sizes = np.bincount(family)
    order = rng.permutation(len(sizes))
    number = np.empty(len(sizes), dtype=np.int64)
    number[order] = np.arange(len(sizes))
    middle = np.cumsum(sizes[order]) - sizes[order] / 2.0
    cuts = np.cumsum(weights) / weights.sum() * n
    # the area whose share of people holds the family's middle (an area of weight 0 has none)
    area = np.minimum(np.searchsorted(cuts, middle, side="right"), len(weights) - 1)
    household = number[family]
    return household, area[household]


# ---------------------------------------------------------------------------------------
# pregnancies, conditions, school


@attrs.frozen
class _Pregnancies:
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
    fam: _Families,
    on_day: int,
    params: SynthParams,
) -> _Pregnancies:
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
    for g in range(7):
        women = np.flatnonzero((sex == 0) & (age >= 15 + 5 * g) & (age < 20 + 5 * g))
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
    return _Pregnancies(
        person=person[order],
        lmp=all_lmp,
        edd=all_lmp + EDD_DAYS,
        delivery=np.concatenate([born, np.full(len(pregnant), NO_DAY)])[order],
        outcome=np.concatenate([np.full(len(babies), LIVE_BIRTH, dtype=np.int8), none])[order],
        in_facility=np.concatenate([facility, none])[order],
    )


def _conditions(streams: _Streams, age: Arr, sex: Arr, params: SynthParams) -> Arr:
    bits = np.zeros(len(age), dtype=np.uint16)
    for i, condition in enumerate(CONDITIONS):
        bands = params.prevalence.get(condition.value)
        if not bands:
            continue
        rate = np.where(sex == 0, _band(age, bands, 1), _band(age, bands, 2))
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

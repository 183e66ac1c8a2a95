"""The parameters of a synthesis: coverage, prevalence, area factors, families, fertility."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from ilp.errors import PopulationError
from ilp.network import AreaType
from ilp.people import Condition
from ilp.population._arguments import argument_error, check_probability, is_number, validators
from ilp.population.synthesis._ages import _age_tables

__all__ = ["DEFAULT_AREA_FACTOR", "DEFAULT_COVERAGE", "DEFAULT_PREVALENCE", "SynthParams"]


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


def _param_error(name: str, msg: str, value: object) -> PopulationError:
    return argument_error(f"params.{name}", msg, value)


_RATE: Final = "a rate from 0 to 1"
_CHECK: Final = validators("params.", probability=_RATE, non_negative="a number of 0 or more")
_probability: Final = _CHECK.probability
_positive: Final = _CHECK.positive
_share: Final = _CHECK.share
_not_negative: Final = _CHECK.non_negative


def _check_probability(name: str, value: object) -> None:
    check_probability(f"params.{name}", value, what=_RATE)


def _check_bands(name: str, bands: Any, width: int) -> tuple[tuple[float, ...], ...]:
    what = "(from age, rate)" if width == 2 else "(from age, female rate, male rate)"
    try:
        items = [tuple(band) for band in bands]
    except TypeError:
        raise _param_error(name, f"expected a list of {what} bands, got {bands!r}", bands) from None
    previous = -1.0
    for i, band in enumerate(items):
        if len(band) != width or not all(is_number(x) for x in band):
            raise _param_error(f"{name}[{i}]", f"{band!r} is not a band {what}", band)
        age, *rates = band
        if age < 0 or age <= previous:
            raise _param_error(
                f"{name}[{i}]", f"age {age!r} is negative or not above the last", age
            )
        previous = float(age)
        for rate in rates:
            _check_probability(f"{name}[{i}]", rate)
    return tuple(tuple(float(x) for x in band) for band in items)


def _ever_married(value: Iterable[Iterable[float]]) -> tuple[tuple[float, ...], ...]:
    return _check_bands("ever_married", value, 2)


def _enrolment(value: Iterable[Iterable[float]]) -> tuple[tuple[float, ...], ...]:
    return _check_bands("enrolment", value, 2)


def _coverage(value: Mapping[str, float]) -> Mapping[str, float]:
    if not isinstance(value, Mapping):
        raise _param_error("coverage", f"expected a mapping of code to rate, got {value!r}", value)
    for code, rate in value.items():
        if not isinstance(code, str) or not code:
            raise _param_error("coverage", f"{code!r} is not a service code", code)
        _check_probability(f"coverage[{code!r}]", rate)
    return MappingProxyType({k: float(v) for k, v in value.items()})


def _prevalence(
    value: Mapping[str, Iterable[Iterable[float]]],
) -> Mapping[str, tuple[tuple[float, ...], ...]]:
    if not isinstance(value, Mapping):
        raise _param_error(
            "prevalence", f"expected a mapping of condition to bands, got {value!r}", value
        )
    known = {c.value for c in Condition}
    out: dict[str, tuple[tuple[float, ...], ...]] = {}
    for name, bands in value.items():
        key = name.value if isinstance(name, Condition) else name
        if key not in known:
            msg = f"{name!r} is not a condition ({', '.join(sorted(known))})"
            raise _param_error("prevalence", msg, name)
        out[key] = _check_bands(f"prevalence[{key!r}]", bands, 3)
    return MappingProxyType(out)


def _area_factor(value: Mapping[AreaType | str, float]) -> Mapping[AreaType, float]:
    if not isinstance(value, Mapping):
        raise _param_error(
            "area_factor", f"expected a mapping of area type to factor, got {value!r}", value
        )
    out: dict[AreaType, float] = {}
    for key, factor in value.items():
        try:
            kind = key if isinstance(key, AreaType) else AreaType(key)
        except ValueError:
            known = ", ".join(t.value for t in AreaType)
            raise _param_error(
                "area_factor", f"{key!r} is not an area type ({known})", key
            ) from None
        if not is_number(factor) or factor < 0:
            raise _param_error(
                f"area_factor[{kind.value!r}]", f"{factor!r} is not a factor >= 0", factor
            )
        out[kind] = float(factor)
    return MappingProxyType(out)


def _shape(value: Iterable[float]) -> tuple[float, ...]:
    try:
        shape = tuple(value)
    except TypeError:
        raise _param_error("fertility_shape", f"expected 7 weights, got {value!r}", value) from None
    if len(shape) != 7 or not all(is_number(x) and x >= 0 for x in shape) or sum(shape) <= 0:
        msg = f"{value!r} is not 7 weights >= 0 (ages 15-19 to 45-49) with a positive sum"
        raise _param_error("fertility_shape", msg, value)
    return tuple(float(x) for x in shape)


def _whole(low: int) -> Callable[[Any, attrs.Attribute[int], int], None]:
    def check(_: Any, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise _param_error(attribute.name, f"{value!r} is not a whole number >= {low}", value)

    return check


def _year(_: Any, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and value not in _age_tables():
        known = ", ".join(str(y) for y in sorted(_age_tables()))
        raise _param_error(
            attribute.name, f"{value!r} is not a year of the age table ({known})", value
        )


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
    stay_home: float = attrs.field(default=0.8, validator=_probability)
    #: Total fertility rate: D §2, LF SP2020 (BPS); WPP2024 gives 2.10-2.13 for 2023-2025.
    tfr: float = attrs.field(default=2.18, validator=_positive)
    #: Relative fertility at 15-19, 20-24, ..., 45-49 (guess: shape only).
    fertility_shape: tuple[float, ...] = attrs.field(
        default=(0.3, 1.0, 1.1, 0.9, 0.5, 0.15, 0.03), converter=_shape
    )
    #: Share of deliveries in a facility: D §4b, SDKI 2017.
    facility_birth: float = attrs.field(default=0.79, validator=_probability)
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
    reach: float = attrs.field(default=0.9086, validator=_probability)
    #: Chance that a child who misses a dose on time never gets it nor a later dose (guess).
    dropout: float = attrs.field(default=0.6, validator=_share)
    #: Coverage per service code (see DEFAULT_COVERAGE); codes not listed get ``default_coverage``.
    coverage: Mapping[str, float] = attrs.field(
        default=DEFAULT_COVERAGE, converter=_coverage, hash=False
    )
    #: Coverage of catalogue codes that ``coverage`` does not list (none in the national one).
    default_coverage: float = attrs.field(default=0.0, validator=_probability)
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

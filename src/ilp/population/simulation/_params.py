"""The parameters of a simulation: behaviour (attendance, engagement), vital rates, staff time."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from ilp.errors import PopulationError
from ilp.lifecycle import Catalogue, Service
from ilp.network import AreaType
from ilp.population._arguments import (
    argument_error,
    check_non_negative,
    check_probability,
    validators,
)

__all__ = [
    "AREA_TYPES",
    "DEFAULT_ATTENDANCE",
    "DEFAULT_MINUTES",
    "EDD_DAYS",
    "FERTILITY_AGES",
    "GESTATION_RANGE",
    "MAX_MONTHS",
    "NEONATAL_DAYS",
    "POSTPARTUM_DAYS",
    "SITE_TYPES",
    "YEAR_DAYS",
    "Arr",
    "SimParams",
]

#: The most months one simulation runs (a century).
MAX_MONTHS: Final = 1200

#: The site types of :attr:`SimParams.site_factor`, in code order (0, 1, 2).
SITE_TYPES: Final = ("posyandu", "pustu", "puskesmas")


#: The area types of :attr:`SimParams.area_factor` (``AreaType`` values).
AREA_TYPES: Final = tuple(t.value for t in AreaType)


#: The 5-year age groups of :attr:`SimParams.fertility`.
FERTILITY_AGES: Final = ("15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49")

#: Days in a year, for ages and yearly rates.
YEAR_DAYS: Final = 365.25
#: Days after a delivery before a woman can conceive again in the model (guessed).
POSTPARTUM_DAYS: Final = 90
#: Gestation is drawn within these days from the HPHT (34 to 42 weeks).
GESTATION_RANGE: Final = (238, 294)
#: Days from the HPHT to the expected delivery (HPL).
EDD_DAYS: Final = 280
#: The neonatal period, in days.
NEONATAL_DAYS: Final = 28

Arr = npt.NDArray[Any]

_CHECK: Final = validators()
_probability: Final = _CHECK.probability
_rate: Final = _CHECK.non_negative


#: Monthly probability that an engaged person receives an item they are due,
#: by service code or group, before the area and site factors. Calibrated so
#: that the default run reproduces the survey coverage in ``docs/simulation.md``;
#: groups without a published figure are guesses, marked there.
DEFAULT_ATTENDANCE: Final[Mapping[str, float]] = {
    # groups
    "immunization": 0.60,  # calibrated: BCG, DPT-HB-Hib 3, polio 3 (Susenas 2023)
    "newborn": 0.80,  # guessed (SHK, vitamin K, eye prophylaxis)
    "maternal": 0.92,  # calibrated: ANC K4 (SDKI 2017)
    "nutrition": 0.55,  # guessed
    "child_health": 0.35,  # guessed
    "family_planning": 0.30,  # guessed
    "school_health": 0.50,  # guessed
    "screening": 0.04,  # guessed
    "ncd_followup": 0.30,  # guessed
    "health_check": 0.10,  # guessed
    "mental_health": 0.04,  # guessed
    "communicable": 0.04,  # guessed
    # codes
    "HB0": 0.95,  # calibrated: IDL 12-23 months (Susenas 2023)
    "MR-1": 0.24,  # calibrated: MR 1 (Susenas 2023)
    "KN-1": 1.00,  # calibrated: KN1 (Riskesdas 2018)
    "KN-2": 0.55,  # calibrated: KN lengkap (Riskesdas 2018)
    "KN-3": 0.55,  # calibrated: KN lengkap (Riskesdas 2018)
}


#: Minutes of staff time per service given (WISN-style activity standards),
#: by service code or group: ``(minutes, source)``. ``P52`` is the one
#: Puskesmas WISN sheet quoted in ``demography.md`` §5 (illustrative, not a
#: national standard); ``guessed`` marks a value with no source.
DEFAULT_MINUTES: Final[Mapping[str, tuple[float, str]]] = {
    "immunization": (10.0, "confirmed: P52, infant immunisation"),
    "maternal": (20.0, "confirmed: P52, ANC"),
    "newborn": (25.0, "guessed: as P52 postnatal care"),
    "family_planning": (20.0, "confirmed: P52, KB IUD/implant"),
    "child_health": (10.0, "confirmed: P52, SDIDTK"),
    "nutrition": (5.0, "guessed: as P52 individual counselling"),
    "school_health": (10.0, "guessed"),
    "screening": (20.0, "guessed: as P52 IVA"),
    "ncd_followup": (10.0, "guessed"),
    "health_check": (30.0, "guessed"),
    "mental_health": (15.0, "guessed"),
    "communicable": (10.0, "guessed"),
    "KF-1": (25.0, "confirmed: P52, PNC"),
    "KF-2": (25.0, "confirmed: P52, PNC"),
    "KF-3": (25.0, "confirmed: P52, PNC"),
    "KF-4": (25.0, "confirmed: P52, PNC"),
    "VIT-K1": (5.0, "guessed"),
    "EYE-PROPHYLAXIS": (5.0, "guessed"),
}


#: Age pattern of fertility (relative, 15-19 … 45-49); its level is set by the TFR.
#: A guess (demography.md has no age-specific rates), the same as ``SynthParams``'s.
_FERTILITY_SHAPE: Final = (0.3, 1.0, 1.1, 0.9, 0.5, 0.15, 0.03)


_DEFAULT_TFR: Final = 2.10  # WPP2024, 2025 [confirmed: W1]


def _fertility_from_tfr(tfr: float, shape: Sequence[float] = _FERTILITY_SHAPE) -> tuple[float, ...]:
    total = sum(shape)
    return tuple(round(tfr * s / total / 5, 6) for s in shape)


def _mapping(value: object) -> dict[str, float]:
    if not isinstance(value, Mapping):
        msg = f"expected a mapping of names to numbers, got {type(value).__name__}"
        raise PopulationError(msg, field="params", value=value)
    return dict(value)


def _probabilities(_: object, attribute: attrs.Attribute[Any], value: Mapping[str, float]) -> None:
    for key, v in value.items():
        if not isinstance(key, str):
            raise argument_error(attribute.name, f"key {key!r} is not a service code or group", key)
        check_probability(f"{attribute.name}[{key!r}]", v)


def _rates(_: object, attribute: attrs.Attribute[Any], value: Mapping[str, float]) -> None:
    for key, v in value.items():
        if not isinstance(key, str):
            raise argument_error(attribute.name, f"key {key!r} is not a name", key)
        check_non_negative(f"{attribute.name}[{key!r}]", v)


def _keys_in(allowed: Sequence[str]) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    def check(_: object, attribute: attrs.Attribute[Any], value: Mapping[str, float]) -> None:
        for key in value:
            if key not in allowed:
                msg = f"{key!r} is not one of {', '.join(allowed)}"
                raise argument_error(attribute.name, msg, key)

    return check


def _floats(value: Iterable[float]) -> tuple[float, ...]:
    try:
        return tuple(value)
    except TypeError:
        raise argument_error("fertility", f"{value!r} is not a sequence of rates", value) from None


def _fertility(_: object, attribute: attrs.Attribute[Any], value: tuple[float, ...]) -> None:
    if len(value) != len(FERTILITY_AGES):
        msg = f"{value!r} has {len(value)} rates where {len(FERTILITY_AGES)} are expected"
        raise argument_error(attribute.name, f"{msg} (ages 15-19 to 45-49)", value)
    for age, v in zip(FERTILITY_AGES, value, strict=True):
        check_probability(f"fertility[{age}]", v)


@attrs.frozen
class SimParams:
    """Behaviour and vital rates of a simulation; defaults calibrated in ``docs/simulation.md``.

    Attendance is the monthly probability that a person who comes at all
    receives an item they are due, looked up by service code, then by the
    service's group, then ``default_attendance``; it is multiplied by the
    factor of the person's area type and of the site that gives the
    service, and capped at 1. Two states decide who comes at all: a share
    ``unreached`` of people (drawn at the start and at each birth) never
    come (zero-dose children, adults who never use the services); the
    others drop out for a while (each month an engaged person stops coming
    with probability ``dropout``; one who stopped comes back with
    probability ``reengage``). Rates are per year unless the name says
    otherwise.

    A mapping given replaces the default one: to change one service, write
    ``SimParams(attendance={**DEFAULT_ATTENDANCE, "BCG": 0.5})``.

    Bad values raise :class:`~ilp.errors.PopulationError` naming the field
    and the value; codes and groups are checked against the catalogue by
    :meth:`check` (``simulate`` calls it).
    """

    #: Monthly attendance by service code or group.
    attendance: Mapping[str, float] = attrs.field(
        factory=lambda: dict(DEFAULT_ATTENDANCE),
        converter=_mapping,
        validator=_probabilities,
        hash=False,
    )
    #: Attendance for services whose code and group are not in ``attendance``.
    default_attendance: float = attrs.field(default=0.10, validator=_probability)
    #: Attendance factor by area type (``perkotaan`` … ``sangat_terpencil``); 1 when absent.
    area_factor: Mapping[str, float] = attrs.field(
        factory=lambda: {
            "perkotaan": 1.0,
            "perdesaan": 0.95,
            "terpencil": 0.80,
            "sangat_terpencil": 0.65,
        },
        converter=_mapping,
        validator=[_rates, _keys_in(AREA_TYPES)],
        hash=False,
    )
    #: Attendance factor by the site that gives the service; 1 when absent.
    site_factor: Mapping[str, float] = attrs.field(
        factory=lambda: {"posyandu": 1.0, "pustu": 0.95, "puskesmas": 0.90},
        converter=_mapping,
        validator=[_rates, _keys_in(SITE_TYPES)],
        hash=False,
    )
    #: Share of people whom the services never reach (zero-dose children).
    unreached: float = attrs.field(default=0.095, validator=_probability)
    #: Monthly probability that an engaged person stops coming (drop-out).
    dropout: float = attrs.field(default=0.01, validator=_probability)
    #: Monthly probability that a disengaged person comes back.
    reengage: float = attrs.field(default=0.10, validator=_probability)
    #: Age-specific fertility, births per woman-year, ages 15-19 … 45-49 (TFR 2.10 by default).
    fertility: tuple[float, ...] = attrs.field(
        factory=lambda: _fertility_from_tfr(_DEFAULT_TFR), converter=_floats, validator=_fertility
    )
    #: Standard deviation of gestation around 280 days (drawn within 238 to 294 days).
    gestation_sd: float = attrs.field(default=10.0, validator=_rate)
    #: Share of deliveries in a health facility (SDKI 2017: 79 %).
    facility_delivery: float = attrs.field(default=0.79, validator=_probability)
    #: Share of boys among births (WPP2024 0-4 sex structure).
    male_births: float = attrs.field(default=0.5137, validator=_probability)
    #: Probability of death in the first 28 days (SDKI 2017: 15 per 1,000).
    neonatal_mortality: float = attrs.field(default=0.015, validator=_probability)
    #: Probability of death before age 1 (SDKI 2017: 24 per 1,000).
    infant_mortality: float = attrs.field(default=0.024, validator=_probability)
    #: Probability of death before age 5 (SDKI 2017: 32 per 1,000).
    under5_mortality: float = attrs.field(default=0.032, validator=_probability)
    #: Gompertz mortality from age 5: ``a * exp(b * age)`` deaths per person-year.
    gompertz_a: float = attrs.field(default=2.335e-4, validator=_rate)
    #: The Gompertz slope per year of age.
    gompertz_b: float = attrs.field(default=0.07, validator=_rate)
    #: Staff minutes per service given, by service code or group.
    minutes: Mapping[str, float] = attrs.field(
        factory=lambda: {k: v for k, (v, _) in DEFAULT_MINUTES.items()},
        converter=_mapping,
        validator=_rates,
        hash=False,
    )
    #: Minutes for services whose code and group are not in ``minutes``.
    default_minutes: float = attrs.field(default=10.0, validator=_rate)
    #: When the population holds no ongoing pregnancy on the start date, draw them
    #: from the fertility rates (else births would only begin nine months in).
    seed_pregnancies: bool = True

    def __attrs_post_init__(self) -> None:
        if not self.neonatal_mortality <= self.infant_mortality <= self.under5_mortality:
            msg = (
                f"neonatal ({self.neonatal_mortality}) <= infant ({self.infant_mortality}) "
                f"<= under-five ({self.under5_mortality}) mortality is expected"
            )
            raise argument_error("infant_mortality", msg, self.infant_mortality)
        if self.under5_mortality >= 1:
            raise argument_error("under5_mortality", "must be below 1", self.under5_mortality)
        if not isinstance(self.seed_pregnancies, bool):
            raise argument_error(
                "seed_pregnancies", "expected True or False", self.seed_pregnancies
            )

    def check(self, catalogue: Catalogue) -> None:
        """Refuse codes or groups in ``attendance`` and ``minutes`` that *catalogue* lacks."""
        groups = {s.group for s in catalogue}
        for name in ("attendance", "minutes"):
            for key in getattr(self, name):
                if key not in catalogue and key not in groups:
                    msg = f"{key!r} is not a service code or group of catalogue {catalogue.id!r}"
                    raise argument_error(name, msg, key)

    def attendance_of(self, service: Service) -> float:
        """The monthly attendance of *service*, before area and site factors."""
        found = self.attendance.get(service.code, self.attendance.get(service.group))
        return self.default_attendance if found is None else float(found)

    def minutes_of(self, service: Service) -> float:
        """Staff minutes per giving of *service*."""
        found = self.minutes.get(service.code, self.minutes.get(service.group))
        return self.default_minutes if found is None else float(found)

    def mortality(self, age_years: npt.ArrayLike) -> Arr:
        """Deaths per person-year at *age_years* (after the neonatal month)."""
        age = np.asarray(age_years, dtype=np.float64)
        nmr, imr, u5 = self.neonatal_mortality, self.infant_mortality, self.under5_mortality
        infant = -math.log(1 - (imr - nmr) / (1 - nmr)) if imr > nmr else 0.0
        child = -math.log(1 - (u5 - imr) / (1 - imr)) / 4 if u5 > imr else 0.0
        adult = self.gompertz_a * np.exp(self.gompertz_b * np.minimum(age, 120.0))
        out: Arr = np.where(age < 1, infant, np.where(age < 5, child, adult))
        return out

    def fertility_at(self, age_years: npt.ArrayLike) -> Arr:
        """Births per woman-year at *age_years* (0 outside 15 to 49)."""
        age = np.asarray(age_years, dtype=np.float64)
        group = np.floor((age - 15) / 5).astype(np.int64)
        inside = (group >= 0) & (group < len(self.fertility))
        out: Arr = np.where(inside, np.asarray(self.fertility)[np.clip(group, 0, 6)], 0.0)
        return out

    def conception(self, age_years: npt.ArrayLike) -> Arr:
        """Conceptions per woman-year at risk at *age_years*.

        Fertility counts births per woman-year over all women; only those
        neither pregnant nor just delivered can conceive, so the rate at risk
        is higher by ``1 / (1 - asfr * (280 + 90) / 365.25)``.
        """
        asfr = self.fertility_at(age_years)
        blocked = asfr * (EDD_DAYS + POSTPARTUM_DAYS) / YEAR_DAYS
        out: Arr = asfr / np.maximum(1 - blocked, 0.05)
        return out

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for JSON): every field."""
        out = attrs.asdict(self, recurse=False)
        out["fertility"] = list(self.fertility)
        for name in ("attendance", "area_factor", "site_factor", "minutes"):
            out[name] = dict(out[name])
        return out

"""Demand simulation: month by month, who is due, who comes, and what it costs in staff time.

:func:`simulate` moves a columnar population through calendar months. Each
month people die at age-specific rates, women conceive at age-specific
fertility rates, pregnancies deliver and babies join their mother's
household and residence as new rows. Who is due is asked of
:func:`~ilp.population.due_batch` on the month's last day: every item due or
overdue then, or missed with a window that closed within the month, was in
demand during the month. Whether a person receives it follows
:class:`SimParams` (attendance by service or group, area type and site type,
engagement with drop-out); what is received is added to the history, dated
within the month, so later months see it.

The population is split by Puskesmas (the rows living under each one).
Every partition draws its random numbers from its own generator, seeded from
the run's seed and the Puskesmas id, so the result does not depend on how
the partitions are grouped into tasks, nor on the executor that runs them.
"""

from __future__ import annotations

import concurrent.futures
import csv
import datetime as _dt
import hashlib
import io
import json
import math
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Final

import attrs
import numpy as np
import numpy.typing as npt
import pendulum

from ilp._atomic import write_atomic
from ilp._extras import require
from ilp.clusters import cluster_of
from ilp.dates import LAST_DATE, add_months, as_date, from_day
from ilp.errors import PopulationError
from ilp.lifecycle import Catalogue, Entry, Region, Service, Status
from ilp.network import AreaLevel, AreaType, Facility, FacilityType, Network, can_give
from ilp.people import Outcome
from ilp.population._batch import STATUS_CODES, due_batch
from ilp.population._calendar import NO_DAY
from ilp.population.columns import OUTCOMES, History, Population

__all__ = [
    "AREA_TYPES",
    "DEFAULT_ATTENDANCE",
    "DEFAULT_MINUTES",
    "SITE_TYPES",
    "SimParams",
    "SimResult",
    "simulate",
]

#: The most months one simulation runs (a century).
MAX_MONTHS: Final = 1200

#: The site types of :attr:`SimParams.site_factor`, in code order (0, 1, 2).
SITE_TYPES: Final = ("posyandu", "pustu", "puskesmas")
#: The area types of :attr:`SimParams.area_factor` (``AreaType`` values).
AREA_TYPES: Final = tuple(t.value for t in AreaType)
#: The 5-year age groups of :attr:`SimParams.fertility`.
FERTILITY_AGES: Final = ("15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49")

_FACILITY_SITE: Final = {
    FacilityType.POSYANDU: 0,
    FacilityType.PUSTU: 1,
    FacilityType.PUSKESMAS: 2,
}
_DUE: Final = STATUS_CODES[Status.DUE]
_OVERDUE: Final = STATUS_CODES[Status.OVERDUE]
_MISSED: Final = STATUS_CODES[Status.MISSED]
_UPCOMING: Final = STATUS_CODES[Status.UPCOMING]
_LIVE_BIRTH: Final = OUTCOMES.index(Outcome.LIVE_BIRTH)
_YEAR: Final = 365.25
#: Days after a delivery before a woman can conceive again in the model (guessed).
_POSTPARTUM_DAYS: Final = 90
#: Gestation is drawn within these days from the HPHT (34 to 42 weeks).
_GESTATION_RANGE: Final = (238, 294)
_EDD_DAYS: Final = 280
_NEONATAL_DAYS: Final = 28
_KNOWN_COLUMNS: Final = frozenset(
    {
        "ids",
        "birth",
        "sex",
        "death",
        "conditions",
        "school_grade",
        "school_year",
        "sexually_active",
        "residence",
        "areas",
    }
)

Arr = npt.NDArray[Any]

# ---------------------------------------------------------------------------
# parameters

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


def _fail(name: str, msg: str, value: Any) -> PopulationError:
    return PopulationError(f"{name}: {msg}", field=name, value=value)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _check_probability(name: str, value: object) -> None:
    if not _is_number(value) or not 0 <= float(value) <= 1:  # type: ignore[arg-type]
        raise _fail(name, f"{value!r} is not a probability between 0 and 1", value)


def _check_rate(name: str, value: object) -> None:
    if not _is_number(value) or float(value) < 0:  # type: ignore[arg-type]
        raise _fail(name, f"{value!r} is not a rate of 0 or more", value)


def _probability(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    _check_probability(attribute.name, value)


def _rate(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    _check_rate(attribute.name, value)


def _mapping(value: object) -> dict[str, float]:
    if not isinstance(value, Mapping):
        msg = f"expected a mapping of names to numbers, got {type(value).__name__}"
        raise PopulationError(msg, field="params", value=value)
    return dict(value)


def _probabilities(_: object, attribute: attrs.Attribute[Any], value: Mapping[str, float]) -> None:
    for key, v in value.items():
        if not isinstance(key, str):
            raise _fail(attribute.name, f"key {key!r} is not a service code or group", key)
        _check_probability(f"{attribute.name}[{key!r}]", v)


def _rates(_: object, attribute: attrs.Attribute[Any], value: Mapping[str, float]) -> None:
    for key, v in value.items():
        if not isinstance(key, str):
            raise _fail(attribute.name, f"key {key!r} is not a name", key)
        _check_rate(f"{attribute.name}[{key!r}]", v)


def _keys_in(allowed: Sequence[str]) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    def check(_: object, attribute: attrs.Attribute[Any], value: Mapping[str, float]) -> None:
        for key in value:
            if key not in allowed:
                msg = f"{key!r} is not one of {', '.join(allowed)}"
                raise _fail(attribute.name, msg, key)

    return check


def _floats(value: Iterable[float]) -> tuple[float, ...]:
    try:
        return tuple(value)
    except TypeError:
        raise _fail("fertility", f"{value!r} is not a sequence of rates", value) from None


def _fertility(_: object, attribute: attrs.Attribute[Any], value: tuple[float, ...]) -> None:
    if len(value) != len(FERTILITY_AGES):
        msg = f"{value!r} has {len(value)} rates where {len(FERTILITY_AGES)} are expected"
        raise _fail(attribute.name, f"{msg} (ages 15-19 to 45-49)", value)
    for age, v in zip(FERTILITY_AGES, value, strict=True):
        _check_probability(f"fertility[{age}]", v)


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
            raise _fail("infant_mortality", msg, self.infant_mortality)
        if self.under5_mortality >= 1:
            raise _fail("under5_mortality", "must be below 1", self.under5_mortality)
        if not isinstance(self.seed_pregnancies, bool):
            raise _fail("seed_pregnancies", "expected True or False", self.seed_pregnancies)

    def check(self, catalogue: Catalogue) -> None:
        """Refuse codes or groups in ``attendance`` and ``minutes`` that *catalogue* lacks."""
        groups = {s.group for s in catalogue}
        for name in ("attendance", "minutes"):
            for key in getattr(self, name):
                if key not in catalogue and key not in groups:
                    msg = f"{key!r} is not a service code or group of catalogue {catalogue.id!r}"
                    raise _fail(name, msg, key)

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
        blocked = asfr * (_EDD_DAYS + _POSTPARTUM_DAYS) / _YEAR
        out: Arr = asfr / np.maximum(1 - blocked, 0.05)
        return out

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for JSON): every field."""
        out = attrs.asdict(self, recurse=False)
        out["fertility"] = list(self.fertility)
        for name in ("attendance", "area_factor", "site_factor", "minutes"):
            out[name] = dict(out[name])
        return out


# ---------------------------------------------------------------------------
# results

DEMAND_DTYPE: Final = np.dtype(
    [
        ("month", np.int16),
        ("site", np.int32),
        ("cluster", np.int8),
        ("service", np.int16),
        ("due", np.int64),
        ("received", np.int64),
        ("missed", np.int64),
        ("minutes", np.float64),
    ]
)
COVERAGE_DTYPE: Final = np.dtype(
    [("desa", np.int32), ("group", np.int16), ("due", np.int64), ("received", np.int64)]
)
PEOPLE_DTYPE: Final = np.dtype(
    [
        ("month", np.int16),
        ("alive_start", np.int64),
        ("births", np.int64),
        ("deaths", np.int64),
        ("alive_end", np.int64),
    ]
)
PARTITION_DTYPE: Final = np.dtype(
    [
        ("puskesmas", np.int32),
        ("people_start", np.int64),
        ("alive_start", np.int64),
        ("births", np.int64),
        ("deaths", np.int64),
        ("alive_end", np.int64),
        ("received", np.int64),
    ]
)
_TABLES: Final = ("demand", "coverage", "people", "partitions", "staff")
_RESULT_FORMAT: Final = "ilp_simulation_format"


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen(eq=False, repr=False)
class SimResult:
    """What :func:`simulate` found, as NumPy structured arrays (and the final population).

    - ``demand``: per month × site × cluster × service, the items ``due``
      (in demand during the month), ``received`` and ``missed`` (due minus
      received), and the staff ``minutes`` received items took. ``month``
      indexes ``months``, ``site`` indexes ``sites`` (-1: no site of the
      network gives it), ``service`` indexes ``codes``. Only rows with
      something due or received are listed.
    - ``coverage``: per desa × service group, the people who were ``due``
      something of the group during the run and those who ``received``
      something of it (SPM-style: people served over people in need).
      ``desa`` indexes ``desas`` (-1: residence under no desa).
    - ``people``: per month, people alive at its start, births, deaths and
      alive at its end; ``alive_end == alive_start + births - deaths``.
    - ``partitions``: per Puskesmas (``puskesmas`` indexes ``sites``), the
      rows at the start, and the run's totals.

    ``population`` and ``history`` are the people and records at the end
    (babies added, deaths dated, services given appended), partitions in
    network order, or None when ``simulate(..., keep_population=False)``.
    ``seconds`` holds the wall time of each task (not part of the result
    proper: it varies from run to run).
    """

    start: pendulum.Date
    months: tuple[pendulum.Date, ...] = attrs.field(converter=_tuple)
    seed: int
    codes: tuple[str, ...] = attrs.field(converter=_tuple)
    #: The group of each code, aligned with ``codes``.
    code_groups: tuple[str, ...] = attrs.field(converter=_tuple)
    groups: tuple[str, ...] = attrs.field(converter=_tuple)
    sites: tuple[str, ...] = attrs.field(converter=_tuple)
    #: The type of each site (``posyandu``, ``pustu``, ``puskesmas``), aligned with ``sites``.
    site_types: tuple[str, ...] = attrs.field(converter=_tuple)
    #: The Puskesmas each site belongs to (an index into ``sites``).
    site_puskesmas: tuple[int, ...] = attrs.field(converter=_tuple)
    desas: tuple[str, ...] = attrs.field(converter=_tuple)
    demand: npt.NDArray[np.void]
    coverage: npt.NDArray[np.void]
    people: npt.NDArray[np.void]
    partitions: npt.NDArray[np.void]
    params: SimParams
    population: Population | None = None
    history: History | None = None
    #: The family of each row of ``population`` (babies join their mother's), when
    #: ``simulate`` was given ``households``.
    households: npt.NDArray[np.int32] | None = None
    seconds: tuple[float, ...] = attrs.field(default=(), converter=_tuple)

    def __repr__(self) -> str:
        return (
            f"SimResult({len(self.months)} months from {self.start}, {len(self.sites)} sites, "
            f"{int(self.demand['due'].sum())} due, {int(self.demand['received'].sum())} received)"
        )

    # -- summaries ---------------------------------------------------------------------

    def staff(self) -> npt.NDArray[np.void]:
        """Staff minutes per month and site: a structured array ``month, site, minutes``."""
        d = self.demand
        key = d["month"].astype(np.int64) * (len(self.sites) + 1) + (d["site"] + 1)
        uniq, inv = np.unique(key, return_inverse=True)
        out = np.zeros(
            len(uniq), dtype=[("month", np.int16), ("site", np.int32), ("minutes", np.float64)]
        )
        out["month"] = uniq // (len(self.sites) + 1)
        out["site"] = uniq % (len(self.sites) + 1) - 1
        out["minutes"] = np.bincount(inv, weights=d["minutes"], minlength=len(uniq))
        return out

    def coverage_rate(self) -> Arr:
        """``coverage['received'] / coverage['due']`` (NaN where nobody was due)."""
        due = self.coverage["due"].astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate: Arr = np.where(due > 0, self.coverage["received"] / due, np.nan)
        return rate

    def same_as(self, other: SimResult) -> bool:
        """True when both runs found the same (everything but ``seconds``)."""
        simple = (
            self.start == other.start
            and self.months == other.months
            and self.seed == other.seed
            and self.codes == other.codes
            and self.sites == other.sites
            and self.desas == other.desas
            and self.params == other.params
        )
        if not simple:
            return False
        for name in ("demand", "coverage", "people", "partitions"):
            if not np.array_equal(getattr(self, name), getattr(other, name)):
                return False
        if (self.population is None) != (other.population is None):
            return False
        mine, theirs = self.households, other.households
        if mine is None or theirs is None:
            if mine is not theirs:
                return False
        elif not np.array_equal(mine, theirs):
            return False
        if self.population is not None and other.population is not None:
            a, b = self.population, other.population
            for f in attrs.fields(Population):
                value = getattr(a, f.name)
                if isinstance(value, np.ndarray) and not np.array_equal(value, getattr(b, f.name)):
                    return False
            ha, hb = self.history, other.history
            assert ha is not None
            assert hb is not None
            return (
                ha.codes == hb.codes
                and np.array_equal(ha.rec_person, hb.rec_person)
                and np.array_equal(ha.rec_code, hb.rec_code)
                and np.array_equal(ha.rec_day, hb.rec_day)
            )
        return True

    # -- plain data --------------------------------------------------------------------

    def _month(self, k: int) -> str:
        return self.months[k].isoformat()

    def _site(self, k: int) -> str | None:
        return None if k < 0 else self.sites[k]

    def to_records(self, table: str = "demand") -> list[dict[str, Any]]:
        """One table as a list of dicts with names in place of indices.

        *table* is ``demand`` (the default), ``coverage``, ``people``,
        ``partitions`` or ``staff``.
        """
        if table == "demand":
            return [
                {
                    "month": self._month(m),
                    "site": self._site(s),
                    "site_type": None if s < 0 else self.site_types[s],
                    "puskesmas": None if s < 0 else self.sites[self.site_puskesmas[s]],
                    "cluster": c,
                    "service": self.codes[v],
                    "group": self.code_groups[v],
                    "due": due,
                    "received": rec,
                    "missed": miss,
                    "minutes": minutes,
                }
                for m, s, c, v, due, rec, miss, minutes in self.demand.tolist()
            ]
        if table == "coverage":
            rate = self.coverage_rate().tolist()
            return [
                {
                    "desa": None if d < 0 else self.desas[d],
                    "group": self.groups[g],
                    "due": due,
                    "received": rec,
                    "coverage": None if math.isnan(r) else r,
                }
                for (d, g, due, rec), r in zip(self.coverage.tolist(), rate, strict=True)
            ]
        if table == "people":
            names = PEOPLE_DTYPE.names or ()
            return [
                {"month": self._month(row[0]), **dict(zip(names[1:], row[1:], strict=True))}
                for row in self.people.tolist()
            ]
        if table == "partitions":
            names = PARTITION_DTYPE.names or ()
            return [
                {"puskesmas": self.sites[row[0]], **dict(zip(names[1:], row[1:], strict=True))}
                for row in self.partitions.tolist()
            ]
        if table == "staff":
            return [
                {
                    "month": self._month(m),
                    "site": self._site(s),
                    "site_type": None if s < 0 else self.site_types[s],
                    "minutes": minutes,
                }
                for m, s, minutes in self.staff().tolist()
            ]
        msg = f"{table!r} is not one of {', '.join(_TABLES)}"
        raise PopulationError(f"table: {msg}", field="table", value=table)

    def to_frame(self, table: str = "demand") -> Any:
        """One table (as :meth:`to_records`) as a pandas DataFrame (needs ``ilp[frames]``)."""
        pd = require("pandas", "frames", feature="SimResult.to_frame")
        records = self.to_records(table)
        frame = pd.DataFrame.from_records(records) if records else self._empty_frame(pd, table)
        if "month" in frame.columns:  # months as dates (datetime64), not ISO strings
            frame["month"] = pd.to_datetime(frame["month"])
        return frame

    @staticmethod
    def _empty_frame(pd: Any, table: str) -> Any:
        names = {
            "demand": [
                "month",
                "site",
                "site_type",
                "puskesmas",
                "cluster",
                "service",
                "group",
                "due",
                "received",
                "missed",
                "minutes",
            ],
            "coverage": ["desa", "group", "due", "received", "coverage"],
            "people": list(PEOPLE_DTYPE.names or ()),
            "partitions": list(PARTITION_DTYPE.names or ()),
            "staff": ["month", "site", "site_type", "minutes"],
        }
        return pd.DataFrame(columns=names[table])

    # -- files -------------------------------------------------------------------------

    def _arrays(self) -> dict[str, Arr]:
        return {
            _RESULT_FORMAT: np.array([1]),
            "start": np.array([self.start.isoformat()]),
            "months": np.array([m.isoformat() for m in self.months], dtype=str),
            "seed": np.array([self.seed], dtype=np.int64),
            "codes": np.array(list(self.codes), dtype=str),
            "code_groups": np.array(list(self.code_groups), dtype=str),
            "groups": np.array(list(self.groups), dtype=str),
            "sites": np.array(list(self.sites), dtype=str),
            "site_types": np.array(list(self.site_types), dtype=str),
            "site_puskesmas": np.array(list(self.site_puskesmas), dtype=np.int32),
            "desas": np.array(list(self.desas), dtype=str),
            "demand": self.demand,
            "coverage": self.coverage,
            "people": self.people,
            "partitions": self.partitions,
            "params": np.array([json.dumps(self.params.as_dict(), sort_keys=True)]),
        }

    def _csv(self) -> str:
        buf = io.StringIO()
        records = self.to_records("demand")
        names = [
            "month",
            "site",
            "site_type",
            "puskesmas",
            "cluster",
            "service",
            "group",
            "due",
            "received",
            "missed",
            "minutes",
        ]
        writer = csv.DictWriter(buf, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        for r in records:
            writer.writerow({k: "" if v is None else v for k, v in r.items()})
        return buf.getvalue()

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the result to *path*: ``.npz`` (every table) or ``.csv`` (the demand table).

        The file is written to a temporary file in the same folder and
        renamed into place when complete, so a failure leaves no
        half-written file.
        """
        target = Path(path)
        kind = target.suffix.lower()
        if kind not in {".npz", ".csv"}:
            msg = f"{os.fspath(path)!r} does not end in .npz or .csv"
            raise PopulationError(f"path: {msg}", field="path", value=os.fspath(path))

        def write(f: BinaryIO) -> None:
            if kind == ".npz":
                np.savez_compressed(f, allow_pickle=False, **self._arrays())
            else:
                f.write(self._csv().encode("utf-8"))

        write_atomic(target, write, error=PopulationError)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SimResult:
        """The result saved at *path* (``.npz``) by :meth:`save` (without the population).

        Every array is checked against the others before the result is made
        (:mod:`ilp.population._result_file`); a file that is not a complete,
        consistent result raises :class:`~ilp.errors.PopulationError`.
        """
        from ilp.population._result_file import read_result  # noqa: PLC0415 - load only

        dtypes = {
            "demand": DEMAND_DTYPE,
            "coverage": COVERAGE_DTYPE,
            "people": PEOPLE_DTYPE,
            "partitions": PARTITION_DTYPE,
        }
        fields = read_result(
            path,
            marker=_RESULT_FORMAT,
            dtypes=dtypes,
            site_types=SITE_TYPES,
            max_months=MAX_MONTHS,
            params=SimParams,
        )
        return cls(**fields)


def _params_from(data: Mapping[str, Any]) -> SimParams:
    return SimParams(**data)


# ---------------------------------------------------------------------------
# the network as tables


@attrs.frozen
class _Layout:
    """Areas, sites and partitions of a population on a network, as index tables."""

    sites: tuple[Facility, ...]
    site_type: npt.NDArray[np.int8]  # per site: 0 posyandu, 1 pustu, 2 puskesmas
    site_puskesmas: npt.NDArray[np.int32]  # per site: the site index of its Puskesmas
    chain: npt.NDArray[np.int32]  # per area of the population: 3 site indices (-1 none)
    area_type: npt.NDArray[np.int8]  # per area: index into AREA_TYPES, -1 unknown
    area_desa: npt.NDArray[np.int32]  # per area: index into desas, -1 none
    desas: tuple[str, ...]
    partitions: tuple[int, ...]  # the site indices of the Puskesmas, in network order


def _layout(network: Network, population: Population) -> _Layout:
    n_areas = len(population.areas)
    used = np.zeros(n_areas + 1, dtype=np.bool_)
    used[population.residence + 1] = True
    if used[0]:
        row = int(np.flatnonzero(population.residence < 0)[0])
        msg = (
            f"row {row} (person {population.ids[row]!r}) has no residence; "
            "simulate places everyone on the network"
        )
        raise PopulationError(f"residence: {msg}", field="residence", value=population.ids[row])
    area_type = np.full(n_areas, -1, dtype=np.int8)
    area_desa = np.full(n_areas, -1, dtype=np.int32)
    desas: dict[str, int] = {}
    types = {t: i for i, t in enumerate(AREA_TYPES)}
    found: dict[int, list[Facility | None]] = {}
    for a in np.flatnonzero(used[1:]).tolist():
        area_id = population.areas[a]
        if not network.has_area(area_id):
            msg = f"area {area_id!r} of the population is not in network {network.id!r}"
            raise PopulationError(f"residence: {msg}", field="residence", value=area_id)
        chain: list[Facility | None] = [None, None, None]
        for anc in network.ancestors(area_id):
            if anc.level is AreaLevel.DESA and area_desa[a] < 0:
                area_desa[a] = desas.setdefault(anc.id, len(desas))
            for f in network.serving(anc.id):
                k = _FACILITY_SITE.get(f.type)
                if k is not None and chain[k] is None:
                    chain[k] = f
        if chain[2] is None:
            msg = f"area {area_id!r} is served by no Puskesmas in network {network.id!r}"
            raise PopulationError(f"residence: {msg}", field="residence", value=area_id)
        kind = network.area_type(area_id)
        area_type[a] = -1 if kind is None else types[kind.value]
        found[a] = chain
    # sites in network order, so that results list them as the network does
    order = {f.id: i for i, f in enumerate(network.facilities)}
    unique = {f.id: f for chain in found.values() for f in chain if f is not None}
    sites = sorted(unique.values(), key=lambda f: order[f.id])
    index = {f.id: i for i, f in enumerate(sites)}
    table = np.full((n_areas, 3), -1, dtype=np.int32)
    for a, chain in found.items():
        table[a] = [-1 if f is None else index[f.id] for f in chain]
    site_type = np.array([_FACILITY_SITE[f.type] for f in sites], dtype=np.int8)
    # each site's Puskesmas: the one over the areas it serves
    site_pkm = np.full(len(sites), -1, dtype=np.int32)
    rows = table[list(found)]
    for k in range(3):
        has = rows[:, k] >= 0
        site_pkm[rows[has, k]] = rows[has, 2]
    partitions = tuple(int(s) for s in np.flatnonzero(site_type == 2))
    return _Layout(
        tuple(sites),
        site_type,
        site_pkm,
        table,
        area_type,
        area_desa,
        tuple(desas),
        partitions,
    )


def _partition_seed(seed: int, key: str) -> np.random.SeedSequence:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    words = tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))
    return np.random.SeedSequence(seed, spawn_key=words)


# ---------------------------------------------------------------------------
# one task: some partitions, all months


@attrs.frozen
class _Task:
    """Everything one task needs (picklable): its rows, tables and seeds."""

    population: Population
    history: History
    part: npt.NDArray[np.int32]  # per row: index into keys
    lid: npt.NDArray[np.int64]  # per row: its position within its partition
    keys: tuple[str, ...]  # the partitions' Puskesmas ids
    seeds: tuple[np.random.SeedSequence, ...]
    hist_codes: tuple[str, ...]
    service_hist_code: npt.NDArray[np.int16]  # per service: its index in hist_codes
    service_group: npt.NDArray[np.int16]
    n_groups: int
    attendance: npt.NDArray[np.float64]  # per service
    area_local: npt.NDArray[np.int32]  # per area of the population: its task-local index
    site_of: npt.NDArray[np.int32]  # per task area × service: the task site, -1 none
    area_factor: npt.NDArray[np.float64]  # per task area
    area_desa: npt.NDArray[np.int32]  # per task area: desa (global index), -1 none
    site_factor: npt.NDArray[np.float64]  # per task site, and 0 last (for site -1)
    site_global: npt.NDArray[np.int32]  # per task-local site: the global site index
    openings: tuple[Any, ...]  # per task-local site: its Opening or None
    holidays: frozenset[_dt.date]
    start: int
    months: int
    params: SimParams
    catalogue: Catalogue | None
    region: Region | None
    seed_pregnancies: bool
    keep_population: bool
    services: tuple[str, ...]  # the catalogue's codes (service index order)
    households: npt.NDArray[np.int32] | None  # per row: its family, or None


@attrs.frozen
class _TaskResult:
    due: npt.NDArray[np.int64]  # months × (sites + 1) × services
    received: npt.NDArray[np.int64]
    site_global: npt.NDArray[np.int32]
    counts: npt.NDArray[np.int64]  # partitions × months × 4
    people_start: npt.NDArray[np.int64]  # per partition
    part_received: npt.NDArray[np.int64]  # per partition
    cover: npt.NDArray[np.int64]  # rows of (desa, group, due, received), desa -1 for none
    columns: dict[str, Arr] | None
    preg: dict[str, Arr] | None
    records: tuple[Arr, Arr, Arr] | None  # person (task row), history code, day
    households: npt.NDArray[np.int32] | None
    part: npt.NDArray[np.int32]
    lid: npt.NDArray[np.int64]
    seconds: float


def _newborn_only(entry: Entry) -> bool:
    """True for an entry whose scope ends within 31 days of birth (asked weekly)."""
    limit = entry.eligibility.age_to
    return limit is not None and limit.duration.months == 0 and limit.duration.days <= 31


def _period(start: int, k: int) -> tuple[int, int]:
    first = add_months(_dt.date.fromordinal(start), k).toordinal()
    return first, add_months(_dt.date.fromordinal(start), k + 1).toordinal() - 1


def _opening_days(opening: Any, holidays: frozenset[_dt.date], lo: int, hi: int) -> list[int]:
    """The opening days of *opening* from day *lo* to *hi*."""
    if opening is None:
        return []
    if opening.kind == "weekdays":
        days = range(lo, hi + 1)
        return [
            d
            for d in days
            if (d - 1) % 7 in opening.weekdays and _dt.date.fromordinal(d) not in holidays
        ]
    out = []
    for day in opening.days(_dt.date.fromordinal(lo), holidays):
        d = day.toordinal()
        if d > hi:
            break
        out.append(d)
    return out


class _Run:
    """The state of one task: growing columns, pregnancies, records and counters."""

    def __init__(self, task: _Task) -> None:
        self.t = task
        pop = task.population
        self.cols: dict[str, Arr] = {}
        self.extra: dict[str, Any] = {}
        for f in attrs.fields(Population):
            if not f.init:
                continue
            value = getattr(pop, f.name)
            if f.name.startswith("preg_"):
                continue
            if isinstance(value, np.ndarray) and f.name != "areas":
                self.cols[f.name] = value.copy()
            else:
                self.extra[f.name] = value
        self.death_day = self.cols["death"].copy()
        self.preg: dict[str, Arr] = {
            "person": pop.preg_person.astype(np.int64),
            "lmp": pop.preg_lmp.copy(),
            "edd": pop.preg_edd.copy(),
            "delivery": pop.preg_delivery.copy(),
            "outcome": pop.preg_outcome.copy(),
            "in_facility": pop.preg_in_facility.copy(),
            "planned": np.full(len(pop.preg_person), NO_DAY, dtype=np.int32),
        }
        self.part = task.part.astype(np.int64)
        self.lid = task.lid.copy()
        self.households = None if task.households is None else task.households.copy()
        self.n_parts = len(task.keys)
        self.rngs = [np.random.Generator(np.random.PCG64(s)) for s in task.seeds]
        order = np.lexsort((self.lid, self.part))
        starts = np.searchsorted(self.part[order], np.arange(self.n_parts + 1))
        self.members = [order[starts[p] : starts[p + 1]] for p in range(self.n_parts)]
        h = task.history
        self.rec_person = h.rec_person.copy()
        self.rec_code = h.rec_code.copy()
        self.rec_day = h.rec_day.copy()
        self.appendable = not len(h) or int(h.rec_day.max()) <= task.start
        n = len(pop)
        self.engaged = np.ones(n, dtype=np.bool_)
        self.reached = np.ones(n, dtype=np.bool_)
        self.ever_due = np.zeros((n, task.n_groups), dtype=np.bool_)
        self.ever_received = np.zeros((n, task.n_groups), dtype=np.bool_)
        n_sites = len(task.site_global)
        n_services = len(task.services)
        self.due = np.zeros((task.months, n_sites + 1, n_services), dtype=np.int64)
        self.received = np.zeros_like(self.due)
        self.counts = np.zeros((self.n_parts, task.months, 4), dtype=np.int64)
        self.part_received = np.zeros(self.n_parts, dtype=np.int64)
        self.people_start = np.bincount(self.part, minlength=self.n_parts).astype(np.int64)
        self._cats: tuple[Catalogue, Catalogue | None, frozenset[str]] | None = None
        # per task area and service: (site + 1) * services + service, and the attendance
        n_services = len(task.services)
        self._key = (task.site_of + 1) * n_services + np.arange(n_services, dtype=np.int32)
        self._prob = (
            task.attendance[None, :] * task.area_factor[:, None] * task.site_factor[task.site_of]
        )
        self._where = {c: i for i, c in enumerate(task.services)}

    # -- draws, per partition in its own order -----------------------------------------

    def _spread(self, blocks: list[Arr], rows: list[Arr], n: int, width: int) -> Arr:
        """Per-partition draws (``width`` × rows) laid out over *n* task rows."""
        out = np.zeros((width, n), dtype=np.float64)
        for block, r in zip(blocks, rows, strict=True):
            out[:, r] = block
        return out

    def _draw(self, width: int, rows: list[Arr]) -> Arr:
        n = len(self.part)
        blocks = [self.rngs[p].random((width, len(r))) for p, r in enumerate(rows)]
        return self._spread(blocks, rows, n, width)

    # -- set-up ------------------------------------------------------------------------

    def setup(self) -> None:
        t, p = self.t, self.t.params
        start = t.start
        draws = self._draw(4, self.members)
        total = p.dropout + p.reengage
        share = p.dropout / total if total > 0 else 0.0
        self.engaged = draws[0] >= share
        self.reached = draws[3] >= p.unreached
        birth, sex = self.cols["birth"], self.cols["sex"]
        alive = self.death_day >= start
        preg = self.preg
        # pregnancies still to deliver: ongoing on the start date, or later
        pending = (preg["delivery"] == NO_DAY) & (preg["edd"] + 14 >= start)
        seeded = np.zeros(0, dtype=np.int64)
        if t.seed_pregnancies:
            age = (start - birth) / _YEAR
            women = alive & (sex == 0) & (age >= 15) & (age < 50)
            blocked = self._blocked(start)
            # the share pregnant at a time: births per year × the time a pregnancy lasts
            chance = np.minimum(p.fertility_at(age) * _EDD_DAYS / _YEAR, 1.0)
            pick = women & ~blocked & (draws[1] < chance)
            seeded = np.flatnonzero(pick)
        gest = [self.rngs[q].standard_normal(len(r)) for q, r in enumerate(self.members)]
        gestation = self._spread([g[None, :] for g in gest], self.members, len(self.part), 1)[0]
        if len(seeded):
            lmp = start - np.floor(draws[2][seeded] * _EDD_DAYS).astype(np.int64)
            lmp = np.maximum(lmp, birth[seeded].astype(np.int64))
            last = self._last_delivery()
            ok = lmp > last[seeded] + _POSTPARTUM_DAYS
            seeded, lmp = seeded[ok], lmp[ok]
            planned = lmp + self._gestation(gestation[seeded])
            planned = np.where(planned < start, start + self.lid[seeded] % 14, planned)
            self._add_pregnancies(seeded, lmp, planned)
        # existing pending pregnancies get a planned delivery day
        rows = np.flatnonzero(pending)
        if len(rows):
            owner = self.part[preg["person"][rows]]
            normal = np.zeros(len(rows))
            uniform = np.zeros(len(rows))
            for q in range(self.n_parts):
                mine = np.flatnonzero(owner == q)
                if len(mine):
                    normal[mine] = self.rngs[q].standard_normal(len(mine))
                    uniform[mine] = self.rngs[q].random(len(mine))
            lmp = preg["lmp"][rows].astype(np.int64)
            planned = lmp + self._gestation(normal)
            late = planned < start
            planned[late] = start + np.floor(uniform[late] * 14).astype(np.int64)
            planned = np.minimum(planned, preg["edd"][rows].astype(np.int64) + 14)
            preg["planned"][rows] = planned.astype(np.int32)

    def _gestation(self, normal: Arr) -> Arr:
        lo, hi = _GESTATION_RANGE
        days = np.rint(_EDD_DAYS + normal * self.t.params.gestation_sd)
        out: Arr = np.clip(days, lo, hi).astype(np.int64)
        return out

    def _last_delivery(self) -> Arr:
        """Per row, the day of the last delivery (or a very early day)."""
        out = np.full(len(self.part), -(10**7), dtype=np.int64)
        preg = self.preg
        done = preg["delivery"] != NO_DAY
        np.maximum.at(out, preg["person"][done], preg["delivery"][done].astype(np.int64))
        return out

    def _blocked(self, day: int) -> Arr:
        """Rows who cannot conceive on *day*: pregnant, due to deliver, or just delivered."""
        preg = self.preg
        ends = np.where(
            preg["delivery"] != NO_DAY,
            preg["delivery"].astype(np.int64),
            preg["edd"].astype(np.int64) + 14,
        )
        pending = preg["planned"] != NO_DAY
        ends = np.where(pending, np.maximum(ends, preg["planned"].astype(np.int64)), ends)
        block = (ends + _POSTPARTUM_DAYS >= day) | (preg["lmp"] >= day)
        out = np.zeros(len(self.part), dtype=np.bool_)
        out[preg["person"][block]] = True
        return out

    def _add_pregnancies(self, rows: Arr, lmp: Arr, planned: Arr) -> None:
        preg = self.preg
        k = len(rows)
        new = {
            "person": rows.astype(np.int64),
            "lmp": lmp.astype(np.int32),
            "edd": (lmp + _EDD_DAYS).astype(np.int32),
            "delivery": np.full(k, NO_DAY, dtype=np.int32),
            "outcome": np.full(k, -1, dtype=np.int8),
            "in_facility": np.full(k, -1, dtype=np.int8),
            "planned": planned.astype(np.int32),
        }
        for name in preg:
            preg[name] = np.concatenate([preg[name], new[name]])
        order = np.lexsort((preg["lmp"], preg["person"]))
        for name in preg:
            preg[name] = preg[name][order]

    # -- one month ---------------------------------------------------------------------

    def month(self, k: int) -> None:
        t, p = self.t, self.t.params
        m0, m1 = _period(t.start, k)
        length = m1 - m0 + 1
        n0 = len(self.part)
        # each partition draws from its own generator, in the same order every month
        draws = self._draw(3, self.members)  # engagement, death, attendance
        birth = self.cols["birth"]
        # 1. engagement
        self.engaged = np.where(self.engaged, draws[0] >= p.dropout, draws[0] < p.reengage)
        # 2. deaths among the living without a date of death yet
        alive_start = (birth <= m0) & (self.death_day >= m0)
        age = (m0 - birth) / _YEAR
        at_risk = alive_start & (self.death_day == NO_DAY)
        q = 1 - np.exp(-p.mortality(age) * length / _YEAR)
        dies = at_risk & (draws[1] < q)
        when = self._draw_some(dies)
        day = (m0 + np.floor(when[dies] * length)).astype(np.int32)
        self.death_day[dies] = np.maximum(day, birth[dies])
        # 3. conceptions
        women = alive_start & (self.cols["sex"] == 0) & (age >= 15) & (age < 50)
        women &= ~self._blocked(m0)
        chance = 1 - np.exp(-p.conception(age) * length / _YEAR)
        conceive = women & (self._draw_some(women) < chance)
        when = self._draw_some(conceive)
        normal = self._draw_some(conceive, normal=True)
        rows = np.flatnonzero(conceive)
        if len(rows):
            lmp = m0 + np.floor(when[rows] * length).astype(np.int64)
            keep = self.death_day[rows].astype(np.int64) >= lmp
            rows, lmp = rows[keep], lmp[keep]
            self._add_pregnancies(rows, lmp, lmp + self._gestation(normal[rows]))
        # 4. deliveries and births
        u = np.concatenate([draws[2], self._deliver(m0, m1)])
        n = len(self.part)
        # 5. counts of people
        part = self.part
        new = np.zeros(n, dtype=np.bool_)
        new[n0:] = True
        alive_start_all = np.zeros(n, dtype=np.bool_)
        alive_start_all[:n0] = alive_start
        died = (self.death_day >= m0) & (self.death_day <= m1)
        alive_end = (self.cols["birth"] <= m1) & (self.death_day > m1)
        for j, mask in enumerate((alive_start_all, new, died, alive_end)):
            self.counts[:, k, j] = np.bincount(part[mask], minlength=self.n_parts)
        # 6. who is due, who comes
        self._serve(k, m0, m1, u)

    def _draw_some(self, mask: Arr, *, normal: bool = False) -> Arr:
        """One draw for each row in *mask* (others 0), per partition in its own order."""
        out = np.zeros(len(mask), dtype=np.float64)
        for rng, rows in zip(self.rngs, self.members, strict=True):
            picked = rows[mask[rows]]
            if len(picked):
                size = len(picked)
                out[picked] = rng.standard_normal(size) if normal else rng.random(size)
        return out

    def _deliver(self, m0: int, m1: int) -> Arr:
        """Deliver the pregnancies planned in the month; add the babies as rows.

        Returns the babies' attendance draws.
        """
        p = self.t.params
        preg = self.preg
        planned = preg["planned"].astype(np.int64)
        idx = np.flatnonzero((planned >= m0) & (planned <= m1))
        if not len(idx):
            return np.zeros(0)
        mother = preg["person"][idx]
        day = planned[idx]
        alive = self.death_day[mother].astype(np.int64) >= day
        preg["planned"][idx] = NO_DAY
        idx, mother, day = idx[alive], mother[alive], day[alive]
        if not len(idx):
            return np.zeros(0)
        owner = self.part[mother]
        mother_lid = self.lid[mother]
        # each partition's babies in its own order: by day, then the mother's position
        order = np.lexsort((mother_lid, day, owner))
        idx, mother, day, owner = idx[order], mother[order], day[order], owner[order]
        # sex, neonatal death, its day, facility delivery, reached, attendance
        draws = np.zeros((6, len(idx)))
        new_lid = np.zeros(len(idx), dtype=np.int64)
        for q in np.unique(owner).tolist():
            mine = np.flatnonzero(owner == q)
            if len(mine):
                draws[:, mine] = self.rngs[q].random((6, len(mine)))
                new_lid[mine] = len(self.members[q]) + np.arange(len(mine))
        preg["delivery"][idx] = day.astype(np.int32)
        preg["outcome"][idx] = _LIVE_BIRTH
        preg["in_facility"][idx] = (draws[3] < p.facility_delivery).astype(np.int8)
        # the task's rows stay in order of birth: babies by day, then partition, then position
        rows_order = np.lexsort((new_lid, owner, day))
        mother, day, owner, new_lid = (
            mother[rows_order],
            day[rows_order],
            owner[rows_order],
            new_lid[rows_order],
        )
        draws = draws[:, rows_order]
        b = len(mother)
        n = len(self.part)
        cols = self.cols
        ids = [
            f"{cols['ids'][m]}.b{from_day(int(d)).format('YYYYMMDD')}"
            for m, d in zip(mother.tolist(), day.tolist(), strict=True)
        ]
        values: dict[str, Arr] = {
            "ids": np.array(ids, dtype=object),
            "birth": day.astype(np.int32),
            "sex": (draws[0] < p.male_births).astype(np.int8),
            "death": np.full(b, NO_DAY, dtype=np.int32),
            "conditions": np.zeros(b, dtype=cols["conditions"].dtype),
            "school_grade": np.zeros(b, dtype=cols["school_grade"].dtype),
            "school_year": np.zeros(b, dtype=cols["school_year"].dtype),
            "sexually_active": np.full(b, -1, dtype=cols["sexually_active"].dtype),
        }
        for name, col in cols.items():
            value = values.get(name)
            if value is None:  # residence and any column we do not know: the mother's
                value = col[mother]
            cols[name] = np.concatenate([col, value.astype(col.dtype, copy=False)])
        dies = draws[1] < p.neonatal_mortality
        death = np.full(b, NO_DAY, dtype=np.int32)
        death[dies] = (day[dies] + np.floor(draws[2][dies] * _NEONATAL_DAYS)).astype(np.int32)
        self.death_day = np.concatenate([self.death_day, death])
        if self.households is not None:
            self.households = np.concatenate([self.households, self.households[mother]])
        self.part = np.concatenate([self.part, owner])
        self.lid = np.concatenate([self.lid, new_lid])
        rows = n + np.arange(b)
        for q in np.unique(owner).tolist():
            self.members[q] = np.concatenate([self.members[q], rows[owner == q]])
        self.engaged = np.concatenate([self.engaged, np.ones(b, dtype=np.bool_)])
        self.reached = np.concatenate([self.reached, draws[4] >= p.unreached])
        g = self.t.n_groups
        self.ever_due = np.concatenate([self.ever_due, np.zeros((b, g), dtype=np.bool_)])
        self.ever_received = np.concatenate([self.ever_received, np.zeros((b, g), dtype=np.bool_)])
        out: Arr = draws[5]
        return out

    def population(self, m0: int) -> Population:
        """The population as seen during the month starting *m0*: deaths before it only."""
        cols = dict(self.cols)
        cols["death"] = np.where(self.death_day < m0, self.death_day, NO_DAY).astype(np.int32)
        preg = self.preg
        return Population(
            **cols,
            **self.extra,
            preg_person=preg["person"].astype(np.int32),
            preg_lmp=preg["lmp"],
            preg_edd=preg["edd"],
            preg_delivery=preg["delivery"],
            preg_outcome=preg["outcome"],
            preg_in_facility=preg["in_facility"],
        )

    def history(self) -> History:
        return History(
            self.t.hist_codes,
            self.rec_person,
            self.rec_code,
            self.rec_day,
            len(self.part),
        )

    def _catalogues(self) -> tuple[Catalogue, Catalogue | None, frozenset[str]]:
        """The catalogue, its entries for newborns only (scope under a month), and their keys."""
        if self._cats is None:
            cat = self.t.catalogue
            if cat is None:
                from ilp.lifecycle._loader import national  # noqa: PLC0415 - loads on first use

                cat = national()
            short = tuple(e for e in cat.entries if _newborn_only(e))
            sub = None
            if short:
                sub = Catalogue(cat.id, cat.title, cat.edition, short, origin=cat.origin)
            self._cats = (cat, sub, frozenset(e.key for e in short))
        return self._cats

    def _newborn_history(self, codes: tuple[str, ...]) -> History:
        """The history restricted to *codes* (the newborn entries' services)."""
        hist_codes = self.t.hist_codes
        offsets = np.searchsorted(self.rec_code, np.arange(len(hist_codes) + 1))
        parts = []
        for i, code in enumerate(codes):
            k = hist_codes.index(code)
            lo, hi = int(offsets[k]), int(offsets[k + 1])
            parts.append((self.rec_person[lo:hi], np.full(hi - lo, i), self.rec_day[lo:hi]))
        return History(
            codes,
            np.concatenate([x[0] for x in parts]).astype(np.int32),
            np.concatenate([x[1] for x in parts]).astype(np.int16),
            np.concatenate([x[2] for x in parts]).astype(np.int32),
            len(self.part),
        )

    def _items(
        self,
        result: Any,
        m0: int,
        m1: int,
        *,
        skip: frozenset[str] = frozenset(),
        born: tuple[int, int] | None = None,
    ) -> list[tuple[Arr, Arr, Arr, Arr]]:
        """The items of *result* in demand during the month: rows, services, earliest, latest."""
        where = self._where
        out = []
        birth = self.cols["birth"]
        for code, key, items in zip(result.codes, result.entries, result.slots, strict=True):
            if not len(items) or key in skip:
                continue
            st = items.status
            e = items.earliest
            latest = items.latest
            sel = (st == _DUE) | (st == _OVERDUE)
            sel |= (st == _MISSED) & (latest >= m0) & (latest >= e) & (latest != NO_DAY)
            if born is not None:
                # a newborn evaluation also takes what opens before the month ends
                sel |= (st == _UPCOMING) & (e <= m1)
                b = birth[items.rows]
                sel &= (b > born[0]) & (b <= born[1])
            picked = np.flatnonzero(sel)
            if len(picked):
                out.append(
                    (
                        items.rows[picked],
                        np.full(len(picked), where[code], dtype=np.int32),
                        e[picked],
                        latest[picked],
                    )
                )
        return out

    def _serve(self, k: int, m0: int, m1: int, u: Arr) -> None:
        t = self.t
        cat, newborn, newborn_keys = self._catalogues()
        pop = self.population(m0)
        result = due_batch(
            pop, self.history(), from_day(m1), catalogue=cat, region=t.region, horizon=0
        )
        found = self._items(result, m0, m1, skip=newborn_keys)
        if newborn is not None:
            # entries whose scope is shorter than a month (HB0 within a week of birth)
            # are asked weekly, of the babies born that week, so none is missed
            sub = self._newborn_history(newborn.codes)
            prev = m0 - 32
            for end in [*list(range(m0 + 6, m1, 7)), m1]:
                weekly = due_batch(
                    pop, sub, from_day(end), catalogue=newborn, region=t.region, horizon=m1 - end
                )
                found += self._items(weekly, m0, m1, born=(prev, end))
                prev = end
        if not found:
            return
        rows = np.concatenate([f[0] for f in found])
        svc = np.concatenate([f[1] for f in found])
        n_services = len(t.services)
        # the (area, service) cell of each item: its site and its attendance
        cell = t.area_local[self.cols["residence"]][rows] * n_services + svc
        key = self._key.reshape(-1)[cell]  # (site + 1) * services + service
        size = (len(t.site_global) + 1) * n_services
        self.due[k] += np.bincount(key, minlength=size).reshape(-1, n_services)
        group = t.service_group[svc]
        g = t.n_groups
        self.ever_due.reshape(-1)[rows.astype(np.int64) * g + group] = True
        # who comes: reached, engaged, and their draw of the month below the attendance
        prob = self._prob.reshape(-1)[cell]
        draw = u[rows]
        come = np.flatnonzero((draw < prob) & self.reached[rows] & self.engaged[rows])
        if not len(come):
            return
        lo = np.concatenate([f[2] for f in found])[come].astype(np.int64)
        hi = np.concatenate([f[3] for f in found])[come].astype(np.int64)
        r = rows[come]
        lo = np.maximum(np.maximum(lo, m0), self.cols["birth"][r])
        hi = np.minimum(np.minimum(hi, m1), self.death_day[r])
        inside = np.flatnonzero(lo <= hi)  # not after death, nor after the window
        got, lo, hi, r = come[inside], lo[inside], hi[inside], r[inside]
        # the day: the site's first opening day in the window, else a day drawn in it
        # (the draw below the attendance, rescaled, is uniform on [0, 1))
        fraction = draw[got] / prob[got]
        day = lo + np.floor(fraction * (hi - lo + 1)).astype(np.int64)
        table = self._next_open(m0, m1)
        if table is not None:
            j = table[key[got] // n_services - 1, lo - m0]
            day = np.where(j <= hi - m0, m0 + j, day)
        self.received[k] += np.bincount(key[got], minlength=size).reshape(-1, n_services)
        self.ever_received.reshape(-1)[r.astype(np.int64) * g + group[got]] = True
        self.part_received += np.bincount(self.part[r], minlength=self.n_parts)
        self._append(r, t.service_hist_code[svc[got]], day)

    def _next_open(self, m0: int, m1: int) -> Arr | None:
        """Per task site and day of the month, the offset of the next opening day (or 99)."""
        openings = self.t.openings
        if all(o is None for o in openings):
            return None
        span = m1 - m0 + 1
        rows: dict[Any, Arr] = {}
        table = np.full((len(openings), span), 99, dtype=np.int64)
        for s, opening in enumerate(openings):
            row = rows.get(opening)
            if row is None:
                row = np.full(span + 1, 99, dtype=np.int64)
                for d in _opening_days(opening, self.t.holidays, m0, m1):
                    row[d - m0] = d - m0
                # the next opening at or after each day: a reversed running minimum
                row = rows[opening] = np.minimum.accumulate(row[::-1])[::-1][:span]
            table[s] = row
        return table

    def _append(self, person: Arr, code: Arr, day: Arr) -> None:
        order = np.lexsort((day, person, code))
        person = person[order].astype(np.int32)
        code = code[order].astype(np.int16)
        day = day[order].astype(np.int32)
        if self.appendable:
            # every new day is after every old one: each record goes after the old
            # records of its code and person (found code by code, in the code's block)
            n_codes = len(self.t.hist_codes)
            old = np.searchsorted(self.rec_code, np.arange(n_codes + 1))
            new = np.searchsorted(code, np.arange(n_codes + 1))
            at = np.empty(len(code), dtype=np.int64)
            for k in np.flatnonzero(new[1:] > new[:-1]).tolist():
                lo, hi = int(old[k]), int(old[k + 1])
                block = slice(int(new[k]), int(new[k + 1]))
                at[block] = lo + np.searchsorted(
                    self.rec_person[lo:hi], person[block], side="right"
                )
            self.rec_person = np.insert(self.rec_person, at, person)
            self.rec_code = np.insert(self.rec_code, at, code)
            self.rec_day = np.insert(self.rec_day, at, day)
            return
        p = np.concatenate([self.rec_person, person])
        c = np.concatenate([self.rec_code, code])
        d = np.concatenate([self.rec_day, day])
        order = np.lexsort((d, p, c))
        self.rec_person, self.rec_code, self.rec_day = p[order], c[order], d[order]

    # -- the end -----------------------------------------------------------------------

    def finish(self, seconds: float) -> _TaskResult:
        t = self.t
        desa = t.area_desa[t.area_local[self.cols["residence"]]].astype(np.int64)
        g = t.n_groups
        key = np.repeat((desa + 1) * g, g) + np.tile(np.arange(g), len(desa))
        due = self.ever_due.reshape(-1)
        got = self.ever_received.reshape(-1)
        keys, inverse = np.unique(key[due], return_inverse=True)
        rec = np.zeros(len(keys), dtype=np.int64)
        np.add.at(rec, np.searchsorted(keys, key[got]), 1)
        cover = np.stack(
            [keys // g - 1, keys % g, np.bincount(inverse, minlength=len(keys)), rec]
        ).astype(np.int64)
        columns = preg = records = None
        if t.keep_population:
            end = _period(t.start, t.months - 1)[1]
            columns = dict(self.cols)
            columns["death"] = np.where(self.death_day <= end, self.death_day, NO_DAY).astype(
                np.int32
            )
            preg = dict(self.preg)
            del preg["planned"]
            records = (self.rec_person, self.rec_code, self.rec_day)
        return _TaskResult(
            due=self.due,
            received=self.received,
            site_global=t.site_global,
            counts=self.counts,
            people_start=self.people_start,
            part_received=self.part_received,
            cover=cover,
            columns=columns,
            preg=preg,
            records=records,
            households=self.households if t.keep_population else None,
            part=self.part.astype(np.int32),
            lid=self.lid,
            seconds=seconds,
        )


def _run_task(task: _Task, progress: Callable[[int], None] | None = None) -> _TaskResult:
    began = time.perf_counter()
    run = _Run(task)
    run.setup()
    for k in range(task.months):
        run.month(k)
        if progress is not None:
            progress(k + 1)
    return run.finish(time.perf_counter() - began)


def _run_task_quietly(task: _Task) -> _TaskResult:
    return _run_task(task)


# ---------------------------------------------------------------------------
# the run: check, split, run the tasks, merge


def _check_int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise _fail(name, f"{value!r} is not a whole number of {low} or more", value)
    return int(value)


def _workers(executor: concurrent.futures.Executor) -> int:
    found = getattr(executor, "_max_workers", None)
    if isinstance(found, int) and found > 0:
        return found
    return os.cpu_count() or 1


def _groups(sizes: Arr, n: int) -> list[Arr]:
    """Split partitions (in order) into *n* contiguous runs of about equal people."""
    n = max(1, min(n, len(sizes)))
    edges = np.cumsum(sizes)
    total = edges[-1] if len(edges) else 0
    cuts = np.searchsorted(edges, total * np.arange(1, n) / n, side="left") + 1
    cuts = np.unique(np.clip(cuts, 1, len(sizes)))
    return [g for g in np.split(np.arange(len(sizes)), cuts) if len(g)]


def _can_give_table(sites: Sequence[Facility], services: Sequence[Service]) -> Arr:
    out = np.zeros((len(sites), len(services)), dtype=np.bool_)
    plain: dict[FacilityType, Arr] = {}
    for i, f in enumerate(sites):
        if f.services_added or f.services_removed:
            out[i] = [can_give(f, s) for s in services]
            continue
        row = plain.get(f.type)
        if row is None:
            row = plain[f.type] = np.array([can_give(f, s) for s in services], dtype=np.bool_)
        out[i] = row
    return out


def _take_ascending(
    population: Population, history: History, rows: Arr
) -> tuple[Population, History]:
    """The people in *rows* (ascending) and their records: a gather, no sort needed."""
    n = len(population)
    new = np.full(n, -1, dtype=np.int64)
    new[rows] = np.arange(len(rows))
    columns: dict[str, Any] = {}
    for f in attrs.fields(Population):
        if not f.init:
            continue
        value = getattr(population, f.name)
        if f.name.startswith("preg_"):
            continue
        if isinstance(value, np.ndarray) and value.shape == (n,):
            columns[f.name] = value[rows]
        else:
            columns[f.name] = value
    moved = new[population.preg_person]
    keep = moved >= 0
    for name in ("preg_lmp", "preg_edd", "preg_delivery", "preg_outcome", "preg_in_facility"):
        columns[name] = getattr(population, name)[keep]
    columns["preg_person"] = moved[keep].astype(np.int32)
    moved = new[history.rec_person]
    keep = moved >= 0
    records = History(
        history.codes,
        moved[keep].astype(np.int32),
        history.rec_code[keep],
        history.rec_day[keep],
        len(rows),
    )
    return Population(**columns), records


def simulate(
    population: Population,
    history: History | None,
    network: Network,
    start: pendulum.Date | _dt.date | str,
    months: int,
    *,
    params: SimParams | None = None,
    seed: int,
    catalogue: Catalogue | None = None,
    region: Region | None = None,
    executor: concurrent.futures.Executor | None = None,
    tasks: int | None = None,
    progress: Callable[[int, int], object] | None = None,
    keep_population: bool = True,
    households: npt.ArrayLike | None = None,
) -> SimResult:
    """Simulate *months* calendar months of demand on *network*, from *start*.

    Month *k* runs from *start* plus *k* months to the day before *start*
    plus *k* + 1 months. In each: engagement changes, people die
    (:meth:`SimParams.mortality`), women conceive (:meth:`SimParams.conception`),
    pregnancies deliver and babies are added as rows with their mother's
    residence. Then :func:`~ilp.population.due_batch` on the month's last
    day says what was in demand (due or overdue, or missed with a window
    closing within the month); each item is given at the first of the
    person's Posyandu, Pustu and Puskesmas that gives it, with probability
    :meth:`SimParams.attendance_of` times the area and site factors, on the
    site's first opening day in the item's window (else a day drawn in it);
    what is given joins the history.

    The rows are split by the Puskesmas over their residence; each
    partition draws from its own generator, seeded from *seed* and the
    Puskesmas id, so the result is the same whatever the grouping into
    *tasks* (default: one without *executor*, else twice the executor's
    workers) and whatever *executor* runs them (any
    :class:`concurrent.futures.Executor`: a process pool, or Dask's
    ``Client.get_executor()``). *progress*, when given, is called with
    (months done, months in all), counted over tasks.

    Bad arguments raise :class:`~ilp.errors.PopulationError` (or another
    :class:`~ilp.errors.ILPError`) before any work: a negative or
    non-integer *months* or *seed*, a population whose residences the
    network does not hold, people born after *start*, parameters naming
    codes the catalogue lacks.
    """
    if not isinstance(population, Population):
        msg = f"expected a Population, got {type(population).__name__}"
        raise _fail("population", msg, population)
    if history is None:
        history = History.empty(population)
    if not isinstance(history, History):
        raise _fail("history", f"expected a History or None, got {type(history).__name__}", history)
    if history.persons != len(population):
        msg = f"it is for {history.persons} people, the population has {len(population)}"
        raise _fail("history", msg, history.persons)
    if not isinstance(network, Network):
        raise _fail("network", f"expected a Network, got {type(network).__name__}", network)
    first = as_date(start, field="start")
    months = _check_int("months", months, 1)
    if months > MAX_MONTHS or add_months(first, months) > LAST_DATE:
        msg = (
            f"{months} months from {first.isoformat()} is more than {MAX_MONTHS} months "
            f"or goes past the last supported date {LAST_DATE.isoformat()}"
        )
        raise _fail("months", msg, months)
    seed = _check_int("seed", seed, 0)
    params = SimParams() if params is None else params
    if not isinstance(params, SimParams):
        raise _fail("params", f"expected SimParams or None, got {type(params).__name__}", params)
    if region is not None and not isinstance(region, Region):
        raise _fail("region", f"expected a Region or None, got {type(region).__name__}", region)
    if executor is not None and not isinstance(executor, concurrent.futures.Executor):
        msg = f"expected a concurrent.futures.Executor, got {type(executor).__name__}"
        raise _fail("executor", msg, executor)
    if tasks is not None:
        tasks = _check_int("tasks", tasks, 1)
    if not isinstance(keep_population, bool):
        raise _fail("keep_population", "expected True or False", keep_population)
    family = None
    if households is not None:
        family = np.asarray(households)
        if family.dtype.kind not in "iu" or family.shape != (len(population),):
            msg = f"expected whole numbers, one per person ({len(population)}), got {family.shape}"
            raise _fail("households", msg, family.shape)
        family = family.astype(np.int32)
    cat = catalogue
    if cat is None:
        from ilp.lifecycle._loader import national  # noqa: PLC0415 - loads on first use

        cat = national()
    elif not isinstance(cat, Catalogue):
        raise _fail("catalogue", f"expected a Catalogue, got {type(cat).__name__}", cat)
    params.check(cat)
    day0 = first.toordinal()
    if len(population) == 0:
        raise _fail("population", "no people to simulate", 0)
    late = population.birth > day0
    if late.any():
        row = int(np.flatnonzero(late)[0])
        msg = f"row {row} (person {population.ids[row]!r}) is born after the start {first}"
        raise _fail("birth", msg, population.ids[row])
    layout = _layout(network, population)

    # services, groups, minutes
    codes = cat.codes
    services = [cat.service(c) for c in codes]
    groups = tuple(sorted({s.group for s in services}))
    service_group = np.array([groups.index(s.group) for s in services], dtype=np.int16)
    attendance = np.array([params.attendance_of(s) for s in services], dtype=np.float64)
    minutes = np.array([params.minutes_of(s) for s in services], dtype=np.float64)
    hist_codes = history.codes + tuple(c for c in codes if c not in history.codes)
    if len(hist_codes) > np.iinfo(np.int16).max:
        raise _fail("history", f"{len(hist_codes)} codes; at most 32767 fit", len(hist_codes))
    service_hist_code = np.array([hist_codes.index(c) for c in codes], dtype=np.int16)
    full_history = History(
        hist_codes, history.rec_person, history.rec_code, history.rec_day, history.persons
    )

    # sites per area and service
    can = _can_give_table(layout.sites, services)
    n_areas = len(population.areas)
    site_of = np.full((n_areas, len(codes)), -1, dtype=np.int32)
    for k in (2, 1, 0):  # the nearest that gives the service wins: write the farthest first
        s = layout.chain[:, k]
        has = s >= 0
        ok = np.zeros((n_areas, len(codes)), dtype=np.bool_)
        ok[has] = can[s[has]]
        site_of = np.where(ok, s[:, None], site_of)
    factors = np.array([params.area_factor.get(t, 1.0) for t in AREA_TYPES] + [1.0])
    area_factor = factors[layout.area_type]  # -1 (unknown) takes the last, 1.0
    site_factor_of_type = np.array([params.site_factor.get(t, 1.0) for t in SITE_TYPES])

    # rows in order of birth (due_batch is faster so), then split without sorting again
    if not population.birth_sorted:
        order = np.argsort(population.birth, kind="stable")
        population, full_history = population.take(order), full_history.take(order)
        family = None if family is None else family[order]

    # partitions and tasks
    pkm = layout.chain[population.residence, 2]
    part_of_site = np.full(len(layout.sites), -1, dtype=np.int64)
    part_of_site[list(layout.partitions)] = np.arange(len(layout.partitions))
    part = part_of_site[pkm]
    n_parts = len(layout.partitions)
    sizes = np.bincount(part, minlength=n_parts)
    # a person's place in its partition: by birth, then by row (the rows are in that order)
    by_part = np.argsort(part, kind="stable")
    part_start = np.concatenate([[0], np.cumsum(sizes)])
    lid = np.empty(len(population), dtype=np.int64)
    lid[by_part] = np.arange(len(population)) - part_start[part[by_part]]
    if tasks is None:
        tasks = 1 if executor is None else 2 * _workers(executor)
    groups_of_parts = _groups(sizes, tasks)
    keys = tuple(layout.sites[s].id for s in layout.partitions)
    seeds = tuple(_partition_seed(seed, key) for key in keys)
    pending = (population.preg_delivery == NO_DAY) & (
        population.preg_edd.astype(np.int64) + 14 >= day0
    )
    seed_pregnancies = params.seed_pregnancies and not bool(pending.any())
    task_list = []
    for members in groups_of_parts:
        inside = np.zeros(n_parts, dtype=np.bool_)
        inside[members] = True
        rows = np.flatnonzero(inside[part])  # ascending: in order of birth
        task_pop, task_hist = _take_ascending(population, full_history, rows)
        local_part = np.full(n_parts, -1, dtype=np.int64)
        local_part[members] = np.arange(len(members))
        areas = np.unique(population.residence[rows])
        area_local = np.full(n_areas, -1, dtype=np.int32)
        area_local[areas] = np.arange(len(areas))
        task_sites = np.unique(
            np.concatenate([site_of[areas].ravel(), layout.chain[areas].ravel()])
        )
        task_sites = task_sites[task_sites >= 0].astype(np.int32)
        site_local = np.full(len(layout.sites) + 1, -1, dtype=np.int32)
        site_local[task_sites] = np.arange(len(task_sites))
        local_site_of = np.where(site_of[areas] >= 0, site_local[site_of[areas]], -1)
        task_list.append(
            _Task(
                population=task_pop,
                history=task_hist,
                part=local_part[part[rows]].astype(np.int32),
                lid=lid[rows],
                keys=tuple(keys[m] for m in members),
                seeds=tuple(seeds[m] for m in members),
                hist_codes=hist_codes,
                service_hist_code=service_hist_code,
                service_group=service_group,
                n_groups=len(groups),
                attendance=attendance,
                area_local=area_local,
                site_of=local_site_of.astype(np.int32),
                area_factor=area_factor[areas],
                area_desa=layout.area_desa[areas],
                site_factor=np.append(site_factor_of_type[layout.site_type[task_sites]], 0.0),
                site_global=task_sites,
                openings=tuple(layout.sites[s].opening for s in task_sites),
                holidays=network.holidays,
                start=day0,
                months=months,
                params=params,
                catalogue=catalogue,
                region=region,
                seed_pregnancies=seed_pregnancies,
                keep_population=keep_population,
                services=codes,
                households=None if family is None else family[rows],
            )
        )

    # run
    total = months * len(task_list)
    outputs: list[_TaskResult] = []
    if executor is None:
        for i, task in enumerate(task_list):
            done_before = i * months

            def tick(k: int, base: int = done_before) -> None:
                if progress is not None:
                    progress(base + k, total)

            outputs.append(_run_task(task, tick))
    else:
        futures = [executor.submit(_run_task_quietly, task) for task in task_list]
        done = 0
        try:
            for future in concurrent.futures.as_completed(futures):
                future.result()  # raise a task's failure as soon as it is known
                done += months
                if progress is not None:
                    progress(done, total)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        outputs = [f.result() for f in futures]
    return _merge(
        outputs,
        groups_of_parts,
        layout=layout,
        population=population,
        services=services,
        groups=groups,
        minutes=minutes,
        hist_codes=hist_codes,
        first=first,
        months=months,
        seed=seed,
        params=params,
        keep_population=keep_population,
    )


def _merge(
    outputs: Sequence[_TaskResult],
    groups_of_parts: Sequence[Arr],
    *,
    layout: _Layout,
    population: Population,
    services: Sequence[Service],
    groups: tuple[str, ...],
    minutes: Arr,
    hist_codes: tuple[str, ...],
    first: pendulum.Date,
    months: int,
    seed: int,
    params: SimParams,
    keep_population: bool,
) -> SimResult:
    n_services = len(services)
    n_sites = len(layout.sites)
    # demand: sparse rows (month, site, service) summed over tasks
    keys_l, due_l, rec_l = [], [], []
    for out in outputs:
        nz = np.nonzero((out.due > 0) | (out.received > 0))
        m, slot, v = nz
        site = np.where(slot > 0, out.site_global[np.maximum(slot - 1, 0)], -1).astype(np.int64)
        keys_l.append((m.astype(np.int64) * (n_sites + 1) + site + 1) * n_services + v)
        due_l.append(out.due[nz])
        rec_l.append(out.received[nz])
    key = np.concatenate(keys_l) if keys_l else np.zeros(0, dtype=np.int64)
    uniq, inverse = np.unique(key, return_inverse=True)
    due = np.bincount(inverse, weights=np.concatenate(due_l), minlength=len(uniq))
    rec = np.bincount(inverse, weights=np.concatenate(rec_l), minlength=len(uniq))
    demand = np.zeros(len(uniq), dtype=DEMAND_DTYPE)
    v = uniq % n_services
    site = (uniq // n_services) % (n_sites + 1) - 1
    demand["month"] = uniq // n_services // (n_sites + 1)
    demand["site"] = site
    demand["service"] = v
    cluster = np.array([int(s.cluster) for s in services], dtype=np.int8)[v]
    moved = [i for i, f in enumerate(layout.sites) if f.cluster_overrides]
    for i in moved:
        at = np.flatnonzero(site == i)
        overrides = layout.sites[i].cluster_overrides
        cluster[at] = [int(cluster_of(services[j], overrides)) for j in v[at].tolist()]
    demand["cluster"] = cluster
    demand["due"] = np.rint(due).astype(np.int64)
    demand["received"] = np.rint(rec).astype(np.int64)
    demand["missed"] = demand["due"] - demand["received"]
    demand["minutes"] = demand["received"] * minutes[v]
    demand = demand[np.lexsort((demand["service"], demand["cluster"], site, demand["month"]))]

    # coverage per desa and group
    cover = np.concatenate([o.cover for o in outputs], axis=1)
    g = len(groups)
    ckey = (cover[0] + 1) * g + cover[1]
    cuniq, cinv = np.unique(ckey, return_inverse=True)
    coverage = np.zeros(len(cuniq), dtype=COVERAGE_DTYPE)
    coverage["desa"] = cuniq // g - 1
    coverage["group"] = cuniq % g
    coverage["due"] = np.bincount(cinv, weights=cover[2], minlength=len(cuniq))
    coverage["received"] = np.bincount(cinv, weights=cover[3], minlength=len(cuniq))

    # people and partitions, partitions in network order
    n_parts = len(layout.partitions)
    counts = np.zeros((n_parts, months, 4), dtype=np.int64)
    people_start = np.zeros(n_parts, dtype=np.int64)
    received = np.zeros(n_parts, dtype=np.int64)
    for members, out in zip(groups_of_parts, outputs, strict=True):
        counts[members] = out.counts
        people_start[members] = out.people_start
        received[members] = out.part_received
    people = np.zeros(months, dtype=PEOPLE_DTYPE)
    people["month"] = np.arange(months)
    total = counts.sum(axis=0)
    for j, name in enumerate(("alive_start", "births", "deaths", "alive_end")):
        people[name] = total[:, j]
    partitions = np.zeros(n_parts, dtype=PARTITION_DTYPE)
    partitions["puskesmas"] = layout.partitions
    partitions["people_start"] = people_start
    partitions["alive_start"] = counts[:, 0, 0]
    partitions["births"] = counts[:, :, 1].sum(axis=1)
    partitions["deaths"] = counts[:, :, 2].sum(axis=1)
    partitions["alive_end"] = counts[:, -1, 3]
    partitions["received"] = received

    final_pop = final_hist = final_families = None
    if keep_population:
        final_pop, final_hist, final_families = _merge_people(
            outputs, groups_of_parts, population, hist_codes
        )
    return SimResult(
        start=first,
        months=[from_day(_period(first.toordinal(), k)[0]) for k in range(months)],
        seed=seed,
        codes=[s.code for s in services],
        code_groups=[s.group for s in services],
        groups=groups,
        sites=[f.id for f in layout.sites],
        site_types=[SITE_TYPES[t] for t in layout.site_type.tolist()],
        site_puskesmas=layout.site_puskesmas.tolist(),
        desas=layout.desas,
        demand=demand,
        coverage=coverage,
        people=people,
        partitions=partitions,
        params=params,
        population=final_pop,
        history=final_hist,
        households=final_families,
        seconds=[o.seconds for o in outputs],
    )


def _merge_people(
    outputs: Sequence[_TaskResult],
    groups_of_parts: Sequence[Arr],
    population: Population,
    hist_codes: tuple[str, ...],
) -> tuple[Population, History, npt.NDArray[np.int32] | None]:
    """The tasks' people in one population: partitions in network order, each in its own order."""
    columns: dict[str, list[Arr]] = {}
    preg: dict[str, list[Arr]] = {}
    person_l, code_l, day_l = [], [], []
    part_l, lid_l = [], []
    family_l = []
    offset = 0
    for members, out in zip(groups_of_parts, outputs, strict=True):
        assert out.columns is not None
        assert out.preg is not None
        assert out.records is not None
        for name, col in out.columns.items():
            columns.setdefault(name, []).append(col)
        for name, col in out.preg.items():
            preg.setdefault(name, []).append(col + offset if name == "person" else col)
        p, c, d = out.records
        person_l.append(p + offset)
        code_l.append(c)
        day_l.append(d)
        part_l.append(np.asarray(members)[out.part])
        lid_l.append(out.lid)
        if out.households is not None:
            family_l.append(out.households)
        offset += len(out.part)
    order = np.lexsort((np.concatenate(lid_l), np.concatenate(part_l)))
    new = np.empty(len(order), dtype=np.int64)
    new[order] = np.arange(len(order))
    cols = {name: np.concatenate(parts)[order] for name, parts in columns.items()}
    extra = {
        f.name: getattr(population, f.name)
        for f in attrs.fields(Population)
        if f.init and f.name not in cols and not f.name.startswith("preg_")
    }
    pg = {name: np.concatenate(parts) for name, parts in preg.items()}
    person = new[pg["person"]]
    porder = np.lexsort((pg["lmp"], person))
    final = Population(
        **cols,
        **extra,
        preg_person=person[porder].astype(np.int32),
        preg_lmp=pg["lmp"][porder],
        preg_edd=pg["edd"][porder],
        preg_delivery=pg["delivery"][porder],
        preg_outcome=pg["outcome"][porder],
        preg_in_facility=pg["in_facility"][porder],
    )
    rp = new[np.concatenate(person_l)]
    rc = np.concatenate(code_l)
    rd = np.concatenate(day_l)
    rorder = np.lexsort((rd, rp, rc))
    history = History(
        hist_codes,
        rp[rorder].astype(np.int32),
        rc[rorder],
        rd[rorder],
        len(final),
    )
    families = np.concatenate(family_l)[order] if family_l else None
    return final, history, families

"""Indicators as data: the closed vocabulary of indicator kinds and target groups.

An :class:`Indicator` says who is counted (its :class:`TargetGroup`), what
counts as served (its :class:`Requirement` list, or the kind's own rule),
its target, the regulation and effective dates it follows and its source.
The YAML format is in ``docs/monitoring.md``; the shipped file is
``ilp/pws/data/indicators.yaml``.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable

import attrs

from ilp._vocabulary import Label
from ilp.errors import MonitoringError
from ilp.people import Condition

__all__ = [
    "Assumptions",
    "Estimate",
    "EstimateMethod",
    "GroupKind",
    "Indicator",
    "IndicatorKind",
    "IndicatorSet",
    "Requirement",
    "TargetGroup",
    "Unit",
]


class IndicatorKind(enum.Enum):
    """How an indicator counts (the closed vocabulary of the indicator file)."""

    #: share of a target group served to a standard (a service, a set, a trimester spread)
    COVERAGE = "coverage"
    #: served in every calendar month while in the group (HT/DM control)
    MONTHLY = "monthly"
    #: served at least N times in the calendar year (weighing ≥ 8×, vitamin A 2×)
    COUNTS = "counts"
    #: (first dose − later dose) ÷ first dose, from doses given in the period
    DROPOUT = "dropout"
    #: a chain of coverage indicators (K1 → K6 → PN → KF → KN)
    CONTINUUM = "continuum"
    #: growth monitoring ratios (D/S, N/D)
    SKDN = "skdn"
    #: share of desa whose complete basic immunisation reaches a threshold
    UCI = "uci"

    @property
    def accumulates(self) -> bool:
        """True when the cumulative value grows through the year (target line pro rata)."""
        return self in (IndicatorKind.COVERAGE, IndicatorKind.COUNTS, IndicatorKind.CONTINUUM)


class Unit(enum.Enum):
    """What one member of a target group is."""

    PERSON = "person"  #: a person
    PREGNANCY = "pregnancy"  #: one pregnancy of a woman (a woman may have two in a year)


class GroupKind(enum.Enum):
    """Who belongs to a target group (sasaran) of a calendar year."""

    #: pregnancies that end (delivery, else the expected date) in the year
    PREGNANCIES = "pregnancies"
    #: pregnancies delivered in the year (ibu bersalin, ibu nifas)
    DELIVERIES = "deliveries"
    #: people born in the year (live births, bayi baru lahir)
    LIVE_BIRTHS = "live_births"
    #: children whose first birthday falls in the year, alive on it (surviving infants)
    FIRST_BIRTHDAYS = "first_birthdays"
    #: people alive and within an age range at some time in the year
    AGE = "age"
    #: people with a condition (and within the age range) alive at some time in the year
    CONDITION = "condition"


class EstimateMethod(enum.Enum):
    """How a sasaran is estimated from the population (monitoring.md §1)."""

    CBR = "cbr"  #: factor × crude birth rate × population
    PREVALENCE = "prevalence"  #: prevalence × population within the age range


def _strs(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _requirements(value: Iterable[Requirement]) -> tuple[Requirement, ...]:
    return tuple(value)


@attrs.frozen
class TargetGroup:
    """A target group: its kind, an age range in completed months, a condition."""

    kind: GroupKind
    #: Youngest age in the group, in months (inclusive).
    from_months: int = 0
    #: Age at which people leave the group, in months (exclusive); None: no upper bound.
    to_months: int | None = None
    condition: Condition | None = None

    @property
    def unit(self) -> Unit:
        """Pregnancy groups count pregnancies; the others count persons."""
        if self.kind in (GroupKind.PREGNANCIES, GroupKind.DELIVERIES):
            return Unit.PREGNANCY
        return Unit.PERSON


@attrs.frozen
class Requirement:
    """Records that must exist: *min* records of any of *codes* in a window.

    ``trimester`` (1–3) counts only records in that trimester of the
    pregnancy (from the HPHT: weeks 0–12, >12–24, >24); ``from_day`` and
    ``to_day`` count only records that many days after the group's anchor
    (birth, or delivery for delivery groups), inclusive.
    """

    codes: tuple[str, ...] = attrs.field(converter=_strs)
    min: int = 1
    trimester: int | None = None
    from_day: int | None = None
    to_day: int | None = None


@attrs.frozen
class Estimate:
    """How the group's size is estimated: CBR × factor × population, or prevalence × population."""

    method: EstimateMethod
    factor: float = 1.0
    #: The prevalence parameter (a key of :attr:`Assumptions.prevalence`).
    parameter: str | None = None
    #: Only people at least this old (months) count in the population.
    from_months: int = 0


@attrs.frozen
class Indicator:
    """One indicator as the indicator file defines it."""

    id: str
    label: Label
    kind: IndicatorKind
    regulation: str
    source: str
    target: float
    group: TargetGroup | None = None
    requires: tuple[Requirement, ...] = attrs.field(default=(), converter=_requirements)
    #: Served means: delivered in a health facility (PN).
    in_facility: bool = False
    #: The requirements must be met before this age in months (IDL: 12).
    before_months: int | None = None
    #: Record codes of ``monthly`` and ``skdn`` indicators.
    codes: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    from_code: str | None = None
    to_code: str | None = None
    steps: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    #: ``D/S`` or ``N/D`` for SKDN indicators.
    measure: str | None = None
    #: The indicator a ``uci`` indicator reads (IDL).
    of: str | None = None
    estimate: Estimate | None = None
    #: The SPM service number (1–12), when the indicator is one.
    spm: int | None = None
    effective_from: _dt.date | None = None
    effective_before: _dt.date | None = None
    confirmed: bool = True
    note: str | None = None
    line: int | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def lower_is_better(self) -> bool:
        """Drop-out rates are good when low."""
        return self.kind is IndicatorKind.DROPOUT

    def in_force(self, day: _dt.date) -> bool:
        """True when the indicator's effective range holds *day*."""
        lo, hi = self.effective_from, self.effective_before
        return (lo is None or lo <= day) and (hi is None or day < hi)


def _indicators(value: Iterable[Indicator]) -> tuple[Indicator, ...]:
    return tuple(value)


@attrs.frozen
class IndicatorSet:
    """The indicators of one file, with lookups by id and date."""

    id: str
    title: Label
    edition: str
    indicators: tuple[Indicator, ...] = attrs.field(converter=_indicators)
    origin: str = "<memory>"

    def ids(self) -> tuple[str, ...]:
        """Every indicator id, in file order, each once."""
        return tuple(dict.fromkeys(i.id for i in self.indicators))

    def get(self, indicator_id: str, on: _dt.date) -> Indicator:
        """The version of *indicator_id* in force on *on*; unknown ids raise MonitoringError."""
        versions = [i for i in self.indicators if i.id == indicator_id]
        if not versions:
            known = ", ".join(self.ids())
            msg = f"indicator {indicator_id!r} is not defined (known: {known})"
            raise MonitoringError(msg, field="indicator", value=indicator_id)
        for i in versions:
            if i.in_force(on):
                return i
        msg = f"indicator {indicator_id!r} has no version in force on {on.isoformat()}"
        raise MonitoringError(msg, field="indicator", value=indicator_id)

    def in_force(self, on: _dt.date) -> tuple[Indicator, ...]:
        """One version of every indicator that has one in force on *on*."""
        return tuple(i for i in self.indicators if i.in_force(on))

    def spm(self, on: _dt.date) -> tuple[Indicator, ...]:
        """The SPM services in force on *on*, by service number."""
        return tuple(sorted((i for i in self.in_force(on) if i.spm), key=lambda i: i.spm or 0))


def _prevalence() -> dict[str, float]:
    return dict(DEFAULT_PREVALENCE)


#: Prevalence defaults (share of the population in the indicator's age range) [U].
DEFAULT_PREVALENCE = {
    # SKI 2023, measured hypertension 30.8 % at 18+ (demography.md §3a), applied from 15
    "hypertension": 0.308,
    # SKI 2023, diabetes by blood glucose 11.7 % at 15+ (demography.md §3a)
    "diabetes": 0.117,
    # Riskesdas 2018 re-analysis, psychosis 1.8 per 1,000 persons (demography.md §3b)
    "severe_mental_disorder": 0.0018,
    # WHO incidence about 385 per 100,000 (2023, [U]) as presumptive-TB sasaran
    "tuberculosis": 0.00385,
}


@attrs.frozen
class Assumptions:
    """The unconfirmed facts monitoring rests on, as parameters with documented defaults.

    Every value is [U] (unconfirmed) in ``shared/domain/monitoring.md`` and
    is printed with the results that use it.
    """

    #: Crude birth rate per person per year (WPP2024: 15.94 per 1,000 in 2023).
    cbr: float = 0.01594
    #: Prevalence by condition, applied to the indicator's age range.
    prevalence: dict[str, float] = attrs.field(factory=_prevalence)
    #: IDL coverage (%) at which a desa is UCI (sources say 80 or 85).
    uci_threshold: float = 80.0
    #: A counted sasaran that differs from the estimate by more than this share is flagged.
    flag_ratio: float = 0.2
    #: SKDN N: ``any_increase`` (weight above last month's) is the only rule implemented.
    skdn_gain: str = "any_increase"
    #: SKDN N/D base: ``D`` (every child weighed) or ``D-O-B`` (weighed last month too, not new).
    skdn_nd_base: str = "D"

    def __attrs_post_init__(self) -> None:
        for name in ("cbr", "flag_ratio"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                msg = f"{name}: {value!r} is not a non-negative number"
                raise MonitoringError(msg, field=name, value=value)
        if not 0 <= self.uci_threshold <= 100:
            msg = f"uci_threshold: {self.uci_threshold!r} is not a percentage"
            raise MonitoringError(msg, field="uci_threshold", value=self.uci_threshold)
        if self.skdn_nd_base not in ("D", "D-O-B"):
            msg = f"skdn_nd_base: {self.skdn_nd_base!r} is not 'D' or 'D-O-B'"
            raise MonitoringError(msg, field="skdn_nd_base", value=self.skdn_nd_base)
        if self.skdn_gain != "any_increase":
            msg = f"skdn_gain: {self.skdn_gain!r} is not 'any_increase'"
            raise MonitoringError(msg, field="skdn_gain", value=self.skdn_gain)

    def describe(self) -> list[dict[str, object]]:
        """Each assumption with its value, for the outputs that show them."""
        out: list[dict[str, object]] = [
            {"name": "cbr", "value": self.cbr, "note": "crude birth rate (WPP2024, 2023) [U]"},
            {"name": "uci_threshold", "value": self.uci_threshold, "note": "80 % vs 85 % [U]"},
            {"name": "flag_ratio", "value": self.flag_ratio, "note": "counted vs estimated"},
            {"name": "skdn_gain", "value": self.skdn_gain, "note": "N rule [U]"},
            {"name": "skdn_nd_base", "value": self.skdn_nd_base, "note": "N/D base [U]"},
        ]
        out += [
            {"name": f"prevalence.{k}", "value": v, "note": "estimated sasaran [U]"}
            for k, v in sorted(self.prevalence.items())
        ]
        return out

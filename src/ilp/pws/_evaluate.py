"""Indicators per area and month: frames grouped by any area level, PWS rows, SPM rows.

:func:`evaluate` binds a population, its history and a network to a year;
the :class:`Evaluation` it returns computes each indicator's frame once
(:mod:`ilp.pws._frames`) and groups it by any level on request.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from ilp.errors import MonitoringError
from ilp.network import AreaLevel, FacilityType, Network
from ilp.population import NO_DAY, History, Population
from ilp.population._calendar import add_months
from ilp.pws._frames import (
    AccFrame,
    DropFrame,
    MonthFrame,
    accumulating,
    dropout,
    month_starts,
    monthly,
)
from ilp.pws._loader import indicators as national_indicators
from ilp.pws._model import (
    Assumptions,
    EstimateMethod,
    Indicator,
    IndicatorKind,
    IndicatorSet,
)

if TYPE_CHECKING:
    from ilp.pws._tables import PwsTable, SpmTable

__all__ = ["Evaluation", "Level", "Status", "Values", "evaluate", "parse_month", "status_of"]

I64 = npt.NDArray[np.int64]


class Level(enum.Enum):
    """The area levels results are grouped by."""

    DUSUN = "dusun"  #: dusun/RW
    DESA = "desa"  #: desa/kelurahan
    PUSKESMAS = "puskesmas"  #: the Puskesmas's catchment (its kecamatan)
    KECAMATAN = "kecamatan"  #: kecamatan
    KABUPATEN = "kabupaten"  #: kabupaten/kota

    @classmethod
    def parse(cls, value: object) -> Level:
        """A level from its name; unknown names raise MonitoringError."""
        if isinstance(value, Level):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            known = ", ".join(v.value for v in cls)
            msg = f"level {value!r} is not an area level ({known})"
            raise MonitoringError(msg, field="level", value=value) from None


_AREA_LEVEL: Final = {
    Level.DUSUN: AreaLevel.DUSUN,
    Level.DESA: AreaLevel.DESA,
    Level.PUSKESMAS: AreaLevel.KECAMATAN,
    Level.KECAMATAN: AreaLevel.KECAMATAN,
    Level.KABUPATEN: AreaLevel.KABUPATEN,
}


class Status(enum.Enum):
    """The four PWS statuses (monitoring.md §3)."""

    BAIK = "baik"  #: at or above the target line, rising or flat
    KURANG = "kurang"  #: at or above the target line, falling
    CUKUP = "cukup"  #: below the target line, rising or flat
    JELEK = "jelek"  #: below the target line, falling


def status_of(
    cumulative: float | None,
    line: float,
    this_month: float | None,
    last_month: float | None,
    *,
    lower_is_better: bool = False,
) -> Status | None:
    """The PWS status: cumulative % against the target line, this month's % against last month's.

    No cumulative value gives None; no value for one of the months counts as flat.
    For drop-out rates (lower is better) "above the line" means at or below it
    and "rising" means the rate falls.
    """
    if cumulative is None:
        return None
    sign = -1.0 if lower_is_better else 1.0
    above = sign * cumulative >= sign * line
    falling = (
        this_month is not None and last_month is not None and sign * this_month < sign * last_month
    )
    if above:
        return Status.KURANG if falling else Status.BAIK
    return Status.JELEK if falling else Status.CUKUP


def parse_month(value: object, *, field: str = "month") -> tuple[int, int]:
    """(year, month) from ``YYYY-MM``; anything else raises MonitoringError naming it."""
    text = str(value).strip()
    parts = text.split("-")
    ok = len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2
    ok = ok and parts[0].isdigit() and parts[1].isdigit() and 1 <= int(parts[1] or 0) <= 12
    if not ok or int(parts[0]) < 1900:
        msg = f"{field}: {value!r} is not a month YYYY-MM"
        raise MonitoringError(msg, field=field, value=value)
    return int(parts[0]), int(parts[1])


def _pct(num: float, den: float) -> float | None:
    return None if den == 0 else round(100.0 * num / den, 1)


@attrs.frozen(eq=False)
class Values:
    """One indicator grouped by area and month: arrays of shape (areas, 12).

    ``numerator``/``denominator`` are the month's, ``cumulative_*`` run from
    January. ``estimated`` is the estimated annual sasaran per area (None
    when the indicator has no estimate). ``steps`` holds the values of a
    continuum's steps.
    """

    indicator: Indicator
    level: Level
    areas: tuple[str, ...]
    numerator: I64
    denominator: I64
    cumulative_numerator: I64
    cumulative_denominator: I64
    estimated: I64 | None = None
    steps: tuple[Values, ...] = ()

    def percent(self, area: int, month: int, *, cumulative: bool = False) -> float | None:
        """The % of *area* (row) in *month* (0–11), or None with no denominator."""
        if cumulative:
            return _pct(
                float(self.cumulative_numerator[area, month]),
                float(self.cumulative_denominator[area, month]),
            )
        return _pct(float(self.numerator[area, month]), float(self.denominator[area, month]))

    def target_line(self, month: int) -> float:
        """The target line for *month* (0–11): target × month ÷ 12 when it accumulates."""
        t = self.indicator.target
        return round(t * (month + 1) / 12, 1) if self.indicator.kind.accumulates else t

    def negative(self) -> list[tuple[str, int]]:
        """(area, month) where a drop-out is negative: a data problem, reported as such."""
        bad = np.argwhere(self.cumulative_numerator < 0)
        return [(self.areas[int(a)], int(m)) for a, m in bad]


@attrs.frozen(eq=False)
class _Grouping:
    ids: tuple[str, ...]
    names: tuple[str, ...]
    #: Population area index → group row (-1: under no group of the level).
    of_area: I64


class Evaluation:
    """Indicators of one population, history and network for one calendar year.

    Build with :func:`evaluate`. Frames are computed once per indicator and
    grouped by any level on request; results are cached.
    """

    def __init__(
        self,
        population: Population,
        history: History,
        network: Network,
        year: int,
        *,
        indicators: IndicatorSet,
        assumptions: Assumptions,
        values: npt.NDArray[np.float64] | None,
    ) -> None:
        self.population = population
        self.history = history
        self.network = network
        self.year = year
        self.indicators = indicators
        self.assumptions = assumptions
        self.weights = values
        self.starts = month_starts(year)
        self._frames: dict[str, Any] = {}
        self._groupings: dict[Level, _Grouping] = {}
        self._values: dict[tuple[str, Level], Values] = {}
        self._alive: dict[int, I64] = {}

    def __repr__(self) -> str:
        return f"Evaluation({len(self.population)} people, {self.year})"

    # -- lookups ---------------------------------------------------------------------------

    def indicator(self, indicator_id: str) -> Indicator:
        """The version of *indicator_id* in force at the end of the year."""
        return self.indicators.get(indicator_id, _dt.date(self.year, 12, 31))

    def grouping(self, level: Level | str) -> _Grouping:
        """Areas of *level* (network order) and the group of each population area."""
        lv = Level.parse(level)
        found = self._groupings.get(lv)
        if found is not None:
            return found
        net = self.network
        target = _AREA_LEVEL[lv]
        if lv is Level.PUSKESMAS:
            pkm = net.of_type(FacilityType.PUSKESMAS)
            ids = tuple(f.id for f in pkm)
            names = tuple(f.name for f in pkm)
            row_of: dict[str, int] = {}
            for i, f in enumerate(pkm):
                for a in net.ancestors(f.area):
                    if a.level == target:
                        row_of.setdefault(a.id, i)
        else:
            areas = [a for a in net.areas if a.level == target]
            ids = tuple(a.id for a in areas)
            names = tuple(a.name for a in areas)
            row_of = {a: i for i, a in enumerate(ids)}
        of_area = np.full(len(self.population.areas), -1, dtype=np.int64)
        for k, area_id in enumerate(self.population.areas):
            for a in net.ancestors(area_id):
                if a.level == target and a.id in row_of:
                    of_area[k] = row_of[a.id]
                    break
        g = _Grouping(ids, names, of_area)
        self._groupings[lv] = g
        return g

    # -- frames ----------------------------------------------------------------------------

    def frame(self, indicator: Indicator) -> Any:
        """The indicator's frame (computed once)."""
        found = self._frames.get(indicator.id)
        if found is None:
            kind = indicator.kind
            pop, hist = self.population, self.history
            if kind in (IndicatorKind.COVERAGE, IndicatorKind.COUNTS):
                found = accumulating(indicator, pop, hist, self.starts)
            elif kind in (IndicatorKind.MONTHLY, IndicatorKind.SKDN):
                found = monthly(indicator, pop, hist, self.starts, self.weights)
            elif kind is IndicatorKind.DROPOUT:
                found = dropout(indicator, pop, hist, self.starts)
            else:
                msg = f"indicator {indicator.id!r} of kind {kind.value} has no frame"
                raise MonitoringError(msg, field="indicator", value=indicator.id)
            self._frames[indicator.id] = found
        return found

    # -- values ----------------------------------------------------------------------------

    def values(self, indicator_id: str, level: Level | str = Level.DESA) -> Values:
        """*indicator_id* grouped by the areas of *level* and by month."""
        lv = Level.parse(level)
        key = (indicator_id, lv)
        found = self._values.get(key)
        if found is None:
            found = self._compute(self.indicator(indicator_id), lv)
            self._values[key] = found
        return found

    def _compute(self, ind: Indicator, lv: Level) -> Values:
        g = self.grouping(lv)
        size = len(g.ids)
        kind = ind.kind
        if kind is IndicatorKind.CONTINUUM:
            steps = tuple(self.values(s, lv) for s in ind.steps)
            first, last = steps[0], steps[-1]
            return Values(
                ind,
                lv,
                g.ids,
                last.numerator,
                first.numerator,
                last.cumulative_numerator,
                first.cumulative_numerator,
                None,
                steps,
            )
        if kind is IndicatorKind.UCI:
            return self._uci(ind, lv)
        frame = self.frame(ind)
        if isinstance(frame, AccFrame):
            num, den, cnum, cden = _acc(frame, g.of_area, size)
        elif isinstance(frame, MonthFrame):
            num, den, cnum, cden = self._month_values(ind, frame, g.of_area, size)
        else:
            num, den, cnum, cden = _drop(frame, g.of_area, size)
        est = self._estimate(ind, g, size)
        return Values(ind, lv, g.ids, num, den, cnum, cden, est)

    def _month_values(
        self, ind: Indicator, f: MonthFrame, of_area: I64, size: int
    ) -> tuple[I64, I64, I64, I64]:
        grp = _rows(of_area, f.area)
        keep = grp >= 0
        grp = grp[keep]
        inside, served = f.inside[keep], f.served[keep]
        if ind.kind is IndicatorKind.MONTHLY:
            den = _sum_by(grp, inside, size)
            num = _sum_by(grp, inside & served, size)
            # cumulative: in the group in some month so far, and served in every such month
            seen = np.logical_or.accumulate(inside, axis=1)
            missed = np.logical_or.accumulate(inside & ~served, axis=1)
            return num, den, _sum_by(grp, seen & ~missed, size), _sum_by(grp, seen, size)
        if ind.measure == "D/S":
            den = _sum_by(grp, inside, size)
            num = _sum_by(grp, served, size)
        else:  # N/D
            if f.gained is None:
                zero = np.zeros((size, 12), dtype=np.int64)
                return zero, zero.copy(), zero.copy(), zero.copy()
            base = served if self.assumptions.skdn_nd_base == "D" else served & f.before[keep]  # type: ignore[index]
            den = _sum_by(grp, base, size)
            num = _sum_by(grp, f.gained[keep] & base, size)
        return num, den, np.cumsum(num, axis=1), np.cumsum(den, axis=1)

    def _uci(self, ind: Indicator, lv: Level) -> Values:
        idl = self.values(ind.of or "IDL", Level.DESA)
        desa = self.grouping(Level.DESA)
        g = self.grouping(lv)
        thr = self.assumptions.uci_threshold
        line = np.array([thr * (m + 1) / 12 for m in range(12)])
        cn, cd = idl.cumulative_numerator, idl.cumulative_denominator
        with np.errstate(invalid="ignore", divide="ignore"):
            pct = np.where(cd > 0, 100.0 * cn / np.maximum(cd, 1), -1.0)
        uci = (cd > 0) & (pct >= line[None, :] - 1e-9)
        # each desa's row at the level asked
        up = np.full(len(desa.ids), -1, dtype=np.int64)
        index = {a: i for i, a in enumerate(g.ids)}
        pkm_of: dict[str, int] = {}
        if lv is Level.PUSKESMAS:
            for i, f in enumerate(self.network.of_type(FacilityType.PUSKESMAS)):
                for a in self.network.ancestors(f.area):
                    pkm_of.setdefault(a.id, i)
        for k, d in enumerate(desa.ids):
            for a in self.network.ancestors(d):
                row = pkm_of.get(a.id) if lv is Level.PUSKESMAS else index.get(a.id)
                if row is not None:
                    up[k] = row
                    break
        size = len(g.ids)
        keep = up >= 0
        num = _sum_by(up[keep], uci[keep], size)
        den = _sum_by(up[keep], np.ones_like(uci[keep]), size)
        return Values(ind, lv, g.ids, num, den, num.copy(), den.copy(), None)

    def _estimate(self, ind: Indicator, g: _Grouping, size: int) -> I64 | None:
        est = ind.estimate
        if est is None:
            return None
        alive = self._alive_jan1(est.from_months)
        pop = np.bincount(
            np.maximum(g.of_area[alive], 0), weights=(g.of_area[alive] >= 0), minlength=size
        )
        if est.method is EstimateMethod.CBR:
            raw = pop * self.assumptions.cbr * est.factor
        else:
            prev = self.assumptions.prevalence.get(est.parameter or "")
            if prev is None:
                msg = f"indicator {ind.id!r}: no prevalence parameter {est.parameter!r}"
                raise MonitoringError(msg, field="prevalence", value=est.parameter)
            raw = pop * prev
        out: I64 = np.ceil(np.round(raw, 6)).astype(np.int64)
        return out

    def _alive_jan1(self, from_months: int) -> I64:
        """The area index of each person alive on 1 January and at least *from_months* old."""
        found = self._alive.get(from_months)
        if found is None:
            p = self.population
            jan1 = int(self.starts[0])
            birth = p.birth.astype(np.int64)
            ok = (birth <= jan1) & ((p.death == NO_DAY) | (p.death > jan1)) & (p.residence >= 0)
            if from_months:
                rows = np.flatnonzero(ok)
                ok[rows] = add_months(birth[rows], from_months) <= jan1
            found = p.residence[ok].astype(np.int64)
            self._alive[from_months] = found
        return found

    # -- tables ----------------------------------------------------------------------------

    def pws(
        self,
        indicator_id: str,
        month: int,
        *,
        level: Level | str = Level.DESA,
        denominator: str = "counted",
    ) -> PwsTable:
        """The PWS table of *indicator_id* for *month* (1–12) of the year, per area of *level*."""
        from ilp.pws._tables import pws_table  # noqa: PLC0415 - tables import this module

        return pws_table(self, indicator_id, month, Level.parse(level), denominator)

    def spm(self, through: int = 12, *, levels: Iterable[Level | str] = (Level.DESA,)) -> SpmTable:
        """The 12 SPM services from January to month *through*, per area of each of *levels*."""
        from ilp.pws._tables import spm_table  # noqa: PLC0415

        return spm_table(self, through, tuple(Level.parse(v) for v in levels))


def _rows(of_area: I64, area: I64) -> I64:
    out: I64 = np.where(area >= 0, of_area[np.maximum(area, 0)], -1)
    return out


def _sum_by(grp: I64, flags: npt.NDArray[Any], size: int) -> I64:
    """Per group row and month, the number of true flags (flags: units × 12)."""
    if flags.ndim == 1:
        return np.bincount(grp, weights=flags, minlength=size).astype(np.int64)
    key = (grp[:, None] * 12 + np.arange(12)[None, :])[flags]
    out: I64 = np.bincount(key, minlength=size * 12).reshape(size, 12).astype(np.int64)
    return out


def _by_month(grp: I64, month: I64, size: int) -> I64:
    keep = (grp >= 0) & (month >= 0) & (month < 12)
    key = grp[keep] * 12 + month[keep]
    out: I64 = np.bincount(key, minlength=size * 12).reshape(size, 12).astype(np.int64)
    return out


def _acc(f: AccFrame, of_area: I64, size: int) -> tuple[I64, I64, I64, I64]:
    grp = _rows(of_area, f.area)
    num = _by_month(grp, f.done, size)
    cum_den = np.cumsum(_by_month(grp, f.enter, size), axis=1)
    return num, cum_den, np.cumsum(num, axis=1), cum_den.copy()


def _drop(f: DropFrame, of_area: I64, size: int) -> tuple[I64, I64, I64, I64]:
    a = _by_month(_rows(of_area, f.first_area), f.first_month, size)
    b = _by_month(_rows(of_area, f.second_area), f.second_month, size)
    ca, cb = np.cumsum(a, axis=1), np.cumsum(b, axis=1)
    return a - b, a, ca - cb, ca


def evaluate(
    population: Population,
    history: History,
    network: Network,
    *,
    year: int,
    indicators: IndicatorSet | None = None,
    assumptions: Assumptions | None = None,
    weights: npt.NDArray[np.float64] | None = None,
) -> Evaluation:
    """Bind *population*, *history* and *network* to a calendar *year* for indicators.

    *weights* (one float per history record, NaN for none) are the
    measured values SKDN's N needs. Every residence of the population
    must be an area of the network (else :class:`~ilp.errors.MonitoringError`).
    """
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        msg = f"year: {year!r} is not a calendar year"
        raise MonitoringError(msg, field="year", value=year)
    if len(history) and history.persons != len(population):
        msg = f"the history is for {history.persons} people, the population has {len(population)}"
        raise MonitoringError(msg, field="history", value=history.persons)
    for area in population.areas:
        if not network.has_area(area):
            msg = f"residence {area!r} is not an area of the network {network.id!r}"
            raise MonitoringError(msg, field="residence", value=area)
    if weights is not None and len(weights) != len(history):
        msg = f"weights: {len(weights)} values for {len(history)} records"
        raise MonitoringError(msg, field="weights", value=len(weights))
    return Evaluation(
        population,
        history,
        network,
        year,
        indicators=indicators or national_indicators(),
        assumptions=assumptions or Assumptions(),
        values=weights,
    )

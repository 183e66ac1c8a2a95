"""PWS and SPM tables: rows per area, JSON shapes of ``ilp pws`` / ``ilp spm``, frames, HTML."""

from __future__ import annotations

import html
import importlib
from typing import TYPE_CHECKING, Any

import attrs

from ilp.errors import MonitoringError
from ilp.pws._evaluate import Level, Status, Values, status_of
from ilp.pws._model import Indicator

if TYPE_CHECKING:
    from ilp.pws._evaluate import Evaluation

__all__ = ["PwsRow", "PwsTable", "SpmRow", "SpmTable", "pws_table", "spm_table"]


def _pct(num: int, den: int) -> float | None:
    return None if den == 0 else round(100.0 * num / den, 1)


def _frame(rows: list[dict[str, Any]]) -> Any:
    try:
        pd = importlib.import_module("pandas")  # an optional extra, imported on use
    except ImportError:  # pragma: no cover - pandas is in the dev extra
        msg = "to_frame needs pandas: pip install 'ilp[frames]'"
        raise MonitoringError(msg, field="pandas", value=None) from None
    return pd.DataFrame(rows)


def _html_table(rows: list[dict[str, Any]], caption: str) -> str:
    if not rows:
        return f"<p>{html.escape(caption)}: no rows</p>"
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in rows[0])
    body = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in r.values())
        + "</tr>"
        for r in rows
    )
    return (
        f"<table><caption>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


@attrs.frozen
class PwsRow:
    """One area's PWS line for a month."""

    area: str
    name: str
    level: Level
    numerator: int
    denominator: int
    percent: float | None
    cumulative_numerator: int
    cumulative_denominator: int
    cumulative_percent: float | None
    previous_percent: float | None
    status: Status | None
    #: ``naik`` (rising), ``turun`` (falling) or ``tetap`` (flat or unknown).
    trend: str
    #: The counted sasaran differs from the estimate by more than the flag ratio.
    flagged: bool = False
    estimated: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The row as ``ilp pws --format json`` prints it."""
        return {
            "area": self.area,
            "level": self.level.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "percent": self.percent,
            "cumulative_numerator": self.cumulative_numerator,
            "cumulative_denominator": self.cumulative_denominator,
            "cumulative_percent": self.cumulative_percent,
            "previous_percent": self.previous_percent,
            "status": None if self.status is None else self.status.value,
        }


@attrs.frozen
class PwsTable:
    """The PWS of one indicator and month: a row per area, the target and its line."""

    indicator: Indicator
    year: int
    month: int
    target_line: float
    rows: tuple[PwsRow, ...]
    values: Values = attrs.field(repr=False)
    denominator: str = "counted"

    @property
    def month_text(self) -> str:
        """``YYYY-MM``."""
        return f"{self.year:04d}-{self.month:02d}"

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ilp pws`` (a contract: see docs/monitoring.md)."""
        return {
            "indicator": self.indicator.id,
            "month": self.month_text,
            "target": self.indicator.target,
            "target_line": self.target_line,
            "rows": [r.as_dict() for r in self.rows],
        }

    def sorted_rows(self) -> list[PwsRow]:
        """Rows from the highest cumulative % to the lowest (the PWS chart's order)."""
        sign = 1 if self.indicator.lower_is_better else -1
        return sorted(
            self.rows,
            key=lambda r: (r.cumulative_percent is None, sign * (r.cumulative_percent or 0)),
        )

    def to_frame(self) -> Any:
        """The rows as a pandas DataFrame (needs ``ilp[frames]``)."""
        return _frame(
            [
                {"name": r.name, **r.as_dict(), "trend": r.trend, "estimated": r.estimated}
                for r in self.rows
            ]
        )

    def _repr_html_(self) -> str:
        rows = [
            {
                "area": r.name,
                "%": r.percent,
                "previous %": r.previous_percent,
                "cumulative %": r.cumulative_percent,
                "target line": self.target_line,
                "status": r.status.value if r.status else None,
            }
            for r in self.sorted_rows()
        ]
        return _html_table(rows, f"PWS {self.indicator.id} {self.month_text}")


@attrs.frozen
class SpmRow:
    """One SPM service in one area from January to the month reported."""

    service: int
    indicator: str
    area: str
    name: str
    level: Level
    sasaran: int
    sasaran_estimated: int | None
    served: int
    percent: float | None
    #: People in the sasaran not served to standard (counted sasaran minus served).
    gap: int
    #: The counted sasaran differs from the estimate by more than the flag ratio.
    flagged: bool

    def as_dict(self) -> dict[str, Any]:
        """The row as ``ilp spm --format json`` prints it."""
        return {
            "service": self.service,
            "area": self.area,
            "level": self.level.value,
            "sasaran": self.sasaran,
            "sasaran_estimated": self.sasaran_estimated,
            "served": self.served,
            "percent": self.percent,
        }


@attrs.frozen
class SpmTable:
    """SPM achievement of the 12 services, per area, for a year or year to date."""

    year: int
    through: int
    rows: tuple[SpmRow, ...]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ilp spm`` (a contract: see docs/monitoring.md)."""
        return {
            "year": self.year,
            "through": f"{self.year:04d}-{self.through:02d}",
            "rows": [r.as_dict() for r in self.rows],
        }

    def to_frame(self) -> Any:
        """The rows as a pandas DataFrame (needs ``ilp[frames]``)."""
        return _frame(
            [
                {**r.as_dict(), "indicator": r.indicator, "name": r.name, "gap": r.gap}
                for r in self.rows
            ]
        )

    def _repr_html_(self) -> str:
        rows = [
            {
                "SPM": r.service,
                "area": r.name,
                "sasaran": r.sasaran,
                "estimated": r.sasaran_estimated,
                "served": r.served,
                "%": r.percent,
                "gap": r.gap,
            }
            for r in self.rows
        ]
        return _html_table(rows, f"SPM {self.year} to {self.through:02d}")


def _flagged(counted: int, estimated: int | None, ratio: float) -> bool:
    return estimated is not None and estimated > 0 and abs(counted - estimated) > ratio * estimated


def _trend(this: float | None, last: float | None) -> str:
    if this is None or last is None or this == last:
        return "tetap"
    return "naik" if this > last else "turun"


def pws_table(
    ev: Evaluation, indicator_id: str, month: int, level: Level, denominator: str
) -> PwsTable:
    """The PWS table (see :meth:`Evaluation.pws`)."""
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        msg = f"month: {month!r} is not a month 1-12"
        raise MonitoringError(msg, field="month", value=month)
    if denominator not in ("counted", "estimated"):
        msg = f"denominator: {denominator!r} is not 'counted' or 'estimated'"
        raise MonitoringError(msg, field="denominator", value=denominator)
    v = ev.values(indicator_id, level)
    ind = v.indicator
    m = month - 1
    names = ev.grouping(level).names
    use_est = denominator == "estimated" and v.estimated is not None and ind.kind.accumulates
    rows = []
    for a, area in enumerate(v.areas):
        num, cnum = int(v.numerator[a, m]), int(v.cumulative_numerator[a, m])
        est = None if v.estimated is None else int(v.estimated[a])
        if use_est:
            den = cden = prev_den = est or 0
        else:
            den, cden = int(v.denominator[a, m]), int(v.cumulative_denominator[a, m])
            prev_den = int(v.denominator[a, m - 1]) if m else 0
        pct = _pct(num, den)
        prev = _pct(int(v.numerator[a, m - 1]), prev_den) if m else None
        cpct = _pct(cnum, cden)
        line = v.target_line(m)
        rows.append(
            PwsRow(
                area,
                names[a],
                level,
                num,
                den,
                pct,
                cnum,
                cden,
                cpct,
                prev,
                status_of(cpct, line, pct, prev, lower_is_better=ind.lower_is_better),
                _trend(pct, prev),
                _flagged(int(v.cumulative_denominator[a, 11]), est, ev.assumptions.flag_ratio)
                if ind.kind.accumulates
                else False,
                est,
            )
        )
    return PwsTable(ind, ev.year, month, v.target_line(m), tuple(rows), v, denominator)


def spm_table(ev: Evaluation, through: int, levels: tuple[Level, ...]) -> SpmTable:
    """The SPM table (see :meth:`Evaluation.spm`)."""
    if isinstance(through, bool) or not isinstance(through, int) or not 1 <= through <= 12:
        msg = f"through: {through!r} is not a month 1-12"
        raise MonitoringError(msg, field="through", value=through)
    import datetime as _dt  # noqa: PLC0415

    on = _dt.date(ev.year, through, 1)
    services = [i for i in ev.indicators.in_force(on) if i.spm]
    services.sort(key=lambda i: i.spm or 0)
    m = through - 1
    rows = []
    for ind in services:
        for level in levels:
            v = ev.values(ind.id, level)
            names = ev.grouping(level).names
            for a, area in enumerate(v.areas):
                sasaran = int(v.cumulative_denominator[a, m])
                served = int(v.cumulative_numerator[a, m])
                est = None if v.estimated is None else int(v.estimated[a])
                rows.append(
                    SpmRow(
                        ind.spm or 0,
                        ind.id,
                        area,
                        names[a],
                        level,
                        sasaran,
                        est,
                        served,
                        _pct(served, sasaran),
                        max(sasaran - served, 0),
                        _flagged(sasaran, est, ev.assumptions.flag_ratio),
                    )
                )
    return SpmTable(ev.year, through, tuple(rows))

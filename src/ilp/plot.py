"""Figures for populations and simulations (extra ``ilp[plot]``: matplotlib).

Each function returns a :class:`matplotlib.figure.Figure` and draws on a new
one unless given ``ax``; nothing is shown or saved here. matplotlib is
imported only when a function is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pendulum

from ilp._extras import require
from ilp.errors import PopulationError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ilp.population import Population, SimResult

__all__ = ["coverage_per_desa", "demand_per_cluster", "population_pyramid"]


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    plt = require("matplotlib.pyplot", "plot", feature="ilp.plot")
    if ax is not None:
        fig = ax.figure
        return fig, ax  # type: ignore[return-value]
    fig, new = plt.subplots(figsize=size)
    return fig, new


def population_pyramid(
    population: Population, on: pendulum.Date | str, *, ax: Axes | None = None, band: int = 5
) -> Figure:
    """Women to the right, men to the left, by *band*-year age group on date *on* (living only)."""
    from ilp.dates import as_date  # noqa: PLC0415

    if band < 1:
        raise PopulationError(
            f"band: {band!r} is not a number of years >= 1", field="band", value=band
        )
    d = as_date(on, field="on").toordinal()
    alive = (population.birth <= d) & (population.death > d)
    years = ((d - population.birth[alive]) // 365.2425).astype(np.int64)
    groups = np.minimum(years // band, 100 // band)
    n = int(groups.max()) + 1 if groups.size else 1
    sex = population.sex[alive]
    women = np.bincount(groups[sex == 0], minlength=n)
    men = np.bincount(groups[sex == 1], minlength=n)
    fig, a = _axes(ax, (6, 6))
    y = np.arange(n)
    a.barh(y, -men, color="#4c72b0", label="laki-laki / men")
    a.barh(y, women, color="#dd8452", label="perempuan / women")
    a.set_yticks(y, [f"{g * band}-{g * band + band - 1}" for g in range(n)])
    a.set_xlabel("people")
    a.set_title(f"Population on {as_date(on, field='on')}")
    a.legend(loc="upper right")
    return fig


def demand_per_cluster(
    result: SimResult, *, ax: Axes | None = None, received: bool = False
) -> Figure:
    """Items due (or received) per month, stacked by Puskesmas cluster."""
    d = result.demand
    column = "received" if received else "due"
    months = len(result.months)
    fig, a = _axes(ax, (8, 4))
    bottom = np.zeros(months)
    for cluster in sorted({int(c) for c in d["cluster"]}):
        sel = d["cluster"] == cluster
        counts = np.bincount(d["month"][sel], weights=d[column][sel], minlength=months)
        a.bar(range(months), counts, bottom=bottom, label=f"cluster {cluster}")
        bottom += counts
    a.set_xticks(range(months), [m.format("YYYY-MM") for m in result.months], rotation=45)
    a.set_ylabel(f"items {column}")
    a.legend()
    fig.tight_layout()
    return fig


def coverage_per_desa(result: SimResult, group: str, *, ax: Axes | None = None) -> Figure:
    """SPM-style coverage (people served / people in need) of one service *group* per desa."""
    if group not in result.groups:
        known = ", ".join(result.groups)
        raise PopulationError(f"group: {group!r} is not one of {known}", field="group", value=group)
    g = result.groups.index(group)
    cov = result.coverage
    rate = result.coverage_rate()
    sel = (cov["group"] == g) & (cov["desa"] >= 0)
    names: list[Any] = [result.desas[i] for i in cov["desa"][sel]]
    fig, a = _axes(ax, (7, 0.4 * max(len(names), 3) + 1))
    a.barh(range(len(names)), 100 * rate[sel], color="#55a868")
    a.set_yticks(range(len(names)), names)
    a.set_xlim(0, 100)
    a.set_xlabel(f"{group}: % of people in need served")
    fig.tight_layout()
    return fig

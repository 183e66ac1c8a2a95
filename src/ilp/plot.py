"""Figures for populations, simulations and PWS tables (extra ``ilp[plot]``: matplotlib).

Each function returns a :class:`matplotlib.figure.Figure` and draws on a new
one unless given ``ax``; nothing is shown or saved here (``fig.savefig(
"chart.png")`` exports one). Every chart carries a title with its period,
axis units, and names rather than ids (desa names from the *network*,
cluster names), in Indonesian (``lang="id"``) or English (``"en"``).
matplotlib is imported only when a function is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pendulum

from ilp._extras import require
from ilp._vocabulary import Cluster
from ilp.errors import PopulationError

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ilp.network import Network
    from ilp.population import Population, SimResult
    from ilp.pws import PwsTable

__all__ = ["coverage_per_desa", "demand_per_cluster", "population_pyramid", "pws_chart"]

_TEXT: Final = {
    "id": {
        "men": "laki-laki",
        "women": "perempuan",
        "people": "jumlah penduduk (orang)",
        "age": "kelompok umur (tahun)",
        "pyramid": "Piramida penduduk, {on}",
        "items": "layanan dibutuhkan (jumlah)",
        "received_items": "layanan diterima (jumlah)",
        "demand": "Kebutuhan layanan per klaster, {start} s.d. {end}",
        "received": "Layanan diterima per klaster, {start} s.d. {end}",
        "new": "baru bulan ini",
        "backlog": "tunggakan bulan sebelumnya",
        "coverage": "Cakupan {group} per desa, {start} s.d. {end}",
        "served": "% orang yang membutuhkan yang dilayani",
        "pws": "{id}: {label}, kumulatif s.d. {month}",
        "cumulative": "cakupan kumulatif (%)",
        "target_line": "garis target {value:g} %",
        "total": "Total",
    },
    "en": {
        "men": "men",
        "women": "women",
        "people": "people",
        "age": "age group (years)",
        "pyramid": "Population pyramid, {on}",
        "items": "items due",
        "received_items": "items received",
        "demand": "Services in demand per cluster, {start} to {end}",
        "received": "Services received per cluster, {start} to {end}",
        "new": "new this month",
        "backlog": "carried over",
        "coverage": "{group} coverage per desa, {start} to {end}",
        "served": "% of people in need served",
        "pws": "{id}: {label}, cumulative to {month}",
        "cumulative": "cumulative coverage (%)",
        "target_line": "target line {value:g} %",
        "total": "Total",
    },
}
_STATUS_COLOURS: Final = {
    "baik": "#2e7d32",
    "kurang": "#f9a825",
    "cukup": "#ef6c00",
    "jelek": "#c62828",
    None: "#9e9e9e",
}


def _text(lang: str) -> dict[str, str]:
    if lang not in _TEXT:
        msg = f"lang: {lang!r} is not 'id' or 'en'"
        raise PopulationError(msg, field="lang", value=lang)
    return _TEXT[lang]


def _axes(ax: Axes | None, size: tuple[float, float]) -> tuple[Figure, Axes]:
    plt = require("matplotlib.pyplot", "plot", feature="ilp.plot")
    if ax is not None:
        fig = ax.figure
        return fig, ax  # type: ignore[return-value]
    fig, new = plt.subplots(figsize=size)
    return fig, new


def population_pyramid(
    population: Population,
    on: pendulum.Date | str,
    *,
    ax: Axes | None = None,
    band: int = 5,
    lang: str = "id",
) -> Figure:
    """Women to the right, men to the left, by *band*-year age group on date *on* (living only)."""
    from ilp.dates import as_date  # noqa: PLC0415

    t = _text(lang)
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
    a.barh(y, -men, color="#4c72b0", label=t["men"])
    a.barh(y, women, color="#dd8452", label=t["women"])
    a.set_yticks(y, [f"{g * band}-{g * band + band - 1}" for g in range(n)])
    a.set_xlabel(t["people"])
    a.set_ylabel(t["age"])
    a.set_title(t["pyramid"].format(on=as_date(on, field="on").isoformat()))
    a.legend(loc="upper right")
    return fig


def _backlog(result: SimResult, column: str) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Per demand row: items carried over from last month (missed then, due again) and new ones."""
    d = result.demand
    due = d[column].astype(np.float64)
    carried = np.zeros(len(d))
    if column == "due" and len(d):
        key = (d["site"].astype(np.int64) * 8 + d["cluster"]) * 100_000 + d["service"]
        # last month's missed items of the same site, cluster and service
        prev = {
            (int(k), int(m)): float(x)
            for k, m, x in zip(key.tolist(), d["month"].tolist(), d["missed"].tolist(), strict=True)
        }
        carried = np.array(
            [
                prev.get((int(k), int(m) - 1), 0.0)
                for k, m in zip(key.tolist(), d["month"].tolist(), strict=True)
            ]
        )
        carried = np.minimum(carried, due)
    return due - carried, carried


def demand_per_cluster(
    result: SimResult, *, ax: Axes | None = None, received: bool = False, lang: str = "id"
) -> Figure:
    """Items due (or received) per month, stacked by Puskesmas cluster (named).

    Items due are split into those new in the month (solid) and those carried
    over: due again after being missed the month before at the same site
    (light), so a backlog of never-recorded screenings does not read as new need.
    """
    t = _text(lang)
    d = result.demand
    column = "received" if received else "due"
    months = len(result.months)
    fig, a = _axes(ax, (9, 4.5))
    bottom = np.zeros(months)
    new, carried = _backlog(result, column)
    colours = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3"]
    for cluster in sorted({int(c) for c in d["cluster"]}):
        sel = d["cluster"] == cluster
        name = Cluster(cluster).label[lang]
        colour = colours[(cluster - 1) % len(colours)]
        fresh = np.bincount(d["month"][sel], weights=new[sel], minlength=months)
        a.bar(range(months), fresh, bottom=bottom, color=colour, label=f"{name} ({t['new']})")
        bottom += fresh
        if not received:
            old = np.bincount(d["month"][sel], weights=carried[sel], minlength=months)
            a.bar(
                range(months),
                old,
                bottom=bottom,
                color=colour,
                alpha=0.35,
                hatch="//",
                label=f"{name} ({t['backlog']})",
            )
            bottom += old
    a.set_xticks(range(months), [m.format("YYYY-MM") for m in result.months], rotation=45)
    a.set_ylabel(t["received_items" if received else "items"])
    start, end = result.months[0].format("YYYY-MM"), result.months[-1].format("YYYY-MM")
    a.set_title(t["received" if received else "demand"].format(start=start, end=end))
    a.legend(fontsize="small", ncol=2)
    fig.tight_layout()
    return fig


def coverage_per_desa(
    result: SimResult,
    group: str,
    *,
    ax: Axes | None = None,
    network: Network | None = None,
    lang: str = "id",
) -> Figure:
    """SPM-style coverage (people served / people in need) of one service *group* per desa.

    Desa are named from *network* when given (else by id).
    """
    t = _text(lang)
    if group not in result.groups:
        known = ", ".join(result.groups)
        raise PopulationError(f"group: {group!r} is not one of {known}", field="group", value=group)
    g = result.groups.index(group)
    cov = result.coverage
    rate = result.coverage_rate()
    sel = (cov["group"] == g) & (cov["desa"] >= 0)
    ids = [result.desas[i] for i in cov["desa"][sel]]
    names: list[Any] = [
        network.area(i).name if network is not None and network.has_area(i) else i for i in ids
    ]
    fig, a = _axes(ax, (7, 0.4 * max(len(names), 3) + 1.2))
    a.barh(range(len(names)), 100 * rate[sel], color="#55a868")
    a.set_yticks(range(len(names)), names)
    a.set_xlim(0, 100)
    a.set_xlabel(t["served"])
    start, end = result.months[0].format("YYYY-MM"), result.months[-1].format("YYYY-MM")
    a.set_title(t["coverage"].format(group=group, start=start, end=end))
    fig.tight_layout()
    return fig


def pws_chart(
    table: PwsTable,
    *,
    ax: Axes | None = None,
    names: dict[str, str] | None = None,
    lang: str = "id",
) -> Figure:
    """The PWS chart of *table*: one bar per area sorted, the target line, status colours.

    ``pws_chart(ev.pws("K4", 10)).savefig("k4.png")`` exports it for a report.
    """
    t = _text(lang)
    rows = table.sorted_rows()
    labels = [(names or {}).get(r.area, r.name) for r in rows][::-1]
    values = [r.cumulative_percent or 0.0 for r in rows][::-1]
    colours = [_STATUS_COLOURS[r.status.value if r.status else None] for r in rows][::-1]
    fig, a = _axes(ax, (7, 0.45 * max(len(rows), 3) + 1.4))
    a.barh(range(len(rows)), values, color=colours)
    a.set_yticks(range(len(rows)), labels)
    a.axvline(
        table.target_line,
        color="#1565c0",
        linestyle="--",
        label=t["target_line"].format(value=table.target_line),
    )
    a.set_xlim(0, max(100.0, table.target_line, *values) if values else 100.0)
    a.set_xlabel(t["cumulative"])
    ind = table.indicator
    a.set_title(t["pws"].format(id=ind.id, label=ind.label[lang], month=table.month_text))
    a.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    return fig

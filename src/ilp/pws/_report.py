"""The monthly PWS dashboard: one self-contained HTML file (inline SVG, no script, no network).

Sections: the 12 SPM services for the Puskesmas; for each PWS indicator the
chart (one bar per desa, sorted, the target line, the status colour) and
its table; a section per desa; the sources and every unconfirmed assumption.
"""

from __future__ import annotations

import datetime as _dt
import html
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from ilp._atomic import write_atomic
from ilp.errors import MonitoringError
from ilp.network import Facility, FacilityType
from ilp.pws._evaluate import Evaluation, Level, Status
from ilp.pws._model import IndicatorKind
from ilp.pws._tables import PwsRow, PwsTable

__all__ = ["COLOURS", "LABELS", "render_report", "svg_chart", "write_report"]

#: Status colours (a convention, not a rule: monitoring.md §3 [U]).
COLOURS: Final = {
    Status.BAIK: "#2e7d32",
    Status.KURANG: "#f9a825",
    Status.CUKUP: "#ef6c00",
    Status.JELEK: "#c62828",
    None: "#9e9e9e",
}

LABELS: Final = {
    "id": {
        "title": "Dasbor PWS",
        "month": "Bulan",
        "spm": "Capaian SPM (Januari s.d. bulan ini)",
        "service": "Layanan SPM",
        "sasaran": "Sasaran (terhitung)",
        "estimated": "Sasaran (perkiraan)",
        "served": "Dilayani sesuai standar",
        "percent": "%",
        "gap": "Kesenjangan (orang)",
        "flag": "Selisih besar terhitung vs perkiraan",
        "indicators": "Indikator PWS per desa",
        "area": "Wilayah",
        "cumulative": "Kumulatif %",
        "this_month": "Bulan ini %",
        "last_month": "Bulan lalu %",
        "trend": "Tren",
        "status": "Status",
        "target": "Target",
        "target_line": "Garis target",
        "source": "Sumber",
        "unconfirmed": "Belum terkonfirmasi",
        "desa": "Per desa",
        "assumptions": "Asumsi yang belum terkonfirmasi [U]",
        "total": "Total Puskesmas",
        "unit": "cakupan kumulatif (%)",
        "no_data": "tidak ada data",
        "legend": "Warna status (konvensi, bukan aturan)",
        "negative": "Drop out negatif: masalah data",
        "indicator": "Indikator",
        "generated": "Dibuat oleh ilp dari register keluarga",
    },
    "en": {
        "title": "PWS dashboard",
        "month": "Month",
        "spm": "SPM achievement (January to this month)",
        "service": "SPM service",
        "sasaran": "Sasaran (counted)",
        "estimated": "Sasaran (estimated)",
        "served": "Served to standard",
        "percent": "%",
        "gap": "Gap (people)",
        "flag": "Counted and estimated differ widely",
        "indicators": "PWS indicators per desa",
        "area": "Area",
        "cumulative": "Cumulative %",
        "this_month": "This month %",
        "last_month": "Last month %",
        "trend": "Trend",
        "status": "Status",
        "target": "Target",
        "target_line": "Target line",
        "source": "Source",
        "unconfirmed": "Unconfirmed",
        "desa": "Per desa",
        "assumptions": "Unconfirmed assumptions [U]",
        "total": "Puskesmas total",
        "unit": "cumulative coverage (%)",
        "no_data": "no data",
        "legend": "Status colours (a convention, not a rule)",
        "negative": "Negative drop-out: a data problem",
        "indicator": "Indicator",
        "generated": "Made by ilp from the family register",
    },
}

_STATUS_TEXT: Final = {
    "id": {
        Status.BAIK: "baik",
        Status.KURANG: "kurang",
        Status.CUKUP: "cukup",
        Status.JELEK: "jelek",
    },
    "en": {
        Status.BAIK: "good",
        Status.KURANG: "above target, falling",
        Status.CUKUP: "below target, rising",
        Status.JELEK: "poor",
    },
}
_TREND: Final = {
    "id": {"naik": "naik", "turun": "turun", "tetap": "tetap"},
    "en": {"naik": "rising", "turun": "falling", "tetap": "flat"},
}

_CSS: Final = """
body{font-family:system-ui,"Segoe UI",Roboto,Arial,sans-serif;margin:1.5rem;
  color:#212121;max-width:1100px}
h1{font-size:1.6rem;margin:0 0 .3rem}
h2{font-size:1.25rem;border-bottom:2px solid #1565c0;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.05rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0}
th,td{border:1px solid #cfd8dc;padding:.2rem .45rem;text-align:right}
th{background:#eceff1}td:first-child,th:first-child{text-align:left}
.pair{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.note{font-size:.8rem;color:#546e7a}.flag{color:#c62828;font-weight:600}
.legend span{display:inline-block;padding:.1rem .5rem;margin-right:.3rem;color:#fff;
  border-radius:3px;font-size:.8rem}
section.desa{page-break-before:always}
nav a{margin-right:.6rem}
"""


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text))


def _fmt(v: float | None, lang: str) -> str:
    if v is None:
        return "–"
    text = f"{v:.1f}"
    return text.replace(".", ",") if lang == "id" else text


def svg_chart(
    table: PwsTable, names: dict[str, str], *, lang: str = "id", total: PwsRow | None = None
) -> str:
    """The PWS chart of *table* as inline SVG: a bar per area (sorted), the target line, colours."""
    lab = LABELS[lang]
    rows = table.sorted_rows()
    if total is not None:
        rows = [*rows, total]
    bar_h, gap, left, width = 20, 6, 170, 380
    top = 34
    height = top + len(rows) * (bar_h + gap) + 30
    values = [r.cumulative_percent or 0.0 for r in rows]
    scale_max = max(100.0, table.target_line, *values) if values else 100.0

    def x(v: float) -> float:
        return left + width * v / scale_max

    ind = table.indicator
    title = f"{ind.id}: {ind.label[lang]} — {lab['month'].lower()} {table.month_text}"
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="pws-chart" '
            f'data-indicator="{_e(ind.id)}" width="{left + width + 70}" height="{height}" '
            f'role="img" aria-label="{_e(title)}">'
        ),
        f"<title>{_e(title)}</title>",
        f'<text x="0" y="14" font-size="13" font-weight="600">{_e(title)}</text>',
        f'<text x="{left}" y="28" font-size="10" fill="#546e7a">{_e(lab["unit"])}</text>',
    ]
    for k, r in enumerate(rows):
        y = top + k * (bar_h + gap)
        v = r.cumulative_percent
        colour = COLOURS[r.status]
        name = names.get(r.area, r.area) if r is not total else lab["total"]
        cls = "bar total" if r is total else "bar"
        parts.append(f'<g class="{cls}" data-area="{_e(r.area)}">')
        parts.append(
            f'<text x="{left - 6}" y="{y + bar_h - 6}" font-size="11" text-anchor="end">'
            f"{_e(name)}</text>"
        )
        w = max(0.0, x(v or 0.0) - left)
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>')
        text = _fmt(v, lang) if v is not None else lab["no_data"]
        parts.append(
            f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 6}" font-size="11">{_e(text)}</text>'
        )
        parts.append("</g>")
    lx = x(table.target_line)
    bottom = top + len(rows) * (bar_h + gap)
    parts.append(
        f'<line class="target-line" x1="{lx:.1f}" y1="{top - 4}" x2="{lx:.1f}" y2="{bottom}" '
        'stroke="#1565c0" stroke-width="2" stroke-dasharray="5,3"/>'
    )
    parts.append(
        f'<text x="{lx:.1f}" y="{bottom + 14}" font-size="10" fill="#1565c0" text-anchor="middle">'
        f"{_e(lab['target_line'])} {_e(_fmt(table.target_line, lang))} %</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


def _pws_table_html(table: PwsTable, names: dict[str, str], lang: str, total: PwsRow | None) -> str:
    lab = LABELS[lang]
    head = [
        lab["area"],
        lab["cumulative"],
        lab["this_month"],
        lab["last_month"],
        lab["trend"],
        lab["status"],
    ]
    body = []
    rows = table.sorted_rows() + ([total] if total is not None else [])
    for r in rows:
        name = lab["total"] if r is total else names.get(r.area, r.area)
        status = _STATUS_TEXT[lang][r.status] if r.status else "–"
        body.append(
            "<tr>"
            + "".join(
                f"<td>{_e(c)}</td>"
                for c in (
                    name,
                    _fmt(r.cumulative_percent, lang),
                    _fmt(r.percent, lang),
                    _fmt(r.previous_percent, lang),
                    _TREND[lang][r.trend],
                    status,
                )
            )
            + "</tr>"
        )
    return (
        f'<table class="pws-table" data-indicator="{_e(table.indicator.id)}"><thead><tr>'
        + "".join(f"<th>{_e(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )


def render_report(
    ev: Evaluation, month: int, *, lang: str = "id", puskesmas: str | None = None
) -> str:
    """The dashboard of *month* (1–12) as HTML text (see the module docstring)."""
    if lang not in LABELS:
        msg = f"lang: {lang!r} is not 'id' or 'en'"
        raise MonitoringError(msg, field="lang", value=lang)
    lab = LABELS[lang]
    net = ev.network
    pkms = net.of_type(FacilityType.PUSKESMAS)
    pkm = next((f for f in pkms if f.id == puskesmas), pkms[0] if pkms else None)
    desa_g = ev.grouping(Level.DESA)
    names = dict(zip(desa_g.ids, desa_g.names, strict=True))
    pkm_g = ev.grouping(Level.PUSKESMAS)
    pkm_row = pkm_g.ids.index(pkm.id) if pkm is not None else None
    # desa of this Puskesmas's catchment
    served = {a.id for a in net.within(pkm.area)} if pkm is not None else set(desa_g.ids)
    desa_ids = [d for d in desa_g.ids if d in served]
    title = f"{lab['title']} — {pkm.name if pkm else ''} — {ev.year:04d}-{month:02d}"
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        (
            f'<p class="note">{_e(lab["generated"])}; {_e(ev.indicators.title[lang])} '
            f"({_e(ev.indicators.edition)}).</p>"
        ),
        '<p class="legend">'
        + _e(lab["legend"])
        + ": "
        + "".join(
            f'<span style="background:{COLOURS[s]}">{_e(_STATUS_TEXT[lang][s])}</span>'
            for s in Status
        )
        + "</p>",
        "<nav>"
        + "".join(f'<a href="#desa-{_e(d)}">{_e(names[d])}</a>' for d in desa_ids)
        + "</nav>",
    ]
    out += _spm_section(ev, month, pkm, lab, lang)
    indicators, tables = _indicator_section(ev, month, lab, lang, names, desa_ids, pkm_row)
    out += indicators
    out += _desa_sections(tables, desa_ids, names, lab, lang)
    out += _assumptions_section(ev, lab)
    out.append("</ul></section></body></html>")  # the assumptions' list ends with the page
    return "\n".join(out) + "\n"


def _spm_section(
    ev: Evaluation, month: int, pkm: Facility | None, lab: Mapping[str, str], lang: str
) -> list[str]:
    """The SPM overview of the Puskesmas, with the sources of its indicators."""
    out: list[str] = []
    spm = ev.spm(month, levels=(Level.PUSKESMAS,))
    out.append(f'<section id="spm"><h2>{_e(lab["spm"])}</h2>')
    out.append(
        '<table class="spm-table"><thead><tr>'
        + "".join(
            f"<th>{_e(h)}</th>"
            for h in (
                lab["service"],
                lab["sasaran"],
                lab["estimated"],
                lab["served"],
                "%",
                lab["gap"],
            )
        )
        + "</tr></thead><tbody>"
    )
    for r in spm.rows:
        if pkm is not None and r.area != pkm.id:
            continue
        ind = ev.indicator(r.indicator)
        flag = f' <span class="flag" title="{_e(lab["flag"])}">⚑</span>' if r.flagged else ""
        mark = " [U]" if not ind.confirmed else ""
        est = "–" if r.sasaran_estimated is None else str(r.sasaran_estimated)
        out.append(
            f'<tr class="spm" data-service="{r.service}">'
            f"<td>{r.service}. {_e(ind.label[lang])}{mark}</td>"
            f"<td>{r.sasaran}</td><td>{est}{flag}</td>"
            f"<td>{r.served}</td><td>{_e(_fmt(r.percent, lang))}</td><td>{r.gap}</td></tr>"
        )
    out.append("</tbody></table>")
    out.append(f'<p class="note">⚑ {_e(lab["flag"])}</p><ul class="note sources">')
    shown = {r.indicator for r in spm.rows}
    for ind in ev.indicators.spm(_dt.date(ev.year, month, 1)):
        if ind.id in shown:
            extra = f" — {_e(lab['unconfirmed'])} [U]: {_e(ind.note)}" if not ind.confirmed else ""
            out.append(
                f"<li>{ind.spm}. {_e(lab['source'])}: {_e(ind.source)} "
                f"({_e(ind.regulation)}){extra}</li>"
            )
    out.append("</ul></section>")
    return out


def _indicator_section(  # noqa: PLR0917 - the report's shared pieces, passed on
    ev: Evaluation,
    month: int,
    lab: Mapping[str, str],
    lang: str,
    names: dict[str, str],
    desa_ids: list[str],
    pkm_row: int | None,
) -> tuple[list[str], dict[str, PwsTable]]:
    """One chart and table per PWS indicator, over the desa; and the tables by indicator id."""
    out: list[str] = []
    pws_ids = [i.id for i in ev.indicators.in_force(_dt.date(ev.year, 12, 31)) if not i.spm]
    tables: dict[str, PwsTable] = {}
    out.append(f'<section id="indicators"><h2>{_e(lab["indicators"])}</h2>')
    for iid in pws_ids:
        t = ev.pws(iid, month, level=Level.DESA)
        tp = ev.pws(iid, month, level=Level.PUSKESMAS)
        total = tp.rows[pkm_row] if pkm_row is not None else None
        t = _only(t, set(desa_ids))
        tables[iid] = t
        ind = t.indicator
        out.append(f'<div class="indicator" id="ind-{_e(iid)}">')
        out.append(f"<h3>{_e(ind.id)} — {_e(ind.label[lang])}</h3>")
        out.append('<div class="pair">')
        out.append(svg_chart(t, names, lang=lang, total=total))
        out.append(_pws_table_html(t, names, lang, total))
        out.append("</div>")
        out.append(
            f'<p class="note">{_e(lab["target"])} {_e(_fmt(ind.target, lang))} %; '
            f"{_e(lab['target_line'])} {_e(_fmt(t.target_line, lang))} %. "
            f"{_e(lab['source'])}: {_e(ind.source)} ({_e(ind.regulation)})."
        )
        if not ind.confirmed:
            out.append(f' <span class="flag">{_e(lab["unconfirmed"])} [U]:</span> {_e(ind.note)}')
        if ind.kind is IndicatorKind.DROPOUT and t.values.negative():
            out.append(f' <span class="flag">{_e(lab["negative"])}</span>')
        out.append("</p></div>")
    out.append("</section>")
    return out, tables


def _desa_sections(
    tables: Mapping[str, PwsTable],
    desa_ids: list[str],
    names: Mapping[str, str],
    lab: Mapping[str, str],
    lang: str,
) -> list[str]:
    """Per desa: each indicator's cumulative and monthly percent and status."""
    out = [f'<h2 id="per-desa">{_e(lab["desa"])}</h2>']
    for d in desa_ids:
        out.append(f'<section class="desa" id="desa-{_e(d)}"><h3>{_e(names[d])}</h3>')
        out.append(
            "<table><thead><tr>"
            + "".join(
                f"<th>{_e(h)}</th>"
                for h in (
                    lab["indicator"],
                    lab["cumulative"],
                    lab["this_month"],
                    lab["target_line"],
                    lab["status"],
                )
            )
            + "</tr></thead><tbody>"
        )
        for iid, t in tables.items():
            row = next(x for x in t.rows if x.area == d)
            status = _STATUS_TEXT[lang][row.status] if row.status else "–"
            out.append(
                f"<tr><td>{_e(iid)}</td><td>{_e(_fmt(row.cumulative_percent, lang))}</td>"
                f"<td>{_e(_fmt(row.percent, lang))}</td><td>{_e(_fmt(t.target_line, lang))}</td>"
                f'<td style="color:{COLOURS[row.status]}">{_e(status)}</td></tr>'
            )
        out.append("</tbody></table></section>")
    return out


def _assumptions_section(ev: Evaluation, lab: Mapping[str, str]) -> list[str]:
    """The assumptions the evaluation made, and the notes of unconfirmed indicators."""
    out: list[str] = []
    out.append(f'<section id="assumptions"><h2>{_e(lab["assumptions"])}</h2><ul>')
    out.extend(
        f"<li><code>{_e(a['name'])}</code> = {_e(a['value'])}: {_e(a['note'])}</li>"
        for a in ev.assumptions.describe()
    )
    out.extend(
        f"<li><code>{_e(i.id)}</code>: {_e(i.note)}</li>"
        for i in ev.indicators.in_force(_dt.date(ev.year, 12, 31))
        if not i.confirmed
    )
    return out


def _only(t: PwsTable, keep: set[str]) -> PwsTable:
    import attrs  # noqa: PLC0415

    return attrs.evolve(t, rows=tuple(r for r in t.rows if r.area in keep))


def write_report(
    ev: Evaluation,
    month: int,
    path: str | os.PathLike[str],
    *,
    lang: str = "id",
    puskesmas: str | None = None,
) -> Path:
    """Write the dashboard to *path* atomically (a temporary file in the same folder, then replace).

    A failure leaves no half-written file; returns the path written.
    """
    data = render_report(ev, month, lang=lang, puskesmas=puskesmas).encode("utf-8")
    target = Path(path)
    write_atomic(target, lambda fh: fh.write(data), error=MonitoringError)
    return target

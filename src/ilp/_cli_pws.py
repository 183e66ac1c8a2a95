"""The monitoring side of the ``ilp`` command: ``ilp spm``, ``ilp pws`` (list, report, missing)."""

from __future__ import annotations

import argparse
import datetime as _dt
import json
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from ilp.errors import MonitoringError

__all__ = ["add_demo_args", "add_parsers", "commands", "demo_report"]

Table = Callable[[Sequence[Sequence[str]], TextIO], None]


def _data_args(p: argparse.ArgumentParser, *, required: bool = True) -> None:
    p.add_argument("--register", required=required, help="family register: CSV folder or file")
    p.add_argument("--network", required=required, help="network file (YAML or JSON)")
    p.add_argument("--indicators", help="an indicator YAML file instead of the national one")


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add ``spm`` and ``pws`` to the ``ilp`` parser."""
    s = sub.add_parser("spm", help="SPM achievement of the 12 services for a year or year to date")
    _data_args(s)
    s.add_argument("--year", required=True, help="the calendar year, YYYY")
    s.add_argument("--through", help="the last month counted, YYYY-MM (default: December)")
    s.add_argument("--level", default="desa", help="desa, puskesmas, kecamatan or kabupaten")
    s.add_argument("--format", choices=("table", "json"), default="table")

    p = sub.add_parser("pws", help="PWS of one indicator for a month; list, report, missing")
    _data_args(p, required=False)
    p.add_argument("--indicator", help="indicator id (see 'ilp pws list')")
    p.add_argument("--month", help="the month, YYYY-MM")
    p.add_argument("--level", default="desa", help="dusun, desa, puskesmas, kecamatan, kabupaten")
    p.add_argument("--denominator", choices=("counted", "estimated"), default="counted")
    p.add_argument("--format", choices=("table", "json"), default="table")
    psub = p.add_subparsers(dest="action", parser_class=parser_class)
    pl = psub.add_parser("list", help="every indicator with its kind, target and source")
    pl.add_argument("--indicators", help="an indicator YAML file instead of the national one")
    pl.add_argument("--format", choices=("table", "json"), default="table")
    pr = psub.add_parser("report", help="the monthly dashboard as one self-contained HTML file")
    _data_args(pr)
    pr.add_argument("--month", required=True, help="the month, YYYY-MM")
    pr.add_argument("--out", required=True, help="the HTML file to write")
    pr.add_argument("--lang", choices=("id", "en"), default="id")
    pm = psub.add_parser(
        "missing", help="the people behind a gap, with their Posyandu and due items"
    )
    _data_args(pm)
    pm.add_argument("--indicator", required=True, help="indicator id")
    pm.add_argument("--month", required=True, help="the month, YYYY-MM")
    pm.add_argument("--area", help="one area id of --level (default: every area)")
    pm.add_argument("--level", default="desa", help="the level of --area (default desa)")
    pm.add_argument("--format", choices=("table", "json"), default="table")


def _indicator_set(args: argparse.Namespace) -> Any:
    from ilp.pws import indicators, load_indicators  # noqa: PLC0415 - numpy behind it

    return load_indicators(args.indicators) if args.indicators else indicators()


def _year(text: str) -> int:
    if not (len(text) == 4 and text.isdigit()) or int(text) < 1900:
        msg = f"--year: {text!r} is not a year YYYY"
        raise MonitoringError(msg, field="year", value=text)
    return int(text)


def _evaluation(args: argparse.Namespace, year: int, *, people: bool = False) -> Any:
    """The evaluation of ``--register`` on ``--network``; with *people*, the FamilyRegister too.

    Without *people*, the register is read straight into columns
    (``read_register_columns``): no person or record value per row.
    """
    from ilp.files import read_register, read_register_columns  # noqa: PLC0415
    from ilp.network import load_network  # noqa: PLC0415
    from ilp.pws import evaluate, register_columns  # noqa: PLC0415

    network = load_network(args.network)
    register = (read_register if people else read_register_columns)(args.register)
    cols = register_columns(register, network)
    ev = evaluate(
        cols.population,
        cols.history,
        network,
        year=year,
        indicators=_indicator_set(args),
        weights=cols.weights,
    )
    return ev, register, network


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def _cmd_spm(args: argparse.Namespace, out: TextIO, table: Table) -> int:
    from ilp.pws import Level, parse_month  # noqa: PLC0415

    year = _year(args.year)
    through = 12
    if args.through:
        y, through = parse_month(args.through, field="--through")
        if y != year:
            msg = f"--through: {args.through!r} is not in --year {year}"
            raise MonitoringError(msg, field="through", value=args.through)
    level = Level.parse(args.level)
    ev, _, _ = _evaluation(args, year)
    spm = ev.spm(through, levels=(level,))
    if args.format == "json":
        out.write(json.dumps(spm.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return 0
    out.write(f"SPM {year}, January to {through:02d}, per {level.value}\n")
    rows = [["spm", "area", "sasaran", "estimated", "served", "%", "gap", ""]]
    for r in spm.rows:
        est = "-" if r.sasaran_estimated is None else str(r.sasaran_estimated)
        flag = "counted differs from the estimate" if r.flagged else ""
        rows.append(
            [
                str(r.service),
                r.name,
                str(r.sasaran),
                est,
                str(r.served),
                _pct(r.percent),
                str(r.gap),
                flag,
            ]
        )
    table(rows, out)
    _assumptions(ev, out)
    return 0


def _assumptions(ev: Any, out: TextIO) -> None:
    out.write("\nunconfirmed assumptions [U]: ")
    out.write(", ".join(f"{a['name']}={a['value']}" for a in ev.assumptions.describe()) + "\n")


def _cmd_pws(args: argparse.Namespace, out: TextIO, table: Table) -> int:
    if args.action == "list":
        return _cmd_list(args, out, table)
    if args.action == "report":
        return _cmd_report(args, out)
    if args.action == "missing":
        return _cmd_missing(args, out, table)
    for name in ("register", "network", "indicator", "month"):
        if getattr(args, name) is None:
            msg = f"ilp pws needs --{name} (or one of: list, report, missing)"
            raise MonitoringError(msg, field=name)
    from ilp.pws import parse_month  # noqa: PLC0415

    year, month = parse_month(args.month, field="--month")
    ev, _, _ = _evaluation(args, year)
    t = ev.pws(args.indicator, month, level=args.level, denominator=args.denominator)
    if args.format == "json":
        out.write(json.dumps(t.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return 0
    ind = t.indicator
    out.write(f"{ind.id}: {ind.label.en}, {t.month_text}; target {ind.target:g} %, ")
    out.write(f"target line {t.target_line:g} %\n")
    rows = [["area", "month %", "last %", "cumulative %", "num", "den", "status", "trend"]]
    rows.extend(
        [
            r.name,
            _pct(r.percent),
            _pct(r.previous_percent),
            _pct(r.cumulative_percent),
            str(r.cumulative_numerator),
            str(r.cumulative_denominator),
            r.status.value if r.status else "-",
            r.trend,
        ]
        for r in t.sorted_rows()
    )
    table(rows, out)
    out.write(f"source: {ind.source} ({ind.regulation})\n")
    if not ind.confirmed:
        out.write(f"unconfirmed [U]: {ind.note}\n")
    return 0


def _cmd_list(args: argparse.Namespace, out: TextIO, table: Table) -> int:
    s = _indicator_set(args)
    data = [
        {
            "id": i.id,
            "label": i.label.as_dict(),
            "kind": i.kind.value,
            "target": i.target,
            "spm": i.spm,
            "regulation": i.regulation,
            "effective_from": i.effective_from.isoformat() if i.effective_from else None,
            "effective_before": i.effective_before.isoformat() if i.effective_before else None,
            "source": i.source,
            "confirmed": i.confirmed,
            "note": i.note,
        }
        for i in s.indicators
    ]
    if args.format == "json":
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    rows = [["id", "kind", "target", "in force", "source"]]
    for d in data:
        span = f"{d['effective_from'] or ''}..{d['effective_before'] or ''}"
        mark = "" if d["confirmed"] else " [U]"
        rows.append(
            [str(d["id"]), str(d["kind"]), f"{d['target']:g}", span, f"{d['source']}{mark}"]
        )
    table(rows, out)
    return 0


def _cmd_missing(args: argparse.Namespace, out: TextIO, table: Table) -> int:
    from ilp.pws import parse_month  # noqa: PLC0415
    from ilp.pws._missing import missing, work_list  # noqa: PLC0415

    year, month = parse_month(args.month, field="--month")
    ev, register, network = _evaluation(args, year, people=True)
    found = missing(ev, args.indicator, month, area=args.area, level=args.level)
    end = _month_end(year, month)
    rows = work_list(found, ev.indicator(args.indicator), register, network, end)
    if args.format == "json":
        data = {"indicator": args.indicator, "month": args.month, "area": args.area, "people": rows}
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    out.write(f"{args.indicator}, {args.month}: {len(rows)} people not yet counted\n")
    lines = [["person", "name", "home", "posyandu", "due"]]
    for r in rows:
        due = ", ".join(f"{d['code']} {d['status']}" for d in r["due"]) or "-"
        lines.append(
            [r["person"], r["name"] or "", r["residence"] or "", r["posyandu"] or "-", due]
        )
    table(lines, out)
    return 0


def _month_end(year: int, month: int) -> _dt.date:
    nxt = _dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - _dt.timedelta(days=1)


def _cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from ilp.pws import parse_month  # noqa: PLC0415
    from ilp.pws._report import write_report  # noqa: PLC0415

    year, month = parse_month(args.month, field="--month")
    ev, _, _ = _evaluation(args, year)
    path = write_report(ev, month, args.out, lang=args.lang)
    out.write(f"wrote {path}\n")
    return 0


def add_demo_args(m: argparse.ArgumentParser) -> None:
    """``ilp demo --report FILE``: where the sample's PWS dashboard goes."""
    m.add_argument(
        "--report",
        help="where to write the sample's PWS dashboard "
        "(default: ilp-demo/pws-YYYY-MM.html in the system's temporary folder)",
    )


def demo_report(args: argparse.Namespace, out: TextIO) -> int:
    """After ``ilp demo`` (table form): write the sample's dashboard and print where."""
    if args.format == "json":
        return 0
    import tempfile  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from ilp._cli_network import demo_kecamatan  # noqa: PLC0415
    from ilp.dates import as_date  # noqa: PLC0415
    from ilp.pws import evaluate, register_columns  # noqa: PLC0415
    from ilp.pws._report import write_report  # noqa: PLC0415

    network, register, as_of = demo_kecamatan()
    on = as_date(args.on, field="--on") if args.on else as_of
    # the last whole month before the date asked
    last = on.replace(day=1) - _dt.timedelta(days=1)
    cols = register_columns(register, network)
    ev = evaluate(cols.population, cols.history, network, year=last.year, weights=cols.weights)
    if args.report:
        path = Path(args.report)
    else:
        folder = Path(tempfile.gettempdir()) / "ilp-demo"
        folder.mkdir(exist_ok=True)
        path = folder / f"pws-{last.year:04d}-{last.month:02d}.html"
    written = write_report(ev, last.month, path, lang=args.lang)
    label = "PWS dashboard" if args.lang == "en" else "Dasbor PWS"
    from ilp._cli_text import line, width_of  # noqa: PLC0415

    out.write("\n")
    width = width_of(narrow=getattr(args, "narrow", False))
    line(out, f"{label} {last.year:04d}-{last.month:02d}: {written}", width)
    return 0


def commands() -> dict[str, Callable[[argparse.Namespace, TextIO, Table], int]]:
    """The subcommand functions by name."""
    return {"spm": _cmd_spm, "pws": _cmd_pws}

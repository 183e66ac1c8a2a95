"""The ``ilp`` command: due services, the catalogue, work lists, the network and simulation.

Bad input never shows a traceback: it exits with status 2 and one line
``error: ...`` on standard error (a file with several problems: one line each).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn, TextIO

import pendulum

import ilp
from ilp import _cli_fhir, _cli_network, _cli_pws, _cli_simulate
from ilp._cli_text import say, service_name, status_word, table, width_of
from ilp.dates import age_in_months, as_date
from ilp.errors import CatalogueError, ILPError, InvalidArgumentError
from ilp.files import FamilyFile, load_data, read_family_file, read_person_file
from ilp.lifecycle import (
    Catalogue,
    DueList,
    Status,
    due,
    dump_catalogue,
    load_catalogue,
    national,
    stages_of,
)

__all__ = ["main"]

EXIT_USAGE = 2

#: The statuses listed without ``--all``: everything but completed.
_OPEN = (Status.OVERDUE, Status.DUE, Status.UPCOMING, Status.MISSED)


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one ``error:`` line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"error: {message} (see '{self.prog} --help')\n")


def _date_arg(text: str) -> pendulum.Date:
    return as_date(text, field="--on")


DESCRIPTION = (
    "Integrated primary care (ILP) from the command line: which services a person "
    "is due, the service catalogue, the work lists of a Puskesmas network "
    "(targets, home visits, visit plans), network checks and demand simulation."
)
EPILOG = "Run 'ilp COMMAND --help' for the options of a command. Documentation: docs/cli.md."


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ilp", description=DESCRIPTION, epilog=EPILOG)
    p.add_argument("--version", action="version", version=f"ilp {ilp.__version__}")
    sub = p.add_subparsers(
        dest="command", required=True, parser_class=_Parser, metavar="COMMAND", title="commands"
    )

    d = sub.add_parser(
        "due", help="services a person (or each member of a family) is due on a date"
    )
    d.add_argument(
        "file", nargs="?", help="person or family file (YAML or JSON); see docs/files.md"
    )
    d.add_argument("--on", required=True, help="the date asked, YYYY-MM-DD")
    d.add_argument("--horizon", type=int, default=30, help="days ahead to list upcoming items")
    d.add_argument("--format", choices=("table", "json"), default="table")
    _cli_network.add_reading_args(d, lang="en")
    d.add_argument("--catalogue", help="a catalogue YAML file instead of the national one")
    d.add_argument(
        "--all", action="store_true", help="also list completed services (table and JSON)"
    )
    _cli_fhir.add_due_arguments(d)

    c = sub.add_parser("catalogue", help="list, show, validate or export service catalogues")
    csub = c.add_subparsers(dest="action", required=True, parser_class=_Parser)
    cl = csub.add_parser("list", help="every service code with its label and cluster")
    cl.add_argument("--on", help="only entries in force on this date")
    cl.add_argument("--format", choices=("table", "json"), default="table")
    cl.add_argument("--catalogue", help="a catalogue YAML file instead of the national one")
    cs = csub.add_parser("show", help="one service: its rule, eligibility and source")
    cs.add_argument("code")
    cs.add_argument("--catalogue", help="a catalogue YAML file instead of the national one")
    cv = csub.add_parser("validate", help="check a catalogue file; lists every problem")
    cv.add_argument("file")
    ce = csub.add_parser(
        "export", help="write a catalogue as YAML, to start a regional one from the national"
    )
    ce.add_argument("--catalogue", help="a catalogue YAML file instead of the national one")
    ce.add_argument("--out", help="file to write (default: standard output)")

    m = sub.add_parser(
        "demo", help="the shipped sample kecamatan: Posyandu lists, a kader's visits, network gaps"
    )
    m.add_argument("--on", help="the date asked (default: the sample's own date)")
    m.add_argument("--format", choices=("table", "json"), default="table")
    _cli_network.add_reading_args(m, lists=True)
    m.add_argument(
        "--family", action="store_true", help="the sample family instead: stages, due, PIS-PK"
    )
    _cli_pws.add_demo_args(m)
    _cli_network.add_parsers(sub, _Parser)
    _cli_simulate.add_parser(sub, _Parser)
    _cli_fhir.add_parser(sub, _Parser)
    _cli_pws.add_parsers(sub, _Parser)
    return p


def _catalogue(path: str | None) -> Catalogue:
    return national() if path is None else load_catalogue(path)


def _table(rows: Sequence[Sequence[str]], out: TextIO) -> None:
    """Rows in columns at the terminal's width (the network commands' plain table)."""
    table(rows, out, width_of(narrow=False))


def _due_rows(items: DueList, lang: str, *, show_completed: bool) -> list[list[str]]:
    """Status, recommended date, service name, cluster and why, for a due table."""
    rows = [[say(k, lang) for k in ("status", "date", "service", "cl", "why")]]
    for i in items:
        if i.status is Status.COMPLETED and not show_completed:
            continue
        reason = i.reason[lang]
        prefix = f"{i.service.label[lang]}: "
        rows.append(
            [
                status_word(i.status, lang),
                str(i.recommended),
                service_name(i.service, lang),
                str(int(i.cluster)),
                reason.removeprefix(prefix),
            ]
        )
    return rows


def _is_family_file(path: str) -> bool:
    data = load_data(path)
    return isinstance(data, dict) and "family" in data and "person" not in data


def _cmd_due(args: argparse.Namespace, out: TextIO) -> int:
    if (args.file is None) == (args.fhir is None):
        msg = "ilp due: give a person or family file, or --fhir BUNDLE (one of them)"
        raise InvalidArgumentError(msg, field="file")
    if args.fhir is not None:
        return _cli_fhir.run_due(
            args,
            out,
            _catalogue(args.catalogue),
            table=_table,
            rows=lambda items, lang: _due_rows(items, lang, show_completed=args.all),
            shown=lambda items: items if args.all else items.filter(status=_OPEN),
        )
    if args.out is not None:
        raise InvalidArgumentError(
            "ilp due: --out is for --fhir (a Bundle of recommendations)", field="--out"
        )
    on = _date_arg(args.on)
    if _is_family_file(args.file):
        ff = read_family_file(args.file)
        return _write_family(ff, on, args, out, catalogue=_catalogue(args.catalogue))
    pf = read_person_file(args.file)
    items = due(
        pf.person,
        on,
        history=pf.history,
        catalogue=_catalogue(args.catalogue),
        region=pf.region,
        horizon=args.horizon,
    )
    if not args.all:
        items = items.filter(status=_OPEN)
    if args.format == "json":
        out.write(items.to_json(indent=2) + "\n")
        return 0
    p, lang = pf.person, args.lang
    stages = ", ".join(s.label[lang] for s in sorted(stages_of(p, on), key=lambda s: s.value))
    out.write(
        f"{p.id}  {say('born', lang)} {p.birth_date}  {say('on', lang)} {on}  "
        f"{say('stages', lang)}: {stages or '-'}\n\n"
    )
    rows = _due_rows(items, lang, show_completed=args.all)
    if len(rows) == 1:
        out.write(say("nothing", lang) + "\n")
    else:
        table(rows, out, width_of(narrow=args.narrow))
    return 0


def _cmd_catalogue(args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "validate":
        try:
            cat = load_catalogue(args.file)
        except CatalogueError as exc:
            for problem in exc.problems:
                sys.stderr.write(f"error: {problem}\n")
            return EXIT_USAGE
        n = sum(len(e.services) for e in cat.entries)
        out.write(
            f"ok: {args.file}: catalogue {cat.id!r}, {len(cat.entries)} entries, {n} services\n"
        )
        return 0
    cat = _catalogue(args.catalogue)
    if args.action == "export":
        text = dump_catalogue(cat)
        if args.out is None:
            out.write(text)
        else:
            Path(args.out).write_text(text, encoding="utf-8")
            n = sum(len(e.services) for e in cat.entries)
            out.write(f"wrote {args.out}: catalogue {cat.id!r}, {n} services\n")
        return 0
    if args.action == "show":
        entries = [e for e in cat.entries if any(s.code == args.code for s in e.services)]
        if not entries:
            cat.service(args.code)  # raises UnknownServiceError naming the code
        shown = type(cat)(cat.id, cat.title, cat.edition, tuple(entries), origin=cat.origin)
        text = dump_catalogue(shown)
        out.write(text.split("services:\n", 1)[1])
        return 0
    listed = cat.entries_on(_date_arg(args.on)) if args.on else cat.entries
    rows: list[dict[str, Any]] = [
        {
            "code": s.code,
            "label": s.label.as_dict(),
            "cluster": int(s.cluster),
            "kind": e.rule.kind.value,
            "effective_from": e.effective_from.isoformat() if e.effective_from else None,
            "effective_before": e.effective_before.isoformat() if e.effective_before else None,
            "confirmed": s.confirmed,
        }
        for e in listed
        for s in e.services
    ]
    if args.format == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    table = [["code", "cl", "kind", "in force", "label"]]
    for r in rows:
        span = f"{r['effective_from'] or ''}..{r['effective_before'] or ''}"
        mark = "" if r["confirmed"] else " (unconfirmed)"
        table.append([r["code"], str(r["cluster"]), r["kind"], span, r["label"]["en"] + mark])
    _table(table, out)
    return 0


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    ref = resources.files("ilp").joinpath("data/demo/family.yaml")
    with resources.as_file(ref) as path:
        ff = read_family_file(path)
    on = _date_arg(args.on or ff.as_of or "2025-11-01")
    return _write_family(ff, on, args, out, catalogue=None, pispk=True)


def _write_family(
    ff: FamilyFile,
    on: pendulum.Date,
    args: argparse.Namespace,
    out: TextIO,
    *,
    catalogue: Catalogue | None,
    pispk: bool = False,
) -> int:
    """Each living member's due list (and, for the demo, the PIS-PK result)."""
    from ilp.pispk import assess_family  # noqa: PLC0415 - only family views need it

    fam = ff.family
    show_completed = getattr(args, "all", False)
    horizon = getattr(args, "horizon", 30)
    results = []
    for m in fam.members:
        p = m.person
        if not p.is_alive(on) or on < p.birth_date:
            continue
        items = due(
            p,
            on,
            history=ff.histories.get(p.id, ()),
            region=ff.region,
            catalogue=catalogue,
            horizon=horizon,
        )
        if not show_completed:
            items = items.filter(status=_OPEN)
        results.append((m, stages_of(p, on), items))
    result = assess_family(fam, on, records=ff.histories) if pispk else None
    if args.format == "json":
        data: dict[str, Any] = {
            "on": on.isoformat(),
            "family": fam.kk_number,
            "members": [
                {
                    "person": m.person.id,
                    "name": m.person.name,
                    "relation": m.relation.value,
                    "stages": sorted(s.value for s in st),
                    "due": items.as_dict()["items"],
                }
                for m, st, items in results
            ],
        }
        if result is not None:
            data["pispk"] = result.as_dict()
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    lang = args.lang
    out.write(f"Keluarga {fam.kk_number}  {fam.address or ''}  {say('on', lang)} {on}\n")
    for m, st, items in results:
        p = m.person
        months = age_in_months(p.birth_date, on)
        age = f"{months // 12}y{months % 12}m"
        stages = ", ".join(s.label[lang] for s in sorted(st, key=lambda s: s.value))
        out.write(f"\n{p.name or p.id} ({m.relation.value}, {p.sex.value}, {age}): {stages}\n")
        rows = _due_rows(items, lang, show_completed=show_completed)
        if len(rows) == 1:
            out.write(f"  {say('nothing', lang)}\n")
        else:
            table(rows, out, width_of(narrow=args.narrow), indent="  ")
    if result is not None:
        out.write("\n" + result.summary(lang) + "\n")
    return 0


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the ``ilp`` command with *argv*; returns the exit status."""
    stdout = out or sys.stdout
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "due":
            return _cmd_due(args, stdout)
        if args.command == "catalogue":
            return _cmd_catalogue(args, stdout)
        if args.command == "fhir":
            return _cli_fhir.run_fhir(args, stdout)
        if args.command == "simulate":
            return _cli_simulate.run(args, stdout)
        if args.command == "demo":
            if args.family:
                return _cmd_demo(args, stdout)
            status = _cli_network.run_demo(args, stdout, _table)
            return status or _cli_pws.demo_report(args, stdout)
        if args.command in _cli_pws.commands():
            return _cli_pws.commands()[args.command](args, stdout, _table)
        return _cli_network.commands()[args.command](args, stdout, _table)
    except ILPError as exc:
        sys.stderr.write(f"error: {' '.join(str(exc).split())}\n")
        return EXIT_USAGE
    except BrokenPipeError:  # `ilp catalogue list | head`: the reader left; not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

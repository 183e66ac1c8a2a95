"""The FHIR side of the `ilp` command: ``ilp due --fhir`` and ``ilp fhir import|export``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from ilp._atomic import write_atomic
from ilp.dates import as_date
from ilp.errors import InputFileError
from ilp.files import read_register
from ilp.interop import care_bundle, export_bundle, load_codemap, read_bundle
from ilp.interop._register import write_register
from ilp.lifecycle import Catalogue, DueList, due

__all__ = ["add_due_arguments", "add_parser", "run_due", "run_fhir"]

Table = Callable[[Sequence[Sequence[str]], TextIO], None]
Rows = Callable[[DueList, str], list[list[str]]]


def add_due_arguments(d: argparse.ArgumentParser) -> None:
    """Add ``--fhir``, ``--out`` and ``--codemap`` to ``ilp due``."""
    d.add_argument("--fhir", metavar="BUNDLE", help="a FHIR R4 Bundle (JSON) instead of a file")
    d.add_argument("--out", help="with --fhir: write ImmunizationRecommendation/CarePlan Bundle")
    d.add_argument("--codemap", help="a local code map merged over the shipped one")


def add_parser(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add ``ilp fhir import|export``."""
    f = sub.add_parser("fhir", help="FHIR R4 (SATUSEHAT) Bundles to and from register folders")
    fsub = f.add_subparsers(dest="action", required=True, parser_class=parser_class)
    fi = fsub.add_parser("import", help="a FHIR Bundle to a register folder (CSV)")
    fi.add_argument("bundle", help="FHIR Bundle (JSON)")
    fi.add_argument("--out", required=True, help="register folder to write")
    fi.add_argument("--codemap", help="a local code map merged over the shipped one")
    fe = fsub.add_parser("export", help="a register (folder or YAML/JSON) to a FHIR Bundle")
    fe.add_argument("register", help="register folder or file")
    fe.add_argument("--out", required=True, help="Bundle file to write (JSON)")
    fe.add_argument("--organization", help="SATUSEHAT organization id for sys-ids identifiers")
    fe.add_argument("--type", choices=("collection", "transaction"), default="collection")
    fe.add_argument("--codemap", help="a local code map merged over the shipped one")


def _write_json(path: str, data: Any) -> None:
    payload = json.dumps(data, ensure_ascii=False).encode("utf-8")

    def write(fh: BinaryIO) -> None:
        fh.write(payload)

    write_atomic(Path(path), write, error=InputFileError)


def run_due(
    args: argparse.Namespace,
    out: TextIO,
    catalogue: Catalogue,
    *,
    table: Table,
    rows: Rows,
    shown: Callable[[DueList], DueList],
) -> int:
    """``ilp due --fhir BUNDLE --on DATE``: due lists of every patient in the Bundle."""
    on = as_date(args.on, field="--on")
    got = read_bundle(args.fhir, codemap=load_codemap(args.codemap))
    for s in got.report.skipped:
        sys.stderr.write(f"note: {s}\n")
    lists = [
        due(p, on, history=got.history(p.id), catalogue=catalogue, horizon=args.horizon)
        for p in got.people
        if p.is_alive(on)
    ]
    if args.out:
        _write_json(args.out, care_bundle(lists, codemap=load_codemap(args.codemap)))
    lists = [shown(items) for items in lists]
    if args.format == "json":
        data: Any = lists[0].as_dict() if len(lists) == 1 else [d.as_dict() for d in lists]
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    for i, items in enumerate(lists):
        if i:
            out.write("\n")
        out.write(f"{items.person_id}  on {on}\n")
        body = rows(items, args.lang)
        if len(body) == 1:
            out.write("nothing due, overdue or upcoming\n")
        else:
            table(body, out)
    return 0


def run_fhir(args: argparse.Namespace, out: TextIO) -> int:
    """``ilp fhir import`` and ``ilp fhir export``."""
    cmap = load_codemap(args.codemap)
    if args.action == "import":
        got = read_bundle(args.bundle, codemap=cmap)
        register = got.register()
        write_register(register, args.out)
        left = len(got.people) - len(register.people)
        out.write(
            f"ok: {args.out}: {len(register.families)} families, {len(register.people)} people"
            f"{f' ({left} without a family card left out)' if left else ''}\n"
        )
        out.write(got.report.summary() + "\n")
        return 0
    register = read_register(args.register)
    bundle = export_bundle(
        register.people,
        register.histories,
        families=register.families,
        codemap=cmap,
        organization=args.organization,
        bundle_type=args.type,
    )
    _write_json(args.out, bundle)
    out.write(f"ok: {args.out}: {len(bundle['entry'])} resources\n")
    return 0

"""The network side of the `ilp` command: targets, home visits, visit plans, the demo."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any, TextIO

import pendulum

from ilp.dates import as_date
from ilp.errors import NetworkError
from ilp.files import load_data, read_person_file, read_register
from ilp.lifecycle import LifeStage, Region
from ilp.network import FacilityType, Network, gaps, load_network
from ilp.network._targets import HomeVisit, TargetList, home_visits, targets, weekly_list
from ilp.network._visit import visit_plan
from ilp.people import FamilyRegister

__all__ = ["add_parsers", "commands"]

EXIT_USAGE = 2

Table = Callable[[Sequence[Sequence[str]], TextIO], None]


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add the network subcommands to the ``ilp`` parser."""
    t = sub.add_parser(
        "targets", help="a site's target list (daftar sasaran) for its next opening day"
    )
    _network_args(t)
    t.add_argument("--site", required=True, help="facility id (a Posyandu, Pustu or Puskesmas)")
    t.add_argument(
        "--week", action="store_true", help="the 7 days from --on (a Pustu's weekly list)"
    )

    h = sub.add_parser("home-visits", help="a kader's home-visit list for a dusun/RW or desa")
    _network_args(h)
    h.add_argument("--area", required=True, help="area id of the dusun/RW (or desa)")

    v = sub.add_parser(
        "visit", help="a person's path through a facility: clusters, support, referrals"
    )
    v.add_argument("file", help="person file (YAML or JSON)")
    v.add_argument("--network", required=True, help="network file (YAML or JSON)")
    v.add_argument("--facility", required=True, help="facility id the person comes to")
    v.add_argument("--on", required=True, help="the date, YYYY-MM-DD")
    v.add_argument("--format", choices=("table", "json"), default="table")
    v.add_argument("--lang", choices=("id", "en"), default="en")

    n = sub.add_parser("network", help="validate a network file or list its gaps")
    nsub = n.add_subparsers(dest="action", required=True, parser_class=parser_class)
    nv = nsub.add_parser("validate", help="check a network file; lists every problem")
    nv.add_argument("file")
    ng = nsub.add_parser("gaps", help="what the network lacks (no Pustu, understaffed, no kader)")
    ng.add_argument("file")
    ng.add_argument("--format", choices=("table", "json"), default="table")
    ng.add_argument("--lang", choices=("id", "en"), default="en")


def _network_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--network", required=True, help="network file (YAML or JSON)")
    p.add_argument(
        "--register", required=True, help="family register: CSV folder or YAML/JSON file"
    )
    p.add_argument("--on", required=True, help="the date, YYYY-MM-DD")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--lang", choices=("id", "en"), default="en")
    p.add_argument(
        "--je-endemic",
        action="store_true",
        help="treat every area as giving JE vaccine (default: the flags of each area)",
    )


def _region(args: argparse.Namespace) -> Region | None:
    # without --je-endemic each person gets the region of their area (Network.region_of)
    return Region(flags={"je_endemic"}) if getattr(args, "je_endemic", False) else None


def _write_target_list(tl: TargetList, lang: str, out: TextIO, table: Table) -> None:
    span = f"{tl.day}" if tl.day == tl.until else f"{tl.day}..{tl.until}"
    out.write(f"{tl.site.name} ({tl.site.id}), {span}: {len(tl.targets)} people\n")
    for stage, group in tl.by_stage().items():
        name = stage.label[lang] if stage else "-"
        out.write(f"\n  {name} ({len(group)})\n")
        rows = [["", "person", "name", "home", "services"]]
        rows += [
            [
                "",
                t.person.id,
                t.person.name or "",
                t.residence or "",
                ", ".join(f"{i.code}{'!' if i.status.value == 'overdue' else ''}" for i in t.items),
            ]
            for t in group
        ]
        table(rows, out)
    out.write(
        "\n  by Posyandu step (! = overdue):\n"
        if lang == "en"
        else "\n  per langkah (! = terlambat):\n"
    )
    for step, pairs in tl.by_step().items():
        if pairs:
            out.write(f"    {int(step)}. {step.label[lang]}: {len(pairs)}\n")
    supplies = tl.supplies()
    if supplies:
        out.write("\n  supplies:\n" if lang == "en" else "\n  logistik:\n")
        for s in supplies:
            out.write(f"    {s.quantity:>4} {s.unit:<8} {s.item}\n")


def _write_home_visits(visits: Sequence[HomeVisit], lang: str, out: TextIO) -> None:
    for v in visits:
        out.write(f"  {v.residence or '-'}  {v.family.address or ''}  (KK {v.family.kk_number})\n")
        for m in v.members:
            why = ", ".join(f"{i.code} {i.status.value}" for i in m.items)
            if not why and m.stage is LifeStage.IBU_HAMIL:
                why = "pregnant: check" if lang == "en" else "ibu hamil: pantau"
            out.write(f"    - {m.person.name or m.person.id}: {why}\n")


def _cmd_targets(args: argparse.Namespace, out: TextIO, table: Table) -> int:
    network = load_network(args.network)
    register = read_register(args.register)
    fn = weekly_list if args.week else targets
    tl = fn(network, register, as_date(args.on, field="--on"), site=args.site, region=_region(args))
    if args.format == "json":
        out.write(json.dumps(tl.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        _write_target_list(tl, args.lang, out, table)
    return 0


def _cmd_home_visits(args: argparse.Namespace, out: TextIO, table: Table) -> int:
    network = load_network(args.network)
    register = read_register(args.register)
    visits = home_visits(
        network, register, as_date(args.on, field="--on"), area=args.area, region=_region(args)
    )
    if args.format == "json":
        out.write(json.dumps([v.as_dict() for v in visits], ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(f"home visits, {args.area}, {args.on}: {len(visits)} households\n")
        _write_home_visits(visits, args.lang, out)
    return 0


def _cmd_visit(args: argparse.Namespace, out: TextIO, table: Table) -> int:
    pf = read_person_file(args.file)
    network = load_network(args.network)
    plan = visit_plan(
        pf.person,
        as_date(args.on, field="--on"),
        network.facility(args.facility),
        network,
        history=pf.history,
        # a file that names a region wins; otherwise the region of the person's area
        region=pf.region if pf.region.flags or pf.region.ages else None,
    )
    if args.format == "json":
        out.write(json.dumps(plan.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(plan.summary(args.lang) + "\n")
    return 0


def _write_gaps(network: Network, lang: str, out: TextIO) -> None:
    found = gaps(network)
    if not found:
        out.write("no gaps\n" if lang == "en" else "tidak ada kesenjangan\n")
    for g in found:
        out.write(f"  {g.kind:<24} {g.id:<22} {g.message[lang]}\n")


def _cmd_network(args: argparse.Namespace, out: TextIO, table: Table) -> int:
    if args.action == "validate":
        try:
            network = load_network(args.file)
        except NetworkError as exc:
            for problem in exc.problems:
                sys.stderr.write(f"error: {problem}\n")
            return EXIT_USAGE
        n_fac = len(network.facilities)
        out.write(f"ok: {args.file}: {len(network.areas)} areas, {n_fac} facilities\n")
        return 0
    network = load_network(args.file)
    if args.format == "json":
        data = [{"kind": g.kind, "id": g.id, "message": g.message.as_dict()} for g in gaps(network)]
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        _write_gaps(network, args.lang, out)
    return 0


def demo_kecamatan() -> tuple[Network, FamilyRegister, pendulum.Date]:
    """The shipped sample kecamatan: its network, family register and reference date."""
    root = resources.files("ilp").joinpath("data/demo/kecamatan")
    with resources.as_file(root) as folder:
        manifest = load_data(folder / "demo.yaml")
        network = load_network(folder / manifest["network"])
        register = read_register(folder / manifest["register"])
    return network, register, as_date(manifest["as_of"], field="as_of")


def run_demo(args: argparse.Namespace, out: TextIO, table: Table) -> int:
    """``ilp demo``: per-Posyandu counts, one full target list, one kader list, the gaps."""
    network, register, as_of = demo_kecamatan()
    on = as_date(args.on, field="--on") if args.on else as_of
    lists = [targets(network, register, on, site=f) for f in network.of_type(FacilityType.POSYANDU)]
    busiest = max(lists, key=lambda tl: len(tl.targets))
    dusun = busiest.site.area
    visits = home_visits(network, register, on, area=dusun)
    if args.format == "json":
        data = {
            "on": on.isoformat(),
            "people": len(register.people),
            "families": len(register.families),
            "posyandu": [
                {
                    "site": tl.site.id,
                    "name": tl.site.name,
                    "day": tl.day.isoformat(),
                    "people": len(tl.targets),
                    "counts": tl.counts(),
                }
                for tl in lists
            ],
            "target_list": busiest.as_dict(),
            "home_visits": {"area": dusun, "households": [v.as_dict() for v in visits]},
            "gaps": [
                {"kind": g.kind, "id": g.id, "message": g.message.as_dict()} for g in gaps(network)
            ],
        }
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return 0
    lang = args.lang
    kec = network.of_type(FacilityType.PUSKESMAS)[0]
    out.write(
        f"{kec.name}: {len(register.families)} families, {len(register.people)} people, on {on}\n\n"
    )
    out.write(
        "Posyandu, next opening day and people due:\n"
        if lang == "en"
        else "Posyandu, hari buka berikut, sasaran:\n"
    )
    rows = [["", "posyandu", "day", "people", "top services"]]
    for tl in lists:
        top = sorted(tl.counts().items(), key=lambda kv: -kv[1])[:4]
        rows.append(
            [
                "",
                tl.site.name,
                str(tl.day),
                str(len(tl.targets)),
                ", ".join(f"{c} {n}" for c, n in top),
            ]
        )
    table(rows, out)
    out.write("\n")
    _write_target_list(busiest, lang, out, table)
    area = network.area(dusun)
    out.write(f"\nKader home visits, {area.name} ({len(visits)} households):\n")
    _write_home_visits(visits, lang, out)
    out.write("\nNetwork gaps:\n" if lang == "en" else "\nKesenjangan jejaring:\n")
    _write_gaps(network, lang, out)
    return 0


def commands() -> dict[str, Callable[[argparse.Namespace, TextIO, Table], int]]:
    """The subcommand functions by name."""
    return {
        "targets": _cmd_targets,
        "home-visits": _cmd_home_visits,
        "visit": _cmd_visit,
        "network": _cmd_network,
    }

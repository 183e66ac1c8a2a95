"""The network side of the `ilp` command: targets, home visits, visit plans, the demo."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any, Final, TextIO

import attrs
import pendulum

from ilp._cli_text import NARROW, line, say, service_name, supply_text, table, width_of
from ilp.dates import as_date
from ilp.errors import NetworkError
from ilp.files import load_data, read_person_file, read_register, read_register_columns
from ilp.lifecycle import LifeStage, Region, Status, national
from ilp.network import FacilityType, Network, gaps, load_network
from ilp.network._targets import (
    HomeVisit,
    Target,
    TargetList,
)
from ilp.network._urgency import Triage, by_urgency, triage
from ilp.network._visit import visit_plan
from ilp.people import FamilyRegister

if TYPE_CHECKING:
    from ilp.population import ColumnRegister

__all__ = ["add_parsers", "add_reading_args", "commands"]

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
    add_reading_args(v)

    n = sub.add_parser("network", help="validate a network file or list its gaps")
    nsub = n.add_subparsers(dest="action", required=True, parser_class=parser_class)
    nv = nsub.add_parser("validate", help="check a network file; lists every problem")
    nv.add_argument("file")
    ng = nsub.add_parser("gaps", help="what the network lacks (no Pustu, understaffed, no kader)")
    ng.add_argument("file")
    ng.add_argument("--format", choices=("table", "json"), default="table")
    add_reading_args(ng)


def add_reading_args(p: argparse.ArgumentParser, *, lang: str = "id", lists: bool = False) -> None:
    """``--lang`` (default *lang*), ``--narrow`` and, for work lists, ``--never-recorded``."""
    p.add_argument(
        "--lang",
        choices=("id", "en"),
        default=lang,
        help=f"language of the table: Indonesian or English (default {lang})",
    )
    p.add_argument(
        "--narrow",
        action="store_true",
        help=f"fit {NARROW} columns (a phone) instead of the terminal",
    )
    if lists:
        p.add_argument(
            "--never-recorded",
            choices=("cap", "show", "hide"),
            default="cap",
            help=(
                "screenings overdue for over a year and never recorded: name at most "
                f"{CAP} (cap, the default), all (show) or none (hide)"
            ),
        )


def _network_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--network", required=True, help="network file (YAML or JSON)")
    p.add_argument(
        "--register", required=True, help="family register: CSV folder or YAML/JSON file"
    )
    p.add_argument("--on", required=True, help="the date, YYYY-MM-DD")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--je-endemic",
        action="store_true",
        help="treat every area as giving JE vaccine (default: the flags of each area)",
    )
    add_reading_args(p, lists=True)


def _region(args: argparse.Namespace) -> Region | None:
    # without --je-endemic each person gets the region of their area (Network.region_of)
    return Region(flags={"je_endemic"}) if getattr(args, "je_endemic", False) else None


@attrs.frozen
class _View:
    """How to print: language, width, the never-recorded mode, and the data to name things."""

    lang: str
    width: int
    never: str
    network: Network
    register: FamilyRegister | ColumnRegister
    on: pendulum.Date

    @classmethod
    def of(
        cls,
        args: argparse.Namespace,
        network: Network,
        register: FamilyRegister | ColumnRegister,
        on: pendulum.Date,
    ) -> _View:
        return cls(
            args.lang,
            width_of(narrow=args.narrow),
            getattr(args, "never_recorded", "cap"),
            network,
            register,
            on,
        )

    def area_name(self, area: str | None) -> str:
        if area is None or not self.network.has_area(area):
            return area or "-"
        return self.network.area(area).name

    def triage(self, t: Target) -> Triage:
        reg, pid = self.register, t.person.id
        records = reg.history(pid) if isinstance(reg, FamilyRegister) else reg.records_of(pid)
        recorded = {r.code for r in records}
        return triage(t.person, t.items, self.on, recorded=recorded)

    def services(self, tr: Triage) -> str:
        """Service names, ``!`` after the overdue ones, then the never-recorded ones (capped)."""
        lang = self.lang
        names = [
            service_name(i.service, lang) + ("!" if i.status is Status.OVERDUE else "")  # type: ignore[arg-type]
            for i in tr.items
        ]
        text = ", ".join(names)
        if tr.never_recorded and self.never != "hide":
            stale = [service_name(i.service, lang) for i in tr.never_recorded]  # type: ignore[arg-type]
            if self.never == "cap" and len(stale) > CAP:
                stale = [*stale[:CAP], f"+{len(stale) - CAP} {say('more', lang)}"]
            tail = f"{say('never_recorded', lang)}: {', '.join(stale)}"
            text = f"{text}; {tail}" if text else tail
        return text

    def shown(self, tr: Triage) -> bool:
        """False for someone with nothing to show (only never-recorded items, hidden)."""
        return bool(tr.items) or (bool(tr.never_recorded) and self.never != "hide")


#: How many never-recorded screenings a list names before "+N more".
CAP: Final = 2


def _write_target_list(tl: TargetList, view: _View, out: TextIO) -> None:
    lang = view.lang
    span = f"{tl.day}" if tl.day == tl.until else f"{tl.day}..{tl.until}"
    w = view.width
    line(out, f"{tl.site.name} ({tl.site.id}), {span}: {len(tl.targets)} {say('people', lang)}", w)
    line(out, f"({say('legend', lang)})", w, indent="  ")
    for stage, group in tl.by_stage().items():
        name = stage.label[lang] if stage else "-"
        rows = [[say("person", lang), say("name", lang), say("home", lang), say("services", lang)]]
        ranked = [(t, view.triage(t)) for t in group]
        ranked = [(t, tr) for t, tr in ranked if view.shown(tr)]
        ranked.sort(key=lambda pair: pair[1].key)
        if not ranked:
            continue
        out.write("\n")
        line(out, f"{name} ({len(ranked)})", w, indent="  ")
        rows += [
            [t.person.id, t.person.name or "", view.area_name(t.residence), view.services(tr)]
            for t, tr in ranked
        ]
        table(rows, out, view.width, indent="  ")
    out.write("\n")
    line(out, say("by_step", lang), w, indent="  ")
    for step, pairs in tl.by_step().items():
        if pairs:
            line(out, f"{int(step)}. {step.label[lang]}: {len(pairs)}", w, indent="    ")
    supplies = tl.supplies()
    if supplies:
        out.write("\n")
        line(out, say("supplies", lang), w, indent="  ")
        for s in supplies:
            item, unit = supply_text(s.item, s.unit, lang)
            line(out, f"{s.quantity:>4} {unit:<7} {item}", w, indent="  ", more="              ")


def _write_home_visits(visits: Sequence[HomeVisit], view: _View, out: TextIO) -> None:
    """Households by their most urgent member, under one heading per urgency."""
    lang = view.lang
    ranked = []
    for v in visits:
        members = [(m, view.triage(m)) for m in v.members]
        members = [(m, tr) for m, tr in members if view.shown(tr) or m.stage is LifeStage.IBU_HAMIL]
        if members:
            members.sort(key=lambda pair: pair[1].key)
            ranked.append((members[0][1], v, members))
    ranked.sort(key=lambda row: row[0].key)
    groups = by_urgency(ranked, lambda row: row[0].urgency)
    wrap = textwrap.TextWrapper(
        width=view.width, subsequent_indent="        ", break_on_hyphens=False
    )
    for urgency, rows in groups:
        out.write("\n")
        line(
            out,
            f"{urgency.label[lang]} ({len(rows)} {say('households', lang)})",
            view.width,
            indent="  ",
        )
        for _, v, members in rows:
            where = v.family.address or view.area_name(v.residence)
            line(out, f"{where}  (KK {v.family.kk_number})", view.width, indent="  ")
            for m, tr in members:
                why = view.services(tr)
                if not why and m.stage is LifeStage.IBU_HAMIL:
                    why = say("pregnant_check", lang)
                out.write("\n".join(wrap.wrap(f"    - {m.person.name or m.person.id}: {why}")))
                out.write("\n")


def _cmd_targets(args: argparse.Namespace, out: TextIO, table: Table) -> int:
    from ilp.population import work_lists  # noqa: PLC0415 - NumPy behind it
    from ilp.population._worklist_rows import work_list_json  # noqa: PLC0415

    network = load_network(args.network)
    register = read_register_columns(args.register)
    on = as_date(args.on, field="--on")
    # the one list, from the columns (equal to targets()/weekly_list() for the site)
    site = [args.site]
    lists = work_lists(
        network,
        register,
        on,
        targets=() if args.week else site,
        weekly=site if args.week else (),
        home_visits=(),
        region=_region(args),
    )
    made = lists.weekly if args.week else lists.targets
    if args.format == "json":  # written from the rows work_lists holds
        out.write(work_list_json(made, args.site) + "\n")
    else:
        _write_target_list(made[args.site], _View.of(args, network, register, on), out)
    return 0


def _cmd_home_visits(args: argparse.Namespace, out: TextIO, table: Table) -> int:
    from ilp.population import work_lists  # noqa: PLC0415 - NumPy behind it
    from ilp.population._worklist_rows import work_list_json  # noqa: PLC0415

    network = load_network(args.network)
    register = read_register_columns(args.register)
    on = as_date(args.on, field="--on")
    lists = work_lists(
        network, register, on, targets=(), weekly=(), home_visits=[args.area], region=_region(args)
    )
    if args.format == "json":
        out.write(work_list_json(lists.home_visits, args.area) + "\n")
    else:
        visits = lists.home_visits[args.area]
        view = _View.of(args, network, register, on)
        lang = view.lang
        head = f"{say('home_visits', lang)}, {view.area_name(args.area)}, {on}"
        count = f"{len(visits)} {say('households', lang)} ({say('legend', lang)})"
        line(out, f"{head}: {count}", view.width)
        _write_home_visits(visits, view, out)
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
        wrap = textwrap.TextWrapper(width=width_of(narrow=args.narrow), subsequent_indent="      ")
        for line in plan.summary(args.lang).splitlines():
            out.write("\n".join(wrap.wrap(line)) + "\n")
    return 0


def _write_gaps(network: Network, lang: str, width: int, out: TextIO) -> None:
    found = gaps(network)
    if not found:
        out.write(say("no_gaps", lang) + "\n")
    wrap = textwrap.TextWrapper(width=width, initial_indent="  ", subsequent_indent="      ")
    for g in found:
        out.write("\n".join(wrap.wrap(g.message[lang])) + "\n")


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
        _write_gaps(network, args.lang, width_of(narrow=args.narrow), out)
    return 0


def demo_kecamatan() -> tuple[Network, FamilyRegister, pendulum.Date]:
    """The shipped sample kecamatan: its network, family register and reference date."""
    root = resources.files("ilp").joinpath("data/demo/kecamatan")
    with resources.as_file(root) as folder:
        manifest = load_data(folder / "demo.yaml")
        network = load_network(folder / manifest["network"])
        register = read_register(folder / manifest["register"])
    return network, register, as_date(manifest["as_of"], field="as_of")


def run_demo(args: argparse.Namespace, out: TextIO, _table: Table) -> int:
    """``ilp demo``: per-Posyandu counts, one full target list, one kader list, the gaps."""
    from ilp.population import work_lists  # noqa: PLC0415 - NumPy behind it

    network, register, as_of = demo_kecamatan()
    on = as_date(args.on, field="--on") if args.on else as_of
    # every Posyandu's list and every area's home visits in one go (work_lists)
    made = work_lists(network, register, on, weekly=())
    lists = list(made.targets.values())
    busiest = max(lists, key=lambda tl: len(tl.targets))
    dusun = busiest.site.area
    visits = made.home_visits[dusun]
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
    view = _View.of(args, network, register, on)
    lang = view.lang
    cat = national()
    kec = network.of_type(FacilityType.PUSKESMAS)[0]
    w = view.width
    line(
        out,
        f"{kec.name}: {len(register.families)} {say('families', lang)}, "
        f"{len(register.people)} {say('people', lang)}, {say('on', lang)} {on}",
        w,
    )
    out.write("\n")
    line(out, say("posyandu_head", lang), w)
    rows = [[say("posyandu", lang), say("day", lang), say("people", lang), say("top", lang)]]
    for tl in sorted(lists, key=lambda tl: (tl.day, tl.site.name)):
        top = sorted(tl.counts().items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        rows.append(
            [
                tl.site.name.removeprefix("Posyandu "),
                str(tl.day),
                str(len(tl.targets)),
                ", ".join(f"{service_name(cat.service(c), lang)} {n}" for c, n in top),
            ]
        )
    table(rows, out, view.width, indent="  ")
    out.write("\n")
    _write_target_list(busiest, view, out)
    area = network.area(dusun)
    out.write("\n")
    count = f"{len(visits)} {say('households', lang)} ({say('legend', lang)})"
    line(out, f"{say('home_visits', lang)}, {area.name}: {count}", w)
    _write_home_visits(visits, view, out)
    out.write(f"\n{say('gaps', lang)}\n")
    _write_gaps(network, lang, view.width, out)
    return 0


def commands() -> dict[str, Callable[[argparse.Namespace, TextIO, Table], int]]:
    """The subcommand functions by name."""
    return {
        "targets": _cmd_targets,
        "home-visits": _cmd_home_visits,
        "visit": _cmd_visit,
        "network": _cmd_network,
    }

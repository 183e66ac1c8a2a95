"""Reading and validating catalogue YAML (format: ``docs/catalogue.md``); writing is in ``_dumper``.

YAML is read with the safe loader only. Validation collects every problem
with its file, line and key, and raises one :class:`~ilp.errors.CatalogueError`
that lists them all.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import attrs
import pendulum

from ilp._reader import Reader, show
from ilp._reader import member as _member
from ilp._reader import text as _text
from ilp._reader import whole as _int
from ilp._vocabulary import Cluster, Label, PointOfCare
from ilp._yaml import Map, load_file, read_yaml
from ilp.dates import Duration
from ilp.errors import CatalogueError
from ilp.lifecycle._cycles import cycles
from ilp.lifecycle._model import (
    Catalogue,
    Eligibility,
    Entry,
    Limit,
    Priority,
    RuleKind,
    Service,
    Supply,
)
from ilp.lifecycle._stages import LifeStage
from ilp.lifecycle.rules import RULE_CLASSES, Rule, fields
from ilp.lifecycle.rules.base import Codes
from ilp.people import Condition, Sex

__all__ = ["load_catalogue", "national", "parse_catalogue", "read_yaml"]


FORMAT: Final = 1
GROUPS: Final = frozenset(
    {
        "immunization",
        "maternal",
        "newborn",
        "child_health",
        "nutrition",
        "school_health",
        "screening",
        "ncd_followup",
        "communicable",
        "mental_health",
        "family_planning",
        "health_check",
    }
)
PROVIDERS: Final = frozenset(
    {
        "dokter",
        "dokter_gigi",
        "bidan",
        "perawat",
        "kader",
        "nutrisionis",
        "sanitarian",
        "apoteker",
        "ahli_laboratorium",
        "psikolog",
        "guru",
        "tenaga_promkes",
    }
)
_ELIG_KEYS: Final = (
    "sex",
    "age",
    "stages",
    "conditions",
    "region",
    "born",
    "sexually_active",
    "any_of",
    "grades",
)


def _eligibility(r: Reader, m: Map, where: str) -> Eligibility:
    if "eligibility" not in m:
        return Eligibility()
    w = f"{where}.eligibility"
    el = r.mapping(m["eligibility"], w, m.lines.get("eligibility"), optional=_ELIG_KEYS)
    if el is None:
        return Eligibility()
    common = _conditions(r, el, w)
    alternatives = []
    for value, aw, line in r.items(el, "any_of", w):
        am = r.mapping(value, aw, line, optional=tuple(k for k in _ELIG_KEYS if k != "any_of"))
        if am is None:
            continue
        for key in am:
            if key in el:
                r.problem(f"{aw}.{key}", am.lines.get(key, am.line), f"{key!r} is given above")
        alt = _conditions(r, am, aw)
        alternatives.append(_joined(common, alt))
    if "any_of" in el and not alternatives:
        r.problem(f"{w}.any_of", el.lines.get("any_of"), "expected a non-empty list of mappings")
    return attrs.evolve(common, any_of=tuple(alternatives))


def _joined(common: Eligibility, alt: Eligibility) -> Eligibility:
    """*alt* with the keys of *common* it does not give itself (both must hold)."""
    blank = Eligibility()
    changes = {
        f.name: getattr(common, f.name)
        for f in attrs.fields(Eligibility)
        if f.name != "any_of" and getattr(alt, f.name) == getattr(blank, f.name)
    }
    return attrs.evolve(alt, **changes)


def _conditions(r: Reader, el: Map, w: str) -> Eligibility:
    """The keys of one eligibility mapping (without ``any_of``)."""
    age_from: Duration | None = None
    age_to: Limit | None = None
    if "age" in el:
        am = r.mapping(
            el["age"], f"{w}.age", el.lines.get("age"), optional=("from", "before", "through")
        )
        if am is not None:
            age_from = r.get(am, "from", f"{w}.age", fields.duration, "a duration")
            before = r.get(am, "before", f"{w}.age", fields.duration, "a duration")
            through = r.get(am, "through", f"{w}.age", fields.duration, "a duration")
            if before is not None and through is not None:
                r.problem(f"{w}.age", am.line, "give before or through, not both")
            age_to = (
                Limit(before, exclusive=True) if before else Limit(through) if through else None
            )
            fields.check_window(r, f"{w}.age", am.line, age_from, age_to)
    born_from = born_before = None
    if "born" in el:
        bm = r.mapping(el["born"], f"{w}.born", el.lines.get("born"), optional=("from", "before"))
        if bm is not None:
            born_from = r.get(bm, "from", f"{w}.born", fields.date, "a date")
            born_before = r.get(bm, "before", f"{w}.born", fields.date, "a date")
            if born_from and born_before and born_before <= born_from:
                r.problem(f"{w}.born", bm.line, "born.before is not after born.from")
    sex = r.get(el, "sex", w, Sex.parse, "a sex (female or male)")
    stages = r.get(el, "stages", w, fields.list_of(_member(LifeStage)), "a list of life stages")
    conditions = r.get(el, "conditions", w, fields.list_of(Condition.parse), "a list of conditions")
    region = r.get(el, "region", w, _text, "a region flag")
    active = r.get(el, "sexually_active", w, fields.flag, "true or false")
    grades = r.get(el, "grades", w, fields.list_of(fields.grade), "a list of grades 1-12")
    if grades is not None and not grades:
        r.problem(f"{w}.grades", el.lines.get("grades"), "expected a non-empty list of grades")
    if grades and (age_from is None or age_to is None):
        r.problem(
            f"{w}.grades",
            el.lines.get("grades"),
            "grades need an age band with 'from' and 'before' or 'through': it applies "
            "when no grade is recorded",
        )
    return Eligibility(
        sex=sex,
        age_from=age_from,
        age_to=age_to,
        stages=frozenset(stages or ()),
        conditions=frozenset(conditions or ()),
        region=region,
        born_from=born_from,
        born_before=born_before,
        sexually_active=bool(active),
        grades=frozenset(grades or ()),
    )


def _rule(r: Reader, m: Map, where: str) -> tuple[Rule | None, Codes]:
    """The rule, plus (code, optional own label) of each service it defines, in order."""
    w = f"{where}.rule"
    rm = (
        r.mapping(m.get("rule"), w, m.lines.get("rule"), required=("kind",), optional=_RULE_KEYS)
        if "rule" in m
        else None
    )
    if rm is None:
        return None, []
    kind = rm.get("kind")
    try:
        cls = RULE_CLASSES[RuleKind(kind)]
    except ValueError:
        known = ", ".join(k.value for k in RuleKind)
        r.problem(f"{w}.kind", rm.lines.get("kind"), f"unknown rule kind {kind!r} (known: {known})")
        return None, []
    r.mapping(rm, w, rm.line, required=("kind", *cls.REQUIRED), optional=cls.OPTIONAL)
    rule, codes = cls.parse(r, rm, w, m)
    return rule, codes


_several = [k.value for k, cls in RULE_CLASSES.items() if cls.SEVERAL_CODES]
#: The kinds that define several codes, as a message lists them ("series, pregnancy or postnatal").
_SERIES_KINDS: Final = ", ".join(_several[:-1]) + " or " + _several[-1]
#: Every key any rule kind reads (each kind then checks its own).
_RULE_KEYS: Final = tuple(
    sorted({k for cls in RULE_CLASSES.values() for k in (*cls.REQUIRED, *cls.OPTIONAL)})
)


def _effective(r: Reader, m: Map, where: str) -> tuple[pendulum.Date | None, pendulum.Date | None]:
    if "effective" not in m:
        return None, None
    w = f"{where}.effective"
    em = r.mapping(m["effective"], w, m.lines.get("effective"), optional=("from", "before"))
    if em is None:
        return None, None
    start = r.get(em, "from", w, fields.date, "a date")
    end = r.get(em, "before", w, fields.date, "a date")
    if start is not None and end is not None and end <= start:
        r.problem(w, em.line, f"effective.before {end} is not after effective.from {start}")
    return start, end


_ENTRY_KEYS: Final = (
    "code",
    "series",
    "label",
    "group",
    "stages",
    "cluster",
    "points_of_care",
    "providers",
    "source",
    "confirmed",
    "note",
    "effective",
    "eligibility",
    "rule",
    "supply",
    "opportunistic",
)
_FLAG: Final = re.compile(r"[a-z][a-z0-9_]*")


def _opportunistic(r: Reader, m: Map, where: str) -> tuple[bool, Priority | None]:
    """``opportunistic: true``, or with ``priority: {conditions: [...], stages: [...]}``."""
    if "opportunistic" not in m:
        return False, None
    value = m["opportunistic"]
    if isinstance(value, bool):
        return value, None
    w = f"{where}.opportunistic"
    om = r.mapping(value, w, m.lines.get("opportunistic"), required=("priority",))
    if om is None or "priority" not in om:
        return False, None
    pw = f"{w}.priority"
    pm = r.mapping(om["priority"], pw, om.lines.get("priority"), optional=("conditions", "stages"))
    if pm is None:
        return True, None
    conditions = r.get(
        pm, "conditions", pw, fields.list_of(Condition.parse), "a list of conditions"
    )
    stages = r.get(pm, "stages", pw, fields.list_of(_member(LifeStage)), "a list of life stages")
    if not conditions and not stages:
        r.problem(pw, pm.line, "name the priority groups: conditions and/or stages")
        return True, None
    return True, Priority(frozenset(conditions or ()), frozenset(stages or ()))


def _region_flags(r: Reader, top: Map) -> dict[str, Label]:
    """The ``region_flags`` mapping: each flag a snake_case name with a label."""
    if "region_flags" not in top:
        return {}
    value = top["region_flags"]
    keys = tuple(str(k) for k in value) if isinstance(value, Map) else ()
    fm = r.mapping(value, "region_flags", top.lines.get("region_flags"), optional=keys)
    if fm is None:
        return {}
    flags = {}
    for name in fm:
        where = f"region_flags.{name}"
        if not isinstance(name, str) or _FLAG.fullmatch(name) is None:
            r.problem(where, fm.lines.get(name), "flags are snake_case names such as 'je_endemic'")
            continue
        label = fields.label(r, fm, "region_flags", name)
        if label is not None:
            flags[name] = label
    return flags


def _supply(r: Reader, m: Map, where: str) -> Supply | None:
    if "supply" not in m:
        return None
    w = f"{where}.supply"
    sm = r.mapping(
        m["supply"], w, m.lines.get("supply"), required=("item",), optional=("quantity", "unit")
    )
    if sm is None:
        return None
    item = r.get(sm, "item", w, _text, "text")
    quantity = r.get(sm, "quantity", w, _int, "a whole number")
    unit = r.get(sm, "unit", w, _text, "text")
    if quantity is not None and quantity < 1:
        r.problem(f"{w}.quantity", sm.lines.get("quantity"), f"{quantity} is not a quantity >= 1")
        return None
    if item is None:
        return None
    return Supply(item, quantity or 1, unit or "dose")


# Long as an entry has keys: one line reads each key, then the checks across keys.
def _entry(r: Reader, value: Any, where: str, line: int | None) -> Entry | None:
    m = r.mapping(
        value,
        where,
        line,
        required=("label", "group", "cluster", "points_of_care", "source", "rule"),
        optional=_ENTRY_KEYS,
    )
    if m is None:
        return None
    if ("code" in m) == ("series" in m):
        r.problem(where, m.line, "an entry has either 'code' (one service) or 'series' (doses)")
        return None
    key = r.get(m, "code" if "code" in m else "series", where, fields.code, "a service code")
    label = fields.label(r, m, where)
    group = r.get(m, "group", where, fields.one_of(GROUPS), "a group")
    stages = r.get(m, "stages", where, fields.list_of(_member(LifeStage)), "a list of life stages")
    cluster = r.get(m, "cluster", where, _member(Cluster), "a cluster 1–5")
    places = r.get(
        m, "points_of_care", where, fields.list_of(_member(PointOfCare)), "a list of points of care"
    )
    providers = r.get(
        m, "providers", where, fields.list_of(fields.one_of(PROVIDERS)), "a list of providers"
    )
    source = r.get(m, "source", where, _text, "text")
    confirmed = r.get(m, "confirmed", where, fields.flag, "true or false")
    note = r.get(m, "note", where, _text, "text")
    if confirmed is False and note is None:
        r.problem(f"{where}.note", m.line, "an entry with confirmed: false needs a note saying why")
    start, end = _effective(r, m, where)
    supply = _supply(r, m, where)
    opportunistic, priority = _opportunistic(r, m, where)
    eligibility = _eligibility(r, m, where)
    rule, codes = _rule(r, m, where)
    if "series" in m and rule is not None and not rule.SEVERAL_CODES:
        r.problem(
            f"{where}.series",
            m.line,
            f"'series' goes with rule kinds {_SERIES_KINDS}",
        )
        return None
    if "code" in m and rule is not None and rule.SEVERAL_CODES:
        r.problem(
            f"{where}.code",
            m.line,
            f"rule kind {rule.kind.value} defines several codes: use 'series'",
        )
        return None
    if (
        key is None
        or label is None
        or group is None
        or cluster is None
        or places is None
        or source is None
        or rule is None
        or not codes
    ):
        return None
    is_series = "series" in m
    services = tuple(
        Service(
            code=code,
            label=own or (Label(f"{label.id} {n}", f"{label.en} {n}") if is_series else label),
            group=group,
            stages=frozenset(stages or ()),
            cluster=cluster,
            points_of_care=places,
            providers=providers or (),
            source=source,
            confirmed=confirmed is not False,
            note=note,
            dose=n if is_series else None,
            series=key if is_series else None,
            supply=supply,
            opportunistic=opportunistic,
            priority=priority,
        )
        for n, (code, own) in enumerate(codes, start=1)
    )
    return Entry(key, services, rule, eligibility, start, end, line=m.line)


def parse_catalogue(data: Any, *, origin: str = "<memory>") -> Catalogue:
    """Validate parsed catalogue YAML (as :func:`read_yaml` returns it) and build the catalogue."""
    r = Reader("catalogue")
    top = r.mapping(
        data,
        "catalogue",
        1,
        required=("format", "id", "title", "edition", "services"),
        optional=("region_flags",),
    )
    entries: list[Entry] = []
    flags: dict[str, Label] = {}
    cid, title, edition = "?", Label("?", "?"), "?"
    if top is not None:
        fmt = top.get("format")
        if "format" in top and (type(fmt) is not int or fmt != FORMAT):
            r.problem(
                "format",
                top.lines.get("format"),
                f"format {show(fmt)} is not supported (only {FORMAT}, a whole number)",
            )
        cid = r.get(top, "id", "catalogue", _text, "text") or cid
        title = fields.label(r, top, "catalogue", "title") or title
        edition = (
            r.get(top, "edition", "catalogue", _text, "quoted text such as '2025-02-10'") or edition
        )
        flags = _region_flags(r, top)
        services = top.get("services")
        if "services" in top and not isinstance(services, list):
            r.problem("services", top.lines.get("services"), "expected a list of entries")
        for i, value in enumerate(services if isinstance(services, list) else ()):
            line = value.line if isinstance(value, Map) else top.lines.get("services")
            entry = _entry(r, value, f"services[{i}]", line)
            if entry is not None:
                entries.append(entry)
    _check_codes(r, entries)
    if top is not None:
        _check_flags(r, entries, flags, top)
    if r.problems:
        first_line, first_where, first_msg = r.problems[0]
        lines = tuple(
            f"{origin}:{ln if ln is not None else '?'}: {where}: {msg}"
            for ln, where, msg in r.problems
        )
        more = f" (and {len(lines) - 1} more problems)" if len(lines) > 1 else ""
        raise CatalogueError(
            f"{first_where}: {first_msg}{more}",
            path=origin,
            line=first_line,
            key=first_where,
            problems=lines,
        )
    return Catalogue(cid, title, edition, tuple(entries), origin=origin, region_flags=flags)


def _check_flags(r: Reader, entries: list[Entry], flags: dict[str, Label], top: Map) -> None:
    """Every flag an entry names is declared, and every declared flag is named by an entry."""
    known = ", ".join(sorted(flags)) or "none declared"
    named: set[str] = set()
    for e in entries:
        el = e.eligibility
        for flag in sorted({x.region for x in (el, *el.any_of) if x.region is not None}):
            named.add(flag)
            if flag not in flags:
                r.problem(
                    f"{e.key}.eligibility.region",
                    e.line,
                    f"unknown region flag {flag!r}: declare it under region_flags (known: {known})",
                )
    fm = top.get("region_flags")
    lines = fm.lines if isinstance(fm, Map) else {}
    for flag in flags:
        if flag not in named:
            r.problem(f"region_flags.{flag}", lines.get(flag), "no entry names this flag")


def _check_codes(r: Reader, entries: list[Entry]) -> None:
    seen: dict[str, list[Entry]] = {}
    for e in entries:
        codes_here: set[str] = set()
        for s in e.services:
            if s.code in codes_here and not e.rule.REPEATS_CODES:
                r.problem(f"{e.key}", e.line, f"code {s.code!r} appears twice in one entry")
            codes_here.add(s.code)
        for code in codes_here:
            for other in seen.get(code, ()):
                if _overlap(e, other):
                    r.problem(
                        e.key,
                        e.line,
                        f"code {code!r} is already defined at line {other.line} for an "
                        "overlapping effective range",
                    )
            seen.setdefault(code, []).append(e)
    for e in entries:
        for code in e.rule.references():
            if code not in seen:
                r.problem(
                    f"{e.key}.rule.after",
                    e.line,
                    f"refers to code {code!r}, which no entry defines",
                )
    waits_for: dict[str, set[str]] = {}
    first: dict[str, Entry] = {}
    for e in entries:
        for s in e.services:
            waits_for.setdefault(s.code, set()).update(e.rule.references())
            first.setdefault(s.code, e)
    for cycle in cycles(waits_for):
        e = first[cycle[0]]
        msg = f"'after' goes round in a circle ({' after '.join(cycle)}): never due"
        r.problem(f"{e.key}.rule.after", e.line, msg)


def _overlap(a: Entry, b: Entry) -> bool:
    lo = max(a.effective_from or pendulum.Date.min, b.effective_from or pendulum.Date.min)
    hi = min(a.effective_before or pendulum.Date.max, b.effective_before or pendulum.Date.max)
    return lo < hi


def load_catalogue(path: str | Path) -> Catalogue:
    """Load and validate a catalogue YAML file.

    Every problem found raises one :class:`~ilp.errors.CatalogueError`.
    """
    p = Path(path)
    data = load_file(p, kind="catalogue", error=CatalogueError)
    return parse_catalogue(data, origin=str(p))


@cache
def national() -> Catalogue:
    """The national catalogue shipped with ilp (loaded once, on first use)."""
    text = resources.files("ilp.lifecycle").joinpath("data/national.yaml").read_text("utf-8")
    return parse_catalogue(read_yaml(text, origin="national.yaml"), origin="national.yaml")

"""Reading, validating and writing catalogue YAML (format: ``docs/catalogue.md``).

YAML is read with the safe loader only. Validation collects every problem
with its file, line and key, and raises one :class:`~ilp.errors.CatalogueError`
that lists them all.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final, TypeVar

import pendulum
import yaml

from ilp._vocabulary import Cluster, Label, PointOfCare
from ilp._yaml import Map, Reader, load_file, read_yaml
from ilp._yaml import member as _member
from ilp._yaml import text as _text
from ilp._yaml import whole as _int
from ilp.dates import Duration, as_date
from ilp.errors import CatalogueError
from ilp.lifecycle._model import (
    BirthdayRule,
    CalendarRule,
    Catalogue,
    Contact,
    Dose,
    Eligibility,
    Entry,
    FollowupRule,
    Limit,
    OnceRule,
    PostnatalRule,
    PregnancyRule,
    Priority,
    RecurringRule,
    Rule,
    RuleKind,
    SchoolRule,
    SeriesRule,
    Service,
    Supply,
    Visit,
)
from ilp.lifecycle._stages import LifeStage
from ilp.people import Condition, Sex

__all__ = ["dump_catalogue", "load_catalogue", "national", "parse_catalogue", "read_yaml"]

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
_CODE: Final = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
# a reference birth date for comparing durations (non-leap, month end)
_REF: Final = _dt.date(2001, 1, 31).toordinal()


T = TypeVar("T")


def _duration(value: Any) -> Duration:
    if not isinstance(value, str):
        msg = "write durations as text such as '2m' or '6m29d'"
        raise TypeError(msg)
    return Duration.parse(value)


def _code(value: Any) -> str:
    if not isinstance(value, str) or _CODE.fullmatch(value) is None:
        msg = "codes are upper-case ASCII words joined by '-', such as 'DPT-HB-HIB-1'"
        raise ValueError(msg)
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        msg = "expected true or false"
        raise TypeError(msg)
    return value


def _date(value: Any) -> pendulum.Date:
    return as_date(value, field="date")


def _list_of(convert: Callable[[Any], T]) -> Callable[[Any], tuple[T, ...]]:
    def read(value: Any) -> tuple[T, ...]:
        if not isinstance(value, list):
            msg = "expected a list"
            raise TypeError(msg)
        return tuple(convert(v) for v in value)

    return read


def _one_of(options: frozenset[str]) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        if value not in options:
            msg = f"known values: {', '.join(sorted(options))}"
            raise ValueError(msg)
        return str(value)

    return read


def _month(value: Any) -> int:
    month = _int(value)
    if not 1 <= month <= 12:
        msg = "months are 1 to 12"
        raise ValueError(msg)
    return month


def _grade(value: Any) -> int:
    grade = _int(value)
    if not 1 <= grade <= 12:
        msg = "grades are 1 to 12"
        raise ValueError(msg)
    return grade


def _after(d: Duration | None) -> int:
    return d.after(_REF) if d is not None else _REF


def _limit(r: Reader, m: Map, where: str, key: str) -> Limit | None:
    incl = r.get(m, key, where, _duration, "a duration")
    excl = r.get(m, f"{key}_before", where, _duration, "a duration")
    if incl is not None and excl is not None:
        r.problem(f"{where}.{key}", m.line, f"give {key} or {key}_before, not both")
    if incl is not None:
        return Limit(incl)
    if excl is not None:
        return Limit(excl, exclusive=True)
    return None


def _check_window(
    r: Reader, where: str, line: int | None, start: Duration | None, end: Limit | None
) -> None:
    if end is not None and end.day(_REF) < _after(start):
        r.problem(where, line, f"window ends ({end}) before it starts ({start or '0d'})")


def _label(r: Reader, m: Map, where: str, key: str = "label") -> Label | None:
    if key not in m:
        return None
    lm = r.mapping(m[key], f"{where}.{key}", m.lines.get(key), required=("id", "en"))
    if lm is None:
        return None
    ids = r.get(lm, "id", f"{where}.{key}", _text, "text")
    ens = r.get(lm, "en", f"{where}.{key}", _text, "text")
    return Label(ids, ens) if ids is not None and ens is not None else None


_ELIG_KEYS: Final = (
    "sex",
    "age",
    "stages",
    "conditions",
    "region",
    "born",
    "sexually_active",
)


def _eligibility(r: Reader, m: Map, where: str) -> Eligibility:
    if "eligibility" not in m:
        return Eligibility()
    w = f"{where}.eligibility"
    el = r.mapping(m["eligibility"], w, m.lines.get("eligibility"), optional=_ELIG_KEYS)
    if el is None:
        return Eligibility()
    age_from: Duration | None = None
    age_to: Limit | None = None
    if "age" in el:
        am = r.mapping(
            el["age"], f"{w}.age", el.lines.get("age"), optional=("from", "before", "through")
        )
        if am is not None:
            age_from = r.get(am, "from", f"{w}.age", _duration, "a duration")
            before = r.get(am, "before", f"{w}.age", _duration, "a duration")
            through = r.get(am, "through", f"{w}.age", _duration, "a duration")
            if before is not None and through is not None:
                r.problem(f"{w}.age", am.line, "give before or through, not both")
            age_to = (
                Limit(before, exclusive=True) if before else Limit(through) if through else None
            )
            _check_window(r, f"{w}.age", am.line, age_from, age_to)
    born_from = born_before = None
    if "born" in el:
        bm = r.mapping(el["born"], f"{w}.born", el.lines.get("born"), optional=("from", "before"))
        if bm is not None:
            born_from = r.get(bm, "from", f"{w}.born", _date, "a date")
            born_before = r.get(bm, "before", f"{w}.born", _date, "a date")
            if born_from and born_before and born_before <= born_from:
                r.problem(f"{w}.born", bm.line, "born.before is not after born.from")
    sex = r.get(el, "sex", w, Sex.parse, "a sex (female or male)")
    stages = r.get(el, "stages", w, _list_of(_member(LifeStage)), "a list of life stages")
    conditions = r.get(el, "conditions", w, _list_of(Condition.parse), "a list of conditions")
    region = r.get(el, "region", w, _text, "a region flag")
    active = r.get(el, "sexually_active", w, _bool, "true or false")
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
    )


_KIND_KEYS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "once": ((), ("earliest", "recommended", "overdue", "latest", "latest_before")),
    "series": (("doses",), ()),
    "recurring": (("interval",), ("grace", "since")),
    "calendar": (("months",), ("limit",)),
    "followup": (("every",), ()),
    "pregnancy": (("contacts",), ()),
    "postnatal": (("anchor", "visits"), ()),
    "school": (("grades", "months"), ("after", "min_interval", "each_grade")),
    "birthday": (("window",), ()),
}
_DOSE_KEYS: Final = (
    "label",
    "earliest",
    "min_interval",
    "recommended",
    "recommended_interval",
    "overdue",
    "latest",
    "latest_before",
    "born_from",
)
_CONTACT_KEYS: Final = (
    "label",
    "from",
    "to",
    "to_before",
    "recommended",
    "overdue",
    "min_interval",
    "doctor",
)


def _items(r: Reader, rm: Map, key: str, where: str) -> list[tuple[Map, str]]:
    value = rm.get(key)
    if not isinstance(value, list) or not value:
        if key in rm:
            r.problem(f"{where}.{key}", rm.lines.get(key), "expected a non-empty list")
        return []
    return [(v, f"{where}.{key}[{i}]") for i, v in enumerate(value)]


def _rule(r: Reader, m: Map, where: str) -> tuple[Rule | None, list[tuple[str, Label | None]]]:
    """The rule, plus (code, optional own label) of each service it defines, in order."""
    w = f"{where}.rule"
    rm = (
        r.mapping(
            m.get("rule"),
            w,
            m.lines.get("rule"),
            required=("kind",),
            optional=tuple({k for req, opt in _KIND_KEYS.values() for k in (*req, *opt)}),
        )
        if "rule" in m
        else None
    )
    if rm is None:
        return None, []
    kind = rm.get("kind")
    if kind not in _KIND_KEYS:
        known = ", ".join(k.value for k in RuleKind)
        r.problem(f"{w}.kind", rm.lines.get("kind"), f"unknown rule kind {kind!r} (known: {known})")
        return None, []
    req, opt = _KIND_KEYS[kind]
    r.mapping(rm, w, rm.line, required=("kind", *req), optional=opt)
    single = m.get("code") if isinstance(m.get("code"), str) else None
    services: list[tuple[str, Label | None]] = [(single, None)] if single else []
    if kind == "once":
        earliest = r.get(rm, "earliest", w, _duration, "a duration") or Duration()
        rec = r.get(rm, "recommended", w, _duration, "a duration")
        over = r.get(rm, "overdue", w, _duration, "a duration")
        latest = _limit(r, rm, w, "latest")
        _check_window(r, w, rm.line, earliest, latest)
        return OnceRule(earliest, rec, over, latest), services
    if kind == "series":
        doses = []
        services = []
        for n, (dm, dw) in enumerate(_items(r, rm, "doses", w), start=1):
            d = r.mapping(dm, dw, rm.lines.get("doses"), required=("code",), optional=_DOSE_KEYS)
            if d is None:
                continue
            code = r.get(d, "code", dw, _code, "a service code")
            earliest = r.get(d, "earliest", dw, _duration, "a duration") or Duration()
            latest = _limit(r, d, dw, "latest")
            _check_window(r, dw, d.line, earliest, latest)
            dose = Dose(
                code=code or "?",
                number=n,
                earliest=earliest,
                min_interval=r.get(d, "min_interval", dw, _duration, "a duration"),
                recommended=r.get(d, "recommended", dw, _duration, "a duration"),
                recommended_interval=r.get(d, "recommended_interval", dw, _duration, "a duration"),
                overdue=r.get(d, "overdue", dw, _duration, "a duration"),
                latest=latest,
                born_from=r.get(d, "born_from", dw, _date, "a date"),
            )
            doses.append(dose)
            services.append((dose.code, _label(r, d, dw)))
        return SeriesRule(tuple(doses)), services
    if kind == "recurring":
        interval = r.get(rm, "interval", w, _duration, "a duration")
        grace = r.get(rm, "grace", w, _duration, "a duration") or Duration(months=1)
        since = r.get(rm, "since", w, _one_of(frozenset({"pregnancy"})), "'pregnancy'")
        if interval is not None and interval == Duration():
            r.problem(f"{w}.interval", rm.lines.get("interval"), "interval must be longer than 0d")
            interval = None
        if interval is None:
            return None, services
        return RecurringRule(interval, grace, since == "pregnancy"), services
    if kind == "calendar":
        months = r.get(rm, "months", w, _list_of(_month), "a list of months 1–12")
        limit = r.get(rm, "limit", w, _int, "a whole number")
        if limit is not None and limit < 1:
            r.problem(f"{w}.limit", rm.lines.get("limit"), f"{limit} is not a limit >= 1")
        if not months:
            return None, services
        return CalendarRule(tuple(sorted(set(months))), limit), services
    if kind == "followup":
        every = r.get(rm, "every", w, _duration, "a duration")
        if every is not None and (every.days or every.months not in (1, 2, 3, 4, 6, 12)):
            r.problem(
                f"{w}.every", rm.lines.get("every"), f"{every} is not 1m, 2m, 3m, 4m, 6m or 12m"
            )
            return None, services
        if every is not None and not (m.get("eligibility") or {}).get("conditions"):
            r.problem(f"{w}", rm.line, "a followup rule needs eligibility.conditions")
        return (FollowupRule(every.months), services) if every is not None else (None, services)
    if kind == "pregnancy":
        contacts = []
        services = []
        for n, (cm, cw) in enumerate(_items(r, rm, "contacts", w), start=1):
            c = r.mapping(
                cm, cw, rm.lines.get("contacts"), required=("code", "from"), optional=_CONTACT_KEYS
            )
            if c is None:
                continue
            code = r.get(c, "code", cw, _code, "a service code") or "?"
            start = r.get(c, "from", cw, _duration, "a duration") or Duration()
            end = _limit(r, c, cw, "to")
            _check_window(r, cw, c.line, start, end)
            contacts.append(
                Contact(
                    code=code,
                    number=n,
                    start=start,
                    end=end,
                    recommended=r.get(c, "recommended", cw, _duration, "a duration"),
                    overdue=r.get(c, "overdue", cw, _duration, "a duration"),
                    min_interval=r.get(c, "min_interval", cw, _duration, "a duration"),
                    doctor=bool(r.get(c, "doctor", cw, _bool, "true or false")),
                )
            )
            services.append((code, _label(r, c, cw)))
        return PregnancyRule(tuple(contacts)), services
    if kind == "postnatal":
        anchor = r.get(rm, "anchor", w, _one_of(frozenset({"delivery", "birth"})), "an anchor")
        visits = []
        services = []
        for n, (vm, vw) in enumerate(_items(r, rm, "visits", w), start=1):
            v = r.mapping(
                vm,
                vw,
                rm.lines.get("visits"),
                required=("code", "from"),
                optional=("label", "to", "to_before"),
            )
            if v is None:
                continue
            code = r.get(v, "code", vw, _code, "a service code") or "?"
            start = r.get(v, "from", vw, _duration, "a duration") or Duration()
            end = _limit(r, v, vw, "to")
            if end is None:
                r.problem(f"{vw}.to", v.line, "a postnatal visit needs 'to' or 'to_before'")
                continue
            _check_window(r, vw, v.line, start, end)
            visits.append(Visit(code, n, start, end))
            services.append((code, _label(r, v, vw)))
        return PostnatalRule(anchor or "birth", tuple(visits)), services
    if kind == "school":
        grades = r.get(rm, "grades", w, _list_of(_grade), "a list of grades 1–12")
        months = r.get(rm, "months", w, _list_of(_month), "a list of months 1–12")
        after = r.get(rm, "after", w, _code, "a service code")
        gap = r.get(rm, "min_interval", w, _duration, "a duration")
        each = r.get(rm, "each_grade", w, _bool, "true or false")
        if not grades or not months:
            return None, services
        return SchoolRule(
            tuple(grades), tuple(sorted(set(months))), after, gap, each_grade=bool(each)
        ), services
    # birthday
    window = r.get(rm, "window", w, _duration, "a duration")
    return (BirthdayRule(window), services) if window is not None else (None, services)


def _effective(r: Reader, m: Map, where: str) -> tuple[pendulum.Date | None, pendulum.Date | None]:
    if "effective" not in m:
        return None, None
    w = f"{where}.effective"
    em = r.mapping(m["effective"], w, m.lines.get("effective"), optional=("from", "before"))
    if em is None:
        return None, None
    start = r.get(em, "from", w, _date, "a date")
    end = r.get(em, "before", w, _date, "a date")
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
    conditions = r.get(pm, "conditions", pw, _list_of(Condition.parse), "a list of conditions")
    stages = r.get(pm, "stages", pw, _list_of(_member(LifeStage)), "a list of life stages")
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
        label = _label(r, fm, "region_flags", name)
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
    key = r.get(m, "code" if "code" in m else "series", where, _code, "a service code")
    label = _label(r, m, where)
    group = r.get(m, "group", where, _one_of(GROUPS), "a group")
    stages = r.get(m, "stages", where, _list_of(_member(LifeStage)), "a list of life stages")
    cluster = r.get(m, "cluster", where, _member(Cluster), "a cluster 1–5")
    places = r.get(
        m, "points_of_care", where, _list_of(_member(PointOfCare)), "a list of points of care"
    )
    providers = r.get(m, "providers", where, _list_of(_one_of(PROVIDERS)), "a list of providers")
    source = r.get(m, "source", where, _text, "text")
    confirmed = r.get(m, "confirmed", where, _bool, "true or false")
    note = r.get(m, "note", where, _text, "text")
    if confirmed is False and note is None:
        r.problem(f"{where}.note", m.line, "an entry with confirmed: false needs a note saying why")
    start, end = _effective(r, m, where)
    supply = _supply(r, m, where)
    opportunistic, priority = _opportunistic(r, m, where)
    eligibility = _eligibility(r, m, where)
    rule, codes = _rule(r, m, where)
    if (
        "series" in m
        and rule is not None
        and not isinstance(rule, SeriesRule | PregnancyRule | PostnatalRule)
    ):
        r.problem(
            f"{where}.series",
            m.line,
            "'series' goes with rule kinds series, pregnancy or postnatal",
        )
        return None
    if "code" in m and isinstance(rule, SeriesRule | PregnancyRule | PostnatalRule):
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
        if "format" in top and fmt != FORMAT:
            r.problem(
                "format",
                top.lines.get("format"),
                f"format {fmt!r} is not supported (only {FORMAT})",
            )
        cid = r.get(top, "id", "catalogue", _text, "text") or cid
        title = _label(r, top, "catalogue", "title") or title
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
    named: set[str] = set()
    for e in entries:
        flag = e.eligibility.region
        if flag is None:
            continue
        named.add(flag)
        if flag not in flags:
            known = ", ".join(sorted(flags)) or "none declared"
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
            if s.code in codes_here and not isinstance(e.rule, SeriesRule):
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
        rule = e.rule
        if isinstance(rule, SchoolRule) and rule.after is not None and rule.after not in seen:
            r.problem(
                f"{e.key}.rule.after",
                e.line,
                f"refers to code {rule.after!r}, which no entry defines",
            )


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


# ---------------------------------------------------------------------------
# writing


def _dur(d: Duration | None) -> str | None:
    return None if d is None else str(d)


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value not in ((), []) and value is not False:
        out[key] = value


def _put_limit(out: dict[str, Any], key: str, limit: Limit | None) -> None:
    if limit is not None:
        out[f"{key}_before" if limit.exclusive else key] = str(limit.duration)


def _rule_data(entry: Entry) -> dict[str, Any]:
    rule = entry.rule
    out: dict[str, Any] = {"kind": rule.kind.value}
    labels = {s.code: s.label for s in entry.services}
    if isinstance(rule, OnceRule):
        out["earliest"] = str(rule.earliest)
        _put(out, "recommended", _dur(rule.recommended))
        _put(out, "overdue", _dur(rule.overdue))
        _put_limit(out, "latest", rule.latest)
    elif isinstance(rule, SeriesRule):
        doses = []
        for svc, d in zip(entry.services, rule.doses, strict=True):
            dd: dict[str, Any] = {
                "code": d.code,
                "label": svc.label.as_dict(),
                "earliest": str(d.earliest),
            }
            for key in ("min_interval", "recommended", "recommended_interval", "overdue"):
                _put(dd, key, _dur(getattr(d, key)))
            _put_limit(dd, "latest", d.latest)
            _put(dd, "born_from", d.born_from.isoformat() if d.born_from else None)
            doses.append(dd)
        out["doses"] = doses
    elif isinstance(rule, RecurringRule):
        out["interval"] = str(rule.interval)
        out["grace"] = str(rule.grace)
        if rule.since_pregnancy:
            out["since"] = "pregnancy"
    elif isinstance(rule, CalendarRule):
        out["months"] = list(rule.months)
        _put(out, "limit", rule.limit)
    elif isinstance(rule, FollowupRule):
        out["every"] = f"{rule.every}m"
    elif isinstance(rule, PregnancyRule):
        contacts = []
        for c in rule.contacts:
            cd: dict[str, Any] = {
                "code": c.code,
                "label": labels[c.code].as_dict(),
                "from": str(c.start),
            }
            _put_limit(cd, "to", c.end)
            for key in ("recommended", "overdue", "min_interval"):
                _put(cd, key, _dur(getattr(c, key)))
            _put(cd, "doctor", c.doctor)
            contacts.append(cd)
        out["contacts"] = contacts
    elif isinstance(rule, PostnatalRule):
        out["anchor"] = rule.anchor
        visits = []
        for v in rule.visits:
            vd: dict[str, Any] = {
                "code": v.code,
                "label": labels[v.code].as_dict(),
                "from": str(v.start),
            }
            _put_limit(vd, "to", v.end)
            visits.append(vd)
        out["visits"] = visits
    elif isinstance(rule, SchoolRule):
        out["grades"] = list(rule.grades)
        out["months"] = list(rule.months)
        _put(out, "after", rule.after)
        _put(out, "min_interval", _dur(rule.min_interval))
        _put(out, "each_grade", rule.each_grade)
    else:
        out["window"] = str(rule.window)
    return out


def _eligibility_data(el: Eligibility) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _put(out, "sex", el.sex.value if el.sex else None)
    age: dict[str, Any] = {}
    _put(age, "from", _dur(el.age_from))
    if el.age_to is not None:
        age["before" if el.age_to.exclusive else "through"] = str(el.age_to.duration)
    _put(out, "age", age or None)
    _put(out, "stages", sorted(s.value for s in el.stages))
    _put(out, "conditions", sorted(c.value for c in el.conditions))
    _put(out, "region", el.region)
    born: dict[str, Any] = {}
    _put(born, "from", el.born_from.isoformat() if el.born_from else None)
    _put(born, "before", el.born_before.isoformat() if el.born_before else None)
    _put(out, "born", born or None)
    _put(out, "sexually_active", el.sexually_active)
    return out


def _entry_data(entry: Entry) -> dict[str, Any]:
    first = entry.services[0]
    out: dict[str, Any] = {}
    if first.series is not None:
        out["series"] = first.series
        base = first.label
        suffix = f" {first.dose}"
        out["label"] = {
            "id": base.id.removesuffix(suffix),
            "en": base.en.removesuffix(suffix),
        }
    else:
        out["code"] = first.code
        out["label"] = first.label.as_dict()
    out["group"] = first.group
    _put(out, "stages", sorted(s.value for s in first.stages))
    out["cluster"] = int(first.cluster)
    out["points_of_care"] = [p.value for p in first.points_of_care]
    _put(out, "providers", list(first.providers))
    out["source"] = first.source
    if not first.confirmed:
        out["confirmed"] = False
    _put(out, "note", first.note)
    eff: dict[str, Any] = {}
    _put(eff, "from", entry.effective_from.isoformat() if entry.effective_from else None)
    _put(eff, "before", entry.effective_before.isoformat() if entry.effective_before else None)
    _put(out, "effective", eff or None)
    _put(out, "eligibility", _eligibility_data(entry.eligibility) or None)
    if first.opportunistic:
        pr = first.priority
        out["opportunistic"] = (
            True
            if pr is None
            else {
                "priority": {
                    k: v
                    for k, v in (
                        ("conditions", sorted(c.value for c in pr.conditions)),
                        ("stages", sorted(s.value for s in pr.stages)),
                    )
                    if v
                }
            }
        )
    if first.supply is not None:
        out["supply"] = {
            "item": first.supply.item,
            "quantity": first.supply.quantity,
            "unit": first.supply.unit,
        }
    out["rule"] = _rule_data(entry)
    return out


def dump_catalogue(catalogue: Catalogue) -> str:
    """The catalogue as YAML that :func:`parse_catalogue` reads back to an equal catalogue."""
    data = {
        "format": FORMAT,
        "id": catalogue.id,
        "title": catalogue.title.as_dict(),
        "edition": catalogue.edition,
        **(
            {"region_flags": {k: v.as_dict() for k, v in catalogue.region_flags.items()}}
            if catalogue.region_flags
            else {}
        ),
        "services": [_entry_data(e) for e in catalogue.entries],
    }
    header = "# ilp service catalogue (format: docs/catalogue.md), written by ilp.dump_catalogue\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)

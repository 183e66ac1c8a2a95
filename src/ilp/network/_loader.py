"""Reading, validating and writing network YAML (format: ``docs/network.md``).

YAML (or JSON) is read with the safe loader only. Validation walks the whole
file, collects every problem with its file, line and id, and raises one
:class:`~ilp.errors.NetworkError` that lists them all.

Decisions beyond the format text:

- a Posyandu may serve a dusun/RW or a whole desa/kelurahan (some villages
  and most kelurahan run one Posyandu for the whole village); a Posyandu of a
  desa counts as serving each dusun in it (see :func:`ilp.network.gaps`);
- a facility's parent must be of the kind above it: a Posyandu's a Pustu or
  Puskesmas, a Pustu's a Puskesmas, a partner's (klinik pratama, praktik) a
  Puskesmas; a Puskesmas or hospital has no parent;
- ``cluster_overrides`` belong to a Puskesmas (only it has clusters);
- staff ids are unique within a facility (one person may work in two places);
- weekdays are English (``mon``, ``monday``) or Indonesian (``senin``) names,
  in any case.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any, Final, TypeVar

import yaml

from ilp._vocabulary import Cluster
from ilp._yaml import Map as _Map
from ilp._yaml import Reader as _Reader
from ilp._yaml import load_file
from ilp._yaml import member as _member
from ilp._yaml import show as _show
from ilp._yaml import text as _text
from ilp._yaml import whole as _int
from ilp.dates import as_date
from ilp.errors import ILPError, NetworkError
from ilp.lifecycle import Catalogue, national
from ilp.network._model import (
    Area,
    AreaLevel,
    AreaType,
    Facility,
    FacilityType,
    KaderLevel,
    Network,
    Opening,
    Staff,
    StaffRole,
)

__all__ = ["dump_network", "load_network", "parse_network"]

FORMAT: Final = 1

_WEEKDAY_WORDS: Final = (
    ("mon", "monday", "senin"),
    ("tue", "tuesday", "selasa"),
    ("wed", "wednesday", "rabu"),
    ("thu", "thursday", "kamis"),
    ("fri", "friday", "jumat", "jum'at"),
    ("sat", "saturday", "sabtu"),
    ("sun", "sunday", "minggu", "ahad"),
)
_WEEKDAY_NAMES: Final = {w: i for i, words in enumerate(_WEEKDAY_WORDS) for w in words}
_LEVELS: Final = ("province", "kabupaten", "kota", "kecamatan", "desa", "kelurahan", "dusun", "rw")
_SHORT_WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: The level a facility's area must have, by facility type (absent: any level).
_AREA_LEVELS: Final[dict[FacilityType, tuple[AreaLevel, ...]]] = {
    FacilityType.PUSKESMAS: (AreaLevel.KECAMATAN,),
    FacilityType.PUSTU: (AreaLevel.DESA,),
    FacilityType.POSYANDU: (AreaLevel.DUSUN, AreaLevel.DESA),
}
#: The kinds a facility's parent may be, by facility type; () means no parent.
_PARENT_TYPES: Final[dict[FacilityType, tuple[FacilityType, ...]]] = {
    FacilityType.PUSKESMAS: (),
    FacilityType.PUSTU: (FacilityType.PUSKESMAS,),
    FacilityType.POSYANDU: (FacilityType.PUSTU, FacilityType.PUSKESMAS),
    FacilityType.KLINIK_PRATAMA: (FacilityType.PUSKESMAS,),
    FacilityType.PRAKTIK_DOKTER: (FacilityType.PUSKESMAS,),
    FacilityType.PRAKTIK_BIDAN: (FacilityType.PUSKESMAS,),
    FacilityType.HOSPITAL: (),
}
#: Facility types that must reach a Puskesmas through their parents.
_MUST_REACH: Final = frozenset({FacilityType.PUSTU, FacilityType.POSYANDU})

_AREA_KEYS: Final = ("id", "name", "level", "parent", "code", "type", "flags")
_FACILITY_KEYS: Final = (
    "id",
    "name",
    "type",
    "area",
    "parent",
    "opening",
    "staff",
    "services",
    "cluster_overrides",
)

T = TypeVar("T")


# ---------------------------------------------------------------------------
# collecting problems


def _as_maps(value: Any) -> Any:
    """Plain dicts (from ``json.load`` or code) as line-less :class:`_Map` objects."""
    if isinstance(value, _Map):
        return value
    if isinstance(value, dict):
        out = _Map((k, _as_maps(v)) for k, v in value.items())
        out.line = None
        out.lines = {}
        out.duplicates = []
        return out
    if isinstance(value, list):
        return [_as_maps(v) for v in value]
    return value


# ---------------------------------------------------------------------------
# converters: raise ValueError or TypeError with a short detail


def _id(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = "ids are non-empty text; quote ids that YAML reads as numbers"
        raise TypeError(msg)
    if value != value.strip() or any(c.isspace() for c in value):
        msg = "ids contain no spaces"
        raise ValueError(msg)
    if len(value) > 200:
        msg = "ids are at most 200 characters"
        raise ValueError(msg)
    return value


def _level(value: Any) -> AreaLevel:
    msg = f"known levels: {', '.join(_LEVELS)}"
    if not isinstance(value, str):
        raise TypeError(msg)
    try:
        return AreaLevel.parse(value)
    except ValueError:
        raise ValueError(msg) from None


def _code_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = 'quote official codes, such as code: "3507121001"'
        raise TypeError(msg)
    return value


def _weekday(value: Any) -> int:
    """The weekday number (0 = Monday) of an English or Indonesian weekday name."""
    if isinstance(value, str):
        found = _WEEKDAY_NAMES.get(value.strip().lower())
        if found is not None:
            return found
    msg = "weekdays are mon..sun, monday..sunday or senin..minggu"
    raise ValueError(msg)


def _weekdays(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        msg = "expected a non-empty list of weekdays"
        raise TypeError(msg)
    return tuple(_weekday(v) for v in value)


def _nth(value: Any) -> int:
    n = _int(value)
    if n not in (1, 2, 3, 4, 5, -1):
        msg = "1 to 5, or -1 for the last"
        raise ValueError(msg)
    return n


def _day_of_month(value: Any) -> int:
    day = _int(value)
    if not 1 <= day <= 31:
        msg = "days of the month are 1 to 31"
        raise ValueError(msg)
    return day


def _date(value: Any) -> _dt.date:
    return as_date(value, field="holiday")


def _cluster(value: Any) -> Cluster:
    try:
        return Cluster(_int(value))
    except ValueError:
        msg = "clusters are 1 to 5"
        raise ValueError(msg) from None


# ---------------------------------------------------------------------------
# reading


class _Parsed:
    """What the first pass found: values plus the lines that cross-checks need."""

    def __init__(self) -> None:
        self.areas: list[Area] = []
        self.facilities: list[Facility] = []
        #: each valid area's and facility's mapping, by id, for the lines of its keys
        self.maps: dict[str, _Map] = {}
        #: who holds each id so far (areas and facilities share one namespace)
        self.owners: dict[str, str] = {}
        #: ids declared by an item that is itself invalid (its problem is reported already)
        self.broken: set[str] = set()
        #: (where, line, code) for every service code named
        self.codes: list[tuple[str, int | None, str]] = []
        #: (where, line, flag) for every region flag an area sets
        self.flags: list[tuple[str, int | None, str]] = []


def _where(kind: str, index: int, m: _Map | None) -> str:
    """``area[krajan]`` when the item has a usable id, else ``areas[3]``."""
    if m is not None:
        raw = m.get("id")
        if isinstance(raw, str) and raw.strip() and len(raw) <= 200:
            return f"{kind}[{raw}]"
    return f"{'facilities' if kind == 'facility' else kind + 's'}[{index}]"


def _area(r: _Reader, value: Any, index: int, line: int | None, parsed: _Parsed) -> Area | None:
    m = value if isinstance(value, _Map) else None
    where = _where("area", index, m)
    m = r.mapping(value, where, line, required=("id", "name", "level"), optional=_AREA_KEYS)
    if m is None:
        return None
    aid = r.get(m, "id", where, _id, "an id")
    name = r.get(m, "name", where, _text, "a name")
    level = r.get(m, "level", where, _level, "an area level")
    parent = r.get(m, "parent", where, _id, "an area id")
    code = r.get(m, "code", where, _code_text, "an official code as text")
    kind = r.get(m, "type", where, _member(AreaType), "an area type")
    flags = _flags(r, m, where, parsed)
    if aid is None or name is None or level is None:
        if aid is not None:
            parsed.broken.add(aid)
        return None
    if aid in parsed.owners:
        r.problem(
            f"{where}.id",
            m.lines.get("id", m.line),
            f"id {_show(aid)} is already used by {parsed.owners[aid]}",
        )
        return None
    parsed.owners[aid] = f"the area at line {m.line}" if m.line else "an area"
    return Area(aid, name, level, parent=parent, code=code, type=kind, flags=flags)


def _flag_value(value: Any) -> bool:
    if not isinstance(value, bool):
        msg = "a region flag is true or false"
        raise TypeError(msg)
    return value


def _flags(r: _Reader, m: _Map, where: str, parsed: _Parsed) -> dict[str, bool]:
    """An area's ``flags: {je_endemic: true}``; the names are checked against the catalogue."""
    if "flags" not in m:
        return {}
    w = f"{where}.flags"
    value = m["flags"]
    keys = tuple(str(k) for k in value) if isinstance(value, _Map) else ()
    fm = r.mapping(value, w, m.lines.get("flags", m.line), optional=keys)
    if fm is None:
        return {}
    out = {}
    for name in fm:
        flag = r.get(fm, name, w, _flag_value, "true or false")
        if flag is not None:
            parsed.flags.append((f"{w}.{name}", fm.lines.get(name, fm.line), str(name)))
            out[str(name)] = flag
    return out


def _opening(r: _Reader, m: _Map, where: str) -> Opening | None:
    if "opening" not in m:
        return None
    w = f"{where}.opening"
    om = r.mapping(
        m["opening"],
        w,
        m.lines.get("opening", m.line),
        optional=("weekdays", "nth_weekday", "weekday", "day_of_month"),
    )
    if om is None:
        return None
    rules = [k for k in ("weekdays", "nth_weekday", "day_of_month") if k in om]
    if len(rules) != 1:
        what = "none" if not rules else " and ".join(rules)
        r.problem(
            w,
            om.line,
            "give exactly one rule: weekdays, nth_weekday (with weekday) or day_of_month; "
            f"got {what}",
        )
        return None
    if rules[0] == "weekdays":
        if "weekday" in om:
            r.problem(f"{w}.weekday", om.lines.get("weekday"), "weekday goes with nth_weekday")
        days = r.get(om, "weekdays", w, _weekdays, "a list of weekdays")
        return Opening.every(*days) if days is not None else None
    if rules[0] == "nth_weekday":
        n = r.get(om, "nth_weekday", w, _nth, "a week of the month")
        day = r.get(om, "weekday", w, _weekday, "a weekday")
        if "weekday" not in om:
            r.problem(f"{w}.weekday", om.line, "nth_weekday needs a weekday, such as weekday: tue")
        return Opening.nth(n, day) if n is not None and day is not None else None
    if "weekday" in om:
        r.problem(f"{w}.weekday", om.lines.get("weekday"), "weekday goes with nth_weekday")
    dom = r.get(om, "day_of_month", w, _day_of_month, "a day of the month")
    return Opening.monthly(dom) if dom is not None else None


def _staff(r: _Reader, m: _Map, where: str) -> tuple[Staff, ...]:
    out: list[Staff] = []
    seen: set[str] = set()
    for value, w, line in r.items(m, "staff", where):
        sm = r.mapping(value, w, line, required=("id", "role"), optional=("name", "level"))
        if sm is None:
            continue
        sid = r.get(sm, "id", w, _id, "an id")
        role = r.get(sm, "role", w, _member(StaffRole), "a staff role")
        name = r.get(sm, "name", w, _text, "a name")
        level = r.get(sm, "level", w, _member(KaderLevel), "a kader level")
        if level is not None and role is not None and role is not StaffRole.KADER:
            r.problem(f"{w}.level", sm.lines.get("level"), f"level is for kader, not {role.value}")
        if sid is not None and sid in seen:
            r.problem(
                f"{w}.id",
                sm.lines.get("id"),
                f"staff id {_show(sid)} is given twice in this facility",
            )
            continue
        if sid is None or role is None:
            continue
        seen.add(sid)
        out.append(Staff(sid, role, name=name, kader_level=level))
    return tuple(out)


def _codes(r: _Reader, m: _Map, key: str, where: str) -> list[tuple[str, int | None]]:
    """Service codes in list *key* of *m*, each with its line."""
    out = []
    for value, w, line in r.items(m, key, where):
        if isinstance(value, str) and value.strip():
            out.append((value, line))
        else:
            r.problem(w, line, f"{_show(value)} is not a service code")
    return out


def _services(
    r: _Reader, m: _Map, where: str, parsed: _Parsed
) -> tuple[frozenset[str], frozenset[str]]:
    if "services" not in m:
        return frozenset(), frozenset()
    w = f"{where}.services"
    sm = r.mapping(m["services"], w, m.lines.get("services", m.line), optional=("add", "remove"))
    if sm is None:
        return frozenset(), frozenset()
    add = _codes(r, sm, "add", w)
    remove = _codes(r, sm, "remove", w)
    for code, line in add:
        parsed.codes.append((f"{w}.add", line, code))
    for code, line in remove:
        parsed.codes.append((f"{w}.remove", line, code))
    both = sorted({c for c, _ in add} & {c for c, _ in remove})
    if both:
        r.problem(w, sm.line, f"codes both added and removed: {', '.join(both)}")
    return frozenset(c for c, _ in add), frozenset(c for c, _ in remove)


def _overrides(
    r: _Reader, m: _Map, where: str, kind: FacilityType | None, parsed: _Parsed
) -> dict[str, Cluster]:
    if "cluster_overrides" not in m:
        return {}
    w = f"{where}.cluster_overrides"
    line = m.lines.get("cluster_overrides", m.line)
    om = m["cluster_overrides"]
    if not isinstance(om, _Map):
        r.problem(w, line, f"expected a mapping of service codes to clusters, got {_show(om)}")
        return {}
    for key, kline in om.duplicates:
        r.problem(f"{w}.{key}", kline, "key given twice")
    if kind is not None and kind is not FacilityType.PUSKESMAS:
        r.problem(w, line, f"only a Puskesmas has clusters to override, not a {kind.value}")
    out: dict[str, Cluster] = {}
    for code in om:
        cluster = r.get(om, code, w, _cluster, "a cluster 1–5")
        if not isinstance(code, str):
            r.problem(w, om.lines.get(code, om.line), f"{_show(code)} is not a service code")
            continue
        parsed.codes.append((f"{w}.{code}", om.lines.get(code, om.line), code))
        if cluster is not None:
            out[code] = cluster
    return out


def _facility(
    r: _Reader, value: Any, index: int, line: int | None, parsed: _Parsed
) -> Facility | None:
    m = value if isinstance(value, _Map) else None
    where = _where("facility", index, m)
    m = r.mapping(
        value, where, line, required=("id", "name", "type", "area"), optional=_FACILITY_KEYS
    )
    if m is None:
        return None
    fid = r.get(m, "id", where, _id, "an id")
    name = r.get(m, "name", where, _text, "a name")
    kind = r.get(m, "type", where, _member(FacilityType), "a facility type")
    area = r.get(m, "area", where, _id, "an area id")
    parent = r.get(m, "parent", where, _id, "a facility id")
    opening = _opening(r, m, where)
    staff = _staff(r, m, where)
    added, removed = _services(r, m, where, parsed)
    overrides = _overrides(r, m, where, kind, parsed)
    if fid is None or name is None or kind is None or area is None:
        if fid is not None:
            parsed.broken.add(fid)
        return None
    if fid in parsed.owners:
        r.problem(
            f"{where}.id",
            m.lines.get("id", m.line),
            f"id {_show(fid)} is already used by {parsed.owners[fid]}",
        )
        return None
    parsed.owners[fid] = f"the facility at line {m.line}" if m.line else "a facility"
    return Facility(
        fid,
        name,
        kind,
        area,
        parent=parent,
        staff=staff,
        opening=opening,
        services_added=added,
        services_removed=removed,
        cluster_overrides=overrides,
        line=m.line,
    )


# ---------------------------------------------------------------------------
# cross-checks


def _chain(start: str, parent_of: dict[str, str | None]) -> tuple[list[str], bool]:
    """The ids from *start* upwards through known parents, and whether they loop."""
    path = [start]
    seen = {start}
    current = parent_of.get(start)
    while current is not None and current in parent_of:
        if current in seen:
            return path, True
        path.append(current)
        seen.add(current)
        current = parent_of[current]
    return path, False


def _key_line(parsed: _Parsed, item: str, key: str) -> int | None:
    m = parsed.maps[item]
    return m.lines.get(key, m.line)


def _missing(ref: str, kind: str, others: dict[str, Any]) -> str:
    """Why *ref* is not a known *kind* (area or facility); *others* are those of the other kind."""
    if ref in others:
        return "a facility, not an area" if kind == "area" else "an area, not a facility"
    return f"not {'an area' if kind == 'area' else 'a facility'} of the network"


def _check_areas(r: _Reader, parsed: _Parsed) -> dict[str, Area]:
    areas = {a.id: a for a in parsed.areas}
    facilities = {f.id: f for f in parsed.facilities}
    parent_of = {a.id: a.parent for a in parsed.areas}
    for a in parsed.areas:
        # a parent that was declared but is itself invalid has its own problem already
        if a.parent is None or a.parent in parsed.broken:
            continue
        where, line = f"area[{a.id}].parent", _key_line(parsed, a.id, "parent")
        above = areas.get(a.parent)
        if above is None:
            what = _missing(a.parent, "area", facilities)
            r.problem(where, line, f"parent {_show(a.parent)} is {what}")
            continue
        if above.level >= a.level:
            r.problem(
                where,
                line,
                f"parent {_show(a.parent)} is a {above.level.name.lower()}, not above "
                f"this {a.level.name.lower()}",
            )
        path, loops = _chain(a.id, parent_of)
        if loops:
            r.problem(where, line, f"areas form a cycle: {' -> '.join([*path, path[0]])}")
    return areas


def _check_area_of(r: _Reader, parsed: _Parsed, f: Facility, areas: dict[str, Area]) -> None:
    if f.area in parsed.broken:
        return
    where, line = f"facility[{f.id}].area", _key_line(parsed, f.id, "area")
    area = areas.get(f.area)
    if area is None:
        what = _missing(f.area, "area", {g.id: g for g in parsed.facilities})
        r.problem(where, line, f"area {_show(f.area)} is {what}")
    elif f.type in _AREA_LEVELS and area.level not in _AREA_LEVELS[f.type]:
        want = " or ".join(lv.name.lower() for lv in _AREA_LEVELS[f.type])
        r.problem(
            where,
            line,
            f"a {f.type.value} serves a {want}, but {_show(f.area)} is a {area.level.name.lower()}",
        )


def _check_facilities(r: _Reader, parsed: _Parsed, areas: dict[str, Area]) -> None:
    facilities = {f.id: f for f in parsed.facilities}
    parent_of = {f.id: f.parent for f in parsed.facilities}
    for f in parsed.facilities:
        _check_area_of(r, parsed, f, areas)
        if f.parent in parsed.broken:
            continue
        where, line = f"facility[{f.id}].parent", _key_line(parsed, f.id, "parent")
        allowed = _PARENT_TYPES[f.type]
        parent = facilities.get(f.parent) if f.parent is not None else None
        if f.parent is not None and parent is None:
            what = _missing(f.parent, "facility", areas)
            r.problem(where, line, f"parent {_show(f.parent)} is {what}")
            continue
        if parent is not None and parent.type not in allowed:
            if allowed:
                want = " or ".join(t.value for t in allowed)
                msg = (
                    f"the parent of a {f.type.value} is a {want}, "
                    f"but {_show(f.parent)} is a {parent.type.value}"
                )
            else:
                msg = f"a {f.type.value} has no parent facility, but names {_show(f.parent)}"
            r.problem(where, line, msg)
        path, loops = _chain(f.id, parent_of)
        if loops:
            r.problem(where, line, f"facilities form a cycle: {' -> '.join([*path, path[0]])}")
        elif (
            f.parent is None
            and f.type in _MUST_REACH
            and not any(facilities[p].type is FacilityType.PUSKESMAS for p in path)
        ):
            # a chain broken higher up is reported where it breaks, not at every facility below
            msg = f"a {f.type.value} needs a parent facility through which it reaches a Puskesmas"
            r.problem(where, line, msg)


def _check_codes(r: _Reader, parsed: _Parsed, catalogue: Catalogue | None) -> None:
    if not parsed.codes:
        return
    cat = catalogue if catalogue is not None else national()
    series = {e.key for e in cat.entries if e.services[0].series is not None}
    for where, line, code in parsed.codes:
        if code in cat:
            continue
        hint = f"; {_show(code)} is a series, list its doses" if code in series else ""
        r.problem(where, line, f"unknown service code {_show(code)} in catalogue {cat.id!r}{hint}")


def _check_flags(r: _Reader, parsed: _Parsed, catalogue: Catalogue | None) -> None:
    if not parsed.flags:
        return
    cat = catalogue if catalogue is not None else national()
    known = ", ".join(sorted(cat.region_flags)) or "none"
    for where, line, flag in parsed.flags:
        if flag not in cat.region_flags:
            r.problem(
                where,
                line,
                f"unknown region flag {_show(flag)}: no entry of catalogue {cat.id!r} names it "
                f"(known: {known})",
            )


def parse_network(
    data: Any, *, origin: str = "<memory>", catalogue: Catalogue | None = None
) -> Network:
    """Validate parsed network YAML (as :func:`~ilp.lifecycle._loader.read_yaml` returns it).

    Plain dicts (from ``json.load``) are accepted too, without line numbers.
    Service codes in ``services`` and ``cluster_overrides``, and the region
    flags of areas, are checked against *catalogue* (by default the national
    one, loaded only when a code or flag needs checking). Every problem found raises one
    :class:`~ilp.errors.NetworkError` listing them all.
    """
    data = _as_maps(data)
    r = _Reader("network")
    parsed = _Parsed()
    nid = "network"
    holidays: list[_dt.date] = []
    top = r.mapping(
        data, "", 1, required=("format", "id", "areas", "facilities"), optional=("holidays",)
    )
    if top is not None:
        fmt = top.get("format")
        if "format" in top and (type(fmt) is not int or fmt != FORMAT):
            r.problem(
                "format",
                top.lines.get("format"),
                f"format {_show(fmt)} is not supported (only {FORMAT}, a whole number)",
            )
        nid = r.get(top, "id", "", _id, "an id") or nid
        for value, w, line in r.items(top, "holidays", ""):
            try:
                holidays.append(_date(value))
            except ILPError as exc:
                r.problem(w, line, exc.msg.removeprefix("holiday: "))
        for i, (value, _, line) in enumerate(r.items(top, "areas", "")):
            area = _area(r, value, i, line, parsed)
            if area is not None:
                parsed.areas.append(area)
                parsed.maps[area.id] = value
        for i, (value, _, line) in enumerate(r.items(top, "facilities", "")):
            facility = _facility(r, value, i, line, parsed)
            if facility is not None:
                parsed.facilities.append(facility)
                parsed.maps[facility.id] = value
    areas = _check_areas(r, parsed)
    _check_facilities(r, parsed, areas)
    _check_codes(r, parsed, catalogue)
    _check_flags(r, parsed, catalogue)
    if r.problems:
        # file order; problems on the same line keep the order they were found
        problems = sorted(r.problems, key=lambda p: (p[0] is None, p[0] or 0))
        first_line, first_where, first_msg = problems[0]
        lines = tuple(
            f"{origin}:{ln if ln is not None else '?'}: {where}: {msg}"
            for ln, where, msg in problems
        )
        more = f" (and {len(lines) - 1} more problems)" if len(lines) > 1 else ""
        raise NetworkError(
            f"{first_where}: {first_msg}{more}",
            path=origin,
            line=first_line,
            key=first_where,
            problems=lines,
        )
    return Network(
        tuple(parsed.areas),
        tuple(parsed.facilities),
        frozenset(holidays),
        origin=origin,
        id=nid,
    )


def load_network(path: str | Path, *, catalogue: Catalogue | None = None) -> Network:
    """Load and validate a network file (YAML or JSON; see :func:`parse_network`)."""
    p = Path(path)
    data = load_file(p, kind="network", error=NetworkError)
    return parse_network(data, origin=str(p), catalogue=catalogue)


# ---------------------------------------------------------------------------
# writing


class _Flow(dict[str, Any]):
    """A mapping written on one line (``{id: x, name: y}``)."""


class _Dumper(yaml.SafeDumper):
    """The safe dumper, writing :class:`_Flow` mappings in flow style."""


def _represent_flow(dumper: _Dumper, data: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)


class _FlowList(list[Any]):
    """A list written on one line (``[a, b]``)."""


def _represent_flow_list(dumper: _Dumper, data: _FlowList) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(_FlowList, _represent_flow_list)


def _area_data(a: Area) -> _Flow:
    out = _Flow(id=a.id, name=a.name, level=a.level.name.lower())
    if a.parent is not None:
        out["parent"] = a.parent
    if a.code is not None:
        out["code"] = a.code
    if a.type is not None:
        out["type"] = a.type.value
    if a.flags:
        out["flags"] = _Flow(sorted(a.flags.items()))
    return out


def _opening_data(o: Opening) -> _Flow:
    if o.kind == "weekdays":
        return _Flow(weekdays=[_SHORT_WEEKDAYS[d] for d in o.weekdays])
    if o.kind == "nth_weekday":
        return _Flow(nth_weekday=o.n, weekday=_SHORT_WEEKDAYS[o.weekdays[0]])
    return _Flow(day_of_month=o.day)


def _staff_data(s: Staff) -> _Flow:
    out = _Flow(id=s.id, role=s.role.value)
    if s.name is not None:
        out["name"] = s.name
    if s.kader_level is not None:
        out["level"] = s.kader_level.value
    return out


def _facility_data(f: Facility) -> dict[str, Any]:
    out: dict[str, Any] = {"id": f.id, "name": f.name, "type": f.type.value, "area": f.area}
    if f.parent is not None:
        out["parent"] = f.parent
    if f.opening is not None:
        out["opening"] = _opening_data(f.opening)
    if f.staff:
        out["staff"] = [_staff_data(s) for s in f.staff]
    services = _Flow()
    if f.services_added:
        services["add"] = sorted(f.services_added)
    if f.services_removed:
        services["remove"] = sorted(f.services_removed)
    if services:
        out["services"] = services
    if f.cluster_overrides:
        out["cluster_overrides"] = _Flow((k, int(v)) for k, v in f.cluster_overrides.items())
    return out


def dump_network(network: Network) -> str:
    """The network as YAML that :func:`parse_network` reads back to an equal network."""
    data: dict[str, Any] = {"format": FORMAT, "id": network.id}
    if network.holidays:
        data["holidays"] = _FlowList(d.isoformat() for d in sorted(network.holidays))
    data["areas"] = [_area_data(a) for a in network.areas]
    data["facilities"] = [_facility_data(f) for f in network.facilities]
    header = f"# Network {network.id} (format: docs/network.md), written by ilp.dump_network\n"
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body

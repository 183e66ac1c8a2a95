"""Network file items: each area and facility read, with every problem collected."""

from __future__ import annotations

from typing import Any, Final

from ilp._reader import Reader as _Reader
from ilp._reader import member as _member
from ilp._reader import show as _show
from ilp._reader import text as _text
from ilp._vocabulary import Cluster
from ilp._yaml import Map as _Map
from ilp.network._fields import (
    _cluster,
    _code_text,
    _day_of_month,
    _id,
    _level,
    _nth,
    _weekday,
    _weekdays,
)
from ilp.network._model import (
    Area,
    AreaType,
    Facility,
    FacilityType,
    KaderLevel,
    Opening,
    Staff,
    StaffRole,
)

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

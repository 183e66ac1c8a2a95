"""Network file cross-checks: parents and cycles, served areas, codes and flags vs the catalogue."""

from __future__ import annotations

from typing import Any, Final

from ilp._reader import Reader as _Reader
from ilp._reader import show as _show
from ilp.lifecycle import Catalogue, national
from ilp.network._items import _Parsed
from ilp.network._model import Area, AreaLevel, Facility, FacilityType

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

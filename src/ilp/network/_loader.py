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
from typing import Any, Final

from ilp._reader import Reader as _Reader
from ilp._reader import show as _show
from ilp._yaml import load_file
from ilp.errors import ILPError, NetworkError
from ilp.lifecycle import Catalogue
from ilp.network._checks import _check_areas, _check_codes, _check_facilities, _check_flags
from ilp.network._fields import _as_maps, _date, _id
from ilp.network._items import _area, _facility, _Parsed
from ilp.network._model import Network

__all__ = ["load_network", "parse_network"]


FORMAT: Final = 1


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

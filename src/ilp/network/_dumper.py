"""Writing a network as YAML in its file format (``docs/network.md``)."""

from __future__ import annotations

from typing import Any, Final

import yaml

from ilp.network._loader import FORMAT
from ilp.network._model import Area, Facility, Network, Opening, Staff

__all__ = ["dump_network"]


_SHORT_WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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

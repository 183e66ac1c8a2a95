"""Writing a catalogue as YAML in its file format (``docs/catalogue.md``)."""

from __future__ import annotations

from typing import Any

import attrs
import yaml

from ilp.lifecycle._loader import FORMAT
from ilp.lifecycle._model import Catalogue, Eligibility, Entry
from ilp.lifecycle.rules import fields

__all__ = ["dump_catalogue"]


def _rule_data(entry: Entry) -> dict[str, Any]:
    return {"kind": entry.rule.kind.value, **entry.rule.dump(entry)}


def _eligibility_data(el: Eligibility) -> dict[str, Any]:
    out: dict[str, Any] = {}
    fields.put(out, "sex", el.sex.value if el.sex else None)
    age: dict[str, Any] = {}
    fields.put_duration(age, "from", el.age_from)
    if el.age_to is not None:
        age["before" if el.age_to.exclusive else "through"] = str(el.age_to.duration)
    fields.put(out, "age", age or None)
    fields.put(out, "stages", sorted(s.value for s in el.stages))
    fields.put(out, "conditions", sorted(c.value for c in el.conditions))
    fields.put(out, "region", el.region)
    born: dict[str, Any] = {}
    fields.put(born, "from", el.born_from.isoformat() if el.born_from else None)
    fields.put(born, "before", el.born_before.isoformat() if el.born_before else None)
    fields.put(out, "born", born or None)
    fields.put(out, "sexually_active", el.sexually_active)
    fields.put(out, "grades", sorted(el.grades))
    if el.any_of:
        # each alternative holds the common keys too: write only its own
        common = _eligibility_data(attrs.evolve(el, any_of=()))
        out["any_of"] = [
            {k: v for k, v in _eligibility_data(alt).items() if common.get(k) != v}
            for alt in el.any_of
        ]
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
    fields.put(out, "stages", sorted(s.value for s in first.stages))
    out["cluster"] = int(first.cluster)
    out["points_of_care"] = [p.value for p in first.points_of_care]
    fields.put(out, "providers", list(first.providers))
    out["source"] = first.source
    if not first.confirmed:
        out["confirmed"] = False
    fields.put(out, "note", first.note)
    eff: dict[str, Any] = {}
    fields.put(eff, "from", entry.effective_from.isoformat() if entry.effective_from else None)
    fields.put(
        eff, "before", entry.effective_before.isoformat() if entry.effective_before else None
    )
    fields.put(out, "effective", eff or None)
    fields.put(out, "eligibility", _eligibility_data(entry.eligibility) or None)
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

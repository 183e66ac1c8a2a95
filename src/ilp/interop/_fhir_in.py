"""FHIR in: a FHIR R4 Bundle (JSON) to ilp people, pregnancies, conditions and histories.

A Bundle that is not FHIR, a resource of the wrong type where one is needed,
a reference to a patient or episode the Bundle does not hold, or a date
that does not exist raises :class:`~ilp.errors.FHIRError` naming the
resource and the field. Resources ilp cannot use are counted and listed in
the :class:`~ilp.interop.ImportReport`, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from ilp._reader import show
from ilp.errors import FHIRError
from ilp.interop._codemap import CodeMap, default_codemap
from ilp.interop._common import DEFAULT_TZ, EPISODE_TYPE, KK
from ilp.interop._fhir_bundle import open_entries
from ilp.interop._fhir_context import (
    NIK_RE,
    Ctx,
    Index,
    PatientParts,
    codings_of,
    extension,
    many,
)
from ilp.interop._fhir_people import read_condition, read_family, read_person
from ilp.interop._fhir_records import read_observation, read_record
from ilp.interop._fhir_result import FHIRImport, ImportReport
from ilp.people import Person, ServiceRecord

__all__ = ["read_bundle"]

_USED_TYPES: Final = frozenset(
    {
        "Patient",
        "Immunization",
        "Observation",
        "Condition",
        "Encounter",
        "EpisodeOfCare",
        "Procedure",
    }
)


def read_bundle(
    source: str | Path | Mapping[str, Any],
    *,
    codemap: CodeMap | None = None,
    tz: str = DEFAULT_TZ,
    stream: bool | None = None,
) -> FHIRImport:
    """Read a FHIR R4 Bundle (a JSON file or its parsed dict) into ilp people and histories.

    Accepts ``collection``, ``searchset``, ``transaction`` and ``batch``
    Bundles of Patient, Immunization, Observation, Condition, Encounter,
    EpisodeOfCare (ANC) and Procedure; other resources are counted and
    reported. Records map to ilp service codes through *codemap* (ilp's own
    coding first, then KFA, CVX, LOINC with dose and reason). Times are
    read as dates in *tz*. A file larger than 64 MiB is streamed with
    ``ijson`` (extra ``ilp[fhir]``); *stream* forces either way.
    """
    ctx = Ctx(default_codemap() if codemap is None else codemap, tz)
    index = Index()
    kept: list[tuple[str, str, Mapping[str, Any]]] = []
    for i, entry in open_entries(source, stream):
        where = f"Bundle.entry[{i}]"
        if not isinstance(entry, dict):
            raise FHIRError("expected an object", resource=where, field="entry", value=entry)
        resource = entry.get("resource")
        if resource is None:
            ctx.read["(no resource)"] += 1
            ctx.skip(where, "entry without a resource (a request only)")
            continue
        if not isinstance(resource, dict):
            raise FHIRError("expected an object", resource=where, field="resource")
        rtype = resource.get("resourceType")
        if not isinstance(rtype, str) or not rtype:
            raise FHIRError("missing or not text", resource=where, field="resource.resourceType")
        ctx.read[rtype] += 1
        rid = resource.get("id")
        if not isinstance(rid, str) or not rid:
            full = entry.get("fullUrl")
            rid = full.rsplit(":", 1)[-1].rsplit("/", 1)[-1] if isinstance(full, str) else str(i)
        name = index.add(entry.get("fullUrl"), rtype, rid)
        if rtype not in _USED_TYPES:
            ctx.skip(name, f"{rtype} is not a resource ilp reads")
            continue
        kept.append((rtype, name, resource))
    return _assemble(ctx, index, kept)


def _subject(
    index: Index,
    patients: dict[str, PatientParts],
    name: str,
    res: Mapping[str, Any],
    field: str,
) -> PatientParts:
    ref = res.get(field)
    target = index.resolve(ref)
    if target is None or target not in patients:
        shown = ref.get("reference") if isinstance(ref, dict) else ref
        msg = f"{show(shown)} refers to no Patient in the bundle"
        raise FHIRError(msg, resource=name, field=f"{field}.reference", value=shown)
    return patients[target]


def _assemble(ctx: Ctx, index: Index, kept: list[tuple[str, str, Mapping[str, Any]]]) -> FHIRImport:
    patients: dict[str, PatientParts] = {}
    for rtype, name, res in kept:
        if rtype == "Patient":
            patients[name] = PatientParts(name, res)
    encounters = {name: res for rtype, name, res in kept if rtype == "Encounter"}
    episodes = {name: res for rtype, name, res in kept if rtype == "EpisodeOfCare"}
    for rtype, name, res in kept:
        if rtype == "Patient":
            continue
        if rtype == "Encounter":
            ctx.used[rtype] += 1
            continue
        field = "patient" if rtype in ("Immunization", "EpisodeOfCare") else "subject"
        owner = _subject(index, patients, name, res, field)
        if rtype == "Condition":
            read_condition(ctx, owner, name, res)
        elif rtype == "EpisodeOfCare":
            if not _is_anc(res):
                ctx.skip(name, "EpisodeOfCare that is not ANC")
                continue
            owner.episodes.append({"name": name, **res})
        elif rtype == "Observation":
            read_observation(ctx, index, owner, name, res, encounters=encounters, episodes=episodes)
        else:
            read_record(ctx, owner, name, rtype, res, index=index, encounters=encounters)
    people: list[Person] = []
    histories: dict[str, tuple[ServiceRecord, ...]] = {}
    cards: dict[str, list[tuple[Person, str | None, Mapping[str, Any]]]] = {}
    for p in patients.values():
        person = read_person(ctx, p)
        if person is None:
            continue
        ctx.used["Patient"] += 1
        people.append(person)
        records = []
        for rname, r in p.records:
            if r.date < person.birth_date or (
                person.death_date is not None and r.date > person.death_date
            ):
                ctx.skip(rname, f"dated {r.date.isoformat()}, outside the person's life")
                continue
            ctx.used[rname.split("/", 1)[0]] += 1
            records.append(r)
        histories[person.id] = tuple(sorted(records, key=lambda r: (r.date, r.code)))
        kk = next(
            (
                i.get("value")
                for i in many(p.resource, "identifier", p.name)
                if isinstance(i, dict) and i.get("system") == KK
            ),
            None,
        )
        if isinstance(kk, str) and NIK_RE.fullmatch(kk):
            cards.setdefault(kk, []).append(
                (person, extension(p.resource, "family-relation"), p.resource)
            )
        elif kk is not None:
            ctx.skip(p.name, f"family card number {show(kk)} is not 16 digits: no family")
    families = [read_family(ctx, kk, members) for kk, members in cards.items()]
    report = ImportReport(dict(ctx.read), dict(ctx.used), tuple(ctx.skipped))
    return FHIRImport(tuple(people), histories, tuple(f for f in families if f is not None), report)


def _is_anc(res: Mapping[str, Any]) -> bool:
    """Whether an EpisodeOfCare is typed ANC in ilp's episode coding."""
    found = res.get("type")
    listed = found if isinstance(found, list) else []
    types = [coding for c in listed for coding in codings_of(c)]
    return EPISODE_TYPE in {s for s, _ in types} and "ANC" in {
        code for s, code in types if s == EPISODE_TYPE
    }

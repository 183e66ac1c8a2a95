"""FHIR in, records: Immunization, Procedure and Observation to service records.

LMP and EDD observations are kept on the patient for its pregnancies.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from ilp._reader import show
from ilp.errors import FHIRError, ILPError
from ilp.interop._codemap import ILP_SERVICE, LOINC, REASON, Resource
from ilp.interop._fhir_context import (
    Ctx,
    Index,
    PatientParts,
    codings_of,
    extension,
    first_code,
    many,
    show_codings,
)
from ilp.people import ServiceRecord

__all__ = ["read_observation", "read_record"]


def _episode_of(
    index: Index,
    res: Mapping[str, Any],
    encounters: Mapping[str, Any],
    name: str,
    episodes: Mapping[str, Any],
) -> str | None:
    for ref in many(res, "focus", name):
        target = index.resolve(ref)
        if isinstance(ref, dict) and str(ref.get("reference", "")).find("EpisodeOfCare") >= 0:
            if target is None or target not in episodes:
                msg = f"{show(ref.get('reference'))} refers to no EpisodeOfCare in the bundle"
                raise FHIRError(
                    msg, resource=name, field="focus.reference", value=ref.get("reference")
                )
            return target
    enc = index.resolve(res.get("encounter"))
    if enc is not None and enc in encounters:
        for ref in many(encounters[enc], "episodeOfCare", enc):
            target = index.resolve(ref)
            if target is not None and target in episodes:
                return target
    return None


def _date_of(ctx: Ctx, res: Mapping[str, Any], name: str, key: str) -> tuple[bool, _dt.date | None]:
    """(found, date) from ``fooDateTime`` or ``fooPeriod.start``."""
    if key in res:
        return True, ctx.day(res[key], name, key)
    period = key.replace("DateTime", "Period")
    if period in res and isinstance(res[period], dict) and "start" in res[period]:
        return True, ctx.day(res[period]["start"], name, f"{period}.start")
    return False, None


def _place_of(res: Mapping[str, Any], index: Index, encounters: Mapping[str, Any]) -> str | None:
    own = extension(res, "place")
    if isinstance(own, str):
        return own
    loc = res.get("location")
    if not isinstance(loc, dict):
        enc = index.resolve(res.get("encounter"))
        locs = encounters.get(enc, {}).get("location") if enc is not None else None
        loc = locs[0].get("location") if locs and isinstance(locs[0], dict) else None
        if not isinstance(loc, dict):
            return None
    ident = loc.get("identifier")
    if isinstance(ident, dict) and isinstance(ident.get("value"), str):
        return str(ident["value"])
    if isinstance(loc.get("display"), str):
        return str(loc["display"])
    ref = loc.get("reference")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _provider_of(res: Mapping[str, Any], name: str) -> str | None:
    for perf in many(res, "performer", name):
        if not isinstance(perf, dict):
            continue
        actor = perf.get("actor", perf)
        if isinstance(actor, dict) and isinstance(actor.get("display"), str):
            return str(actor["display"])
    return None


def read_observation(
    ctx: Ctx,
    index: Index,
    owner: PatientParts,
    name: str,
    res: Mapping[str, Any],
    *,
    encounters: Mapping[str, Any],
    episodes: Mapping[str, Any],
) -> None:
    """An Observation as a record, or as an LMP/EDD kept on *owner* for its pregnancies."""
    if res.get("status") not in ("final", "amended", "corrected", "preliminary"):
        ctx.skip(name, f"observation status {show(res.get('status'))}")
        return
    codings = codings_of(res.get("code"))
    loinc = first_code(codings, LOINC)
    if first_code(codings, ILP_SERVICE) is None and loinc in (
        ctx.codemap.lmp_loinc,
        ctx.codemap.edd_loinc,
    ):
        if "valueDateTime" not in res:
            ctx.skip(name, "LMP/EDD observation without valueDateTime")
            return
        day = ctx.day(res["valueDateTime"], name, "valueDateTime")
        if day is None:
            ctx.skip(name, "LMP/EDD observation with a partial date")
            return
        episode = _episode_of(index, res, encounters, name, episodes)
        target = owner.lmp if loinc == ctx.codemap.lmp_loinc else owner.edd
        target.append((episode, day, name))
        ctx.used["Observation"] += 1
        return
    code = _service_code(ctx, codings, res, Resource.OBSERVATION, name)
    if code is None:
        ctx.skip(name, "coding maps to no ilp service", show_codings(codings))
        return
    found, day = _date_of(ctx, res, name, "effectiveDateTime")
    if not found and "issued" in res:
        day = ctx.day(res["issued"], name, "issued")
    if not isinstance(day, _dt.date):
        ctx.skip(name, "no whole date (effectiveDateTime)")
        return
    value = None
    result = None
    quantity = res.get("valueQuantity")
    if isinstance(quantity, dict) and isinstance(quantity.get("value"), int | float):
        value = float(quantity["value"])
        interp = many(res, "interpretation", name)
        if interp and isinstance(interp[0], dict):
            result = interp[0].get("text") or next((c for _, c in codings_of(interp[0])), None)
    elif isinstance(res.get("valueString"), str):
        result = res["valueString"]
    elif isinstance(res.get("valueCodeableConcept"), dict):
        vc = res["valueCodeableConcept"]
        result = vc.get("text") or next((c for _, c in codings_of(vc)), None)
    _add(
        ctx,
        owner,
        name,
        code,
        day,
        place=_place_of(res, index, encounters),
        provider=_provider_of(res, name),
        result=result,
        value=value,
    )


def _service_code(
    ctx: Ctx, codings: list[tuple[str, str]], res: Mapping[str, Any], kind: Resource, name: str
) -> str | None:
    own = first_code(codings, ILP_SERVICE)
    if own is not None:
        return own
    rows = [r for r in ctx.codemap.candidates(codings) if r.resource is kind]
    if kind is Resource.IMMUNIZATION and len(rows) > 1:
        doses = [
            p.get("doseNumberPositiveInt")
            for p in many(res, "protocolApplied", name)
            if isinstance(p, dict)
        ]
        dose = doses[0] if doses else None
        if isinstance(dose, int):
            rows = [r for r in rows if r.dose is None or r.dose == dose] or rows
        reasons = {
            c for cc in many(res, "reasonCode", name) for s, c in codings_of(cc) if s == REASON
        }
        if reasons and len(rows) > 1:
            rows = [r for r in rows if r.reason in reasons] or rows
    return rows[0].code if len(rows) == 1 else None


def read_record(
    ctx: Ctx,
    owner: PatientParts,
    name: str,
    rtype: str,
    res: Mapping[str, Any],
    *,
    index: Index,
    encounters: Mapping[str, Any],
) -> None:
    """A completed Immunization or Procedure as a record of *owner*; otherwise report it."""
    if res.get("status") != "completed":
        ctx.skip(name, f"{rtype} status {show(res.get('status'))}, not completed")
        return
    if rtype == "Immunization":
        codings = codings_of(res.get("vaccineCode"))
        code = _service_code(ctx, codings, res, Resource.IMMUNIZATION, name)
        _, day = _date_of(ctx, res, name, "occurrenceDateTime")
    else:
        codings = codings_of(res.get("code"))
        code = _service_code(ctx, codings, res, Resource.PROCEDURE, name)
        _, day = _date_of(ctx, res, name, "performedDateTime")
    if code is None:
        ctx.skip(name, "coding maps to no ilp service", show_codings(codings))
        return
    if not isinstance(day, _dt.date):
        ctx.skip(name, "no whole date")
        return
    result = extension(res, "result")
    outcome = res.get("outcome")
    if result is None and isinstance(outcome, dict):
        result = outcome.get("text") or next((c for _, c in codings_of(outcome)), None)
    value = extension(res, "value")
    _add(
        ctx,
        owner,
        name,
        code,
        day,
        place=_place_of(res, index, encounters),
        provider=_provider_of(res, name),
        result=result,
        value=float(value)
        if isinstance(value, int | float) and not isinstance(value, bool)
        else None,
    )


def _add(
    ctx: Ctx,
    owner: PatientParts,
    name: str,
    code: str,
    day: _dt.date,
    *,
    place: str | None,
    provider: str | None,
    result: Any,
    value: float | None,
) -> None:
    try:
        record = ServiceRecord(
            code,
            day,
            place=place,
            provider=provider,
            result=result if isinstance(result, str) else None,
            value=value,
        )
    except ILPError as exc:
        ctx.skip(name, f"not a valid record: {exc}")
        return
    owner.records.append((name, record))

"""FHIR in, people: a Patient to a Person (with its pregnancies), families, conditions.

Pregnancies come from the patient's ANC episodes and LMP/EDD observations;
families from the family card number (``.../id/kk``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from ilp._reader import show
from ilp.errors import ILPError
from ilp.interop._codemap import ICD10, ILP_CONDITION
from ilp.interop._common import ILP_PERSON, NIK
from ilp.interop._fhir_context import (
    NIK_RE,
    Ctx,
    PatientParts,
    codings_of,
    extension,
    first_code,
    many,
    show_codings,
)
from ilp.people import (
    Condition,
    Family,
    Household,
    Member,
    Person,
    Pregnancy,
    Relation,
    mask_nik,
)

__all__ = ["read_condition", "read_family", "read_person"]


def read_family(
    ctx: Ctx, kk: str, members: list[tuple[Person, Any, Mapping[str, Any]]]
) -> Family | None:
    """The family of card *kk* from its members (oldest as head if none is); None if invalid."""
    relations: list[Relation] = []
    for _, rel, _res in members:
        try:
            relations.append(Relation(rel) if rel is not None else Relation.OTHER)
        except ValueError:
            relations.append(Relation.OTHER)
    if Relation.HEAD not in relations:
        oldest = min(range(len(members)), key=lambda i: members[i][0].birth_date)
        relations[oldest] = Relation.HEAD
    address = residence = None
    for _, _, res in members:
        found = res.get("address")
        for a in found if isinstance(found, list) else ():
            if isinstance(a, dict):
                address = address or a.get("text")
                residence = residence or extension(a, "family-residence")
    try:
        return Family(
            kk,
            [Member(p, r) for (p, _, _), r in zip(members, relations, strict=True)],
            household=Household(),
            residence=residence if isinstance(residence, str) else None,
            address=address if isinstance(address, str) else None,
        )
    except ILPError as exc:
        ctx.skip(f"family {kk}", f"not a valid family: {exc}")
        return None


def read_person(ctx: Ctx, p: PatientParts) -> Person | None:
    """The Patient as a Person with its pregnancies, or None (with the reason in the report)."""
    res, name = p.resource, p.name
    ids = {
        i["system"]: i.get("value")
        for i in many(res, "identifier", name)
        if isinstance(i, dict) and isinstance(i.get("system"), str)
    }
    own = ids.get(ILP_PERSON)
    pid = own if isinstance(own, str) and own else name.split("/", 1)[1]
    gender = res.get("gender")
    if gender not in ("female", "male"):
        ctx.skip(name, f"gender {show(gender)}: ilp needs female or male")
        return None
    if "birthDate" not in res:
        ctx.skip(name, "no birthDate")
        return None
    birth = ctx.day(res["birthDate"], name, "birthDate")
    if birth is None:
        ctx.skip(name, f"birthDate {show(res['birthDate'])} is not a whole date")
        return None
    death = None
    if "deceasedDateTime" in res:
        death = ctx.day(res["deceasedDateTime"], name, "deceasedDateTime")
    nik = ids.get(NIK)
    if nik is not None and (not isinstance(nik, str) or NIK_RE.fullmatch(nik) is None):
        shown = mask_nik(str(nik)) if len(str(nik)) > 4 else nik
        ctx.skip(name, f"NIK {show(shown)} is not 16 digits: NIK left out")
        nik = None
    names = many(res, "name", name)
    text = None
    if names and isinstance(names[0], dict):
        n = names[0]
        given = [g for g in many(n, "given", name, "name[0].") if isinstance(g, str)]
        family = n["family"] if isinstance(n.get("family"), str) else ""
        text = n.get("text") if isinstance(n.get("text"), str) else None
        text = text or " ".join([*given, family]).strip() or None
    grade, year = extension(res, "school-grade"), extension(res, "school-year")
    data: dict[str, Any] = {
        "id": pid,
        "sex": gender,
        "birth_date": birth,
        "name": text,
        "nik": nik,
        "death_date": death,
        "conditions": p.conditions,
        "residence": extension(res, "residence"),
        "ever_sexually_active": extension(res, "ever-sexually-active"),
        "pregnancies": _pregnancies(ctx, p),
    }
    if isinstance(grade, int):
        data["school_grade"] = grade
        if isinstance(year, int):
            data["school_year"] = year
    try:
        return Person.from_mapping(data)
    except ILPError as exc:
        if data["pregnancies"]:
            ctx.skip(name, f"pregnancies left out: {exc}")
            data["pregnancies"] = []
            try:
                return Person.from_mapping(data)
            except ILPError as again:
                exc = again
        ctx.skip(name, f"not a valid person: {exc}")
        return None


def _pregnancies(ctx: Ctx, p: PatientParts) -> list[Pregnancy]:
    out: list[Pregnancy] = []
    used_lmp: set[int] = set()
    used_edd: set[int] = set()
    for ep in p.episodes:
        ename = ep["name"]
        lmp = next((i for i, (f, _, _) in enumerate(p.lmp) if f == ename), None)
        edd = next((i for i, (f, _, _) in enumerate(p.edd) if f == ename), None)
        period = ep.get("period") or {}
        end = period.get("end") if isinstance(period, dict) else None
        delivery = ctx.day(end, ename, "period.end") if end is not None else None
        if lmp is None and edd is None:
            ctx.skip(ename, "ANC episode without an LMP (8665-2) or EDD (11778-8) observation")
            continue
        lmp_day = p.lmp[lmp][1] if lmp is not None else p.edd[edd][1] - _dt.timedelta(days=280)  # type: ignore[index]
        if lmp is not None:
            used_lmp.add(lmp)
        if edd is not None:
            used_edd.add(edd)
        data: dict[str, Any] = {"lmp": lmp_day, "delivery_date": delivery}
        if edd is not None:
            data["edd"] = p.edd[edd][1]
        outcome = extension(ep, "pregnancy-outcome")
        if outcome is not None:
            data["outcome"] = outcome
        facility = extension(ep, "delivery-in-facility")
        if isinstance(facility, bool):
            data["in_facility"] = facility
        try:
            out.append(Pregnancy.from_mapping(data))
            ctx.used["EpisodeOfCare"] += 1
        except ILPError as exc:
            ctx.skip(ename, f"not a valid pregnancy: {exc}")
    for i, (_, day, oname) in enumerate(p.lmp):
        if i in used_lmp:
            continue
        edd = next(
            (
                j
                for j, (_, e, _) in enumerate(p.edd)
                if j not in used_edd and 252 <= (e - day).days <= 308
            ),
            None,
        )
        data = {"lmp": day}
        if edd is not None:
            used_edd.add(edd)
            data["edd"] = p.edd[edd][1]
        try:
            out.append(Pregnancy.from_mapping(data))
        except ILPError as exc:  # pragma: no cover - an LMP alone always makes a pregnancy
            ctx.skip(oname, f"not a valid pregnancy: {exc}")
    for j, (_, _, oname) in enumerate(p.edd):
        if j not in used_edd:
            ctx.skip(oname, "EDD observation with no LMP or ANC episode to belong to")
    return out


def read_condition(ctx: Ctx, owner: PatientParts, name: str, res: Mapping[str, Any]) -> None:
    """Add the Condition to *owner* when it is active and one ilp models; otherwise report it."""
    status = codings_of(res.get("clinicalStatus"))
    if status and not {c for _, c in status} & {"active", "recurrence", "relapse"}:
        ctx.skip(name, f"condition not active ({show_codings(status)})")
        return
    verification = {c for _, c in codings_of(res.get("verificationStatus"))}
    if verification & {"refuted", "entered-in-error"}:
        ctx.skip(name, "condition refuted or entered in error")
        return
    codings = codings_of(res.get("code"))
    own = first_code(codings, ILP_CONDITION)
    found: Condition | None = None
    if own is not None:
        try:
            found = Condition.parse(own)
        except ILPError:
            found = None
    if found is None:
        icd = first_code(codings, ICD10)
        found = ctx.codemap.condition_of(icd) if icd is not None else None
    if found is None:
        ctx.skip(name, "condition ilp does not model", show_codings(codings))
        return
    ctx.used["Condition"] += 1
    owner.conditions.add(found)

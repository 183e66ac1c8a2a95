"""FHIR out: people and histories as a SATUSEHAT-style R4 Bundle; due lists as recommendations.

Everything here returns plain ``dict``/``list`` data ready for ``json.dumps``;
``fhir.resources`` is needed only to validate it (extra ``ilp[fhir]``).
The mapping is written down in ``docs/interop.md``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal

from ilp.errors import FHIRError
from ilp.interop._codemap import (
    CVX,
    ICD10,
    ILP_CONDITION,
    ILP_SERVICE,
    KFA,
    LOINC,
    REASON,
    CodeMap,
    Resource,
    ServiceCoding,
    default_codemap,
)
from ilp.interop._common import (
    CATEGORY,
    CLINICAL,
    DEFAULT_TZ,
    EARLIEST,
    EPISODE_TYPE,
    ILP_PERSON,
    ILP_PLACE,
    ILP_STATUS,
    KK,
    LATEST,
    NIK,
    ORIGIN,
    OVERDUE,
    REC_STATUS,
    RECOMMENDED,
    UCUM,
    ext,
    sys_ids,
    utc_noon,
)
from ilp.lifecycle import DueItem, DueList, Status
from ilp.people import Family, Person, Pregnancy, ServiceRecord

__all__ = ["BundleType", "care_bundle", "export_bundle", "patient_id"]

BundleType = Literal["collection", "transaction"]
_NS: Final = uuid.UUID("6f1f9f1e-2b1a-5c0e-9d7e-1a2b3c4d5e6f")
_HL7_STATUS: Final = {
    Status.DUE: "due",
    Status.OVERDUE: "overdue",
    Status.COMPLETED: "complete",
}
_ACTIVITY_STATUS: Final = {
    Status.UPCOMING: "not-started",
    Status.DUE: "scheduled",
    Status.OVERDUE: "scheduled",
    Status.MISSED: "cancelled",
    Status.COMPLETED: "completed",
}
_FHIR_ID_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-."
)


def patient_id(person_id: str) -> str:
    """The ``Patient.id`` written for a person: the id itself when FHIR allows it, else a UUID."""
    if 0 < len(person_id) <= 64 and set(person_id) <= _FHIR_ID_CHARS:
        return person_id
    return str(uuid.uuid5(_NS, person_id))


class _Writer:
    """Collects entries and hands out ids and references for one Bundle."""

    def __init__(self, kind: BundleType, organization: str | None, tz: str) -> None:
        if kind not in ("collection", "transaction"):
            msg = f"{kind!r} is not 'collection' or 'transaction'"
            raise FHIRError(msg, resource="Bundle", field="type", value=kind)
        self.kind = kind
        self.organization = organization
        self.tz = tz
        self.entries: list[dict[str, Any]] = []
        self.counter = 0

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"

    def full_url(self, rtype: str, rid: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_NS, f'{rtype}/{rid}')}"

    def ref(self, rtype: str, rid: str) -> dict[str, str]:
        if self.kind == "transaction":
            return {"reference": self.full_url(rtype, rid)}
        return {"reference": f"{rtype}/{rid}"}

    def identifier(self, kind: str, rid: str) -> list[dict[str, str]]:
        if self.organization is None:
            return []
        return [{"system": sys_ids(kind, self.organization), "value": rid}]

    def add(self, resource: dict[str, Any]) -> None:
        rtype, rid = resource["resourceType"], resource["id"]
        entry: dict[str, Any] = {"fullUrl": self.full_url(rtype, rid), "resource": resource}
        if self.kind == "transaction":
            entry["request"] = {"method": "POST", "url": rtype}
        self.entries.append(entry)

    def bundle(self) -> dict[str, Any]:
        return {"resourceType": "Bundle", "type": self.kind, "entry": self.entries}


def _drop_empty(resource: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v for k, v in resource.items() if v is not None and (v or not isinstance(v, list | dict))
    }


def _patient(
    w: _Writer, person: Person, family: Family | None, relation: str | None
) -> dict[str, Any]:
    pid = patient_id(person.id)
    identifiers = [{"system": ILP_PERSON, "value": person.id}]
    if person.nik is not None:
        identifiers.append({"system": NIK, "value": person.nik})
    if family is not None:
        identifiers.append({"system": KK, "value": family.kk_number})
    extensions: list[dict[str, Any]] = []
    if person.residence is not None:
        extensions.append({"url": ext("residence"), "valueString": person.residence})
    if person.school is not None:
        extensions.append({"url": ext("school-grade"), "valueInteger": person.school.grade})
        if person.school.year is not None:
            extensions.append({"url": ext("school-year"), "valueInteger": person.school.year})
    if person.ever_sexually_active is not None:
        extensions.append(
            {"url": ext("ever-sexually-active"), "valueBoolean": person.ever_sexually_active}
        )
    if relation is not None:
        extensions.append({"url": ext("family-relation"), "valueCode": relation})
    address: list[dict[str, Any]] = []
    if family is not None and (family.address is not None or family.residence is not None):
        entry: dict[str, Any] = {"use": "home"}
        if family.address is not None:
            entry["text"] = family.address
        if family.residence is not None:
            entry["extension"] = [{"url": ext("family-residence"), "valueString": family.residence}]
        address.append(entry)
    return _drop_empty(
        {
            "resourceType": "Patient",
            "id": pid,
            "extension": extensions,
            "identifier": identifiers,
            "name": [{"text": person.name}] if person.name is not None else [],
            "gender": person.sex.value,
            "birthDate": person.birth_date.isoformat(),
            "deceasedDateTime": None
            if person.death_date is None
            else person.death_date.isoformat(),
            "address": address,
        }
    )


def _condition(w: _Writer, pid: str, condition: Any, codemap: CodeMap) -> dict[str, Any]:
    codings = [{"system": ILP_CONDITION, "code": condition.value}]
    row = codemap.conditions.get(condition)
    if row is not None and row.icd10:
        codings.append({"system": ICD10, "code": row.icd10[0]})
    rid = w.next_id("cond")
    return {
        "resourceType": "Condition",
        "id": rid,
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]},
        "category": [{"coding": [{"system": CATEGORY, "code": "problem-list-item"}]}],
        "code": {"coding": codings},
        "subject": w.ref("Patient", pid),
    }


def _pregnancy(w: _Writer, pid: str, p: Pregnancy, codemap: CodeMap) -> list[dict[str, Any]]:
    eid = w.next_id("anc")
    extensions: list[dict[str, Any]] = []
    if p.outcome is not None:
        extensions.append({"url": ext("pregnancy-outcome"), "valueCode": p.outcome.value})
    if p.in_facility is not None:
        extensions.append({"url": ext("delivery-in-facility"), "valueBoolean": p.in_facility})
    period = {"start": p.lmp.isoformat()}
    if p.delivery_date is not None:
        period["end"] = p.delivery_date.isoformat()
    episode = _drop_empty(
        {
            "resourceType": "EpisodeOfCare",
            "id": eid,
            "extension": extensions,
            "identifier": w.identifier("episode-of-care", eid),
            "status": "finished" if p.delivery_date is not None else "active",
            "type": [{"coding": [{"system": EPISODE_TYPE, "code": "ANC"}]}],
            "patient": w.ref("Patient", pid),
            "period": period,
        }
    )
    out = [episode]
    for loinc, day in ((codemap.lmp_loinc, p.lmp), (codemap.edd_loinc, p.edd)):
        oid = w.next_id("obs")
        out.append(
            _drop_empty(
                {
                    "resourceType": "Observation",
                    "id": oid,
                    "identifier": w.identifier("observation", oid),
                    "status": "final",
                    "code": {"coding": [{"system": LOINC, "code": loinc}]},
                    "subject": w.ref("Patient", pid),
                    "focus": [w.ref("EpisodeOfCare", eid)],
                    "valueDateTime": day.isoformat(),
                }
            )
        )
    return out


def _vaccine_codings(row: ServiceCoding, *, product: bool) -> list[dict[str, str]]:
    codings = [{"system": ILP_SERVICE, "code": row.code}]
    if product and row.kfa:
        codings.append({"system": KFA, "code": row.kfa[0]})
    codings += [{"system": KFA, "code": g} for g in row.groups]
    if row.cvx is not None:
        codings.append({"system": CVX, "code": row.cvx})
    return codings


def _place(w: _Writer, place: str) -> dict[str, Any]:
    system = ILP_PLACE if w.organization is None else sys_ids("location", w.organization)
    return {"identifier": {"system": system, "value": place}, "display": place}


def _record(
    w: _Writer, pid: str, r: ServiceRecord, row: ServiceCoding, dose: int | None
) -> dict[str, Any]:
    """The record as the resource its code map row names (Immunization, Observation, Procedure)."""
    when = utc_noon(r.date, w.tz)
    if row.resource is Resource.IMMUNIZATION:
        return _immunization(w, pid, r, row, dose, when)
    if row.resource is Resource.OBSERVATION:
        return _observation(w, pid, r, row, when)
    return _procedure(w, pid, r, when)


def _immunization(  # noqa: PLR0917 - the record and what _record worked out for it
    w: _Writer, pid: str, r: ServiceRecord, row: ServiceCoding, dose: int | None, when: str
) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = []
    rid = w.next_id("imm")
    if r.result is not None:
        extensions.append({"url": ext("result"), "valueString": r.result})
    if r.value is not None:
        extensions.append({"url": ext("value"), "valueDecimal": r.value})
    on_site = r.place is not None
    protocol: dict[str, Any] = {"doseNumberPositiveInt": dose or row.dose or 1}
    if row.series is not None:
        protocol["series"] = row.series
    return _drop_empty(
        {
            "resourceType": "Immunization",
            "id": rid,
            "extension": extensions,
            "identifier": w.identifier("immunization", rid),
            "status": "completed",
            "vaccineCode": {"coding": _vaccine_codings(row, product=on_site)},
            "patient": w.ref("Patient", pid),
            "occurrenceDateTime": when,
            "primarySource": on_site,
            "reportOrigin": None if on_site else {"coding": [{"system": ORIGIN, "code": "recall"}]},
            "location": _place(w, r.place) if r.place is not None else None,
            "performer": [{"actor": {"display": r.provider}}] if r.provider else [],
            "reasonCode": [{"coding": [{"system": REASON, "code": row.reason}]}]
            if row.reason
            else [],
            "protocolApplied": [protocol],
        }
    )


def _observation(
    w: _Writer, pid: str, r: ServiceRecord, row: ServiceCoding, when: str
) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = []
    codings = [{"system": ILP_SERVICE, "code": r.code}]
    rid = w.next_id("obs")
    if row.loinc is not None:
        codings.append({"system": LOINC, "code": row.loinc})
    if r.place is not None:
        extensions.append({"url": ext("place"), "valueString": r.place})
    value: dict[str, Any] | None = None
    if r.value is not None:
        value = {"value": r.value}
        if row.unit is not None:
            value |= {"unit": row.unit, "system": UCUM, "code": row.unit}
    return _drop_empty(
        {
            "resourceType": "Observation",
            "id": rid,
            "extension": extensions,
            "identifier": w.identifier("observation", rid),
            "status": "final",
            "code": {"coding": codings},
            "subject": w.ref("Patient", pid),
            "effectiveDateTime": when,
            "performer": [{"display": r.provider}] if r.provider else [],
            "valueQuantity": value,
            "valueString": r.result if value is None else None,
            "interpretation": [{"text": r.result}]
            if value is not None and r.result is not None
            else [],
        }
    )


def _procedure(w: _Writer, pid: str, r: ServiceRecord, when: str) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = []
    codings = [{"system": ILP_SERVICE, "code": r.code}]
    rid = w.next_id("proc")
    if r.value is not None:
        extensions.append({"url": ext("value"), "valueDecimal": r.value})
    return _drop_empty(
        {
            "resourceType": "Procedure",
            "id": rid,
            "extension": extensions,
            "identifier": w.identifier("procedure", rid),
            "status": "completed",
            "code": {"coding": codings},
            "subject": w.ref("Patient", pid),
            "performedDateTime": when,
            "location": _place(w, r.place) if r.place is not None else None,
            "performer": [{"actor": {"display": r.provider}}] if r.provider else [],
            "outcome": {"text": r.result} if r.result is not None else None,
        }
    )


def export_bundle(
    people: Iterable[Person],
    histories: Mapping[str, Sequence[ServiceRecord]] | None = None,
    *,
    families: Iterable[Family] = (),
    codemap: CodeMap | None = None,
    organization: str | None = None,
    tz: str = DEFAULT_TZ,
    bundle_type: BundleType = "collection",
) -> dict[str, Any]:
    """People, their conditions, pregnancies and service records as one FHIR R4 Bundle (a dict).

    Each person becomes a ``Patient`` (ids under ``ilp``'s identifier system,
    the NIK and the family card number under SATUSEHAT's); each condition a
    ``Condition`` (ICD-10); each pregnancy an ANC ``EpisodeOfCare`` with its
    LMP and EDD ``Observation``; each record an ``Immunization``,
    ``Observation`` or ``Procedure`` as the code map says. *families* give
    the family card and relation of their members. With *organization* (the
    SATUSEHAT organization id) resources carry identifiers under
    ``http://sys-ids.kemkes.go.id``. Times are noon of the record's date in
    *tz*, written in UTC.
    """
    cmap = default_codemap() if codemap is None else codemap
    w = _Writer(bundle_type, organization, tz)
    histories = histories or {}
    member_of: dict[str, tuple[Family, str]] = {}
    for f in families:
        for m in f.members:
            member_of[m.person.id] = (f, m.relation.value)
    for person in people:
        fam, relation = member_of.get(person.id, (None, None))
        patient = _patient(w, person, fam, relation)
        w.add(patient)
        pid = patient["id"]
        for c in sorted(person.conditions, key=lambda c: c.value):
            w.add(_condition(w, pid, c, cmap))
        for p in person.pregnancies:
            for resource in _pregnancy(w, pid, p, cmap):
                w.add(resource)
        ranks: dict[str, int] = {}
        for r in histories.get(person.id, ()):
            row = cmap.service(r.code)
            ranks[r.code] = ranks.get(r.code, 0) + 1
            dose = ranks[r.code] if row.dose is None else row.dose
            w.add(_record(w, pid, r, row, dose))
    return w.bundle()


def _criteria(item: DueItem) -> list[dict[str, Any]]:
    pairs = [(EARLIEST, item.earliest), (RECOMMENDED, item.recommended)]
    if item.overdue is not None:
        pairs.append((OVERDUE, item.overdue))
    if item.latest is not None:
        pairs.append((LATEST, item.latest))
    return [
        {"code": {"coding": [{"system": LOINC, "code": code}]}, "value": day.isoformat()}
        for code, day in pairs
    ]


def _forecast(status: Status) -> dict[str, Any]:
    codings = [{"system": ILP_STATUS, "code": status.value}]
    hl7 = _HL7_STATUS.get(status)
    if hl7 is not None:
        codings.insert(0, {"system": REC_STATUS, "code": hl7})
    return {"coding": codings, "text": status.value}


# Long by its docstring and keyword list; the resources come from the writers above.
def care_bundle(
    due_lists: Iterable[DueList],
    *,
    codemap: CodeMap | None = None,
    tz: str = DEFAULT_TZ,
    bundle_type: BundleType = "collection",
) -> dict[str, Any]:
    """Due lists as a Bundle of ``ImmunizationRecommendation`` and ``CarePlan`` resources.

    Per person, the vaccine items (rows of the code map that are
    Immunization) become one ``ImmunizationRecommendation`` and the other
    items one ``CarePlan`` with an activity each. ``forecastStatus`` carries
    the HL7 code where one fits (due, overdue, complete) and always ilp's
    own status; ``upcoming`` and ``missed`` have no HL7 code and carry only
    ilp's (``docs/interop.md``). References point at ``Patient/{id}`` as
    :func:`export_bundle` writes it.
    """
    cmap = default_codemap() if codemap is None else codemap
    w = _Writer(bundle_type, None, tz)
    for dl in due_lists:
        pid = patient_id(dl.person_id)
        when = utc_noon(dl.on, tz)
        recs, activities = [], []
        for item in dl:
            row = cmap.service(item.code)
            if row.resource is Resource.IMMUNIZATION:
                rec: dict[str, Any] = {
                    "vaccineCode": [{"coding": _vaccine_codings(row, product=False)}],
                    "forecastStatus": _forecast(item.status),
                    "forecastReason": [{"text": item.reason.en}],
                    "dateCriterion": _criteria(item),
                    "doseNumberPositiveInt": item.dose or row.dose or 1,
                }
                if row.series is not None:
                    rec["series"] = row.series
                recs.append(rec)
                continue
            codings = [{"system": ILP_SERVICE, "code": item.code}]
            if row.loinc is not None:
                codings.append({"system": LOINC, "code": row.loinc})
            period = {"start": item.earliest.isoformat()}
            if item.latest is not None:
                period["end"] = item.latest.isoformat()
            activities.append(
                {
                    "detail": {
                        "code": {"coding": codings, "text": item.service.label.en},
                        "status": _ACTIVITY_STATUS[item.status],
                        "statusReason": {
                            "coding": [{"system": ILP_STATUS, "code": item.status.value}],
                            "text": item.reason.en,
                        },
                        "scheduledPeriod": period,
                        "description": item.reason.id,
                    }
                }
            )
        if recs:
            rid = w.next_id("rec")
            w.add(
                {
                    "resourceType": "ImmunizationRecommendation",
                    "id": rid,
                    "patient": w.ref("Patient", pid),
                    "date": when,
                    "recommendation": recs,
                }
            )
        if activities:
            cid = w.next_id("plan")
            w.add(
                {
                    "resourceType": "CarePlan",
                    "id": cid,
                    "status": "active",
                    "intent": "plan",
                    "subject": w.ref("Patient", pid),
                    "created": when,
                    "title": f"ILP services due on {dl.on.isoformat()}",
                    "activity": activities,
                }
            )
    return w.bundle()

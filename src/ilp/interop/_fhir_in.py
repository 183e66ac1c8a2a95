"""FHIR in: a FHIR R4 Bundle (JSON) to ilp people, pregnancies, conditions and histories.

A Bundle that is not FHIR, a resource of the wrong type where one is needed,
a reference to a patient or episode the Bundle does not hold, or a date
that does not exist raises :class:`~ilp.errors.FHIRError` naming the
resource and the field. Resources ilp cannot use are counted and listed in
the :class:`ImportReport`, never silently dropped.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from ilp.errors import FHIRError, ILPError, InputFileError
from ilp.interop._codemap import (
    ICD10,
    ILP_CONDITION,
    ILP_SERVICE,
    LOINC,
    REASON,
    CodeMap,
    Resource,
    default_codemap,
)
from ilp.interop._common import (
    DEFAULT_TZ,
    EPISODE_TYPE,
    ILP_PERSON,
    KK,
    NIK,
    ext,
    zone,
)
from ilp.people import (
    Condition,
    Family,
    FamilyRegister,
    Household,
    Member,
    Person,
    Pregnancy,
    Relation,
    ServiceRecord,
    mask_nik,
)

__all__ = ["FHIRImport", "ImportReport", "Skipped", "read_bundle"]

BUNDLE_TYPES: Final = frozenset({"collection", "searchset", "transaction", "batch"})
#: Above this size (bytes) a file is parsed as a stream with ijson when it is installed.
STREAM_BYTES: Final = 64 * 1024 * 1024
_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATETIME: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})"
)
_PARTIAL: Final = re.compile(r"\d{4}(-\d{2})?")
_NIK_RE: Final = re.compile(r"\d{16}")
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


@attrs.frozen
class Skipped:
    """A resource ilp did not use: which (``Type/id``), why, and its coding if any."""

    resource: str
    reason: str
    coding: str | None = None

    def __str__(self) -> str:
        tail = f" [{self.coding}]" if self.coding else ""
        return f"{self.resource}: {self.reason}{tail}"


@attrs.frozen
class ImportReport:
    """What an import read and used, and every resource it could not use, with the reason."""

    #: Resources read, by resourceType.
    read: Mapping[str, int]
    #: Resources used, by resourceType.
    used: Mapping[str, int]
    #: Every resource not used (or used only in part), with the reason.
    skipped: tuple[Skipped, ...]

    @property
    def unmapped(self) -> tuple[Skipped, ...]:
        """The records whose coding maps to no ilp service code."""
        return tuple(s for s in self.skipped if s.coding is not None)

    def summary(self) -> str:
        """A few lines: counts read and used per type, then the reasons for skipping."""
        lines = [f"{t}: {n} read, {self.used.get(t, 0)} used" for t, n in sorted(self.read.items())]
        reasons = Counter(s.reason for s in self.skipped)
        lines += [f"skipped {n}: {why}" for why, n in reasons.most_common()]
        return "\n".join(lines)


@attrs.frozen
class FHIRImport:
    """What a Bundle held, as ilp data: people, their histories, their families, and the report."""

    people: tuple[Person, ...]
    histories: Mapping[str, tuple[ServiceRecord, ...]]
    #: Families of the people with a family card number (``.../id/kk``).
    families: tuple[Family, ...]
    report: ImportReport

    def history(self, person_id: str) -> tuple[ServiceRecord, ...]:
        """The person's records (empty when none)."""
        return self.histories.get(person_id, ())

    def register(self) -> FamilyRegister:
        """The families as a :class:`~ilp.people.FamilyRegister`."""
        members = {m.person.id for f in self.families for m in f.members}
        return FamilyRegister(
            self.families, {k: v for k, v in self.histories.items() if k in members}
        )


# ---------------------------------------------------------------------------
# reading JSON


def _entries_of(bundle: Any) -> Iterator[tuple[int, Any]]:
    if isinstance(bundle, Mapping) and not isinstance(bundle, dict):
        bundle = dict(bundle)
    if not isinstance(bundle, dict):
        msg = f"expected a JSON object, got {type(bundle).__name__}"
        raise FHIRError(msg, resource="Bundle", field="resourceType", value=bundle)
    _check_bundle_head(bundle.get("resourceType"), bundle.get("type"))
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise FHIRError("expected a list", resource="Bundle", field="entry", value=entries)
    yield from enumerate(entries)


def _check_bundle_head(rtype: Any, btype: Any) -> None:
    if rtype is None:
        msg = "missing: this is not a FHIR resource"
        raise FHIRError(msg, resource="Bundle", field="resourceType")
    if rtype != "Bundle":
        msg = f"{rtype!r} is not 'Bundle'"
        raise FHIRError(msg, resource=str(rtype), field="resourceType", value=rtype)
    if btype not in BUNDLE_TYPES:
        known = ", ".join(sorted(BUNDLE_TYPES))
        msg = f"{btype!r} is not a Bundle type ilp reads ({known})"
        raise FHIRError(msg, resource="Bundle", field="type", value=btype)


def _stream_file(path: Path) -> Iterator[tuple[int, Any]]:
    import ijson  # type: ignore[import-untyped]  # noqa: PLC0415 - extra ilp[fhir]; no stubs

    head: dict[str, Any] = {}
    try:
        with path.open("rb") as fh:
            for prefix, event, value in ijson.parse(fh, use_float=True):
                if prefix in ("resourceType", "type") and event == "string":
                    head[prefix] = value
                elif prefix == "entry" and event == "start_array":
                    break
        _check_bundle_head(head.get("resourceType"), head.get("type"))
        with path.open("rb") as fh:
            yield from enumerate(ijson.items(fh, "entry.item", use_float=True))
    except ijson.JSONError as exc:
        msg = f"invalid JSON ({' '.join(str(exc).split())}): this is not a FHIR Bundle"
        raise FHIRError(msg, resource="Bundle", field="resourceType") from None


def _open_entries(source: Any, stream: bool | None) -> Iterator[tuple[int, Any]]:
    if not isinstance(source, str | Path):
        return _entries_of(source)
    path = Path(source)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFileError("no such file", path=str(path)) from None
    use_stream = stream if stream is not None else size > STREAM_BYTES and _has_ijson()
    if use_stream:
        return _stream_file(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read: {exc}", path=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"not JSON ({exc.msg} at line {exc.lineno}): this is not a FHIR Bundle"
        raise FHIRError(msg, resource="Bundle", field="resourceType") from None
    return _entries_of(data)


def _has_ijson() -> bool:
    try:
        import ijson  # noqa: F401, PLC0415 - only whether it is there
    except ImportError:  # pragma: no cover - ijson is in the dev extra
        return False
    return True


# ---------------------------------------------------------------------------
# small readers


class _Ctx:
    def __init__(self, codemap: CodeMap, tz: str) -> None:
        self.codemap = codemap
        self.tz = zone(tz)
        self.read: Counter[str] = Counter()
        self.used: Counter[str] = Counter()
        self.skipped: list[Skipped] = []

    def skip(self, name: str, reason: str, coding: str | None = None) -> None:
        self.skipped.append(Skipped(name, reason, coding))

    def day(self, value: Any, name: str, field: str) -> _dt.date | None:
        """A date from a FHIR date or dateTime; None for a partial date (reported by the caller)."""
        if not isinstance(value, str):
            msg = f"{value!r} is not a date"
            raise FHIRError(msg, resource=name, field=field, value=value)
        if len(value) == 10:
            m = _DATE.fullmatch(value)
            if m is not None:
                try:
                    return _dt.date(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    pass
        elif _DATETIME.fullmatch(value) is not None:
            try:
                moment = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                pass
            else:
                return moment.astimezone(self.tz).date()
        elif _PARTIAL.fullmatch(value) is not None:
            return None
        msg = f"{value!r} is not a date (YYYY-MM-DD) or dateTime with a time zone"
        raise FHIRError(msg, resource=name, field=field, value=value)


def _codings(concept: Any) -> list[tuple[str, str]]:
    if not isinstance(concept, dict):
        return []
    return [
        (c["system"], str(c["code"]))
        for c in concept.get("coding") or ()
        if isinstance(c, dict) and isinstance(c.get("system"), str) and "code" in c
    ]


def _show(codings: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{s}|{c}" for s, c in codings) or "no coding"


def _ext(resource: Mapping[str, Any], name: str) -> Any:
    url = ext(name)
    for e in resource.get("extension") or ():
        if isinstance(e, dict) and e.get("url") == url:
            for key, value in e.items():
                if key.startswith("value"):
                    return value
    return None


def _first(codings: list[tuple[str, str]], system: str) -> str | None:
    return next((c for s, c in codings if s == system), None)


# ---------------------------------------------------------------------------
# the import


@attrs.define
class _Patient:
    name: str
    resource: Mapping[str, Any]
    conditions: set[Condition] = attrs.Factory(set)
    records: list[tuple[str, ServiceRecord]] = attrs.Factory(list)
    episodes: list[Mapping[str, Any]] = attrs.Factory(list)
    lmp: list[tuple[str | None, _dt.date, str]] = attrs.Factory(list)
    edd: list[tuple[str | None, _dt.date, str]] = attrs.Factory(list)


class _Index:
    """Resources by every name a reference may use for them."""

    def __init__(self) -> None:
        self.names: dict[str, tuple[str, str]] = {}

    def add(self, full_url: Any, rtype: str, rid: str) -> str:
        key = f"{rtype}/{rid}"
        self.names[key] = (rtype, rid)
        if isinstance(full_url, str) and full_url:
            self.names[full_url] = (rtype, rid)
        return key

    def resolve(self, ref: Any) -> str | None:
        if not isinstance(ref, dict):
            return None
        text = ref.get("reference")
        if not isinstance(text, str):
            return None
        found = self.names.get(text)
        if found is None and "/" in text and not text.startswith("urn:"):
            parts = text.rstrip("/").split("/")
            found = self.names.get("/".join(parts[-2:])) if len(parts) >= 2 else None
            if found is None and len(parts) >= 4 and parts[-2] == "_history":
                found = self.names.get("/".join(parts[-4:-2]))
        return None if found is None else f"{found[0]}/{found[1]}"


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
    ctx = _Ctx(default_codemap() if codemap is None else codemap, tz)
    index = _Index()
    kept: list[tuple[str, str, Mapping[str, Any]]] = []
    for i, entry in _open_entries(source, stream):
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
    index: _Index,
    patients: dict[str, _Patient],
    name: str,
    res: Mapping[str, Any],
    field: str,
) -> _Patient:
    ref = res.get(field)
    target = index.resolve(ref)
    if target is None or target not in patients:
        shown = ref.get("reference") if isinstance(ref, dict) else ref
        msg = f"{shown!r} refers to no Patient in the bundle"
        raise FHIRError(msg, resource=name, field=f"{field}.reference", value=shown)
    return patients[target]


def _assemble(
    ctx: _Ctx, index: _Index, kept: list[tuple[str, str, Mapping[str, Any]]]
) -> FHIRImport:
    patients: dict[str, _Patient] = {}
    for rtype, name, res in kept:
        if rtype == "Patient":
            patients[name] = _Patient(name, res)
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
            _condition(ctx, owner, name, res)
        elif rtype == "EpisodeOfCare":
            if EPISODE_TYPE not in {
                s for c in res.get("type") or () for s, _ in _codings(c)
            } or "ANC" not in {
                code for c in res.get("type") or () for s, code in _codings(c) if s == EPISODE_TYPE
            }:
                ctx.skip(name, "EpisodeOfCare that is not ANC")
                continue
            owner.episodes.append({"name": name, **res})
        elif rtype == "Observation":
            _observation(ctx, index, owner, name, res, encounters=encounters, episodes=episodes)
        else:
            _record(ctx, owner, name, rtype, res, index=index, encounters=encounters)
    people: list[Person] = []
    histories: dict[str, tuple[ServiceRecord, ...]] = {}
    cards: dict[str, list[tuple[Person, str | None, Mapping[str, Any]]]] = {}
    for p in patients.values():
        person = _person(ctx, p)
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
                for i in p.resource.get("identifier") or ()
                if isinstance(i, dict) and i.get("system") == KK
            ),
            None,
        )
        if isinstance(kk, str) and _NIK_RE.fullmatch(kk):
            cards.setdefault(kk, []).append(
                (person, _ext(p.resource, "family-relation"), p.resource)
            )
        elif kk is not None:
            ctx.skip(p.name, f"family card number {kk!r} is not 16 digits: no family")
    families = [_family(ctx, kk, members) for kk, members in cards.items()]
    report = ImportReport(dict(ctx.read), dict(ctx.used), tuple(ctx.skipped))
    return FHIRImport(tuple(people), histories, tuple(f for f in families if f is not None), report)


def _family(
    ctx: _Ctx, kk: str, members: list[tuple[Person, Any, Mapping[str, Any]]]
) -> Family | None:
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
        for a in res.get("address") or ():
            if isinstance(a, dict):
                address = address or a.get("text")
                residence = residence or _ext(a, "family-residence")
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


def _person(ctx: _Ctx, p: _Patient) -> Person | None:
    res, name = p.resource, p.name
    ids = {
        i.get("system"): i.get("value") for i in res.get("identifier") or () if isinstance(i, dict)
    }
    pid = ids.get(ILP_PERSON) or name.split("/", 1)[1]
    gender = res.get("gender")
    if gender not in ("female", "male"):
        ctx.skip(name, f"gender {gender!r}: ilp needs female or male")
        return None
    if "birthDate" not in res:
        ctx.skip(name, "no birthDate")
        return None
    birth = ctx.day(res["birthDate"], name, "birthDate")
    if birth is None:
        ctx.skip(name, f"birthDate {res['birthDate']!r} is not a whole date")
        return None
    death = None
    if "deceasedDateTime" in res:
        death = ctx.day(res["deceasedDateTime"], name, "deceasedDateTime")
    nik = ids.get(NIK)
    if nik is not None and (not isinstance(nik, str) or _NIK_RE.fullmatch(nik) is None):
        shown = mask_nik(str(nik)) if len(str(nik)) > 4 else nik
        ctx.skip(name, f"NIK {shown!r} is not 16 digits: NIK left out")
        nik = None
    names = res.get("name") or []
    text = None
    if names and isinstance(names[0], dict):
        n = names[0]
        text = (
            n.get("text")
            or " ".join([*(n.get("given") or []), n.get("family") or ""]).strip()
            or None
        )
    grade, year = _ext(res, "school-grade"), _ext(res, "school-year")
    data: dict[str, Any] = {
        "id": pid,
        "sex": gender,
        "birth_date": birth,
        "name": text,
        "nik": nik,
        "death_date": death,
        "conditions": p.conditions,
        "residence": _ext(res, "residence"),
        "ever_sexually_active": _ext(res, "ever-sexually-active"),
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


def _pregnancies(ctx: _Ctx, p: _Patient) -> list[Pregnancy]:
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
        outcome = _ext(ep, "pregnancy-outcome")
        if outcome is not None:
            data["outcome"] = outcome
        facility = _ext(ep, "delivery-in-facility")
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


def _condition(ctx: _Ctx, owner: _Patient, name: str, res: Mapping[str, Any]) -> None:
    status = _codings(res.get("clinicalStatus"))
    if status and not {c for _, c in status} & {"active", "recurrence", "relapse"}:
        ctx.skip(name, f"condition not active ({_show(status)})")
        return
    verification = {c for _, c in _codings(res.get("verificationStatus"))}
    if verification & {"refuted", "entered-in-error"}:
        ctx.skip(name, "condition refuted or entered in error")
        return
    codings = _codings(res.get("code"))
    own = _first(codings, ILP_CONDITION)
    found: Condition | None = None
    if own is not None:
        try:
            found = Condition.parse(own)
        except ILPError:
            found = None
    if found is None:
        icd = _first(codings, ICD10)
        found = ctx.codemap.condition_of(icd) if icd is not None else None
    if found is None:
        ctx.skip(name, "condition ilp does not model", _show(codings))
        return
    ctx.used["Condition"] += 1
    owner.conditions.add(found)


def _episode_of(
    index: _Index,
    res: Mapping[str, Any],
    encounters: Mapping[str, Any],
    name: str,
    episodes: Mapping[str, Any],
) -> str | None:
    for ref in res.get("focus") or ():
        target = index.resolve(ref)
        if isinstance(ref, dict) and str(ref.get("reference", "")).find("EpisodeOfCare") >= 0:
            if target is None or target not in episodes:
                msg = f"{ref.get('reference')!r} refers to no EpisodeOfCare in the bundle"
                raise FHIRError(
                    msg, resource=name, field="focus.reference", value=ref.get("reference")
                )
            return target
    enc = index.resolve(res.get("encounter"))
    if enc is not None and enc in encounters:
        for ref in encounters[enc].get("episodeOfCare") or ():
            target = index.resolve(ref)
            if target is not None and target in episodes:
                return target
    return None


def _date_of(
    ctx: _Ctx, res: Mapping[str, Any], name: str, key: str
) -> tuple[bool, _dt.date | None]:
    """(found, date) from ``fooDateTime`` or ``fooPeriod.start``."""
    if key in res:
        return True, ctx.day(res[key], name, key)
    period = key.replace("DateTime", "Period")
    if period in res and isinstance(res[period], dict) and "start" in res[period]:
        return True, ctx.day(res[period]["start"], name, f"{period}.start")
    return False, None


def _place_of(res: Mapping[str, Any], index: _Index, encounters: Mapping[str, Any]) -> str | None:
    own = _ext(res, "place")
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


def _provider_of(res: Mapping[str, Any]) -> str | None:
    for perf in res.get("performer") or ():
        if not isinstance(perf, dict):
            continue
        actor = perf.get("actor", perf)
        if isinstance(actor, dict) and isinstance(actor.get("display"), str):
            return str(actor["display"])
    return None


def _observation(
    ctx: _Ctx,
    index: _Index,
    owner: _Patient,
    name: str,
    res: Mapping[str, Any],
    *,
    encounters: Mapping[str, Any],
    episodes: Mapping[str, Any],
) -> None:
    if res.get("status") not in ("final", "amended", "corrected", "preliminary"):
        ctx.skip(name, f"observation status {res.get('status')!r}")
        return
    codings = _codings(res.get("code"))
    loinc = _first(codings, LOINC)
    if _first(codings, ILP_SERVICE) is None and loinc in (
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
    code = _service_code(ctx, codings, res, Resource.OBSERVATION)
    if code is None:
        ctx.skip(name, "coding maps to no ilp service", _show(codings))
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
        interp = res.get("interpretation") or []
        if interp and isinstance(interp[0], dict):
            result = interp[0].get("text") or next((c for _, c in _codings(interp[0])), None)
    elif isinstance(res.get("valueString"), str):
        result = res["valueString"]
    elif isinstance(res.get("valueCodeableConcept"), dict):
        vc = res["valueCodeableConcept"]
        result = vc.get("text") or next((c for _, c in _codings(vc)), None)
    _add(
        ctx,
        owner,
        name,
        code,
        day,
        place=_place_of(res, index, encounters),
        provider=_provider_of(res),
        result=result,
        value=value,
    )


def _service_code(
    ctx: _Ctx, codings: list[tuple[str, str]], res: Mapping[str, Any], kind: Resource
) -> str | None:
    own = _first(codings, ILP_SERVICE)
    if own is not None:
        return own
    rows = [r for r in ctx.codemap.candidates(codings) if r.resource is kind]
    if kind is Resource.IMMUNIZATION and len(rows) > 1:
        doses = [
            p.get("doseNumberPositiveInt")
            for p in res.get("protocolApplied") or ()
            if isinstance(p, dict)
        ]
        dose = doses[0] if doses else None
        if isinstance(dose, int):
            rows = [r for r in rows if r.dose is None or r.dose == dose] or rows
        reasons = {c for cc in res.get("reasonCode") or () for s, c in _codings(cc) if s == REASON}
        if reasons and len(rows) > 1:
            rows = [r for r in rows if r.reason in reasons] or rows
    return rows[0].code if len(rows) == 1 else None


def _record(
    ctx: _Ctx,
    owner: _Patient,
    name: str,
    rtype: str,
    res: Mapping[str, Any],
    *,
    index: _Index,
    encounters: Mapping[str, Any],
) -> None:
    if res.get("status") != "completed":
        ctx.skip(name, f"{rtype} status {res.get('status')!r}, not completed")
        return
    if rtype == "Immunization":
        codings = _codings(res.get("vaccineCode"))
        code = _service_code(ctx, codings, res, Resource.IMMUNIZATION)
        _, day = _date_of(ctx, res, name, "occurrenceDateTime")
    else:
        codings = _codings(res.get("code"))
        code = _service_code(ctx, codings, res, Resource.PROCEDURE)
        _, day = _date_of(ctx, res, name, "performedDateTime")
    if code is None:
        ctx.skip(name, "coding maps to no ilp service", _show(codings))
        return
    if not isinstance(day, _dt.date):
        ctx.skip(name, "no whole date")
        return
    result = _ext(res, "result")
    outcome = res.get("outcome")
    if result is None and isinstance(outcome, dict):
        result = outcome.get("text") or next((c for _, c in _codings(outcome)), None)
    value = _ext(res, "value")
    _add(
        ctx,
        owner,
        name,
        code,
        day,
        place=_place_of(res, index, encounters),
        provider=_provider_of(res),
        result=result,
        value=float(value)
        if isinstance(value, int | float) and not isinstance(value, bool)
        else None,
    )


def _add(
    ctx: _Ctx,
    owner: _Patient,
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

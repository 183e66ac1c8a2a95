"""FHIR in, shared readers: the import's context (counts, skips, dates), codings, references.

Used by the people and record mappers alike.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from ilp._reader import show
from ilp.errors import FHIRError
from ilp.interop._codemap import CodeMap
from ilp.interop._common import ext, zone
from ilp.interop._fhir_result import Skipped
from ilp.people import Condition, ServiceRecord

__all__ = [
    "NIK_RE",
    "Ctx",
    "Index",
    "PatientParts",
    "codings_of",
    "extension",
    "first_code",
    "many",
    "show_codings",
]

_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATETIME: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})"
)
_PARTIAL: Final = re.compile(r"\d{4}(-\d{2})?")
NIK_RE: Final = re.compile(r"\d{16}")


class Ctx:
    """What an import has counted and skipped so far, and how it reads dates (in *tz*)."""

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
            msg = f"{show(value)} is not a date"
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
        msg = f"{show(value)} is not a date (YYYY-MM-DD) or dateTime with a time zone"
        raise FHIRError(msg, resource=name, field=field, value=value)


def many(element: Any, key: str, name: str, path: str = "") -> list[Any]:
    """The repeating element *key* of *element* (a FHIR array): empty when absent.

    Anything but a JSON array there raises :class:`FHIRError` naming *name*
    (the resource) and the field, *path* being where *element* sits in it.
    """
    value = element.get(key) if isinstance(element, dict) else None
    if value is None:
        return []
    if not isinstance(value, list):
        msg = f"expected a list, got {type(value).__name__}"
        raise FHIRError(msg, resource=name, field=f"{path}{key}", value=value)
    return value


def codings_of(concept: Any) -> list[tuple[str, str]]:
    """The (system, code) pairs of a CodeableConcept; none when it is not one.

    A coding whose system is not text, or whose code is not text or a whole
    number, is not one ilp can read and is left out.
    """
    if not isinstance(concept, dict) or not isinstance(concept.get("coding"), list):
        return []
    return [
        (c["system"], str(c["code"]))
        for c in concept["coding"]
        if isinstance(c, dict)
        and isinstance(c.get("system"), str)
        and isinstance(c.get("code"), str | int)
        and not isinstance(c.get("code"), bool)
    ]


def show_codings(codings: Iterable[tuple[str, str]]) -> str:
    """Codings as ``system|code, ...`` for a report line."""
    return ", ".join(f"{s}|{c}" for s, c in codings) or "no coding"


def extension(resource: Mapping[str, Any], name: str) -> Any:
    """The value of ilp's extension *name* on *resource*, or None."""
    url = ext(name)
    found = resource.get("extension") if isinstance(resource, dict) else None
    for e in found if isinstance(found, list) else ():
        if isinstance(e, dict) and e.get("url") == url:
            for key, value in e.items():
                if key.startswith("value"):
                    return value
    return None


def first_code(codings: list[tuple[str, str]], system: str) -> str | None:
    """The first code of *system* among *codings*, or None."""
    return next((c for s, c in codings if s == system), None)


@attrs.define
class PatientParts:
    """A Patient and what the other resources said about it, gathered before it becomes a Person."""

    name: str
    resource: Mapping[str, Any]
    conditions: set[Condition] = attrs.Factory(set)
    records: list[tuple[str, ServiceRecord]] = attrs.Factory(list)
    episodes: list[Mapping[str, Any]] = attrs.Factory(list)
    lmp: list[tuple[str | None, _dt.date, str]] = attrs.Factory(list)
    edd: list[tuple[str | None, _dt.date, str]] = attrs.Factory(list)


class Index:
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

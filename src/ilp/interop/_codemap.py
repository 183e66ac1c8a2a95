"""The code map: ilp service codes and conditions to FHIR codings, as data (``data/codemap.yaml``).

Read with the project's one YAML reader (:mod:`ilp._yaml`); every problem is
collected with its line and raised as one :class:`~ilp.errors.CodeMapError`.
A user map (same format) is merged over the shipped one: its rows replace
the shipped rows of the same code or condition.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import attrs

from ilp._reader import Reader
from ilp._reader import text as _text
from ilp._reader import whole as _int
from ilp._yaml import read_text, read_yaml
from ilp.errors import CodeMapError
from ilp.people import Condition

__all__ = [
    "CVX",
    "ICD10",
    "ILP_BASE",
    "ILP_CONDITION",
    "ILP_SERVICE",
    "KFA",
    "LOINC",
    "REASON",
    "CodeMap",
    "ConditionCoding",
    "Resource",
    "ServiceCoding",
    "default_codemap",
    "load_codemap",
]

#: KFA (Kamus Farmasi dan Alat Kesehatan): vaccine products (93xxxxxx) and vaccine groups (VGnnn).
KFA: Final = "http://sys-ids.kemkes.go.id/kfa"
#: CDC CVX, vaccines administered.
CVX: Final = "http://hl7.org/fhir/sid/cvx"
#: LOINC.
LOINC: Final = "http://loinc.org"
#: ICD-10 (WHO), as SATUSEHAT writes it.
ICD10: Final = "http://hl7.org/fhir/sid/icd-10"
#: Kemenkes immunization reasons (IM-Dasar, IM-Baduta, IM-SD, IM-WUS, ...).
REASON: Final = "http://terminology.kemkes.go.id/CodeSystem/immunization-reason"
#: ilp's own namespace for its codes and extensions (docs/interop.md).
ILP_BASE: Final = "https://github.com/ilp-developers/ilp/fhir"
#: ilp service codes (docs/codes.md) as a FHIR code system.
ILP_SERVICE: Final = f"{ILP_BASE}/CodeSystem/service"
#: ilp conditions (``hypertension``, ...) as a FHIR code system.
ILP_CONDITION: Final = f"{ILP_BASE}/CodeSystem/condition"

#: The reason codes of the Kemenkes CodeSystem immunization-reason (IDCore, 2023).
REASONS: Final = frozenset(
    {
        "IM-Program",
        "IM-Rutin",
        "IM-Dasar",
        "IM-Lanjutan",
        "IM-Baduta",
        "IM-SD",
        "IM-WUS",
        "IM-Tambahan",
        "IM-Khusus",
        "IM-Pilihan",
    }
)
UNKNOWN: Final = "unknown"
_SERVICE_KEYS: Final = (
    "resource",
    "kfa",
    "group",
    "cvx",
    "dose",
    "series",
    "reason",
    "loinc",
    "unit",
    "source",
    "searched",
)
_KFA_PRODUCT: Final = re.compile(r"93\d{6}")
_KFA_GROUP: Final = re.compile(r"VG\d+")
_LOINC: Final = re.compile(r"\d{1,7}-\d")
_ICD10: Final = re.compile(r"[A-Z]\d{2}(?:\.\d{1,2})?")


class Resource(enum.Enum):
    """The FHIR resource a service record becomes."""

    IMMUNIZATION = "Immunization"  #: a vaccine dose
    OBSERVATION = "Observation"  #: a measurement (the record's value), coded in LOINC
    PROCEDURE = "Procedure"  #: any other service


@attrs.frozen
class ServiceCoding:
    """One row of the map: how an ilp service code is written in FHIR, and where that comes from.

    Empty tuples and ``None`` mean the code was not found ("unknown" in the file).
    """

    code: str
    resource: Resource
    kfa: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    cvx: str | None = None
    dose: int | None = None
    series: str | None = None
    reason: str | None = None
    loinc: str | None = None
    unit: str | None = None
    source: str = ""
    searched: str | None = None


@attrs.frozen
class ConditionCoding:
    """How an ilp condition is written in ICD-10; a category (``E11``) matches its children."""

    condition: Condition
    icd10: tuple[str, ...]
    source: str = ""
    searched: str | None = None


@attrs.frozen(eq=False)
class CodeMap:
    """ilp service codes and conditions to FHIR codings, with the reverse lookups ilp reads with."""

    services: Mapping[str, ServiceCoding]
    conditions: Mapping[Condition, ConditionCoding]
    lmp_loinc: str
    edd_loinc: str
    _by_coding: dict[tuple[str, str], tuple[ServiceCoding, ...]] = attrs.field(
        init=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        index: dict[tuple[str, str], list[ServiceCoding]] = {}
        for row in self.services.values():
            keys = [(KFA, k) for k in (*row.kfa, *row.groups)]
            if row.cvx is not None:
                keys.append((CVX, row.cvx))
            if row.loinc is not None:
                keys.append((LOINC, row.loinc))
            for key in keys:
                index.setdefault(key, []).append(row)
        object.__setattr__(self, "_by_coding", {k: tuple(v) for k, v in index.items()})

    def service(self, code: str) -> ServiceCoding:
        """The row for *code*; a code without a row is a Procedure coded in ilp only."""
        row = self.services.get(code)
        return row if row is not None else ServiceCoding(code, Resource.PROCEDURE)

    def candidates(self, codings: Iterable[tuple[str, str]]) -> tuple[ServiceCoding, ...]:
        """Rows any of whose codes is one of *codings* (``(system, code)`` pairs), in map order."""
        found: dict[str, ServiceCoding] = {}
        for key in codings:
            for row in self._by_coding.get(key, ()):
                found.setdefault(row.code, row)
        return tuple(found.values())

    def condition_of(self, icd10: str) -> Condition | None:
        """The ilp condition an ICD-10 code (``E11.9``) belongs to, or None."""
        code = icd10.strip().upper()
        for row in self.conditions.values():
            for prefix in row.icd10:
                if code == prefix or code.startswith(prefix if "." in prefix else prefix + "."):
                    return row.condition
        return None

    def merged(self, other: CodeMap) -> CodeMap:
        """This map with *other*'s rows replacing rows of the same code or condition."""
        return CodeMap(
            {**self.services, **other.services},
            {**self.conditions, **other.conditions},
            other.lmp_loinc,
            other.edd_loinc,
        )


def _codes(value: Any, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    if value == UNKNOWN:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        msg = f"expected {what}, a list of them, or 'unknown'"
        raise TypeError(msg)
    for item in items:
        if not isinstance(item, str) or pattern.fullmatch(item) is None:
            msg = f"{item!r} is not {what}"
            raise TypeError(msg)
    return tuple(items)


def _one(pattern: re.Pattern[str] | None, what: str) -> Any:
    def read(value: Any) -> str | None:
        if value == UNKNOWN:
            return None
        if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
            msg = f"expected {what} as quoted text, or 'unknown'"
            raise TypeError(msg)
        return value

    return read


def _reason(value: Any) -> str:
    if value not in REASONS:
        msg = f"known reasons: {', '.join(sorted(REASONS))}"
        raise ValueError(msg)
    return str(value)


def _service_row(r: Reader, item: Any, where: str, line: int | None) -> ServiceCoding | None:
    m = r.mapping(
        item, where, line, required=("code", "resource", "source"), optional=_SERVICE_KEYS
    )
    if m is None:
        return None
    code = r.get(m, "code", where, _text, "a service code")
    resource = r.get(m, "resource", where, Resource, "Immunization, Observation or Procedure")
    kfa = r.get(m, "kfa", where, lambda v: _codes(v, _KFA_PRODUCT, "a KFA product (93xxxxxx)"), "")
    groups = r.get(m, "group", where, lambda v: _codes(v, _KFA_GROUP, "a KFA group (VGnnn)"), "")
    cvx = r.get(m, "cvx", where, _one(re.compile(r"\d{1,3}"), "a CVX code"), "a CVX code")
    loinc = r.get(m, "loinc", where, _one(_LOINC, "a LOINC code"), "a LOINC code")
    dose = r.get(m, "dose", where, _int, "a dose number")
    if dose is not None and dose < 1:
        r.problem(f"{where}.dose", m.lines.get("dose"), f"{dose} is not a dose number from 1")
    reason = r.get(m, "reason", where, _reason, "a Kemenkes immunization reason")
    source = r.get(m, "source", where, _text, "text saying where the codes come from")
    unknown = [k for k in ("kfa", "group", "cvx", "loinc") if m.get(k) == UNKNOWN]
    if unknown and "searched" not in m:
        r.problem(
            f"{where}.searched",
            m.line,
            f"{unknown[0]} is 'unknown': say in 'searched' where it was looked for",
        )
    if resource is Resource.IMMUNIZATION and "cvx" not in m:
        r.problem(f"{where}.cvx", m.line, "an Immunization row needs a CVX code (or 'unknown')")
    if resource is Resource.OBSERVATION and "loinc" not in m:
        r.problem(f"{where}.loinc", m.line, "an Observation row needs a LOINC code (or 'unknown')")
    if code is None or resource is None or source is None:
        return None
    return ServiceCoding(
        code,
        resource,
        kfa or (),
        groups or (),
        cvx,
        dose,
        r.get(m, "series", where, _text, "a series name"),
        reason,
        loinc,
        r.get(m, "unit", where, _text, "a UCUM unit"),
        source,
        r.get(m, "searched", where, _text, "text"),
    )


def _condition_row(r: Reader, item: Any, where: str, line: int | None) -> ConditionCoding | None:
    m = r.mapping(
        item, where, line, required=("condition", "icd10", "source"), optional=("searched",)
    )
    if m is None:
        return None
    condition = r.get(m, "condition", where, Condition.parse, "an ilp condition")
    icd = r.get(m, "icd10", where, lambda v: _codes(v, _ICD10, "an ICD-10 code"), "ICD-10 codes")
    if m.get("icd10") == UNKNOWN and "searched" not in m:
        r.problem(f"{where}.searched", m.line, "icd10 is 'unknown': say where it was looked for")
    source = r.get(m, "source", where, _text, "text")
    if condition is None or icd is None or source is None:
        return None
    return ConditionCoding(condition, icd, source, r.get(m, "searched", where, _text, "text"))


def _parse(text: str, origin: str) -> CodeMap:
    data = read_yaml(text, origin=origin, error=CodeMapError)
    r = Reader()
    top = r.mapping(
        data, "", 1, required=("format",), optional=("services", "conditions", "pregnancy")
    )
    services: dict[str, ServiceCoding] = {}
    conditions: dict[Condition, ConditionCoding] = {}
    lmp, edd = "8665-2", "11778-8"
    if top is not None:
        if top.get("format") != 1:
            r.problem("format", top.lines.get("format"), f"{top.get('format')!r} is not format 1")
        for item, where, line in r.items(top, "services", ""):
            row = _service_row(r, item, where, line)
            if row is not None:
                if row.code in services:
                    r.problem(f"{where}.code", line, f"service {row.code!r} is mapped twice")
                services[row.code] = row
        for item, where, line in r.items(top, "conditions", ""):
            crow = _condition_row(r, item, where, line)
            if crow is not None:
                if crow.condition in conditions:
                    msg = f"condition {crow.condition.value!r} is mapped twice"
                    r.problem(f"{where}.condition", line, msg)
                conditions[crow.condition] = crow
        preg = top.get("pregnancy")
        if preg is not None:
            pm = r.mapping(preg, "pregnancy", top.lines.get("pregnancy"), optional=("lmp", "edd"))
            if pm is not None:
                for key in ("lmp", "edd"):
                    if key not in pm:
                        continue
                    at = f"pregnancy.{key}"
                    km = r.mapping(pm[key], at, pm.lines.get(key), required=("loinc", "source"))
                    if km is not None:
                        got = r.get(km, "loinc", at, _one(_LOINC, "a LOINC code"), "a LOINC code")
                        if got is not None and key == "lmp":
                            lmp = got
                        elif got is not None:
                            edd = got
    if r.problems:
        lines = tuple(
            f"{origin}:{line}: {where}: {msg}" if line else f"{origin}: {where}: {msg}"
            for line, where, msg in sorted(r.problems, key=lambda p: (p[0] or 0, p[1]))
        )
        first_line, first_where, first_msg = min(r.problems, key=lambda p: (p[0] or 0, p[1]))
        more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
        raise CodeMapError(
            f"{first_where}: {first_msg}{more}",
            path=origin,
            line=first_line,
            key=first_where,
            problems=lines,
        )
    return CodeMap(services, conditions, lmp, edd)


@cache
def default_codemap() -> CodeMap:
    """The shipped map (``ilp/interop/data/codemap.yaml``), read once."""
    text = resources.files("ilp.interop").joinpath("data/codemap.yaml").read_text("utf-8")
    return _parse(text, "codemap.yaml")


def load_codemap(path: str | Path | None = None, *, base: CodeMap | None = None) -> CodeMap:
    """A code map: the shipped one, with the rows of the map file *path* merged over it.

    *base* replaces the shipped map as the starting point. A problem in the
    file raises :class:`~ilp.errors.CodeMapError` listing every problem with
    its line.
    """
    start = default_codemap() if base is None else base
    if path is None:
        return start
    text = read_text(path, kind="code map", error=CodeMapError)
    return start.merged(_parse(text, str(path)))

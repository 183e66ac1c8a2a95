"""Reading person and family files (YAML or JSON), the formats in ``docs/files.md``.

A person file holds one person, their history and optionally their region::

    person: {id: c-001, sex: female, birth_date: 2024-01-15}
    history:
      - {code: BCG, date: 2024-02-15}
    region: {je_endemic: true}

A family file holds one family card with its members, each with a history.
Bad files raise :class:`~ilp.errors.InputFileError` (unreadable, bad YAML,
wrong shape) or the error of the object that is wrong
(:class:`~ilp.errors.InvalidPersonError`, ...), naming the file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ilp.errors import ILPError, InputFileError
from ilp.lifecycle._engine import Region
from ilp.lifecycle._loader import read_yaml
from ilp.people import Family, Household, Member, Person, ServiceRecord

__all__ = ["FamilyFile", "PersonFile", "load_data", "read_family_file", "read_person_file"]


@attrs.frozen
class PersonFile:
    """What a person file holds: the person, their service history and their region."""

    person: Person
    history: tuple[ServiceRecord, ...] = ()
    region: Region = Region()


@attrs.frozen
class FamilyFile:
    """What a family file holds: the family, each member's history, the region, a reference date."""

    family: Family
    histories: Mapping[str, tuple[ServiceRecord, ...]]
    region: Region = Region()
    #: The date the file's data describe (``as_of``), if it says.
    as_of: str | None = None


def load_data(path: str | Path) -> Any:
    """Parse a YAML or JSON file safely (JSON when the name ends in ``.json``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError("no such file", path=str(p)) from None
    except IsADirectoryError:
        raise InputFileError("is a directory, not a file", path=str(p)) from None
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror}", path=str(p)) from None
    except UnicodeDecodeError:
        raise InputFileError("is not UTF-8 text", path=str(p)) from None
    if p.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"invalid JSON: {exc.msg}", path=str(p), line=exc.lineno) from None
    return read_yaml(text, origin=str(p), error=InputFileError)


def _located(exc: ILPError, path: str, where: str) -> InputFileError:
    return InputFileError(f"{where}: {exc.msg}", path=path, key=exc.field, value=exc.value)


def _mapping(
    data: Any, path: str, where: str, allowed: set[str], required: set[str]
) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        msg = f"{where}: expected a mapping, got {type(data).__name__}"
        raise InputFileError(msg, path=path, key=where)
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        msg = f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
        raise InputFileError(msg, path=path, key=unknown[0])
    missing = sorted(required - set(data))
    if missing:
        msg = f"{where}: missing required key {missing[0]!r}"
        raise InputFileError(msg, path=path, key=missing[0])
    return data


def _history(data: Any, path: str, where: str) -> tuple[ServiceRecord, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        msg = f"{where}: expected a list of records such as {{code: BCG, date: 2024-02-15}}"
        raise InputFileError(msg, path=path, key=where)
    out = []
    for i, item in enumerate(data):
        try:
            out.append(ServiceRecord.from_mapping(item))
        except ILPError as exc:
            raise _located(exc, path, f"{where}[{i}]") from None
    return tuple(out)


def _region(data: Any, path: str) -> Region:
    if data is None:
        return Region()
    try:
        return Region.from_mapping(data)
    except ILPError as exc:
        raise _located(exc, path, "region") from None


def _person(data: Any, path: str, where: str) -> Person:
    try:
        return Person.from_mapping(data)
    except ILPError as exc:
        raise _located(exc, path, where) from None


def read_person_file(path: str | Path) -> PersonFile:
    """Read a person file: ``person``, optional ``history`` and ``region``."""
    p = str(path)
    data = _mapping(load_data(path), p, "file", {"person", "history", "region"}, {"person"})
    return PersonFile(
        _person(data["person"], p, "person"),
        _history(data.get("history"), p, "history"),
        _region(data.get("region"), p),
    )


def read_family_file(path: str | Path) -> FamilyFile:
    """Read a family file: ``family`` (card number, household facts, members with histories)."""
    p = str(path)
    top = _mapping(load_data(path), p, "file", {"family", "region", "as_of"}, {"family"})
    fam = _mapping(
        top["family"],
        p,
        "family",
        {"kk_number", "household", "residence", "address", "members"},
        {"kk_number", "members"},
    )
    members, histories = [], {}
    raw_members = fam["members"]
    if not isinstance(raw_members, list):
        raise InputFileError("family.members: expected a list", path=p, key="members")
    for i, m in enumerate(raw_members):
        where = f"family.members[{i}]"
        mm = _mapping(m, p, where, {"relation", "person", "history"}, {"relation", "person"})
        person = _person(mm["person"], p, f"{where}.person")
        try:
            members.append(Member(person, mm["relation"]))
        except ValueError:
            msg = (
                f"{where}.relation: {mm['relation']!r} is not head, spouse, child, parent or other"
            )
            raise InputFileError(msg, path=p, key="relation", value=mm["relation"]) from None
        histories[person.id] = _history(mm.get("history"), p, f"{where}.history")
    try:
        household = Household(**(fam.get("household") or {}))
    except TypeError as exc:
        raise InputFileError(f"family.household: {exc}", path=p, key="household") from None
    try:
        family = Family(
            str(fam["kk_number"]),
            members,
            household=household,
            residence=fam.get("residence"),
            address=fam.get("address"),
        )
    except ILPError as exc:
        raise _located(exc, p, "family") from None
    as_of = top.get("as_of")
    return FamilyFile(
        family, histories, _region(top.get("region"), p), None if as_of is None else str(as_of)
    )

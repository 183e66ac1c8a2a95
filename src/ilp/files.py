"""Reading person and family files (YAML or JSON), the formats in ``docs/files.md``.

A person file holds one person, their history and optionally their region::

    person: {id: c-001, sex: female, birth_date: 2024-01-15}
    history:
      - {code: BCG, date: 2024-02-15}
    region: {je_endemic: true}

A family file holds one family card with its members, each with a history;
a family register holds many (a folder of CSV files, see
:mod:`ilp._register_csv`, or YAML/JSON). Files are read through the one
bounded reading path (:mod:`ilp._yaml`), and every problem raises
:class:`~ilp.errors.InputFileError` naming the file, the line, the place in
it and the offending value (masked when it looks like a NIK).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ilp._register_csv import read_csv_register
from ilp._yaml import Map, load_file
from ilp.dates import as_date
from ilp.errors import ILPError, InputFileError
from ilp.lifecycle._engine import Region
from ilp.people import (
    Family,
    FamilyRegister,
    Household,
    Member,
    Person,
    ServiceRecord,
)

if TYPE_CHECKING:
    from ilp.population import ColumnRegister

__all__ = [
    "FamilyFile",
    "FamilyRegister",
    "PersonFile",
    "load_data",
    "read_family_file",
    "read_person_file",
    "read_register",
    "read_register_columns",
]

_HOUSEHOLD_KEYS = frozenset(attrs.fields_dict(Household))


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


def load_data(path: str | Path, *, kind: str = "person file") -> Any:
    """Parse a YAML or JSON file safely (JSON when the name ends in ``.json``).

    The file is refused unread when it is larger than the limit for *kind*
    (``docs/files.md``, "Limits").
    """
    return load_file(path, kind=kind, error=InputFileError)


# ---------------------------------------------------------------------------
# places and lines


def _line_of(data: Any, field: str | None) -> int | None:
    """The line of *field* in *data* or the first mapping under it that has it, else of *data*."""
    if not isinstance(data, Map):
        return None
    if field is None:
        return data.line
    todo: list[Any] = [data]
    seen = 0
    while todo and seen < 1000:
        item = todo.pop(0)
        seen += 1
        if isinstance(item, Map):
            if field in item:
                return item.line_of(field)
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return data.line


def _located(exc: ILPError, path: str, where: str, data: Any) -> InputFileError:
    head = where.rsplit(".", 1)[-1].split("[", 1)[0]
    msg = exc.msg if exc.msg.startswith(f"{head}:") and where == head else f"{where}: {exc.msg}"
    line = _line_of(data, exc.field)
    return InputFileError(msg, path=path, line=line, key=exc.field, value=exc.value)


def _key(key: object) -> str:
    text = str(key)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _mapping(
    data: Any, path: str, where: str, allowed: frozenset[str], required: frozenset[str]
) -> Map:
    if not isinstance(data, Map):
        kind = "a list" if isinstance(data, list) else type(data).__name__
        raise InputFileError(f"{where}: expected a mapping, got {kind}", path=path, key=where)
    for key, line in data.duplicates:
        msg = f"{where}: key {_key(key)} given twice"
        raise InputFileError(msg, path=path, line=line, key=key)
    unknown = sorted((str(k) for k in data if k not in allowed), key=str)
    if unknown:
        msg = f"{where}: unknown key {_key(unknown[0])} (allowed: {', '.join(sorted(allowed))})"
        line = next((data.line_of(k) for k in data if str(k) == unknown[0]), data.line)
        raise InputFileError(msg, path=path, line=line, key=unknown[0])
    missing = sorted(required - set(data))
    if missing:
        msg = f"{where}: missing required key {missing[0]!r}"
        raise InputFileError(msg, path=path, line=data.line, key=missing[0])
    return data


def _list(m: Map, key: str, path: str, where: str, example: str) -> list[Any]:
    value = m.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        msg = f"{where}: expected a list{example}"
        raise InputFileError(msg, path=path, line=m.line_of(key), key=key)
    return value


# ---------------------------------------------------------------------------
# the parts of a file


def _history(m: Map, path: str, where: str) -> tuple[ServiceRecord, ...]:
    example = " of records such as {code: BCG, date: 2024-02-15}"
    out = []
    for i, item in enumerate(_list(m, "history", path, where, example)):
        try:
            out.append(ServiceRecord.from_mapping(item))
        except ILPError as exc:
            raise _located(exc, path, f"{where}[{i}]", item) from None
    return tuple(out)


def _region(data: Any, path: str) -> Region:
    if data is None:
        return Region()
    if not isinstance(data, Map):
        msg = "region: expected a mapping such as {je_endemic: true}"
        raise InputFileError(msg, path=path, key="region")
    for key in data:
        value = data[key]
        if not isinstance(key, str):
            msg = f"region: a key must be text, not {_key(key)}"
            raise InputFileError(msg, path=path, line=data.line_of(key), key="region")
        if key == "ages":
            if not isinstance(value, Map) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                msg = "region.ages: expected a mapping of code to age, such as {JE: 9m}"
                raise InputFileError(msg, path=path, line=data.line_of(key), key="region.ages")
        elif not isinstance(value, bool):
            msg = f"region.{_key(key)[1:-1]}: expected true or false"
            raise InputFileError(msg, path=path, line=data.line_of(key), key=f"region.{key}")
    try:
        return Region.from_mapping(data)
    except ILPError as exc:
        raise _located(exc, path, "region", data) from None


def _person(data: Any, path: str, where: str) -> Person:
    if not isinstance(data, Map):
        kind = "a list" if isinstance(data, list) else type(data).__name__
        raise InputFileError(f"{where}: expected a mapping, got {kind}", path=path, key=where)
    for key, line in data.duplicates:
        raise InputFileError(f"{where}: key {_key(key)} given twice", path=path, line=line, key=key)
    try:
        return Person.from_mapping(data)
    except ILPError as exc:
        raise _located(exc, path, where, data) from None


def _as_of(top: Map, path: str) -> str | None:
    value = top.get("as_of")
    if value is None:
        return None
    try:
        return as_date(value, field="as_of").isoformat()
    except ILPError as exc:
        raise _located(exc, path, "as_of", top) from None


_PERSON_FILE = frozenset({"person", "history", "region"})
_FAMILY_FILE = frozenset({"family", "region", "as_of"})
_FAMILY = frozenset({"kk_number", "household", "residence", "address", "members"})
_MEMBER = frozenset({"relation", "person", "history"})


def read_person_file(path: str | Path) -> PersonFile:
    """Read a person file: ``person``, optional ``history`` and ``region``."""
    p = str(path)
    data = _mapping(load_data(path), p, "file", _PERSON_FILE, frozenset({"person"}))
    return PersonFile(
        _person(data["person"], p, "person"),
        _history(data, p, "history"),
        _region(data.get("region"), p),
    )


def _family_from(data: Any, p: str, where: str) -> FamilyFile:
    fam = _mapping(data, p, where, _FAMILY, frozenset({"kk_number", "members"}))
    members, histories = [], {}
    raw_members = fam["members"]
    if not isinstance(raw_members, list):
        msg = f"{where}.members: expected a list"
        raise InputFileError(msg, path=p, line=fam.line_of("members"), key="members")
    for i, m in enumerate(raw_members):
        at = f"{where}.members[{i}]"
        mm = _mapping(m, p, at, _MEMBER, frozenset({"relation", "person"}))
        person = _person(mm["person"], p, f"{at}.person")
        try:
            members.append(Member(person, mm["relation"]))
        except ILPError as exc:
            raise _located(exc, p, at, mm) from None
        histories[person.id] = _history(mm, p, f"{at}.history")
    household = _household(fam.get("household"), p, f"{where}.household")
    try:
        family = Family(
            fam["kk_number"],
            members,
            household=household,
            residence=fam.get("residence"),
            address=fam.get("address"),
        )
    except ILPError as exc:
        raise _located(exc, p, where, fam) from None
    return FamilyFile(family, histories)


def _household(data: Any, p: str, where: str) -> Household:
    if data is None:
        return Household()
    facts = _mapping(data, p, where, _HOUSEHOLD_KEYS, frozenset())
    try:
        return Household(**{str(k): v for k, v in facts.items()})
    except ILPError as exc:
        raise _located(exc, p, where, facts) from None


def read_family_file(path: str | Path) -> FamilyFile:
    """Read a family file: ``family`` (card number, household facts, members with histories)."""
    p = str(path)
    data = load_data(path, kind="family file")
    top = _mapping(data, p, "file", _FAMILY_FILE, frozenset({"family"}))
    ff = _family_from(top["family"], p, "family")
    return FamilyFile(ff.family, ff.histories, _region(top.get("region"), p), _as_of(top, p))


def read_register(path: str | Path) -> FamilyRegister:
    """Read a family register: a folder of CSV files, or a YAML/JSON file of families.

    A folder holds ``households.csv``, ``people.csv`` and optionally
    ``pregnancies.csv`` and ``records.csv`` (``docs/files.md``). A YAML or
    JSON file holds ``families:``, a list in the family-file shape, and an
    optional ``as_of``.
    """
    p = Path(path)
    if p.is_dir():
        return read_csv_register(p)
    data = load_data(p, kind="register")
    top = _mapping(data, str(p), "file", frozenset({"families", "as_of"}), frozenset({"families"}))
    items = top["families"]
    if not isinstance(items, list):
        msg = "families: expected a list of families"
        raise InputFileError(msg, path=str(p), line=top.line_of("families"), key="families")
    families: list[Family] = []
    histories: dict[str, tuple[ServiceRecord, ...]] = {}
    seen: set[str] = set()
    for i, item in enumerate(items):
        ff = _family_from(item, str(p), f"families[{i}]")
        if ff.family.kk_number in seen:
            msg = f"families[{i}]: family card number given twice"
            raise InputFileError(
                msg, path=str(p), line=_line_of(item, "kk_number"), key="kk_number"
            )
        seen.add(ff.family.kk_number)
        families.append(ff.family)
        histories.update(ff.histories)
    try:
        return FamilyRegister(tuple(families), histories, _as_of(top, str(p)))
    except ILPError as exc:
        raise _located(exc, str(p), "families", top) from None


def read_register_columns(path: str | os.PathLike[str]) -> ColumnRegister:
    """Read a family register (as :func:`read_register`) straight into columns.

    The result holds what ``ColumnRegister.from_register(read_register(path))``
    holds, and every problem raises the error :func:`read_register` (or,
    for a record outside its person's life, ``Population.from_people``)
    raises. A CSV folder is read without a :class:`~ilp.people.Person` or
    :class:`~ilp.people.ServiceRecord` per row when pyarrow is installed
    (extra ``ilp[parquet]``); persons are made when asked for
    (:meth:`~ilp.population.ColumnRegister.person`).
    """
    from ilp._register_columns import read_csv_columns  # noqa: PLC0415 - NumPy behind it
    from ilp.population import ColumnRegister  # noqa: PLC0415

    p = Path(path)
    if p.is_dir():
        return read_csv_columns(p)
    return ColumnRegister.from_register(read_register(p))

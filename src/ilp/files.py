"""Reading person and family files (YAML or JSON), the formats in ``docs/files.md``.

A person file holds one person, their history and optionally their region::

    person: {id: c-001, sex: female, birth_date: 2024-01-15}
    history:
      - {code: BCG, date: 2024-02-15}
    region: {je_endemic: true}

A family file holds one family card with its members, each with a history;
a family register holds many (a folder of CSV files, or YAML/JSON). Every
problem raises :class:`~ilp.errors.InputFileError` naming the file, the
place in it and the offending value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ilp._yaml import load_file
from ilp.errors import ILPError, InputFileError
from ilp.lifecycle._engine import Region
from ilp.people import (
    Family,
    FamilyRegister,
    Household,
    Member,
    Person,
    Pregnancy,
    ServiceRecord,
)

__all__ = [
    "FamilyFile",
    "FamilyRegister",
    "PersonFile",
    "load_data",
    "read_family_file",
    "read_person_file",
    "read_register",
]


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


def _located(exc: ILPError, path: str, where: str) -> InputFileError:
    head = where.rsplit(".", 1)[-1].split("[", 1)[0]
    msg = exc.msg if exc.msg.startswith(f"{head}:") and where == head else f"{where}: {exc.msg}"
    return InputFileError(msg, path=path, key=exc.field, value=exc.value)


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


def _family_from(data: Any, p: str, where: str) -> FamilyFile:
    fam = _mapping(
        data,
        p,
        where,
        {"kk_number", "household", "residence", "address", "members"},
        {"kk_number", "members"},
    )
    members, histories = [], {}
    raw_members = fam["members"]
    if not isinstance(raw_members, list):
        raise InputFileError(f"{where}.members: expected a list", path=p, key="members")
    for i, m in enumerate(raw_members):
        at = f"{where}.members[{i}]"
        mm = _mapping(m, p, at, {"relation", "person", "history"}, {"relation", "person"})
        person = _person(mm["person"], p, f"{at}.person")
        try:
            members.append(Member(person, mm["relation"]))
        except ILPError as exc:
            raise _located(exc, p, at) from None
        histories[person.id] = _history(mm.get("history"), p, f"{at}.history")
    household_data = fam.get("household") or {}
    if not isinstance(household_data, Mapping):
        raise InputFileError(f"{where}.household: expected a mapping", path=p, key="household")
    try:
        household = Household(**household_data)
    except TypeError as exc:
        raise InputFileError(f"{where}.household: {exc}", path=p, key="household") from None
    try:
        family = Family(
            str(fam["kk_number"]),
            members,
            household=household,
            residence=fam.get("residence"),
            address=fam.get("address"),
        )
    except ILPError as exc:
        raise _located(exc, p, where) from None
    return FamilyFile(family, histories)


def read_family_file(path: str | Path) -> FamilyFile:
    """Read a family file: ``family`` (card number, household facts, members with histories)."""
    p = str(path)
    top = _mapping(
        load_data(path, kind="family file"), p, "file", {"family", "region", "as_of"}, {"family"}
    )
    ff = _family_from(top["family"], p, "family")
    as_of = top.get("as_of")
    return FamilyFile(
        ff.family,
        ff.histories,
        _region(top.get("region"), p),
        None if as_of is None else str(as_of),
    )


# ---------------------------------------------------------------------------
# family registers: many families with their members' histories


_CSV_FILES = ("households.csv", "people.csv", "pregnancies.csv", "records.csv")


def _rows(path: Path, required: set[str], optional: set[str]) -> list[tuple[int, dict[str, str]]]:
    import csv  # noqa: PLC0415 - only registers in CSV need it

    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            fields = next(reader, [])
            header = set(fields)
            missing = sorted(required - header)
            if missing:
                known = ", ".join(sorted(required | optional))
                msg = f"missing column {missing[0]!r} (columns: {known})"
                raise InputFileError(msg, path=str(path), line=1, key=missing[0])
            unknown = sorted(header - required - optional)
            if unknown:
                known = ", ".join(sorted(required | optional))
                msg = f"unknown column {unknown[0]!r} (columns: {known})"
                raise InputFileError(msg, path=str(path), line=1, key=unknown[0])
            out = []
            width = len(fields)
            for cells in reader:
                if not cells:
                    continue  # a blank line
                if len(cells) > width:
                    msg = f"{len(cells)} cells where the header has {width} columns"
                    raise InputFileError(msg, path=str(path), line=reader.line_num)
                row = dict(zip(fields, cells, strict=False))  # a short row leaves cells out
                out.append((reader.line_num, {k: t for k, v in row.items() if (t := v.strip())}))
            return out
    except FileNotFoundError:
        raise InputFileError("no such file", path=str(path)) from None
    except UnicodeDecodeError:
        raise InputFileError("is not UTF-8 text", path=str(path)) from None
    except csv.Error as exc:
        raise InputFileError(f"invalid CSV: {exc}", path=str(path)) from None


_TRUE = {"true": True, "yes": True, "ya": True, "1": True, "y": True}
_FALSE = {"false": False, "no": False, "tidak": False, "0": False, "n": False, "t": False}


def _flag(value: str | None, path: Path, line: int, column: str) -> bool | None:
    if value is None:
        return None
    key = value.lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    msg = f"{column}: {value!r} is not true/false (also yes/no, ya/tidak, 1/0)"
    raise InputFileError(msg, path=str(path), line=line, key=column, value=value)


def _int_cell(value: str | None, path: Path, line: int, column: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        msg = f"{column}: {value!r} is not a whole number"
        raise InputFileError(msg, path=str(path), line=line, key=column, value=value) from None


def _csv_register(folder: Path) -> FamilyRegister:
    hh_path, people_path, preg_path, rec_path = (folder / n for n in _CSV_FILES)
    households = _csv_households(hh_path)
    pregnancies = _csv_pregnancies(preg_path)
    members = _csv_members(people_path, households, pregnancies)
    if pregnancies:
        orphan = next(iter(pregnancies))
        msg = f"pregnancy of person {orphan!r}, who is not in people.csv"
        raise InputFileError(msg, path=str(preg_path), key="person_id", value=orphan)
    families = _csv_families(hh_path, households, members)
    known = {m.person.id for f in families for m in f.members}
    histories = _csv_histories(rec_path, known)
    return FamilyRegister(tuple(families), {k: tuple(v) for k, v in histories.items()})


_Households = dict[str, tuple[dict[str, str], Household, int]]


def _csv_households(hh_path: Path) -> _Households:
    """households.csv: each family card's row, household facts and line."""
    households: _Households = {}
    for line, row in _rows(
        hh_path,
        {"kk_number"},
        {
            "address",
            "residence",
            "family_planning",
            "no_smoker",
            "jkn",
            "clean_water",
            "healthy_latrine",
            "exclusive_breastfeeding",
        },
    ):
        facts = {
            k: _flag(row.get(k), hh_path, line, k)
            for k in (
                "family_planning",
                "no_smoker",
                "jkn",
                "clean_water",
                "healthy_latrine",
                "exclusive_breastfeeding",
            )
        }
        if re.fullmatch(r"\d{16}", row["kk_number"], re.ASCII) is None:
            msg = f"kk_number: {row['kk_number']!r} is not a family card number of 16 digits"
            raise InputFileError(
                msg, path=str(hh_path), line=line, key="kk_number", value=row["kk_number"]
            )
        households[row["kk_number"]] = (row, Household(**facts), line)
    return households


def _csv_pregnancies(preg_path: Path) -> dict[str, list[Pregnancy]]:
    """pregnancies.csv (optional): each person's pregnancies."""
    pregnancies: dict[str, list[Pregnancy]] = {}
    if preg_path.exists():
        for line, row in _rows(
            preg_path, {"person_id", "lmp"}, {"edd", "delivery_date", "outcome", "in_facility"}
        ):
            data: dict[str, Any] = {
                k: row[k] for k in ("lmp", "edd", "delivery_date", "outcome") if k in row
            }
            data["in_facility"] = _flag(row.get("in_facility"), preg_path, line, "in_facility")
            try:
                pregnancies.setdefault(row["person_id"], []).append(Pregnancy.from_mapping(data))
            except ILPError as exc:
                raise InputFileError(
                    exc.msg, path=str(preg_path), line=line, key=exc.field, value=exc.value
                ) from None
    return pregnancies


def _csv_members(
    people_path: Path, households: _Households, pregnancies: dict[str, list[Pregnancy]]
) -> dict[str, list[Member]]:
    """people.csv: each family card's members (pregnancies taken from *pregnancies*)."""
    members: dict[str, list[Member]] = {}
    person_cols = {
        "name",
        "nik",
        "death_date",
        "residence",
        "conditions",
        "school_grade",
        "school_year",
        "ever_sexually_active",
    }
    for line, row in _rows(
        people_path, {"person_id", "kk_number", "relation", "sex", "birth_date"}, person_cols
    ):
        data = {
            "id": row["person_id"],
            "sex": row["sex"],
            "birth_date": row["birth_date"],
            "name": row.get("name"),
            "nik": row.get("nik"),
            "death_date": row.get("death_date"),
            "residence": row.get("residence"),
            "conditions": [c for c in row.get("conditions", "").split(";") if c.strip()],
            "school_grade": _int_cell(row.get("school_grade"), people_path, line, "school_grade"),
            "school_year": _int_cell(row.get("school_year"), people_path, line, "school_year"),
            "ever_sexually_active": _flag(
                row.get("ever_sexually_active"), people_path, line, "ever_sexually_active"
            ),
            "pregnancies": pregnancies.pop(row["person_id"], []),
        }
        if row["kk_number"] not in households:
            kk, pid = row["kk_number"], row["person_id"]
            msg = f"kk_number {kk!r} of person {pid!r} is not in households.csv"
            raise InputFileError(
                msg, path=str(people_path), line=line, key="kk_number", value=row["kk_number"]
            )
        try:
            person = Person.from_mapping(data)
            member = Member(person, row["relation"])
        except ILPError as exc:
            raise InputFileError(
                exc.msg, path=str(people_path), line=line, key=exc.field, value=exc.value
            ) from None
        members.setdefault(row["kk_number"], []).append(member)
    return members


def _csv_families(
    hh_path: Path, households: _Households, members: dict[str, list[Member]]
) -> list[Family]:
    families = []
    for kk, (row, household, line) in households.items():
        try:
            families.append(
                Family(
                    kk,
                    members.get(kk, ()),
                    household=household,
                    residence=row.get("residence"),
                    address=row.get("address"),
                )
            )
        except ILPError as exc:
            raise InputFileError(
                exc.msg, path=str(hh_path), line=line, key=exc.field, value=exc.value
            ) from None
    return families


def _csv_histories(rec_path: Path, known: set[str]) -> dict[str, list[ServiceRecord]]:
    """records.csv (optional): each known person's records."""
    histories: dict[str, list[ServiceRecord]] = {}
    # records are values: a (code, date) seen before is the same record, made and checked once
    plain: dict[tuple[str, str], ServiceRecord] = {}
    if rec_path.exists():
        for line, row in _rows(
            rec_path, {"person_id", "code", "date"}, {"place", "provider", "result", "value"}
        ):
            if row["person_id"] not in known:
                msg = f"record for person {row['person_id']!r}, who is not in people.csv"
                raise InputFileError(
                    msg, path=str(rec_path), line=line, key="person_id", value=row["person_id"]
                )
            if len(row) == 3:  # person_id, code and date only
                seen = plain.get((row["code"], row["date"]))
                if seen is not None:
                    histories.setdefault(row["person_id"], []).append(seen)
                    continue
            data: dict[str, Any] = {
                k: row[k] for k in ("code", "date", "place", "provider", "result") if k in row
            }
            if "value" in row:
                try:
                    data["value"] = float(row["value"])
                except ValueError:
                    msg = f"value: {row['value']!r} is not a number"
                    raise InputFileError(
                        msg, path=str(rec_path), line=line, key="value", value=row["value"]
                    ) from None
            try:
                record = ServiceRecord.from_mapping(data)
            except ILPError as exc:
                raise InputFileError(
                    exc.msg, path=str(rec_path), line=line, key=exc.field, value=exc.value
                ) from None
            if len(row) == 3:
                plain[row["code"], row["date"]] = record
            histories.setdefault(row["person_id"], []).append(record)
    return histories


def read_register(path: str | Path) -> FamilyRegister:
    """Read a family register: a folder of CSV files, or a YAML/JSON file of families.

    A folder holds ``households.csv``, ``people.csv`` and optionally
    ``pregnancies.csv`` and ``records.csv`` (``docs/files.md``). A YAML or
    JSON file holds ``families:``, a list in the family-file shape, and an
    optional ``as_of``.
    """
    p = Path(path)
    if p.is_dir():
        return _csv_register(p)
    top = _mapping(
        load_data(p, kind="register"), str(p), "file", {"families", "as_of"}, {"families"}
    )
    items = top["families"]
    if not isinstance(items, list):
        raise InputFileError("families: expected a list of families", path=str(p), key="families")
    families: list[Family] = []
    histories: dict[str, tuple[ServiceRecord, ...]] = {}
    for i, item in enumerate(items):
        ff = _family_from(item, str(p), f"families[{i}]")
        families.append(ff.family)
        histories.update(ff.histories)
    as_of = top.get("as_of")
    return FamilyRegister(tuple(families), histories, None if as_of is None else str(as_of))

"""Reading a family register from a folder of CSV files (``docs/files.md``, "Family registers").

The folder holds ``households.csv`` and ``people.csv``, and optionally
``pregnancies.csv`` and ``records.csv``. Every row is checked whole before
it is used: the header names known columns only, each row has as many
fields as the header, required cells are not empty, a family card number
appears once, and every value is read by the same validators as YAML and
JSON files. Each problem is an :class:`~ilp.errors.InputFileError` naming
the file, the line and the column.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from ilp._yaml import SIZE_LIMITS
from ilp.errors import ILPError, InputFileError
from ilp.people import Family, FamilyRegister, Household, Member, Person, Pregnancy, ServiceRecord

__all__ = [
    "CSV_FILES",
    "FLAGS",
    "KK_NUMBER",
    "PERSON_COLUMNS",
    "csv_rows",
    "flag",
    "int_cell",
    "read_csv_register",
]

#: The files of a register folder, in the order they are read.
CSV_FILES: Final = ("households.csv", "people.csv", "pregnancies.csv", "records.csv")
#: The household facts of ``households.csv`` (true/false cells).
FLAGS: Final = (
    "family_planning",
    "no_smoker",
    "jkn",
    "clean_water",
    "healthy_latrine",
    "exclusive_breastfeeding",
)
_TRUE: Final = {"true": True, "yes": True, "ya": True, "1": True, "y": True}
_FALSE: Final = {"false": False, "no": False, "tidak": False, "0": False, "n": False, "t": False}
#: A family card number (no. KK): 16 ASCII digits.
KK_NUMBER: Final = re.compile(r"[0-9]{16}")
_WHOLE: Final = re.compile(r"-?[0-9]{1,9}")
_MB: Final = 1024 * 1024

#: The optional columns of ``people.csv``.
PERSON_COLUMNS: Final = frozenset(
    {
        "name",
        "nik",
        "death_date",
        "residence",
        "conditions",
        "school_grade",
        "school_year",
        "ever_sexually_active",
    }
)

Row = tuple[int, dict[str, str]]


def _show(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def csv_rows(path: Path, required: frozenset[str], optional: frozenset[str]) -> list[Row]:
    """The rows of *path* with their line; cells stripped, empty ones left out.

    The header must name known columns (*required* ones all), each once; a
    row longer than the header or with an empty required cell is refused.
    """
    limit = SIZE_LIMITS["register CSV file"]
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limit:
                msg = f"the file is {size / _MB:.1f} MB; the limit for a register CSV file is"
                raise InputFileError(f"{msg} {limit // _MB} MB", path=str(path))
            return list(_read_rows(path, csv.reader(fh), required, optional))
    except FileNotFoundError:
        raise InputFileError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise InputFileError("is a directory, not a CSV file", path=str(path)) from None
    except UnicodeDecodeError:
        raise InputFileError("is not UTF-8 text", path=str(path)) from None
    except csv.Error as exc:
        text = str(exc) if len(str(exc)) < 100 else str(exc)[:97] + "..."
        raise InputFileError(f"invalid CSV: {text}", path=str(path)) from None
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise InputFileError(f"cannot read: {why}", path=str(path)) from None


def _read_rows(
    path: Path, reader: Any, required: frozenset[str], optional: frozenset[str]
) -> Iterator[Row]:
    header = [h.strip() for h in next(reader, [])]
    known = ", ".join(sorted(required | optional))
    for name in header:
        if name not in required | optional:
            msg = f"unknown column {_show(name)} (columns: {known})"
            raise InputFileError(msg, path=str(path), line=1, key=name[:40])
    if len(set(header)) != len(header):
        msg = "a column is named twice in the header"
        raise InputFileError(msg, path=str(path), line=1)
    missing = sorted(required - set(header))
    if missing:
        msg = f"missing column {missing[0]!r} (columns: {known})"
        raise InputFileError(msg, path=str(path), line=1, key=missing[0])
    for cells in reader:
        line = reader.line_num
        if not cells or all(not c.strip() for c in cells):
            continue  # a blank line
        if len(cells) > len(header):
            msg = f"{len(cells)} cells where the header has {len(header)} columns"
            raise InputFileError(msg, path=str(path), line=line)
        # a short row leaves its last cells empty (spreadsheets drop trailing empty cells);
        # a required one among them is named below
        row = {k: v.strip() for k, v in zip(header, cells, strict=False) if v.strip()}
        for name in sorted(required):
            if name not in row:
                msg = f"{name}: an empty cell where a value is required"
                raise InputFileError(msg, path=str(path), line=line, key=name)
        yield line, row


def flag(value: str | None, path: Path, line: int, column: str) -> bool | None:
    """A true/false cell (also yes/no, ya/tidak, 1/0; None when empty)."""
    if value is None:
        return None
    key = value.lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    msg = f"{column}: {_show(value)} is not true/false (also yes/no, ya/tidak, 1/0)"
    raise InputFileError(msg, path=str(path), line=line, key=column, value=value)


def int_cell(value: str | None, path: Path, line: int, column: str) -> int | None:
    """A whole-number cell of at most 9 digits (None when empty)."""
    if value is None:
        return None
    if _WHOLE.fullmatch(value) is None:
        msg = f"{column}: {_show(value)} is not a whole number"
        raise InputFileError(msg, path=str(path), line=line, key=column, value=value)
    return int(value)


def _error(exc: ILPError, path: Path, line: int) -> InputFileError:
    return InputFileError(exc.msg, path=str(path), line=line, key=exc.field, value=exc.value)


def _households(path: Path) -> dict[str, tuple[dict[str, str], Household, int]]:
    out: dict[str, tuple[dict[str, str], Household, int]] = {}
    optional = frozenset({"address", "residence", *FLAGS})
    for line, row in csv_rows(path, frozenset({"kk_number"}), optional):
        kk = row["kk_number"]
        if KK_NUMBER.fullmatch(kk) is None:
            msg = f"kk_number: {_show(kk)} is not a family card number (no. KK) of 16 digits"
            raise InputFileError(msg, path=str(path), line=line, key="kk_number", value=kk)
        if kk in out:
            msg = f"kk_number: the same family card number is on line {out[kk][2]}"
            raise InputFileError(msg, path=str(path), line=line, key="kk_number", value=kk)
        facts = {k: flag(row.get(k), path, line, k) for k in FLAGS}
        out[kk] = (row, Household(**facts), line)
    return out


def _pregnancies(path: Path) -> dict[str, list[Pregnancy]]:
    out: dict[str, list[Pregnancy]] = {}
    if not path.exists():
        return out
    optional = frozenset({"edd", "delivery_date", "outcome", "in_facility"})
    for line, row in csv_rows(path, frozenset({"person_id", "lmp"}), optional):
        data: dict[str, Any] = {
            k: row[k] for k in ("lmp", "edd", "delivery_date", "outcome") if k in row
        }
        data["in_facility"] = flag(row.get("in_facility"), path, line, "in_facility")
        try:
            out.setdefault(row["person_id"], []).append(Pregnancy.from_mapping(data))
        except ILPError as exc:
            raise _error(exc, path, line) from None
    return out


def _person(row: dict[str, str], path: Path, line: int, pregnancies: list[Pregnancy]) -> Person:
    data = {
        "id": row["person_id"],
        "sex": row["sex"],
        "birth_date": row["birth_date"],
        "name": row.get("name"),
        "nik": row.get("nik"),
        "death_date": row.get("death_date"),
        "residence": row.get("residence"),
        "conditions": [c for c in row.get("conditions", "").split(";") if c.strip()],
        "school_grade": int_cell(row.get("school_grade"), path, line, "school_grade"),
        "school_year": int_cell(row.get("school_year"), path, line, "school_year"),
        "ever_sexually_active": flag(
            row.get("ever_sexually_active"), path, line, "ever_sexually_active"
        ),
        "pregnancies": pregnancies,
    }
    try:
        return Person.from_mapping(data)
    except ILPError as exc:
        raise _error(exc, path, line) from None


def _records(path: Path, known: set[str]) -> dict[str, list[ServiceRecord]]:
    out: dict[str, list[ServiceRecord]] = {}
    if not path.exists():
        return out
    # records are values: a (code, date) seen before is the same record, made and checked once
    plain: dict[tuple[str, str], ServiceRecord] = {}
    optional = frozenset({"place", "provider", "result", "value"})
    for line, row in csv_rows(path, frozenset({"person_id", "code", "date"}), optional):
        if row["person_id"] not in known:
            msg = f"record for person {_show(row['person_id'])}, who is not in people.csv"
            raise InputFileError(
                msg, path=str(path), line=line, key="person_id", value=row["person_id"]
            )
        if len(row) == 3:  # person_id, code and date only
            seen = plain.get((row["code"], row["date"]))
            if seen is not None:
                out.setdefault(row["person_id"], []).append(seen)
                continue
        data: dict[str, Any] = {
            k: row[k] for k in ("code", "date", "place", "provider", "result", "value") if k in row
        }
        try:
            record = ServiceRecord.from_mapping(data)
        except ILPError as exc:
            raise _error(exc, path, line) from None
        if len(row) == 3:
            plain[row["code"], row["date"]] = record
        out.setdefault(row["person_id"], []).append(record)
    return out


def read_csv_register(folder: Path) -> FamilyRegister:
    """The family register in CSV folder *folder* (see :func:`ilp.read_register`)."""
    hh_path, people_path, preg_path, rec_path = (folder / n for n in CSV_FILES)
    households = _households(hh_path)
    pregnancies = _pregnancies(preg_path)
    members: dict[str, list[Member]] = {}
    required = frozenset({"person_id", "kk_number", "relation", "sex", "birth_date"})
    for line, row in csv_rows(people_path, required, PERSON_COLUMNS):
        kk, pid = row["kk_number"], row["person_id"]
        if kk not in households:
            msg = f"kk_number {_show(kk)} of person {_show(pid)} is not in households.csv"
            raise InputFileError(msg, path=str(people_path), line=line, key="kk_number", value=kk)
        person = _person(row, people_path, line, pregnancies.pop(pid, []))
        try:
            members.setdefault(kk, []).append(Member(person, row["relation"]))
        except ILPError as exc:
            raise _error(exc, people_path, line) from None
    if pregnancies:
        orphan = next(iter(pregnancies))
        msg = f"pregnancy of person {_show(orphan)}, who is not in people.csv"
        raise InputFileError(msg, path=str(preg_path), key="person_id", value=orphan)
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
            raise _error(exc, hh_path, line) from None
    try:
        register = FamilyRegister(tuple(families), {})
    except ILPError as exc:
        raise InputFileError(exc.msg, path=str(people_path), key=exc.field) from None
    known = {m.person.id for f in families for m in f.members}
    histories = _records(rec_path, known)
    return FamilyRegister(register.families, {k: tuple(v) for k, v in histories.items()})

"""Writing a family register as the CSV folder :func:`ilp.read_register` reads (docs/files.md)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, BinaryIO, Final

from ilp._atomic import write_atomic
from ilp.errors import InputFileError
from ilp.people import FamilyRegister, Household

__all__ = ["write_register"]

_HOUSEHOLD_FACTS: Final = tuple(a.name for a in Household.__attrs_attrs__)
_HEADERS: Final = {
    "households.csv": ("kk_number", "address", "residence", *_HOUSEHOLD_FACTS),
    "people.csv": (
        "person_id",
        "kk_number",
        "relation",
        "name",
        "sex",
        "birth_date",
        "nik",
        "death_date",
        "residence",
        "conditions",
        "school_grade",
        "school_year",
        "ever_sexually_active",
    ),
    "pregnancies.csv": ("person_id", "lmp", "edd", "delivery_date", "outcome", "in_facility"),
    "records.csv": ("person_id", "code", "date", "place", "provider", "result", "value"),
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _rows(register: FamilyRegister) -> dict[str, list[tuple[Any, ...]]]:
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _HEADERS}
    for f in register.families:
        facts = tuple(getattr(f.household, k) for k in _HOUSEHOLD_FACTS)
        rows["households.csv"].append((f.kk_number, f.address, f.residence, *facts))
        for m in f.members:
            p = m.person
            rows["people.csv"].append(
                (
                    p.id,
                    f.kk_number,
                    m.relation.value,
                    p.name,
                    p.sex.value,
                    p.birth_date,
                    p.nik,
                    p.death_date,
                    p.residence,
                    ";".join(sorted(c.value for c in p.conditions)),
                    p.school.grade if p.school else None,
                    p.school.year if p.school else None,
                    p.ever_sexually_active,
                )
            )
            for preg in p.pregnancies:
                rows["pregnancies.csv"].append(
                    (
                        p.id,
                        preg.lmp,
                        preg.edd,
                        preg.delivery_date,
                        preg.outcome.value if preg.outcome else None,
                        preg.in_facility,
                    )
                )
            for r in register.history(p.id):
                rows["records.csv"].append(
                    (p.id, r.code, r.date, r.place, r.provider, r.result, r.value)
                )
    return rows


def write_register(register: FamilyRegister, folder: str | Path) -> None:
    """Write *register* as ``households.csv``, ``people.csv``, ``pregnancies.csv``, ``records.csv``.

    The folder is created if needed; each file is written whole or not at
    all. Reading the folder back with :func:`ilp.read_register` gives the
    same families, people and histories.
    """
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(
            f"cannot create the folder: {exc.strerror}", path=str(target)
        ) from None
    for name, rows in _rows(register).items():
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(_HEADERS[name])
        writer.writerows([_cell(v) for v in row] for row in rows)
        data = text.getvalue().encode("utf-8")

        def write(fh: BinaryIO, data: bytes = data) -> None:
            fh.write(data)

        write_atomic(target / name, write, error=InputFileError)

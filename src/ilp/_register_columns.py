"""Reading a CSV register folder straight into columns (:class:`~ilp.population.ColumnRegister`).

:func:`read_csv_columns` gives what ``ColumnRegister.from_register(
read_csv_register(folder))`` gives, without making a
:class:`~ilp.people.Person` or :class:`~ilp.people.ServiceRecord` per row:
pyarrow's CSV reader splits the files (extra ``ilp[parquet]``;
:mod:`ilp._register_split`), each
column's distinct cells are checked once by the very converters and
validators of the people's fields, and the rows take the checked values
through NumPy. It takes the files it is sure to read as the reference
reader (:mod:`ilp._register_csv`) reads them: no quote characters, no bare
carriage returns, every row as long as the header. Anything else, and any
cell the checks refuse, goes to the reference reader, which reads the
folder again and raises the error it raises there (file, line and column
named). So both readers give equal columns or the same error; a Hypothesis
property in ``tests/fuzz/test_register_columns.py`` holds them to it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from ilp._register_csv import (
    CSV_FILES,
    FLAGS,
    KK_NUMBER,
    PERSON_COLUMNS,
    flag,
    int_cell,
    read_csv_register,
)
from ilp._register_split import Column, Decline, table
from ilp.dates import from_day
from ilp.errors import ILPError, PopulationError
from ilp.people import Family, Household, Member, Person, Pregnancy, Relation, ServiceRecord
from ilp.population import NO_DAY, ColumnRegister, History, Population
from ilp.population.columns import CONDITIONS, OUTCOMES, RELATIONS, SEX_CODES, SEXES

__all__ = ["read_csv_columns"]

_ACTIVE: Final = {None: -1, False: 0, True: 1}
_HEAD: Final = RELATIONS.index(Relation.HEAD)
_NOWHERE: Final = Path("-")
#: An empty whole-number cell (int_cell reads at most 9 digits: never this).
_EMPTY: Final = -(2**40)


def read_csv_columns(folder: Path) -> ColumnRegister:
    """The CSV register in *folder* as columns (see :func:`ilp.files.read_register_columns`)."""
    try:
        importlib.import_module("pyarrow")  # the optional fast path
    except ImportError:
        return reference_columns(folder)
    try:
        return _Reader(folder).register()
    except Decline:
        return reference_columns(folder)


def reference_columns(folder: Path) -> ColumnRegister:
    """The columns through the reference reader: one Person and record per row."""
    return ColumnRegister.from_register(read_csv_register(folder))


# -- checking distinct cells with the fields' own converters and validators


def _checked(check: Callable[[str], Any]) -> Callable[[str], Any]:
    """*check* with any ILPError turned into a decline (the reference reader names it)."""

    def run(value: str) -> Any:
        try:
            return check(value)
        except ILPError:
            raise Decline from None

    return run


def _validator(cls: type[Any], field: str) -> Callable[[str], str | None]:
    """A cell checked by *cls*'s validator of *field*; the empty cell is None."""
    attribute = getattr(attrs.fields(cls), field)
    validate = attribute.validator

    def check(value: str) -> str | None:
        if not value:
            return None
        validate(None, attribute, value)
        return value

    return _checked(check)


def _text(value: str) -> str | None:
    """A text cell, not checked here; the empty cell is None."""
    return value or None


def _convert_of(cls: type[Any], field: str) -> Callable[[Any], Any]:
    """*cls*'s converter of *field*."""
    convert: Callable[[Any], Any] = getattr(attrs.fields(cls), field).converter
    return convert


def _converter(cls: type[Any], field: str) -> Callable[[str], Any]:
    """A cell through *cls*'s converter of *field*; the empty cell is None."""
    convert = _convert_of(cls, field)
    return _checked(lambda value: None if not value else convert(value))


def _day(cls: type[Any], field: str) -> Callable[[str], int]:
    """A date cell as its day number (:data:`NO_DAY` when empty)."""
    convert = _converter(cls, field)

    def day(value: str) -> int:
        date = convert(value)
        return NO_DAY if date is None else int(date.toordinal())

    return day


def _flag(column: str) -> Callable[[str], int]:
    return _checked(lambda value: _ACTIVE[flag(value or None, _NOWHERE, 0, column)])


def _whole(column: str) -> Callable[[str], int]:
    """A whole-number cell (:data:`_EMPTY` when empty)."""

    def whole(value: str) -> int:
        found = int_cell(value or None, _NOWHERE, 0, column)
        return _EMPTY if found is None else found

    return _checked(whole)


# -- the files


class _Reader:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.paths = [folder / n for n in CSV_FILES]

    def register(self) -> ColumnRegister:
        families = self._households()
        people = self._people(families)
        return self._records(families, people)

    # -- households.csv

    def _households(self) -> dict[str, Any]:
        optional = frozenset({"address", "residence", *FLAGS})
        cols, rows = table(self.paths[0], frozenset({"kk_number"}), optional)
        kk = cols["kk_number"]
        if any(KK_NUMBER.fullmatch(v) is None for v in kk.values):
            raise Decline
        numbers = kk.cells()
        if len(set(numbers)) != rows:
            raise Decline  # the reference names the second line of a card number
        facts = [
            cols[k].convert(_flag(k), np.int8) if k in cols else np.full(rows, -1, np.int8)
            for k in FLAGS
        ]
        back = {-1: None, 0: False, 1: True}
        made: dict[tuple[int, ...], Household] = {}
        households = []
        for key in zip(*(f.tolist() for f in facts), strict=True) if facts else []:
            found = made.get(key)
            if found is None:
                found = made[key] = Household(
                    **{k: back[v] for k, v in zip(FLAGS, key, strict=True)}
                )
            households.append(found)

        def text(name: str, field: str) -> list[str | None]:
            if name not in cols:
                return [None] * rows
            found: list[str | None] = cols[name].convert(_validator(Family, field)).tolist()
            return found

        return {
            "kk": numbers,
            "row": {k: i for i, k in enumerate(numbers)},
            "households": households,
            "residence": text("residence", "residence"),
            "address": text("address", "address"),
        }

    # -- people.csv and pregnancies.csv

    def _people(self, families: dict[str, Any]) -> dict[str, Any]:
        required = frozenset({"person_id", "kk_number", "relation", "sex", "birth_date"})
        cols, rows = table(self.paths[1], required, PERSON_COLUMNS)
        row_of = families["row"]
        if any(v not in row_of for v in cols["kk_number"].values if v):
            raise Decline
        family = cols["kk_number"].convert(lambda v: row_of[v], np.int64)
        order = np.argsort(family, kind="stable")  # members by family card, in file order
        ids = cols["person_id"].convert(_text)[order]  # checked by ColumnRegister
        if len(set(ids.tolist())) != rows:
            raise Decline
        relation = cols["relation"].convert(
            _checked(lambda v: RELATIONS.index(_convert_of(Member, "relation")(v))),
            np.int8,
        )[order]
        heads = np.bincount(family[order][relation == _HEAD], minlength=len(row_of))
        if np.any(heads != 1):
            raise Decline
        p = _PersonColumns(cols, rows)
        p.take(order)
        pregnancies = self._pregnancies({pid: i for i, pid in enumerate(ids.tolist())}, p)
        return {
            "ids": ids,
            "family": family[order],
            "relation": relation,
            "columns": p,
            "pregnancies": pregnancies,
        }

    def _pregnancies(
        self, row_of: dict[str, int], p: _PersonColumns
    ) -> list[tuple[int, Pregnancy]]:
        path = self.paths[2]
        if not path.exists():
            return []
        optional = frozenset({"edd", "delivery_date", "outcome", "in_facility"})
        cols, rows = table(path, frozenset({"person_id", "lmp"}), optional)
        none = [""] * rows
        cells = {k: c.cells() for k, c in cols.items()}
        fields = [(f, cells.get(f, none)) for f in ("lmp", "edd", "delivery_date", "outcome")]
        facilities = cells.get("in_facility", none)
        found: dict[int, list[Pregnancy]] = {}
        for k in range(rows):
            data: dict[str, Any] = {f: column[k] for f, column in fields if column[k]}
            facility = facilities[k]
            row = row_of.get(cells["person_id"][k])
            if row is None:
                raise Decline
            try:
                data["in_facility"] = flag(facility or None, _NOWHERE, 0, "in_facility")
                found.setdefault(row, []).append(Pregnancy.from_mapping(data))
            except ILPError:
                raise Decline from None
        out = []
        for row, pregs in sorted(found.items()):
            person = p.check_pregnancies(row, pregs)
            out += [(row, q) for q in person.pregnancies]
        return out

    # -- records.csv

    def _records(self, families: dict[str, Any], people: dict[str, Any]) -> ColumnRegister:
        p: _PersonColumns = people["columns"]
        population = p.population(people["ids"], people["pregnancies"])
        n = len(population)
        path = self.paths[3]
        if path.exists():
            optional = frozenset({"place", "provider", "result", "value"})
            required = frozenset({"person_id", "code", "date"})
            cols, k = table(path, required, optional, frozenset({"date"}))
            row_of = {pid: i for i, pid in enumerate(people["ids"].tolist())}
            if any(v not in row_of for v in cols["person_id"].values if v):
                raise Decline
            person = cols["person_id"].convert(lambda v: row_of[v], np.int32)
            code_col = cols["code"]
            _ = [_validator(ServiceRecord, "code")(v) for v in code_col.values]
            day = cols["date"].days(_day(ServiceRecord, "date"))
            extra = {
                name: cols[name].convert(_validator(ServiceRecord, name))
                for name in ("place", "provider", "result")
                if name in cols
            }
            value = (
                cols["value"].convert(_number, np.float64)
                if "value" in cols
                else np.full(k, np.nan)
            )
            death = population.death[person]
            if np.any(day < population.birth[person]) or np.any((death != NO_DAY) & (day > death)):
                raise Decline  # the reference's Population.from_people names the record
            codes = sorted(set(code_col.values))
            small = np.int16 if len(codes) <= np.iinfo(np.int16).max else np.int64
            rank: _Ints = np.array([codes.index(c) for c in code_col.values] or [0], small)
            code: _Ints = rank[code_col.index] if k else np.zeros(0, small)
            order = _record_order(code, person, day, len(codes))
            history = History(  # the columns in their own dtypes where they are (no copy)
                tuple(codes),
                person[order].astype(np.int32, copy=False),
                code[order].astype(np.int16, copy=False),
                day[order].astype(np.int32, copy=False),
                n,
            )
            value = value if "value" not in cols else value[order]
            extra = {x: v[order] for x, v in extra.items()}
        else:
            history = History.empty(population)
            value = np.zeros(0, np.float64)
            extra = {}
        none = np.full(len(history), None, dtype=object)
        texts: dict[str, npt.NDArray[Any]] = {
            x: extra.get(x, none) for x in ("place", "provider", "result")
        }
        try:
            return self._columns(families, people, population, history, value, texts)
        except PopulationError:  # an id, name, NIK or area ColumnRegister refuses
            raise Decline from None

    @staticmethod
    def _columns(  # noqa: PLR0917 - internal: the parts read
        families: dict[str, Any],
        people: dict[str, Any],
        population: Population,
        history: History,
        value: npt.NDArray[np.float64],
        extra: Mapping[str, npt.NDArray[Any]],
    ) -> ColumnRegister:
        p: _PersonColumns = people["columns"]
        return ColumnRegister(
            population,
            history,
            people["family"].astype(np.int32),
            people["relation"],
            p.names,
            p.niks,
            tuple(families["kk"]),
            tuple(families["households"]),
            tuple(families["residence"]),
            tuple(families["address"]),
            value,
            extra["place"],
            extra["provider"],
            extra["result"],
        )


_Ints = npt.NDArray[np.integer[Any]]


def _record_order(code: _Ints, person: _Ints, day: _Ints, codes: int) -> npt.NDArray[np.intp]:
    """``np.lexsort((day, person, code))``; when the file lists each person's records together
    in date order (as usual), the same by a stable sort of the codes alone (about 10x faster)."""
    same = person[1:] == person[:-1]
    if codes <= np.iinfo(np.int16).max and bool(
        np.all((person[1:] > person[:-1]) | (same & (day[1:] >= day[:-1])))
    ):
        return np.argsort(code.astype(np.int16), kind="stable")
    return np.lexsort((day, person, code))


_PERSON_ARRAYS: Final = (
    *("sex", "birth", "death", "names", "niks"),
    *("residence", "conditions", "grade", "year", "active"),
)


class _PersonColumns:
    """The checked person columns of ``people.csv``, in file order until :meth:`take`."""

    def __init__(self, cols: dict[str, Column], rows: int) -> None:
        def opt(name: str, make: Callable[[str], Any], dtype: Any, empty: Any) -> Any:
            if name in cols:
                return cols[name].convert(make, dtype)
            return np.full(rows, empty, dtype=dtype)

        self.sex = cols["sex"].convert(
            _checked(lambda v: SEX_CODES[_convert_of(Person, "sex")(v)]), np.int8
        )
        self.birth = cols["birth_date"].days(_day(Person, "birth_date"))
        self.death = (
            cols["death_date"].days(_day(Person, "death_date"))
            if "death_date" in cols
            else np.full(rows, NO_DAY, dtype=np.int64)
        )
        # the texts are checked once, by ColumnRegister (a refusal declines)
        self.names = opt("name", _text, object, None)
        self.niks = opt("nik", _text, object, None)
        self.residence = opt("residence", _text, object, None)
        self.conditions = opt("conditions", _conditions, np.int64, 0)
        self.grade = opt("school_grade", _whole("school_grade"), np.int64, _EMPTY)
        self.year = opt("school_year", _whole("school_year"), np.int64, _EMPTY)
        self.active = opt("ever_sexually_active", _flag("ever_sexually_active"), np.int8, -1)
        self._check()

    def _check(self) -> None:
        if np.any((self.death != NO_DAY) & (self.death < self.birth)):
            raise Decline
        grade, year = self.grade, self.year
        # Person.from_mapping: a grade 1-12 and a year 1900-2200 with it, or neither
        has_grade, has_year = grade != _EMPTY, year != _EMPTY
        if np.any(has_grade & ((grade < 1) | (grade > 12))):
            raise Decline
        if np.any(has_year & (~has_grade | (year < 1900) | (year > 2200))):
            raise Decline
        self.grade = np.where(has_grade, grade, 0)
        self.year = np.where(has_year, year, 0)

    def take(self, order: npt.NDArray[np.int64]) -> None:
        """Put the rows in *order*."""
        for name in _PERSON_ARRAYS:
            setattr(self, name, getattr(self, name)[order])

    def check_pregnancies(self, row: int, pregnancies: list[Pregnancy]) -> Person:
        """The person in *row* with *pregnancies*, checked as ``Person`` checks them."""
        death = int(self.death[row])
        try:
            return Person(
                "row",
                SEXES[int(self.sex[row])],
                from_day(int(self.birth[row])),
                death_date=None if death == NO_DAY else from_day(death),
                pregnancies=pregnancies,
            )
        except ILPError:
            raise Decline from None

    def population(
        self, ids: npt.NDArray[np.object_], pregnancies: list[tuple[int, Pregnancy]]
    ) -> Population:
        areas = tuple(sorted({r for r in self.residence.tolist() if r is not None}))
        at = {a: i for i, a in enumerate(areas)}
        residence = np.array(
            [-1 if r is None else at[r] for r in self.residence.tolist()], np.int32
        )
        school_ok = self.grade != 0
        return Population(
            ids=ids,
            birth=self.birth.astype(np.int32),
            sex=self.sex,
            death=self.death.astype(np.int32),
            conditions=self.conditions.astype(np.uint16),
            school_grade=self.grade.astype(np.int8),
            school_year=np.where(school_ok, self.year, 0).astype(np.int16),
            sexually_active=self.active,
            residence=residence,
            areas=areas,
            preg_person=np.array([r for r, _ in pregnancies], np.int32),
            preg_lmp=np.array([q.lmp.toordinal() for _, q in pregnancies], np.int32),
            preg_edd=np.array([q.edd.toordinal() for _, q in pregnancies], np.int32),
            preg_delivery=np.array(
                [
                    NO_DAY if q.delivery_date is None else q.delivery_date.toordinal()
                    for _, q in pregnancies
                ],
                np.int32,
            ),
            preg_outcome=np.array(
                [-1 if q.outcome is None else OUTCOMES.index(q.outcome) for _, q in pregnancies],
                np.int8,
            ),
            preg_in_facility=np.array([_ACTIVE[q.in_facility] for _, q in pregnancies], np.int8),
        )


_VALUE: Final = _converter(ServiceRecord, "value")


def _number(value: str) -> float:
    found = _VALUE(value)
    return float("nan") if found is None else float(found)


_BIT: Final = {c: 1 << i for i, c in enumerate(CONDITIONS)}
_CONDITIONS: Final = _convert_of(Person, "conditions")


@_checked
def _conditions(value: str) -> int:
    found = _CONDITIONS([c for c in value.split(";") if c.strip()])
    return sum(_BIT[c] for c in found)

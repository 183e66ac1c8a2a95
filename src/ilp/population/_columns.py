"""Columnar populations and service histories: NumPy arrays of day numbers and codes.

A :class:`Population` holds one row per person (birth and death as day
numbers, sex, conditions as bit flags, school grade, sexual activity and
residence) and a table of pregnancies; a :class:`History` holds the services
given as three columns sorted by (code, person, day). Both convert from and
to :class:`~ilp.people.Person` and :class:`~ilp.people.ServiceRecord`, and
save to and load from NumPy's own ``.npz`` format (no pickle).
"""

from __future__ import annotations

import datetime as _dt
import os
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from ilp.dates import from_day
from ilp.errors import PopulationError
from ilp.people import (
    Condition,
    Outcome,
    Person,
    Pregnancy,
    School,
    ServiceRecord,
    Sex,
    validate_history,
)
from ilp.population._calendar import NO_DAY

__all__ = ["CONDITIONS", "NO_DAY", "OUTCOMES", "History", "Population"]

#: The conditions in bit order: bit *i* of ``Population.conditions`` is ``CONDITIONS[i]``.
CONDITIONS: Final = tuple(Condition)
#: The outcomes in code order: ``preg_outcome`` *i* is ``OUTCOMES[i]`` (-1: none or unknown).
OUTCOMES: Final = tuple(Outcome)

_LAST_DAY: Final = _dt.date.max.toordinal()
_SEXES: Final = (Sex.FEMALE, Sex.MALE)
_ACTIVE: Final = {None: -1, False: 0, True: 1}
_ACTIVE_BACK: Final = {-1: None, 0: False, 1: True}
_POPULATION_FORMAT: Final = "ilp_population_format"
_HISTORY_FORMAT: Final = "ilp_history_format"


def _fail(name: str, msg: str, value: Any = None) -> PopulationError:
    return PopulationError(f"{name}: {msg}", field=name, value=value)


def _check_array(name: str, value: object, dtype: type[Any], length: int | None) -> None:
    if not isinstance(value, np.ndarray):
        msg = f"expected a NumPy array of {np.dtype(dtype).name}, got {type(value).__name__}"
        raise _fail(name, msg)
    if value.dtype != np.dtype(dtype):
        raise _fail(name, f"dtype {value.dtype} where {np.dtype(dtype).name} is expected")
    if value.ndim != 1:
        raise _fail(name, f"shape {value.shape} where a one-dimensional array is expected")
    if length is not None and len(value) != length:
        raise _fail(name, f"{len(value)} rows where {length} are expected")


def _check_values(
    name: str, values: npt.NDArray[Any], bad: npt.NDArray[np.bool_], want: str
) -> None:
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        value = values[row].item()
        raise _fail(name, f"row {row} holds {value!r}; expected {want}", value)


def _default(dtype: type[Any], fill: int) -> Any:
    def make(self: Population) -> npt.NDArray[Any]:
        return np.full(len(self.birth), fill, dtype=dtype)

    return attrs.Factory(make, takes_self=True)


def _empty(dtype: type[Any]) -> Any:
    return attrs.Factory(lambda: np.zeros(0, dtype=dtype))


def _tuple_of_str(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(eq=False, repr=False)
class Population:
    """People as NumPy columns: one row per person, plus a table of pregnancies.

    Days are day numbers (``date.toordinal()``, int32) with :data:`NO_DAY`
    for "none". ``sex`` is 0 female, 1 male; ``conditions`` has bit *i* set
    for ``CONDITIONS[i]``; ``school_grade`` 0 means no grade recorded and
    ``school_year`` 0 means the grade holds at any date (``School.year``
    None); ``sexually_active`` is -1 unknown, 0 no, 1 yes; ``residence``
    indexes ``areas`` (-1 none). Pregnancies are rows sorted by person and
    HPHT: ``preg_person`` (row of the woman), ``preg_lmp``, ``preg_edd``,
    ``preg_delivery`` (:data:`NO_DAY` while ongoing), ``preg_outcome``
    (index into :data:`OUTCOMES`, -1 none or unknown) and
    ``preg_in_facility`` (-1 unknown, 0 no, 1 yes).

    Arrays are checked for dtype, shape and cheap invariants; treat them as
    read-only. Names and NIKs are not held.
    """

    ids: npt.NDArray[np.object_]
    birth: npt.NDArray[np.int32]
    sex: npt.NDArray[np.int8]
    death: npt.NDArray[np.int32] = attrs.field(default=_default(np.int32, NO_DAY), kw_only=True)
    conditions: npt.NDArray[np.uint16] = attrs.field(default=_default(np.uint16, 0), kw_only=True)
    school_grade: npt.NDArray[np.int8] = attrs.field(default=_default(np.int8, 0), kw_only=True)
    school_year: npt.NDArray[np.int16] = attrs.field(default=_default(np.int16, 0), kw_only=True)
    sexually_active: npt.NDArray[np.int8] = attrs.field(default=_default(np.int8, -1), kw_only=True)
    residence: npt.NDArray[np.int32] = attrs.field(default=_default(np.int32, -1), kw_only=True)
    areas: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_tuple_of_str)
    preg_person: npt.NDArray[np.int32] = attrs.field(default=_empty(np.int32), kw_only=True)
    preg_lmp: npt.NDArray[np.int32] = attrs.field(default=_empty(np.int32), kw_only=True)
    preg_edd: npt.NDArray[np.int32] = attrs.field(default=_empty(np.int32), kw_only=True)
    preg_delivery: npt.NDArray[np.int32] = attrs.field(default=_empty(np.int32), kw_only=True)
    preg_outcome: npt.NDArray[np.int8] = attrs.field(default=_empty(np.int8), kw_only=True)
    preg_in_facility: npt.NDArray[np.int8] = attrs.field(default=_empty(np.int8), kw_only=True)
    _index: dict[str, int] = attrs.field(init=False, factory=dict, repr=False)
    _sorted: list[bool] = attrs.field(init=False, factory=list, repr=False)

    def __attrs_post_init__(self) -> None:
        _check_array("ids", self.ids, np.object_, None)
        n = len(self.ids)
        for name, dtype in _PERSON_COLUMNS[1:]:
            _check_array(name, getattr(self, name), dtype, n)
        m = len(self.preg_person) if isinstance(self.preg_person, np.ndarray) else None
        for name, dtype in _PREGNANCY_COLUMNS:
            _check_array(name, getattr(self, name), dtype, m)
        for i, area in enumerate(self.areas):
            if not isinstance(area, str):
                raise _fail("areas", f"item {i} is {area!r}, not a text id", area)
        self._check_people()
        self._check_pregnancies()

    def _check_people(self) -> None:
        b, death = self.birth, self.death
        _check_values("birth", b, (b < 1) | (b > _LAST_DAY), "a day number of a date")
        bad = (death != NO_DAY) & ((death < b) | (death > _LAST_DAY))
        _check_values("death", death, bad, "NO_DAY or a day on or after the birth")
        _check_values("sex", self.sex, (self.sex != 0) & (self.sex != 1), "0 (female) or 1 (male)")
        bits = 1 << len(CONDITIONS)
        _check_values("conditions", self.conditions, self.conditions >= bits, f"less than {bits}")
        grade, year = self.school_grade, self.school_year
        _check_values("school_grade", grade, (grade < 0) | (grade > 12), "0 (none) or 1 to 12")
        bad = (year < 0) | ((year != 0) & (grade == 0))
        _check_values("school_year", year, bad, "0, or a year with a school_grade")
        active = self.sexually_active
        _check_values("sexually_active", active, (active < -1) | (active > 1), "-1, 0 or 1")
        res = self.residence
        bad = (res < -1) | (res >= len(self.areas))
        _check_values("residence", res, bad, f"-1 or an index below {len(self.areas)}")

    def _check_pregnancies(self) -> None:
        person, lmp, edd = self.preg_person, self.preg_lmp, self.preg_edd
        dl, outcome = self.preg_delivery, self.preg_outcome
        n = len(self.ids)
        _check_values("preg_person", person, (person < 0) | (person >= n), f"a row below {n}")
        if not len(person):
            return
        births = self.birth[person]
        _check_values("preg_lmp", lmp, (lmp < births) | (lmp > _LAST_DAY), "a day after birth")
        _check_values("preg_person", person, self.sex[person] != 0, "the row of a woman")
        order = (person[1:] > person[:-1]) | ((person[1:] == person[:-1]) & (lmp[1:] > lmp[:-1]))
        _check_values("preg_person", person[1:], ~order, "rows sorted by person and HPHT")
        span = edd.astype(np.int64) - lmp
        _check_values("preg_edd", edd, (span < 252) | (span > 308), "252 to 308 days after HPHT")
        bad = (dl != NO_DAY) & ((dl < lmp) | (dl > _LAST_DAY))
        _check_values("preg_delivery", dl, bad, "NO_DAY or a day on or after the HPHT")
        bad = (outcome < -1) | (outcome >= len(OUTCOMES)) | ((outcome != -1) & (dl == NO_DAY))
        _check_values("preg_outcome", outcome, bad, "-1, or an outcome with a delivery")
        facility = self.preg_in_facility
        _check_values("preg_in_facility", facility, (facility < -1) | (facility > 1), "-1, 0, 1")

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"Population({len(self)} people, {len(self.preg_person)} pregnancies)"

    @property
    def birth_sorted(self) -> bool:
        """True when the rows are in order of birth (``due_batch`` is then faster)."""
        if not self._sorted:
            self._sorted.append(bool(np.all(self.birth[1:] >= self.birth[:-1])))
        return self._sorted[0]

    def sorted_by_birth(self, history: History | None = None) -> tuple[Population, History]:
        """The same people with rows in order of birth, and *history* renumbered to match."""
        order = np.argsort(self.birth, kind="stable")
        history = History.empty(self) if history is None else history
        return self.take(order), history.take(order)

    def index_of(self, person_id: str) -> int:
        """The row of the person with id *person_id*."""
        if not self._index and len(self.ids):
            self._index.update((str(p), i) for i, p in enumerate(self.ids.tolist()))
        try:
            return self._index[person_id]
        except KeyError:
            msg = f"person id {person_id!r} is not in the population"
            raise PopulationError(msg, field="id", value=person_id) from None

    def take(self, rows: npt.ArrayLike) -> Population:
        """The people in *rows* (distinct row numbers), in that order, with their pregnancies."""
        picked = _rows_arg(rows, len(self))
        new = np.full(len(self), -1, dtype=np.int64)
        new[picked] = np.arange(len(picked))
        moved = new[self.preg_person]
        kept = np.flatnonzero(moved >= 0)
        order = kept[np.lexsort((self.preg_lmp[kept], moved[kept]))]
        return Population(
            ids=self.ids[picked],
            birth=self.birth[picked],
            sex=self.sex[picked],
            death=self.death[picked],
            conditions=self.conditions[picked],
            school_grade=self.school_grade[picked],
            school_year=self.school_year[picked],
            sexually_active=self.sexually_active[picked],
            residence=self.residence[picked],
            areas=self.areas,
            preg_person=moved[order].astype(np.int32),
            preg_lmp=self.preg_lmp[order],
            preg_edd=self.preg_edd[order],
            preg_delivery=self.preg_delivery[order],
            preg_outcome=self.preg_outcome[order],
            preg_in_facility=self.preg_in_facility[order],
        )

    # -- conversion ----------------------------------------------------------------------

    @classmethod
    def from_people(
        cls,
        people: Iterable[Person],
        histories: Mapping[str, Iterable[ServiceRecord]] | None = None,
    ) -> tuple[Population, History]:
        """Columns for *people* and their *histories* (person id → records).

        Every history is checked as ``due()`` checks it (no record before
        birth or after death). Duplicate ids, unknown ids in *histories*
        and items that are not persons raise :class:`~ilp.errors.PopulationError`.
        Only each record's code and date are kept.
        """
        people = list(people)
        for i, p in enumerate(people):
            if not isinstance(p, Person):
                msg = f"item {i} is a {type(p).__name__}, not a Person"
                raise PopulationError(f"people: {msg}", field="people", value=p)
        index: dict[str, int] = {}
        for i, p in enumerate(people):
            if p.id in index:
                msg = f"people: person id {p.id!r} appears twice (rows {index[p.id]} and {i})"
                raise PopulationError(msg, field="id", value=p.id)
            index[p.id] = i
        n = len(people)
        areas = tuple(sorted({p.residence for p in people if p.residence is not None}))
        where = {a: i for i, a in enumerate(areas)}

        def column(dtype: type[Any], get: Callable[[Person], int]) -> npt.NDArray[Any]:
            return np.fromiter((get(p) for p in people), dtype=dtype, count=n)

        bit = {c: 1 << i for i, c in enumerate(CONDITIONS)}
        pregs = [(i, q) for i, p in enumerate(people) for q in p.pregnancies]

        def preg(dtype: type[Any], get: Callable[[Pregnancy], int]) -> npt.NDArray[Any]:
            return np.fromiter((get(q) for _, q in pregs), dtype=dtype, count=len(pregs))

        population = cls(
            ids=np.array([p.id for p in people] or [], dtype=object),
            birth=column(np.int32, lambda p: p.birth_date.toordinal()),
            sex=column(np.int8, lambda p: _SEXES.index(p.sex)),
            death=column(
                np.int32, lambda p: NO_DAY if p.death_date is None else p.death_date.toordinal()
            ),
            conditions=column(np.uint16, lambda p: sum(bit[c] for c in p.conditions)),
            school_grade=column(np.int8, lambda p: 0 if p.school is None else p.school.grade),
            school_year=column(np.int16, lambda p: 0 if p.school is None else (p.school.year or 0)),
            sexually_active=column(np.int8, lambda p: _ACTIVE[p.ever_sexually_active]),
            residence=column(np.int32, lambda p: -1 if p.residence is None else where[p.residence]),
            areas=areas,
            preg_person=np.fromiter((i for i, _ in pregs), dtype=np.int32, count=len(pregs)),
            preg_lmp=preg(np.int32, lambda q: q.lmp.toordinal()),
            preg_edd=preg(np.int32, lambda q: q.edd.toordinal()),
            preg_delivery=preg(
                np.int32,
                lambda q: NO_DAY if q.delivery_date is None else q.delivery_date.toordinal(),
            ),
            preg_outcome=preg(
                np.int8, lambda q: -1 if q.outcome is None else OUTCOMES.index(q.outcome)
            ),
            preg_in_facility=preg(np.int8, lambda q: _ACTIVE[q.in_facility]),
        )
        return population, History._from_people(population, people, index, histories or {})

    def to_people(self) -> list[Person]:
        """The people, as :class:`~ilp.people.Person` values, in row order."""
        starts = np.searchsorted(self.preg_person, np.arange(len(self) + 1)).tolist()
        lmp, edd, dl = self.preg_lmp.tolist(), self.preg_edd.tolist(), self.preg_delivery.tolist()
        outcome, facility = self.preg_outcome.tolist(), self.preg_in_facility.tolist()

        def pregnancy(k: int) -> Pregnancy:
            return Pregnancy(
                from_day(lmp[k]),
                edd=from_day(edd[k]),
                delivery_date=None if dl[k] == NO_DAY else from_day(dl[k]),
                outcome=None if outcome[k] < 0 else OUTCOMES[outcome[k]],
                in_facility=_ACTIVE_BACK[facility[k]],
            )

        out = []
        columns = zip(
            self.ids.tolist(),
            self.birth.tolist(),
            self.sex.tolist(),
            self.death.tolist(),
            self.conditions.tolist(),
            self.school_grade.tolist(),
            self.school_year.tolist(),
            self.sexually_active.tolist(),
            self.residence.tolist(),
            strict=True,
        )
        for i, (pid, b, s, death, cond, grade, year, active, res) in enumerate(columns):
            out.append(
                Person(
                    pid,
                    _SEXES[s],
                    from_day(b),
                    death_date=None if death == NO_DAY else from_day(death),
                    conditions=frozenset(c for k, c in enumerate(CONDITIONS) if cond >> k & 1),
                    pregnancies=[pregnancy(k) for k in range(starts[i], starts[i + 1])],
                    school=School(grade, year or None) if grade else None,
                    residence=None if res < 0 else self.areas[res],
                    ever_sexually_active=_ACTIVE_BACK[active],
                )
            )
        return out

    # -- files ---------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str], history: History | None = None) -> None:
        """Write the population (and *history*, when given) to a NumPy ``.npz`` file at *path*.

        The file is written next to *path* and moved into place when
        complete, so a failure leaves no half-written file.
        """
        arrays: dict[str, npt.NDArray[Any]] = {_POPULATION_FORMAT: np.array([1])}
        arrays["ids"] = np.array(self.ids.tolist() or [], dtype=str)
        arrays["areas"] = np.array(list(self.areas), dtype=str)
        for name, _ in _PERSON_COLUMNS[1:] + _PREGNANCY_COLUMNS:
            arrays[name] = getattr(self, name)
        if history is not None:
            if history.persons != len(self):
                msg = f"history is for {history.persons} people, the population has {len(self)}"
                raise PopulationError(f"history: {msg}", field="history", value=history.persons)
            arrays.update(history._arrays())
        _write(path, arrays)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Population:
        """The population saved at *path* by :meth:`save`."""
        with _read(path) as data:
            _require(data, path, _POPULATION_FORMAT)
            names = ["ids", "areas"] + [n for n, _ in _PERSON_COLUMNS[1:] + _PREGNANCY_COLUMNS]
            arrays = {n: _require(data, path, n) for n in names}
        for name in ("ids", "areas"):
            if arrays[name].dtype.kind != "U" or arrays[name].ndim != 1:
                raise _fail(name, f"in {os.fspath(path)!r} is not a one-dimensional array of text")
        ids = arrays.pop("ids").astype(object)
        areas = tuple(arrays.pop("areas").tolist())
        try:
            return cls(ids=ids, areas=areas, **arrays)
        except PopulationError as exc:
            raise PopulationError(
                f"{os.fspath(path)}: {exc.msg}", field=exc.field, value=exc.value
            ) from None


_PERSON_COLUMNS: Final[list[tuple[str, type[Any]]]] = [
    ("ids", np.object_),
    ("birth", np.int32),
    ("sex", np.int8),
    ("death", np.int32),
    ("conditions", np.uint16),
    ("school_grade", np.int8),
    ("school_year", np.int16),
    ("sexually_active", np.int8),
    ("residence", np.int32),
]
_PREGNANCY_COLUMNS: Final[list[tuple[str, type[Any]]]] = [
    ("preg_person", np.int32),
    ("preg_lmp", np.int32),
    ("preg_edd", np.int32),
    ("preg_delivery", np.int32),
    ("preg_outcome", np.int8),
    ("preg_in_facility", np.int8),
]


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(eq=False, repr=False)
class History:
    """Services given, as columns sorted by (code, person, day).

    ``rec_code`` indexes ``codes``, ``rec_person`` is a row of the
    population of ``persons`` people the history belongs to, ``rec_day``
    the day number given. ``offsets[k]:offsets[k + 1]`` is the slice of
    code ``codes[k]``. Build one with :meth:`Population.from_people` or
    :meth:`from_arrays`, which also check the records against the people.
    """

    codes: tuple[str, ...] = attrs.field(converter=_codes)
    rec_person: npt.NDArray[np.int32]
    rec_code: npt.NDArray[np.int16]
    rec_day: npt.NDArray[np.int32]
    persons: int
    offsets: npt.NDArray[np.int64] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.persons, bool) or not isinstance(self.persons, int) or self.persons < 0:
            raise _fail("persons", f"{self.persons!r} is not a number of people", self.persons)
        if len(set(self.codes)) != len(self.codes) or not all(
            isinstance(c, str) for c in self.codes
        ):
            raise _fail("codes", "expected distinct service codes", self.codes)
        if len(self.codes) > np.iinfo(np.int16).max:
            raise _fail("codes", f"{len(self.codes)} codes; at most 32767 fit", len(self.codes))
        _check_array("rec_person", self.rec_person, np.int32, None)
        k = len(self.rec_person)
        _check_array("rec_code", self.rec_code, np.int16, k)
        _check_array("rec_day", self.rec_day, np.int32, k)
        person, code, day = self.rec_person, self.rec_code, self.rec_day
        _check_values("rec_code", code, (code < 0) | (code >= len(self.codes)), "a code index")
        bad = (person < 0) | (person >= self.persons)
        _check_values("rec_person", person, bad, f"a row below {self.persons}")
        _check_values("rec_day", day, (day < 1) | (day > _LAST_DAY), "a day number of a date")
        if k > 1:
            c0, c1, p0, p1 = code[:-1], code[1:], person[:-1], person[1:]
            ordered = (c1 > c0) | ((c1 == c0) & ((p1 > p0) | ((p1 == p0) & (day[1:] >= day[:-1]))))
            _check_values("rec_code", code[1:], ~ordered, "records sorted by code, person, day")
        offsets = np.searchsorted(code, np.arange(len(self.codes) + 1)).astype(np.int64)
        object.__setattr__(self, "offsets", offsets)

    def __len__(self) -> int:
        return len(self.rec_person)

    def __repr__(self) -> str:
        return f"History({len(self)} records of {len(self.codes)} codes, {self.persons} people)"

    @classmethod
    def empty(cls, population: Population) -> History:
        """A history with no records for *population*."""
        none = np.zeros(0, dtype=np.int32)
        return cls((), none, np.zeros(0, dtype=np.int16), none.copy(), len(population))

    @classmethod
    def from_arrays(
        cls,
        population: Population,
        *,
        person: npt.ArrayLike,
        code: npt.ArrayLike,
        day: npt.ArrayLike,
        codes: Iterable[str],
    ) -> History:
        """Records given as rows of *person*, *code* (index into *codes*) and *day*, in any order.

        They are sorted, and each is checked to fall within its person's
        life (on or after birth, on or before death), as ``due()`` checks.
        """
        codes = tuple(codes)
        try:
            p = np.asarray(person, dtype=np.int64)
            c = np.asarray(code, dtype=np.int64)
            d = np.asarray(day, dtype=np.int64)
        except (TypeError, ValueError) as exc:
            raise PopulationError(f"history: {exc}", field="history") from None
        if not p.shape == c.shape == d.shape or p.ndim != 1:
            msg = f"person, code and day have shapes {p.shape}, {c.shape}, {d.shape}"
            raise PopulationError(f"history: {msg}", field="history")
        n = len(population)
        _check_values("person", p, (p < 0) | (p >= n), f"a row below {n}")
        _check_values("code", c, (c < 0) | (c >= len(codes)), f"an index below {len(codes)}")
        _check_values("day", d, (d < 1) | (d > _LAST_DAY), "a day number of a date")
        _check_life(population, p, d)
        order = np.lexsort((d, p, c))
        return cls(
            codes,
            p[order].astype(np.int32),
            c[order].astype(np.int16),
            d[order].astype(np.int32),
            n,
        )

    @classmethod
    def _from_people(
        cls,
        population: Population,
        people: list[Person],
        index: Mapping[str, int],
        histories: Mapping[str, Iterable[ServiceRecord]],
    ) -> History:
        rows: list[tuple[str, int, int]] = []
        for pid, records in histories.items():
            row = index.get(pid)
            if row is None:
                msg = f"histories: person id {pid!r} is not among the people"
                raise PopulationError(msg, field="histories", value=pid)
            rows.extend(
                (r.code, row, r.date.toordinal()) for r in validate_history(people[row], records)
            )
        codes = sorted({code for code, _, _ in rows})
        where = {c: i for i, c in enumerate(codes)}
        return cls.from_arrays(
            population,
            person=np.array([r for _, r, _ in rows], dtype=np.int64),
            code=np.array([where[c] for c, _, _ in rows], dtype=np.int64),
            day=np.array([d for _, _, d in rows], dtype=np.int64),
            codes=codes,
        )

    def take(self, rows: npt.ArrayLike) -> History:
        """The records of the people in *rows*, for ``population.take(rows)``."""
        picked = _rows_arg(rows, self.persons)
        new = np.full(self.persons, -1, dtype=np.int64)
        new[picked] = np.arange(len(picked))
        moved = new[self.rec_person]
        kept = np.flatnonzero(moved >= 0)
        # a person's records of a code stay together in day order: sort by code and person
        key = self.rec_code[kept].astype(np.int64) << 32 | moved[kept]
        order = kept[np.argsort(key, kind="stable")]
        return History(
            self.codes,
            moved[order].astype(np.int32),
            self.rec_code[order],
            self.rec_day[order],
            len(picked),
        )

    def of_code(self, code: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        """The persons and days of the records of *code* (sorted by person, then day)."""
        try:
            k = self.codes.index(code)
        except ValueError:
            none = np.zeros(0, dtype=np.int32)
            return none, none
        lo, hi = int(self.offsets[k]), int(self.offsets[k + 1])
        return self.rec_person[lo:hi], self.rec_day[lo:hi]

    def records_of(self, row: int) -> tuple[ServiceRecord, ...]:
        """The records of the person in *row*, sorted by date and code (as ``validate_history``)."""
        found = np.flatnonzero(self.rec_person == row)
        records = [
            ServiceRecord(self.codes[c], from_day(d))
            for c, d in zip(
                self.rec_code[found].tolist(), self.rec_day[found].tolist(), strict=True
            )
        ]
        return tuple(sorted(records, key=lambda r: (r.date, r.code)))

    def to_mapping(self, population: Population) -> dict[str, tuple[ServiceRecord, ...]]:
        """Person id → records (sorted by date and code), for each person with any record."""
        if len(population) != self.persons:
            msg = f"the history is for {self.persons} people, the population has {len(population)}"
            raise PopulationError(f"population: {msg}", field="population", value=len(population))
        # as validate_history sorts: by date, then code
        rank = np.argsort(np.argsort(np.array(self.codes, dtype=object))) if self.codes else None
        code_rank = self.rec_code if rank is None else rank[self.rec_code]
        order = np.lexsort((code_rank, self.rec_day, self.rec_person))
        ids = population.ids.tolist()
        out: dict[str, list[ServiceRecord]] = {}
        for p, c, d in zip(
            self.rec_person[order].tolist(),
            self.rec_code[order].tolist(),
            self.rec_day[order].tolist(),
            strict=True,
        ):
            out.setdefault(ids[p], []).append(ServiceRecord(self.codes[c], from_day(d)))
        return {k: tuple(v) for k, v in out.items()}

    # -- files ---------------------------------------------------------------------------

    def _arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {
            _HISTORY_FORMAT: np.array([1]),
            "rec_codes": np.array(list(self.codes), dtype=str),
            "rec_persons": np.array([self.persons], dtype=np.int64),
            "rec_person": self.rec_person,
            "rec_code": self.rec_code,
            "rec_day": self.rec_day,
        }

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the history alone to a NumPy ``.npz`` file at *path*."""
        _write(path, self._arrays())

    @classmethod
    def load(cls, path: str | os.PathLike[str], population: Population | None = None) -> History:
        """The history saved at *path* (by :meth:`save` or ``Population.save(path, history)``).

        With *population*, each record is checked to fall within its person's life.
        """
        with _read(path) as data:
            _require(data, path, _HISTORY_FORMAT)
            arrays = {
                n: _require(data, path, n)
                for n in ("rec_codes", "rec_persons", "rec_person", "rec_code", "rec_day")
            }
        codes, persons = arrays["rec_codes"], arrays["rec_persons"]
        if codes.dtype.kind not in "U" or codes.ndim != 1:
            raise _fail("rec_codes", f"in {os.fspath(path)!r} is not an array of text")
        if persons.shape != (1,) or persons.dtype.kind not in "iu":
            raise _fail("rec_persons", f"in {os.fspath(path)!r} is not one whole number")
        try:
            history = cls(
                tuple(codes.tolist()),
                arrays["rec_person"],
                arrays["rec_code"],
                arrays["rec_day"],
                int(persons[0]),
            )
            if population is not None:
                if len(population) != history.persons:
                    msg = f"is for {history.persons} people, the population has {len(population)}"
                    raise _fail("history", msg, history.persons)
                _check_life(population, history.rec_person, history.rec_day)
        except PopulationError as exc:
            raise PopulationError(
                f"{os.fspath(path)}: {exc.msg}", field=exc.field, value=exc.value
            ) from None
        return history


def _rows_arg(rows: npt.ArrayLike, n: int) -> npt.NDArray[np.int64]:
    try:
        picked = np.asarray(rows, dtype=np.int64)
    except (TypeError, ValueError) as exc:
        raise PopulationError(f"rows: {exc}", field="rows") from None
    if picked.ndim != 1:
        raise _fail("rows", f"shape {picked.shape} where a list of rows is expected")
    _check_values("rows", picked, (picked < 0) | (picked >= n), f"a row below {n}")
    if len(np.unique(picked)) != len(picked):
        raise _fail("rows", "a row is given twice")
    return picked


def _check_life(population: Population, person: npt.NDArray[Any], day: npt.NDArray[Any]) -> None:
    before = day < population.birth[person]
    after = day > population.death[person]
    if before.any() or after.any():
        k = int(np.flatnonzero(before | after)[0])
        row, when = int(person[k]), from_day(int(day[k])).isoformat()
        side = "before the birth" if before[k] else "after the death"
        msg = f"record on {when} of row {row} (person {population.ids[row]!r}) is {side}"
        raise PopulationError(f"history: {msg}", field="day", value=when)


def _write(path: str | os.PathLike[str], arrays: Mapping[str, npt.NDArray[Any]]) -> None:
    target = Path(path)
    part = target.with_name(target.name + ".part")
    try:
        with part.open("wb") as f:
            np.savez(f, allow_pickle=False, **arrays)
        part.replace(target)
    except OSError as exc:
        part.unlink(missing_ok=True)
        msg = f"{os.fspath(path)}: cannot write ({exc.strerror or exc})"
        raise PopulationError(msg, field="path", value=os.fspath(path)) from None


class _Reader:
    """An open ``.npz`` file whose failures become :class:`PopulationError`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        try:
            self.data = np.load(path, allow_pickle=False)
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            msg = f"{os.fspath(path)}: not a saved population ({exc})"
            raise PopulationError(msg, field="path", value=os.fspath(path)) from None
        if not isinstance(self.data, np.lib.npyio.NpzFile):
            msg = f"{os.fspath(path)}: a single array, not a saved population (.npz)"
            raise PopulationError(msg, field="path", value=os.fspath(path))

    def __enter__(self) -> np.lib.npyio.NpzFile:
        data: np.lib.npyio.NpzFile = self.data
        return data

    def __exit__(self, *exc: object) -> None:
        self.data.close()


def _read(path: str | os.PathLike[str]) -> _Reader:
    return _Reader(path)


def _require(data: np.lib.npyio.NpzFile, path: str | os.PathLike[str], name: str) -> Any:
    if name not in data.files:
        msg = f"{os.fspath(path)}: no array {name!r} (not saved by ilp, or by another version)"
        raise PopulationError(msg, field=name, value=os.fspath(path))
    try:
        return data[name]
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        msg = f"{os.fspath(path)}: array {name!r} cannot be read ({exc})"
        raise PopulationError(msg, field=name, value=os.fspath(path)) from None

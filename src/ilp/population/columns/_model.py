"""The columns of a population and a history, and the invariants each array keeps.

Conversion from and to people lives in ``_people``, files in ``_io``; the
methods here that do either delegate to them.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from ilp.dates import from_day
from ilp.errors import PopulationError
from ilp.people import Condition, Outcome, Person, ServiceRecord, Sex
from ilp.population._calendar import NO_DAY

__all__ = ["CONDITIONS", "NO_DAY", "OUTCOMES", "SEXES", "SEX_CODES", "History", "Population"]

#: The conditions in bit order: bit *i* of ``Population.conditions`` is ``CONDITIONS[i]``.
CONDITIONS: Final = tuple(Condition)
#: The outcomes in code order: ``preg_outcome`` *i* is ``OUTCOMES[i]`` (-1: none or unknown).
OUTCOMES: Final = tuple(Outcome)

_LAST_DAY: Final = _dt.date.max.toordinal()
#: The sexes in code order: ``Population.sex`` *i* is ``SEXES[i]``.
SEXES: Final = (Sex.FEMALE, Sex.MALE)
#: The code of each sex in ``Population.sex`` (0 female, 1 male).
SEX_CODES: Final = {s: i for i, s in enumerate(SEXES)}


def column_error(name: str, msg: str, value: Any = None) -> PopulationError:
    """The error for a bad column *name* (or argument of a columnar method)."""
    return PopulationError(f"{name}: {msg}", field=name, value=value)


def _check_array(name: str, value: object, dtype: type[Any], length: int | None) -> None:
    if not isinstance(value, np.ndarray):
        msg = f"expected a NumPy array of {np.dtype(dtype).name}, got {type(value).__name__}"
        raise column_error(name, msg)
    if value.dtype != np.dtype(dtype):
        raise column_error(name, f"dtype {value.dtype} where {np.dtype(dtype).name} is expected")
    if value.ndim != 1:
        raise column_error(name, f"shape {value.shape} where a one-dimensional array is expected")
    if length is not None and len(value) != length:
        raise column_error(name, f"{len(value)} rows where {length} are expected")


def _check_values(
    name: str, values: npt.NDArray[Any], bad: npt.NDArray[np.bool_], want: str
) -> None:
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        value = values[row].item()
        raise column_error(name, f"row {row} holds {value!r}; expected {want}", value)


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
        for name, dtype in PERSON_COLUMNS[1:]:
            _check_array(name, getattr(self, name), dtype, n)
        m = len(self.preg_person) if isinstance(self.preg_person, np.ndarray) else None
        for name, dtype in PREGNANCY_COLUMNS:
            _check_array(name, getattr(self, name), dtype, m)
        for i, area in enumerate(self.areas):
            if not isinstance(area, str):
                raise column_error("areas", f"item {i} is {area!r}, not a text id", area)
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
        order, preg_person = _pregnancies_of(self.preg_person, picked, len(self))
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
            preg_person=preg_person,
            preg_lmp=self.preg_lmp[order],
            preg_edd=self.preg_edd[order],
            preg_delivery=self.preg_delivery[order],
            preg_outcome=self.preg_outcome[order],
            preg_in_facility=self.preg_in_facility[order],
        )

    # -- tables: ilp.interop._popframes (extra ilp[frames]) ------------------------------

    def to_frame(self, table: str = "people") -> Any:
        """The ``people`` or ``pregnancies`` table as a DataFrame (``docs/interop.md#tables``)."""
        from ilp.interop._popframes import population_frames  # noqa: PLC0415 - ilp[frames]

        if table not in ("people", "pregnancies"):
            msg = f"table: {table!r} is not 'people' or 'pregnancies'"
            raise PopulationError(msg, field="table", value=table)
        people, pregnancies = population_frames(self)
        return people if table == "people" else pregnancies

    @classmethod
    def from_frame(cls, people: Any, pregnancies: Any = None) -> Population:
        """A population from the tables of :meth:`to_frame` (*pregnancies* None: none)."""
        from ilp.interop._popframes import population_from_frames  # noqa: PLC0415 - ilp[frames]

        return population_from_frames(people, pregnancies)

    # -- conversion: ilp.population.columns._people -------------------------------------

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
        from ilp.population.columns._people import population_from_people  # noqa: PLC0415 - it imports this module

        return population_from_people(people, histories or {})

    def to_people(self) -> list[Person]:
        """The people, as :class:`~ilp.people.Person` values, in row order."""
        from ilp.population.columns._people import people_of  # noqa: PLC0415 - it imports this module

        return people_of(self)

    # -- files: ilp.population.columns._io ----------------------------------------------

    def save(self, path: str | os.PathLike[str], history: History | None = None) -> None:
        """Write the population (and *history*, when given) to a NumPy ``.npz`` file at *path*.

        The file is written next to *path* and moved into place when
        complete, so a failure leaves no half-written file.
        """
        from ilp.population.columns._io import save_population  # noqa: PLC0415 - it imports this module

        save_population(self, path, history)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Population:
        """The population saved at *path* by :meth:`save`."""
        from ilp.population.columns._io import load_population  # noqa: PLC0415 - it imports this module

        return load_population(path)


PERSON_COLUMNS: Final[list[tuple[str, type[Any]]]] = [
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
PREGNANCY_COLUMNS: Final[list[tuple[str, type[Any]]]] = [
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
            raise column_error(
                "persons", f"{self.persons!r} is not a number of people", self.persons
            )
        if len(set(self.codes)) != len(self.codes) or not all(
            isinstance(c, str) for c in self.codes
        ):
            raise column_error("codes", "expected distinct service codes", self.codes)
        if len(self.codes) > np.iinfo(np.int16).max:
            raise column_error(
                "codes", f"{len(self.codes)} codes; at most 32767 fit", len(self.codes)
            )
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
        object.__setattr__(self, "offsets", code_offsets(code, len(self.codes)))

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
        check_life(population, p, d)
        order = np.lexsort((d, p, c))
        return cls(
            codes,
            p[order].astype(np.int32),
            c[order].astype(np.int16),
            d[order].astype(np.int32),
            n,
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
        from ilp.population.columns._people import records_of  # noqa: PLC0415 - it imports this module

        return records_of(self, row)

    def to_mapping(self, population: Population) -> dict[str, tuple[ServiceRecord, ...]]:
        """Person id → records (sorted by date and code), for each person with any record."""
        from ilp.population.columns._people import history_mapping  # noqa: PLC0415 - it imports this module

        return history_mapping(self, population)

    # -- files: ilp.population.columns._io ----------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the history alone to a NumPy ``.npz`` file at *path*."""
        from ilp.population.columns._io import save_history  # noqa: PLC0415 - it imports this module

        save_history(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str], population: Population | None = None) -> History:
        """The history saved at *path* (by :meth:`save` or ``Population.save(path, history)``).

        With *population*, each record is checked to fall within its person's life.
        """
        from ilp.population.columns._io import load_history  # noqa: PLC0415 - it imports this module

        return load_history(path, population)


def _trusted_history(
    codes: tuple[str, ...],
    rec_person: npt.NDArray[np.int32],
    rec_code: npt.NDArray[np.int16],
    rec_day: npt.NDArray[np.int32],
    persons: int,
    *,
    offsets: npt.NDArray[np.int64] | None = None,
) -> History:
    """A :class:`History` of columns its caller keeps to the invariants, not checked again.

    Internal to ``ilp.population``, for code that builds sorted records
    itself (the simulation, every month, from a history checked once when
    it was given): the checks are what :class:`History` would find, in
    time linear in the records. Never for records from outside. *offsets*,
    when the caller knows them, are the code slices' bounds.
    """
    if offsets is None:
        offsets = code_offsets(rec_code, len(codes))
    history = object.__new__(History)
    for name, value in (
        ("codes", codes),
        ("rec_person", rec_person),
        ("rec_code", rec_code),
        ("rec_day", rec_day),
        ("persons", persons),
        ("offsets", offsets),
    ):
        object.__setattr__(history, name, value)
    return history


def _trusted_population(columns: dict[str, Any]) -> Population:
    """A :class:`Population` of *columns* (every init field, already of the right type)
    that its caller keeps to the invariants, not checked again.

    Internal to ``ilp.population``, as :func:`_trusted_history`: for the
    simulation's monthly view of the people it grows itself from a population
    checked once when it was given. Never for columns from outside.
    """
    population = object.__new__(Population)
    fresh: dict[str, Any] = {"_index": {}, "_sorted": []}  # the caches, empty
    for field in attrs.fields(Population):
        value = columns[field.name] if field.init else fresh[field.name]
        object.__setattr__(population, field.name, value)
    return population


def code_offsets(rec_code: npt.NDArray[np.int16], n_codes: int) -> npt.NDArray[np.int64]:
    """Where each code's slice of *rec_code* (sorted) starts, and the end: ``n_codes + 1`` bounds.

    The codes searched for are int16 like the column, so the search does not
    first copy the whole column to another type.
    """
    bounds = np.searchsorted(rec_code, np.arange(n_codes + 1, dtype=np.int16))
    return bounds.astype(np.int64)


def _pregnancies_of(
    preg_person: npt.NDArray[np.int32], picked: npt.NDArray[np.int64], n: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int32]]:
    """The pregnancies of the rows *picked* (distinct, any order) among *n* people: their
    indices, in the order of the rows picked then of the HPHT, and their new row numbers.

    The pregnancy rows are sorted by person and HPHT (as checked), so each
    person's pregnancies are one slice, found by a search: the work grows with
    the rows picked, not with the population (a simulation takes a few
    thousand babies of millions each week).
    """
    # rows as int32 like the column, so the search does not copy the column to int64
    query = picked.astype(np.int32) if n <= np.iinfo(np.int32).max else picked
    lo = np.searchsorted(preg_person, query, side="left")
    counts = np.searchsorted(preg_person, query, side="right") - lo
    starts = np.cumsum(counts) - counts
    order = np.repeat(lo - starts, counts) + np.arange(int(counts.sum()))
    people = np.repeat(np.arange(len(picked), dtype=np.int32), counts)
    return order.astype(np.intp), people


def _rows_arg(rows: npt.ArrayLike, n: int) -> npt.NDArray[np.int64]:
    try:
        picked = np.asarray(rows, dtype=np.int64)
    except (TypeError, ValueError) as exc:
        raise PopulationError(f"rows: {exc}", field="rows") from None
    if picked.ndim != 1:
        raise column_error("rows", f"shape {picked.shape} where a list of rows is expected")
    _check_values("rows", picked, (picked < 0) | (picked >= n), f"a row below {n}")
    if len(np.unique(picked)) != len(picked):
        raise column_error("rows", "a row is given twice")
    return picked


def check_life(population: Population, person: npt.NDArray[Any], day: npt.NDArray[Any]) -> None:
    before = day < population.birth[person]
    after = day > population.death[person]
    if before.any() or after.any():
        k = int(np.flatnonzero(before | after)[0])
        row, when = int(person[k]), from_day(int(day[k])).isoformat()
        side = "before the birth" if before[k] else "after the death"
        msg = f"record on {when} of row {row} (person {population.ids[row]!r}) is {side}"
        raise PopulationError(f"history: {msg}", field="day", value=when)

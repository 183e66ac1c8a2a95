"""A family register as columns: people, records and family cards, persons made on demand.

:func:`ilp.files.read_register_columns` reads a CSV register folder straight
into a :class:`ColumnRegister`; :meth:`ColumnRegister.from_register` turns a
:class:`~ilp.people.FamilyRegister` into one. Work lists
(:func:`ilp.population.work_lists`) and monitoring (:mod:`ilp.pws`) read the
columns and ask for :class:`~ilp.people.Person` and
:class:`~ilp.people.Family` values only for the people they list.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt
import pendulum

from ilp.dates import from_day
from ilp.errors import ILPError, PopulationError
from ilp.people import (
    Condition,
    Family,
    FamilyRegister,
    Household,
    Member,
    Person,
    Pregnancy,
    Relation,
    School,
    ServiceRecord,
)
from ilp.population._calendar import NO_DAY
from ilp.population.columns._model import CONDITIONS, OUTCOMES, SEXES, History, Population
from ilp.population.columns._people import starts_of

__all__ = ["RELATIONS", "ColumnRegister"]

#: The relations in code order: ``ColumnRegister.relation`` *i* is ``RELATIONS[i]``.
RELATIONS: Final = tuple(Relation)
_ACTIVE: Final = {None: -1, False: 0, True: 1}
_ACTIVE_BACK: Final = {-1: None, 0: False, 1: True}


_PERSON_FIELDS: Final = tuple(f.name for f in attrs.fields(Person))


def _valid_person(**values: Any) -> Person:
    """A :class:`~ilp.people.Person` of *values* already checked, not checked again.

    The columns hold only values the person's converters and validators have
    passed (ids, names, NIKs and areas are checked when the register is made,
    the rest by ``Population``; a person with pregnancies is made by ``Person``
    itself, which checks them against each other), in the form the converters give (a
    ``Sex``, a ``pendulum.Date``, a frozenset of conditions, pregnancies
    sorted by HPHT); so the person equals ``Person(**values)`` field by field
    (``tests/fuzz/test_register_columns.py`` compares them), made at a fraction of
    the cost.
    Every field must be given.
    """
    person = object.__new__(Person)
    for name in _PERSON_FIELDS:
        object.__setattr__(person, name, values[name])
    return person


def _check_texts(values: npt.NDArray[Any], field: str) -> None:
    """Each distinct value of *values* passes the ``Person`` validator of *field* (None too)."""
    attribute = getattr(attrs.fields(Person), field)
    try:
        for value in set(values.tolist()):
            attribute.validator(None, attribute, value)
    except ILPError as exc:
        raise PopulationError(f"{field}: {exc.msg}", field=field, value=None) from None
    except TypeError:  # unhashable
        msg = f"{field}: a value that is not text"
        raise PopulationError(msg, field=field, value=None) from None


@functools.lru_cache(maxsize=65536)
def _date(day: int) -> pendulum.Date:
    return from_day(day)


@functools.lru_cache(maxsize=1024)
def _conditions(bits: int) -> frozenset[Condition]:
    return frozenset(c for k, c in enumerate(CONDITIONS) if bits >> k & 1)


def _check_length(name: str, value: Sequence[Any] | npt.NDArray[Any], n: int) -> None:
    if len(value) != n:
        msg = f"{name}: {len(value)} items where {n} are expected"
        raise PopulationError(msg, field=name, value=len(value))


@attrs.frozen(eq=False, repr=False)
class ColumnRegister:
    """A family register as columns: a :class:`Population`, its :class:`History` and the cards.

    People are rows in register order (families in order, members in card
    order); ``family`` is each person's family row (non-decreasing),
    ``relation`` indexes :data:`RELATIONS`, ``names``/``niks`` hold text or
    None. Per family: ``kk_numbers``, ``households``, ``residences`` and
    ``addresses``. Per record, in history order: ``rec_value`` (NaN when
    none) and ``rec_place``/``rec_provider``/``rec_result`` (text or None).
    :meth:`person`, :meth:`family` and :meth:`to_register` give the values
    :func:`ilp.read_register` gives for the same files.
    """

    population: Population
    history: History
    family: npt.NDArray[np.int32]
    relation: npt.NDArray[np.int8]
    names: npt.NDArray[np.object_]
    niks: npt.NDArray[np.object_]
    kk_numbers: tuple[str, ...]
    households: tuple[Household, ...]
    residences: tuple[str | None, ...]
    addresses: tuple[str | None, ...]
    rec_value: npt.NDArray[np.float64]
    rec_place: npt.NDArray[np.object_]
    rec_provider: npt.NDArray[np.object_]
    rec_result: npt.NDArray[np.object_]
    as_of: str | None = None
    _people: list[Person | None] = attrs.field(init=False, repr=False)
    _families: list[Family | None] = attrs.field(init=False, repr=False)
    _starts: list[int] = attrs.field(init=False, repr=False)
    _preg_starts: list[int] = attrs.field(init=False, repr=False)
    _rows: list[tuple[Any, ...]] = attrs.field(init=False, repr=False, factory=list)
    _by_person: list[Any] = attrs.field(init=False, repr=False, factory=list)

    def __attrs_post_init__(self) -> None:
        n, k = len(self.population), len(self.history)
        for name in ("family", "relation", "names", "niks"):
            _check_length(name, getattr(self, name), n)
        f = len(self.kk_numbers)
        for name in ("households", "residences", "addresses"):
            _check_length(name, getattr(self, name), f)
        for name in ("rec_value", "rec_place", "rec_provider", "rec_result"):
            _check_length(name, getattr(self, name), k)
        if self.history.persons != n:
            msg = f"the history is for {self.history.persons} people, not {n}"
            raise PopulationError(f"history: {msg}", field="history", value=self.history.persons)
        fam = self.family
        if n and (fam.min() < 0 or fam.max() >= f or np.any(fam[1:] < fam[:-1])):
            msg = f"expected family rows below {f} in non-decreasing order"
            raise PopulationError(f"family: {msg}", field="family")
        _check_texts(self.population.ids, "id")
        _check_texts(self.names, "name")
        _check_texts(self.niks, "nik")
        _check_texts(np.array(self.population.areas, dtype=object), "residence")
        object.__setattr__(self, "_people", [None] * n)
        object.__setattr__(self, "_families", [None] * f)
        object.__setattr__(self, "_starts", starts_of(fam, f).tolist())
        pregs = starts_of(self.population.preg_person, n).tolist()
        object.__setattr__(self, "_preg_starts", pregs)

    def __len__(self) -> int:
        return len(self.population)

    def __repr__(self) -> str:
        n, f, k = len(self.population), len(self.kk_numbers), len(self.history)
        return f"ColumnRegister({f} families, {n} people, {k} records)"

    @property
    def homes(self) -> list[str | None]:
        """Each person's home area: their own residence, else their family's."""
        pop = self.population
        fam = self.residences
        return [
            pop.areas[r] if r >= 0 else fam[f]
            for r, f in zip(pop.residence.tolist(), self.family.tolist(), strict=True)
        ]

    def members(self, family: int) -> range:
        """The person rows of family row *family*."""
        return range(self._starts[family], self._starts[family + 1])

    def person(self, row: int) -> Person:
        """The :class:`~ilp.people.Person` in *row* (made once, then kept)."""
        found = self._people[row]
        if found is None:
            found = self._people[row] = self._make_person(row)
        return found

    def family_of(self, row: int) -> Family:
        """The :class:`~ilp.people.Family` of the person in *row*."""
        return self.family_at(int(self.family[row]))

    def family_at(self, family: int) -> Family:
        """The :class:`~ilp.people.Family` in family row *family* (made once, then kept)."""
        found = self._families[family]
        if found is None:
            members = [
                Member(self.person(r), RELATIONS[int(self.relation[r])])
                for r in self.members(family)
            ]
            found = Family(
                self.kk_numbers[family],
                members,
                household=self.households[family],
                residence=self.residences[family],
                address=self.addresses[family],
            )
            self._families[family] = found
        return found

    def _make_person(self, row: int) -> Person:
        if not self._rows:
            pop = self.population
            self._rows.extend(
                zip(
                    pop.ids.tolist(),
                    pop.sex.tolist(),
                    pop.birth.tolist(),
                    self.names.tolist(),
                    self.niks.tolist(),
                    pop.death.tolist(),
                    pop.conditions.tolist(),
                    pop.school_grade.tolist(),
                    pop.school_year.tolist(),
                    pop.residence.tolist(),
                    pop.sexually_active.tolist(),
                    strict=True,
                )
            )
        pid, sex, birth, name, nik, death, bits, grade, year, res, active = self._rows[row]
        lo, hi = self._preg_starts[row], self._preg_starts[row + 1]
        values = {
            "id": pid,
            "sex": SEXES[sex],
            "birth_date": _date(birth),
            "name": name,
            "nik": nik,
            "death_date": None if death == NO_DAY else _date(death),
            "conditions": _conditions(bits),
            "pregnancies": tuple(self._pregnancy(k) for k in range(lo, hi)) if lo < hi else (),
            "school": School(grade, year or None) if grade else None,
            "residence": None if res < 0 else self.population.areas[res],
            "ever_sexually_active": _ACTIVE_BACK[active],
        }
        if lo < hi:  # pregnancies: the checks across them (age, overlap, death) are Person's
            try:
                return Person(**values)
            except ILPError as exc:
                raise PopulationError(exc.msg, field=exc.field, value=exc.value) from None
        return _valid_person(**values)

    def _pregnancy(self, k: int) -> Pregnancy:
        pop = self.population
        dl, outcome = int(pop.preg_delivery[k]), int(pop.preg_outcome[k])
        return Pregnancy(
            from_day(int(pop.preg_lmp[k])),
            edd=from_day(int(pop.preg_edd[k])),
            delivery_date=None if dl == NO_DAY else from_day(dl),
            outcome=None if outcome < 0 else OUTCOMES[outcome],
            in_facility=_ACTIVE_BACK[int(pop.preg_in_facility[k])],
        )

    def records_of(self, person_id: str) -> tuple[ServiceRecord, ...]:
        """The records of *person_id*, sorted by date and code (empty when none or unknown)."""
        if not self._by_person:
            order = np.argsort(self.history.rec_person, kind="stable")
            starts = starts_of(self.history.rec_person[order], len(self))
            self._by_person.extend((order, starts.tolist()))
        try:
            row = self.population.index_of(person_id)
        except PopulationError:
            return ()
        order, starts = self._by_person
        picked = order[starts[row] : starts[row + 1]]
        h = self.history
        records = [
            ServiceRecord(
                h.codes[c],
                _date(d),
                place=pl,
                provider=pr,
                result=rs,
                value=None if math.isnan(v) else v,
            )
            for c, d, v, pl, pr, rs in zip(
                h.rec_code[picked].tolist(),
                h.rec_day[picked].tolist(),
                self.rec_value[picked].tolist(),
                self.rec_place[picked].tolist(),
                self.rec_provider[picked].tolist(),
                self.rec_result[picked].tolist(),
                strict=True,
            )
        ]
        return tuple(sorted(records, key=lambda r: (r.date, r.code)))

    def histories(self) -> dict[str, tuple[ServiceRecord, ...]]:
        """Person id → records (sorted by date and code), for each person with any record."""
        h = self.history
        rank = np.argsort(np.argsort(np.array(h.codes, dtype=object))) if h.codes else None
        code_rank = h.rec_code if rank is None else rank[h.rec_code]
        order = np.lexsort((code_rank, h.rec_day, h.rec_person))
        ids = self.population.ids.tolist()
        out: dict[str, list[ServiceRecord]] = {}
        value = self.rec_value[order].tolist()
        place, provider = self.rec_place[order].tolist(), self.rec_provider[order].tolist()
        result = self.rec_result[order].tolist()
        columns = zip(
            h.rec_person[order].tolist(),
            h.rec_code[order].tolist(),
            h.rec_day[order].tolist(),
            value,
            place,
            provider,
            result,
            strict=True,
        )
        for p, c, d, v, pl, pr, rs in columns:
            record = ServiceRecord(
                h.codes[c],
                from_day(d),
                place=pl,
                provider=pr,
                result=rs,
                value=None if math.isnan(v) else v,
            )
            out.setdefault(ids[p], []).append(record)
        return {k: tuple(v) for k, v in out.items()}

    def to_register(self) -> FamilyRegister:
        """The register as a :class:`~ilp.people.FamilyRegister` (every person made)."""
        families = tuple(self.family_at(f) for f in range(len(self.kk_numbers)))
        return FamilyRegister(families, self.histories(), self.as_of)

    @classmethod
    def from_register(cls, register: FamilyRegister, *, only_known: bool = False) -> ColumnRegister:
        """The columns of *register*; its persons and families are kept, not made again.

        Every history is checked as ``Population.from_people`` checks it, and
        a failure raises the same error. With *only_known*, histories of ids
        in no family are left out instead (as ``register.history`` never asks
        for them).
        """
        people: list[Person] = []
        family: list[int] = []
        relation: list[int] = []
        code_of = {r: i for i, r in enumerate(RELATIONS)}
        for f, fam in enumerate(register.families):
            for m in fam.members:
                people.append(m.person)
                family.append(f)
                relation.append(code_of[m.relation])
        index = {p.id: i for i, p in enumerate(people)}
        histories = register.histories
        if only_known:
            histories = {k: v for k, v in histories.items() if k in index}
        population, history, order, records = _columns(people, index, histories)
        nan = float("nan")

        def per_record(get: Any) -> npt.NDArray[Any]:
            return np.array([get(records[k]) for k in order.tolist()] or [], dtype=object)

        made = cls(
            population,
            history,
            np.array(family, dtype=np.int32),
            np.array(relation, dtype=np.int8),
            np.array([p.name for p in people] or [], dtype=object),
            np.array([p.nik for p in people] or [], dtype=object),
            tuple(f.kk_number for f in register.families),
            tuple(f.household for f in register.families),
            tuple(f.residence for f in register.families),
            tuple(f.address for f in register.families),
            np.array(
                [nan if records[k].value is None else records[k].value for k in order.tolist()],
                dtype=np.float64,
            ),
            per_record(lambda r: r.place),
            per_record(lambda r: r.provider),
            per_record(lambda r: r.result),
            register.as_of,
        )
        made._people[:] = people
        made._families[:] = register.families
        return made


def _columns(
    people: list[Person],
    index: dict[str, int],
    histories: Mapping[str, Iterable[ServiceRecord]],
) -> tuple[Population, History, npt.NDArray[np.int64], list[ServiceRecord]]:
    """Population, history, the history's order of *records*, and the records in register order.

    Records are gathered in one pass; anything that pass cannot take (an
    item that is not a record, a record outside its person's life, a history
    of someone not in the register) is left to ``Population.from_people``,
    which raises the error it raises for it.
    """
    population, _ = Population.from_people(people)
    rows: list[int] = []
    codes: list[int] = []
    days: list[int] = []
    records: list[ServiceRecord] = []
    where: dict[str, int] = {}
    for pid, given in histories.items():
        row = index.get(pid)
        rs = tuple(given)
        if row is None or not all(type(r) is ServiceRecord for r in rs):
            Population.from_people(people, histories)  # raises, naming the problem
            raise AssertionError  # pragma: no cover - from_people raised
        records += rs
        rows += [row] * len(rs)
        codes += [where.setdefault(r.code, len(where)) for r in rs]
        days += [r.date.toordinal() for r in rs]
    person = np.array(rows, dtype=np.int64)
    day = np.array(days, dtype=np.int64)
    death = population.death[person]
    if not (np.all(population.birth[person] <= day) and np.all((death == NO_DAY) | (day <= death))):
        Population.from_people(people, histories)  # raises, naming the record
        raise AssertionError  # pragma: no cover - from_people raised
    ranked = sorted(where, key=str)
    rank = np.array([ranked.index(c) for c in where], dtype=np.int64)
    code = rank[np.array(codes, dtype=np.int64)] if codes else np.zeros(0, np.int64)
    order = np.lexsort((day, person, code))
    history = History(
        tuple(ranked),
        person[order].astype(np.int32),
        code[order].astype(np.int16),
        day[order].astype(np.int32),
        len(people),
    )
    return population, history, order, records

"""Conversion between columns and :class:`~ilp.people.Person` values.

The one place that knows how a person's fields map to the columns of a
:class:`~ilp.population.Population` (and records to a
:class:`~ilp.population.History`): the codes of sex, conditions, school,
sexual activity, residence and pregnancies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ilp.dates import from_day
from ilp.errors import PopulationError
from ilp.people import Person, Pregnancy, School, ServiceRecord, validate_history
from ilp.population._calendar import NO_DAY
from ilp.population.columns._model import CONDITIONS, OUTCOMES, SEXES, History, Population

__all__ = ["history_mapping", "people_of", "population_from_people", "records_of", "starts_of"]

_ACTIVE: Final = {None: -1, False: 0, True: 1}
_ACTIVE_BACK: Final = {-1: None, 0: False, 1: True}


def population_from_people(
    people: Iterable[Person], histories: Mapping[str, Iterable[ServiceRecord]]
) -> tuple[Population, History]:
    """Columns for *people* and their *histories*: see :meth:`Population.from_people`."""
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

    population = Population(
        ids=np.array([p.id for p in people] or [], dtype=object),
        birth=column(np.int32, lambda p: p.birth_date.toordinal()),
        sex=column(np.int8, lambda p: SEXES.index(p.sex)),
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
    return population, _history_from_people(population, people, index, histories)


def starts_of(rows: npt.NDArray[Any], n: int) -> npt.NDArray[np.intp]:
    """Where each row 0 to *n* starts in *rows* (sorted): row *r*'s items are ``[r]:[r + 1]``.

    The rows searched for take the dtype of *rows* when they fit in it, so
    that NumPy does not copy the whole of *rows* (int32 columns) to int64 for
    the search.
    """
    fits = rows.dtype.kind in "iu" and np.iinfo(rows.dtype).max >= n
    keys = np.arange(n + 1, dtype=rows.dtype if fits else np.int64)
    found: npt.NDArray[np.intp] = np.searchsorted(rows, keys)
    return found


def people_of(population: Population) -> list[Person]:
    """The people of *population* in row order: see :meth:`Population.to_people`."""
    starts = starts_of(population.preg_person, len(population)).tolist()
    lmp, edd, dl = (
        population.preg_lmp.tolist(),
        population.preg_edd.tolist(),
        population.preg_delivery.tolist(),
    )
    outcome, facility = population.preg_outcome.tolist(), population.preg_in_facility.tolist()

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
        population.ids.tolist(),
        population.birth.tolist(),
        population.sex.tolist(),
        population.death.tolist(),
        population.conditions.tolist(),
        population.school_grade.tolist(),
        population.school_year.tolist(),
        population.sexually_active.tolist(),
        population.residence.tolist(),
        strict=True,
    )
    for i, (pid, b, s, death, cond, grade, year, active, res) in enumerate(columns):
        out.append(
            Person(
                pid,
                SEXES[s],
                from_day(b),
                death_date=None if death == NO_DAY else from_day(death),
                conditions=frozenset(c for k, c in enumerate(CONDITIONS) if cond >> k & 1),
                pregnancies=[pregnancy(k) for k in range(starts[i], starts[i + 1])],
                school=School(grade, year or None) if grade else None,
                residence=None if res < 0 else population.areas[res],
                ever_sexually_active=_ACTIVE_BACK[active],
            )
        )
    return out


def _history_from_people(
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
    return History.from_arrays(
        population,
        person=np.array([r for _, r, _ in rows], dtype=np.int64),
        code=np.array([where[c] for c, _, _ in rows], dtype=np.int64),
        day=np.array([d for _, _, d in rows], dtype=np.int64),
        codes=codes,
    )


def records_of(history: History, row: int) -> tuple[ServiceRecord, ...]:
    """The records of *row*: see :meth:`History.records_of`."""
    found = np.flatnonzero(history.rec_person == row)
    records = [
        ServiceRecord(history.codes[c], from_day(d))
        for c, d in zip(
            history.rec_code[found].tolist(), history.rec_day[found].tolist(), strict=True
        )
    ]
    return tuple(sorted(records, key=lambda r: (r.date, r.code)))


def history_mapping(
    history: History, population: Population
) -> dict[str, tuple[ServiceRecord, ...]]:
    """Person id → records: see :meth:`History.to_mapping`."""
    if len(population) != history.persons:
        msg = f"the history is for {history.persons} people, the population has {len(population)}"
        raise PopulationError(f"population: {msg}", field="population", value=len(population))
    # as validate_history sorts: by date, then code
    rank = np.argsort(np.argsort(np.array(history.codes, dtype=object))) if history.codes else None
    code_rank = history.rec_code if rank is None else rank[history.rec_code]
    order = np.lexsort((code_rank, history.rec_day, history.rec_person))
    ids = population.ids.tolist()
    out: dict[str, list[ServiceRecord]] = {}
    for p, c, d in zip(
        history.rec_person[order].tolist(),
        history.rec_code[order].tolist(),
        history.rec_day[order].tolist(),
        strict=True,
    ):
        out.setdefault(ids[p], []).append(ServiceRecord(history.codes[c], from_day(d)))
    return {k: tuple(v) for k, v in out.items()}

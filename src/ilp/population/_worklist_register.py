"""The register and the catalogue as work lists read them, indexed once per ``work_lists`` call.

:class:`_Register` holds the register as columns with its people indexed by
home area, and gathers the population and records of a day's rows;
:class:`_Slots` holds, per slot of the catalogue's plan, its entry, service
and the keys and bits (sort order, outreach, home-visit windows) lists are
chosen by.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ilp.lifecycle import (
    Catalogue,
    Entry,
    Region,
    Service,
)
from ilp.network import VISIT_SERIES, Facility, can_give
from ilp.people import Family, FamilyRegister, Person
from ilp.population._calendar import NO_DAY, Arr
from ilp.population._worklist_stages import _STAGE_BIT
from ilp.population.batch.plan import plan_of
from ilp.population.columns import CONDITIONS, ColumnRegister, History, Population
from ilp.population.columns._people import starts_of

_Heads = tuple[
    list[str],
    list[str | None],
    list[int],
    Sequence[str],
    Sequence[str | None],
    list[str | None],
]


class _Register:
    """The register as columns, and its people indexed by home area once."""

    def __init__(self, register: FamilyRegister | ColumnRegister) -> None:
        if isinstance(register, ColumnRegister):
            cols = register
        else:
            cols = ColumnRegister.from_register(register, only_known=True)
        self.cols = cols
        self.population, self.history = cols.population, cols.history
        self.homes = homes = cols.homes
        by_area: dict[str, list[int]] = {}
        for r, home in enumerate(homes):
            if home is not None:
                by_area.setdefault(home, []).append(r)
        self.by_area = {a: np.array(rows, dtype=np.int64) for a, rows in by_area.items()}
        #: Each row's home as an index into ``home_areas`` (its last item: no home).
        self.home_areas: list[str | None] = [*by_area, None]
        self.home_index = np.full(len(homes), len(by_area), dtype=np.int64)
        for k, rows in enumerate(self.by_area.values()):
            self.home_index[rows] = k
        self._regions: list[Region] | None = None
        self._heads: _Heads | None = None
        self._by_person: tuple[Arr, Arr, Arr] | None = None
        #: The JSON writer's: each distinct item's number (by its text's inputs), and per
        #: level each number's text. The objects whose ids a key holds are held by the
        #: evaluations of the same work_lists call, which live as long as this register.
        self.item_numbers: dict[tuple[Any, ...], int] = {}
        self.texts: dict[int, dict[int, str]] = {}

    def _everyone(self, rows: Arr) -> bool:
        n = len(self.population)
        return len(rows) == n and bool(np.all(rows == np.arange(n)))

    def population_of(self, rows: Arr) -> Population:
        """``population.take(rows)``: the population itself when *rows* are all its rows."""
        return self.population if self._everyone(rows) else self.population.take(rows)

    def history_of(self, rows: Arr) -> History:
        """``history.take(rows)`` for *rows* (increasing), from each row's own records.

        ``History.take`` goes through every record of the register for each
        day's evaluation; this gathers only the records of *rows* (by person,
        found once per register) and sorts them as ``take`` orders them: by
        code, person and day. The history itself when *rows* are all its rows.
        ``tests/population/test_worklists.py`` compares the two.
        """
        h = self.history
        if self._everyone(rows):
            return h
        if self._by_person is None:
            order = np.argsort(h.rec_person, kind="stable")  # each person's: by code, then day
            starts = starts_of(h.rec_person[order], h.persons)
            self._by_person = (starts, h.rec_code[order], h.rec_day[order])
        starts, codes, days = self._by_person
        first, counts = starts[rows], starts[rows + 1] - starts[rows]
        ends = np.cumsum(counts)
        where = np.arange(ends[-1] if len(ends) else 0) + np.repeat(first - (ends - counts), counts)
        person = np.repeat(np.arange(len(rows), dtype=np.int32), counts)
        code = codes[where]
        # gathered by person (in row order), each person's by code then day: a stable sort
        # by code (a radix sort of int16) puts them in take's order, by code, person and day
        by = np.argsort(code, kind="stable")
        return History(h.codes, person[by], code[by], days[where][by], len(rows))

    def heads(self) -> _Heads:
        """Per row its id, name and family row; per family its card number and address; homes."""
        if self._heads is None:
            c = self.cols
            self._heads = (
                c.population.ids.tolist(),
                c.names.tolist(),
                c.family.tolist(),
                c.kk_numbers,
                c.addresses,
                self.homes,
            )
        return self._heads

    def regions(self, network: Any) -> list[Region]:
        """Per item of ``home_areas``, the region of that area in *network*."""
        if self._regions is None:
            self._regions = [
                network.region_of(a) if a is not None and network.has_area(a) else Region()
                for a in self.home_areas
            ]
        return self._regions

    def person(self, row: int) -> Person:
        """The person in *row* (made when first asked for)."""
        return self.cols.person(row)

    def family(self, row: int) -> Family:
        """The family of the person in *row*."""
        return self.cols.family_of(row)

    def living(self, areas: Any, day: int) -> Arr:
        """Rows (in register order) whose home is in *areas* and who are alive on *day*."""
        parts = [self.by_area[a] for a in areas if a in self.by_area]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        rows: Arr = np.sort(np.concatenate(parts))
        pop = self.population
        alive = (pop.birth[rows] <= day) & ((pop.death[rows] == NO_DAY) | (day <= pop.death[rows]))
        living: Arr = rows[alive]
        return living


class _Slots:
    """Per slot of the catalogue's plan: its entry, service, place in the entry and sort keys."""

    def __init__(self, catalogue: Catalogue) -> None:
        plan = plan_of(catalogue)
        self.entry: list[Entry] = []
        self.service: list[Service] = []
        self.index: list[int] = []
        for entry in catalogue.entries:
            assert plan.base[id(entry)] == len(self.service)
            for j, svc in enumerate(entry.services):
                self.entry.append(entry)
                self.service.append(svc)
                self.index.append(j)
        ranks = {c: i for i, c in enumerate(sorted(set(plan.codes)))}
        self.code_rank = np.array([ranks[c] for c in plan.codes], dtype=np.int64)
        self.dose = np.array([d or 0 for d in plan.doses], dtype=np.int64)
        # Service.outreach as bits: always, or a priority condition or stage the person has
        self.always = np.array([not svc.opportunistic for svc in self.service], dtype=bool)
        bits = [_priority_bits(svc) for svc in self.service]
        self.condition_bits = np.array([c for c, _ in bits], dtype=np.int64)
        self.stage_bits = np.array([s for _, s in bits], dtype=np.int64)
        #: Per slot, whether its service's open window is a reason for a home visit.
        self.visit_series = np.array([s.series in VISIT_SERIES for s in self.service], dtype=bool)
        self._gives: dict[str, Arr] = {}

    def gives(self, facility: Facility) -> Arr:
        """Per slot, whether *facility* gives the service (``can_give``)."""
        found = self._gives.get(facility.id)
        if found is None:
            found = self._gives[facility.id] = np.array(
                [can_give(facility, s) for s in self.service], dtype=bool
            )
        return found


def _priority_bits(service: Service) -> tuple[int, int]:
    """The condition bits and stage bits of *service*'s priority groups (0, 0 when none)."""
    if service.priority is None:
        return 0, 0
    conditions = sum(1 << CONDITIONS.index(c) for c in service.priority.conditions)
    return conditions, sum(_STAGE_BIT[s] for s in service.priority.stages)

"""One day's batch evaluation for work lists: the people, their open items, and who a list keeps.

:class:`_Day` evaluates the people of every list that falls on one day with
:func:`~ilp.population.due_batch` and holds their open items as columns
(local row, slot, status, dates), in ``due()`` order per person. Which
items a target list or a home-visit list keeps is chosen over these
columns (:meth:`_Day.targets`, :meth:`_Day.visits`); a ``DueItem`` and its
reason data are made only when a list is read (:meth:`_Day.item`), the
reason data of a slot for all its items at once. The register and the
catalogue's slots it reads are in :mod:`ilp.population._worklist_register`,
the people's stages as bits in :mod:`ilp.population._worklist_stages`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Final, overload

import numpy as np
import pendulum

from ilp.lifecycle import (
    Catalogue,
    DueItem,
    LifeStage,
    Region,
    Status,
)
from ilp.lifecycle.rules.person import Why
from ilp.network import Facility
from ilp.people import Person
from ilp.population._calendar import NO_DAY, Arr
from ilp.population._worklist_register import _Register, _Slots
from ilp.population._worklist_stages import _PREGNANT, _stage_masks, stage_set
from ilp.population.batch import STATUS_CODES, BatchResult, due_batch
from ilp.population.batch.kinds import EXPLAINERS
from ilp.population.columns import History

_STATUS_OF: Final = {code: status for status, code in STATUS_CODES.items()}
_SIMPLE: Final = (int, str, type(None))
_DUE: Final = STATUS_CODES[Status.DUE]
_OVERDUE: Final = STATUS_CODES[Status.OVERDUE]
#: What a home visit acts on (``_needs_visit`` selects only these).
_VISIT_CODES: Final = (_DUE, _OVERDUE)


#: One person of a list: their evaluation, their local row in it and their items there.
Person_ = tuple["_Day", int, list[int]]
_NOBODY: Final = np.zeros(0, dtype=np.int64)


class People(Sequence[Person_]):
    """A list's people, as arrays until the list is read.

    Each evaluation adds the items it chose (increasing, so grouped by person)
    and the local rows it lists with no item; the (evaluation, local row,
    items) of each person, in register order, are made the first time the
    people are read. Their number is known at once.
    """

    def __init__(self) -> None:
        self._parts: list[tuple[_Day, Arr, Arr]] = []
        self._count = 0
        self._people: list[Person_] | None = None

    def add(self, ev: _Day, items: Arr, alone: Arr = _NOBODY) -> None:
        """Add *ev*'s chosen *items* and the local rows *alone* listed with none."""
        p = ev.person_array[items]
        self._count += int(np.count_nonzero(p[1:] != p[:-1])) + 1 if len(p) else 0
        self._count += len(alone)
        self._parts.append((ev, items, alone))

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Person_: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Person_]: ...
    def __getitem__(self, index: int | slice) -> Person_ | Sequence[Person_]:
        return self._made()[index]

    def __iter__(self) -> Iterator[Person_]:
        return iter(self._made())

    def _made(self) -> list[Person_]:
        if self._people is None:
            people: list[Person_] = []
            for ev, items, alone in self._parts:
                found = _per_person(ev, items, ev.person_array)
                if len(alone):  # in local row order, with the others
                    found += [(ev, k, []) for k in alone.tolist()]
                    found.sort(key=lambda x: x[1])
                people += found
            if len(self._parts) > 1:  # back in register order
                people.sort(key=lambda x: int(x[0].rows[x[1]]))
            self._people = people
        return self._people


class _Day:
    """One batch evaluation of the people of every list on one day, and its items."""

    def __init__(  # noqa: PLR0917 - internal: one evaluation's inputs
        self,
        reg: _Register,
        slots: _Slots,
        rows: Arr,
        day: pendulum.Date,
        horizon: int,
        keep: frozenset[Status],
        catalogue: Catalogue,
        region: Region,
    ) -> None:
        self.reg, self.slots, self.day, self.d = reg, slots, day, day.toordinal()
        self.region = region
        self.rows = rows
        self.row_list: list[int] = rows.tolist()
        self.history: History = reg.history_of(rows)
        result = due_batch(
            reg.population_of(rows),
            self.history,
            day,
            catalogue=catalogue,
            region=region,
            horizon=horizon,
        )
        self.result = result
        self._dense: dict[int, Arr] = {}
        #: Per local row, the bits of its stages on the day.
        self.mask_array = _stage_masks(reg.population, rows, self.d)
        self.masks: list[int] = self.mask_array.tolist()
        self._items(result, keep)

    def _items(self, result: BatchResult, keep: frozenset[Status]) -> None:
        """The open items of *keep* statuses, per local row in ``due()`` order, as columns.

        Item *j* is slot ``slot[j]`` of local row ``person[j]`` with status code
        ``status[j]``; ``reach[j]`` is ``Service.outreach`` for it. :meth:`item`
        makes its ``DueItem`` once.
        """
        cols = result.to_arrays()
        codes = np.array(sorted(STATUS_CODES[s] for s in keep), dtype=np.int8)
        picked = np.flatnonzero(np.isin(cols["status"], codes))
        person = cols["person"][picked].astype(np.int64)
        slot = cols["slot"][picked].astype(np.int64)
        status = cols["status"][picked]
        rec = cols["recommended"][picked]
        s = self.slots
        order = _lexsort((slot, s.dose[slot], s.code_rank[slot], rec, status, person))
        where = picked[order]
        self.person_array: Arr = person[order]
        self.slot_array: Arr = slot[order]
        self.status_array: Arr = cols["status"][where]
        self._columns = (cols, where)
        n = len(where)
        self._whys: list[Why | None] = [None] * n
        self._made: list[DueItem | None] = [None] * n
        #: Per item, its number among the register's distinct items (-1: not found yet).
        self.numbers: list[int] = [-1] * n
        self._by_slot: tuple[Arr, list[int]] | None = None
        self._keeps: dict[frozenset[Status], Arr] = {}
        #: Items ``_starts[k]:_starts[k + 1]`` are local row *k*'s.
        self._starts = np.searchsorted(self.person_array, np.arange(len(self.rows) + 1))
        # Service.outreach of each item: always, or a priority condition or stage the person has
        conditions = self.reg.population.conditions[self.rows].astype(np.int64)
        p, sl = self.person_array, self.slot_array
        self.reach: Arr = (
            s.always[sl]
            | (conditions[p] & s.condition_bits[sl] != 0)
            | (self.mask_array[p] & s.stage_bits[sl] != 0)
        )

    @functools.cached_property
    def slot(self) -> list[int]:
        """Per item, its slot (a list: read item by item when lists are read)."""
        found: list[int] = self.slot_array.tolist()
        return found

    @functools.cached_property
    def status(self) -> list[int]:
        """Per item, its status code."""
        found: list[int] = self.status_array.tolist()
        return found

    @functools.cached_property
    def _dates(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """Per item, its earliest, recommended, overdue and latest day."""
        cols, where = self._columns
        return (
            cols["earliest"][where].tolist(),
            cols["recommended"][where].tolist(),
            cols["overdue"][where].tolist(),
            cols["latest"][where].tolist(),
        )

    # -- who a list keeps ---------------------------------------------------------------------

    def local(self, rows: Arr) -> Arr:
        """The local rows of those of register *rows* (increasing) this evaluation holds."""
        at = np.searchsorted(self.rows, rows)
        inside = at < len(self.rows)
        inside[inside] = self.rows[at[inside]] == rows[inside]
        found: Arr = at[inside]
        return found

    def _items_of(self, local: Arr) -> Arr:
        """The items (increasing) of *local* rows (increasing)."""
        first = self._starts[local]
        counts = self._starts[local + 1] - first
        ends = np.cumsum(counts)
        total = int(ends[-1]) if len(ends) else 0
        found: Arr = np.arange(total) + np.repeat(first - (ends - counts), counts)
        return found

    def _kept(self, keep: frozenset[Status]) -> Arr:
        """Per item, whether its status is one of *keep*."""
        found = self._keeps.get(keep)
        if found is None:
            codes = np.array([STATUS_CODES[s] for s in keep], dtype=np.int8)
            found = self._keeps[keep] = np.isin(self.status_array, codes)
        return found

    def targets(self, local: Arr, facility: Facility, keep: frozenset[Status]) -> Arr:
        """The items (increasing) of the people of *local* rows (increasing) on *facility*'s list.

        A person's items are the open items of *keep* statuses the facility
        gives; the person is listed when one of them reaches out (opportunistic
        services go with a person's other services, never alone).
        """
        js = self._items_of(local)
        p = self.person_array[js]
        chosen = self.slots.gives(facility)[self.slot_array[js]] & self._kept(keep)[js]
        listed = np.zeros(len(self.rows), dtype=bool)
        listed[p[chosen & self.reach[js]]] = True
        found: Arr = js[chosen & listed[p]]
        return found

    def visits(self, local: Arr) -> tuple[Arr, Arr]:
        """The items (increasing) why the people of *local* rows (increasing) are on a
        home-visit list, and the local rows of those listed with no such item.

        As :func:`~ilp.network.visit_member` chooses: an item that reaches out
        and is overdue, or due with a visit window open (``VISIT_SERIES``) or
        for a pregnant woman; a pregnant woman is listed even without one.
        """
        js = self._items_of(local)
        p, st = self.person_array[js], self.status_array[js]
        pregnant = self.mask_array & _PREGNANT != 0
        chosen = self.reach[js] & (
            (st == _OVERDUE)
            | ((st == _DUE) & (self.slots.visit_series[self.slot_array[js]] | pregnant[p]))
        )
        # a pregnant woman is listed even with no item calling for a visit
        has = np.zeros(len(self.rows), dtype=bool)
        has[p[chosen]] = True
        expecting = local[pregnant[local]]
        return js[chosen], expecting[~has[expecting]]

    # -- items, made when a list is read -------------------------------------------------------

    def item(self, j: int) -> DueItem:
        """Item *j* (made once)."""
        found = self._made[j]
        if found is None:
            earliest, recommended, overdue, latest = self._dates
            o, lt = overdue[j], latest[j]
            found = self._made[j] = DueItem(
                self.slots.service[self.slot[j]],
                _STATUS_OF[self.status[j]],
                earliest[j],
                recommended[j],
                None if o == NO_DAY else o,
                None if lt == NO_DAY else lt,
                None,
                self.why(j),
            )
        return found

    def why(self, j: int) -> Why:
        """The reason data of item *j*: its slot's for every item of the slot, made once."""
        found = self._whys[j]
        if found is None:
            if self._by_slot is None:
                by = np.argsort(self.slot_array, kind="stable")
                cuts = np.searchsorted(self.slot_array[by], np.arange(len(self.slots.service) + 1))
                self._by_slot = (by, cuts.tolist())
            order, bounds = self._by_slot
            slot = self.slot[j]
            group = order[bounds[slot] : bounds[slot + 1]]
            whys = self._why(slot, self.person_array[group])
            for k, w in zip(group.tolist(), whys, strict=True):
                self._whys[k] = w
            found = self._whys[j]
            assert found is not None
        return found

    def number(self, j: int) -> int:
        """The number of item *j* among the register's distinct items (``item_numbers``).

        Items with the same slot, status, recommended and last day and reason
        data of the same values or objects have the same text.
        """
        found = self.numbers[j]
        if found < 0:
            why = self.why(j)
            _, recommended, _, latest = self._dates
            key = (
                self.slot[j],
                self.status[j],
                recommended[j],
                latest[j],
                *(x if type(x) in _SIMPLE else id(x) for x in why),
            )
            numbers = self.reg.item_numbers
            found = self.numbers[j] = numbers.setdefault(key, len(numbers))
        return found

    # -- the reason of an item, as the per-person engine words it ---------------------------

    def given(self, slot: int) -> Arr:
        """Per local row, the day *slot* was given (NO_DAY when not listed as given)."""
        found = self._dense.get(slot)
        if found is None:
            items = self.result.slots[slot]
            found = np.full(len(self.rows), NO_DAY, dtype=np.int64)
            found[items.rows] = items.given
            self._dense[slot] = found
        return found

    def last_records(self, code: str, rows: Arr) -> list[int | None]:
        """The day of each of *rows*' last record of *code* on or before the day, or None."""
        person, day = self.history.of_code(code)
        key = person.astype(np.int64) << 32 | day
        k = np.searchsorted(key, rows.astype(np.int64) << 32 | self.d, side="right") - 1
        safe = np.maximum(k, 0)
        found = (k >= 0) & (person[safe] == rows) if len(person) else np.zeros(len(rows), bool)
        days = day[safe] if len(day) else np.zeros(len(rows), np.int32)
        return [int(x) if f else None for x, f in zip(days.tolist(), found.tolist(), strict=True)]

    def _why(self, slot: int, rows: Arr) -> list[Why]:
        """The reason data the engine attaches to *slot*'s open items, for each of *rows*.

        Each rule kind's ``why`` (:mod:`ilp.population.batch.kinds`) rebuilds what its
        per-person ``evaluate`` attaches, from this day's facts.
        """
        entry = self.slots.entry[slot]
        return EXPLAINERS[entry.rule.kind](self, entry, self.slots.index[slot], slot, rows)

    def person(self, row: int) -> Person:
        """The person in local *row*."""
        return self.reg.person(int(self.rows[row]))

    def stages_of(self, row: int) -> frozenset[LifeStage]:
        """The stages of the person in local *row* on the day (``stages_of``)."""
        return stage_set(self.masks[row])

    def anchor(self, row: int, what: str) -> int:
        """The day postnatal visits of local *row* count from (birth, or the last delivery)."""
        person = self.person(row)
        if what == "birth":
            return person.birth_date.toordinal()
        return max(
            p.delivery_date.toordinal()
            for p in person.pregnancies
            if p.is_birth and p.delivery_date is not None and p.delivery_date.toordinal() <= self.d
        )


def _lexsort(keys: Sequence[Arr]) -> Arr:
    """``np.lexsort(keys)`` (the last key first), by one sort of the keys packed in an int64."""
    packed = np.zeros(len(keys[0]), dtype=np.int64)
    bits = 0
    for key in keys:
        if not len(key):
            break
        k = key.astype(np.int64)
        low = int(k.min())
        width = (int(k.max()) - low).bit_length()
        if bits + width > 62:
            return np.lexsort(keys)
        packed |= (k - low) << bits
        bits += width
    found: Arr = np.argsort(packed, kind="stable")
    return found


def _per_person(ev: _Day, items: Arr, person: Arr) -> list[Person_]:
    """*items* (increasing, so grouped by person) as (*ev*, local row, its items) per person."""
    if not len(items):
        return []
    p = person[items]
    cuts = (np.flatnonzero(p[1:] != p[:-1]) + 1).tolist()
    js = items.tolist()
    starts = [0, *cuts]
    ends = [*cuts, len(js)]
    return [(ev, k, js[a:b]) for k, a, b in zip(p[starts].tolist(), starts, ends, strict=True)]

"""Work lists held as rows: their values made when first read, their JSON written from the rows.

:func:`~ilp.population.work_lists` chooses each list's people and items
over columns (:mod:`ilp.population._worklist_day`) and keeps, per list, the
evaluation, local row and item indices of each person. The mappings of
:class:`~ilp.population.WorkLists` make a list's ``TargetList`` or
``HomeVisit`` values the first time it is read; :func:`work_list_json`
writes the JSON ``ilp targets``/``ilp home-visits`` print straight from the
rows, with no ``Person``, ``Family``, ``Target`` or ``DueItem`` per row (a
``DueItem`` only for each distinct item, for its reason).
``tests/properties/test_worklist_properties.py`` checks both against the
per-person lists.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

import attrs
import pendulum

from ilp.network import (
    Facility,
    HomeVisit,
    PosyanduStep,
    SupplyLine,
    Target,
    TargetList,
    group_households,
    step_of,
)
from ilp.network._json import (
    Household,
    TargetHead,
    dumps_at,
    item_dict,
    list_json,
    target_text,
    visits_json,
)
from ilp.population._worklist_day import Person_, _Day
from ilp.population._worklist_stages import main_stage_of

__all__ = ["Lazy", "Person_", "TargetRows", "VisitRows", "work_list_json"]

V = TypeVar("V")


def _target(ev: _Day, k: int, js: list[int]) -> Target:
    reg = ev.reg
    r = int(ev.rows[k])
    items = tuple(ev.item(j) for j in js)
    return Target(reg.person(r), reg.family(r), reg.homes[r], main_stage_of(ev.masks[k]), items)


@attrs.frozen
class TargetRows:
    """A target list as rows: its site and days, and its people in register order."""

    site: Facility
    day: pendulum.Date
    until: pendulum.Date
    people: Sequence[Person_]

    def build(self) -> TargetList:
        """The list's value."""
        found = tuple(_target(ev, k, js) for ev, k, js in self.people)
        return TargetList(self.site, self.day, self.until, found)


@attrs.frozen
class VisitRows:
    """A home-visit list as rows: the people to visit, in register order."""

    people: Sequence[Person_]

    def build(self) -> tuple[HomeVisit, ...]:
        """The list's value."""
        return group_households(_target(ev, k, js) for ev, k, js in self.people)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a list's objects are made.

    A list is thousands of new people, items and dates, none in a cycle; each
    700 allocations would otherwise start a collection that walks the young
    objects again and, now and then, every object the process holds (about
    half of the time of reading every list of a kecamatan). Reference counting
    still frees everything; the collector runs as usual after the block.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class Lazy(Mapping[str, V], Generic[V]):
    """A mapping whose values are made the first time each is read (then kept).

    It equals, compares, prints and pickles as the ``dict`` of its values.
    """

    def __init__(
        self, rows: Mapping[str, TargetRows | VisitRows], make: Callable[[Any], V]
    ) -> None:
        self.rows = rows
        self._make = make
        self._made: dict[str, V] = {}

    def __getitem__(self, key: str) -> V:
        found = self._made.get(key)
        if found is None:
            with _collector_paused():
                found = self._made[key] = self._make(self.rows[key])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[type[dict[str, V]], tuple[dict[str, V]]]:
        return dict, (dict(self),)


def _item_texts(ev: _Day, js: list[int], level: int) -> list[str]:
    """Items *js*' JSON at *level*, as their ``DueItem`` gives it; each distinct item once."""
    numbers = ev.numbers
    texts = ev.reg.texts.setdefault(level, {})
    out = []
    for j in js:
        n = numbers[j]
        if n < 0:
            n = ev.number(j)
        found = texts.get(n)
        if found is None:
            found = texts[n] = dumps_at(item_dict(ev.item(j)), level)
        out.append(found)
    return out


def _head(ev: _Day, k: int) -> TargetHead:
    ids, names, family, kk_numbers, addresses, homes = ev.reg.heads()
    r = ev.row_list[k]
    f = family[r]
    stage = main_stage_of(ev.masks[k])
    return (
        ids[r],
        names[r],
        kk_numbers[f],
        addresses[f],
        homes[r],
        None if stage is None else stage.value,
    )


def _targets(people: Sequence[Person_], level: int) -> list[str]:
    return [
        target_text(_head(ev, k), _item_texts(ev, js, level + 2), level) for ev, k, js in people
    ]


def _list_head(rows: TargetRows) -> dict[str, Any]:
    """``TargetList.as_dict()`` without its targets, from the slots of its items."""
    count: Counter[tuple[_Day, int]] = Counter()
    first: dict[tuple[_Day, int], int] = {}
    for ev, _, js in rows.people:
        for j in js:
            key = (ev, ev.slot[j])
            count[key] += 1
            first.setdefault(key, j)
    codes: Counter[str] = Counter()
    need: Counter[tuple[str, str]] = Counter()
    steps: Counter[PosyanduStep] = Counter()
    for (ev, slot), n in count.items():
        service = ev.slots.service[slot]
        codes[service.code] += n
        if service.supply is not None:
            need[(service.supply.item, service.supply.unit)] += service.supply.quantity * n
        steps[step_of(ev.item(first[(ev, slot)]))] += n  # every item of a slot: one step
    return {
        "site": rows.site.id,
        "name": rows.site.name,
        "day": rows.day.isoformat(),
        "until": rows.until.isoformat(),
        "people": len(rows.people),
        "counts": dict(sorted(codes.items())),
        "supplies": [
            attrs.asdict(SupplyLine(item, unit, q)) for (item, unit), q in sorted(need.items())
        ],
        "steps": {s.name.lower(): steps[s] for s in PosyanduStep},
    }


def _households(people: Sequence[Person_]) -> list[Household]:
    """``group_households`` over the rows: by family card, nearest first by area then address."""
    members: dict[str, list[str]] = {}
    homes: dict[str, tuple[str | None, str | None]] = {}
    for ev, k, js in people:
        head = _head(ev, k)
        kk = head[2]
        assert kk is not None
        members.setdefault(kk, []).append(target_text(head, _item_texts(ev, js, 5), 3))
        homes[kk] = (head[3], head[4])
    order = sorted(members, key=lambda kk: (homes[kk][1] or "", homes[kk][0] or "", kk))
    return [(kk, homes[kk][0], homes[kk][1], members[kk]) for kk in order]


def work_list_json(lists: Mapping[str, Any], key: str) -> str:
    """The JSON ``ilp targets``/``ilp home-visits`` print for list *key* of *lists*.

    *lists* is a mapping of :class:`~ilp.population.WorkLists`; the text equals
    ``json.dumps(value.as_dict(), ensure_ascii=False, indent=2)`` of a target
    list (of ``[v.as_dict() for v in value]`` for home visits).
    """
    if not isinstance(lists, Lazy):
        from ilp.network._json import home_visits_json, target_list_json  # noqa: PLC0415

        value = lists[key]
        return target_list_json(value) if isinstance(value, TargetList) else home_visits_json(value)
    rows = lists.rows[key]
    if isinstance(rows, TargetRows):
        return list_json(_list_head(rows), _targets(rows.people, 2))
    return visits_json(_households(rows.people))

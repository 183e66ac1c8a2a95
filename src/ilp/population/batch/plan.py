"""The plan of a catalogue for ``due_batch``: its slots, and the longest duration it uses."""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any, Final

import attrs

from ilp.dates import Duration
from ilp.lifecycle import Catalogue, Limit
from ilp.population.batch.arena import Pool

__all__ = ["Plan", "plan_of"]


@attrs.frozen
class Plan:
    """The slots of a catalogue (one per service position of each entry) and its span."""

    codes: tuple[str, ...]
    doses: tuple[int | None, ...]
    entries: tuple[str, ...]
    base: dict[int, int]  # id(entry) -> its first slot
    span: int  # an upper bound, in days, of any duration in the catalogue
    #: Memory for item columns, kept from one call to the next (``arena.py``).
    pool: Pool = attrs.field(factory=Pool, eq=False, repr=False)


_PLANS: Final[weakref.WeakKeyDictionary[Catalogue, Plan]] = weakref.WeakKeyDictionary()


def _durations(value: Any) -> Iterable[Duration]:
    if isinstance(value, Duration):
        yield value
    elif isinstance(value, Limit):
        yield value.duration
    elif isinstance(value, tuple):
        for v in value:
            yield from _durations(v)
    elif attrs.has(type(value)):
        for f in attrs.fields(type(value)):
            yield from _durations(getattr(value, f.name))


def plan_of(catalogue: Catalogue) -> Plan:
    """The plan of *catalogue* (kept while the catalogue lives)."""
    plan = _PLANS.get(catalogue)
    if plan is None:
        codes: list[str] = []
        doses: list[int | None] = []
        keys: list[str] = []
        base: dict[int, int] = {}
        span = 366
        for entry in catalogue.entries:
            base[id(entry)] = len(codes)
            for svc in entry.services:
                codes.append(svc.code)
                doses.append(svc.dose)
                keys.append(entry.key)
            for dur in _durations((entry.rule, entry.eligibility)):
                span = max(span, dur.months * 31 + dur.days + 1)
        plan = Plan(tuple(codes), tuple(doses), tuple(keys), base, span)
        _PLANS[catalogue] = plan
    return plan

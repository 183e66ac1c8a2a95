"""The columnar rule kinds, found by :class:`~ilp.lifecycle.RuleKind`: evaluators and walkers.

Each kind's module here (``once.py``, ...) is the columnar twin of the module
of the same name in :mod:`ilp.lifecycle.rules`: ``evaluate`` (over a
cohort's rows), ``walk`` (its synthetic history) and ``why`` (the reason data
of an item, rebuilt for work lists). The per-person side
dispatches by method on the rule class; NumPy code cannot live on the
domain classes, so this layer dispatches through the tables below, each
built by a ``match`` over every kind ending in ``assert_never``: ``mypy
--strict`` fails when a kind is missing, and
``tests/lifecycle/test_rule_kinds.py`` checks the tables hold every kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Protocol, assert_never

import numpy as np

from ilp.lifecycle import Entry, Region, RuleKind
from ilp.lifecycle.rules.person import Why
from ilp.people import Person
from ilp.population._calendar import Arr
from ilp.population.batch import (
    birthday,
    calendar,
    followup,
    once,
    postnatal,
    pregnancy,
    recurring,
    school,
    series,
)
from ilp.population.batch.cohort import Cohort

if TYPE_CHECKING:
    from ilp.population.batch.histories import Histories
    from ilp.population.batch.run import Run

__all__ = [
    "EVALUATORS",
    "EXPLAINERS",
    "WALKERS",
    "Evaluator",
    "Explainer",
    "Facts",
    "Walker",
    "evaluator",
    "explainer",
    "walker",
]

#: A columnar evaluator: ``(run, entry, cohort, first slot)``, emitting into the run.
Evaluator = Callable[["Run", Entry, Cohort, int], None]
#: A synthetic-history walker: ``(histories, random generator, entry)``.
Walker = Callable[["Histories", np.random.Generator, Entry], None]


class Facts(Protocol):
    """What a kind's ``why`` reads of one day's work-list evaluation."""

    region: Region
    d: int

    def given(self, slot: int) -> Arr:
        """Per row, the day *slot* was given (NO_DAY when not listed as given)."""

    def last_records(self, code: str, rows: Arr) -> list[int | None]:
        """The day of each of *rows*' last record of *code* up to the day, or None."""

    def person(self, row: int) -> Person:
        """The person in *row*."""

    def anchor(self, row: int, what: str) -> int:
        """The day postnatal visits of *row* count from."""


#: A reason rebuilder: ``(facts, entry, index in the entry, slot, rows)`` -> each row's ``why``.
Explainer = Callable[[Facts, Entry, int, int, Arr], list[Why]]


def evaluator(kind: RuleKind) -> Evaluator:
    """The columnar evaluator of *kind* (exhaustive: mypy fails when a kind is missing)."""
    match kind:
        case RuleKind.ONCE:
            return once.evaluate
        case RuleKind.SERIES:
            return series.evaluate
        case RuleKind.RECURRING:
            return recurring.evaluate
        case RuleKind.CALENDAR:
            return calendar.evaluate
        case RuleKind.FOLLOWUP:
            return followup.evaluate
        case RuleKind.PREGNANCY:
            return pregnancy.evaluate
        case RuleKind.POSTNATAL:
            return postnatal.evaluate
        case RuleKind.SCHOOL:
            return school.evaluate
        case RuleKind.BIRTHDAY:
            return birthday.evaluate
        case _:
            assert_never(kind)


def walker(kind: RuleKind) -> Walker:
    """The synthetic-history walker of *kind* (exhaustive, as :func:`evaluator`)."""
    match kind:
        case RuleKind.ONCE:
            return once.walk
        case RuleKind.SERIES:
            return series.walk
        case RuleKind.RECURRING:
            return recurring.walk
        case RuleKind.CALENDAR:
            return calendar.walk
        case RuleKind.FOLLOWUP:
            return followup.walk
        case RuleKind.PREGNANCY:
            return pregnancy.walk
        case RuleKind.POSTNATAL:
            return postnatal.walk
        case RuleKind.SCHOOL:
            return school.walk
        case RuleKind.BIRTHDAY:
            return birthday.walk
        case _:
            assert_never(kind)


def explainer(kind: RuleKind) -> Explainer:
    """What items of *kind* carry as their reason, rebuilt for work lists (exhaustive)."""
    match kind:
        case RuleKind.ONCE:
            return once.why
        case RuleKind.SERIES:
            return series.why
        case RuleKind.RECURRING:
            return recurring.why
        case RuleKind.CALENDAR:
            return calendar.why
        case RuleKind.FOLLOWUP:
            return followup.why
        case RuleKind.PREGNANCY:
            return pregnancy.why
        case RuleKind.POSTNATAL:
            return postnatal.why
        case RuleKind.SCHOOL:
            return school.why
        case RuleKind.BIRTHDAY:
            return birthday.why
        case _:
            assert_never(kind)


#: Every kind's columnar evaluator.
EVALUATORS: Final[Mapping[RuleKind, Evaluator]] = MappingProxyType(
    {kind: evaluator(kind) for kind in RuleKind}
)
#: Every kind's synthetic-history walker.
WALKERS: Final[Mapping[RuleKind, Walker]] = MappingProxyType(
    {kind: walker(kind) for kind in RuleKind}
)
#: Every kind's reason rebuilder for work lists.
EXPLAINERS: Final[Mapping[RuleKind, Explainer]] = MappingProxyType(
    {kind: explainer(kind) for kind in RuleKind}
)

"""What every columnar rule kind provides: the shape of its three functions, as one value.

Each kind's module (``once.py``, ...) ends with ``KIND = ColumnarKind(evaluate,
walk, why)``; :func:`ilp.population.batch.kinds.columnar` finds it by
:class:`~ilp.lifecycle.RuleKind`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple, Protocol

import numpy as np

from ilp.lifecycle import Entry, Region
from ilp.lifecycle.rules.person import Why
from ilp.people import Person
from ilp.population._calendar import Arr
from ilp.population.batch.cohort import Cohort

if TYPE_CHECKING:
    from ilp.population.batch.histories import Histories
    from ilp.population.batch.run import Run

__all__ = ["ColumnarKind", "Evaluator", "Explainer", "Facts", "Walker"]

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


class ColumnarKind(NamedTuple):
    """A rule kind over columns: its evaluator, its history walker and its reason rebuilder."""

    #: The columnar twin of the rule's per-person ``evaluate``.
    evaluate: Evaluator
    #: Draws the kind's synthetic history.
    walk: Walker
    #: Rebuilds the reason data of open items, for work lists.
    why: Explainer

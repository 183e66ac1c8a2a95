"""The columnar rule kinds, found by :class:`~ilp.lifecycle.RuleKind`.

Each kind's module here (``once.py``, ...) is the columnar twin of the module
of the same name in :mod:`ilp.lifecycle.rules`: ``evaluate`` (over a
cohort's rows), ``walk`` (its synthetic history) and ``why`` (the reason data
of an item, rebuilt for work lists), gathered as its ``KIND``
(:class:`~ilp.population.batch.base.ColumnarKind`). The per-person side
dispatches by method on the rule class; NumPy code cannot live on the domain
classes, so this layer dispatches through :func:`columnar`, a ``match`` over
every kind ending in ``assert_never``: ``mypy --strict`` fails when a kind is
missing, and ``tests/lifecycle/test_rule_kinds.py`` checks the tables hold
every kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, assert_never

from ilp.lifecycle import RuleKind
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
from ilp.population.batch.base import ColumnarKind, Evaluator, Explainer, Walker

__all__ = ["EVALUATORS", "EXPLAINERS", "KINDS", "WALKERS", "columnar"]


def columnar(kind: RuleKind) -> ColumnarKind:
    """The columnar functions of *kind* (exhaustive: mypy fails when a kind is missing)."""
    match kind:
        case RuleKind.ONCE:
            return once.KIND
        case RuleKind.SERIES:
            return series.KIND
        case RuleKind.RECURRING:
            return recurring.KIND
        case RuleKind.CALENDAR:
            return calendar.KIND
        case RuleKind.FOLLOWUP:
            return followup.KIND
        case RuleKind.PREGNANCY:
            return pregnancy.KIND
        case RuleKind.POSTNATAL:
            return postnatal.KIND
        case RuleKind.SCHOOL:
            return school.KIND
        case RuleKind.BIRTHDAY:
            return birthday.KIND
        case _:
            assert_never(kind)


#: Every kind's columnar functions.
KINDS: Final[Mapping[RuleKind, ColumnarKind]] = MappingProxyType(
    {kind: columnar(kind) for kind in RuleKind}
)
#: Every kind's columnar evaluator.
EVALUATORS: Final[Mapping[RuleKind, Evaluator]] = MappingProxyType(
    {kind: k.evaluate for kind, k in KINDS.items()}
)
#: Every kind's synthetic-history walker.
WALKERS: Final[Mapping[RuleKind, Walker]] = MappingProxyType(
    {kind: k.walk for kind, k in KINDS.items()}
)
#: Every kind's reason rebuilder for work lists.
EXPLAINERS: Final[Mapping[RuleKind, Explainer]] = MappingProxyType(
    {kind: k.why for kind, k in KINDS.items()}
)

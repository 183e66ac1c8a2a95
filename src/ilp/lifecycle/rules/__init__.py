"""The rule kinds: one module per :class:`~ilp.lifecycle.RuleKind`, found by its name.

Why this shape: a rule kind is the unit of change of the catalogue's
vocabulary, so everything about one kind sits in one module named after it
(``once.py``, ``series.py``, ...): its frozen rule class with its YAML keys,
``parse`` and ``dump``, the per-person ``evaluate`` and the ``reason``
text. Its columnar twin, the evaluator over NumPy columns with the
synthetic-history walker, is the module of the same name in
:mod:`ilp.population.batch` (the domain layer does not import NumPy).

Where a table must dispatch on the kind, it is built from a ``match`` over
:class:`~ilp.lifecycle.RuleKind` ending in ``assert_never``
(:func:`rule_class` here, :func:`ilp.population.batch.kinds.columnar`
there), so ``mypy --strict``
fails when a kind is left out; the rule classes share the abstract
:class:`~ilp.lifecycle.rules.base.RuleBase`, so a kind without ``parse``,
``dump`` or ``evaluate`` cannot be built. ``tests/lifecycle/test_rule_kinds.py``
checks every kind against every table and against ``CONTRIBUTING.md``.

Semantics the kinds share with each other and with the columnar evaluator
(statuses, ordering, the horizon, stages, eligibility bounds, month spans,
the school year) live in :mod:`ilp.lifecycle.semantics`; the per-person
toolkit (context, status, windows) in :mod:`ilp.lifecycle.rules.person`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, assert_never

from ilp.lifecycle._model import RuleKind
from ilp.lifecycle.rules.birthday import BirthdayRule
from ilp.lifecycle.rules.calendar import CalendarRule
from ilp.lifecycle.rules.followup import FollowupRule
from ilp.lifecycle.rules.once import OnceRule
from ilp.lifecycle.rules.postnatal import Anchor, PostnatalRule, Visit
from ilp.lifecycle.rules.pregnancy import Contact, PregnancyRule
from ilp.lifecycle.rules.recurring import RecurringRule
from ilp.lifecycle.rules.school import SchoolRule
from ilp.lifecycle.rules.series import Dose, SeriesRule

__all__ = [
    "RULE_CLASSES",
    "Anchor",
    "BirthdayRule",
    "CalendarRule",
    "Contact",
    "Dose",
    "FollowupRule",
    "OnceRule",
    "PostnatalRule",
    "PregnancyRule",
    "RecurringRule",
    "Rule",
    "SchoolRule",
    "SeriesRule",
    "Visit",
    "rule_class",
]

#: A rule of any kind.
Rule = (
    OnceRule
    | SeriesRule
    | RecurringRule
    | CalendarRule
    | FollowupRule
    | PregnancyRule
    | PostnatalRule
    | SchoolRule
    | BirthdayRule
)


def rule_class(kind: RuleKind) -> type[Rule]:
    """The rule class of *kind* (exhaustive: mypy fails when a kind is missing)."""
    match kind:
        case RuleKind.ONCE:
            return OnceRule
        case RuleKind.SERIES:
            return SeriesRule
        case RuleKind.RECURRING:
            return RecurringRule
        case RuleKind.CALENDAR:
            return CalendarRule
        case RuleKind.FOLLOWUP:
            return FollowupRule
        case RuleKind.PREGNANCY:
            return PregnancyRule
        case RuleKind.POSTNATAL:
            return PostnatalRule
        case RuleKind.SCHOOL:
            return SchoolRule
        case RuleKind.BIRTHDAY:
            return BirthdayRule
        case _:
            assert_never(kind)


#: Every kind's rule class.
RULE_CLASSES: Final[Mapping[RuleKind, type[Rule]]] = MappingProxyType(
    {kind: rule_class(kind) for kind in RuleKind}
)

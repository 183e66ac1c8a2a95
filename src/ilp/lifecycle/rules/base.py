"""What every rule kind provides: the base class and the shape of a parsed rule.

A rule kind is one module of this package (``once.py``, ``series.py``, ...)
holding its frozen rule class, derived from :class:`RuleBase`: its YAML keys,
``parse``, ``dump``, the per-person ``evaluate`` and the reason text. The
abstract methods make a kind that leaves one out impossible to instantiate
(mypy reports it), and :func:`ilp.lifecycle.rules.rule_class` matches every
:class:`~ilp.lifecycle.RuleKind` exhaustively.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NamedTuple, TypeVar

from ilp._reader import Reader
from ilp._vocabulary import Label
from ilp._yaml import Map

if TYPE_CHECKING:
    from ilp.lifecycle._item import DueItem
    from ilp.lifecycle._model import Entry, RuleKind
    from ilp.lifecycle.rules.person import Ctx

__all__ = ["Codes", "Parsed", "RuleBase", "single_code"]

R = TypeVar("R")

#: The services a rule defines, in order: each code with its own label (None: the entry's).
Codes = list[tuple[str, Label | None]]


class Parsed(NamedTuple, Generic[R]):
    """What parsing a rule mapping gives: the rule (None when invalid) and its services."""

    rule: R | None
    codes: Codes


def single_code(entry: Map) -> Codes:
    """The one service of an entry keyed by ``code`` (empty for a ``series`` entry)."""
    code = entry.get("code")
    return [(code, None)] if isinstance(code, str) else []


class RuleBase(abc.ABC):
    """The interface of a rule kind's class (each is a frozen attrs class)."""

    __slots__ = ()

    #: The rule kind (``kind:`` in YAML).
    kind: ClassVar[RuleKind]
    #: The keys its YAML mapping must have besides ``kind``.
    REQUIRED: ClassVar[tuple[str, ...]] = ()
    #: The keys its YAML mapping may have.
    OPTIONAL: ClassVar[tuple[str, ...]] = ()
    #: True when it defines one service per dose, contact or visit (an entry with ``series``).
    SEVERAL_CODES: ClassVar[bool] = False
    #: True when one entry may give the same code twice (a dose repeated).
    REPEATS_CODES: ClassVar[bool] = False

    @classmethod
    @abc.abstractmethod
    def parse(cls, r: Reader, rm: Map, where: str, entry: Map) -> Parsed[Any]:
        """Read the rule mapping *rm* (at *where*) of the entry mapping *entry*.

        Build the rule by its class name, not ``cls``: mypy then refuses a
        kind that leaves an abstract method out ("cannot instantiate").
        """

    @abc.abstractmethod
    def dump(self, entry: Entry) -> dict[str, Any]:
        """The rule's YAML mapping (without ``kind``), as ``parse`` reads it back."""

    @abc.abstractmethod
    def evaluate(self, entry: Entry, ctx: Ctx, out: list[DueItem]) -> None:
        """Append the person's items of *entry* on the date to *out* (per person).

        At most one item per service, in the order of ``entry.services``: ``due()``
        relies on it to leave out a sort (:class:`ilp.lifecycle._plan.Plan`).
        """

    def references(self) -> tuple[str, ...]:
        """Codes of other entries the rule depends on (checked to exist)."""
        return ()

    def floor_days(self) -> int:
        """An age in days below which ``evaluate`` appends nothing, on any date, for a person
        with no school record and no records of the entry's codes (0 when there is none).

        ``due()`` skips the entry for such a person (:mod:`ilp.lifecycle._plan`); a kind
        whose eligibility alone bounds its ages keeps the default.
        """
        return 0

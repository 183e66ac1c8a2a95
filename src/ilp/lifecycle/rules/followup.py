"""Rule kind ``followup``: once per period of months, for people with a condition.

Model, YAML keys, parse and dump, the periods, the per-person evaluator and
its reason text. The columnar twin (and synthetic-history walker) is
:mod:`ilp.population.batch.followup`.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

import attrs

from ilp._reader import Reader
from ilp._yaml import Map
from ilp.dates import Duration, add_months_day
from ilp.lifecycle._model import RuleKind
from ilp.lifecycle.rules import fields
from ilp.lifecycle.rules.base import Parsed, RuleBase, single_code
from ilp.lifecycle.rules.person import (
    Ctx,
    DueItem,
    Spans,
    near,
    occurrences,
    scope,
    year_windows,
)
from ilp.lifecycle.rules.words import words
from ilp.lifecycle.semantics import month_span
from ilp.people import Condition

if TYPE_CHECKING:
    from ilp.lifecycle._model import Entry

__all__ = ["FollowupRule", "reason"]


@attrs.frozen
class FollowupRule(RuleBase):
    """Once per period of *every* months (periods start in January), for a condition."""

    every: int
    #: The periods of each year asked about (:func:`~ilp.lifecycle.rules.person.year_windows`).
    _years: dict[int, Spans] = attrs.field(factory=dict, init=False, eq=False, repr=False)

    kind = RuleKind.FOLLOWUP
    REQUIRED = ("every",)

    def windows(self, day: int) -> list[tuple[int, int]]:
        """The periods of the year before, the year of and the year after *day*."""
        return list(year_windows(self._years, _dt.date.fromordinal(day).year, self._spans)[0])

    def _spans(self, year: int) -> list[tuple[int, int]]:
        out = []
        for y in (year - 1, year, year + 1):
            for m in range(1, 13, self.every):
                first = month_span(y, m)[0]
                out.append((first, add_months_day(first, self.every) - 1))
        return out

    @classmethod
    def parse(cls, r: Reader, rm: Map, where: str, entry: Map) -> Parsed[FollowupRule]:
        """Read ``every`` (1m, 2m, 3m, 4m, 6m or 12m); needs ``eligibility.conditions``."""
        codes = single_code(entry)
        every = r.get(rm, "every", where, fields.duration, "a duration")
        if every is not None and (every.days or every.months not in (1, 2, 3, 4, 6, 12)):
            r.problem(
                f"{where}.every", rm.lines.get("every"), f"{every} is not 1m, 2m, 3m, 4m, 6m or 12m"
            )
            return Parsed(None, codes)
        eligibility = entry.get("eligibility")  # not a mapping: the entry reader reports it
        conditions = eligibility.get("conditions") if isinstance(eligibility, dict) else None
        if every is not None and not conditions:
            r.problem(f"{where}", rm.line, "a followup rule needs eligibility.conditions")
        return Parsed(FollowupRule(every.months) if every is not None else None, codes)

    def dump(self, entry: Entry) -> dict[str, Any]:
        """The rule mapping."""
        return {"every": f"{self.every}m"}

    def evaluate(self, entry: Entry, ctx: Ctx, out: list[DueItem]) -> None:
        """The occurrence of a period: due in it until a record, else upcoming or missed."""
        svc = entry.services[0]
        start, end = scope(entry, ctx)
        why = (reason, self.every, entry.eligibility.conditions)
        spans = year_windows(self._years, ctx.year, self._spans)
        occurrences(svc, near(spans, ctx, start, end), ctx, start, end, why, out)


def reason(name: str, lang: str, every: int, conditions: frozenset[Condition]) -> str:
    """``follow-up every 1 month for hypertension``."""
    conds = ", ".join(sorted(c.value.replace("_", " ") for c in conditions))
    period = words(Duration(months=every), lang)
    return (
        f"{name}: follow-up every {period} for {conds}"
        if lang == "en"
        else f"{name}: kontrol setiap {period} ({conds})"
    )

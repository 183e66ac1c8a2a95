"""Rule kind ``calendar``: due in listed months of each year (vitamin A in February and August).

Model, YAML keys, parse and dump, the windows, the per-person evaluator and
its reason text. The columnar twin (and synthetic-history walker) is
:mod:`ilp.population.batch.calendar`.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_left
from typing import TYPE_CHECKING, Any, Final

import attrs

from ilp._reader import Reader
from ilp._reader import whole as _int
from ilp._yaml import Map
from ilp.lifecycle._item import new_item
from ilp.lifecycle._model import RuleKind
from ilp.lifecycle.rules import fields
from ilp.lifecycle.rules.base import Parsed, RuleBase, single_code
from ilp.lifecycle.rules.person import (
    Ctx,
    DueItem,
    Spans,
    Why,
    occurrence,
    occurrences,
    scope,
    year_windows,
)
from ilp.lifecycle.rules.words import month_names
from ilp.lifecycle.semantics import Status, month_span

if TYPE_CHECKING:
    from ilp.lifecycle._model import Entry

__all__ = ["CalendarRule", "reason"]


# Status members as module constants: Status.X reads the enum class (~55 ns),
# a global ~10 ns; due() reads them once or twice per item (issue 11)
_COMPLETED: Final = Status.COMPLETED


@attrs.frozen
class CalendarRule(RuleBase):
    """Due in listed months of each year; *limit* records complete it for good."""

    months: tuple[int, ...]
    limit: int | None = None
    #: The windows of each year asked about (:func:`~ilp.lifecycle.rules.person.year_windows`).
    _years: dict[int, Spans] = attrs.field(factory=dict, init=False, eq=False, repr=False)
    #: The reason data of its items (the same for every person).
    _why: Why = attrs.field(init=False, eq=False, repr=False, hash=False)

    kind = RuleKind.CALENDAR
    REQUIRED = ("months",)
    OPTIONAL = ("limit",)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_why", (reason, self.months))

    def windows(self, day: int) -> list[tuple[int, int]]:
        """The listed months of the year before, the year of and the year after *day*."""
        return list(year_windows(self._years, _dt.date.fromordinal(day).year, self._spans)[0])

    def _spans(self, year: int) -> list[tuple[int, int]]:
        return [month_span(y, m) for y in (year - 1, year, year + 1) for m in self.months]

    @classmethod
    def parse(cls, r: Reader, rm: Map, where: str, entry: Map) -> Parsed[CalendarRule]:
        """Read ``months`` (1-12, kept sorted and distinct) and ``limit`` (>= 1)."""
        codes = single_code(entry)
        months = r.get(rm, "months", where, fields.list_of(fields.month), "a list of months 1–12")
        limit = r.get(rm, "limit", where, _int, "a whole number")
        if limit is not None and limit < 1:
            r.problem(f"{where}.limit", rm.lines.get("limit"), f"{limit} is not a limit >= 1")
        if not months:
            return Parsed(None, codes)
        return Parsed(CalendarRule(tuple(sorted(set(months))), limit), codes)

    def dump(self, entry: Entry) -> dict[str, Any]:
        """The rule mapping."""
        out: dict[str, Any] = {"months": list(self.months)}
        fields.put(out, "limit", self.limit)
        return out

    def evaluate(self, entry: Entry, ctx: Ctx, out: list[DueItem]) -> None:
        """Completed for good after *limit* records; else the occurrence of a listed month."""
        svc = entry.services[0]
        start, end = scope(entry, ctx)
        why = self._why
        if self.limit is not None:
            records = [r for r in ctx.recs.get(svc.code, ()) if r >= start]
            if len(records) >= self.limit:
                last = records[self.limit - 1]
                out.append(new_item((svc, _COMPLETED, last, last, None, None, last, why)))
                return
        windows, lasts = self._years.get(ctx.year) or year_windows(
            self._years, ctx.year, self._spans
        )
        d = ctx.d
        if lasts is not None and (end is None or end >= d):  # near(), inlined
            k = bisect_left(lasts, d if d > start else start)
            if (
                0 < k < len(lasts) - 1
                and start <= windows[k - 1][0]
                and (end is None or end >= lasts[k + 1])
            ):
                # the scope clips none of the three: window k - 1 ended before the date
                # (start is before it), k ends on or after it, k + 1 starts after it
                # (listed months do not overlap), as occurrences() would find
                cur = windows[k]
                if cur[0] > d:
                    occurrence(svc, ctx, windows[k - 1], None, cur, why, out)
                else:
                    occurrence(svc, ctx, windows[k - 1], cur, windows[k + 1], why, out)
                return
            windows = windows[k - 1 if k else 0 : k + 2]
        occurrences(svc, windows, ctx, start, end, why, out)


def reason(name: str, lang: str, months: tuple[int, ...]) -> str:
    """``given in February and August``."""
    listed = month_names(months, lang)
    return f"{name}: given in {listed}" if lang == "en" else f"{name}: diberikan pada {listed}"

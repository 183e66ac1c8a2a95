"""Rule kind ``recurring``: due again an interval after the last record (growth, TTD).

Model, YAML keys, parse and dump, the per-person evaluator and its reason
text. The columnar twin (and synthetic-history walker) is
:mod:`ilp.population.batch.recurring`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from ilp._reader import Reader
from ilp._yaml import Map
from ilp.dates import Duration, add_months_day, from_day
from ilp.lifecycle._item import new_item
from ilp.lifecycle._model import RuleKind
from ilp.lifecycle.rules import fields
from ilp.lifecycle.rules.base import Parsed, RuleBase, single_code
from ilp.lifecycle.rules.person import (
    Ctx,
    DueItem,
    current_pregnancy,
    scope,
    status,
    visible,
)
from ilp.lifecycle.rules.words import words
from ilp.lifecycle.semantics import Status

if TYPE_CHECKING:
    from ilp.lifecycle._model import Entry

__all__ = ["RecurringRule", "reason"]


# Status members as module constants: Status.X reads the enum class (~55 ns),
# a global ~10 ns; due() reads them once or twice per item (issue 11)
_UPCOMING: Final = Status.UPCOMING
_COMPLETED: Final = Status.COMPLETED


@attrs.frozen
class RecurringRule(RuleBase):
    """Due again *interval* after the last record, overdue *grace* later."""

    interval: Duration
    grace: Duration = Duration(months=1)
    since_pregnancy: bool = False

    kind = RuleKind.RECURRING
    REQUIRED = ("interval",)
    OPTIONAL = ("grace", "since")

    @classmethod
    def parse(cls, r: Reader, rm: Map, where: str, entry: Map) -> Parsed[RecurringRule]:
        """Read ``interval`` (longer than 0d), ``grace`` (1m) and ``since: pregnancy``."""
        codes = single_code(entry)
        interval = r.get(rm, "interval", where, fields.duration, "a duration")
        grace = r.get(rm, "grace", where, fields.duration, "a duration") or Duration(months=1)
        since = r.get(rm, "since", where, fields.one_of(frozenset({"pregnancy"})), "'pregnancy'")
        if interval is not None and interval == Duration():
            r.problem(
                f"{where}.interval", rm.lines.get("interval"), "interval must be longer than 0d"
            )
            interval = None
        if interval is None:
            return Parsed(None, codes)
        return Parsed(RecurringRule(interval, grace, since == "pregnancy"), codes)

    def dump(self, entry: Entry) -> dict[str, Any]:
        """The rule mapping."""
        out: dict[str, Any] = {"interval": str(self.interval), "grace": str(self.grace)}
        if self.since_pregnancy:
            out["since"] = "pregnancy"
        return out

    def evaluate(self, entry: Entry, ctx: Ctx, out: list[DueItem]) -> None:
        """Due from the scope's start, then *interval* after each record; overdue *grace* on."""
        svc = entry.services[0]
        start, end = scope(entry, ctx)
        records = ctx.recs.get(svc.code, ())
        if self.since_pregnancy:
            p = current_pregnancy(ctx.person, ctx.d)
            if p is None:
                return
            lmp = p.lmp.toordinal()
            start = max(start, lmp)
            records = [r for r in records if r >= lmp]
        last = records[-1] if records else None
        # a record from before the age band opened does not bring the next one forward
        # (interval.after(last) and grace.after(e) inlined: every recurring item asks both)
        if last is None:
            e = start
        else:
            iv = self.interval
            e = (add_months_day(last, iv.months) if iv.months else last) + iv.days
            e = start if e < start else e  # (max() is a slower call)
        g = self.grace
        o = (add_months_day(e, g.months) if g.months else e) + g.days
        why = (reason, self.interval, last)
        if last is not None and (e > ctx.d or (end is not None and e > end)):
            if e - ctx.d <= ctx.horizon and (end is None or e <= end):
                out.append(new_item((svc, _UPCOMING, e, e, o, end, None, why)))
            else:
                out.append(new_item((svc, _COMPLETED, e, e, o, end, last, why)))
            return
        st = status(ctx.d, e, o, end)
        if visible(st, e, ctx):
            out.append(new_item((svc, st, e, e, o, end, None, why)))


def reason(name: str, lang: str, interval: Duration, last: int | None) -> str:
    """``every 1 month; last given 2025-10-01`` (or none recorded)."""
    en = lang == "en"
    every = words(interval, lang)
    if last is None:
        return (
            f"{name}: every {every}; none recorded"
            if en
            else f"{name}: setiap {every}; belum pernah tercatat"
        )
    ld = from_day(last).isoformat()
    return (
        f"{name}: every {every}; last given {ld}"
        if en
        else f"{name}: setiap {every}; terakhir {ld}"
    )

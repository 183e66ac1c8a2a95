"""Rule kind ``once``: a once-only window by age (BCG, HB0, vitamin K).

Model, YAML keys, parse and dump, the per-person evaluator and its reason
text. The columnar twin (and synthetic-history walker) is
:mod:`ilp.population.batch.once`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from ilp._reader import Reader
from ilp._yaml import Map
from ilp.dates import Duration
from ilp.lifecycle._item import new_item
from ilp.lifecycle._model import Limit, RuleKind
from ilp.lifecycle.rules import fields
from ilp.lifecycle.rules.base import Parsed, RuleBase, single_code
from ilp.lifecycle.rules.person import (
    Ctx,
    DueItem,
    birth_after,
    birth_limit,
    scope,
    status,
    visible,
)
from ilp.lifecycle.rules.words import words
from ilp.lifecycle.semantics import Status

if TYPE_CHECKING:
    from ilp.lifecycle._model import Entry

__all__ = ["OnceRule", "reason"]


# Status members as module constants: Status.X reads the enum class (~55 ns),
# a global ~10 ns; due() reads them once or twice per item (issue 11)
_COMPLETED: Final = Status.COMPLETED


@attrs.frozen
class OnceRule(RuleBase):
    """A once-only window by age."""

    earliest: Duration
    recommended: Duration | None = None
    overdue: Duration | None = None
    latest: Limit | None = None

    kind = RuleKind.ONCE
    OPTIONAL = ("earliest", "recommended", "overdue", "latest", "latest_before")

    @classmethod
    def parse(cls, r: Reader, rm: Map, where: str, entry: Map) -> Parsed[OnceRule]:
        """Read ``earliest``, ``recommended``, ``overdue`` and ``latest``/``latest_before``."""
        earliest = r.get(rm, "earliest", where, fields.duration, "a duration") or Duration()
        rec = r.get(rm, "recommended", where, fields.duration, "a duration")
        over = r.get(rm, "overdue", where, fields.duration, "a duration")
        latest = fields.limit(r, rm, where, "latest")
        fields.check_window(r, where, rm.line, earliest, latest)
        return Parsed(OnceRule(earliest, rec, over, latest), single_code(entry))

    def dump(self, entry: Entry) -> dict[str, Any]:
        """The rule mapping."""
        out: dict[str, Any] = {"earliest": str(self.earliest)}
        fields.put_duration(out, "recommended", self.recommended)
        fields.put_duration(out, "overdue", self.overdue)
        fields.put_limit(out, "latest", self.latest)
        return out

    def evaluate(self, entry: Entry, ctx: Ctx, out: list[DueItem]) -> None:
        """Completed once given; else the window from ``earliest`` (or the scope) to ``latest``."""
        svc = entry.services[0]
        given = ctx.recs.get(svc.code)
        e = max(birth_after(ctx, self.earliest), scope(entry, ctx)[0])
        rec_age = ctx.region.ages.get(svc.code, self.recommended)
        r = max(birth_after(ctx, rec_age), e) if rec_age is not None else e
        o = max(birth_after(ctx, self.overdue), e) if self.overdue is not None else None
        latest = birth_limit(ctx, self.latest) if self.latest is not None else None
        if given:
            out.append(new_item((svc, _COMPLETED, e, r, o, latest, given[0], (reason, None))))
            return
        st = status(ctx.d, e, o, latest)
        if visible(st, e, ctx):
            out.append(new_item((svc, st, e, r, o, latest, None, (reason, rec_age))))


def reason(name: str, lang: str, recommended: Duration | None) -> str:
    """``BCG: at age 1 month`` (the recommended age, the region's where it sets one)."""
    if recommended is None:
        return name
    age = words(recommended, lang)
    return f"{name}: at age {age}" if lang == "en" else f"{name}: umur {age}"

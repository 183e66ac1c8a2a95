"""Rule kind ``birthday``: a window opening on each birthday in the eligibility (CKG).

Model, YAML keys, parse and dump, the per-person evaluator and its reason
text. The columnar twin (and synthetic-history walker) is
:mod:`ilp.population.batch.birthday`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ilp._months import MONTH_SPAN, MONTH_STARTS, NO_OFFSET
from ilp._reader import Reader
from ilp._yaml import Map
from ilp.dates import Duration
from ilp.lifecycle._model import RuleKind
from ilp.lifecycle.rules import fields
from ilp.lifecycle.rules.base import Parsed, RuleBase, single_code
from ilp.lifecycle.rules.person import Ctx, DueItem, birth_plus, occurrences, scope
from ilp.lifecycle.rules.words import words

if TYPE_CHECKING:
    from ilp.lifecycle._model import Entry

__all__ = ["BirthdayRule", "reason"]


@attrs.frozen
class BirthdayRule(RuleBase):
    """A window opening on each birthday in the eligibility (CKG)."""

    window: Duration

    kind = RuleKind.BIRTHDAY
    REQUIRED = ("window",)

    @classmethod
    def parse(cls, r: Reader, rm: Map, where: str, entry: Map) -> Parsed[BirthdayRule]:
        """Read ``window``: how long after each birthday it may be given."""
        window = r.get(rm, "window", where, fields.duration, "a duration")
        return Parsed(BirthdayRule(window) if window is not None else None, single_code(entry))

    def dump(self, entry: Entry) -> dict[str, Any]:
        """The rule mapping."""
        return {"window": str(self.window)}

    def evaluate(self, entry: Entry, ctx: Ctx, out: list[DueItem]) -> None:
        """The occurrence of the windows after the last, this and the next birthday."""
        svc = entry.services[0]
        start, end = scope(entry, ctx)
        years = ctx.months // 12
        window = self.window
        bm, bo = ctx.bm, ctx.bo
        # birthdays and the window's ends by the month table while the day of birth is the
        # 1st-28th (nothing is clamped, so birth + 12n months + the window's months is the
        # birthday plus the window); else add_months_day, birthday by birthday
        fast = bo < NO_OFFSET and window.months <= MONTH_SPAN - 12
        # a window belongs to a birthday inside the eligibility: clip only by that birthday
        kept = []
        for n in (years - 1, years, years + 1) if years else (0, 1):
            if fast:
                lo = MONTH_STARTS[bm + 12 * n] + bo
                hi = MONTH_STARTS[bm + 12 * n + window.months] + bo + window.days
            else:
                lo = birth_plus(ctx, 12 * n)
                hi = window.after(lo)
            if lo >= start and (end is None or lo <= end):
                kept.append((lo, hi))
        occurrences(svc, kept, ctx, start, None, (reason, window), out)


def reason(name: str, lang: str, window: Duration) -> str:
    """``within 1 month after the birthday``."""
    w = words(window, lang)
    return (
        f"{name}: within {w} after the birthday"
        if lang == "en"
        else f"{name}: dalam {w} setelah hari ulang tahun"
    )

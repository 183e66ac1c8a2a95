"""Rule kind ``postnatal``: visits counted from a delivery or a birth (KF, KN).

Model (:class:`Anchor`, :class:`Visit`, :class:`PostnatalRule`), YAML keys,
parse and dump, the per-person evaluator and its reason text. The columnar
twin (and synthetic-history walker) is :mod:`ilp.population.batch.postnatal`.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Final

import attrs

from ilp._reader import Reader
from ilp._reader import member as _member
from ilp._yaml import Map
from ilp.dates import Duration, from_day
from ilp.lifecycle._item import new_item
from ilp.lifecycle._model import Limit, RuleKind
from ilp.lifecycle.rules import fields
from ilp.lifecycle.rules.base import Codes, Parsed, RuleBase
from ilp.lifecycle.rules.person import Ctx, DueItem, given_in, status, visible
from ilp.lifecycle.semantics import Status

if TYPE_CHECKING:
    from ilp.lifecycle._model import Entry

__all__ = ["Anchor", "PostnatalRule", "Visit", "reason"]

# Status members as module constants: Status.X reads the enum class (~55 ns),
# a global ~10 ns (issue 11)
_COMPLETED: Final = Status.COMPLETED
_UPCOMING: Final = Status.UPCOMING


class Anchor(enum.StrEnum):
    """What postnatal visits are counted from (equal to its YAML text)."""

    DELIVERY = "delivery"  #: the woman's latest delivery (KF)
    BIRTH = "birth"  #: the child's birth (KN)


@attrs.frozen
class Visit:
    """A visit due within days after a delivery or a birth."""

    code: str
    number: int
    start: Duration
    end: Limit


@attrs.frozen
class PostnatalRule(RuleBase):
    """Visits counted from the woman's latest delivery or from the child's birth."""

    anchor: Anchor = attrs.field(converter=Anchor)
    visits: tuple[Visit, ...]

    kind = RuleKind.POSTNATAL
    REQUIRED = ("anchor", "visits")
    SEVERAL_CODES = True

    @classmethod
    def parse(cls, r: Reader, rm: Map, where: str, entry: Map) -> Parsed[PostnatalRule]:
        """Read ``anchor`` (delivery or birth) and ``visits`` (``code``, ``from``, ``to``)."""
        anchor = r.get(rm, "anchor", where, _member(Anchor), "an anchor")
        visits = []
        codes: Codes = []
        for n, (vm, vw) in enumerate(fields.items(r, rm, "visits", where), start=1):
            v = r.mapping(
                vm,
                vw,
                rm.lines.get("visits"),
                required=("code", "from"),
                optional=("label", "to", "to_before"),
            )
            if v is None:
                continue
            code = r.get(v, "code", vw, fields.code, "a service code") or "?"
            start = r.get(v, "from", vw, fields.duration, "a duration") or Duration()
            end = fields.limit(r, v, vw, "to")
            if end is None:
                r.problem(f"{vw}.to", v.line, "a postnatal visit needs 'to' or 'to_before'")
                continue
            fields.check_window(r, vw, v.line, start, end)
            visits.append(Visit(code, n, start, end))
            codes.append((code, fields.label(r, v, vw)))
        return Parsed(PostnatalRule(anchor or Anchor.BIRTH, tuple(visits)), codes)

    def dump(self, entry: Entry) -> dict[str, Any]:
        """The rule mapping: ``anchor`` and ``visits`` with each visit's own label."""
        labels = {s.code: s.label for s in entry.services}
        visits = []
        for v in self.visits:
            vd: dict[str, Any] = {
                "code": v.code,
                "label": labels[v.code].as_dict(),
                "from": str(v.start),
            }
            fields.put_limit(vd, "to", v.end)
            visits.append(vd)
        return {"anchor": self.anchor.value, "visits": visits}

    def evaluate(self, entry: Entry, ctx: Ctx, out: list[DueItem]) -> None:
        """Each visit's window from the anchor: completed, due or missed, up to the first ahead."""
        d = ctx.d
        if self.anchor is Anchor.BIRTH:
            anchor = ctx.b
        else:
            deliveries = [
                p.delivery_date.toordinal()
                for p in ctx.person.pregnancies
                if p.is_birth and p.delivery_date is not None and p.delivery_date.toordinal() <= d
            ]
            if not deliveries:
                return
            anchor = deliveries[-1]
        for svc, v in zip(entry.services, self.visits, strict=True):
            e, latest = v.start.after(anchor), v.end.day(anchor)
            why = (reason, v, anchor, self.anchor)
            given = given_in(ctx.recs.get(v.code, ()), anchor, d)
            if given is not None:
                out.append(new_item((svc, _COMPLETED, e, e, None, latest, given, why)))
                continue
            st = status(d, e, None, latest)
            if st is _UPCOMING:
                if visible(st, e, ctx):
                    out.append(new_item((svc, st, e, e, None, latest, None, why)))
                return
            out.append(new_item((svc, st, e, e, None, latest, None, why)))


def reason(name: str, lang: str, visit: Visit, anchor: int, what: Anchor) -> str:
    """``days 0–2 after delivery on 2025-10-30``."""
    a = from_day(anchor).isoformat()
    lo, hi = visit.start.days, visit.end.duration.days - (1 if visit.end.exclusive else 0)
    if lang == "en":
        after = "delivery" if what is Anchor.DELIVERY else "birth"
        return f"{name}: days {lo}–{hi} after {after} on {a}"
    after = "persalinan" if what is Anchor.DELIVERY else "lahir"
    return f"{name}: hari ke-{lo} sampai ke-{hi} setelah {after} {a}"

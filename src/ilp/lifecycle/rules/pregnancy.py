"""Rule kind ``pregnancy``: antenatal contacts counted from the HPHT (ANC K1-K6).

Model (:class:`Contact`, :class:`PregnancyRule`), YAML keys, parse and dump,
the per-person evaluator and its reason text. The columnar twin (and
synthetic-history walker) is :mod:`ilp.population.batch.pregnancy`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import attrs

from ilp._reader import Reader
from ilp._yaml import Map
from ilp.dates import Duration, from_day
from ilp.lifecycle._item import new_item
from ilp.lifecycle._model import Limit, RuleKind
from ilp.lifecycle.rules import fields
from ilp.lifecycle.rules.base import Codes, Parsed, RuleBase
from ilp.lifecycle.rules.person import (
    Ctx,
    DueItem,
    current_pregnancy,
    given_in,
    status,
    visible,
)
from ilp.lifecycle.rules.words import words
from ilp.lifecycle.semantics import ONE_DAY, Status

if TYPE_CHECKING:
    from ilp.lifecycle._model import Entry

__all__ = ["Contact", "PregnancyRule", "reason"]

_CONTACT_KEYS: Final = (
    "label",
    "from",
    "to",
    "to_before",
    "recommended",
    "overdue",
    "min_interval",
    "doctor",
)

# Status members as module constants: Status.X reads the enum class (~55 ns),
# a global ~10 ns (issue 11)
_COMPLETED: Final = Status.COMPLETED
_MISSED: Final = Status.MISSED


@attrs.frozen
class Contact:
    """An antenatal contact: a window of gestational age from the HPHT."""

    code: str
    number: int
    start: Duration
    end: Limit | None = None
    recommended: Duration | None = None
    overdue: Duration | None = None
    min_interval: Duration | None = None
    doctor: bool = False


@attrs.frozen
class PregnancyRule(RuleBase):
    """Contacts of a pregnancy, in order, each in its gestational window."""

    contacts: tuple[Contact, ...]

    kind = RuleKind.PREGNANCY
    REQUIRED = ("contacts",)
    SEVERAL_CODES = True

    @classmethod
    def parse(cls, r: Reader, rm: Map, where: str, entry: Map) -> Parsed[PregnancyRule]:
        """Read ``contacts``: each with ``code``, ``from`` and its limits and intervals."""
        contacts = []
        codes: Codes = []
        for n, (cm, cw) in enumerate(fields.items(r, rm, "contacts", where), start=1):
            c = r.mapping(
                cm, cw, rm.lines.get("contacts"), required=("code", "from"), optional=_CONTACT_KEYS
            )
            if c is None:
                continue
            code = r.get(c, "code", cw, fields.code, "a service code") or "?"
            start = r.get(c, "from", cw, fields.duration, "a duration") or Duration()
            end = fields.limit(r, c, cw, "to")
            fields.check_window(r, cw, c.line, start, end)

            def get(key: str, cw: str = cw, c: Map = c) -> Duration | None:
                return r.get(c, key, cw, fields.duration, "a duration")

            contacts.append(
                Contact(
                    code=code,
                    number=n,
                    start=start,
                    end=end,
                    recommended=get("recommended"),
                    overdue=get("overdue"),
                    min_interval=get("min_interval"),
                    doctor=bool(r.get(c, "doctor", cw, fields.flag, "true or false")),
                )
            )
            codes.append((code, fields.label(r, c, cw)))
        return Parsed(PregnancyRule(tuple(contacts)), codes)

    def dump(self, entry: Entry) -> dict[str, Any]:
        """The rule mapping: ``contacts`` with each contact's own label."""
        labels = {s.code: s.label for s in entry.services}
        contacts = []
        for c in self.contacts:
            cd: dict[str, Any] = {
                "code": c.code,
                "label": labels[c.code].as_dict(),
                "from": str(c.start),
            }
            fields.put_limit(cd, "to", c.end)
            for key in ("recommended", "overdue", "min_interval"):
                fields.put_duration(cd, key, getattr(c, key))
            fields.put(cd, "doctor", c.doctor)
            contacts.append(cd)
        return {"contacts": contacts}

    def evaluate(self, entry: Entry, ctx: Ctx, out: list[DueItem]) -> None:
        """In the current pregnancy: contacts given are completed, then the next one is listed."""
        p = current_pregnancy(ctx.person, ctx.d)
        if p is None:
            return
        lmp, last_day, d = p.lmp.toordinal(), p.last_pregnant_day.toordinal(), ctx.d
        prev: int | None = None
        for svc, c in zip(entry.services, self.contacts, strict=True):
            given = given_in(ctx.recs.get(c.code, ()), lmp, d)
            why = (reason, c, lmp)
            e = c.start.after(lmp)
            if prev is not None:
                e = max(e, (c.min_interval or ONE_DAY).after(prev))
            latest = min(c.end.day(lmp), last_day) if c.end is not None else last_day
            r = max(c.recommended.after(lmp), e) if c.recommended is not None else e
            o = max(c.overdue.after(lmp), e) if c.overdue is not None else None
            if given is not None:
                out.append(new_item((svc, _COMPLETED, e, r, o, latest, given, why)))
                prev = given
                continue
            st = status(d, e, o, latest)
            if st is _MISSED:
                out.append(new_item((svc, st, e, r, o, latest, None, why)))
                continue
            if visible(st, e, ctx):
                out.append(new_item((svc, st, e, r, o, latest, None, why)))
            return


def reason(name: str, lang: str, contact: Contact, lmp: int) -> str:
    """``gestational age 0 days to 12 weeks (HPHT 2025-06-01)``, and whether with a doctor."""
    en = lang == "en"
    hpht = from_day(lmp).isoformat()
    lo = words(contact.start, lang)
    hi = words(contact.end.duration, lang) if contact.end else "…"
    doctor = (", with a doctor" if en else ", oleh dokter") if contact.doctor else ""
    return (
        f"{name}: gestational age {lo} to {hi} (HPHT {hpht}){doctor}"
        if en
        else f"{name}: usia kehamilan {lo} sampai {hi} (HPHT {hpht}){doctor}"
    )

"""Rule kind ``series``: doses in order with minimum ages and intervals (DPT-HB-Hib, OPV).

Model (:class:`Dose`, :class:`SeriesRule`), YAML keys, parse and dump, the
per-person evaluator and its reason text. The columnar twin (and
synthetic-history walker) is :mod:`ilp.population.batch.series`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs
import pendulum

from ilp._months import MONTH_STARTS, NO_OFFSET
from ilp._reader import Reader
from ilp._yaml import Map
from ilp.dates import Duration, add_months_day, from_day
from ilp.lifecycle._item import new_item
from ilp.lifecycle._model import Limit, RuleKind
from ilp.lifecycle.rules import fields
from ilp.lifecycle.rules.base import Codes, Parsed, RuleBase
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
from ilp.lifecycle.semantics import ONE_DAY, Status

if TYPE_CHECKING:
    from ilp.lifecycle._model import Entry, Service

__all__ = ["Dose", "SeriesRule", "reason"]

_DOSE_KEYS: Final = (
    "label",
    "earliest",
    "min_interval",
    "recommended",
    "recommended_interval",
    "overdue",
    "latest",
    "latest_before",
    "born_from",
)


@attrs.frozen
class Dose:
    """One dose of a series: ages from birth, intervals from the previous dose."""

    code: str
    number: int
    earliest: Duration = Duration()
    min_interval: Duration | None = None
    recommended: Duration | None = None
    recommended_interval: Duration | None = None
    overdue: Duration | None = None
    latest: Limit | None = None
    #: Children born before this date do not get this dose (nor later ones).
    born_from: pendulum.Date | None = None


@attrs.frozen
class SeriesRule(RuleBase):
    """Doses given in order; only the first not yet given is actionable."""

    doses: tuple[Dose, ...]
    #: Codes whose records count as doses too, in date order with the series' own
    #: (tetanus status: childhood DPT and BIAS doses count towards T5).
    credit: tuple[str, ...] = ()
    #: No credit, no birth cohort, each dose its own code: a dose is given when its code
    #: has a record, and the first record is the one (the fast path of ``evaluate``).
    _plain: bool = attrs.field(init=False, eq=False, repr=False, hash=False)
    #: Per dose, what the fast path reads: its code, the months and days of ``earliest``.
    _steps: tuple[tuple[Dose, str, int, int], ...] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )
    #: The fast path's walk for the last entry asked about: its services, and per dose
    #: the service with its step (one value, so that threads never see half of it).
    _walk: tuple[tuple[Service, ...], tuple[_Step, ...]] | None = attrs.field(
        init=False, default=None, eq=False, repr=False, hash=False
    )

    kind = RuleKind.SERIES
    REQUIRED = ("doses",)
    OPTIONAL = ("credit",)
    SEVERAL_CODES = True
    REPEATS_CODES = True

    def __attrs_post_init__(self) -> None:
        codes = [d.code for d in self.doses]
        plain = not self.credit and len(set(codes)) == len(codes)
        plain = plain and all(d.born_from is None for d in self.doses)
        object.__setattr__(self, "_plain", plain)
        steps = tuple((d, d.code, d.earliest.months, d.earliest.days) for d in self.doses)
        object.__setattr__(self, "_steps", steps)

    @classmethod
    def parse(cls, r: Reader, rm: Map, where: str, entry: Map) -> Parsed[SeriesRule]:
        """Read ``doses``: each with ``code`` and its ages, intervals and limits."""
        doses = []
        codes: Codes = []
        for n, (dm, dw) in enumerate(fields.items(r, rm, "doses", where), start=1):
            d = r.mapping(dm, dw, rm.lines.get("doses"), required=("code",), optional=_DOSE_KEYS)
            if d is None:
                continue
            code = r.get(d, "code", dw, fields.code, "a service code")
            earliest = r.get(d, "earliest", dw, fields.duration, "a duration") or Duration()
            latest = fields.limit(r, d, dw, "latest")
            fields.check_window(r, dw, d.line, earliest, latest)

            def get(key: str, dw: str = dw, d: Map = d) -> Duration | None:
                return r.get(d, key, dw, fields.duration, "a duration")

            dose = Dose(
                code=code or "?",
                number=n,
                earliest=earliest,
                min_interval=get("min_interval"),
                recommended=get("recommended"),
                recommended_interval=get("recommended_interval"),
                overdue=get("overdue"),
                latest=latest,
                born_from=r.get(d, "born_from", dw, fields.date, "a date"),
            )
            doses.append(dose)
            codes.append((dose.code, fields.label(r, d, dw)))
        credit = r.get(rm, "credit", where, fields.list_of(fields.code), "a list of service codes")
        if credit and len({d.code for d in doses}) > 1:
            r.problem(
                f"{where}.credit",
                rm.lines.get("credit"),
                "credit needs doses that share one code (records are matched in date order)",
            )
        if credit and doses and doses[0].code in credit:
            r.problem(f"{where}.credit", rm.lines.get("credit"), "credits the series' own code")
        return Parsed(SeriesRule(tuple(doses), tuple(credit or ())), codes)

    def references(self) -> tuple[str, ...]:
        """The credited codes (each must be defined by some entry)."""
        return self.credit

    def records(self, ctx: Ctx, code: str) -> Sequence[int]:
        """The days of the person's records of *code*, with the credited codes' merged in."""
        recs = ctx.recs
        own = recs.get(code, [])
        if not self.credit:
            return own
        merged = list(own)  # each code's days extended whole (a generator per day was slower)
        for c in self.credit:
            merged += recs.get(c, ())
        merged.sort()
        return merged

    def dump(self, entry: Entry) -> dict[str, Any]:
        """The rule mapping: ``doses`` with each dose's own label."""
        doses = []
        for svc, d in zip(entry.services, self.doses, strict=True):
            dd: dict[str, Any] = {
                "code": d.code,
                "label": svc.label.as_dict(),
                "earliest": str(d.earliest),
            }
            for key in ("min_interval", "recommended", "recommended_interval", "overdue"):
                fields.put_duration(dd, key, getattr(d, key))
            fields.put_limit(dd, "latest", d.latest)
            fields.put(dd, "born_from", d.born_from.isoformat() if d.born_from else None)
            doses.append(dd)
        return {"doses": doses, **({"credit": list(self.credit)} if self.credit else {})}

    def evaluate(self, entry: Entry, ctx: Ctx, out: list[DueItem]) -> None:
        """Doses given are completed; the first one not given is listed; later ones are not."""
        b, bm, bo = ctx.b, ctx.bm, ctx.bo
        recs = ctx.recs
        prev: int | None = None
        if self._plain:
            walk = self._walk
            if walk is None or walk[0] is not entry.services:
                walk = self._walk_for(entry)
            for svc, dose, code, months, days in walk[1]:
                given = recs.get(code)
                if not given:
                    self._next(entry, ctx, svc, dose, prev, out)
                    return
                prev = given[0]
                # dose.earliest.after(b), birth_plus inlined
                e = (
                    MONTH_STARTS[bm + months] + bo if bo < NO_OFFSET else add_months_day(b, months)
                ) + days
                out.append(new_item((svc, _COMPLETED, e, e, None, None, prev, _GIVEN)))
            return
        used: dict[str, int] = {}
        for svc, dose in zip(entry.services, self.doses, strict=True):
            if dose.born_from is not None and ctx.person.birth_date < dose.born_from:
                return  # this dose is not for the person's birth cohort
            code = dose.code
            records = self.records(ctx, code) if self.credit else recs.get(code, ())
            k = used.get(code, 0)
            if k >= len(records):
                self._next(entry, ctx, svc, dose, prev, out)
                return
            used[code] = k + 1
            prev = records[k]
            e = dose.earliest.after(b)
            out.append(new_item((svc, _COMPLETED, e, e, None, None, prev, _GIVEN)))

    def _walk_for(self, entry: Entry) -> tuple[tuple[Service, ...], tuple[_Step, ...]]:
        """The walk of the fast path for *entry*, kept for the next call (a zip per call
        with ``strict=True`` cost more than the walk of the doses)."""
        services = entry.services
        steps = tuple((svc, *step) for svc, step in zip(services, self._steps, strict=True))
        walk = (services, steps)
        object.__setattr__(self, "_walk", walk)
        return walk

    def _next(  # noqa: PLR0917 - the state of evaluate's walk, handed on once
        self, entry: Entry, ctx: Ctx, svc: Service, dose: Dose, prev: int | None, out: list[DueItem]
    ) -> None:
        """The first dose not given: its window from the age and the previous dose."""
        # ages after birth by the month table (birth_after), intervals after a record by
        # Duration.after
        e = max(birth_after(ctx, dose.earliest), scope(entry, ctx)[0])
        if prev is not None:
            e = max(e, (dose.min_interval or ONE_DAY).after(prev))
        rec_age = ctx.region.ages.get(dose.code, dose.recommended)
        r = e
        if rec_age is not None:
            r = max(r, birth_after(ctx, rec_age))
        if dose.recommended_interval is not None and prev is not None:
            r = max(r, dose.recommended_interval.after(prev))
        o = max(birth_after(ctx, dose.overdue), e) if dose.overdue is not None else None
        latest = birth_limit(ctx, dose.latest) if dose.latest is not None else None
        st = status(ctx.d, e, o, latest)
        if visible(st, e, ctx):
            out.append(new_item((svc, st, e, r, o, latest, None, (reason, dose, prev))))


def reason(name: str, lang: str, dose: Dose | None, prev: int | None) -> str:
    """The recommended age of a first dose, else the interval after the previous one."""
    en = lang == "en"
    if dose is None:
        return name
    if prev is None or dose.number == 1:
        age = words(dose.recommended or dose.earliest, lang)
        return f"{name}: at age {age}" if en else f"{name}: umur {age}"
    gap = words(dose.min_interval or ONE_DAY, lang)
    p = from_day(prev).isoformat()
    return (
        f"{name}: at least {gap} after dose {dose.number - 1}, given {p}"
        if en
        else f"{name}: minimal {gap} setelah dosis {dose.number - 1} (diberikan {p})"
    )


#: One dose of the fast path: its service, the dose, its code, the months and days of
#: ``earliest``.
_Step = tuple["Service", Dose, str, int, int]

#: The reason data of a dose given (the text says when; see ``DueItem.reason``).
_GIVEN: Final = (reason, None, None)
_COMPLETED: Final = Status.COMPLETED

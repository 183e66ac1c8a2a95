"""Synthetic service histories: records drawn by following each entry's own rule.

:class:`Histories` walks the entries in force and hands each to its rule
kind's walker (``walk`` in :mod:`ilp.population.batch` ``<kind>.py``, found
through the exhaustive :func:`~ilp.population.batch.kinds.columnar`), so a new
kind cannot silently get no synthetic history. The sampling choices are
described in :mod:`ilp.population.synthesis`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

import numpy as np
import pendulum

from ilp.dates import Duration
from ilp.lifecycle import Catalogue, Entry, LifeStage, Limit
from ilp.lifecycle.semantics import AGE_STAGES, NEONATE_DAYS, PREGNANCY_STAGES, birth_range
from ilp.population._calendar import Arr, Calendar
from ilp.population.batch.draws import shift
from ilp.population.batch.kinds import WALKERS
from ilp.population.columns import CONDITIONS, SEX_CODES, History, Population

if TYPE_CHECKING:
    from ilp.population.synthesis import SynthParams

__all__ = ["Histories"]

_EPOCH: Final = _dt.date(1970, 1, 1).toordinal()
#: Records for services that recur more often than this are kept for the last periods only.
_MAX_PERIODS: Final = 12
#: Bits of a packed day number (any date up to 9999-12-31).
_DAY_BITS: Final = 22


class Histories:
    """Records for everyone in each entry's scope on *on*, rule kind by rule kind.

    ``run`` hands each entry in force to its kind's walker
    (:data:`~ilp.population.batch.kinds.WALKERS`); the walkers use the helpers here:
    who is in scope (``rows``), whether a record fits the eligibility (``fits``),
    coverage, delays and periods.
    """

    def __init__(
        self,
        *,
        streams: Callable[..., np.random.Generator],
        population: Population,
        catalogue: Catalogue,
        params: SynthParams,
        on_day: int,
        factor: Arr,
        age: Arr,
    ) -> None:
        self.streams = streams
        self.pop = population
        self.catalogue = catalogue
        self.params = params
        self.on = on_day
        self.factor = factor
        self.age = age
        self.birth = population.birth.astype(np.int64)
        # month arithmetic by table lookup, for days from the first birth to 15 years ahead
        first = int(self.birth[0]) if len(self.birth) else on_day
        self.cal = Calendar(first, on_day + 15 * 366)
        self.codes = catalogue.codes
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.first_day = _first_days(catalogue)
        self.lookback = shift(on_day, -params.history_months) + 1
        self.reached = streams("reach").random(len(self.birth)) < np.minimum(
            1.0, params.reach * factor
        )
        self.people: list[Arr] = []
        self.kinds: list[Arr] = []
        self.days: list[Arr] = []
        # code → first day given per row (-1: none), for the codes a school rule comes "after"
        self.given: dict[str, Arr] = {
            after: np.full(len(self.birth), -1, dtype=np.int64)
            for e in catalogue.entries
            for after in e.rule.references()
        }

    def run(self) -> History:
        on = pendulum.Date.fromordinal(self.on)
        for entry in self.catalogue.entries_on(on):
            if entry.eligibility.region is not None:
                continue  # regional services (JE) need a region the population does not hold
            rng = self.streams("history", entry.key, *(s.code for s in entry.services))
            WALKERS[entry.rule.kind](self, rng, entry)
        empty = np.zeros(0, dtype=np.int64)
        person = np.concatenate(self.people) if self.people else empty
        code = np.concatenate(self.kinds) if self.kinds else empty
        day = np.concatenate(self.days) if self.days else empty
        n = len(self.birth)
        person_bits = max(1, (n - 1).bit_length())
        if len(self.codes).bit_length() + person_bits + _DAY_BITS > 63:  # pragma: no cover
            return History.from_arrays(
                self.pop, person=person, code=code, day=day, codes=self.codes
            )
        # one sort of packed (code, person, day) keys: the order History keeps
        key = np.sort((code << (person_bits + _DAY_BITS)) | (person << _DAY_BITS) | day)
        mask = (1 << _DAY_BITS) - 1
        return History(
            self.codes,
            ((key >> _DAY_BITS) & ((1 << person_bits) - 1)).astype(np.int32),
            (key >> (person_bits + _DAY_BITS)).astype(np.int16),
            (key & mask).astype(np.int32),
            n,
        )

    # -- helpers -------------------------------------------------------------------------

    def emit(self, code: str, rows: Arr, days: Arr) -> None:
        """Record *code* for *rows* on *days*."""
        self.people.append(rows)
        self.kinds.append(np.full(len(rows), self.index[code], dtype=np.int64))
        self.days.append(days)
        first = self.given.get(code)
        if first is not None:
            now = first[rows]
            earlier = (now < 0) | (days < now)
            first[rows[earlier]] = days[earlier]

    def after(self, days: Arr, duration: Duration) -> Arr:
        """*days* plus *duration* (months first, then days), as ``Duration.after``."""
        out: Arr = self.cal.after(duration, np.asarray(days, dtype=np.int64))
        return out

    def limit(self, days: Arr, limit: Limit) -> Arr:
        """The last day within *limit* after *days*, as ``Limit.day``."""
        out: Arr = self.cal.limit(limit, np.asarray(days, dtype=np.int64))
        return out

    def on_time(
        self, b: Arr, start: Arr, overdue: Duration | None, latest: Arr | None
    ) -> Arr | None:
        """The longest delay after *start* that is still on time: before the item is overdue
        and not after its latest day (None: no bound)."""
        last = None if overdue is None else self.after(b, overdue) - 1
        if latest is not None:
            last = latest if last is None else np.minimum(last, latest)
        return None if last is None else np.maximum(last - start, 0).astype(np.float64)

    def coverage(self, code: str, rows: Arr) -> Arr:
        """The chance of a record of *code* for each of *rows* (coverage x area factor)."""
        p = self.params.coverage.get(code, self.params.default_coverage)
        return np.minimum(1.0, p * self.factor[rows])

    def rows(self, entry: Entry) -> Arr:
        """Rows in the entry's scope on *on* (age band, sex, conditions, birth cohort)."""
        el = entry.eligibility
        lo, hi = birth_range(el, self.on)
        rows = np.arange(
            np.searchsorted(self.birth, lo, side="left"),
            np.searchsorted(self.birth, hi, side="right"),
            dtype=np.int64,
        )
        keep = np.ones(len(rows), dtype=bool)
        if el.sex is not None:
            keep &= self.pop.sex[rows] == SEX_CODES[el.sex]
        if el.conditions:
            mask = sum(1 << CONDITIONS.index(c) for c in el.conditions)
            keep &= (self.pop.conditions[rows] & mask) != 0
        return rows[keep]

    def fits(self, entry: Entry, code: str, rows: Arr, days: Arr) -> Arr:
        """Whether each record of *code* falls in the person's life, age band and stages, on or
        before *on*, and not before the code's first edition."""
        el = entry.eligibility
        b = self.birth[rows]
        ok = (days >= b) & (days <= self.on) & (days >= self.first_day.get(code, 0))
        if el.age_from is not None:
            ok &= days >= self.after(b, el.age_from)
        if el.age_to is not None:
            ok &= days <= self.limit(b, el.age_to)
        stages = el.stages - PREGNANCY_STAGES
        if stages:
            within = np.zeros(len(rows), dtype=bool)
            for stage, lo, hi in AGE_STAGES:
                if stage in stages:
                    inside = days >= self.cal.months(b, lo)
                    if hi is not None:
                        inside &= days < self.cal.months(b, hi)
                    within |= inside
            if LifeStage.NEONATUS in stages:
                within |= days - b <= NEONATE_DAYS
            ok &= within
        return ok

    def child_immunization(self, entry: Entry) -> bool:
        """Whether *entry* is a childhood immunisation (its reach is the programme's)."""
        el = entry.eligibility
        return entry.services[0].group == "immunization" and (
            el.age_from is None or el.age_from.months < 12
        )

    def periods(self, interval: Duration) -> list[tuple[int, int]]:
        """Windows of one interval each, back from *on*, covering the history months."""
        length = interval.months * 30.44 + interval.days
        count = max(1, min(_MAX_PERIODS, int(self.params.history_months * 30.44 // length)))
        out = []
        end = self.on
        for k in range(1, count + 1):
            start = shift(self.on, -k * interval.months, -k * interval.days) + 1
            out.append((start, end))
            end = start - 1
        return out


def _first_days(catalogue: Catalogue) -> dict[str, int]:
    """Code → the first day any edition holding it is in force (absent: always)."""
    out: dict[str, int] = {}
    always: set[str] = set()
    for entry in catalogue.entries:
        for svc in entry.services:
            if entry.effective_from is None:
                always.add(svc.code)
            else:
                day = entry.effective_from.toordinal()
                out[svc.code] = min(out.get(svc.code, day), day)
    return {code: day for code, day in out.items() if code not in always}

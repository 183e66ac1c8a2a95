"""The rows an entry applies to, and the per-row lookups of records and pregnancies.

A :class:`Cohort` is the rows an eligibility admits (made by
:meth:`ilp.population.batch.run.Run.cohort`); :class:`Segments` are one
code's records for a cohort's rows; :class:`Pregnancies` the pregnancy facts
of everyone on the date. The rest are small array helpers they share.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from ilp.lifecycle import LifeStage
from ilp.lifecycle.semantics import NIFAS_DAYS
from ilp.people import POSTTERM_DAYS, Outcome
from ilp.population._calendar import NO_DAY, Arr
from ilp.population.columns import OUTCOMES, Population

__all__ = [
    "Cohort",
    "Pregnancies",
    "Segments",
    "aranges",
    "birth_order",
    "first_per_person",
    "last_per_person",
    "lookup",
    "take",
]

_MISCARRIAGE = OUTCOMES.index(Outcome.MISCARRIAGE)


def take(values: Arr, sel: Arr | None) -> Arr:
    """*values* at the rows *sel* (all of them when None)."""
    return values if sel is None else values[sel]


class Cohort:
    """The rows an entry's eligibility admits, their birth days, and shared lookups.

    ``rows`` are population rows; ``pos`` the same rows' places in birth order
    (equal to ``rows`` when the population is sorted by birth). Cohorts made
    from age bands list rows in birth order, so ``b`` is sorted; ``ordered``
    says so.
    """

    __slots__ = (
        "b",
        "cache",
        "contiguous",
        "hi",
        "lo",
        "ordered",
        "pos",
        "rows",
        "rows32",
        "scopes",
        "segments",
    )

    def __init__(
        self, rows: Arr, rows32: Arr, birth: Arr, pos: Arr, *, contiguous: bool, ordered: bool
    ) -> None:
        self.rows = rows
        self.rows32 = rows32
        self.b = birth
        self.pos = pos
        self.ordered = ordered
        if ordered:
            self.lo, self.hi = int(pos[0]), int(pos[-1]) + 1
        else:
            self.lo, self.hi = int(pos.min()), int(pos.max()) + 1
        self.contiguous = contiguous
        self.segments: dict[str, Segments | None] = {}
        self.cache: dict[Any, Arr] = {}
        self.scopes: dict[Any, tuple[Arr, Arr | None]] = {}

    def __len__(self) -> int:
        return len(self.rows)


class Segments:
    """The records of one code for the rows of a cohort, in row then day order.

    ``loc`` is each record's row within the cohort, ``day`` its day; ``start``
    and ``count`` (per cohort row) say where each row's records are.
    """

    __slots__ = ("_last", "count", "day", "loc", "start", "top")

    def __init__(self, loc: Arr, day: Arr, m: int) -> None:
        self.loc = loc
        self.day = day
        # each row's records are consecutive: find where each row's run starts
        change = np.empty(len(loc), dtype=np.bool_)
        change[0] = True
        np.not_equal(loc[1:], loc[:-1], out=change[1:])
        starts = np.flatnonzero(change)
        first = loc[starts]
        self.start = np.zeros(m, dtype=np.int32)
        self.count = np.zeros(m, dtype=np.int32)
        self.start[first] = starts
        self.count[first] = np.diff(starts, append=len(loc))
        self.top = len(day) - 1
        self._last: tuple[Arr, Arr] | None = None

    def last(self) -> tuple[Arr, Arr]:
        """The rows that have a record, and the day of each one's last record."""
        if self._last is None:
            loc = self.loc
            ends = np.flatnonzero(loc[1:] != loc[:-1])
            ends = np.append(ends, len(loc) - 1)
            self._last = (loc[ends], self.day[ends])
        return self._last


class Pregnancies:
    """Per-person pregnancy facts on the date: current pregnancy, last delivery, stages.

    Each fact is held for the rows it concerns only (sorted, distinct rows).
    """

    def __init__(self, pop: Population, d: int) -> None:
        self.n = len(pop)
        person = pop.preg_person.astype(np.int64)
        lmp = pop.preg_lmp.astype(np.int64)
        dl = pop.preg_delivery.astype(np.int64)
        ended = dl != NO_DAY
        last_day = np.where(ended, dl - 1, pop.preg_edd.astype(np.int64) + POSTTERM_DAYS)
        current = np.flatnonzero((lmp <= d) & (d <= last_day))
        first = first_per_person(person, current)  # _current_pregnancy: the first
        #: Rows pregnant on the date, with the HPHT and last pregnant day of that pregnancy.
        self.pregnant = (person[first], lmp[first], last_day[first])
        birth = ended & (pop.preg_outcome != _MISCARRIAGE)
        last = last_per_person(person, np.flatnonzero(birth & (dl <= d)))
        #: Rows with a delivery on or before the date, with the latest one.
        self.delivered = (person[last], dl[last])
        since = d - dl
        #: Per pregnancy stage, the rows in it (sorted, distinct).
        self.rows = {
            LifeStage.IBU_HAMIL: person[first],
            LifeStage.IBU_BERSALIN: np.unique(person[birth & (dl == d)]),
            LifeStage.IBU_NIFAS: np.unique(person[birth & (since >= 0) & (since <= NIFAS_DAYS)]),
        }

    def flag(self, stage: LifeStage, rows: Arr) -> Arr:
        """Whether each of *rows* is in pregnancy *stage*."""
        return np.isin(rows, self.rows[stage])


def lookup(rows: Arr, keys: Arr, *values: Arr) -> tuple[Arr, ...]:
    """Positions of *rows* found in sorted *keys*, and the *values* there."""
    if not len(keys):
        found = np.zeros(0, dtype=np.int64)
        return (found, *(v[:0] for v in values))
    pos = np.minimum(np.searchsorted(keys, rows), len(keys) - 1)
    found = np.flatnonzero(keys[pos] == rows)
    at = pos[found]
    return (found, *(v[at] for v in values))


def birth_order(birth: Arr) -> Arr:
    """The rows in order of birth (stable): a radix sort when births span under 179 years."""
    if not len(birth):
        return np.zeros(0, dtype=np.int64)
    low = int(birth.min())
    if int(birth.max()) - low < 1 << 16:
        return np.argsort((birth - low).astype(np.uint16), kind="stable")
    return np.argsort(birth, kind="stable")


@lru_cache(maxsize=4)
def aranges(n: int) -> tuple[Arr, Arr]:
    rows, rows32 = np.arange(n, dtype=np.int64), np.arange(n, dtype=np.int32)
    rows.setflags(write=False)
    rows32.setflags(write=False)
    return rows, rows32


def last_per_person(person: Arr, sel: Arr) -> Arr:
    """Of the positions *sel* (in table order), the last one of each person."""
    if not len(sel):
        return sel
    p = person[sel]
    keep = np.ones(len(sel), dtype=np.bool_)
    keep[:-1] = p[:-1] != p[1:]
    return sel[keep]


def first_per_person(person: Arr, sel: Arr) -> Arr:
    """Of the positions *sel* (in table order), the first one of each person."""
    if not len(sel):
        return sel
    p = person[sel]
    keep = np.ones(len(sel), dtype=np.bool_)
    keep[1:] = p[1:] != p[:-1]
    return sel[keep]

"""The vectorised evaluator: the catalogue over a whole population, as ``due()`` per person.

``due_batch`` evaluates every entry in force over the rows its eligibility
admits, with NumPy operations over columns of day numbers: there is no
Python loop over persons, only over entries, doses, contacts, visits and
occurrence windows. Each rule kind mirrors its per-person twin in
:mod:`ilp.lifecycle._engine` step for step; ``tests/population`` proves they
agree.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import itertools
import weakref
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt
import pendulum

from ilp.dates import Duration, _add_months_day, as_date, days_as_datetime64, from_day
from ilp.errors import ILPError, PopulationError, UnknownServiceError
from ilp.lifecycle._engine import DEFAULT_HORIZON, Region, Status
from ilp.lifecycle._model import (
    BirthdayRule,
    CalendarRule,
    Catalogue,
    Entry,
    FollowupRule,
    Limit,
    OnceRule,
    PostnatalRule,
    PregnancyRule,
    RecurringRule,
    SchoolRule,
    SeriesRule,
)
from ilp.lifecycle._stages import _AGE_STAGES, NEONATE_DAYS, NIFAS_DAYS, LifeStage
from ilp.people import POSTTERM_DAYS, Outcome, Sex
from ilp.population._calendar import NO_DAY, Arr, Calendar, max_birth, min_birth
from ilp.population.columns import CONDITIONS, OUTCOMES, History, Population

__all__ = ["NOT_LISTED", "STATUS_CODES", "BatchResult", "SlotItems", "due_batch"]

#: The status code of a slot that is not listed for a person.
NOT_LISTED: Final = 0
#: The int8 code of each status in ``BatchResult`` arrays (1 to 5, in ``Status`` order).
STATUS_CODES: Final[Mapping[Status, int]] = {s: i + 1 for i, s in enumerate(Status)}
_STATUSES: Final = (None, *Status)
#: The order of ``due()``: overdue, due, upcoming, missed, completed.
_RANK: Final = {s: i for i, s in enumerate(Status)}

_OVERDUE: Final = STATUS_CODES[Status.OVERDUE]
_DUE: Final = STATUS_CODES[Status.DUE]
_UPCOMING: Final = STATUS_CODES[Status.UPCOMING]
_MISSED: Final = STATUS_CODES[Status.MISSED]
_COMPLETED: Final = STATUS_CODES[Status.COMPLETED]
# status() and decide() compute codes arithmetically, relying on this order
assert (_OVERDUE, _DUE, _UPCOMING, _MISSED, _COMPLETED) == (1, 2, 3, 4, 5)

_ONE_DAY: Final = Duration(days=1)
_MISCARRIAGE: Final = OUTCOMES.index(Outcome.MISCARRIAGE)
_PREGNANCY_STAGES: Final = frozenset(
    {LifeStage.IBU_HAMIL, LifeStage.IBU_BERSALIN, LifeStage.IBU_NIFAS}
)
_SEX_CODE: Final = {Sex.FEMALE: 0, Sex.MALE: 1}

Day = npt.NDArray[np.int32]


@attrs.frozen(eq=False, repr=False)
class SlotItems:
    """The listed items of one slot: the person rows, their status and dates.

    Arrays are aligned and read-only; dates are day numbers with
    :data:`~ilp.population.NO_DAY` for None; ``status`` holds
    :data:`STATUS_CODES` values.
    """

    rows: npt.NDArray[np.int32]
    status: npt.NDArray[np.int8]
    earliest: Day
    recommended: Day
    overdue: Day
    latest: Day
    given: Day

    def __len__(self) -> int:
        return len(self.rows)

    def dates(self, field: str = "recommended") -> npt.NDArray[np.datetime64]:
        """One date column (``earliest``, ``recommended``, ``overdue``, ``latest``, ``given``)
        as ``datetime64[D]``, NaT for None; aligned with ``rows``."""
        return days_as_datetime64(_date_column(self, field))  # type: ignore[no-any-return]


_Item = tuple[
    str,
    int | None,
    Status,
    pendulum.Date,
    pendulum.Date,
    pendulum.Date | None,
    pendulum.Date | None,
    pendulum.Date | None,
]


_DATE_FIELDS: Final = ("earliest", "recommended", "overdue", "latest", "given")


def _date_column(items: SlotItems, field: str) -> Day:
    if field not in _DATE_FIELDS:
        msg = f"field: {field!r} is not one of {', '.join(_DATE_FIELDS)}"
        raise PopulationError(msg, field="field", value=field)
    return getattr(items, field)  # type: ignore[no-any-return]


def _date(day: int) -> pendulum.Date | None:
    return None if day == NO_DAY else from_day(day)


@attrs.frozen(eq=False, repr=False)
class BatchResult:
    """What ``due_batch`` found: for each slot, the persons it lists and their items.

    A slot is one service position of a catalogue entry (each dose,
    contact or visit of a series, or the single service of an entry), for
    every entry of the catalogue; ``codes[s]``, ``doses[s]`` and
    ``entries[s]`` say what slot *s* is. ``slots[s]`` holds the items.
    """

    on: pendulum.Date
    size: int
    codes: tuple[str, ...]
    doses: tuple[int | None, ...]
    entries: tuple[str, ...]
    slots: tuple[SlotItems, ...]
    _order: list[npt.NDArray[Any]] = attrs.field(init=False, factory=list)

    def __len__(self) -> int:
        """The number of items listed, over all persons."""
        return sum(len(s) for s in self.slots)

    def __repr__(self) -> str:
        return f"BatchResult({self.size} people on {self.on}: {len(self)} items)"

    def status_of(self, slot: int) -> npt.NDArray[np.int8]:
        """The status code of *slot* for every person (:data:`NOT_LISTED` where not listed)."""
        out = np.zeros(self.size, dtype=np.int8)
        items = self.slots[slot]
        out[items.rows] = items.status
        return out

    def dates_of(self, slot: int, field: str = "recommended") -> npt.NDArray[np.datetime64]:
        """One date of *slot* for every person as ``datetime64[D]``: NaT where not listed or None.

        *field* is ``earliest``, ``recommended``, ``overdue``, ``latest`` or
        ``given``; the day numbers stay available in ``slots[slot]``.
        """
        items = self.slots[slot]
        out = np.full(self.size, NO_DAY, dtype=np.int64)
        out[items.rows] = _date_column(items, field)
        return days_as_datetime64(out)  # type: ignore[no-any-return]

    def items_of(self, row: int) -> list[_Item]:
        """The items of the person in *row*, as ``due()`` lists them, most urgent first.

        Each is ``(code, dose, status, earliest, recommended, overdue,
        latest, given)`` with dates as ``pendulum.Date`` or None.
        """
        if not 0 <= row < self.size:
            msg = f"row: {row!r} is not a row of the {self.size} people"
            raise PopulationError(msg, field="row", value=row)
        if not self._order:
            rows = np.concatenate([s.rows for s in self.slots] + [np.zeros(0, np.int32)])
            slot = np.repeat(np.arange(len(self.slots)), [len(s) for s in self.slots])
            local = np.concatenate(
                [np.arange(len(s)) for s in self.slots] + [np.zeros(0, np.int64)]
            )
            order = np.argsort(rows, kind="stable")
            starts = np.searchsorted(rows[order], np.arange(self.size + 1))
            self._order.extend((slot[order], local[order], starts))
        slot, local, starts = self._order
        lo, hi = int(starts[row]), int(starts[row + 1])
        out: list[_Item] = []
        for s, k in zip(slot[lo:hi].tolist(), local[lo:hi].tolist(), strict=True):
            items = self.slots[s]
            status = _STATUSES[int(items.status[k])]
            assert status is not None
            out.append(
                (
                    self.codes[s],
                    self.doses[s],
                    status,
                    from_day(int(items.earliest[k])),
                    from_day(int(items.recommended[k])),
                    _date(int(items.overdue[k])),
                    _date(int(items.latest[k])),
                    _date(int(items.given[k])),
                )
            )
        out.sort(key=lambda x: (_RANK[x[2]], x[4], x[0], x[1] or 0))
        return out

    def counts(self, status: Status | str | Iterable[Status | str] | None = None) -> dict[str, int]:
        """Per code, the number of items with *status* (one or several; None: any listed).

        Codes with no such item are left out.
        """
        wanted = _status_codes(status)
        out: dict[str, int] = {}
        for code, items in zip(self.codes, self.slots, strict=True):
            if not len(items):
                continue
            if wanted is None:
                n = len(items)
            else:
                n = int(np.count_nonzero(np.isin(items.status, wanted)))
            if n:
                out[code] = out.get(code, 0) + n
        return out

    def table(self) -> npt.NDArray[np.int64]:
        """Counts per slot and status code: shape (slots, 6), column 0 is "not listed"."""
        out = np.zeros((len(self.slots), 6), dtype=np.int64)
        for s, items in enumerate(self.slots):
            out[s] = np.bincount(items.status, minlength=6)
            out[s, NOT_LISTED] = self.size - len(items)
        return out

    def to_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """All items as flat columns: ``person``, ``slot``, ``status`` and the five dates."""
        slots = self.slots
        out: dict[str, npt.NDArray[Any]] = {
            "person": np.concatenate([s.rows for s in slots] + [np.zeros(0, np.int32)]),
            "slot": np.repeat(np.arange(len(slots), dtype=np.int16), [len(s) for s in slots]),
        }
        out["status"] = np.concatenate([s.status for s in slots] + [np.zeros(0, np.int8)])
        for name in ("earliest", "recommended", "overdue", "latest", "given"):
            out[name] = np.concatenate([getattr(s, name) for s in slots] + [np.zeros(0, np.int32)])
        return out


def _status_codes(value: Status | str | Iterable[Status | str] | None) -> list[int] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, Status | str) else list(value)
    out = []
    for v in values:
        try:
            out.append(STATUS_CODES[v if isinstance(v, Status) else Status(v)])
        except ValueError:
            msg = f"status: {v!r} is not a Status"
            raise ILPError(msg, field="status", value=v) from None
    return out


# ---------------------------------------------------------------------------
# the plan of a catalogue: slots and the longest duration it uses


@attrs.frozen
class _Plan:
    codes: tuple[str, ...]
    doses: tuple[int | None, ...]
    entries: tuple[str, ...]
    base: dict[int, int]  # id(entry) -> its first slot
    span: int  # an upper bound, in days, of any duration in the catalogue


_PLANS: Final[weakref.WeakKeyDictionary[Catalogue, _Plan]] = weakref.WeakKeyDictionary()


def _durations(value: Any) -> Iterable[Duration]:
    if isinstance(value, Duration):
        yield value
    elif isinstance(value, Limit):
        yield value.duration
    elif isinstance(value, tuple):
        for v in value:
            yield from _durations(v)
    elif attrs.has(type(value)):
        for f in attrs.fields(type(value)):
            yield from _durations(getattr(value, f.name))


def _plan(catalogue: Catalogue) -> _Plan:
    plan = _PLANS.get(catalogue)
    if plan is None:
        codes: list[str] = []
        doses: list[int | None] = []
        keys: list[str] = []
        base: dict[int, int] = {}
        span = 366
        for entry in catalogue.entries:
            base[id(entry)] = len(codes)
            for svc in entry.services:
                codes.append(svc.code)
                doses.append(svc.dose)
                keys.append(entry.key)
            for dur in _durations((entry.rule, entry.eligibility)):
                span = max(span, dur.months * 31 + dur.days + 1)
        plan = _Plan(tuple(codes), tuple(doses), tuple(keys), base, span)
        _PLANS[catalogue] = plan
    return plan


# ---------------------------------------------------------------------------
# one evaluation


def _month_span(year: int, month: int) -> tuple[int, int]:
    first = _dt.date(year, month, 1).toordinal()
    return first, _add_months_day(first, 1) - 1


def _take(values: Arr, sel: Arr | None) -> Arr:
    return values if sel is None else values[sel]


def _sorted_disjoint(windows: Sequence[tuple[int, int]]) -> bool:
    return all(lo <= hi for lo, hi in windows) and all(
        a[1] < b[0] for a, b in itertools.pairwise(windows)
    )


class _Cohort:
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
        self.segments: dict[str, _Segments | None] = {}
        self.cache: dict[Any, Arr] = {}
        self.scopes: dict[Any, tuple[Arr, Arr | None]] = {}

    def __len__(self) -> int:
        return len(self.rows)


class _Segments:
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


class _Pregnancies:
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
        first = _first_per_person(person, current)  # _current_pregnancy: the first
        #: Rows pregnant on the date, with the HPHT and last pregnant day of that pregnancy.
        self.pregnant = (person[first], lmp[first], last_day[first])
        birth = ended & (pop.preg_outcome != _MISCARRIAGE)
        last = _last_per_person(person, np.flatnonzero(birth & (dl <= d)))
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


def _lookup(rows: Arr, keys: Arr, *values: Arr) -> tuple[Arr, ...]:
    """Positions of *rows* found in sorted *keys*, and the *values* there."""
    if not len(keys):
        found = np.zeros(0, dtype=np.int64)
        return (found, *(v[:0] for v in values))
    pos = np.minimum(np.searchsorted(keys, rows), len(keys) - 1)
    found = np.flatnonzero(keys[pos] == rows)
    at = pos[found]
    return (found, *(v[at] for v in values))


def _birth_order(birth: Arr) -> Arr:
    """The rows in order of birth (stable): a radix sort when births span under 179 years."""
    if not len(birth):
        return np.zeros(0, dtype=np.int64)
    low = int(birth.min())
    if int(birth.max()) - low < 1 << 16:
        return np.argsort((birth - low).astype(np.uint16), kind="stable")
    return np.argsort(birth, kind="stable")


@lru_cache(maxsize=4)
def _aranges(n: int) -> tuple[Arr, Arr]:
    rows, rows32 = np.arange(n, dtype=np.int64), np.arange(n, dtype=np.int32)
    rows.setflags(write=False)
    rows32.setflags(write=False)
    return rows, rows32


def _last_per_person(person: Arr, sel: Arr) -> Arr:
    """Of the positions *sel* (in table order), the last one of each person."""
    if not len(sel):
        return sel
    p = person[sel]
    keep = np.ones(len(sel), dtype=np.bool_)
    keep[:-1] = p[:-1] != p[1:]
    return sel[keep]


def _first_per_person(person: Arr, sel: Arr) -> Arr:
    """Of the positions *sel* (in table order), the first one of each person."""
    if not len(sel):
        return sel
    p = person[sel]
    keep = np.ones(len(sel), dtype=np.bool_)
    keep[1:] = p[1:] != p[:-1]
    return sel[keep]


#: An occurrence per row: (present, first day, last day) for the previous, current, next.
_Occurrence = tuple[Arr, Arr, Arr]


class _Run:
    """Everything one ``due_batch`` call shares."""

    def __init__(
        self,
        pop: Population,
        history: History,
        *,
        d: int,
        region: Region,
        horizon: int,
        plan: _Plan,
    ) -> None:
        self.pop = pop
        self.history = history
        self.d = d
        self.h = horizon
        self.region = region
        self.plan = plan
        self.alive = (pop.birth <= d) & (pop.death >= d)
        lo = int(pop.birth.min()) if len(pop) else d
        self.cal = Calendar(lo, d + horizon + plan.span + 400)
        self.pieces: list[list[tuple[Arr, ...]]] = [[] for _ in plan.codes]
        self._records: dict[str, tuple[Arr, Arr] | None] = {}
        self._cohorts: dict[tuple[Any, ...], _Cohort | None] = {}
        self._preg: _Pregnancies | None = None
        self._thresholds: dict[tuple[int, int], int] = {}
        self.all_alive = bool(self.alive.all())
        self._bases: dict[tuple[Any, ...], tuple[Arr, Arr, Arr, Arr, bool]] = {}
        self._places: dict[str, Arr | None] = {}
        #: The rows in order of birth (None when they already are), and their births.
        self.order: Arr | None = None if pop.birth_sorted else _birth_order(pop.birth)
        self.births = pop.birth if self.order is None else pop.birth[self.order]
        self._inverse: Arr | None = None
        self._ordered: dict[str, Arr] = {}
        #: The cohort rows of the entry being evaluated not yet in its age band (or None).
        self.ahead: Arr | None = None

    # -- shared facts ------------------------------------------------------------------

    @property
    def preg(self) -> _Pregnancies:
        if self._preg is None:
            self._preg = _Pregnancies(self.pop, self.d)
        return self._preg

    def all_rows(self) -> tuple[Arr, Arr]:
        """Every row number, as int64 and int32 (read-only, shared between calls)."""
        return _aranges(len(self.pop))

    def ordered_rows(self) -> tuple[Arr, Arr]:
        """Every row, in order of birth, as int64 and int32."""
        if self.order is None:
            return self.all_rows()
        if "rows" not in self._ordered:
            self._ordered["rows"] = self.order.astype(np.int32)
        return self.order, self._ordered["rows"]

    def in_birth_order(self, name: str) -> Arr:
        """A person column (or ``alive``) with its rows in order of birth."""
        found = self._ordered.get(name)
        if found is None:
            values = self.alive if name == "alive" else getattr(self.pop, name)
            found = values if self.order is None else values[self.order]
            self._ordered[name] = found
        return found

    @property
    def inverse(self) -> Arr:
        """Each row's place in birth order."""
        if self._inverse is None:
            assert self.order is not None
            self._inverse = np.empty(len(self.order), dtype=np.int32)
            self._inverse[self.order] = self.all_rows()[1]
        return self._inverse

    def threshold(self, months: int, day: int) -> int:
        """The last birth day at which a person is at least *months* old on *day*."""
        key = (months, day)
        found = self._thresholds.get(key)
        if found is None:
            found = self._thresholds[key] = max_birth(Duration(months=months), day)
        return found

    def threshold_for(self, age: Duration) -> int:
        """The last birth day at which a person is at least *age* old on the date."""
        if age.days:
            return max_birth(age, self.d)
        return self.threshold(age.months, self.d)

    def after(self, co: _Cohort, duration: Duration) -> Arr:
        """*duration* after each cohort row's birth (shared by the entries of a cohort)."""
        found = co.cache.get(duration)
        if found is None:
            found = co.cache[duration] = self.cal.after(duration, co.b)
        return found

    def records(self, code: str) -> tuple[Arr, Arr] | None:
        """Persons and days of the records of *code* up to the date (None when none)."""
        if code not in self._records:
            person, day = self.history.of_code(code)
            keep = day <= self.d
            if not keep.all():
                person, day = person[keep], day[keep]
            if len(day) and int(day.min()) < self.cal.lo:
                # only a History built without its population can hold such a record
                msg = f"history: a record of {code} is dated before every birth"
                raise PopulationError(msg, field="rec_day", value=int(day.min()))
            self._records[code] = (person, day) if len(person) else None
        return self._records[code]

    def record_places(self, code: str) -> Arr | None:
        """The places in birth order of the persons of the records of *code* (unsorted)."""
        if code not in self._places:
            found = self.records(code)
            self._places[code] = None if found is None else self.inverse[found[0]]
        return self._places[code]

    def segments(self, co: _Cohort, code: str) -> _Segments | None:
        """For each cohort row, where its records of *code* start and how many there are."""
        if code in co.segments:
            return co.segments[code]
        seg = None
        found = self.records(code)
        if found is not None:
            person, day = found
            lo, hi = co.lo, co.hi
            if self.order is None:  # persons are places: the records are sorted by them
                i, j = np.searchsorted(person, [lo, hi])
                loc, day = person[i:j] - lo, day[i:j]
            else:
                places = self.record_places(code)
                assert places is not None
                inside = np.flatnonzero((places >= lo) & (places < hi))
                loc, day = places[inside] - lo, day[inside]
            if len(loc) and not co.contiguous:
                local = co.cache.get("local")
                if local is None:
                    local = np.full(hi - lo, -1, dtype=np.int32)
                    local[co.pos - lo] = np.arange(len(co), dtype=np.int32)
                    co.cache["local"] = local
                loc = local[loc]
                keep = loc >= 0
                if not keep.all():
                    loc, day = loc[keep], day[keep]
            if len(loc):
                seg = _Segments(loc, day, len(co))
        co.segments[code] = seg
        return seg

    # -- record queries (over the cohort rows *sel*, None for all) ------------------------

    def kth(self, co: _Cohort, code: str, k: int, sel: Arr | None = None) -> Arr | None:
        """The *k*-th record (from 0) of *code* of each row, or NO_DAY."""
        seg = self.segments(co, code)
        if seg is None:
            return None
        c = _take(seg.count, sel)
        ok = np.flatnonzero(c > k)
        out = np.full(len(c), NO_DAY, dtype=np.int32)
        out[ok] = seg.day[_take(seg.start, sel)[ok] + k]
        return out

    def first_from(
        self, co: _Cohort, code: str, lo: Arr | int, sel: Arr | None = None
    ) -> tuple[Arr, Arr, _Segments] | None:
        """Position of each row's first record of *code* on or after *lo*, and its end."""
        seg = self.segments(co, code)
        if seg is None:
            return None
        a = _take(seg.start, sel)
        c = _take(seg.count, sel)
        z = a + c
        hi = z
        steps = int(c.max()).bit_length() if len(c) else 0
        for _ in range(steps):  # a vectorised bisect within each row's records
            mid = (a + hi) >> 1
            less = (a < hi) & (seg.day[np.minimum(mid, seg.top)] < lo)
            a = np.where(less, mid + 1, a)
            hi = np.where(less, hi, mid)
        return a, z, seg

    def first_in(
        self, co: _Cohort, code: str, lo: Arr | int, hi: Arr | int, sel: Arr | None = None
    ) -> Arr:
        """Each row's first record of *code* from *lo* to *hi* (inclusive), or NO_DAY."""
        m = len(co) if sel is None else len(sel)
        out = np.full(m, NO_DAY, dtype=np.int32)
        found = self.first_from(co, code, lo, sel)
        if found is None:
            return out
        pos, end, seg = found
        ok = np.flatnonzero(pos < end)
        got = seg.day[pos[ok]]
        inside = got <= (hi if np.ndim(hi) == 0 else hi[ok])  # type: ignore[index]
        out[ok[inside]] = got[inside]
        return out

    # -- eligibility ---------------------------------------------------------------------

    def cohort(self, entry: Entry) -> _Cohort | None:
        """The rows admitted by the entry's eligibility (``_eligible``), shared by key."""
        el = entry.eligibility
        if el.region is not None and el.region not in self.region.flags:
            return None
        d = self.d
        lo_b, hi_b = 1, d
        if el.age_from is not None:
            hi_b = min(hi_b, max_birth(el.age_from, d + self.h))
        if el.age_to is not None:
            lo_b = max(lo_b, min_birth(el.age_to, d))
        if el.born_from is not None:
            lo_b = max(lo_b, el.born_from.toordinal())
        if el.born_before is not None:
            hi_b = min(hi_b, el.born_before.toordinal() - 1)
        if lo_b > hi_b:
            return None
        sex = None if el.sex is None else _SEX_CODE[el.sex]
        bits = sum(1 << CONDITIONS.index(c) for c in el.conditions)
        key = (lo_b, hi_b, sex, bits, el.sexually_active, el.stages)
        if key not in self._cohorts:
            self._cohorts[key] = self._make_cohort(key)
        return self._cohorts[key]

    def _base(self, sex: int | None, bits: int, active: bool) -> tuple[Arr, Arr, Arr, Arr, bool]:
        """The living rows passing the filters that do not depend on age, in birth order.

        Returns their places in birth order, rows (int64 and int32), births, and
        whether they are every row.
        """
        key = (sex, bits, active)
        found = self._bases.get(key)
        if found is None:
            column = self.in_birth_order
            mask = None if self.all_alive else column("alive")
            if sex is not None:
                ok = column("sex") == sex
                mask = ok if mask is None else mask & ok
            if bits:
                ok = (column("conditions") & bits) != 0
                mask = ok if mask is None else mask & ok
            if active:
                ok = column("sexually_active") != 0
                mask = ok if mask is None else mask & ok
            places, _ = self.all_rows()
            if mask is None:
                rows, rows32 = self.ordered_rows()
                found = (places, rows, rows32, self.births, True)
            else:
                pos = np.flatnonzero(mask)
                rows = pos if self.order is None else self.order[pos]
                found = (pos, rows, rows.astype(np.int32), self.births[pos], False)
            self._bases[key] = found
        return found

    def _birth_ranges(
        self, stages: frozenset[LifeStage], lo_b: int, hi_b: int
    ) -> list[tuple[int, int]]:
        """The age stages among *stages* as merged ranges of birth days within [lo_b, hi_b]."""
        d = self.d
        ranges = []
        for stage, lo, hi in _AGE_STAGES:
            if stage in stages:
                top = self.threshold(lo, d)
                bottom = 1 if hi is None else self.threshold(hi, d) + 1
                ranges.append((bottom, top))
        if LifeStage.NEONATUS in stages:
            ranges.append((d - NEONATE_DAYS, d))
        merged: list[tuple[int, int]] = []
        for first, last in sorted(ranges):
            a, b = max(first, lo_b), min(last, hi_b)
            if a > b:
                continue
            if merged and a <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged

    def _make_cohort(self, key: tuple[Any, ...]) -> _Cohort | None:
        lo_b, hi_b, sex, bits, active, stages = key
        pop = self.pop
        if stages and stages <= _PREGNANCY_STAGES:
            rows = np.unique(np.concatenate([self.preg.rows[stage] for stage in stages]))
            b = pop.birth[rows]
            ok = self.alive[rows] & (b >= lo_b) & (b <= hi_b)
            if sex is not None:
                ok &= pop.sex[rows] == sex
            if bits:
                ok &= (pop.conditions[rows] & bits) != 0
            if active:
                ok &= pop.sexually_active[rows] != 0
            rows = rows[ok]
            if not len(rows):
                return None
            pos = rows if self.order is None else self.inverse[rows]
            return _Cohort(
                rows,
                rows.astype(np.int32),
                b[ok],
                pos,
                contiguous=False,
                ordered=self.order is None,
            )
        places, base, base32, births, whole = self._base(sex, bits, active)
        ranges = [(lo_b, hi_b)]
        pregnant = stages & _PREGNANCY_STAGES if stages else frozenset()
        if stages and not pregnant:
            ranges = self._birth_ranges(stages, lo_b, hi_b)
        # in birth order, each range of births is a slice
        bounds = np.searchsorted(births, [x for a, b in ranges for x in (a, b + 1)])
        parts = [(int(i), int(j)) for i, j in zip(bounds[::2], bounds[1::2], strict=True) if i < j]
        if not parts:
            return None
        if len(parts) == 1:
            i, j = parts[0]
            co = _Cohort(
                base[i:j], base32[i:j], births[i:j], places[i:j], contiguous=whole, ordered=True
            )
        else:
            co = _Cohort(
                *(
                    np.concatenate([x[i:j] for i, j in parts])
                    for x in (base, base32, births, places)
                ),
                contiguous=False,
                ordered=True,
            )
        if pregnant:
            idx = np.flatnonzero(self._in_stages(stages, co.rows, co.b))
            if not len(idx):
                return None
            co = _Cohort(
                co.rows[idx], co.rows32[idx], co.b[idx], co.pos[idx], contiguous=False, ordered=True
            )
        return co

    def _in_stages(self, stages: frozenset[LifeStage], rows: Arr, b: Arr) -> Arr:
        """Whether each row (born on *b*) is in one of *stages* on the date (``stages_of``)."""
        d = self.d
        ok = np.zeros(len(b), dtype=np.bool_)
        for stage, lo, hi in _AGE_STAGES:
            if stage in stages:
                inside = b <= self.threshold(lo, d)
                if hi is not None:
                    inside &= b > self.threshold(hi, d)
                ok |= inside
        if LifeStage.NEONATUS in stages:
            ok |= b >= d - NEONATE_DAYS
        for stage in stages & _PREGNANCY_STAGES:
            ok |= self.preg.flag(stage, rows)
        return ok

    # -- shared pieces of rules ------------------------------------------------------------

    def scope(self, entry: Entry, co: _Cohort, sel: Arr | None = None) -> tuple[Arr, Arr | None]:
        """``_scope`` of the engine: first and last day of the eligibility by age."""
        el = entry.eligibility
        key = ("scope", el.age_from, el.age_to, entry.effective_from)
        found = co.scopes.get(key)
        if found is None:
            start = co.b if el.age_from is None else self.after(co, el.age_from)
            if entry.effective_from is not None:
                start = np.maximum(start, entry.effective_from.toordinal())
            end = None
            if el.age_to is not None:
                end = self.after(co, el.age_to.duration)
                if el.age_to.exclusive:
                    end = end - 1
            found = co.scopes[key] = (start, end)
        start, end = found
        return _take(start, sel), None if end is None else _take(end, sel)

    def status(self, e: Arr, o: Arr | None, latest: Arr | None) -> Arr:
        """``_status`` of the engine as int8 codes: missed, upcoming, overdue or due."""
        d = self.d
        st: Arr
        if o is None:
            st = np.full(len(e), _DUE, dtype=np.int8)
        else:
            st = np.int8(_DUE) - (o <= d).view(np.int8)
        np.maximum(st, (e > d).view(np.int8) * np.int8(_UPCOMING), out=st)
        if latest is not None:
            missed = (latest < d) | (latest < e)
            np.maximum(st, missed.view(np.int8) * np.int8(_MISSED), out=st)
        return st

    def visible(self, st: Arr, e: Arr) -> Arr:
        """``_visible`` of the engine: upcoming items only within the horizon."""
        shown: Arr = (st != _UPCOMING) | (e <= self.d + self.h)
        return shown

    def emit(  # noqa: PLR0917 - internal: the columns of one item, as the engine's tuples
        self,
        slot: int,
        co: _Cohort,
        sel: Arr | None,
        st: Arr | int,
        e: Arr,
        r: Arr,
        o: Arr | None,
        latest: Arr | None,
        given: Arr | None,
        keep: Arr | None = None,
    ) -> None:
        """Add the items of cohort rows *sel* (None: all) to *slot*, those *keep* says."""
        rows = co.rows32 if sel is None else co.rows32[sel]
        if self.ahead is not None:
            # not yet in the age band (admitted by the horizon): only what is upcoming
            pos = self.ahead
            if sel is not None:
                pos = np.minimum(np.searchsorted(sel, pos), len(sel) - 1)
                pos = pos[sel[pos] == self.ahead]
            if isinstance(st, int):
                bad = pos if st != _UPCOMING else pos[:0]
            else:
                bad = pos[st[pos] != _UPCOMING]
            if len(bad):
                keep = np.ones(len(rows), dtype=np.bool_) if keep is None else keep.copy()
                keep[bad] = False
        same = r is e  # most rules recommend the earliest day: compress it once
        columns: list[Arr | int | None] = [st, e, None if same else r, o, latest, given]
        if keep is not None and not keep.all():
            idx = np.flatnonzero(keep)
            if not len(idx):
                return
            rows = rows[idx]
            columns = [x if x is None or isinstance(x, int) else x[idx] for x in columns]
        if same:
            columns[2] = columns[1]
        n = len(rows)
        if not n:
            return
        none = np.broadcast_to(np.int32(NO_DAY), (n,))
        dates = [
            none if x is None else np.broadcast_to(np.asarray(x, dtype=np.int32), (n,))
            for x in columns[1:]
        ]
        status = np.broadcast_to(np.asarray(columns[0], dtype=np.int8), (n,))
        self.pieces[slot].append((rows, status, *dates))

    # -- rule kinds ----------------------------------------------------------------------------

    def once(self, entry: Entry, rule: OnceRule, co: _Cohort, slot: int) -> None:
        svc = entry.services[0]
        start, _ = self.scope(entry, co)
        e = np.maximum(self.after(co, rule.earliest), start)
        rec_age = self.region.ages.get(svc.code, rule.recommended)
        r = np.maximum(self.after(co, rec_age), e) if rec_age is not None else e
        o = np.maximum(self.after(co, rule.overdue), e) if rule.overdue is not None else None
        latest = None
        if rule.latest is not None:
            latest = self.after(co, rule.latest.duration) - (1 if rule.latest.exclusive else 0)
        st = self.status(e, o, latest)
        given = self.kth(co, svc.code, 0)
        if given is not None:
            st[given != NO_DAY] = _COMPLETED
        self.emit(slot, co, None, st, e, r, o, latest, given, self.visible(st, e))

    def series(self, entry: Entry, rule: SeriesRule, co: _Cohort, slot: int) -> None:
        cal = self.cal
        start, _ = self.scope(entry, co)
        sel: Arr | None = None  # the rows that have had every earlier dose
        prev: Arr | None = None
        used: dict[str, int] = {}
        for j, (_svc, dose) in enumerate(zip(entry.services, rule.doses, strict=True)):
            if dose.born_from is not None:
                keep = np.flatnonzero(_take(co.b, sel) >= dose.born_from.toordinal())
                sel = keep if sel is None else sel[keep]
                prev = None if prev is None else prev[keep]
                if not len(sel):
                    return
            k = used.get(dose.code, 0)
            used[dose.code] = k + 1
            rec = self.kth(co, dose.code, k, sel)
            psel, pprev = sel, prev
            done = None
            if rec is not None:
                done = np.flatnonzero(rec != NO_DAY)
                if len(done):
                    dsel = done if sel is None else sel[done]
                    ec = _take(self.after(co, dose.earliest), dsel)
                    self.emit(slot + j, co, dsel, _COMPLETED, ec, ec, None, None, rec[done])
                    pend = np.flatnonzero(rec == NO_DAY)
                    psel = pend if sel is None else sel[pend]
                    pprev = None if prev is None else prev[pend]
            if psel is None or len(psel):
                e = np.maximum(_take(self.after(co, dose.earliest), psel), _take(start, psel))
                if pprev is not None:
                    e = np.maximum(e, cal.after(dose.min_interval or _ONE_DAY, pprev))
                rec_age = self.region.ages.get(dose.code, dose.recommended)
                r = e
                if rec_age is not None:
                    r = np.maximum(r, _take(self.after(co, rec_age), psel))
                if dose.recommended_interval is not None and pprev is not None:
                    r = np.maximum(r, cal.after(dose.recommended_interval, pprev))
                o = None
                if dose.overdue is not None:
                    o = np.maximum(_take(self.after(co, dose.overdue), psel), e)
                latest = None
                if dose.latest is not None:
                    latest = _take(self.after(co, dose.latest.duration), psel)
                    if dose.latest.exclusive:
                        latest = latest - 1
                st = self.status(e, o, latest)
                self.emit(slot + j, co, psel, st, e, r, o, latest, None, self.visible(st, e))
            if rec is None or done is None or not len(done):
                return
            sel = done if sel is None else sel[done]
            prev = rec[done]

    def recurring(self, entry: Entry, rule: RecurringRule, co: _Cohort, slot: int) -> None:
        svc = entry.services[0]
        d, cal = self.d, self.cal
        start, end = self.scope(entry, co)
        seg = self.segments(co, svc.code)
        has, last = (None, None) if seg is None else seg.last()
        sel: Arr | None = None
        if rule.since_pregnancy:
            sel, lmp = _lookup(co.rows, *self.preg.pregnant[:2])
            if not len(sel):
                return
            start = np.maximum(start[sel], lmp)
            end = None if end is None else end[sel]
            o_none = cal.after(rule.grace, start)
            st_none = self.status(start, o_none, end)
            if has is not None and last is not None:
                # only records since the HPHT of the current pregnancy count
                pos = np.minimum(np.searchsorted(sel, has), len(sel) - 1)
                ok = (sel[pos] == has) & (last >= lmp[pos])
                has, last = pos[ok], last[ok]
        else:
            el = entry.eligibility
            key = ("grace", el.age_from, entry.effective_from, rule.grace)
            cached = co.cache.get(key)
            if cached is None:
                cached = co.cache[key] = cal.after(rule.grace, start)
            o_none = cached
            key_st = (*key, el.age_to)
            cached = co.cache.get(key_st)
            if cached is None:
                cached = co.cache[key_st] = self.status(start, o_none, end)
            st_none = cached
        # never given: due from the start of the eligibility, which the eligibility keeps
        # within the horizon; given: upcoming only when late, and then within the horizon
        e, o, st, given = start, o_none, st_none, None
        if has is not None and last is not None and len(has):
            # a record from before the age band opened does not bring the next one forward
            eh = np.maximum(cal.after(rule.interval, last), start[has])
            oh = cal.after(rule.grace, eh)
            endh = None if end is None else end[has]
            sth = self.status(eh, oh, endh)
            late = eh > d if endh is None else (eh > d) | (eh > endh)
            if late.any():
                up = late & (eh - d <= self.h)
                if endh is not None:
                    up &= eh <= endh
                done = late & ~up
                sth[up] = _UPCOMING
                sth[done] = _COMPLETED
                if done.any():
                    given = np.full(len(start), NO_DAY, dtype=np.int32)
                    given[has[done]] = last[done]
            e, o, st = start.copy(), o_none.copy(), st_none.copy()
            e[has], o[has], st[has] = eh, oh, sth
        self.emit(slot, co, sel, st, e, e, o, end, given)

    def decide(  # noqa: PLR0917 - internal helper shared by four rule kinds
        self,
        co: _Cohort,
        code: str,
        sel: Arr | None,
        m: int,
        cur: _Occurrence,
        nxt: _Occurrence,
        prev: _Occurrence,
    ) -> tuple[Arr, Arr, Arr, Arr | None]:
        """The end of ``_occurrences``: status, earliest, latest and given of each row.

        The current occurrence is completed by a record in it, unless the next
        one is within the horizon (then that one is upcoming); with no current
        occurrence, the next one within the horizon is upcoming, else the
        previous one is completed or missed.
        """
        d = self.d
        has_c, clo, chi = cur
        has_n, nlo, nhi = nxt
        has_p, plo, phi = prev
        soon = has_n & (nlo <= d + self.h)
        use_p = has_p & ~has_c & ~soon
        seg = self.segments(co, code)
        given = None
        if seg is None:
            use_n = soon & ~has_c
            use_c = has_c
            st = use_n.view(np.int8) * np.int8(_UPCOMING)
            st += use_c.view(np.int8) * np.int8(_DUE)
            st += use_p.view(np.int8) * np.int8(_MISSED)
        else:
            count = _take(seg.count, sel)
            gc = np.full(m, NO_DAY, dtype=np.int32)
            ci = np.flatnonzero(has_c & (count > 0))
            if len(ci):
                gc[ci] = self.first_in(co, code, clo[ci], d, ci if sel is None else sel[ci])
            gp = np.full(m, NO_DAY, dtype=np.int32)
            pi = np.flatnonzero(use_p & (count > 0))
            if len(pi):
                gp[pi] = self.first_in(co, code, plo[pi], phi[pi], pi if sel is None else sel[pi])
            got_c = gc != NO_DAY
            use_n = soon & (~has_c | got_c)
            use_c = has_c & ~use_n
            st = use_n.view(np.int8) * np.int8(_UPCOMING)
            st += use_c.view(np.int8) * (np.int8(_DUE) + got_c.view(np.int8) * np.int8(3))
            st += use_p.view(np.int8) * (np.int8(_MISSED) + (gp != NO_DAY).view(np.int8))
            given = np.where(use_n, NO_DAY, np.where(has_c, gc, gp))
        e = np.where(use_n, nlo, np.where(has_c, clo, plo))
        latest = np.where(use_n, nhi, np.where(has_c, chi, phi))
        return st, e, latest, given

    def windows(
        self,
        windows: Sequence[tuple[Arr | int, Arr | int, Arr | None]],
        start: Arr,
        end: Arr | None,
    ) -> tuple[_Occurrence, _Occurrence, _Occurrence]:
        """The loop of ``_occurrences`` over windows in date order: previous, current, next."""
        d, m = self.d, len(start)
        plo, phi, clo, chi, nlo, nhi = (np.zeros(m, dtype=np.int32) for _ in range(6))
        has_p, has_c, has_n = (np.zeros(m, dtype=np.bool_) for _ in range(3))
        for first, last, valid in windows:
            lo = np.maximum(start, first)
            hi = np.broadcast_to(last, (m,)) if end is None else np.minimum(end, last)
            ok = (lo <= hi) & ~has_n  # the loop stops at the first window ahead
            if valid is not None:
                ok &= valid
            before = hi < d
            p = ok & before
            c = ok & ~before & (lo <= d)
            n = ok & (lo > d)
            np.copyto(plo, lo, where=p)
            np.copyto(phi, hi, where=p)
            np.copyto(clo, lo, where=c)
            np.copyto(chi, hi, where=c)
            np.copyto(nlo, lo, where=n)
            np.copyto(nhi, hi, where=n)
            has_p |= p
            has_c |= c
            has_n |= n
        return (has_p, plo, phi), (has_c, clo, chi), (has_n, nlo, nhi)

    def scalar_windows(
        self, windows: Sequence[tuple[int, int]], start: Arr, end: Arr | None
    ) -> tuple[_Occurrence, _Occurrence, _Occurrence]:
        """``windows`` for the same sorted, disjoint windows for every row, in closed form.

        Every row's end is on or after the date (the eligibility says so).
        """
        d, m = self.d, len(start)
        first = [w[0] for w in windows]
        last = [w[1] for w in windows]
        k = len(windows)
        kp = bisect.bisect_left(last, d) - 1  # the last window over before the date
        kn = bisect.bisect_right(first, d)  # the first window after it
        kc = kn - 1 if kn > 0 and last[kn - 1] >= d else -1  # the window holding it
        inside = start <= d
        if kc >= 0:
            has_c = inside
            clo = np.maximum(start, first[kc])
            chi = (
                np.broadcast_to(np.int32(last[kc]), (m,))
                if end is None
                else np.minimum(end, last[kc])
            )
        else:
            has_c = np.zeros(m, dtype=np.bool_)
            clo = chi = np.zeros(m, dtype=np.int32)
        if kp >= 0:
            has_p = inside & (start <= last[kp])
            plo = np.maximum(start, first[kp])
            phi = np.broadcast_to(np.int32(last[kp]), (m,))
        else:
            has_p = np.zeros(m, dtype=np.bool_)
            plo = phi = np.zeros(m, dtype=np.int32)
        if kn < k:
            has_n = inside.copy() if end is None else inside & (end >= first[kn])
            nlo = np.full(m, first[kn], dtype=np.int32)
            nhi = np.full(m, last[kn], dtype=np.int32) if end is None else np.minimum(end, last[kn])
        else:
            has_n = np.zeros(m, dtype=np.bool_)
            nlo, nhi = np.zeros(m, dtype=np.int32), np.zeros(m, dtype=np.int32)
        ahead = np.flatnonzero(~inside)
        if len(ahead):
            # rows whose eligibility starts after the date: the first window reaching it
            s = start[ahead]
            t = None if end is None else end[ahead]
            j = np.searchsorted(np.asarray(last), s)
            ok = j < k
            jj = np.minimum(j, k - 1)
            lo = np.maximum(np.asarray(first)[jj], s)
            hi = np.asarray(last)[jj] if t is None else np.minimum(np.asarray(last)[jj], t)
            ok &= lo <= hi
            has_n = has_n.copy()
            nlo = nlo.copy()
            nhi = np.array(nhi, dtype=np.int32)
            has_n[ahead] = ok
            nlo[ahead] = lo
            nhi[ahead] = hi
        return (has_p, plo, phi), (has_c, clo, chi), (has_n, nlo, nhi)

    def occurrences(  # noqa: PLR0917 - internal helper shared by two rule kinds
        self,
        co: _Cohort,
        code: str,
        sel: Arr | None,
        windows: Sequence[tuple[int, int]],
        start: Arr,
        end: Arr | None,
    ) -> tuple[Arr, Arr, Arr, Arr | None]:
        """``_occurrences`` for windows that are the same for every row."""
        if _sorted_disjoint(windows) and (end is None or bool(np.all(end >= self.d))):
            prev, cur, nxt = self.scalar_windows(windows, start, end)
        else:
            prev, cur, nxt = self.windows([(a, b, None) for a, b in windows], start, end)
        return self.decide(co, code, sel, len(start), cur, nxt, prev)

    def emit_occurrences(
        self, slot: int, co: _Cohort, sel: Arr | None, found: tuple[Arr, Arr, Arr, Arr | None]
    ) -> None:
        st, e, latest, given = found
        self.emit(slot, co, sel, st, e, e, None, latest, given, st != NOT_LISTED)

    def calendar(self, entry: Entry, rule: CalendarRule, co: _Cohort, slot: int) -> None:
        code = entry.services[0].code
        start, end = self.scope(entry, co)
        sel: Arr | None = None
        if rule.limit is not None:
            found = self.first_from(co, code, start)
            if found is not None:
                pos, z, seg = found
                pos = pos + (rule.limit - 1)
                done = np.flatnonzero(pos < z)
                if len(done):
                    last = seg.day[pos[done]]
                    self.emit(slot, co, done, _COMPLETED, last, last, None, None, last)
                    sel = np.flatnonzero(pos >= z)
                    start = start[sel]
                    end = None if end is None else end[sel]
        year = _dt.date.fromordinal(self.d).year
        windows = [_month_span(y, m) for y in (year - 1, year, year + 1) for m in rule.months]
        self.emit_occurrences(slot, co, sel, self.occurrences(co, code, sel, windows, start, end))

    def followup(self, entry: Entry, rule: FollowupRule, co: _Cohort, slot: int) -> None:
        code = entry.services[0].code
        start, end = self.scope(entry, co)
        year = _dt.date.fromordinal(self.d).year
        windows = []
        for y in (year - 1, year, year + 1):
            for m in range(1, 13, rule.every):
                first = _month_span(y, m)[0]
                windows.append((first, _add_months_day(first, rule.every) - 1))
        self.emit_occurrences(slot, co, None, self.occurrences(co, code, None, windows, start, end))

    def birthday(self, entry: Entry, rule: BirthdayRule, co: _Cohort, slot: int) -> None:
        code = entry.services[0].code
        d, cal = self.d, self.cal
        start, end = self.scope(entry, co)
        year = _dt.date.fromordinal(d).year
        keys = co.cache.get("birthday")
        if keys is None:
            keys = co.cache["birthday"] = cal.birthday_keys(co.b)
        # whether this year's birthday is still to come picks the years of the three windows
        later = np.take(cal.birthday_table(year), keys) > d
        index = keys + later.view(np.int8).astype(np.int16) * np.int16(cal.KEYS)
        b0, b1, b2 = (np.take(cal.birthday_pair(year + k), index) for k in (-1, 0, 1))
        # b0 < b1 <= d < b2: the birthdays before the last, the last and the next
        kept0, kept1, kept2 = (b0 >= start, b1 >= start, b2 >= start)
        if end is not None:
            kept0 &= b0 <= end
            kept1 &= b1 <= end
            kept2 &= b2 <= end
        width = rule.window
        if width.months == 0 and width.days < 365 and self.segments(co, code) is None:
            # a window shorter than a year and no records: the last birthday's window holds
            # the date or is the previous one (the one before it only when it is not kept)
            c1 = kept1 & (b1 >= d - width.days)
            soon = kept2 & (b2 <= d + self.h) & ~c1
            rest = ~c1 & ~soon & (kept1 | kept0)
            st = soon.view(np.int8) * np.int8(_UPCOMING)
            st += c1.view(np.int8) * np.int8(_DUE)
            st += rest.view(np.int8) * np.int8(_MISSED)
            e = np.where(soon, b2, np.where(kept1, b1, b0))
            self.emit_occurrences(slot, co, None, (st, e, e + width.days, None))
            return
        h0, h1, h2 = (cal.after(width, x) for x in (b0, b1, b2))
        # the last of the first two windows still open holds the date
        c1 = kept1 & (h1 >= d)
        c0 = kept0 & (h0 >= d) & ~c1
        p1 = kept1 & (h1 < d)
        p0 = kept0 & (h0 < d) & ~p1
        cur = (c0 | c1, np.where(c1, b1, b0), np.where(c1, h1, h0))
        prev = (p0 | p1, np.where(p1, b1, b0), np.where(p1, h1, h0))
        found = self.decide(co, code, None, len(co), cur, (kept2, b2, h2), prev)
        self.emit_occurrences(slot, co, None, found)

    def _recorded_grades(self, co: _Cohort) -> Arr:
        """Cohort rows with a recorded grade: (row, grade, school year) as a 3-row array."""
        school = co.cache.get("school")
        if school is None:
            grade = self.pop.school_grade[co.rows]
            recorded = np.flatnonzero(grade)
            at = self.pop.school_year[co.rows[recorded]].astype(np.int64)
            school = np.stack([recorded, grade[recorded].astype(np.int64), at])
            co.cache["school"] = school
        return school

    def _age_grades(
        self, years: Sequence[int], grades: tuple[int, ...]
    ) -> list[list[tuple[int, int]]]:
        """Per school year, the ranges of birth days whose grade from age is one of *grades*."""
        out = []
        for year in years:
            july = _dt.date(year, 7, 1).toordinal()
            # completed years on 1 July are the grade + 6
            out.append(
                [
                    (self.threshold(12 * (g + 7), july) + 1, self.threshold(12 * (g + 6), july))
                    for g in grades
                    if 1 <= g <= 12
                ]
            )
        return out

    def in_grades(
        self, co: _Cohort, years: Sequence[int], grades: tuple[int, ...]
    ) -> tuple[Arr, list[Arr]]:
        """The cohort rows in one of *grades* in a school year starting in one of *years*.

        Returns those rows (sorted) and, per year, whether each is in the grades then
        (``_grade_in``: the recorded grade moved up each July, else the grade from age).
        """
        ranges = self._age_grades(years, grades)
        b, m = co.b, len(co)
        flat = [r for per_year in ranges for r in per_year]
        mask = np.zeros(m, dtype=np.bool_)
        if co.ordered:
            bounds = np.searchsorted(b, [x for lo, hi in flat for x in (lo, hi + 1)])
            for i, j in zip(bounds[::2], bounds[1::2], strict=True):
                mask[i:j] = True
        else:
            for lo, hi in flat:
                mask |= (b >= lo) & (b <= hi)
        recorded, grade, at = self._recorded_grades(co)
        listed = []
        if len(recorded):
            # a recorded grade (moved up each July) overrides the grade from age
            mask[recorded] = False
            for year in years:
                now = np.where(at == 0, grade, grade + year - at)
                listed.append(np.isin(now, grades) & (now >= 1) & (now <= 12))
            mask[recorded[listed[0] | listed[1] | listed[2]]] = True
        rows = np.flatnonzero(mask)
        rb = b[rows]
        valid = []
        for per_year in ranges:
            ok = np.zeros(len(rows), dtype=np.bool_)
            for lo, hi in per_year:
                ok |= (rb >= lo) & (rb <= hi)
            valid.append(ok)
        if len(recorded):
            pos = np.searchsorted(rows, recorded)
            found = pos < len(rows)
            found[found] = rows[pos[found]] == recorded[found]
            for k, ok in enumerate(valid):
                ok[pos[found]] = listed[k][found]
        return rows, valid

    def school(self, entry: Entry, rule: SchoolRule, co: _Cohort, slot: int) -> None:
        code = entry.services[0].code
        d = self.d
        m = len(co)
        playing: Arr | None = None  # the rows still in play, over the cohort
        if not rule.each_grade:
            first = self.kth(co, code, 0)
            if first is not None:
                done = np.flatnonzero(first != NO_DAY)
                if len(done):
                    f = first[done]
                    self.emit(slot, co, done, _COMPLETED, f, f, None, None, f)
                    playing = first == NO_DAY
        prev_all: Arr | None = None
        if rule.after is not None:
            seg = self.segments(co, rule.after)
            if seg is None:
                return
            has, last = seg.last()
            prev_all = np.full(m, NO_DAY, dtype=np.int32)
            prev_all[has] = last
            ok = prev_all != NO_DAY
            playing = ok if playing is None else playing & ok
        day = _dt.date.fromordinal(d)
        sy = day.year if day.month >= 7 else day.year - 1
        years = (sy - 1, sy, sy + 1)
        sel, valid = self.in_grades(co, years, rule.grades)
        if playing is not None:
            keep = np.flatnonzero(playing[sel])
            sel, valid = sel[keep], [v[keep] for v in valid]
        some = np.flatnonzero(valid[0] | valid[1] | valid[2])
        if not len(some):
            return
        sel = sel[some]
        valid = [v[some] for v in valid]
        prev = None if prev_all is None else prev_all[sel]
        ordered = sorted(rule.months, key=lambda m: (m < 7, m))
        m = len(sel)
        windows: list[tuple[Arr | int, Arr | int, Arr | None]] = []
        done_lo = np.zeros(m, dtype=np.int32)
        done_hi = np.zeros(m, dtype=np.int32)
        done_given = np.zeros(m, dtype=np.int32)
        has_done = np.zeros(m, dtype=np.bool_)
        for year, in_grade in zip(years, valid, strict=True):
            ok = in_grade
            lo: Arr | int = _month_span(year if ordered[0] >= 7 else year + 1, ordered[0])[0]
            hi = _month_span(year if ordered[-1] >= 7 else year + 1, ordered[-1])[1]
            if prev is not None and rule.min_interval is not None:
                lo = np.maximum(self.cal.after(rule.min_interval, prev), lo)
            if rule.each_grade:
                # given at any time in that school year counts for that grade
                year_start = _dt.date(year, 7, 1).toordinal()
                year_end = min(d, _dt.date(year + 1, 6, 30).toordinal())
                g = self.first_in(co, code, year_start, year_end, sel)
                got = ok & (g != NO_DAY)
                np.copyto(done_lo, lo, where=got)
                np.copyto(done_hi, hi, where=got)
                np.copyto(done_given, g, where=got)
                has_done |= got
                ok = ok & ~got
            windows.append((lo, hi, ok))
        start, end = self.scope(entry, co, sel)
        p, c, n = self.windows(windows, start, end)
        st, e, latest, given = self.decide(co, code, sel, m, c, n, p)
        if has_done.any():
            # a grade already done stands unless something newer is open or upcoming
            take = has_done & ((st == NOT_LISTED) | ((st == _MISSED) & (done_lo > e)))
            st[take] = _COMPLETED
            e[take] = done_lo[take]
            latest[take] = done_hi[take]
            if given is None:
                given = np.full(m, NO_DAY, dtype=np.int32)
            given[take] = done_given[take]
        self.emit_occurrences(slot, co, sel, (st, e, latest, given))

    def pregnancy(self, entry: Entry, rule: PregnancyRule, co: _Cohort, slot: int) -> None:
        cal, d = self.cal, self.d
        sel, lmp, last_day = _lookup(co.rows, *self.preg.pregnant)
        prev = np.full(len(sel), NO_DAY, dtype=np.int32)
        for j, (_svc, c) in enumerate(zip(entry.services, rule.contacts, strict=True)):
            if not len(sel):
                return
            given = self.first_in(co, c.code, lmp, d, sel)
            e = cal.after(c.start, lmp)
            has_prev = prev != NO_DAY
            if has_prev.any():
                gap = cal.after(c.min_interval or _ONE_DAY, np.where(has_prev, prev, lmp))
                e = np.where(has_prev, np.maximum(e, gap), e)
            latest = last_day if c.end is None else np.minimum(cal.limit(c.end, lmp), last_day)
            r = np.maximum(cal.after(c.recommended, lmp), e) if c.recommended is not None else e
            o = np.maximum(cal.after(c.overdue, lmp), e) if c.overdue is not None else None
            done = given != NO_DAY
            st = self.status(e, o, latest)
            st[done] = _COMPLETED
            stop = (st != _COMPLETED) & (st != _MISSED)
            keep = ~stop | self.visible(st, e)
            self.emit(slot + j, co, sel, st, e, r, o, latest, given, keep)
            prev = np.where(done, given, prev)
            go = np.flatnonzero(~stop)
            sel, lmp, last_day, prev = sel[go], lmp[go], last_day[go], prev[go]

    def postnatal(self, entry: Entry, rule: PostnatalRule, co: _Cohort, slot: int) -> None:
        cal, d = self.cal, self.d
        sel: Arr | None
        if rule.anchor == "birth":
            sel, anchor = None, co.b
        else:
            sel, anchor = _lookup(co.rows, *self.preg.delivered)
        for j, (_svc, v) in enumerate(zip(entry.services, rule.visits, strict=True)):
            if sel is not None and not len(sel):
                return
            e, latest = cal.after(v.start, anchor), cal.limit(v.end, anchor)
            given = self.first_in(co, v.code, anchor, d, sel)
            st = self.status(e, None, latest)
            st[given != NO_DAY] = _COMPLETED
            up = st == _UPCOMING
            keep = ~up | self.visible(st, e)
            self.emit(slot + j, co, sel, st, e, e, None, latest, given, keep)
            go = np.flatnonzero(~up)
            sel = go if sel is None else sel[go]
            anchor = anchor[go]


_RULES: Final[dict[type[Any], Any]] = {
    OnceRule: _Run.once,
    SeriesRule: _Run.series,
    RecurringRule: _Run.recurring,
    CalendarRule: _Run.calendar,
    FollowupRule: _Run.followup,
    BirthdayRule: _Run.birthday,
    SchoolRule: _Run.school,
    PregnancyRule: _Run.pregnancy,
    PostnatalRule: _Run.postnatal,
}


def _join(pieces: list[tuple[Arr, ...]]) -> SlotItems:
    columns: list[Arr]
    if not pieces:
        empty: Arr = np.zeros(0, dtype=np.int32)
        no_status: Arr = np.zeros(0, dtype=np.int8)
        columns = [empty, no_status, empty, empty, empty, empty, empty]
    elif len(pieces) == 1:
        columns = list(pieces[0])
    else:
        columns = [np.concatenate(parts) for parts in zip(*pieces, strict=True)]
    views = []
    for c in columns:
        view = c.view()
        view.setflags(write=False)
        views.append(view)
    return SlotItems(*views)


def due_batch(
    population: Population,
    history: History | None,
    on: pendulum.Date | _dt.date | str,
    *,
    catalogue: Catalogue | None = None,
    region: Region | None = None,
    horizon: int = DEFAULT_HORIZON,
) -> BatchResult:
    """The services every person of *population* is due on *on*: ``due()`` over columns.

    For each slot (one service position of a catalogue entry) and person,
    the result holds what ``due()`` says of that person: the status and the
    four dates, plus the date given for completed items. *history* may be
    None (nothing given). Records after *on* are ignored; people who died
    before *on* get nothing, and so do people born after it (for whom
    ``due()`` refuses the date). A record whose code is not in the
    catalogue raises :class:`~ilp.errors.UnknownServiceError`.

    Rows sorted by date of birth (as :meth:`Population.sorted_by_birth`
    makes them) are evaluated faster: each age band is then a slice.
    """
    if not isinstance(population, Population):
        msg = f"population: expected a Population, got {type(population).__name__}"
        raise PopulationError(msg, field="population", value=population)
    if history is None:
        history = History.empty(population)
    elif not isinstance(history, History):
        msg = f"history: expected a History or None, got {type(history).__name__}"
        raise PopulationError(msg, field="history", value=history)
    if history.persons != len(population):
        msg = f"history: it is for {history.persons} people, the population has {len(population)}"
        raise PopulationError(msg, field="history", value=history.persons)
    day = as_date(on, field="on")
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 0:
        msg = f"horizon: {horizon!r} is not a whole number of days >= 0"
        raise ILPError(msg, field="horizon", value=horizon)
    if region is not None and not isinstance(region, Region):
        msg = f"region: expected a Region or None, got {type(region).__name__}"
        raise ILPError(msg, field="region", value=region)
    if catalogue is None:
        from ilp.lifecycle._loader import national  # noqa: PLC0415 - loads on first use

        catalogue = national()
    for k, code in enumerate(history.codes):
        if code not in catalogue and history.offsets[k + 1] > history.offsets[k]:
            msg = f"history: service code {code!r} is not in catalogue {catalogue.id!r}"
            raise UnknownServiceError(msg, field="code", value=code)
    plan = _plan(catalogue)
    run = _Run(
        population,
        history,
        d=day.toordinal(),
        region=region or Region(),
        horizon=horizon,
        plan=plan,
    )
    for entry in catalogue.entries_on(day):
        co = run.cohort(entry)
        if co is None:
            continue
        run.ahead = None
        if entry.eligibility.age_from is not None:
            ahead = np.flatnonzero(co.b > run.threshold_for(entry.eligibility.age_from))
            run.ahead = ahead if len(ahead) else None
        _RULES[type(entry.rule)](run, entry, entry.rule, co, plan.base[id(entry)])
    return BatchResult(
        day,
        len(population),
        plan.codes,
        plan.doses,
        plan.entries,
        tuple(_join(p) for p in run.pieces),
    )

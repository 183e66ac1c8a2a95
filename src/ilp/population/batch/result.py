"""What ``due_batch`` returns: per slot, the persons listed and their status and dates.

The int8 status codes (:data:`STATUS_CODES`) follow the order of
:class:`~ilp.lifecycle.Status`; the evaluators compute them arithmetically,
relying on that order (checked here at import).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, NamedTuple

import attrs
import numpy as np
import numpy.typing as npt
import pendulum

from ilp._coerce import member_of
from ilp.dates import days_as_datetime64, from_day
from ilp.errors import InvalidArgumentError, PopulationError
from ilp.lifecycle.semantics import Status, order_key
from ilp.population._calendar import NO_DAY

__all__ = [
    "COMPLETED",
    "DUE",
    "MISSED",
    "NOT_LISTED",
    "OVERDUE",
    "STATUS_CODES",
    "UPCOMING",
    "BatchItem",
    "BatchResult",
    "Day",
    "SlotItems",
]

#: The status code of a slot that is not listed for a person.
NOT_LISTED: Final = 0
#: The int8 code of each status in ``BatchResult`` arrays (1 to 5, in ``Status`` order).
STATUS_CODES: Final[Mapping[Status, int]] = {s: i + 1 for i, s in enumerate(Status)}
_STATUSES: Final = (None, *Status)

OVERDUE: Final = STATUS_CODES[Status.OVERDUE]
DUE: Final = STATUS_CODES[Status.DUE]
UPCOMING: Final = STATUS_CODES[Status.UPCOMING]
MISSED: Final = STATUS_CODES[Status.MISSED]
COMPLETED: Final = STATUS_CODES[Status.COMPLETED]
# the evaluators compute codes arithmetically, relying on this order
assert (OVERDUE, DUE, UPCOMING, MISSED, COMPLETED) == (1, 2, 3, 4, 5)

#: A column of day numbers.
Day = npt.NDArray[np.int32]


def _date(day: int) -> pendulum.Date | None:
    return None if day == NO_DAY else from_day(day)


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


_DATE_FIELDS: Final = ("earliest", "recommended", "overdue", "latest", "given")


def _date_column(items: SlotItems, field: str) -> Day:
    if field not in _DATE_FIELDS:
        msg = f"field: {field!r} is not one of {', '.join(_DATE_FIELDS)}"
        raise PopulationError(msg, field="field", value=field)
    return getattr(items, field)  # type: ignore[no-any-return]


class BatchItem(NamedTuple):
    """One item of one person, as ``due()`` lists it (a tuple: compares equal to one)."""

    code: str
    dose: int | None
    status: Status
    earliest: pendulum.Date
    recommended: pendulum.Date
    overdue: pendulum.Date | None
    latest: pendulum.Date | None
    given: pendulum.Date | None


@attrs.frozen(eq=False, repr=False)
class BatchResult:
    """What ``due_batch`` found: for each slot, the persons it lists and their items.

    A slot is one service position of a catalogue entry (each dose,
    contact or visit of a series, or the single service of an entry), for
    every entry of the catalogue; ``codes[s]``, ``doses[s]`` and
    ``entries[s]`` say what slot *s* is. ``slots[s]`` holds the items.

    ``statuses`` are the statuses ``due_batch`` was asked to keep (None:
    all of them): the items of other statuses are left out, as if not
    listed (``status_of`` gives :data:`NOT_LISTED` for them and ``table``
    counts them so).
    """

    on: pendulum.Date
    size: int
    codes: tuple[str, ...]
    doses: tuple[int | None, ...]
    entries: tuple[str, ...]
    slots: tuple[SlotItems, ...]
    statuses: frozenset[Status] | None = attrs.field(default=None, kw_only=True)
    _order: list[npt.NDArray[Any]] = attrs.field(init=False, factory=list)

    def __len__(self) -> int:
        """The number of items listed, over all persons."""
        return sum(len(s) for s in self.slots)

    def __repr__(self) -> str:
        kept = ""
        if self.statuses is not None:
            kept = " " + "/".join(s.value for s in Status if s in self.statuses)
        return f"BatchResult({self.size} people on {self.on}: {len(self)}{kept} items)"

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

    def items_of(self, row: int) -> list[BatchItem]:
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
            starts = np.searchsorted(rows[order], np.arange(self.size + 1, dtype=rows.dtype))
            self._order.extend((slot[order], local[order], starts))
        slot, local, starts = self._order
        lo, hi = int(starts[row]), int(starts[row + 1])
        out: list[BatchItem] = []
        for s, k in zip(slot[lo:hi].tolist(), local[lo:hi].tolist(), strict=True):
            items = self.slots[s]
            status = _STATUSES[int(items.status[k])]
            assert status is not None
            out.append(
                BatchItem(
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
        out.sort(key=lambda x: order_key(x.status, x.recommended, x.code, x.dose))
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

    def to_frame(self) -> Any:
        """One row per item as a pandas DataFrame (``docs/interop.md#tables``; ``ilp[frames]``)."""
        from ilp.interop._frames import batch_frame  # noqa: PLC0415 - extra ilp[frames]

        return batch_frame(self)

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
    found = statuses_of(value, field="status")
    return None if found is None else [STATUS_CODES[s] for s in found]


def statuses_of(
    value: Status | str | Iterable[Status | str] | None, *, field: str
) -> frozenset[Status] | None:
    """*value* (a status, its code, several of them, or None for any) as a set of statuses."""
    if value is None:
        return None
    if isinstance(value, Status | str):
        values: list[object] = [value]
    elif isinstance(value, Iterable):
        values = list(value)
    else:
        msg = f"{field}: expected a Status, several or None, got {type(value).__name__}"
        raise InvalidArgumentError(msg, field=field, value=value)
    return frozenset(member_of(Status, v, field=field, what="a Status") for v in values)

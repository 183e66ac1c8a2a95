"""Service records and the check of a history against a person's life."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from itertools import repeat
from operator import attrgetter
from typing import Any, Final, overload

import attrs
import pendulum

from ilp.dates import as_date
from ilp.errors import InvalidDateError, InvalidRecordError
from ilp.people._fields import _CODE, _from_mapping, _kind, _optional_text, _show
from ilp.people._person import Person

__all__ = ["ServiceRecord", "ValidatedHistory", "history_days", "validate_history"]

_NO_END = 1 << 40


def _check_code(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or _CODE.fullmatch(value) is None:
        msg = f"code: {_show(value)} is not a service code such as 'BCG' or 'DPT-HB-HIB-1'"
        raise InvalidRecordError(msg, field="code", value=value)


def _record_date(value: object) -> pendulum.Date:
    try:
        return as_date(value, field="date")
    except InvalidDateError as exc:
        raise InvalidRecordError(exc.msg, field="date", value=value) from None


def _record_value(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        msg = f"value: {_kind(value)} is not a number"
        raise InvalidRecordError(msg, field="value", value=None)
    text = value if isinstance(value, str) else None
    if text is not None and len(text) > 40:
        msg = "value: a text of more than 40 characters is not a number"
        raise InvalidRecordError(msg, field="value", value=None)
    try:
        number = float(value)
    except (ValueError, OverflowError):
        msg = f"value: {_show(value)} is not a number"
        raise InvalidRecordError(msg, field="value", value=value) from None
    if not math.isfinite(number):
        msg = f"value: {_show(value)} is not a finite number (NaN and infinity are refused)"
        raise InvalidRecordError(msg, field="value", value=None)
    return number


# Each day number as one int object, shared by every record of that day (one visit's
# records, and everybody's on the same date): a record's own int would be one more object
# per record, and reading a person's history reads each record's day. Shared, the days of a
# history are few objects that stay in the CPU's caches, and a register of records keeps
# one int per date rather than one per record. At most one entry per supported date.
_DAYS: Final[dict[int, int]] = {}
_SHARED_DAY: Final = _DAYS.setdefault


class _DayNumber:
    """The day number of a record's date, in a slot of its own (not an attrs field).

    Made with the record: every evaluation of a history reads it. The fields
    stay the record's data and its file format; an attrs ``cached_property``
    would give the class a ``__getattr__``, which slows every attribute read.
    """

    __slots__ = ("_day",)
    _day: int


@attrs.frozen(order=False)
class ServiceRecord(_DayNumber):
    """A service given: its code, the date, and optionally where, by whom, and the result."""

    code: str = attrs.field(validator=_check_code)
    date: pendulum.Date = attrs.field(converter=_record_date)
    #: Facility id where it was given (Puskesmas, Pustu, Posyandu, …).
    place: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text("place", InvalidRecordError)
    )
    #: Who gave it (a staff id or a provider type such as ``bidan``).
    provider: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text("provider", InvalidRecordError)
    )
    #: A coded or free-text result, such as ``normal`` or ``positive``.
    result: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text("result", InvalidRecordError)
    )
    #: A measured value, such as a weight in kg or a blood pressure systole.
    value: float | None = attrs.field(default=None, kw_only=True, converter=_record_value)

    def __attrs_post_init__(self) -> None:
        day = self.date.toordinal()
        object.__setattr__(self, "_day", _SHARED_DAY(day, day))

    # the fields, then the day number made again (pickles, copies); a pickle of an earlier
    # version holds the fields by name
    def __getstate__(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _RECORD_FIELDS)

    def __setstate__(self, state: tuple[object, ...] | dict[str, object]) -> None:
        if isinstance(state, dict):
            state = tuple(state[name] for name in _RECORD_FIELDS)
        for name, value in zip(_RECORD_FIELDS, state, strict=True):
            object.__setattr__(self, name, value)
        self.__attrs_post_init__()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ServiceRecord:
        """Build a record from a mapping such as ``{"code": "BCG", "date": "2024-02-15"}``."""
        made: ServiceRecord = _from_mapping(cls, data, "record", InvalidRecordError)
        return made


_RECORD_FIELDS: Final = tuple(a.name for a in attrs.fields(ServiceRecord))


def validate_history(person: Person, history: Iterable[ServiceRecord]) -> tuple[ServiceRecord, ...]:
    """*history* sorted by date, after checking every record falls within the person's life.

    A record dated before birth or after death raises
    :class:`~ilp.errors.InvalidRecordError` naming the code and date.
    """
    records = tuple(history)
    found = _sorted_in_life(person, records)
    if found is not None:
        return found
    for r in records:  # something is wrong (or a record has no day number): name it
        if not isinstance(r, ServiceRecord):
            msg = f"history: expected ServiceRecord items, got {type(r).__name__} {r!r}"
            raise InvalidRecordError(msg, field="history", value=r)
        if r.date < person.birth_date:
            msg = (
                f"history: {r.code} on {r.date.isoformat()} is before the date of birth "
                f"{person.birth_date.isoformat()} of person {person.id!r}"
            )
            raise InvalidRecordError(msg, field="date", value=r.date)
        if person.death_date is not None and r.date > person.death_date:
            msg = (
                f"history: {r.code} on {r.date.isoformat()} is after the death_date "
                f"{person.death_date.isoformat()} of person {person.id!r}"
            )
            raise InvalidRecordError(msg, field="date", value=r.date)
    return tuple(sorted(records, key=lambda r: (r.date, r.code)))


# the order of validate_history, (date, code), read in C from the records' day numbers:
# a Python key function comparing pendulum dates cost about 40 % of a ValidatedHistory
_BY_DAY_CODE: Final = attrgetter("_day", "code")


def _sorted_in_life(
    person: Person, records: tuple[ServiceRecord, ...]
) -> tuple[ServiceRecord, ...] | None:
    """*records* sorted as :func:`validate_history` sorts them, when all are records within
    the person's life with day numbers; else None (the full check then names the problem).
    Sorted first: then only the first and the last day need checking against the life.
    """
    if not all(map(isinstance, records, repeat(ServiceRecord))):
        return None
    try:
        ordered = tuple(sorted(records, key=_BY_DAY_CODE))
    except AttributeError:  # a record made without __init__
        return None
    if ordered:
        death = person.death_date
        if ordered[0]._day < person.birth_date.toordinal() or (
            death is not None and ordered[-1]._day > death.toordinal()
        ):
            return None
    return ordered


def history_days(
    person: Person, history: Sequence[ServiceRecord], codes: Set[str], until: int
) -> dict[str, list[int]] | None:
    """Each code's record days (:func:`ilp.dates.to_day`) up to day *until*, in date order.

    None when a record is not a :class:`ServiceRecord`, falls outside the
    person's life (as :func:`validate_history` checks) or has a code not in
    *codes*: :func:`validate_history` then names the problem. One pass over
    a history in date order; a history in any other order is sorted.
    """
    b = person.birth_date.toordinal()
    death = person.death_date
    last = b
    days: dict[str, list[int]] = {}
    found = days.get
    try:
        # the loop runs once per record of every call: type() before isinstance(), the day
        # kept in *last* as it is compared (an assignment expression: no second local) and
        # one dict look-up per record
        for r in history:
            if type(r) is not ServiceRecord and not isinstance(r, ServiceRecord):
                return None
            if last > (last := r._day):  # before birth, or not in date order
                return _any_order(b, death, history, codes, until)
            same = found(r.code)
            if same is None:
                days[r.code] = [last]
            else:
                same.append(last)
    except AttributeError:  # a record made without __init__: the full check reads its date
        return None
    if (death is not None and last > death.toordinal()) or not days.keys() <= codes:
        return None
    return days if last <= until else _until(days, until)


def _any_order(
    b: int,
    death: pendulum.Date | None,
    history: Sequence[ServiceRecord],
    codes: Set[str],
    until: int,
) -> dict[str, list[int]] | None:
    """:func:`history_days` for a history not in date order."""
    end = _NO_END if death is None else death.toordinal()
    days: dict[str, list[int]] = {}
    for r in history:
        if not isinstance(r, ServiceRecord):
            return None
        rd = r._day
        code = r.code
        if rd < b or rd > end or code not in codes:
            return None
        if rd <= until:
            if code in days:
                days[code].append(rd)
            else:
                days[code] = [rd]
    for found in days.values():
        if len(found) > 1:
            found.sort()
    return days


def _until(days: dict[str, list[int]], until: int) -> dict[str, list[int]]:
    """*days* (each code's in date order) without the days after *until*."""
    out = {}
    for code, found in days.items():
        n = bisect_right(found, until)
        if n:
            out[code] = found if n == len(found) else found[:n]
    return out


def _days_by_code(records: tuple[ServiceRecord, ...]) -> dict[str, list[int]]:
    """Each code's record days, in the order of *records*."""
    by_code: dict[str, list[int]] = {}
    try:
        for r in records:
            code = r.code
            if code in by_code:
                by_code[code].append(r._day)
            else:
                by_code[code] = [r._day]
    except AttributeError:  # a record made without __init__: its date tells
        by_code = {}
        for r in records:
            by_code.setdefault(r.code, []).append(r.date.toordinal())
    return by_code


class ValidatedHistory(Sequence[ServiceRecord]):
    """A person's service records, checked against their life once, sorted and indexed by code.

    Behaves as the tuple :func:`validate_history` returns (records by date,
    then code). ``ilp.due()`` and the other evaluators trust it for any
    person with the same dates of birth and death, so that asking about
    the same person again (on other dates, for other lists) does not check
    and sort the records again. Immutable, so safe to share between threads.
    """

    __slots__ = ("_birth", "_by_code", "_death", "_last", "codes", "person", "records")

    person: Person
    #: The records, sorted by date and code.
    records: tuple[ServiceRecord, ...]
    #: The codes that have records.
    codes: frozenset[str]
    _by_code: dict[str, tuple[int, ...]]
    _birth: int
    _death: int | None
    _last: int

    def __init__(self, person: Person, history: Iterable[ServiceRecord] = ()) -> None:
        """Check *history* against *person* (as :func:`validate_history`) and index it."""
        records = validate_history(person, history)
        by_code = _days_by_code(records)
        death = person.death_date
        for name, value in (
            ("person", person),
            ("records", records),
            ("codes", frozenset(by_code)),
            ("_by_code", {code: tuple(days) for code, days in by_code.items()}),
            ("_birth", person.birth_date.toordinal()),
            ("_death", None if death is None else death.toordinal()),
            ("_last", records[-1].date.toordinal() if records else 0),
        ):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        msg = f"ValidatedHistory is immutable: cannot set {name!r}"
        raise AttributeError(msg)

    def __reduce__(self) -> tuple[type[ValidatedHistory], tuple[Person, tuple[ServiceRecord, ...]]]:
        return ValidatedHistory, (self.person, self.records)

    @overload
    def __getitem__(self, index: int) -> ServiceRecord: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[ServiceRecord, ...]: ...
    def __getitem__(self, index: int | slice) -> ServiceRecord | tuple[ServiceRecord, ...]:
        return self.records[index]

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[ServiceRecord]:
        return iter(self.records)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ValidatedHistory):
            return self.person == other.person and self.records == other.records
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.person.id, self.records))

    def __repr__(self) -> str:
        return f"ValidatedHistory({self.person.id!r}: {len(self.records)} records)"

    def fits(self, person: Person) -> bool:
        """True when the check made holds for *person*: the same dates of birth and death."""
        death = person.death_date
        return person.birth_date.toordinal() == self._birth and (
            (None if death is None else death.toordinal()) == self._death
        )

    def day_numbers(self, until: int | None = None) -> Mapping[str, tuple[int, ...]]:
        """Each code's record days (:func:`ilp.dates.to_day`) in date order, up to day *until*.

        Codes with no record on or before *until* are left out. Do not change the mapping.
        """
        if until is None or until >= self._last:
            return self._by_code
        out = {}
        for code, days in self._by_code.items():
            n = bisect_right(days, until)
            if n:
                out[code] = days if n == len(days) else days[:n]
        return out

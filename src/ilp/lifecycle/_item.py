"""One item of a due list: a service, its status, its four dates and why.

Built by the rule kinds (:mod:`ilp.lifecycle.rules`) in day numbers; dates
become :class:`pendulum.Date` only when read.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from operator import itemgetter
from types import MethodType
from typing import TYPE_CHECKING, Any, Final

import pendulum

from ilp._vocabulary import Cluster, Label, PointOfCare
from ilp.dates import from_day
from ilp.lifecycle._model import Service
from ilp.lifecycle.semantics import Status

__all__ = ["DueItem", "Why", "new_item"]

#: Why an item's dates are what they are: its rule kind's reason function, then what that
#: function reads (``why[0](name, lang, *why[1:])`` gives the text in one language).
Why = tuple[Callable[..., str], *tuple[object, ...]]


def _date_or_none(day: int | None) -> pendulum.Date | None:
    return None if day is None else from_day(day)


def _property(index: int, doc: str | None) -> Any:
    return property(itemgetter(index), doc=doc)


# the fields of collections.namedtuple: a descriptor in C reads the item (about half the
# time of a property calling itemgetter: due() sorts every list on two fields)
_field: Callable[[int, str | None], Any] = getattr(collections, "_tuplegetter", _property)


# A tuple underneath: due() makes one per item, and tuple.__new__ (new_item) builds one in
# about a third of the time of a frozen class's __init__ (issue 11). Equality, hashing and
# pickling are those of the frozen attrs class it was: the seven fields without the reason
# data, only between DueItems; no order.
class DueItem(tuple):  # type: ignore[type-arg]  # the fields are the typed properties below
    """One service for one person on one date: its status, four dates and the reason.

    Dates are ``pendulum.Date`` (or None where they do not apply). ``reason``
    says in Indonesian and English why the dates are what they are.
    Immutable, hashable and equal by value (the reason data aside).
    """

    __slots__ = ()
    __match_args__ = (
        "service",
        "status",
        "_earliest",
        "_recommended",
        "_overdue",
        "_latest",
        "_given",
        "_why",
    )

    def __new__(  # noqa: PLR0917 - the item's eight fields, in order
        cls,
        service: Service,
        status: Status,
        earliest: int,
        recommended: int,
        overdue: int | None,
        latest: int | None,
        given: int | None,
        why: Why,
    ) -> DueItem:
        """The item of *service* with *status*, its day numbers and its reason data."""
        return _new(cls, (service, status, earliest, recommended, overdue, latest, given, why))

    if TYPE_CHECKING:

        @property
        def service(self) -> Service:
            """The service (its code, label, dose, cluster and points of care)."""

        @property
        def status(self) -> Status:
            """Overdue, due, upcoming, missed or completed on the date."""

        @property
        def _earliest(self) -> int: ...
        @property
        def _recommended(self) -> int: ...
        @property
        def _overdue(self) -> int | None: ...
        @property
        def _latest(self) -> int | None: ...
        @property
        def _given(self) -> int | None: ...
        @property
        def _why(self) -> Why: ...

    else:
        service = _field(0, "The service (its code, label, dose, cluster ...).")
        status = _field(1, "Overdue, due, upcoming, missed or completed.")
        _earliest = _field(2, None)
        _recommended = _field(3, None)
        _overdue = _field(4, None)
        _latest = _field(5, None)
        _given = _field(6, None)
        _why = _field(7, None)

    # False, not NotImplemented, for anything else: a plain tuple's reflected __eq__ would
    # compare the fields
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self[:7] == other[:7]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:7])

    def __lt__(self, other: object) -> bool:
        return NotImplemented

    __le__ = __gt__ = __ge__ = __lt__

    def __getnewargs__(self) -> tuple[Any, ...]:
        return tuple(self)

    @property
    def code(self) -> str:
        """The service code (``DPT-HB-HIB-2``)."""
        return self.service.code

    @property
    def dose(self) -> int | None:
        """Dose or contact number within its series, or None."""
        return self.service.dose

    @property
    def cluster(self) -> Cluster:
        """The Puskesmas cluster that answers for the service."""
        return self.service.cluster

    @property
    def points_of_care(self) -> tuple[PointOfCare, ...]:
        """Where in the network the service can be given."""
        return self.service.points_of_care

    @property
    def source(self) -> str:
        """The guideline the rule comes from."""
        return self.service.source

    @property
    def earliest(self) -> pendulum.Date:
        """First day it may be given."""
        return from_day(self._earliest)

    @property
    def recommended(self) -> pendulum.Date:
        """The day the schedule aims at."""
        return from_day(self._recommended)

    @property
    def overdue(self) -> pendulum.Date | None:
        """First day it counts as late, or None when the rule sets none."""
        return _date_or_none(self._overdue)

    @property
    def latest(self) -> pendulum.Date | None:
        """Last day it may be given, or None when open-ended."""
        return _date_or_none(self._latest)

    @property
    def given(self) -> pendulum.Date | None:
        """For a completed item, the date it was given."""
        return _date_or_none(self._given)

    @property
    def reason(self) -> Label:
        """Why: the rule and its dates, in Indonesian and English."""
        return _reason(self.service.label, self.status, self._why, self._given, self._latest)

    def as_dict(self) -> dict[str, Any]:
        """The item as plain JSON-ready data (ISO dates or None)."""
        return {
            "code": self.code,
            "label": self.service.label.as_dict(),
            "dose": self.dose,
            "status": self.status.value,
            "earliest": from_day(self._earliest).isoformat(),
            "recommended": from_day(self._recommended).isoformat(),
            "overdue": None if self._overdue is None else from_day(self._overdue).isoformat(),
            "latest": None if self._latest is None else from_day(self._latest).isoformat(),
            "given": None if self._given is None else from_day(self._given).isoformat(),
            "cluster": int(self.cluster),
            "points_of_care": [p.value for p in self.points_of_care],
            "reason": self.reason.as_dict(),
            "source": self.source,
            "confirmed": self.service.confirmed,
        }

    def __repr__(self) -> str:
        return (
            f"DueItem({self.code} {self.status.value}: earliest={self.earliest}, "
            f"recommended={self.recommended}, overdue={self.overdue}, latest={self.latest})"
        )


def _reason(name: Label, status: Status, why: Why, given: int | None, latest: int | None) -> Label:
    if status is Status.COMPLETED and given is not None:
        g = from_day(given).isoformat()
        return Label(f"{name.id}: sudah diberikan {g}", f"{name.en}: given {g}")
    text, details = why[0], why[1:]
    ids, ens = text(name.id, "id", *details), text(name.en, "en", *details)
    if status is Status.MISSED and latest is not None:
        last = from_day(latest).isoformat()
        ids += f"; tidak dapat diberikan lagi setelah {last}"
        ens += f"; can no longer be given after {last}"
    return Label(ids, ens)


_new: Final = tuple.__new__

if TYPE_CHECKING:

    def new_item(
        fields: tuple[Service, Status, int, int, int | None, int | None, int | None, Why], /
    ) -> DueItem:
        """``DueItem(*fields)``, without the call of ``DueItem.__new__`` (the rules' hot path)."""

else:
    # a method of DueItem bound to tuple.__new__: called with one argument, it passes the
    # class on without the argument copy of a functools.partial (about 10-20 % of making one)
    new_item = MethodType(_new, DueItem)

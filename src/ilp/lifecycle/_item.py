"""One item of a due list: a service, its status, its four dates and why.

Built by the rule kinds (:mod:`ilp.lifecycle.rules`) in day numbers; dates
become :class:`pendulum.Date` only when read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pendulum

from ilp._vocabulary import Cluster, Label, PointOfCare
from ilp.dates import from_day
from ilp.lifecycle._model import Service
from ilp.lifecycle.semantics import Status

__all__ = ["DueItem", "Why"]

#: Why an item's dates are what they are: its rule kind's reason function, then what that
#: function reads (``why[0](name, lang, *why[1:])`` gives the text in one language).
Why = tuple[Callable[..., str], *tuple[object, ...]]


def _date_or_none(day: int | None) -> pendulum.Date | None:
    return None if day is None else from_day(day)


# not slotted, and its own __init__: a frozen class with a __dict__ is built about a third
# faster (its __init__ stores into the dict instead of calling object.__setattr__ per
# field), and attrs' __init__ also makes a setter it does not use here; due() builds one
# per item (issue 11)
@attrs.frozen(eq=True, repr=False, slots=False, init=False)
class DueItem:
    """One service for one person on one date: its status, four dates and the reason.

    Dates are ``pendulum.Date`` (or None where they do not apply). ``reason``
    says in Indonesian and English why the dates are what they are.
    """

    service: Service
    status: Status
    _earliest: int
    _recommended: int
    _overdue: int | None
    _latest: int | None
    _given: int | None
    _why: Why = attrs.field(eq=False)

    def __init__(  # noqa: PLR0917 - the item's eight fields, as attrs would take them
        self,
        service: Service,
        status: Status,
        earliest: int,
        recommended: int,
        overdue: int | None,
        latest: int | None,
        given: int | None,
        why: Why,
    ) -> None:
        fields = self.__dict__
        fields["service"] = service
        fields["status"] = status
        fields["_earliest"] = earliest
        fields["_recommended"] = recommended
        fields["_overdue"] = overdue
        fields["_latest"] = latest
        fields["_given"] = given
        fields["_why"] = why

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

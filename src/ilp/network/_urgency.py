"""What matters first on a work list: urgency of a person's items, as a pure post-process.

Any list builder (the per-person work lists, the batch path) calls
:func:`triage` on a person's due items and :func:`by_urgency` on its rows; no
list is evaluated again. Decisions: docs/worklists.md, "What comes first".
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable, Collection, Iterable
from typing import Final, Protocol, TypeVar

import attrs

from ilp._vocabulary import Label
from ilp.dates import Duration, add_months, age_in_days, age_in_months, as_date
from ilp.lifecycle import LifeStage, Status, stages_of
from ilp.people import Person

__all__ = ["SOON", "STALE_AFTER", "Triage", "TriageItem", "Urgency", "by_urgency", "triage"]

#: Service groups whose items may be "never recorded": screenings and checks that a
#: person becomes eligible for at some age and that nobody has recorded since.
STALE_GROUPS: Final = frozenset(
    {"screening", "mental_health", "school_health", "communicable", "health_check"}
)
#: How close a vaccine dose's last day must be to count as missed soon.
SOON: Final = Duration(days=30)
#: How long a screening must have been overdue, unrecorded, to count as never recorded.
STALE_AFTER: Final = Duration(months=12)
_IMMUNIZATION: Final = "immunization"
_MATERNAL_STAGES: Final = frozenset({LifeStage.IBU_HAMIL, LifeStage.IBU_NIFAS})
_VISIT_SERIES: Final = frozenset({"ANC", "KF", "KN", "KBPP"})


class _Service(Protocol):
    @property
    def group(self) -> str: ...
    @property
    def series(self) -> str | None: ...


class TriageItem(Protocol):
    """What :func:`triage` reads of an item (:class:`~ilp.lifecycle.DueItem` has it)."""

    @property
    def code(self) -> str: ...
    @property
    def status(self) -> Status: ...
    @property
    def recommended(self) -> _dt.date: ...
    @property
    def overdue(self) -> _dt.date | None: ...
    @property
    def latest(self) -> _dt.date | None: ...
    @property
    def service(self) -> _Service: ...


Item = TypeVar("Item", bound=TriageItem)
Row = TypeVar("Row")


class Urgency(enum.IntEnum):
    """Why a person comes where they do on a list; the lower, the sooner."""

    #: A dose that can be given only for a few more days (rotavirus by 6 months 29 days).
    MISSED_SOON = 1
    #: A pregnant woman or a mother in the 42 days after delivery.
    MOTHER = 2
    #: A baby in the first 28 days.
    NEWBORN = 3
    #: A child under five with an overdue vaccine dose (zero-dose children among them).
    CHILD_DOSE = 4
    #: Anything else overdue that has been given before or became due lately.
    OVERDUE = 5
    #: Only services due now (a window open, nothing late).
    DUE = 6
    #: Only screenings never recorded although due for a long time.
    NEVER_RECORDED = 7

    @property
    def urgent(self) -> bool:
        """True for the groups a kader visits first: missed soon, mothers, newborns, child doses."""
        return self <= Urgency.CHILD_DOSE

    @property
    def label(self) -> Label:
        """The group's heading on a list, in Indonesian and English."""
        return _LABELS[self]


_LABELS: Final = {
    Urgency.MISSED_SOON: Label(
        id="Segera: dosis yang hampir tidak bisa diberikan lagi",
        en="Now: doses that can soon no longer be given",
    ),
    Urgency.MOTHER: Label(id="Ibu hamil dan nifas", en="Pregnant and postpartum women"),
    Urgency.NEWBORN: Label(id="Bayi baru lahir (0-28 hari)", en="Newborns (0-28 days)"),
    Urgency.CHILD_DOSE: Label(
        id="Balita dengan imunisasi terlambat", en="Under-fives with overdue vaccine doses"
    ),
    Urgency.OVERDUE: Label(id="Terlambat lainnya", en="Other overdue services"),
    Urgency.DUE: Label(id="Jadwal saat ini", en="Due now"),
    Urgency.NEVER_RECORDED: Label(
        id="Hanya skrining yang belum pernah tercatat",
        en="Only screenings never recorded",
    ),
}


@attrs.frozen
class Triage:
    """One person's place on a list and their items, most urgent first."""

    urgency: Urgency
    #: The due and overdue items to act on, most urgent first (never-recorded ones apart).
    items: tuple[TriageItem, ...]
    #: Overdue screenings due for a long time that the person has no record of.
    never_recorded: tuple[TriageItem, ...]

    @property
    def overdue_doses(self) -> int:
        """How many vaccine doses are overdue (a zero-dose child has the most)."""
        return sum(
            1 for i in self.items if i.status is Status.OVERDUE and i.service.group == _IMMUNIZATION
        )

    @property
    def key(self) -> tuple[int, int]:
        """Sort key for a list: urgency, then the most overdue vaccine doses first."""
        return int(self.urgency), -self.overdue_doses


def _missed_soon(item: TriageItem, soon: _dt.date) -> bool:
    return item.service.group == _IMMUNIZATION and item.latest is not None and item.latest <= soon


def _item_rank(item: TriageItem, soon: _dt.date) -> tuple[int, int, _dt.date, str]:
    if _missed_soon(item, soon):
        kind = 0
    elif item.service.group == _IMMUNIZATION:
        kind = 1
    elif item.service.series in _VISIT_SERIES or item.service.group in {"maternal", "newborn"}:
        kind = 2
    else:
        kind = 3
    late = 0 if item.status is Status.OVERDUE else 1
    return kind, late, item.recommended, item.code


def triage(
    person: Person,
    items: Iterable[Item],
    on: _dt.date | str,
    *,
    recorded: Collection[str],
    soon: Duration = SOON,
    stale_after: Duration = STALE_AFTER,
) -> Triage:
    """Rank *person*'s due and overdue *items* on *on* for a work list (a pure function).

    *recorded* holds the codes the person has any record of. An overdue
    screening (groups in :data:`STALE_GROUPS`) whose overdue date is more than
    *stale_after* before *on* and whose code is not recorded is set apart as
    never recorded: a 60-year-old who never had TB screening shows "never
    recorded", not "overdue since 1966". Vaccine doses, pregnancy, newborn
    and follow-up items are never set apart. The urgency is the first that
    applies: a vaccine dose whose last day is within *soon*, a pregnant or
    postpartum woman, a newborn, a child under five with an overdue dose,
    something else overdue, something due; else only never-recorded items.
    """
    day = as_date(on, field="on")
    soon_day = soon.add_to(day)
    stale_day = add_months(day, -stale_after.months) - _dt.timedelta(days=stale_after.days)
    act = [i for i in items if i.status in (Status.DUE, Status.OVERDUE)]
    never = tuple(
        i
        for i in act
        if i.status is Status.OVERDUE
        and i.service.group in STALE_GROUPS
        and i.overdue is not None
        and i.overdue < stale_day
        and i.code not in recorded
    )
    kept = sorted((i for i in act if i not in never), key=lambda i: _item_rank(i, soon_day))
    stages = stages_of(person, day)
    days = age_in_days(person.birth_date, day)
    overdue_dose = any(
        i.status is Status.OVERDUE and i.service.group == _IMMUNIZATION for i in kept
    )
    if any(_missed_soon(i, soon_day) for i in kept):
        urgency = Urgency.MISSED_SOON
    elif not _MATERNAL_STAGES.isdisjoint(stages):
        urgency = Urgency.MOTHER
    elif 0 <= days <= 28:
        urgency = Urgency.NEWBORN
    elif overdue_dose and age_in_months(person.birth_date, day) < 60:
        urgency = Urgency.CHILD_DOSE
    elif any(i.status is Status.OVERDUE for i in kept):
        urgency = Urgency.OVERDUE
    elif kept:
        urgency = Urgency.DUE
    else:
        urgency = Urgency.NEVER_RECORDED
    return Triage(urgency, tuple(kept), never)


def by_urgency(
    rows: Iterable[Row], urgency_of: Callable[[Row], Urgency]
) -> list[tuple[Urgency, list[Row]]]:
    """*rows* grouped by ``urgency_of(row)``, most urgent group first; order within a group kept.

    With :func:`triage`: ``by_urgency(targets, lambda t: triage(...).urgency)``.
    """
    groups: dict[Urgency, list[Row]] = {}
    for row in rows:
        groups.setdefault(urgency_of(row), []).append(row)
    return sorted(groups.items())

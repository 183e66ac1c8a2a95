"""What both evaluators mean by the words they share, written once.

``due()`` (per person, :mod:`ilp.lifecycle.rules`) and ``due_batch()``
(over columns, :mod:`ilp.population.batch`) import these instead of
writing their own: the statuses and the order of a due list, the horizon
and its check, the age stages by month, the birth days an eligibility
admits on a date, calendar month spans and the school year. The synthetic
history walker (:mod:`ilp.population.batch`) uses them too.

Everything here is plain Python over day numbers (proleptic Gregorian
ordinals), with no NumPy, so the domain layer can use it. Internal to ilp:
the public names are re-exported where users need them.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Final, TypeVar

from ilp.dates import Duration, add_months_day
from ilp.errors import InvalidArgumentError
from ilp.lifecycle._stages import AGE_STAGES, NEONATE_DAYS, NIFAS_DAYS, LifeStage

if TYPE_CHECKING:
    from ilp.lifecycle._model import Eligibility, Limit

__all__ = [
    "AGE_STAGES",
    "DEFAULT_HORIZON",
    "NEONATE_DAYS",
    "NIFAS_DAYS",
    "ONE_DAY",
    "PREGNANCY_STAGES",
    "SCHOOL_YEAR_MONTH",
    "STATUS_RANK",
    "Status",
    "age_stage_births",
    "birth_range",
    "check_horizon",
    "max_birth",
    "min_birth",
    "month_span",
    "order_key",
    "school_months",
    "school_year_of",
]

#: How far ahead, in days, upcoming items are reported by default.
DEFAULT_HORIZON: Final = 30
#: The smallest gap between two doses or contacts when the rule names none.
ONE_DAY: Final = Duration(days=1)
#: The stages a pregnancy puts a woman in (``stages_of``); the others come from age.
PREGNANCY_STAGES: Final = frozenset(
    {LifeStage.IBU_HAMIL, LifeStage.IBU_BERSALIN, LifeStage.IBU_NIFAS}
)
#: The month the school year starts in (July).
SCHOOL_YEAR_MONTH: Final = 7

_FIRST_DAY: Final = 1
_LAST_DAY: Final = _dt.date.max.toordinal()


class Status(enum.Enum):
    """Where a service stands on the date asked (``decisions.md``, "Status")."""

    OVERDUE = "overdue"  #: past its overdue date, still within its latest date
    DUE = "due"  #: on or after its earliest date, before its overdue date
    UPCOMING = "upcoming"  #: earliest date is in the future, within the horizon
    MISSED = "missed"  #: past its latest date (or can no longer be given) and never given
    COMPLETED = "completed"  #: given, and nothing more of it is needed on the date

    #: The place in a due list (:data:`STATUS_RANK`), kept on the member: a sort key
    #: read in C (an Enum member's hash is a Python call).
    _rank: int

    @property
    def actionable(self) -> bool:
        """True for due and overdue: something to do now."""
        return self in (Status.DUE, Status.OVERDUE)


#: The place of each status in a due list: overdue, due, upcoming, missed, completed.
STATUS_RANK: Final = {s: i for i, s in enumerate(Status)}
for _status, _rank in STATUS_RANK.items():
    _status._rank = _rank

T = TypeVar("T")


def order_key(
    status: Status, recommended: T, code: str, dose: int | None
) -> tuple[int, T, str, int]:
    """The order of a due list: overdue, due, upcoming, missed, completed; then by date and code."""
    return STATUS_RANK[status], recommended, code, dose or 0


def check_horizon(horizon: object) -> int:
    """*horizon* as a whole number of days >= 0, or :class:`~ilp.errors.InvalidArgumentError`."""
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 0:
        msg = f"horizon: {horizon!r} is not a whole number of days >= 0"
        raise InvalidArgumentError(msg, field="horizon", value=horizon)
    return horizon


@lru_cache(maxsize=4096)
def month_span(year: int, month: int) -> tuple[int, int]:
    """The first and last day numbers of calendar *month* of *year*."""
    first = _dt.date(year, month, 1).toordinal()
    return first, add_months_day(first, 1) - 1


def school_year_of(day: int) -> int:
    """The calendar year in which the school year holding day number *day* started."""
    date = _dt.date.fromordinal(day)
    return date.year if date.month >= SCHOOL_YEAR_MONTH else date.year - 1


def school_months(months: Iterable[int]) -> list[int]:
    """*months* in school-year order (July first)."""
    return sorted(months, key=lambda m: (m < SCHOOL_YEAR_MONTH, m))


# ---------------------------------------------------------------------------
# ages as birth days: "at least this old on day d" is "born on or before some day"


def _safe_after(duration: Duration, day: int) -> int:
    if day < _FIRST_DAY:
        return -1
    try:
        return duration.after(day)
    except (ValueError, OverflowError):  # past 31 December 9999
        return _LAST_DAY + 1


def max_birth(duration: Duration, day: int) -> int:
    """The last birth day *b* with ``duration.after(b) <= day`` (0 when there is none).

    ``Duration.after`` never decreases as *b* grows, so the births that
    satisfy the bound are exactly those on or before the day returned.
    """
    lo, hi = _FIRST_DAY - 1, _LAST_DAY  # after(lo) <= day is taken as true, hi unknown
    if _safe_after(duration, hi) <= day:
        return hi
    while hi - lo > 1:  # invariant: after(lo) <= day < after(hi)
        mid = (lo + hi) // 2
        if _safe_after(duration, mid) <= day:
            lo = mid
        else:
            hi = mid
    return lo


def min_birth(limit: Limit, day: int) -> int:
    """The first birth day *b* with ``limit.day(b) >= day``."""
    return max_birth(limit.duration, day - 1 + (1 if limit.exclusive else 0)) + 1


def birth_range(el: Eligibility, day: int, horizon: int = 0) -> tuple[int, int]:
    """The birth days (first, last) the age and birth-cohort conditions of *el* admit on *day*.

    A person who reaches ``age.from`` within *horizon* days is admitted (to
    be listed as upcoming), as per person. The range is empty when first >
    last. This is the per-person test of ``due()`` turned round: the same
    bounds, as birth days, so that over columns it is one comparison.
    """
    lo_b, hi_b = 1, day
    if el.age_from is not None:
        hi_b = min(hi_b, max_birth(el.age_from, day + horizon))
    if el.age_to is not None:
        lo_b = max(lo_b, min_birth(el.age_to, day))
    if el.born_from is not None:
        lo_b = max(lo_b, el.born_from.toordinal())
    if el.born_before is not None:
        hi_b = min(hi_b, el.born_before.toordinal() - 1)
    return lo_b, hi_b


@lru_cache(maxsize=256)
def age_stage_births(stages: frozenset[LifeStage], day: int) -> tuple[tuple[int, int], ...]:
    """The birth-day ranges (first, last) of the age stages among *stages* on *day*.

    Pregnancy stages are not by age and are left out; ``neonatus`` is by days.
    The ranges may overlap; in order of :data:`AGE_STAGES`, then ``neonatus``.
    """
    out = []
    for stage, lo, hi in AGE_STAGES:
        if stage in stages:
            top = max_birth(Duration(months=lo), day)
            bottom = 1 if hi is None else max_birth(Duration(months=hi), day) + 1
            out.append((bottom, top))
    if LifeStage.NEONATUS in stages:
        out.append((day - NEONATE_DAYS, day))
    return tuple(out)

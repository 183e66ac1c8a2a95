"""The day number of the 1st of each month: months added to a date of birth by a look-up.

:func:`ilp.dates.add_months_day` adds months to any day number, clamped to the
month's last day, and keeps its answers in a value-keyed cache. The
evaluators add months to one day above all, the date of birth, many times
per person. :data:`MONTH_STARTS` holds the day number of the 1st of each
month from January 1900 (index 0) to December 2599, so that for a day that
is the 1st to the 28th of the month with index *i*, the same day *m* months
later is ``MONTH_STARTS[i + m] + (day - MONTH_STARTS[i])``: no month has
fewer than 28 days, so nothing is clamped. Later days of a month take
:func:`~ilp.dates.add_months_day`.
"""

from __future__ import annotations

import datetime as _dt
from typing import Final

__all__ = ["MONTH_ONE_YEAR", "MONTH_SPAN", "MONTH_STARTS", "NO_OFFSET", "month_of"]

#: The year of index 0 of :data:`MONTH_STARTS`: a month's index is
#: ``(year - MONTH_ONE_YEAR) * 12 + month - 1``, as :func:`month_of` counts.
MONTH_ONE_YEAR: Final = 1900
_END_YEAR: Final = 2600

#: Day number of the 1st of each month, January 1900 first (every supported date, and
#: two centuries of durations after the last).
MONTH_STARTS: Final[tuple[int, ...]] = tuple(
    _dt.date(y, m, 1).toordinal() for y in range(MONTH_ONE_YEAR, _END_YEAR) for m in range(1, 13)
)

#: The offset :func:`month_of` gives a day that months cannot be added to by a look-up.
NO_OFFSET: Final = 28

#: Months in the table after a day's own that it answers for, whatever the day.
MONTH_SPAN: Final = 200 * 12


def month_of(date: _dt.date) -> tuple[int, int]:
    """The index of *date*'s month in :data:`MONTH_STARTS` and its day's offset in the month.

    The offset is :data:`NO_OFFSET` (use :func:`~ilp.dates.add_months_day`) for the
    29th to the 31st, and for a date whose month, or the month 200 years later, is
    outside the table.
    """
    i = (date.year - MONTH_ONE_YEAR) * 12 + date.month - 1
    if date.day > NO_OFFSET or i < 0 or i + MONTH_SPAN >= len(MONTH_STARTS):
        return i, NO_OFFSET
    return i, date.day - 1

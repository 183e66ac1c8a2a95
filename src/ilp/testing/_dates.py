"""Strategies for dates and durations."""

from __future__ import annotations

import datetime as _dt

import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ilp.dates import (
    DateLike,
    Duration,
)
from ilp.testing._common import _DEFAULT_ON, _FIRST_ON, _count_arg, _date_arg, _dates_arg

__all__ = ["dates", "durations"]


def dates(
    *,
    min_value: DateLike = "1900-01-01",
    max_value: DateLike = "2100-12-31",
) -> SearchStrategy[pendulum.Date]:
    """Calendar dates from *min_value* to *max_value* inclusive, as :class:`pendulum.Date`."""
    low, high = _date_arg(min_value, "min_value"), _date_arg(max_value, "max_value")
    if low > high:
        msg = f"min_value={low.isoformat()} is after max_value={high.isoformat()}"
        raise InvalidArgument(msg)
    return st.dates(min_value=low, max_value=high).map(
        lambda d: pendulum.Date(d.year, d.month, d.day)
    )


def durations(*, max_months: int = 1200, max_days: int = 3650) -> SearchStrategy[Duration]:
    """Durations of 0 to *max_months* months plus 0 to *max_days* days."""
    _count_arg(max_months, "max_months")
    _count_arg(max_days, "max_days")
    return st.builds(
        Duration,
        months=st.integers(min_value=0, max_value=max_months),
        days=st.integers(min_value=0, max_value=max_days),
    )


def _on_arg(value: DateLike | SearchStrategy[_dt.date] | None) -> SearchStrategy[pendulum.Date]:
    if value is None:
        return dates(min_value=_DEFAULT_ON[0], max_value=_DEFAULT_ON[1])
    return _dates_arg(value, "on", _FIRST_ON)

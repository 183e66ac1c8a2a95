"""Strategies for pregnancies and a woman's obstetric history."""

from __future__ import annotations

import datetime as _dt

import pendulum
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ilp.dates import (
    DateLike,
    from_day,
)
from ilp.people import (
    POSTTERM_DAYS,
    Outcome,
    Pregnancy,
)
from ilp.testing._common import (
    _BIRTH_DAYS,
    _EDD_DAYS,
    _GAPS,
    _MAX_EDD_DAYS,
    _MAYBE_BOOL,
    _MIN_EDD_DAYS,
    _MISCARRIAGE_DAYS,
    _OUTCOMES,
    _POSTPARTUM_GAP,
    _REPRODUCTIVE_AGE,
    _YOUNGEST_MOTHER,
    _bool_arg,
    _chance,
    _dates_arg,
    _day,
    _plus,
)
from ilp.testing._dates import dates

__all__ = ["pregnancies"]


def _ending(draw: st.DrawFn) -> tuple[Outcome | None, int]:
    """How a pregnancy that has ended ended, and its length in days from the HPHT."""
    outcome = draw(_OUTCOMES)
    if outcome is Outcome.MISCARRIAGE:
        return outcome, draw(_MISCARRIAGE_DAYS)
    return outcome, draw(_BIRTH_DAYS)


def _edd(draw: st.DrawFn, lmp: int, min_edd: int | None = None) -> pendulum.Date:
    """HPHT + 280 days, or now and then an EDD corrected by ultrasound, not before *min_edd*."""
    low = lmp + _MIN_EDD_DAYS if min_edd is None else max(lmp + _MIN_EDD_DAYS, min_edd)
    if not draw(_chance(25)):
        return from_day(lmp + _EDD_DAYS)
    return from_day(draw(st.integers(min_value=low, max_value=lmp + _MAX_EDD_DAYS)))


def _ended(draw: st.DrawFn, lmp: int, outcome: Outcome | None, length: int) -> Pregnancy:
    return Pregnancy(
        from_day(lmp),
        edd=_edd(draw, lmp),
        delivery_date=from_day(lmp + length),
        outcome=outcome,
        in_facility=None if outcome is Outcome.MISCARRIAGE else draw(_MAYBE_BOOL),
    )


def _ongoing(draw: st.DrawFn, lmp: int, min_edd: int | None = None) -> Pregnancy:
    return Pregnancy(from_day(lmp), edd=_edd(draw, lmp, min_edd))


def pregnancies(
    *,
    lmp: DateLike | SearchStrategy[_dt.date] | None = None,
    delivered: bool | None = None,
) -> SearchStrategy[Pregnancy]:
    """Pregnancies with HPHT *lmp*: ended (*delivered* True), ongoing (False) or either (None).

    An ended pregnancy is a live birth, a stillbirth, a birth of unstated
    outcome (all from 20 to 45 weeks) or a miscarriage (3 to 19 weeks).
    """
    lmps = (
        dates(min_value="1950-01-01", max_value="2050-12-31")
        if lmp is None
        else _dates_arg(lmp, "lmp")
    )
    _bool_arg(delivered, "delivered")

    @st.composite
    def build(draw: st.DrawFn) -> Pregnancy:
        day = _day(draw(lmps))
        if not (draw(st.booleans()) if delivered is None else delivered):
            return _ongoing(draw, day)
        outcome, length = _ending(draw)
        return _ended(draw, day, outcome, length)

    return build()


def _obstetric_history(
    draw: st.DrawFn, birth: int, on: int, death: int | None, pregnant: bool | None
) -> list[Pregnancy]:
    """Non-overlapping pregnancies of a woman born on day *birth*, as recorded on day *on*.

    *pregnant* True ends the list with a pregnancy ongoing on *on*; False
    makes sure none is; None lets one happen. A woman who died may have died
    pregnant; now and then a record was never closed and is stale by *on*.
    """
    end = on if death is None else death
    current: Pregnancy | None = None
    horizon = end
    if pregnant:
        # HPHT 0 to 40 weeks before `on`, at age 10 or later; EDD + 14 days on or after `on`
        youngest = _plus(birth, _YOUNGEST_MOTHER)
        lmp = on - draw(st.integers(min_value=0, max_value=min(_EDD_DAYS, on - youngest)))
        current = _ongoing(draw, lmp, min_edd=on - POSTTERM_DAYS)
        horizon = lmp
    cursor = _plus(birth, _REPRODUCTIVE_AGE[0])
    last = min(_plus(birth, _REPRODUCTIVE_AGE[1]), horizon)
    found: list[Pregnancy] = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        lmp = cursor + draw(_GAPS)
        if lmp > last:
            break
        outcome, length = _ending(draw)
        if lmp + length > horizon:
            if current is None and (pregnant is None or death is not None):
                found.append(_ongoing(draw, lmp))  # pregnant on `on`, or died pregnant
            break
        found.append(_ended(draw, lmp, outcome, length))
        cursor = lmp + length + _POSTPARTUM_GAP
    else:
        stale = min(last, on - _MAX_EDD_DAYS - POSTTERM_DAYS - 1)
        if current is None and cursor <= stale and draw(_chance(10)):
            found.append(_ongoing(draw, draw(st.integers(min_value=cursor, max_value=stale))))
    if current is not None:
        found.append(current)
    return found

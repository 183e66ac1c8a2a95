"""From a gap to names: the members of a target group not yet in an indicator's numerator."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs
import numpy as np

from ilp.dates import as_date
from ilp.errors import MonitoringError
from ilp.lifecycle import Status, due
from ilp.network import FacilityType, Network
from ilp.people import FamilyRegister
from ilp.pws._evaluate import Evaluation, Level
from ilp.pws._frames import AccFrame, DropFrame, MonthFrame
from ilp.pws._model import Indicator, IndicatorKind

__all__ = ["Missing", "missing", "work_list"]


@attrs.frozen
class Missing:
    """One member of the target group not counted in the numerator by the month's end."""

    person: str
    #: Row of the person in the population.
    row: int
    #: The person's home area (dusun/RW or desa).
    residence: str | None
    #: The desa (or the level asked) the person is counted in.
    area: str
    #: HPHT of the pregnancy concerned (pregnancy indicators), ISO date.
    pregnancy_lmp: str | None = None


def _codes(ind: Indicator) -> tuple[str, ...]:
    codes = [c for q in ind.requires for c in q.codes]
    codes += list(ind.codes)
    codes += [c for c in (ind.to_code,) if c]
    return tuple(dict.fromkeys(codes))


def missing(
    ev: Evaluation,
    indicator_id: str,
    month: int,
    *,
    area: str | None = None,
    level: Level | str = Level.DESA,
) -> tuple[Missing, ...]:
    """Who in the sasaran of *indicator_id* is not yet served to standard at the end of *month*.

    Accumulating indicators: members of the year's group known by the month's
    end and not yet served. Monthly and SKDN: members in the group that month
    not served in it. Drop-out: children with the first dose and not the
    second. UCI and continuum: those of the indicator they read (IDL, the
    last step). *area* limits the list to one area of *level*.
    """
    ind = ev.indicator(indicator_id)
    if ind.kind is IndicatorKind.UCI:
        return missing(ev, ind.of or "IDL", month, area=area, level=level)
    if ind.kind is IndicatorKind.CONTINUUM:
        return missing(ev, ind.steps[-1], month, area=area, level=level)
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        msg = f"month: {month!r} is not a month 1-12"
        raise MonitoringError(msg, field="month", value=month)
    g = ev.grouping(level)
    if area is not None and area not in g.ids:
        msg = f"area {area!r} is not a {Level.parse(level).value} of the network"
        raise MonitoringError(msg, field="area", value=area)
    m = month - 1
    frame = ev.frame(ind)
    pregnancy = None
    if isinstance(frame, AccFrame):
        sel = (frame.enter <= m) & (frame.done > m)
        person, home = frame.person[sel], frame.area[sel]
        pregnancy = frame.pregnancy[sel]
    elif isinstance(frame, MonthFrame):
        sel = frame.inside[:, m] & ~frame.served[:, m]
        person, home = frame.person[sel], frame.area[sel]
    else:
        assert isinstance(frame, DropFrame)
        ok_first = frame.first_month <= m
        second = frame.second_person[frame.second_month <= m]
        sel = ok_first & ~np.isin(frame.first_person, second)
        person, home = frame.first_person[sel], frame.first_area[sel]
    grp = np.where(home >= 0, g.of_area[np.maximum(home, 0)], -1)
    keep = grp >= 0
    if area is not None:
        keep &= grp == g.ids.index(area)
    pop = ev.population
    out = []
    for k in np.flatnonzero(keep).tolist():
        row = int(person[k])
        lmp = None
        if pregnancy is not None and pregnancy[k] >= 0:
            lmp = _dt.date.fromordinal(int(pop.preg_lmp[pregnancy[k]])).isoformat()
        res = int(pop.residence[row])
        out.append(
            Missing(
                str(pop.ids[row]),
                row,
                None if res < 0 else pop.areas[res],
                g.ids[int(grp[k])],
                lmp,
            )
        )
    out.sort(key=lambda x: (x.area, x.residence or "", x.person))
    return tuple(out)


def work_list(
    found: tuple[Missing, ...],
    indicator: Indicator,
    register: FamilyRegister,
    network: Network,
    on: _dt.date,
) -> list[dict[str, Any]]:
    """Each missing person with name, family, address, their Posyandu and Pustu, and what is due.

    ``due`` lists the indicator's services that :func:`ilp.due` finds due or
    overdue for the person on *on*: what puts them on their Posyandu's
    target list and the kader's home-visit list.
    """
    codes = set(_codes(indicator))
    people = {p.id: p for p in register.people}
    out = []
    for x in found:
        p = people.get(x.person)
        if p is None:
            continue
        fam = register.family_of(p.id)
        posyandu, pustu = _sites(network, x.residence)
        day = as_date(on, field="on")
        items = due(p, day, history=register.history(p.id)) if p.is_alive(day) else ()
        out.append(
            {
                "person": p.id,
                "name": p.name,
                "kk_number": fam.kk_number,
                "address": fam.address,
                "residence": x.residence,
                "area": x.area,
                "pregnancy_lmp": x.pregnancy_lmp,
                "posyandu": posyandu,
                "pustu": pustu,
                "due": [
                    {"code": i.code, "status": i.status.value}
                    for i in items
                    if i.code in codes and i.status in (Status.DUE, Status.OVERDUE)
                ],
            }
        )
    return out


def _sites(network: Network, home: str | None) -> tuple[str | None, str | None]:
    posyandu = pustu = None
    if home is None or not network.has_area(home):
        return None, None
    for a in network.ancestors(home):
        for f in network.serving(a.id):
            if f.type is FacilityType.POSYANDU and posyandu is None:
                posyandu = f.id
            if f.type is FacilityType.PUSTU and pustu is None:
                pustu = f.id
    return posyandu, pustu

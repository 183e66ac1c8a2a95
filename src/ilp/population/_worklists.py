"""Every work list of a catchment on one date, from one batch evaluation per day.

:func:`ilp.network.targets`, :func:`~ilp.network.weekly_list` and
:func:`~ilp.network.home_visits` answer for one site by calling
:func:`ilp.due` for each person they serve. :func:`work_lists` gives the same
lists for many sites at once: the register is turned into columns and
indexed by home area once, the people of all lists that fall on the same
day are evaluated together by :func:`~ilp.population.due_batch`, and each
list's people and items are chosen over the evaluation's columns
(:mod:`ilp.population._worklist_day`). A list holds rows until it is read
(:mod:`ilp.population._worklist_rows`, which also writes its JSON from
them). ``tests/properties/test_worklist_properties.py`` proves the lists
equal the per-person ones.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import attrs
import numpy as np
import pendulum

from ilp.dates import FIRST_DATE, as_date
from ilp.errors import NetworkError
from ilp.lifecycle import Catalogue, Region, Status, national
from ilp.network import (
    ACTIONABLE,
    THIS_WEEK,
    Facility,
    FacilityType,
    HomeVisit,
    Network,
    TargetList,
)
from ilp.people import FamilyRegister
from ilp.population._calendar import Arr
from ilp.population._worklist_day import People, _Day
from ilp.population._worklist_register import _Register, _Slots
from ilp.population._worklist_rows import Lazy, TargetRows, VisitRows
from ilp.population.columns import ColumnRegister

__all__ = ["WorkLists", "work_lists"]

#: What a home visit acts on (``visit_member`` selects only these).
_VISIT_STATUSES: Final = frozenset({Status.DUE, Status.OVERDUE})
_ONE_DAY_HORIZON: Final = 0
_WEEK_HORIZON: Final = 6


@attrs.frozen(eq=False)
class WorkLists:
    """The work lists of a catchment on one date, as :func:`work_lists` made them.

    Each mapping is keyed by site id (area id for home visits), in the order
    the sites were asked for; each value equals what the per-person function
    (:func:`~ilp.network.targets`, :func:`~ilp.network.weekly_list`,
    :func:`~ilp.network.home_visits`) returns for that site. A list's value is
    made the first time it is read (then kept); the mappings compare, print
    and pickle as the ``dict`` of their values.
    """

    on: pendulum.Date
    #: Daftar sasaran per site, each for the site's next opening day on or after *on*.
    targets: Mapping[str, TargetList]
    #: Lists of the 7 days from *on* per site (a Pustu's week).
    weekly: Mapping[str, TargetList]
    #: Kader home-visit lists per area.
    home_visits: Mapping[str, tuple[HomeVisit, ...]]


#: One list a day needs: its kind, site or area id, the areas it serves, the statuses it keeps.
_Want = tuple[str, str, Sequence[str], frozenset[Status]]


def _facility(network: Network, site: Facility | str) -> Facility:
    return network.facility(site) if isinstance(site, str) else site


def _sites(
    network: Network, value: Iterable[Facility | str] | None, kind: FacilityType
) -> list[Facility]:
    if value is None:
        return list(network.of_type(kind))
    return [_facility(network, s) for s in value]


# Long by its docstring and keyword list; the code plans the days, then builds each list.
def work_lists(
    network: Network,
    register: FamilyRegister | ColumnRegister,
    on: pendulum.Date | _dt.date | str,
    *,
    targets: Iterable[Facility | str] | None = None,
    weekly: Iterable[Facility | str] | None = None,
    home_visits: Iterable[str] | None = None,
    catalogue: Catalogue | None = None,
    region: Region | None = None,
) -> WorkLists:
    """Target lists, weekly lists and home-visit lists on *on*, all at once.

    *targets* are the sites whose daftar sasaran is made for their next
    opening day (default: every Posyandu); *weekly* the sites whose list of
    the 7 days from *on* is made (default: every Pustu); *home_visits* the
    areas whose kader home-visit list is made (default: the area of every
    Posyandu). Pass ``()`` for a kind you do not want. Each list equals what
    :func:`~ilp.network.targets`, :func:`~ilp.network.weekly_list` or
    :func:`~ilp.network.home_visits` gives for it; the people of every list
    that falls on the same day are evaluated once, by
    :func:`~ilp.population.due_batch`.
    """
    start = as_date(on, field="on")
    target_sites = _sites(network, targets, FacilityType.POSYANDU)
    week_sites = _sites(network, weekly, FacilityType.PUSTU)
    if home_visits is None:
        areas = list(dict.fromkeys(f.area for f in network.of_type(FacilityType.POSYANDU)))
    else:
        areas = list(home_visits)
    for a in areas:
        if not network.has_area(a):
            msg = f"area id {a!r} is not in the network"
            raise NetworkError(msg, path=network.origin, key=a, value=a)
    if catalogue is None:
        catalogue = national()
    reg = _Register(register)
    slots = _Slots(catalogue)
    served = {f.id: [a.id for a in network.within(f.area)] for f in (*target_sites, *week_sites)}

    # what each day needs: (kind, key, served areas, keep)
    days: dict[pendulum.Date, list[_Want]] = {}
    horizons: dict[pendulum.Date, int] = {}
    for f in target_sites:
        day = network.next_opening(f, start) or start
        days.setdefault(day, []).append(("targets", f.id, served[f.id], ACTIONABLE))
        horizons[day] = max(horizons.get(day, 0), _ONE_DAY_HORIZON)
    for f in week_sites:
        days.setdefault(start, []).append(("weekly", f.id, served[f.id], THIS_WEEK))
        horizons[start] = max(horizons.get(start, 0), _WEEK_HORIZON)
    for a in areas:
        within = [x.id for x in network.within(a)]
        days.setdefault(start, []).append(("visits", a, within, _VISIT_STATUSES))
        horizons[start] = max(horizons.get(start, 0), _ONE_DAY_HORIZON)

    facilities = {f.id: f for f in (*target_sites, *week_sites)}
    catalogues: dict[bytes, Catalogue] = {}
    made: dict[str, dict[str, TargetRows | VisitRows]] = {"targets": {}, "weekly": {}, "visits": {}}
    for day, wants in days.items():
        d = day.toordinal()
        living = {(kind, key): reg.living(areas_, d) for kind, key, areas_, _ in wants}
        listed = np.zeros(len(reg.population), dtype=bool)
        for found in living.values():
            listed[found] = True
        rows = np.flatnonzero(listed)
        keep = frozenset().union(*(k for *_, k in wants))
        # one evaluation per region: each person takes the region of their home area
        evaluated = _catalogue_of(catalogue, slots, wants, facilities, catalogues)
        evaluations = [
            _Day(reg, slots, sub, day, horizons[day], keep, evaluated, rg)
            for rg, sub in _by_region(network, reg, rows, region)
        ]
        for kind, key, _, kept in wants:
            wanted = living[(kind, key)]
            people = People()
            for ev in evaluations:
                if kind == "visits":
                    people.add(ev, *ev.visits(ev.local(wanted)))
                else:
                    people.add(ev, ev.targets(ev.local(wanted), facilities[key], kept))
            if kind == "visits":
                made[kind][key] = VisitRows(people)
            else:
                until = day.add(days=6) if kind == "weekly" else day
                made[kind][key] = TargetRows(facilities[key], day, until, people)
    return WorkLists(
        start,
        Lazy[TargetList]({f.id: made["targets"][f.id] for f in target_sites}, TargetRows.build),
        Lazy[TargetList]({f.id: made["weekly"][f.id] for f in week_sites}, TargetRows.build),
        Lazy[tuple[HomeVisit, ...]]({a: made["visits"][a] for a in areas}, VisitRows.build),
    )


def _catalogue_of(
    catalogue: Catalogue,
    slots: _Slots,
    wants: list[_Want],
    facilities: Mapping[str, Facility],
    made: dict[bytes, Catalogue],
) -> Catalogue:
    """The catalogue a day's evaluation takes: *catalogue*, or for a day of target lists alone,
    *catalogue* with the entries no site of the day gives put out of force.

    ``due_batch`` evaluates the entries in force; a target list keeps only
    items its site gives, so an entry no site of the day gives has no item
    on the day's lists. Such an entry stays in the catalogue, never in force
    (before ``FIRST_DATE``), so that the slots, the codes known and the
    records read are those of *catalogue*: the items of the other entries
    are the same. *made* keeps the catalogues made, by the slots given.
    """
    if any(kind != "targets" for kind, *_ in wants):
        return catalogue
    given = np.zeros(len(slots.service), dtype=bool)
    for _, key, _, _ in wants:
        given |= slots.gives(facilities[key])
    found = made.get(given.tobytes())
    if found is None:
        wanted = {id(slots.entry[k]) for k in np.flatnonzero(given).tolist()}
        entries = tuple(
            e if id(e) in wanted else attrs.evolve(e, effective_before=FIRST_DATE)
            for e in catalogue.entries
        )
        found = made[given.tobytes()] = attrs.evolve(catalogue, entries=entries)
    return found


def _by_region(
    network: Network, reg: _Register, rows: Arr, region: Region | None
) -> list[tuple[Region, Arr]]:
    """*rows* grouped by the region of their home area (all together when *region* is given)."""
    if region is not None:
        return [(region, rows)]
    regions = reg.regions(network)
    home = reg.home_index[rows]
    groups: dict[Region, list[Arr]] = {}
    for h in np.unique(home).tolist():
        groups.setdefault(regions[h], []).append(rows[home == h])
    found = [(rg, np.sort(np.concatenate(parts))) for rg, parts in groups.items()]
    return found or [(Region(), rows)]

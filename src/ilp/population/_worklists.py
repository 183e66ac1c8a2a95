"""Every work list of a catchment on one date, from one batch evaluation per day.

:func:`ilp.network.targets`, :func:`~ilp.network.weekly_list` and
:func:`~ilp.network.home_visits` answer for one site by calling
:func:`ilp.due` for each person they serve. :func:`work_lists` gives the same
lists for many sites at once: the register is turned into columns and
indexed by home area once, the people of all lists that fall on the same
day are evaluated together by :func:`~ilp.population.due_batch`, and list
items are made only for the (person, service) pairs some list keeps.
``tests/properties/test_worklist_properties.py`` proves the lists equal
the per-person ones.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import pendulum

from ilp.dates import as_date
from ilp.errors import NetworkError
from ilp.lifecycle import (
    Catalogue,
    DueItem,
    Entry,
    LifeStage,
    Region,
    Service,
    Status,
    national,
    stages_of,
)
from ilp.lifecycle.rules.person import Why
from ilp.network import (
    ACTIONABLE,
    THIS_WEEK,
    Facility,
    FacilityType,
    HomeVisit,
    Network,
    Target,
    TargetList,
    can_give,
    group_households,
    main_stage,
    visit_member,
)
from ilp.people import Family, FamilyRegister, Person, ServiceRecord
from ilp.population._calendar import NO_DAY, Arr
from ilp.population.batch import STATUS_CODES, BatchResult, due_batch
from ilp.population.batch.kinds import EXPLAINERS
from ilp.population.batch.plan import plan_of
from ilp.population.columns import History, Population

__all__ = ["WorkLists", "work_lists"]

_STATUS_OF: Final = {code: status for status, code in STATUS_CODES.items()}
#: What a home visit acts on (``_needs_visit`` selects only these).
_VISIT_STATUSES: Final = frozenset({Status.DUE, Status.OVERDUE})
_ONE_DAY_HORIZON: Final = 0
_WEEK_HORIZON: Final = 6


@attrs.frozen(eq=False)
class WorkLists:
    """The work lists of a catchment on one date, as :func:`work_lists` made them.

    Each mapping is keyed by site id (area id for home visits), in the order
    the sites were asked for; each value equals what the per-person function
    (:func:`~ilp.network.targets`, :func:`~ilp.network.weekly_list`,
    :func:`~ilp.network.home_visits`) returns for that site.
    """

    on: pendulum.Date
    #: Daftar sasaran per site, each for the site's next opening day on or after *on*.
    targets: Mapping[str, TargetList]
    #: Lists of the 7 days from *on* per site (a Pustu's week).
    weekly: Mapping[str, TargetList]
    #: Kader home-visit lists per area.
    home_visits: Mapping[str, tuple[HomeVisit, ...]]


class _Register:
    """The register as columns, and its people indexed by home area once."""

    def __init__(self, register: FamilyRegister) -> None:
        people: list[Person] = []
        families: list[Family] = []
        homes: list[str | None] = []
        by_area: dict[str, list[int]] = {}
        for f in register.families:
            for m in f.members:
                p = m.person
                home = p.residence or f.residence
                if home is not None:
                    by_area.setdefault(home, []).append(len(people))
                people.append(p)
                families.append(f)
                homes.append(home)
        self.people = people
        self.families = families
        self.homes = homes
        self.by_area = {a: np.array(rows, dtype=np.int64) for a, rows in by_area.items()}
        index = {p.id: i for i, p in enumerate(people)}
        #: Each person's row, for putting lists from several evaluations back in order.
        self.rank = index
        histories = {k: v for k, v in register.histories.items() if k in index}
        self.population, self.history = _columns(people, index, histories)

    def living(self, areas: Iterable[str], day: int) -> Arr:
        """Rows (in register order) whose home is in *areas* and who are alive on *day*."""
        parts = [self.by_area[a] for a in areas if a in self.by_area]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        rows: Arr = np.sort(np.concatenate(parts))
        pop = self.population
        alive = (pop.birth[rows] <= day) & ((pop.death[rows] == NO_DAY) | (day <= pop.death[rows]))
        living: Arr = rows[alive]
        return living


def _columns(
    people: list[Person], index: Mapping[str, int], histories: Mapping[str, Iterable[ServiceRecord]]
) -> tuple[Population, History]:
    """``Population.from_people(people, histories)``, with the records gathered in one pass.

    Anything that pass cannot take (an item that is not a record, a record
    outside its person's life) is left to ``from_people``, which names it.
    """
    population, _ = Population.from_people(people)
    rows: list[int] = []
    codes: list[int] = []
    days: list[int] = []
    where: dict[str, int] = {}
    try:
        for pid, records in histories.items():
            rs = tuple(records)
            rows += [index[pid]] * len(rs)
            codes += [where.setdefault(r.code, len(where)) for r in rs]
            days += [r.date.toordinal() for r in rs]
        person = np.array(rows, dtype=np.int64)
        day = np.array(days, dtype=np.int64)
        death = population.death[person]
        ok = bool(
            np.all(population.birth[person] <= day)
            and np.all((death == NO_DAY) | (day <= death))
            and all(type(r) is ServiceRecord for rs in histories.values() for r in rs)
        )
    except AttributeError:
        ok = False
    if not ok:
        return Population.from_people(people, histories)
    history = History.from_arrays(
        population, person=person, code=np.array(codes, dtype=np.int64), day=day, codes=where
    )
    return population, history


class _Slots:
    """Per slot of the catalogue's plan: its entry, service, place in the entry and sort keys."""

    def __init__(self, catalogue: Catalogue) -> None:
        plan = plan_of(catalogue)
        self.entry: list[Entry] = []
        self.service: list[Service] = []
        self.index: list[int] = []
        for entry in catalogue.entries:
            assert plan.base[id(entry)] == len(self.service)
            for j, svc in enumerate(entry.services):
                self.entry.append(entry)
                self.service.append(svc)
                self.index.append(j)
        ranks = {c: i for i, c in enumerate(sorted(set(plan.codes)))}
        self.code_rank = np.array([ranks[c] for c in plan.codes], dtype=np.int64)
        self.dose = np.array([d or 0 for d in plan.doses], dtype=np.int64)


class _Day:
    """One batch evaluation of the people of every list on one day, and its items."""

    def __init__(  # noqa: PLR0917 - internal: one evaluation's inputs
        self,
        reg: _Register,
        slots: _Slots,
        rows: Arr,
        day: pendulum.Date,
        horizon: int,
        keep: frozenset[Status],
        catalogue: Catalogue,
        region: Region,
    ) -> None:
        self.reg, self.slots, self.day, self.d = reg, slots, day, day.toordinal()
        self.region = region
        self.rows = rows
        self.local = {int(r): k for k, r in enumerate(rows.tolist())}
        self.history: History = reg.history.take(rows)
        result = due_batch(
            reg.population.take(rows),
            self.history,
            day,
            catalogue=catalogue,
            region=region,
            horizon=horizon,
        )
        self.result = result
        self._dense: dict[int, Arr] = {}
        self.stages: dict[int, frozenset[LifeStage]] = {}
        self.items = self._items(result, keep)

    def _items(self, result: BatchResult, keep: frozenset[Status]) -> list[tuple[DueItem, ...]]:
        """Per local row, its items of *keep* statuses in ``due()`` order."""
        cols = result.to_arrays()
        codes = np.array(sorted(STATUS_CODES[s] for s in keep), dtype=np.int8)
        picked = np.flatnonzero(np.isin(cols["status"], codes))
        person = cols["person"][picked].astype(np.int64)
        slot = cols["slot"][picked].astype(np.int64)
        status = cols["status"][picked]
        rec = cols["recommended"][picked]
        s = self.slots
        order = np.lexsort((slot, s.dose[slot], s.code_rank[slot], rec, status, person))
        person, slot = person[order], slot[order]
        where = picked[order]
        made = self._make(
            slot,
            person,
            cols["status"][where].tolist(),
            cols["earliest"][where].tolist(),
            cols["recommended"][where].tolist(),
            cols["overdue"][where].tolist(),
            cols["latest"][where].tolist(),
        )
        out: list[tuple[DueItem, ...]] = [()] * len(self.rows)
        bounds = np.flatnonzero(np.diff(person)) + 1
        starts = [0, *bounds.tolist()]
        ends = [*bounds.tolist(), len(person)]
        for a, b in zip(starts, ends, strict=True):
            if a < b:
                out[int(person[a])] = tuple(made[a:b])
        return out

    def _make(  # noqa: PLR0917 - internal: the columns of the picked items
        self,
        slot: Arr,
        person: Arr,
        status: list[int],
        earliest: list[int],
        recommended: list[int],
        overdue: list[int],
        latest: list[int],
    ) -> list[DueItem]:
        services = self.slots.service
        whys: list[tuple[Any, ...]] = [()] * len(slot)
        order = np.argsort(slot, kind="stable")
        cuts = np.flatnonzero(np.diff(slot[order])) + 1
        for group in np.split(order, cuts):
            if len(group):
                for k, why in zip(
                    group.tolist(), self._why(int(slot[group[0]]), person[group]), strict=True
                ):
                    whys[k] = why
        return [
            DueItem(
                services[s],
                _STATUS_OF[st],
                e,
                r,
                None if o == NO_DAY else o,
                None if lt == NO_DAY else lt,
                None,
                why,
            )
            for s, st, e, r, o, lt, why in zip(
                slot.tolist(), status, earliest, recommended, overdue, latest, whys, strict=True
            )
        ]

    # -- the reason of an item, as the per-person engine words it ---------------------------

    def given(self, slot: int) -> Arr:
        """Per local row, the day *slot* was given (NO_DAY when not listed as given)."""
        found = self._dense.get(slot)
        if found is None:
            items = self.result.slots[slot]
            found = np.full(len(self.rows), NO_DAY, dtype=np.int64)
            found[items.rows] = items.given
            self._dense[slot] = found
        return found

    def last_records(self, code: str, rows: Arr) -> list[int | None]:
        """The day of each of *rows*' last record of *code* on or before the day, or None."""
        person, day = self.history.of_code(code)
        key = person.astype(np.int64) << 32 | day
        k = np.searchsorted(key, rows.astype(np.int64) << 32 | self.d, side="right") - 1
        safe = np.maximum(k, 0)
        found = (k >= 0) & (person[safe] == rows) if len(person) else np.zeros(len(rows), bool)
        days = day[safe] if len(day) else np.zeros(len(rows), np.int32)
        return [int(x) if f else None for x, f in zip(days.tolist(), found.tolist(), strict=True)]

    def _why(self, slot: int, rows: Arr) -> list[Why]:
        """The reason data the engine attaches to *slot*'s open items, for each of *rows*.

        Each rule kind's ``why`` (:mod:`ilp.population.batch.kinds`) rebuilds what its
        per-person ``evaluate`` attaches, from this day's facts.
        """
        entry = self.slots.entry[slot]
        return EXPLAINERS[entry.rule.kind](self, entry, self.slots.index[slot], slot, rows)

    def person(self, row: int) -> Person:
        """The person in local *row*."""
        return self.reg.people[int(self.rows[row])]

    def stages_of(self, row: int) -> frozenset[LifeStage]:
        """The stages of the person in local *row* on the day (computed once per day)."""
        found = self.stages.get(row)
        if found is None:
            found = self.stages[row] = stages_of(self.person(row), self.day)
        return found

    def anchor(self, row: int, what: str) -> int:
        """The day postnatal visits of local *row* count from (birth, or the last delivery)."""
        person = self.person(row)
        if what == "birth":
            return person.birth_date.toordinal()
        return max(
            p.delivery_date.toordinal()
            for p in person.pregnancies
            if p.is_birth and p.delivery_date is not None and p.delivery_date.toordinal() <= self.d
        )


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
    register: FamilyRegister,
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
    made: dict[str, dict[str, Any]] = {"targets": {}, "weekly": {}, "visits": {}}
    for day, wants in days.items():
        d = day.toordinal()
        living = {(kind, key): reg.living(areas_, d) for kind, key, areas_, _ in wants}
        rows = np.unique(np.concatenate([np.zeros(0, np.int64), *living.values()]))
        keep = frozenset().union(*(k for *_, k in wants))
        # one evaluation per region: each person takes the region of their home area
        evaluations = [
            _Day(reg, slots, sub, day, horizons[day], keep, catalogue, rg)
            for rg, sub in _by_region(network, reg, rows, region)
        ]
        for kind, key, _, kept in wants:
            wanted = living[(kind, key)]
            parts = [(ev, np.flatnonzero(np.isin(ev.rows, wanted)).tolist()) for ev in evaluations]
            if kind == "visits":
                members = [m for ev, local in parts for m in _visit_members(ev, local)]
                made[kind][key] = group_households(_in_register_order(reg, members, len(parts)))
            else:
                facility = facilities[key]
                until = day.add(days=6) if kind == "weekly" else day
                found = [t for ev, local in parts for t in _targets(ev, local, facility, kept)]
                found = _in_register_order(reg, found, len(parts))
                made[kind][key] = TargetList(facility, day, until, tuple(found))
    return WorkLists(
        start,
        {f.id: made["targets"][f.id] for f in target_sites},
        {f.id: made["weekly"][f.id] for f in week_sites},
        {a: made["visits"][a] for a in areas},
    )


def _by_region(
    network: Network, reg: _Register, rows: Arr, region: Region | None
) -> list[tuple[Region, Arr]]:
    """*rows* grouped by the region of their home area (all together when *region* is given)."""
    if region is not None:
        return [(region, rows)]
    groups: dict[Region, list[int]] = {}
    for r in rows.tolist():
        home = reg.homes[r]
        found = network.region_of(home) if home is not None and network.has_area(home) else Region()
        groups.setdefault(found, []).append(r)
    return [(rg, np.array(rs, dtype=np.int64)) for rg, rs in groups.items()] or [(Region(), rows)]


def _in_register_order(reg: _Register, found: list[Target], parts: int) -> list[Target]:
    """Targets from several evaluations back in register order (one evaluation keeps it)."""
    if parts <= 1:
        return found
    rank = reg.rank
    return sorted(found, key=lambda t: rank[t.person.id])


def _targets(
    ev: _Day, local: list[int], facility: Facility, keep: frozenset[Status]
) -> tuple[Target, ...]:
    gives: dict[int, bool] = {}
    reg, rows = ev.reg, ev.rows
    found = []
    for k in local:
        items = ev.items[k]
        if not items:
            continue
        mine = []
        for i in items:
            ok = gives.get(id(i.service))
            if ok is None:
                ok = gives[id(i.service)] = can_give(facility, i.service)
            if ok and i.status in keep:
                mine.append(i)
        # opportunistic services go with a person's other services, never alone
        if mine and any(i.service.outreach(reg.people[int(rows[k])], ev.day) for i in mine):
            r = int(rows[k])
            person = reg.people[r]
            stage = main_stage(ev.stages_of(k))
            found.append(Target(person, reg.families[r], reg.homes[r], stage, tuple(mine)))
    return tuple(found)


def _visit_members(ev: _Day, local: list[int]) -> list[Target]:
    reg, rows = ev.reg, ev.rows
    found = []
    for k in local:
        items = ev.items[k]
        r = int(rows[k])
        person = reg.people[r]
        if not items and not person.pregnancies:
            continue  # nothing to visit for, and cannot be pregnant
        mine = [i for i in items if i.status in _VISIT_STATUSES]
        member = visit_member(person, reg.families[r], reg.homes[r], ev.stages_of(k), mine, ev.day)
        if member is not None:
            found.append(member)
    return found

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
import itertools
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
)
from ilp.lifecycle.rules.person import Why
from ilp.lifecycle.semantics import NIFAS_DAYS, PREGNANCY_STAGES, age_stage_births
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
from ilp.people import POSTTERM_DAYS, Family, FamilyRegister, Outcome, Person
from ilp.population._calendar import NO_DAY, Arr
from ilp.population.batch import STATUS_CODES, BatchResult, due_batch
from ilp.population.batch.kinds import EXPLAINERS
from ilp.population.batch.plan import plan_of
from ilp.population.columns import CONDITIONS, OUTCOMES, ColumnRegister, History, Population

__all__ = ["WorkLists", "work_lists"]

_STATUS_OF: Final = {code: status for status, code in STATUS_CODES.items()}
#: What a home visit acts on (``_needs_visit`` selects only these).
_VISIT_STATUSES: Final = frozenset({Status.DUE, Status.OVERDUE})
_VISIT_CODES: Final = frozenset(STATUS_CODES[s] for s in _VISIT_STATUSES)
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

    def __init__(self, register: FamilyRegister | ColumnRegister) -> None:
        if isinstance(register, ColumnRegister):
            cols = register
        else:
            cols = ColumnRegister.from_register(register, only_known=True)
        self.cols = cols
        self.population, self.history = cols.population, cols.history
        self.homes = homes = cols.homes
        by_area: dict[str, list[int]] = {}
        for r, home in enumerate(homes):
            if home is not None:
                by_area.setdefault(home, []).append(r)
        self.by_area = {a: np.array(rows, dtype=np.int64) for a, rows in by_area.items()}
        #: Each row's home as an index into ``home_areas`` (its last item: no home).
        self.home_areas: list[str | None] = [*by_area, None]
        self.home_index = np.full(len(homes), len(by_area), dtype=np.int64)
        for k, rows in enumerate(self.by_area.values()):
            self.home_index[rows] = k
        self._regions: list[Region] | None = None
        #: The number of pregnancies of each row.
        self.pregnancies = np.bincount(
            self.population.preg_person, minlength=len(self.population)
        ).astype(np.int64)

    def regions(self, network: Network) -> list[Region]:
        """Per item of ``home_areas``, the region of that area in *network*."""
        if self._regions is None:
            self._regions = [
                network.region_of(a) if a is not None and network.has_area(a) else Region()
                for a in self.home_areas
            ]
        return self._regions

    def person(self, row: int) -> Person:
        """The person in *row* (made when first asked for)."""
        return self.cols.person(row)

    def family(self, row: int) -> Family:
        """The family of the person in *row*."""
        return self.cols.family_of(row)

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
        # Service.outreach as bits: always, or a priority condition or stage the person has
        self.always = [not svc.opportunistic for svc in self.service]
        self.condition_bits = [_priority_bits(svc)[0] for svc in self.service]
        self.stage_bits = [_priority_bits(svc)[1] for svc in self.service]
        self._gives: dict[str, list[bool]] = {}

    def gives(self, facility: Facility) -> list[bool]:
        """Per slot, whether *facility* gives the service (``can_give``)."""
        found = self._gives.get(facility.id)
        if found is None:
            found = self._gives[facility.id] = [can_give(facility, s) for s in self.service]
        return found


def _priority_bits(service: Service) -> tuple[int, int]:
    """The condition bits and stage bits of *service*'s priority groups (0, 0 when none)."""
    if service.priority is None:
        return 0, 0
    conditions = sum(1 << CONDITIONS.index(c) for c in service.priority.conditions)
    return conditions, sum(_STAGE_BIT[s] for s in service.priority.stages)


def _stage_masks(population: Population, rows: Arr, d: int) -> Arr:
    """Per row of *rows*, the bits (:data:`_STAGE_BIT`) of its stages on day *d* (``stages_of``)."""
    b = population.birth[rows].astype(np.int64)
    mask = np.zeros(len(rows), dtype=np.int64)
    pregnancies = _pregnancy_stages(population, d)
    for stage in _STAGES:
        if stage in PREGNANCY_STAGES:
            found = np.isin(rows, pregnancies[stage])
        else:
            found = mask < 0
            for first, last in age_stage_births(frozenset({stage}), d):
                found |= (b >= first) & (b <= last)
        mask[found] |= _STAGE_BIT[stage]
    death = population.death[rows]
    mask[(death != NO_DAY) & (death < d)] = 0
    return mask


def _pregnancy_stages(population: Population, d: int) -> dict[LifeStage, Arr]:
    """The rows in each pregnancy stage on day *d*, as ``stages_of`` finds them."""
    pop = population
    person = pop.preg_person
    lmp, dl = pop.preg_lmp.astype(np.int64), pop.preg_delivery.astype(np.int64)
    ended = dl != NO_DAY
    last_day = np.where(ended, dl - 1, pop.preg_edd.astype(np.int64) + POSTTERM_DAYS)
    birth = ended & (pop.preg_outcome != OUTCOMES.index(Outcome.MISCARRIAGE))
    after = d - dl
    return {
        LifeStage.IBU_HAMIL: person[(lmp <= d) & (d <= last_day)],
        LifeStage.IBU_BERSALIN: person[birth & (after == 0)],
        LifeStage.IBU_NIFAS: person[birth & (after >= 0) & (after <= NIFAS_DAYS)],
    }


_STAGES: Final = tuple(LifeStage)
_STAGE_BIT: Final = {s: 1 << i for i, s in enumerate(_STAGES)}
_STAGE_SETS: dict[int, frozenset[LifeStage]] = {}


def _stage_set(mask: int) -> frozenset[LifeStage]:
    """The stages of *mask*."""
    found = _STAGE_SETS.get(mask)
    if found is None:
        found = _STAGE_SETS[mask] = frozenset(s for s in _STAGES if mask & _STAGE_BIT[s])
    return found


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
        #: Per local row, the bits of its stages on the day, and of its conditions.
        self.masks: list[int] = _stage_masks(reg.population, rows, self.d).tolist()
        self.conditions: list[int] = reg.population.conditions[rows].tolist()
        self._items(result, keep)

    def reaches(self, row: int, slot: int) -> bool:
        """``Service.outreach`` of *slot* for local *row* on the day."""
        s = self.slots
        return s.always[slot] or bool(
            self.conditions[row] & s.condition_bits[slot] or self.masks[row] & s.stage_bits[slot]
        )

    def _items(self, result: BatchResult, keep: frozenset[Status]) -> None:
        """The open items of *keep* statuses, per local row in ``due()`` order, made on demand.

        Item *j* of row *k* (``span[k][0] <= j < span[k][1]``) is slot ``slot[j]``
        with status code ``status[j]``; :meth:`item` makes its ``DueItem`` once.
        """
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
        self.slot: list[int] = slot.tolist()
        self.status: list[int] = cols["status"][where].tolist()
        self._dates = (
            cols["earliest"][where].tolist(),
            cols["recommended"][where].tolist(),
            cols["overdue"][where].tolist(),
            cols["latest"][where].tolist(),
        )
        self._whys = self._reasons(slot, person)
        self._made: list[DueItem | None] = [None] * len(self.slot)
        starts = np.searchsorted(person, np.arange(len(self.rows) + 1)).tolist()
        #: Per local row, the range of its items.
        self.span: list[tuple[int, int]] = list(itertools.pairwise(starts))

    def item(self, j: int) -> DueItem:
        """Item *j* (made once)."""
        found = self._made[j]
        if found is None:
            earliest, recommended, overdue, latest = self._dates
            o, lt = overdue[j], latest[j]
            found = self._made[j] = DueItem(
                self.slots.service[self.slot[j]],
                _STATUS_OF[self.status[j]],
                earliest[j],
                recommended[j],
                None if o == NO_DAY else o,
                None if lt == NO_DAY else lt,
                None,
                self._whys[j],
            )
        return found

    def _reasons(self, slot: Arr, person: Arr) -> list[tuple[Any, ...]]:
        """The reason data of each item, one explainer call per slot."""
        whys: list[tuple[Any, ...]] = [()] * len(slot)
        order = np.argsort(slot, kind="stable")
        cuts = np.flatnonzero(np.diff(slot[order])) + 1
        for group in np.split(order, cuts):
            if len(group):
                for k, why in zip(
                    group.tolist(), self._why(int(slot[group[0]]), person[group]), strict=True
                ):
                    whys[k] = why
        return whys

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
        return self.reg.person(int(self.rows[row]))

    def stages_of(self, row: int) -> frozenset[LifeStage]:
        """The stages of the person in local *row* on the day (``stages_of``)."""
        return _stage_set(self.masks[row])

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
    regions = reg.regions(network)
    home = reg.home_index[rows]
    groups: dict[Region, list[Arr]] = {}
    for h in np.unique(home).tolist():
        groups.setdefault(regions[h], []).append(rows[home == h])
    found = [(rg, np.sort(np.concatenate(parts))) for rg, parts in groups.items()]
    return found or [(Region(), rows)]


def _in_register_order(reg: _Register, found: list[Target], parts: int) -> list[Target]:
    """Targets from several evaluations back in register order (one evaluation keeps it)."""
    if parts <= 1:
        return found
    index = reg.population.index_of
    return sorted(found, key=lambda t: index(t.person.id))


def _targets(
    ev: _Day, local: list[int], facility: Facility, keep: frozenset[Status]
) -> tuple[Target, ...]:
    reg, rows = ev.reg, ev.rows
    gives = ev.slots.gives(facility)
    kept = {STATUS_CODES[s] for s in keep}
    slot, status = ev.slot, ev.status
    found = []
    for k in local:
        a, b = ev.span[k]
        mine = [j for j in range(a, b) if gives[slot[j]] and status[j] in kept]
        # opportunistic services go with a person's other services, never alone
        if mine and any(ev.reaches(k, slot[j]) for j in mine):
            r = int(rows[k])
            stage = _main_stage(ev.masks[k])
            chosen = tuple(ev.item(j) for j in mine)
            found.append(Target(reg.person(r), reg.family(r), reg.homes[r], stage, chosen))
    return tuple(found)


_MAIN_STAGES: dict[int, LifeStage | None] = {}


def _main_stage(mask: int) -> LifeStage | None:
    """``main_stage`` of the stages of *mask*."""
    if mask not in _MAIN_STAGES:
        _MAIN_STAGES[mask] = main_stage(_stage_set(mask))
    return _MAIN_STAGES[mask]


def _visit_members(ev: _Day, local: list[int]) -> list[Target]:
    reg, rows = ev.reg, ev.rows
    pregnant = _STAGE_BIT[LifeStage.IBU_HAMIL]
    slot, status = ev.slot, ev.status
    found = []
    for k in local:
        a, b = ev.span[k]
        r = int(rows[k])
        if a == b and not reg.pregnancies[r]:
            continue  # nothing to visit for, and cannot be pregnant
        # only what reaches out can call for a visit (visit_member asks the same again)
        mine = [j for j in range(a, b) if status[j] in _VISIT_CODES and ev.reaches(k, slot[j])]
        if not mine and not ev.masks[k] & pregnant:
            continue  # visit_member lists no one without a reason who is not pregnant
        items = [ev.item(j) for j in mine]
        stages = ev.stages_of(k)
        member = visit_member(reg.person(r), reg.family(r), reg.homes[r], stages, items, ev.day)
        if member is not None:
            found.append(member)
    return found

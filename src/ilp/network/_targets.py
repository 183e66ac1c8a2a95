"""Work lists a Posyandu, a Pustu and a kader act on: target lists, weekly lists, home visits.

Everything here is a pure function of a network, a family register and a
date: it runs :func:`ilp.due` for the people a site serves and keeps what
that site can give.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs
import pendulum

from ilp._vocabulary import Label
from ilp.dates import as_date
from ilp.errors import NetworkError
from ilp.lifecycle import Catalogue, DueItem, DueList, LifeStage, Region, Status, due, stages_of
from ilp.network._model import Facility, Network
from ilp.network._routing import can_give
from ilp.people import Family, FamilyRegister, Person

__all__ = [
    "ACTIONABLE",
    "THIS_WEEK",
    "VISIT_SERIES",
    "FamilyDue",
    "HomeVisit",
    "PosyanduStep",
    "SupplyLine",
    "Target",
    "TargetList",
    "family_due",
    "group_households",
    "home_visits",
    "main_stage",
    "step_of",
    "targets",
    "visit_member",
    "weekly_list",
]


class PosyanduStep(enum.IntEnum):
    """The 5 steps (5 langkah) of a Posyandu ILP day (Kemenkes Promkes, 2023)."""

    REGISTRATION = 1  #: pendaftaran
    MEASURING = 2  #: penimbangan dan pengukuran
    EXAMINATION = 3  #: pencatatan dan pemeriksaan
    SERVICES = 4  #: pelayanan kesehatan dan penyuluhan
    VALIDATION = 5  #: validasi dan sinkronisasi data

    @property
    def label(self) -> Label:
        """The step's name in Indonesian and English."""
        return _STEP_LABELS[self]


_STEP_LABELS: Final = {
    PosyanduStep.REGISTRATION: Label("Pendaftaran", "Registration"),
    PosyanduStep.MEASURING: Label("Penimbangan dan pengukuran", "Weighing and measuring"),
    PosyanduStep.EXAMINATION: Label("Pencatatan dan pemeriksaan", "Recording and examination"),
    PosyanduStep.SERVICES: Label("Pelayanan kesehatan dan penyuluhan", "Services and counselling"),
    PosyanduStep.VALIDATION: Label("Validasi dan sinkronisasi data", "Data validation"),
}

# which step gives a service, by catalogue group; growth monitoring is the measuring step
_GROUP_STEP: Final = {
    "immunization": PosyanduStep.SERVICES,
    "nutrition": PosyanduStep.SERVICES,
    "family_planning": PosyanduStep.SERVICES,
}
_MEASURED: Final = frozenset({"GROWTH"})


def step_of(item: DueItem) -> PosyanduStep:
    """The Posyandu step at which a due service is given.

    Weighing and measuring (GROWTH) is step 2; what is handed out or
    injected (immunization, vitamin A, iron tablets, deworming, family
    planning) is step 4; every check and screening is step 3.
    """
    if item.code in _MEASURED:
        return PosyanduStep.MEASURING
    return _GROUP_STEP.get(item.service.group, PosyanduStep.EXAMINATION)


_STAGE_ORDER: Final = (
    LifeStage.IBU_BERSALIN,
    LifeStage.IBU_HAMIL,
    LifeStage.IBU_NIFAS,
    LifeStage.NEONATUS,
    LifeStage.BAYI,
    LifeStage.BALITA,
    LifeStage.PRASEKOLAH,
    LifeStage.REMAJA,
    LifeStage.USIA_SEKOLAH,
    LifeStage.DEWASA,
    LifeStage.LANSIA,
)


def main_stage(stages: Iterable[LifeStage]) -> LifeStage | None:
    """The most specific of *stages*, for grouping lists.

    Pregnant before adult, infant before balita, adolescent before school age.
    """
    present = set(stages)
    return next((s for s in _STAGE_ORDER if s in present), None)


@attrs.frozen
class Target:
    """One person on a list: who, their household, and the services due for them there."""

    person: Person
    family: Family | None
    #: The area id of the home (dusun/RW or desa).
    residence: str | None
    stage: LifeStage | None
    items: tuple[DueItem, ...]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "person": self.person.id,
            "name": self.person.name,
            "kk_number": self.family.kk_number if self.family else None,
            "address": self.family.address if self.family else None,
            "residence": self.residence,
            "stage": self.stage.value if self.stage else None,
            "items": [
                {
                    "code": i.code,
                    "status": i.status.value,
                    "recommended": i.recommended.isoformat(),
                    "reason": i.reason.as_dict(),
                }
                for i in self.items
            ],
        }


@attrs.frozen
class SupplyLine:
    """How much of one supply item a list needs."""

    item: str
    unit: str
    quantity: int


@attrs.frozen
class TargetList:
    """A site's daftar sasaran for a day (or a week): targets, groupings and supplies."""

    site: Facility
    #: The day the list is for (the site's next opening day, or the week's first day).
    day: pendulum.Date
    #: The last day the list covers (the same day for a Posyandu, 6 days later for a week).
    until: pendulum.Date
    targets: tuple[Target, ...]

    @property
    def items(self) -> tuple[tuple[Target, DueItem], ...]:
        """Every (target, service) pair on the list."""
        return tuple((t, i) for t in self.targets for i in t.items)

    def by_stage(self) -> dict[LifeStage | None, tuple[Target, ...]]:
        """Targets grouped by their main life stage, in life-cycle order."""
        groups: dict[LifeStage | None, list[Target]] = {}
        for t in self.targets:
            groups.setdefault(t.stage, []).append(t)
        order = {s: n for n, s in enumerate(_STAGE_ORDER)}
        return {k: tuple(v) for k, v in sorted(groups.items(), key=lambda kv: order.get(kv[0], 99))}  # type: ignore[arg-type]

    def by_step(self) -> dict[PosyanduStep, tuple[tuple[Target, DueItem], ...]]:
        """Services grouped by the Posyandu step that gives them (steps 1 and 5 are everyone's)."""
        steps: dict[PosyanduStep, list[tuple[Target, DueItem]]] = {s: [] for s in PosyanduStep}
        for t in self.targets:
            for i in t.items:
                steps[step_of(i)].append((t, i))
        return {k: tuple(v) for k, v in steps.items()}

    def counts(self) -> dict[str, int]:
        """How many people are due each service code."""
        return dict(sorted(Counter(i.code for t in self.targets for i in t.items).items()))

    def supplies(self) -> tuple[SupplyLine, ...]:
        """What the day needs: vaccine doses per antigen, vitamin A capsules by colour, tablets."""
        need: Counter[tuple[str, str]] = Counter()
        for i in (i for t in self.targets for i in t.items):
            s = i.service.supply
            if s is not None:
                need[(s.item, s.unit)] += s.quantity
        return tuple(SupplyLine(item, unit, q) for (item, unit), q in sorted(need.items()))

    def to_frame(self) -> Any:
        """One row per (person, service) as a pandas DataFrame (``docs/interop.md#tables``)."""
        from ilp.interop._frames import target_frame  # noqa: PLC0415 - extra ilp[frames]

        return target_frame(self)

    def _repr_html_(self) -> str:
        from ilp._html import html_table  # noqa: PLC0415 - only notebooks need it

        rows = [
            (
                t.person.id,
                t.person.name,
                t.stage.value if t.stage else None,
                ", ".join(f"{i.code} ({i.status.value})" for i in t.items),
            )
            for t in self.targets
        ]
        caption = f"{self.site.name} ({self.site.id}) on {self.day}: {len(rows)} people"
        return html_table(("person", "name", "stage", "services"), rows, caption=caption)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {**self.head_dict(), "targets": [t.as_dict() for t in self.targets]}

    def head_dict(self) -> dict[str, Any]:
        """:meth:`as_dict` without its targets: site, day, counts, supplies and steps."""
        return {
            "site": self.site.id,
            "name": self.site.name,
            "day": self.day.isoformat(),
            "until": self.until.isoformat(),
            "people": len(self.targets),
            "counts": self.counts(),
            "supplies": [attrs.asdict(s) for s in self.supplies()],
            "steps": {s.name.lower(): len(v) for s, v in self.by_step().items()},
        }


def _served_areas(network: Network, site: Facility) -> frozenset[str]:
    return frozenset(a.id for a in network.within(site.area))


def _living_in(
    register: FamilyRegister, areas: frozenset[str], on: pendulum.Date
) -> Iterable[tuple[Person, Family, str | None]]:
    for f in register.families:
        for m in f.members:
            p = m.person
            home = p.residence or f.residence
            if home in areas and p.is_alive(on):
                yield p, f, home


def _region(network: Network, home: str | None, region: Region | None) -> Region | None:
    """The region given, else that of the person's home area (``None`` without one)."""
    if region is not None or home is None or not network.has_area(home):
        return region
    return network.region_of(home)


def _site(network: Network, site: Facility | str) -> Facility:
    return network.facility(site) if isinstance(site, str) else site


def _collect(
    network: Network,
    register: FamilyRegister,
    facility: Facility,
    day: pendulum.Date,
    *,
    horizon: int,
    keep: frozenset[Status],
    catalogue: Catalogue | None,
    region: Region | None,
) -> tuple[Target, ...]:
    """Everyone the site serves with the services of *keep* statuses it gives, on *day*."""
    found = []
    for person, family, home in _living_in(register, _served_areas(network, facility), day):
        items = due(
            person,
            day,
            history=register.history(person.id),
            catalogue=catalogue,
            region=_region(network, home, region),
            horizon=horizon,
        )
        mine = tuple(i for i in items if i.status in keep and can_give(facility, i.service))
        # opportunistic services go with a person's other services, never alone
        if any(i.service.outreach(person, day) for i in mine):
            found.append(Target(person, family, home, main_stage(stages_of(person, day)), mine))
    return tuple(found)


#: The statuses a target list (:func:`targets`) holds.
ACTIONABLE: Final = frozenset({Status.DUE, Status.OVERDUE})
#: The statuses a weekly list (:func:`weekly_list`) holds.
THIS_WEEK: Final = frozenset({Status.DUE, Status.OVERDUE, Status.UPCOMING})


def targets(
    network: Network,
    register: FamilyRegister,
    on: pendulum.Date | _dt.date | str,
    *,
    site: Facility | str,
    catalogue: Catalogue | None = None,
    region: Region | None = None,
) -> TargetList:
    """The daftar sasaran of *site* for its next opening day on or after *on*.

    Everyone living in the site's area who, on that day, is due or overdue
    for a service the site gives, with their services. Opportunistic
    services (TB symptom screening) are listed for those who come for
    something else or are in the service's priority groups. *region*
    defaults to each person's area's (:meth:`~ilp.network.Network.region_of`).
    A site with no opening rule gets the list for *on* itself.
    """
    facility = _site(network, site)
    start = as_date(on, field="on")
    day = network.next_opening(facility, start) or start
    found = _collect(
        network,
        register,
        facility,
        day,
        horizon=0,
        keep=ACTIONABLE,
        catalogue=catalogue,
        region=region,
    )
    return TargetList(facility, day, day, found)


def weekly_list(
    network: Network,
    register: FamilyRegister,
    on: pendulum.Date | _dt.date | str,
    *,
    site: Facility | str,
    catalogue: Catalogue | None = None,
    region: Region | None = None,
) -> TargetList:
    """A Pustu's (or Puskesmas') list for the 7 days from *on*.

    Who is due, overdue or becomes due that week, for what the site gives.
    """
    facility = _site(network, site)
    day = as_date(on, field="on")
    found = _collect(
        network,
        register,
        facility,
        day,
        horizon=6,
        keep=THIS_WEEK,
        catalogue=catalogue,
        region=region,
    )
    return TargetList(facility, day, day.add(days=6), found)


#: The series whose open window (due) calls for a home visit: antenatal, postpartum, newborn.
VISIT_SERIES: Final = frozenset({"KN", "KF", "KBPP", "ANC"})


@attrs.frozen
class HomeVisit:
    """One household on a kader's home-visit list, with who to see and why."""

    family: Family
    residence: str | None
    members: tuple[Target, ...]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "kk_number": self.family.kk_number,
            "address": self.family.address,
            "residence": self.residence,
            "members": [m.as_dict() for m in self.members],
        }


def _needs_visit(
    person: Person, stages: frozenset[LifeStage], item: DueItem, day: pendulum.Date
) -> bool:
    if not item.service.outreach(person, day):
        return False  # opportunistic: offered when the person comes, not a reason to visit
    if item.status is Status.OVERDUE:
        return True  # drop-out follow-up (DOFU, sweeping)
    if item.status is Status.DUE and item.service.series in VISIT_SERIES:
        return True  # a pregnancy, postpartum or newborn visit window is open
    return LifeStage.IBU_HAMIL in stages and item.status is Status.DUE


def home_visits(
    network: Network,
    register: FamilyRegister,
    on: pendulum.Date | _dt.date | str,
    *,
    area: str,
    catalogue: Catalogue | None = None,
    region: Region | None = None,
) -> tuple[HomeVisit, ...]:
    """A kader's home-visit list for *area* (a dusun/RW, or a desa) on *on*.

    Households, nearest first by dusun/RW then address, with each member
    who is overdue for something (drop-out follow-up), is pregnant, or has
    an antenatal, postpartum or newborn visit window open. Opportunistic
    services are reasons only for their priority groups. *region* defaults
    to each person's area's.
    """
    day = as_date(on, field="on")
    if not network.has_area(area):
        msg = f"area id {area!r} is not in the network"
        raise NetworkError(msg, path=network.origin, key=area, value=area)
    areas = frozenset(a.id for a in network.within(area))
    found = []
    for person, family, home in _living_in(register, areas, day):
        items = due(
            person,
            day,
            history=register.history(person.id),
            catalogue=catalogue,
            region=_region(network, home, region),
            horizon=0,
        )
        member = visit_member(person, family, home, stages_of(person, day), items, day)
        if member is not None:
            found.append(member)
    return group_households(found)


def visit_member(  # noqa: PLR0917 - shared by both home-visit list builders
    person: Person,
    family: Family,
    home: str | None,
    stages: frozenset[LifeStage],
    items: Iterable[DueItem],
    day: pendulum.Date,
) -> Target | None:
    """*person* (in *stages* on the day) on a home-visit list with what calls for a visit, or None.

    *items* are what ``due()`` lists on the day with horizon 0 (only due and
    overdue items matter).
    """
    reasons = tuple(i for i in items if _needs_visit(person, stages, i, day))
    if reasons or LifeStage.IBU_HAMIL in stages:
        return Target(person, family, home, main_stage(stages), reasons)
    return None


def group_households(members: Iterable[Target]) -> tuple[HomeVisit, ...]:
    """Members grouped by family card, nearest first by dusun/RW then address."""
    households: dict[str, list[Target]] = {}
    homes: dict[str, tuple[Family, str | None]] = {}
    for t in members:
        assert t.family is not None
        households.setdefault(t.family.kk_number, []).append(t)
        homes[t.family.kk_number] = (t.family, t.residence)
    visits = [HomeVisit(homes[k][0], homes[k][1], tuple(v)) for k, v in households.items()]
    visits.sort(key=lambda v: (v.residence or "", v.family.address or "", v.family.kk_number))
    return tuple(visits)


@attrs.frozen
class FamilyDue:
    """Every member of a family with their due services on a date."""

    family: Family
    on: pendulum.Date
    members: tuple[tuple[Person, DueList], ...]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "kk_number": self.family.kk_number,
            "on": self.on.isoformat(),
            "members": [{"person": p.id, "name": p.name, **d.as_dict()} for p, d in self.members],
        }


def family_due(
    family: Family,
    on: pendulum.Date | _dt.date | str,
    *,
    histories: Mapping[str, Iterable[Any]] | None = None,
    catalogue: Catalogue | None = None,
    region: Region | None = None,
    horizon: int = 30,
) -> FamilyDue:
    """Each living member's due services on *on*, in card order."""
    day = as_date(on, field="on")
    records = histories or {}
    members = tuple(
        (
            m.person,
            due(
                m.person,
                day,
                history=records.get(m.person.id, ()),
                catalogue=catalogue,
                region=region,
                horizon=horizon,
            ),
        )
        for m in family.members
        if m.person.birth_date <= day and m.person.is_alive(day)
    )
    return FamilyDue(family, day, members)

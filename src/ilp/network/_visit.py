"""The flow of one person through a Puskesmas or Pustu on one day (KMK §II, alur pelayanan)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Any

import attrs
import pendulum

from ilp._vocabulary import Cluster
from ilp.clusters import Support, cluster_of, clusters_for, support_for
from ilp.dates import as_date
from ilp.lifecycle import Catalogue, DueItem, LifeStage, Region, due, stages_of
from ilp.network._model import Facility, Network
from ilp.network._routing import Place, can_give, check_residence, places_for
from ilp.people import Person, ServiceRecord

__all__ = ["ClusterVisit", "Referral", "VisitPlan", "visit_plan"]


@attrs.frozen
class ClusterVisit:
    """One cluster's part of a visit: the due services it handles here and the support they need."""

    cluster: Cluster
    items: tuple[DueItem, ...]
    support: frozenset[Support]


@attrs.frozen
class Referral:
    """A due service this facility cannot give, and the places that can (nearest first)."""

    item: DueItem
    places: tuple[Place, ...]

    @property
    def best(self) -> Place | None:
        """The nearest place that gives it, or None when the network has none."""
        return self.places[0] if self.places else None


@attrs.frozen
class VisitPlan:
    """A person's visit to a facility on a day: registration, clusters, support, referrals."""

    person_id: str
    on: pendulum.Date
    facility: Facility
    stages: frozenset[LifeStage]
    #: The clusters to go to after registration, in order, each with its services.
    clusters: tuple[ClusterVisit, ...]
    #: Due services to send elsewhere (Posyandu day, Pustu, school, referral).
    elsewhere: tuple[Referral, ...]
    #: Older people are served first (KMK §II).
    priority: bool

    @property
    def support(self) -> frozenset[Support]:
        """Every cross-cluster unit the visit needs."""
        return frozenset(s for c in self.clusters for s in c.support)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "person": self.person_id,
            "on": self.on.isoformat(),
            "facility": self.facility.id,
            "priority": self.priority,
            "stages": sorted(s.value for s in self.stages),
            "clusters": [
                {
                    "cluster": int(c.cluster),
                    "items": [i.as_dict() for i in c.items],
                    "support": sorted(s.value for s in c.support),
                }
                for c in self.clusters
            ],
            "support": sorted(s.value for s in self.support),
            "elsewhere": [
                {
                    "code": r.item.code,
                    "status": r.item.status.value,
                    "places": [p.as_dict() for p in r.places],
                }
                for r in self.elsewhere
            ],
        }

    def __repr__(self) -> str:
        n = sum(len(c.items) for c in self.clusters)
        return (
            f"<VisitPlan {self.person_id} at {self.facility.id} on {self.on}: "
            f"{n} here in {len(self.clusters)} clusters, {len(self.elsewhere)} elsewhere>"
        )

    def summary(self, lang: str = "en") -> str:
        """A few readable lines for a registration desk, services by name.

        Each cluster's laboratory or pharmacy support is listed under that
        cluster, as in :meth:`as_dict`.
        """
        en = lang == "en"
        head = (
            f"{self.person_id} at {self.facility.name} on {self.on}"
            if en
            else (f"{self.person_id} di {self.facility.name} pada {self.on}")
        )
        lines = [head + ((" (priority)" if en else " (prioritas)") if self.priority else "")]
        lines.append(
            ("1. Registration: " if en else "1. Pendaftaran: ")
            + ", ".join(s.label[lang] for s in sorted(self.stages, key=lambda s: s.value))
        )
        for n, c in enumerate(self.clusters, start=2):
            names = ", ".join(i.service.label[lang] for i in c.items)
            lines.append(
                f"{n}. {c.cluster.label[lang]}: {names or ('consultation' if en else 'konsultasi')}"
            )
            if c.support:
                lines.append(
                    ("   support: " if en else "   dukungan: ")
                    + ", ".join(s.label[lang] for s in sorted(c.support, key=lambda s: s.value))
                )
        for r in self.elsewhere:
            best = r.best
            where = "-"
            if best is not None:
                name = best.facility.name if best.facility else best.point_of_care.label[lang]
                when = f" {best.next_open}" if best.next_open else ""
                where = f"{name}{when}"
            lines.append(
                ("   elsewhere: " if en else "   di tempat lain: ")
                + f"{r.item.service.label[lang]} -> {where}"
            )
        return "\n".join(lines)


def visit_plan(
    person: Person,
    on: pendulum.Date | _dt.date | str,
    facility: Facility,
    network: Network,
    *,
    history: Iterable[ServiceRecord] = (),
    catalogue: Catalogue | None = None,
    region: Region | None = None,
    residence: str | None = None,
) -> VisitPlan:
    """Plan a person's visit to *facility* on *on*.

    Registration finds the person's life stages; each due or overdue service
    goes to the cluster that answers for it here (the facility's
    ``cluster_overrides`` may move one), with the lab or pharmacy support it
    needs. What this facility cannot give is listed with the places that can,
    nearest first with their next opening day. *residence* defaults to the
    person's own; one the network does not hold raises
    :class:`~ilp.errors.NetworkError` naming it. *region* defaults to that
    area's (:meth:`~ilp.network.Network.region_of`).
    """
    day = as_date(on, field="on")
    home = residence or person.residence
    check_residence(network, home)
    if region is None and home is not None:
        region = network.region_of(home)
    items = due(person, day, history=history, catalogue=catalogue, region=region, horizon=0)
    by_cluster: dict[Cluster, list[DueItem]] = {c: [] for c in clusters_for(person, day)}
    elsewhere = []
    for item in items.actionable:
        if can_give(facility, item.service):
            by_cluster.setdefault(cluster_of(item.service, facility.cluster_overrides), []).append(
                item
            )
        else:
            places = tuple(
                p
                for p in places_for(network, home, item.service, day)
                if p.facility is None or p.facility.id != facility.id
            )
            elsewhere.append(Referral(item, places))
    visits = tuple(
        ClusterVisit(c, tuple(found), frozenset(s for i in found for s in support_for(i.service)))
        for c, found in sorted(by_cluster.items())
    )
    stages = stages_of(person, day)
    return VisitPlan(
        person.id, day, facility, stages, visits, tuple(elsewhere), LifeStage.LANSIA in stages
    )

"""Which cluster answers for a service, which clusters serve a person, what support they need."""

from __future__ import annotations

import enum
from collections.abc import Mapping

import pendulum

from ilp._vocabulary import Cluster, Label
from ilp.lifecycle import Service, stages_of
from ilp.people import Condition, Person

__all__ = ["Support", "cluster_of", "clusters_for", "support_for"]

_COMMUNICABLE = frozenset({Condition.TUBERCULOSIS, Condition.HIV, Condition.HEPATITIS_B})


def cluster_of(service: Service, overrides: Mapping[str, Cluster] | None = None) -> Cluster:
    """The cluster that answers for *service*; *overrides* (a facility's) may move it."""
    if overrides:
        moved = overrides.get(service.code)
        if moved is not None:
            return Cluster(moved)
    return service.cluster


def clusters_for(person: Person, on: pendulum.Date | str) -> frozenset[Cluster]:
    """The clusters that serve *person* on *on*: from their life stages, plus cluster 4
    for a communicable disease under follow-up (TB, HIV, hepatitis B).

    Cluster 2 serves pregnancy to adolescence, cluster 3 adults and older
    people (KMK §II, Tabel 1). Empty after death.
    """
    stages = stages_of(person, on)
    found = {s.cluster for s in stages}
    if stages and not _COMMUNICABLE.isdisjoint(person.conditions):
        found.add(Cluster.COMMUNICABLE_DISEASE)
    return frozenset(found)


class Support(enum.Enum):
    """Cross-cluster (lintas klaster) support a service needs (KMK §VII)."""

    LABORATORY = "laboratory"  #: laboratorium: samples, rapid tests
    PHARMACY = "pharmacy"  #: kefarmasian: tablets, vaccines, capsules handed out
    EMERGENCY = "emergency"  #: gawat darurat
    INPATIENT = "inpatient"  #: rawat inap

    @property
    def label(self) -> Label:
        """The unit's name in Indonesian and English."""
        return _SUPPORT_LABELS[self]


_SUPPORT_LABELS = {
    Support.LABORATORY: Label("Laboratorium", "Laboratory"),
    Support.PHARMACY: Label("Kefarmasian", "Pharmacy"),
    Support.EMERGENCY: Label("Gawat darurat", "Emergency"),
    Support.INPATIENT: Label("Rawat inap", "Inpatient care"),
}


def support_for(service: Service) -> frozenset[Support]:
    """Cross-cluster support *service* needs at a Puskesmas.

    The laboratory when a laboratory technologist is among its providers
    (blood tests, screening samples); the pharmacy when something is handed
    out (the service has a ``supply``: vaccines, capsules, tablets) or a
    pharmacist is among its providers. Derived from the catalogue, so a
    regional catalogue gets it right without code.
    """
    found = set()
    if "ahli_laboratorium" in service.providers:
        found.add(Support.LABORATORY)
    if service.supply is not None or "apoteker" in service.providers:
        found.add(Support.PHARMACY)
    return frozenset(found)

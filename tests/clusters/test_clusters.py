"""Clusters: which answers for a service, which serve a person, what support is needed."""

from __future__ import annotations

import pytest

from ilp import Cluster, Condition, Person, Pregnancy, national
from ilp.clusters import Support, cluster_of, clusters_for, support_for


class TestCluster:
    def test_codes_and_labels(self) -> None:
        """Clusters are 1–5 with bilingual names and scopes."""
        assert [int(c) for c in Cluster] == [1, 2, 3, 4, 5]
        assert Cluster(2).label.id == "Klaster 2: Ibu dan Anak"
        assert "laboratory" in Cluster.CROSS_CLUSTER.scope.en.lower()


class TestClusterOf:
    def test_catalogue_cluster_by_default(self) -> None:
        """ANC belongs to cluster 2, hypertension follow-up to cluster 3."""
        cat = national()
        assert cluster_of(cat.service("ANC-K1")) is Cluster.MOTHER_CHILD
        assert cluster_of(cat.service("HT-CONTROL")) is Cluster.ADULT_ELDERLY

    def test_override_moves_a_service(self) -> None:
        """A Puskesmas may run dental care cross-cluster."""
        svc = national().service("DENTAL-BUMIL")
        assert cluster_of(svc, {"DENTAL-BUMIL": Cluster.CROSS_CLUSTER}) is Cluster.CROSS_CLUSTER


class TestClustersFor:
    @pytest.mark.parametrize(
        ("person", "expected"),
        [
            (Person("a", "F", "2024-01-01"), {Cluster.MOTHER_CHILD}),
            (Person("b", "M", "1980-01-01"), {Cluster.ADULT_ELDERLY}),
            (
                Person("c", "F", "1998-01-01", pregnancies=[Pregnancy("2025-08-01")]),
                {Cluster.MOTHER_CHILD, Cluster.ADULT_ELDERLY},
            ),
            (
                Person("d", "M", "1970-01-01", conditions=[Condition.TUBERCULOSIS]),
                {Cluster.ADULT_ELDERLY, Cluster.COMMUNICABLE_DISEASE},
            ),
        ],
    )
    def test_from_stages_and_conditions(self, person: Person, expected: set[Cluster]) -> None:
        """Stages give clusters 2 and 3; a communicable disease adds cluster 4."""
        assert clusters_for(person, "2025-11-01") == expected

    def test_dead_person_has_none(self) -> None:
        """After death no cluster serves the person."""
        p = Person("e", "M", "1950-01-01", death_date="2025-01-01", conditions=["tuberculosis"])
        assert clusters_for(p, "2025-06-01") == frozenset()


class TestSupport:
    def test_lab_and_pharmacy_from_the_catalogue(self) -> None:
        """A lab test needs the laboratory; a vaccine needs the pharmacy."""
        cat = national()
        assert Support.LABORATORY in support_for(cat.service("ANC-TRIPLE-ELIM"))
        assert Support.PHARMACY in support_for(cat.service("BCG"))
        assert support_for(cat.service("GROWTH")) == frozenset()

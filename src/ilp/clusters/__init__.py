"""The five Puskesmas clusters (klaster): who answers for what, and whom they serve."""

from ilp._vocabulary import Cluster
from ilp.clusters._clusters import Support, cluster_of, clusters_for, support_for

__all__ = ["Cluster", "Support", "cluster_of", "clusters_for", "support_for"]

"""The five Puskesmas clusters (klaster)."""

from ilp._vocabulary import Cluster

__all__ = ["Cluster"]

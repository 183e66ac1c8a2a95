"""The Puskesmas–Pustu–Posyandu network."""

from ilp._vocabulary import PointOfCare

__all__ = ["PointOfCare"]

"""The Puskesmas–Pustu–Posyandu network: areas, facilities, opening days and gaps."""

from ilp._vocabulary import PointOfCare
from ilp.network._gaps import gaps
from ilp.network._loader import dump_network, load_network, parse_network
from ilp.network._model import (
    Area,
    AreaLevel,
    AreaType,
    Facility,
    FacilityType,
    Gap,
    KaderLevel,
    Network,
    Opening,
    Staff,
    StaffRole,
)

__all__ = [
    "Area",
    "AreaLevel",
    "AreaType",
    "Facility",
    "FacilityType",
    "Gap",
    "KaderLevel",
    "Network",
    "Opening",
    "PointOfCare",
    "Staff",
    "StaffRole",
    "dump_network",
    "gaps",
    "load_network",
    "parse_network",
]

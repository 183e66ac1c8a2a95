"""ilp: Indonesia's Integrasi Layanan Primer (integrated primary care) as a library."""

from ilp._vocabulary import Cluster, Label, PointOfCare
from ilp.errors import (
    CatalogueError,
    ILPError,
    InputFileError,
    InvalidDateError,
    InvalidFamilyError,
    InvalidPersonError,
    InvalidRecordError,
    NetworkError,
    UnknownServiceError,
)
from ilp.lifecycle import LifeStage, stages_of
from ilp.people import (
    Condition,
    Family,
    Household,
    Member,
    Outcome,
    Person,
    Pregnancy,
    Relation,
    School,
    ServiceRecord,
    Sex,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "CatalogueError",
    "Cluster",
    "Condition",
    "Family",
    "Household",
    "ILPError",
    "InputFileError",
    "InvalidDateError",
    "InvalidFamilyError",
    "InvalidPersonError",
    "InvalidRecordError",
    "Label",
    "LifeStage",
    "Member",
    "NetworkError",
    "Outcome",
    "Person",
    "PointOfCare",
    "Pregnancy",
    "Relation",
    "School",
    "ServiceRecord",
    "Sex",
    "UnknownServiceError",
    "__version__",
    "stages_of",
]

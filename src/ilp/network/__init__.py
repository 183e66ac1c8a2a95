"""The Puskesmas–Pustu–Posyandu network: areas, facilities, opening days, routing and work lists."""

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
from ilp.network._routing import Place, can_give, check_residence, places_for
from ilp.network._targets import (
    FamilyDue,
    HomeVisit,
    PosyanduStep,
    SupplyLine,
    Target,
    TargetList,
    family_due,
    home_visits,
    main_stage,
    step_of,
    targets,
    weekly_list,
)
from ilp.network._urgency import Triage, Urgency, by_urgency, triage
from ilp.network._visit import ClusterVisit, Referral, VisitPlan, visit_plan

__all__ = [
    "Area",
    "AreaLevel",
    "AreaType",
    "ClusterVisit",
    "Facility",
    "FacilityType",
    "FamilyDue",
    "Gap",
    "HomeVisit",
    "KaderLevel",
    "Network",
    "Opening",
    "Place",
    "PointOfCare",
    "PosyanduStep",
    "Referral",
    "Staff",
    "StaffRole",
    "SupplyLine",
    "Target",
    "TargetList",
    "Triage",
    "Urgency",
    "VisitPlan",
    "by_urgency",
    "can_give",
    "check_residence",
    "dump_network",
    "family_due",
    "gaps",
    "home_visits",
    "load_network",
    "main_stage",
    "parse_network",
    "places_for",
    "step_of",
    "targets",
    "triage",
    "visit_plan",
    "weekly_list",
]

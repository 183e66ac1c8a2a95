"""Life-cycle stages, the service catalogue and the due-services engine."""

from ilp.lifecycle._dumper import dump_catalogue
from ilp.lifecycle._engine import DueItem, DueList, Region, Status, due
from ilp.lifecycle._loader import load_catalogue, national, parse_catalogue
from ilp.lifecycle._model import Catalogue, Eligibility, Entry, Limit, RuleKind, Service, Supply
from ilp.lifecycle._stages import LifeStage, stages_of
from ilp.lifecycle.rules import (
    BirthdayRule,
    CalendarRule,
    Contact,
    Dose,
    FollowupRule,
    OnceRule,
    PostnatalRule,
    PregnancyRule,
    RecurringRule,
    Rule,
    SchoolRule,
    SeriesRule,
    Visit,
)

__all__ = [
    "BirthdayRule",
    "CalendarRule",
    "Catalogue",
    "Contact",
    "Dose",
    "DueItem",
    "DueList",
    "Eligibility",
    "Entry",
    "FollowupRule",
    "LifeStage",
    "Limit",
    "OnceRule",
    "PostnatalRule",
    "PregnancyRule",
    "RecurringRule",
    "Region",
    "Rule",
    "RuleKind",
    "SchoolRule",
    "SeriesRule",
    "Service",
    "Status",
    "Supply",
    "Visit",
    "due",
    "dump_catalogue",
    "load_catalogue",
    "national",
    "parse_catalogue",
    "stages_of",
]

"""Monitoring: PWS per area and month, SPM achievement, the names behind a gap, the dashboard.

Indicators are data (``ilp/pws/data/indicators.yaml``, loaded by
:func:`indicators`), evaluated over columns (:func:`evaluate` on a
:class:`~ilp.population.Population` and its :class:`~ilp.population.History`,
from a register with :func:`register_columns` or from ``simulate()``).
NumPy is imported here, never by ``import ilp``.
"""

from ilp.pws._evaluate import Evaluation, Level, Status, Values, evaluate, parse_month, status_of
from ilp.pws._loader import indicators, load_indicators, parse_indicators
from ilp.pws._model import (
    DEFAULT_PREVALENCE,
    Assumptions,
    Estimate,
    EstimateMethod,
    GroupKind,
    Indicator,
    IndicatorKind,
    IndicatorSet,
    Requirement,
    TargetGroup,
    Unit,
)
from ilp.pws._register import RegisterColumns, register_columns
from ilp.pws._tables import PwsRow, PwsTable, SpmRow, SpmTable

__all__ = [
    "DEFAULT_PREVALENCE",
    "Assumptions",
    "Estimate",
    "EstimateMethod",
    "Evaluation",
    "GroupKind",
    "Indicator",
    "IndicatorKind",
    "IndicatorSet",
    "Level",
    "PwsRow",
    "PwsTable",
    "RegisterColumns",
    "Requirement",
    "SpmRow",
    "SpmTable",
    "Status",
    "TargetGroup",
    "Unit",
    "Values",
    "evaluate",
    "indicators",
    "load_indicators",
    "parse_indicators",
    "parse_month",
    "register_columns",
    "status_of",
]

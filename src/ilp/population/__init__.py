"""Populations as NumPy columns, the catalogue evaluated over them all at once, and synthesis.

``due_batch(population, history, on)`` answers, for every person, what
:func:`ilp.due` answers for one: the status and dates of each service.
``synthesize(...)`` makes a seeded population from published figures, and
``simulate(...)`` runs it month by month through the network.
NumPy is imported here, never by ``import ilp``.
"""

from ilp.population._calendar import NO_DAY
from ilp.population._national import PartResult, PlanPart, part_seeds, run_plan
from ilp.population._worklists import WorkLists, work_lists
from ilp.population.batch import (
    NOT_LISTED,
    STATUS_CODES,
    BatchItem,
    BatchResult,
    SlotItems,
    due_batch,
)
from ilp.population.columns import CONDITIONS, OUTCOMES, ColumnRegister, History, Population
from ilp.population.columns._parquet import load_parquet, save_parquet
from ilp.population.simulation import (
    DEFAULT_ATTENDANCE,
    DEFAULT_MINUTES,
    SimParams,
    SimResult,
    simulate,
)
from ilp.population.simulation._io import load_result_parquet, save_result_parquet
from ilp.population.synthesis import (
    DEFAULT_AREA_FACTOR,
    DEFAULT_COVERAGE,
    DEFAULT_PREVALENCE,
    Synthetic,
    SynthParams,
    synthesize,
)

__all__ = [
    "CONDITIONS",
    "DEFAULT_AREA_FACTOR",
    "DEFAULT_ATTENDANCE",
    "DEFAULT_COVERAGE",
    "DEFAULT_MINUTES",
    "DEFAULT_PREVALENCE",
    "NOT_LISTED",
    "NO_DAY",
    "OUTCOMES",
    "STATUS_CODES",
    "BatchItem",
    "BatchResult",
    "ColumnRegister",
    "History",
    "PartResult",
    "PlanPart",
    "Population",
    "SimParams",
    "SimResult",
    "SlotItems",
    "SynthParams",
    "Synthetic",
    "WorkLists",
    "due_batch",
    "load_parquet",
    "load_result_parquet",
    "part_seeds",
    "run_plan",
    "save_parquet",
    "save_result_parquet",
    "simulate",
    "synthesize",
    "work_lists",
]

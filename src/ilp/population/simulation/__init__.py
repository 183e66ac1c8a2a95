"""Demand simulation: month by month, who is due, who comes, and what it costs in staff time.

The concepts live apart: ``_params`` (:class:`SimParams` and the defaults),
``_result`` (:class:`SimResult`) and ``_io`` (its files), ``_layout`` (the
network as index tables), ``_partition`` (rows by Puskesmas, tasks),
``_state``, ``_vital`` and ``_attendance`` (one task's state, its vital
events, who is due and who comes), ``_run`` (tasks month by month, on an
executor), ``_merge`` (the tasks' results as one) and ``_simulate`` (the
entry point, :func:`simulate`).
"""

from ilp.population.simulation._params import (
    AREA_TYPES,
    DEFAULT_ATTENDANCE,
    DEFAULT_MINUTES,
    FERTILITY_AGES,
    SITE_TYPES,
    SimParams,
)
from ilp.population.simulation._result import SimResult
from ilp.population.simulation._simulate import simulate

__all__ = [
    "AREA_TYPES",
    "DEFAULT_ATTENDANCE",
    "DEFAULT_MINUTES",
    "FERTILITY_AGES",
    "SITE_TYPES",
    "SimParams",
    "SimResult",
    "simulate",
]

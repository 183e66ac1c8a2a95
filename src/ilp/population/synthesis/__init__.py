"""Synthetic populations: people, families, pregnancies, conditions and histories, drawn at scale.

The concepts live apart: ``_params`` (:class:`SynthParams` and its sourced
defaults), ``_result`` (:class:`Synthetic`), ``_arguments`` (random streams
by name, areas, size), ``_ages`` (age and sex from the WPP2024 table),
``_families`` (kartu keluarga), ``_events`` (pregnancies, conditions,
school) and ``_synthesize`` (the entry point, :func:`synthesize`, whose
docstring says how each part is drawn and from what). Service histories
are drawn by each rule kind's walker (``ilp.population.batch``).
"""

from ilp.population.synthesis._params import (
    DEFAULT_AREA_FACTOR,
    DEFAULT_COVERAGE,
    DEFAULT_PREVALENCE,
    SynthParams,
)
from ilp.population.synthesis._result import Synthetic
from ilp.population.synthesis._synthesize import synthesize

__all__ = [
    "DEFAULT_AREA_FACTOR",
    "DEFAULT_COVERAGE",
    "DEFAULT_PREVALENCE",
    "SynthParams",
    "Synthetic",
    "synthesize",
]

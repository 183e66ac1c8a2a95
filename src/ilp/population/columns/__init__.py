"""Columnar populations and service histories: NumPy arrays of day numbers and codes.

A :class:`Population` holds one row per person (birth and death as day
numbers, sex, conditions as bit flags, school grade, sexual activity and
residence) and a table of pregnancies; a :class:`History` holds the services
given as three columns sorted by (code, person, day).

The concepts live apart: ``_model`` (the columns and their invariants),
``_people`` (conversion from and to :class:`~ilp.people.Person` and
:class:`~ilp.people.ServiceRecord`) and ``_io`` (saving and loading files).
"""

from ilp.population._calendar import NO_DAY
from ilp.population.columns._model import (
    CONDITIONS,
    OUTCOMES,
    SEX_CODES,
    SEXES,
    History,
    Population,
)
from ilp.population.columns._register import RELATIONS, ColumnRegister

__all__ = [
    "CONDITIONS",
    "NO_DAY",
    "OUTCOMES",
    "RELATIONS",
    "SEXES",
    "SEX_CODES",
    "ColumnRegister",
    "History",
    "Population",
]

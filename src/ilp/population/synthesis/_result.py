"""What a synthesis returns: the population, its history, families and areas."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pendulum

from ilp.errors import PopulationError
from ilp.network import Area
from ilp.population.columns import History, Population

__all__ = ["Synthetic"]


def _int32_column(name: str) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(instance: Any, _: attrs.Attribute[Any], value: Any) -> None:
        n = len(instance.population)
        if not isinstance(value, np.ndarray) or value.dtype != np.int32 or value.shape != (n,):
            msg = f"{name}: expected an int32 array of {n} rows"
            raise PopulationError(msg, field=name, value=type(value).__name__)

    return check


def _area_tuple(value: Iterable[Area]) -> tuple[Area, ...]:
    return tuple(value)


@attrs.frozen(eq=False, repr=False)
class Synthetic:
    """A synthetic population: the people, their histories, families and mothers, and areas.

    ``households[i]`` is the family (kartu keluarga) of row *i*, numbered
    from 0 area by area; ``mother[i]`` is the row of the mother who lives
    with person *i* (-1 for none); ``areas[k]`` is the area whose id is
    ``population.areas[k]`` (what ``population.residence`` indexes).
    """

    population: Population
    history: History
    households: npt.NDArray[np.int32] = attrs.field(validator=_int32_column("households"))
    mother: npt.NDArray[np.int32] = attrs.field(validator=_int32_column("mother"))
    areas: tuple[Area, ...] = attrs.field(converter=_area_tuple)
    on: pendulum.Date

    def __attrs_post_init__(self) -> None:
        if tuple(a.id for a in self.areas) != self.population.areas:
            msg = "areas: the areas do not match population.areas"
            raise PopulationError(msg, field="areas", value=len(self.areas))
        if self.history.persons != len(self.population):
            msg = "history: it is not the history of this population"
            raise PopulationError(msg, field="history", value=self.history.persons)

    def __repr__(self) -> str:
        return (
            f"Synthetic({len(self.population)} people, {self.household_count} families, "
            f"{len(self.history)} records, {len(self.areas)} areas, on {self.on.isoformat()})"
        )

    @property
    def household_count(self) -> int:
        """The number of families."""
        return int(self.households.max()) + 1 if len(self.households) else 0

    def household_sizes(self) -> npt.NDArray[np.int64]:
        """The number of people in each family, by family number."""
        return np.bincount(self.households, minlength=self.household_count)

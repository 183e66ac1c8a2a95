"""A columnar :class:`~ilp.population.Population` as two pandas DataFrames and back.

``people``: one row per person; ``pregnancies``: one row per pregnancy with
the ``person`` row it belongs to. Dates are ``datetime64[s]`` (NaT for
none); the area list and its order live in the categories of ``residence``,
so a round trip gives back equal arrays. Columns are listed in
``docs/interop.md#tables``.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from ilp._extras import require
from ilp.errors import PopulationError
from ilp.population._calendar import NO_DAY
from ilp.population.columns._model import OUTCOMES, Population

__all__ = ["population_frames", "population_from_frames"]

_EPOCH: Final = 719163  # date(1970, 1, 1).toordinal()
PEOPLE_COLUMNS: Final = (
    "id",
    "birth",
    "sex",
    "death",
    "conditions",
    "school_grade",
    "school_year",
    "sexually_active",
    "residence",
)
PREGNANCY_COLUMNS: Final = ("person", "lmp", "edd", "delivery", "outcome", "in_facility")


def _to_dates(days: Any) -> Any:
    arr = np.asarray(days, dtype=np.int64)
    out = (arr - _EPOCH).astype("datetime64[D]").astype("datetime64[s]")
    out[arr == NO_DAY] = np.datetime64("NaT")
    return out


def _from_dates(column: Any, name: str) -> Any:
    values = np.asarray(column, dtype="datetime64[D]")
    nat = np.isnat(values)
    days = values.astype(np.int64) + _EPOCH
    days[nat] = NO_DAY
    if np.any(days > np.iinfo(np.int32).max):  # pragma: no cover - datetime64 is bounded
        raise PopulationError(f"{name}: a date out of range", field=name)
    return days.astype(np.int32)


def population_frames(pop: Population) -> tuple[Any, Any]:
    """``(people, pregnancies)`` DataFrames of *pop*; ``conditions`` is the bit mask of *pop*."""
    pd = require("pandas", "frames", feature="Population.to_frame")
    people = pd.DataFrame(
        {
            "id": pd.array(pop.ids.tolist(), dtype="string"),
            "birth": _to_dates(pop.birth),
            "sex": pd.Categorical.from_codes(
                pop.sex.astype(np.int64), categories=["female", "male"]
            ),
            "death": _to_dates(pop.death),
            "conditions": pop.conditions,
            "school_grade": pop.school_grade,
            "school_year": pop.school_year,
            "sexually_active": pop.sexually_active,
            "residence": pd.Categorical.from_codes(
                pop.residence.astype(np.int64), categories=list(pop.areas)
            ),
        }
    )
    pregnancies = pd.DataFrame(
        {
            "person": pop.preg_person,
            "lmp": _to_dates(pop.preg_lmp),
            "edd": _to_dates(pop.preg_edd),
            "delivery": _to_dates(pop.preg_delivery),
            "outcome": pd.Categorical.from_codes(
                pop.preg_outcome.astype(np.int64), categories=[o.value for o in OUTCOMES]
            ),
            "in_facility": pop.preg_in_facility,
        }
    )
    return people, pregnancies


def population_from_frames(people: Any, pregnancies: Any = None) -> Population:
    """A Population from the frames :func:`population_frames` makes (checked as any Population).

    A missing column raises :class:`~ilp.errors.PopulationError` naming it.
    """
    pd = require("pandas", "frames", feature="Population.from_frame")
    for name in PEOPLE_COLUMNS:
        if name not in people.columns:
            raise PopulationError(f"people frame: missing column {name!r}", field=name)
    if pregnancies is None:
        pregnancies = pd.DataFrame({name: [] for name in PREGNANCY_COLUMNS})
    for name in PREGNANCY_COLUMNS:
        if name not in pregnancies.columns:
            raise PopulationError(f"pregnancies frame: missing column {name!r}", field=name)
    residence = people["residence"]
    if isinstance(residence.dtype, pd.CategoricalDtype):
        areas = [str(a) for a in residence.cat.categories]
        codes = residence.cat.codes.to_numpy(np.int32)
    else:
        areas = sorted({str(a) for a in residence.dropna()})
        index = {a: i for i, a in enumerate(areas)}
        codes = np.array([-1 if pd.isna(a) else index[str(a)] for a in residence], np.int32)
    sex = people["sex"].astype(str).str.lower().map({"female": 0, "male": 1})
    if sex.isna().any():
        raise PopulationError("people frame: sex must be female or male", field="sex")
    outcome = pregnancies["outcome"]
    names = {o.value: i for i, o in enumerate(OUTCOMES)}
    outcome_codes = np.array([-1 if pd.isna(v) else names[str(v)] for v in outcome], np.int8)
    try:
        return Population(
            ids=np.array([str(i) for i in people["id"]], dtype=object),
            birth=_from_dates(people["birth"], "birth"),
            sex=sex.to_numpy(np.int8),
            death=_from_dates(people["death"], "death"),
            conditions=people["conditions"].to_numpy(np.uint16),
            school_grade=people["school_grade"].to_numpy(np.int8),
            school_year=people["school_year"].to_numpy(np.int16),
            sexually_active=people["sexually_active"].to_numpy(np.int8),
            residence=codes,
            areas=tuple(areas),
            preg_person=pregnancies["person"].to_numpy(np.int32),
            preg_lmp=_from_dates(pregnancies["lmp"], "lmp"),
            preg_edd=_from_dates(pregnancies["edd"], "edd"),
            preg_delivery=_from_dates(pregnancies["delivery"], "delivery"),
            preg_outcome=outcome_codes,
            preg_in_facility=pregnancies["in_facility"].to_numpy(np.int8),
        )
    except (TypeError, ValueError, KeyError) as exc:
        if isinstance(exc, PopulationError):
            raise
        raise PopulationError(f"frames: {exc}", field="frame") from None

"""Life stages over columns for work lists: each person's stages on a day as bits.

:func:`_stage_masks` gives, per row, the bits (:data:`_STAGE_BIT`) of the
stages ``stages_of`` finds for the person on a day, the age stages from
birth days and the pregnancy stages from the pregnancy columns;
:func:`stage_set` and :func:`main_stage_of` read a mask back (made once per
distinct mask).
"""

from __future__ import annotations

from typing import Final

import numpy as np

from ilp.lifecycle import (
    LifeStage,
)
from ilp.lifecycle.semantics import NIFAS_DAYS, PREGNANCY_STAGES, age_stage_births
from ilp.network import main_stage
from ilp.people import POSTTERM_DAYS, Outcome
from ilp.population._calendar import NO_DAY, Arr
from ilp.population.columns import OUTCOMES, Population


def _stage_masks(population: Population, rows: Arr, d: int) -> Arr:
    """Per row of *rows*, the bits (:data:`_STAGE_BIT`) of its stages on day *d* (``stages_of``)."""
    b = population.birth[rows].astype(np.int64)
    mask = np.zeros(len(rows), dtype=np.int64)
    pregnancies = _pregnancy_stages(population, d)
    for stage in _STAGES:
        if stage in PREGNANCY_STAGES:
            found = np.isin(rows, pregnancies[stage])
        else:
            found = mask < 0
            for first, last in age_stage_births(frozenset({stage}), d):
                found |= (b >= first) & (b <= last)
        mask[found] |= _STAGE_BIT[stage]
    death = population.death[rows]
    mask[(death != NO_DAY) & (death < d)] = 0
    return mask


def _pregnancy_stages(population: Population, d: int) -> dict[LifeStage, Arr]:
    """The rows in each pregnancy stage on day *d*, as ``stages_of`` finds them."""
    pop = population
    person = pop.preg_person
    lmp, dl = pop.preg_lmp.astype(np.int64), pop.preg_delivery.astype(np.int64)
    ended = dl != NO_DAY
    last_day = np.where(ended, dl - 1, pop.preg_edd.astype(np.int64) + POSTTERM_DAYS)
    birth = ended & (pop.preg_outcome != OUTCOMES.index(Outcome.MISCARRIAGE))
    after = d - dl
    return {
        LifeStage.IBU_HAMIL: person[(lmp <= d) & (d <= last_day)],
        LifeStage.IBU_BERSALIN: person[birth & (after == 0)],
        LifeStage.IBU_NIFAS: person[birth & (after >= 0) & (after <= NIFAS_DAYS)],
    }


_STAGES: Final = tuple(LifeStage)
_STAGE_BIT: Final = {s: 1 << i for i, s in enumerate(_STAGES)}
_PREGNANT: Final = _STAGE_BIT[LifeStage.IBU_HAMIL]
_STAGE_SETS: dict[int, frozenset[LifeStage]] = {}
_MAIN_STAGES: dict[int, LifeStage | None] = {}


def stage_set(mask: int) -> frozenset[LifeStage]:
    """The stages of *mask*."""
    found = _STAGE_SETS.get(mask)
    if found is None:
        found = _STAGE_SETS[mask] = frozenset(s for s in _STAGES if mask & _STAGE_BIT[s])
    return found


def main_stage_of(mask: int) -> LifeStage | None:
    """``main_stage`` of the stages of *mask*."""
    if mask not in _MAIN_STAGES:
        _MAIN_STAGES[mask] = main_stage(stage_set(mask))
    return _MAIN_STAGES[mask]

"""The arguments of a synthesis: random streams by name, areas, size, catalogue codes."""

from __future__ import annotations

import zlib
from collections.abc import Mapping

import numpy as np

from ilp.errors import PopulationError
from ilp.lifecycle import (
    Catalogue,
)
from ilp.network import Area, AreaLevel, AreaType, Network
from ilp.population._arguments import is_number
from ilp.population._calendar import Arr
from ilp.population.synthesis._params import DEFAULT_COVERAGE, SynthParams, _param_error

__all__ = ["Streams"]


class Streams:
    """Independent random streams by name, all from one seed (a stage's draws never shift
    another's when it changes)."""

    def __init__(self, seed: int | np.random.Generator) -> None:
        if isinstance(seed, np.random.Generator):
            self.entropy: int | list[int] = [int(x) for x in seed.integers(0, 2**63, size=4)]
        elif isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0:
            self.entropy = seed
        else:
            msg = f"seed: {seed!r} is not a whole number >= 0 nor a numpy.random.Generator"
            raise PopulationError(msg, field="seed", value=seed)

    def __call__(self, *names: str) -> np.random.Generator:
        key = tuple(zlib.crc32(name.encode()) for name in names)
        return np.random.default_rng(np.random.SeedSequence(self.entropy, spawn_key=key))


def _check_codes(params: SynthParams, catalogue: Catalogue) -> None:
    unknown = sorted(c for c in params.coverage if c not in catalogue and c not in DEFAULT_COVERAGE)
    if unknown:
        msg = (
            f"unknown service code(s) {', '.join(map(repr, unknown))} (catalogue {catalogue.id!r})"
        )
        raise _param_error("coverage", msg, unknown[0])


def _area_type(value: AreaType | str | None) -> AreaType | None:
    if value is None or isinstance(value, AreaType):
        return value
    try:
        return AreaType(value)
    except ValueError:
        known = ", ".join(t.value for t in AreaType)
        msg = f"area_type: {value!r} is not an area type ({known})"
        raise PopulationError(msg, field="area_type", value=value) from None


def _areas(
    network: Network | None, kind: AreaType | None, weights: Mapping[str, float] | None
) -> tuple[tuple[Area, ...], Arr, list[AreaType | None]]:
    if network is None:
        if weights is not None:
            msg = "weights: only meaningful with a network"
            raise PopulationError(msg, field="weights", value=dict(weights))
        area = Area("synthetic", "Synthetic area", AreaLevel.DESA, type=kind)
        return (area,), np.ones(1), [kind]
    if not isinstance(network, Network):
        msg = f"network: expected a Network, got {type(network).__name__}"
        raise PopulationError(msg, field="network", value=network)
    leaves = [
        a
        for a in network.areas
        if a.level is AreaLevel.DUSUN or (a.level is AreaLevel.DESA and not network.children(a.id))
    ]
    types = [network.area_type(a.id) for a in leaves]
    if kind is not None:
        keep = [i for i, t in enumerate(types) if t is kind]
        leaves, types = [leaves[i] for i in keep], [types[i] for i in keep]
    if not leaves:
        what = f" of type {kind.value!r}" if kind is not None else ""
        msg = f"network: {network.id!r} has no dusun or desa{what} to place people on"
        raise PopulationError(msg, field="network", value=network.id)
    w = np.ones(len(leaves))
    if weights is not None:
        index = {a.id: i for i, a in enumerate(leaves)}
        w[:] = 0.0
        for area_id, weight in weights.items():
            if area_id not in index:
                msg = f"weights: {area_id!r} is not a dusun or desa of the network used"
                raise PopulationError(msg, field="weights", value=area_id)
            if not is_number(weight) or weight < 0:
                msg = f"weights: {weight!r} for {area_id!r} is not a number >= 0"
                raise PopulationError(msg, field="weights", value=weight)
            w[index[area_id]] = float(weight)
        if w.sum() <= 0:
            raise PopulationError("weights: they add up to 0", field="weights", value=0)
    return tuple(leaves), w, types


def _size(size: int | None, network: Network | None, params: SynthParams, areas: int) -> int:
    if size is None:
        if network is None:
            msg = "size: give the number of people (or a network)"
            raise PopulationError(msg, field="size", value=None)
        return params.people_per_area * areas
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        msg = f"size: {size!r} is not a whole number of people >= 0"
        raise PopulationError(msg, field="size", value=size)
    return size

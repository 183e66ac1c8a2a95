"""The network as index tables: each area's Posyandu, Pustu and Puskesmas; sites; partitions."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from ilp.errors import PopulationError
from ilp.lifecycle import Service
from ilp.network import AreaLevel, Facility, FacilityType, Network, can_give
from ilp.population.columns import Population
from ilp.population.simulation._params import AREA_TYPES, Arr

__all__ = ["Layout", "can_give_table", "layout_of", "partition_seed"]

_FACILITY_SITE: Final = {
    FacilityType.POSYANDU: 0,
    FacilityType.PUSTU: 1,
    FacilityType.PUSKESMAS: 2,
}


@attrs.frozen
class Layout:
    """Areas, sites and partitions of a population on a network, as index tables."""

    sites: tuple[Facility, ...]
    site_type: npt.NDArray[np.int8]  # per site: 0 posyandu, 1 pustu, 2 puskesmas
    site_puskesmas: npt.NDArray[np.int32]  # per site: the site index of its Puskesmas
    chain: npt.NDArray[np.int32]  # per area of the population: 3 site indices (-1 none)
    area_type: npt.NDArray[np.int8]  # per area: index into AREA_TYPES, -1 unknown
    area_desa: npt.NDArray[np.int32]  # per area: index into desas, -1 none
    desas: tuple[str, ...]
    partitions: tuple[int, ...]  # the site indices of the Puskesmas, in network order


def layout_of(network: Network, population: Population) -> Layout:
    n_areas = len(population.areas)
    used = np.zeros(n_areas + 1, dtype=np.bool_)
    used[population.residence + 1] = True
    if used[0]:
        row = int(np.flatnonzero(population.residence < 0)[0])
        msg = (
            f"row {row} (person {population.ids[row]!r}) has no residence; "
            "simulate places everyone on the network"
        )
        raise PopulationError(f"residence: {msg}", field="residence", value=population.ids[row])
    area_type = np.full(n_areas, -1, dtype=np.int8)
    area_desa = np.full(n_areas, -1, dtype=np.int32)
    desas: dict[str, int] = {}
    types = {t: i for i, t in enumerate(AREA_TYPES)}
    found: dict[int, list[Facility | None]] = {}
    for a in np.flatnonzero(used[1:]).tolist():
        area_id = population.areas[a]
        if not network.has_area(area_id):
            msg = f"area {area_id!r} of the population is not in network {network.id!r}"
            raise PopulationError(f"residence: {msg}", field="residence", value=area_id)
        chain: list[Facility | None] = [None, None, None]
        for anc in network.ancestors(area_id):
            if anc.level is AreaLevel.DESA and area_desa[a] < 0:
                area_desa[a] = desas.setdefault(anc.id, len(desas))
            for f in network.serving(anc.id):
                k = _FACILITY_SITE.get(f.type)
                if k is not None and chain[k] is None:
                    chain[k] = f
        if chain[2] is None:
            msg = f"area {area_id!r} is served by no Puskesmas in network {network.id!r}"
            raise PopulationError(f"residence: {msg}", field="residence", value=area_id)
        kind = network.area_type(area_id)
        area_type[a] = -1 if kind is None else types[kind.value]
        found[a] = chain
    # sites in network order, so that results list them as the network does
    order = {f.id: i for i, f in enumerate(network.facilities)}
    unique = {f.id: f for chain in found.values() for f in chain if f is not None}
    sites = sorted(unique.values(), key=lambda f: order[f.id])
    index = {f.id: i for i, f in enumerate(sites)}
    table = np.full((n_areas, 3), -1, dtype=np.int32)
    for a, chain in found.items():
        table[a] = [-1 if f is None else index[f.id] for f in chain]
    site_type = np.array([_FACILITY_SITE[f.type] for f in sites], dtype=np.int8)
    # each site's Puskesmas: the one over the areas it serves
    site_pkm = np.full(len(sites), -1, dtype=np.int32)
    rows = table[list(found)]
    for k in range(3):
        has = rows[:, k] >= 0
        site_pkm[rows[has, k]] = rows[has, 2]
    partitions = tuple(int(s) for s in np.flatnonzero(site_type == 2))
    return Layout(
        tuple(sites),
        site_type,
        site_pkm,
        table,
        area_type,
        area_desa,
        tuple(desas),
        partitions,
    )


def partition_seed(seed: int, key: str) -> np.random.SeedSequence:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    words = tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))
    return np.random.SeedSequence(seed, spawn_key=words)


def can_give_table(sites: Sequence[Facility], services: Sequence[Service]) -> Arr:
    out = np.zeros((len(sites), len(services)), dtype=np.bool_)
    plain: dict[FacilityType, Arr] = {}
    for i, f in enumerate(sites):
        if f.services_added or f.services_removed:
            out[i] = [can_give(f, s) for s in services]
            continue
        row = plain.get(f.type)
        if row is None:
            row = plain[f.type] = np.array([can_give(f, s) for s in services], dtype=np.bool_)
        out[i] = row
    return out

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
from ilp.network import AreaLevel, AreaType, Facility, FacilityType, Network, can_give
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
    found: dict[int, tuple[Facility | None, ...]] = {}
    above: dict[str, _Above] = {}
    for a in np.flatnonzero(used[1:]).tolist():
        area_id = population.areas[a]
        if not network.has_area(area_id):
            msg = f"area {area_id!r} of the population is not in network {network.id!r}"
            raise PopulationError(f"residence: {msg}", field="residence", value=area_id)
        chain, desa, kind = _above(network, area_id, above)
        if desa is not None:
            area_desa[a] = desas.setdefault(desa, len(desas))
        if chain[2] is None:
            msg = f"area {area_id!r} is served by no Puskesmas in network {network.id!r}"
            raise PopulationError(f"residence: {msg}", field="residence", value=area_id)
        area_type[a] = -1 if kind is None else types[kind.value]
        found[a] = chain
    # sites in network order, so that results list them as the network does
    order = {f.id: i for i, f in enumerate(network.facilities)}
    unique = {f.id: f for chain in found.values() for f in chain if f is not None}
    sites = sorted(unique.values(), key=lambda f: order[f.id])
    index = {f.id: i for i, f in enumerate(sites)}
    table = np.full((n_areas, 3), -1, dtype=np.int32)
    for a, sites_of in found.items():
        table[a] = [-1 if f is None else index[f.id] for f in sites_of]
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


#: Of an area: its Posyandu, Pustu and Puskesmas (the nearest above that has one, each),
#: its desa (the nearest desa at or above it) and its type (the nearest one set).
_Above = tuple[tuple[Facility | None, ...], str | None, AreaType | None]


def _above(network: Network, area_id: str, memo: dict[str, _Above]) -> _Above:
    """What *area_id* takes from itself and the areas above it (``memo``: per area, so the
    areas sharing a desa or kecamatan walk it once)."""
    known = memo.get(area_id)
    if known is not None:
        return known
    area = network.area(area_id)
    if area.parent is None:
        chain: tuple[Facility | None, ...] = (None, None, None)
        desa, kind = None, None
    else:
        chain, desa, kind = _above(network, area.parent, memo)
    own: list[Facility | None] = [None, None, None]
    for f in network.serving(area_id):  # the first of each kind serving the area itself
        k = _FACILITY_SITE.get(f.type)
        if k is not None and own[k] is None:
            own[k] = f
    result: _Above = (
        tuple(mine if mine is not None else up for mine, up in zip(own, chain, strict=True)),
        area_id if area.level is AreaLevel.DESA else desa,
        area.type if area.type is not None else kind,
    )
    memo[area_id] = result
    return result


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

"""Merging the tasks of a simulation into one result: demand, coverage, people, final population."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt
import pendulum

from ilp.clusters import cluster_of
from ilp.dates import from_day
from ilp.lifecycle import Service
from ilp.population.columns import History, Population
from ilp.population.simulation._layout import Layout
from ilp.population.simulation._params import SITE_TYPES, Arr, SimParams
from ilp.population.simulation._result import (
    COVERAGE_DTYPE,
    DEMAND_DTYPE,
    PARTITION_DTYPE,
    PEOPLE_DTYPE,
    SimResult,
)
from ilp.population.simulation._task import TaskResult, month_span

__all__ = ["merge", "merge_people"]


def merge(
    outputs: Sequence[TaskResult],
    groups_of_parts: Sequence[Arr],
    *,
    layout: Layout,
    population: Population,
    services: Sequence[Service],
    groups: tuple[str, ...],
    minutes: Arr,
    hist_codes: tuple[str, ...],
    first: pendulum.Date,
    months: int,
    seed: int,
    params: SimParams,
    keep_population: bool,
) -> SimResult:
    """The tasks' *outputs* as one result (*groups_of_parts*: each task's partitions)."""
    demand = _demand(outputs, layout, services, minutes)
    coverage = _coverage(outputs, len(groups))
    people, partitions = _people_tables(outputs, groups_of_parts, layout, months)
    final_pop = final_hist = final_families = None
    if keep_population:
        final_pop, final_hist, final_families = merge_people(
            outputs, groups_of_parts, population, hist_codes
        )
    return SimResult(
        start=first,
        months=[from_day(month_span(first.toordinal(), k)[0]) for k in range(months)],
        seed=seed,
        codes=[s.code for s in services],
        code_groups=[s.group for s in services],
        groups=groups,
        sites=[f.id for f in layout.sites],
        site_types=[SITE_TYPES[t] for t in layout.site_type.tolist()],
        site_puskesmas=layout.site_puskesmas.tolist(),
        desas=layout.desas,
        demand=demand,
        coverage=coverage,
        people=people,
        partitions=partitions,
        params=params,
        population=final_pop,
        history=final_hist,
        households=final_families,
        seconds=[o.seconds for o in outputs],
    )


def _demand(
    outputs: Sequence[TaskResult], layout: Layout, services: Sequence[Service], minutes: Arr
) -> npt.NDArray[np.void]:
    """The demand table: sparse rows (month, site, service) summed over tasks, in order of
    month, site, cluster and service."""
    n_services = len(services)
    n_sites = len(layout.sites)
    clusters = np.array([int(s.cluster) for s in services], dtype=np.int8)
    moved = [i for i, f in enumerate(layout.sites) if f.cluster_overrides]
    # the services as keyed: by cluster, then service, when no site moves a service to
    # another cluster (the order within every month and site, so the table needs no sort)
    by = np.arange(n_services) if moved else np.lexsort((np.arange(n_services), clusters))
    keys_l, due_l, rec_l = [], [], []
    for out in outputs:
        due_of, rec_of = out.due[:, :, by], out.received[:, :, by]
        nz = np.nonzero((due_of > 0) | (rec_of > 0))
        m, slot, r = nz
        site = np.where(slot > 0, out.site_global[np.maximum(slot - 1, 0)], -1).astype(np.int64)
        keys_l.append((m.astype(np.int64) * (n_sites + 1) + site + 1) * n_services + r)
        due_l.append(due_of[nz])
        rec_l.append(rec_of[nz])
    key = np.concatenate(keys_l) if keys_l else np.zeros(0, dtype=np.int64)
    if np.all(key[1:] > key[:-1]):  # already distinct and sorted (one task: in C order)
        uniq, inverse = key, np.arange(len(key))
    else:
        uniq, inverse = np.unique(key, return_inverse=True)
    due = np.bincount(inverse, weights=np.concatenate(due_l), minlength=len(uniq))
    rec = np.bincount(inverse, weights=np.concatenate(rec_l), minlength=len(uniq))
    demand = np.zeros(len(uniq), dtype=DEMAND_DTYPE)
    v = by[uniq % n_services]
    site = (uniq // n_services) % (n_sites + 1) - 1
    demand["month"] = uniq // n_services // (n_sites + 1)
    demand["site"] = site
    demand["service"] = v
    cluster = clusters[v]
    for i in moved:
        at = np.flatnonzero(site == i)
        overrides = layout.sites[i].cluster_overrides
        cluster[at] = [int(cluster_of(services[j], overrides)) for j in v[at].tolist()]
    demand["cluster"] = cluster
    demand["due"] = np.rint(due).astype(np.int64)
    demand["received"] = np.rint(rec).astype(np.int64)
    demand["missed"] = demand["due"] - demand["received"]
    demand["minutes"] = demand["received"] * minutes[v]
    if not moved:  # keyed in the table's order
        return demand
    return demand[np.lexsort((demand["service"], demand["cluster"], site, demand["month"]))]


def _coverage(outputs: Sequence[TaskResult], g: int) -> npt.NDArray[np.void]:
    """The coverage table: per desa and group, people due and people who received."""
    cover = np.concatenate([o.cover for o in outputs], axis=1)
    ckey = (cover[0] + 1) * g + cover[1]
    cuniq, cinv = np.unique(ckey, return_inverse=True)
    coverage = np.zeros(len(cuniq), dtype=COVERAGE_DTYPE)
    coverage["desa"] = cuniq // g - 1
    coverage["group"] = cuniq % g
    coverage["due"] = np.bincount(cinv, weights=cover[2], minlength=len(cuniq))
    coverage["received"] = np.bincount(cinv, weights=cover[3], minlength=len(cuniq))
    return coverage


def _people_tables(
    outputs: Sequence[TaskResult], groups_of_parts: Sequence[Arr], layout: Layout, months: int
) -> tuple[npt.NDArray[np.void], npt.NDArray[np.void]]:
    """The people table (per month) and the partitions table (in network order)."""
    n_parts = len(layout.partitions)
    counts = np.zeros((n_parts, months, 4), dtype=np.int64)
    people_start = np.zeros(n_parts, dtype=np.int64)
    received = np.zeros(n_parts, dtype=np.int64)
    for members, out in zip(groups_of_parts, outputs, strict=True):
        counts[members] = out.counts
        people_start[members] = out.people_start
        received[members] = out.part_received
    people = np.zeros(months, dtype=PEOPLE_DTYPE)
    people["month"] = np.arange(months)
    total = counts.sum(axis=0)
    for j, name in enumerate(("alive_start", "births", "deaths", "alive_end")):
        people[name] = total[:, j]
    partitions = np.zeros(n_parts, dtype=PARTITION_DTYPE)
    partitions["puskesmas"] = layout.partitions
    partitions["people_start"] = people_start
    partitions["alive_start"] = counts[:, 0, 0]
    partitions["births"] = counts[:, :, 1].sum(axis=1)
    partitions["deaths"] = counts[:, :, 2].sum(axis=1)
    partitions["alive_end"] = counts[:, -1, 3]
    partitions["received"] = received
    return people, partitions


def merge_people(
    outputs: Sequence[TaskResult],
    groups_of_parts: Sequence[Arr],
    population: Population,
    hist_codes: tuple[str, ...],
) -> tuple[Population, History, npt.NDArray[np.int32] | None]:
    """The tasks' people in one population: partitions in network order, each in its own order."""
    columns: dict[str, list[Arr]] = {}
    preg: dict[str, list[Arr]] = {}
    person_l, code_l, day_l = [], [], []
    part_l, lid_l = [], []
    family_l = []
    offset = 0
    for members, out in zip(groups_of_parts, outputs, strict=True):
        assert out.columns is not None
        assert out.preg is not None
        assert out.records is not None
        for name, col in out.columns.items():
            columns.setdefault(name, []).append(col)
        for name, col in out.preg.items():
            preg.setdefault(name, []).append(col + offset if name == "person" else col)
        p, c, d = out.records
        person_l.append(p + offset)
        code_l.append(c)
        day_l.append(d)
        part_l.append(np.asarray(members)[out.part])
        lid_l.append(out.lid)
        if out.households is not None:
            family_l.append(out.households)
        offset += len(out.part)
    order = np.lexsort((np.concatenate(lid_l), np.concatenate(part_l)))
    new = np.empty(len(order), dtype=np.int64)
    new[order] = np.arange(len(order))
    cols = {name: np.concatenate(parts)[order] for name, parts in columns.items()}
    extra = {
        f.name: getattr(population, f.name)
        for f in attrs.fields(Population)
        if f.init and f.name not in cols and not f.name.startswith("preg_")
    }
    pg = {name: np.concatenate(parts) for name, parts in preg.items()}
    person = new[pg["person"]]
    porder = np.lexsort((pg["lmp"], person))
    final = Population(
        **cols,
        **extra,
        preg_person=person[porder].astype(np.int32),
        preg_lmp=pg["lmp"][porder],
        preg_edd=pg["edd"][porder],
        preg_delivery=pg["delivery"][porder],
        preg_outcome=pg["outcome"][porder],
        preg_in_facility=pg["in_facility"][porder],
    )
    rp = new[np.concatenate(person_l)]
    rc = np.concatenate(code_l)
    rd = np.concatenate(day_l)
    rorder = np.lexsort((rd, rp, rc))
    history = History(
        hist_codes,
        rp[rorder].astype(np.int32),
        rc[rorder],
        rd[rorder],
        len(final),
    )
    families = np.concatenate(family_l)[order] if family_l else None
    return final, history, families

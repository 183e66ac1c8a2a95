"""Demand simulation: month by month, who is due, who comes, and what it costs in staff time.

:func:`simulate` moves a columnar population through calendar months. Each
month people die at age-specific rates, women conceive at age-specific
fertility rates, pregnancies deliver and babies join their mother's
household and residence as new rows. Who is due is asked of
:func:`~ilp.population.due_batch` on the month's last day: every item due or
overdue then, or missed with a window that closed within the month, was in
demand during the month. Whether a person receives it follows
:class:`SimParams` (attendance by service or group, area type and site type,
engagement with drop-out); what is received is added to the history, dated
within the month, so later months see it.

The population is split by Puskesmas (the rows living under each one).
Every partition draws its random numbers from its own generator, seeded from
the run's seed and the Puskesmas id, so the result does not depend on how
the partitions are grouped into tasks, nor on the executor that runs them.
"""

from __future__ import annotations

import concurrent.futures
import datetime as _dt
from collections.abc import Callable

import attrs
import numpy as np
import numpy.typing as npt
import pendulum

from ilp.dates import LAST_DATE, add_months, as_date
from ilp.lifecycle import Catalogue, Region, national
from ilp.network import Network
from ilp.population._arguments import argument_error, check_whole
from ilp.population.columns import History, Population
from ilp.population.columns._model import _trusted_history
from ilp.population.simulation._layout import Layout, can_give_table, layout_of
from ilp.population.simulation._merge import merge
from ilp.population.simulation._params import AREA_TYPES, MAX_MONTHS, SITE_TYPES, SimParams
from ilp.population.simulation._partition import Tables, make_tasks, workers_of
from ilp.population.simulation._result import SimResult
from ilp.population.simulation._run import run_tasks

__all__ = ["simulate"]


def _area_regions(network: Network, population: Population) -> dict[str, Region] | None:
    """Each residence area's region, or None when no area sets a flag."""
    if not any(any(a.flags.values()) for a in network.areas):
        return None  # no flag set anywhere: every region is plain
    regions = {a: network.region_of(a) for a in population.areas if network.has_area(a)}
    return regions if any(r.flags for r in regions.values()) else None


# Long by its docstring and three keyword lists (checks, tasks, merge); the steps
# themselves live in the modules named in this package's docstring.
def simulate(
    population: Population,
    history: History | None,
    network: Network,
    start: pendulum.Date | _dt.date | str,
    months: int,
    *,
    params: SimParams | None = None,
    seed: int,
    catalogue: Catalogue | None = None,
    region: Region | None = None,
    executor: concurrent.futures.Executor | None = None,
    tasks: int | None = None,
    progress: Callable[[int, int], object] | None = None,
    keep_population: bool = True,
    households: npt.ArrayLike | None = None,
) -> SimResult:
    """Simulate *months* calendar months of demand on *network*, from *start*.

    Month *k* runs from *start* plus *k* months to the day before *start*
    plus *k* + 1 months. In each: engagement changes, people die
    (:meth:`SimParams.mortality`), women conceive (:meth:`SimParams.conception`),
    pregnancies deliver and babies are added as rows with their mother's
    residence. Then :func:`~ilp.population.due_batch` on the month's last
    day says what was in demand (due or overdue, or missed with a window
    closing within the month); each item is given at the first of the
    person's Posyandu, Pustu and Puskesmas that gives it, with probability
    :meth:`SimParams.attendance_of` times the area and site factors, on the
    site's first opening day in the item's window (else a day drawn in it);
    what is given joins the history. Without *region*, each person has the
    region flags of their residence (:meth:`~ilp.network.Network.region_of`).

    The rows are split by the Puskesmas over their residence; each
    partition draws from its own generator, seeded from *seed* and the
    Puskesmas id, so the result is the same whatever the grouping into
    *tasks* (default: one without *executor*, else twice the executor's
    workers) and whatever *executor* runs them (any
    :class:`concurrent.futures.Executor`: a process pool, or Dask's
    ``Client.get_executor()``). *progress*, when given, is called with
    (months done, months in all), counted over tasks.

    Bad arguments raise :class:`~ilp.errors.PopulationError` (or another
    :class:`~ilp.errors.ILPError`) before any work: a negative or
    non-integer *months* or *seed*, a population whose residences the
    network does not hold, people born after *start*, parameters naming
    codes the catalogue lacks.
    """

    args = _check_arguments(
        population,
        history,
        network,
        start,
        months,
        params=params,
        seed=seed,
        catalogue=catalogue,
        region=region,
        executor=executor,
        tasks=tasks,
        keep_population=keep_population,
        households=households,
    )
    population, family, first = args.population, args.family, args.first
    cat, params = args.catalogue, args.params
    layout = layout_of(network, population)
    tables = _tables(cat, params, args.history, layout, len(population.areas))
    # the given history (checked) with the catalogue's other codes after its own
    full_history = _trusted_history(
        tables.hist_codes,
        args.history.rec_person,
        args.history.rec_code,
        args.history.rec_day,
        args.history.persons,
    )
    # rows in order of birth (due_batch is faster so), then split without sorting again
    if not population.birth_sorted:
        order = np.argsort(population.birth, kind="stable")
        population, full_history = population.take(order), full_history.take(order)
        family = None if family is None else family[order]
    n_tasks = args.tasks
    if n_tasks is None:
        n_tasks = 1 if executor is None else 2 * workers_of(executor)
    task_list, groups_of_parts = make_tasks(
        population,
        full_history,
        family,
        layout=layout,
        tables=tables,
        network=network,
        params=params,
        catalogue=catalogue,
        # without a region each person takes the flags of their area (Network.region_of)
        region=region if region is not None else _area_regions(network, population),
        seed=args.seed,
        day0=first.toordinal(),
        months=args.months,
        tasks=n_tasks,
        keep_population=keep_population,
    )
    outputs = run_tasks(task_list, executor, args.months, progress)
    services = [cat.service(c) for c in tables.codes]
    return merge(
        outputs,
        groups_of_parts,
        layout=layout,
        population=population,
        services=services,
        groups=tables.groups,
        minutes=np.array([params.minutes_of(s) for s in services], dtype=np.float64),
        hist_codes=tables.hist_codes,
        first=first,
        months=args.months,
        seed=args.seed,
        params=params,
        keep_population=keep_population,
    )


@attrs.frozen
class _Arguments:
    """The arguments of :func:`simulate`, checked and defaulted."""

    population: Population
    history: History
    first: pendulum.Date
    months: int
    seed: int
    params: SimParams
    catalogue: Catalogue
    tasks: int | None
    family: npt.NDArray[np.int32] | None


def _check_arguments(  # a flat list of checks, one per argument, in signature order
    population: Population,
    history: History | None,
    network: Network,
    start: pendulum.Date | _dt.date | str,
    months: int,
    *,
    params: SimParams | None,
    seed: int,
    catalogue: Catalogue | None,
    region: Region | None,
    executor: concurrent.futures.Executor | None,
    tasks: int | None,
    keep_population: bool,
    households: npt.ArrayLike | None,
) -> _Arguments:
    """Refuse bad arguments before any work (see :func:`simulate`)."""
    if not isinstance(population, Population):
        msg = f"expected a Population, got {type(population).__name__}"
        raise argument_error("population", msg, population)
    if history is None:
        history = History.empty(population)
    if not isinstance(history, History):
        raise argument_error(
            "history", f"expected a History or None, got {type(history).__name__}", history
        )
    if history.persons != len(population):
        msg = f"it is for {history.persons} people, the population has {len(population)}"
        raise argument_error("history", msg, history.persons)
    if not isinstance(network, Network):
        raise argument_error(
            "network", f"expected a Network, got {type(network).__name__}", network
        )
    first = as_date(start, field="start")
    months = check_whole("months", months, 1)
    if months > MAX_MONTHS or add_months(first, months) > LAST_DATE:
        msg = (
            f"{months} months from {first.isoformat()} is more than {MAX_MONTHS} months "
            f"or goes past the last supported date {LAST_DATE.isoformat()}"
        )
        raise argument_error("months", msg, months)
    seed = check_whole("seed", seed, 0)
    params = SimParams() if params is None else params
    if not isinstance(params, SimParams):
        raise argument_error(
            "params", f"expected SimParams or None, got {type(params).__name__}", params
        )
    if region is not None and not isinstance(region, Region):
        raise argument_error(
            "region", f"expected a Region or None, got {type(region).__name__}", region
        )
    if executor is not None and not isinstance(executor, concurrent.futures.Executor):
        msg = f"expected a concurrent.futures.Executor, got {type(executor).__name__}"
        raise argument_error("executor", msg, executor)
    if tasks is not None:
        tasks = check_whole("tasks", tasks, 1)
    if not isinstance(keep_population, bool):
        raise argument_error("keep_population", "expected True or False", keep_population)
    family = None
    if households is not None:
        family = np.asarray(households)
        if family.dtype.kind not in "iu" or family.shape != (len(population),):
            msg = f"expected whole numbers, one per person ({len(population)}), got {family.shape}"
            raise argument_error("households", msg, family.shape)
        family = family.astype(np.int32)
    cat = catalogue
    if cat is None:
        cat = national()
    elif not isinstance(cat, Catalogue):
        raise argument_error("catalogue", f"expected a Catalogue, got {type(cat).__name__}", cat)
    params.check(cat)
    day0 = first.toordinal()
    if len(population) == 0:
        raise argument_error("population", "no people to simulate", 0)
    late = population.birth > day0
    if late.any():
        row = int(np.flatnonzero(late)[0])
        msg = f"row {row} (person {population.ids[row]!r}) is born after the start {first}"
        raise argument_error("birth", msg, population.ids[row])
    return _Arguments(
        population,
        history,
        first,
        months,
        seed,
        params,
        cat,
        tasks,
        family,
    )


def _tables(
    cat: Catalogue, params: SimParams, history: History, layout: Layout, n_areas: int
) -> Tables:
    """The run's tables: services, their groups and attendance, and the site of each."""
    # services, groups, minutes
    codes = cat.codes
    services = [cat.service(c) for c in codes]
    groups = tuple(sorted({s.group for s in services}))
    service_group = np.array([groups.index(s.group) for s in services], dtype=np.int16)
    attendance = np.array([params.attendance_of(s) for s in services], dtype=np.float64)
    hist_codes = history.codes + tuple(c for c in codes if c not in history.codes)
    if len(hist_codes) > np.iinfo(np.int16).max:
        raise argument_error(
            "history", f"{len(hist_codes)} codes; at most 32767 fit", len(hist_codes)
        )
    service_hist_code = np.array([hist_codes.index(c) for c in codes], dtype=np.int16)

    # sites per area and service
    can = can_give_table(layout.sites, services)
    site_of = np.full((n_areas, len(codes)), -1, dtype=np.int32)
    for k in (2, 1, 0):  # the nearest that gives the service wins: write the farthest first
        s = layout.chain[:, k]
        has = s >= 0
        ok = np.zeros((n_areas, len(codes)), dtype=np.bool_)
        ok[has] = can[s[has]]
        site_of = np.where(ok, s[:, None], site_of)
    factors = np.array([params.area_factor.get(t, 1.0) for t in AREA_TYPES] + [1.0])
    area_factor = factors[layout.area_type]  # -1 (unknown) takes the last, 1.0
    site_factor_of_type = np.array([params.site_factor.get(t, 1.0) for t in SITE_TYPES])
    return Tables(
        codes=codes,
        groups=groups,
        service_group=service_group,
        attendance=attendance,
        hist_codes=hist_codes,
        service_hist_code=service_hist_code,
        site_of=site_of,
        area_factor=area_factor,
        site_factor_of_type=site_factor_of_type,
    )

"""``due_batch``: the catalogue over a whole population, as ``due()`` per person.

``due_batch`` evaluates every entry in force over the rows its eligibility
admits, with NumPy operations over columns of day numbers: there is no
Python loop over persons, only over entries, doses, contacts, visits and
occurrence windows. Each entry goes to its rule kind's columnar evaluator
(:mod:`ilp.population.batch.kinds`), the twin of the per-person one;
``tests/population`` proves they agree.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping

import numpy as np
import pendulum

from ilp.dates import as_date
from ilp.errors import InvalidArgumentError, PopulationError, UnknownServiceError
from ilp.lifecycle import Catalogue, Region, Status, national
from ilp.lifecycle.semantics import DEFAULT_HORIZON, check_horizon
from ilp.population.batch.kinds import EVALUATORS
from ilp.population.batch.plan import plan_of
from ilp.population.batch.result import STATUS_CODES, BatchResult, statuses_of
from ilp.population.batch.run import Run
from ilp.population.columns import History, Population

__all__ = ["due_batch"]


# Long by its docstring and keyword list; the work is in Plan, Run and the kind modules.
def due_batch(
    population: Population,
    history: History | None,
    on: pendulum.Date | _dt.date | str,
    *,
    catalogue: Catalogue | None = None,
    region: Region | Mapping[str, Region] | None = None,
    horizon: int = DEFAULT_HORIZON,
    statuses: Status | str | Iterable[Status | str] | None = None,
) -> BatchResult:
    """The services every person of *population* is due on *on*: ``due()`` over columns.

    For each slot (one service position of a catalogue entry) and person,
    the result holds what ``due()`` says of that person: the status and the
    four dates, plus the date given for completed items. *history* may be
    None (nothing given). Records after *on* are ignored; people who died
    before *on* get nothing, and so do people born after it (for whom
    ``due()`` refuses the date). A record whose code is not in the
    catalogue raises :class:`~ilp.errors.UnknownServiceError`.

    *region* is one :class:`~ilp.lifecycle.Region` for everyone, or a
    mapping from area id (``population.areas``) to the region of that area,
    so that each person takes the flags of their residence, as
    ``{a: network.region_of(a) for a in population.areas}`` gives; people
    whose area is not in the mapping have no flags. A mapping's regions may
    not carry ``ages``.

    *statuses* keeps only the items of these statuses (one, or several, as
    :class:`~ilp.lifecycle.Status` members or their codes; None: every
    item, as ``due()`` lists them). The others are not made at all, not
    made and then dropped: asking for the open items alone (``("overdue",
    "due", "upcoming", "missed")``) spares building the completed ones,
    often a third of a population's. The result equals the one without
    *statuses* with the other items left out (its ``statuses`` says which
    were kept).

    The rows are evaluated in order of birth, each age band a slice; a
    population in another order is put in that order on the first call, and
    the order is kept with it (weakly) for later calls. Rows already in
    order of birth (as :meth:`Population.sorted_by_birth` makes them) skip
    that sort.
    """
    if not isinstance(population, Population):
        msg = f"population: expected a Population, got {type(population).__name__}"
        raise PopulationError(msg, field="population", value=population)
    if history is None:
        history = History.empty(population)
    elif not isinstance(history, History):
        msg = f"history: expected a History or None, got {type(history).__name__}"
        raise PopulationError(msg, field="history", value=history)
    if history.persons != len(population):
        msg = f"history: it is for {history.persons} people, the population has {len(population)}"
        raise PopulationError(msg, field="history", value=history.persons)
    day = as_date(on, field="on")
    check_horizon(horizon)
    kept = statuses_of(statuses, field="statuses")
    if kept is not None and not kept:
        msg = "statuses: no status given (None keeps them all)"
        raise InvalidArgumentError(msg, field="statuses", value=statuses)
    if kept is not None and len(kept) == len(Status):
        kept = None
    by_area: Mapping[str, Region] | None = None
    if isinstance(region, Mapping):
        by_area, region = region, None
        for area, found in by_area.items():
            if not isinstance(found, Region) or found.ages:
                msg = f"region[{area!r}]: expected a Region with flags only, got {found!r}"
                raise InvalidArgumentError(msg, field="region", value=found)
    if region is not None and not isinstance(region, Region):
        msg = f"region: expected a Region or None, got {type(region).__name__}"
        raise InvalidArgumentError(msg, field="region", value=region)
    if catalogue is None:
        catalogue = national()
    for k, code in enumerate(history.codes):
        if code not in catalogue and history.offsets[k + 1] > history.offsets[k]:
            msg = f"history: service code {code!r} is not in catalogue {catalogue.id!r}"
            raise UnknownServiceError(msg, field="code", value=code)
    plan = plan_of(catalogue)
    run = Run(
        population,
        history,
        d=day.toordinal(),
        region=region or Region(),
        horizon=horizon,
        plan=plan,
        by_area=by_area,
        statuses=None if kept is None else frozenset(STATUS_CODES[s] for s in kept),
    )
    entries = catalogue.entries_on(day)
    cohorts = [run.cohort(entry) for entry in entries]
    # each cohort's lookups are let go after the last entry it serves (a lower peak of memory)
    last = {id(co): k for k, co in enumerate(cohorts) if co is not None}
    for k, (entry, co) in enumerate(zip(entries, cohorts, strict=True)):
        if co is None:
            continue
        run.ahead = None
        if entry.eligibility.age_from is not None:
            # the rows are in order of birth: those born after the threshold are the last
            threshold = co.b.dtype.type(run.threshold_for(entry.eligibility.age_from))
            first = int(np.searchsorted(co.b, threshold, "right"))
            ahead = np.arange(first, len(co))
            if entry.eligibility.grades:  # a recorded grade, not the age band, decides
                ahead = ahead[run.pop.school_grade[co.rows[ahead]] == 0]
            run.ahead = ahead if len(ahead) else None
        EVALUATORS[entry.rule.kind](run, entry, co, plan.base[id(entry)])
        if last[id(co)] == k:
            co.release()
    return BatchResult(
        day,
        len(population),
        plan.codes,
        plan.doses,
        plan.entries,
        run.out.slots(),
        statuses=kept,
    )

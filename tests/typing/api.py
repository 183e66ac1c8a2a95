"""The public API used as a user would; must pass ``mypy --strict`` (CI checks it).

It is not a test module (pytest does not collect it): it exists so that a
change that breaks users' type checking fails CI.
"""

from __future__ import annotations

import datetime as dt

import pendulum

import ilp
from ilp.lifecycle import Status


def kader_worklist(people: list[ilp.Person], on: dt.date) -> dict[str, list[str]]:
    """Codes due or overdue per person, as a kader app would show them."""
    out: dict[str, list[str]] = {}
    for person in people:
        items: ilp.DueList = ilp.due(person, on, horizon=0)
        out[person.id] = [i.code for i in items.actionable]
    return out


def first_due_date(
    person: ilp.Person, history: tuple[ilp.ServiceRecord, ...]
) -> pendulum.Date | None:
    """The recommended date of the first open item, if any."""
    items = ilp.due(person, "2025-11-01", history=history, region=ilp.Region(flags={"je_endemic"}))
    open_items = items.filter(status=[Status.DUE, Status.OVERDUE, Status.UPCOMING])
    return open_items[0].recommended if len(open_items) else None


def stages(person: ilp.Person) -> frozenset[ilp.LifeStage]:
    """Stages on a fixed date."""
    return ilp.stages_of(person, pendulum.Date(2025, 1, 1))


def family_iks(family: ilp.Family, records: dict[str, list[ilp.ServiceRecord]]) -> float | None:
    """The family's IKS on a date."""
    result: ilp.PISPKResult = ilp.assess_family(family, "2025-11-01", records=records)
    return result.iks


def due_per_code(people: list[ilp.Person], on: str) -> dict[str, int]:
    """Due or overdue items per code, over people as NumPy columns."""
    from ilp.population import Population, due_batch

    population, history = Population.from_people(people)
    result = due_batch(population, history, on, horizon=0, statuses=[Status.DUE, "overdue"])
    kept: frozenset[Status] | None = result.statuses
    assert kept is not None
    return result.counts()


def handle(path: str) -> str:
    """Errors are ILPError subclasses with a message."""
    try:
        pf = ilp.read_person_file(path)
    except ilp.ILPError as exc:
        return exc.msg
    return pf.person.id


person = ilp.Person("a", ilp.Sex.FEMALE, "2024-01-15", conditions=[ilp.Condition.HYPERTENSION])
item: ilp.DueItem | None = ilp.due(person, dt.date(2024, 3, 1)).get("BCG")
cluster: ilp.Cluster | None = item.cluster if item else None
catalogue: ilp.Catalogue = ilp.national()
codes: tuple[str, ...] = catalogue.codes

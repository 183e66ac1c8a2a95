"""A family register as columns for monitoring: residence from the family, places checked."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from ilp.errors import MonitoringError
from ilp.network import Network
from ilp.people import FamilyRegister
from ilp.population import ColumnRegister, History, Population

__all__ = ["RegisterColumns", "register_columns"]


@attrs.frozen(eq=False)
class RegisterColumns:
    """A register's people and records as columns, with each record's measured value."""

    population: Population
    history: History
    #: One value per history record (NaN where the record has none), in history order.
    weights: npt.NDArray[np.float64]


def register_columns(
    register: FamilyRegister | ColumnRegister, network: Network
) -> RegisterColumns:
    """Columns for *register*; every home and record place must be in *network*.

    A member without a residence of their own lives at the family's. A
    residence that is not an area of the network, or a record place that is
    not a facility of it, raises :class:`~ilp.errors.MonitoringError` naming it.
    *register* may be a :class:`~ilp.population.ColumnRegister`
    (:func:`ilp.files.read_register_columns`): the same columns come out,
    without a person or record value per row.
    """
    if isinstance(register, ColumnRegister):
        found = _from_columns(register, network)
        if found is not None:
            return found
        register = register.to_register()  # to name the first bad home or place
    people = []
    homes: list[str | None] = []
    for f in register.families:
        for m in f.members:
            p = m.person
            home = p.residence or f.residence
            if home is not None and not network.has_area(home):
                msg = f"person {p.id!r} lives in {home!r}, which is not an area of the network"
                raise MonitoringError(msg, field="residence", value=home)
            people.append(p)
            homes.append(home)
    population, _ = Population.from_people(people)
    # members live at their family's residence unless they have their own
    areas = tuple(sorted({h for h in homes if h is not None}))
    at = {a: i for i, a in enumerate(areas)}
    residence = np.array([-1 if h is None else at[h] for h in homes], dtype=np.int32)
    population = attrs.evolve(population, residence=residence, areas=areas)
    index = {p.id: i for i, p in enumerate(people)}
    facilities = {f.id for f in network.facilities}
    rows: list[int] = []
    codes: list[str] = []
    days: list[int] = []
    values: list[float] = []
    nan = float("nan")
    for pid, records in register.histories.items():
        row = index.get(pid)
        if row is None:
            msg = f"records of person {pid!r}, who is in no family of the register"
            raise MonitoringError(msg, field="person_id", value=pid)
        places = {r.place for r in records if r.place is not None} - facilities
        if places:
            place = min(places)
            msg = f"a record of {pid!r} names place {place!r}, which is not in the network"
            raise MonitoringError(msg, field="place", value=place)
        rows.extend([row] * len(records))
        codes.extend([r.code for r in records])
        days.extend([r.date.toordinal() for r in records])
        values.extend([nan if r.value is None else r.value for r in records])
    known = sorted(set(codes))
    where = {c: k for k, c in enumerate(known)}
    code = np.array([where[c] for c in codes], dtype=np.int64)
    person = np.array(rows, dtype=np.int64)
    day = np.array(days, dtype=np.int64)
    # History.from_arrays checks each record against its person's life and sorts
    # with this same stable lexsort: the values follow the records
    history = History.from_arrays(population, person=person, code=code, day=day, codes=known)
    weights = np.array(values, dtype=np.float64)[np.lexsort((day, person, code))]
    return RegisterColumns(population, history, weights)


def _from_columns(cols: ColumnRegister, network: Network) -> RegisterColumns | None:
    """The columns of *cols*, or None when a home or place is not in *network*."""
    homes = cols.homes
    areas = tuple(sorted({h for h in homes if h is not None}))
    if not all(network.has_area(a) for a in areas):
        return None
    facilities = {f.id for f in network.facilities}
    if not {p for p in set(cols.rec_place.tolist()) if p is not None} <= facilities:
        return None
    at = {a: i for i, a in enumerate(areas)}
    residence = np.array([-1 if h is None else at[h] for h in homes], dtype=np.int32)
    population = attrs.evolve(cols.population, residence=residence, areas=areas)
    return RegisterColumns(population, cols.history, cols.rec_value.copy())

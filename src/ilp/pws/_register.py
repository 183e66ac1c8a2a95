"""A family register as columns for monitoring: residence from the family, places checked."""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from ilp.errors import MonitoringError
from ilp.network import Network
from ilp.people import FamilyRegister
from ilp.population import History, Population

__all__ = ["RegisterColumns", "register_columns"]


@attrs.frozen(eq=False)
class RegisterColumns:
    """A register's people and records as columns, with each record's measured value."""

    population: Population
    history: History
    #: One value per history record (NaN where the record has none), in history order.
    weights: npt.NDArray[np.float64]


def register_columns(register: FamilyRegister, network: Network) -> RegisterColumns:
    """Columns for *register*; every home and record place must be in *network*.

    A member without a residence of their own lives at the family's. A
    residence that is not an area of the network, or a record place that is
    not a facility of it, raises :class:`~ilp.errors.MonitoringError` naming it.
    """
    people = []
    for f in register.families:
        for m in f.members:
            p = m.person
            if p.residence is None and f.residence is not None:
                p = attrs.evolve(p, residence=f.residence)
            if p.residence is not None and not network.has_area(p.residence):
                msg = (
                    f"person {p.id!r} lives in {p.residence!r}, which is not an area of the network"
                )
                raise MonitoringError(msg, field="residence", value=p.residence)
            people.append(p)
    facilities = {f.id for f in network.facilities}
    for pid, records in register.histories.items():
        for r in records:
            if r.place is not None and r.place not in facilities:
                msg = f"a record of {pid!r} names place {r.place!r}, which is not in the network"
                raise MonitoringError(msg, field="place", value=r.place)
    population, history = Population.from_people(people, register.histories)
    # the measured values, in the history's (code, person, day) order
    index = {p.id: i for i, p in enumerate(people)}
    where = {c: k for k, c in enumerate(history.codes)}
    rows = [
        (where[r.code], index[pid], r.date.toordinal(), np.nan if r.value is None else r.value)
        for pid, records in register.histories.items()
        for r in records
    ]
    if rows:
        arr = np.array(rows, dtype=np.float64)
        order = np.lexsort((arr[:, 2], arr[:, 1], arr[:, 0]))
        weights = arr[order, 3]
    else:
        weights = np.zeros(0, dtype=np.float64)
    return RegisterColumns(population, history, weights)

"""Vital events in a simulation task: pregnancies seeded and conceived, deliveries, babies born."""

from __future__ import annotations

import datetime as _dt
from typing import Final

import numpy as np

from ilp.people import Outcome, Sex
from ilp.population._calendar import NO_DAY
from ilp.population.columns import OUTCOMES, SEX_CODES
from ilp.population.simulation._params import (
    EDD_DAYS,
    GESTATION_RANGE,
    NEONATAL_DAYS,
    POSTPARTUM_DAYS,
    YEAR_DAYS,
    Arr,
)
from ilp.population.simulation._state import TaskState, born_by

__all__ = ["VitalEvents"]

_LIVE_BIRTH: Final = OUTCOMES.index(Outcome.LIVE_BIRTH)


def _yyyymmdd(day: int) -> str:
    """Day number *day* as YYYYMMDD (as pendulum's ``format("YYYYMMDD")``)."""
    date = _dt.date.fromordinal(day)
    return f"{date.year:04d}{date.month:02d}{date.day:02d}"


def _preg_key(preg: dict[str, Arr]) -> Arr:
    """Each pregnancy's (person, lmp) as one integer, in the same order."""
    key: Arr = preg["person"].astype(np.int64) << 32
    key += preg["lmp"].astype(np.int64) + (1 << 31)
    return key


class VitalEvents(TaskState):
    """Pregnancies, deliveries and births of a task (deaths and conceptions are in the month)."""

    def setup(self) -> None:
        t, p = self.t, self.t.params
        start = t.start
        # engagement, seeding, seeded LMP and reach: laid out over the rows where they are read
        block, _ = self._draw_block(4)
        place = self._place
        total = p.dropout + p.reengage
        share = p.dropout / total if total > 0 else 0.0
        self.engaged = block[0].take(place) >= share
        self.reached = block[3].take(place) >= p.unreached
        birth, sex = self.cols["birth"], self.cols["sex"]
        alive = self.death_day >= start
        preg = self.preg
        # pregnancies still to deliver: ongoing on the start date, or later
        pending = (preg["delivery"] == NO_DAY) & (preg["edd"] + 14 >= start)
        seeded = np.zeros(0, dtype=np.int64)
        if t.seed_pregnancies:
            # aged 15 to 49 (see born_by), not blocked
            women = alive & (sex == SEX_CODES[Sex.FEMALE])
            women &= (birth > born_by(start, 50)) & (birth <= born_by(start, 15))
            at = np.flatnonzero(women & ~self._blocked(start))
            # the share pregnant at a time: births per year × the time a pregnancy lasts
            age = (start - birth[at]) / YEAR_DAYS
            chance = np.minimum(p.fertility_at(age) * EDD_DAYS / YEAR_DAYS, 1.0)
            seeded = at[block[1].take(place.take(at)) < chance]
        when = block[2].take(place.take(seeded))
        gestation = self._draw_block(1, normal=True)[0][0].take(place.take(seeded))
        if len(seeded):
            lmp = start - np.floor(when * EDD_DAYS).astype(np.int64)
            lmp = np.maximum(lmp, birth[seeded].astype(np.int64))
            last = self._last_delivery()
            ok = lmp > last[seeded] + POSTPARTUM_DAYS
            seeded, lmp = seeded[ok], lmp[ok]
            planned = lmp + self._gestation(gestation[ok])
            planned = np.where(planned < start, start + self.lid[seeded] % 14, planned)
            self._add_pregnancies(seeded, lmp, planned)
        # existing pending pregnancies get a planned delivery day
        rows = np.flatnonzero(pending)
        if len(rows):
            owner = self.part[preg["person"][rows]]
            normal = np.zeros(len(rows))
            uniform = np.zeros(len(rows))
            for q in range(self.n_parts):
                mine = np.flatnonzero(owner == q)
                if len(mine):
                    normal[mine] = self.rngs[q].standard_normal(len(mine))
                    uniform[mine] = self.rngs[q].random(len(mine))
            lmp = preg["lmp"][rows].astype(np.int64)
            planned = lmp + self._gestation(normal)
            late = planned < start
            planned[late] = start + np.floor(uniform[late] * 14).astype(np.int64)
            planned = np.minimum(planned, preg["edd"][rows].astype(np.int64) + 14)
            preg["planned"][rows] = planned.astype(np.int32)

    def _gestation(self, normal: Arr) -> Arr:
        lo, hi = GESTATION_RANGE
        days = np.rint(EDD_DAYS + normal * self.t.params.gestation_sd)
        out: Arr = np.clip(days, lo, hi).astype(np.int64)
        return out

    def _last_delivery(self) -> Arr:
        """Per row, the day of the last delivery (or a very early day)."""
        out = np.full(len(self.part), -(10**7), dtype=np.int64)
        preg = self.preg
        done = preg["delivery"] != NO_DAY
        np.maximum.at(out, preg["person"][done], preg["delivery"][done].astype(np.int64))
        return out

    def _blocked(self, day: int) -> Arr:
        """Rows who cannot conceive on *day*: pregnant, due to deliver, or just delivered."""
        preg = self.preg
        ends = np.where(
            preg["delivery"] != NO_DAY,
            preg["delivery"].astype(np.int64),
            preg["edd"].astype(np.int64) + 14,
        )
        pending = preg["planned"] != NO_DAY
        ends = np.where(pending, np.maximum(ends, preg["planned"].astype(np.int64)), ends)
        block = (ends + POSTPARTUM_DAYS >= day) | (preg["lmp"] >= day)
        out = np.zeros(len(self.part), dtype=np.bool_)
        out[preg["person"][block]] = True
        return out

    def _add_pregnancies(self, rows: Arr, lmp: Arr, planned: Arr) -> None:
        preg = self.preg
        k = len(rows)
        new: dict[str, Arr] = {
            "person": rows.astype(np.int64),
            "lmp": lmp.astype(np.int32),
            "edd": (lmp + EDD_DAYS).astype(np.int32),
            "delivery": np.full(k, NO_DAY, dtype=np.int32),
            "outcome": np.full(k, -1, dtype=np.int8),
            "in_facility": np.full(k, -1, dtype=np.int8),
            "planned": planned.astype(np.int32),
        }
        # sorted by (person, lmp) as before: the new ones inserted after the old ones with
        # the same key, in their own sorted order (the stable lexsort of old then new)
        key, added = _preg_key(preg), _preg_key(new)
        mine = np.argsort(added, kind="stable")
        at = np.searchsorted(key, added[mine], side="right")
        for name in preg:
            preg[name] = np.insert(preg[name], at, new[name][mine])

    def _deliver(self, m0: int, m1: int) -> Arr:  # one pass: the draws keep their order
        """Deliver the pregnancies planned in the month; add the babies as rows.

        Returns the babies' attendance draws.
        """
        p = self.t.params
        preg = self.preg
        planned = preg["planned"].astype(np.int64)
        idx = np.flatnonzero((planned >= m0) & (planned <= m1))
        if not len(idx):
            return np.zeros(0)
        mother = preg["person"][idx]
        day = planned[idx]
        alive = self.death_day[mother].astype(np.int64) >= day
        preg["planned"][idx] = NO_DAY
        idx, mother, day = idx[alive], mother[alive], day[alive]
        if not len(idx):
            return np.zeros(0)
        owner = self.part[mother]
        mother_lid = self.lid[mother]
        # each partition's babies in its own order: by day, then the mother's position
        order = np.lexsort((mother_lid, day, owner))
        idx, mother, day, owner = idx[order], mother[order], day[order], owner[order]
        # sex, neonatal death, its day, facility delivery, reached, attendance
        draws = np.zeros((6, len(idx)))
        new_lid = np.zeros(len(idx), dtype=np.int64)
        for q in np.unique(owner).tolist():
            mine = np.flatnonzero(owner == q)
            if len(mine):
                draws[:, mine] = self.rngs[q].random((6, len(mine)))
                new_lid[mine] = len(self.members[q]) + np.arange(len(mine))
        preg["delivery"][idx] = day.astype(np.int32)
        preg["outcome"][idx] = _LIVE_BIRTH
        preg["in_facility"][idx] = (draws[3] < p.facility_delivery).astype(np.int8)
        # the task's rows stay in order of birth: babies by day, then partition, then position
        rows_order = np.lexsort((new_lid, owner, day))
        mother, day, owner, new_lid = (
            mother[rows_order],
            day[rows_order],
            owner[rows_order],
            new_lid[rows_order],
        )
        draws = draws[:, rows_order]
        b = len(mother)
        n = len(self.part)
        cols = self.cols
        days = day.tolist()
        stamp = {d: _yyyymmdd(d) for d in set(days)}  # a month's few days
        mothers = cols["ids"][mother].tolist()
        ids = [f"{m}.b{stamp[d]}" for m, d in zip(mothers, days, strict=True)]
        values: dict[str, Arr] = {
            "ids": np.array(ids, dtype=object),
            "birth": day.astype(np.int32),
            "sex": np.where(
                draws[0] < p.male_births, SEX_CODES[Sex.MALE], SEX_CODES[Sex.FEMALE]
            ).astype(np.int8),
            "death": np.full(b, NO_DAY, dtype=np.int32),
            "conditions": np.zeros(b, dtype=cols["conditions"].dtype),
            "school_grade": np.zeros(b, dtype=cols["school_grade"].dtype),
            "school_year": np.zeros(b, dtype=cols["school_year"].dtype),
            "sexually_active": np.full(b, -1, dtype=cols["sexually_active"].dtype),
        }
        for name, col in cols.items():
            value = values.get(name)
            if value is None:  # residence and any column we do not know: the mother's
                value = col[mother]
            cols[name] = self._extended(name, col, value.astype(col.dtype, copy=False))
        dies = draws[1] < p.neonatal_mortality
        death = np.full(b, NO_DAY, dtype=np.int32)
        death[dies] = (day[dies] + np.floor(draws[2][dies] * NEONATAL_DAYS)).astype(np.int32)
        self.death_day = self._extended("death_day", self.death_day, death)
        self.area = self._extended("area", self.area, self.area[mother])
        if self.households is not None:
            family = self.households[mother]
            self.households = self._extended("households", self.households, family)
        self.part = self._extended("part", self.part, owner)
        self.lid = self._extended("lid", self.lid, new_lid)
        rows = n + np.arange(b)
        for q in np.unique(owner).tolist():
            self.members[q] = self._extended(f"members {q}", self.members[q], rows[owner == q])
        self.engaged = np.concatenate([self.engaged, np.ones(b, dtype=np.bool_)])
        self.reached = np.concatenate([self.reached, draws[4] >= p.unreached])
        g = self.t.n_groups
        none = np.zeros((g, b), dtype=np.bool_)
        self.ever_due = self._extended("ever_due", self.ever_due, none)
        self.ever_received = self._extended("ever_received", self.ever_received, none)
        out: Arr = draws[5]
        return out

"""What a simulation found: demand, coverage, people and partitions as structured arrays."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt
import pendulum

from ilp._extras import require
from ilp.errors import PopulationError
from ilp.population.columns import History, Population
from ilp.population.simulation._params import Arr, SimParams

__all__ = [
    "COVERAGE_DTYPE",
    "DEMAND_COLUMNS",
    "DEMAND_DTYPE",
    "PARTITION_DTYPE",
    "PEOPLE_DTYPE",
    "SimResult",
]

DEMAND_DTYPE: Final = np.dtype(
    [
        ("month", np.int16),
        ("site", np.int32),
        ("cluster", np.int8),
        ("service", np.int16),
        ("due", np.int64),
        ("received", np.int64),
        ("missed", np.int64),
        ("minutes", np.float64),
    ]
)


#: The columns of the demand table as records, CSV and frames (names in place of indices).
DEMAND_COLUMNS: Final = (
    "month",
    "site",
    "site_type",
    "puskesmas",
    "cluster",
    "service",
    "group",
    "due",
    "received",
    "missed",
    "minutes",
)
COVERAGE_DTYPE: Final = np.dtype(
    [("desa", np.int32), ("group", np.int16), ("due", np.int64), ("received", np.int64)]
)


PEOPLE_DTYPE: Final = np.dtype(
    [
        ("month", np.int16),
        ("alive_start", np.int64),
        ("births", np.int64),
        ("deaths", np.int64),
        ("alive_end", np.int64),
    ]
)


PARTITION_DTYPE: Final = np.dtype(
    [
        ("puskesmas", np.int32),
        ("people_start", np.int64),
        ("alive_start", np.int64),
        ("births", np.int64),
        ("deaths", np.int64),
        ("alive_end", np.int64),
        ("received", np.int64),
    ]
)


_TABLES: Final = ("demand", "coverage", "people", "partitions", "staff")


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen(eq=False, repr=False)
class SimResult:
    """What :func:`simulate` found, as NumPy structured arrays (and the final population).

    - ``demand``: per month × site × cluster × service, the items ``due``
      (in demand during the month), ``received`` and ``missed`` (due minus
      received), and the staff ``minutes`` received items took. ``month``
      indexes ``months``, ``site`` indexes ``sites`` (-1: no site of the
      network gives it), ``service`` indexes ``codes``. Only rows with
      something due or received are listed.
    - ``coverage``: per desa × service group, the people who were ``due``
      something of the group during the run and those who ``received``
      something of it (SPM-style: people served over people in need).
      ``desa`` indexes ``desas`` (-1: residence under no desa).
    - ``people``: per month, people alive at its start, births, deaths and
      alive at its end; ``alive_end == alive_start + births - deaths``.
    - ``partitions``: per Puskesmas (``puskesmas`` indexes ``sites``), the
      rows at the start, and the run's totals.

    ``population`` and ``history`` are the people and records at the end
    (babies added, deaths dated, services given appended), partitions in
    network order, or None when ``simulate(..., keep_population=False)``.
    ``seconds`` holds the wall time of each task (not part of the result
    proper: it varies from run to run).
    """

    start: pendulum.Date
    months: tuple[pendulum.Date, ...] = attrs.field(converter=_tuple)
    seed: int
    codes: tuple[str, ...] = attrs.field(converter=_tuple)
    #: The group of each code, aligned with ``codes``.
    code_groups: tuple[str, ...] = attrs.field(converter=_tuple)
    groups: tuple[str, ...] = attrs.field(converter=_tuple)
    sites: tuple[str, ...] = attrs.field(converter=_tuple)
    #: The type of each site (``posyandu``, ``pustu``, ``puskesmas``), aligned with ``sites``.
    site_types: tuple[str, ...] = attrs.field(converter=_tuple)
    #: The Puskesmas each site belongs to (an index into ``sites``).
    site_puskesmas: tuple[int, ...] = attrs.field(converter=_tuple)
    desas: tuple[str, ...] = attrs.field(converter=_tuple)
    demand: npt.NDArray[np.void]
    coverage: npt.NDArray[np.void]
    people: npt.NDArray[np.void]
    partitions: npt.NDArray[np.void]
    params: SimParams
    population: Population | None = None
    history: History | None = None
    #: The family of each row of ``population`` (babies join their mother's), when
    #: ``simulate`` was given ``households``.
    households: npt.NDArray[np.int32] | None = None
    seconds: tuple[float, ...] = attrs.field(default=(), converter=_tuple)

    def __repr__(self) -> str:
        return (
            f"SimResult({len(self.months)} months from {self.start}, {len(self.sites)} sites, "
            f"{int(self.demand['due'].sum())} due, {int(self.demand['received'].sum())} received)"
        )

    # -- summaries ---------------------------------------------------------------------

    def staff(self) -> npt.NDArray[np.void]:
        """Staff minutes per month and site: a structured array ``month, site, minutes``."""
        d = self.demand
        key = d["month"].astype(np.int64) * (len(self.sites) + 1) + (d["site"] + 1)
        uniq, inv = np.unique(key, return_inverse=True)
        out = np.zeros(
            len(uniq), dtype=[("month", np.int16), ("site", np.int32), ("minutes", np.float64)]
        )
        out["month"] = uniq // (len(self.sites) + 1)
        out["site"] = uniq % (len(self.sites) + 1) - 1
        out["minutes"] = np.bincount(inv, weights=d["minutes"], minlength=len(uniq))
        return out

    def coverage_rate(self) -> Arr:
        """``coverage['received'] / coverage['due']`` (NaN where nobody was due)."""
        due = self.coverage["due"].astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate: Arr = np.where(due > 0, self.coverage["received"] / due, np.nan)
        return rate

    def same_as(self, other: SimResult) -> bool:
        """True when both runs found the same (everything but ``seconds``)."""
        simple = (
            self.start == other.start
            and self.months == other.months
            and self.seed == other.seed
            and self.codes == other.codes
            and self.sites == other.sites
            and self.desas == other.desas
            and self.params == other.params
        )
        if not simple:
            return False
        for name in ("demand", "coverage", "people", "partitions"):
            if not np.array_equal(getattr(self, name), getattr(other, name)):
                return False
        if (self.population is None) != (other.population is None):
            return False
        mine, theirs = self.households, other.households
        if mine is None or theirs is None:
            if mine is not theirs:
                return False
        elif not np.array_equal(mine, theirs):
            return False
        if self.population is not None and other.population is not None:
            a, b = self.population, other.population
            for f in attrs.fields(Population):
                value = getattr(a, f.name)
                if isinstance(value, np.ndarray) and not np.array_equal(value, getattr(b, f.name)):
                    return False
            ha, hb = self.history, other.history
            assert ha is not None
            assert hb is not None
            return (
                ha.codes == hb.codes
                and np.array_equal(ha.rec_person, hb.rec_person)
                and np.array_equal(ha.rec_code, hb.rec_code)
                and np.array_equal(ha.rec_day, hb.rec_day)
            )
        return True

    # -- plain data --------------------------------------------------------------------

    def _month(self, k: int) -> str:
        return self.months[k].isoformat()

    def _site(self, k: int) -> str | None:
        return None if k < 0 else self.sites[k]

    def to_records(self, table: str = "demand") -> list[dict[str, Any]]:
        """One table as a list of dicts with names in place of indices.

        *table* is ``demand`` (the default), ``coverage``, ``people``,
        ``partitions`` or ``staff``.
        """
        if table == "demand":
            return [
                {
                    "month": self._month(m),
                    "site": self._site(s),
                    "site_type": None if s < 0 else self.site_types[s],
                    "puskesmas": None if s < 0 else self.sites[self.site_puskesmas[s]],
                    "cluster": c,
                    "service": self.codes[v],
                    "group": self.code_groups[v],
                    "due": due,
                    "received": rec,
                    "missed": miss,
                    "minutes": minutes,
                }
                for m, s, c, v, due, rec, miss, minutes in self.demand.tolist()
            ]
        if table == "coverage":
            rate = self.coverage_rate().tolist()
            return [
                {
                    "desa": None if d < 0 else self.desas[d],
                    "group": self.groups[g],
                    "due": due,
                    "received": rec,
                    "coverage": None if math.isnan(r) else r,
                }
                for (d, g, due, rec), r in zip(self.coverage.tolist(), rate, strict=True)
            ]
        if table == "people":
            names = PEOPLE_DTYPE.names or ()
            return [
                {"month": self._month(row[0]), **dict(zip(names[1:], row[1:], strict=True))}
                for row in self.people.tolist()
            ]
        if table == "partitions":
            names = PARTITION_DTYPE.names or ()
            return [
                {"puskesmas": self.sites[row[0]], **dict(zip(names[1:], row[1:], strict=True))}
                for row in self.partitions.tolist()
            ]
        if table == "staff":
            return [
                {
                    "month": self._month(m),
                    "site": self._site(s),
                    "site_type": None if s < 0 else self.site_types[s],
                    "minutes": minutes,
                }
                for m, s, minutes in self.staff().tolist()
            ]
        msg = f"{table!r} is not one of {', '.join(_TABLES)}"
        raise PopulationError(f"table: {msg}", field="table", value=table)

    def to_frame(self, table: str = "demand") -> Any:
        """One table (as :meth:`to_records`) as a pandas DataFrame (needs ``ilp[frames]``)."""
        pd = require("pandas", "frames", feature="SimResult.to_frame")
        records = self.to_records(table)
        frame = pd.DataFrame.from_records(records) if records else self._empty_frame(pd, table)
        if "month" in frame.columns:  # months as dates (datetime64), not ISO strings
            frame["month"] = pd.to_datetime(frame["month"])
        return frame

    @staticmethod
    def _empty_frame(pd: Any, table: str) -> Any:
        names = {
            "demand": list(DEMAND_COLUMNS),
            "coverage": ["desa", "group", "due", "received", "coverage"],
            "people": list(PEOPLE_DTYPE.names or ()),
            "partitions": list(PARTITION_DTYPE.names or ()),
            "staff": ["month", "site", "site_type", "minutes"],
        }
        return pd.DataFrame(columns=names[table])

    # -- files: ilp.population.simulation._io ----------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the result to *path*: ``.npz`` (every table) or ``.csv`` (the demand table).

        The file is written to a temporary file in the same folder and
        renamed into place when complete, so a failure leaves no
        half-written file.
        """
        from ilp.population.simulation._io import save_result  # noqa: PLC0415 - it imports this module

        save_result(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SimResult:
        """The result saved at *path* (``.npz``) by :meth:`save` (without the population).

        Every array is checked against the others before the result is made
        (:mod:`ilp.population._result_file`); a file that is not a complete,
        consistent result raises :class:`~ilp.errors.PopulationError`.
        """
        from ilp.population.simulation._io import load_result  # noqa: PLC0415 - it imports this module

        return load_result(path)

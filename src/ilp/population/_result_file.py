"""Reading a saved simulation result: every array checked against the others.

:meth:`SimResult.load <ilp.population.SimResult.load>` calls
:func:`read_result`, which opens the file with :func:`~ilp.population._npz.open_npz`
(headers checked before anything is allocated) and checks what a result
promises: one start date, one seed, dates of the months in order from the
start, names aligned with their codes and sites, tables of the saved dtypes
whose indices point into those names, and parameters that
:class:`~ilp.population.SimParams` accepts. Anything else is a
:class:`~ilp.errors.PopulationError` naming the file and the array.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from ilp._yaml import SIZE_LIMITS, Map, read_json
from ilp.dates import add_months, as_date
from ilp.errors import ILPError, PopulationError
from ilp.population._npz import NpzArrays, open_npz

__all__ = ["read_result"]

_TEXTS: Final = ("months", "codes", "code_groups", "groups", "sites", "site_types", "desas")


def read_result(
    path: str | os.PathLike[str],
    *,
    marker: str,
    dtypes: Mapping[str, np.dtype[Any]],
    site_types: tuple[str, ...],
    max_months: int,
    params: Callable[..., Any],
) -> dict[str, Any]:
    """The keyword arguments of a :class:`SimResult` saved at *path*, all checked."""
    with open_npz(path, "simulation") as data:
        if marker not in data:
            raise data.error("not a simulation saved by ilp")
        return _Check(data, dtypes, site_types, max_months, params).run()


class _Check:
    def __init__(
        self,
        data: NpzArrays,
        dtypes: Mapping[str, np.dtype[Any]],
        site_types: tuple[str, ...],
        max_months: int,
        params: Callable[..., Any],
    ) -> None:
        self.data = data
        self.dtypes = dtypes
        self.site_types = site_types
        self.max_months = max_months
        self.make_params = params

    def fail(self, name: str, msg: str) -> PopulationError:
        return self.data.error(msg, name)

    def texts(self, name: str, length: int | None = None) -> list[str]:
        array = self.data.get(name)
        if array.dtype.kind != "U" or array.ndim != 1:
            raise self.fail(name, "is not a one-dimensional array of text")
        if length is not None and len(array) != length:
            raise self.fail(name, f"holds {len(array)} values where {length} are expected")
        out: list[str] = array.tolist()
        return out

    def table(self, name: str) -> npt.NDArray[Any]:
        array = self.data.get(name)
        if array.dtype != self.dtypes[name] or array.ndim != 1:
            raise self.fail(name, f"is not a one-dimensional table of the {name} columns")
        return array

    def within(self, name: str, column: npt.NDArray[Any], low: int, high: int) -> None:
        """Every value of *column* from *low* to *high* - 1, else an error naming the first."""
        bad = (column < low) | (column >= high)
        if bad.any():
            value = column[int(np.flatnonzero(bad)[0])].item()
            raise self.fail(name, f"holds {value!r}, outside {low} to {high - 1}")

    def run(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: self.texts(name) for name in _TEXTS}
        start_text = self.texts("start", 1)[0]
        seed = self.data.get("seed")
        if seed.shape != (1,) or seed.dtype.kind not in "iu" or int(seed[0]) < 0:
            raise self.fail("seed", "is not one whole number of 0 or more")
        try:
            start = as_date(start_text, field="start")
            months = [as_date(m, field="months") for m in out["months"]]
        except ILPError as exc:
            raise self.fail("start", f"holds a date ilp refuses ({exc.msg})") from None
        n_months, n_sites, n_codes = len(months), len(out["sites"]), len(out["codes"])
        if not 1 <= n_months <= self.max_months:
            raise self.fail("months", f"holds {n_months} months; 1 to {self.max_months} expected")
        if months != [add_months(start, k) for k in range(n_months)]:
            raise self.fail("months", "does not hold the months from the start, in order")
        for name, length in (("code_groups", n_codes), ("site_types", n_sites)):
            if len(out[name]) != length:
                raise self.fail(name, f"holds {len(out[name])} names where {length} are expected")
        unknown = set(out["site_types"]) - set(self.site_types)
        if unknown:
            raise self.fail("site_types", f"holds {sorted(unknown)[0][:40]!r}")
        unknown = set(out["code_groups"]) - set(out["groups"])
        if unknown:
            raise self.fail("code_groups", f"holds {sorted(unknown)[0][:40]!r}, not in groups")
        owners = self.data.get("site_puskesmas")
        if owners.ndim != 1 or owners.dtype.kind not in "iu" or len(owners) != n_sites:
            raise self.fail("site_puskesmas", f"is not {n_sites} whole numbers")
        self.within("site_puskesmas", owners, 0, n_sites)
        demand = self.table("demand")
        self.within("demand", demand["month"], 0, n_months)
        self.within("demand", demand["site"], -1, n_sites)
        self.within("demand", demand["service"], 0, n_codes)
        coverage = self.table("coverage")
        self.within("coverage", coverage["desa"], -1, len(out["desas"]))
        self.within("coverage", coverage["group"], 0, len(out["groups"]))
        for name, array, columns in (
            ("demand", demand, ("due", "received", "missed")),
            ("coverage", coverage, ("due", "received")),
        ):
            for column in columns:
                self.within(name, array[column], 0, 2**62)
        if not np.isfinite(demand["minutes"]).all() or (demand["minutes"] < 0).any():
            raise self.fail("demand", "holds minutes that are negative or not finite")
        people = self.table("people")
        if len(people) != n_months or not np.array_equal(people["month"], np.arange(n_months)):
            raise self.fail("people", f"does not hold one row per month ({n_months})")
        partitions = self.table("partitions")
        self.within("partitions", partitions["puskesmas"], 0, n_sites)
        out.update(
            start=start,
            months=months,
            seed=int(seed[0]),
            site_puskesmas=owners.tolist(),
            demand=demand,
            coverage=coverage,
            people=people,
            partitions=partitions,
            params=self.params(),
        )
        return out

    def params(self) -> Any:
        text = self.texts("params", 1)[0]
        if len(text) > SIZE_LIMITS["simulation parameters"]:
            raise self.fail("params", "is longer than the limit for simulation parameters")
        origin = f"{self.data.path}: array 'params'"
        data = read_json(text, origin=origin, error=PopulationError)
        if not isinstance(data, Map):
            raise self.fail("params", "is not a JSON object of simulation parameters")
        if data.duplicates:
            raise self.fail("params", f"gives {data.duplicates[0][0]!r} twice")
        try:
            return self.make_params(**{str(k): _plain(v) for k, v in data.items()})
        except ILPError as exc:
            raise self.fail("params", f"holds parameters ilp refuses ({exc.msg})") from None
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            text = str(exc) if len(str(exc)) < 100 else str(exc)[:97] + "..."
            raise self.fail("params", f"holds parameters ilp refuses ({text})") from None


def _plain(value: Any) -> Any:
    """Parsed JSON as plain dicts (the parameters take any mapping)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value

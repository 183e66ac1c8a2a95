"""A row's first record in a window, found by a bisect in its own records.

``decide`` (``ilp.population.batch.occurrences``) finds each row's first
record in its current and previous window with a pass over the code's
records (``Run.first_in``), or, when the rows asked for are fewer than the
records, by a bisect in each row's records (``Run.first_from``). Both must
give the same days whichever way the cohort's records were found
(``Run.segments``: searched per row, whose positions are in the code's own
records, records of the rows left out, the dead, among them; or cut out).
"""

from __future__ import annotations

import numpy as np
import pytest

from ilp.dates import from_day
from ilp.lifecycle import Region, national
from ilp.population import Population
from ilp.population._calendar import NO_DAY
from ilp.population.batch import occurrences
from ilp.population.batch import run as run_module
from ilp.population.batch.plan import plan_of
from ilp.population.batch.run import Run
from ilp.population.columns import History

_D = 739_000  # 2024-05-26


def _run(seed: int) -> tuple[Run, str]:
    """A run on people of all ages, a third of them dead, with many records of one code."""
    rng = np.random.default_rng(seed)
    n = 300
    birth = np.sort(_D - rng.integers(0, 60 * 365, n)).astype(np.int32)
    dead = rng.random(n) < 0.3
    death = np.where(dead, np.minimum(birth + rng.integers(0, 400, n), _D - 1), NO_DAY)
    population = Population(
        ids=np.array([f"p{i}" for i in range(n)], dtype=object),
        birth=birth,
        sex=rng.integers(0, 2, n).astype(np.int8),
        death=death.astype(np.int32),
    )
    per = rng.integers(0, 6, n)
    person = np.repeat(np.arange(n), per)
    last = np.where(dead, death, _D)[person]
    day = birth[person] + (rng.random(len(person)) * (last - birth[person] + 1)).astype(np.int64)
    code = "TB-SCREEN"
    history = History.from_arrays(
        population, person=person, code=np.zeros(len(person)), day=day, codes=(code,)
    )
    catalogue = national()
    run = Run(population, history, d=_D, region=Region(), horizon=30, plan=plan_of(catalogue))
    return run, code


@pytest.mark.parametrize("sparse", [0, 10**9], ids=["searched", "cut"])
@pytest.mark.parametrize("seed", range(6))
def test_a_bisect_in_each_rows_records_finds_what_a_pass_finds(
    monkeypatch: pytest.MonkeyPatch, sparse: int, seed: int
) -> None:
    """Some rows of a cohort with holes, each with a window and whether it has one."""
    monkeypatch.setattr(run_module, "SPARSE", sparse)
    run, code = _run(seed)
    entry = next(e for e in national().entries_on(from_day(_D)) if e.services[0].code == code)
    co = run.cohort(entry)
    assert co is not None
    assert not co.contiguous
    rng = np.random.default_rng(seed + 100)
    for _ in range(5):
        sel = np.flatnonzero(rng.random(len(co)) < 0.3)
        lo = (_D - rng.integers(0, 20 * 365, len(sel))).astype(np.int32)
        hi = (lo + rng.integers(0, 5 * 365, len(sel))).astype(np.int32)
        valid = rng.random(len(sel)) < 0.8
        want = run.first_in(co, code, lo, hi, sel, valid)
        monkeypatch.setattr(occurrences, "_RECORDS_A_ROW", 0)
        got = occurrences._first_in(run, co, code, (lo, hi), sel, valid=valid)
        assert got.dtype == want.dtype
        assert got.tolist() == want.tolist()

"""``spread``: one row of each birth day of a cohort, kept with the cohort.

``Run.after`` and ``Run.limit`` find a function of the birth day once a day
(``by_day``) for each duration a cohort's entries ask for; the positions and
counts ``spread`` gives, and the birth day at each position, are found once
per cohort and kept with it (its ``cache``, let go with the rest when the
last entry of the cohort is done). They must be the cohort's own runs: the
birth day at each position, repeated by the counts, is every row's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilp.population import Population
from ilp.population.batch import cohort as cohort_module
from ilp.population.batch.cohort import Cohort, by_day, columns_of, spread


@st.composite
def _population(draw: Any) -> tuple[Any, Any, Any]:
    """Births in order (repeats and gaps), and a cohort of some of their rows (ascending)."""
    n = draw(st.integers(1, 200))
    steps = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    births = (700_000 + np.cumsum(steps)).astype(np.int32)
    lo = draw(st.integers(0, n - 1))
    hi = draw(st.integers(lo + 1, n))
    holes = draw(st.booleans())
    keep = [r for r in range(lo, hi) if not holes or draw(st.booleans()) or r == lo]
    return births, np.array(keep, dtype=np.int64), holes


def _columns(births: Any) -> Any:
    """Columns of a population born on *births* (nothing else is read by ``spread``)."""
    n = len(births)
    ids = np.array([f"p{i}" for i in range(n)], dtype=object)
    pop = Population(ids, births, np.zeros(n, dtype=np.int8))
    return columns_of(pop)


class TestSpread:
    @settings(deadline=None, max_examples=150)
    @given(_population(), st.sampled_from([0, 1, 4]))
    def test_spread_is_the_runs_and_kept(self, case: tuple[Any, Any, Any], per_day: int) -> None:
        """The birth day at each position, repeated, is every row's; asked again, the same
        arrays (or None again) are given, and ``by_day`` equals the function of every row."""
        births, rows, _ = case
        cols = _columns(births)
        co = Cohort(rows, rows.astype(np.int32), births[rows])
        mp = pytest.MonkeyPatch()
        mp.setattr(cohort_module, "ROWS_A_DAY", per_day)
        mp.setattr(cohort_module, "ROWS_A_DAY_APART", per_day)
        try:
            found = spread(co, cols)
            again = spread(co, cols)
            doubled = by_day(co, cols, lambda b: b * 2 + 1)
            twice = by_day(co, cols, lambda b: b - 5)
        finally:
            mp.undo()
        assert np.array_equal(doubled, co.b * 2 + 1)
        assert np.array_equal(twice, co.b - 5)
        if found is None:
            assert again is None
            return
        assert again is not None
        assert again[0] is found[0]
        assert again[1] is found[1]
        at, counts = found
        assert int(counts.sum()) == len(co)
        assert np.array_equal(np.repeat(co.b.take(at), counts), co.b)

    def test_release_lets_go_of_it(self) -> None:
        """``Cohort.release`` drops what ``spread`` kept."""
        births = np.repeat(np.arange(700_000, 700_010, dtype=np.int32), 8)
        rows = np.arange(len(births), dtype=np.int64)
        cols = _columns(births)
        co = Cohort(rows, rows.astype(np.int32), births)
        found = spread(co, cols)
        assert found is not None
        co.release()
        again = spread(co, cols)
        assert again is not None
        assert again[0] is not found[0]
        assert np.array_equal(again[0], found[0])

"""ilp.plot draws the population pyramid, demand per cluster and coverage per desa."""

from __future__ import annotations

from importlib import resources

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from ilp import PopulationError, plot  # noqa: E402
from ilp.network import load_network  # noqa: E402
from ilp.population import simulate, synthesize  # noqa: E402

with resources.as_file(resources.files("ilp").joinpath("data/demo/kecamatan/network.yaml")) as _p:
    NETWORK = load_network(_p)
SYN = synthesize(seed=1, on="2025-01-01", network=NETWORK, size=2000)
RESULT = simulate(SYN.population, SYN.history, NETWORK, "2025-01-01", 2, seed=1)


def test_pyramid_counts_everyone_alive() -> None:
    """The pyramid's bars add up to the living population, women right and men left."""
    fig = plot.population_pyramid(SYN.population, "2025-01-01")
    bars = [p.get_width() for p in fig.axes[0].patches]
    assert sum(abs(w) for w in bars) == len(SYN.population)
    assert min(bars) < 0 < max(bars)


def test_demand_per_cluster_adds_up() -> None:
    """Stacked bars per month add up to the items due that month."""
    fig = plot.demand_per_cluster(RESULT)
    total = sum(p.get_height() for p in fig.axes[0].patches)
    assert total == pytest.approx(float(RESULT.demand["due"].sum()))


def test_coverage_per_desa_and_bad_group() -> None:
    """Coverage is drawn per desa as a percentage; an unknown group is refused."""
    fig = plot.coverage_per_desa(RESULT, "immunization")
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths
    assert all(0 <= w <= 100 for w in widths)
    with pytest.raises(PopulationError, match="'nope'"):
        plot.coverage_per_desa(RESULT, "nope")


def test_bad_band() -> None:
    """An age band under one year is refused."""
    with pytest.raises(PopulationError, match="band"):
        plot.population_pyramid(SYN.population, "2025-01-01", band=0)

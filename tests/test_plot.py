"""ilp.plot draws the population pyramid, demand per cluster and coverage per desa."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

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


def test_demand_separates_new_need_from_backlog() -> None:
    """Items carried over are never more than last month's missed items, and new + carried = due."""
    from ilp.plot import _backlog

    new, carried = _backlog(RESULT, "due")
    assert (carried >= 0).all()
    assert (new >= 0).all()
    assert float((new + carried).sum()) == pytest.approx(float(RESULT.demand["due"].sum()))
    first = RESULT.demand["month"] == 0
    assert float(carried[first].sum()) == 0.0
    assert float(carried.sum()) <= float(
        RESULT.demand["missed"][~(RESULT.demand["month"] == 1)].sum()
    )


def test_charts_have_names_titles_units_and_language() -> None:
    """Cluster and desa names, the period in the title, units on the axes, in either language."""
    fig = plot.demand_per_cluster(RESULT, lang="en")
    a = fig.axes[0]
    assert "2025-01 to 2025-02" in a.get_title()
    assert a.get_ylabel() == "items due"
    labels = [t.get_text() for t in a.get_legend().get_texts()]
    assert any("Ibu dan Anak" in x or "Mother" in x for x in labels)
    assert any("carried over" in x for x in labels)
    fig = plot.coverage_per_desa(RESULT, "immunization", network=NETWORK)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Desa Gunungsari" in ticks
    assert "s.d." in fig.axes[0].get_title()
    fig = plot.population_pyramid(SYN.population, "2025-01-01", lang="en")
    assert fig.axes[0].get_xlabel() == "people"
    with pytest.raises(PopulationError, match="'fr'"):
        plot.population_pyramid(SYN.population, "2025-01-01", lang="fr")


def test_pws_chart_exports_a_png(tmp_path: Path) -> None:
    """One bar per desa in the PWS order, the target line, saved as PNG."""
    from ilp.pws import evaluate

    ev = evaluate(RESULT.population, RESULT.history, NETWORK, year=2025)
    table = ev.pws("D-S", 2)
    fig = plot.pws_chart(table, lang="en")
    bars = [p.get_width() for p in fig.axes[0].patches]
    assert bars == [r.cumulative_percent or 0.0 for r in table.sorted_rows()][::-1]
    assert "D-S" in fig.axes[0].get_title()
    out = tmp_path / "ds.png"
    fig.savefig(out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

"""Simulation results as Parquet folders: round trip, and every bad folder refused by name."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ilp._cli_network import demo_kecamatan
from ilp.errors import PopulationError
from ilp.population import (
    SimResult,
    load_result_parquet,
    save_result_parquet,
    simulate,
)
from ilp.pws import register_columns

TABLES = ("demand", "coverage", "people", "partitions")


@pytest.fixture(scope="module")
def run() -> SimResult:
    network, register, as_of = demo_kecamatan()
    cols = register_columns(register, network)  # everyone placed at their family's home
    return simulate(cols.population, cols.history, network, as_of, 3, seed=11)


def _same(a: SimResult, b: SimResult) -> None:
    for name in TABLES:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype
        assert np.array_equal(x, y), name
    for name in (
        "start",
        "months",
        "seed",
        "codes",
        "code_groups",
        "groups",
        "sites",
        "site_types",
        "site_puskesmas",
        "desas",
        "params",
    ):
        assert getattr(a, name) == getattr(b, name), name


def test_a_result_comes_back_whole(run: SimResult, tmp_path: Path) -> None:
    """save then load gives the same tables, names, months, seed and parameters as .npz."""
    folder = tmp_path / "run"
    save_result_parquet(run, folder)
    back = load_result_parquet(folder)
    _same(back, run)
    run.save(tmp_path / "run.npz")
    _same(back, SimResult.load(tmp_path / "run.npz"))
    assert back.population is None
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    # any Arrow reader sees the tables; saving again replaces them
    assert pq.read_table(folder / "demand.parquet").num_rows == len(run.demand)
    save_result_parquet(run, folder)
    _same(load_result_parquet(folder), run)


def _rewrite(path: Path, change: object) -> None:
    table = pq.read_table(path)
    new = change(table)  # type: ignore[operator]
    pq.write_table(new, path)


def _names(table: pa.Table, edit: object) -> pa.Table:
    meta = dict(table.schema.metadata)
    names = json.loads(meta[b"ilp_result"])
    edit(names)  # type: ignore[operator]
    meta[b"ilp_result"] = json.dumps(names).encode()
    return table.replace_schema_metadata(meta)


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        ("coverage", None, "no such file"),
        ("people", "garbage", "not a Parquet file"),
        ("partitions", lambda t: t.replace_schema_metadata({}), "not the partitions table"),
        ("demand", lambda t: t.drop_columns(["minutes"]), "not the columns"),
        (
            "people",
            lambda t: t.set_column(1, "alive_start", t.column(1).cast(pa.float64())),
            "'alive_start' is not int64",
        ),
        ("demand", lambda t: _names(t, lambda n: n.pop("seed")), "'seed' is missing"),
        ("demand", lambda t: _names(t, lambda n: n.update(seed=-1)), "'seed'"),
        ("demand", lambda t: _names(t, lambda n: n.update(seed=1.5)), "'seed'"),
        ("demand", lambda t: _names(t, lambda n: n.update(codes=[1, 2])), "'codes'"),
        ("demand", lambda t: _names(t, lambda n: n.update(months=["2025-01-01"])), "'months'"),
        ("demand", lambda t: _names(t, lambda n: n.update(params="{")), "'params'"),
        (
            "demand",
            lambda t: t.replace_schema_metadata({**t.schema.metadata, b"ilp_result": b"[1]"}),
            "no names",
        ),
        (
            "demand",
            lambda t: t.replace_schema_metadata({**t.schema.metadata, b"ilp_result": b"\xff"}),
            "not UTF-8",
        ),
    ],
)
def test_a_bad_folder_is_refused_by_name(
    run: SimResult, tmp_path: Path, file: str, change: object, message: str
) -> None:
    """A missing, foreign or altered file is a PopulationError naming the file or array."""
    folder = tmp_path / "run"
    save_result_parquet(run, folder)
    path = folder / f"{file}.parquet"
    if change is None:
        path.unlink()
    elif change == "garbage":
        path.write_bytes(b"PAR1 not really")
    else:
        _rewrite(path, change)
    with pytest.raises(PopulationError, match=message):
        load_result_parquet(folder)


def test_a_demand_row_out_of_range_is_refused(run: SimResult, tmp_path: Path) -> None:
    """Table values are checked as in a .npz file: a service index past the codes."""
    folder = tmp_path / "run"
    save_result_parquet(run, folder)

    def bad(t: pa.Table) -> pa.Table:
        k = t.column_names.index("service")
        column = pa.array(np.full(t.num_rows, 30000, dtype=np.int16))
        return t.set_column(k, "service", column)

    _rewrite(folder / "demand.parquet", bad)
    with pytest.raises(PopulationError, match="'demand' holds 30000"):
        load_result_parquet(folder)


def test_only_a_result_is_saved_and_a_bomb_is_refused(run: SimResult, tmp_path: Path) -> None:
    """Saving something else is refused; a file claiming far more bytes than it has is too."""
    with pytest.raises(PopulationError, match="expected a SimResult"):
        save_result_parquet("run", tmp_path / "x")  # type: ignore[arg-type]
    (tmp_path / "file").write_text("x")
    with pytest.raises(PopulationError, match="cannot make the folder"):
        save_result_parquet(run, tmp_path / "file" / "run")
    folder = tmp_path / "bomb"
    save_result_parquet(run, folder)
    zeros = pa.table({"a": np.zeros(3_000_000, dtype=np.int64)})
    pq.write_table(zeros, folder / "people.parquet", compression="zstd")
    with pytest.raises(PopulationError, match="far more than it can"):
        load_result_parquet(folder)

"""`ilp spm` and `ilp pws`: the JSON contracts, and every bad input as exit 2 with one line."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from ilp.cli import main
from ilp.errors import MonitoringError


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped sample kecamatan."""
    root = tmp_path_factory.mktemp("sample") / "kecamatan"
    with resources.as_file(resources.files("ilp").joinpath("data/demo/kecamatan")) as src:
        shutil.copytree(src, root)
    return root


def data(sample: Path) -> list[str]:
    return ["--register", str(sample), "--network", str(sample / "network.yaml")]


class TestSpm:
    def test_json_contract(self, sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """{"year", "through", "rows": [{service, area, level, sasaran, sasaran_estimated, served, percent}]}."""
        args = [
            "spm",
            *data(sample),
            "--year",
            "2025",
            "--through",
            "2025-10",
            "--level",
            "puskesmas",
            "--format",
            "json",
        ]
        code, out, _ = run(args, capsys)
        assert code == 0
        d = json.loads(out)
        assert list(d) == ["year", "through", "rows"]
        assert (d["year"], d["through"]) == (2025, "2025-10")
        assert [r["service"] for r in d["rows"]] == list(range(1, 13))
        assert list(d["rows"][0]) == [
            "service",
            "area",
            "level",
            "sasaran",
            "sasaran_estimated",
            "served",
            "percent",
        ]
        assert d["rows"][0]["area"] == "pkm-sukamaju"

    def test_table(self, sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The table shows the gap and the unconfirmed assumptions."""
        code, out, _ = run(["spm", *data(sample), "--year", "2025"], capsys)
        assert code == 0
        assert "gap" in out
        assert "unconfirmed assumptions [U]" in out
        assert "Desa Gunungsari" in out

    @pytest.mark.parametrize(
        ("extra", "named"),
        [
            (["--year", "20x5"], "'20x5'"),
            (["--year", "2025", "--through", "2024-10"], "'2024-10'"),
            (["--year", "2025", "--through", "2025-00"], "'2025-00'"),
            (["--year", "2025", "--level", "rt"], "'rt'"),
        ],
    )
    def test_bad_input(
        self, sample: Path, extra: list[str], named: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Exit 2, one error line naming the value."""
        code, out, err = run(["spm", *data(sample), *extra], capsys)
        assert code == 2
        assert not out
        assert err.count("\n") == 1
        assert err.startswith("error:")
        assert named in err


class TestPws:
    def test_json_contract(self, sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The documented keys, one row per desa."""
        code, out, _ = run(
            ["pws", *data(sample), "--indicator", "IDL", "--month", "2025-10", "--format", "json"],
            capsys,
        )
        assert code == 0
        d = json.loads(out)
        assert list(d) == ["indicator", "month", "target", "target_line", "rows"]
        assert d["indicator"] == "IDL"
        assert d["month"] == "2025-10"
        assert [r["area"] for r in d["rows"]] == [
            "kel-sukamaju",
            "desa-sumberejo",
            "desa-mulyoagung",
            "desa-gunungsari",
        ]

    def test_table(self, sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The table lists every desa, the status, and the source."""
        code, out, _ = run(
            ["pws", *data(sample), "--indicator", "K4", "--month", "2025-10"], capsys
        )
        assert code == 0
        assert "Desa Sumberejo" in out
        assert "source:" in out
        assert "unconfirmed [U]" in out

    def test_list(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Every indicator with its source."""
        code, out, _ = run(["pws", "list", "--format", "json"], capsys)
        assert code == 0
        ids = {d["id"] for d in json.loads(out)}
        assert {"K1", "K1-MURNI", "UCI", "N-D", "HT-BULANAN"} <= ids
        code, out, _ = run(["pws", "list"], capsys)
        assert code == 0
        assert "KMK HK.01.07/MENKES/2015/2023 L1550" in out

    def test_missing_json(self, sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The people behind a gap, with their Posyandu."""
        args = [
            "pws",
            "missing",
            *data(sample),
            "--indicator",
            "K4",
            "--month",
            "2025-10",
            "--area",
            "desa-sumberejo",
            "--format",
            "json",
        ]
        code, out, _ = run(args, capsys)
        assert code == 0
        d = json.loads(out)
        assert d["people"]
        assert all(p["area"] == "desa-sumberejo" and p["posyandu"] for p in d["people"])

    def test_missing_table(self, sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The table names people."""
        code, out, _ = run(
            ["pws", "missing", *data(sample), "--indicator", "IDL", "--month", "2025-10"], capsys
        )
        assert code == 0
        assert "people not yet counted" in out

    def test_report(self, sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The report is written where asked and nothing else is left in the folder."""
        out_file = tmp_path / "pws.html"
        code, out, _ = run(
            [
                "pws",
                "report",
                *data(sample),
                "--month",
                "2025-10",
                "--out",
                str(out_file),
                "--lang",
                "en",
            ],
            capsys,
        )
        assert code == 0
        assert str(out_file) in out
        assert out_file.read_text("utf-8").startswith("<!DOCTYPE html>")
        assert [p.name for p in tmp_path.iterdir()] == ["pws.html"]

    def test_failed_report_leaves_no_file(
        self,
        sample: Path,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """A failure while writing leaves neither the file nor a temporary one."""
        import ilp.pws._report as report

        def broken(*a: object, **k: object) -> str:
            raise RuntimeError("disk full")

        out_file = tmp_path / "pws.html"
        monkeypatch.setattr(report, "render_report", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            report.write_report(object(), 10, out_file)  # type: ignore[arg-type]
        assert list(tmp_path.iterdir()) == []

    def test_write_fails_midway(
        self, sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An error after the temporary file exists removes it, and the old report stays."""
        import ilp.pws._report as report

        out_file = tmp_path / "pws.html"
        out_file.write_text("old", "utf-8")
        monkeypatch.setattr(report, "render_report", lambda *a, **k: "new")

        def fail(*a: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr("ilp._atomic.os.replace", fail)
        with pytest.raises(MonitoringError, match="No space left"):
            report.write_report(object(), 10, out_file)  # type: ignore[arg-type]
        assert [p.name for p in tmp_path.iterdir()] == ["pws.html"]
        assert out_file.read_text("utf-8") == "old"

    @pytest.mark.parametrize(
        ("args", "named"),
        [
            (["--indicator", "K99", "--month", "2025-10"], "'K99'"),
            (["--indicator", "K4", "--month", "2025-1"], "'2025-1'"),
            (["--indicator", "K4"], "--month"),
            (["report", "--month", "2025-10", "--out", "/nonexistent-dir/x.html"], "x.html"),
            (
                ["missing", "--indicator", "K4", "--month", "2025-10", "--area", "desa-x"],
                "'desa-x'",
            ),
        ],
    )
    def test_bad_input(
        self, sample: Path, args: list[str], named: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Exit 2, one error line naming the value."""
        full = (
            ["pws", *args[:1], *data(sample), *args[1:]]
            if args[0] in ("report", "missing")
            else ["pws", *data(sample), *args]
        )
        code, out, err = run(full, capsys)
        assert code == 2
        assert not out
        assert err.count("\n") == 1
        assert named in err

    def test_register_naming_unknown_places(
        self, sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A record at a place the network lacks is refused, naming the place."""
        bad = tmp_path / "reg"
        shutil.copytree(sample, bad)
        text = (bad / "records.csv").read_text("utf-8").replace("psy-melati", "psy-hilang", 1)
        (bad / "records.csv").write_text(text, "utf-8")
        code, _, err = run(
            [
                "pws",
                "--register",
                str(bad),
                "--network",
                str(sample / "network.yaml"),
                "--indicator",
                "K4",
                "--month",
                "2025-10",
            ],
            capsys,
        )
        assert code == 2
        assert "'psy-hilang'" in err

    def test_indicator_file_with_an_error(
        self, sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A broken --indicators file exits 2 naming file and line."""
        f = tmp_path / "ind.yaml"
        f.write_text(
            "format: 1\nid: x\ntitle: {id: a, en: a}\nedition: '1'\nindicators: [{id: K1}]\n",
            "utf-8",
        )
        code, _, err = run(
            [
                "pws",
                *data(sample),
                "--indicators",
                str(f),
                "--indicator",
                "K1",
                "--month",
                "2025-10",
            ],
            capsys,
        )
        assert code == 2
        assert f"{f}:5" in err


class TestDemo:
    def test_demo_writes_the_dashboard_where_asked(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`ilp demo --report FILE` writes the sample's dashboard and prints the path."""
        out_file = tmp_path / "demo.html"
        code, out, _ = run(["demo", "--report", str(out_file), "--lang", "en"], capsys)
        assert code == 0
        assert f"PWS dashboard 2025-10: {out_file}" in " ".join(out.split())  # may wrap
        assert "Desa Gunungsari" in out_file.read_text("utf-8")

    def test_demo_default_path_is_in_the_temporary_folder(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without --report the file goes to ilp-demo/ in the temporary folder, in Indonesian."""
        import tempfile

        monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
        code, out, _ = run(["demo", "--lang", "id"], capsys)
        assert code == 0
        path = tmp_path / "ilp-demo" / "pws-2025-10.html"
        assert f"Dasbor PWS 2025-10: {path}" in " ".join(out.split())  # may wrap
        assert 'lang="id"' in path.read_text("utf-8")

    def test_demo_json_stays_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The JSON form prints only JSON (no dashboard line)."""
        code, out, _ = run(["demo", "--format", "json"], capsys)
        assert code == 0
        json.loads(out)

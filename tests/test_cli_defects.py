"""Regression tests for issue 14's defects and library ergonomics (one class per item)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ilp
from ilp.cli import main
from ilp.errors import ILPError, MissingExtraError, NetworkError
from ilp.network import AreaLevel, FacilityType, load_network, places_for, visit_plan

KEC = Path(ilp.__file__).parent / "data" / "demo" / "kecamatan"
NET = str(KEC / "network.yaml")
FAMILY = str(Path(ilp.__file__).parent / "data" / "demo" / "family.yaml")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def person(tmp_path: Path, body: str) -> str:
    path = tmp_path / "p.yaml"
    path.write_text(body, "utf-8")
    return str(path)


INFANT = """\
person: {id: bayi, sex: P, birth_date: "2025-06-01", residence: RESIDENCE}
history:
  - {code: BCG, date: "2025-06-20"}
"""


class TestNetworkValidateListsEveryProblem:
    def test_each_problem_is_one_error_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Defect 1: four problems give four lines, each naming file and line, no '(and N more'."""
        bad = tmp_path / "net.yaml"
        bad.write_text(
            "format: 1\nid: x\nareas:\n  - {id: kec, name: K, level: kecamatan}\n"
            "facilities:\n"
            "  - {id: a, name: A, type: nowhere, area: kec}\n"
            "  - {id: b, name: B, type: puskesmas, area: missing}\n"
            "  - {id: c, name: C, type: pustu, area: kec, parent: ghost}\n"
            "  - {id: d, name: D, type: posyandu, area: nope}\n",
            "utf-8",
        )
        with pytest.raises(NetworkError) as info:
            load_network(bad)
        expected = info.value.problems
        assert len(expected) >= 4
        code, out, err = run(["network", "validate", str(bad)], capsys)
        assert code == 2
        assert out == ""
        lines = err.strip().splitlines()
        assert lines == [f"error: {p}" for p in expected]
        assert all("net.yaml:" in line for line in lines)
        assert "more problems" not in err


class TestUnknownResidence:
    def test_places_for_names_the_residence(self) -> None:
        """Defect 2: places_for refuses a residence the network does not hold."""
        network = load_network(NET)
        bcg = ilp.national().service("BCG")
        with pytest.raises(NetworkError, match="'nowhere'") as info:
            places_for(network, "nowhere", bcg, "2025-11-01")
        assert info.value.value == "nowhere"
        assert places_for(network, None, bcg, "2025-11-01")  # unknown residence: the Puskesmas

    def test_visit_plan_names_the_residence(self) -> None:
        """Defect 2: visit_plan refuses it too, even when everything is given on the spot."""
        network = load_network(NET)
        pkm = network.of_type(FacilityType.PUSKESMAS)[0]
        who = ilp.Person("x", "P", "1990-01-01", residence="nowhere")
        with pytest.raises(NetworkError, match="'nowhere'"):
            visit_plan(who, "2025-11-03", pkm, network)

    def test_ilp_visit_exits_2_naming_it(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Defect 2: `ilp visit` exits 2 with one line naming the value."""
        path = person(tmp_path, INFANT.replace("RESIDENCE", "nowhere"))
        pkm = load_network(NET).of_type(FacilityType.PUSKESMAS)[0]
        args = ["visit", path, "--network", NET, "--facility", pkm.id, "--on", "2025-11-03"]
        code, out, err = run(args, capsys)
        assert code == 2
        assert out == ""
        assert len(err.strip().splitlines()) == 1
        assert "'nowhere'" in err


class TestVisitSupportUnderItsCluster:
    def test_table_puts_support_where_the_json_does(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Defect 3: each support line follows its own cluster's line, as in the JSON."""
        network = load_network(NET)
        pkm = network.of_type(FacilityType.PUSKESMAS)[0]
        dusun = pkm.area
        body = (
            f'person: {{id: bumil, sex: P, birth_date: "1995-03-01", residence: {dusun},'
            ' pregnancies: [{lmp: "2025-08-01"}], conditions: [hypertension]}\n'
        )
        args = ["visit", person(tmp_path, body), "--network", NET, "--facility", pkm.id]
        args += ["--on", "2025-11-03", "--lang", "en"]
        _, out, _ = run([*args, "--format", "json"], capsys)
        plan = json.loads(out)
        with_support = [c for c in plan["clusters"] if c["support"]]
        assert with_support, "the test needs a cluster with support"
        assert len(plan["clusters"]) > 1
        code, out, _ = run(args, capsys)
        assert code == 0
        lines: list[str] = []
        for line in out.splitlines():  # a wrapped line continues with 6 spaces
            if line.startswith("      ") and lines:
                lines[-1] += " " + line.strip()
            else:
                lines.append(line)
        cluster_lines = [i for i, line in enumerate(lines) if line[:1].isdigit() and i > 1]
        for c in plan["clusters"]:
            label = ilp.Cluster(c["cluster"]).label["en"]
            at = next(i for i in cluster_lines if f". {label}:" in lines[i])
            follows = lines[at + 1] if at + 1 < len(lines) else ""
            assert follows.startswith("   support: ") == bool(c["support"]), (label, follows)


class TestMissingExtra:
    def test_plot_without_matplotlib_names_the_extra(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Defect 8: an ImportError (and ILPError) naming `pip install 'ilp[plot]'`."""
        import ilp.plot
        from ilp.population import Population

        monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        pop = Population.from_people([ilp.Person("a", "L", "2000-01-01")])[0]
        with pytest.raises(ImportError, match=r"pip install 'ilp\[plot\]'") as info:
            ilp.plot.population_pyramid(pop, on="2025-01-01")
        assert isinstance(info.value, MissingExtraError)
        assert isinstance(info.value, ILPError)
        assert info.value.value == "plot"

    def test_require_returns_the_module(self) -> None:
        """An installed package is returned as imported."""
        from ilp._extras import require

        assert require("json", "none", feature="x") is json


class TestCompletedServicesInJson:
    ARGS = ("--on", "2025-11-01", "--format", "json")

    def test_json_follows_all(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Defect 10: completed services in the JSON only with --all, as the table."""
        path = person(tmp_path, INFANT.replace("RESIDENCE", "null"))
        _, out, _ = run(["due", path, *self.ARGS], capsys)
        plain = {i["status"] for i in json.loads(out)["items"]}
        _, out, _ = run(["due", path, *self.ARGS, "--all"], capsys)
        every = json.loads(out)["items"]
        assert "completed" not in plain
        assert [i["code"] for i in every if i["status"] == "completed"] == ["BCG"]
        assert len(every) == len(json.loads(run(["due", path, *self.ARGS], capsys)[1])["items"]) + 1


class TestDueReadsFamilyFiles:
    def test_table(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Defect 11: `ilp due family.yaml` lists each member instead of failing on as_of."""
        code, out, err = run(["due", FAMILY, "--on", "2025-11-01"], capsys)
        assert (code, err) == (0, "")
        ff = ilp.read_family_file(FAMILY)
        for m in ff.family.members:
            assert (m.person.name or m.person.id) in out

    def test_json_has_every_member_with_its_list(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The JSON holds the family's card number and each member's items as `ilp due` gives them."""
        code, out, _ = run(["due", FAMILY, "--on", "2025-11-01", "--format", "json"], capsys)
        assert code == 0
        data = json.loads(out)
        ff = ilp.read_family_file(FAMILY)
        assert data["family"] == ff.family.kk_number
        assert "pispk" not in data
        first = ff.family.members[0].person
        expected = ilp.due(first, "2025-11-01", history=ff.histories[first.id], region=ff.region)
        open_items = [i for i in expected.as_dict()["items"] if i["status"] != "completed"]
        assert data["members"][0]["due"] == open_items


class TestHelpAndModule:
    def test_help_names_every_command_without_rst(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Defect 6: `ilp --help` has no RST backticks and names all commands."""
        code, out, _ = run(["--help"], capsys)
        assert code == 0
        assert "``" not in out
        listed = {line.split()[0] for line in out.splitlines() if line.startswith("    ")}
        commands = {"due", "catalogue", "demo", "targets", "home-visits", "visit", "network"}
        assert commands | {"simulate"} <= listed

    def test_python_m_ilp(self) -> None:
        """`python -m ilp` runs the command."""
        result = subprocess.run(
            [sys.executable, "-m", "ilp", "--version"], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0
        assert result.stdout.strip() == f"ilp {ilp.__version__}"


class TestCatalogueExport:
    def test_export_loads_back_as_the_same_catalogue(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`ilp catalogue export --out` writes a file that loads as the national catalogue."""
        target = tmp_path / "regional.yaml"
        code, out, _ = run(["catalogue", "export", "--out", str(target)], capsys)
        assert code == 0
        assert str(target) in out
        loaded = ilp.load_catalogue(target)
        national = ilp.national()
        assert loaded.entries == national.entries
        code, out, _ = run(["catalogue", "export"], capsys)
        assert out == target.read_text("utf-8")


class TestReprs:
    def test_short_reprs(self) -> None:
        """VisitPlan, Place and Facility print in one short line naming what they are."""
        network = load_network(NET)
        pkm = network.of_type(FacilityType.PUSKESMAS)[0]
        plan = visit_plan(ilp.Person("x", "P", "2025-06-01"), "2025-11-03", pkm, network)
        place = places_for(network, None, ilp.national().service("BCG"), "2025-11-01")[0]
        for obj, must in ((plan, "x"), (place, place.rank), (pkm, pkm.id)):
            text = repr(obj)
            assert len(text) <= 120, text
            assert "\n" not in text
            assert str(must) in text


class TestBatchDates:
    def test_dates_of_are_datetime64_with_nat(self) -> None:
        """BatchResult.dates_of gives dates equal to items_of, NaT where a person is not listed."""
        from ilp.population import Population, due_batch

        people = [ilp.Person("a", "P", "2025-01-10"), ilp.Person("b", "L", "1950-05-05")]
        pop, hist = Population.from_people(people)
        result = due_batch(pop, hist, "2025-04-14")
        slot = result.codes.index("RV-1")
        dates = result.dates_of(slot, "recommended")
        assert dates.dtype == np.dtype("datetime64[D]")
        item = next(i for i in result.items_of(0) if i[0] == "RV-1")
        assert dates[0] == np.datetime64(item[4].isoformat())
        assert np.isnat(dates[1])
        given = result.dates_of(slot, "given")
        assert np.isnat(given).all()  # nobody was given RV-1: None is NaT, not 2147483647
        own = result.slots[slot].dates("recommended")
        assert own.tolist() == dates[result.slots[slot].rows].tolist()

    def test_unknown_field_is_an_error(self) -> None:
        """A field that is not a date column names itself."""
        from ilp.population import Population, due_batch

        pop, hist = Population.from_people([ilp.Person("a", "P", "2025-01-10")])
        result = due_batch(pop, hist, "2025-04-14")
        with pytest.raises(ILPError, match="'status'"):
            result.dates_of(0, "status")

    def test_days_as_datetime64(self) -> None:
        """Day numbers become dates; the no-date marker becomes NaT."""
        from ilp.dates import days_as_datetime64, to_day

        out = days_as_datetime64([to_day(ilp.dates.as_date("2025-11-01")), 2**31 - 1])
        assert str(out[0]) == "2025-11-01"
        assert np.isnat(out[1])


class TestSimResultMonths:
    def test_to_frame_months_are_dates(self) -> None:
        """SimResult.to_frame gives the month column as datetime64, not strings."""
        pd = pytest.importorskip("pandas")
        from ilp.population import Population, simulate

        network = load_network(NET)
        dusun = next(a.id for a in network.areas if a.level is AreaLevel.DUSUN)
        people = [ilp.Person(f"p{i}", "P", "1990-01-01", residence=dusun) for i in range(3)]
        pop, hist = Population.from_people(people)
        result = simulate(pop, hist, network, "2025-01-01", 2, seed=1)
        for table in ("demand", "people"):
            frame = result.to_frame(table)
            assert pd.api.types.is_datetime64_any_dtype(frame["month"]), table
        assert frame["month"].iloc[0] == pd.Timestamp("2025-01-01")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class TestSimulateProgress:
    ARGS = (
        "simulate",
        "--network",
        NET,
        "--synthetic",
        "400",
        "--start",
        "2025-01-01",
        "--months",
        "3",
        "--seed",
        "1",
    )

    def test_silent_when_stderr_is_not_a_terminal(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Defect 12: a log file gets no progress frames at all."""
        code, out, err = run([*self.ARGS, "--out", str(tmp_path / "r.npz")], capsys)
        assert code == 0
        assert "wrote" in out
        assert err == ""

    def test_a_terminal_gets_a_tqdm_bar(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """On a terminal the bar (tqdm) counts months to the end."""
        pytest.importorskip("tqdm")
        term = _Terminal()
        monkeypatch.setattr(sys, "stderr", term)
        code, _, _ = run([*self.ARGS, "--out", str(tmp_path / "r.npz")], capsys)
        assert code == 0
        assert "simulate" in term.getvalue()
        assert "3/3" in term.getvalue()

    def test_a_terminal_without_tqdm_is_told_the_extra(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without tqdm a terminal gets one line naming `ilp[progress]`, and the run goes on."""
        term = _Terminal()
        monkeypatch.setattr(sys, "stderr", term)
        monkeypatch.setitem(sys.modules, "tqdm", None)
        code, out, _ = run([*self.ARGS, "--out", str(tmp_path / "r.npz")], capsys)
        assert code == 0
        assert "wrote" in out
        assert "pip install 'ilp[progress]'" in term.getvalue()
        assert len(term.getvalue().splitlines()) == 1

    def test_workers_report_every_month(self) -> None:
        """Defect 12: with a process pool, progress advances month by month, not per task."""
        from concurrent.futures import ProcessPoolExecutor

        from ilp.population import simulate, synthesize

        network = load_network(NET)
        drawn = synthesize(seed=3, on="2025-01-01", network=network, size=300)
        seen: list[tuple[int, int]] = []
        with ProcessPoolExecutor(2) as pool:
            simulate(
                drawn.population,
                drawn.history,
                network,
                "2025-01-01",
                3,
                seed=1,
                executor=pool,
                progress=lambda d, t: seen.append((d, t)),
            )
        total = seen[-1][1]
        assert total >= 3
        assert [d for d, _ in seen] == list(range(1, total + 1))

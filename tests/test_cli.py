"""The ilp command: output shapes, and every bad input as exit 2 with one 'error:' line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import ilp
from ilp.cli import main

PERSON = """\
person:
  id: c-001
  sex: female
  birth_date: 2024-01-15
history:
  - {code: BCG, date: 2024-02-15}
"""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exc:  # argparse usage errors and --version
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def person_file(tmp_path: Path) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(PERSON, "utf-8")
    return path


class TestDue:
    def test_json_has_the_contract_keys(
        self, person_file: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--format json --all prints person, on and items (completed too) with the documented keys."""
        code, out, _ = run(
            ["due", str(person_file), "--on", "2024-03-20", "--format", "json", "--all"], capsys
        )
        assert code == 0
        data = json.loads(out)
        assert data["person"] == "c-001"
        assert data["on"] == "2024-03-20"
        keys = {
            "code",
            "status",
            "earliest",
            "recommended",
            "overdue",
            "latest",
            "cluster",
            "points_of_care",
            "reason",
            "source",
        }
        assert data["items"]
        for item in data["items"]:
            assert keys <= set(item)
            assert set(item["reason"]) == {"id", "en"}
        codes = {i["code"]: i["status"] for i in data["items"]}
        assert codes["BCG"] == "completed"
        assert codes["DPT-HB-HIB-1"] == "due"

    def test_table_lists_due_items(
        self, person_file: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The table names the person and lists due items by name with their status."""
        code, out, _ = run(["due", str(person_file), "--on", "2024-03-20"], capsys)
        assert code == 0
        assert "c-001" in out
        assert "Pentavalent 1" in out
        assert "DPT-HB-HIB-1" not in out  # codes are for the JSON
        assert "due" in out


BAD_PEOPLE = {
    "bad_yaml": ("person: {id: [\n", "invalid YAML"),
    "impossible_date": ("person: {id: a, sex: F, birth_date: '2024-02-30'}\n", "2024-02-30"),
    "impossible_unquoted_date": ("person: {id: a, sex: F, birth_date: 2024-02-30}\n", "2024-02-30"),
    "record_value_not_a_number": (
        "person: {id: a, sex: F, birth_date: 2024-01-15}\nhistory: [{code: BCG, date: 2024-02-01, value: heavy}]\n",
        "'heavy'",
    ),
    "record_before_birth": (
        "person: {id: a, sex: F, birth_date: 2024-01-15}\nhistory: [{code: BCG, date: 2023-12-01}]\n",
        "before the date of birth",
    ),
    "unknown_code": (
        "person: {id: a, sex: F, birth_date: 2024-01-15}\nhistory: [{code: NOPE, date: 2024-02-01}]\n",
        "NOPE",
    ),
    "pregnant_male": (
        "person: {id: a, sex: M, birth_date: 1990-01-15, pregnancies: [{lmp: 2024-01-01}]}\n",
        "cannot be pregnant",
    ),
    "missing_field": ("person: {id: a, sex: F}\n", "birth_date"),
    "python_tag": ("person: !!python/object/apply:os.system ['echo hi']\n", "tag"),
    "unknown_key": ("person: {id: a, sex: F, birth_date: 2024-01-15, colour: red}\n", "colour"),
    "bad_sex": ("person: {id: a, sex: X, birth_date: 2024-01-15}\n", "'X'"),
    "not_a_mapping": ("- 1\n- 2\n", "mapping"),
}


class TestBadInput:
    @pytest.mark.parametrize("case", sorted(BAD_PEOPLE))
    def test_bad_person_file_exits_2_with_one_line(
        self, case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Each bad person file gives exit status 2 and one 'error:' line naming the problem."""
        text, expected = BAD_PEOPLE[case]
        path = tmp_path / "bad.yaml"
        path.write_text(text, "utf-8")
        code, out, err = run(["due", str(path), "--on", "2024-06-01"], capsys)
        assert code == 2
        assert out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("error: ")
        assert expected in lines[0]

    def test_birth_after_the_asked_date(
        self, person_file: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Asking about a date before birth is an error naming both dates."""
        code, _, err = run(["due", str(person_file), "--on", "2023-12-31"], capsys)
        assert code == 2
        assert "2023-12-31" in err
        assert "2024-01-15" in err

    def test_bad_on_date(self, person_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An --on date that does not exist is refused."""
        code, _, err = run(["due", str(person_file), "--on", "2024-13-01"], capsys)
        assert code == 2
        assert "2024-13-01" in err

    def test_missing_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing file is named."""
        code, _, err = run(["due", str(tmp_path / "none.yaml"), "--on", "2024-01-01"], capsys)
        assert code == 2
        assert "none.yaml" in err

    def test_usage_error_is_one_line(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing --on is a usage error: exit 2, one line."""
        code, _, err = run(["due", "x.yaml"], capsys)
        assert code == 2
        assert len(err.strip().splitlines()) == 1
        assert err.startswith("error: ")

    def test_json_input_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Broken JSON names the line."""
        path = tmp_path / "p.json"
        path.write_text('{"person": {"id": "a",\n}', "utf-8")
        code, _, err = run(["due", str(path), "--on", "2024-01-01"], capsys)
        assert code == 2
        assert "invalid JSON" in err


class TestCatalogueCommands:
    def test_list_names_every_code(self, capsys: pytest.CaptureFixture[str]) -> None:
        """catalogue list shows the codes of the national catalogue."""
        code, out, _ = run(["catalogue", "list", "--format", "json"], capsys)
        assert code == 0
        codes = {r["code"] for r in json.loads(out)}
        assert {"BCG", "HB0", "ANC-K1", "CKG"} <= codes

    def test_show_prints_the_rule(self, capsys: pytest.CaptureFixture[str]) -> None:
        """catalogue show prints the entry with its rule and source."""
        code, out, _ = run(["catalogue", "show", "BCG"], capsys)
        assert code == 0
        assert "kind:" in out
        assert "source:" in out

    def test_show_unknown_code(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown code is exit 2 naming it."""
        code, _, err = run(["catalogue", "show", "NOPE"], capsys)
        assert code == 2
        assert "NOPE" in err

    def test_validate_good_and_bad(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """validate says ok for a good file and lists problems for a bad one."""
        from ilp.lifecycle import dump_catalogue, national

        good = tmp_path / "good.yaml"
        good.write_text(dump_catalogue(national()), "utf-8")
        code, out, _ = run(["catalogue", "validate", str(good)], capsys)
        assert code == 0
        assert out.startswith("ok: ")
        bad = tmp_path / "bad.yaml"
        bad.write_text("format: 1\nid: x\n", "utf-8")
        code, _, err = run(["catalogue", "validate", str(bad)], capsys)
        assert code == 2
        assert "bad.yaml" in err
        assert "title" in err


class TestFamilyDemo:
    def test_demo_runs_and_shows_the_family(self, capsys: pytest.CaptureFixture[str]) -> None:
        """ilp demo --family prints every member with stages and the PIS-PK result."""
        code, out, _ = run(["demo", "--family"], capsys)
        assert code == 0
        assert "Budi Santoso" in out
        assert "IKS" in out

    def test_demo_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """ilp demo --family --format json is one JSON object with members and PIS-PK."""
        code, out, _ = run(["demo", "--family", "--format", "json", "--on", "2025-11-01"], capsys)
        assert code == 0
        data = json.loads(out)
        assert data["on"] == "2025-11-01"
        assert len(data["members"]) == 5
        assert "pispk" in data


def test_module_runs_as_a_command() -> None:
    """python -m ilp.cli --version works as the installed command does."""
    result = subprocess.run(
        [sys.executable, "-m", "ilp.cli", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("ilp ")


KEC = str(Path(ilp.__file__).parent / "data" / "demo" / "kecamatan")


class TestKecamatanDemo:
    def test_demo_shows_posyandu_counts_a_list_home_visits_and_gaps(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """ilp demo prints per-Posyandu counts, one target list, a kader list and the gaps."""
        code, out, _ = run(["demo"], capsys)
        assert code == 0
        assert "Posyandu" in out
        assert "Kunjungan rumah kader" in out  # Indonesian by default
        assert "tidak dilayani Pustu" in out  # the gap of a desa without a Pustu
        assert "logistik:" in out

    def test_demo_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """ilp demo --format json has the counts, a target list, home visits and gaps."""
        code, out, _ = run(["demo", "--format", "json"], capsys)
        assert code == 0
        data = json.loads(out)
        assert data["people"] == 1100
        assert {"posyandu", "target_list", "home_visits", "gaps"} <= set(data)
        assert all(p["people"] >= 0 for p in data["posyandu"])


class TestNetworkCommands:
    ARGS = ("--network", f"{KEC}/network.yaml", "--register", KEC, "--on", "2025-11-01")

    def test_targets_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """ilp targets prints a site's list for its next opening day."""
        code, out, _ = run(
            ["targets", *self.ARGS, "--site", "psy-teratai", "--format", "json"], capsys
        )
        assert code == 0
        data = json.loads(out)
        assert data["site"] == "psy-teratai"
        assert data["people"] == len(data["targets"])

    def test_weekly_table(self, capsys: pytest.CaptureFixture[str]) -> None:
        """ilp targets --week gives a Pustu's 7 days."""
        from ilp.network import FacilityType, load_network

        pustu = load_network(f"{KEC}/network.yaml").of_type(FacilityType.PUSTU)[0]
        code, out, _ = run(["targets", *self.ARGS, "--site", pustu.id, "--week"], capsys)
        assert code == 0
        assert "2025-11-01..2025-11-07" in out

    def test_home_visits(self, capsys: pytest.CaptureFixture[str]) -> None:
        """ilp home-visits lists households of a dusun."""
        from ilp.network import AreaLevel, load_network

        dusun = next(
            a for a in load_network(f"{KEC}/network.yaml").areas if a.level is AreaLevel.DUSUN
        )
        code, out, _ = run(["home-visits", *self.ARGS, "--area", dusun.id], capsys)
        assert code == 0
        assert "rumah tangga" in out  # Indonesian by default
        code, out, _ = run(["home-visits", *self.ARGS, "--area", dusun.id, "--lang", "en"], capsys)
        assert "households" in out

    def test_visit_plan(self, person_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """ilp visit plans a person's path through a facility."""
        from ilp.network import FacilityType, load_network

        pkm = load_network(f"{KEC}/network.yaml").of_type(FacilityType.PUSKESMAS)[0]
        args = ["visit", str(person_file), "--network", f"{KEC}/network.yaml", "--facility", pkm.id]
        code, out, _ = run([*args, "--on", "2024-03-20", "--format", "json"], capsys)
        assert code == 0
        assert json.loads(out)["facility"] == pkm.id

    def test_network_validate_and_gaps(self, capsys: pytest.CaptureFixture[str]) -> None:
        """ilp network validate says ok; gaps lists what is missing."""
        code, out, _ = run(["network", "validate", f"{KEC}/network.yaml"], capsys)
        assert code == 0
        assert out.startswith("ok: ")
        code, out, _ = run(["network", "gaps", f"{KEC}/network.yaml", "--format", "json"], capsys)
        assert code == 0
        assert any(g["kind"] == "pustu_understaffed" for g in json.loads(out))

    @pytest.mark.parametrize(
        ("extra", "expected"),
        [
            (["--site", "nope"], "nope"),
        ],
    )
    def test_unknown_site_is_one_error_line(
        self, extra: list[str], expected: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An unknown site exits 2 with one line naming it."""
        code, _, err = run(["targets", *self.ARGS, *extra], capsys)
        assert code == 2
        assert len(err.strip().splitlines()) == 1
        assert expected in err

    def test_bad_network_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A broken network file exits 2 naming the file."""
        bad = tmp_path / "net.yaml"
        bad.write_text("format: 1\nid: x\nareas: []\nfacilities: [{id: a}]\n", "utf-8")
        code, _, err = run(["network", "validate", str(bad)], capsys)
        assert code == 2
        assert "net.yaml" in err

    def test_bad_register(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A register folder without its CSV files exits 2 naming the missing file."""
        code, _, err = run(
            [
                "targets",
                "--network",
                f"{KEC}/network.yaml",
                "--register",
                str(tmp_path),
                "--on",
                "2025-11-01",
                "--site",
                "psy-teratai",
            ],
            capsys,
        )
        assert code == 2
        assert "households.csv" in err

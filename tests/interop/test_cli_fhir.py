"""ilp due --fhir and ilp fhir import|export: shapes, round trips, and clean exit 2."""

from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path

import pytest

import ilp
from ilp import cli
from ilp.cli import main
from ilp.errors import InvalidArgumentError
from ilp.interop import export_bundle


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def child_bundle(tmp_path: Path, *, two: bool = False) -> Path:
    people = [ilp.Person("ayu", "P", "2025-01-10")]
    hist = {"ayu": (ilp.ServiceRecord("HB0", "2025-01-10", place="pkm"),)}
    if two:
        people.append(ilp.Person("budi", "L", "2024-11-02"))
        hist["budi"] = (ilp.ServiceRecord("BCG", "2024-12-01"),)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(export_bundle(people, hist)), encoding="utf-8")
    return path


class TestDueFhir:
    def test_one_patient_prints_todays_due_json_shape(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """One patient: the same JSON object `ilp due FILE --format json` prints."""
        code, out, _ = run(
            [
                "due",
                "--fhir",
                str(child_bundle(tmp_path)),
                "--on",
                "2025-04-14",
                "--format",
                "json",
            ],
            capsys,
        )
        assert code == 0
        data = json.loads(out)
        want = (
            ilp.due(
                ilp.Person("ayu", "P", "2025-01-10"),
                "2025-04-14",
                history=[ilp.ServiceRecord("HB0", "2025-01-10", place="pkm")],
            )
            .filter(status=("upcoming", "due", "overdue", "missed"))
            .as_dict()
        )
        assert data == want

    def test_several_patients_print_a_list_and_write_recommendations(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Two patients: a JSON list; --out writes a Bundle of recommendations and care plans."""
        out_path = tmp_path / "recs.json"
        code, out, _ = run(
            [
                "due",
                "--fhir",
                str(child_bundle(tmp_path, two=True)),
                "--on",
                "2025-04-14",
                "--format",
                "json",
                "--out",
                str(out_path),
            ],
            capsys,
        )
        assert code == 0
        assert [d["person"] for d in json.loads(out)] == ["ayu", "budi"]
        types = {e["resource"]["resourceType"] for e in json.loads(out_path.read_text())["entry"]}
        assert types == {"ImmunizationRecommendation", "CarePlan"}

    def test_table_output_names_each_patient(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The table form has a heading per patient."""
        code, out, _ = run(
            ["due", "--fhir", str(child_bundle(tmp_path, two=True)), "--on", "2025-04-14"], capsys
        )
        assert code == 0
        assert "ayu  on 2025-04-14" in out
        assert "budi  on 2025-04-14" in out

    def test_a_file_and_fhir_together_are_refused(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Either a person file or --fhir, not both, not neither."""
        bundle = str(child_bundle(tmp_path))
        code, _, err = run(["due", "x.yaml", "--fhir", bundle, "--on", "2025-04-14"], capsys)
        assert code == 2
        assert err.startswith("error:")
        code, _, err = run(["due", "--on", "2025-04-14"], capsys)
        assert code == 2
        assert err.startswith("error:")

    @pytest.mark.parametrize(
        ("args", "named"),
        [
            (["due", "--on", "2025-04-14"], "one of them"),
            (["due", "x.yaml", "--out", "b.json", "--on", "2025-04-14"], "--out is for --fhir"),
        ],
    )
    def test_usage_errors_are_invalid_arguments(
        self, args: list[str], named: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A wrong combination of options is an InvalidArgumentError (a ValueError): exit 2."""
        with pytest.raises(InvalidArgumentError, match=named) as caught:
            cli._cmd_due(cli._parser().parse_args(args), io.StringIO())
        assert isinstance(caught.value, ValueError)
        code, _, err = run(args, capsys)
        assert code == 2
        assert named in err

    @pytest.mark.parametrize(
        ("content", "named"),
        [
            ("not json at all", "Bundle: resourceType"),  # not FHIR
            ('{"resourceType": "Patient"}', "Patient: resourceType"),
            (
                (
                    '{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": '
                    '{"resourceType": "Immunization", "id": "i", "status": "completed", '
                    '"patient": {"reference": "Patient/none"}}}]}'
                ),
                "Immunization/i: patient.reference",
            ),
            (
                (
                    '{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": '
                    '{"resourceType": "Patient", "id": "p", "gender": "male", '
                    '"birthDate": "2024-02-31"}}]}'
                ),
                "Patient/p: birthDate",
            ),
        ],
    )
    def test_malformed_bundles_exit_2_with_one_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, named: str
    ) -> None:
        """Not FHIR, wrong type, a reference to nothing, a bad date: exit 2, one error line."""
        path = tmp_path / "bad.json"
        path.write_text(content, encoding="utf-8")
        code, out, err = run(["due", "--fhir", str(path), "--on", "2025-04-14"], capsys)
        assert code == 2
        assert out == ""
        assert err.count("\n") == 1
        assert err.startswith(f"error: {named}: ")


class TestImportExport:
    def test_register_to_bundle_to_register_keeps_people_and_records(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """export then import of the sample kecamatan gives a register that reads back equal."""
        ref = resources.files("ilp").joinpath("data/demo/kecamatan")
        with resources.as_file(ref) as folder:
            original = ilp.read_register(folder)
            bundle = tmp_path / "b.json"
            code, out, _ = run(
                ["fhir", "export", str(folder), "--out", str(bundle), "--organization", "100"],
                capsys,
            )
        assert code == 0
        assert out.startswith(f"ok: {bundle}: ")
        target = tmp_path / "reg"
        code, out, _ = run(["fhir", "import", str(bundle), "--out", str(target)], capsys)
        assert code == 0
        assert "Patient: 1100 read, 1100 used" in out
        again = ilp.read_register(target)
        assert [p.id for p in again.people] == [p.id for p in original.people]
        for p, q in zip(original.people, again.people, strict=True):
            assert (p.nik, p.conditions, p.pregnancies) == (q.nik, q.conditions, q.pregnancies)
            assert sorted(original.history(p.id), key=lambda r: (r.date, r.code)) == list(
                again.history(q.id)
            )

    def test_import_of_a_malformed_bundle_exits_2(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """ilp fhir import of a non-Bundle: exit 2, one line, nothing written."""
        path = tmp_path / "bad.json"
        path.write_text('{"resourceType": "Patient"}', encoding="utf-8")
        code, _, err = run(["fhir", "import", str(path), "--out", str(tmp_path / "r")], capsys)
        assert code == 2
        assert err == "error: Patient: resourceType: 'Patient' is not 'Bundle'\n"
        assert not (tmp_path / "r").exists()

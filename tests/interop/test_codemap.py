"""The code map: shipped rows are sourced, cover every vaccine, and user maps merge over them."""

from __future__ import annotations

from pathlib import Path

import pytest

import ilp
from ilp.interop import Resource, default_codemap, load_codemap
from ilp.interop._codemap import CVX, KFA, LOINC

#: The vaccines of the national schedule (docs/codes.md, immunization sections).
VACCINES = [
    "HB0",
    "BCG",
    "OPV-1",
    "OPV-2",
    "OPV-3",
    "OPV-4",
    "DPT-HB-HIB-1",
    "DPT-HB-HIB-2",
    "DPT-HB-HIB-3",
    "DPT-HB-HIB-4",
    "PCV-1",
    "PCV-2",
    "PCV-3",
    "RV-1",
    "RV-2",
    "RV-3",
    "IPV-1",
    "IPV-2",
    "MR-1",
    "MR-2",
    "JE",
    "BIAS-MR",
    "BIAS-DT",
    "BIAS-TD-2",
    "BIAS-TD-5",
    "HPV-1",
    "HPV-2",
    "TD-WUS",
]


class TestShippedMap:
    def test_every_vaccine_of_the_schedule_has_a_cvx_code(self) -> None:
        """Each national vaccine is an Immunization row with a CVX code."""
        cmap = default_codemap()
        for code in VACCINES:
            row = cmap.services[code]
            assert row.resource is Resource.IMMUNIZATION, code
            assert row.cvx is not None, code
            assert row.cvx.isdigit(), code

    def test_every_row_names_its_source(self) -> None:
        """No row without a source; an unknown code says where it was searched for."""
        cmap = default_codemap()
        for row in cmap.services.values():
            assert row.source.strip(), row.code
            if row.resource is Resource.IMMUNIZATION and not (row.kfa and row.groups):
                assert row.searched, row.code
        for crow in cmap.conditions.values():
            assert crow.source.strip()
            if not crow.icd10:
                assert crow.searched

    def test_every_mapped_code_is_in_the_national_catalogue(self) -> None:
        """The map speaks only of services the catalogue defines."""
        known = {s.code for e in ilp.national().entries for s in e.services}
        assert set(default_codemap().services) <= known

    def test_bcg_carries_the_kfa_product_of_the_domain_notes(self) -> None:
        """BCG is KFA 93005208 (structure.md §8) and CVX 19."""
        row = default_codemap().services["BCG"]
        assert row.kfa == ("93005208",)
        assert row.cvx == "19"

    def test_dose_comes_from_the_row_and_reverse_lookup_finds_it(self) -> None:
        """OPV-3 is dose 3 of OPV; its CVX finds all four OPV rows."""
        cmap = default_codemap()
        assert cmap.services["OPV-3"].dose == 3
        found = {r.code for r in cmap.candidates([(CVX, "178")])}
        assert found == {"OPV-1", "OPV-2", "OPV-3", "OPV-4"}
        assert {r.code for r in cmap.candidates([(KFA, "93005208")])} == {"BCG"}
        assert {r.code for r in cmap.candidates([(LOINC, "29463-7")])} == {"GROWTH"}

    def test_icd10_categories_match_their_children(self) -> None:
        """E11.9 is diabetes, I10 hypertension; I11 is none of ilp's conditions."""
        cmap = default_codemap()
        assert cmap.condition_of("E11.9") is ilp.Condition.DIABETES
        assert cmap.condition_of("i10") is ilp.Condition.HYPERTENSION
        assert cmap.condition_of("B18.1") is ilp.Condition.HEPATITIS_B
        assert cmap.condition_of("I11") is None

    def test_a_service_without_a_row_is_a_procedure(self) -> None:
        """SDIDTK has no external code: it is written as a Procedure in ilp's coding."""
        row = default_codemap().service("SDIDTK")
        assert row.resource is Resource.PROCEDURE
        assert row.cvx is None


class TestUserMaps:
    def test_a_local_row_replaces_the_shipped_one(self, tmp_path: Path) -> None:
        """A Puskesmas map that gives BCG a local product overrides BCG and keeps the rest."""
        path = tmp_path / "local.yaml"
        path.write_text(
            'format: 1\nservices:\n  - {code: BCG, resource: Immunization, kfa: ["93009999"],'
            ' cvx: "19", source: "local stock list"}\n',
            encoding="utf-8",
        )
        cmap = load_codemap(path)
        assert cmap.services["BCG"].kfa == ("93009999",)
        assert cmap.services["OPV-1"].cvx == "178"

    def test_every_problem_is_reported_with_its_line(self, tmp_path: Path) -> None:
        """Two bad rows give two located problems in one CodeMapError."""
        path = tmp_path / "bad.yaml"
        path.write_text(
            "format: 1\nservices:\n"
            "  - {code: BCG, resource: Vaccine, source: x}\n"
            "  - {code: JE, resource: Immunization, cvx: unknown, reason: IM-Nope, source: x}\n",
            encoding="utf-8",
        )
        with pytest.raises(ilp.CodeMapError) as info:
            load_codemap(path)
        problems = "\n".join(info.value.problems)
        assert f"{path}:3: services[0].resource" in problems
        assert f"{path}:4: services[1].reason" in problems
        assert "searched" in problems
        assert info.value.line == 3

    @pytest.mark.parametrize(
        ("text", "where"),
        [
            ("format: 2\n", "format"),
            ("format: 1\nservices: {}\n", "services"),
            (
                "format: 1\nservices:\n  - {code: BCG, resource: Immunization, kfa: [123], cvx: '19', source: x}\n",
                "kfa",
            ),
            ("format: 1\nservices:\n  - {code: X, resource: Observation, source: x}\n", "loinc"),
            (
                "format: 1\nservices:\n  - {code: X, resource: Procedure, dose: 0, source: x}\n",
                "dose",
            ),
            (
                "format: 1\nconditions:\n  - {condition: gout, icd10: [M10], source: x}\n",
                "condition",
            ),
            (
                "format: 1\nconditions:\n  - {condition: obesity, icd10: unknown, source: x}\n",
                "searched",
            ),
            ("format: 1\npregnancy: {lmp: {loinc: 8665, source: x}}\n", "pregnancy.lmp.loinc"),
            (
                "format: 1\nservices:\n  - {code: BCG, resource: Procedure, source: x}\n  - {code: BCG, resource: Procedure, source: x}\n",
                "twice",
            ),
            ("format: 1\nservices: [\n", "invalid YAML"),
        ],
    )
    def test_bad_maps_are_refused(self, tmp_path: Path, text: str, where: str) -> None:
        """Each malformed map raises CodeMapError naming the place."""
        path = tmp_path / "m.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ilp.CodeMapError, match=r"\S") as info:
            load_codemap(path)
        assert where in "\n".join(info.value.problems)

    def test_a_missing_map_file_is_refused(self, tmp_path: Path) -> None:
        """A map path that does not exist is a CodeMapError naming it."""
        with pytest.raises(ilp.CodeMapError, match="no such file"):
            load_codemap(tmp_path / "none.yaml")

    def test_a_map_file_over_the_limit_is_refused_before_reading(self, tmp_path: Path) -> None:
        """A map file over 4 MB is refused by its size, the limit named; a folder is refused."""
        path = tmp_path / "m.yaml"
        with path.open("wb") as fh:  # a sparse file: its size, without writing it
            fh.truncate(5 * 1024 * 1024)
        with pytest.raises(ilp.CodeMapError, match="limit for a code map is 4 MB"):
            load_codemap(path)
        with pytest.raises(ilp.CodeMapError, match="is a directory"):
            load_codemap(tmp_path)

    def test_lmp_code_may_be_overridden(self, tmp_path: Path) -> None:
        """A local map may name another LOINC code for the LMP observation."""
        path = tmp_path / "m.yaml"
        path.write_text(
            "format: 1\npregnancy:\n  lmp: {loinc: '8665-2', source: x}\n  edd: {loinc: '11779-6', source: y}\n",
            encoding="utf-8",
        )
        cmap = load_codemap(path)
        assert (cmap.lmp_loinc, cmap.edd_loinc) == ("8665-2", "11779-6")

"""The JSON Schemas agree with the loaders: valid samples pass both, documented invalid ones fail both."""

from __future__ import annotations

import datetime as _dt
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

import ilp
from ilp.errors import ILPError
from ilp.schemas import KINDS, schema

jsonschema = pytest.importorskip("jsonschema")

DATA = Path(ilp.__file__).parent / "data" / "demo"


def as_editor_sees(value: Any) -> Any:
    """Parsed YAML with dates as ISO strings (editors read YAML's dates as text)."""
    if isinstance(value, dict):
        return {str(k): as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


def schema_ok(kind: str, text: str) -> bool:
    validator = jsonschema.Draft202012Validator(schema(kind))
    return validator.is_valid(as_editor_sees(yaml.safe_load(text)))


def loader_ok(kind: str, text: str, tmp_path: Path) -> bool:
    path = tmp_path / f"{kind}.yaml"
    path.write_text(text, "utf-8")
    load = {
        "person": ilp.read_person_file,
        "family": ilp.read_family_file,
        "network": ilp.load_network,
        "catalogue": ilp.load_catalogue,
    }[kind]
    try:
        load(path)
    except ILPError:
        return False
    return True


PERSON = 'person: {id: a, sex: P, birth_date: "2020-01-01"}\n'
VALID = {
    "person": [
        PERSON,
        PERSON
        + 'history:\n  - {code: BCG, date: "2020-02-01", place: pkm}\nregion: {je_endemic: true}\n',
        (
            'person: {id: b, sex: female, birth_date: "1995-03-01", nik: "3507121204780003",'
            ' pregnancies: [{lmp: "2025-06-01"}], conditions: [hypertension], school_grade: 3,'
            " school_year: 2002}\n"
        ),
    ],
    "family": [(DATA / "family.yaml").read_text("utf-8")],
    "network": [(DATA / "kecamatan" / "network.yaml").read_text("utf-8")],
    "catalogue": [
        resources.files("ilp").joinpath("lifecycle/data/national.yaml").read_text("utf-8")
    ],
}
#: Mistakes the docs name (docs/files.md, network.md, catalogue.md, cli.md), each refused by both.
INVALID = {
    "person": {
        "missing birth_date": "person: {id: a, sex: P}\n",
        "unknown key": 'person: {id: a, sex: P, birth_date: "2020-01-01", school: 5}\n',
        "unknown sex": 'person: {id: a, sex: X, birth_date: "2020-01-01"}\n',
        "unquoted NIK": 'person: {id: a, sex: P, birth_date: "2020-01-01", nik: 3507121204780003}\n',
        "NIK of 15 digits": 'person: {id: a, sex: P, birth_date: "2020-01-01", nik: "350712120478000"}\n',
        "not a date": 'person: {id: a, sex: P, birth_date: "1 Jan 2020"}\n',
        "record without a date": PERSON + "history: [{code: BCG}]\n",
        "lowercase code": PERSON + 'history: [{code: bcg, date: "2020-02-01"}]\n',
        "school_year without grade": 'person: {id: a, sex: P, birth_date: "2010-01-01", school_year: 2020}\n',
        "unknown condition": 'person: {id: a, sex: P, birth_date: "2010-01-01", conditions: [flu]}\n',
        "top-level as_of": PERSON + 'as_of: "2025-01-01"\n',
    },
    "family": {
        "no members": "family: {kk_number: '3507121204780001', members: []}\n",
        "unknown relation": (
            "family: {kk_number: '3507121204780001', members: [{relation: cousin, person:"
            ' {id: a, sex: P, birth_date: "2020-01-01"}}]}\n'
        ),
        "KK of 15 digits": (
            "family: {kk_number: '350712120478000', members: [{relation: head, person:"
            ' {id: a, sex: P, birth_date: "1990-01-01"}}]}\n'
        ),
    },
    "network": {
        "format 2": "format: 2\nid: x\nareas: []\nfacilities: []\n",
        "facility without area": (
            "format: 1\nid: x\nareas: [{id: k, name: K, level: kecamatan}]\n"
            "facilities: [{id: a, name: A, type: puskesmas}]\n"
        ),
        "unknown level": "format: 1\nid: x\nareas: [{id: k, name: K, level: planet}]\nfacilities: []\n",
        "cluster 7": (
            "format: 1\nid: x\nareas: [{id: k, name: K, level: kecamatan}]\n"
            "facilities: [{id: a, name: A, type: puskesmas, area: k, cluster_overrides: {BCG: 7}}]\n"
        ),
    },
    "catalogue": {
        "no services key": 'format: 1\nid: c\ntitle: {id: C, en: C}\nedition: "2025"\n',
        "cluster 7": (
            'format: 1\nid: c\ntitle: {id: C, en: C}\nedition: "2025"\nservices:\n'
            "  - {code: X, label: {id: X, en: X}, group: immunization, cluster: 7,"
            " points_of_care: [posyandu], source: s, rule: {kind: once}}\n"
        ),
        "code and series": (
            'format: 1\nid: c\ntitle: {id: C, en: C}\nedition: "2025"\nservices:\n'
            "  - {code: X, series: Y, label: {id: X, en: X}, group: immunization, cluster: 2,"
            " points_of_care: [posyandu], source: s, rule: {kind: once}}\n"
        ),
        "unknown point of care": (
            'format: 1\nid: c\ntitle: {id: C, en: C}\nedition: "2025"\nservices:\n'
            "  - {code: X, label: {id: X, en: X}, group: immunization, cluster: 2,"
            " points_of_care: [mall], source: s, rule: {kind: once}}\n"
        ),
    },
}


@pytest.mark.parametrize("kind", KINDS)
def test_the_schema_is_a_valid_draft_2020_12_schema(kind: str) -> None:
    """Each shipped schema checks against the metaschema."""
    jsonschema.Draft202012Validator.check_schema(schema(kind))


@pytest.mark.parametrize(
    ("kind", "text"),
    [(k, t) for k, texts in VALID.items() for t in texts],
    ids=[f"{k}-{n}" for k, texts in VALID.items() for n in range(len(texts))],
)
def test_valid_files_pass_both(kind: str, text: str, tmp_path: Path) -> None:
    """The shipped samples and documented examples pass the loader and the schema."""
    assert loader_ok(kind, text, tmp_path)
    assert schema_ok(kind, text)


@pytest.mark.parametrize(
    ("kind", "text"),
    [(k, t) for k, cases in INVALID.items() for t in cases.values()],
    ids=[f"{k}-{name}" for k, cases in INVALID.items() for name in cases],
)
def test_invalid_files_fail_both(kind: str, text: str, tmp_path: Path) -> None:
    """Each documented mistake is refused by the loader and by the schema."""
    assert not loader_ok(kind, text, tmp_path)
    assert not schema_ok(kind, text)


def test_an_unknown_kind_is_an_error() -> None:
    """schema() names the kinds it knows."""
    with pytest.raises(ILPError, match="'patient'"):
        schema("patient")

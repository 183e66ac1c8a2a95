"""The shipped sample kecamatan (``src/ilp/data/demo/kecamatan``) and its generator.

The data are made by ``tools/make_demo.py``; these tests check that they load,
have the intended size and shape, fit the shipped network, keep every record
within the person's life, and that the generator reproduces them byte for byte.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

import pendulum
import pytest

import ilp
from ilp.files import FamilyRegister, load_data, read_register
from ilp.network import AreaLevel, FacilityType, Network, gaps, load_network, targets

GENERATOR = Path(__file__).resolve().parents[1] / "tools" / "make_demo.py"
FILES = (
    "demo.yaml",
    "network.yaml",
    "households.csv",
    "people.csv",
    "pregnancies.csv",
    "records.csv",
)


@pytest.fixture(scope="module")
def folder() -> Path:
    with resources.as_file(resources.files("ilp").joinpath("data/demo/kecamatan")) as path:
        return Path(path)


@pytest.fixture(scope="module")
def manifest(folder: Path) -> dict[str, str]:
    data = load_data(folder / "demo.yaml")
    return {str(k): str(v) for k, v in data.items()}


@pytest.fixture(scope="module")
def register(folder: Path, manifest: dict[str, str]) -> FamilyRegister:
    return read_register(folder / manifest["register"])


@pytest.fixture(scope="module")
def network(folder: Path, manifest: dict[str, str]) -> Network:
    return load_network(folder / manifest["network"])


@pytest.fixture(scope="module")
def as_of(manifest: dict[str, str]) -> pendulum.Date:
    return pendulum.Date.fromisoformat(manifest["as_of"])


def test_manifest_names_the_files(folder: Path, manifest: dict[str, str]) -> None:
    assert manifest == {"as_of": "2025-11-01", "network": "network.yaml", "register": "."}
    assert "tools/make_demo.py" in (folder / "demo.yaml").read_text(encoding="utf-8")


def test_register_has_the_intended_size(register: FamilyRegister) -> None:
    assert 270 <= len(register.families) <= 330
    assert 1000 <= len(register.people) <= 1200
    assert sum(len(h) for h in register.histories.values()) > 5000


def test_files_are_small(folder: Path) -> None:
    sizes = {name: (folder / name).stat().st_size for name in FILES}
    assert sum(sizes.values()) < 1_000_000, sizes


def test_household_sizes_are_realistic(register: FamilyRegister) -> None:
    sizes = [len(f.members) for f in register.families]
    # D §2: 3.14 per family card, about 3.8-3.9 per census household
    assert 3.1 <= sum(sizes) / len(sizes) <= 3.9
    assert max(sizes) <= 10


def test_age_and_sex_follow_the_population_table(
    register: FamilyRegister, as_of: pendulum.Date
) -> None:
    people = register.people
    ages = [as_of.diff(p.birth_date).in_years() for p in people]
    # WPP2024 about 1 Jan 2025 (demography.md §1a): 0-4 7.7 %, 0-14 24.2 %, 65+ 7.6 %
    assert 0.06 <= sum(a < 5 for a in ages) / len(people) <= 0.095
    assert 0.21 <= sum(a < 15 for a in ages) / len(people) <= 0.28
    assert 0.05 <= sum(a >= 65 for a in ages) / len(people) <= 0.10
    females = sum(p.sex is ilp.Sex.FEMALE for p in people)
    assert 0.45 <= females / len(people) <= 0.55


def test_the_sample_has_what_the_demo_shows(register: FamilyRegister, as_of: pendulum.Date) -> None:
    people = register.people
    conditions = Counter(c.value for p in people for c in p.conditions)
    for condition in ("hypertension", "diabetes", "smoker", "tuberculosis"):
        assert conditions[condition] > 0, condition
    assert conditions["severe_mental_disorder"] > 0
    pregnancies = [g for p in people for g in p.pregnancies]
    assert any(g.delivery_date is None and g.lmp <= as_of for g in pregnancies)
    assert any(
        g.delivery_date is not None and 0 <= (as_of - g.delivery_date).days <= 42
        for g in pregnancies
    )
    assert any(p.school is not None for p in people)
    assert all(len(p.nik or "") == 16 for p in people)


def test_residences_are_areas_of_the_network(register: FamilyRegister, network: Network) -> None:
    levels = {AreaLevel.DUSUN, AreaLevel.DESA}  # dusun/RW, desa/kelurahan
    for family in register.families:
        assert family.residence is not None, family.kk_number
        assert network.area(family.residence).level in levels, family.residence
    for person in register.people:
        residence = register.residence_of(person)
        assert residence is not None
        assert network.has_area(residence)


def test_every_record_names_a_facility_of_the_network(
    register: FamilyRegister, network: Network
) -> None:
    ids = {f.id for f in network.facilities}
    places = {r.place for h in register.histories.values() for r in h}
    assert places <= ids, places - ids


def test_the_network_shows_its_gaps(network: Network) -> None:
    kinds = Counter(g.kind for g in gaps(network))
    assert kinds["desa_without_pustu"] == 1
    assert kinds["pustu_understaffed"] == 1
    assert kinds["posyandu_without_kader"] == 1
    assert network.of_type(FacilityType.HOSPITAL)
    assert network.of_type(FacilityType.KLINIK_PRATAMA)
    assert network.of_type(FacilityType.PRAKTIK_BIDAN)


def test_histories_lie_within_life_and_before_as_of(
    register: FamilyRegister, as_of: pendulum.Date
) -> None:
    for person in register.people:
        for record in register.history(person.id):
            assert person.birth_date <= record.date <= as_of, (person.id, record)


def test_every_history_is_accepted_by_the_schedule(
    register: FamilyRegister, as_of: pendulum.Date
) -> None:
    """Every code is in the catalogue and ``ilp.due`` takes every person as of the date."""
    actionable = 0
    for person in register.people:
        items = ilp.due(person, as_of, history=register.history(person.id))
        actionable += sum(item.status.actionable for item in items)
    assert actionable > 0


def test_the_generator_reproduces_the_files(folder: Path, tmp_path: Path) -> None:
    if not GENERATOR.exists():
        pytest.skip("tools/make_demo.py is not in this tree")
    subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True, timeout=300
    )
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def test_the_endemic_desa_lists_show_its_region(
    network: Network, register: FamilyRegister, as_of: pendulum.Date
) -> None:
    """Desa Gunungsari is flagged JE and malaria endemic: only its Posyandu lists carry JE."""
    endemic = {a.id for a in network.within("desa-gunungsari")}
    assert network.region_of("desa-gunungsari-watugede").flags == {"je_endemic", "malaria_endemic"}
    regional = {"JE", "MALARIA-BUMIL"}
    inside: set[str] = set()
    for f in network.of_type(FacilityType.POSYANDU):
        codes = set(targets(network, register, as_of, site=f).counts()) & regional
        if f.area in endemic:
            inside |= codes
            by_hand = targets(network, register, as_of, site=f, region=ilp.Region())
            assert not set(by_hand.counts()) & regional, f.id
        else:
            assert not codes, f.id
    assert "JE" in inside

"""``ilp targets`` and ``ilp home-visits`` read the register into columns: the same lists.

The commands read the register with ``read_register_columns`` and make the
list with ``work_lists``; what they print equals what the per-person
functions give on the register read row by row, for every site and area of
the sample kecamatan.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ilp
from ilp.cli import main
from ilp.files import read_register, read_register_columns
from ilp.network import FacilityType, load_network
from ilp.network._targets import home_visits, targets, weekly_list

KEC = Path(ilp.__file__).parent / "data" / "demo" / "kecamatan"
ON = "2025-11-03"
NETWORK = load_network(KEC / "network.yaml")
REGISTER = read_register(KEC)


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> object:
    assert main([*args, "--network", str(KEC / "network.yaml"), "--register", str(KEC)]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("site", [f.id for f in NETWORK.of_type(FacilityType.POSYANDU)][:4])
def test_a_target_list_is_the_per_person_one(site: str, capsys: pytest.CaptureFixture[str]) -> None:
    """ilp targets --format json prints targets(...).as_dict()."""
    found = _json(["targets", "--site", site, "--on", ON, "--format", "json"], capsys)
    assert found == targets(NETWORK, REGISTER, ON, site=site).as_dict()


def test_a_week_and_home_visits_are_the_per_person_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--week prints weekly_list(...); home-visits prints home_visits(...)."""
    pustu = NETWORK.of_type(FacilityType.PUSTU)[0].id
    found = _json(["targets", "--site", pustu, "--on", ON, "--week", "--format", "json"], capsys)
    assert found == weekly_list(NETWORK, REGISTER, ON, site=pustu).as_dict()
    area = NETWORK.of_type(FacilityType.POSYANDU)[0].area
    found = _json(["home-visits", "--area", area, "--on", ON, "--format", "json"], capsys)
    assert found == [v.as_dict() for v in home_visits(NETWORK, REGISTER, ON, area=area)]


def test_records_of_a_person_in_columns() -> None:
    """ColumnRegister.records_of gives the person's records sorted, () for nobody."""
    columns = read_register_columns(KEC)
    for person in REGISTER.people[:40]:
        expected = sorted(REGISTER.history(person.id), key=lambda r: (r.date, r.code))
        assert list(columns.records_of(person.id)) == expected
    assert columns.records_of("nobody") == ()

"""Helpers for network tests: a tiny valid network file and ways to read variants of it."""

from __future__ import annotations

import pytest

from ilp.errors import NetworkError
from ilp.lifecycle._loader import read_yaml
from ilp.network import Network, parse_network

ORIGIN = "net.yaml"

#: A tiny valid network with no gaps: one Puskesmas, one Pustu, one Posyandu.
NETWORK_YAML = """\
# A tiny network for tests (format: docs/network.md)
format: 1
id: contoh
holidays: ["2025-12-25", "2026-01-01"]
areas:
  - {id: kab, name: Kabupaten Contoh, level: kabupaten}
  - {id: kec, name: Kecamatan Contoh, level: kecamatan, parent: kab, type: perdesaan}
  - {id: desa, name: Desa Contoh, level: desa, parent: kec, code: "3507121001"}
  - {id: dusun, name: Dusun Krajan, level: dusun, parent: desa}
facilities:
  - id: pkm
    name: Puskesmas Contoh
    type: puskesmas
    area: kec
    opening: {weekdays: [mon, tue, wed, thu, fri, sat]}
    staff: [{id: dr, role: dokter, name: dr. Ani}]
    cluster_overrides: {DENTAL-BUMIL: 5}
  - id: pustu
    name: Pustu Contoh
    type: pustu
    area: desa
    parent: pkm
    opening: {weekdays: [Senin, TUESDAY, wed, thu, jumat]}
    staff: [{id: bd, role: bidan}, {id: pr, role: perawat}]
  - id: pos
    name: Posyandu Mawar
    type: posyandu
    area: dusun
    parent: pustu
    opening: {nth_weekday: 2, weekday: tue}
    staff:
      - {id: k1, role: kader, level: madya}
      - {id: k2, role: kader}
      - {id: k3, role: kader}
      - {id: k4, role: kader}
      - {id: k5, role: kader, level: utama}
    services: {add: [BCG], remove: [PTM-SCREEN]}
"""


def parse(text: str) -> Network:
    """The network in YAML *text*, read as file ``net.yaml``."""
    return parse_network(read_yaml(text, origin=ORIGIN, error=NetworkError), origin=ORIGIN)


def fails(text: str) -> NetworkError:
    """The NetworkError that reading YAML *text* raises."""
    with pytest.raises(NetworkError) as info:
        parse(text)
    return info.value


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the only line of *text* containing *needle*."""
    found = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


def edit(old: str, new: str, text: str = NETWORK_YAML) -> str:
    """*text* with its one occurrence of *old* replaced by *new*."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.fixture
def network() -> Network:
    """The tiny valid network, loaded."""
    return parse(NETWORK_YAML)

"""Shared fixtures for the monitoring tests: the sample network and register."""

from __future__ import annotations

import pytest

from ilp._cli_network import demo_kecamatan
from ilp.network import Network
from ilp.people import FamilyRegister
from ilp.pws import Evaluation, evaluate, register_columns


@pytest.fixture(scope="session")
def demo() -> tuple[Network, FamilyRegister]:
    network, register, _ = demo_kecamatan()
    return network, register


@pytest.fixture(scope="session")
def demo_eval(demo: tuple[Network, FamilyRegister]) -> Evaluation:
    network, register = demo
    cols = register_columns(register, network)
    return evaluate(cols.population, cols.history, network, year=2025, weights=cols.weights)

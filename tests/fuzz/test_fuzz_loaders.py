"""Fuzz tests: every file entry point, fed mutated and random input, raises nothing but ILPError.

Each entry point of ``_targets.TARGETS`` (person and family files in YAML and
JSON, register CSV folders, catalogues, networks, saved populations and
simulation results, ``ilp due``) gets structured mutations of a valid file
(values swapped for wrong types, edge dates, NIKs, bombs in small; keys
dropped or added; lists grown) and byte-level edits, plus raw bytes. The
fast profile runs a few examples per entry point in CI; set
``ILP_FUZZ_EXAMPLES`` (for example to 2000) for a long run by hand, and see
``CONTRIBUTING.md`` for the atheris harness beside this file.
"""

from __future__ import annotations

import functools
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ._targets import TARGETS, Workspace, mutant, run_one

#: Examples per entry point and kind of input: small in CI, large by hand.
EXAMPLES = int(os.environ.get("ILP_FUZZ_EXAMPLES", "12"))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@functools.cache
def _workspace() -> Workspace:
    return Workspace()


@functools.cache
def _seed(name: str) -> bytes:
    return TARGETS[name][1](_workspace())


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_the_valid_seed_loads(name: str) -> None:
    """The seed each fuzz target starts from is itself a valid file of its kind."""
    TARGETS[name][0](_workspace(), _seed(name))


@pytest.mark.parametrize("name", sorted(TARGETS))
@FUZZ
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_mutated_files_raise_only_ilp_errors(name: str, seed: int) -> None:
    """A structured or byte-level mutation of a valid file fails, if at all, with an ILPError."""
    data = mutant(_seed(name), TARGETS[name][2], random.Random(seed))
    run_one(name, _workspace(), data)


@pytest.mark.parametrize("name", sorted(TARGETS))
@FUZZ
@given(data=st.binary(max_size=512))
def test_random_bytes_raise_only_ilp_errors(name: str, data: bytes) -> None:
    """Bytes of no format at all fail with an ILPError."""
    run_one(name, _workspace(), data)

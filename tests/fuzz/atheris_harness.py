"""An atheris (libFuzzer) harness for every file entry point of ilp.

Not part of the test suite, and atheris is not a dependency of ilp: install
it in your virtual environment (``pip install atheris``) and run, from the
repository root, one entry point of ``_targets.TARGETS`` at a time::

    python tests/fuzz/atheris_harness.py person_yaml -runs=100000 -max_len=65536

libFuzzer's options follow the target name (``-runs``, ``-max_total_time``,
a corpus folder). Inputs start from the target's valid seed and are changed
by the same structured mutator as the Hypothesis fuzz tests, guided by the
coverage of the ``ilp`` package. Any exception other than an
:class:`ilp.ILPError` stops the run with its traceback and the input saved
as ``crash-*``. See ``CONTRIBUTING.md`` ("Fuzzing").
"""

from __future__ import annotations

import random
import sys

import atheris

with atheris.instrument_imports(include=["ilp"]):
    import _targets

if len(sys.argv) < 2 or sys.argv[1] not in _targets.TARGETS:
    names = ", ".join(sorted(_targets.TARGETS))
    sys.exit(f"usage: atheris_harness.py TARGET [libFuzzer options]; TARGET is one of {names}")
NAME = sys.argv.pop(1)
WORKSPACE = _targets.Workspace()
_, MAKE_SEED, KIND = _targets.TARGETS[NAME]
SEED = MAKE_SEED(WORKSPACE)


def test_one_input(data: bytes) -> None:
    """One input: an ILPError is fine, anything else is a finding."""
    _targets.run_one(NAME, WORKSPACE, data)


def mutate(data: bytes, max_size: int, seed: int) -> bytes:
    """A structured mutation of *data* (or of the seed), cut to *max_size*."""
    rng = random.Random(seed)
    base = data if data and rng.random() < 0.8 else SEED
    try:
        out = _targets.mutant(base, KIND, rng)
    except Exception:
        out = _targets.mutate_bytes(base, rng)
    return out[:max_size]


atheris.Setup(sys.argv, test_one_input, custom_mutator=mutate)
atheris.Fuzz()

"""A plain fuzz campaign: many mutated inputs per target, no coverage guidance, counts at the end.

The atheris harness is the better fuzzer; this driver needs nothing but ilp
and is faster per input, for long counted runs by hand::

    ILP_FUZZ_LIGHT=1 python tests/fuzz/campaign.py 100000 person_yaml network

Each target gets N inputs derived from its seed by ``_targets.mutant`` with
a fixed random seed (so a run can be repeated), and every exception other
than an :class:`ilp.ILPError` is counted and its first traceback printed.
The exit status is 1 when any was found.
"""

from __future__ import annotations

import random
import sys
import time
import traceback

import _targets


def main(argv: list[str]) -> int:
    """Run ``campaign.py N [TARGET ...]``; every target when none is named."""
    count = int(argv[0])
    names = argv[1:] or sorted(_targets.TARGETS)
    workspace = _targets.Workspace()
    found = 0
    for name in names:
        _, make_seed, kind = _targets.TARGETS[name]
        seed = make_seed(workspace)
        rng = random.Random(f"ilp-fuzz-{name}")
        started, failures = time.monotonic(), 0
        for _ in range(count):
            data = _targets.mutant(seed, kind, rng)
            try:
                _targets.run_one(name, workspace, data)
            except Exception:  # every escape is a finding, printed once
                if failures == 0:
                    traceback.print_exc()
                    print(f"input: {data[:300]!r}", file=sys.stderr)
                failures += 1
        took = time.monotonic() - started
        print(f"{name}: {count} inputs in {took:.0f} s, {failures} not ILPError", flush=True)
        found += failures
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Hypothesis profiles for the whole suite: "ci" when the CI variable is set, else "dev".

"ci" is derandomized, so a CI run is reproducible and never fails on a new
random example; it prints the blob to reproduce any failure. "dev" keeps
Hypothesis's defaults (random, with its example database). Pick one by hand
with ``pytest --hypothesis-profile=ci``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=500,
    max_examples=100,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev")
settings.load_profile("ci" if os.environ.get("CI") else "dev")

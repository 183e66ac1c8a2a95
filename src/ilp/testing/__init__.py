"""Hypothesis strategies for ilp's people, pregnancies, families and service histories.

Use them to test code built on ilp::

    from hypothesis import given

    from ilp import stages_of
    from ilp.testing import persons


    @given(persons(on="2025-01-01", max_age="5y"))
    def test_children_up_to_five_are_in_a_stage(person):
        assert stages_of(person, "2025-01-01")

Everything a strategy here produces has passed ilp's own validation. This
module needs Hypothesis, which ``import ilp`` does not.

The strategies live by what they generate (``_dates``, ``_niks``,
``_pregnancies``, ``_persons``, ``_families``, ``_histories``) over shared
building blocks in ``_common``.
"""

from __future__ import annotations

from ilp.testing._dates import dates, durations
from ilp.testing._families import families
from ilp.testing._histories import histories
from ilp.testing._niks import niks
from ilp.testing._persons import persons
from ilp.testing._pregnancies import pregnancies

__all__ = [
    "dates",
    "durations",
    "families",
    "histories",
    "niks",
    "persons",
    "pregnancies",
]

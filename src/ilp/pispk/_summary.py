"""Many families' PIS-PK results summed: counts per indicator, IKS categories, coverage."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from ilp.errors import InvalidAssessmentError
from ilp.pispk._model import INDICATOR_COUNT, Answer, IKSCategory, Indicator, PISPKResult

__all__ = [
    "PISPKSummary",
    "aggregate",
]


def _counts(value: Iterable[int]) -> tuple[int, ...]:
    items = tuple(value)
    if len(items) != INDICATOR_COUNT or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in items
    ):
        msg = f"expected {INDICATOR_COUNT} counts of 0 or more in indicator order, got {items!r}"
        raise InvalidAssessmentError(msg, field="counts", value=items)
    return items


@attrs.frozen
class PISPKSummary:
    """PIS-PK results of many families (a desa, a Puskesmas area): IKS bands and coverage.

    The area's IKS is the share of families that are *sehat*
    (:attr:`share_sehat`); each indicator's coverage is the share of the
    families it applies to that meet it, Y / (Y + T) (:meth:`coverage`).
    """

    #: Families assessed.
    families: int
    #: Families whose IKS is > 0.800.
    sehat: int
    #: Families whose IKS is 0.500–0.800.
    pra_sehat: int
    #: Families whose IKS is < 0.500.
    tidak_sehat: int
    #: Families answering Y, per indicator, in indicator order.
    met: tuple[int, ...] = attrs.field(converter=_counts)
    #: Families answering T, per indicator, in indicator order.
    not_met: tuple[int, ...] = attrs.field(converter=_counts)

    @property
    def with_iks(self) -> int:
        """Families with an IKS (at least one indicator applies)."""
        return self.sehat + self.pra_sehat + self.tidak_sehat

    @property
    def share_sehat(self) -> float | None:
        """Sehat families over families with an IKS; None when there are none."""
        return self.sehat / self.with_iks if self.with_iks else None

    def coverage(self, indicator: Indicator) -> float | None:
        """Y / (Y + T) for *indicator* over the families; None when it applies to none."""
        y = self.met[indicator.number - 1]
        applicable = y + self.not_met[indicator.number - 1]
        return y / applicable if applicable else None

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready data, with each indicator's coverage."""
        return {
            "families": self.families,
            "sehat": self.sehat,
            "pra_sehat": self.pra_sehat,
            "tidak_sehat": self.tidak_sehat,
            "share_sehat": self.share_sehat,
            "coverage": {
                indicator.value: {
                    "met": self.met[indicator.number - 1],
                    "not_met": self.not_met[indicator.number - 1],
                    "coverage": self.coverage(indicator),
                }
                for indicator in Indicator
            },
        }


def _result(item: object) -> PISPKResult:
    if not isinstance(item, PISPKResult):
        msg = f"results: expected PISPKResult items, got {type(item).__name__} {item!r}"
        raise InvalidAssessmentError(msg, field="results", value=item)
    return item


def aggregate(results: Iterable[PISPKResult]) -> PISPKSummary:
    """Sum family results into a :class:`PISPKSummary` for an area.

    Each family counts once: two results with the same ``kk_number`` raise
    :class:`InvalidAssessmentError` (assess each family once per period
    and aggregate per period). An item that is not a :class:`PISPKResult`
    raises the same error.
    """
    bands = dict.fromkeys(IKSCategory, 0)
    met = [0] * INDICATOR_COUNT
    not_met = [0] * INDICATOR_COUNT
    seen: set[str] = set()
    for item in results:
        result = _result(item)
        if result.kk_number in seen:
            msg = f"results: family {result.kk_number} appears twice; each family counts once"
            raise InvalidAssessmentError(msg, field="results", value=result.kk_number)
        seen.add(result.kk_number)
        category = result.category
        if category is not None:
            bands[category] += 1
        for n, answer in enumerate(result.answers):
            if answer is Answer.Y:
                met[n] += 1
            elif answer is Answer.T:
                not_met[n] += 1
    return PISPKSummary(
        families=len(seen),
        sehat=bands[IKSCategory.SEHAT],
        pra_sehat=bands[IKSCategory.PRA_SEHAT],
        tidak_sehat=bands[IKSCategory.TIDAK_SEHAT],
        met=met,
        not_met=not_met,
    )

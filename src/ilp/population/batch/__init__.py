"""The columnar evaluator, split by concept: result, plan, cohorts, one module per rule kind.

- :mod:`~ilp.population.batch.result`: what ``due_batch`` returns
  (:class:`BatchResult`, :class:`SlotItems`, the status codes);
- :mod:`~ilp.population.batch.evaluate`: ``due_batch`` itself;
- :mod:`~ilp.population.batch.run`, :mod:`~ilp.population.batch.cohort`,
  :mod:`~ilp.population.batch.plan`, :mod:`~ilp.population.batch.occurrences`:
  what the rule kinds share (one call's facts, the rows an eligibility
  admits, record queries, recurring windows);
- one module per rule kind (``once.py``, ``series.py``, ...), the columnar
  twin of the module of the same name in :mod:`ilp.lifecycle.rules`: its
  ``evaluate`` and its synthetic-history ``walk``, found through
  :mod:`~ilp.population.batch.kinds`;
- :mod:`~ilp.population.batch.histories`: synthetic histories, entry by entry.

Users import the public names from :mod:`ilp.population`.
"""

from ilp.population.batch.evaluate import due_batch
from ilp.population.batch.result import (
    NOT_LISTED,
    STATUS_CODES,
    BatchItem,
    BatchResult,
    SlotItems,
)

__all__ = ["NOT_LISTED", "STATUS_CODES", "BatchItem", "BatchResult", "SlotItems", "due_batch"]

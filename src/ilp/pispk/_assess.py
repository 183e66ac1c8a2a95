"""Assessing one family on one date: its members' histories, the facts, the 12 answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import pendulum

from ilp._vocabulary import Label
from ilp.dates import DateLike, age_in_months, as_date
from ilp.errors import InvalidFamilyError, InvalidRecordError
from ilp.people import (
    Family,
    ServiceRecord,
    validate_history,
)
from ilp.pispk._indicators import RULES, Facts, first_of_previous_month
from ilp.pispk._model import INDICATOR_COUNT, Answer, PISPKResult

__all__ = [
    "assess_family",
]

_NOBODY_ALIVE: Final = Label(
    "tidak ada anggota keluarga yang hidup pada tanggal ini",
    "no family member is alive on this date",
)


def _histories(
    family: Family, records: Any, day: pendulum.Date
) -> dict[str, tuple[ServiceRecord, ...]]:
    """Each person's validated records dated on or before *day*, by person id."""
    if records is None:
        return {}
    if not isinstance(records, Mapping):
        msg = (
            f"records: expected a mapping of person id to service records, "
            f"got {type(records).__name__}"
        )
        raise InvalidRecordError(msg, field="records", value=records)
    people = {p.id: p for p in family.people}
    found: dict[str, tuple[ServiceRecord, ...]] = {}
    for pid, items in records.items():
        person = people.get(pid) if isinstance(pid, str) else None
        if person is None:
            msg = f"records: person id {pid!r} is not a member of family {family.kk_number}"
            raise InvalidRecordError(msg, field="records", value=pid)
        if isinstance(items, str | bytes | ServiceRecord) or not isinstance(items, Iterable):
            msg = (
                f"records[{pid!r}]: expected an iterable of ServiceRecord, "
                f"got {type(items).__name__}"
            )
            raise InvalidRecordError(msg, field="records", value=items)
        found[pid] = tuple(r for r in validate_history(person, items) if r.date <= day)
    return found


def _family(value: object) -> Family:
    if not isinstance(value, Family):
        msg = f"family: expected a Family, got {type(value).__name__} {value!r}"
        raise InvalidFamilyError(msg, field="family", value=value)
    return value


# Long by its docstring (the rule of each of the 12 indicators); the code is about 20 lines.
def assess_family(
    family: Family,
    on: DateLike,
    *,
    records: Mapping[str, Iterable[ServiceRecord]] | None = None,
) -> PISPKResult:
    """Assess *family* on the 12 PIS-PK indicators on date *on*.

    *records* maps a member's person id to that person's service records
    (any order). Only members alive on *on* count (a member not yet born,
    or dead, is left out), and only records dated on or before *on*. Ages
    are completed months and years (:mod:`ilp.dates`). Where several
    members make an indicator apply, it is Y only when each of them meets
    it. A fact that is not recorded counts as **not met** (T), never as met
    or not applicable, and the reason says "not recorded".

    The rules (structure.md §6 and §2a, sources S11 and S23; decisions
    marked "decision" are this library's where the sources are silent):

    1. **KB**: applies when the head and a spouse (``Relation.SPOUSE``) of
       the other sex are alive and the woman is 15–49 completed years (a
       PUS). Only the head's couple counts: the family card marks no other
       couple. Y/T from ``household.family_planning``.
    2. **Facility delivery**: applies when a living woman has a delivery
       (live birth or unstated outcome; not a stillbirth or miscarriage)
       whose baby would be 0–11 completed months on *on*. Y when
       ``Pregnancy.in_facility`` is True for each such delivery.
    3. **Complete basic immunisation**: applies for a child of 12–23
       completed months. Y when the child's records hold every code in
       :data:`BASIC_IMMUNIZATION`; doses are not checked for age or
       interval.
    4. **Exclusive breastfeeding**: applies for an infant of 7–23 completed
       months. Y/T from ``household.exclusive_breastfeeding``.
    5. **Growth monitoring**: applies for a child of 2–59 completed months.
       Decision: the survey's "weighed last month" reads as a ``GROWTH``
       record from the first day of the previous calendar month through
       *on* (so a child already weighed this month also counts).
    6. **TB treatment**: applies for a member of 15 years or more with
       ``Condition.TUBERCULOSIS``. Decision: Y on a ``TB-TREATMENT`` record
       in the same window as 5 (rather than the last 30 days), so that a
       monthly drug pick-up always counts.
    7. **Hypertension treatment**: a member of 15 years or more with
       ``Condition.HYPERTENSION``; Y on an ``HT-CONTROL`` record in the
       same window.
    8. **Severe mental illness**: a member of any age with
       ``Condition.SEVERE_MENTAL_DISORDER`` (decision: structure.md §6 and
       the family-level survey question set no age, although §2a lists
       ≥15); Y on an ``ODGJ-CARE`` record in the same window.
    9. **No smoking**: always applies. T when any living member carries
       ``Condition.SMOKER`` (whatever the household answer), else Y/T from
       ``household.no_smoker``.
    10. **JKN**, 11. **clean water**, 12. **healthy latrine**: always
        apply; Y/T from ``household.jkn``, ``clean_water``,
        ``healthy_latrine``.

    When no member is alive on *on*, every indicator is N and the IKS is
    None.

    Raises :class:`~ilp.errors.InvalidFamilyError` when *family* is not a
    :class:`~ilp.people.Family`, :class:`~ilp.errors.InvalidDateError` for
    a bad *on*, and :class:`~ilp.errors.InvalidRecordError` for records
    that are not a mapping, name a person id not in the family, are not
    :class:`~ilp.people.ServiceRecord` items, or fall outside the person's
    life.
    """
    family = _family(family)
    day = as_date(on, field="on")
    histories = _histories(family, records, day)
    living = tuple(p for p in family.people if p.is_alive(day))
    if not living:
        n = INDICATOR_COUNT
        return PISPKResult(family.kk_number, day, (Answer.N,) * n, (_NOBODY_ALIVE,) * n)
    facts = Facts(
        family=family,
        day=day,
        since=first_of_previous_month(day),
        living=living,
        months={p.id: age_in_months(p.birth_date, day) for p in living},
        histories=histories,
    )
    verdicts = [rule(facts) for rule in RULES]
    return PISPKResult(
        family.kk_number,
        day,
        tuple(a for a, _ in verdicts),
        tuple(r for _, r in verdicts),
    )

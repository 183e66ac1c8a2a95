"""Which catalogue entries may admit a person: the entries indexed by the ages they admit.

``due()`` used to ask every entry in force whether it admits the person.
Most do not: a child is outside every adult screening, a man outside every
pregnancy service. A :class:`Plan` is built once per catalogue, horizon and
kind of person (sex; whether they have a pregnancy on file; whether they
have a school record) and splits the ages in days into bands, each holding
the entries whose age bounds may admit someone of that age. ``due()`` then
asks only those (:func:`~ilp.lifecycle.rules.person.eligible` still decides,
exactly as before).

The bands are deliberately wide: a month counts as 27 to 32 days, so a band
never leaves out an entry the exact test would admit (a superset, never a
subset), whatever the birth day and the date. The plan does not depend on
the date: the edition (``effective_from``/``effective_before``) is checked
per entry with day numbers.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Set
from typing import TYPE_CHECKING, Final

from ilp.lifecycle.semantics import PREGNANCY_STAGES
from ilp.people import Person, Sex

if TYPE_CHECKING:
    from collections.abc import Callable

    from ilp.lifecycle._item import DueItem
    from ilp.lifecycle._model import Catalogue, Eligibility, Entry
    from ilp.lifecycle.rules.person import Ctx

    #: A rule's ``evaluate``, bound to the rule.
    Evaluate = Callable[[Entry, Ctx, list[DueItem]], None]

__all__ = ["BAND", "FULL", "SURE", "Candidate", "Plan", "plan_for"]

# bounds on the days in a span of months, whatever the start (clamping included)
_SHORT_MONTH: Final = 27
_LONG_MONTH: Final = 32
_NO_LIMIT: Final = 1 << 40
_NO_DAY: Final = 1 << 40
_PLANS_KEPT: Final = 256

#: How ``due()`` must test an entry's eligibility for a person of an age band:
#: the age band alone and surely met (no test), the age band alone (``age_band``),
#: or everything (``eligible``).
SURE, BAND, FULL = 0, 1, 2

#: One entry as the plan keeps it: the entry; the first and the last day number on which
#: it is in force; the age in days below which its rule lists nothing for a person with no
#: records of its codes (0: none; see ``RuleBase.floor_days``); those codes; its rule's
#: ``evaluate``; and the test its eligibility needs in the band (SURE, BAND or FULL; the
#: plan has settled the sex).
Candidate = tuple["Entry", int, int, int, frozenset[str], "Evaluate", int]

# an entry as _build leaves it: the ages it may admit, the ages it surely admits when its
# eligibility is an age band alone (None when not), and the candidate without the test
_Row = tuple[
    int, int, tuple[int, int] | None, tuple["Entry", int, int, int, frozenset[str], "Evaluate"]
]


class Plan:
    """The entries of a catalogue by the ages (in days) they may admit, for one kind of person.

    Each band holds its entries in the order of their services (``Service._order``, the
    order of a due list among items of the same status and date), catalogue order among
    equals. Where no two entries of a band that may be in force on the same day interleave
    their services' orders, and each lists its services in that order, the items due()
    gathers from the band are already in that order, as every rule appends its items in
    the order of its entry's services (``RuleBase.evaluate``): the band is *ordered* and
    due() does not sort them on it.
    """

    __slots__ = ("bands", "cuts", "lean", "ordered")

    def __init__(self, rows: list[_Row]) -> None:
        ages = {a for lo, hi, _, _ in rows for a in (lo, hi + 1)}
        ages |= {a for _, _, sure, _ in rows if sure is not None for a in (sure[0], sure[1] + 1)}
        ages |= {c[3] for _, _, _, c in rows if c[3] > 0}  # each band below or above each floor
        #: Age in days where a new band starts (sorted); band i holds ages cuts[i-1]..cuts[i]-1.
        self.cuts: list[int] = sorted(ages)
        rows = sorted(rows, key=lambda row: _orders(row[3][0])[0])  # stable: catalogue order
        bands: list[tuple[Candidate, ...]] = []
        lean: list[tuple[tuple[Candidate, ...], frozenset[str]]] = []
        for i in range(len(self.cuts) + 1):
            age = self.cuts[i - 1] if i else -_NO_LIMIT
            band = tuple((*c, _test(sure, age)) for lo, hi, sure, c in rows if lo <= age <= hi)
            bands.append(band)
            # below its floor (a cut, so the whole band is): a floor of 0 holds nothing back,
            # though a band may start at a negative age
            held = [c for c in band if c[3] > 0 and age < c[3]]
            lean.append(
                (
                    tuple(c for c in band if not (c[3] > 0 and age < c[3])),
                    frozenset().union(*(c[4] for c in held)),
                )
            )
        self.bands: tuple[tuple[Candidate, ...], ...] = tuple(bands)
        #: Per band, its entries without those below their floor (see ``Candidate``) and the
        #: codes of those: a person with no record of these codes is asked the first only.
        self.lean: tuple[tuple[tuple[Candidate, ...], frozenset[str]], ...] = tuple(lean)
        #: Per band, whether its entries' items come in the order of their services (above).
        self.ordered: tuple[bool, ...] = tuple(map(_in_order, bands))

    def candidates(self, age: int) -> tuple[Candidate, ...]:
        """The entries whose age bounds may admit a person *age* days old, in services order."""
        return self.bands[bisect_right(self.cuts, age)]

    def candidates_for(self, age: int, codes: Set[str]) -> tuple[tuple[Candidate, ...], bool]:
        """:meth:`candidates`, without the entries below their floor when *codes* (the codes
        with records) holds none of theirs: those list nothing (``RuleBase.floor_days``);
        and whether the band is ordered (the class's description).
        """
        i = bisect_right(self.cuts, age)
        lean, held = self.lean[i]
        return (lean if not held or codes.isdisjoint(held) else self.bands[i]), self.ordered[i]


def _orders(entry: Entry) -> tuple[str, str, bool]:
    """The first and the last order of *entry*'s services, and whether they are listed in it."""
    orders = [s._order for s in entry.services]
    return min(orders), max(orders), orders == sorted(orders)


def _in_order(band: tuple[Candidate, ...]) -> bool:
    """Whether the items of *band*'s entries, in turn, are in the order of their services.

    The entries are in the order of their first service: true when each lists its
    services in order and none that may be in force on a day the other is (first and
    last day, ``Candidate``) has a service after the first of a later entry.
    """
    spans = [(*_orders(c[0]), c[1], c[2]) for c in band]
    if not all(listed for _, _, listed, _, _ in spans):
        return False
    return all(
        high <= spans[j][0] or last < spans[j][3] or spans[j][4] < first
        for i, (_, high, _, first, last) in enumerate(spans)
        for j in range(i + 1, len(spans))
    )


def _test(sure: tuple[int, int] | None, age: int) -> int:
    if sure is None:
        return FULL
    return SURE if sure[0] <= age <= sure[1] else BAND


def _hull(el: Eligibility, key: tuple[int, Sex, bool, bool]) -> tuple[int, int]:
    """Ages in days (first, last) outside which *el*'s age conditions admit nobody of *key*.

    An alternative of ``any_of`` for another sex, or for a pregnancy when none is on
    file, admits nobody of *key* and is left out.
    """
    horizon, sex, pregnant, schooled = key
    if el.any_of:
        bounds = [
            _hull(alt, key)
            for alt in el.any_of
            if sex in _sexes(alt) and (pregnant or not _needs_pregnancy(alt))
        ]
        if not bounds:
            return _NO_LIMIT, -_NO_LIMIT  # no age admits anybody of key
        return min(b[0] for b in bounds), max(b[1] for b in bounds)
    if el.grades and schooled:
        return -_NO_LIMIT, _NO_LIMIT  # a recorded grade decides instead of the age band
    lo, hi = -_NO_LIMIT, _NO_LIMIT
    if el.age_from is not None:
        # admitted from age_from.after(b) - horizon, and a month has at least 27 days
        lo = _SHORT_MONTH * el.age_from.months + el.age_from.days - horizon
    if el.age_to is not None:
        to = el.age_to
        hi = _LONG_MONTH * to.duration.months + to.duration.days - (1 if to.exclusive else 0)
    return lo, hi


def _surely(el: Eligibility) -> tuple[int, int]:
    """Ages in days (first, last) at which *el*'s age band surely holds, not only by the horizon.

    ``age_from.after(b) <= d`` once the age is at least 32 days a month, and
    ``age_to.day(b) >= d`` while it is at most 27 days a month.
    """
    lo, hi = 0, _NO_LIMIT
    if el.age_from is not None:
        lo = _LONG_MONTH * el.age_from.months + el.age_from.days
    if el.age_to is not None:
        to = el.age_to
        hi = _SHORT_MONTH * to.duration.months + to.duration.days - (1 if to.exclusive else 0)
    return lo, hi


def _sexes(el: Eligibility) -> frozenset[Sex]:
    if el.any_of:
        return frozenset().union(*(_sexes(alt) for alt in el.any_of))
    return frozenset(Sex) if el.sex is None else frozenset({el.sex})


def _age_only(el: Eligibility) -> bool:
    """True when *el* asks for nothing but a sex and an age band."""
    return not (
        el.any_of
        or el.grades
        or el.stages
        or el.conditions
        or el.region is not None
        or el.born_from is not None
        or el.born_before is not None
        or el.sexually_active
    )


def _needs_pregnancy(el: Eligibility) -> bool:
    """True when every alternative asks for a pregnancy stage only."""
    if el.any_of:
        return all(_needs_pregnancy(alt) for alt in el.any_of)
    return bool(el.stages) and el.stages <= PREGNANCY_STAGES


def _build(catalogue: Catalogue, key: tuple[int, Sex, bool, bool]) -> Plan:
    _, sex, pregnant, schooled = key
    rows: list[_Row] = []
    for entry in catalogue.entries:
        el = entry.eligibility
        if sex not in _sexes(el) or (_needs_pregnancy(el) and not pregnant):
            continue
        lo, hi = _hull(el, key)
        if lo > hi:
            continue
        floor = 0 if schooled else entry.rule.floor_days()
        first = entry.effective_from.toordinal() if entry.effective_from else 0
        last = entry.effective_before.toordinal() - 1 if entry.effective_before else _NO_DAY
        codes = frozenset(s.code for s in entry.services)
        sure = _surely(el) if _age_only(el) else None
        rows.append((lo, hi, sure, (entry, first, last, floor, codes, entry.rule.evaluate)))
    return Plan(rows)


def plan_for(catalogue: Catalogue, person: Person, horizon: int) -> Plan:
    """The plan of *catalogue* for people like *person* (built once, then shared; thread-safe).

    Kept in the catalogue's memo: plans are values, so two threads building the same one
    at once store equal plans.
    """
    # the sex by its value: an Enum member's hash is a Python call
    pregnant, schooled = bool(person.pregnancies), person.school is not None
    key = ("due-plan", horizon, person.sex._value_, pregnant, schooled)
    memo = catalogue._memo  # the catalogue keeps its evaluators' indexes
    found = memo.get(key)
    if found is None:
        found = _build(catalogue, (horizon, person.sex, pregnant, schooled))
        if len(memo) >= _PLANS_KEPT:  # many horizons asked: start again rather than grow
            memo.clear()
        memo[key] = found
    return found

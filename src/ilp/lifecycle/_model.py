"""The catalogue as Python values: services, eligibility, entries and the rule-kind vocabulary.

Nothing here reads files: :mod:`ilp.lifecycle._loader` builds these from
YAML. Ages and intervals are :class:`~ilp.dates.Duration` values; limits
carry whether they are inclusive. Each rule kind's class lives in its own
module under :mod:`ilp.lifecycle.rules`, with everything else about it.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
import pendulum

from ilp._vocabulary import Cluster, Label, PointOfCare
from ilp.dates import Duration, add_months_day
from ilp.errors import UnknownServiceError
from ilp.lifecycle._stages import LifeStage, stages_of
from ilp.people import Condition, Person, Sex

if TYPE_CHECKING:
    from ilp.lifecycle.rules import Rule

__all__ = [
    "Catalogue",
    "Eligibility",
    "Entry",
    "Limit",
    "Priority",
    "RuleKind",
    "Service",
    "Supply",
]


class RuleKind(enum.Enum):
    """The closed vocabulary of rule kinds (``docs/catalogue.md``)."""

    ONCE = "once"  #: a once-only age window
    SERIES = "series"  #: doses with minimum ages and intervals
    RECURRING = "recurring"  #: every interval within the eligibility
    CALENDAR = "calendar"  #: given months of the year
    FOLLOWUP = "followup"  #: every period, for people with a condition
    PREGNANCY = "pregnancy"  #: contacts counted from the HPHT
    POSTNATAL = "postnatal"  #: windows counted from a delivery or birth
    SCHOOL = "school"  #: a school grade and month
    BIRTHDAY = "birthday"  #: a window after each birthday


@attrs.frozen
class Limit:
    """An upper limit: a duration after an anchor, inclusive or exclusive (``_before``)."""

    duration: Duration
    exclusive: bool = False

    def day(self, anchor: int) -> int:
        """The last day number within the limit, counted from day number *anchor*."""
        d = self.duration  # Duration.after inlined: every age limit of every entry asks
        day = (add_months_day(anchor, d.months) if d.months else anchor) + d.days
        return day - 1 if self.exclusive else day

    def __str__(self) -> str:
        return f"before {self.duration}" if self.exclusive else str(self.duration)


@attrs.frozen
class Eligibility:
    """Who a service applies to, and for how long it is reported (its scope)."""

    sex: Sex | None = None
    age_from: Duration | None = None
    age_to: Limit | None = None
    stages: frozenset[LifeStage] = frozenset()
    conditions: frozenset[Condition] = frozenset()
    region: str | None = None
    born_from: pendulum.Date | None = None
    born_before: pendulum.Date | None = None
    #: Requires ``ever_sexually_active`` not to be False (unknown counts as yes).
    sexually_active: bool = False
    #: Alternatives, each already joined with the keys above: one must hold (``any_of``).
    any_of: tuple[Eligibility, ...] = ()
    #: School grades: when the person's grade on the date is known it decides instead
    #: of the age band (``decisions.md``, "School services").
    grades: frozenset[int] = frozenset()


@attrs.frozen
class Supply:
    """What one giving of a service uses up: an item, its unit and a quantity."""

    item: str
    quantity: int = 1
    unit: str = "dose"


@attrs.frozen
class Priority:
    """Groups for whom an opportunistic service is still a reason to reach out.

    A person is in the priority groups when they have any of ``conditions``
    or are in any of ``stages`` on the date (one suffices).
    """

    conditions: frozenset[Condition] = frozenset()
    stages: frozenset[LifeStage] = frozenset()

    def includes(self, person: Person, on: pendulum.Date) -> bool:
        """True when *person* belongs to one of the groups on *on*."""
        if not self.conditions.isdisjoint(person.conditions):
            return True
        return bool(self.stages) and not self.stages.isdisjoint(stages_of(person, on))


# due() sorts every list on the services' order: texts compare in about a third of the
# time of (code, dose) tuples (the differential test compares due()'s order with
# BatchResult.items_of's, which sorts on order_key)
_DIGITS_DOWN: Final = str.maketrans("0123456789", "9876543210")


def _order_text(code: str, dose: int) -> str:
    """A text that sorts as ``(code, dose)`` sorts, for any text *code* and whole *dose*.

    The code's NUL characters are doubled as ``\\x00\\x01`` and it ends with
    ``\\x00\\x00``, which sorts before whatever may follow in a longer code; the dose
    follows as its sign, its number of digits and its digits (down for a negative dose).
    """
    head = code.replace("\x00", "\x00\x01") + "\x00\x00"
    digits = str(abs(dose))
    if dose >= 0:
        return f"{head}\x02{chr(len(digits))}{digits}"
    return f"{head}\x01{chr(0x10FFFF - len(digits))}{digits.translate(_DIGITS_DOWN)}"


@attrs.frozen
class Service:
    """A service of the catalogue, identified by its stable code (a value: compares by value)."""

    code: str
    label: Label
    group: str
    stages: frozenset[LifeStage]
    cluster: Cluster
    points_of_care: tuple[PointOfCare, ...]
    providers: tuple[str, ...]
    source: str
    confirmed: bool = True
    note: str | None = None
    #: Dose or contact number within its series, or None for a single service.
    dose: int | None = None
    #: Series id (``RV``, ``ANC``) for doses, None for a single service.
    series: str | None = None
    #: What one giving uses up, for supply lists; None when nothing countable.
    supply: Supply | None = None
    #: Offered whenever the person comes, not a reason to call them (``decisions.md``).
    opportunistic: bool = False
    #: For an opportunistic service: the groups for whom it is a reason to reach out.
    priority: Priority | None = None
    #: Its place among items of the same status and date: code, then dose (``order_key``),
    #: as one text that sorts as ``(code, dose or 0)`` does (:func:`_order_text`).
    _order: str = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_order", _order_text(self.code, self.dose or 0))

    def outreach(self, person: Person, on: pendulum.Date) -> bool:
        """True when this service, due, is a reason to call or visit *person* on *on*.

        Always for a scheduled service; for an opportunistic one only when
        the person is in its priority groups.
        """
        if not self.opportunistic:
            return True
        return self.priority is not None and self.priority.includes(person, on)


@attrs.frozen
class Entry:
    """One catalogue entry: one service or one series, its eligibility, rule and edition."""

    key: str
    services: tuple[Service, ...]
    rule: Rule
    eligibility: Eligibility = Eligibility()
    effective_from: pendulum.Date | None = None
    effective_before: pendulum.Date | None = None
    #: Line in the source file where the entry starts (for messages), or None.
    line: int | None = attrs.field(default=None, eq=False)
    #: What the scope of the entry (``rules.person.scope``) reads, worked out once: the
    #: months and days of ``age_from`` (months None without it), those of ``age_to``
    #: (less a day when exclusive; months None without it), the day number of
    #: ``effective_from`` (or None), and whether the eligibility lists school grades.
    _scope: tuple[int | None, int, int | None, int, int | None, bool] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        el = self.eligibility
        f, to = el.age_from, el.age_to
        spec = (
            None if f is None else f.months,
            0 if f is None else f.days,
            None if to is None else to.duration.months,
            0 if to is None else to.duration.days - to.exclusive,
            None if self.effective_from is None else self.effective_from.toordinal(),
            bool(el.grades),
        )
        object.__setattr__(self, "_scope", spec)

    def in_force(self, on: pendulum.Date) -> bool:
        """True when the entry's edition applies on *on*."""
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_before is None or on < self.effective_before
        )


_ORDINAL_CACHE_SIZE: Final = 4096


@attrs.frozen(eq=False)
class Catalogue:
    """A validated catalogue: entries by edition, and every code's service."""

    id: str
    title: Label
    edition: str
    entries: tuple[Entry, ...]
    #: Where it was loaded from, for messages.
    origin: str = attrs.field(default="<memory>")
    #: The region flags its entries name (``je_endemic``), each with its label.
    region_flags: Mapping[str, Label] = attrs.field(factory=dict, kw_only=True)
    _by_code: dict[str, tuple[Service, ...]] = attrs.field(init=False, repr=False)
    _code_set: frozenset[str] = attrs.field(init=False, repr=False)
    #: What the evaluators work out once per catalogue (their indexes), by their own keys:
    #: values only (two threads storing one store equal ones); nothing goes stale, since
    #: a catalogue never changes.
    _memo: dict[Hashable, Any] = attrs.field(init=False, repr=False)
    _in_force: dict[int, tuple[Entry, ...]] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        by_code: dict[str, list[Service]] = {}
        for e in self.entries:
            for s in e.services:
                by_code.setdefault(s.code, []).append(s)
        object.__setattr__(self, "_by_code", {k: tuple(v) for k, v in by_code.items()})
        object.__setattr__(self, "_code_set", frozenset(by_code))
        object.__setattr__(self, "_memo", {})
        object.__setattr__(self, "_in_force", {})

    @property
    def codes(self) -> tuple[str, ...]:
        """Every service code, in catalogue order."""
        return tuple(self._by_code)

    @property
    def code_set(self) -> frozenset[str]:
        """Every service code, as a set."""
        return self._code_set

    def knows(self, codes: Iterable[str]) -> bool:
        """True when every code in *codes* is in the catalogue."""
        return self._code_set.issuperset(codes)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Service]:
        """Each code's first service, in catalogue order."""
        return (v[0] for v in self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def service(self, code: str, on: pendulum.Date | None = None) -> Service:
        """The service *code* (in force on *on* when given).

        An unknown code raises :class:`~ilp.errors.UnknownServiceError`.
        """
        found = self._by_code.get(code)
        if found is None:
            msg = f"service code {code!r} is not in catalogue {self.id!r}"
            raise UnknownServiceError(msg, field="code", value=code)
        if on is not None:
            for e in self.entries_on(on):
                for s in e.services:
                    if s.code == code:
                        return s
        return found[-1]

    def entries_on(self, on: pendulum.Date) -> tuple[Entry, ...]:
        """The entries in force on *on* (cached per day)."""
        day = on.toordinal()
        cached = self._in_force.get(day)
        if cached is None:
            cached = tuple(e for e in self.entries if e.in_force(on))
            if len(self._in_force) >= _ORDINAL_CACHE_SIZE:
                self._in_force.clear()
            self._in_force[day] = cached
        return cached

    def by_code(self) -> Mapping[str, tuple[Service, ...]]:
        """Every code with its services (one per edition)."""
        return dict(self._by_code)

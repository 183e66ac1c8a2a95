"""FHIR in, the result: what a Bundle held as ilp data, and the report of what was not used."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import attrs

from ilp.people import Family, FamilyRegister, Person, ServiceRecord

__all__ = ["FHIRImport", "ImportReport", "Skipped"]


@attrs.frozen
class Skipped:
    """A resource ilp did not use: which (``Type/id``), why, and its coding if any."""

    resource: str
    reason: str
    coding: str | None = None

    def __str__(self) -> str:
        tail = f" [{self.coding}]" if self.coding else ""
        return f"{self.resource}: {self.reason}{tail}"


@attrs.frozen
class ImportReport:
    """What an import read and used, and every resource it could not use, with the reason."""

    #: Resources read, by resourceType.
    read: Mapping[str, int]
    #: Resources used, by resourceType.
    used: Mapping[str, int]
    #: Every resource not used (or used only in part), with the reason.
    skipped: tuple[Skipped, ...]

    @property
    def unmapped(self) -> tuple[Skipped, ...]:
        """The records whose coding maps to no ilp service code."""
        return tuple(s for s in self.skipped if s.coding is not None)

    def summary(self) -> str:
        """A few lines: counts read and used per type, then the reasons for skipping."""
        lines = [f"{t}: {n} read, {self.used.get(t, 0)} used" for t, n in sorted(self.read.items())]
        reasons = Counter(s.reason for s in self.skipped)
        lines += [f"skipped {n}: {why}" for why, n in reasons.most_common()]
        return "\n".join(lines)


@attrs.frozen
class FHIRImport:
    """What a Bundle held, as ilp data: people, their histories, their families, and the report."""

    people: tuple[Person, ...]
    histories: Mapping[str, tuple[ServiceRecord, ...]]
    #: Families of the people with a family card number (``.../id/kk``).
    families: tuple[Family, ...]
    report: ImportReport

    def history(self, person_id: str) -> tuple[ServiceRecord, ...]:
        """The person's records (empty when none)."""
        return self.histories.get(person_id, ())

    def register(self) -> FamilyRegister:
        """The families as a :class:`~ilp.people.FamilyRegister`."""
        members = {m.person.id for f in self.families for m in f.members}
        return FamilyRegister(
            self.families, {k: v for k, v in self.histories.items() if k in members}
        )

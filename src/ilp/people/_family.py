"""Families (keluarga, by family card), their households and members, and registers of families."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from ilp._coerce import member_of
from ilp.errors import InvalidFamilyError
from ilp.people._fields import _NIK, _optional_bool, _optional_text, _show
from ilp.people._person import Person
from ilp.people._records import ServiceRecord
from ilp.people._vocabulary import Relation

__all__ = ["Family", "FamilyRegister", "Household", "Member"]


def _relation(value: object) -> Relation:
    return member_of(Relation, value, field="relation", error=InvalidFamilyError)


@attrs.frozen
class Member:
    """A person and their relation to the head of the family."""

    person: Person = attrs.field()
    relation: Relation = attrs.field(converter=_relation)

    @person.validator
    def _check_person(self, _: attrs.Attribute[Person], value: Person) -> None:
        if not isinstance(value, Person):
            msg = f"person: expected a Person, got {type(value).__name__}"
            raise InvalidFamilyError(msg, field="person", value=None)


@attrs.frozen
class Household:
    """Household facts the family card does not hold, from the PIS-PK family survey.

    Each is ``True``/``False`` when asked, ``None`` when not known.
    """

    #: The couple of reproductive age uses family planning (KB).
    family_planning: bool | None = attrs.field(
        default=None, validator=_optional_bool("family_planning", InvalidFamilyError)
    )
    #: Nobody in the family smokes.
    no_smoker: bool | None = attrs.field(
        default=None, validator=_optional_bool("no_smoker", InvalidFamilyError)
    )
    #: Every member is enrolled in JKN (national health insurance).
    jkn: bool | None = attrs.field(
        default=None, validator=_optional_bool("jkn", InvalidFamilyError)
    )
    #: The family has access to clean water.
    clean_water: bool | None = attrs.field(
        default=None, validator=_optional_bool("clean_water", InvalidFamilyError)
    )
    #: The family has and uses a healthy latrine.
    healthy_latrine: bool | None = attrs.field(
        default=None, validator=_optional_bool("healthy_latrine", InvalidFamilyError)
    )
    #: Infants 7–23 months were exclusively breastfed for their first 6 months.
    exclusive_breastfeeding: bool | None = attrs.field(
        default=None, validator=_optional_bool("exclusive_breastfeeding", InvalidFamilyError)
    )


def _check_kk(_: object, __: attrs.Attribute[str], value: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool):
        msg = "kk_number: a number, not text: the family card number must be quoted ('…')"
        raise InvalidFamilyError(msg, field="kk_number", value=value)
    if not isinstance(value, str) or _NIK.fullmatch(value) is None:
        msg = f"kk_number: {_show(value)} is not a family card number (no. KK) of 16 digits"
        raise InvalidFamilyError(msg, field="kk_number", value=value)


def _members(value: Iterable[Member]) -> tuple[Member, ...]:
    return tuple(value)


@attrs.frozen(eq=False)
class Family:
    """A family (keluarga) as on its family card: exactly one head, unique member ids."""

    kk_number: str = attrs.field(validator=_check_kk)
    members: tuple[Member, ...] = attrs.field(converter=_members)
    household: Household = attrs.field(factory=Household, kw_only=True)
    #: Area id of the home (dusun/RW), shared by the members unless they say otherwise.
    residence: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text("residence", InvalidFamilyError)
    )
    #: Street address, for kader home-visit lists.
    address: str | None = attrs.field(
        default=None,
        kw_only=True,
        validator=_optional_text("address", InvalidFamilyError, no_nik=True),
    )

    def __attrs_post_init__(self) -> None:
        for m in self.members:
            if not isinstance(m, Member):
                msg = f"members: expected Member items, got {type(m).__name__} {m!r}"
                raise InvalidFamilyError(msg, field="members", value=m)
        heads = [m.person.id for m in self.members if m.relation is Relation.HEAD]
        if len(heads) != 1:
            msg = f"members: family {self.kk_number} has {len(heads)} heads {heads}; needs one"
            raise InvalidFamilyError(msg, field="members", value=heads)
        seen: set[str] = set()
        for m in self.members:
            if m.person.id in seen:
                msg = f"members: person id {m.person.id!r} appears twice in {self.kk_number}"
                raise InvalidFamilyError(msg, field="members", value=m.person.id)
            seen.add(m.person.id)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Family):
            return NotImplemented
        return self.kk_number == other.kk_number

    def __hash__(self) -> int:
        return hash(("Family", self.kk_number))

    def _repr_html_(self) -> str:
        from ilp._html import html_table  # noqa: PLC0415 - only notebooks need it

        rows = [
            (m.relation.value, m.person.id, m.person.name, m.person.sex.value, m.person.birth_date)
            for m in self.members
        ]
        caption = f"Keluarga {self.kk_number}" + (f", {self.address}" if self.address else "")
        return html_table(("relation", "id", "name", "sex", "birth_date"), rows, caption=caption)

    @property
    def head(self) -> Person:
        """The head of the family (kepala keluarga)."""
        return next(m.person for m in self.members if m.relation is Relation.HEAD)

    @property
    def people(self) -> tuple[Person, ...]:
        """The members' persons, in card order."""
        return tuple(m.person for m in self.members)


@attrs.frozen(eq=False)
class FamilyRegister:
    """Families of a catchment with every member's service history (a register of households)."""

    families: tuple[Family, ...]
    histories: Mapping[str, tuple[ServiceRecord, ...]]
    #: The date the data describe, if the source says.
    as_of: str | None = None
    _family_of: dict[str, Family] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        index: dict[str, Family] = {}
        for f in self.families:
            for m in f.members:
                if m.person.id in index:
                    other = index[m.person.id].kk_number
                    msg = f"person id {m.person.id!r} is in families {other} and {f.kk_number}"
                    raise InvalidFamilyError(msg, field="members", value=m.person.id)
                index[m.person.id] = f
        object.__setattr__(self, "_family_of", index)

    @property
    def people(self) -> tuple[Person, ...]:
        """Every member of every family, in order."""
        return tuple(m.person for f in self.families for m in f.members)

    def family_of(self, person_id: str) -> Family:
        """The family a person belongs to."""
        try:
            return self._family_of[person_id]
        except KeyError:
            msg = f"person id {person_id!r} is in no family of the register"
            raise InvalidFamilyError(msg, field="person_id", value=person_id) from None

    def residence_of(self, person: Person) -> str | None:
        """The person's own residence, else their family's."""
        return person.residence or self.family_of(person.id).residence

    def history(self, person_id: str) -> tuple[ServiceRecord, ...]:
        """The person's records (empty when none)."""
        return self.histories.get(person_id, ())

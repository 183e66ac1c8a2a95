"""A person with their pregnancies and school grade."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs
import pendulum

from ilp._coerce import member_of
from ilp.errors import InvalidPersonError
from ilp.people._fields import (
    _birth_date,
    _check_id,
    _check_nik,
    _death_date,
    _delivery_date,
    _edd,
    _from_mapping,
    _kind,
    _lmp,
    _nik_repr,
    _optional_bool,
    _optional_text,
    _short_key,
    _show,
    mask_nik,
)
from ilp.people._vocabulary import (
    EDD_DAYS,
    MAX_PREGNANCY_DAYS,
    MIN_BIRTH_DAYS,
    MIN_PREGNANCY_AGE_YEARS,
    POSTTERM_DAYS,
    Condition,
    Outcome,
    Sex,
)

__all__ = ["Person", "Pregnancy", "School"]


def _outcome(value: object) -> Outcome | None:
    if value is None:
        return None
    return member_of(Outcome, value, field="outcome", error=InvalidPersonError)


def _sex(value: object) -> Sex:
    return Sex.parse(value)


@attrs.frozen
class Pregnancy:
    """A pregnancy: HPHT (LMP), expected date (HPL/EDD) and, once it ends, how and when."""

    #: First day of the last menstrual period (HPHT).
    lmp: pendulum.Date = attrs.field(converter=_lmp)
    #: Expected delivery date (HPL); HPHT + 280 days when not given.
    edd: pendulum.Date = attrs.field(
        default=attrs.Factory(lambda self: self.lmp.add(days=EDD_DAYS), takes_self=True),
        converter=_edd,
    )
    #: The day the pregnancy ended (delivery, stillbirth or miscarriage); None while ongoing.
    delivery_date: pendulum.Date | None = attrs.field(default=None, converter=_delivery_date)
    #: How it ended; None while ongoing, or when unknown (then a delivery is assumed).
    outcome: Outcome | None = attrs.field(
        default=None,
        converter=_outcome,
    )
    #: Whether the delivery took place in a health facility (PIS-PK indicator 2); None if unknown.
    in_facility: bool | None = attrs.field(
        default=None, validator=_optional_bool("in_facility", InvalidPersonError)
    )

    def __attrs_post_init__(self) -> None:
        span = self.edd.toordinal() - self.lmp.toordinal()
        if not 36 * 7 <= span <= 44 * 7:
            msg = (
                f"edd: {self.edd.isoformat()} is {span} days after the HPHT "
                f"{self.lmp.isoformat()}; expected 252 to 308"
            )
            raise InvalidPersonError(msg, field="edd", value=self.edd)
        if self.delivery_date is None:
            if self.outcome is not None:
                msg = f"outcome: {self.outcome.value!r} given without a delivery_date"
                raise InvalidPersonError(msg, field="outcome", value=self.outcome.value)
            return
        days = self.delivery_date.toordinal() - self.lmp.toordinal()
        if days < 0:
            msg = (
                f"delivery_date: {self.delivery_date.isoformat()} is before the HPHT "
                f"{self.lmp.isoformat()}"
            )
            raise InvalidPersonError(msg, field="delivery_date", value=self.delivery_date)
        if days > MAX_PREGNANCY_DAYS:
            msg = (
                f"delivery_date: {self.delivery_date.isoformat()} is {days} days after the "
                f"HPHT {self.lmp.isoformat()}; a pregnancy lasts at most {MAX_PREGNANCY_DAYS}"
            )
            raise InvalidPersonError(msg, field="delivery_date", value=self.delivery_date)
        if self.outcome is Outcome.MISCARRIAGE:
            if days >= MIN_BIRTH_DAYS:
                msg = (
                    f"outcome: a miscarriage (abortus) ends before 20 weeks, but "
                    f"delivery_date {self.delivery_date.isoformat()} is at {days // 7} weeks"
                )
                raise InvalidPersonError(msg, field="outcome", value=self.outcome.value)
        elif days < MIN_BIRTH_DAYS:
            msg = (
                f"delivery_date: {self.delivery_date.isoformat()} is only {days // 7} weeks "
                f"after the HPHT {self.lmp.isoformat()}; a birth before 20 weeks is a "
                "miscarriage (outcome: miscarriage)"
            )
            raise InvalidPersonError(msg, field="delivery_date", value=self.delivery_date)

    @property
    def is_birth(self) -> bool:
        """True when the pregnancy ended in a delivery (live or still birth, or not stated)."""
        return self.delivery_date is not None and self.outcome is not Outcome.MISCARRIAGE

    @property
    def last_pregnant_day(self) -> pendulum.Date:
        """The last day the woman counts as pregnant.

        The day before delivery once it is recorded; otherwise the EDD plus
        14 days (42 weeks), after which an open pregnancy record is stale.
        """
        if self.delivery_date is not None:
            return self.delivery_date.subtract(days=1)
        return self.edd.add(days=POSTTERM_DAYS)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Pregnancy:
        """Build a pregnancy from a mapping such as one read from YAML or JSON."""
        made: Pregnancy = _from_mapping(cls, data, "pregnancy", InvalidPersonError)
        return made


@attrs.frozen
class School:
    """A school grade (kelas 1–12) and the school year it was recorded for.

    ``year`` is the calendar year in which that school year starts (July);
    ``None`` means the grade is the one at whatever date is asked.
    """

    grade: int = attrs.field()
    year: int | None = attrs.field(default=None)

    @year.validator
    def _check_year(self, _: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200
        ):
            msg = f"school_year: {_show(value)} is not a year from 1900 to 2200"
            raise InvalidPersonError(msg, field="school_year", value=value)

    @grade.validator
    def _check_grade(self, _: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
            msg = f"school_grade: {_show(value)} is not a grade from 1 to 12"
            raise InvalidPersonError(msg, field="school_grade", value=value)

    def grade_on(self, on: pendulum.Date) -> int | None:
        """The grade on date *on*, moving up one grade each July; None once past grade 12."""
        if self.year is None:
            return self.grade
        current = on.year if on.month >= 7 else on.year - 1
        grade = self.grade + current - self.year
        return grade if 1 <= grade <= 12 else None


def _sorted_pregnancies(value: Iterable[Pregnancy | Mapping[str, Any]]) -> tuple[Pregnancy, ...]:
    items = [p if isinstance(p, Pregnancy) else Pregnancy.from_mapping(p) for p in value]
    return tuple(sorted(items, key=lambda p: p.lmp))


def _conditions(value: Iterable[Condition | str]) -> frozenset[Condition]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple | set | frozenset):
        msg = f"conditions: expected a list of conditions, got {_kind(value)}"
        raise InvalidPersonError(msg, field="conditions", value=None)
    return frozenset(Condition.parse(c) for c in value)


def _school(value: School | int | None) -> School | None:
    if value is None or isinstance(value, School):
        return value
    return School(value)


@attrs.frozen(eq=False)
class Person:
    """A person in the catchment area of a Puskesmas.

    Compares and hashes by ``id``. The NIK (national id number) is never
    shown: ``repr`` masks every digit of it.
    """

    id: str = attrs.field(validator=_check_id("id", InvalidPersonError))
    sex: Sex = attrs.field(converter=_sex)
    birth_date: pendulum.Date = attrs.field(converter=_birth_date)
    name: str | None = attrs.field(
        default=None,
        kw_only=True,
        validator=_optional_text("name", InvalidPersonError, no_nik=True),
    )
    nik: str | None = attrs.field(default=None, kw_only=True, validator=_check_nik, repr=_nik_repr)
    death_date: pendulum.Date | None = attrs.field(
        default=None, kw_only=True, converter=_death_date
    )
    conditions: frozenset[Condition] = attrs.field(
        factory=frozenset, kw_only=True, converter=_conditions
    )
    pregnancies: tuple[Pregnancy, ...] = attrs.field(
        default=(), kw_only=True, converter=_sorted_pregnancies
    )
    school: School | None = attrs.field(default=None, kw_only=True, converter=_school)
    #: Area id (dusun/RW or desa code) of the home; the network resolves it.
    residence: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text("residence", InvalidPersonError)
    )
    #: Whether the person has ever had sexual contact (cervical screening); None if unknown.
    ever_sexually_active: bool | None = attrs.field(
        default=None,
        kw_only=True,
        validator=_optional_bool("ever_sexually_active", InvalidPersonError),
    )

    def __attrs_post_init__(self) -> None:
        if self.death_date is not None and self.death_date < self.birth_date:
            msg = (
                f"death_date: {self.death_date.isoformat()} is before the date of birth "
                f"{self.birth_date.isoformat()}"
            )
            raise InvalidPersonError(msg, field="death_date", value=self.death_date)
        self._check_pregnancies()

    def _check_pregnancies(self) -> None:
        if not self.pregnancies:
            return
        if self.sex is not Sex.FEMALE:
            msg = f"pregnancies: person {self.id!r} is {self.sex.value} and cannot be pregnant"
            raise InvalidPersonError(msg, field="pregnancies", value=self.sex.value)
        youngest = self.birth_date.add(years=MIN_PREGNANCY_AGE_YEARS)
        previous: Pregnancy | None = None
        for p in self.pregnancies:
            if p.lmp < youngest:
                msg = (
                    f"pregnancies: HPHT {p.lmp.isoformat()} of person {self.id!r} is before "
                    f"age {MIN_PREGNANCY_AGE_YEARS} (born {self.birth_date.isoformat()})"
                )
                raise InvalidPersonError(msg, field="pregnancies", value=p.lmp)
            if self.death_date is not None and p.lmp > self.death_date:
                msg = (
                    f"pregnancies: HPHT {p.lmp.isoformat()} is after the death_date "
                    f"{self.death_date.isoformat()}"
                )
                raise InvalidPersonError(msg, field="pregnancies", value=p.lmp)
            if previous is not None and (
                previous.delivery_date is None or previous.delivery_date > p.lmp
            ):
                ended = previous.delivery_date.isoformat() if previous.delivery_date else "no end"
                msg = (
                    f"pregnancies: HPHT {p.lmp.isoformat()} overlaps the pregnancy with HPHT "
                    f"{previous.lmp.isoformat()} ({ended})"
                )
                raise InvalidPersonError(msg, field="pregnancies", value=p.lmp)
            previous = p

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Person):
            return NotImplemented
        return self.id == other.id

    def __hash__(self) -> int:
        return hash(("Person", self.id))

    def _repr_html_(self) -> str:
        from ilp._html import html_table  # noqa: PLC0415 - only notebooks need it

        rows: list[tuple[str, object]] = [
            ("sex", self.sex.value),
            ("birth_date", self.birth_date),
            ("name", self.name),
            ("nik", mask_nik(self.nik)),
            ("death_date", self.death_date),
            ("conditions", ", ".join(sorted(c.value for c in self.conditions))),
            ("school", f"grade {self.school.grade}" if self.school else None),
            ("residence", self.residence),
        ]
        rows += [
            (f"pregnancy {n}", f"HPHT {p.lmp}, HPL {p.edd}, ended {p.delivery_date or '-'}")
            for n, p in enumerate(self.pregnancies, 1)
        ]
        return html_table(("field", "value"), rows, caption=f"Person {self.id}")

    def is_alive(self, on: pendulum.Date) -> bool:
        """True from the date of birth through the date of death."""
        return self.birth_date <= on and (self.death_date is None or on <= self.death_date)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Person:
        """Build a person from a mapping (YAML/JSON), with ``school_grade``/``school_year`` keys.

        Unknown keys and missing required keys raise
        :class:`~ilp.errors.InvalidPersonError` naming the key.
        """
        if not isinstance(data, Mapping):
            msg = f"person: expected a mapping of fields, got {_kind(data)}"
            raise InvalidPersonError(msg, field="person", value=None)
        unknown = sorted(str(k) for k in data if k not in _PERSON_KEYS)
        if unknown:
            msg = (
                f"person: unknown field {_short_key(unknown[0])} "
                f"(known: {', '.join(sorted(_PERSON_KEYS))})"
            )
            raise InvalidPersonError(msg, field=unknown[0], value=None)
        data = dict(data)
        grade = data.pop("school_grade", None)
        year = data.pop("school_year", None)
        if grade is not None:
            if year is not None and (
                isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200
            ):
                msg = f"school_year: {_show(year)} is not a year such as 2025"
                raise InvalidPersonError(msg, field="school_year", value=year)
            data["school"] = School(grade, year)
        elif year is not None:
            msg = "school_year: given without a school_grade"
            raise InvalidPersonError(msg, field="school_year", value=year)
        ident = data.get("id")
        if isinstance(ident, int) and not isinstance(ident, bool):
            data["id"] = str(ident)
        made: Person = _from_mapping(cls, data, "person", InvalidPersonError)
        return made


#: The keys of a person mapping (``docs/files.md``), as people write them.
_PERSON_KEYS: Final = frozenset(
    {
        "id",
        "sex",
        "birth_date",
        "name",
        "nik",
        "death_date",
        "conditions",
        "pregnancies",
        "school_grade",
        "school_year",
        "residence",
        "ever_sexually_active",
    }
)

"""People, pregnancies, service records and families (keluarga).

Everything here is a frozen attrs class whose validators refuse impossible
values with an :class:`~ilp.errors.ILPError` subclass that names the field
and the value. Change is ``attrs.evolve``. Entities (:class:`Person`,
:class:`Family`) compare by id; values (:class:`Pregnancy`,
:class:`ServiceRecord`) by value.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs
import pendulum

from ilp._coerce import member_of
from ilp.dates import as_date
from ilp.errors import (
    MASK,
    ILPError,
    InvalidDateError,
    InvalidFamilyError,
    InvalidPersonError,
    InvalidRecordError,
)

__all__ = [
    "Condition",
    "Family",
    "FamilyRegister",
    "Household",
    "Member",
    "Outcome",
    "Person",
    "Pregnancy",
    "Relation",
    "School",
    "ServiceRecord",
    "Sex",
    "mask_nik",
    "validate_history",
]

#: Days from the HPHT (LMP) to the expected delivery date when none is given (Naegele).
EDD_DAYS: Final = 280
#: An ongoing pregnancy with no delivery recorded counts as ongoing this many days past its EDD.
POSTTERM_DAYS: Final = 14
#: A birth (live or still) earlier than this many days after the HPHT is refused as implausible.
MIN_BIRTH_DAYS: Final = 20 * 7
#: A pregnancy ending later than this many days after the HPHT is refused as implausible.
MAX_PREGNANCY_DAYS: Final = 45 * 7
#: The youngest age, in years, at which a pregnancy is accepted.
MIN_PREGNANCY_AGE_YEARS: Final = 10

_NIK: Final = re.compile(r"[0-9]{16}")
_CODE: Final = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")


class Sex(enum.Enum):
    """Sex at birth, as recorded."""

    FEMALE = "female"  #: perempuan (P)
    MALE = "male"  #: laki-laki (L)

    @classmethod
    def parse(cls, value: object) -> Sex:
        """Read ``female``/``male``, ``F``/``M`` or Indonesian ``P``/``L`` (any case)."""
        if isinstance(value, Sex):
            return value
        key = value.strip().lower() if isinstance(value, str) else None
        found = _SEX_WORDS.get(key) if key is not None else None
        if found is None:
            msg = f"sex: {_show(value)} is not one of female/male, F/M, P/L"
            raise InvalidPersonError(msg, field="sex", value=value)
        return found


_SEX_WORDS: Final = {
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
    "p": Sex.FEMALE,
    "perempuan": Sex.FEMALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "l": Sex.MALE,
    "laki-laki": Sex.MALE,
}


class Condition(enum.Enum):
    """A long-term condition that changes which services a person is due."""

    HYPERTENSION = "hypertension"  #: hipertensi: monthly follow-up (HT-CONTROL)
    DIABETES = "diabetes"  #: diabetes melitus: monthly follow-up (DM-CONTROL)
    TUBERCULOSIS = "tuberculosis"  #: TBC under treatment
    HIV = "hiv"  #: HIV infection
    HEPATITIS_B = "hepatitis_b"  #: chronic hepatitis B (HBsAg positive)
    SEVERE_MENTAL_DISORDER = "severe_mental_disorder"  #: ODGJ berat (schizophrenia, psychosis)
    DISABILITY = "disability"  #: penyandang disabilitas
    OBESITY = "obesity"  #: obesitas: a PTM risk factor
    SMOKER = "smoker"  #: current tobacco use: a PTM risk factor

    @classmethod
    def parse(cls, value: object) -> Condition:
        """Read a condition from its code (``"hypertension"``) or the member itself."""
        return member_of(
            cls,
            value,
            field="conditions",
            what="a known condition",
            error=InvalidPersonError,
            clean=lambda code: code.strip().lower(),
        )


class Outcome(enum.Enum):
    """How a pregnancy ended."""

    LIVE_BIRTH = "live_birth"  #: lahir hidup
    STILLBIRTH = "stillbirth"  #: lahir mati (at or after 20 weeks)
    MISCARRIAGE = "miscarriage"  #: abortus (before 20 weeks)


def _outcome(value: object) -> Outcome | None:
    if value is None:
        return None
    return member_of(Outcome, value, field="outcome", error=InvalidPersonError)


def _sex(value: object) -> Sex:
    return Sex.parse(value)


def _lmp(value: object) -> pendulum.Date:
    return as_date(value, field="lmp")


def _edd(value: object) -> pendulum.Date:
    return as_date(value, field="edd")


def _delivery_date(value: object) -> pendulum.Date | None:
    return None if value is None else as_date(value, field="delivery_date")


def _birth_date(value: object) -> pendulum.Date:
    return as_date(value, field="birth_date")


def _death_date(value: object) -> pendulum.Date | None:
    return None if value is None else as_date(value, field="death_date")


def _nik_repr(nik: str | None) -> str:
    return repr(mask_nik(nik))


def mask_nik(nik: str | None) -> str | None:
    """A NIK as it is shown: every digit hidden (``****************``), None kept.

    No digit is kept: the first twelve follow from the region code and the
    date of birth that are shown beside it, so the last four would give the
    whole number away (``docs/decisions.md``, "People and records").
    """
    return None if nik is None else MASK


#: The longest text a name, address or other free-text field may hold.
MAX_TEXT: Final = 500
#: Sixteen digits in a row anywhere in a text: a NIK (or KK number) in the wrong field.
_NIK_INSIDE: Final = re.compile(r"\d{16}")


def _show(value: object) -> str:
    """*value* quoted for a message: short text as given, anything long or nested cut."""
    if isinstance(value, str | int | float | bool | None) and not (
        isinstance(value, int) and value.bit_length() > 64
    ):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, list | tuple) and len(value) <= 3:
        text = repr(list(value))
        if len(text) <= 60:
            return text
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}"
    return f"a {type(value).__name__}"


def _kind(value: object) -> str:
    """What *value* is, for a message, without quoting anything long."""
    if isinstance(value, bool):
        return "a boolean (true/false, yes/no); quote it"
    if isinstance(value, int):
        return f"the number {value}; quote it" if value.bit_length() < 64 else "a large number"
    if isinstance(value, float):
        return f"the number {value!r}; quote it"
    return f"a {type(value).__name__}"


def _optional_text(field: str, error: type[ILPError], *, no_nik: bool = False) -> Any:
    """A validator: None, or non-empty text of at most MAX_TEXT characters (no NIK in it)."""

    def check(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not value.strip():
            shown = repr(value) if isinstance(value, str) else _kind(value)
            msg = f"{field}: expected non-empty text, got {shown}"
            raise error(msg, field=field, value=None)
        if len(value) > MAX_TEXT:
            msg = f"{field}: {len(value)} characters; at most {MAX_TEXT}"
            raise error(msg, field=field, value=None)
        if no_nik and _NIK_INSIDE.search(value):
            msg = f"{field}: holds 16 digits in a row, like a NIK; a NIK goes under nik only"
            raise error(msg, field=field, value=None)

    return check


def _optional_bool(field: str, error: type[ILPError]) -> Any:
    """A validator: None, True or False, nothing else (no "false" text, no 0 or 1)."""

    def check(_: object, __: attrs.Attribute[bool | None], value: bool | None) -> None:
        if value is not None and not isinstance(value, bool):
            what = f"text {value[:20]!r}" if isinstance(value, str) else _kind(value)
            msg = f"{field}: expected true or false (unquoted), got {what}"
            raise error(msg, field=field, value=None)

    return check


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


def _check_nik(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is None or (isinstance(value, str) and _NIK.fullmatch(value) is not None):
        return
    if isinstance(value, int) and not isinstance(value, bool):
        msg = "nik: a number, not text: a NIK must be quoted (nik: '…') to keep every digit"
        raise InvalidPersonError(msg, field="nik", value=None)
    if not isinstance(value, str):
        msg = f"nik: expected quoted text of 16 digits, got {type(value).__name__}"
        raise InvalidPersonError(msg, field="nik", value=None)
    shown = _hide_digits(value)
    msg = f"nik: {shown!r} is not a NIK of 16 digits (0-9)"
    raise InvalidPersonError(msg, field="nik", value=shown)


def _hide_digits(text: str) -> str:
    """*text* cut to 40 characters; with 6 digits or more, each digit (any script) as ``*``."""
    text = text if len(text) <= 40 else text[:37] + "..."
    if sum(c.isdigit() for c in text) < 6:
        return text
    return "".join("*" if c.isdigit() else c for c in text)


def _check_id(field: str, error: type[ILPError]) -> Any:
    def check(_: object, __: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not value.strip():
            shown = repr(value) if isinstance(value, str) else _kind(value)
            msg = f"{field}: expected a non-empty text id, got {shown}"
            raise error(msg, field=field, value=value if isinstance(value, str) else None)
        if len(value) > MAX_TEXT:
            msg = f"{field}: an id of {len(value)} characters; at most {MAX_TEXT}"
            raise error(msg, field=field, value=None)

    return check


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


def _short_key(key: str) -> str:
    return repr(key if len(key) <= 40 else key[:37] + "...")


def _from_mapping(cls: type[Any], data: Mapping[str, Any], what: str, error: type[ILPError]) -> Any:
    if not isinstance(data, Mapping):
        msg = f"{what}: expected a mapping of fields, got {_kind(data)}"
        raise error(msg, field=what, value=None)
    fields = attrs.fields_dict(cls)
    # an optional field given as null (YAML `edd: null`) means "not given"
    data = {
        k: v
        for k, v in data.items()
        if not (v is None and k in fields and fields[k].default is not attrs.NOTHING)
    }
    unknown = sorted(str(k) for k in data if k not in fields)
    if unknown:
        msg = f"{what}: unknown field {_short_key(unknown[0])} (known: {', '.join(sorted(fields))})"
        raise error(msg, field=unknown[0], value=None)
    missing = [n for n, f in fields.items() if f.default is attrs.NOTHING and n not in data]
    if missing:
        msg = f"{what}: missing required field {missing[0]!r}"
        raise error(msg, field=missing[0], value=None)
    try:
        return cls(**data)
    except ILPError:
        raise
    except (TypeError, ValueError) as exc:
        detail = str(exc) if len(str(exc)) <= 100 else str(exc)[:97] + "..."
        msg = f"{what}: {detail}"
        raise error(msg, field=what, value=None) from None


def _check_code(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or _CODE.fullmatch(value) is None:
        msg = f"code: {_show(value)} is not a service code such as 'BCG' or 'DPT-HB-HIB-1'"
        raise InvalidRecordError(msg, field="code", value=value)


def _record_date(value: object) -> pendulum.Date:
    try:
        return as_date(value, field="date")
    except InvalidDateError as exc:
        raise InvalidRecordError(exc.msg, field="date", value=value) from None


def _record_value(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        msg = f"value: {_kind(value)} is not a number"
        raise InvalidRecordError(msg, field="value", value=None)
    text = value if isinstance(value, str) else None
    if text is not None and len(text) > 40:
        msg = "value: a text of more than 40 characters is not a number"
        raise InvalidRecordError(msg, field="value", value=None)
    try:
        number = float(value)
    except (ValueError, OverflowError):
        msg = f"value: {_show(value)} is not a number"
        raise InvalidRecordError(msg, field="value", value=value) from None
    if not math.isfinite(number):
        msg = f"value: {_show(value)} is not a finite number (NaN and infinity are refused)"
        raise InvalidRecordError(msg, field="value", value=None)
    return number


@attrs.frozen(order=False)
class ServiceRecord:
    """A service given: its code, the date, and optionally where, by whom, and the result."""

    code: str = attrs.field(validator=_check_code)
    date: pendulum.Date = attrs.field(converter=_record_date)
    #: Facility id where it was given (Puskesmas, Pustu, Posyandu, …).
    place: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text("place", InvalidRecordError)
    )
    #: Who gave it (a staff id or a provider type such as ``bidan``).
    provider: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text("provider", InvalidRecordError)
    )
    #: A coded or free-text result, such as ``normal`` or ``positive``.
    result: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text("result", InvalidRecordError)
    )
    #: A measured value, such as a weight in kg or a blood pressure systole.
    value: float | None = attrs.field(default=None, kw_only=True, converter=_record_value)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ServiceRecord:
        """Build a record from a mapping such as ``{"code": "BCG", "date": "2024-02-15"}``."""
        made: ServiceRecord = _from_mapping(cls, data, "record", InvalidRecordError)
        return made


def validate_history(person: Person, history: Iterable[ServiceRecord]) -> tuple[ServiceRecord, ...]:
    """*history* sorted by date, after checking every record falls within the person's life.

    A record dated before birth or after death raises
    :class:`~ilp.errors.InvalidRecordError` naming the code and date.
    """
    records = tuple(history)
    for r in records:
        if not isinstance(r, ServiceRecord):
            msg = f"history: expected ServiceRecord items, got {type(r).__name__} {r!r}"
            raise InvalidRecordError(msg, field="history", value=r)
        if r.date < person.birth_date:
            msg = (
                f"history: {r.code} on {r.date.isoformat()} is before the date of birth "
                f"{person.birth_date.isoformat()} of person {person.id!r}"
            )
            raise InvalidRecordError(msg, field="date", value=r.date)
        if person.death_date is not None and r.date > person.death_date:
            msg = (
                f"history: {r.code} on {r.date.isoformat()} is after the death_date "
                f"{person.death_date.isoformat()} of person {person.id!r}"
            )
            raise InvalidRecordError(msg, field="date", value=r.date)
    return tuple(sorted(records, key=lambda r: (r.date, r.code)))


class Relation(enum.Enum):
    """A member's place in the family, as on the family card (Kartu Keluarga)."""

    HEAD = "head"  #: kepala keluarga
    SPOUSE = "spouse"  #: istri/suami
    CHILD = "child"  #: anak
    PARENT = "parent"  #: orang tua / mertua
    OTHER = "other"  #: famili lain, pembantu, lainnya


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

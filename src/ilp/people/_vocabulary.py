"""The closed vocabularies of people (sex, conditions, outcomes, relations); pregnancy spans."""

from __future__ import annotations

import enum
from typing import Final

from ilp._coerce import member_of
from ilp.errors import InvalidPersonError
from ilp.people._fields import _show

__all__ = [
    "EDD_DAYS",
    "MAX_PREGNANCY_DAYS",
    "MIN_BIRTH_DAYS",
    "MIN_PREGNANCY_AGE_YEARS",
    "POSTTERM_DAYS",
    "Condition",
    "Outcome",
    "Relation",
    "Sex",
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


class Relation(enum.Enum):
    """A member's place in the family, as on the family card (Kartu Keluarga)."""

    HEAD = "head"  #: kepala keluarga
    SPOUSE = "spouse"  #: istri/suami
    CHILD = "child"  #: anak
    PARENT = "parent"  #: orang tua / mertua
    OTHER = "other"  #: famili lain, pembantu, lainnya

"""People, pregnancies, service records and families (keluarga).

Everything here is a frozen attrs class whose validators refuse impossible
values with an :class:`~ilp.errors.ILPError` subclass that names the field
and the value. Change is ``attrs.evolve``. Entities (:class:`Person`,
:class:`Family`) compare by id; values (:class:`Pregnancy`,
:class:`ServiceRecord`) by value.
"""

from __future__ import annotations

from ilp.people._family import Family, FamilyRegister, Household, Member
from ilp.people._fields import MAX_TEXT as MAX_TEXT
from ilp.people._fields import mask_nik
from ilp.people._person import Person, Pregnancy, School
from ilp.people._records import ServiceRecord, ValidatedHistory, history_days, validate_history
from ilp.people._vocabulary import EDD_DAYS as EDD_DAYS
from ilp.people._vocabulary import MAX_PREGNANCY_DAYS as MAX_PREGNANCY_DAYS
from ilp.people._vocabulary import MIN_BIRTH_DAYS as MIN_BIRTH_DAYS
from ilp.people._vocabulary import MIN_PREGNANCY_AGE_YEARS as MIN_PREGNANCY_AGE_YEARS
from ilp.people._vocabulary import POSTTERM_DAYS as POSTTERM_DAYS
from ilp.people._vocabulary import Condition, Outcome, Relation, Sex

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
    "ValidatedHistory",
    "history_days",
    "mask_nik",
    "validate_history",
]

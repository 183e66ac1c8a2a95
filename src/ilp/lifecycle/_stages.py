"""Life-cycle stages (siklus hidup) and which of them a person is in on a date."""

from __future__ import annotations

import enum
from typing import Final

import pendulum

from ilp._vocabulary import Cluster, Label
from ilp.dates import as_date, months_between
from ilp.errors import InvalidDateError
from ilp.people import Person

__all__ = ["AGE_STAGES", "NEONATE_DAYS", "NIFAS_DAYS", "LifeStage", "stages_of", "stages_on_day"]

#: Postpartum (nifas) lasts through this many days after delivery (KMK §IV, KF4 29–42 days).
NIFAS_DAYS = 42
#: Newborn (neonatus) through this many days of age (KMK §IV, 0–28 days).
NEONATE_DAYS = 28


class LifeStage(enum.Enum):
    """A life-cycle stage. Stages overlap: a person may be in several at once.

    Boundaries follow the KMK as settled in ``decisions.md`` ("Life-cycle stages").
    """

    IBU_HAMIL = "ibu_hamil"  #: pregnant: from the HPHT to the day before delivery
    IBU_BERSALIN = "ibu_bersalin"  #: giving birth: the day of delivery
    IBU_NIFAS = "ibu_nifas"  #: postpartum: delivery day through day 42
    NEONATUS = "neonatus"  #: newborn (bayi baru lahir): 0–28 days
    BAYI = "bayi"  #: infant: 0–11 months
    BALITA = "balita"  #: under five: 0–59 months
    PRASEKOLAH = "prasekolah"  #: pre-school: 60–83 months (5–6 years)
    USIA_SEKOLAH = "usia_sekolah"  #: school age: 6 to under 18 years
    REMAJA = "remaja"  #: adolescent: 10 to under 18 years
    DEWASA = "dewasa"  #: adult: 18–59 years
    LANSIA = "lansia"  #: elderly: 60 years and over

    @property
    def label(self) -> Label:
        """The stage's name in Indonesian and English."""
        return _LABELS[self]

    @property
    def cluster(self) -> Cluster:
        """The Puskesmas cluster that serves this stage (2 or 3)."""
        return Cluster.ADULT_ELDERLY if self in _ADULT else Cluster.MOTHER_CHILD


_ADULT = frozenset({LifeStage.DEWASA, LifeStage.LANSIA})

_LABELS = {
    LifeStage.IBU_HAMIL: Label("Ibu hamil", "Pregnant woman"),
    LifeStage.IBU_BERSALIN: Label("Ibu bersalin", "Woman giving birth"),
    LifeStage.IBU_NIFAS: Label("Ibu nifas", "Postpartum woman"),
    LifeStage.NEONATUS: Label("Bayi baru lahir", "Newborn"),
    LifeStage.BAYI: Label("Bayi", "Infant"),
    LifeStage.BALITA: Label("Balita", "Child under five"),
    LifeStage.PRASEKOLAH: Label("Anak prasekolah", "Pre-school child"),
    LifeStage.USIA_SEKOLAH: Label("Anak usia sekolah", "School-age child"),
    LifeStage.REMAJA: Label("Remaja", "Adolescent"),
    LifeStage.DEWASA: Label("Usia dewasa", "Adult"),
    LifeStage.LANSIA: Label("Lanjut usia", "Older person"),
}

#: (stage, first month of age, first month no longer in it); None = no upper bound.
AGE_STAGES: tuple[tuple[LifeStage, int, int | None], ...] = (
    (LifeStage.BAYI, 0, 12),
    (LifeStage.BALITA, 0, 60),
    (LifeStage.PRASEKOLAH, 60, 84),
    (LifeStage.USIA_SEKOLAH, 72, 216),
    (LifeStage.REMAJA, 120, 216),
    (LifeStage.DEWASA, 216, 720),
    (LifeStage.LANSIA, 720, None),
)


def _age_stages(months: int) -> frozenset[LifeStage]:
    return frozenset(s for s, lo, hi in AGE_STAGES if lo <= months and (hi is None or months < hi))


# the stages of AGE_STAGES at each age in months, from 0 up to the last bound (the same
# from there on), worked out once: due() asks once per call
_LAST_BOUND: Final = max(b for _, lo, hi in AGE_STAGES for b in (lo, hi) if b is not None)
_BY_MONTHS: Final = tuple(_age_stages(m) for m in range(_LAST_BOUND + 1))


def stages_of(person: Person, on: pendulum.Date | str) -> frozenset[LifeStage]:
    """The life-cycle stages *person* is in on date *on*.

    Empty after the date of death. A date before birth raises
    :class:`~ilp.errors.InvalidDateError`.
    """
    day = as_date(on, field="on")
    if day < person.birth_date:
        msg = (
            f"on: {day.isoformat()} is before the date of birth "
            f"{person.birth_date.isoformat()} of person {person.id!r}"
        )
        raise InvalidDateError(msg, field="on", value=day)
    if person.death_date is not None and day > person.death_date:
        return frozenset()
    d, b = day.toordinal(), person.birth_date.toordinal()
    return stages_on_day(person, d, months_between(b, d))


# LifeStage members as module constants: LifeStage.X reads the enum class (~55 ns), a
# global ~10 ns; stages_on_day runs for every neonate and person with a pregnancy (issue 11)
_NEONATUS: Final = LifeStage.NEONATUS
_IBU_HAMIL: Final = LifeStage.IBU_HAMIL
_IBU_BERSALIN: Final = LifeStage.IBU_BERSALIN
_IBU_NIFAS: Final = LifeStage.IBU_NIFAS


def stages_on_day(person: Person, d: int, months: int) -> frozenset[LifeStage]:
    """:func:`stages_of` on day number *d* (alive, on or after birth), *months* old."""
    b = person.birth_date.toordinal()
    by_age = _BY_MONTHS[months if months < len(_BY_MONTHS) else -1]
    if d - b > NEONATE_DAYS and not person.pregnancies:
        return by_age
    found = set(by_age)
    if d - b <= NEONATE_DAYS:
        found.add(_NEONATUS)
    for p in person.pregnancies:
        if p.lmp.toordinal() <= d <= p.last_pregnant_day.toordinal():
            found.add(_IBU_HAMIL)
        if p.is_birth and p.delivery_date is not None:
            after = d - p.delivery_date.toordinal()
            if after == 0:
                found.add(_IBU_BERSALIN)
            if 0 <= after <= NIFAS_DAYS:
                found.add(_IBU_NIFAS)
    return frozenset(found)

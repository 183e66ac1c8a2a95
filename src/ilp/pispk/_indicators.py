"""The 12 indicators as rules: each reads a family's facts and answers Y, T or N with a reason."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

import attrs
import pendulum

from ilp._vocabulary import Label
from ilp.dates import age_in_months
from ilp.people import (
    Condition,
    Family,
    Outcome,
    Person,
    Relation,
    ServiceRecord,
    Sex,
)
from ilp.pispk._model import (
    BASIC_IMMUNIZATION,
    GROWTH_CODE,
    HYPERTENSION_CONTROL_CODE,
    MENTAL_ILLNESS_CARE_CODE,
    TB_TREATMENT_CODE,
    Answer,
)

__all__ = [
    "RULES",
    "Facts",
    "first_of_previous_month",
]

Verdict = tuple[Answer, Label]


@attrs.frozen
class Facts:
    """What the indicator rules read: the living members, their ages and records up to *day*."""

    family: Family
    day: pendulum.Date
    #: Start of the look-back window for "last month": first day of the previous month.
    since: pendulum.Date
    living: tuple[Person, ...]
    #: Completed months of age of each living member, by person id.
    months: Mapping[str, int]
    #: Each person's records dated on or before *day*, by person id.
    histories: Mapping[str, tuple[ServiceRecord, ...]]

    def has_recent(self, person: Person, code: str) -> bool:
        """True when *person* has a *code* record from :attr:`since` through :attr:`day`."""
        return any(
            r.code == code and r.date >= self.since for r in self.histories.get(person.id, ())
        )


def first_of_previous_month(day: pendulum.Date) -> pendulum.Date:
    if day.month == 1:
        return pendulum.Date(day.year - 1, 12, 1)
    return pendulum.Date(day.year, day.month - 1, 1)


def _ids(people: Iterable[Person]) -> str:
    return ", ".join(p.id for p in people)


def _survey(value: bool | None, yes: Label, no: Label, unknown: Label) -> Verdict:
    """A household survey answer: True is Y; False and not recorded (None) are T."""
    if value is True:
        return Answer.Y, yes
    return Answer.T, no if value is False else unknown


def _family_planning(f: Facts) -> Verdict:
    living = {p.id for p in f.living}
    head = f.family.head
    couple = head.id in living and any(
        m.relation is Relation.SPOUSE
        and m.person.id in living
        and m.person.sex is not head.sex
        and 15 <= f.months[(head if head.sex is Sex.FEMALE else m.person).id] // 12 <= 49
        for m in f.family.members
    )
    if not couple:
        return Answer.N, Label(
            "tidak ada pasangan usia subur (istri 15–49 tahun)",
            "no couple of reproductive age (wife aged 15–49)",
        )
    return _survey(
        f.family.household.family_planning,
        Label("pasangan usia subur ber-KB", "the couple of reproductive age uses family planning"),
        Label(
            "pasangan usia subur tidak ber-KB",
            "the couple of reproductive age does not use family planning",
        ),
        Label(
            "pasangan usia subur; kepesertaan KB tidak tercatat",
            "couple of reproductive age; family planning not recorded",
        ),
    )


def _facility_delivery(f: Facts) -> Verdict:
    mothers: dict[bool | None, list[Person]] = {True: [], False: [], None: []}
    for person in f.living:
        for p in person.pregnancies:
            d = p.delivery_date
            if (
                d is not None
                and p.outcome in (Outcome.LIVE_BIRTH, None)
                and d <= f.day
                and age_in_months(d, f.day) <= 11
            ):
                mothers[p.in_facility].append(person)
    if not any(mothers.values()):
        return Answer.N, Label(
            "tidak ada ibu dengan bayi 0–11 bulan", "no mother with a baby aged 0–11 months"
        )
    if not mothers[False] and not mothers[None]:
        ids = _ids(mothers[True])
        return Answer.Y, Label(
            f"persalinan di fasilitas kesehatan: {ids}", f"delivered in a health facility: {ids}"
        )
    parts_id, parts_en = [], []
    if mothers[False]:
        ids = _ids(mothers[False])
        parts_id.append(f"persalinan bukan di fasilitas kesehatan: {ids}")
        parts_en.append(f"did not deliver in a health facility: {ids}")
    if mothers[None]:
        ids = _ids(mothers[None])
        parts_id.append(f"tempat persalinan tidak tercatat: {ids}")
        parts_en.append(f"place of delivery not recorded: {ids}")
    return Answer.T, Label("; ".join(parts_id), "; ".join(parts_en))


def _complete_immunization(f: Facts) -> Verdict:
    children = [p for p in f.living if 12 <= f.months[p.id] <= 23]
    if not children:
        return Answer.N, Label("tidak ada anak 12–23 bulan", "no child aged 12–23 months")
    gaps_id, gaps_en = [], []
    for child in children:
        given = {r.code for r in f.histories.get(child.id, ())}
        missing = [c for c in BASIC_IMMUNIZATION if c not in given]
        if len(missing) == len(BASIC_IMMUNIZATION):
            gaps_id.append(f"{child.id} (tidak ada catatan)")
            gaps_en.append(f"{child.id} (no records)")
        elif missing:
            gaps_id.append(f"{child.id} (kurang {', '.join(missing)})")
            gaps_en.append(f"{child.id} (missing {', '.join(missing)})")
    if not gaps_id:
        ids = _ids(children)
        return Answer.Y, Label(
            f"imunisasi dasar lengkap: {ids}", f"complete basic immunisation: {ids}"
        )
    return Answer.T, Label(
        f"imunisasi dasar belum lengkap: {', '.join(gaps_id)}",
        f"basic immunisation incomplete: {', '.join(gaps_en)}",
    )


def _exclusive_breastfeeding(f: Facts) -> Verdict:
    if not any(7 <= f.months[p.id] <= 23 for p in f.living):
        return Answer.N, Label("tidak ada bayi 7–23 bulan", "no infant aged 7–23 months")
    return _survey(
        f.family.household.exclusive_breastfeeding,
        Label("ASI eksklusif 6 bulan", "exclusively breastfed for 6 months"),
        Label("tidak ASI eksklusif", "not exclusively breastfed"),
        Label("ASI eksklusif tidak tercatat", "exclusive breastfeeding not recorded"),
    )


def _care(f: Facts, people: list[Person], code: str, nobody: Label) -> Verdict:
    """Y when every person in *people* has a *code* record since the start of last month."""
    if not people:
        return Answer.N, nobody
    since = f.since.isoformat()
    missing = [p for p in people if not f.has_recent(p, code)]
    if not missing:
        ids = _ids(people)
        return Answer.Y, Label(
            f"{code} tercatat sejak {since}: {ids}", f"{code} recorded since {since}: {ids}"
        )
    ids = _ids(missing)
    return Answer.T, Label(
        f"tidak ada {code} sejak {since}: {ids}", f"no {code} since {since}: {ids}"
    )


def _growth_monitoring(f: Facts) -> Verdict:
    children = [p for p in f.living if 2 <= f.months[p.id] <= 59]
    nobody = Label("tidak ada balita 2–59 bulan", "no child aged 2–59 months")
    return _care(f, children, GROWTH_CODE, nobody)


def _with_condition(f: Facts, condition: Condition, *, min_years: int) -> list[Person]:
    return [p for p in f.living if condition in p.conditions and f.months[p.id] >= min_years * 12]


def _tb_treatment(f: Facts) -> Verdict:
    patients = _with_condition(f, Condition.TUBERCULOSIS, min_years=15)
    nobody = Label("tidak ada anggota ≥15 tahun dengan TBC", "no member aged 15+ with TB")
    return _care(f, patients, TB_TREATMENT_CODE, nobody)


def _hypertension_treatment(f: Facts) -> Verdict:
    patients = _with_condition(f, Condition.HYPERTENSION, min_years=15)
    nobody = Label(
        "tidak ada anggota ≥15 tahun dengan hipertensi", "no member aged 15+ with hypertension"
    )
    return _care(f, patients, HYPERTENSION_CONTROL_CODE, nobody)


def _mental_illness_treatment(f: Facts) -> Verdict:
    patients = _with_condition(f, Condition.SEVERE_MENTAL_DISORDER, min_years=0)
    nobody = Label(
        "tidak ada anggota dengan gangguan jiwa berat", "no member with severe mental illness"
    )
    return _care(f, patients, MENTAL_ILLNESS_CARE_CODE, nobody)


def _no_smoking(f: Facts) -> Verdict:
    smokers = [p for p in f.living if Condition.SMOKER in p.conditions]
    if smokers:
        ids = _ids(smokers)
        return Answer.T, Label(f"anggota merokok: {ids}", f"members who smoke: {ids}")
    return _survey(
        f.family.household.no_smoker,
        Label("tidak ada anggota yang merokok", "no member smokes"),
        Label("ada anggota yang merokok", "a member smokes"),
        Label("kebiasaan merokok tidak tercatat", "smoking not recorded"),
    )


def _jkn(f: Facts) -> Verdict:
    return _survey(
        f.family.household.jkn,
        Label("seluruh anggota peserta JKN", "every member is enrolled in JKN"),
        Label("tidak seluruh anggota peserta JKN", "not every member is enrolled in JKN"),
        Label("kepesertaan JKN tidak tercatat", "JKN enrolment not recorded"),
    )


def _clean_water(f: Facts) -> Verdict:
    return _survey(
        f.family.household.clean_water,
        Label("ada akses air bersih", "has access to clean water"),
        Label("tidak ada akses air bersih", "no access to clean water"),
        Label("akses air bersih tidak tercatat", "access to clean water not recorded"),
    )


def _healthy_latrine(f: Facts) -> Verdict:
    return _survey(
        f.family.household.healthy_latrine,
        Label("memiliki dan memakai jamban sehat", "has and uses a healthy latrine"),
        Label(
            "tidak memiliki atau tidak memakai jamban sehat",
            "has no healthy latrine or does not use one",
        ),
        Label("jamban sehat tidak tercatat", "healthy latrine not recorded"),
    )


RULES: Final = (
    _family_planning,
    _facility_delivery,
    _complete_immunization,
    _exclusive_breastfeeding,
    _growth_monitoring,
    _tb_treatment,
    _hypertension_treatment,
    _mental_illness_treatment,
    _no_smoking,
    _jkn,
    _clean_water,
    _healthy_latrine,
)

"""PIS-PK family assessment: the 12 healthy-family indicators and the IKS.

PIS-PK (Program Indonesia Sehat dengan Pendekatan Keluarga, Permenkes
39/2016) scores every family on 12 indicators, each **Y** (met), **T** (not
met) or **N** (not applicable), and sums them into the family health index
IKS (Indeks Keluarga Sehat) = ΣY / (ΣY + ΣT). The indicator list, the ages
and the IKS bands follow ``shared/domain/structure.md`` §6 and §2a, which
restate the Kemenkes explainer (source S11) and an IKS calculation sheet
(source S23). Where those sources leave a question open, the decision taken
here is written in :func:`assess_family` and in ``docs/pispk.md``.

Everything here is pure: the date is always an argument, and the same
family, date and records always give the same result.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs
import pendulum

from ilp._vocabulary import Label
from ilp.dates import DateLike, age_in_months, as_date
from ilp.errors import InvalidAssessmentError, InvalidFamilyError, InvalidRecordError
from ilp.people import (
    Condition,
    Family,
    Outcome,
    Person,
    Relation,
    ServiceRecord,
    Sex,
    validate_history,
)

__all__ = [
    "BASIC_IMMUNIZATION",
    "GROWTH_CODE",
    "HYPERTENSION_CONTROL_CODE",
    "MENTAL_ILLNESS_CARE_CODE",
    "PRA_SEHAT_FROM",
    "SEHAT_ABOVE",
    "TB_TREATMENT_CODE",
    "Answer",
    "IKSCategory",
    "Indicator",
    "InvalidAssessmentError",
    "PISPKResult",
    "PISPKSummary",
    "aggregate",
    "assess_family",
]

#: The complete basic immunisation set (imunisasi dasar lengkap, IDL) that
#: indicator 3 asks for, in schedule order: the classic IDL (HB0, BCG, polio
#: 1–4, DPT-HB-Hib 1–3, measles) with IPV-1 and MR-1 (measles–rubella, which
#: replaced the measles dose). PCV and rotavirus are newer national antigens
#: and are not part of the classic IDL definition, so they are not required.
BASIC_IMMUNIZATION: Final[tuple[str, ...]] = (
    "HB0",
    "BCG",
    "OPV-1",
    "DPT-HB-HIB-1",
    "OPV-2",
    "DPT-HB-HIB-2",
    "OPV-3",
    "DPT-HB-HIB-3",
    "OPV-4",
    "IPV-1",
    "MR-1",
)
#: Record code of a weighing and measuring (indicator 5).
GROWTH_CODE: Final = "GROWTH"
#: Record code of a TB treatment contact, such as a drug pick-up (indicator 6).
TB_TREATMENT_CODE: Final = "TB-TREATMENT"
#: Record code of a monthly hypertension follow-up (indicator 7).
HYPERTENSION_CONTROL_CODE: Final = "HT-CONTROL"
#: Record code of care for a person with severe mental illness (indicator 8).
MENTAL_ILLNESS_CARE_CODE: Final = "ODGJ-CARE"
#: A family is *sehat* when its IKS is strictly above this.
SEHAT_ABOVE: Final = 0.8
#: A family is *pra-sehat* from this IKS up to and including :data:`SEHAT_ABOVE`.
PRA_SEHAT_FROM: Final = 0.5

_INDICATOR_COUNT: Final = 12


class Answer(enum.Enum):
    """One indicator's answer for one family, as on the PIS-PK form."""

    Y = "Y"  #: ya: the indicator applies and is met
    T = "T"  #: tidak: the indicator applies and is not met (or not shown to be met)
    N = "N"  #: not applicable: the family has nobody the indicator asks about

    @property
    def label(self) -> Label:
        """The answer in Indonesian and English."""
        return _ANSWER_LABELS[self]


_ANSWER_LABELS: Final = {
    Answer.Y: Label("Ya", "Yes (met)"),
    Answer.T: Label("Tidak", "No (not met)"),
    Answer.N: Label("Tidak berlaku", "Not applicable"),
}


class Indicator(enum.Enum):
    """The 12 PIS-PK healthy-family indicators, in their official order (1–12)."""

    KB = "kb"  #: 1. the family takes part in family planning (KB)
    FACILITY_DELIVERY = "facility_delivery"  #: 2. the mother gave birth in a health facility
    COMPLETE_IMMUNIZATION = "complete_immunization"  #: 3. complete basic immunisation
    EXCLUSIVE_BREASTFEEDING = "exclusive_breastfeeding"  #: 4. exclusive breastfeeding
    GROWTH_MONITORING = "growth_monitoring"  #: 5. growth of the under-five monitored
    TB_TREATMENT = "tb_treatment"  #: 6. TB patient treated to standard
    HYPERTENSION_TREATMENT = "hypertension_treatment"  #: 7. hypertension treated regularly
    MENTAL_ILLNESS_TREATMENT = "mental_illness_treatment"  #: 8. severe mental illness treated
    NO_SMOKING = "no_smoking"  #: 9. no family member smokes
    JKN = "jkn"  #: 10. the family is enrolled in JKN
    CLEAN_WATER = "clean_water"  #: 11. access to clean water
    HEALTHY_LATRINE = "healthy_latrine"  #: 12. has and uses a healthy latrine

    @property
    def number(self) -> int:
        """The indicator's number on the PIS-PK form (1–12)."""
        return _NUMBERS[self]

    @property
    def label(self) -> Label:
        """The indicator's name in Indonesian and English."""
        return _INDICATOR_LABELS[self]


_NUMBERS: Final = {indicator: n for n, indicator in enumerate(Indicator, start=1)}

_INDICATOR_LABELS: Final = {
    Indicator.KB: Label(
        "Keluarga mengikuti program Keluarga Berencana (KB)",
        "The family takes part in family planning (KB)",
    ),
    Indicator.FACILITY_DELIVERY: Label(
        "Ibu melakukan persalinan di fasilitas kesehatan",
        "The mother gave birth in a health facility",
    ),
    Indicator.COMPLETE_IMMUNIZATION: Label(
        "Bayi mendapat imunisasi dasar lengkap",
        "The infant has complete basic immunisation",
    ),
    Indicator.EXCLUSIVE_BREASTFEEDING: Label(
        "Bayi mendapat air susu ibu (ASI) eksklusif",
        "The infant was exclusively breastfed",
    ),
    Indicator.GROWTH_MONITORING: Label(
        "Balita mendapatkan pemantauan pertumbuhan",
        "The under-five child's growth is monitored",
    ),
    Indicator.TB_TREATMENT: Label(
        "Penderita tuberkulosis paru mendapatkan pengobatan sesuai standar",
        "The TB patient is treated to standard",
    ),
    Indicator.HYPERTENSION_TREATMENT: Label(
        "Penderita hipertensi melakukan pengobatan secara teratur",
        "The hypertension patient is treated regularly",
    ),
    Indicator.MENTAL_ILLNESS_TREATMENT: Label(
        "Penderita gangguan jiwa berat mendapatkan pengobatan dan tidak ditelantarkan",
        "The person with severe mental illness is treated and not neglected",
    ),
    Indicator.NO_SMOKING: Label(
        "Anggota keluarga tidak ada yang merokok",
        "No family member smokes",
    ),
    Indicator.JKN: Label(
        "Keluarga sudah menjadi anggota Jaminan Kesehatan Nasional (JKN)",
        "The family is enrolled in national health insurance (JKN)",
    ),
    Indicator.CLEAN_WATER: Label(
        "Keluarga mempunyai akses sarana air bersih",
        "The family has access to clean water",
    ),
    Indicator.HEALTHY_LATRINE: Label(
        "Keluarga mempunyai akses atau menggunakan jamban sehat",
        "The family has and uses a healthy latrine",
    ),
}


class IKSCategory(enum.Enum):
    """The band of a family's IKS (structure.md §6, source S23).

    The sources give *sehat* as > 0.800 and *pra-sehat* as 0.500–0.800; the
    calculation sheet's 50–79 % / > 80 % leaves 0.800 itself open. Decision:
    exactly 0.800 is *pra-sehat* (only an IKS strictly above 0.800 is
    *sehat*), and exactly 0.500 is *pra-sehat*.
    """

    SEHAT = "sehat"  #: keluarga sehat: IKS > 0.800
    PRA_SEHAT = "pra_sehat"  #: keluarga pra-sehat: 0.500 <= IKS <= 0.800
    TIDAK_SEHAT = "tidak_sehat"  #: keluarga tidak sehat: IKS < 0.500

    @property
    def label(self) -> Label:
        """The category's name in Indonesian and English."""
        return _CATEGORY_LABELS[self]

    @classmethod
    def of(cls, iks: float) -> IKSCategory:
        """The category of an IKS value between 0 and 1.

        A value outside [0, 1], NaN or not a number raises
        :class:`InvalidAssessmentError`.
        """
        if (
            isinstance(iks, bool)
            or not isinstance(iks, int | float)
            or math.isnan(iks)
            or not 0 <= iks <= 1
        ):
            msg = f"iks: {iks!r} is not an IKS value between 0 and 1"
            raise InvalidAssessmentError(msg, field="iks", value=iks)
        if iks > SEHAT_ABOVE:
            return cls.SEHAT
        if iks >= PRA_SEHAT_FROM:
            return cls.PRA_SEHAT
        return cls.TIDAK_SEHAT


_CATEGORY_LABELS: Final = {
    IKSCategory.SEHAT: Label("Keluarga sehat", "Healthy family"),
    IKSCategory.PRA_SEHAT: Label("Keluarga pra-sehat", "Pre-healthy family"),
    IKSCategory.TIDAK_SEHAT: Label("Keluarga tidak sehat", "Unhealthy family"),
}


def _answers(value: Iterable[Answer]) -> tuple[Answer, ...]:
    items = tuple(value)
    if len(items) != _INDICATOR_COUNT or not all(isinstance(a, Answer) for a in items):
        msg = (
            f"answers: expected {_INDICATOR_COUNT} Answer values in indicator order, got {items!r}"
        )
        raise InvalidAssessmentError(msg, field="answers", value=items)
    return items


def _reasons(value: Iterable[Label]) -> tuple[Label, ...]:
    items = tuple(value)
    if len(items) != _INDICATOR_COUNT or not all(isinstance(r, Label) for r in items):
        msg = f"reasons: expected {_INDICATOR_COUNT} Label values in indicator order, got {items!r}"
        raise InvalidAssessmentError(msg, field="reasons", value=items)
    return items


def _on(value: object) -> pendulum.Date:
    return as_date(value, field="on")


@attrs.frozen
class PISPKResult:
    """One family's PIS-PK assessment on one date.

    ``answers`` and ``reasons`` hold one entry per :class:`Indicator`, in
    indicator order; :meth:`answer` and :meth:`reason` look one up. The IKS
    and its category are computed from the answers, so they always agree.
    """

    #: The family card number (no. KK) of the family assessed.
    kk_number: str
    #: The date of the assessment.
    on: pendulum.Date = attrs.field(converter=_on)
    #: Y / T / N for indicators 1–12, in order.
    answers: tuple[Answer, ...] = attrs.field(converter=_answers)
    #: Why each answer was given, in Indonesian and English, in indicator order.
    reasons: tuple[Label, ...] = attrs.field(converter=_reasons)

    def answer(self, indicator: Indicator) -> Answer:
        """The answer for *indicator*."""
        return self.answers[indicator.number - 1]

    def reason(self, indicator: Indicator) -> Label:
        """Why *indicator* got its answer."""
        return self.reasons[indicator.number - 1]

    @property
    def met(self) -> int:
        """How many indicators are Y."""
        return self.answers.count(Answer.Y)

    @property
    def not_met(self) -> int:
        """How many indicators are T."""
        return self.answers.count(Answer.T)

    @property
    def applicable(self) -> tuple[Indicator, ...]:
        """The indicators that apply to the family (Y or T), in order."""
        return tuple(i for i, a in zip(Indicator, self.answers, strict=True) if a is not Answer.N)

    @property
    def iks(self) -> float | None:
        """IKS = ΣY / (ΣY + ΣT); None when no indicator applies."""
        applicable = self.met + self.not_met
        return self.met / applicable if applicable else None

    @property
    def category(self) -> IKSCategory | None:
        """The IKS band; None when no indicator applies."""
        iks = self.iks
        return None if iks is None else IKSCategory.of(iks)

    def as_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data: IKS, category and each indicator with reason."""
        category = self.category
        return {
            "kk_number": self.kk_number,
            "on": self.on.isoformat(),
            "iks": self.iks,
            "category": None if category is None else category.value,
            "indicators": [
                {
                    "number": indicator.number,
                    "code": indicator.value,
                    "answer": answer.value,
                    "reason": reason.as_dict(),
                }
                for indicator, answer, reason in zip(
                    Indicator, self.answers, self.reasons, strict=True
                )
            ],
        }

    def summary(self, lang: str = "en") -> str:
        """A short report in ``"id"`` or ``"en"``: the IKS line, then one line per indicator."""
        if lang not in ("id", "en"):
            msg = f"lang: {lang!r} is not 'id' or 'en'"
            raise InvalidAssessmentError(msg, field="lang", value=lang)
        iks, category = self.iks, self.category
        head = "IKS -" if iks is None or category is None else f"IKS {iks:.3f}"
        if category is not None:
            head += f" ({category.label[lang]})"
        lines = [f"PIS-PK {self.kk_number} {self.on.isoformat()}: {head}"]
        lines.extend(
            f"{indicator.number:>3}. {answer.value}  {indicator.label[lang]}: {reason[lang]}"
            for indicator, answer, reason in zip(Indicator, self.answers, self.reasons, strict=True)
        )
        return "\n".join(lines)


def _counts(value: Iterable[int]) -> tuple[int, ...]:
    items = tuple(value)
    if len(items) != _INDICATOR_COUNT or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in items
    ):
        msg = f"expected {_INDICATOR_COUNT} counts of 0 or more in indicator order, got {items!r}"
        raise InvalidAssessmentError(msg, field="counts", value=items)
    return items


@attrs.frozen
class PISPKSummary:
    """PIS-PK results of many families (a desa, a Puskesmas area): IKS bands and coverage.

    The area's IKS is the share of families that are *sehat*
    (:attr:`share_sehat`); each indicator's coverage is the share of the
    families it applies to that meet it, Y / (Y + T) (:meth:`coverage`).
    """

    #: Families assessed.
    families: int
    #: Families whose IKS is > 0.800.
    sehat: int
    #: Families whose IKS is 0.500–0.800.
    pra_sehat: int
    #: Families whose IKS is < 0.500.
    tidak_sehat: int
    #: Families answering Y, per indicator, in indicator order.
    met: tuple[int, ...] = attrs.field(converter=_counts)
    #: Families answering T, per indicator, in indicator order.
    not_met: tuple[int, ...] = attrs.field(converter=_counts)

    @property
    def with_iks(self) -> int:
        """Families with an IKS (at least one indicator applies)."""
        return self.sehat + self.pra_sehat + self.tidak_sehat

    @property
    def share_sehat(self) -> float | None:
        """Sehat families over families with an IKS; None when there are none."""
        return self.sehat / self.with_iks if self.with_iks else None

    def coverage(self, indicator: Indicator) -> float | None:
        """Y / (Y + T) for *indicator* over the families; None when it applies to none."""
        y = self.met[indicator.number - 1]
        applicable = y + self.not_met[indicator.number - 1]
        return y / applicable if applicable else None

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready data, with each indicator's coverage."""
        return {
            "families": self.families,
            "sehat": self.sehat,
            "pra_sehat": self.pra_sehat,
            "tidak_sehat": self.tidak_sehat,
            "share_sehat": self.share_sehat,
            "coverage": {
                indicator.value: {
                    "met": self.met[indicator.number - 1],
                    "not_met": self.not_met[indicator.number - 1],
                    "coverage": self.coverage(indicator),
                }
                for indicator in Indicator
            },
        }


def _result(item: object) -> PISPKResult:
    if not isinstance(item, PISPKResult):
        msg = f"results: expected PISPKResult items, got {type(item).__name__} {item!r}"
        raise InvalidAssessmentError(msg, field="results", value=item)
    return item


def aggregate(results: Iterable[PISPKResult]) -> PISPKSummary:
    """Sum family results into a :class:`PISPKSummary` for an area.

    Each family counts once: two results with the same ``kk_number`` raise
    :class:`InvalidAssessmentError` (assess each family once per period
    and aggregate per period). An item that is not a :class:`PISPKResult`
    raises the same error.
    """
    bands = dict.fromkeys(IKSCategory, 0)
    met = [0] * _INDICATOR_COUNT
    not_met = [0] * _INDICATOR_COUNT
    seen: set[str] = set()
    for item in results:
        result = _result(item)
        if result.kk_number in seen:
            msg = f"results: family {result.kk_number} appears twice; each family counts once"
            raise InvalidAssessmentError(msg, field="results", value=result.kk_number)
        seen.add(result.kk_number)
        category = result.category
        if category is not None:
            bands[category] += 1
        for n, answer in enumerate(result.answers):
            if answer is Answer.Y:
                met[n] += 1
            elif answer is Answer.T:
                not_met[n] += 1
    return PISPKSummary(
        families=len(seen),
        sehat=bands[IKSCategory.SEHAT],
        pra_sehat=bands[IKSCategory.PRA_SEHAT],
        tidak_sehat=bands[IKSCategory.TIDAK_SEHAT],
        met=met,
        not_met=not_met,
    )


# --- the assessment ---------------------------------------------------------------------------

_Verdict = tuple[Answer, Label]


@attrs.frozen
class _Facts:
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


def _first_of_previous_month(day: pendulum.Date) -> pendulum.Date:
    if day.month == 1:
        return pendulum.Date(day.year - 1, 12, 1)
    return pendulum.Date(day.year, day.month - 1, 1)


def _ids(people: Iterable[Person]) -> str:
    return ", ".join(p.id for p in people)


def _survey(value: bool | None, yes: Label, no: Label, unknown: Label) -> _Verdict:
    """A household survey answer: True is Y; False and not recorded (None) are T."""
    if value is True:
        return Answer.Y, yes
    return Answer.T, no if value is False else unknown


def _family_planning(f: _Facts) -> _Verdict:
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


def _facility_delivery(f: _Facts) -> _Verdict:
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


def _complete_immunization(f: _Facts) -> _Verdict:
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


def _exclusive_breastfeeding(f: _Facts) -> _Verdict:
    if not any(7 <= f.months[p.id] <= 23 for p in f.living):
        return Answer.N, Label("tidak ada bayi 7–23 bulan", "no infant aged 7–23 months")
    return _survey(
        f.family.household.exclusive_breastfeeding,
        Label("ASI eksklusif 6 bulan", "exclusively breastfed for 6 months"),
        Label("tidak ASI eksklusif", "not exclusively breastfed"),
        Label("ASI eksklusif tidak tercatat", "exclusive breastfeeding not recorded"),
    )


def _care(f: _Facts, people: list[Person], code: str, nobody: Label) -> _Verdict:
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


def _growth_monitoring(f: _Facts) -> _Verdict:
    children = [p for p in f.living if 2 <= f.months[p.id] <= 59]
    nobody = Label("tidak ada balita 2–59 bulan", "no child aged 2–59 months")
    return _care(f, children, GROWTH_CODE, nobody)


def _with_condition(f: _Facts, condition: Condition, *, min_years: int) -> list[Person]:
    return [p for p in f.living if condition in p.conditions and f.months[p.id] >= min_years * 12]


def _tb_treatment(f: _Facts) -> _Verdict:
    patients = _with_condition(f, Condition.TUBERCULOSIS, min_years=15)
    nobody = Label("tidak ada anggota ≥15 tahun dengan TBC", "no member aged 15+ with TB")
    return _care(f, patients, TB_TREATMENT_CODE, nobody)


def _hypertension_treatment(f: _Facts) -> _Verdict:
    patients = _with_condition(f, Condition.HYPERTENSION, min_years=15)
    nobody = Label(
        "tidak ada anggota ≥15 tahun dengan hipertensi", "no member aged 15+ with hypertension"
    )
    return _care(f, patients, HYPERTENSION_CONTROL_CODE, nobody)


def _mental_illness_treatment(f: _Facts) -> _Verdict:
    patients = _with_condition(f, Condition.SEVERE_MENTAL_DISORDER, min_years=0)
    nobody = Label(
        "tidak ada anggota dengan gangguan jiwa berat", "no member with severe mental illness"
    )
    return _care(f, patients, MENTAL_ILLNESS_CARE_CODE, nobody)


def _no_smoking(f: _Facts) -> _Verdict:
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


def _jkn(f: _Facts) -> _Verdict:
    return _survey(
        f.family.household.jkn,
        Label("seluruh anggota peserta JKN", "every member is enrolled in JKN"),
        Label("tidak seluruh anggota peserta JKN", "not every member is enrolled in JKN"),
        Label("kepesertaan JKN tidak tercatat", "JKN enrolment not recorded"),
    )


def _clean_water(f: _Facts) -> _Verdict:
    return _survey(
        f.family.household.clean_water,
        Label("ada akses air bersih", "has access to clean water"),
        Label("tidak ada akses air bersih", "no access to clean water"),
        Label("akses air bersih tidak tercatat", "access to clean water not recorded"),
    )


def _healthy_latrine(f: _Facts) -> _Verdict:
    return _survey(
        f.family.household.healthy_latrine,
        Label("memiliki dan memakai jamban sehat", "has and uses a healthy latrine"),
        Label(
            "tidak memiliki atau tidak memakai jamban sehat",
            "has no healthy latrine or does not use one",
        ),
        Label("jamban sehat tidak tercatat", "healthy latrine not recorded"),
    )


_RULES: Final = (
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

_NOBODY_ALIVE: Final = Label(
    "tidak ada anggota keluarga yang hidup pada tanggal ini",
    "no family member is alive on this date",
)


def _histories(
    family: Family, records: Any, day: pendulum.Date
) -> dict[str, tuple[ServiceRecord, ...]]:
    """Each person's validated records dated on or before *day*, by person id."""
    if records is None:
        return {}
    if not isinstance(records, Mapping):
        msg = (
            f"records: expected a mapping of person id to service records, "
            f"got {type(records).__name__}"
        )
        raise InvalidRecordError(msg, field="records", value=records)
    people = {p.id: p for p in family.people}
    found: dict[str, tuple[ServiceRecord, ...]] = {}
    for pid, items in records.items():
        person = people.get(pid) if isinstance(pid, str) else None
        if person is None:
            msg = f"records: person id {pid!r} is not a member of family {family.kk_number}"
            raise InvalidRecordError(msg, field="records", value=pid)
        if isinstance(items, str | bytes | ServiceRecord) or not isinstance(items, Iterable):
            msg = (
                f"records[{pid!r}]: expected an iterable of ServiceRecord, "
                f"got {type(items).__name__}"
            )
            raise InvalidRecordError(msg, field="records", value=items)
        found[pid] = tuple(r for r in validate_history(person, items) if r.date <= day)
    return found


def _family(value: object) -> Family:
    if not isinstance(value, Family):
        msg = f"family: expected a Family, got {type(value).__name__} {value!r}"
        raise InvalidFamilyError(msg, field="family", value=value)
    return value


def assess_family(
    family: Family,
    on: DateLike,
    *,
    records: Mapping[str, Iterable[ServiceRecord]] | None = None,
) -> PISPKResult:
    """Assess *family* on the 12 PIS-PK indicators on date *on*.

    *records* maps a member's person id to that person's service records
    (any order). Only members alive on *on* count (a member not yet born,
    or dead, is left out), and only records dated on or before *on*. Ages
    are completed months and years (:mod:`ilp.dates`). Where several
    members make an indicator apply, it is Y only when each of them meets
    it. A fact that is not recorded counts as **not met** (T), never as met
    or not applicable, and the reason says "not recorded".

    The rules (structure.md §6 and §2a, sources S11 and S23; decisions
    marked "decision" are this library's where the sources are silent):

    1. **KB**: applies when the head and a spouse (``Relation.SPOUSE``) of
       the other sex are alive and the woman is 15–49 completed years (a
       PUS). Only the head's couple counts: the family card marks no other
       couple. Y/T from ``household.family_planning``.
    2. **Facility delivery**: applies when a living woman has a delivery
       (live birth or unstated outcome; not a stillbirth or miscarriage)
       whose baby would be 0–11 completed months on *on*. Y when
       ``Pregnancy.in_facility`` is True for each such delivery.
    3. **Complete basic immunisation**: applies for a child of 12–23
       completed months. Y when the child's records hold every code in
       :data:`BASIC_IMMUNIZATION`; doses are not checked for age or
       interval.
    4. **Exclusive breastfeeding**: applies for an infant of 7–23 completed
       months. Y/T from ``household.exclusive_breastfeeding``.
    5. **Growth monitoring**: applies for a child of 2–59 completed months.
       Decision: the survey's "weighed last month" reads as a ``GROWTH``
       record from the first day of the previous calendar month through
       *on* (so a child already weighed this month also counts).
    6. **TB treatment**: applies for a member of 15 years or more with
       ``Condition.TUBERCULOSIS``. Decision: Y on a ``TB-TREATMENT`` record
       in the same window as 5 (rather than the last 30 days), so that a
       monthly drug pick-up always counts.
    7. **Hypertension treatment**: a member of 15 years or more with
       ``Condition.HYPERTENSION``; Y on an ``HT-CONTROL`` record in the
       same window.
    8. **Severe mental illness**: a member of any age with
       ``Condition.SEVERE_MENTAL_DISORDER`` (decision: structure.md §6 and
       the family-level survey question set no age, although §2a lists
       ≥15); Y on an ``ODGJ-CARE`` record in the same window.
    9. **No smoking**: always applies. T when any living member carries
       ``Condition.SMOKER`` (whatever the household answer), else Y/T from
       ``household.no_smoker``.
    10. **JKN**, 11. **clean water**, 12. **healthy latrine**: always
        apply; Y/T from ``household.jkn``, ``clean_water``,
        ``healthy_latrine``.

    When no member is alive on *on*, every indicator is N and the IKS is
    None.

    Raises :class:`~ilp.errors.InvalidFamilyError` when *family* is not a
    :class:`~ilp.people.Family`, :class:`~ilp.errors.InvalidDateError` for
    a bad *on*, and :class:`~ilp.errors.InvalidRecordError` for records
    that are not a mapping, name a person id not in the family, are not
    :class:`~ilp.people.ServiceRecord` items, or fall outside the person's
    life.
    """
    family = _family(family)
    day = as_date(on, field="on")
    histories = _histories(family, records, day)
    living = tuple(p for p in family.people if p.is_alive(day))
    if not living:
        n = _INDICATOR_COUNT
        return PISPKResult(family.kk_number, day, (Answer.N,) * n, (_NOBODY_ALIVE,) * n)
    facts = _Facts(
        family=family,
        day=day,
        since=_first_of_previous_month(day),
        living=living,
        months={p.id: age_in_months(p.birth_date, day) for p in living},
        histories=histories,
    )
    verdicts = [rule(facts) for rule in _RULES]
    return PISPKResult(
        family.kk_number,
        day,
        tuple(a for a, _ in verdicts),
        tuple(r for _, r in verdicts),
    )

"""The PIS-PK vocabulary: answers, the 12 indicators, IKS categories, one family's result."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from typing import Any, Final

import attrs
import pendulum

from ilp._vocabulary import Label
from ilp.dates import as_date
from ilp.errors import InvalidAssessmentError

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
    "PISPKResult",
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


INDICATOR_COUNT: Final = 12


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
    if len(items) != INDICATOR_COUNT or not all(isinstance(a, Answer) for a in items):
        msg = f"answers: expected {INDICATOR_COUNT} Answer values in indicator order, got {items!r}"
        raise InvalidAssessmentError(msg, field="answers", value=items)
    return items


def _reasons(value: Iterable[Label]) -> tuple[Label, ...]:
    items = tuple(value)
    if len(items) != INDICATOR_COUNT or not all(isinstance(r, Label) for r in items):
        msg = f"reasons: expected {INDICATOR_COUNT} Label values in indicator order, got {items!r}"
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

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

The concepts live apart: ``_model`` (answers, indicators, IKS categories,
one family's result), ``_indicators`` (the 12 rules), ``_assess``
(:func:`assess_family`) and ``_summary`` (:func:`aggregate` over families).
"""

from ilp.errors import InvalidAssessmentError
from ilp.pispk._assess import assess_family
from ilp.pispk._model import (
    BASIC_IMMUNIZATION,
    GROWTH_CODE,
    HYPERTENSION_CONTROL_CODE,
    MENTAL_ILLNESS_CARE_CODE,
    PRA_SEHAT_FROM,
    SEHAT_ABOVE,
    TB_TREATMENT_CODE,
    Answer,
    IKSCategory,
    Indicator,
    PISPKResult,
)
from ilp.pispk._summary import PISPKSummary, aggregate

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

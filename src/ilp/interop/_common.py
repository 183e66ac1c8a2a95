"""What FHIR in and out share: URIs of SATUSEHAT and of ilp's extensions, and time conversion."""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ilp.errors import InvalidDateError
from ilp.interop._codemap import ILP_BASE

#: SATUSEHAT identifier systems of a patient (interop.md §1).
NIK: Final = "https://fhir.kemkes.go.id/id/nik"
KK: Final = "https://fhir.kemkes.go.id/id/kk"
IHS: Final = "https://fhir.kemkes.go.id/id/ihs-number"
#: ilp's person id, kept so that a round trip gives the same ids.
ILP_PERSON: Final = f"{ILP_BASE}/identifier/person"
#: ilp's place id (facility), when no organization is given for sys-ids.
ILP_PLACE: Final = f"{ILP_BASE}/identifier/place"
#: ilp's statuses of a due item (``upcoming``, ``due``, ``overdue``, ``missed``, ``completed``).
ILP_STATUS: Final = f"{ILP_BASE}/CodeSystem/due-status"
EPISODE_TYPE: Final = "http://terminology.kemkes.go.id/CodeSystem/episodeofcare-type"
REC_STATUS: Final = "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status"
ORIGIN: Final = "http://terminology.hl7.org/CodeSystem/immunization-origin"
CLINICAL: Final = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/condition-category"
UCUM: Final = "http://unitsofmeasure.org"
#: The LOINC codes of ImmunizationRecommendation.dateCriterion (interop.md §4).
EARLIEST: Final = "30981-5"
RECOMMENDED: Final = "30980-7"
OVERDUE: Final = "59778-1"
LATEST: Final = "59777-3"
#: The time zone whose calendar dates ilp's dates are (WIB).
DEFAULT_TZ: Final = "Asia/Jakarta"


def ext(name: str) -> str:
    """The URL of ilp's extension *name*."""
    return f"{ILP_BASE}/StructureDefinition/{name}"


def sys_ids(kind: str, organization: str) -> str:
    """A SATUSEHAT local identifier system, ``http://sys-ids.kemkes.go.id/{kind}/{org}``."""
    return f"http://sys-ids.kemkes.go.id/{kind}/{organization}"


@lru_cache(maxsize=16)
def zone(name: str) -> ZoneInfo:
    """The time zone *name*; an unknown name raises InvalidDateError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        msg = f"tz: {name!r} is not a known time zone such as 'Asia/Jakarta'"
        raise InvalidDateError(msg, field="tz", value=name) from None


@lru_cache(maxsize=65536)
def utc_noon(day: _dt.date, tz: str) -> str:
    """Noon of *day* in *tz*, in UTC (``2024-02-15T05:00:00+00:00`` for WIB).

    ilp knows dates, not times; noon local time reads back as the same date
    in every Indonesian time zone and in UTC.
    """
    local = _dt.datetime(day.year, day.month, day.day, 12, tzinfo=zone(tz))
    return local.astimezone(_dt.UTC).isoformat()

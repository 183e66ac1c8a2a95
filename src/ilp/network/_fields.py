"""Network file values: one converter per field, raising ValueError or TypeError with a detail."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Final

from ilp._reader import whole as _int
from ilp._vocabulary import Cluster
from ilp._yaml import Map as _Map
from ilp.dates import as_date
from ilp.network._model import AreaLevel

_WEEKDAY_WORDS: Final = (
    ("mon", "monday", "senin"),
    ("tue", "tuesday", "selasa"),
    ("wed", "wednesday", "rabu"),
    ("thu", "thursday", "kamis"),
    ("fri", "friday", "jumat", "jum'at"),
    ("sat", "saturday", "sabtu"),
    ("sun", "sunday", "minggu", "ahad"),
)
_WEEKDAY_NAMES: Final = {w: i for i, words in enumerate(_WEEKDAY_WORDS) for w in words}
_LEVELS: Final = ("province", "kabupaten", "kota", "kecamatan", "desa", "kelurahan", "dusun", "rw")


def _as_maps(value: Any) -> Any:
    """Plain dicts (from ``json.load`` or code) as line-less :class:`_Map` objects."""
    if isinstance(value, _Map):
        return value
    if isinstance(value, dict):
        out = _Map((k, _as_maps(v)) for k, v in value.items())
        out.line = None
        out.lines = {}
        out.duplicates = []
        return out
    if isinstance(value, list):
        return [_as_maps(v) for v in value]
    return value


def _id(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = "ids are non-empty text; quote ids that YAML reads as numbers"
        raise TypeError(msg)
    if value != value.strip() or any(c.isspace() for c in value):
        msg = "ids contain no spaces"
        raise ValueError(msg)
    if len(value) > 200:
        msg = "ids are at most 200 characters"
        raise ValueError(msg)
    return value


def _level(value: Any) -> AreaLevel:
    msg = f"known levels: {', '.join(_LEVELS)}"
    if not isinstance(value, str):
        raise TypeError(msg)
    try:
        return AreaLevel.parse(value)
    except ValueError:
        raise ValueError(msg) from None


def _code_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = 'quote official codes, such as code: "3507121001"'
        raise TypeError(msg)
    return value


def _weekday(value: Any) -> int:
    """The weekday number (0 = Monday) of an English or Indonesian weekday name."""
    if isinstance(value, str):
        found = _WEEKDAY_NAMES.get(value.strip().lower())
        if found is not None:
            return found
    msg = "weekdays are mon..sun, monday..sunday or senin..minggu"
    raise ValueError(msg)


def _weekdays(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        msg = "expected a non-empty list of weekdays"
        raise TypeError(msg)
    return tuple(_weekday(v) for v in value)


def _nth(value: Any) -> int:
    n = _int(value)
    if n not in (1, 2, 3, 4, 5, -1):
        msg = "1 to 5, or -1 for the last"
        raise ValueError(msg)
    return n


def _day_of_month(value: Any) -> int:
    day = _int(value)
    if not 1 <= day <= 31:
        msg = "days of the month are 1 to 31"
        raise ValueError(msg)
    return day


def _date(value: Any) -> _dt.date:
    return as_date(value, field="holiday")


def _cluster(value: Any) -> Cluster:
    try:
        return Cluster(_int(value))
    except ValueError:
        msg = "clusters are 1 to 5"
        raise ValueError(msg) from None

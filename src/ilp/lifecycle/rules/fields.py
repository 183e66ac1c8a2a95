"""Reading and writing the catalogue's field values: what every rule kind's YAML is made of.

The rule-kind modules and the catalogue loader both use these, so a
duration, a code, a limit or a label reads (and writes back) the same way
in every kind. Readers raise ``TypeError``/``ValueError`` with a hint; the
:class:`~ilp._yaml.Reader` turns that into a located problem.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any, Final, TypeVar

import pendulum

from ilp._reader import Reader, whole
from ilp._reader import text as _text
from ilp._vocabulary import Label
from ilp._yaml import Map
from ilp.dates import Duration, as_date
from ilp.lifecycle._model import Limit

__all__ = [
    "check_window",
    "code",
    "date",
    "duration",
    "flag",
    "grade",
    "items",
    "label",
    "limit",
    "list_of",
    "month",
    "one_of",
    "put",
    "put_duration",
    "put_limit",
]

_CODE: Final = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
# a reference birth date for comparing durations (non-leap, month end)
_REF: Final = _dt.date(2001, 1, 31).toordinal()

T = TypeVar("T")


def duration(value: Any) -> Duration:
    """A duration written as text (``2m``, ``6m29d``)."""
    if not isinstance(value, str):
        msg = "write durations as text such as '2m' or '6m29d'"
        raise TypeError(msg)
    return Duration.parse(value)


def code(value: Any) -> str:
    """A service code: upper-case ASCII words joined by ``-``."""
    if not isinstance(value, str) or _CODE.fullmatch(value) is None:
        msg = "codes are upper-case ASCII words joined by '-', such as 'DPT-HB-HIB-1'"
        raise ValueError(msg)
    return value


def flag(value: Any) -> bool:
    """``true`` or ``false``."""
    if not isinstance(value, bool):
        msg = "expected true or false"
        raise TypeError(msg)
    return value


def date(value: Any) -> pendulum.Date:
    """A date (``2025-02-10``)."""
    return as_date(value, field="date")


def list_of(convert: Callable[[Any], T]) -> Callable[[Any], tuple[T, ...]]:
    """A reader of a list whose items *convert* reads."""

    def read(value: Any) -> tuple[T, ...]:
        if not isinstance(value, list):
            msg = "expected a list"
            raise TypeError(msg)
        return tuple(convert(v) for v in value)

    return read


def one_of(options: frozenset[str]) -> Callable[[Any], str]:
    """A reader of one of *options*."""

    def read(value: Any) -> str:
        if value not in options:
            msg = f"known values: {', '.join(sorted(options))}"
            raise ValueError(msg)
        return str(value)

    return read


def month(value: Any) -> int:
    """A month, 1 to 12."""
    number = whole(value)
    if not 1 <= number <= 12:
        msg = "months are 1 to 12"
        raise ValueError(msg)
    return number


def grade(value: Any) -> int:
    """A school grade, 1 to 12."""
    number = whole(value)
    if not 1 <= number <= 12:
        msg = "grades are 1 to 12"
        raise ValueError(msg)
    return number


def limit(r: Reader, m: Map, where: str, key: str) -> Limit | None:
    """The limit written as *key* (inclusive) or ``<key>_before`` (exclusive), if any."""
    incl = r.get(m, key, where, duration, "a duration")
    excl = r.get(m, f"{key}_before", where, duration, "a duration")
    if incl is not None and excl is not None:
        r.problem(f"{where}.{key}", m.line, f"give {key} or {key}_before, not both")
    if incl is not None:
        return Limit(incl)
    if excl is not None:
        return Limit(excl, exclusive=True)
    return None


def check_window(
    r: Reader, where: str, line: int | None, start: Duration | None, end: Limit | None
) -> None:
    """Report a window that ends before it starts."""
    first = start.after(_REF) if start is not None else _REF
    if end is not None and end.day(_REF) < first:
        r.problem(where, line, f"window ends ({end}) before it starts ({start or '0d'})")


def label(r: Reader, m: Map, where: str, key: str = "label") -> Label | None:
    """The ``{id, en}`` label under *key*, if given and complete."""
    if key not in m:
        return None
    lm = r.mapping(m[key], f"{where}.{key}", m.lines.get(key), required=("id", "en"))
    if lm is None:
        return None
    ids = r.get(lm, "id", f"{where}.{key}", _text, "text")
    ens = r.get(lm, "en", f"{where}.{key}", _text, "text")
    return Label(ids, ens) if ids is not None and ens is not None else None


def items(r: Reader, rm: Map, key: str, where: str) -> list[tuple[Map, str]]:
    """The items of the non-empty list under *key*, each with where it is."""
    value = rm.get(key)
    if not isinstance(value, list) or not value:
        if key in rm:
            r.problem(f"{where}.{key}", rm.lines.get(key), "expected a non-empty list")
        return []
    return [(v, f"{where}.{key}[{i}]") for i, v in enumerate(value)]


# ---------------------------------------------------------------------------
# writing


def put(out: dict[str, Any], key: str, value: Any) -> None:
    """Set *key* unless *value* is None, empty or False (the defaults)."""
    if value is not None and value not in ((), []) and value is not False:
        out[key] = value


def put_duration(out: dict[str, Any], key: str, value: Duration | None) -> None:
    """Set *key* to the duration's text, unless None."""
    if value is not None:
        out[key] = str(value)


def put_limit(out: dict[str, Any], key: str, value: Limit | None) -> None:
    """Set *key* (inclusive) or ``<key>_before`` (exclusive), unless None."""
    if value is not None:
        out[f"{key}_before" if value.exclusive else key] = str(value.duration)

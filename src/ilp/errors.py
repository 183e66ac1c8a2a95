"""The exceptions ilp raises.

Every failure a user can cause is an :class:`ILPError`. Each subclass also
inherits the builtin exception a Python programmer would expect (most are
``ValueError``), so ``except ValueError`` keeps working. Each carries the
offending value and, where there is one, the field or file location.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

__all__ = [
    "CatalogueError",
    "CodeMapError",
    "FHIRError",
    "ILPError",
    "IndicatorError",
    "InputFileError",
    "InvalidArgumentError",
    "InvalidAssessmentError",
    "InvalidDateError",
    "InvalidFamilyError",
    "InvalidPersonError",
    "InvalidRecordError",
    "MissingExtraError",
    "MonitoringError",
    "NetworkError",
    "PopulationError",
    "UnknownServiceError",
]


#: A run of 16 or more digits (any script): what a NIK or a family card number looks like.
_DIGIT_RUN: Final = re.compile(r"\d{16,}")
#: What a masked run of digits shows instead (no digit kept; see docs/decisions.md).
MASK: Final = "*" * 16
#: The longest text an error keeps as its ``value``; longer values are cut.
_MAX_VALUE_TEXT: Final = 200


def mask_digits(text: str) -> str:
    """*text* with every run of 16 or more digits (a NIK, a KK number) replaced by ``MASK``."""
    return _DIGIT_RUN.sub(MASK, text)


def _safe_value(value: Any) -> Any:
    """The part of an offending value an error may keep: no mapping, no NIK, nothing unbounded."""
    if isinstance(value, Mapping):
        return None
    if isinstance(value, str):
        cut = value if len(value) <= _MAX_VALUE_TEXT else value[:_MAX_VALUE_TEXT] + "..."
        return mask_digits(cut)
    if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) >= 16:
        return MASK
    if isinstance(value, list | tuple | set | frozenset):
        if len(value) > 20 or not all(isinstance(v, str | int | float | None) for v in value):
            return None
        safe = [_safe_value(v) for v in value]
        return safe if isinstance(value, list) else tuple(safe)
    return value


class ILPError(Exception):
    """Root of every error ilp raises on bad input.

    ``field`` names what was wrong (a field name or a dotted path), ``value``
    is the offending value. Both may be ``None`` when they do not apply.
    Neither the message nor ``value`` ever holds a run of 16 digits (a NIK
    or a family card number is shown as ``****************``), and ``value``
    never holds a whole mapping or an unbounded text.
    """

    def __init__(self, msg: str, *, field: str | None = None, value: Any = None) -> None:
        msg = mask_digits(msg)
        super().__init__(msg)
        self.msg = msg
        self.field = None if field is None else mask_digits(field)
        self.value = _safe_value(value)

    def __str__(self) -> str:
        return self.msg


class InvalidArgumentError(ILPError, ValueError):
    """An argument of a function or method that is not valid: a bad value or an unknown code.

    Raised where no more specific subclass applies (a filter naming an
    unknown status, a negative horizon, a region that is not a ``Region``).
    ``field`` names the argument, ``value`` is what was given.
    """


class InvalidDateError(ILPError, ValueError):
    """A date that does not exist, is not a date, or carries a time of day."""


class InvalidPersonError(ILPError, ValueError):
    """A person whose fields are missing, malformed or contradict each other."""


class InvalidRecordError(ILPError, ValueError):
    """A service record that is malformed or impossible for its person."""


class InvalidFamilyError(ILPError, ValueError):
    """A family (keluarga) whose card number or members are not valid."""


class InvalidAssessmentError(ILPError, ValueError):
    """A PIS-PK result, IKS value or list of results that is not valid."""


class PopulationError(ILPError, ValueError):
    """A columnar population or history whose arrays have the wrong shape, type or values.

    Also raised for a file that does not hold a saved population, and for
    people or histories that cannot be turned into columns.
    """


class MissingExtraError(ILPError, ImportError):
    """An optional package a feature needs is not installed; the message names the extra.

    ``field`` is the missing module, ``value`` the extra that installs it
    (``pip install 'ilp[plot]'``).
    """


class UnknownServiceError(ILPError, KeyError):
    """A service code that the catalogue in use does not define."""

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return self.msg


class _LocatedError(ILPError, ValueError):
    """An error in a data file, with the file, line and key where it was found."""

    def __init__(
        self,
        msg: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
        value: Any = None,
        problems: tuple[str, ...] = (),
    ) -> None:
        where = ":".join(str(p) for p in (path, line) if p is not None)
        full = f"{where}: {msg}" if where else msg
        super().__init__(full, field=key, value=value)
        self.path = path
        self.line = line
        self.key = self.field
        #: Every problem found, one line each, when validation collected several.
        self.problems = tuple(mask_digits(p) for p in problems) or (self.msg,)


class CatalogueError(_LocatedError):
    """A service catalogue that cannot be loaded: every problem, each with file, line and key."""


class NetworkError(_LocatedError):
    """A network (areas and facilities) that is not valid: names the file, line and id."""


class InputFileError(_LocatedError):
    """A person, history or other input file that cannot be read or has the wrong shape."""


class CodeMapError(_LocatedError):
    """A code map (ilp codes to FHIR codings) that cannot be loaded: every problem, located."""


class FHIRError(ILPError, ValueError):
    """A FHIR resource or Bundle ilp cannot read: names the resource (``Type/id``) and the field.

    ``resource`` is the resource's ``Type/id`` (or its place in the Bundle),
    ``field`` the FHIR element path within it.
    """

    def __init__(self, msg: str, *, resource: str, field: str, value: Any = None) -> None:
        super().__init__(f"{resource}: {field}: {msg}", field=field, value=value)
        self.resource = resource


class IndicatorError(_LocatedError):
    """An indicator file that cannot be loaded: every problem, each with file, line and key."""


class MonitoringError(ILPError, ValueError):
    """A bad monitoring request: unknown indicator or area, a malformed month, unknown places."""

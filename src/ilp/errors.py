"""The exceptions ilp raises.

Every failure a user can cause is an :class:`ILPError`. Each subclass also
inherits the builtin exception a Python programmer would expect (most are
``ValueError``), so ``except ValueError`` keeps working. Each carries the
offending value and, where there is one, the field or file location.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CatalogueError",
    "ILPError",
    "InputFileError",
    "InvalidAssessmentError",
    "InvalidDateError",
    "InvalidFamilyError",
    "InvalidPersonError",
    "InvalidRecordError",
    "NetworkError",
    "PopulationError",
    "UnknownServiceError",
]


class ILPError(Exception):
    """Root of every error ilp raises on bad input.

    ``field`` names what was wrong (a field name or a dotted path), ``value``
    is the offending value. Both may be ``None`` when they do not apply.
    """

    def __init__(self, msg: str, *, field: str | None = None, value: Any = None) -> None:
        super().__init__(msg)
        self.msg = msg
        self.field = field
        self.value = value

    def __str__(self) -> str:
        return self.msg


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
        self.key = key
        #: Every problem found, one line each, when validation collected several.
        self.problems = problems or (full,)


class CatalogueError(_LocatedError):
    """A service catalogue that cannot be loaded: every problem, each with file, line and key."""


class NetworkError(_LocatedError):
    """A network (areas and facilities) that is not valid: names the file, line and id."""


class InputFileError(_LocatedError):
    """A person, history or other input file that cannot be read or has the wrong shape."""

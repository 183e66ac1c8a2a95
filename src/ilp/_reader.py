"""Reading fields of parsed YAML and JSON: every problem collected, each with its place and line.

The loaders parse with :mod:`ilp._yaml` and walk the result with a
:class:`Reader`; :func:`show` renders an offending value for a message
(bounded, NIKs masked).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ilp._coerce import known_values
from ilp._yaml import ErrorType, Map, clip
from ilp.errors import ILPError, mask_digits

__all__ = ["Reader", "join", "member", "show", "text", "whole"]

T = TypeVar("T")


class Reader:
    """Walks the parsed YAML, collecting every problem instead of stopping at the first."""

    def __init__(self, root: str = "file") -> None:
        #: The name used for the top level when a problem has no deeper place.
        self.root = root
        self.problems: list[tuple[int | None, str, str]] = []

    def problem(self, where: str, line: int | None, msg: str) -> None:
        self.problems.append((line, where, msg))

    def raise_problems(self, origin: str, error: ErrorType) -> None:
        """Raise one *error* listing every problem (``origin:line: where: what``), if any."""
        if not self.problems:
            return
        first_line, first_where, first_msg = self.problems[0]
        lines = tuple(
            f"{origin}:{ln if ln is not None else '?'}: {where}: {msg}"
            for ln, where, msg in self.problems
        )
        more = f" (and {len(lines) - 1} more problems)" if len(lines) > 1 else ""
        raise error(  # a located error type (CatalogueError, IndicatorError, ...)
            f"{first_where}: {first_msg}{more}",
            path=origin,  # type: ignore[call-arg]
            line=first_line,
            key=first_where,
            problems=lines,
        )

    def mapping(
        self,
        value: Any,
        where: str,
        line: int | None,
        *,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
    ) -> Map | None:
        if not isinstance(value, Map):
            self.problem(where or self.root, line, f"expected a mapping, got {show(value)}")
            return None
        for key, kline in value.duplicates:
            self.problem(join(where, key), kline, "key given twice")
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                self.problem(
                    join(where, key),
                    value.line_of(key),
                    f"unknown key {show(key)} (allowed: {', '.join(sorted(allowed))})",
                )
        for key in required:
            if key not in value:
                self.problem(join(where, key), value.line, f"missing required key {key!r}")
        return value

    def get(self, m: Map, key: str, where: str, convert: Callable[[Any], T], what: str) -> T | None:
        if key not in m:
            return None
        value = m[key]
        try:
            return convert(value)
        except (ValueError, TypeError, ILPError) as exc:
            detail = getattr(exc, "msg", None) or str(exc)
            msg = f"{show(value)} is not {what} ({detail})"
            self.problem(join(where, key), m.line_of(key), msg)
            return None

    def items(self, m: Map, key: str, where: str) -> list[tuple[Any, str, int | None]]:
        """The elements of list *key* with their place and line; a non-list is a problem."""
        if key not in m:
            return []
        value = m[key]
        line = m.line_of(key)
        if not isinstance(value, list):
            self.problem(join(where, key), line, "expected a list")
            return []
        return [
            (v, f"{join(where, key)}[{i}]", v.line if isinstance(v, Map) and v.line else line)
            for i, v in enumerate(value)
        ]


def join(where: str, key: object) -> str:
    return f"{where}.{clip(str(key))}" if where else clip(str(key))


def show(value: Any) -> str:
    """A short rendering of an offending value for a message (bounded, NIKs masked)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        if len(value) <= 5 and all(isinstance(v, str | int | float | bool | None) for v in value):
            rendered = repr(value)
            if len(rendered) <= 40:
                return mask_digits(rendered)
        return f"a list of {len(value)}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return "a very large number"
    return clip(repr(value))


def text(value: Any) -> str:
    """A non-empty string, else TypeError."""
    if not isinstance(value, str) or not value.strip():
        msg = "expected non-empty text"
        raise TypeError(msg)
    return value


def whole(value: Any) -> int:
    """An int that is not a bool, else TypeError."""
    if isinstance(value, bool) or not isinstance(value, int):
        msg = "expected a whole number"
        raise TypeError(msg)
    return value


def member(kind: type[Any]) -> Callable[[Any], Any]:
    """A converter to the enum *kind* whose error lists the known values."""

    def read(value: Any) -> Any:
        try:
            return kind(value)
        except (ValueError, TypeError):
            msg = f"known values: {known_values(kind)}"
            raise ValueError(msg) from None

    return read

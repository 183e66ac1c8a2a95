"""Coercion of a code (or the member itself) to a member of a closed vocabulary: written once.

Every enum argument or field that accepts its code goes through
:func:`member_of`, so the error always lists the known codes and is an
:class:`~ilp.errors.ILPError` subclass that is also a ``ValueError``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TypeVar

from ilp.errors import ILPError, InvalidArgumentError

__all__ = ["known_values", "member_of"]

E = TypeVar("E", bound=enum.Enum)


def known_values(kind: type[enum.Enum]) -> str:
    """The codes of *kind*, comma-separated, in definition order."""
    return ", ".join(str(m.value) for m in kind)


def member_of(
    kind: type[E],
    value: object,
    *,
    field: str,
    what: str | None = None,
    error: type[ILPError] = InvalidArgumentError,
    clean: Callable[[str], str] | None = None,
) -> E:
    """*value* as a member of *kind*: the member itself, or its code.

    A text code is passed through *clean* first (e.g. ``str.lower``). An
    unknown code raises *error* (by default :class:`InvalidArgumentError`)
    with the message ``"{field}: {value!r} is not {what} ({codes})"``, or
    ``"... is not one of {codes}"`` without *what*.
    """
    if isinstance(value, kind):
        return value
    try:
        return kind(clean(value) if clean is not None and isinstance(value, str) else value)
    except (ValueError, TypeError):
        known = known_values(kind)
        shown = f"one of {known}" if what is None else f"{what} ({known})"
        msg = f"{field}: {_short(value)} is not {shown}"
        raise error(msg, field=field, value=value) from None


def _short(value: object) -> str:
    """*value* quoted for a message, cut to 60 characters (no unbounded repr)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return "a very large number"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."

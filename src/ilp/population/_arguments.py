"""Argument checks shared by the population modules: one name, one meaning.

Each check raises :class:`~ilp.errors.PopulationError` naming the argument
(or parameter field) and quoting the value. The names say what is checked:
a *probability* lies in 0..1, a *non-negative* number is 0 or more, a
*positive* number is above 0, a *share* lies in (0, 1], a *whole* number is
an integer at or above a floor. The ``attrs`` validators of the same names
check a parameter field under its own name, or under ``prefix`` + its name
when made by :func:`validators`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeGuard

import attrs
import numpy as np

from ilp.errors import PopulationError

__all__ = [
    "Validators",
    "argument_error",
    "check_non_negative",
    "check_probability",
    "check_whole",
    "is_number",
    "validators",
]


def argument_error(name: str, msg: str, value: Any = None) -> PopulationError:
    """The error for argument or field *name*: ``"{name}: {msg}"``, carrying *value*."""
    return PopulationError(f"{name}: {msg}", field=name, value=value)


def is_number(value: object) -> TypeGuard[float]:
    """True for a finite int or float (not a bool)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def check_probability(
    name: str, value: object, *, what: str = "a probability between 0 and 1"
) -> None:
    """Refuse *value* unless it is a number from 0 to 1."""
    if not is_number(value) or not 0 <= value <= 1:
        raise argument_error(name, f"{value!r} is not {what}", value)


def check_non_negative(name: str, value: object, *, what: str = "a rate of 0 or more") -> None:
    """Refuse *value* unless it is a number of 0 or more."""
    if not is_number(value) or value < 0:
        raise argument_error(name, f"{value!r} is not {what}", value)


def check_whole(name: str, value: object, low: int) -> int:
    """*value* as an int, refused unless it is a whole number (not a bool) of *low* or more."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise argument_error(name, f"{value!r} is not a whole number of {low} or more", value)
    return int(value)


Validator = Callable[[object, "attrs.Attribute[Any]", Any], None]


@attrs.frozen
class Validators:
    """``attrs`` validators of parameter fields, reporting ``prefix`` + the field's name."""

    #: A probability from 0 to 1.
    probability: Validator
    #: A number of 0 or more.
    non_negative: Validator
    #: A number above 0.
    positive: Validator
    #: A share above 0 and at most 1.
    share: Validator


def validators(
    prefix: str = "",
    *,
    probability: str = "a probability between 0 and 1",
    non_negative: str = "a rate of 0 or more",
) -> Validators:
    """Validators for fields named ``prefix + name``, with the wording of each check."""

    def check_p(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_probability(prefix + attribute.name, value, what=probability)

    def check_nn(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        check_non_negative(prefix + attribute.name, value, what=non_negative)

    def check_pos(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not is_number(value) or value <= 0:
            raise argument_error(
                prefix + attribute.name, f"{value!r} is not a number above 0", value
            )

    def check_share(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not is_number(value) or not 0 < value <= 1:
            msg = f"{value!r} is not a share above 0 and at most 1"
            raise argument_error(prefix + attribute.name, msg, value)

    return Validators(check_p, check_nn, check_pos, check_share)

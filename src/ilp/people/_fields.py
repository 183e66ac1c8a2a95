"""Field checks shared by people, records and families: ids, texts, flags, NIKs, dates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import attrs
import pendulum

from ilp.dates import as_date
from ilp.errors import MASK, ILPError, InvalidPersonError

__all__ = ["MAX_TEXT", "mask_nik"]


_NIK: Final = re.compile(r"[0-9]{16}")
_CODE: Final = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")


def _lmp(value: object) -> pendulum.Date:
    return as_date(value, field="lmp")


def _edd(value: object) -> pendulum.Date:
    return as_date(value, field="edd")


def _delivery_date(value: object) -> pendulum.Date | None:
    return None if value is None else as_date(value, field="delivery_date")


def _birth_date(value: object) -> pendulum.Date:
    return as_date(value, field="birth_date")


def _death_date(value: object) -> pendulum.Date | None:
    return None if value is None else as_date(value, field="death_date")


def _nik_repr(nik: str | None) -> str:
    return repr(mask_nik(nik))


def mask_nik(nik: str | None) -> str | None:
    """A NIK as it is shown: every digit hidden (``****************``), None kept.

    No digit is kept: the first twelve follow from the region code and the
    date of birth that are shown beside it, so the last four would give the
    whole number away (``docs/decisions.md``, "People and records").
    """
    return None if nik is None else MASK


#: The longest text a name, address or other free-text field may hold.
MAX_TEXT: Final = 500
#: Sixteen digits in a row anywhere in a text: a NIK (or KK number) in the wrong field.
_NIK_INSIDE: Final = re.compile(r"\d{16}")


def _show(value: object) -> str:
    """*value* quoted for a message: short text as given, anything long or nested cut."""
    if isinstance(value, str | int | float | bool | None) and not (
        isinstance(value, int) and value.bit_length() > 64
    ):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, list | tuple) and len(value) <= 3:
        text = repr(list(value))
        if len(text) <= 60:
            return text
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}"
    return f"a {type(value).__name__}"


def _kind(value: object) -> str:
    """What *value* is, for a message, without quoting anything long."""
    if isinstance(value, bool):
        return "a boolean (true/false, yes/no); quote it"
    if isinstance(value, int):
        return f"the number {value}; quote it" if value.bit_length() < 64 else "a large number"
    if isinstance(value, float):
        return f"the number {value!r}; quote it"
    return f"a {type(value).__name__}"


def _optional_text(field: str, error: type[ILPError], *, no_nik: bool = False) -> Any:
    """A validator: None, or non-empty text of at most MAX_TEXT characters (no NIK in it)."""

    def check(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not value.strip():
            shown = repr(value) if isinstance(value, str) else _kind(value)
            msg = f"{field}: expected non-empty text, got {shown}"
            raise error(msg, field=field, value=None)
        if len(value) > MAX_TEXT:
            msg = f"{field}: {len(value)} characters; at most {MAX_TEXT}"
            raise error(msg, field=field, value=None)
        if no_nik and _NIK_INSIDE.search(value):
            msg = f"{field}: holds 16 digits in a row, like a NIK; a NIK goes under nik only"
            raise error(msg, field=field, value=None)

    return check


def _optional_bool(field: str, error: type[ILPError]) -> Any:
    """A validator: None, True or False, nothing else (no "false" text, no 0 or 1)."""

    def check(_: object, __: attrs.Attribute[bool | None], value: bool | None) -> None:
        if value is not None and not isinstance(value, bool):
            what = f"text {value[:20]!r}" if isinstance(value, str) else _kind(value)
            msg = f"{field}: expected true or false (unquoted), got {what}"
            raise error(msg, field=field, value=None)

    return check


def _check_nik(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is None or (isinstance(value, str) and _NIK.fullmatch(value) is not None):
        return
    if isinstance(value, int) and not isinstance(value, bool):
        msg = "nik: a number, not text: a NIK must be quoted (nik: '…') to keep every digit"
        raise InvalidPersonError(msg, field="nik", value=None)
    if not isinstance(value, str):
        msg = f"nik: expected quoted text of 16 digits, got {type(value).__name__}"
        raise InvalidPersonError(msg, field="nik", value=None)
    shown = _hide_digits(value)
    msg = f"nik: {shown!r} is not a NIK of 16 digits (0-9)"
    raise InvalidPersonError(msg, field="nik", value=shown)


def _hide_digits(text: str) -> str:
    """*text* cut to 40 characters; with 6 digits or more, each digit (any script) as ``*``."""
    text = text if len(text) <= 40 else text[:37] + "..."
    if sum(c.isdigit() for c in text) < 6:
        return text
    return "".join("*" if c.isdigit() else c for c in text)


def _check_id(field: str, error: type[ILPError]) -> Any:
    def check(_: object, __: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not value.strip():
            shown = repr(value) if isinstance(value, str) else _kind(value)
            msg = f"{field}: expected a non-empty text id, got {shown}"
            raise error(msg, field=field, value=value if isinstance(value, str) else None)
        if len(value) > MAX_TEXT:
            msg = f"{field}: an id of {len(value)} characters; at most {MAX_TEXT}"
            raise error(msg, field=field, value=None)

    return check


def _short_key(key: str) -> str:
    return repr(key if len(key) <= 40 else key[:37] + "...")


def _from_mapping(cls: type[Any], data: Mapping[str, Any], what: str, error: type[ILPError]) -> Any:
    if not isinstance(data, Mapping):
        msg = f"{what}: expected a mapping of fields, got {_kind(data)}"
        raise error(msg, field=what, value=None)
    fields = attrs.fields_dict(cls)
    # an optional field given as null (YAML `edd: null`) means "not given"
    data = {
        k: v
        for k, v in data.items()
        if not (v is None and k in fields and fields[k].default is not attrs.NOTHING)
    }
    unknown = sorted(str(k) for k in data if k not in fields)
    if unknown:
        msg = f"{what}: unknown field {_short_key(unknown[0])} (known: {', '.join(sorted(fields))})"
        raise error(msg, field=unknown[0], value=None)
    missing = [n for n, f in fields.items() if f.default is attrs.NOTHING and n not in data]
    if missing:
        msg = f"{what}: missing required field {missing[0]!r}"
        raise error(msg, field=missing[0], value=None)
    try:
        return cls(**data)
    except ILPError:
        raise
    except (TypeError, ValueError) as exc:
        detail = str(exc) if len(str(exc)) <= 100 else str(exc)[:97] + "..."
        msg = f"{what}: {detail}"
        raise error(msg, field=what, value=None) from None

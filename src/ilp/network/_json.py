"""Work lists as the JSON ``ilp targets`` and ``ilp home-visits`` print, written directly.

``json.dumps(value, ensure_ascii=False, indent=2)`` runs the standard library's
pure-Python encoder (its C encoder does not indent), about 25 µs per item of
a list. :func:`target_list_json` and :func:`home_visits_json` write the same
text from the list values, byte for byte, and write each distinct item
(the same service, status, dates and reason data: most items of a kecamatan
share them) once. ``tests/network/test_json.py`` compares them with
``json.dumps`` of ``as_dict()``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from ilp.lifecycle import DueItem
from ilp.network._targets import HomeVisit, Target, TargetList

__all__ = [
    "Household",
    "TargetHead",
    "dumps",
    "dumps_at",
    "home_visits_json",
    "item_dict",
    "list_head",
    "list_json",
    "list_text",
    "target_list_json",
    "target_text",
    "text_or_null",
    "visits_json",
]

_PAD: Final = "  "
_string: Callable[[str], str] = json.encoder.encode_basestring
_SIMPLE: Final = (int, str, type(None))


def dumps(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` for plain JSON-ready data."""
    out: list[str] = []
    _write(value, 0, out)
    return "".join(out)


def _float(value: float) -> str:
    if value != value:  # noqa: PLR0124 - NaN, as json writes it
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    """A mapping key as json writes it (text as is; numbers, booleans and None as text)."""
    if isinstance(key, str):
        return _string(key)
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, float):
        return _string(_float(key))
    if isinstance(key, int):
        return _string(int.__repr__(key))
    return json.dumps({key: 0})  # raises json's own TypeError for the key


def _write(value: Any, level: int, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        pad = "\n" + _PAD * (level + 1)
        first = True
        for k, v in value.items():
            out.append(("{" if first else ",") + pad + _key(k) + ": ")
            first = False
            _write(v, level + 1, out)
        out.append("\n" + _PAD * level + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        pad = "\n" + _PAD * (level + 1)
        first = True
        for v in value:
            out.append(("[" if first else ",") + pad)
            first = False
            _write(v, level + 1, out)
        out.append("\n" + _PAD * level + "]")
    else:
        out.append(json.dumps(value, ensure_ascii=False, indent=2))  # raises json's TypeError


def text_or_null(value: str | None) -> str:
    """A JSON string, or ``null`` for None."""
    return "null" if value is None else _string(value)


class _Items:
    """The JSON text of list items, each distinct item written once per indent level.

    Two items share their text when they have the same service, status,
    recommended, given and last day, and reason data of the same values or
    the same objects (every object of the key is held by an item of the list
    being written, so no id in a key is reused while the cache lives).
    """

    def __init__(self) -> None:
        self._texts: dict[tuple[Any, ...], str] = {}

    def text(self, item: DueItem, level: int) -> str:
        why = item._why
        key = (
            level,
            id(item.service),
            item.status,
            item._recommended,
            item._given,
            item._latest,
            *(x if type(x) in _SIMPLE else id(x) for x in why),
        )
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = dumps_at(item_dict(item), level)
        return found


def item_dict(item: DueItem) -> dict[str, Any]:
    """What :meth:`~ilp.network.Target.as_dict` gives for one of its items."""
    return {
        "code": item.code,
        "status": item.status.value,
        "recommended": item.recommended.isoformat(),
        "reason": item.reason.as_dict(),
    }


def dumps_at(value: Any, level: int) -> str:
    """:func:`dumps` of *value* as it is written nested *level* levels deep."""
    out: list[str] = []
    _write(value, level, out)
    return "".join(out)


#: What ``Target.as_dict()`` gives before its items: person, name, kk_number, address,
#: residence and stage (each text or None).
TargetHead = tuple[str, str | None, str | None, str | None, str | None, str | None]


def target_text(head: TargetHead, items: Sequence[str], level: int) -> str:
    """``Target.as_dict()`` at *level*, from its head and its items' texts (at *level* + 2)."""
    pid, name, kk, address, residence, stage = head
    pad = ",\n" + _PAD * (level + 1)
    return (
        "{\n"
        + _PAD * (level + 1)
        + '"person": '
        + _string(pid)
        + pad
        + '"name": '
        + ("null" if name is None else _string(name))
        + pad
        + '"kk_number": '
        + ("null" if kk is None else _string(kk))
        + pad
        + '"address": '
        + ("null" if address is None else _string(address))
        + pad
        + '"residence": '
        + ("null" if residence is None else _string(residence))
        + pad
        + '"stage": '
        + ("null" if stage is None else _string(stage))
        + pad
        + '"items": '
        + list_text(items, level + 1)
        + "\n"
        + _PAD * level
        + "}"
    )


def list_text(parts: Sequence[str], level: int) -> str:
    """A JSON list at *level* of items already written (at *level* + 1)."""
    if not parts:
        return "[]"
    pad = "\n" + _PAD * (level + 1)
    return "[" + pad + ("," + pad).join(parts) + "\n" + _PAD * level + "]"


def _target(t: Target, level: int, items: _Items) -> str:
    p, f = t.person, t.family
    head = (
        p.id,
        p.name,
        f.kk_number if f else None,
        f.address if f else None,
        t.residence,
        t.stage.value if t.stage else None,
    )
    return target_text(head, [items.text(i, level + 2) for i in t.items], level)


def list_head(tl: TargetList) -> dict[str, Any]:
    """``TargetList.as_dict()`` without its targets."""
    return tl.head_dict()


def list_json(head: dict[str, Any], targets: Sequence[str]) -> str:
    """A target list's JSON from its head (:func:`list_head`) and its targets' texts (level 2)."""
    text = dumps(head)
    return text[:-2] + ',\n  "targets": ' + list_text(targets, 1) + "\n}"


def target_list_json(tl: TargetList) -> str:
    """``json.dumps(tl.as_dict(), ensure_ascii=False, indent=2)``, as ``ilp targets`` prints it."""
    items = _Items()
    return list_json(list_head(tl), [_target(t, 2, items) for t in tl.targets])


#: A household of a home-visit list: kk_number, address, residence and its members' texts.
Household = tuple[str, str | None, str | None, Sequence[str]]


def visits_json(households: Iterable[Household]) -> str:
    """A home-visit list's JSON from its households (members written at level 3)."""
    parts = [
        '{\n    "kk_number": '
        + _string(kk)
        + ',\n    "address": '
        + text_or_null(address)
        + ',\n    "residence": '
        + text_or_null(residence)
        + ',\n    "members": '
        + list_text(members, 2)
        + "\n  }"
        for kk, address, residence, members in households
    ]
    return list_text(parts, 0)


def home_visits_json(visits: Sequence[HomeVisit]) -> str:
    """``json.dumps([v.as_dict() for v in visits], ensure_ascii=False, indent=2)``.

    What ``ilp home-visits --format json`` prints.
    """
    items = _Items()
    return visits_json(
        (
            v.family.kk_number,
            v.family.address,
            v.residence,
            [_target(t, 3, items) for t in v.members],
        )
        for v in visits
    )

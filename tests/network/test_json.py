"""The JSON of work lists written directly equals ``json.dumps`` of their ``as_dict()``."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilp.dates import Duration
from ilp.lifecycle import DueItem
from ilp.network._json import dumps, home_visits_json, target_list_json
from ilp.network._targets import HomeVisit, Target, TargetList, home_visits, targets, weekly_list

from .sample import NETWORK, ON, REGISTER


def _reference(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


_TEXT = st.text(st.characters(codec="utf-8"), max_size=6) | st.sampled_from(
    ['"', "\\", "\n\t\x00\x1f", "é ñ 漢", "\u2028", ""]
)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | _TEXT
)
_KEYS = _TEXT | st.integers() | st.floats() | st.booleans() | st.none()
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(_KEYS, inner, max_size=4)
    ),
    max_leaves=25,
)


@given(_VALUES)
def test_dumps_equals_json_dumps(value: Any) -> None:
    """Any plain JSON-ready value is written byte for byte as json.dumps writes it."""
    assert dumps(value) == _reference(value)


def test_dumps_refuses_what_json_refuses() -> None:
    """A value json cannot write raises json's own TypeError."""
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps({"a": [object()]})
    with pytest.raises(TypeError, match="keys must be"):
        dumps({(1, 2): 0})
    assert dumps([math.nan, -math.inf]) == "[\n  NaN,\n  -Infinity\n]"


def _every_list() -> tuple[list[TargetList], list[tuple[HomeVisit, ...]]]:
    posyandu = [targets(NETWORK, REGISTER, ON, site=f) for f in ("pos-a1", "pos-a2")]
    weeks = [weekly_list(NETWORK, REGISTER, ON, site=f) for f in ("pustu-a", "pkm")]
    visits = [
        home_visits(NETWORK, REGISTER, ON, area=a)
        for a in ("dusun-a1", "desa-a", "kec", "dusun-b1")
    ]
    return posyandu + weeks, visits


def test_target_lists_equal_json_dumps() -> None:
    """Target and weekly lists of the sample register (people, no one, shared items)."""
    lists, _ = _every_list()
    assert any(tl.targets for tl in lists)
    for tl in lists:
        assert target_list_json(tl) == _reference(tl.as_dict())


def test_home_visits_equal_json_dumps() -> None:
    """Home-visit lists of the sample register, and an empty one."""
    _, visits = _every_list()
    assert any(visits)
    for v in visits:
        assert home_visits_json(v) == _reference([x.as_dict() for x in v])
    assert home_visits_json(()) == "[]"


def test_a_target_without_family_name_or_items() -> None:
    """None where as_dict gives null, and an empty items list, are written as json writes them."""
    tl, _ = _every_list()
    full = next(t for t in tl[0].targets if t.items)
    bare = Target(full.person, None, None, None, ())
    named = Target(full.person, full.family, 'dusun "1"\n', full.stage, full.items * 2)
    for t in (bare, named):
        listed = TargetList(tl[0].site, tl[0].day, tl[0].until, (t, t))
        assert target_list_json(listed) == _reference(listed.as_dict())
        visit = (HomeVisit(full.family, None, (t,)),) if t.family else ()  # type: ignore[arg-type]
        assert home_visits_json(visit) == _reference([v.as_dict() for v in visit])


def test_items_alike_but_for_their_reason_data_are_written_each_with_its_own() -> None:
    """Two items that differ only in a number or an object of their reason data differ in text."""
    tl, _ = _every_list()
    target, item = next(
        (t, i)
        for x in tl
        for t in x.targets
        for i in t.items
        if any(type(w) is int and w > 700_000 for w in i._why[1:])
        and any(getattr(w, "min_interval", None) is not None for w in i._why)
    )
    why = item._why
    n = next(k for k, w in enumerate(why) if k and type(w) is int and w > 700_000)
    other_day = (*why[:n], why[n] - 40, *why[n + 1 :])
    copied = tuple(copy.copy(w) if k else w for k, w in enumerate(why))
    # an object of the reason data with other values (a longer interval since the last dose)
    d = next(k for k, w in enumerate(why) if getattr(w, "min_interval", None) is not None)
    longer = attrs.evolve(why[d], min_interval=Duration(months=why[d].min_interval.months + 5))
    other_dose = (*why[:d], longer, *why[d + 1 :])
    fields = (
        item.service,
        item.status,
        item._earliest,
        item._recommended,
        item._overdue,
        item._latest,
        item._given,
    )
    variants = [DueItem(*fields, w) for w in (why, other_day, copied, other_dose)]
    assert variants[0].reason != variants[1].reason
    assert variants[0].reason != variants[3].reason
    listed = TargetList(
        tl[0].site, tl[0].day, tl[0].until, (attrs.evolve(target, items=tuple(variants)),)
    )
    assert target_list_json(listed) == _reference(listed.as_dict())

"""DueItem as a value: equal, hashable, immutable and picklable as the frozen class it was."""

from __future__ import annotations

import copy
import pickle

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilp import Person, ServiceRecord, due
from ilp.lifecycle import DueItem, Status
from ilp.lifecycle._item import new_item
from ilp.lifecycle._model import _order_text
from ilp.people import Sex

CHILD = Person("c", Sex.FEMALE, pendulum.Date(2024, 1, 20))
LIST = due(CHILD, pendulum.Date(2024, 6, 1), history=[ServiceRecord("BCG", "2024-01-25")])


def _other_reason(item: DueItem) -> DueItem:
    return DueItem(*item[:7], (lambda name, lang: name,))


class TestValue:
    def test_equal_by_the_fields_without_the_reason(self) -> None:
        """Two items with the same service, status and days are equal, whatever the reason."""
        item = LIST[0]
        other = _other_reason(item)
        assert other == item
        assert (other != item) is False
        assert hash(other) == hash(item)
        assert other.reason != item.reason or item.status is Status.COMPLETED

    def test_a_field_changed_makes_another_item(self) -> None:
        """Each of the seven fields counts."""
        item = LIST[0]
        for i, value in enumerate((LIST[-1].service, Status.MISSED, 1, 2, 3, 4, 5)):
            fields = list(item)
            fields[i] = value
            changed = DueItem(*fields)
            assert changed != item
            assert (changed == item) is False

    def test_never_equal_to_a_plain_tuple(self) -> None:
        """A tuple of the same fields is not the item, on either side of ``==``."""
        item = LIST[0]
        assert item != tuple(item)
        assert tuple(item) != item
        assert (item == tuple(item)) is False

    def test_no_order(self) -> None:
        """Items are not ordered (due lists have their own order)."""
        with pytest.raises(TypeError):
            _ = LIST[0] < LIST[1]  # type: ignore[operator]

    def test_immutable(self) -> None:
        """Its fields cannot be set, nor new attributes added."""
        item = LIST[0]
        with pytest.raises(AttributeError):
            item.status = Status.DUE  # type: ignore[misc]
        with pytest.raises(AttributeError):
            item.note = "x"  # type: ignore[attr-defined]

    def test_pickle_and_copy_keep_the_item(self) -> None:
        """Pickled, copied and deep-copied items are equal and read the same."""
        for item in LIST:
            for back in (pickle.loads(pickle.dumps(item)), copy.copy(item), copy.deepcopy(item)):
                assert type(back) is DueItem
                assert back == item
                assert back.as_dict() == item.as_dict()
                assert repr(back) == repr(item)

    def test_new_item_is_the_constructor(self) -> None:
        """``new_item(fields)`` (the rules' way) makes the item ``DueItem(*fields)`` makes."""
        for item in LIST:
            made = new_item(tuple(item))  # type: ignore[arg-type]
            assert type(made) is DueItem
            assert made == DueItem(*item)
            assert made.as_dict() == item.as_dict()

    def test_fields_read_as_before(self) -> None:
        """The properties read the stored fields: service, status, dates as pendulum dates."""
        bcg = LIST.get("BCG")
        assert bcg is not None
        assert bcg.service.code == "BCG" == bcg.code
        assert bcg.status is Status.COMPLETED
        assert bcg.given == pendulum.Date(2024, 1, 25)
        assert isinstance(bcg.earliest, pendulum.Date)


@settings(max_examples=500)
@given(
    st.tuples(st.text(max_size=8), st.integers(min_value=-(10**20), max_value=10**20)),
    st.tuples(st.text(max_size=8), st.integers(min_value=-(10**20), max_value=10**20)),
)
def test_services_sort_by_code_then_dose(a: tuple[str, int], b: tuple[str, int]) -> None:
    """The text a service sorts by (``_order``) sorts as ``(code, dose)``, NULs in codes too."""
    assert (_order_text(*a) < _order_text(*b)) == (a < b)
    assert (_order_text(*a) == _order_text(*b)) == (a == b)


@given(st.sampled_from(("A", "A\x00", "A\x00\x00", "A\x01", "AB", "")), st.integers(-11, 11))
def test_codes_with_nul_sort_as_text(code: str, dose: int) -> None:
    """Codes that are prefixes of each other, with NULs, still sort as (code, dose)."""
    others = [(c, d) for c in ("A", "A\x00", "A\x00\x00", "A\x01", "AB", "") for d in (-10, 0, 10)]
    for other in others:
        assert (_order_text(code, dose) < _order_text(*other)) == ((code, dose) < other)

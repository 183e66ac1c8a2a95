"""The engine's API: bad arguments, DueList filtering and export, regions."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilp import (
    Cluster,
    ILPError,
    InvalidDateError,
    InvalidPersonError,
    InvalidRecordError,
    LifeStage,
    Person,
    PointOfCare,
    ServiceRecord,
    UnknownServiceError,
)
from ilp.lifecycle import DueList, Region, Status, due, national
from ilp.lifecycle.semantics import order_key
from ilp.testing import dates, histories, persons

BABY = Person("b", "F", "2024-01-15")


class TestBadArguments:
    def test_not_a_person(self) -> None:
        """A mapping instead of a Person is refused, naming the type."""
        with pytest.raises(InvalidPersonError, match="dict"):
            due({"id": "x"}, "2024-02-01")  # type: ignore[arg-type]

    def test_impossible_date(self) -> None:
        """A date that does not exist is refused, quoting it."""
        with pytest.raises(InvalidDateError, match="2024-02-30"):
            due(BABY, "2024-02-30")

    def test_date_before_birth(self) -> None:
        """Asking about a day before birth names both dates."""
        with pytest.raises(InvalidDateError, match=r"2024-01-14.*2024-01-15"):
            due(BABY, "2024-01-14")

    @pytest.mark.parametrize("horizon", [-1, 1.5, True, "30"])
    def test_bad_horizon(self, horizon: object) -> None:
        """The horizon is a whole number of days >= 0."""
        with pytest.raises(ILPError, match="horizon"):
            due(BABY, "2024-02-01", horizon=horizon)  # type: ignore[arg-type]

    def test_record_before_birth(self) -> None:
        """A record dated before birth is refused, naming the code and date."""
        with pytest.raises(InvalidRecordError, match="BCG on 2024-01-01"):
            due(BABY, "2024-02-01", history=[ServiceRecord("BCG", "2024-01-01")])

    def test_unknown_code(self) -> None:
        """A record whose code the catalogue lacks raises UnknownServiceError naming it."""
        with pytest.raises(UnknownServiceError, match="NOT-A-CODE"):
            due(BABY, "2024-02-01", history=[ServiceRecord("NOT-A-CODE", "2024-01-20")])

    def test_history_of_wrong_items(self) -> None:
        """History items that are not ServiceRecords are refused."""
        with pytest.raises(InvalidRecordError, match="ServiceRecord"):
            due(BABY, "2024-02-01", history=[("BCG", "2024-01-20")])  # type: ignore[list-item]

    def test_records_after_the_date_are_ignored(self) -> None:
        """A record dated after the asked date has not happened yet."""
        items = due(BABY, "2024-01-15", history=[ServiceRecord("HB0", "2024-01-16")])
        hb0 = items.get("HB0")
        assert hb0 is not None
        assert hb0.status is Status.DUE


class TestDueList:
    ITEMS = due(BABY, "2024-03-20", history=[ServiceRecord("BCG", "2024-01-20")])

    def test_most_urgent_first(self) -> None:
        """Items are ordered overdue, due, upcoming, missed, completed."""
        order = [i.status for i in self.ITEMS]
        ranks = [list(Status).index(s) for s in order]
        assert ranks == sorted(ranks)

    @given(st.data())
    def test_in_the_order_of_order_key(self, data: st.DataObject) -> None:
        """Status, then recommended date, code and dose: semantics.order_key, item by item."""
        on = data.draw(dates(min_value="2020-01-01", max_value="2030-12-31"))
        person = data.draw(persons(on=on))
        if on < person.birth_date:
            return
        codes = st.sampled_from(national().codes)
        history = data.draw(histories(person, on=on, codes=codes, max_size=30))
        items = due(person, on, history=history, horizon=data.draw(st.sampled_from([0, 30, 400])))
        keys = [order_key(i.status, i.recommended, i.code, i.dose) for i in items]
        assert keys == sorted(keys)

    def test_is_the_list_its_constructor_makes(self) -> None:
        """due() makes its list without attrs' __init__: equal, hashed and frozen the same."""
        made = DueList(self.ITEMS.person_id, self.ITEMS.on, self.ITEMS.items)
        assert type(self.ITEMS) is DueList
        assert made == self.ITEMS
        assert hash(self.ITEMS) == hash(made)
        assert repr(self.ITEMS) == repr(made)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            self.ITEMS.items = ()  # type: ignore[misc]

    def test_dates_of_every_kind_give_one_list(self) -> None:
        """A pendulum Date, a datetime.date and a text give the same list."""
        history = [ServiceRecord("BCG", "2024-01-20")]
        for on in (dt.date(2024, 3, 20), "2024-03-20", pendulum.DateTime(2024, 3, 20)):
            assert due(BABY, on, history=history) == self.ITEMS

    def test_filter_by_status_cluster_stage_and_place(self) -> None:
        """Filters accept enum members or their codes, one or several."""
        assert all(i.status is Status.COMPLETED for i in self.ITEMS.filter(status="completed"))
        assert all(i.cluster is Cluster.MOTHER_CHILD for i in self.ITEMS.filter(cluster=2))
        assert len(self.ITEMS.filter(stage=LifeStage.BAYI)) > 0
        posyandu = self.ITEMS.filter(point_of_care=PointOfCare.POSYANDU)
        assert all(PointOfCare.POSYANDU in i.points_of_care for i in posyandu)
        assert self.ITEMS.filter(code="BCG").codes == ("BCG",)

    def test_bad_filter_value(self) -> None:
        """An unknown status in a filter is an ILPError naming it."""
        with pytest.raises(ILPError, match="'soon'"):
            self.ITEMS.filter(status="soon")

    def test_actionable_is_due_and_overdue(self) -> None:
        """actionable keeps due and overdue items only."""
        assert {i.status for i in self.ITEMS.actionable} <= {Status.DUE, Status.OVERDUE}
        assert len(self.ITEMS.actionable) > 0

    def test_json_round_trip(self) -> None:
        """to_json is the as_dict data, with ISO dates."""
        data = json.loads(self.ITEMS.to_json())
        assert data == self.ITEMS.as_dict()
        assert data["on"] == "2024-03-20"
        bcg = next(i for i in data["items"] if i["code"] == "BCG")
        assert bcg["given"] == "2024-01-20"

    def test_sequence_and_reprs(self) -> None:
        """A DueList indexes like a tuple and shows itself in text and HTML."""
        assert self.ITEMS[0] is self.ITEMS.items[0]
        assert len(self.ITEMS[:2]) == 2
        assert "DueList('b' on 2024-03-20" in repr(self.ITEMS)
        assert "<table>" in self.ITEMS._repr_html_()
        assert "DueItem(" in repr(self.ITEMS[0])


class TestRegion:
    def test_from_mapping_reads_true_flags_and_ages(self) -> None:
        """Flags set to true are kept, false ones dropped; ages parse as durations."""
        r = Region.from_mapping({"je_endemic": True, "other": False, "ages": {"JE": "9m"}})
        assert r.flags == frozenset({"je_endemic"})
        assert str(r.ages["JE"]) == "9m"

    @pytest.mark.parametrize(
        "data", [{"je_endemic": "yes"}, {"ages": ["JE"]}, {"ages": {"JE": "nine months"}}, ["je"]]
    )
    def test_bad_region(self, data: object) -> None:
        """A region that is not flags and ages is refused."""
        with pytest.raises(InvalidPersonError, match="region"):
            Region.from_mapping(data)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "data",
        [
            "x" * 100_000,
            {"x" * 100_000: 1},
            {"je_endemic": "3507121204780003" * 1000},
            {("a",): True},
            {"ages": {5: "9m"}},
        ],
        ids=["long-text", "long-key", "long-value", "tuple-key", "number-code"],
    )
    def test_a_bad_region_is_refused_in_a_short_message(self, data: object) -> None:
        """Called directly (not through a file), a hostile region still gives a short message."""
        with pytest.raises(InvalidPersonError, match="region") as info:
            Region.from_mapping(data)  # type: ignore[arg-type]
        assert len(str(info.value)) < 200
        assert "3507121204780003" not in str(info.value)

    def test_je_only_in_endemic_regions(self) -> None:
        """JE is listed for a 10-month-old only where the region is endemic."""
        on = "2024-11-20"
        assert due(BABY, on).get("JE") is None
        item = due(BABY, on, region=Region(flags={"je_endemic"})).get("JE")
        assert item is not None
        assert item.recommended.isoformat() == "2024-11-15"

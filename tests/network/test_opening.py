"""Opening days: weekly and monthly rules, holidays and Sundays, as examples and properties."""

from __future__ import annotations

import calendar
import datetime as _dt
from itertools import islice, pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilp import NetworkError
from ilp.network import Network, Opening, OpeningKind

from .conftest import NETWORK_YAML, parse

D = _dt.date


def _first(opening: Opening, start: D, n: int, holidays: frozenset[D] = frozenset()) -> list[D]:
    return list(islice(opening.days(start, holidays), n))


class TestMonthlyOpenings:
    def test_second_tuesday_of_each_month(self) -> None:
        """nth(2, Tuesday) opens on the second Tuesday of each month."""
        got = _first(Opening.nth(2, 1), D(2025, 1, 1), 3)
        assert got == [D(2025, 1, 14), D(2025, 2, 11), D(2025, 3, 11)]

    def test_last_friday_of_each_month(self) -> None:
        """nth(-1, Friday) opens on the last Friday, whether the month has four or five."""
        got = _first(Opening.nth(-1, 4), D(2025, 1, 1), 3)
        assert got == [D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 28)]

    def test_a_month_without_a_fifth_weekday_is_skipped(self) -> None:
        """nth(5, Monday) opens only in months that have a fifth Monday."""
        got = _first(Opening.nth(5, 0), D(2025, 1, 1), 3)
        assert got == [D(2025, 3, 31), D(2025, 6, 30), D(2025, 9, 29)]

    def test_day_31_opens_on_the_last_day_of_february(self) -> None:
        """day_of_month 31 opens on 28 February in a common year."""
        assert Opening.monthly(31).next_day(D(2025, 2, 1)) == D(2025, 2, 28)

    def test_day_31_opens_on_29_february_in_a_leap_year(self) -> None:
        """day_of_month 31 opens on 29 February in a leap year."""
        assert Opening.monthly(31).next_day(D(2024, 2, 1)) == D(2024, 2, 29)

    def test_day_30_in_a_thirty_day_month_stays_on_the_30th(self) -> None:
        """A day that exists in the month is not moved."""
        assert Opening.monthly(30).next_day(D(2025, 6, 1)) == D(2025, 6, 30)

    def test_an_opening_on_a_sunday_moves_to_monday(self) -> None:
        """Day 5 of January 2025 is a Sunday, so the opening moves to Monday the 6th."""
        assert Opening.monthly(5).next_day(D(2025, 1, 1)) == D(2025, 1, 6)

    def test_a_holiday_moves_the_opening_to_the_next_working_day(self) -> None:
        """A holiday on day 15 (a Saturday) moves the opening past the Sunday to Monday."""
        holidays = frozenset({D(2025, 11, 15)})
        assert Opening.monthly(15).next_day(D(2025, 11, 1), holidays) == D(2025, 11, 17)

    def test_a_holiday_moves_an_nth_weekday_opening_too(self) -> None:
        """The second Tuesday, when a holiday, opens on the Wednesday after."""
        holidays = frozenset({D(2025, 1, 14)})
        assert Opening.nth(2, 1).next_day(D(2025, 1, 1), holidays) == D(2025, 1, 15)

    def test_a_holiday_at_the_month_end_moves_the_opening_into_the_next_month(self) -> None:
        """31 January and 1 February as holidays, 2 February a Sunday: the opening is 3 February."""
        holidays = frozenset({D(2025, 1, 31), D(2025, 2, 1)})
        got = _first(Opening.monthly(31), D(2025, 1, 1), 2, holidays)
        assert got == [D(2025, 2, 3), D(2025, 2, 28)]

    def test_an_opening_moved_into_this_month_is_found_from_this_month(self) -> None:
        """Asked from 1 February, January's opening moved to 3 February comes first."""
        holidays = frozenset({D(2025, 1, 31), D(2025, 2, 1)})
        assert Opening.monthly(31).next_day(D(2025, 2, 1), holidays) == D(2025, 2, 3)

    def test_a_long_run_of_holidays_keeps_one_opening_per_month(self) -> None:
        """Holidays from 15 January to 28 February: January opens 1 March, February on the 3rd."""
        holidays = frozenset(D(2025, 1, 15) + _dt.timedelta(days=i) for i in range(45))
        got = _first(Opening.monthly(15), D(2025, 1, 1), 3, holidays)
        assert got == [D(2025, 3, 1), D(2025, 3, 3), D(2025, 3, 15)]


class TestWeeklyOpenings:
    def test_a_weekly_opening_skips_holidays(self) -> None:
        """Open on Thursdays: Christmas and New Year's Day (Thursdays) are skipped."""
        holidays = frozenset({D(2025, 12, 25), D(2026, 1, 1)})
        got = _first(Opening.every(3), D(2025, 12, 22), 1, holidays)
        assert got == [D(2026, 1, 8)]

    def test_a_weekly_opening_is_not_moved_to_another_day(self) -> None:
        """A weekly opening on a holiday is cancelled, not postponed."""
        holidays = frozenset({D(2025, 12, 25)})
        got = _first(Opening.every(0, 3), D(2025, 12, 22), 3, holidays)
        assert got == [D(2025, 12, 22), D(2025, 12, 29), D(2026, 1, 1)]

    def test_every_sorts_and_deduplicates_weekdays(self) -> None:
        """Opening.every keeps each weekday once, in order."""
        assert Opening.every(4, 0, 4).weekdays == (0, 4)


class TestNextDay:
    def test_next_day_on_a_monthly_opening_day_is_that_day(self) -> None:
        """Asked on the second Tuesday itself, the next opening is that day."""
        assert Opening.nth(2, 1).next_day(D(2025, 1, 14)) == D(2025, 1, 14)

    def test_next_day_on_a_weekly_opening_day_is_that_day(self) -> None:
        """Asked on a Monday, a Monday opening is that day."""
        assert Opening.every(0).next_day(D(2025, 12, 22)) == D(2025, 12, 22)

    def test_next_day_the_day_after_waits_a_month(self) -> None:
        """Asked the day after the second Tuesday, the next opening is next month's."""
        assert Opening.nth(2, 1).next_day(D(2025, 1, 15)) == D(2025, 2, 11)

    def test_the_network_applies_its_holidays(self) -> None:
        """Network.next_opening uses the holidays of the network file."""
        network: Network = parse(NETWORK_YAML)
        pustu = network.facility("pustu")
        assert network.next_opening(pustu, D(2025, 12, 25)) == D(2025, 12, 26)

    def test_a_facility_without_a_rule_has_no_next_opening(self) -> None:
        """A facility with no opening rule has no next opening day."""
        network: Network = parse(
            NETWORK_YAML.replace("    opening: {nth_weekday: 2, weekday: tue}\n", "")
        )
        assert network.next_opening(network.facility("pos"), D(2025, 1, 1)) is None


class TestDescribe:
    def test_rules_are_described_in_both_languages(self) -> None:
        """describe() words each kind of rule in Indonesian and English."""
        assert Opening.nth(2, 1).describe().en == "the second Tuesday of each month"
        assert Opening.nth(-1, 4).describe().id == "hari Jumat terakhir setiap bulan"
        assert Opening.every(0, 2).describe().en == "every Monday, Wednesday"
        assert Opening.monthly(15).describe().id == "tanggal 15 setiap bulan"


class TestKind:
    @pytest.mark.parametrize(
        ("opening", "kind"),
        [
            (Opening.every(0), OpeningKind.WEEKDAYS),
            (Opening.nth(2, 1), OpeningKind.NTH_WEEKDAY),
            (Opening.monthly(15), OpeningKind.DAY_OF_MONTH),
            (Opening("nth_weekday", weekdays=(1,), n=2), OpeningKind.NTH_WEEKDAY),
        ],
    )
    def test_kind_is_an_opening_kind_equal_to_its_code(
        self, opening: Opening, kind: OpeningKind
    ) -> None:
        """A kind given as its code or built by a constructor is the enum member (== its code)."""
        assert opening.kind is kind
        assert opening.kind == kind.value

    def test_an_unknown_kind_names_it_and_the_known_kinds(self) -> None:
        """The error names the bad kind and lists every OpeningKind code."""
        with pytest.raises(NetworkError) as caught:
            Opening("fortnightly")
        assert str(caught.value) == (
            "invalid opening rule: kind 'fortnightly' is not one of "
            "weekdays, nth_weekday, day_of_month"
        )
        assert caught.value.key == "opening"


class TestInvalidRules:
    @pytest.mark.parametrize(
        "make",
        [
            lambda: Opening.nth(6, 1),
            lambda: Opening.nth(0, 1),
            lambda: Opening.nth(2, 7),
            lambda: Opening.monthly(0),
            lambda: Opening.monthly(32),
            Opening.every,
            lambda: Opening.every(-1),
            lambda: Opening("fortnightly"),
        ],
    )
    def test_a_rule_that_cannot_open_is_refused(self, make: object) -> None:
        """A rule that would never open (or is not a rule) raises NetworkError, a ValueError."""
        with pytest.raises(NetworkError, match="invalid opening rule"):
            make()  # type: ignore[operator]


# ---------------------------------------------------------------------------
# properties

_START = st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31))
_WEEKDAY = st.integers(min_value=0, max_value=6)
_WEEKLY = st.lists(_WEEKDAY, min_size=1, max_size=7).map(lambda ws: Opening.every(*ws))
#: monthly rules that open in every month (no fifth weekday)
_EVERY_MONTH = st.one_of(
    st.builds(Opening.nth, st.sampled_from([1, 2, 3, 4, -1]), _WEEKDAY),
    st.builds(Opening.monthly, st.integers(min_value=1, max_value=31)),
)
_MONTHLY = st.one_of(_EVERY_MONTH, st.builds(Opening.nth, st.just(5), _WEEKDAY))
_RULES = st.one_of(_WEEKLY, _MONTHLY)


def _holidays_near(start: D, max_size: int) -> st.SearchStrategy[frozenset[D]]:
    offsets = st.integers(min_value=-40, max_value=500)
    return st.frozensets(offsets, max_size=max_size).map(
        lambda xs: frozenset(start + _dt.timedelta(days=x) for x in xs)
    )


def _scheduled(rule: Opening, year: int, month: int) -> D:
    """The day *rule* names in a month, before any move (rules that open every month)."""
    last = calendar.monthrange(year, month)[1]
    if rule.kind == "day_of_month":
        assert rule.day is not None
        return D(year, month, min(rule.day, last))
    assert rule.n is not None
    days = [D(year, month, d) for d in range(1, last + 1)]
    matching = [d for d in days if d.weekday() == rule.weekdays[0]]
    return matching[rule.n - 1 if rule.n > 0 else -1]


def _source(rule: Opening, day: D) -> D:
    """The latest scheduled day on or before *day*: the month's day it was moved from."""
    here = _scheduled(rule, day.year, day.month)
    if here <= day:
        return here
    prev = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return _scheduled(rule, *prev)


def _month_index(day: D) -> int:
    return day.year * 12 + day.month - 1


class TestOpeningProperties:
    @given(data=st.data(), rule=_RULES, start=_START)
    def test_days_are_on_or_after_start_increasing_and_never_holidays(
        self, data: st.DataObject, rule: Opening, start: D
    ) -> None:
        """Every day yielded is >= start, later than the one before, and not a holiday."""
        holidays = data.draw(_holidays_near(start, 40))
        got = _first(rule, start, 15, holidays)
        assert got
        assert got[0] >= start
        assert all(a < b for a, b in pairwise(got))
        assert not set(got) & holidays

    @given(data=st.data(), rule=_RULES, start=_START)
    def test_next_day_is_the_first_of_days(
        self, data: st.DataObject, rule: Opening, start: D
    ) -> None:
        """next_day(on) is the first day of days(on), and itself an opening day from then on."""
        holidays = data.draw(_holidays_near(start, 20))
        first = rule.next_day(start, holidays)
        assert first == next(rule.days(start, holidays))
        assert first is not None
        assert rule.next_day(first, holidays) == first

    @given(data=st.data(), rule=_WEEKLY, start=_START)
    def test_weekly_days_fall_on_the_listed_weekdays(
        self, data: st.DataObject, rule: Opening, start: D
    ) -> None:
        """A weekly rule opens only on its weekdays, and on each of them unless a holiday."""
        holidays = data.draw(_holidays_near(start, 20))
        got = _first(rule, start, 20, holidays)
        assert {d.weekday() for d in got} <= set(rule.weekdays)
        every = [start + _dt.timedelta(days=i) for i in range((got[-1] - start).days + 1)]
        assert got == [d for d in every if d.weekday() in rule.weekdays and d not in holidays]

    @given(data=st.data(), rule=_EVERY_MONTH, start=_START)
    def test_a_monthly_rule_opens_exactly_once_each_month(
        self, data: st.DataObject, rule: Opening, start: D
    ) -> None:
        """Each month's scheduled day yields exactly one opening: itself or the next free day."""
        start = start.replace(day=1)
        # at most 10 holidays: a move never reaches the next month's scheduled day
        holidays = data.draw(_holidays_near(start, 10))
        got = _first(rule, start, 13, holidays)
        sources = [_source(rule, d) for d in got]
        months = [_month_index(s) for s in sources]
        assert months[0] in {_month_index(start) - 1, _month_index(start)}
        assert months == list(range(months[0], months[0] + len(months)))
        for source, day in zip(sources, got, strict=True):
            skipped = (source + _dt.timedelta(days=i) for i in range((day - source).days))
            assert all(d in holidays or d.weekday() == 6 for d in skipped)
            assert day.weekday() != 6

    @given(weekday=st.integers(min_value=0, max_value=5), start=_START)
    def test_a_fifth_weekday_rule_opens_in_exactly_the_months_that_have_one(
        self, weekday: int, start: D
    ) -> None:
        """nth(5, w) opens once in each month with five of weekday w, and in no other."""
        # Sunday is left out: a fifth Sunday on the 31st moves into the next month
        start = start.replace(day=1)
        got = _first(Opening.nth(5, weekday), start, 4)
        months = {(d.year, d.month) for d in got}
        assert len(months) == len(got)
        y, m = start.year, start.month
        while (y, m) <= (got[-1].year, got[-1].month):
            last = calendar.monthrange(y, m)[1]
            fifth = [d for d in range(29, last + 1) if D(y, m, d).weekday() == weekday]
            assert ((y, m) in months) == bool(fifth), (y, m)
            y, m = (y, m + 1) if m < 12 else (y + 1, 1)

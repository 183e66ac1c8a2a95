"""Dates, ages and durations as decisions.md ("Time") fixes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilp._months import MONTH_STARTS, NO_OFFSET, month_of
from ilp.dates import (
    MAX_DURATION_YEARS,
    Duration,
    GestationalAge,
    add_months,
    add_months_day,
    age_in_days,
    age_in_months,
    age_in_years,
    as_date,
    from_day,
    gestational_age,
    to_day,
    trimester,
)
from ilp.errors import ILPError, InvalidDateError
from ilp.testing import dates, durations

D = pendulum.Date


class TestAsDate:
    def test_datetime_date_becomes_pendulum_date(self) -> None:
        """A plain datetime.date comes back as the same day, as a pendulum.Date."""
        got = as_date(dt.date(2024, 2, 29))
        assert type(got) is pendulum.Date
        assert got == D(2024, 2, 29)

    def test_pendulum_date_is_returned_as_is(self) -> None:
        """A pendulum.Date is already a calendar date and is returned unchanged."""
        day = D(2025, 1, 31)
        assert as_date(day) is day

    @pytest.mark.parametrize("text", ["2024-02-29", " 2024-02-29 ", "2024-02-29\n"])
    def test_iso_string_is_read(self, text: str) -> None:
        """An ISO YYYY-MM-DD string, with surrounding blanks, is read as that day."""
        assert as_date(text) == D(2024, 2, 29)

    def test_midnight_datetime_is_accepted(self) -> None:
        """A naive datetime at exactly midnight is the calendar date it starts."""
        assert as_date(dt.datetime(2024, 3, 1)) == D(2024, 3, 1)

    def test_naive_pendulum_midnight_is_accepted(self) -> None:
        """A naive pendulum DateTime at midnight is accepted like a datetime."""
        assert as_date(pendulum.naive(2024, 3, 1)) == D(2024, 3, 1)

    @pytest.mark.parametrize(
        "value",
        [
            dt.datetime(2024, 3, 1, 8, 30),
            dt.datetime(2024, 3, 1, 0, 0, 0, 1),
            dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
        ],
    )
    def test_datetime_with_time_of_day_or_zone_is_refused(self, value: dt.datetime) -> None:
        """A datetime that is not a naive midnight is refused, naming its ISO form."""
        with pytest.raises(InvalidDateError, match=r"time of day|time zone") as info:
            as_date(value)
        assert value.isoformat() in str(info.value)
        assert info.value.value == value

    @pytest.mark.parametrize("text", ["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10"])
    def test_impossible_date_is_refused_quoting_it(self, text: str) -> None:
        """A well-formed date that does not exist raises InvalidDateError quoting the text."""
        with pytest.raises(InvalidDateError, match="not a date that exists") as info:
            as_date(text)
        assert repr(text) in str(info.value)
        assert info.value.value == text

    @pytest.mark.parametrize("text", ["", "2024-2-3", "03/02/2024", "2024-02-29T00:00", "kemarin"])
    def test_malformed_string_is_refused_quoting_it(self, text: str) -> None:
        """A string not in the form YYYY-MM-DD raises InvalidDateError quoting it."""
        with pytest.raises(InvalidDateError, match="YYYY-MM-DD") as info:
            as_date(text)
        assert repr(text) in str(info.value)

    @pytest.mark.parametrize("value", [None, 20240229, 2024.0, [2024, 2, 29], b"2024-02-29"])
    def test_non_date_types_are_refused_naming_the_type(self, value: object) -> None:
        """Anything that is neither a date nor a string raises InvalidDateError naming its type."""
        with pytest.raises(InvalidDateError) as info:
            as_date(value)
        assert type(value).__name__ in str(info.value)

    def test_error_names_the_field(self) -> None:
        """The field passed in leads the message and is kept on the error."""
        with pytest.raises(InvalidDateError, match=r"^birth_date: ") as info:
            as_date("nope", field="birth_date")
        assert info.value.field == "birth_date"

    def test_invalid_date_error_is_a_value_error_and_an_ilp_error(self) -> None:
        """Callers may catch ValueError or ILPError."""
        assert issubclass(InvalidDateError, ValueError)
        assert issubclass(InvalidDateError, ILPError)

    @given(dates())
    def test_iso_text_round_trips(self, day: pendulum.Date) -> None:
        """Any date written in ISO form reads back as itself."""
        assert as_date(day.isoformat()) == day


class TestDayNumbers:
    @given(dates())
    def test_day_number_round_trips(self, day: pendulum.Date) -> None:
        """from_day undoes to_day for every date."""
        assert from_day(to_day(day)) == day

    def test_day_number_is_the_proleptic_ordinal(self) -> None:
        """Day numbers are date.toordinal(), so consecutive days differ by one."""
        assert to_day(D(2024, 3, 1)) - to_day(D(2024, 2, 28)) == 2


class TestAddMonths:
    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            (D(2025, 1, 31), 1, D(2025, 2, 28)),
            (D(2024, 1, 31), 1, D(2024, 2, 29)),
            (D(2024, 1, 30), 1, D(2024, 2, 29)),
            (D(2024, 3, 31), 1, D(2024, 4, 30)),
            (D(2024, 2, 29), 12, D(2025, 2, 28)),
            (D(2024, 2, 29), 48, D(2028, 2, 29)),
            (D(2024, 12, 15), 1, D(2025, 1, 15)),
            (D(2024, 3, 31), -1, D(2024, 2, 29)),
            (D(2024, 5, 17), 0, D(2024, 5, 17)),
        ],
    )
    def test_month_end_is_clamped_to_last_day(
        self, start: pendulum.Date, months: int, expected: pendulum.Date
    ) -> None:
        """Adding months keeps the day of month, or the month's last day when it is shorter."""
        assert add_months(start, months) == expected

    @given(dates(), st.integers(min_value=-1000, max_value=1000))
    def test_matches_pendulum_month_arithmetic(self, day: pendulum.Date, months: int) -> None:
        """add_months agrees with pendulum's Date.add(months=n) for any date and n."""
        assert add_months(day, months) == day.add(months=months)

    @given(dates(), st.integers(min_value=0, max_value=1200))
    def test_is_monotone_in_months(self, day: pendulum.Date, months: int) -> None:
        """One more month never gives an earlier date."""
        assert add_months(day, months) < add_months(day, months + 1)

    @given(dates(), st.integers(min_value=0, max_value=MAX_DURATION_YEARS * 12))
    def test_the_month_table_adds_months_as_add_months_day(
        self, day: pendulum.Date, months: int
    ) -> None:
        """The table of month starts gives add_months_day's day wherever it gives one."""
        i, offset = month_of(day)
        assert MONTH_STARTS[i] + day.day - 1 == day.toordinal()
        if day.day <= NO_OFFSET:
            assert offset == day.day - 1
            assert MONTH_STARTS[i + months] + offset == add_months_day(day.toordinal(), months)
        else:
            assert offset == NO_OFFSET


class TestAges:
    def test_age_in_days_is_zero_on_the_day_of_birth(self) -> None:
        """Day 0 is the date of birth."""
        assert age_in_days(D(2024, 5, 1), D(2024, 5, 1)) == 0
        assert age_in_days(D(2024, 5, 1), D(2024, 5, 29)) == 28

    def test_child_born_31_january_is_one_month_on_28_february(self) -> None:
        """At age 1 month is birth + 1 calendar month, clamped: 28 February in 2025."""
        birth = D(2025, 1, 31)
        assert age_in_months(birth, D(2025, 2, 27)) == 0
        assert age_in_months(birth, D(2025, 2, 28)) == 1
        assert age_in_months(birth, D(2025, 3, 30)) == 1
        assert age_in_months(birth, D(2025, 3, 31)) == 2

    def test_months_are_completed_not_rounded(self) -> None:
        """The day before the monthly date the child is still one month younger."""
        birth = D(2024, 6, 15)
        assert age_in_months(birth, D(2024, 12, 14)) == 5
        assert age_in_months(birth, D(2024, 12, 15)) == 6

    def test_leap_day_child_turns_one_on_28_february(self) -> None:
        """A child born on 29 February 2024 is one year old on 28 February 2025."""
        birth = D(2024, 2, 29)
        assert age_in_years(birth, D(2025, 2, 27)) == 0
        assert age_in_years(birth, D(2025, 2, 28)) == 1
        assert age_in_years(birth, D(2028, 2, 28)) == 3
        assert age_in_years(birth, D(2028, 2, 29)) == 4

    def test_years_are_completed_on_the_birthday(self) -> None:
        """Age in years goes up on the birthday itself, not the day after."""
        birth = D(1965, 8, 17)
        assert age_in_years(birth, D(2025, 8, 16)) == 59
        assert age_in_years(birth, D(2025, 8, 17)) == 60

    @pytest.mark.parametrize("age", [age_in_days, age_in_months, age_in_years])
    def test_date_before_birth_is_refused(self, age: Callable[[D, D], int]) -> None:
        """Asking an age before birth raises InvalidDateError naming both dates."""
        with pytest.raises(InvalidDateError, match=r"2024-01-01.*2024-01-02") as info:
            age(D(2024, 1, 2), D(2024, 1, 1))
        assert info.value.field == "on"

    @given(dates(max_value="2080-12-31"), st.integers(min_value=0, max_value=240))
    def test_birth_plus_n_months_is_age_n_months_that_day(
        self, birth: pendulum.Date, months: int
    ) -> None:
        """On the date of birth plus N months a person is N completed months old."""
        assert age_in_months(birth, add_months(birth, months)) == months

    @given(dates(max_value="2080-12-31"), st.integers(min_value=1, max_value=240))
    def test_day_before_n_months_is_age_n_minus_one(
        self, birth: pendulum.Date, months: int
    ) -> None:
        """The day before birth + N months a person has completed N - 1 months."""
        day = add_months(birth, months).subtract(days=1)
        assert age_in_months(birth, day) == months - 1

    @given(
        dates(max_value="2080-12-31"),
        st.integers(min_value=0, max_value=40_000),
        st.integers(min_value=0, max_value=400),
    )
    def test_age_never_decreases_as_the_date_moves_forward(
        self, birth: pendulum.Date, offset: int, step: int
    ) -> None:
        """Ages in days, months and years never go down when the date moves later."""
        on = birth.add(days=offset)
        later = on.add(days=step)
        for age in (age_in_days, age_in_months, age_in_years):
            assert age(birth, on) <= age(birth, later)

    @given(dates(max_value="2080-12-31"), st.integers(min_value=0, max_value=40_000))
    def test_years_are_completed_months_divided_by_twelve(
        self, birth: pendulum.Date, offset: int
    ) -> None:
        """Completed years are always completed months // 12."""
        on = birth.add(days=offset)
        assert age_in_years(birth, on) == age_in_months(birth, on) // 12


class TestGestationalAge:
    def test_counts_whole_weeks_and_days_since_hpht(self) -> None:
        """Gestational age is (weeks, days) from the first day of the HPHT."""
        ga = gestational_age(D(2025, 1, 1), D(2025, 1, 18))
        assert ga == GestationalAge(2, 3)
        assert ga.total_days == 17
        assert str(ga) == "2w3d"

    def test_hpht_itself_is_zero_weeks(self) -> None:
        """On the HPHT the gestational age is 0 weeks 0 days."""
        assert gestational_age(D(2025, 1, 1), D(2025, 1, 1)) == GestationalAge(0, 0)

    def test_gestational_ages_order_by_length(self) -> None:
        """GestationalAge values compare as (weeks, days)."""
        assert GestationalAge(12, 6) < GestationalAge(13, 0)

    def test_date_before_hpht_is_refused(self) -> None:
        """A date before the HPHT raises InvalidDateError naming both dates."""
        with pytest.raises(InvalidDateError, match=r"2024-12-31.*2025-01-01"):
            gestational_age(D(2025, 1, 1), D(2024, 12, 31))


class TestTrimester:
    LMP = D(2025, 1, 1)

    @pytest.mark.parametrize(
        ("day", "expected"),
        [(0, 1), (90, 1), (91, 2), (174, 2), (175, 3), (300, 3)],
    )
    def test_trimester_edges_are_at_days_90_91_and_174_175(self, day: int, expected: int) -> None:
        """Trimester 1 runs through day 90 (12w6d), trimester 2 through day 174 (24w6d)."""
        assert trimester(self.LMP, self.LMP.add(days=day)) == expected

    def test_date_before_hpht_is_refused(self) -> None:
        """A trimester cannot be asked before the HPHT."""
        with pytest.raises(InvalidDateError):
            trimester(self.LMP, self.LMP.subtract(days=1))


class TestDuration:
    @pytest.mark.parametrize(
        ("text", "months", "days"),
        [
            ("0d", 0, 0),
            ("2m", 2, 0),
            ("6m29d", 6, 29),
            ("4w", 0, 28),
            ("1y", 12, 0),
            ("1y2m3w4d", 14, 25),
            ("18m", 18, 0),
            ("10d", 0, 10),
        ],
    )
    def test_parse_reads_years_months_weeks_days(self, text: str, months: int, days: int) -> None:
        """Years are 12 months and weeks 7 days; each part is optional but in order y m w d."""
        assert Duration.parse(text) == Duration(months=months, days=days)

    @pytest.mark.parametrize(
        "text", ["", "2", "m", "2M", "3d2m", "1y 2m", "-1m", "1.5m", "2mm", "two months"]
    )
    def test_parse_refuses_other_text_quoting_it(self, text: str) -> None:
        """Text that is not a duration raises ValueError quoting it."""
        with pytest.raises(ValueError, match="is not a duration") as info:
            Duration.parse(text)
        assert repr(text) in str(info.value)

    @pytest.mark.parametrize("value", [None, 2, Duration(months=2)])
    def test_parse_refuses_non_text(self, value: object) -> None:
        """Only text is parsed."""
        with pytest.raises(ValueError, match="is not a duration"):
            Duration.parse(value)  # type: ignore[arg-type]

    def test_negative_parts_are_refused(self) -> None:
        """A duration never goes backwards."""
        with pytest.raises(ValueError, match="months"):
            Duration(months=-1)
        with pytest.raises(ValueError, match="days"):
            Duration(days=-1)

    @pytest.mark.parametrize(
        ("duration", "text"),
        [
            (Duration(), "0d"),
            (Duration(months=12), "1y"),
            (Duration(months=24), "2y"),
            (Duration(months=18), "18m"),
            (Duration(days=14), "2w"),
            (Duration(days=10), "10d"),
            (Duration(months=6, days=29), "6m29d"),
            (Duration(months=12, days=7), "1y1w"),
        ],
    )
    def test_str_is_the_catalogue_spelling(self, duration: Duration, text: str) -> None:
        """str() writes whole years as y, other months as m, whole weeks as w, else days."""
        assert str(duration) == text

    @given(durations())
    def test_str_parses_back_to_the_same_duration(self, duration: Duration) -> None:
        """Parsing the written form of any duration gives it back."""
        assert Duration.parse(str(duration)) == duration

    def test_after_adds_months_then_days(self) -> None:
        """31 January + 1m1d is 1 March: the month first (28 February), then the day."""
        day = to_day(D(2025, 1, 31))
        assert from_day(Duration(months=1, days=1).after(day)) == D(2025, 3, 1)
        assert Duration.parse("6m29d").add_to(D(2024, 1, 1)) == D(2024, 7, 30)

    def test_after_with_days_only_is_plain_addition(self) -> None:
        """A duration of days only adds that many day numbers."""
        assert Duration(days=28).after(1000) == 1028

    @given(dates(max_value="2080-12-31"), durations())
    def test_add_to_matches_pendulum_months_then_days(
        self, day: pendulum.Date, duration: Duration
    ) -> None:
        """add_to is pendulum's add(months=...) followed by add(days=...)."""
        expected = day.add(months=duration.months).add(days=duration.days)
        assert duration.add_to(day) == expected

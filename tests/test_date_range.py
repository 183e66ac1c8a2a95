"""Dates at the calendar's edges fail cleanly: one supported range, checked once (issue 13, item 5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pendulum
import pytest

import ilp
from ilp import Person, Region
from ilp.cli import main
from ilp.dates import FIRST_DATE, LAST_DATE, MAX_DURATION_YEARS, Duration, as_date
from ilp.errors import ILPError, InvalidDateError, InvalidPersonError, PopulationError
from ilp.population import History, Population, simulate, synthesize

DEMO = Path(ilp.__file__).parent / "data" / "demo" / "kecamatan"


class TestSupportedRange:
    @pytest.mark.parametrize(
        "value",
        ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31", dt.date(1, 1, 1), dt.date.max],
    )
    def test_dates_outside_the_range_are_refused_naming_it(self, value: object) -> None:
        """Any date before 1900-01-01 or after 2200-12-31 is an InvalidDateError naming both."""
        with pytest.raises(
            InvalidDateError, match="outside the supported dates 1900-01-01 to 2200-12-31"
        ):
            as_date(value, field="on")

    def test_the_edges_themselves_are_accepted(self) -> None:
        """The first and last supported days are dates like any other."""
        assert as_date("1900-01-01") == FIRST_DATE
        assert as_date(pendulum.Date(2200, 12, 31)) == LAST_DATE
        assert as_date(dt.datetime(2200, 12, 31)) == LAST_DATE

    def test_due_works_at_both_edges(self) -> None:
        """Someone born on the first supported day is evaluated on the last one."""
        items = ilp.due(Person("a", "F", "1900-01-01"), "2200-12-31")
        assert items

    @pytest.mark.parametrize(
        ("birth", "on"), [("2000-01-01", "9999-12-31"), ("0001-01-01", "2025-01-01")]
    )
    def test_due_on_or_born_at_the_calendar_edge_fails_cleanly(self, birth: str, on: str) -> None:
        """Reproducer 5: due on 9999-12-31 or born 0001-01-01 is an ILPError, not a ValueError."""
        with pytest.raises(InvalidDateError, match="outside the supported dates"):
            ilp.due(Person("a", "F", birth), on)

    def test_an_lmp_at_the_calendar_edge_fails_cleanly(self) -> None:
        """Reproducer 5: an HPHT of 9999-12-01 is an ILPError, not an OverflowError."""
        with pytest.raises(InvalidDateError, match="lmp: '9999-12-01' is outside"):
            Person("a", "F", "2000-01-01", pregnancies=[{"lmp": "9999-12-01"}])

    def test_synthesis_far_in_the_future_fails_cleanly(self) -> None:
        """Reproducer 5: synthesize(on="9992-01-01") is an ILPError, not an IndexError."""
        with pytest.raises(InvalidDateError, match="on: '9992-01-01' is outside"):
            synthesize(size=10, on="9992-01-01", seed=1)


class TestDurations:
    @pytest.mark.parametrize(
        "text", ["99999y", "2401m", "201y", "10000w", "73500d", "9" * 4400 + "y"]
    )
    def test_durations_over_the_bound_are_refused(self, text: str) -> None:
        """Reproducer 5: ``99999y`` (or a 4,400-digit count) is refused, with the bound named."""
        with pytest.raises(ValueError, match=f"longer than {MAX_DURATION_YEARS} years") as info:
            Duration.parse(text)
        assert len(str(info.value)) < 120

    def test_the_longest_duration_is_accepted(self) -> None:
        """Exactly 200 years is a duration."""
        assert Duration.parse("200y").months == 2400

    def test_a_region_age_of_99999_years_fails_cleanly(self) -> None:
        """Reproducer 5: ``99999y`` in region ages is an InvalidPersonError."""
        with pytest.raises(InvalidPersonError, match="longer than 200 years"):
            Region.from_mapping({"ages": {"JE": "99999y"}})


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


class TestCommandLine:
    def test_targets_on_9999_12_31_is_one_error_line(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Reproducer 5: ``ilp targets --on 9999-12-31`` exits 2 with one line."""
        args = ["targets", "--network", str(DEMO / "network.yaml"), "--register", str(DEMO)]
        code, err = _run([*args, "--on", "9999-12-31", "--site", "x"], capsys)
        assert code == 2
        assert err.count("\n") == 1
        assert "outside the supported dates" in err

    def test_simulate_100000_months_is_refused_at_once(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Reproducer 5: ``--months 100000`` is refused before any month runs."""
        args = ["simulate", "--network", str(DEMO / "network.yaml"), "--register", str(DEMO)]
        out = str(tmp_path / "r.npz")
        code, err = _run(
            [*args, "--start", "2025-01-01", "--months", "100000", "--seed", "1", "--out", out],
            capsys,
        )
        assert code == 2
        assert "more than 1200 months" in err
        assert not Path(out).exists()


class TestSimulateMonths:
    def test_months_past_the_last_date_are_refused(self) -> None:
        """A run may not go past the last supported date."""
        network = ilp.network.load_network(DEMO / "network.yaml")
        population = Population(
            ids=np.array(["a"], dtype=object),
            birth=np.array([738_000], dtype=np.int32),
            sex=np.array([0], dtype=np.int8),
        )
        with pytest.raises(PopulationError, match="goes past the last supported date") as info:
            simulate(population, History.empty(population), network, "2200-01-01", 24, seed=1)
        assert isinstance(info.value, ILPError)

"""Loading and validating catalogue YAML: every bad input is a CatalogueError with its place."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ilp import CatalogueError
from ilp.lifecycle import (
    CalendarRule,
    OnceRule,
    dump_catalogue,
    load_catalogue,
    national,
    parse_catalogue,
)
from ilp.lifecycle._loader import read_yaml

from .conftest import HEADER, catalogue_of, entry


def _parse(text: str) -> object:
    return parse_catalogue(read_yaml(text, origin="c.yaml"), origin="c.yaml")


def _fails(text: str) -> CatalogueError:
    with pytest.raises(CatalogueError) as info:
        _parse(text)
    return info.value


class TestGoodCatalogues:
    def test_a_once_entry_loads_with_its_durations(self) -> None:
        """A once rule keeps its earliest, overdue and exclusive latest."""
        cat = catalogue_of(
            """
            - code: BCG
            rule: {kind: once, earliest: 0d, recommended: 1m, overdue: 2m, latest_before: 12m}
            """
        )
        rule = cat.entries[0].rule
        assert isinstance(rule, OnceRule)
        assert str(rule.recommended) == "1m"
        assert rule.latest is not None
        assert rule.latest.exclusive

    def test_calendar_months_are_sorted_and_unique(self) -> None:
        """Months given out of order or twice are stored once, in order."""
        cat = catalogue_of("- code: VITA-RED\nrule: {kind: calendar, months: [8, 2, 8]}")
        rule = cat.entries[0].rule
        assert isinstance(rule, CalendarRule)
        assert rule.months == (2, 8)

    def test_series_doses_get_numbered_labels(self) -> None:
        """Doses of a series are services numbered from 1 with the series label."""
        cat = catalogue_of(
            """
            - series: RV
            rule:
              kind: series
              doses:
                - {code: RV-1, earliest: 6w}
                - {code: RV-2, min_interval: 4w}
            """
        )
        assert [s.code for s in cat] == ["RV-1", "RV-2"]
        assert cat.service("RV-2").label.en == "Service 2"
        assert cat.service("RV-2").dose == 2

    def test_same_code_in_disjoint_editions_is_allowed(self) -> None:
        """Two entries may share a code when their effective ranges do not overlap."""
        cat = catalogue_of(
            '- code: X\neffective: {before: "2025-01-01"}\nrule: {kind: once, earliest: 1m}',
            '- code: X\neffective: {from: "2025-01-01"}\nrule: {kind: once, earliest: 2m}',
        )
        assert len(cat.entries) == 2
        assert len(cat) == 1

    def test_national_catalogue_round_trips_through_dump(self) -> None:
        """Dumping the national catalogue and reading it back gives equal entries."""
        cat = national()
        again = _parse(dump_catalogue(cat))
        assert again.entries == cat.entries  # type: ignore[attr-defined]

    def test_load_catalogue_reads_a_file(self, tmp_path: Path) -> None:
        """load_catalogue reads a YAML file from disk."""
        path = tmp_path / "c.yaml"
        path.write_text(HEADER + entry("- code: A\nrule: {kind: once, earliest: 0d}"), "utf-8")
        assert load_catalogue(path).codes == ("A",)


class TestBadCatalogues:
    def test_unknown_key_names_key_and_line(self) -> None:
        """An unknown key in an entry is reported with its line."""
        err = _fails(HEADER + entry("- code: A\ncolour: red\nrule: {kind: once, earliest: 0d}"))
        assert "colour" in str(err)
        assert err.line == 12
        assert err.path == "c.yaml"

    def test_wrong_type_is_reported(self) -> None:
        """A cluster that is not 1–5 is reported with the value."""
        text = HEADER + entry("- code: A\nrule: {kind: once, earliest: 0d}").replace(
            "cluster: 2", "cluster: 9"
        )
        err = _fails(text)
        assert "cluster" in str(err)
        assert "9" in str(err)

    def test_unknown_rule_kind(self) -> None:
        """An unknown rule kind names the kind and the known ones."""
        err = _fails(HEADER + entry("- code: A\nrule: {kind: sometimes}"))
        assert "'sometimes'" in str(err)
        assert "once" in str(err)

    def test_duplicate_code_in_overlapping_editions(self) -> None:
        """The same code twice in force at once is refused, naming the code."""
        err = _fails(
            HEADER
            + entry("- code: A\nrule: {kind: once, earliest: 0d}")
            + entry("- code: A\nrule: {kind: once, earliest: 1d}")
        )
        assert "'A'" in str(err)
        assert "overlapping" in str(err)

    def test_reference_to_missing_code(self) -> None:
        """A school rule's 'after' must name a code some entry defines."""
        err = _fails(
            HEADER + entry("- code: B\nrule: {kind: school, grades: [6], months: [8], after: NOPE}")
        )
        assert "NOPE" in str(err)

    def test_window_that_ends_before_it_starts(self) -> None:
        """A latest age before the earliest age is refused."""
        err = _fails(HEADER + entry("- code: A\nrule: {kind: once, earliest: 2m, latest: 1m}"))
        assert "ends" in str(err)

    def test_age_window_that_ends_before_it_starts(self) -> None:
        """An eligibility age range that ends before it starts is refused."""
        err = _fails(
            HEADER
            + entry(
                "- code: A\neligibility: {age: {from: 5y, before: 1y}}\nrule: {kind: once, earliest: 0d}"
            )
        )
        assert "eligibility.age" in str(err)

    def test_bad_duration_text(self) -> None:
        """A duration that is not NyNmNwNd is refused with the value."""
        err = _fails(HEADER + entry("- code: A\nrule: {kind: once, earliest: 2 months}"))
        assert "'2 months'" in str(err)

    def test_unconfirmed_without_note(self) -> None:
        """confirmed: false needs a note."""
        err = _fails(
            HEADER + entry("- code: A\nconfirmed: false\nrule: {kind: once, earliest: 0d}")
        )
        assert "note" in str(err)

    def test_all_problems_are_collected(self) -> None:
        """Several problems are all reported, each with its place."""
        err = _fails(
            HEADER
            + entry("- code: A\nrule: {kind: once, earliest: x}")
            + entry("- code: b\nrule: {kind: once, earliest: 0d}")
        )
        assert len(err.problems) == 2
        assert all(p.startswith("c.yaml:") for p in err.problems)

    def test_python_tag_is_refused(self) -> None:
        """An unsafe !!python tag is refused, not executed."""
        err = _fails(HEADER + "  - !!python/object/apply:os.system ['true']\n")
        assert "tag" in str(err)

    def test_syntax_error_has_a_line(self) -> None:
        """Broken YAML names the line."""
        err = _fails("format: 1\nid: [unclosed\n")
        assert err.line is not None

    def test_unsupported_format(self) -> None:
        """Only format 1 is read."""
        err = _fails(
            HEADER.replace("format: 1", "format: 2") + entry("- code: A\nrule: {kind: once}")
        )
        assert "format" in str(err)

    def test_code_and_series_together(self) -> None:
        """An entry is either one code or one series."""
        err = _fails(HEADER + entry("- code: A\nseries: B\nrule: {kind: once}"))
        assert "either" in str(err)

    def test_followup_needs_conditions(self) -> None:
        """A followup rule without eligibility conditions is refused."""
        err = _fails(HEADER + entry("- code: HT\nrule: {kind: followup, every: 1m}"))
        assert "conditions" in str(err)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is a CatalogueError naming the path."""
        with pytest.raises(CatalogueError) as info:
            load_catalogue(tmp_path / "nope.yaml")
        assert "nope.yaml" in str(info.value)

    def test_duplicate_key(self) -> None:
        """A key given twice in one mapping is refused."""
        text = HEADER + entry("- code: A\nrule: {kind: once, earliest: 0d}") + ""
        text = text.replace("    source: test source\n", "    source: a\n    source: b\n")
        err = _fails(text)
        assert "twice" in str(err)

    def test_not_a_mapping(self) -> None:
        """A top level that is not a mapping is refused."""
        err = _fails(textwrap.dedent("- 1\n- 2\n"))
        assert "mapping" in str(err)

"""The indicator file: the shipped one loads, and every bad file names its line and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ilp._yaml import read_yaml
from ilp.errors import IndicatorError, MonitoringError
from ilp.pws import IndicatorKind, indicators, load_indicators, parse_indicators

ISSUE_IDS = (
    "K1",
    "K1-MURNI",
    "K4",
    "K6",
    "PN",
    "KF-LENGKAP",
    "KN1",
    "KN-LENGKAP",
    "IDL",
    "UCI",
    "DO-DPT1-DPT3",
    "DO-DPT1-MR1",
    "D-S",
    "N-D",
    "HT-BULANAN",
    "DM-BULANAN",
)

HEAD = """format: 1
id: test
title: {id: "Uji", en: "Test"}
edition: "2025-01-01"
indicators:
"""

GOOD = """  - id: X
    label: {id: "x", en: "x"}
    kind: coverage
    group: {kind: live_births}
    requires:
      - {codes: [KN-1], from_day: 0, to_day: 2}
    target: 100
    regulation: "r"
    effective: {from: "2023-01-01"}
    source: "s"
"""


def parse(text: str) -> object:
    return parse_indicators(
        read_yaml(HEAD + text, origin="t.yaml", error=IndicatorError), origin="t.yaml"
    )


class TestShipped:
    def test_every_indicator_the_issue_names_is_defined(self) -> None:
        """The ids health workers use are all in the shipped file."""
        assert set(ISSUE_IDS) <= set(indicators().ids())

    def test_the_twelve_spm_services_are_in_force_in_2025(self) -> None:
        """One version of each SPM service 1–12 is in force."""
        spm = indicators().spm(dt.date(2025, 6, 1))
        assert [i.spm for i in spm] == list(range(1, 13))

    def test_spm_1_follows_the_regulation_in_force(self) -> None:
        """ANC ≥ 4 (1/1/2) under Permenkes 4/2019, ≥ 6 (1/2/3) from the ILP decree (2023-08-29)."""
        old = indicators().get("SPM-1", dt.date(2022, 12, 31))
        new = indicators().get("SPM-1", dt.date(2023, 8, 29))
        assert [q.min for q in old.requires] == [1, 1, 2]
        assert [q.min for q in new.requires] == [1, 2, 3]

    def test_every_indicator_has_a_source_and_regulation(self) -> None:
        """Sources are shown on the dashboard: none may be empty."""
        assert all(i.source and i.regulation for i in indicators().indicators)

    def test_unconfirmed_indicators_say_why(self) -> None:
        """An indicator marked unconfirmed carries a note."""
        assert all(i.note for i in indicators().indicators if not i.confirmed)

    def test_every_kind_is_used(self) -> None:
        """The shipped file exercises the whole vocabulary."""
        assert {i.kind for i in indicators().indicators} == set(IndicatorKind)

    def test_unknown_id_names_it(self) -> None:
        """An unknown indicator raises MonitoringError naming it."""
        with pytest.raises(MonitoringError, match="'K99'"):
            indicators().get("K99", dt.date(2025, 1, 1))

    def test_no_version_in_force(self) -> None:
        """Asking before an indicator's first effective date says so."""
        with pytest.raises(MonitoringError, match="no version in force on 2010-01-01"):
            indicators().get("K6", dt.date(2010, 1, 1))

    def test_the_file_ships_in_the_package(self) -> None:
        """The file sits beside the loader (hatch packs the whole package)."""
        import ilp.pws

        assert (Path(ilp.pws.__file__).parent / "data" / "indicators.yaml").is_file()


class TestBadFiles:
    def test_a_good_entry_loads(self) -> None:
        """The minimal coverage entry is valid."""
        s = parse(GOOD)
        assert s.ids() == ("X",)  # type: ignore[attr-defined]

    @pytest.mark.parametrize(
        ("change", "line", "message"),
        [
            (
                ("kind: coverage", "kind: coverrage"),
                8,
                "indicators[0](X).kind: 'coverrage' is not an indicator kind",
            ),
            (("target: 100", "target: lots"), 12, "'lots' is not a number"),
            (
                ("from_day: 0, to_day: 2", "from_day: 3, to_day: 2"),
                11,
                "from_day and to_day go together",
            ),
            (("{kind: live_births}", "{kind: babies}"), 9, "'babies' is not a group kind"),
            (('    source: "s"\n', ""), 6, "missing required key 'source'"),
            (
                ("    target: 100\n", "    target: 100\n    colour: red\n"),
                13,
                "unknown key 'colour'",
            ),
            (("{codes: [KN-1]", "{codes: [KN-1], trimester: 1"), 10, "trimesters need pregnancies"),
        ],
    )
    def test_each_problem_is_located(
        self, change: tuple[str, str], line: int, message: str
    ) -> None:
        """The error names file:line and the key."""
        with pytest.raises(IndicatorError) as info:
            parse(GOOD.replace(*change))
        assert f"t.yaml:{line}:" in info.value.problems[0]
        assert message in str(info.value)

    def test_every_problem_is_collected(self) -> None:
        """Two problems in two entries are both reported."""
        bad = GOOD.replace("target: 100", "target: x") + GOOD.replace("id: X", "id: Y").replace(
            "kind: coverage", "kind: nope"
        )
        with pytest.raises(IndicatorError) as info:
            parse(bad)
        assert len(info.value.problems) == 2

    def test_overlapping_versions_are_refused(self) -> None:
        """Two versions of one id must have disjoint effective ranges."""
        with pytest.raises(IndicatorError, match="overlapping effective range"):
            parse(GOOD + GOOD)

    def test_a_continuum_naming_an_unknown_step(self) -> None:
        """Steps must name indicators of the file."""
        cont = """  - id: C
    label: {id: "c", en: "c"}
    kind: continuum
    steps: [X, NOPE]
    target: 100
    regulation: "r"
    effective: {from: "2023-01-01"}
    source: "s"
"""
        with pytest.raises(IndicatorError, match="refers to indicator 'NOPE'"):
            parse(GOOD + cont)

    def test_a_kind_missing_what_it_needs(self) -> None:
        """A drop-out without its codes is refused."""
        d = GOOD.replace("kind: coverage", "kind: dropout")
        with pytest.raises(IndicatorError, match="a dropout indicator needs 'from_code'"):
            parse(d)

    def test_unsafe_yaml_is_refused_with_a_line(self) -> None:
        """Python tags never construct objects."""
        with pytest.raises(IndicatorError, match=r"t\.yaml:6"):
            parse("  - !!python/object:os.system {}\n")

    def test_wrong_format(self) -> None:
        """Only format 1 is read."""
        with pytest.raises(IndicatorError, match="format 2 is not supported"):
            parse_indicators(
                read_yaml(HEAD.replace("format: 1", "format: 2") + GOOD, origin="t.yaml"),
                origin="t.yaml",
            )

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that is not there is named."""
        with pytest.raises(IndicatorError, match="no such file"):
            load_indicators(tmp_path / "none.yaml")

    def test_not_utf8(self, tmp_path: Path) -> None:
        """Bytes that are not UTF-8 are refused."""
        f = tmp_path / "bad.yaml"
        f.write_bytes(b"\xff\xfe")
        with pytest.raises(IndicatorError, match="is not UTF-8 text"):
            load_indicators(f)

    def test_load_from_a_file(self, tmp_path: Path) -> None:
        """A valid file loads from disk with its path as origin."""
        f = tmp_path / "ok.yaml"
        f.write_text(HEAD + GOOD, encoding="utf-8")
        assert load_indicators(f).origin == str(f)


BAD_VALUES = [
    (("target: 100", "target: true"), "True is not a number"),
    (("    target: 100\n", "    target: 100\n    in_facility: 1\n"), "1 is not true or false"),
    (("codes: [KN-1]", "codes: []"), "[] is not a list of codes"),
    (("{kind: live_births}", "{kind: age, from_months: -3}"), "-3 is not a number of months"),
    (("{kind: live_births}", "{kind: age, from_months: 12, to_months: 6}"), "6 is not above 12"),
    (("{kind: live_births}", "{kind: condition}"), "a condition group needs a condition"),
    (("{kind: live_births}", "[live_births]"), "expected a mapping"),
    (("from_day: 0, to_day: 2", "from_day: 0, to_day: 2, min: 0"), "0 is not 1 or more"),
    (("from_day: 0, to_day: 2", "trimester: 4"), "4 is not 1, 2 or 3"),
    (("from_day: 0, to_day: 2", "from_day: 0"), "from_day and to_day go together"),
    (("{codes: [KN-1], from_day: 0, to_day: 2}", "KN-1"), "expected a mapping"),
    (("    target: 100\n", "    target: 100\n    measure: X/Y\n"), "'X/Y' is not D/S or N/D"),
    (('{from: "2023-01-01"}', '{from: "2023-01-01", before: "2022-01-01"}'), "is not after from"),
    (('{from: "2023-01-01"}', '{from: "2023-02-30"}'), "is not a date"),
    (("    target: 100\n", "    target: 100\n    spm: 13\n"), "13 is not an SPM service 1-12"),
    (
        ("    target: 100\n", "    target: 100\n    estimate: {method: prevalence}\n"),
        "names its parameter",
    ),
    (
        ("    target: 100\n", "    target: 100\n    estimate: {method: guess}\n"),
        "not an estimate method",
    ),
    (('label: {id: "x", en: "x"}', 'label: {id: "x"}'), "missing required key 'en'"),
    (("    requires:\n", "    requires: 3\n    x_requires:\n"), "expected a list"),
]


@pytest.mark.parametrize(("change", "message"), BAD_VALUES)
def test_every_bad_value_is_named(change: tuple[str, str], message: str) -> None:
    """Each field's converter names the value it refuses."""
    with pytest.raises(IndicatorError) as info:
        parse(GOOD.replace(*change))
    assert any(message in p for p in info.value.problems), info.value.problems


def test_a_coverage_without_requirements_or_facility() -> None:
    """A coverage indicator needs requirements unless it counts facility deliveries."""
    bad = GOOD.replace("    requires:\n      - {codes: [KN-1], from_day: 0, to_day: 2}\n", "")
    with pytest.raises(IndicatorError, match="needs 'requires'"):
        parse(bad)


def test_a_top_level_that_is_not_a_mapping() -> None:
    """A list at the top is refused."""
    with pytest.raises(IndicatorError, match="expected a mapping"):
        parse_indicators(read_yaml("- 1\n", origin="t.yaml"), origin="t.yaml")

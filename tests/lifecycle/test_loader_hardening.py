"""Catalogue files that cannot work are refused (issue 13, reproducers 1 and 11)."""

from __future__ import annotations

import pytest

from ilp.errors import CatalogueError
from ilp.lifecycle import parse_catalogue
from ilp.lifecycle._loader import read_yaml

from .conftest import HEADER, entry

SCHOOL = "rule: {kind: school, grades: [1], months: [8], after: %s}"


def _load(text: str) -> None:
    parse_catalogue(read_yaml(text, origin="c.yaml"), origin="c.yaml")


def _fails(*bodies: str, header: str = HEADER) -> str:
    with pytest.raises(CatalogueError) as info:
        _load(header + "".join(entry(b) for b in bodies))
    return "\n".join(info.value.problems)


class TestCatalogueHardening:
    def test_a_rule_after_itself_is_refused(self) -> None:
        """Reproducer 11: a school rule whose ``after`` names itself never comes due."""
        assert "goes round in a circle (A after A)" in _fails("- code: A\n" + SCHOOL % "A")

    def test_two_rules_after_each_other_are_refused(self) -> None:
        """Reproducer 11: A after B after A is refused once."""
        problems = _fails("- code: A\n" + SCHOOL % "B", "- code: B\n" + SCHOOL % "A")
        assert problems.count("goes round in a circle (A after B after A)") == 1

    def test_a_list_as_rule_kind_is_a_catalogue_error(self) -> None:
        """Reproducer 1: ``rule: {kind: [once]}`` is a problem of the file, not a TypeError."""
        assert "unknown rule kind ['once']" in _fails("- code: A\nrule: {kind: [once]}")

    def test_a_list_as_eligibility_is_a_catalogue_error(self) -> None:
        """Reproducer 1: ``eligibility: [x]`` is a problem, not an AttributeError."""
        body = "- code: A\nrule: {kind: followup, every: 1m}\neligibility: [x]"
        assert "eligibility: expected a mapping" in _fails(body)

    @pytest.mark.parametrize("value", ["1.0", "'1'", "true"])
    def test_format_must_be_the_whole_number_one(self, value: str) -> None:
        """Reproducer 9: ``format: 1.0`` is refused."""
        header = HEADER.replace("format: 1\n", f"format: {value}\n")
        assert "is not supported" in _fails("- code: A\n" + SCHOOL % "BCG", header=header)

"""Enum coercion is written once: ilp._coerce.member_of and InvalidArgumentError."""

from __future__ import annotations

import pytest

import ilp
from ilp._coerce import known_values, member_of
from ilp.errors import ILPError, InvalidArgumentError, InvalidFamilyError, InvalidPersonError
from ilp.people import Condition, Outcome, Relation, Sex


class TestInvalidArgumentError:
    def test_is_an_ilp_error_and_a_value_error(self) -> None:
        """`except ValueError` and `except ilp.ILPError` both catch a bad argument."""
        assert issubclass(InvalidArgumentError, ILPError)
        assert issubclass(InvalidArgumentError, ValueError)
        assert ilp.InvalidArgumentError is InvalidArgumentError


class TestMemberOf:
    def test_a_member_is_returned_as_it_is(self) -> None:
        """The member itself passes through."""
        assert member_of(Outcome, Outcome.STILLBIRTH, field="outcome") is Outcome.STILLBIRTH

    def test_a_code_becomes_its_member(self) -> None:
        """A code is read as its member."""
        assert member_of(Outcome, "live_birth", field="outcome") is Outcome.LIVE_BIRTH

    def test_clean_is_applied_to_text_only(self) -> None:
        """*clean* normalises a text code before the look-up."""
        found = member_of(Condition, " Hypertension ", field="c", clean=lambda s: s.strip().lower())
        assert found is Condition.HYPERTENSION

    def test_an_unknown_code_names_the_field_value_and_known_codes(self) -> None:
        """The error quotes the value and lists every known code."""
        with pytest.raises(InvalidArgumentError) as info:
            member_of(Sex, "x", field="sex")
        assert info.value.field == "sex"
        assert info.value.value == "x"
        assert str(info.value) == f"sex: 'x' is not one of {known_values(Sex)}"

    def test_what_words_the_message(self) -> None:
        """With *what*, the known codes follow in parentheses."""
        with pytest.raises(InvalidArgumentError, match=r"is not a sex \(female, male\)$"):
            member_of(Sex, 3, field="sex", what="a sex")

    def test_unhashable_value_is_refused_cleanly(self) -> None:
        """A value the enum cannot even look up is an error, not a TypeError."""
        with pytest.raises(InvalidArgumentError):
            member_of(Outcome, ["live_birth"], field="outcome")

    def test_the_error_class_is_chosen_by_the_caller(self) -> None:
        """People and families keep their own error classes."""
        with pytest.raises(InvalidPersonError, match="is not a known condition"):
            Condition.parse("flu")
        with pytest.raises(InvalidFamilyError, match="relation: 'cousin' is not one of"):
            member_of(Relation, "cousin", field="relation", error=InvalidFamilyError)


class TestBadArgumentsAreValueErrors:
    """Bad arguments of the evaluators raise InvalidArgumentError, caught by ``except ValueError``."""

    def test_an_unknown_status_filter_names_the_argument(self) -> None:
        """DueList.filter(status=...) with an unknown code lists the statuses."""
        person = ilp.Person("a", Sex.FEMALE, "2024-01-01")
        items = ilp.due(person, "2024-03-01")
        with pytest.raises(ValueError, match=r"^status: 'soon' is not a Status \(overdue"):
            items.filter(status="soon")
        with pytest.raises(InvalidArgumentError):
            items.filter(stage="nobody")

    def test_the_batch_status_filter_and_region_are_checked(self) -> None:
        """due_batch refuses a region of the wrong type; its result an unknown status."""
        from ilp.population import Population, due_batch

        population, history = Population.from_people([ilp.Person("a", Sex.MALE, "2024-01-01")])
        with pytest.raises(InvalidArgumentError, match="region: expected a Region"):
            due_batch(population, history, "2024-03-01", region="east")  # type: ignore[arg-type]
        result = due_batch(population, history, "2024-03-01")
        with pytest.raises(InvalidArgumentError, match="status: 'late' is not a Status"):
            result.counts(status="late")

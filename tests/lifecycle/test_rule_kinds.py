"""Every rule kind is one module pair and is in every table, as CONTRIBUTING.md says.

A rule kind lives in ``ilp/lifecycle/rules/<kind>.py`` (model, YAML, per-person
evaluator, reason) and ``ilp/population/batch/<kind>.py`` (columnar evaluator,
synthetic-history walker, reason data for work lists). These tests fail when a kind misses a module, a
table, or when the "Add a rule kind" checklist names files that do not exist.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from ilp.lifecycle import RuleKind
from ilp.lifecycle.rules import RULE_CLASSES, Rule, rule_class
from ilp.lifecycle.rules.base import RuleBase
from ilp.population.batch import kinds

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
ALL_KINDS = list(RuleKind)


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


class TestEveryKindHasItsModules:
    @pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.value)
    def test_lifecycle_module_holds_the_rule_class_and_its_reason(self, kind: RuleKind) -> None:
        """ilp.lifecycle.rules.<kind> defines the kind's class (with that kind) and its reason."""
        module = importlib.import_module(f"ilp.lifecycle.rules.{kind.value}")
        cls = rule_class(kind)
        assert cls.__module__ == module.__name__
        assert cls.kind is kind
        assert callable(module.reason)

    @pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.value)
    def test_rule_class_implements_every_part(self, kind: RuleKind) -> None:
        """The class derives from RuleBase and leaves nothing abstract (parse, dump, evaluate)."""
        cls = rule_class(kind)
        assert issubclass(cls, RuleBase)
        assert not inspect.isabstract(cls)
        assert set(cls.REQUIRED).isdisjoint(cls.OPTIONAL)

    @pytest.mark.parametrize("kind", ALL_KINDS, ids=lambda k: k.value)
    def test_population_module_holds_the_evaluator_the_walker_and_why(self, kind: RuleKind) -> None:
        """ilp.population.batch.<kind> has evaluate, walk and why; the tables point at them."""
        module = importlib.import_module(f"ilp.population.batch.{kind.value}")
        found = kinds.columnar(kind)
        assert found is module.KIND
        assert (found.evaluate, found.walk, found.why) == (module.evaluate, module.walk, module.why)

    def test_every_table_holds_every_kind(self) -> None:
        """The rule classes, evaluators and walkers are keyed by exactly the RuleKind members."""
        assert set(RULE_CLASSES) == set(RuleKind)
        assert set(kinds.EVALUATORS) == set(RuleKind)
        assert set(kinds.WALKERS) == set(RuleKind)
        assert set(kinds.EXPLAINERS) == set(RuleKind)
        assert set(kinds.KINDS) == set(RuleKind)
        assert set(Rule.__args__) == set(RULE_CLASSES.values())


def _match_cases(path: Path, function: str) -> tuple[set[str], bool]:
    """The RuleKind members a function's match names, and whether it ends in assert_never."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function)
    match = next(n for n in ast.walk(fn) if isinstance(n, ast.Match))
    names = set()
    for case in match.cases:
        pattern = case.pattern
        if isinstance(pattern, ast.MatchValue) and isinstance(pattern.value, ast.Attribute):
            names.add(pattern.value.attr)
    last = match.cases[-1]
    ends = (
        isinstance(last.pattern, ast.MatchAs)
        and last.pattern.pattern is None
        and any(
            isinstance(n, ast.Call) and getattr(n.func, "id", None) == "assert_never"
            for n in ast.walk(last.body[0])
        )
    )
    return names, ends


class TestDispatchIsExhaustive:
    @pytest.mark.parametrize(
        ("path", "function"),
        [
            ("ilp/lifecycle/rules/__init__.py", "rule_class"),
            ("ilp/population/batch/kinds.py", "columnar"),
        ],
    )
    def test_match_names_every_kind_and_ends_in_assert_never(
        self, path: str, function: str
    ) -> None:
        """Each table is a match over every RuleKind ending in assert_never (mypy checks it)."""
        names, ends = _match_cases(SRC / path, function)
        assert names == {k.name for k in RuleKind}
        assert ends


class TestContributingChecklist:
    def test_checklist_names_existing_files_for_every_kind(self) -> None:
        """Each path in "Add a rule kind" exists, with <kind> standing for every kind."""
        text = _section((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"), "Add a rule kind")
        paths = set(re.findall(r"`((?:src|tests|docs)/[\w/<>.\-]+)`", text))
        assert any("<kind>" in p for p in paths)
        for path in sorted(paths):
            for kind in ALL_KINDS if "<kind>" in path else ALL_KINDS[:1]:
                concrete = path.replace("<kind>", kind.value)
                assert (ROOT / concrete).exists(), f"CONTRIBUTING.md names {concrete}"

    def test_checklist_names_every_table(self) -> None:
        """The checklist names the functions a new kind is added to."""
        text = _section((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"), "Add a rule kind")
        for name in (
            "RuleKind",
            "RuleBase",
            "rule_class",
            "ColumnarKind",
            "columnar",
            "Rule",
        ):
            assert f"`{name}`" in text

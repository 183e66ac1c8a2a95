"""The MkDocs hook that renders Sphinx roles in docstrings as code (docs/hooks/sphinx_roles.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

HOOK = Path(__file__).parents[1] / "docs" / "hooks" / "sphinx_roles.py"
MKDOCS = Path(__file__).parents[1] / "mkdocs.yml"


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sphinx_roles", HOOK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_role_becomes_its_code() -> None:
    """``:class:`` before a rendered target disappears; the target stays as code."""
    html = "Raises :class:<code>ilp.errors.PopulationError</code> when bad."
    assert _hook().strip_roles(html) == "Raises <code>ilp.errors.PopulationError</code> when bad."


def test_a_tilde_shows_the_last_name_only() -> None:
    """``~`` keeps the last dotted name, with the call parentheses of a function."""
    html = "See :func:<code>~ilp.population.due_batch()</code> and :py:meth:<code>~a.B.c</code>."
    assert _hook().strip_roles(html) == "See <code>due_batch()</code> and <code>c</code>."


def test_text_without_roles_is_unchanged() -> None:
    """Plain code and colons elsewhere are left alone."""
    html = "<p>ratio: <code>a.b</code> :note:</p>"
    assert _hook().on_page_content(html, page=None) == html


def test_mkdocs_says_the_style_the_source_uses() -> None:
    """mkdocs.yml names the Sphinx docstring style and registers the hook."""
    text = MKDOCS.read_text(encoding="utf-8")
    assert "docstring_style: sphinx" in text
    assert "docs/hooks/sphinx_roles.py" in text

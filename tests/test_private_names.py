"""No private name crosses packages: ``from ilp.<a>... import _x`` only inside ``ilp.<a>``.

A name with a leading underscore is its package's business; another
package that needs it asks for a public (package-level) name instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _package(module: str) -> str:
    """The top-level part of ilp a module belongs to (``ilp.network._targets`` -> ``network``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def crossings(source: str, module: str) -> list[str]:
    """Private names *source* (the text of *module*) imports from another package of ilp."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or node.module is None:
            continue
        if not node.module.startswith("ilp.") or _package(node.module) == _package(module):
            continue
        found += [
            f"{module}:{node.lineno}: from {node.module} import {a.name}"
            for a in node.names
            if a.name.startswith("_") and not a.name.startswith("__")
        ]
    return found


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted((SRC / "ilp").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return out


def test_no_private_name_is_imported_from_another_package() -> None:
    """Every import of an underscore name stays inside its own top-level package."""
    found = [c for module, path in _modules() for c in crossings(path.read_text("utf-8"), module)]
    assert found == []


def test_a_crossing_is_caught() -> None:
    """The check sees a private name taken from another package, at module level or in a function."""
    source = (
        "from ilp.network._targets import _households, Target\n"
        "def f():\n"
        "    from ilp.lifecycle.rules.person import _hidden\n"
    )
    assert crossings(source, "ilp.population._worklists") == [
        "ilp.population._worklists:1: from ilp.network._targets import _households",
        "ilp.population._worklists:3: from ilp.lifecycle.rules.person import _hidden",
    ]


def test_private_names_inside_a_package_are_allowed() -> None:
    """A package's modules may share underscore names among themselves."""
    source = "from ilp.population.synthesis._ages import _band\n"
    assert crossings(source, "ilp.population.synthesis._events") == []
    assert _modules()  # the scan sees the source tree

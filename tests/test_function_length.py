"""No function over 80 lines without a reason written next to it (issue 10).

A long function says why on its ``def`` line or in a comment just above it
(for example "long by its docstring and keyword list"); otherwise it is
split by concept.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
LIMIT = 80


def unexplained(source: str, name: str) -> list[str]:
    """The functions in *source* longer than LIMIT lines with no comment beside their ``def``."""
    lines = source.split("\n")
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        if length <= LIMIT:
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        above = lines[max(0, first - 4) : first - 1]
        beside = [lines[node.lineno - 1], *(x for x in above if x.lstrip().startswith("#"))]
        if not any("#" in x for x in beside):
            found.append(f"{name}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_every_long_function_says_why() -> None:
    """Every function of the package over 80 lines has a reason comment next to it."""
    found = [
        f
        for path in sorted((SRC / "ilp").rglob("*.py"))
        for f in unexplained(path.read_text("utf-8"), str(path.relative_to(SRC)))
    ]
    assert found == []


def test_a_long_function_without_a_reason_is_caught() -> None:
    """The check names a long function with no comment, and accepts one with a reason."""
    body = "".join(f"    x{i} = {i}\n" for i in range(LIMIT))
    bare = f"def long():\n{body}"
    assert unexplained(bare, "m.py") == [f"m.py:1 long ({LIMIT + 1} lines)"]
    assert unexplained(f"# long: one line per table row\ndef long():\n{body}", "m.py") == []
    assert unexplained(f"def long():  # a table\n{body}", "m.py") == []
    assert unexplained(f"def short():\n{body[: body.index('x1')]}", "m.py") == []

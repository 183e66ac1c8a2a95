"""The layers of ilp, read from the code: check the layer rule, draw the import graph.

    python tools/layers.py            # print the Mermaid diagram of the layers
    python tools/layers.py --check    # list imports that break the layer rule (exit 1 if any)

Each top-level part of ``src/ilp`` (a module or a subpackage) belongs to
one layer of ``LAYERS``; a layer may import only the layers above it (and
itself). Every ``import`` counts, at module level or inside a function.
The few upward imports that are allowed are in ``ALLOWED_UPWARD``, each with
its reason. ``docs/architecture.md`` embeds the diagram this prints, and
``tests/test_layers.py`` checks both the rule and that the embedded diagram
is current; after moving code, run this script and paste its output there.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "ilp"

#: The layers, top first: (name, the top-level parts of ilp in it).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("errors", ("errors",)),
    (
        "foundation",
        ("_coerce", "_atomic", "_extras", "_yaml", "_reader", "_html", "_vocabulary", "_months"),
    ),
    ("dates", ("dates",)),
    ("people", ("people",)),
    ("life cycle", ("lifecycle",)),
    ("clusters", ("clusters",)),
    ("network", ("network",)),
    ("population", ("population",)),
    ("monitoring", ("pws", "pispk")),
    (
        "interop",
        ("interop", "files", "_register_csv", "_register_split", "_register_columns", "schemas"),
    ),
    (
        "faces",
        (
            "cli",
            "_cli_fhir",
            "_cli_network",
            "_cli_pws",
            "_cli_simulate",
            "_cli_text",
            "__main__",
            "plot",
        ),
    ),
    ("testing", ("testing",)),
)

#: Imports against the rule that are allowed: (from part, to part) → why.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {
    ("lifecycle", "interop"): "DueList.to_frame delegates to interop._frames, imported on call",
    ("network", "interop"): "TargetList.to_frame delegates to interop._frames, imported on call",
    (
        "population",
        "interop",
    ): "BatchResult.to_frame delegates to interop._frames, imported on call",
}

#: The package itself (``ilp/__init__.py``) re-exports from every layer: a face.
FACADE = "ilp"


def part_of(module: str) -> str:
    """The top-level part of ilp that *module* (``ilp.x.y``) belongs to."""
    pieces = module.split(".")
    return FACADE if len(pieces) == 1 else pieces[1]


def layer_of(part: str) -> int:
    """The index in ``LAYERS`` of *part* (the facade counts as a face)."""
    if part == FACADE:
        part = "cli"
    for i, (_, parts) in enumerate(LAYERS):
        if part in parts:
            return i
    msg = f"ilp.{part} is in no layer: add it to LAYERS in tools/layers.py"
    raise LookupError(msg)


def imports(src: Path = SRC) -> Iterator[tuple[str, str, str]]:
    """Every import of one part of ilp by another: (from part, to part, where)."""
    for path in sorted(src.rglob("*.py")):
        relative = path.relative_to(src.parent).with_suffix("")
        module = ".".join(relative.parts).removesuffix(".__init__")
        source = part_of(module)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name == "ilp" or name.startswith("ilp."):
                    target = part_of(name)
                    if target != source:
                        yield source, target, f"{relative.as_posix()}.py:{node.lineno}"


def violations(src: Path = SRC) -> list[str]:
    """The imports that break the layer rule and are not allowed, one line each."""
    out = []
    for source, target, where in imports(src):
        if layer_of(target) > layer_of(source) and (source, target) not in ALLOWED_UPWARD:
            out.append(f"{where}: ilp.{source} imports ilp.{target}, a layer below it")
    return out


def mermaid(src: Path = SRC) -> str:
    """A Mermaid flowchart: a box per layer (its parts inside), arrows for imports (reduced)."""
    edges: set[tuple[int, int]] = set()
    upward: set[tuple[int, int]] = set()
    for source, target, _ in imports(src):
        a, b = layer_of(source), layer_of(target)
        if a != b:
            (upward if b > a else edges).add((a, b))
    edges = _reduced(edges)
    lines = ["flowchart BT"]
    for i, (name, parts) in enumerate(LAYERS):
        shown = ", ".join(p for p in parts if (src / p).exists() or (src / f"{p}.py").exists())
        lines.append(f'    L{i}["{name}<br/><small>{shown}</small>"]')
    lines.extend(f"    L{a} --> L{b}" for a, b in sorted(edges))
    lines.extend(f"    L{a} -.->|to_frame| L{b}" for a, b in sorted(upward))
    return "\n".join(lines)


def _reduced(edges: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """*edges* without those implied by a longer path (a transitive reduction)."""
    reach: dict[int, set[int]] = {}

    def below(a: int) -> set[int]:
        if a not in reach:
            reach[a] = set()
            for x, y in edges:
                if x == a:
                    reach[a] |= {y} | below(y)
        return reach[a]

    return {(a, b) for a, b in edges if not any(b in below(c) for x, c in edges if x == a)}


def main(argv: list[str]) -> int:
    if "--check" in argv:
        found = violations()
        print("\n".join(found) if found else "the layer rule holds")
        return 1 if found else 0
    print(mermaid())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Cycles among rules that wait for other services (``after``): found, never followed.

A school rule may be given only ``after`` another code. A code that waits,
through one rule or a chain of them, for itself could never be given; the
catalogue loader reports each such cycle once, as a problem of the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["cycles"]


def cycles(waits_for: Mapping[str, Iterable[str]]) -> list[tuple[str, ...]]:
    """Every cycle of *waits_for* (code → codes it waits for), each once, from its least code.

    ``{"A": ["A"]}`` gives ``[("A", "A")]``; ``{"A": ["B"], "B": ["A"]}``
    gives ``[("A", "B", "A")]``. Iterative, so a long chain cannot exhaust
    the stack.
    """
    graph = {code: sorted(set(refs)) for code, refs in waits_for.items()}
    # a cycle from its least code needs an edge back to it from itself or a greater code:
    # codes without one are skipped (a long chain would otherwise be walked once per code)
    closable = {ref for code, refs in graph.items() for ref in refs if ref <= code}
    found: list[tuple[str, ...]] = []
    seen: set[frozenset[str]] = set()
    for start in sorted(graph):
        if start not in closable:
            continue
        todo = [start]
        parent: dict[str, str | None] = {start: None}
        while todo:
            code = todo.pop()
            for nxt in graph.get(code, ()):
                if nxt == start:
                    path = _path_to(code, parent)
                    members = frozenset(path)
                    if members not in seen and min(path) == start:
                        seen.add(members)
                        found.append((*path, start))
                elif nxt not in parent and nxt > start:
                    parent[nxt] = code
                    todo.append(nxt)
    return found


def _path_to(code: str, parent: Mapping[str, str | None]) -> tuple[str, ...]:
    """The walk's path from its start to *code* (parents kept instead of a path per step)."""
    path = [code]
    step = parent[code]
    while step is not None:
        path.append(step)
        step = parent[step]
    return tuple(reversed(path))

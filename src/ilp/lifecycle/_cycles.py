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
    found: list[tuple[str, ...]] = []
    seen: set[frozenset[str]] = set()
    for start in sorted(graph):
        todo: list[tuple[str, tuple[str, ...]]] = [(start, (start,))]
        visited = {start}
        while todo:
            code, path = todo.pop()
            for nxt in graph.get(code, ()):
                if nxt == start:
                    members = frozenset(path)
                    if members not in seen and min(path) == start:
                        seen.add(members)
                        found.append((*path, start))
                elif nxt not in visited and nxt > start:
                    visited.add(nxt)
                    todo.append((nxt, (*path, nxt)))
    return found

"""Cycles among ``after`` rules are found (issue 13, reproducer 11)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from ilp.lifecycle._cycles import cycles


class TestCycles:
    def test_a_rule_after_itself_is_a_cycle(self) -> None:
        """A after A."""
        assert cycles({"A": ["A"]}) == [("A", "A")]

    def test_two_rules_after_each_other_are_one_cycle(self) -> None:
        """A after B after A is reported once, from its least code."""
        assert cycles({"A": ["B"], "B": ["A"]}) == [("A", "B", "A")]

    def test_chains_without_a_loop_are_fine(self) -> None:
        """A after B after C is no cycle, nor are codes that wait for nothing."""
        assert cycles({"A": ["B"], "B": ["C"], "C": [], "D": ["C"]}) == []

    def test_a_long_chain_is_walked_without_recursion(self) -> None:
        """Ten thousand rules in one circle are one cycle, found without RecursionError."""
        n = 10_000
        graph = {f"C{i:05d}": [f"C{(i + 1) % n:05d}"] for i in range(n)}
        found = cycles(graph)
        assert len(found) == 1
        assert len(found[0]) == n + 1

    @given(st.dictionaries(st.sampled_from("ABCDEF"), st.lists(st.sampled_from("ABCDEF"))))
    def test_every_cycle_found_is_a_real_cycle(self, graph: dict[str, list[str]]) -> None:
        """Each reported cycle follows edges of the graph and ends where it starts."""
        for cycle in cycles(graph):
            assert cycle[0] == cycle[-1]
            for a, b in itertools.pairwise(cycle):
                assert b in graph.get(a, [])

    @given(st.dictionaries(st.sampled_from("ABCDEF"), st.lists(st.sampled_from("ABCDEF"))))
    def test_a_graph_with_no_cycle_found_can_be_ordered(self, graph: dict[str, list[str]]) -> None:
        """When no cycle is reported, the codes have an order where each waits only for earlier ones."""
        if cycles(graph):
            return
        done: set[str] = set()
        nodes = set(graph) | {c for refs in graph.values() for c in refs}
        while len(done) < len(nodes):
            ready = {c for c in nodes - done if set(graph.get(c, [])) <= done}
            assert ready  # otherwise a cycle was missed
            done |= ready

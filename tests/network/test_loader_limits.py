"""Network files within bounds: bad shapes are NetworkErrors with short messages (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ilp.errors import NetworkError
from ilp.network import load_network

from .conftest import NETWORK_YAML, edit, fails

NIK = "3507121204780003"


class TestNetworkBounds:
    @pytest.mark.parametrize("value", ["1.0", "'1'", "true", "[1]"])
    def test_format_must_be_the_whole_number_one(self, value: str) -> None:
        """Reproducer 9: ``format: 1.0`` (or text, or a list) is refused."""
        error = fails(edit("format: 1\n", f"format: {value}\n"))
        assert "format" in str(error)
        assert "is not supported" in str(error)

    def test_a_very_long_id_is_refused_and_not_quoted_whole(self) -> None:
        """An id of 5,000 characters is refused; the message stays short."""
        error = fails(edit("id: pos\n", f"id: {'p' * 5000}\n"))
        assert "at most 200 characters" in str(error)
        assert len(str(error)) < 2000

    def test_a_nik_as_an_id_is_masked(self) -> None:
        """Reproducer 8: a NIK where an id goes is never printed."""
        error = fails(edit("parent: pustu\n", f"parent: '{NIK}'\n"))
        assert NIK not in str(error)
        assert all(NIK not in p for p in error.problems)

    def test_a_billion_laughs_network_is_refused_quickly(self, tmp_path: Path) -> None:
        """Reproducer 3: an alias bomb in a network file is refused with the bound named."""
        bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        path = tmp_path / "net.yaml"
        path.write_text(bomb, "utf-8")
        with pytest.raises(NetworkError, match="aliases"):
            load_network(path)

    def test_an_unhashable_key_is_a_network_error(self) -> None:
        """Reproducer 1: ``? [a]`` in a network file is a NetworkError with its line."""
        error = fails(NETWORK_YAML + "? [a]\n: 1\n")
        assert "a key must be plain text" in str(error)
        assert error.line == 38

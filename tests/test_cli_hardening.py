"""Hostile files on the command line: exit 2 with one short line, quickly (issue 13, items 1-4)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ilp.cli import main

NIK = "3507121204780003"
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)
HOSTILE = {
    "unhashable_key": ("? [a]\n: 1\n", "a key must be plain text"),
    "long_integer": ("person: {id: " + "9" * 4301 + "}\n", "more than 40 characters"),
    "deep_nesting": ("[" * 5000, "nested deeper than 64"),
    "billion_laughs": (BOMB, "aliases"),
    "python_tag": ("!!python/object/apply:os.system [echo hi]\n", "unsafe or unknown tag"),
    "nik_in_birth_date": (
        f"person: {{id: x, sex: F, birth_date: '{NIK}'}}\n",
        "birth_date: '****************'",
    ),
}


def _commands(path: Path) -> list[list[str]]:
    return [
        ["due", str(path), "--on", "2025-01-01"],
        ["catalogue", "validate", str(path)],
        ["network", "validate", str(path)],
    ]


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("command", [0, 1, 2], ids=["due", "catalogue", "network"])
def test_hostile_files_are_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, command: int
) -> None:
    """Reproducers 1-3: ilp due, catalogue validate and network validate exit 2 with one line."""
    text, expected = HOSTILE[name]
    path = tmp_path / "hostile.yaml"
    path.write_text(text, "utf-8")
    started = time.monotonic()
    code = main(_commands(path)[command])
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2
    assert NIK not in err
    if command == 0 or name != "nik_in_birth_date":  # validate lists every problem of a file
        assert err.count("\n") == 1
        assert len(err) < 400
        assert expected in err
    assert elapsed < 30  # a safety net only: the real bound is the work, not the clock


def test_a_100_mb_person_file_is_refused_with_its_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reproducer 4: a 100 MB file is refused before reading, the limit named."""
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    assert main(["due", str(path), "--on", "2025-01-01"]) == 2
    assert "the limit for a person file is 1 MB" in capsys.readouterr().err

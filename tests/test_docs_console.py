"""Every ``ilp`` command shown in the docs runs, and prints what the docs say.

The format (docs/CONTRIBUTING.md, "Console examples"): in README.md and
docs/**/*.md, each fenced block marked ``console`` is a session; a line
``$ ilp ARGS`` is a command, run in-process through ``ilp.cli.main`` in a
folder of its own with ``COLUMNS=80``; the lines after it, up to the next
``$`` line, are what it prints (standard output, then standard error).
A line that is exactly ``...`` stands for any number of lines. Lines starting
with ``$`` but not ``$ ilp`` (``$ pip install ...``) are shown, not run.

The folder holds ``kecamatan/`` (the sample kecamatan: ``network.yaml`` and
the register's CSV files) and ``family.yaml`` (the sample family); a fenced
block with ``title="NAME"`` earlier on the same page is written there as
NAME first (``yaml title="ayu.yaml"``).

To refresh the outputs after a deliberate change, run
``ILP_UPDATE_DOCS=1 pytest tests/test_docs_console.py`` and read the diff.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
from pathlib import Path

import attrs
import pytest

import ilp
from ilp.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(ilp.__file__).parent / "data" / "demo"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
_FENCE = re.compile(r"^(`{3,})(\S*)(.*)$")
_TITLE = re.compile(r'title="([^"]+)"')


@attrs.frozen
class Command:
    """One ``$ ilp`` line of a console block and the lines the docs say it prints."""

    line: int  # 0-based line of the ``$`` in the page
    text: str  # the ``$`` line as written
    argv: tuple[str, ...]
    expected: tuple[str, ...]
    end: int  # the line after the expected output


@attrs.frozen
class Block:
    """A console block: its commands, with the files defined above it on the page."""

    page: Path
    line: int
    commands: tuple[Command, ...]
    files: tuple[tuple[str, str], ...]


def blocks_of(page: Path) -> list[Block]:
    """The console blocks of *page* that run at least one ``ilp`` command."""
    lines = page.read_text("utf-8").splitlines()
    files: dict[str, str] = {}
    found: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, lang, rest = m.groups()
        j = i + 1
        while j < len(lines) and lines[j].strip() != fence:
            j += 1
        body = lines[i + 1 : j]
        title = _TITLE.search(rest)
        if title and lang != "console":
            files[title.group(1)] = "\n".join(body) + "\n"
        if lang == "console":
            commands = _commands(body, i + 1)
            if commands:
                found.append(Block(page, i + 1, tuple(commands), tuple(files.items())))
        i = j + 1
    return found


def _commands(body: list[str], first: int) -> list[Command]:
    out: list[Command] = []
    k = 0
    while k < len(body):
        text = body[k]
        if not text.startswith("$ "):
            k += 1
            continue
        end = k + 1
        while end < len(body) and not body[end].startswith("$ "):
            end += 1
        words = shlex.split(text[2:])
        if words[:1] == ["ilp"]:
            expected = tuple(body[k + 1 : end])
            out.append(Command(first + k, text, tuple(words[1:]), expected, first + end))
        k = end
    return out


def matches(expected: tuple[str, ...], actual: list[str]) -> bool:
    """*actual* lines against *expected*, where a ``...`` line matches any run of lines."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == "...":
        return any(matches(rest, actual[n:]) for n in range(len(actual) + 1))
    return bool(actual) and actual[0] == head and matches(rest, actual[1:])


def run_command(argv: tuple[str, ...], folder: Path) -> list[str]:
    """Run ``ilp ARGV`` in *folder*; its standard output then standard error, as lines."""
    out, err = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            contextlib.suppress(SystemExit),  # usage errors, --help, --version
        ):
            main(list(argv), out=out)
    finally:
        os.chdir(cwd)
    text = out.getvalue() + err.getvalue()
    return [line.rstrip() for line in text.splitlines()]


def prepare(folder: Path, block: Block) -> None:
    """The sample kecamatan and family, then the page's titled files, in *folder*."""
    if not (folder / "kecamatan").exists():
        shutil.copytree(DATA / "kecamatan", folder / "kecamatan")
        shutil.copy(DATA / "family.yaml", folder / "family.yaml")
    for name, text in block.files:
        (folder / name).write_text(text, "utf-8")


BLOCKS = [b for page in PAGES for b in blocks_of(page)]


@pytest.mark.parametrize(
    "block", BLOCKS, ids=[f"{b.page.relative_to(ROOT)}:{b.line + 1}" for b in BLOCKS]
)
def test_documented_command_prints_what_the_docs_show(
    block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each `$ ilp` line of the block prints its documented lines (`...` skips lines)."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(
        "tempfile.gettempdir", lambda: str(tmp_path / "tmp")
    )  # files a command writes stay here
    (tmp_path / "tmp").mkdir()
    prepare(tmp_path, block)
    updates: list[tuple[Command, list[str]]] = []
    for cmd in block.commands:
        actual = run_command(cmd.argv, tmp_path)
        if not matches(cmd.expected, actual):
            if os.environ.get("ILP_UPDATE_DOCS"):
                updates.append((cmd, actual))
                continue
            shown = "\n".join(actual)
            pytest.fail(f"$ ilp {shlex.join(cmd.argv)}\nprinted:\n{shown}")
    for cmd, actual in updates:  # the page may have changed since collection: find the lines
        lines = block.page.read_text("utf-8").splitlines()
        old = [cmd.text, *cmd.expected]
        at = next(n for n in range(len(lines)) if lines[n : n + len(old)] == old)
        lines[at + 1 : at + len(old)] = [line.replace(str(tmp_path), "...") for line in actual]
        block.page.write_text("\n".join(lines) + "\n", "utf-8")


def test_matches_skips_runs_of_lines_at_ellipses() -> None:
    """`...` matches zero or more lines; everything else must be equal."""
    assert matches(("a", "...", "d"), ["a", "b", "c", "d"])
    assert matches(("a", "...", "d"), ["a", "d"])
    assert matches(("...",), [])
    assert not matches(("a", "...", "d"), ["a", "b"])
    assert not matches(("a",), ["a", "b"])


def test_blocks_are_found_with_their_files(tmp_path: Path) -> None:
    """A titled block becomes a file; `$ ilp` lines are commands, `$ pip` lines are not."""
    page = tmp_path / "p.md"
    page.write_text(
        '```yaml title="x.yaml"\na: 1\n```\n\n'
        "```console\n$ pip install ilp\n$ ilp --version\nilp 1\n...\n```\n",
        "utf-8",
    )
    (block,) = blocks_of(page)
    assert block.files == (("x.yaml", "a: 1\n"),)
    (cmd,) = block.commands
    assert cmd.argv == ("--version",)
    assert cmd.expected == ("ilp 1", "...")


def test_every_page_with_ilp_commands_is_covered() -> None:
    """The docs show at least the commands of docs/cli.md, and each one is collected."""
    pages = {b.page.name for b in BLOCKS}
    assert {"cli.md"} <= pages
    shown = {cmd.argv[0] for b in BLOCKS for cmd in b.commands if cmd.argv}
    commands = {"due", "catalogue", "demo", "targets", "home-visits", "visit", "network"}
    assert commands <= shown, commands - shown

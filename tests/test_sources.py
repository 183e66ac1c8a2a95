"""Every citation resolves: catalogue sources and doc links lead to docs/sources.md.

The catalogue's `source` strings are shown by `ilp catalogue show` and are part
of the JSON contract; they cite documents a user can find (decree lines,
programme letters, surveys), listed in the bibliography docs/sources.md, and
never the project's internal notes.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from ilp.lifecycle import national

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

#: The project's internal research notes and their keys, which users do not have.
INTERNAL = re.compile(
    r"schedules\.md|codes\.md|structure\.md|demography\.md|\[C2?\b|\[U\]"
    r"|\[confirmed(-secondary)?: |\b(?:source )?[PSW]\d{1,2}\b(?![-.\d/])"
)


def _slug(text: str) -> str:
    """The anchor Python-Markdown's toc extension gives a heading."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def _headings(path: Path, level: str) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line[len(level) + 1 :].strip() for line in lines if line.startswith(level + " ")]


KEYS = _headings(DOCS / "sources.md", "###")
DECISIONS = _headings(DOCS / "decisions.md", "##")


def citations(source: str) -> list[str]:
    """Split a `source` at the "; " that are not inside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(source):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == ";" and depth == 0:
            parts.append(source[start:i].strip())
            start = i + 1
    parts.append(source[start:].strip())
    return parts


def key_of(citation: str) -> str | None:
    """The bibliography key a citation starts with (the longest match), or None."""
    found = [k for k in KEYS if citation == k or re.match(re.escape(k) + r"[ ,(]", citation)]
    return max(found, key=len, default=None)


def test_citations_splits_outside_parentheses_only() -> None:
    assert citations("A L1 (x; y), L2; B (z)") == ["A L1 (x; y), L2", "B (z)"]


def test_bibliography_keys_are_unique_and_many() -> None:
    assert len(KEYS) == len(set(KEYS))
    assert "KMK HK.01.07/MENKES/2015/2023" in KEYS


SERVICES = [(s.code, s.source, s.note) for e in national().entries for s in e.services]


@pytest.mark.parametrize(("code", "source", "note"), SERVICES, ids=[s[0] for s in SERVICES])
def test_catalogue_source_cites_bibliography_keys(code: str, source: str, note: str | None) -> None:
    for cit in citations(source):
        key = key_of(cit)
        assert key is not None, f"{code}: {cit!r} starts with no key of docs/sources.md"
        if key == "ilp decisions":
            section = cit.removeprefix("ilp decisions, ").split(" (")[0]
            assert section in DECISIONS, f"{code}: no section {section!r} in docs/decisions.md"
    for text in (source, note or ""):
        assert not INTERNAL.search(text), f"{code}: cites internal notes: {text!r}"


DOC_FILES = [*sorted(DOCS.rglob("*.md")), ROOT / "README.md"]


@pytest.mark.parametrize("path", DOC_FILES, ids=[p.name for p in DOC_FILES])
def test_doc_links_to_sources_resolve(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    anchors = {_slug(k) for k in KEYS}
    for anchor in re.findall(r"\(\.{0,2}/?(?:\.\./)?sources\.md#([^)]+)\)", text):
        assert anchor in anchors, f"{path.name}: sources.md#{anchor} is no entry"
    assert not INTERNAL.search(text), f"{path.name}: {INTERNAL.search(text)!r}"


def test_internal_pattern_catches_note_keys() -> None:
    for bad in ("schedules.md §1.2", "[confirmed: W1]", "source S11", "[C2]", "P13"):
        assert INTERNAL.search(bad), bad
    for fine in ("KMK HK.01.07/MENKES/2015/2023 L1776", "Permenkes 4/2019", "T5 >= 1 year"):
        assert not INTERNAL.search(fine), fine

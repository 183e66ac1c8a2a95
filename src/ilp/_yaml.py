"""YAML read safely with line numbers, and a reader that collects every problem with its place.

Shared by the catalogue and network loaders (and person files): one safe
loader, one way to say "file:line: where: what".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import yaml

from ilp.errors import CatalogueError, ILPError

__all__ = ["Map", "Reader", "join", "member", "read_yaml", "show", "text", "whole"]

T = TypeVar("T")


class Map(dict[str, Any]):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int | None = None
    lines: dict[str, int]
    duplicates: list[tuple[str, int]]


class _LineLoader(yaml.SafeLoader):
    """The safe loader, with line numbers kept on mappings."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Map:
    loader.flatten_mapping(node)
    out = Map()
    out.line = node.start_mark.line + 1
    out.lines = {}
    out.duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in out:
            out.duplicates.append((str(key), line))
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = line
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# dates stay text: ilp reads them with as_date, which quotes an impossible date in its
# message instead of failing inside the YAML library
def _construct_date_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date_text)


def read_yaml(text: str, *, origin: str, error: type[ILPError] = CatalogueError) -> Any:
    """Parse YAML *text* safely, mappings keeping their line numbers.

    Syntax errors and unsafe tags (``!!python/...``) raise *error* with the
    file and line.
    """
    try:
        return yaml.load(text, Loader=_LineLoader)  # _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = (exc.problem or exc.context or "invalid YAML").strip()
        if "could not determine a constructor" in what:
            what = f"unsafe or unknown tag refused ({what.split('tag')[-1].strip()})"
        raise error(f"invalid YAML: {what}", path=origin, line=line) from None  # type: ignore[call-arg]
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", path=origin) from None  # type: ignore[call-arg]


class Reader:
    """Walks the parsed YAML, collecting every problem instead of stopping at the first."""

    def __init__(self, root: str = "file") -> None:
        #: The name used for the top level when a problem has no deeper place.
        self.root = root
        self.problems: list[tuple[int | None, str, str]] = []

    def problem(self, where: str, line: int | None, msg: str) -> None:
        self.problems.append((line, where, msg))

    def mapping(
        self,
        value: Any,
        where: str,
        line: int | None,
        *,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
    ) -> Map | None:
        if not isinstance(value, Map):
            self.problem(where or self.root, line, f"expected a mapping, got {show(value)}")
            return None
        for key, kline in value.duplicates:
            self.problem(join(where, key), kline, "key given twice")
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                self.problem(
                    join(where, key),
                    value.lines.get(key, value.line),
                    f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
                )
        for key in required:
            if key not in value:
                self.problem(join(where, key), value.line, f"missing required key {key!r}")
        return value

    def get(self, m: Map, key: str, where: str, convert: Callable[[Any], T], what: str) -> T | None:
        if key not in m:
            return None
        value = m[key]
        try:
            return convert(value)
        except (ValueError, TypeError, ILPError) as exc:
            detail = getattr(exc, "msg", None) or str(exc)
            self.problem(
                join(where, key),
                m.lines.get(key, m.line),
                f"{show(value)} is not {what} ({detail})",
            )
            return None

    def items(self, m: Map, key: str, where: str) -> list[tuple[Any, str, int | None]]:
        """The elements of list *key* with their place and line; a non-list is a problem."""
        if key not in m:
            return []
        value = m[key]
        if not isinstance(value, list):
            self.problem(join(where, key), m.lines.get(key, m.line), "expected a list")
            return []
        line = m.lines.get(key, m.line)
        return [
            (v, f"{join(where, key)}[{i}]", v.line if isinstance(v, Map) else line)
            for i, v in enumerate(value)
        ]


def join(where: str, key: object) -> str:
    return f"{where}.{key}" if where else str(key)


def show(value: Any) -> str:
    """A short rendering of an offending value for a message."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        text = repr(value)
        return text if len(text) <= 40 else "a list"
    return repr(value)


def text(value: Any) -> str:
    """A non-empty string, else TypeError."""
    if not isinstance(value, str) or not value.strip():
        msg = "expected non-empty text"
        raise TypeError(msg)
    return value


def whole(value: Any) -> int:
    """An int that is not a bool, else TypeError."""
    if isinstance(value, bool) or not isinstance(value, int):
        msg = "expected a whole number"
        raise TypeError(msg)
    return value


def member(kind: type[Any]) -> Callable[[Any], Any]:
    """A converter to the enum *kind* whose error lists the known values."""

    def read(value: Any) -> Any:
        try:
            return kind(value)
        except ValueError:
            known = ", ".join(str(m.value) for m in kind)
            msg = f"known values: {known}"
            raise ValueError(msg) from None

    return read

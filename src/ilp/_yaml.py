"""The one reading path for YAML and JSON files: bounded, safe, with line numbers.

Every loader (person and family files, registers, catalogues, networks,
the parameters inside a simulation result) reads through here:

- a file larger than the limit for its kind (:data:`SIZE_LIMITS`) is refused
  before it is read, the limit named in the message;
- YAML is read event by event with libyaml's C parser where it is installed
  (PyYAML's pure-Python parser otherwise), with the safe tags only: no
  ``!!python/...`` tag ever constructs anything;
- nesting deeper than :data:`MAX_DEPTH`, aliases that would add more than
  :data:`MAX_ALIAS_VALUES` values (a "billion laughs" bomb), numbers longer
  than :data:`MAX_NUMBER_CHARS` characters, NaN and infinity, keys that are
  lists or mappings, and more than one document are refused with the line;
- JSON is read with the same bounds (and the same :class:`Map` mappings,
  without line numbers);
- messages never quote an unbounded value, and any run of 16 digits (a NIK)
  is masked (:class:`~ilp.errors.ILPError` does it for every message).

The parsed data are plain Python values whose mappings are :class:`Map`
objects remembering the line of the mapping and of each key.
"""

from __future__ import annotations

import importlib
import json
import math
import os
from pathlib import Path
from typing import Any, Final, NoReturn

import yaml

from ilp.errors import CatalogueError, ILPError, mask_digits

__all__ = [
    "MAX_ALIAS_VALUES",
    "MAX_DEPTH",
    "MAX_NUMBER_CHARS",
    "SIZE_LIMITS",
    "Map",
    "check_bounds",
    "clip",
    "load_file",
    "read_json",
    "read_text",
    "read_yaml",
]


_MB: Final = 1024 * 1024
#: The largest file read, in bytes, by kind of file (``docs/files.md``).
SIZE_LIMITS: Final[dict[str, int]] = {
    "person file": 1 * _MB,
    "family file": 1 * _MB,
    "register": 64 * _MB,
    "register CSV file": 512 * _MB,
    "catalogue": 4 * _MB,
    "indicator file": 4 * _MB,
    "network": 16 * _MB,
    "simulation parameters": 1 * _MB,
    "code map": 4 * _MB,
    "FHIR bundle": 64 * _MB,
}
#: The deepest nesting of lists and mappings accepted.
MAX_DEPTH: Final = 64
#: The most values that aliases (``*name``) may add to a YAML document, all aliases together.
MAX_ALIAS_VALUES: Final = 100_000
#: The most characters of a number (a longer one is refused, not parsed).
MAX_NUMBER_CHARS: Final = 40
#: The most characters of a value quoted in a message.
_SHOWN_CHARS: Final = 60

_SAFE_LOADER: Final[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Where the parser's event and error classes come from. PyYAML's C parser
#: keeps the classes of the process's first ``import yaml``; once ``yaml`` is
#: imported again (a reload, some coverage set-ups) ``yaml.ScalarEvent`` is
#: another class than the events it makes, so they are taken from the parser.
_PARSER: Final[Any] = (
    importlib.import_module("yaml._yaml") if _SAFE_LOADER is not yaml.SafeLoader else yaml
)
#: Errors of the parser and of the constructors (which may come from either import).
_YAML_ERRORS: Final = (_PARSER.YAMLError, yaml.YAMLError)
_TAG: Final = "tag:yaml.org,2002:"
_MAP_TAG: Final = _TAG + "map"
_SEQ_TAG: Final = _TAG + "seq"
_MERGE_TAG: Final = _TAG + "merge"
_SCALAR_TAGS: Final = frozenset(
    _TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")
)

ErrorType = type[ILPError]


class Map(dict[Any, Any]):
    """A mapping read from YAML or JSON that remembers its line and the line of each key.

    ``line`` and the values of ``lines`` are ``None`` for JSON and for
    mappings built in code. ``duplicates`` lists keys given twice, with
    their line.
    """

    line: int | None = None
    lines: dict[Any, int | None]
    duplicates: list[tuple[str, int | None]]

    def __init__(self, *args: Any, line: int | None = None) -> None:
        super().__init__(*args)
        self.line = line
        self.lines = {}
        self.duplicates = []

    def line_of(self, key: Any) -> int | None:
        """The line of *key* if known, else the line of the mapping."""
        found = self.lines.get(key)
        return self.line if found is None else found


def _fail(error: ErrorType, msg: str, origin: str | None, line: int | None = None) -> NoReturn:
    msg = clip(msg, 200)
    try:
        exc = error(msg, path=origin, line=line)  # type: ignore[call-arg]
    except TypeError:  # an error type without a location
        where = ":".join(str(p) for p in (origin, line) if p is not None)
        exc = error(f"{where}: {msg}" if where else msg)
    raise exc


def clip(text: str, most: int = _SHOWN_CHARS) -> str:
    text = mask_digits(text)
    return text if len(text) <= most else text[: most - 3] + "..."


# ---------------------------------------------------------------------------
# files


def read_text(path: str | Path, *, kind: str, error: ErrorType = CatalogueError) -> str:
    """The UTF-8 text of file *path*, refused before reading when over the limit for *kind*."""
    p = Path(path)
    origin = str(p)
    limit = SIZE_LIMITS[kind]
    try:
        with p.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limit:
                _too_big(error, origin, kind, limit, size)
            data = fh.read(limit + 1)  # a file that grows (or a device) is cut here
    except FileNotFoundError:
        _fail(error, "no such file", origin)
    except IsADirectoryError:
        _fail(error, "is a directory, not a file", origin)
    except OSError as exc:
        _fail(error, f"cannot read: {exc.strerror or type(exc).__name__}", origin)
    if len(data) > limit:
        _too_big(error, origin, kind, limit, None)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        _fail(error, "is not UTF-8 text", origin, line)


def _too_big(error: ErrorType, origin: str, kind: str, limit: int, size: int | None) -> NoReturn:
    has = f"is {size / _MB:.1f} MB" if size is not None else "is larger than that"
    _fail(error, f"the file {has}; the limit for a {kind} is {limit // _MB} MB", origin)


def load_file(path: str | Path, *, kind: str, error: ErrorType = CatalogueError) -> Any:
    """Read and parse *path*: JSON when its name ends in ``.json``, else YAML."""
    text_ = read_text(path, kind=kind, error=error)
    if str(path).lower().endswith(".json"):
        return read_json(text_, origin=str(path), error=error)
    return read_yaml(text_, origin=str(path), error=error)


# ---------------------------------------------------------------------------
# YAML


class _Frame:
    """A list or mapping being built while its events arrive."""

    __slots__ = (
        "anchor",
        "has_key",
        "height",
        "key",
        "key_line",
        "line",
        "merges",
        "size",
        "value",
    )

    def __init__(self, value: list[Any] | Map, anchor: str | None, line: int | None) -> None:
        self.value = value
        self.anchor = anchor
        self.line = line
        self.size = 1
        self.height = 1
        self.has_key = False
        self.key: Any = None
        self.key_line: int | None = None
        self.merges: list[Map] = []


class _Builder:
    """Builds Python values from YAML events with every bound checked as they arrive."""

    def __init__(self, loader: Any, origin: str, error: ErrorType) -> None:
        self.loader = loader
        self.origin = origin
        self.error = error
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.aliased = 0
        self.documents = 0
        self.root: Any = None

    def fail(self, msg: str, line: int | None) -> NoReturn:
        _fail(self.error, msg, self.origin, line)

    def run(self) -> Any:
        loader = self.loader
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            if isinstance(event, _PARSER.ScalarEvent):
                self.add(self.scalar(event, line), 1, 0, line, event.anchor)
            elif isinstance(event, _PARSER.MappingStartEvent | _PARSER.SequenceStartEvent):
                self.start(event, line)
            elif isinstance(event, _PARSER.MappingEndEvent | _PARSER.SequenceEndEvent):
                self.end()
            elif isinstance(event, _PARSER.AliasEvent):
                self.alias(str(event.anchor), line)
            elif isinstance(event, _PARSER.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.fail("invalid YAML: more than one document (---) in the file", line)
        return self.root

    def start(self, event: Any, line: int | None) -> None:
        is_map = isinstance(event, _PARSER.MappingStartEvent)
        if event.tag not in (None, "!", _MAP_TAG if is_map else _SEQ_TAG):
            self.fail(f"unsafe or unknown tag refused ({clip(str(event.tag))})", line)
        if len(self.stack) >= MAX_DEPTH:
            self.fail(f"lists and mappings nested deeper than {MAX_DEPTH} levels", line)
        self.stack.append(_Frame(Map(line=line) if is_map else [], event.anchor, line))

    def end(self) -> None:
        frame = self.stack.pop()
        value = frame.value
        if isinstance(value, Map):
            for source in frame.merges:
                for key, item in source.items():
                    if key not in value:
                        value[key] = item
                        value.lines[key] = source.line_of(key)
        self.add(value, frame.size, frame.height, frame.line, frame.anchor)

    def alias(self, name: str, line: int | None) -> None:
        if name not in self.anchors:
            self.fail(f"alias *{clip(name)} names no anchor defined before it", line)
        value, size, height = self.anchors[name]
        if len(self.stack) + height > MAX_DEPTH:
            self.fail(f"lists and mappings nested deeper than {MAX_DEPTH} levels", line)
        self.aliased += size
        if self.aliased > MAX_ALIAS_VALUES:
            msg = f"aliases (*name) add more than {MAX_ALIAS_VALUES:,} values; refused"
            self.fail(msg, line)
        self.add(value, size, height, line, None)

    def add(self, value: Any, size: int, height: int, line: int | None, anchor: str | None) -> None:
        if anchor is not None:
            self.anchors[anchor] = (value, size, height)
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.size += size
        top.height = max(top.height, height + 1)
        if isinstance(top.value, list):
            top.value.append(value)
        elif not top.has_key:
            if isinstance(value, list | dict):
                self.fail("a key must be plain text or a number, not a list or mapping", line)
            top.key, top.key_line, top.has_key = value, line, True
        else:
            top.has_key = False
            self.put(top, value, line)

    def put(self, top: _Frame, value: Any, line: int | None) -> None:
        key = top.key
        mapping = top.value
        assert isinstance(mapping, Map)  # only mappings take keys
        if key is _MERGE:
            sources = value if isinstance(value, list) else [value]
            if not all(isinstance(s, Map) for s in sources):
                self.fail("a merge (<<) takes a mapping or a list of mappings", line)
            top.merges.extend(sources)
            return
        if key in mapping:
            mapping.duplicates.append((clip(str(key)), top.key_line))
        mapping[key] = value
        mapping.lines[key] = top.key_line

    def scalar(self, event: Any, line: int | None) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        value: str = event.value
        if tag == _MERGE_TAG:
            top = self.stack[-1] if self.stack else None
            if top is not None and isinstance(top.value, Map) and not top.has_key:
                return _MERGE
            return value
        if tag not in _SCALAR_TAGS:
            self.fail(f"unsafe or unknown tag refused ({clip(str(tag))})", line)
        if tag == _TAG + "str" or tag == _TAG + "timestamp":
            # dates stay text: ilp reads them with as_date, which says what is wrong
            return value
        if tag in (_TAG + "int", _TAG + "float") and len(value) > MAX_NUMBER_CHARS:
            self.fail(f"a number of more than {MAX_NUMBER_CHARS} characters is refused", line)
        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark)
        try:
            out = self.loader.yaml_constructors[tag](self.loader, node)
        except (ValueError, TypeError, KeyError, *_YAML_ERRORS):
            self.fail(f"{clip(repr(value))} is not a valid {tag.rsplit(':', 1)[-1]}", line)
        if isinstance(out, float) and not math.isfinite(out):
            self.fail(f"{clip(repr(value))}: NaN and infinity are not accepted", line)
        return out


class _Merge:
    """The ``<<`` merge key, kept apart from a text key ``"<<"``."""


_MERGE: Final = _Merge()


def read_yaml(text: str, *, origin: str, error: ErrorType = CatalogueError) -> Any:
    """Parse YAML *text* safely within the bounds above, mappings keeping their line numbers.

    Syntax errors, unsafe tags (``!!python/...``) and inputs over a bound
    raise *error* with the file (*origin*) and line.
    """
    loader = None
    try:
        loader = _SAFE_LOADER(text)
        return _Builder(loader, origin, error).run()
    except _YAML_ERRORS as exc:
        if not hasattr(exc, "problem_mark"):  # not a MarkedYAMLError
            _fail(error, f"invalid YAML: {exc}".replace("\n", " "), origin)
        marked: Any = exc
        mark = marked.problem_mark or marked.context_mark
        line = mark.line + 1 if mark is not None else None
        what = (marked.problem or marked.context or "invalid YAML").strip()
        if "nesting depth" in what:  # libyaml's own bound (deeper than ours) met first
            what = f"lists and mappings nested deeper than {MAX_DEPTH} levels"
        _fail(error, f"invalid YAML: {what}", origin, line)
    except UnicodeError:
        _fail(error, "invalid YAML: the text is not valid Unicode (UTF-8)", origin)
    except RecursionError:  # pragma: no cover - the depth bound is met first
        _fail(error, f"lists and mappings nested deeper than {MAX_DEPTH} levels", origin)
    finally:
        if loader is not None:
            loader.dispose()


# ---------------------------------------------------------------------------
# JSON


class _JSONRefusedError(Exception):
    """Raised inside the JSON hooks; turned into the caller's error type."""


def _json_map(pairs: list[tuple[str, Any]]) -> Map:
    out = Map()
    for key, value in pairs:
        if key in out:
            out.duplicates.append((clip(key), None))
        out[key] = value
    return out


def _json_int(digits: str) -> int:
    if len(digits) > MAX_NUMBER_CHARS:
        msg = f"a number of more than {MAX_NUMBER_CHARS} characters is refused"
        raise _JSONRefusedError(msg)
    return int(digits)


def _json_float(digits: str) -> float:
    if len(digits) > MAX_NUMBER_CHARS:
        msg = f"a number of more than {MAX_NUMBER_CHARS} characters is refused"
        raise _JSONRefusedError(msg)
    out = float(digits)
    if not math.isfinite(out):
        msg = f"{clip(digits)}: NaN and infinity are not accepted"
        raise _JSONRefusedError(msg)
    return out


def _json_constant(name: str) -> Any:
    msg = f"{name}: NaN and infinity are not accepted"
    raise _JSONRefusedError(msg)


def _depth(value: Any) -> int:
    """The nesting depth of parsed JSON, without recursion."""
    deepest = 0
    todo: list[tuple[Any, int]] = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            todo.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            todo.extend((v, depth + 1) for v in item)
    return deepest


def check_bounds(value: Any, *, most_depth: int = MAX_DEPTH) -> str | None:
    """What is out of bounds in *value* (parsed elsewhere, e.g. streamed JSON), or ``None``.

    The bounds of :func:`read_json`: nesting, numbers, NaN and infinity.
    """
    limit = 10**MAX_NUMBER_CHARS
    todo: list[tuple[Any, int]] = [([value], 0)]
    while todo:
        container, depth = todo.pop()
        for item in container.values() if isinstance(container, dict) else container:
            if isinstance(item, dict | list):
                if depth >= most_depth:
                    return f"lists and mappings nested deeper than {most_depth} levels"
                todo.append((item, depth + 1))
            elif isinstance(item, str | bool) or item is None:
                continue
            elif isinstance(item, int) and not -limit < item < limit:
                return f"a number of more than {MAX_NUMBER_CHARS} characters is refused"
            elif isinstance(item, float) and not math.isfinite(item):
                return "NaN and infinity are not accepted"
    return None


def read_json(
    text: str, *, origin: str, error: ErrorType = CatalogueError, plain: bool = False
) -> Any:
    """Parse JSON *text* within the same bounds as YAML; objects become :class:`Map`.

    With *plain*, objects are plain dicts (faster; duplicate keys are not recorded).
    """
    try:
        data = json.loads(
            text,
            object_pairs_hook=None if plain else _json_map,
            parse_int=_json_int,
            parse_float=_json_float,
            parse_constant=_json_constant,
        )
    except json.JSONDecodeError as exc:
        _fail(error, f"invalid JSON: {exc.msg}", origin, exc.lineno)
    except _JSONRefusedError as exc:
        _fail(error, f"invalid JSON: {exc}", origin)
    except RecursionError:
        _fail(error, f"lists and mappings nested deeper than {MAX_DEPTH} levels", origin)
    if _depth(data) > MAX_DEPTH:
        _fail(error, f"lists and mappings nested deeper than {MAX_DEPTH} levels", origin)
    return data

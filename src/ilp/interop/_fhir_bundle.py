"""FHIR in, the Bundle: its head checked, its entries read from a dict, a file, or a stream."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from ilp._reader import show
from ilp._yaml import MAX_DEPTH, SIZE_LIMITS, check_bounds, read_json, read_text
from ilp.errors import FHIRError, InputFileError

__all__ = ["BUNDLE_TYPES", "STREAM_BYTES", "open_entries"]

BUNDLE_TYPES: Final = frozenset({"collection", "searchset", "transaction", "batch"})
#: Above this size (bytes) a file is parsed as a stream with ijson when it is installed;
#: it is also the most a file read whole may hold.
STREAM_BYTES: Final = SIZE_LIMITS["FHIR bundle"]
#: Levels above an entry's values in a Bundle (the Bundle, its ``entry`` list).
_ENTRY_LEVELS: Final = 2


def _entries_of(bundle: Any) -> Iterator[tuple[int, Any]]:
    if isinstance(bundle, Mapping) and not isinstance(bundle, dict):
        bundle = dict(bundle)
    if not isinstance(bundle, dict):
        msg = f"expected a JSON object, got {type(bundle).__name__}"
        raise FHIRError(msg, resource="Bundle", field="resourceType", value=bundle)
    _check_bundle_head(bundle.get("resourceType"), bundle.get("type"))
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise FHIRError("expected a list", resource="Bundle", field="entry", value=entries)
    yield from enumerate(entries)


def _check_bundle_head(rtype: Any, btype: Any) -> None:
    if rtype is None:
        msg = "missing: this is not a FHIR resource"
        raise FHIRError(msg, resource="Bundle", field="resourceType")
    if rtype != "Bundle":
        msg = f"{show(rtype)} is not 'Bundle'"
        raise FHIRError(msg, resource=str(rtype), field="resourceType", value=rtype)
    if not isinstance(btype, str) or btype not in BUNDLE_TYPES:
        known = ", ".join(sorted(BUNDLE_TYPES))
        msg = f"{show(btype)} is not a Bundle type ilp reads ({known})"
        raise FHIRError(msg, resource="Bundle", field="type", value=btype)


def _stream_file(path: Path) -> Iterator[tuple[int, Any]]:
    import ijson  # type: ignore[import-untyped]  # noqa: PLC0415 - extra ilp[fhir]; no stubs

    head: dict[str, Any] = {}
    try:
        with path.open("rb") as fh:
            for prefix, event, value in ijson.parse(fh, use_float=True):
                if prefix in ("resourceType", "type") and event == "string":
                    head[prefix] = value
                elif prefix == "entry" and event == "start_array":
                    break
        _check_bundle_head(head.get("resourceType"), head.get("type"))
        with path.open("rb") as fh:
            for i, entry in enumerate(ijson.items(fh, "entry.item", use_float=True)):
                problem = check_bounds(entry, most_depth=MAX_DEPTH - _ENTRY_LEVELS)
                if problem is not None:
                    raise FHIRError(problem, resource=f"Bundle.entry[{i}]", field="entry")
                yield i, entry
    except ijson.JSONError as exc:
        msg = f"invalid JSON ({' '.join(str(exc).split())}): this is not a FHIR Bundle"
        raise FHIRError(msg, resource="Bundle", field="resourceType") from None
    except (ValueError, RecursionError) as exc:  # ijson's number conversion, its builder
        if isinstance(exc, FHIRError):
            raise
        msg = f"invalid JSON ({type(exc).__name__}): this is not a FHIR Bundle"
        raise FHIRError(msg, resource="Bundle", field="resourceType") from None


def open_entries(source: Any, stream: bool | None) -> Iterator[tuple[int, Any]]:
    """The entries of a Bundle (a parsed mapping, or a JSON file streamed when large), numbered.

    A file is read whole within the bounds of every ilp file (size, nesting,
    numbers); one over :data:`STREAM_BYTES` is streamed, each entry checked
    against the same bounds, and refused when streaming is not possible.
    """
    if not isinstance(source, str | Path):
        return _entries_of(source)
    path = Path(source)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFileError("no such file", path=str(path)) from None
    except OSError as exc:
        raise InputFileError(f"cannot read: {exc.strerror}", path=str(path)) from None
    use_stream = stream if stream is not None else size > STREAM_BYTES and _has_ijson()
    if use_stream:
        return _stream_file(path)
    text = read_text(path, kind="FHIR bundle", error=InputFileError)
    try:
        data = read_json(text, origin=str(path), error=InputFileError, plain=True)
    except InputFileError as exc:
        where = ":".join(str(p) for p in (exc.path, exc.line) if p is not None)
        detail = exc.msg.removeprefix(f"{where}: ")
        at = f" at line {exc.line}" if exc.line is not None else ""
        msg = f"{detail}{at}: this is not a FHIR Bundle"
        raise FHIRError(msg, resource="Bundle", field="resourceType") from None
    return _entries_of(data)


def _has_ijson() -> bool:
    try:
        import ijson  # noqa: F401, PLC0415 - only whether it is there
    except ImportError:  # pragma: no cover - ijson is in the dev extra
        return False
    return True

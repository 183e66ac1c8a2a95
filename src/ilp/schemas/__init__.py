"""JSON Schemas of the files ilp reads: person, family, network and catalogue files.

Editors and systems in other languages validate against them
(``src/ilp/schemas/*.schema.json``, draft 2020-12). They describe the shape
(keys, types, dates, codes); the loaders check more (dates that exist,
references between entries, rule logic), so a file the schema accepts can
still be refused, with a message naming the problem. Dates are strings, as
an editor reads YAML: quote them, and quote NIK and KK numbers.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Final

__all__ = ["KINDS", "schema"]

#: The file kinds with a schema.
KINDS: Final = ("person", "family", "network", "catalogue")


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a *kind* of file (``person``, ``family``, ``network``, ``catalogue``)."""
    if kind not in KINDS:
        from ilp.errors import InvalidArgumentError  # noqa: PLC0415

        msg = f"kind: {kind!r} is not one of {', '.join(KINDS)}"
        raise InvalidArgumentError(msg, field="kind", value=kind)
    text = resources.files("ilp.schemas").joinpath(f"{kind}.schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]

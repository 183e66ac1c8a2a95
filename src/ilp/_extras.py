"""Optional packages, imported on use; a missing one is a MissingExtraError naming the extra.

Every feature that needs an optional package (pandas, matplotlib, pyarrow,
rich, ...) imports it with :func:`require`, so the message is the same
everywhere: what needs it, and the ``pip install 'ilp[extra]'`` that brings it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ilp.errors import MissingExtraError

__all__ = ["require"]


def require(module: str, extra: str, *, feature: str) -> ModuleType:
    """Import *module*, or raise :class:`MissingExtraError` naming *extra* and *feature*."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".", maxsplit=1)[0]
        msg = f"{feature} needs {top}: pip install 'ilp[{extra}]'"
        raise MissingExtraError(msg, field=top, value=extra) from None

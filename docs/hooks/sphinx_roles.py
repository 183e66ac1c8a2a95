"""MkDocs hook: Sphinx cross-reference roles in docstrings render as code, not as ``:class:``.

ilp's docstrings use Sphinx roles (``:class:`~ilp.people.Person```), and
``mkdocs.yml`` tells mkdocstrings so (``docstring_style: sphinx``).
mkdocstrings renders the role's target as code but leaves the role name in
the text; this hook drops it, and a leading ``~`` shows the last name only,
as Sphinx does.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(
    r":(?:py:)?(?:class|func|meth|attr|mod|data|exc|obj|const):<code>(~?)([\w.]+)(\(\))?</code>"
)


def _shown(match: re.Match[str]) -> str:
    tilde, target, call = match.groups()
    name = target.rsplit(".", 1)[-1] if tilde else target
    return f"<code>{name}{call or ''}</code>"


def strip_roles(html: str) -> str:
    """*html* with every rendered Sphinx role reduced to its code."""
    return _ROLE.sub(_shown, html)


def on_page_content(html: str, **kwargs: Any) -> str:
    """The MkDocs event: clean each page's HTML after mkdocstrings has rendered it."""
    return strip_roles(html)

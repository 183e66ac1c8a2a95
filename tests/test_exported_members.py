"""The public API: ilp.__all__ is sorted, complete and importable; import ilp is silent."""

from __future__ import annotations

import subprocess
import sys

import ilp


def test_all_is_sorted_and_unique() -> None:
    """__all__ lists each public name once, in sorted order."""
    assert list(ilp.__all__) == sorted(set(ilp.__all__))


def test_every_listed_name_exists() -> None:
    """Every name in __all__ is an attribute of ilp."""
    for name in ilp.__all__:
        assert hasattr(ilp, name), name


def test_every_public_attribute_is_listed() -> None:
    """No public class or function of ilp is missing from __all__ (modules aside)."""
    public = {
        n for n, v in vars(ilp).items() if not n.startswith("_") and not isinstance(v, type(sys))
    }
    assert public <= set(ilp.__all__)


def test_import_is_silent_and_loads_no_catalogue() -> None:
    """import ilp prints nothing and does not read the catalogue."""
    code = (
        "import ilp, ilp.lifecycle._loader as l;"
        "assert l.national.cache_info().currsize == 0;"
        "import sys; assert 'numpy' not in sys.modules"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == ""


def test_the_version_is_written_once() -> None:
    """The installed distribution's version is ilp.__version__ (pyproject reads it from there)."""
    from importlib.metadata import version

    assert version("ilp") == ilp.__version__

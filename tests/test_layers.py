"""The layer rule holds, the architecture map is current, and the checklists name real things."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from ilp.pws import IndicatorKind

ROOT = Path(__file__).parents[1]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layers", ROOT / "tools" / "layers.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _section(text: str, title: str) -> str:
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


class TestLayerRule:
    def test_each_layer_imports_only_the_layers_above_it(self) -> None:
        """No import in src/ilp goes down the layer table, but the listed ones."""
        assert _tool().violations() == []

    def test_every_part_of_the_package_is_in_a_layer(self) -> None:
        """A new module or subpackage must be placed in a layer."""
        tool = _tool()
        for path in (ROOT / "src" / "ilp").iterdir():
            if path.name != "__init__.py" and (path.suffix == ".py" or path.is_dir()):
                if path.is_dir() and not (path / "__init__.py").exists():
                    continue  # data folders
                tool.layer_of(path.stem if path.suffix == ".py" else path.name)

    def test_an_import_from_a_lower_layer_is_caught(self, tmp_path: Path) -> None:
        """The check fails on a people module importing the network, at any depth."""
        tool = _tool()
        src = tmp_path / "ilp"
        src.mkdir()
        (src / "people.py").write_text(
            "def f():\n    from ilp.network import Network\n    return Network\n"
        )
        (src / "network.py").write_text("import ilp.people\n")
        found = tool.violations(src)
        assert len(found) == 1
        assert "people.py:2: ilp.people imports ilp.network" in found[0]

    def test_an_unplaced_part_is_named(self, tmp_path: Path) -> None:
        """Importing a part that is in no layer says where to add it."""
        tool = _tool()
        src = tmp_path / "ilp"
        src.mkdir()
        (src / "people.py").write_text("import ilp.newthing\n")
        with pytest.raises(LookupError, match=r"ilp\.newthing is in no layer"):
            tool.violations(src)


class TestArchitectureMap:
    def test_the_diagram_in_the_docs_is_the_one_the_code_gives(self) -> None:
        """docs/architecture.md embeds exactly what tools/layers.py prints."""
        text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
        assert f"```mermaid\n{_tool().mermaid()}\n```" in text

    def test_every_layer_is_in_the_table(self) -> None:
        """Each layer of the tool has its row in the architecture table."""
        text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
        for name, _ in _tool().LAYERS:
            assert f"\n| {name} |" in text, name


class TestIndicatorChecklist:
    def _checklist(self) -> str:
        return _section((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"), "Add an indicator")

    def test_every_path_it_names_exists(self) -> None:
        """The files and folders the checklist sends you to are where it says."""
        paths = re.findall(r"`((?:src|tests|docs)/[\w/.]+)`", self._checklist())
        assert paths
        for path in paths:
            assert (ROOT / path).exists(), path

    def test_every_name_it_names_is_in_its_module(self) -> None:
        """The loader table and the enum it names exist under those names."""
        text = self._checklist()
        assert "`_NEEDS`" in text
        assert "_NEEDS: Final" in (ROOT / "src/ilp/pws/_loader.py").read_text(encoding="utf-8")
        assert "`IndicatorKind`" in text

    def test_every_indicator_kind_is_in_the_kind_table(self) -> None:
        """docs/monitoring.md has a row for each IndicatorKind (the checklist points there)."""
        table = _section(
            (ROOT / "docs" / "monitoring.md").read_text(encoding="utf-8"), "Indicators are data"
        )
        for kind in IndicatorKind:
            assert f"| `{kind.value}` |" in table, kind

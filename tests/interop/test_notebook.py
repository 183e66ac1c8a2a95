"""The tutorial notebook (docs/tutorial.ipynb) runs from top to bottom without errors."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).parents[2] / "docs" / "tutorial.ipynb"


def test_the_tutorial_runs_and_shows_its_tables() -> None:
    """Every cell runs; the person, the Posyandu list and the chart appear."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False).execute(
        cwd=str(NOTEBOOK.parent)
    )
    html = [
        out["data"]["text/html"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if "text/html" in out.get("data", {})
    ]
    assert any(h.startswith("<table><caption>Person ") for h in html)
    assert any("Posyandu Melati" in h for h in html)
    assert not any("3507" in h and "nik" in h and "*" not in h for h in html)

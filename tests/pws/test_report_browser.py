"""The dashboard renders in a real browser: headless Chromium, the DOM it builds, a screenshot.

Chromium is Debian's ``chromium`` package; ``.ci/run`` installs it when missing.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ilp.network import Network
from ilp.people import FamilyRegister
from ilp.pws import Evaluation, Level
from ilp.pws._report import render_report, write_report

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail(
            "chromium is not installed (Debian: apt-get install -y chromium; .ci/run does it)"
        )
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [exe, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def pws_ids(demo_eval: Evaluation) -> list[str]:
    return [i.id for i in demo_eval.indicators.in_force(dt.date(2025, 12, 31)) if not i.spm]


def test_dashboard_renders_every_desa_and_chart(
    demo_eval: Evaluation, demo: tuple[Network, FamilyRegister], pws_ids: list[str], tmp_path: Path
) -> None:
    """Chromium's DOM holds a section per desa, a chart per indicator with a bar per desa."""
    page = write_report(demo_eval, 10, tmp_path / "pws.html")
    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    dom = result.stdout
    assert "</html>" in dom, result.stderr[-2000:]
    desas = demo_eval.grouping(Level.DESA).ids
    for d in desas:
        assert f'id="desa-{d}"' in dom
    charts = re.findall(r'<svg[^>]*class="pws-chart"[^>]*data-indicator="([^"]+)"', dom)
    assert charts == pws_ids
    bars = re.findall(r'<g class="bar" data-area="([^"]+)"', dom)
    assert sorted(bars) == sorted(list(desas) * len(pws_ids))
    assert dom.count('class="target-line"') == len(pws_ids)
    assert dom.count('<tr class="spm"') == 12
    for i in demo_eval.indicators.in_force(dt.date(2025, 12, 31)):
        assert html.escape(i.source) in dom


def test_screenshot(demo_eval: Evaluation, tmp_path: Path) -> None:
    """A screenshot of the first screen is saved as a PNG under the test's folder."""
    page = write_report(demo_eval, 10, tmp_path / "pws.html", lang="en")
    shot = tmp_path / "pws.png"
    result = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1800", page.as_uri())
    assert shot.is_file(), result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000  # a blank page compresses to a few kB


def test_html_is_self_contained(demo_eval: Evaluation) -> None:
    """No script, no external resource: the file opens offline."""
    text = render_report(demo_eval, 10)
    assert "<script" not in text
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert 'lang="id"' in text
    assert "Garis target" in text


def test_english_labels_and_unconfirmed_assumptions(demo_eval: Evaluation) -> None:
    """--lang en switches the labels; every [U] assumption is listed."""
    text = render_report(demo_eval, 10, lang="en")
    assert "Target line" in text
    assert "uci_threshold" in text
    assert "prevalence.hypertension" in text
    unconfirmed = [
        i for i in demo_eval.indicators.in_force(dt.date(2025, 12, 31)) if not i.confirmed
    ]
    for i in unconfirmed:
        assert f"<code>{i.id}</code>" in text


def test_bad_language(demo_eval: Evaluation) -> None:
    """Only id and en."""
    from ilp.errors import MonitoringError

    with pytest.raises(MonitoringError, match="'fr'"):
        render_report(demo_eval, 10, lang="fr")

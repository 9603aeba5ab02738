"""The HTML brief in a real browser: headless Chromium renders it at a phone's
width; the screenshot must show something (not one flat colour) and the DOM
must hold the title. Skips with a reason when Chromium is not installed."""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

import pytest
from builders import full_brief

from corroborate.render import RenderOptions, render

pytestmark = pytest.mark.browser

PHONE = "412,900"  # a common Android phone viewport, in CSS pixels


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("headless Chromium not installed (Debian: apt-get install chromium); the HTML browser test needs it")


def run_chromium(tmp_path: Path, page: Path, *flags: str) -> subprocess.CompletedProcess:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--window-size={PHONE}",
        *flags,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("html")
    path = folder / "brief.html"
    brief = full_brief('<script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'">')
    path.write_text(render(brief, "html", RenderOptions(show_removed=True)), encoding="utf-8")
    return path, brief.title


def test_screenshot_shows_the_page(page, tmp_path):
    from PIL import Image

    path, _ = page
    shot = tmp_path / "brief.png"
    result = run_chromium(tmp_path, path, f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 0, f"no screenshot: {result.stderr[-500:]}"
    image = Image.open(shot).convert("RGB")
    assert image.size == (412, 900)
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50, "the screenshot is (nearly) one flat colour"
    # Text is drawn: a good share of pixels differ from the background colour.
    background = max(colours)[1]
    inked = sum(count for count, colour in colours if sum(abs(a - b) for a, b in zip(colour, background)) > 60)
    assert inked > 0.01 * 412 * 900


def test_dom_holds_the_title_and_no_injected_script_ran(page, tmp_path):
    path, title = page
    result = run_chromium(tmp_path, path, "--dump-dom")
    dom = result.stdout
    assert dom, f"empty DOM: {result.stderr[-500:]}"
    # The title, payload included, is the heading's text (the DOM serialiser escapes < > &).
    assert f"<h1>{html.escape(title, quote=False)}</h1>" in dom
    assert "6 inputs (2 rejected), 4 distinct texts, 2 independent sources" in dom
    # Had the article's script or onerror run, the document title would read "pwned".
    assert "<title>pwned</title>" not in dom
    assert "corroborate brief</title>" in dom

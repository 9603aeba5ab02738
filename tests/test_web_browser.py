"""The web app in a real browser: `corroborate serve` started as a process on a free
loopback port over the test store (fictional stories only), driven by Playwright
through Debian's Chromium (never a downloaded browser). A reader's path: home,
search, a facet, a story, an altered quote's variants, an article, an outlet;
screenshots at phone and desktop width; and no hostile text ever runs.
Skips with a printed reason when Chromium or Playwright is missing."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 412, "height": 900}
DESKTOP = {"width": 1280, "height": 900}
# As root Chromium needs --no-sandbox; the rest keeps it from reaching any network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Debian's chromium is not installed (apt-get install chromium); the web app's browser tests need it")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(web_store, tmp_path_factory):
    """`corroborate serve` on a copy of the test store, until the module's tests end."""
    folder = tmp_path_factory.mktemp("serve")
    db = folder / "web.db"
    shutil.copy(web_store.path, db)
    port = free_port()
    command = [sys.executable, "-m", "corroborate", "serve", "--db", str(db), "--port", str(port),
               "--set", "precompute_briefs=false"]  # fmt: skip
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/robots.txt", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"corroborate serve did not start: {(folder / 'serve.log').read_text()[-2000:]}")
            time.sleep(0.1)
    yield base
    process.send_signal(signal.SIGINT)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (make install installs the test extra)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    opened.dialogs = dialogs
    yield opened
    context.close()


def assert_nothing_ran(page) -> None:
    assert page.dialogs == [], f"a script from the data ran: {page.dialogs}"
    assert page.evaluate("() => window.__xss === undefined"), "a script from the data ran (window.__xss is set)"


def non_trivial_png(path: Path, size: dict) -> None:
    from PIL import Image

    image = Image.open(path).convert("RGB")
    assert image.size == (size["width"], size["height"])
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50, "the screenshot is (nearly) one flat colour"
    background = max(colours)[1]
    inked = sum(count for count, colour in colours if sum(abs(a - b) for a, b in zip(colour, background)) > 60)
    assert inked > 0.01 * size["width"] * size["height"], "hardly anything is drawn"


def test_a_reader_goes_from_the_home_page_to_an_outlet(server, page, web_store, tmp_path):
    title = web_store.example_title
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "Newest stories"
    assert page.get_by_role("link", name=title).count() == 1

    # Search from the box at the top.
    page.fill("input[name=q]", "footbridge")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/?q=footbridge*")
    assert "Stories matching" in page.locator("h1").inner_text()
    assert page.locator(".story-card h2").first.inner_text() == title

    # A facet: stories with altered quotes.
    page.locator("[data-facet=altered] a", has_text="Yes").click()
    page.wait_for_url("**altered=yes*")
    assert "Altered quotes: Yes" in page.locator(".chips").inner_text()
    assert title in page.locator(".results").inner_text()

    # The story, and the variants of an altered quote (unfolded if the page folds them).
    page.get_by_role("link", name=title).click()
    page.wait_for_url(f"**/stories/{web_store.example_story}")
    assert page.locator("h1").inner_text() == title
    altered = page.locator("#quotes li", has=page.locator(".badge.altered")).first
    folded = altered.locator("xpath=ancestor::details[not(@open)]")
    if folded.count():
        folded.first.locator("summary").first.click()
    # Unfolding is a browser repaint: wait for it (a loaded machine took longer than one check).
    altered.locator("del, ins").first.wait_for(state="visible", timeout=10_000)
    assert altered.locator("del, ins").first.is_visible(), "the altered wording is not shown"
    outlet = altered.locator("a.src").first.inner_text().split("\u00a0[")[0]

    # Screenshots of the story at phone and desktop width.
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        shot = tmp_path / f"story-{name}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        non_trivial_png(shot, size)
        assert page.locator("h1").inner_text() == title
    page.set_viewport_size(DESKTOP)

    # The article of the outlet that altered it, its altered quote marked.
    page.locator("#articles li", has=page.get_by_role("link", name=outlet, exact=True)).first.locator("a").first.click()
    page.wait_for_url("**/articles/*")
    assert page.locator("mark.quote.is-altered").count() >= 1
    assert page.locator("mark.quote.is-altered").first.is_visible()

    # The outlet's record, and a number's evidence.
    page.locator("header .meta a", has_text=outlet).first.click()
    page.wait_for_url(f"**/outlets/{quote(outlet, safe='')}")
    assert page.locator("h1").inner_text() == outlet
    page.locator("table.record a[href='#altered']").click()
    page.wait_for_url("**#altered")
    assert page.locator("#altered .evidence li").count() >= 1
    assert_nothing_ran(page)


def test_hostile_text_never_runs_in_the_browser(server, page, web_store):
    import json

    with urllib.request.urlopen(f"{server}/stories/{web_store.hostile_story}.json") as response:
        story = json.load(response)
    urls = [
        "/",
        "/?q=" + quote("script alert"),
        f"/stories/{web_store.hostile_story}",
        f"/outlets/{quote(web_store.hostile_outlet, safe='')}",
        *[a["url"] for a in story["articles"]],
    ]
    for url in urls:
        page.goto(server + url)
        page.wait_for_load_state("load")
        assert "<script>window.__xss=1" in page.locator("body").inner_text(), url  # shown as text
        assert page.locator("a[href^='javascript:' i]").count() == 0, url
        assert_nothing_ran(page)
    # The hostile title is the heading's text, not markup.
    page.goto(f"{server}/stories/{web_store.hostile_story}")
    page.wait_for_load_state("load")  # as for every page above (a loaded machine once read the heading before it)
    assert page.locator("h1").inner_text().startswith("Eastmere ferry withdrawn after hull corrosion found <script>"), page.locator("h1").inner_text()

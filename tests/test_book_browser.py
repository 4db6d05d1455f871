"""The derivation book in a real browser: headless Chromium (Debian's package) via Playwright.

The site is built once from this checkout. Every page is opened; the mathematics must be
rendered MathML (no raw ``$…$`` or ``\\frac`` left in the visible text, every ``<math>``
with a height on screen), and every link between the site's own pages must resolve to an
existing page and anchor. A screenshot of a derivation page is saved; with
QCRYSTAL_SCREENSHOT=docs/book_page.png it replaces the README's picture.
"""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
)
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory, findings):
    from qcrystal.codegen.registry import FUNCTIONS
    from qcrystal.derivations.paper import PAPER
    from qcrystal.teaching import book

    out = tmp_path_factory.mktemp("site")
    book.build(out, PAPER, findings, FUNCTIONS)
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_every_page_renders_mathml_and_every_link_resolves(site, browser):
    page = browser.new_page()
    pages = sorted(site.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "api.html", "map.html", "section-3.html"}
    ids, links = {}, []
    for path in pages:  # one visit per page: what it shows, which anchors it has, its links
        page.goto(path.as_uri())
        text = page.inner_text("body")
        assert "$" not in text and "\\frac" not in text and "\\sqrt" not in text, path.name
        if path.name.startswith("section-"):
            heights = page.eval_on_selector_all(
                "math", "els => els.map(e => e.getBoundingClientRect().height)"
            )
            assert heights and min(heights) > 0, path.name  # rendered, not just present
        ids[path.resolve()] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        links += [(path.name, href) for href in hrefs]
    page.close()
    for origin, href in links:
        url = urlparse(href)
        assert url.scheme == "file", f"{origin} links outside the site: {href}"
        target = Path(url.path).resolve()
        assert target in ids, f"{origin}: broken link {href}"
        assert not url.fragment or url.fragment in ids[target], f"{origin}: no anchor {href}"
    assert len(links) > 50


def test_derivation_page_screenshot(site, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    page.goto((site / "section-3.html").as_uri() + "#eq-38")
    assert re.search(r"solve for ε", page.inner_text("#eq-38"))
    target = os.environ.get("QCRYSTAL_SCREENSHOT") or str(tmp_path / "book_page.png")
    page.screenshot(path=target)
    assert Path(target).stat().st_size > 20_000
    page.close()

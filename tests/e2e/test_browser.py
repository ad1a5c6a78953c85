"""Headless Chromium reads the built site over HTTP: home → article, figure, credit, attribution."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.sitegen_testkit import SEED_LIKE
from tests.static_server import serve_folder

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def server(public: Path) -> Iterator[str]:
    with serve_folder(public) as url:
        yield url


def _read_article(browser, base: str, width: int, height: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.goto(base + "/", wait_until="load")
    page.get_by_role("link", name=SEED_LIKE.title).first.click()
    page.wait_for_url(f"**/articles/{SEED_LIKE.slug}/")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == SEED_LIKE.title
    assert page.locator("figure").first.is_visible()
    caption = page.locator("figure figcaption")
    assert caption.is_visible()
    assert "Photo: EPA-EFE / GAVRIIL GRIGOROV / SPUTNIK / KREMLIN POOL" in caption.inner_text()
    box = page.locator("aside.attribution")
    assert box.is_visible()
    text = box.inner_text()
    assert "Novaya Gazeta Europe" in text and "Interfax" in text
    # Readable on a phone: nothing wider than the screen.
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (width, scroll)
    # The theme's stylesheet applied (its serif stack, not the browser default).
    assert "Palatino" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert problems == [], problems
    page.close()


def test_home_to_article_shows_photo_credit_and_attribution(server):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            _read_article(browser, server, 1280, 900)
            _read_article(browser, server, 390, 844)
        finally:
            browser.close()

"""Hostile content is inert everywhere: raw HTML, JSON-LD, feeds, sitemap, and in headless Chromium.

The site is built from `bad/script_injection.txt` (imported) plus a hand-written article whose every
field carries `<script>`, event handlers, `javascript:`/`data:` links, `</script>` and template
syntax. Every script the hostile text would run calls `alert` and logs a sentinel to the console;
Chromium loads every page and neither may happen.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from sitegen.build import build_site
from sitegen.config import Project
from sitegen.content import dump_article
from sitegen.model import Correction, Dateline, Photo, Source
from tests.sitegen_testkit import article
from tests.static_server import serve_folder

BAD = Path(__file__).parent.parent / "data" / "samples" / "bad"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SENTINEL = "XSS-RAN"

SETTINGS = """\
title = "Hostile Wire"
description = "Nothing here may run."
base_url = "https://news.example.org/"
language = "en"
"""


def _payload(n: int) -> str:
    """A mix of everything that would run script #n if it reached the page as markup."""
    js = f"alert('{SENTINEL}-{n}');console.log('{SENTINEL}-{n}')"
    return (
        f'<script>{js}</script> <img src=x onerror="{js}"> '
        f'<a href="javascript:{js}">j</a> <a href="data:text/html,<script>{js}</script>">d</a> '
        f'</script><script>{js}</script><!-- {{{{ 7*7 }}}} <svg onload="{js}">'
    )


HOSTILE = dataclasses.replace(
    article(30),
    id="tag:news.example.org,2025:hostile-front-matter",
    slug="hostile-front-matter",
    title="Title " + _payload(1),
    standfirst="Standfirst " + _payload(2),
    body=(
        f"Body {_payload(3)}\n\n"
        f"[link](javascript:alert('{SENTINEL}-4')) [data](data:text/html;base64,"
        "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
        f"![img](javascript:alert('{SENTINEL}-5')) <javascript:alert('{SENTINEL}-6')>\n\n"
        f"<iframe src=\"javascript:alert('{SENTINEL}-7')\"></iframe>\n\n"
        f'<div onmouseover="alert(\'{SENTINEL}-8\')" style="position:fixed;inset:0">x</div>\n\n'
        "Literal {{ 7*7 }} and {% if true %}kept{% endif %}."
    ),
    date=dt.datetime(2025, 3, 3, 10, 0, tzinfo=dt.UTC),
    updated=dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC),
    sections=("Section " + _payload(9),),
    tags=("Tag " + _payload(10),),
    dateline=Dateline("Place " + _payload(11), dt.date(2025, 3, 3)),
    authors=("Author " + _payload(12),),
    publisher="Publisher " + _payload(13),
    cites=("Cited " + _payload(14),),
    photos=(
        Photo(
            caption="Caption " + _payload(15),
            credit="Credit " + _payload(16),
            credit_parts=("Part " + _payload(17),),
            image=f"javascript:alert('{SENTINEL}-18')",
        ),
        Photo(caption="Data image", image="data:image/svg+xml,<svg onload=alert(19)>"),
    ),
    source=Source(
        file="../../" + _payload(20), url=f"javascript:alert('{SENTINEL}-21')", encoding="utf-8"
    ),
    story="Story " + _payload(22),
    corrections=(Correction(dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC), _payload(23)),),
)


# --- raw checks -------------------------------------------------------------------------------

_URL_ATTRS = {"href", "src", "action", "formaction", "poster", "srcset", "xlink:href", "data"}
_FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "form", "frame", "frameset", "applet"}


class _Inert(HTMLParser):
    """Collects every way a document could run code or leave the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.jsonld: list[str] = []
        self.text: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            if values.get("type") != "application/ld+json" or "src" in values:
                self.problems.append(f"script {attrs} at {self.getpos()}")
            self._in_jsonld = True
        if tag in _FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> at {self.getpos()}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}> at {self.getpos()}")
            if name in _URL_ATTRS and value is not None:
                squashed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squashed.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{name}={value!r} on <{tag}> at {self.getpos()}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_jsonld = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(data)
        else:
            self.text.append(data)


def inert_html(html: str, where: str) -> _Inert:
    parser = _Inert()
    parser.feed(html)
    parser.close()
    assert parser.problems == [], (where, parser.problems)
    for block in parser.jsonld:
        json.loads(block)  # a `</script>` breakout would leave a truncated, invalid JSON text
        assert "</" not in block and "<!--" not in block, (where, block)
    text = " ".join(parser.text)
    assert not re.search(r"\b49\b", text), (where, "a template expression was evaluated")
    return parser


def test_checker_catches_live_markup() -> None:
    for bad in (
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html,hi">x</a>',
        "<p>49</p>",
        "<iframe></iframe>",
    ):
        with pytest.raises(AssertionError):
            inert_html(bad, "self-test")


# --- the site -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root: Path = tmp_path_factory.mktemp("hostile-site")
    (root / "content" / "seeds").mkdir(parents=True)
    (root / "content" / "articles").mkdir()
    shutil.copy(BAD / "script_injection.txt", root / "content" / "seeds" / "script_injection.txt")
    (root / "content" / "articles" / f"{HOSTILE.slug}.md").write_text(
        dump_article(HOSTILE), encoding="utf-8"
    )
    (root / "sitegen.toml").write_text(SETTINGS, encoding="utf-8")
    result = build_site(Project(root))
    assert result.ok and result.published, [str(e) for e in result.errors]
    assert result.articles == 2, "script_injection.txt must be imported, not refused"
    return result.output


def test_pages_hold_no_live_markup(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) >= 4
    texts = {}
    for page in pages:
        parser = inert_html(page.read_text(encoding="utf-8"), str(page))
        texts[page.relative_to(hostile_site).as_posix()] = " ".join(parser.text)
    page = texts[f"articles/{HOSTILE.slug}/index.html"]
    # The hostile text is shown as text, template syntax included.
    assert "<script>alert(" in page and "{{ 7*7 }}" in page and "onerror=" in page
    imported = next(t for p, t in texts.items() if "council-approves" in p)
    assert "{{ 7*7 }}" in imported and "<script>" in imported


def _strings(value: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)
    elif isinstance(value, str):
        yield key, value


def test_jsonld_keeps_the_text_and_cannot_close_its_script(hostile_site: Path) -> None:
    pages = sorted((hostile_site / "articles").glob("*/index.html"))
    assert len(pages) == 2
    for page in pages:
        parser = inert_html(page.read_text(encoding="utf-8"), str(page))
        assert len(parser.jsonld) == 1, page
        data = json.loads(parser.jsonld[0])
        assert "<script>alert(" in data["headline"], data["headline"]
        for key, value in _strings(data):
            if key in ("url", "@id", "mainEntityOfPage", "image", "sameAs", "contentUrl"):
                assert value.startswith("https://news.example.org/"), (key, value)
    data = json.loads(
        inert_html(
            (hostile_site / "articles" / HOSTILE.slug / "index.html").read_text(encoding="utf-8"),
            "hostile",
        ).jsonld[0]
    )
    # The `</script>` in the text reached the JSON-LD as text (escaped), not dropped, not live.
    assert any("</script>" in value for _, value in _strings(data))


def _feed_html_parts(root: ET.Element) -> Iterator[tuple[str, str]]:
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        for name, value in element.attrib.items():
            if name.rsplit("}", 1)[-1] in ("href", "src", "uri", "url"):
                squashed = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not squashed.startswith(("javascript:", "data:")), (tag, name, value)
        text = element.text or ""
        is_html = element.get("type") in ("html", "xhtml") or tag in ("description", "encoded")
        if is_html:
            yield tag, text
        elif tag in ("link", "uri", "url", "loc", "guid", "id", "comments", "docs"):
            squashed = re.sub(r"[\x00-\x20]", "", text).lower()
            assert not squashed.startswith(("javascript:", "data:")), (tag, text)


def test_sitemap_is_inert(hostile_site: Path) -> None:
    root = ET.fromstring((hostile_site / "sitemap.xml").read_bytes())
    locs = [e.text or "" for e in root.iter() if e.tag.endswith("loc")]
    assert len(locs) >= 4
    for loc in locs:
        assert loc.startswith("https://news.example.org/"), loc
        assert re.fullmatch(r"[A-Za-z0-9:/._~%-]+", loc), loc


def _check_feeds(hostile_site: Path, name: str) -> None:
    paths = sorted(hostile_site.rglob(name))
    assert len(paths) >= 3
    html_parts = 0
    for path in paths:
        for tag, html in _feed_html_parts(ET.fromstring(path.read_bytes())):
            html_parts += 1
            inert_html(html, f"{path}:{tag}")
    assert html_parts > 0


def test_atom_feeds_are_inert(hostile_site: Path) -> None:
    _check_feeds(hostile_site, "atom.xml")


def test_rss_feeds_are_inert(hostile_site: Path) -> None:
    """RSS `<description>` is HTML to every reader: plain text must arrive there escaped."""
    _check_feeds(hostile_site, "rss.xml")


# --- in the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(hostile_site: Path) -> Iterator[str]:
    with serve_folder(hostile_site) as url:
        yield url


_LIVE_IN_DOM = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\\x00-\\x20]/g, '').toLowerCase();
      if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'formaction', 'srcset'].includes(a.name)
          && (v.startsWith('javascript:') || v.startsWith('data:'))) bad.push(el.tagName + ' ' + a.name);
    }
  }
  for (const s of document.scripts) if (s.type !== 'application/ld+json') bad.push('script');
  return bad;
}"""


def test_no_hostile_script_runs_in_chromium(hostile_site: Path, server: str) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    dialogs: list[str] = []
    console: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context()

            def route(request_route) -> None:
                url = request_route.request.url
                if url.startswith(server + "/"):
                    request_route.continue_()
                else:
                    outside.append(url)
                    request_route.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            for path in pages:
                rel = path.relative_to(hostile_site).as_posix()
                url = f"{server}/{rel.removesuffix('index.html')}"
                response = page.goto(url, wait_until="load")
                assert response is not None and response.ok, url
                page.mouse.move(200, 200)  # would fire any mouseover handler
                page.mouse.move(400, 300)
                page.wait_for_timeout(100)  # let failed images fire `onerror`
                assert page.evaluate(_LIVE_IN_DOM) == [], url
            # The probe can fail: a page that runs script is noticed.
            page.set_content(f"<script>console.log('{SENTINEL}-probe')</script>")
            page.wait_for_timeout(50)
        finally:
            browser.close()
    assert dialogs == [], dialogs
    # Only the probe spoke: no hostile script logged anything or threw.
    hostile = [m for m in console if SENTINEL in m or m.startswith("pageerror")]
    assert hostile == [f"log: {SENTINEL}-probe"], hostile
    assert outside == [], outside

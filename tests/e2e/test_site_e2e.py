"""A whole site built from Markdown, checked with real parsers: feedparser, lxml, json."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import lxml.html
from lxml import etree

from sitegen.config import Project
from sitegen.content import dump_article
from tests.e2e.conftest import ARTICLES, HOSTILE, RTL, SETTINGS
from tests.golden import assert_golden
from tests.sitegen_testkit import NO_PUBLISHER, SEED_LIKE, article, build, snapshot, write_project

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
BASE = "https://news.example.org/"
DATED_IDS = {a.id for a in ARTICLES if a.date is not None}


def _html_pages(public: Path) -> list[Path]:
    return sorted(public.rglob("*.html"))


def _feeds(public: Path) -> list[Path]:
    return sorted(public.rglob("atom.xml")) + sorted(public.rglob("rss.xml"))


def _page(public: Path, slug: str):
    return lxml.html.parse(str(public / "articles" / slug / "index.html")).getroot()


def _jsonld(doc) -> dict:
    (script,) = doc.xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


# --- feeds -------------------------------------------------------------------------------------


def test_every_feed_parses_without_bozo_and_carries_ids_dates_authors(public):
    feeds = _feeds(public)
    # site + sections (News, Politics, World, <b>Section</b>) + tags (North Korea, {{ 7*7 }})
    # + publishers (Novaya Gazeta Europe, Example Wire, Evil Corp) + the story of the two
    # seed-like articles = 11 feeds, Atom and RSS each
    assert len(feeds) == 22
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == ("atom10" if path.name == "atom.xml" else "rss20")
        assert parsed.entries, path
        for entry in parsed.entries:
            assert entry.id in DATED_IDS
            assert entry.link.startswith(BASE + "articles/")
            assert entry.published_parsed is not None
        if parsed.version == "atom10":
            assert parsed.feed.author == "Test Wire"  # fallback for entries without one
            for entry in parsed.entries:
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", entry.updated)


def test_site_feed_entries_newest_first_with_attribution(public):
    parsed = feedparser.parse((public / "atom.xml").read_bytes())
    # Undated articles never enter a feed (an entry needs a date); the rest are newest first.
    assert [e.id for e in parsed.entries][:2] == [SEED_LIKE.id, NO_PUBLISHER.id]
    assert {e.id for e in parsed.entries} == DATED_IDS
    seed = next(e for e in parsed.entries if e.id == SEED_LIKE.id)
    assert seed.author == "Novaya Gazeta Europe"
    assert seed.published == "2024-06-19T00:00:00+03:00"  # a date-only day: midnight in Moscow
    assert {t.term for t in seed.tags} == {"News", "Politics", "North Korea"}
    via = [link.href for link in seed.links if link.rel == "via"]
    assert via == ["https://example.net/003"]
    content = seed.content[0].value
    assert "Photo: EPA-EFE / GAVRIIL GRIGOROV / SPUTNIK / KREMLIN POOL" in content
    assert 'href="https://news.example.org/archive/"' in content  # relative link made absolute
    assert 'href="/' not in content
    rtl = next(e for e in parsed.entries if e.id == RTL.id)
    assert [a.name for a in rtl.authors] == ["Ann Lee", "Bo Kim"]
    updated = next(e for e in parsed.entries if e.id == "tag:example.org,2024:n2")
    assert updated.updated == "2024-02-01T09:30:00+00:00"
    no_pub = next(e for e in parsed.entries if e.id == NO_PUBLISHER.id)
    assert no_pub.summary == NO_PUBLISHER.standfirst


def UNDATEDLESS(ids: list[str]) -> bool:
    """Undated articles never enter a feed (a feed entry must have a date)."""
    return "tag:x,2024:undated" not in ids and len(ids) == len(DATED_IDS)


def test_feed_updated_is_the_newest_entry_not_the_clock(public):
    root = etree.parse(str(public / "atom.xml")).getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.xpath("a:entry/a:updated/text()", namespaces=ns)
    newest = max(entries, key=dt.datetime.fromisoformat)
    assert root.xpath("string(a:updated)", namespaces=ns) == newest == "2024-06-19T00:00:00+03:00"


# --- pages -------------------------------------------------------------------------------------


def test_every_page_has_lang_title_description_canonical_og_and_feed_links(public):
    pages = _html_pages(public)
    assert len(pages) >= 15
    for path in pages:
        doc = lxml.html.parse(str(path)).getroot()
        assert doc.get("lang") == "en", path
        assert doc.findtext(".//title").strip(), path
        assert doc.xpath('string(//meta[@name="description"]/@content)'), path
        canonical = doc.xpath('//link[@rel="canonical"]/@href')
        assert len(canonical) == 1 and canonical[0].startswith(BASE), path
        for prop in ("og:title", "og:type", "og:url", "og:description", "og:site_name"):
            assert doc.xpath(f'//meta[@property="{prop}"]/@content'), (path, prop)
        types = doc.xpath('//link[@rel="alternate"]/@type')
        assert "application/atom+xml" in types and "application/rss+xml" in types, path
        stylesheet = doc.xpath('//link[@rel="stylesheet"]/@href')
        assert re.fullmatch(r"/static/style\.[0-9a-f]{10}\.css", stylesheet[0])
        assert (public / stylesheet[0].lstrip("/")).is_file()


def test_every_internal_link_resolves_to_a_built_file(public):
    for path in _html_pages(public):
        doc = lxml.html.parse(str(path)).getroot()
        for href in doc.xpath("//a/@href | //link/@href"):
            if href.startswith(BASE):
                href = "/" + href[len(BASE) :]
            if not href.startswith("/"):
                continue
            target = public / href.split("#")[0].lstrip("/")
            if href.split("#")[0].endswith("/"):
                target = target / "index.html"
            assert target.is_file(), (path, href)


def test_article_page_shows_everything_about_where_it_came_from(public):
    doc = _page(public, SEED_LIKE.slug)
    story = doc.xpath('//article[contains(@class, "story")]')[0]
    assert story.get("lang") is None  # same language as the site
    assert story.xpath('string(.//h1[@dir="auto"])') == SEED_LIKE.title
    assert story.xpath("string(.//time/@datetime)") == "2024-06-19"
    assert "Published 19 June 2024" in " ".join(story.xpath('string(.//p[@class="dates"])').split())
    (figure,) = story.xpath(".//figure")
    caption = " ".join(figure.xpath("string(figcaption)").split())
    assert caption == (
        "Vladimir Putin’s motorcade passes Pyongyang’s Arch of Triumph, 19 June 2024. "
        "Photo: EPA-EFE / GAVRIIL GRIGOROV / SPUTNIK / KREMLIN POOL"
    )
    text = story.text_content()
    assert text.count("Vladimir Putin’s motorcade passes") == 1  # caption printed once
    box = story.xpath('.//aside[@class="attribution"]')[0]
    box_text = " ".join(box.text_content().split())
    assert "Novaya Gazeta Europe" in box_text
    assert box.xpath(".//a/@href")[:2] == [
        "/publishers/novaya-gazeta-europe/",
        "https://example.net/003",
    ]
    assert box.xpath('.//ul[@class="cites"]/li/text()') == ["TASS", "Rodong Sinmum", "Interfax"]
    assert "content/seeds/003_412e391d8da5d31e.txt" in box_text
    assert doc.xpath('string(//meta[@name="robots"]/@content)') == "noindex"  # republished


def test_article_without_publisher_says_so_and_prints_the_standfirst_once(public):
    doc = _page(public, NO_PUBLISHER.slug)
    box = " ".join(doc.xpath('string(//aside[@class="attribution"])').split())
    assert "publisher not identified" in box and "IRNA" in box
    assert "original link not known" in box
    dek = doc.xpath('//p[@class="dek"]')
    assert [d.text for d in dek] == [NO_PUBLISHER.standfirst]
    paragraphs = doc.xpath('//div[@class="story-body"]/p')
    assert len(paragraphs) == 3 and all(p.get("dir") == "auto" for p in paragraphs)
    assert paragraphs[1].text_content().startswith(NO_PUBLISHER.standfirst + " The visit marks")
    assert "PYONGYANG" in doc.xpath('string(//span[@class="place"])').upper()
    assert doc.xpath('//p[@class="byline"]') == []  # no authors, no byline


def test_json_ld_parses_and_states_the_attribution(public):
    data = _jsonld(_page(public, SEED_LIKE.slug))
    assert data["@type"] == "NewsArticle"
    assert data["url"] == BASE + f"articles/{SEED_LIKE.slug}/"
    assert data["datePublished"] == "2024-06-19T00:00:00+03:00"
    assert data["sourceOrganization"]["name"] == "Novaya Gazeta Europe"
    assert data["isBasedOn"]["url"] == "https://example.net/003"
    assert [c["name"] for c in data["citation"]] == list(SEED_LIKE.cites)
    assert data["image"][0]["creditText"] == SEED_LIKE.photos[0].credit


def test_right_to_left_article_declares_its_language_and_byline(public):
    doc = _page(public, RTL.slug)
    assert doc.get("lang") == "en"
    story = doc.xpath('//article[contains(@class, "story")]')[0]
    assert story.get("lang") == "ar"
    assert " ".join(story.xpath('string(.//p[@class="byline"])').split()) == "By Ann Lee and Bo Kim"
    assert _jsonld(doc)["inLanguage"] == "ar"


def test_hostile_text_is_shown_never_executed(public):
    raw = (public / "articles" / "hostile" / "index.html").read_text(encoding="utf-8")
    doc = lxml.html.fromstring(raw)
    scripts = doc.xpath("//script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert raw.count("</script>") == 1  # only the JSON-LD element's own end tag
    data = _jsonld(doc)
    assert data["headline"] == HOSTILE.title
    assert data["citation"][0]["name"] == HOSTILE.cites[0]
    assert doc.xpath("string(//h1)") == HOSTILE.title  # shown as text
    assert "49" not in raw
    hrefs = doc.xpath("//@href | //@src")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript")]
    assert not doc.xpath("//@*[starts-with(name(), 'on')]")
    assert "original link not known" in doc.text_content()  # javascript: URL refused
    assert "alert(4)" not in raw and "alert('body')" not in raw  # script content dropped
    atom = etree.parse(str(public / "atom.xml")).getroot()
    rss = etree.parse(str(public / "rss.xml")).getroot()
    # RSS carries the full HTML in content:encoded beside a standfirst, else in description.
    contents = atom.xpath("//*[local-name()='content']/text()") + [
        item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
        or item.findtext("description")
        for item in rss.iter("item")
    ]
    assert len(contents) == 2 * len(DATED_IDS)
    for html in contents:
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
        assert not fragment.xpath("//script | //@*[starts-with(name(), 'on')]")
        assert not [h for h in fragment.xpath("//@href") if not h.startswith(("https:", "mailto:"))]


def test_lists_archive_404_sitemap_robots(public):
    home = lxml.html.parse(str(public / "index.html")).getroot()
    titles = home.xpath('//h2[@class="teaser-title"]/a/text()')
    assert titles[0] == SEED_LIKE.title and len(titles) == 2  # per_page = 2
    assert home.xpath('//a[@rel="next"]/@href') == ["/page/2/"]
    # The two seed-like articles are one story: one home item, so 6 items on 3 pages.
    last = lxml.html.parse(str(public / "page" / "3" / "index.html")).getroot()
    last_titles = last.xpath('//h2[@class="teaser-title"]/a/text()')
    assert last_titles == ["Article number 1", "Article number 3"]  # undated last
    assert not (public / "page" / "4").exists()
    archive = lxml.html.parse(str(public / "archive" / "index.html")).getroot()
    months = archive.xpath('//nav[@class="archive-index"]//a')
    assert [a.text for a in months] == ["June 2024", "January 2024", "Undated"]
    assert [a.get("href") for a in months] == [
        "/archive/2024/06/",
        "/archive/2024/01/",
        "/archive/undated/",
    ]
    june = lxml.html.parse(str(public / "archive" / "2024" / "06" / "index.html")).getroot()
    assert june.xpath("//h1/text()") == ["June 2024"]
    assert SEED_LIKE.title in june.xpath('//ul[@class="archive-list"]//a/text()')
    assert june.xpath('//a[@rel="next"]/@href') == ["/archive/2024/01/"]
    assert not june.xpath('//a[@rel="prev"]')
    undated = lxml.html.parse(str(public / "archive" / "undated" / "index.html")).getroot()
    assert undated.xpath('//ul[@class="archive-list"]//a/text()') == ["Article number 3"]
    assert (public / "404.html").is_file()
    sitemap = etree.parse(str(public / "sitemap.xml")).getroot()
    locs = sitemap.xpath("//s:loc/text()", namespaces={"s": sitemap.nsmap[None]})
    assert locs[0] == BASE and BASE + "archive/" in locs
    assert BASE + "archive/2024/06/" in locs and BASE + "archive/undated/" in locs
    assert not [loc for loc in locs if "/articles/" in loc]  # republished pages are noindex
    robots = (public / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def UNDATED_LAST(page: Path) -> bool:
    return "undated" in page.read_text(encoding="utf-8").lower()


# --- build guarantees --------------------------------------------------------------------------


def test_golden_article_page_and_site_feed(public):
    """Byte-identical output for a fixed article; SITEGEN_UPDATE_GOLDEN=1 rewrites the goldens."""
    cases = {
        "article-seed-like.html": public / "articles" / SEED_LIKE.slug / "index.html",
        "atom.xml": public / "atom.xml",
    }
    for name, path in cases.items():
        assert_golden(name, path.read_bytes())


def test_builds_are_byte_identical_across_folders_and_hash_seeds(built, tmp_path):
    project, result = built
    first = snapshot(result.output)
    copy = tmp_path / "copy"
    shutil.copytree(project.content, copy / "content")
    shutil.copy(project.settings_file, copy / "sitegen.toml")
    script = (
        "import sys; from pathlib import Path; from sitegen.build import build_site; "
        "from sitegen.config import Project; "
        "sys.exit(0 if build_site(Project(Path(sys.argv[1])), import_seeds=False).ok else 1)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "Pacific/Kiritimati"}
    subprocess.run([sys.executable, "-c", script, str(copy)], check=True, env=env, timeout=60)
    assert snapshot(copy / "public") == first
    assert build(project).ok
    assert snapshot(result.output) == first


def test_entry_ids_survive_a_title_and_slug_change(tmp_path):
    original = article(5)
    project = write_project(tmp_path, [original, article(6)], settings=SETTINGS)
    assert build(project).ok
    before = feedparser.parse((tmp_path / "public" / "atom.xml").read_bytes())
    renamed = dataclasses.replace(original, title="A new headline", slug="a-new-headline")
    (project.articles / f"{original.slug}.md").write_text(dump_article(renamed), "utf-8")
    assert build(Project(tmp_path)).ok
    after = feedparser.parse((tmp_path / "public" / "atom.xml").read_bytes())
    assert [e.id for e in after.entries] == [e.id for e in before.entries]
    changed = next(e for e in after.entries if e.id == original.id)
    assert changed.title == "A new headline"
    assert changed.link == BASE + "articles/a-new-headline/"

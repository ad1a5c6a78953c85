"""Real sites built in temporary folders: republication modes, corrections, news sitemap, feed ids."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import feedgen.entry
import feedgen.feed
import feedparser
import pytest
from lxml import html as lxml_html

from sitegen.check import check_site
from sitegen.config import Project, load_settings
from sitegen.model import Article, Correction
from sitegen.render.newsroom import NEWS_LIMIT, NEWS_NS, SITEMAP_NS
from tests.conftest import SEEDS
from tests.sitegen_testkit import NO_PUBLISHER, SEED_LIKE, article, build, snapshot, write_project

BASE = "https://example.org/"
NEWS = f"{{{NEWS_NS}}}"
SM = f"{{{SITEMAP_NS}}}"
SEED_PAGE = "articles/putin-arrives-in-north-korea/index.html"
NO_PUBLISHER_PAGE = "articles/putin-official-visit/index.html"
ORIGINAL = dataclasses.replace(
    article(170), id="tag:example.org,2024:own", slug="our-own", title="Our own", original=True
)


def site(root: Path, articles: list[Article], settings: str | None = None) -> Path:
    project = write_project(root, articles, settings=settings)
    result = build(project)
    assert result.ok, [str(e) for e in result.errors]
    return result.output


def page(public: Path, path: str):  # type: ignore[no-untyped-def] - lxml element
    return lxml_html.fromstring((public / path).read_bytes())


def jsonld(doc) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(doc.xpath('string(//script[@type="application/ld+json"])'))


def robots(doc) -> str:  # type: ignore[no-untyped-def]
    return doc.xpath('string(//meta[@name="robots"]/@content)')


def canonical(doc) -> str:  # type: ignore[no-untyped-def]
    return doc.xpath('string(//link[@rel="canonical"]/@href)')


def news_locs(public: Path) -> list[str]:
    root = ET.parse(public / "news-sitemap.xml").getroot()
    return [loc.text or "" for loc in root.iter(f"{SM}loc")]


@pytest.fixture(scope="module")
def default_site(tmp_path_factory) -> Path:
    return site(tmp_path_factory.mktemp("newsroom"), [SEED_LIKE, NO_PUBLISHER, ORIGINAL])


def test_republished_copy_names_its_publisher_and_is_noindex(default_site: Path) -> None:
    doc = page(default_site, SEED_PAGE)
    line = doc.xpath('//header//p[@class="republished"]')[0]
    assert line.text_content() == "Originally published by Novaya Gazeta Europe"
    assert line.xpath("a/@href") == ["https://example.net/003"]
    assert robots(doc) == "noindex"
    assert canonical(doc) == BASE + "articles/putin-arrives-in-north-korea/"
    based_on = jsonld(doc)["isBasedOn"]
    assert based_on["url"] == "https://example.net/003"
    assert based_on["publisher"]["name"] == "Novaya Gazeta Europe"


def test_unknown_source_is_said_plainly(default_site: Path) -> None:
    doc = page(default_site, NO_PUBLISHER_PAGE)
    assert doc.xpath('string(//p[@class="republished"])') == "Source not identified"
    assert robots(doc) == "noindex"
    assert "isBasedOn" not in jsonld(doc)


def test_original_article_has_no_line_and_is_indexed(default_site: Path) -> None:
    doc = page(default_site, "articles/our-own/index.html")
    assert not doc.xpath('//p[@class="republished"]')
    assert robots(doc) == ""
    assert "isBasedOn" not in jsonld(doc)


def test_news_sitemap_lists_only_indexable_articles_and_robots_names_it(
    default_site: Path,
) -> None:
    assert news_locs(default_site) == [BASE + "articles/our-own/"]
    lines = (default_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {BASE}sitemap.xml" in lines
    assert f"Sitemap: {BASE}news-sitemap.xml" in lines


def test_check_accepts_the_built_site(default_site: Path) -> None:
    report = check_site(default_site, load_settings(default_site.parent / "sitegen.toml"))
    assert report.ok, report.summary()


def test_check_names_a_broken_news_sitemap(tmp_path: Path) -> None:
    public = site(tmp_path, [ORIGINAL])
    path = public / "news-sitemap.xml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("<news:title>Our own</news:title>", ""), encoding="utf-8")
    report = check_site(public, load_settings(tmp_path / "sitegen.toml"))
    assert [p.message for p in report.problems] == ["url 1: no <news:title>"]


def test_canonical_mode_points_at_the_original_when_known(tmp_path: Path) -> None:
    public = site(tmp_path, [SEED_LIKE, NO_PUBLISHER], 'republished = "canonical"\n')
    doc = page(public, SEED_PAGE)
    assert canonical(doc) == "https://example.net/003"
    assert robots(doc) == ""
    assert doc.xpath('string(//p[@class="republished"])').startswith("Originally published by")
    unknown = page(public, NO_PUBLISHER_PAGE)
    assert canonical(unknown) == BASE + "articles/putin-official-visit/"
    assert BASE + "articles/putin-arrives-in-north-korea/" in news_locs(public)


def test_index_mode_neither_blocks_nor_redirects(tmp_path: Path) -> None:
    public = site(tmp_path, [SEED_LIKE], 'republished = "index"\n')
    doc = page(public, SEED_PAGE)
    assert canonical(doc) == BASE + "articles/putin-arrives-in-north-korea/"
    assert robots(doc) == ""
    assert "isBasedOn" in jsonld(doc)
    assert news_locs(public) == [BASE + "articles/putin-arrives-in-north-korea/"]


def _atom_entries(public: Path) -> list:
    parsed = feedparser.parse((public / "atom.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed.entries


def test_a_correction_updates_page_jsonld_and_feed_but_not_the_id(tmp_path: Path) -> None:
    root = tmp_path / "site"
    base = dataclasses.replace(SEED_LIKE, original=True)
    before = _atom_entries(site(root, [base], 'corrections_policy = "/corrections/"\n'))
    first = Correction(dt.datetime(2024, 6, 20, 9, 0, tzinfo=dt.UTC), "A name was misspelt.")
    second = Correction(
        dt.datetime(2024, 6, 21, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=3))), "Date fixed."
    )
    corrected = dataclasses.replace(base, corrections=(first, second))
    public = site(root, [corrected], 'corrections_policy = "/corrections/"\n')
    doc = page(public, SEED_PAGE)
    notice = doc.xpath('//section[@class="corrections"]/p')
    assert [p.text_content().split(": ", 1)[1] for p in notice] == [
        "Date fixed.",
        "A name was misspelt.",
    ]
    data = jsonld(doc)
    assert data["dateModified"] == second.date.isoformat()
    assert [c["text"] for c in data["correction"]] == ["Date fixed.", "A name was misspelt."]
    assert data["publisher"]["correctionsPolicy"] == BASE + "corrections/"
    published = doc.xpath('//p[@class="dates"]/span[@class="published"]')[0]
    updated = doc.xpath('//p[@class="dates"]/span[@class="updated"]')[0]
    assert published.text.strip() == "Published" and updated.text.strip() == "Updated"
    assert data["datePublished"].startswith(published.xpath("string(time/@datetime)"))
    assert updated.xpath("string(time/@datetime)") == data["dateModified"]
    after = _atom_entries(public)
    assert len(before) == len(after) == 1
    assert before[0].id == after[0].id == SEED_LIKE.id
    assert after[0].updated == "2024-06-21T08:00:00+03:00"
    assert after[0].updated != before[0].updated


def test_title_and_slug_change_keep_the_feed_id(tmp_path: Path) -> None:
    root = tmp_path / "site"
    before = _atom_entries(site(root, [SEED_LIKE]))
    (root / "content" / "articles" / f"{SEED_LIKE.slug}.md").unlink()
    renamed = dataclasses.replace(SEED_LIKE, title="A new headline", slug="a-new-slug")
    after = _atom_entries(site(root, [renamed]))
    assert [e.id for e in before] == [e.id for e in after] == [SEED_LIKE.id]
    assert after[0].link == BASE + "articles/a-new-slug/"


def test_news_sitemap_window_counts_from_the_newest_article(tmp_path: Path) -> None:
    newest = dt.datetime(2024, 6, 19, 12, 0, tzinfo=dt.UTC)
    ages = {
        "now": dt.timedelta(0),
        "edge": dt.timedelta(days=2),
        "old": dt.timedelta(days=2, hours=1),
    }
    articles = [
        dataclasses.replace(
            ORIGINAL, id=f"tag:example.org,2024:{name}", slug=name, title=name, date=newest - age
        )
        for name, age in ages.items()
    ]
    public = site(tmp_path, articles)
    root = ET.parse(public / "news-sitemap.xml").getroot()
    assert root.tag == f"{SM}urlset"
    locs = [loc.text for loc in root.iter(f"{SM}loc")]
    assert locs == [BASE + "articles/now/", BASE + "articles/edge/"]
    dates = [e.text for e in root.iter(f"{NEWS}publication_date")]
    assert dates == ["2024-06-19T12:00:00+00:00", "2024-06-17T12:00:00+00:00"]
    assert {e.text for e in root.iter(f"{NEWS}name")} == {"sitegen news"}
    assert {e.text for e in root.iter(f"{NEWS}language")} == {"en"}


def test_news_sitemap_splits_above_one_thousand(tmp_path: Path) -> None:
    when = dt.datetime(2024, 6, 19, 12, 0, tzinfo=dt.UTC)
    articles = [
        Article(
            id=f"tag:example.org,2024:bulk-{n}",
            title=f"B{n}",
            slug=f"b-{n}",
            body="x",
            date=when - dt.timedelta(minutes=n),
            original=True,
        )
        for n in range(NEWS_LIMIT + 1)
    ]
    public = site(tmp_path, articles, "per_page = 1000\nfeed_entries = 1\n")
    index = ET.parse(public / "news-sitemap.xml").getroot()
    assert index.tag == f"{SM}sitemapindex"
    parts = [loc.text or "" for loc in index.iter(f"{SM}loc")]
    assert parts == [BASE + "news-sitemap-1.xml", BASE + "news-sitemap-2.xml"]
    counts = [len(ET.parse(public / p.removeprefix(BASE)).getroot()) for p in parts]
    assert counts == [NEWS_LIMIT, 1]


class _AnyDatetime(type):
    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, dt.datetime)


class _OtherDay(dt.datetime, metaclass=_AnyDatetime):
    """A clock stuck on another day, to prove no output depends on the build's time."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        return dt.datetime(2031, 3, 4, 5, 6, 7, tzinfo=tz or dt.UTC)


def test_feeds_and_sitemaps_are_identical_on_another_day(tmp_path: Path, monkeypatch) -> None:
    articles = [SEED_LIKE, NO_PUBLISHER, ORIGINAL]
    first = snapshot(site(tmp_path / "a", articles))
    monkeypatch.setattr(feedgen.feed, "datetime", _OtherDay)
    monkeypatch.setattr(feedgen.entry, "datetime", _OtherDay)
    second = snapshot(site(tmp_path / "b", articles))
    machine = [p for p in first if p.endswith((".xml", ".txt"))]
    assert {"atom.xml", "rss.xml", "sitemap.xml", "news-sitemap.xml", "robots.txt"} <= set(machine)
    assert {p: first[p] for p in machine} == {p: second[p] for p in machine}
    assert b"2031" not in b"".join(second[p] for p in machine)


def test_import_with_url_links_the_original_end_to_end(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    seed = sorted(SEEDS.glob("003_*.txt"))[0]
    url = "https://novayagazeta.eu/articles/2024/06/19/putin"
    run = subprocess.run(
        [sys.executable, "-m", "sitegen", "import", "--root", str(root), "--url", url, str(seed)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    [markdown] = (root / "content" / "articles").glob("*.md")
    assert f"url: {url}" in markdown.read_text(encoding="utf-8")
    result = build(Project(root))
    assert result.ok, [str(e) for e in result.errors]
    doc = page(result.output, f"articles/{markdown.stem}/index.html")
    line = doc.xpath('//p[@class="republished"]')[0]
    assert line.text_content() == "Originally published by Novaya Gazeta Europe"
    assert line.xpath("a/@href") == [url]
    assert jsonld(doc)["isBasedOn"]["url"] == url
    assert robots(doc) == "noindex"


def test_seed_without_publisher_says_its_source_is_not_identified(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    seed = sorted(SEEDS.glob("000_*.txt"))[0]
    run = subprocess.run(
        [sys.executable, "-m", "sitegen", "import", "--root", str(root), str(seed)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    [markdown] = (root / "content" / "articles").glob("*.md")
    result = build(Project(root))
    assert result.ok, [str(e) for e in result.errors]
    doc = page(result.output, f"articles/{markdown.stem}/index.html")
    assert doc.xpath('string(//p[@class="republished"])') == "Source not identified"
    assert robots(doc) == "noindex"


def test_every_rss_feed_follows_rss_2_rules(default_site: Path) -> None:
    feeds = sorted(default_site.rglob("rss.xml"))
    assert len(feeds) >= 3
    for path in feeds:
        channel = ET.parse(path).getroot().find("channel")
        assert channel is not None, path
        for name in ("title", "link", "description"):
            assert (channel.findtext(name) or "").strip(), (path, name)
        for item in channel.findall("item"):
            assert item.findtext("title") and item.findtext("description"), path
            guid = item.find("guid")
            assert guid is not None and guid.get("isPermaLink") == "false", path
            assert email.utils.parsedate_to_datetime(item.findtext("pubDate") or "").tzinfo, path
            # RSS <author> is an e-mail address; names belong in dc:creator.
            assert item.find("author") is None, path
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))


def test_sitemap_lastmod_follows_the_latest_correction(tmp_path: Path) -> None:
    fix = Correction(dt.datetime(2024, 6, 22, 7, 0, tzinfo=dt.UTC), "Fixed.")
    own = dataclasses.replace(ORIGINAL, updated=dt.date(2024, 6, 20), corrections=(fix,))
    public = site(tmp_path, [own])
    root = ET.parse(public / "sitemap.xml").getroot()
    lastmods = {
        url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url")
    }
    assert lastmods[BASE + "articles/our-own/"] == "2024-06-22T07:00:00+00:00"

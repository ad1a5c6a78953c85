"""Newsroom publishing: last-modified moments, corrections in JSON-LD, the news sitemap, feeds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET

import feedparser

from sitegen.model import Correction, When
from sitegen.render.feeds import EPOCH, FeedItem, FeedSpec, fallback_moment, render_feeds
from sitegen.render.jsonld import news_article
from sitegen.render.newsroom import (
    NEWS_LIMIT,
    NEWS_NS,
    SITEMAP_NS,
    NewsEntry,
    corrections_newest_first,
    last_modified,
    news_sitemap_problems,
    news_sitemaps,
    recent,
)
from sitegen.render.sitemap import robots_txt
from tests.sitegen_testkit import SEED_LIKE, article, feed_spec

UTC = dt.UTC
NEWS = f"{{{NEWS_NS}}}"
SM = f"{{{SITEMAP_NS}}}"


def moment(when: When) -> dt.datetime:
    if isinstance(when, dt.datetime):
        return when
    return dt.datetime(when.year, when.month, when.day, tzinfo=UTC)


FIRST = Correction(dt.datetime(2024, 6, 20, 9, 0, tzinfo=UTC), "First fix.")
SECOND = Correction(dt.datetime(2024, 6, 21, 9, 0, tzinfo=UTC), "Second fix.")


def test_last_modified_is_the_latest_of_updated_and_corrections() -> None:
    assert last_modified(SEED_LIKE, moment) is None
    assert last_modified(dataclasses.replace(SEED_LIKE, updated=dt.date(2024, 6, 22)), moment) == (
        dt.date(2024, 6, 22)
    )
    corrected = dataclasses.replace(
        SEED_LIKE, updated=dt.date(2024, 6, 20), corrections=(SECOND, FIRST)
    )
    assert last_modified(corrected, moment) == SECOND.date


def test_corrections_are_listed_newest_first() -> None:
    corrected = dataclasses.replace(SEED_LIKE, corrections=(FIRST, SECOND))
    assert corrections_newest_first(corrected) == (SECOND, FIRST)


def _jsonld(policy: str = "", **changes: object) -> dict:
    return news_article(
        dataclasses.replace(SEED_LIKE, **changes),
        original_url="https://example.net/003",
        image_urls=(None,),
        url="https://example.org/articles/x/",
        site_name="Wire",
        site_url="https://example.org/",
        language="en",
        published="2024-06-19T00:00:00+00:00",
        modified=None,
        description=None,
        corrections_policy=policy,
    )


def test_jsonld_carries_corrections_newest_first_and_the_policy() -> None:
    data = _jsonld("https://example.org/corrections/", corrections=(FIRST, SECOND))
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "Second fix.",
            "datePublished": SECOND.date.isoformat(),
        },
        {
            "@type": "CorrectionComment",
            "text": "First fix.",
            "datePublished": FIRST.date.isoformat(),
        },
    ]
    assert data["publisher"]["correctionsPolicy"] == "https://example.org/corrections/"


def test_jsonld_without_corrections_or_policy_states_neither() -> None:
    data = _jsonld()
    assert "correction" not in data and "correctionsPolicy" not in data["publisher"]


def test_original_articles_are_not_based_on_anything() -> None:
    assert "isBasedOn" in _jsonld()
    assert "isBasedOn" not in _jsonld(original=True)


def _entry(n: int, published: dt.datetime) -> NewsEntry:
    return NewsEntry(f"https://example.org/articles/a-{n}/", f"Title {n} & <co>", "en", published)


def test_recent_keeps_two_days_back_from_the_newest_article() -> None:
    newest = dt.datetime(2024, 6, 19, 12, 0, tzinfo=UTC)
    entries = [
        _entry(1, newest),
        _entry(2, newest - dt.timedelta(days=2)),
        _entry(3, newest - dt.timedelta(days=2, seconds=1)),
    ]
    assert [e.url[-4:] for e in recent(entries, newest)] == ["a-1/", "a-2/"]
    assert recent(entries, None) == []


def test_news_sitemap_has_the_required_elements() -> None:
    when = dt.datetime(2024, 6, 19, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    [(path, text)] = news_sitemaps([_entry(1, when)], "Wire & Co", "https://example.org/")
    assert path == "news-sitemap.xml"
    root = ET.fromstring(text)
    assert root.tag == f"{SM}urlset" and news_sitemap_problems(root) == []
    news = root.find(f"{SM}url/{NEWS}news")
    assert news is not None
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Wire & Co"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}publication_date") == "2024-06-19T12:00:00+03:00"
    assert news.findtext(f"{NEWS}title") == "Title 1 & <co>"


def test_news_sitemap_splits_above_the_limit_under_an_index() -> None:
    when = dt.datetime(2024, 6, 19, tzinfo=UTC)
    entries = [_entry(n, when) for n in range(NEWS_LIMIT + 1)]
    files = dict(news_sitemaps(entries, "Wire", "https://example.org/"))
    assert sorted(files) == ["news-sitemap-1.xml", "news-sitemap-2.xml", "news-sitemap.xml"]
    index = ET.fromstring(files["news-sitemap.xml"])
    assert index.tag == f"{SM}sitemapindex"
    assert [loc.text for loc in index.iter(f"{SM}loc")] == [
        "https://example.org/news-sitemap-1.xml",
        "https://example.org/news-sitemap-2.xml",
    ]
    counts = [len(ET.fromstring(files[f"news-sitemap-{n}.xml"])) for n in (1, 2)]
    assert counts == [NEWS_LIMIT, 1]


def test_news_sitemap_problems_are_named() -> None:
    root = ET.fromstring(news_sitemaps([_entry(1, EPOCH)], "Wire", "https://x/")[0][1])
    news = root.find(f"{SM}url/{NEWS}news")
    assert news is not None
    news.remove(news.find(f"{NEWS}title"))  # type: ignore[arg-type]
    news.find(f"{NEWS}publication_date").text = "19 June 2024"  # type: ignore[union-attr]
    assert news_sitemap_problems(root) == [
        "url 1: <news:publication_date> '19 June 2024' is not a W3C date",
        "url 1: no <news:title>",
    ]
    too_many = ET.fromstring(
        news_sitemaps([_entry(1, EPOCH)] * (NEWS_LIMIT + 1), "W", "https://x/")[1][1]
    )
    too_many.append(too_many[0])
    assert news_sitemap_problems(too_many)[0].startswith(f"{NEWS_LIMIT + 1} URLs")


def test_robots_txt_lists_both_sitemaps() -> None:
    text = robots_txt("https://x/sitemap.xml", "https://x/news-sitemap.xml")
    assert text.splitlines()[-2:] == [
        "Sitemap: https://x/sitemap.xml",
        "Sitemap: https://x/news-sitemap.xml",
    ]


def test_fallback_moment_honours_source_date_epoch() -> None:
    assert fallback_moment({}) == EPOCH
    assert fallback_moment({"SOURCE_DATE_EPOCH": "junk"}) == EPOCH
    assert fallback_moment({"SOURCE_DATE_EPOCH": "1718755200"}) == dt.datetime(
        2024, 6, 19, tzinfo=UTC
    )


def _spec(*items: FeedItem) -> FeedSpec:
    return feed_spec(*items, name="Wire", subtitle="News")


def _item(n: int, **changes: object) -> FeedItem:
    a = article(n, authors=("Ann Lee",), **changes)
    when = dt.datetime.combine(a.date, dt.time(), tzinfo=UTC)  # type: ignore[arg-type]
    url = f"https://example.org/articles/article-{n}/"
    return FeedItem(a, url, "<p>Body</p>", when, when, summary=f"Summary {n}")


def test_empty_feed_updated_uses_source_date_epoch(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1718755200")
    atom, rss = render_feeds(_spec())
    assert b"<updated>2024-06-19T00:00:00+00:00</updated>" in atom
    assert b"<lastBuildDate>Wed, 19 Jun 2024 00:00:00 +0000</lastBuildDate>" in rss


def test_rss_names_in_dc_creator_summary_escaped_full_content_newest_first() -> None:
    hostile = _item(3, standfirst=None)
    items = (
        dataclasses.replace(hostile, summary="<script>alert(1)</script> & more"),
        _item(2, standfirst="Plain dek"),
        _item(1),
    )
    atom, rss = render_feeds(_spec(*items))
    channel = ET.fromstring(rss).find("channel")
    assert channel is not None
    entries = channel.findall("item")
    assert [e.findtext("guid") for e in entries] == [i.article.id for i in items]
    assert all(e.find("author") is None for e in entries)
    creators = [e.findtext("{http://purl.org/dc/elements/1.1/}creator") for e in entries]
    assert creators == ["Ann Lee"] * 3
    # The plain-text summary arrives as escaped HTML: readers show the text, run nothing.
    assert entries[0].findtext("description") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"
    assert entries[1].findtext("description") == "Plain dek"
    content = "{http://purl.org/rss/1.0/modules/content/}encoded"
    assert all(e.findtext(content) == "<p>Body</p>" for e in entries)
    for document in (atom, rss):
        parsed = feedparser.parse(document)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert [e.id for e in parsed.entries] == [i.article.id for i in items]
    parsed_atom = feedparser.parse(atom)
    assert parsed_atom.entries[0].summary == "<script>alert(1)</script> & more"
    assert parsed_atom.entries[0].content[0].value == "<p>Body</p>"

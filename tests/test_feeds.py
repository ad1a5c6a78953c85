"""Atom and RSS feeds: ids, RFC 3339 dates, authors, attribution, determinism."""

from __future__ import annotations

import dataclasses
import datetime as dt

import feedparser
from lxml import etree

from sitegen.render.feeds import EPOCH, Category, FeedItem, FeedSpec, render_feeds
from tests.sitegen_testkit import NO_PUBLISHER, SEED_LIKE, article, feed_spec

ATOM = "{http://www.w3.org/2005/Atom}"
UTC = dt.UTC


def _item(a, when, *, updated=None, original=None):
    return FeedItem(
        article=a,
        url=f"https://example.org/articles/{a.slug}/",
        content=f"<p>{a.title}</p>",
        published=when,
        updated=updated or when,
        original_url=original,
        categories=tuple(Category(s, "https://example.org/sections/", s) for s in a.sections),
    )


def _spec(*items: FeedItem) -> FeedSpec:
    return feed_spec(*items, name="Site", subtitle="All the news")


def _feeds():
    first = _item(SEED_LIKE, dt.datetime(2024, 6, 19, tzinfo=UTC), original="https://x.example/1")
    second = _item(
        NO_PUBLISHER,
        dt.datetime(2024, 6, 18, tzinfo=UTC),
        updated=dt.datetime(2024, 6, 20, 8, 30, tzinfo=UTC),
    )
    authored = _item(
        dataclasses.replace(article(1), authors=("Ann Lee",)), dt.datetime(2024, 1, 2, tzinfo=UTC)
    )
    return render_feeds(_spec(first, second, authored))


def test_atom_parses_cleanly_with_ids_dates_and_authors():
    atom, _ = _feeds()
    parsed = feedparser.parse(atom)
    assert not parsed.bozo and parsed.version == "atom10"
    assert parsed.feed.title == "Site"
    assert [e.id for e in parsed.entries] == [
        SEED_LIKE.id,
        NO_PUBLISHER.id,
        "tag:example.org,2024:n1",
    ]
    seed, no_pub, authored = parsed.entries
    assert seed.author == "Novaya Gazeta Europe"  # no authors: the publisher
    assert authored.author == "Ann Lee"
    assert no_pub.get("author") in (None, "Site")  # neither: the feed-level author applies
    assert parsed.feed.author == "Site"
    assert no_pub.summary == NO_PUBLISHER.standfirst
    assert [t.term for t in seed.tags] == ["News", "Politics"]
    assert no_pub.published == "2024-06-18T00:00:00+00:00"
    assert no_pub.updated == "2024-06-20T08:30:00+00:00"
    # The feed is as new as its newest entry, not the build clock.
    assert parsed.feed.updated == "2024-06-20T08:30:00+00:00"


def test_atom_carries_alternate_via_and_source():
    atom, _ = _feeds()
    root = etree.fromstring(atom)
    entry = root.find(f"{ATOM}entry")
    links = {(link.get("rel"), link.get("href")) for link in entry.findall(f"{ATOM}link")}
    assert links == {
        ("alternate", "https://example.org/articles/putin-arrives-in-north-korea/"),
        ("via", "https://x.example/1"),
    }
    assert entry.find(f"{ATOM}summary") is None  # no standfirst, no summary
    assert entry.find(f"{ATOM}content").get("type") == "html"
    source = entry.find(f"{ATOM}source")
    assert source.findtext(f"{ATOM}title") == "Novaya Gazeta Europe"
    assert source.find(f"{ATOM}link").get("href") == "https://x.example/1"
    self_link = [lnk for lnk in root.findall(f"{ATOM}link") if lnk.get("rel") == "self"]
    assert self_link[0].get("href") == "https://example.org/atom.xml"
    # An entry whose publisher is unknown gets no <source> and no via link.
    second = root.findall(f"{ATOM}entry")[1]
    assert second.find(f"{ATOM}source") is None
    assert [lnk.get("rel") for lnk in second.findall(f"{ATOM}link")] == ["alternate"]


def test_every_atom_date_is_rfc3339_with_a_zone():
    atom, _ = _feeds()
    root = etree.fromstring(atom)
    dates = [el.text for el in root.iter(f"{ATOM}updated", f"{ATOM}published")]
    assert dates and all(
        d.endswith("+00:00") and "T" in d and dt.datetime.fromisoformat(d).tzinfo for d in dates
    )


def test_rss_has_guids_sources_and_its_own_self_link():
    _, rss = _feeds()
    parsed = feedparser.parse(rss)
    assert not parsed.bozo and parsed.version == "rss20"
    assert parsed.feed.link == "https://example.org/"
    first = parsed.entries[0]
    assert first.id == SEED_LIKE.id and first.guidislink is False
    assert first.source == {"href": "https://x.example/1", "title": "Novaya Gazeta Europe"}
    root = etree.fromstring(rss)
    self_link = root.find("channel/{http://www.w3.org/2005/Atom}link")
    assert self_link.get("href") == "https://example.org/rss.xml"
    creators = root.findall("channel/item/{http://purl.org/dc/elements/1.1/}creator")
    assert [c.text for c in creators] == ["Novaya Gazeta Europe", "Ann Lee"]
    assert root.findtext("channel/item/pubDate") == "Wed, 19 Jun 2024 00:00:00 +0000"


def test_feeds_are_deterministic_and_an_empty_feed_uses_a_fixed_date():
    assert _feeds() == _feeds()
    atom, rss = render_feeds(_spec())
    assert feedparser.parse(atom).feed.updated == EPOCH.isoformat()
    assert not feedparser.parse(rss).bozo

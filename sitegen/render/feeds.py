"""Atom 1.0 and RSS 2.0 feeds with feedgen, carrying each article's attribution.

Output depends only on the content: the feed's `updated` is its newest entry's, never the clock.
feedgen ties its Atom `source` to an RSS source URL, so attribution is written by a small feedgen
extension instead: an Atom `<source>` naming the publisher (with the original link when known) and
an RSS `<source url>` when the original URL is known (RSS requires one).
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Mapping
from dataclasses import dataclass

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from sitegen.model import Article

# A feed with no dated entries still needs an `updated`; a fixed moment keeps builds identical.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def fallback_moment(environ: Mapping[str, str]) -> dt.datetime:
    """`SOURCE_DATE_EPOCH` when set to whole seconds (reproducible builds), else the Unix epoch."""
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value.isdigit():
        return EPOCH
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


@dataclass(frozen=True, slots=True)
class Category:
    term: str
    scheme: str
    label: str


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One article as a feed entry; every URL is absolute, `content` is sanitised HTML."""

    article: Article
    url: str
    content: str
    published: dt.datetime
    updated: dt.datetime
    original_url: str | None = None
    categories: tuple[Category, ...] = ()
    summary: str | None = None  # plain text; the standfirst when there is one


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed (site, section, tag or publisher) and its entries, newest first."""

    title: str
    subtitle: str
    page_url: str
    atom_url: str
    rss_url: str
    language: str
    author: str
    items: tuple[FeedItem, ...]

    @property
    def updated(self) -> dt.datetime:
        return max((item.updated for item in self.items), default=fallback_moment(os.environ))


class _Attribution(BaseExtension):
    """Feed-level half of the extension (feedgen requires one); it adds nothing."""


class _EntryAttribution(BaseEntryExtension):
    def __init__(self) -> None:
        self.publisher: str | None = None
        self.url: str | None = None
        self.summary: str | None = None  # plain text

    def extend_atom(self, entry):  # type: ignore[no-untyped-def] - feedgen's lxml element
        # feedgen 1.0 drops `rel` and `type` from entry links; say what our one link is.
        for link in entry.findall("link"):
            link.set("rel", "alternate")
            link.set("type", "text/html")
        if self.url:
            xml_elem("link", entry, rel="via", href=self.url)
        if self.publisher:
            # Elements stay un-namespaced like feedgen's own: the root's default xmlns is Atom.
            source = xml_elem("source", entry)
            xml_elem("title", source).text = self.publisher
            if self.url:
                xml_elem("link", source, rel="alternate", href=self.url)
        return entry

    def extend_rss(self, entry):  # type: ignore[no-untyped-def] - feedgen's lxml element
        description = entry.find("description")
        if self.summary and description is not None:
            # Readers treat an RSS description as HTML, so the plain-text summary goes in escaped.
            description.text = html.escape(self.summary, quote=False)
        if self.publisher and self.url:
            xml_elem("source", entry, url=self.url).text = self.publisher
        return entry


def _generator(spec: FeedSpec, self_url: str, media_type: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.register_extension("attribution", _Attribution, _EntryAttribution, atom=True, rss=True)
    fg.id(spec.atom_url)
    fg.title(spec.title)
    rss = media_type == "application/rss+xml"
    # Readers treat an RSS channel description as HTML: the plain-text subtitle goes in escaped.
    fg.subtitle(html.escape(spec.subtitle, quote=False) if rss else spec.subtitle)
    # feedgen's RSS channel link is the last link added: the page, not the feed itself.
    fg.link(href=self_url, rel="self", type=media_type)
    fg.link(href=spec.page_url, rel="alternate", type="text/html")
    fg.language(spec.language)
    # Atom needs an author on the feed or on every entry; the site stands in for unknown ones.
    fg.author(name=spec.author)
    fg.generator("sitegen")
    fg.updated(spec.updated)
    for item in spec.items:
        _add_entry(fg, item)
    return fg


def _add_entry(fg: FeedGenerator, item: FeedItem) -> None:
    article = item.article
    fe = fg.add_entry(order="append")
    fe.id(article.id)
    fe.title(article.title)
    fe.published(item.published)
    fe.updated(item.updated)
    fe.link(href=item.url, rel="alternate", type="text/html")
    names = article.authors or ((article.publisher,) if article.publisher else ())
    for name in names:
        fe.author(name=name)
    if names:
        fe.dc.dc_creator(list(names))
    for category in item.categories:
        fe.category(term=category.term, scheme=category.scheme, label=category.label)
    summary = article.standfirst or item.summary
    if summary:
        # Both formats carry a summary and the full content (RSS: description + content:encoded).
        fe.summary(summary)
        fe.attribution.summary = summary
    fe.content(item.content, type="html")
    fe.attribution.publisher = article.publisher
    fe.attribution.url = item.original_url


def render_feeds(spec: FeedSpec) -> tuple[bytes, bytes]:
    """The Atom and the RSS document for one feed, each with its own `rel="self"` link."""
    atom = _generator(spec, spec.atom_url, "application/atom+xml")
    rss = _generator(spec, spec.rss_url, "application/rss+xml")
    return atom.atom_str(pretty=True, encoding="UTF-8"), rss.rss_str(pretty=True, encoding="UTF-8")

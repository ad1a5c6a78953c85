"""What a newsroom publishes beside its pages: the last-modified moment and the Google News sitemap.

The news sitemap lists only recent articles, counted back from the newest article's publication
moment (never the build clock, so two builds of the same content are byte-identical), at most
1,000 per file; more are split into numbered files under a sitemap index.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from sitegen.model import Article, Correction, When
from sitegen.render.sitemap import SITEMAP_NS, sitemap_index

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NEWS_SITEMAP = "news-sitemap.xml"
NEWS_WINDOW = dt.timedelta(days=2)
NEWS_LIMIT = 1000

Moment = Callable[[When], dt.datetime]


def last_modified(article: Article, moment: Moment) -> When | None:
    """The latest of the article's `updated` date and its corrections' dates, as recorded."""
    candidates: list[When] = [c.date for c in article.corrections]
    if article.updated is not None:
        candidates.append(article.updated)
    if not candidates:
        return None
    return max(candidates, key=moment)


def corrections_newest_first(article: Article) -> tuple[Correction, ...]:
    """The article's corrections, newest first (ties keep their written order)."""
    return tuple(sorted(article.corrections, key=lambda c: c.date, reverse=True))


@dataclass(frozen=True, slots=True)
class NewsEntry:
    """One article as the news sitemap lists it (URL absolute, moment aware)."""

    url: str
    title: str
    language: str
    published: dt.datetime


def recent(entries: Sequence[NewsEntry], newest: dt.datetime | None) -> list[NewsEntry]:
    """Entries published within the news window before `newest`, newest first, then by URL."""
    if newest is None:
        return []
    kept = [e for e in entries if newest - NEWS_WINDOW <= e.published <= newest]
    return sorted(kept, key=lambda e: (-e.published.timestamp(), e.url))


def _urlset(entries: Sequence[NewsEntry], publication: str) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">',
    ]
    name = escape(publication)
    for entry in entries:
        lines += [
            "  <url>",
            f"    <loc>{escape(entry.url)}</loc>",
            "    <news:news>",
            "      <news:publication>",
            f"        <news:name>{name}</news:name>",
            f"        <news:language>{escape(entry.language)}</news:language>",
            "      </news:publication>",
            f"      <news:publication_date>{entry.published.isoformat()}</news:publication_date>",
            f"      <news:title>{escape(entry.title)}</news:title>",
            "    </news:news>",
            "  </url>",
        ]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def news_sitemaps(
    entries: Sequence[NewsEntry], publication: str, base_url: str
) -> list[tuple[str, str]]:
    """(path, XML) of `news-sitemap.xml`, and of `news-sitemap-N.xml` when there are too many."""
    if len(entries) <= NEWS_LIMIT:
        return [(NEWS_SITEMAP, _urlset(entries, publication))]
    chunks = [entries[i : i + NEWS_LIMIT] for i in range(0, len(entries), NEWS_LIMIT)]
    parts = [(f"news-sitemap-{n}.xml", _urlset(c, publication)) for n, c in enumerate(chunks, 1)]
    index = sitemap_index([base_url + path for path, _ in parts])
    return [(NEWS_SITEMAP, index), *parts]


_W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")


def _news_url_problems(url: ET.Element, number: int) -> list[str]:
    where = f"url {number}"
    news = url.find(f"{{{NEWS_NS}}}news")
    if news is None:
        return [f"{where}: no <news:news>"]
    problems = []
    publication = news.find(f"{{{NEWS_NS}}}publication")
    for name in ("name", "language"):
        text = "" if publication is None else publication.findtext(f"{{{NEWS_NS}}}{name}") or ""
        if not text.strip():
            problems.append(f"{where}: no <news:publication><news:{name}>")
    date = (news.findtext(f"{{{NEWS_NS}}}publication_date") or "").strip()
    if not _W3C_DATE.match(date):
        problems.append(f"{where}: <news:publication_date> '{date}' is not a W3C date")
    if not (news.findtext(f"{{{NEWS_NS}}}title") or "").strip():
        problems.append(f"{where}: no <news:title>")
    return problems


def news_sitemap_problems(root: ET.Element) -> list[str]:
    """What breaks Google's news sitemap rules in a parsed `urlset` (an index has none of these)."""
    if root.tag == f"{{{SITEMAP_NS}}}sitemapindex":
        return []
    if root.tag != f"{{{SITEMAP_NS}}}urlset":
        return [f"root is <{root.tag}>, not a sitemaps.org <urlset> or <sitemapindex>"]
    urls = root.findall(f"{{{SITEMAP_NS}}}url")
    problems = []
    if len(urls) > NEWS_LIMIT:
        problems.append(f"{len(urls)} URLs; a news sitemap holds at most {NEWS_LIMIT}")
    for number, url in enumerate(urls, start=1):
        if not (url.findtext(f"{{{SITEMAP_NS}}}loc") or "").strip():
            problems.append(f"url {number}: no <loc>")
        problems += _news_url_problems(url, number)
    return problems

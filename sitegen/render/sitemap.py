"""sitemap.xml and robots.txt."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str  # absolute
    lastmod: str | None = None  # W3C date-time or date


def sitemap_xml(entries: Iterable[SitemapEntry]) -> str:
    """A sitemaps.org urlset, in the order given."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for entry in entries:
        lines.append(f"  <url><loc>{escape(entry.url)}</loc>")
        if entry.lastmod:
            lines[-1] += f"<lastmod>{escape(entry.lastmod)}</lastmod>"
        lines[-1] += "</url>"
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(*sitemap_urls: str) -> str:
    """Allow everything and point crawlers at the sitemaps (the normal one first)."""
    lines = "".join(f"Sitemap: {url}\n" for url in sitemap_urls)
    return f"User-agent: *\nAllow: /\n\n{lines}"

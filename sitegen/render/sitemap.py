"""sitemap.xml and robots.txt.

The sitemaps protocol allows at most 50,000 URLs in one file: a larger site's `sitemap.xml` is an
index of numbered files (`sitemap-1.xml` …), each within the limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_PATH = "sitemap.xml"
URL_LIMIT = 50_000  # per file, by the sitemaps protocol


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    url: str  # absolute
    lastmod: str | None = None  # W3C date-time or date


def sitemap_xml(entries: Iterable[SitemapEntry]) -> str:
    """A sitemaps.org urlset, in the order given."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="{SITEMAP_NS}">',
    ]
    for entry in entries:
        lines.append(f"  <url><loc>{escape(entry.url)}</loc>")
        if entry.lastmod:
            lines[-1] += f"<lastmod>{escape(entry.lastmod)}</lastmod>"
        lines[-1] += "</url>"
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def sitemap_index(urls: Sequence[str]) -> str:
    """A sitemaps.org sitemapindex listing other sitemap files."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    lines += [f"  <sitemap><loc>{escape(url)}</loc></sitemap>" for url in urls]
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def sitemaps(
    entries: Sequence[SitemapEntry], base_url: str, limit: int = URL_LIMIT
) -> list[tuple[str, str]]:
    """(path, XML) of `sitemap.xml`: the urlset itself, or an index of `sitemap-N.xml` files
    of at most `limit` URLs each when there are more."""
    if len(entries) <= limit:
        return [(SITEMAP_PATH, sitemap_xml(entries))]
    chunks = [entries[i : i + limit] for i in range(0, len(entries), limit)]
    parts = [(f"sitemap-{n}.xml", sitemap_xml(chunk)) for n, chunk in enumerate(chunks, 1)]
    return [(SITEMAP_PATH, sitemap_index([base_url + path for path, _ in parts])), *parts]


def robots_txt(*sitemap_urls: str) -> str:
    """Allow everything and point crawlers at the sitemaps (the normal one first)."""
    lines = "".join(f"Sitemap: {url}\n" for url in sitemap_urls)
    return f"User-agent: *\nAllow: /\n\n{lines}"

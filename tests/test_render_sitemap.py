"""sitemap.xml: one urlset up to the protocol's 50,000 URLs, an index of numbered parts beyond."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sitegen.render.sitemap import SITEMAP_NS, URL_LIMIT, SitemapEntry, sitemaps

SM = f"{{{SITEMAP_NS}}}"
BASE = "https://example.org/"


def _entries(count: int) -> list[SitemapEntry]:
    return [SitemapEntry(f"{BASE}articles/a-{n}/", "2024-06-19") for n in range(count)]


def test_a_site_within_the_limit_has_one_urlset():
    [(path, text)] = sitemaps(_entries(3), BASE)
    root = ET.fromstring(text)
    assert path == "sitemap.xml" and root.tag == f"{SM}urlset"
    assert [u.findtext(f"{SM}lastmod") for u in root] == ["2024-06-19"] * 3


def test_the_protocol_limit_is_50000_urls_per_file():
    assert URL_LIMIT == 50_000
    [(path, _text)] = sitemaps(_entries(URL_LIMIT), BASE)
    assert path == "sitemap.xml"


def test_more_urls_are_split_into_parts_under_an_index_in_order():
    files = dict(sitemaps(_entries(5), BASE, limit=2))
    assert list(files) == ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]
    index = ET.fromstring(files["sitemap.xml"])
    assert index.tag == f"{SM}sitemapindex"
    assert [loc.text for loc in index.iter(f"{SM}loc")] == [
        f"{BASE}sitemap-{n}.xml" for n in (1, 2, 3)
    ]
    urls = [
        loc.text
        for n in (1, 2, 3)
        for loc in ET.fromstring(files[f"sitemap-{n}.xml"]).iter(f"{SM}loc")
    ]
    assert urls == [e.url for e in _entries(5)]
    assert [len(ET.fromstring(files[f"sitemap-{n}.xml"])) for n in (1, 2, 3)] == [2, 2, 1]

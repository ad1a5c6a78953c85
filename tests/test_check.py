"""`sitegen check` on a real built site: it passes, and each kind of break is named and fails."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.build import build_site
from sitegen.check import check_site, find_vnu
from sitegen.cli import cli
from sitegen.config import Project, load_settings
from sitegen.render.sitemap import SITEMAP_NS, SitemapEntry, sitemaps

REPO = Path(__file__).resolve().parent.parent
SM = f"{{{SITEMAP_NS}}}"
ARTICLE = "articles/putin-arrives-in-north-korea-on-first-state-visit-for-over-20-years/index.html"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's content built into a site whose articles are indexable (so in the sitemap)."""
    root = tmp_path_factory.mktemp("built") / "site"
    shutil.copytree(REPO / "content", root / "content")
    (root / "sitegen.toml").write_text('republished = "index"\n', encoding="utf-8")
    result = build_site(Project(root))
    assert result.published and result.ok, [str(e) for e in result.errors]
    return root


@pytest.fixture
def site(built_once: Path, tmp_path: Path) -> Path:
    """A fresh copy of the built site that a test may break."""
    root = tmp_path / "site"
    shutil.copytree(built_once, root)
    return root


def run_check(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", "--root", str(root), *args])
    return result.exit_code, result.output


def test_built_site_passes(site: Path) -> None:
    code, output = run_check(site)
    assert code == 0, output
    assert "0 problem" not in output and "ok" in output


def test_sitemap_lists_articles_when_indexable(site: Path) -> None:
    sitemap = (site / "public" / "sitemap.xml").read_text(encoding="utf-8")
    assert "/articles/putin-arrives" in sitemap


def test_check_report_api(site: Path) -> None:
    settings = load_settings(site / "sitegen.toml")
    report = check_site(site / "public", settings)
    assert report.ok, [str(p) for p in report.problems]
    assert report.pages >= 8 and report.feeds >= 8


def break_and_check(site: Path, *args: str) -> str:
    code, output = run_check(site, *args)
    assert code == 1, output
    assert "Traceback" not in output
    return output


def test_deleted_linked_file(site: Path) -> None:
    css = next((site / "public" / "static").glob("style.*.css"))
    css.unlink()
    output = break_and_check(site)
    assert re.search(r"index\.html: broken link '/static/style\.[0-9a-f]+\.css'", output)


def test_deleted_article_page_breaks_links_and_sitemap(site: Path) -> None:
    (site / "public" / ARTICLE).unlink()
    output = break_and_check(site)
    assert "public/index.html: broken link '/articles/putin-arrives" in output
    assert "public/sitemap.xml: broken link 'https://example.org/articles/putin-arrives" in output


def test_corrupt_feed(site: Path) -> None:
    feed = site / "public" / "atom.xml"
    feed.write_bytes(feed.read_bytes()[:-40])
    output = break_and_check(site)
    assert "public/atom.xml: not well-formed XML" in output


def test_undefined_entity_in_rss(site: Path) -> None:
    feed = site / "public" / "rss.xml"
    text = feed.read_text(encoding="utf-8")
    feed.write_text(text.replace("<channel>", "<channel><bad>&nbsp;</bad>", 1), encoding="utf-8")
    output = break_and_check(site)
    assert "public/rss.xml: not well-formed XML" in output


def test_missing_title(site: Path) -> None:
    page = site / "public" / ARTICLE
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"<title>.*?</title>", "", text, count=1), encoding="utf-8")
    output = break_and_check(site)
    assert f"public/{ARTICLE}: no <title>" in output


def test_missing_lang(site: Path) -> None:
    page = site / "public" / "index.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('<html lang="en">', "<html>", 1), encoding="utf-8")
    output = break_and_check(site)
    assert "public/index.html: no lang attribute on <html>" in output


def test_missing_canonical(site: Path) -> None:
    page = site / "public" / "archive" / "index.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r'<link rel="canonical"[^>]*>', "", text), encoding="utf-8")
    output = break_and_check(site)
    assert 'public/archive/index.html: no <link rel="canonical">' in output


def test_external_url_in_sitemap(site: Path) -> None:
    sitemap = site / "public" / "sitemap.xml"
    text = sitemap.read_text(encoding="utf-8")
    extra = "<url><loc>https://elsewhere.example.com/page/</loc></url>\n</urlset>"
    sitemap.write_text(text.replace("</urlset>", extra), encoding="utf-8")
    output = break_and_check(site)
    assert (
        "public/sitemap.xml: lists 'https://elsewhere.example.com/page/', which is outside"
        in output
    )


def test_article_missing_from_sitemap(site: Path) -> None:
    sitemap = site / "public" / "sitemap.xml"
    text = sitemap.read_text(encoding="utf-8")
    text = re.sub(r"<url><loc>[^<]*/articles/putin-arrives[^<]*</loc>.*?</url>", "", text)
    sitemap.write_text(text, encoding="utf-8")
    output = break_and_check(site)
    assert f"public/sitemap.xml: does not list the article page {ARTICLE}" in output


def _split_sitemap(site: Path) -> Path:
    """The built sitemap rewritten as an index of two parts, as a site over 50,000 URLs has."""
    public = site / "public"
    settings = load_settings(site / "sitegen.toml")
    root = ET.parse(public / "sitemap.xml").getroot()
    entries = [SitemapEntry(loc.text or "") for loc in root.iter(f"{SM}loc")]
    files = sitemaps(entries, settings.base_url, limit=len(entries) - 1)
    assert [path for path, _text in files] == ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]
    for path, text in files:
        (public / path).write_text(text, encoding="utf-8")
    return public


def test_a_sitemap_index_and_its_parts_pass(site: Path) -> None:
    _split_sitemap(site)
    code, output = run_check(site)
    assert code == 0, output


def test_a_missing_sitemap_part_is_named(site: Path) -> None:
    public = _split_sitemap(site)
    part = public / "sitemap-1.xml"
    part.unlink()
    output = break_and_check(site)
    assert "public/sitemap.xml: broken link" in output and "sitemap-1.xml" in output
    assert "does not list the article page" in output


def test_a_sitemap_file_over_the_limit_is_named(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sitegen.check.URL_LIMIT", 2)
    output = break_and_check(site)
    assert "public/sitemap.xml: " in output and "a sitemap file holds at most 2" in output


def test_atom_date_without_zone(site: Path) -> None:
    feed = site / "public" / "atom.xml"
    text = feed.read_text(encoding="utf-8")
    text = re.sub(r"(<entry>.*?<updated>[^<]*?)\+00:00", r"\1", text, count=1, flags=re.S)
    feed.write_text(text, encoding="utf-8")
    output = break_and_check(site)
    assert re.search(
        r"public/atom\.xml: entry 1: <updated> '[^']+' is not an RFC 3339 date with a zone", output
    )


def test_atom_missing_self_and_entry_id(site: Path) -> None:
    feed = site / "public" / "sections" / "news" / "atom.xml"
    text = feed.read_text(encoding="utf-8")
    text, removed = re.subn(r'<link [^>]*rel="self"[^>]*/>', "", text)
    assert removed == 1  # the break really happened
    text = re.sub(r"(<entry>\s*)<id>[^<]*</id>", r"\1", text, count=1)
    feed.write_text(text, encoding="utf-8")
    output = break_and_check(site)
    assert 'sections/news/atom.xml: feed has no <link rel="self">' in output
    assert "sections/news/atom.xml: entry 1: no <id>" in output


def test_atom_missing_author(site: Path) -> None:
    feed = site / "public" / "atom.xml"
    text = feed.read_text(encoding="utf-8")
    feed.write_text(re.sub(r"<author>.*?</author>", "", text, flags=re.S), encoding="utf-8")
    output = break_and_check(site)
    assert "public/atom.xml: entry 1: no author (and the feed has none)" in output


def test_relative_url_in_feed_content(site: Path) -> None:
    feed = site / "public" / "atom.xml"
    text = feed.read_text(encoding="utf-8")
    text = text.replace("&lt;p dir=", '&lt;img src="/static/x.jpg"&gt;&lt;p dir=', 1)
    feed.write_text(text, encoding="utf-8")
    output = break_and_check(site)
    assert "public/atom.xml: entry 1: content link '/static/x.jpg' is not an absolute URL" in output


def test_link_outside_base_path(site: Path) -> None:
    (site / "sitegen.toml").write_text(
        'republished = "index"\nbase_url = "https://example.org/news/"\n', encoding="utf-8"
    )
    output = break_and_check(site)
    assert "points outside the site (base URL https://example.org/news/)" in output


def test_no_built_site(tmp_path: Path) -> None:
    code, output = run_check(tmp_path)
    assert code == 1
    assert output.strip().endswith("no built site here; run `sitegen build` first")
    assert "Traceback" not in output


def test_bad_settings_named(site: Path) -> None:
    (site / "sitegen.toml").write_text("per_page = 0\n", encoding="utf-8")
    code, output = run_check(site)
    assert code == 1
    assert "sitegen.toml: 'per_page' must be a whole number" in output


def test_strict_without_checker_says_so(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sitegen.check.VNU_PATHS", ())
    monkeypatch.setenv("VNU_JAR", str(site / "missing-vnu.jar"))
    assert find_vnu() is None
    code, output = run_check(site, "--strict")
    assert code == 0, output
    assert "the Nu HTML Checker is not available" in output


def test_built_option(site: Path, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere"
    shutil.copytree(site / "public", moved)
    (moved / "rss.xml").write_text("<rss>", encoding="utf-8")
    code, output = run_check(site, "--built", str(moved))
    assert code == 1
    assert "elsewhere/rss.xml: not well-formed XML" in output


def test_canonical_to_original_outlet_is_allowed(site: Path) -> None:
    page = site / "public" / ARTICLE
    text = page.read_text(encoding="utf-8")
    text = re.sub(
        r'<link rel="canonical" href="[^"]*">',
        '<link rel="canonical" href="https://outlet.example.net/original">',
        text,
    )
    page.write_text(text, encoding="utf-8")
    code, output = run_check(site)
    assert code == 0, output


def test_relative_canonical_is_named(site: Path) -> None:
    page = site / "public" / ARTICLE
    text = page.read_text(encoding="utf-8")
    text = re.sub(r'<link rel="canonical" href="[^"]*">', '<link rel="canonical" href="/">', text)
    page.write_text(text, encoding="utf-8")
    output = break_and_check(site)
    assert f"public/{ARTICLE}: canonical link '/' is not an absolute URL" in output

"""Stories end to end: the repository's two seeds become one story page with both sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import feedparser
import lxml.html
import pytest

from sitegen.build import build_site
from sitegen.config import Project
from tests.golden import assert_golden
from tests.sitegen_testkit import NO_PUBLISHER, SEED_LIKE

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden"
NOVAYA = "putin-arrives-in-north-korea-on-first-state-visit-for-over-20-years"
IRNA = "russian-president-vladimir-putin-arrives-in-north-korea-for-official-visit"


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory) -> Path:
    """The repository's content, built as a fresh clone would (`sitegen build`)."""
    root = tmp_path_factory.mktemp("repo-site")
    shutil.copytree(REPO / "content", root / "content")
    result = build_site(Project(root))
    assert result.ok, [str(e) for e in result.errors]
    return result.output


def _words(element) -> str:
    return " ".join(element.text_content().split())


def test_the_seed_story_page_shows_both_sources_side_by_side(repo_site):
    page = repo_site / "stories" / NOVAYA / "index.html"
    doc = lxml.html.parse(str(page)).getroot()
    assert doc.xpath("string(//h1)") == (
        "Putin arrives in North Korea on first state visit for over 20 years"
    )
    cards = doc.xpath('//li[@class="source-card"]')
    assert len(cards) == 2
    links = [card.xpath("string(.//h2/a/@href)") for card in cards]
    assert links == [f"/articles/{NOVAYA}/", f"/articles/{IRNA}/"]
    novaya, irna = (_words(card) for card in cards)
    assert "Novaya Gazeta Europe" in novaya and "TASS" in novaya and "Interfax" in novaya
    assert "EPA-EFE / GAVRIIL GRIGOROV / SPUTNIK / KREMLIN POOL" in novaya
    assert "publisher not identified" in irna and "IRNA" in irna and "Pyongyang" in irna
    assert "Details only in this source" in novaya and "Details only in this source" in irna
    assert "Jens Stoltenberg" in novaya and "Jens Stoltenberg" not in irna
    assert "Sergei Lavrov" in irna and "Sergei Lavrov" not in novaya
    assert doc.xpath("//time/@datetime")[0].startswith("2024-06-19")


def test_article_pages_link_the_other_source(repo_site):
    for slug, other in ((NOVAYA, IRNA), (IRNA, NOVAYA)):
        doc = lxml.html.parse(str(repo_site / "articles" / slug / "index.html")).getroot()
        (box,) = doc.xpath('//aside[@class="also-covered"]')
        assert "Also covered by" in _words(box)
        hrefs = box.xpath(".//a/@href")
        assert f"/articles/{other}/" in hrefs and f"/stories/{NOVAYA}/" in hrefs


def test_the_home_page_shows_the_story_once_with_its_sources(repo_site):
    doc = lxml.html.parse(str(repo_site / "index.html")).getroot()
    titles = doc.xpath('//h2[@class="teaser-title"]/a/text()')
    assert len(titles) == 1
    (sources,) = doc.xpath('//p[@class="teaser-sources"]')
    assert f"/stories/{NOVAYA}/" in sources.xpath(".//a/@href")
    assert "compare 2 sources" in _words(sources)


def test_the_story_feed_parses_and_carries_both_articles(repo_site):
    for name, version in (("atom.xml", "atom10"), ("rss.xml", "rss20")):
        parsed = feedparser.parse((repo_site / "stories" / NOVAYA / name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == version
        assert len(parsed.entries) == 2
    doc = lxml.html.parse(str(repo_site / "stories" / NOVAYA / "index.html")).getroot()
    feeds = doc.xpath('//link[@rel="alternate"]/@href')
    assert f"/stories/{NOVAYA}/atom.xml" in feeds


def test_golden_story_page(public):
    """The story page of the fixed seed-like pair; SITEGEN_UPDATE_GOLDEN=1 rewrites it."""
    assert NO_PUBLISHER.date < SEED_LIKE.date  # the earliest article names the story
    page = public / "stories" / NO_PUBLISHER.slug / "index.html"
    assert_golden("story-seed-like.html", page.read_bytes())


def test_story_none_in_front_matter_takes_effect_on_the_next_build(tmp_path):
    """An edit that ends a story removes its page and the boxes, rebuild after rebuild."""
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    project = Project(root)
    assert build_site(project).ok
    assert (root / "public" / "stories" / NOVAYA / "index.html").is_file()
    markdown = root / "content" / "articles" / f"{IRNA}.md"
    text = markdown.read_text(encoding="utf-8")
    markdown.write_text(text.replace("\n---\n", "\nstory: none\n---\n", 1), encoding="utf-8")
    result = build_site(project, import_seeds=False)
    assert result.ok, [str(e) for e in result.errors]
    assert not (root / "public" / "stories").exists()
    page = (root / "public" / "articles" / NOVAYA / "index.html").read_text(encoding="utf-8")
    assert "Also covered by" not in page
    home = lxml.html.parse(str(root / "public" / "index.html")).getroot()
    assert len(home.xpath('//h2[@class="teaser-title"]')) == 2

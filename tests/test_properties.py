"""Property-based tests (hypothesis) of the importer and the builder.

For arbitrary text the importer raises nothing but `RefusedInput`; what it extracts survives the
Markdown round trip unchanged; slugs are always safe; a site of generated articles builds into
well-formed HTML and feeds that are well-formed XML and that `feedparser` reads without bozo.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import lxml.html
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sitegen.build import build_site
from sitegen.config import Project
from sitegen.content import dump_article, load_article
from sitegen.errors import RefusedInput
from sitegen.importer import to_article
from sitegen.ingest import Extractor, load_knowledge
from sitegen.ingest.decode import decode
from sitegen.model import Article, Dateline, Photo, Source
from sitegen.slugs import MAX_SLUG_LENGTH, make_slug

EXTRACTOR = Extractor(load_knowledge())
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies ---------------------------------------------------------------------------------

# Any Unicode scalar value except surrogates: controls, format characters, private use, all of it.
ANY_CHAR = st.characters(blacklist_categories=("Cs",))
MARKUP = "<>*_[]#{}&\"'`!()|\\/-=:;%"
MARKUP_CHAR = st.sampled_from(MARKUP)
WORDY_CHAR = st.sampled_from("abcdefghij klmnop ÄÖü ß Каменск بوتين 日本 😀 \t\u00a0\u202e\x1b\x00")

_line = st.one_of(
    st.text(ANY_CHAR, max_size=60),
    st.text(st.one_of(MARKUP_CHAR, WORDY_CHAR), max_size=80),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "</script><!--",
            "{{ 7*7 }} {% if x %}",
            "---",
            "title: hacked",
            "By Ann Lee and Bo Kim",
            "March 3, 2025",
            "Photo: EPA-EFE / SOMEONE",
            "MOSCOW, June 19 (Reuters) - Officials said on Tuesday.",
            "[x](javascript:alert(1)) ![y](data:text/html,hi)",
            "* item",
            "# heading",
            "> quote",
            "    indented code",
            "",
        ]
    ),
    # Very long lines: one word repeated, and one unbroken run.
    st.integers(500, 6000).map(lambda n: "word " * (n // 5)),
    st.integers(500, 6000).map(lambda n: "x" * n),
)
ARTICLE_TEXT = st.lists(_line, min_size=0, max_size=14).map("\n".join)
# Texts shaped like a short article, so that more of them get past the refusals.
ARTICLE_LIKE = st.tuples(
    st.text(st.one_of(WORDY_CHAR, MARKUP_CHAR, ANY_CHAR), min_size=1, max_size=90),
    st.lists(_line, min_size=0, max_size=3),
    st.lists(
        st.text(st.one_of(WORDY_CHAR, MARKUP_CHAR, ANY_CHAR), min_size=20, max_size=300),
        min_size=1,
        max_size=5,
    ),
).map(lambda t: "\n".join([t[0], *t[1], *t[2]]))


def _extract_or_none(text: str):
    try:
        return EXTRACTOR.extract(text, "prop.txt")
    except RefusedInput:
        return None


# --- importer -----------------------------------------------------------------------------------


@FAST
@given(st.one_of(ARTICLE_TEXT, ARTICLE_LIKE, st.text(ANY_CHAR, max_size=400)))
def test_extract_returns_or_refuses(text: str) -> None:
    # Anything other than RefusedInput propagates and fails the test.
    _extract_or_none(text)


@FAST
@given(
    st.one_of(
        st.binary(max_size=3000),
        st.text(ANY_CHAR, max_size=500).map(lambda s: s.encode("utf-8")),
        st.text(ANY_CHAR, max_size=300).map(lambda s: s.encode("utf-16")),
        st.text(max_size=300).map(lambda s: s.encode("cp1251", errors="ignore")),
        st.text(max_size=300).map(lambda s: s.encode("latin-1", errors="ignore")),
    )
)
def test_decode_returns_text_or_refuses(raw: bytes) -> None:
    try:
        result = decode(raw, Path("prop.txt"))
    except RefusedInput:
        return
    text, encoding = result
    assert isinstance(text, str) and isinstance(encoding, str)


SOURCES = st.builds(
    Source,
    file=st.one_of(st.none(), st.text(ANY_CHAR, min_size=1, max_size=40)),
    sha256=st.one_of(st.none(), st.text("0123456789abcdef", min_size=64, max_size=64)),
    fingerprint=st.one_of(st.none(), st.text("0123456789abcdef", min_size=32, max_size=32)),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1251", None]),
    url=st.one_of(st.none(), st.just("https://example.org/a?b=1&c=<2>")),
)


def _imported(text: str, source: Source) -> tuple[Article, str]:
    """The Article an import makes of `text`, and its Markdown file (examples that do not
    extract are discarded)."""
    extraction = _extract_or_none(text)
    assume(extraction is not None)
    slug = make_slug(extraction.title, prefix="article", digest="0123456789abcdef")
    article = to_article(
        extraction, article_id="tag:example.org,2025-01-01:article:abc", slug=slug, source=source
    )
    return article, dump_article(article)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(ARTICLE_LIKE, SOURCES)
def test_extracted_article_round_trips_through_markdown(text: str, source: Source) -> None:
    article, markdown = _imported(text, source)
    assert load_article(markdown, Path(f"{article.slug}.md")) == article


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(ARTICLE_LIKE, SOURCES)
def test_imported_markdown_is_a_fixed_point(text: str, source: Source) -> None:
    """Loading and dumping an imported `.md` again gives the same bytes and the same Article."""
    article, markdown = _imported(text, source)
    loaded = load_article(markdown, Path(f"{article.slug}.md"))
    assert dump_article(loaded) == markdown
    assert load_article(dump_article(loaded), Path(f"{article.slug}.md")) == loaded
    # Every field but the body's final newline comes back as the importer made it.
    assert loaded.body == article.body.rstrip("\n")
    assert loaded.title == article.title and loaded.photos == article.photos
    assert (loaded.authors, loaded.cites, loaded.date) == (
        article.authors, article.cites, article.date,
    )  # fmt: skip


SLUG = re.compile(r"^[a-z0-9-]+$")


@FAST
@given(
    st.one_of(st.text(ANY_CHAR, max_size=300), st.text(st.one_of(MARKUP_CHAR, WORDY_CHAR))),
    st.text("0123456789abcdef", min_size=12, max_size=32),
)
def test_slugs_are_safe(title: str, fallback: str) -> None:
    slug = make_slug(title, prefix="article", digest=fallback)
    assert SLUG.match(slug), slug
    assert 0 < len(slug) <= MAX_SLUG_LENGTH
    assert slug not in (".", "..")


# --- builder ------------------------------------------------------------------------------------

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _WellFormed(HTMLParser):
    """Every non-void element is closed, in order; nothing is left open at the end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]} at {self.getpos()}")
            if tag in self.stack:
                del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag) :]
        else:
            self.stack.pop()


def check_html(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>"), path
    parser = _WellFormed()
    parser.feed(text)
    parser.close()
    assert parser.problems == [], (path, parser.problems)
    assert parser.stack == [], (path, parser.stack)
    tree = lxml.html.fromstring(text.encode("utf-8"))
    assert tree.tag == "html"
    assert tree.find("body") is not None


def check_xml(path: Path) -> None:
    ET.fromstring(path.read_bytes())  # raises ParseError when not well-formed XML 1.0
    if path.name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))


# What the importer writes: no C0/C1 controls (its normaliser removes them), everything else goes.
CLEAN_CHAR = st.characters(blacklist_categories=("Cs", "Cc"))
CLEAN_WORDY = st.sampled_from("abcdefghij klmnop ÄÖü ß Каменск بوتين 日本 😀 \u00a0\u202e")


@st.composite
def articles(draw, n: int, clean: bool = True) -> Article:
    any_char = CLEAN_CHAR if clean else ANY_CHAR
    wordy = CLEAN_WORDY if clean else WORDY_CHAR
    PLAIN = st.text(any_char, max_size=60)
    HUMAN = st.text(st.one_of(wordy, MARKUP_CHAR, any_char), min_size=1, max_size=60)
    line = _line.map(_clean) if clean else _line
    title = draw(HUMAN.filter(lambda s: s.strip()))
    return Article(
        id=f"tag:example.org,2025-01-01:article:{n}",
        title=title,
        slug=make_slug(title, prefix="article", digest=f"{n:012d}") + f"-{n}",
        body=draw(st.lists(line, min_size=1, max_size=6).map("\n\n".join)),
        date=draw(
            st.one_of(
                st.none(),
                st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
                st.datetimes(
                    dt.datetime(1990, 1, 1), dt.datetime(2030, 1, 1), timezones=st.just(dt.UTC)
                ),
            )
        ),
        sections=tuple(draw(st.lists(HUMAN.filter(lambda s: s.strip()), max_size=2))),
        tags=tuple(draw(st.lists(HUMAN.filter(lambda s: s.strip()), max_size=2))),
        standfirst=draw(st.one_of(st.none(), HUMAN)),
        dateline=Dateline(draw(st.one_of(st.none(), HUMAN)), None),
        authors=tuple(draw(st.lists(HUMAN, max_size=2))),
        publisher=draw(st.one_of(st.none(), HUMAN)),
        cites=tuple(draw(st.lists(HUMAN, max_size=2))),
        photos=tuple(
            draw(
                st.lists(
                    st.builds(Photo, caption=HUMAN, credit=st.one_of(st.none(), PLAIN)),
                    max_size=2,
                )
            )
        ),
    )


def _clean(text: str) -> str:
    return "".join(c for c in text if c in "\t\n" or unicodedata.category(c) != "Cc")


@st.composite
def sites(draw, clean: bool = True) -> list[Article]:
    count = draw(st.integers(1, 3))
    return [draw(articles(n, clean)) for n in range(count)]


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(sites())
def test_generated_site_builds_well_formed_html_and_feeds(items: list[Article]) -> None:
    _build_and_check(items)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(sites(clean=False))
def test_hand_written_control_characters_do_not_break_the_build(items: list[Article]) -> None:
    """A person may type any character into a `.md` file; the build must still make XML feeds."""
    _build_and_check(items)


def _build_and_check(items: list[Article]) -> None:
    root = Path(tempfile.mkdtemp(prefix="sitegen-prop-"))
    try:
        folder = root / "content" / "articles"
        folder.mkdir(parents=True)
        for item in items:
            (folder / f"{item.slug}.md").write_text(dump_article(item), encoding="utf-8")
        result = build_site(Project(root), import_seeds=False)
        assert result.ok and result.published, [str(e) for e in result.errors]
        assert result.articles == len(items)
        public = result.output
        pages = sorted(public.rglob("*.html"))
        assert pages
        for page in pages:
            check_html(page)
        xmls = sorted(public.rglob("*.xml"))
        assert any(p.name == "atom.xml" for p in xmls)
        for xml in xmls:
            check_xml(xml)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("bad", ["<p>", "</div>", "<div><span></div>"])
def test_well_formed_checker_can_fail(tmp_path: Path, bad: str) -> None:
    page = tmp_path / "x.html"
    page.write_text(f"<!doctype html><html><body>{bad}</body></html>", encoding="utf-8")
    with pytest.raises(AssertionError):
        check_html(page)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(ARTICLE_LIKE, min_size=1, max_size=3))
def test_imported_arbitrary_text_builds_well_formed_site(texts: list[str]) -> None:
    """Raw text → importer → Markdown → site: every page and feed is well-formed."""
    items = []
    for n, text in enumerate(texts):
        extraction = _extract_or_none(text)
        if extraction is None:
            continue
        base = make_slug(extraction.title, prefix="article", digest=f"{n:012d}")[:70]
        slug = f"{base.rstrip('-')}-{n}"  # a cut slug may end in "-": never leave "--"
        source = Source(file=f"seeds/{n}.txt", encoding="utf-8")
        items.append(
            to_article(
                extraction, article_id=f"tag:example.org,2025-01-01:article:{n}", slug=slug,
                source=source,
            )
        )  # fmt: skip
    assume(items)
    _build_and_check(items)

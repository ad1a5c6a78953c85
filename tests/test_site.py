"""The site model: loading, ordering, taxonomies, archive, pagination, URLs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from sitegen.content import dump_article
from sitegen.model import Photo
from sitegen.site import (
    UNTITLED,
    article_path,
    aware,
    build_model,
    load_articles,
    make_slug,
    page_path,
    paginate,
)
from tests.sitegen_testkit import article, write_project


def test_articles_newest_first_ties_by_slug_undated_last():
    a = article(1, slug="zeta")
    b = article(1, slug="alpha", id="tag:x,2024:b")
    c = article(5)
    undated = article(9, date=None, slug="undated")
    site = build_model([undated, a, c, b], "UTC")
    assert [x.slug for x in site.articles] == ["article-5", "alpha", "zeta", "undated"]
    # Input order never matters.
    assert build_model([b, c, undated, a], "UTC").articles == site.articles


def test_datetime_and_date_compare_in_the_site_zone():
    evening = article(1, slug="evening", date=dt.datetime(2024, 6, 19, 23, 0, tzinfo=dt.UTC))
    day = article(2, slug="day", date=dt.date(2024, 6, 20))
    # In UTC the 20th starts after 23:00 on the 19th; in Tokyo (UTC+9) it started before.
    assert [a.slug for a in build_model([evening, day], "UTC").articles] == ["day", "evening"]
    tokyo = build_model([evening, day], "Asia/Tokyo")
    assert [a.slug for a in tokyo.articles] == ["evening", "day"]
    assert aware(dt.date(2024, 6, 20), ZoneInfo("Asia/Tokyo")).isoformat() == (
        "2024-06-20T00:00:00+09:00"
    )


def test_taxonomies_merge_spellings_and_keep_members_in_order():
    one = article(1, sections=("News", "Politics"), tags=("Russia",), publisher="Wire A")
    two = article(2, sections=("news",), tags=("Russia", "russia"), publisher=None)
    site = build_model([one, two], "UTC")
    assert [(t.name, t.slug) for t in site.sections] == [("news", "news"), ("Politics", "politics")]
    news = site.term("sections", "NEWS")
    assert [a.slug for a in news.articles] == ["article-2", "article-1"]
    assert news.path == "sections/news/"
    assert [a.slug for a in site.term("tags", "Russia").articles] == ["article-2", "article-1"]
    assert [t.name for t in site.publishers] == ["Wire A"]
    assert site.term("publishers", "Wire A").path == "publishers/wire-a/"


def test_slugs_are_ascii_and_never_empty():
    assert make_slug("Новая газета") == "novaia-gazeta"
    assert make_slug("../../etc/passwd") == "etc-passwd"
    only_symbols = make_slug("★★★")
    assert only_symbols.startswith("t-") and only_symbols == make_slug("★★★")


def test_archive_groups_by_month_newest_first_with_undated_last():
    site = build_model(
        [
            article(1, date=dt.date(2024, 5, 31)),
            article(2, date=dt.date(2024, 6, 1)),
            article(3, date=dt.datetime(2024, 6, 2, 1, 0, tzinfo=dt.UTC)),
            article(4, date=None),
        ],
        "UTC",
    )
    assert [(m.label, m.anchor, len(m.articles)) for m in site.archive] == [
        ("June 2024", "2024-06", 2),
        ("May 2024", "2024-05", 1),
        ("Undated", "undated", 1),
    ]


def test_pagination_paths_and_neighbours():
    items = tuple(article(n) for n in range(5))
    pages = paginate("sections/world/", items, 2)
    assert [p.path for p in pages] == [
        "sections/world/",
        "sections/world/page/2/",
        "sections/world/page/3/",
    ]
    assert pages[0].previous is None and pages[0].next == "sections/world/page/2/"
    assert pages[2].next is None and len(pages[2].items) == 1
    assert paginate("", (), 10)[0].items == ()
    assert page_path("", 2) == "page/2/"
    assert article_path(article(3)) == "articles/article-3/"


def test_load_articles_reports_broken_files_and_keeps_going(tmp_path):
    project = write_project(tmp_path, [article(1), article(2)])
    broken = project.articles / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    loaded = load_articles(project.articles)
    assert [a.slug for a in loaded.articles] == ["article-1", "article-2"]
    assert len(loaded.errors) == 1
    assert loaded.errors[0].path == broken and loaded.errors[0].line is not None


def test_unsafe_and_duplicate_slugs_are_refused_with_their_line(tmp_path):
    project = write_project(tmp_path, [article(1)])
    evil = dataclasses.replace(article(2), slug="../../outside")
    (project.articles / "evil.md").write_text(dump_article(evil), encoding="utf-8")
    twin = dataclasses.replace(article(3), slug="article-1")
    (project.articles / "zz-twin.md").write_text(dump_article(twin), encoding="utf-8")
    loaded = load_articles(project.articles)
    assert [a.slug for a in loaded.articles] == ["article-1"]
    messages = sorted(str(e) for e in loaded.errors)
    assert any("evil.md:" in m and "not a URL slug" in m for m in messages)
    assert any("zz-twin.md:" in m and "already used by article-1.md" in m for m in messages)
    assert all(e.line and e.line > 1 for e in loaded.errors)


def test_missing_folder_loads_nothing(tmp_path):
    loaded = load_articles(tmp_path / "nope")
    assert loaded.articles == () and loaded.errors == ()


def test_characters_html_and_xml_cannot_carry_are_dropped_on_load(tmp_path):
    hand_written = article(
        1,
        title="Bell\x07 and escape\x1b",
        body="Text\x00 with\x0b controls\ufffe.",
        tags=("\x1b",),
        cites=("TASS\x7f",),
        photos=(Photo(caption="Cap\x85tion", credit="Credit\x1f"),),
    )
    project = write_project(tmp_path, [hand_written, article(2, title="\x1b\x07 ")])
    loaded = load_articles(project.articles)
    assert loaded.errors == ()
    first, second = loaded.articles
    assert first.title == "Bell and escape"
    assert first.body == "Text with controls."
    assert first.cites == ("TASS",) and first.tags == ()
    assert first.photos[0].caption == "Caption" and first.photos[0].credit == "Credit"
    assert second.title == UNTITLED  # nothing printable left: say so plainly


def test_stored_articles_load_as_parsed_and_failures_are_reported_each_time(tmp_path):
    from sitegen.cache import BuildCache

    timed = dataclasses.replace(
        article(3, title="Bell\x07"),
        date=dt.datetime(2024, 5, 1, 9, 30, tzinfo=ZoneInfo("Europe/Paris")),
    )
    twin = dataclasses.replace(article(4), slug="article-1")
    project = write_project(tmp_path, [article(1), article(2), timed])
    (project.articles / "zz-twin.md").write_text(dump_article(twin), encoding="utf-8")
    (project.articles / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    (project.articles / "latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    fresh = load_articles(project.articles)
    assert len(fresh.errors) == 3
    with BuildCache(project.cache) as cache:
        cold = load_articles(project.articles, cache)
        warm = load_articles(project.articles, cache)
        (project.articles / "article-2.md").write_text(
            dump_article(article(2, title="Changed")), encoding="utf-8"
        )
        edited = load_articles(project.articles, cache)
    for loaded in (cold, warm):
        assert (loaded.articles, loaded.files) == (fresh.articles, fresh.files)
        assert _described(loaded.errors) == _described(fresh.errors)
    assert edited.articles == load_articles(project.articles).articles
    assert edited.articles[1].title == "Changed"


def _described(errors) -> list[tuple[str, object, object]]:
    return [(str(e), e.path, e.line) for e in errors]


def test_content_keys_name_each_file_content_and_are_withheld_when_unsure(tmp_path):
    from sitegen.cache import BuildCache

    project = write_project(tmp_path, [article(1), article(2), article(3)])
    twin = dataclasses.replace(article(4), id=article(3).id, slug="article-4")
    (project.articles / "article-4.md").write_text(dump_article(twin), encoding="utf-8")
    assert load_articles(project.articles).content_keys == {}  # no cache: nothing hashed
    with BuildCache(project.cache) as cache:
        first = load_articles(project.articles, cache).content_keys
    assert set(first) == {article(1).id, article(2).id}  # article 3's id is on two files
    (project.articles / "article-2.md").write_text(
        dump_article(article(2, title="Changed")), encoding="utf-8"
    )
    with BuildCache(project.cache) as cache:
        second = load_articles(project.articles, cache).content_keys
    assert second[article(1).id] == first[article(1).id]
    assert second[article(2).id] != first[article(2).id]


def test_articles_kept_in_memory_are_reused_and_refreshed(tmp_path):
    from sitegen.cache import BuildCache

    project = write_project(tmp_path, [article(1), article(2)])
    kept: dict = {}
    with BuildCache(project.cache) as cache:
        first = load_articles(project.articles, cache, kept)
    assert len(kept) == 2
    (project.articles / "article-2.md").write_text(
        dump_article(article(2, title="Changed")), encoding="utf-8"
    )
    (project.articles / "article-3.md").write_text(dump_article(article(3)), encoding="utf-8")
    with BuildCache(project.cache) as cache:
        second = load_articles(project.articles, cache, kept)
    assert second.articles[0] is first.articles[0]  # unchanged: the very same object
    assert [a.title for a in second.articles] == [
        a.title for a in load_articles(project.articles).articles
    ]
    assert second.articles[1].title == "Changed"
    assert set(kept) == set(second.content_keys.values())  # the old article-2 was let go

"""Front matter: exact round trip, edit detection, and errors that name the file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sitegen.content import dump_article, is_pristine, load_article
from sitegen.errors import ContentError
from sitegen.model import Article, Correction, Dateline, Photo, Source

ARTICLE = Article(
    id="tag:example.org,2024-06-19:article:abc",
    title="Title with: colons, 'quotes' and --- dashes",
    slug="title",
    body="First paragraph.\n\nSecond \\*paragraph\\*.",
    date=dt.datetime(2024, 10, 14, 18, 12, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    date_source="byline",
    updated=dt.date(2024, 10, 15),
    sections=("News", "Politics"),
    tags=("north-korea",),
    standfirst="A dek.",
    dateline=Dateline("Pyongyang", dt.date(2024, 6, 19)),
    authors=("Jane Doe",),
    publisher="Novaya Gazeta Europe",
    source=Source("seeds/a.txt", "0" * 64, "f" * 32, "utf-8", "https://example.com/a"),
    cites=("TASS",),
    photos=(Photo("A caption.", "EPA / POOL", ("EPA", "POOL")),),
    lang="en",
    story="putin-visit",
    corrections=(Correction(dt.datetime(2024, 6, 20, 9, 0, tzinfo=dt.UTC), "Fixed a name."),),
)
PATH = Path("content/articles/title.md")


def test_round_trip_is_exact() -> None:
    assert load_article(dump_article(ARTICLE), PATH) == ARTICLE


def test_digest_detects_any_edit() -> None:
    text = dump_article(ARTICLE)
    assert is_pristine(text)
    assert not is_pristine(text.replace("First paragraph", "First  paragraph"))
    assert not is_pristine(dump_article(ARTICLE, stamp=False))


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("no fence\n", 1, "no front matter"),
        ("---\ntitle: [unclosed\n---\nbody\n", 2, "not valid YAML"),
        ("---\nid: x\ntitle: T\nslug: s\ndate: not a date\n---\nbody\n", 5, "not a date"),
        ("---\nid: x\ntitle: [a, b]\nslug: s\n---\nbody\n", 3, "must be text"),
        ("---\nid: x\ntitle: T\nslug: s\nauthors: {a: 1}\n---\nbody\n", 5, "list of text"),
        ("---\nid: x\nslug: s\n---\nbody\n", 1, "'title': is required"),
        (
            "---\nid: x\ntitle: T\nslug: s\ncolour: red\n---\nbody\n",
            5,
            "unknown front matter field",
        ),
    ],
)
def test_errors_name_file_and_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(ContentError) as caught:
        load_article(text, PATH)
    assert caught.value.line == line
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"{PATH}:{line}: ")

"""Helpers for the site/render/build tests: fixed articles and throw-away projects on disk."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from sitegen.build import BuildResult, build_site
from sitegen.config import Project
from sitegen.content import dump_article
from sitegen.model import Article, Dateline, Photo, Source
from sitegen.render.feeds import FeedItem, FeedSpec

SEED_LIKE = Article(
    id="tag:example.org,2024:seed-003",
    title="Putin arrives in North Korea on first state visit for over 20 years",
    slug="putin-arrives-in-north-korea",
    body=(
        "Vladimir Putin arrived in Pyongyang in the early hours of Wednesday for a two-day state "
        "visit to North Korea, Russia’s state-owned news agency TASS has reported.\n\n"
        "Prior to his arrival, according to Kremlin aide Yury Ushakov in comments quoted by "
        "Interfax, the agreement is set to “ensure greater stability”.\n\n"
        "See the [agency report](https://example.com/report) and [our archive](/archive/)."
    ),
    date=dt.date(2024, 6, 19),
    date_source="caption",
    sections=("News", "Politics"),
    tags=("North Korea",),
    publisher="Novaya Gazeta Europe",
    cites=("TASS", "Rodong Sinmum", "Interfax"),
    photos=(
        Photo(
            caption="Vladimir Putin’s motorcade passes Pyongyang’s Arch of Triumph, 19 June 2024.",
            credit="EPA-EFE / GAVRIIL GRIGOROV / SPUTNIK / KREMLIN POOL",
            credit_parts=("EPA-EFE", "GAVRIIL GRIGOROV", "SPUTNIK", "KREMLIN POOL"),
        ),
    ),
    source=Source(file="content/seeds/003_412e391d8da5d31e.txt", url="https://example.net/003"),
)

NO_PUBLISHER = Article(
    id="tag:example.org,2024:seed-000",
    title="Russian President Vladimir Putin Arrives in North Korea for Official Visit",
    slug="putin-official-visit",
    standfirst=(
        "Upon his arrival in Pyongyang, President Putin was warmly received by North Korean "
        "leader Kim Jong Un."
    ),
    body=(
        "Pyongyang, June 19, 2024 — Russian President Vladimir Putin has arrived in "
        "North Korea.\n\n"
        "Upon his arrival in Pyongyang, President Putin was warmly received by North Korean "
        "leader Kim Jong Un. The visit marks Putin’s first trip to North Korea in nearly two "
        "decades.\n\n"
        "According to IRNA’s Wednesday morning report, citing Russian news agencies, the "
        "schedule is tightly packed."
    ),
    date=dt.date(2024, 6, 18),
    date_source="dateline",
    dateline=Dateline(place="Pyongyang", date=dt.date(2024, 6, 19)),
    cites=("IRNA",),
    source=Source(file="content/seeds/000_d00993bdb1b14b3e.txt"),
)


def article(n: int, **changes: object) -> Article:
    """A small dated article number `n` (newer for larger n)."""
    base = Article(
        id=f"tag:example.org,2024:n{n}",
        title=f"Article number {n}",
        slug=f"article-{n}",
        body=f"Body of article {n}.\n\nA second paragraph.",
        date=dt.date(2024, 1, 1) + dt.timedelta(days=n),
        sections=("World",),
        publisher="Example Wire",
    )
    return dataclasses.replace(base, **changes)


def write_project(
    root: Path, articles: list[Article] | tuple[Article, ...], settings: str | None = None
) -> Project:
    """A site folder with these articles as Markdown (and an optional sitegen.toml)."""
    folder = root / "content" / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    for item in articles:
        (folder / f"{item.slug}.md").write_text(dump_article(item), encoding="utf-8")
    if settings is not None:
        (root / "sitegen.toml").write_text(settings, encoding="utf-8")
    return Project(root)


def build(project: Project) -> BuildResult:
    return build_site(project, import_seeds=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path, for byte-for-byte comparisons."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def feed_spec(*items: FeedItem, name: str = "Site", subtitle: str = "All the news") -> FeedSpec:
    """A site-wide feed of these items, on example.org."""
    return FeedSpec(
        title=name,
        subtitle=subtitle,
        page_url="https://example.org/",
        atom_url="https://example.org/atom.xml",
        rss_url="https://example.org/rss.xml",
        language="en",
        author=name,
        items=items,
    )

"""Story pages (`stories/<slug>/`) and their Atom + RSS feeds, rendered with the site's renderer.

A story page shows the event once and each source side by side: headline, publisher, date,
dateline, cited agencies, photo credits, and the names, figures and quotes only that source has.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sitegen.model import Article
from sitegen.stories import SourceDetails, Story, unique_details

if TYPE_CHECKING:
    from sitegen.render.pages import ArticleView, FeedLink, Output, SiteRenderer, Unit


@dataclass(frozen=True, slots=True)
class SourceCard:
    """One source of a story: its article view and what only it reports."""

    view: ArticleView
    details: SourceDetails | None

    @property
    def credits(self) -> tuple[str, ...]:
        seen = dict.fromkeys(p.credit for p in self.view.article.photos if p.credit)
        return tuple(seen)


def story_feed(renderer: SiteRenderer, story: Story) -> FeedLink:
    from sitegen.render.pages import FeedLink

    title = f"{renderer.settings.title}: {story.title}"
    return FeedLink(title, story.path + "atom.xml", story.path + "rss.xml")


def newest_first(renderer: SiteRenderer, story: Story) -> tuple[Article, ...]:
    """The story's articles in the site's order (newest first), by the renderer's one lookup."""
    order = renderer.positions
    return tuple(sorted(story.articles, key=lambda a: order[a.id]))


def _cards(renderer: SiteRenderer, story: Story) -> tuple[SourceCard, ...]:
    details = {d.article.id: d for d in unique_details(story, renderer.details)}
    return tuple(SourceCard(renderer.views[a.id], details.get(a.id)) for a in story.articles)


def story_page(renderer: SiteRenderer, story: Story, feed: FeedLink | None) -> Output:
    from sitegen.render.pages import PageMeta

    count = len(story.articles)
    description = f"{story.title}: how {count} source{'s' if count != 1 else ''} reported it."
    feeds = (feed, renderer.site_feed) if feed else (renderer.site_feed,)
    meta = PageMeta(story.title, description, story.path, renderer.abs_url(story.path), feeds=feeds)
    return renderer._page("story.html", meta, story=story, cards=_cards(renderer, story), feed=feed)


def story_units(renderer: SiteRenderer) -> Iterator[Unit]:
    """Every story's page, and an Atom and RSS feed for each story with two or more sources."""
    from sitegen.render.pages import Unit

    for story in renderer.site.stories.all:
        feed = story_feed(renderer, story) if story.multi_source else None
        members = renderer.keys(story.articles)
        key = renderer.page_key("story", story.path, story.title, repr(feed), *members)
        yield Unit(
            f"story:{story.path}", key, functools.partial(_story_page, renderer, story, feed)
        )
        if feed is not None:
            about = f"Story: {story.title} — {renderer.settings.title}"
            yield renderer.feed_unit(feed, story.path, about, newest_first(renderer, story))


def _story_page(renderer: SiteRenderer, story: Story, feed: FeedLink | None) -> Iterator[Output]:
    yield story_page(renderer, story, feed)

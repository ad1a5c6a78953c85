"""Every output file of a site, as (path inside the output folder, bytes), in a fixed order.

Pages come from the theme's templates, feeds from `feeds`, the sitemap from `sitemap`. Nothing
here touches the disk except reading theme assets; `sitegen.build` writes and publishes.
"""

from __future__ import annotations

import functools
import html
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin

import nh3

from sitegen.cache import digest
from sitegen.config import Settings
from sitegen.model import Article, When
from sitegen.render.feeds import Category, FeedItem, FeedSpec, render_feeds
from sitegen.render.jsonld import news_article, script_json
from sitegen.render.markdown import (
    MarkdownRenderer,
    absolutize,
    drop_repeated_standfirst,
    safe_link,
)
from sitegen.render.newsroom import (
    NEWS_SITEMAP,
    NewsEntry,
    corrections_newest_first,
    last_modified,
    news_sitemaps,
    recent,
)
from sitegen.render.sitemap import SITEMAP_PATH, SitemapEntry, robots_txt, sitemaps
from sitegen.render.story_pages import story_units
from sitegen.render.templates import Theme, iso
from sitegen.site import Month, Pager, Site, TaxonomyKind, Term, article_path, paginate
from sitegen.slugs import make_slug
from sitegen.stories import DetailsCache, Story, home_items

OutputKind = Literal["page", "feed", "asset", "other"]
_DESCRIPTION_LENGTH = 160
_PARAGRAPH_END = "</p>"


@dataclass(frozen=True, slots=True)
class Output:
    path: str  # relative, POSIX
    data: bytes
    kind: OutputKind


@dataclass(frozen=True, slots=True)
class Unit:
    """Outputs rendered together from declared inputs; `key` hashes them (None: always render).

    A unit whose key is the one its published files were made with need not be rendered again.
    """

    name: str
    key: str | None
    render: Callable[[], Iterator[Output]]


@dataclass(frozen=True, slots=True)
class FeedLink:
    title: str
    atom: str  # site-relative path
    rss: str


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What `base.html` needs for the `<head>` of any page."""

    title: str
    description: str
    path: str
    canonical: str
    og_type: Literal["website", "article"] = "website"
    feeds: tuple[FeedLink, ...] = ()
    noindex: bool = False


@dataclass(frozen=True)  # no slots: `description` is cached in the instance's dict
class ArticleView:
    """One article with everything its page and its list entries show."""

    article: Article
    path: str
    body_html: str
    sections: tuple[Term, ...]
    tags: tuple[Term, ...]
    publisher: Term | None
    original_url: str | None
    photo_sources: tuple[str | None, ...]

    @functools.cached_property
    def description(self) -> str:
        """The standfirst, else the start of the body's text: worked out once, and only for
        articles shown on a page being rendered, not for every article of every build."""
        article = self.article
        text = article.standfirst or lead_text(self.body_html) or article.title
        return shorten(" ".join(text.split()))


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())


def lead_text(fragment: str, limit: int = _DESCRIPTION_LENGTH) -> str:
    """The visible text of a body's first paragraphs: at least `limit` + 1 characters of it
    when the body has them, else all of it (a description only ever shows its start).

    Whole paragraphs are read, a few more each time, so no tag or entity is cut.
    """
    end = 0
    paragraphs = 2
    while True:
        for _ in range(paragraphs):
            found = fragment.find(_PARAGRAPH_END, end)
            if found < 0:
                return plain_text(fragment)
            end = found + len(_PARAGRAPH_END)
        text = plain_text(fragment[:end])
        if len(text) > limit:
            return text
        paragraphs *= 2


def shorten(text: str, limit: int = _DESCRIPTION_LENGTH) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:—-")
    return cut + "…"


class SiteRenderer:
    """Renders a Site with a Theme into outputs; one instance per build."""

    def __init__(self, site: Site, settings: Settings, theme: Theme, salt: str = ""):
        self.site = site
        self.salt = salt  # a hash of what every page depends on: theme files, code
        self.settings = settings
        self.theme = theme
        self.markdown = MarkdownRenderer()
        self.positions = {a.id: n for n, a in enumerate(site.articles)}  # the site's order
        self.details = DetailsCache()
        self._terms = {(term.kind, term.slug): term for term in site.terms}
        self._slugs: dict[str, str] = {}
        self.site_feed = FeedLink(settings.title, "atom.xml", "rss.xml")
        self.views = {a.id: self._view(a) for a in site.articles}
        self._feed_items: dict[str, FeedItem] = {}
        self._item_keys: dict[str, str] = {}
        self._story_keys: dict[str, str] = {}
        self._page_salt = digest(
            salt, repr(settings), *(f"{t.name}\0{t.slug}" for t in site.sections)
        )

    # --- URLs ----------------------------------------------------------------------------------

    def abs_url(self, path: str) -> str:
        return self.settings.base_url + path

    def _view(self, article: Article) -> ArticleView:
        body = self.markdown.render(drop_repeated_standfirst(article.body, article.standfirst))
        return ArticleView(
            article=article,
            path=article_path(article),
            body_html=body,
            sections=tuple(self.term("sections", name) for name in article.sections),
            tags=tuple(self.term("tags", name) for name in article.tags),
            publisher=self.term("publishers", article.publisher) if article.publisher else None,
            original_url=safe_link(article.source.url, web=True),
            photo_sources=tuple(safe_link(photo.image, web=True) for photo in article.photos),
        )

    def term(self, kind: TaxonomyKind, name: str) -> Term:
        """`Site.term` by one dictionary lookup instead of a scan of every term."""
        slug = self._slugs.get(name)
        if slug is None:
            slug = self._slugs[name] = make_slug(name)
        try:
            return self._terms[(kind, slug)]
        except KeyError:
            raise KeyError(f"{kind}: {name}") from None

    def _noindex(self, article: Article) -> bool:
        return not article.original and self.settings.republished == "noindex"

    def _canonical(self, view: ArticleView) -> str:
        article = view.article
        if not article.original and self.settings.republished == "canonical" and view.original_url:
            return view.original_url
        return self.abs_url(view.path)

    # --- pages ---------------------------------------------------------------------------------

    def _page(self, template: str, meta: PageMeta, **context: Any) -> Output:
        text = self.theme.render(template, page=meta, site=self.site, **context)
        target = meta.path if meta.path.endswith(".html") else meta.path + "index.html"
        return Output(target, text.encode("utf-8"), "page")

    def article_page(self, view: ArticleView) -> Output:
        article = view.article
        meta = PageMeta(
            title=article.title,
            description=view.description,
            path=view.path,
            canonical=self._canonical(view),
            og_type="article",
            feeds=(self.site_feed,),
            noindex=self._noindex(article),
        )
        modified = self._modified(article)
        jsonld = news_article(
            article,
            original_url=view.original_url,
            image_urls=view.photo_sources,
            url=self.abs_url(view.path),
            site_name=self.settings.title,
            site_url=self.settings.base_url,
            language=self.settings.language,
            published=self._iso(article.date),
            modified=self._iso(modified),
            description=article.standfirst,
            corrections_policy=self._corrections_policy(),
        )
        return self._page(
            "article.html",
            meta,
            view=view,
            jsonld=script_json(jsonld),
            modified=modified,
            corrections=corrections_newest_first(article),
        )

    def _corrections_policy(self) -> str:
        policy = self.settings.corrections_policy
        return urljoin(self.settings.base_url, policy) if policy else ""

    def _modified(self, article: Article) -> When | None:
        return last_modified(article, self.site.moment)

    def _iso(self, when: When | None) -> str | None:
        return None if when is None else iso(self.site.moment(when))

    def list_units(
        self,
        base: str,
        title: str,
        description: str,
        articles: tuple[Article, ...],
        *,
        kicker: str | None = None,
        feed: FeedLink | None = None,
    ) -> Iterator[Unit]:
        """One unit per page of the list; each depends on the articles it shows."""
        head = (base, title, description, repr(kicker), repr(feed))
        for pager in paginate(base, articles, self.settings.per_page):
            key = self.page_key(*head, str(pager.number), str(pager.count), *self.keys(pager.items))
            render = functools.partial(self._list_page, pager, title, description, kicker, feed)
            yield Unit(f"list:{pager.path}", key, render)

    def _list_page(
        self,
        pager: Pager,
        title: str,
        description: str,
        kicker: str | None,
        feed: FeedLink | None,
    ) -> Iterator[Output]:
        feeds = (self.site_feed,) if feed is None else (feed, self.site_feed)
        heading = title if pager.number == 1 else f"{title} — page {pager.number}"
        meta = PageMeta(heading, description, pager.path, self.abs_url(pager.path), feeds=feeds)
        items = tuple(self.views[a.id] for a in pager.items)
        yield self._page(
            "list.html", meta, pager=pager, items=items, kicker=kicker, heading=title, feed=feed
        )

    def term_feed(self, term: Term) -> FeedLink:
        title = f"{self.settings.title}: {term.name}"
        return FeedLink(title, term.path + "atom.xml", term.path + "rss.xml")

    # --- feeds ---------------------------------------------------------------------------------

    def feed_item(self, article: Article) -> FeedItem:
        """An article's feed entry, made once per process when a feed first lists it."""
        found = self._feed_items.get(article.id)
        if found is None:
            found = self._feed_items[article.id] = self._feed_item(self.views[article.id])
        return found

    def _feed_item(self, view: ArticleView) -> FeedItem:
        article = view.article
        assert article.date is not None
        url = self.abs_url(view.path)
        content = self.theme.render("feed_entry.html", view=view)
        categories = tuple(
            Category(term.name, self.abs_url(f"{term.kind}/"), term.name)
            for term in view.sections + view.tags
        )
        published = self.site.moment(article.date)
        modified = self._modified(article)
        updated = self.site.moment(modified) if modified else published
        return FeedItem(
            article=article,
            url=url,
            content=absolutize(content, url),
            published=published,
            updated=max(published, updated),
            original_url=view.original_url,
            categories=categories,
            summary=view.description,
        )

    def feeds(
        self, link: FeedLink, page_path: str, subtitle: str, articles: tuple[Article, ...]
    ) -> Iterator[Output]:
        dated = [a for a in articles if a.date is not None][: self.settings.feed_entries]
        spec = FeedSpec(
            title=link.title,
            subtitle=subtitle,
            page_url=self.abs_url(page_path),
            atom_url=self.abs_url(link.atom),
            rss_url=self.abs_url(link.rss),
            language=self.settings.language,
            author=self.settings.title,
            items=tuple(self.feed_item(a) for a in dated),
        )
        atom, rss = render_feeds(spec)
        yield Output(link.atom, atom, "feed")
        yield Output(link.rss, rss, "feed")

    # --- input keys ----------------------------------------------------------------------------

    def page_key(self, *parts: str) -> str:
        """A unit's key: the settings, theme, code and section menu, and the unit's own inputs."""
        return digest(self._page_salt, *parts)

    def item_key(self, article: Article) -> str:
        """A hash of everything a page may show of an article: itself, its terms, its story."""
        found = self._item_keys.get(article.id)
        if found is None:
            view = self.views[article.id]
            terms = (*view.sections, *view.tags, *((view.publisher,) if view.publisher else ()))
            story = self.site.stories.of(article)
            found = digest(
                self._own_key(article),
                *(f"{t.kind}\0{t.name}\0{t.slug}" for t in terms),
                self._story_key(story) if story is not None else "",
            )
            self._item_keys[article.id] = found
        return found

    def keys(self, articles: Iterable[Article]) -> list[str]:
        return [self.item_key(article) for article in articles]

    def _own_key(self, article: Article) -> str:
        known = self.site.content_keys.get(article.id)
        if known is not None:  # the file's content and the code that read it: the same thing
            return digest("content", known)
        # A pickle is a complete description of the article, and much quicker to make than repr.
        fields = pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)
        return digest(fields, self.views[article.id].body_html)

    def _story_key(self, story: Story) -> str:
        found = self._story_keys.get(story.slug)
        if found is None:
            members = (self._own_key(a) for a in story.articles)
            found = self._story_keys[story.slug] = digest(story.slug, story.title, *members)
        return found

    # --- everything ----------------------------------------------------------------------------

    def outputs(self) -> Iterator[Output]:
        """Every output file in a fixed order, rendered here, one unit after another."""
        for unit in self.units():
            yield from unit.render()

    def units(self) -> list[Unit]:
        """Every output as independent units, in output order; each names its inputs' hash."""
        site, settings = self.site, self.settings
        units = [self._article_unit(article) for article in site.articles]
        units.extend(story_units(self))
        home = home_items(site.articles, site.stories)  # a story with many sources: one item
        units.extend(self.list_units("", settings.title, settings.description, home))
        units.append(self.feed_unit(self.site_feed, "", settings.description, site.articles))
        for term in site.terms:
            link = self.term_feed(term)
            about = f"{term.label}: {term.name} — {settings.title}"
            units.extend(
                self.list_units(
                    term.path, term.name, about, term.articles, kicker=term.label, feed=link
                )
            )
            units.append(self.feed_unit(link, term.path, about, term.articles))
        units.extend(self.archive_units())
        units.append(Unit("404", self.page_key("404"), self._not_found))
        units.append(Unit("sitemaps", None, self._sitemaps))
        units.append(Unit("assets", None, self._assets))
        return units

    def _article_unit(self, article: Article) -> Unit:
        view = self.views[article.id]
        key = self.page_key("article", self.item_key(article))
        return Unit(f"article:{view.path}", key, lambda: iter((self.article_page(view),)))

    def feed_unit(
        self, link: FeedLink, page_path: str, subtitle: str, articles: tuple[Article, ...]
    ) -> Unit:
        """An Atom and RSS feed pair; it depends on the entries it lists, not on the whole site."""
        dated = [a for a in articles if a.date is not None][: self.settings.feed_entries]
        key = self.page_key("feed", repr(link), page_path, subtitle, *self.keys(dated))
        render = functools.partial(self.feeds, link, page_path, subtitle, articles)
        return Unit(f"feed:{link.atom}", key, render)

    def archive_units(self) -> Iterator[Unit]:
        """The archive's index of months, and one page per month.

        The index shows each month's size only, so an edit changes it only when it moves an
        article to another month; a month page depends on the articles it lists.
        """
        months = self.site.archive
        sizes = (f"{m.label}\0{len(m.articles)}" for m in months)
        yield Unit("archive", self.page_key("archive", *sizes), self._archive)
        for n, month in enumerate(months):
            newer = months[n - 1] if n > 0 else None
            older = months[n + 1] if n + 1 < len(months) else None
            near = (m.label if m is not None else "" for m in (newer, older))
            key = self.page_key("archive-month", month.label, *near, *self.keys(month.articles))
            render = functools.partial(self._archive_month, month, newer, older)
            yield Unit(f"archive:{month.path}", key, render)

    def _archive(self) -> Iterator[Output]:
        settings = self.settings
        yield self._page(
            "archive.html",
            PageMeta(
                "Archive",
                f"Every article on {settings.title}, by month.",
                "archive/",
                self.abs_url("archive/"),
                feeds=(self.site_feed,),
            ),
            months=self.site.archive,
        )

    def _archive_month(
        self, month: Month, newer: Month | None, older: Month | None
    ) -> Iterator[Output]:
        yield self._page(
            "archive_month.html",
            PageMeta(
                f"Archive: {month.label}",
                f"Every article on {self.settings.title} in {month.label}."
                if month.year
                else f"The articles on {self.settings.title} without a date.",
                month.path,
                self.abs_url(month.path),
                feeds=(self.site_feed,),
            ),
            month=month,
            items=tuple(self.views[a.id] for a in month.articles),
            newer=newer,
            older=older,
        )

    def _not_found(self) -> Iterator[Output]:
        yield self._page(
            "404.html",
            PageMeta(
                "Page not found",
                "There is no page at this address.",
                "404.html",
                self.abs_url("404.html"),
                feeds=(self.site_feed,),
                noindex=True,
            ),
        )

    def _sitemaps(self) -> Iterator[Output]:
        for path, text in sitemaps(list(self._sitemap()), self.settings.base_url):
            yield Output(path, text.encode("utf-8"), "other")
        for path, text in news_sitemaps(self._news(), self.settings.title, self.settings.base_url):
            yield Output(path, text.encode("utf-8"), "other")
        listed = (self.abs_url(SITEMAP_PATH), self.abs_url(NEWS_SITEMAP))
        yield Output("robots.txt", robots_txt(*listed).encode("utf-8"), "other")

    def _assets(self) -> Iterator[Output]:
        for asset in self.theme.assets.values():
            yield Output(asset.target, asset.source.read_bytes(), "asset")

    def _sitemap(self) -> Iterator[SitemapEntry]:
        dates = [a.updated or a.date for a in self.site.articles if a.date is not None]
        newest = max((self.site.moment(d) for d in dates if d is not None), default=None)
        yield SitemapEntry(self.abs_url(""), iso(newest) if newest else None)
        yield SitemapEntry(self.abs_url("archive/"))
        for month in self.site.archive:
            yield SitemapEntry(self.abs_url(month.path))
        for term in self.site.terms:
            yield SitemapEntry(self.abs_url(term.path))
        for story in self.site.stories.all:
            if story.multi_source:
                yield SitemapEntry(self.abs_url(story.path), self._story_lastmod(story))
        for article in self.site.articles:
            if self._noindex(article):
                continue
            lastmod = self._iso(self._modified(article) or article.date)
            yield SitemapEntry(self.abs_url(article_path(article)), lastmod)

    def _story_lastmod(self, story: Story) -> str | None:
        """When a story page last changed: its newest article's last modification or date."""
        moments = [
            self.site.moment(when)
            for a in story.articles
            if (when := self._modified(a) or a.date) is not None
        ]
        return iso(max(moments)) if moments else None

    def _news(self) -> list[NewsEntry]:
        """Recent, indexable, dated articles for the Google News sitemap."""
        dated = [a for a in self.site.articles if a.date is not None]
        newest = max((self.site.moment(a.date) for a in dated if a.date), default=None)
        entries = [
            NewsEntry(
                url=self.abs_url(article_path(a)),
                title=a.title,
                language=a.lang or self.settings.language,
                published=self.site.moment(a.date),
            )
            for a in dated
            if a.date is not None and not self._noindex(a)
        ]
        return recent(entries, newest)

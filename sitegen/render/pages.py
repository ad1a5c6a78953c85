"""Every output file of a site, as (path inside the output folder, bytes), in a fixed order.

Pages come from the theme's templates, feeds from `feeds`, the sitemap from `sitemap`. Nothing
here touches the disk except reading theme assets; `sitegen.build` writes and publishes.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin

import nh3

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
from sitegen.render.sitemap import SitemapEntry, robots_txt, sitemap_xml
from sitegen.render.story_pages import story_outputs
from sitegen.render.templates import Theme, iso
from sitegen.site import Site, Term, article_path, paginate
from sitegen.stories import home_items

OutputKind = Literal["page", "feed", "asset", "other"]
_DESCRIPTION_LENGTH = 160


@dataclass(frozen=True, slots=True)
class Output:
    path: str  # relative, POSIX
    data: bytes
    kind: OutputKind


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


@dataclass(frozen=True, slots=True)
class ArticleView:
    """One article with everything its page and its list entries show."""

    article: Article
    path: str
    body_html: str
    description: str
    sections: tuple[Term, ...]
    tags: tuple[Term, ...]
    publisher: Term | None
    original_url: str | None
    photo_sources: tuple[str | None, ...]


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())


def shorten(text: str, limit: int = _DESCRIPTION_LENGTH) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:—-")
    return cut + "…"


class SiteRenderer:
    """Renders a Site with a Theme into outputs; one instance per build."""

    def __init__(self, site: Site, settings: Settings, theme: Theme):
        self.site = site
        self.settings = settings
        self.theme = theme
        self.markdown = MarkdownRenderer()
        self.site_feed = FeedLink(settings.title, "atom.xml", "rss.xml")
        self.views = {a.id: self._view(a) for a in site.articles}
        self.feed_items = {
            a.id: self._feed_item(self.views[a.id]) for a in site.articles if a.date is not None
        }

    # --- URLs ----------------------------------------------------------------------------------

    def abs_url(self, path: str) -> str:
        return self.settings.base_url + path

    def _view(self, article: Article) -> ArticleView:
        body = self.markdown.render(drop_repeated_standfirst(article.body, article.standfirst))
        description = article.standfirst or plain_text(body) or article.title
        return ArticleView(
            article=article,
            path=article_path(article),
            body_html=body,
            description=shorten(" ".join(description.split())),
            sections=tuple(self.site.term("sections", name) for name in article.sections),
            tags=tuple(self.site.term("tags", name) for name in article.tags),
            publisher=self.site.term("publishers", article.publisher)
            if article.publisher
            else None,
            original_url=safe_link(article.source.url, web=True),
            photo_sources=tuple(safe_link(photo.image, web=True) for photo in article.photos),
        )

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

    def list_pages(
        self,
        base: str,
        title: str,
        description: str,
        articles: tuple[Article, ...],
        *,
        kicker: str | None = None,
        feed: FeedLink | None = None,
    ) -> Iterator[Output]:
        feeds = (self.site_feed,) if feed is None else (feed, self.site_feed)
        for pager in paginate(base, articles, self.settings.per_page):
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
            items=tuple(self.feed_items[a.id] for a in dated),
        )
        atom, rss = render_feeds(spec)
        yield Output(link.atom, atom, "feed")
        yield Output(link.rss, rss, "feed")

    # --- everything ----------------------------------------------------------------------------

    def outputs(self) -> Iterator[Output]:
        site, settings = self.site, self.settings
        for article in site.articles:
            yield self.article_page(self.views[article.id])
        yield from story_outputs(self)
        home = home_items(site.articles, site.stories)  # a story with many sources: one item
        yield from self.list_pages("", settings.title, settings.description, home)
        yield from self.feeds(self.site_feed, "", settings.description, site.articles)
        for term in site.terms:
            link = self.term_feed(term)
            about = f"{term.label}: {term.name} — {settings.title}"
            yield from self.list_pages(
                term.path, term.name, about, term.articles, kicker=term.label, feed=link
            )
            yield from self.feeds(link, term.path, about, term.articles)
        yield self._page(
            "archive.html",
            PageMeta(
                "Archive",
                f"Every article on {settings.title}, by month.",
                "archive/",
                self.abs_url("archive/"),
                feeds=(self.site_feed,),
            ),
            months=tuple((m, tuple(self.views[a.id] for a in m.articles)) for m in site.archive),
        )
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
        yield Output("sitemap.xml", sitemap_xml(self._sitemap()).encode("utf-8"), "other")
        for path, text in news_sitemaps(self._news(), self.settings.title, self.settings.base_url):
            yield Output(path, text.encode("utf-8"), "other")
        sitemaps = (self.abs_url("sitemap.xml"), self.abs_url(NEWS_SITEMAP))
        yield Output("robots.txt", robots_txt(*sitemaps).encode("utf-8"), "other")
        for asset in self.theme.assets.values():
            yield Output(asset.target, asset.source.read_bytes(), "asset")

    def _sitemap(self) -> Iterator[SitemapEntry]:
        dates = [a.updated or a.date for a in self.site.articles if a.date is not None]
        newest = max((self.site.moment(d) for d in dates if d is not None), default=None)
        yield SitemapEntry(self.abs_url(""), iso(newest) if newest else None)
        yield SitemapEntry(self.abs_url("archive/"))
        for term in self.site.terms:
            yield SitemapEntry(self.abs_url(term.path))
        for article in self.site.articles:
            if self._noindex(article):
                continue
            lastmod = self._iso(self._modified(article) or article.date)
            yield SitemapEntry(self.abs_url(article_path(article)), lastmod)

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

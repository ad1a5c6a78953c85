"""The site renderer as an incremental build uses it: cached bodies, feeds read back when unchanged.

Kept apart from `sitegen.build` so that a rebuild with nothing to do never imports the renderer.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import sitegen
from sitegen.cache import BuildCache, default_workers, digest
from sitegen.config import Settings
from sitegen.model import Article
from sitegen.render.markdown import MarkdownRenderer, drop_repeated_standfirst
from sitegen.render.pages import FeedLink, Output, SiteRenderer
from sitegen.render.templates import Theme
from sitegen.site import Site


def bodies(site: Site, cache: BuildCache) -> Mapping[str, str]:
    """Every article's body HTML keyed by its Markdown, from the cache or converted now."""
    texts = {
        source: source
        for article in site.articles
        if (source := drop_repeated_standfirst(article.body, article.standfirst))
    }
    return cache.bodies(texts, default_workers())


class CachedMarkdown:
    """Stands in for the renderer's Markdown converter: bodies come from the build cache."""

    def __init__(self, bodies: Mapping[str, str]):
        self._bodies = bodies
        self._fallback: MarkdownRenderer | None = None

    def render(self, text: str) -> str:
        html = self._bodies.get(text)
        if html is not None:
            return html
        if self._fallback is None:
            self._fallback = MarkdownRenderer()
        return self._fallback.render(text)


def code_salt() -> str:
    """What a feed's bytes depend on besides its inputs: the code that renders it."""
    code = sorted(Path(sitegen.__file__).parent.rglob("*.py"))
    parts = [sitegen.__version__, *(importlib.metadata.version(d) for d in ("feedgen", "lxml"))]
    return digest(*parts, *(f"{path}\0{digest(path.read_bytes())}" for path in code))


class FeedReuse:
    """Feeds whose inputs are the same as in the published site are read back from it."""

    def __init__(
        self, published: Path, hashes: Mapping[str, str], keys: Mapping[str, str], salt: str
    ):
        self._published = published
        self._hashes = hashes
        self._old_keys = keys
        self._salt = salt
        self._items: dict[str, str] = {}
        self.keys: dict[str, str] = {}  # this build's feeds: path -> key

    def key(
        self, renderer: SiteRenderer, parts: tuple[str, ...], articles: Iterable[Article]
    ) -> str:
        """A hash of everything the feed is made of: every listed article's feed entry included."""
        items = [self._item(renderer, article) for article in articles]
        return digest(self._salt, repr(renderer.settings), *parts, *items)

    def _item(self, renderer: SiteRenderer, article: Article) -> str:
        found = self._items.get(article.id)
        if found is None:
            item = renderer.feed_items.get(article.id)
            found = digest(article.id, repr(item) if item is not None else repr(article))
            self._items[article.id] = found
        return found

    def read(self, path: str, key: str) -> bytes | None:
        """The published bytes of `path` when they were made from the same inputs, else None."""
        self.keys[path] = key
        expected = self._hashes.get(path)
        if expected is None or self._old_keys.get(path) != key:
            return None
        try:
            data = self._published.joinpath(*path.split("/")).read_bytes()
        except OSError:
            return None
        return data if digest(data) == expected else None


class CachedRenderer(SiteRenderer):
    """The site renderer with article bodies from the build cache and unchanged feeds reused."""

    def __init__(
        self,
        site: Site,
        settings: Settings,
        theme: Theme,
        bodies: Mapping[str, str],
        reuse: FeedReuse,
    ):
        self._cached_markdown = CachedMarkdown(bodies)
        self.reuse = reuse
        super().__init__(site, settings, theme)

    def feeds(
        self, link: FeedLink, page_path: str, subtitle: str, articles: tuple[Article, ...]
    ) -> Iterator[Output]:
        key = self.reuse.key(self, (repr(link), page_path, subtitle), articles)
        atom, rss = self.reuse.read(link.atom, key), self.reuse.read(link.rss, key)
        if atom is None or rss is None:
            yield from super().feeds(link, page_path, subtitle, articles)
            return
        yield Output(link.atom, atom, "feed")
        yield Output(link.rss, rss, "feed")

    @property  # type: ignore[override]
    def markdown(self) -> CachedMarkdown:
        return self._cached_markdown

    @markdown.setter
    def markdown(self, _value: object) -> None:
        """The base class builds its own converter; the cached one stays in its place."""

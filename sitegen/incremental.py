"""The site renderer as an incremental build uses it: article bodies from the build cache.

Kept apart from `sitegen.build` so that a rebuild with nothing to do never imports the renderer.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable, Mapping
from pathlib import Path

import sitegen
from sitegen.cache import BuildCache, PendingBodies, default_workers, digest
from sitegen.config import Settings
from sitegen.model import Article
from sitegen.render.markdown import MarkdownRenderer, drop_repeated_standfirst
from sitegen.render.pages import SiteRenderer
from sitegen.render.templates import Theme
from sitegen.site import Site


def bodies(articles: Iterable[Article], cache: BuildCache) -> PendingBodies:
    """Every article's body HTML keyed by its Markdown: the cached ones looked up, the others
    being converted over a process pool meanwhile (`result()` waits for them)."""
    texts = {
        source: source
        for article in articles
        if (source := drop_repeated_standfirst(article.body, article.standfirst))
    }
    return cache.start_bodies(texts, default_workers())


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
    """What a unit's bytes depend on besides its inputs: the code that renders it."""
    code = sorted(Path(sitegen.__file__).parent.rglob("*.py"))
    libraries = ("feedgen", "lxml", "markdown", "nh3", "jinja2")  # their output is ours too
    parts = [sitegen.__version__, *(importlib.metadata.version(d) for d in libraries)]
    return digest(*parts, *(f"{path}\0{digest(path.read_bytes())}" for path in code))


class CachedRenderer(SiteRenderer):
    """The site renderer with article bodies from the build cache."""

    def __init__(
        self, site: Site, settings: Settings, theme: Theme, bodies: Mapping[str, str], salt: str
    ):
        self._cached_markdown = CachedMarkdown(bodies)
        super().__init__(site, settings, theme, salt)

    @property  # type: ignore[override]
    def markdown(self) -> CachedMarkdown:
        return self._cached_markdown

    @markdown.setter
    def markdown(self, _value: object) -> None:
        """The base class builds its own converter; the cached one stays in its place."""

"""`sitegen build`: import new seeds, load the articles, render the site, publish it atomically.

The site is rendered into a temporary folder beside the output and swapped into place only when
every file is written, so a failed or killed build leaves the previous good output untouched.
A broken article is reported and skipped; a broken theme or settings file stops the publish.

Rebuilds are incremental through the cache in `.sitegen-cache/` (`sitegen.cache`): article bodies
are converted once per distinct Markdown (over a process pool on a cold build), files whose bytes
did not change are hard-linked from the previous site instead of written, and when no input
changed at all (articles, theme, settings, sitegen itself) the published site is left as it is.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

import sitegen
from sitegen.cache import BuildCache, default_workers, digest, folder_identity
from sitegen.config import Project, Settings, load_settings
from sitegen.errors import SitegenError
from sitegen.fsswap import exchange
from sitegen.model import Article
from sitegen.render.markdown import MarkdownRenderer, drop_repeated_standfirst
from sitegen.render.pages import FeedLink, Output, SiteRenderer
from sitegen.render.templates import Theme, theme_folders
from sitegen.site import Site, build_model, load_articles

_TEMP = ".tmp-"
_OLD = ".old-"


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did. `published` is true when `output` now holds this build's site."""

    output: Path
    errors: tuple[SitegenError, ...] = ()
    warnings: tuple[str, ...] = ()
    articles: int = 0
    pages_written: int = 0
    feeds_written: int = 0
    files_written: int = 0
    published: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.published:
            return f"build failed: {len(self.errors)} error(s); {self.output.name}/ left as it was"
        text = (
            f"built {self.articles} article(s): {self.pages_written} page(s), "
            f"{self.feeds_written} feed(s) in {self.output.name}/"
        )
        if self.errors:
            text += f"; {len(self.errors)} error(s)"
        return text


def build_site(
    project: Project,
    *,
    settings: Settings | None = None,
    import_seeds: bool = True,
    changed: set[Path] | None = None,
) -> BuildResult:
    """Build the whole site into the output folder; errors are returned, never raised.

    `changed` names files known to have changed (a watcher's events); they are re-hashed even
    when their size and time stamp look the same. Any other change is still found by its stamp.
    """
    try:
        settings = settings if settings is not None else load_settings(project.settings_file)
    except SitegenError as error:
        return BuildResult(output=project.output(Settings()), errors=(error,))
    output = project.output(settings)
    _recover(output)
    errors: list[SitegenError] = []
    warnings: list[str] = []

    if import_seeds and project.seeds.is_dir():
        from sitegen.importer import import_paths

        report = import_paths(project, settings, [project.seeds])
        errors.extend(report.refused)
        # The importer also lists each refusal among its messages; report it once, as an error.
        refused = {str(error) for error in report.refused}
        warnings.extend(m for m in report.messages if m not in refused)

    with BuildCache(project.cache) as cache:
        try:
            inputs = _inputs_digest(project, settings, cache, changed)
        except (SitegenError, OSError):
            inputs = None  # the full build below reports what is wrong
        unchanged = _unchanged(cache, inputs, output)
        if unchanged is not None and not errors and not warnings:
            return BuildResult(output=output, articles=unchanged, published=True)
        result = _build(project, settings, output, cache, errors, warnings)
        clean = result.published and not result.errors and not result.warnings
        if result.published:
            _remember(cache, inputs if clean else None, output, result.articles)
        else:
            cache.set_state("inputs", "")
        return result


def _build(
    project: Project,
    settings: Settings,
    output: Path,
    cache: BuildCache,
    errors: list[SitegenError],
    warnings: list[str],
) -> BuildResult:
    loaded = load_articles(project.articles)
    errors.extend(loaded.errors)
    try:
        theme = Theme(
            theme_folders(project.themes, settings.theme),
            {"settings": settings, "base_path": _base_path(settings)},
        )
        theme.env.bytecode_cache = _bytecode_cache(project)
        theme.check()
        site = build_model(loaded.articles, settings.timezone)
        previous = _published_hashes(cache, output)
        reuse = _FeedReuse(output, previous, cache.feed_keys() if previous else {}, _code_salt())
        renderer = _CachedRenderer(site, settings, theme, _bodies(site, cache), reuse)
        counts = _write(renderer, output, cache, previous)
    except SitegenError as error:
        return BuildResult(output, (*errors, error), tuple(warnings), len(loaded.articles))
    pages, feeds, files = counts
    return BuildResult(
        output=output,
        errors=tuple(errors),
        warnings=tuple(warnings),
        articles=len(loaded.articles),
        pages_written=pages,
        feeds_written=feeds,
        files_written=files,
        published=True,
    )


# --- the cache ---------------------------------------------------------------------------------


def _inputs_digest(
    project: Project, settings: Settings, cache: BuildCache, changed: set[Path] | None
) -> str:
    """One hash of everything a build reads: settings, theme, articles and sitegen's own code."""
    folders = theme_folders(project.themes, settings.theme)
    groups = {
        "articles": sorted(project.articles.glob("*.md")) if project.articles.is_dir() else [],
        "theme": sorted(p for folder in folders for p in folder.rglob("*") if p.is_file()),
        "code": sorted(Path(sitegen.__file__).parent.rglob("*.py")),
    }
    hashes = cache.file_hashes([p for paths in groups.values() for p in paths], changed)
    parts = [sitegen.__version__, repr(settings), repr(folders)]
    for name, paths in groups.items():
        parts.append(name)
        parts.extend(f"{path}\0{hashes[path]}" for path in paths)
    return digest(*parts)


def _unchanged(cache: BuildCache, inputs: str | None, output: Path) -> int | None:
    """The article count of the published site when it is still this build's result, else None."""
    if inputs is None or cache.state("inputs") != inputs:
        return None
    if cache.state("output") != f"{output}|{folder_identity(output)}":
        return None
    count = cache.state("articles")
    return int(count) if count is not None and count.isdigit() else None


def _remember(cache: BuildCache, inputs: str | None, output: Path, articles: int) -> None:
    cache.set_state("inputs", inputs or "")
    cache.set_state("output", f"{output}|{folder_identity(output)}")
    cache.set_state("articles", str(articles))


def _bytecode_cache(project: Project) -> jinja2.BytecodeCache:
    folder = project.cache / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def _bodies(site: Site, cache: BuildCache) -> Mapping[str, str]:
    """Every article's body HTML keyed by its Markdown, from the cache or converted now."""
    texts = {
        source: source
        for article in site.articles
        if (source := drop_repeated_standfirst(article.body, article.standfirst))
    }
    return cache.bodies(texts, default_workers())


class _CachedMarkdown:
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


def _code_salt() -> str:
    """What a feed's bytes depend on besides its inputs: the code that renders it."""
    code = sorted(Path(sitegen.__file__).parent.rglob("*.py"))
    parts = [sitegen.__version__, *(importlib.metadata.version(d) for d in ("feedgen", "lxml"))]
    return digest(*parts, *(f"{path}\0{digest(path.read_bytes())}" for path in code))


class _FeedReuse:
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


class _CachedRenderer(SiteRenderer):
    """The site renderer with article bodies from the build cache and unchanged feeds reused."""

    def __init__(
        self,
        site: Site,
        settings: Settings,
        theme: Theme,
        bodies: Mapping[str, str],
        reuse: _FeedReuse,
    ):
        self._cached_markdown = _CachedMarkdown(bodies)
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
    def markdown(self) -> _CachedMarkdown:
        return self._cached_markdown

    @markdown.setter
    def markdown(self, _value: object) -> None:
        """The base class builds its own converter; the cached one stays in its place."""


def _base_path(settings: Settings) -> str:
    """The path part of the base URL (`/` or `/news/`): internal links are root-relative to it."""
    return urlsplit(settings.base_url).path or "/"


def _write(
    renderer: _CachedRenderer, output: Path, cache: BuildCache, previous: Mapping[str, str]
) -> tuple[int, int, int]:
    """Render every output into a temporary folder, then swap it in place of `output`.

    A file whose bytes equal the published one's is hard-linked from it, not written again.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f"{output.name}{_TEMP}{os.getpid()}-", dir=output.parent))
    temp.chmod(0o755)  # mkdtemp's 0700 would hide the published site from a web server
    hashes: dict[str, str] = {}
    pages = feeds = files = 0
    try:
        made: set[Path] = set()
        for item in renderer.outputs():
            parts = item.path.split("/")
            # Paths come from validated slugs, but check anyway: nothing may land outside.
            if any(part in ("", ".", "..") or "\\" in part for part in parts):
                raise SitegenError(f"refusing to write outside the output folder: {item.path}")
            target = temp.joinpath(*parts)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            hashes[item.path] = digest(item.data)
            if previous.get(item.path) != hashes[item.path] or not _link(output, parts, target):
                target.write_bytes(item.data)
                files += 1
            pages += item.kind == "page"
            feeds += item.kind == "feed"
        _publish(temp, output)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    cache.set_output_hashes(hashes, renderer.reuse.keys)
    return pages, feeds, files


def _published_hashes(cache: BuildCache, output: Path) -> dict[str, str]:
    """Hashes of the published files, when `output` is still the folder this cache published."""
    if cache.state("output") != f"{output}|{folder_identity(output)}":
        return {}
    return cache.output_hashes()


def _link(output: Path, parts: list[str], target: Path) -> bool:
    try:
        os.link(output.joinpath(*parts), target)
    except OSError:
        return False
    return True


def _publish(temp: Path, output: Path) -> None:
    """Swap the new folder in and delete the old one.

    Where the system can exchange two names in one step, `public/` is never missing, not even
    for an instant; otherwise it is two renames (old aside, new in) that `_recover` can repair.
    """
    old = output.with_name(temp.name.replace(_TEMP, _OLD, 1))
    if output.is_dir() and not output.is_symlink() and exchange(temp, output):
        shutil.rmtree(temp, ignore_errors=True)  # `temp` now holds the previous site
        return
    if output.exists():
        output.rename(old)
    try:
        temp.rename(output)
    except OSError:
        if old.exists():
            old.rename(output)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _recover(output: Path) -> None:
    """Tidy up after builds that were killed: their process is gone, their folders remain.

    A build killed between its two renames leaves no output but the previous site set aside;
    that site is put back. Unfinished temporary folders are deleted.
    """
    if not output.parent.is_dir():
        return
    for marker in (_OLD, _TEMP):
        for path in sorted(output.parent.glob(f"{output.name}{marker}*")):
            pid = path.name[len(output.name) + len(marker) :].split("-", 1)[0]
            if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
                continue
            if marker == _OLD and not output.exists():
                path.rename(output)
            else:
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

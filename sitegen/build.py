"""`sitegen build`: import new seeds, load the articles, render the site, publish it atomically.

The site is written into a spare folder and swapped into place only when every file is written
(`sitegen.publish`), so a failed or killed build leaves the previous good output untouched.
A broken article is reported and skipped; a broken theme or settings file stops the publish.

Rebuilds are incremental through the cache in `.sitegen-cache/` (`sitegen.cache`): article bodies
are converted once per distinct Markdown (over a process pool on a cold build), units whose inputs
did not change are not rendered, only files whose bytes changed are written, and when no input
changed at all (articles, theme, settings, sitegen itself) the published site is left as it is.
One build at a time: a second one waits for the first (a lock in the cache folder).
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import jinja2

import sitegen
from sitegen.cache import BuildCache, default_workers, digest
from sitegen.config import Project, Settings, load_settings
from sitegen.errors import SitegenError, StaleOutput
from sitegen.publish import Folders, finish, is_published, open_folders, recover, spare_folder
from sitegen.render.templates import theme_folders
from sitegen.sysmem import release_free_memory

if TYPE_CHECKING:
    from sitegen.incremental import CachedRenderer
    from sitegen.model import Article

_POOL_MINIMUM = 64  # fewer units to render than this: one process is quicker


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
    unchanged: bool = False  # nothing changed since the published build: nothing was done

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.published:
            return f"build failed: {len(self.errors)} error(s); {self.output.name}/ left as it was"
        if self.unchanged:
            return f"built {self.articles} article(s): nothing changed in {self.output.name}/"
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
    workers: int | None = None,
    accept: Callable[[tuple[SitegenError, ...]], bool] | None = None,
    kept: dict[str, Article] | None = None,
) -> BuildResult:
    """Build the whole site into the output folder; errors are returned, never raised.

    `changed` names files known to have changed (a watcher's events); they are re-hashed even
    when their size and time stamp look the same. Any other change is still found by its stamp.
    `workers` fixes how many processes render (default: both cores when there is much to do).
    `accept`, given the build's errors, decides whether the new site replaces the published one
    (the preview keeps its last good site); by default it always does. `kept` is where a
    long-running caller (the preview) keeps parsed articles between builds (`load_articles`).
    """
    try:
        settings = settings if settings is not None else load_settings(project.settings_file)
    except SitegenError as error:
        return BuildResult(output=project.output(Settings()), errors=(error,))
    output = project.output(settings)
    with _one_build_at_a_time(project):
        request = _Request(import_seeds, changed, workers, accept, kept)
        return _locked_build(project, settings, output, request)


@dataclass(frozen=True, slots=True)
class _Request:
    """What the caller of `build_site` asked for, beyond the project and its settings."""

    import_seeds: bool
    changed: set[Path] | None
    workers: int | None
    accept: Callable[[tuple[SitegenError, ...]], bool] | None
    kept: dict[str, Article] | None


@contextmanager
def _one_build_at_a_time(project: Project) -> Iterator[None]:
    project.cache.mkdir(parents=True, exist_ok=True)
    with open(project.cache / "build.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _locked_build(
    project: Project, settings: Settings, output: Path, request: _Request
) -> BuildResult:
    recover(output)
    errors: list[SitegenError] = []
    warnings: list[str] = []

    if request.import_seeds and project.seeds.is_dir():
        from sitegen.importer import import_paths

        report = import_paths(project, settings, [project.seeds])
        errors.extend(report.refused)
        # The importer also lists each refusal among its messages; report it once, as an error.
        refused = {str(error) for error in report.refused}
        warnings.extend(m for m in report.messages if m not in refused)

    with BuildCache(project.cache) as cache:
        try:
            inputs = _inputs_digest(project, settings, cache, request.changed)
        except (SitegenError, OSError):
            inputs = None  # the full build below reports what is wrong
        unchanged = _unchanged(cache, inputs, output)
        if unchanged is not None and not errors and not warnings:
            return BuildResult(output=output, articles=unchanged, published=True, unchanged=True)
        # Forgotten until this build is published and remembered: a build killed on the way
        # must not leave the old inputs vouching for whatever site it left in place.
        cache.set_state("inputs", "")
        result = _build(project, settings, output, cache, errors, warnings, request)
        clean = result.published and not result.errors and not result.warnings
        if result.published:
            _remember(cache, inputs if clean else None, result.articles)
        return result


def _build(
    project: Project,
    settings: Settings,
    output: Path,
    cache: BuildCache,
    errors: list[SitegenError],
    warnings: list[str],
    request: _Request,
) -> BuildResult:
    # The renderer is imported only when there is something to render.
    from sitegen.incremental import CachedRenderer, bodies, code_salt
    from sitegen.render.templates import Theme
    from sitegen.site import build_model, load_articles

    loaded = load_articles(project.articles, cache, request.kept)
    errors.extend(loaded.errors)
    try:
        theme = Theme(
            theme_folders(project.themes, settings.theme),
            {"settings": settings, "base_path": _base_path(settings)},
        )
        theme.env.bytecode_cache = _bytecode_cache(project)
        theme.check()
        # Bodies missing from the cache are converted on both cores while the model is built.
        converting = bodies(loaded.articles, cache)
        try:
            site = build_model(loaded.articles, settings.timezone, cache, loaded.content_keys)
        finally:
            converted = converting.result()  # the pool ends here, whatever happened
        release_free_memory()  # story detection's scratch memory, before rendering forks
        salt = _theme_digest(project, settings, cache) + code_salt()
        renderer = CachedRenderer(site, settings, theme, converted, salt)
        publish = request.accept is None or request.accept(tuple(errors))
        spare = spare_folder(project.cache, output)
        counts = _write(renderer, cache, output, spare, request.workers, publish)
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
        published=publish,
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


def _theme_digest(project: Project, settings: Settings, cache: BuildCache) -> str:
    """A hash of every file of the theme: templates and static assets."""
    folders = theme_folders(project.themes, settings.theme)
    paths = sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())
    hashes = cache.file_hashes(paths, None)
    return digest(repr(folders), *(f"{path}\0{hashes[path]}" for path in paths))


def _unchanged(cache: BuildCache, inputs: str | None, output: Path) -> int | None:
    """The article count of the published site when it is still this build's result, else None."""
    if inputs is None or cache.state("inputs") != inputs:
        return None
    if not is_published(cache, output):
        return None
    count = cache.state("articles")
    return int(count) if count is not None and count.isdigit() else None


def _remember(cache: BuildCache, inputs: str | None, articles: int) -> None:
    cache.set_state("inputs", inputs or "")
    cache.set_state("articles", str(articles))


def _bytecode_cache(project: Project) -> jinja2.BytecodeCache:
    folder = project.cache / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def _base_path(settings: Settings) -> str:
    """The path part of the base URL (`/` or `/news/`): internal links are root-relative to it."""
    return urlsplit(settings.base_url).path or "/"


def _write(
    renderer: CachedRenderer,
    cache: BuildCache,
    output: Path,
    spare: Path,
    workers: int | None,
    publish: bool,
) -> tuple[int, int, int]:
    """Write every unit into the spare folder, then swap it in place of `output` if `publish`.

    A unit whose inputs are those of its published files is not rendered: its files are
    linked from the published site where the spare lacks them. When the folders turn out not
    to hold what the cache says, the spare is started afresh and everything rendered.
    """
    try:
        return _patch(renderer, cache, open_folders(cache, output, spare), workers, publish)
    except (StaleOutput, OSError):
        cache.set_state("output", "")
        cache.set_state("spare", "")
        return _patch(renderer, cache, open_folders(cache, output, spare), workers, publish)


def _patch(
    renderer: CachedRenderer,
    cache: BuildCache,
    folders: Folders,
    workers: int | None,
    publish: bool,
) -> tuple[int, int, int]:
    from sitegen.units import Target, describe, reusable, write_units

    manifest: dict[str, str] = {}
    records: dict[str, tuple[str, str]] = {}
    pages = feeds = files = 0
    units = renderer.units()
    recorded = cache.unit_keys()
    published = recorded if folders.published else {}
    plans = [reusable(unit, published, folders.published) for unit in units]
    count = _workers(workers, sum(plan is None for plan in plans))
    target = Target(folders.spare, folders.present, folders.output, folders.published)
    results = write_units(units, plans, target, count)
    for unit, written in zip(units, results, strict=True):
        for path, hashed, kind, wrote in written:
            manifest[path] = hashed
            files += wrote
            pages += kind == "page"
            feeds += kind == "feed"
        if unit.key is not None:
            records[unit.name] = (unit.key, describe(written))
    finish(cache, folders, manifest, records, recorded, publish=publish)
    return pages, feeds, files


def _workers(asked: int | None, to_render: int) -> int:
    """Processes to render with: as asked, else both cores when there is enough to render."""
    if asked is not None:
        return max(1, asked)
    return default_workers() if to_render >= _POOL_MINIMUM else 1

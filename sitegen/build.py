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

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import jinja2

import sitegen
from sitegen.cache import BuildCache, default_workers, digest, folder_identity
from sitegen.config import Project, Settings, load_settings
from sitegen.errors import SitegenError
from sitegen.fsswap import exchange
from sitegen.render.templates import theme_folders

if TYPE_CHECKING:
    from sitegen.incremental import CachedRenderer

_TEMP = ".tmp-"
_OLD = ".old-"
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
) -> BuildResult:
    """Build the whole site into the output folder; errors are returned, never raised.

    `changed` names files known to have changed (a watcher's events); they are re-hashed even
    when their size and time stamp look the same. Any other change is still found by its stamp.
    `workers` fixes how many processes render (default: both cores when there is much to do).
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
            return BuildResult(output=output, articles=unchanged, published=True, unchanged=True)
        result = _build(project, settings, output, cache, errors, warnings, workers)
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
    workers: int | None,
) -> BuildResult:
    # The renderer is imported only when there is something to render.
    from sitegen.incremental import CachedRenderer, bodies, code_salt
    from sitegen.render.templates import Theme
    from sitegen.site import build_model, load_articles

    loaded = load_articles(project.articles, cache)
    errors.extend(loaded.errors)
    try:
        theme = Theme(
            theme_folders(project.themes, settings.theme),
            {"settings": settings, "base_path": _base_path(settings)},
        )
        theme.env.bytecode_cache = _bytecode_cache(project)
        theme.check()
        site = build_model(loaded.articles, settings.timezone, cache)
        previous = _published_hashes(cache, output)
        salt = _theme_digest(project, settings, cache) + code_salt()
        renderer = CachedRenderer(site, settings, theme, bodies(site, cache), salt)
        counts = _write(renderer, output, cache, previous, workers)
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


def _base_path(settings: Settings) -> str:
    """The path part of the base URL (`/` or `/news/`): internal links are root-relative to it."""
    return urlsplit(settings.base_url).path or "/"


def _write(
    renderer: CachedRenderer,
    output: Path,
    cache: BuildCache,
    previous: Mapping[str, str],
    workers: int | None,
) -> tuple[int, int, int]:
    """Write every unit into a temporary folder, then swap it in place of `output`.

    A unit whose inputs are those of its published files is not rendered: its files are
    hard-linked from the published site, as is any rendered file whose bytes did not change.
    """
    from sitegen.units import Target, describe, reusable, write_units

    output.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f"{output.name}{_TEMP}{os.getpid()}-", dir=output.parent))
    temp.chmod(0o755)  # mkdtemp's 0700 would hide the published site from a web server
    hashes: dict[str, str] = {}
    records: dict[str, tuple[str, str]] = {}
    pages = feeds = files = 0
    try:
        units = renderer.units()
        published = cache.unit_keys() if previous else {}
        plans = [reusable(unit, published, previous) for unit in units]
        count = _workers(workers, sum(plan is None for plan in plans))
        results = write_units(units, plans, Target(temp, output, previous), count)
        for unit, written in zip(units, results, strict=True):
            for path, hashed, kind, wrote in written:
                hashes[path] = hashed
                files += wrote
                pages += kind == "page"
                feeds += kind == "feed"
            if unit.key is not None:
                records[unit.name] = (unit.key, describe(written))
        _publish(temp, output)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    cache.set_output_hashes(hashes, records)
    return pages, feeds, files


def _workers(asked: int | None, to_render: int) -> int:
    """Processes to render with: as asked, else both cores when there is enough to render."""
    if asked is not None:
        return max(1, asked)
    return default_workers() if to_render >= _POOL_MINIMUM else 1


def adopt_published(project: Project, published: Path, staging: Path) -> None:
    """The preview moved its site from `staging` to `published`: keep the next build incremental.

    A hard-link copy of the site is left at `staging`, where the next preview build renders, and
    the cache is told that this copy is the site it published, so unchanged pages are reused
    (linked) instead of rendered again. Best effort: on any failure the next build is a full one.
    """
    with BuildCache(project.cache) as cache:
        if cache.state("output") != f"{staging}|{folder_identity(published)}":
            return  # not the build the cache remembers
        try:
            shutil.copytree(published, staging, copy_function=os.link)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            return
        cache.set_state("output", f"{staging}|{folder_identity(staging)}")


def _published_hashes(cache: BuildCache, output: Path) -> dict[str, str]:
    """Hashes of the published files, when `output` is still the folder this cache published."""
    if cache.state("output") != f"{output}|{folder_identity(output)}":
        return {}
    return cache.output_hashes()


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

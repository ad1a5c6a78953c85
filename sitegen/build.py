"""`sitegen build`: import new seeds, load the articles, render the site, publish it atomically.

The site is rendered into a temporary folder beside the output and swapped into place only when
every file is written, so a failed or killed build leaves the previous good output untouched.
A broken article is reported and skipped; a broken theme or settings file stops the publish.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sitegen.config import Project, Settings, load_settings
from sitegen.errors import SitegenError
from sitegen.fsswap import exchange
from sitegen.render.pages import SiteRenderer
from sitegen.render.templates import Theme, theme_folders
from sitegen.site import build_model, load_articles

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
    project: Project, *, settings: Settings | None = None, import_seeds: bool = True
) -> BuildResult:
    """Build the whole site into the output folder; errors are returned, never raised."""
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

    loaded = load_articles(project.articles)
    errors.extend(loaded.errors)
    try:
        theme = Theme(
            theme_folders(project.themes, settings.theme),
            {"settings": settings, "base_path": _base_path(settings)},
        )
        theme.check()
        renderer = SiteRenderer(build_model(loaded.articles, settings.timezone), settings, theme)
        counts = _write(renderer, output)
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


def _base_path(settings: Settings) -> str:
    """The path part of the base URL (`/` or `/news/`): internal links are root-relative to it."""
    return urlsplit(settings.base_url).path or "/"


def _write(renderer: SiteRenderer, output: Path) -> tuple[int, int, int]:
    """Render every output into a temporary folder, then swap it in place of `output`."""
    output.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f"{output.name}{_TEMP}{os.getpid()}-", dir=output.parent))
    temp.chmod(0o755)  # mkdtemp's 0700 would hide the published site from a web server
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
            target.write_bytes(item.data)
            files += 1
            pages += item.kind == "page"
            feeds += item.kind == "feed"
        _publish(temp, output)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return pages, feeds, files


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

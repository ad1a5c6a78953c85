"""The theme: Jinja2 templates and static assets, a site's own theme folder first, then the default.

Templates autoescape everything; text from articles is data and is never evaluated as a template.
CSS and JS assets get a content hash in their file name so browsers can cache them forever.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any

import jinja2

from sitegen.errors import ThemeError
from sitegen.site import MONTH_NAMES

# The default theme ships beside the package (`themes/default/` at the top of the repository).
DEFAULT_THEME = Path(__file__).resolve().parents[2] / "themes" / "default"
TEMPLATES = "templates"
STATIC = "static"
_FINGERPRINTED = frozenset({".css", ".js"})


def theme_folders(themes: Path, name: str) -> tuple[Path, ...]:
    """The theme folders to search, most specific first."""
    site = themes / name
    folders = [site] if site.is_dir() else []
    if name != "default" and not folders:
        raise ThemeError(f"theme '{name}' not found", site)
    if not any(folder.resolve() == DEFAULT_THEME for folder in folders):
        folders.append(DEFAULT_THEME)
    return tuple(folders)


def human_date(when: dt.date | dt.datetime) -> str:
    """`19 June 2024`, plus `14:05 +03:00` when a time was printed; locale-independent."""
    text = f"{when.day} {MONTH_NAMES[when.month - 1]} {when.year}"
    if isinstance(when, dt.datetime):
        offset = when.strftime("%z")
        zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
        text += f", {when:%H:%M} {zone}"
    return text


def iso(when: dt.date | dt.datetime) -> str:
    return when.isoformat()


def _fingerprint(path: Path, data: bytes) -> str:
    if path.suffix not in _FINGERPRINTED:
        return path.as_posix()
    digest = hashlib.sha256(data).hexdigest()[:10]
    return path.with_name(f"{path.stem}.{digest}{path.suffix}").as_posix()


@dataclass(frozen=True, slots=True)
class Asset:
    source: Path
    target: str  # path inside the output folder, e.g. `static/style.1a2b3c4d5e.css`


def collect_assets(folders: tuple[Path, ...]) -> Mapping[str, Asset]:
    """Static files by their logical name (`style.css`); a site's own file replaces the default."""
    assets: dict[str, Asset] = {}
    for folder in reversed(folders):
        static = folder / STATIC
        if not static.is_dir():
            continue
        for path in sorted(p for p in static.rglob("*") if p.is_file()):
            name = path.relative_to(static)
            target = f"{STATIC}/{_fingerprint(name, path.read_bytes())}"
            assets[name.as_posix()] = Asset(path, target)
    return MappingProxyType(dict(sorted(assets.items())))


class Theme:
    """A loaded theme: the Jinja2 environment and the fingerprinted assets."""

    def __init__(self, folders: tuple[Path, ...], context: Mapping[str, Any]):
        self.folders = folders
        self.assets = collect_assets(folders)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(f / TEMPLATES) for f in folders]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # One Theme serves one build: its templates never change under it, so no stat
            # of the template file on every page.
            auto_reload=False,
        )
        self.env.filters["human_date"] = human_date
        self.env.filters["iso"] = iso
        self.env.globals.update(context)
        self.env.globals["asset"] = self.asset_path

    def asset_path(self, name: str) -> str:
        try:
            return self.assets[name].target
        except KeyError:
            raise ThemeError(f"the theme has no static file '{name}'", self.folders[0]) from None

    def check(self) -> None:
        """Compile every template now, so a syntax error stops the build before any output."""
        for name in sorted(self.env.list_templates(extensions=["html", "xml", "txt"])):
            try:
                self.env.get_template(name)
            except jinja2.TemplateSyntaxError as error:
                raise _theme_error(error, error.__traceback__) from None

    def render(self, name: str, **context: Any) -> str:
        try:
            return self.env.get_template(name).render(**context)
        except ThemeError:
            raise
        except jinja2.TemplateNotFound as error:
            raise ThemeError(f"template '{error.name}' not found", self.folders[0]) from None
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as error:
            raise _theme_error(error, sys.exc_info()[2]) from None


def _theme_error(error: Exception, tb: TracebackType | None) -> ThemeError:
    """A ThemeError naming the template file and line (Jinja2 rewrites template frames)."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return ThemeError(f"template syntax: {error.message}", error.filename, error.lineno)
    where: tuple[str, int] | None = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            where = (filename, tb.tb_lineno)
        tb = tb.tb_next
    message = f"template error: {error}"
    if where is None:
        return ThemeError(message)
    return ThemeError(message, where[0], where[1])

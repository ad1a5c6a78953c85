"""`sitegen new DIR`: write a new site that builds at once.

The settings file is generated from `dataclasses.fields(Settings)`, so every option appears with its
real default; `DESCRIPTIONS` explains each one (a test fails when an option has no description).
Nothing a person wrote is ever overwritten: a non-empty folder is refused unless `force`, and even
then existing files are kept as they are.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.config import SETTINGS_FILE, Settings
from sitegen.errors import SitegenError

DESCRIPTIONS: dict[str, str] = {
    "title": "The site's name: shown in the header, page titles and feeds.",
    "description": "One sentence about the site, for the home page, feeds and search engines.",
    "base_url": "The absolute URL the site is published at (with a path if it lives in a folder,\n"
    "# such as https://example.org/news/). Links, feeds and the sitemap use it.",
    "language": "The site's language as a BCP 47 tag (en, de, fr-CA): <html lang> and feeds.",
    "per_page": "How many articles a home, section, tag or publisher page lists before paging.",
    "feed_entries": "How many of the newest articles each Atom/RSS feed carries.",
    "theme": "The theme name: themes/<name>/ in this folder, falling back to the built-in\n"
    "# 'default' theme for any template or file it does not provide.",
    "output_dir": "The folder the built site is written to (relative to this file).",
    "id_authority": "The domain used in permanent tag: ids of feed entries. Empty means the host\n"
    "# of base_url. Set it once and never change it, or feed readers see new entries.",
    "republished": "How pages of articles republished from other outlets ask search engines to\n"
    "# treat them: 'noindex' (keep them out, the default), 'canonical' (point to the\n"
    "# original when its URL is known) or 'index'.",
    "corrections_policy": "The URL of the site's corrections policy page (not yet shown\n"
    "# by the default theme; available to your own templates as settings.corrections_policy).",
    "timezone": "The IANA time zone (UTC, Europe/Berlin) for dates printed without a zone.",
}

EXAMPLE_NAME = "example-riverside-library.txt"
EXAMPLE_ARTICLE = """\
Local news

Riverside library reopens after flood repairs

The town's main library welcomed readers back on Saturday, eight months after floodwater \
ruined its ground floor.

By Maria Lindqvist

12 April 2025

RIVERSIDE, 12 April — The Riverside public library reopened its doors on Saturday morning, \
eight months after the river burst its banks and left the ground floor under half a metre of water.

Volunteers carried more than 4,000 books back to the shelves over the past fortnight, head \
librarian Tom Okafor told reporters at the reopening. "People kept asking when they could come \
back. Today the answer is: now," he said.

The repairs cost the town council about 310,000 euros, most of it covered by insurance. The \
children's reading room has moved upstairs, where it will be safe from any future flood.

The library is open from 9 am to 7 pm on weekdays and until 1 pm on Saturdays.
"""

THEMES_README = """\
# Themes

The built-in `default` theme renders this site. To change a page, copy the template you want to
change from sitegen's `themes/default/templates/` into this folder under the same name and edit it:

    themes/default/templates/article.html   overrides the article page
    themes/default/templates/base.html      overrides the frame every page shares
    themes/default/static/style.css         overrides the stylesheet

Any template or file you do not put here still comes from the built-in theme, so an override
folder holds only what you changed. To build a theme with another name, create
`themes/<name>/templates/` and set `theme = "<name>"` in sitegen.toml.

Templates are Jinja2. `sitegen serve` rebuilds and reloads the browser when a template changes;
a broken template shows an error in the browser and the last good site stays up.
"""

GITIGNORE = """\
/public/
/.sitegen-cache/
"""


class ScaffoldError(SitegenError):
    """The folder cannot receive a new site."""


@dataclass
class ScaffoldReport:
    """Files `new_site` wrote, and files it found already there and left alone."""

    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def _toml_value(value: object) -> str:
    """A TOML literal for a default: ints as they are, text as a basic string (JSON-compatible)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def settings_text() -> str:
    """The commented settings file: every option, its default and what it means."""
    defaults = Settings()
    lines = [
        "# sitegen settings. Every option is shown with its default;",
        "# uncomment a line to change it.",
        "# A missing option (or a missing file) uses the default.",
        "",
    ]
    for option in dataclasses.fields(Settings):
        meaning = DESCRIPTIONS.get(option.name, "(not described yet)")
        lines.append(f"# {meaning}")
        lines.append(f"# {option.name} = {_toml_value(getattr(defaults, option.name))}")
        lines.append("")
    return "\n".join(lines)


def site_files() -> dict[str, str]:
    """Every file of a new site, by path relative to the site folder."""
    return {
        SETTINGS_FILE: settings_text(),
        f"content/seeds/{EXAMPLE_NAME}": EXAMPLE_ARTICLE,
        "content/articles/.gitkeep": "",
        "themes/README.md": THEMES_README,
        ".gitignore": GITIGNORE,
    }


def new_site(root: Path, *, force: bool = False) -> ScaffoldReport:
    """Write a new site into `root`; refuse a non-empty folder unless `force`, never overwrite."""
    if root.exists() and not root.is_dir():
        raise ScaffoldError("exists and is not a folder", root)
    if root.is_dir() and any(root.iterdir()) and not force:
        raise ScaffoldError("folder is not empty (use --force to add only missing files)", root)
    report = ScaffoldReport()
    for relative, text in site_files().items():
        path = root / relative
        if _write_new(path, text):
            report.written.append(path)
        else:
            report.kept.append(path)
    return report


def _write_new(path: Path, text: str) -> bool:
    """Create `path` with `text`; False (and nothing written) when it already exists."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ScaffoldError(f"cannot create folder ({error.strerror})", path.parent) from None
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        return False
    except OSError as error:
        raise ScaffoldError(f"cannot write ({error.strerror})", path) from None
    return True

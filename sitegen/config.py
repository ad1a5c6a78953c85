"""Site settings: one TOML file (`sitegen.toml`), every option declared once with its default.

A fresh checkout builds with no settings file at all. Settings are a frozen object passed to the
parts that need them, never a global.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen.errors import ConfigError

SETTINGS_FILE = "sitegen.toml"
Republished = Literal["noindex", "canonical", "index"]


@dataclass(frozen=True, slots=True)
class Settings:
    """Every site option, with the default a new site gets."""

    title: str = "sitegen news"
    description: str = "News articles with their sources, publishers and photo credits."
    base_url: str = "https://example.org/"
    language: str = "en"
    per_page: int = 10
    feed_entries: int = 20
    theme: str = "default"
    output_dir: str = "public"
    id_authority: str = ""
    republished: Republished = "noindex"
    corrections_policy: str = ""
    timezone: str = "UTC"

    @property
    def authority(self) -> str:
        """The domain used in permanent `tag:` ids (the base URL's host unless set)."""
        return self.id_authority or urlsplit(self.base_url).hostname or "example.org"


_CHOICES: dict[str, tuple[str, ...]] = {"republished": ("noindex", "canonical", "index")}


def _check(name: str, value: Any, path: Path) -> Any:
    field_types = {f.name: f.type for f in dataclasses.fields(Settings)}
    expected = field_types[name]
    if expected == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"'{name}' must be a whole number of at least 1", path)
    elif not isinstance(value, str):
        raise ConfigError(f"'{name}' must be text", path)
    if name in _CHOICES and value not in _CHOICES[name]:
        raise ConfigError(f"'{name}' must be one of {', '.join(_CHOICES[name])}", path)
    if name == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"'timezone' must be an IANA time zone such as 'UTC', not '{value}'", path
            ) from None
    if name == "base_url":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError("'base_url' must be an absolute http(s) URL", path)
        if not value.endswith("/"):
            value += "/"
    return value


def load_settings(path: Path) -> Settings:
    """Read the settings file; a missing file gives the defaults."""
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read settings ({error})", path) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML ({error})", path) from None
    known = {f.name for f in dataclasses.fields(Settings)}
    values = {}
    for name, value in data.items():
        if name not in known:
            raise ConfigError(f"unknown setting '{name}'", path)
        values[name] = _check(name, value, path)
    return Settings(**values)


@dataclass(frozen=True, slots=True)
class Project:
    """Where a site's parts live on disk, derived from its root folder."""

    root: Path

    @property
    def settings_file(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def seeds(self) -> Path:
        return self.content / "seeds"

    @property
    def articles(self) -> Path:
        return self.content / "articles"

    @property
    def themes(self) -> Path:
        return self.root / "themes"

    @property
    def cache(self) -> Path:
        return self.root / ".sitegen-cache"

    def output(self, settings: Settings) -> Path:
        return self.root / settings.output_dir

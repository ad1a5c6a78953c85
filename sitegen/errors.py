"""Errors a user can hit. Each carries a message meant for people: the file and the problem."""

from __future__ import annotations

from pathlib import Path


class SitegenError(Exception):
    """Base class: `str(error)` is one line naming the file (when there is one) and the problem."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class RefusedInput(SitegenError):
    """A raw file the importer will not turn into an article (empty, binary, no body…)."""


class ContentError(SitegenError):
    """A Markdown file whose front matter or body cannot be loaded."""


class ConfigError(SitegenError):
    """The settings file is invalid."""


class ThemeError(SitegenError):
    """A theme template is missing or broken."""


class StaleOutput(SitegenError):
    """The output or spare folder no longer holds what the cache says: build them afresh."""

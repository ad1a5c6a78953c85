"""The Article model: one typed definition of every field an article has.

The importer produces it, the Markdown writer and reader round-trip it, and the site renders it.
Dates are `datetime.date` when only a calendar day is known and an aware `datetime.datetime` when
the text printed a time and a zone; nothing here ever invents a time or a zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

DateSource = Literal["byline", "dateline", "caption", "text", "manual"]
DATE_SOURCES: tuple[str, ...] = ("byline", "dateline", "caption", "text", "manual")

# A calendar day, or an aware moment when the text printed a time and a zone.
When = dt.date | dt.datetime


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo as the text describes it: caption, the credit as printed, and its parts."""

    caption: str
    credit: str | None = None
    credit_parts: tuple[str, ...] = ()
    image: str | None = None


@dataclass(frozen=True, slots=True)
class Dateline:
    """The place (and date, when printed) that opens the first body paragraph."""

    place: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where the article came from: the raw file, its hashes, and the original URL when known."""

    file: str | None = None
    sha256: str | None = None
    fingerprint: str | None = None
    encoding: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    """A dated correction or update notice shown on the page and carried by the feeds."""

    date: dt.datetime
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """One article, as stored in `content/articles/<slug>.md`."""

    id: str
    title: str
    slug: str
    body: str
    date: When | None = None
    date_source: str | None = None
    updated: When | None = None
    sections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    standfirst: str | None = None
    dateline: Dateline = field(default_factory=Dateline)
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    source: Source = field(default_factory=Source)
    cites: tuple[str, ...] = ()
    photos: tuple[Photo, ...] = ()
    lang: str | None = None
    story: str | None = None
    original: bool = False
    corrections: tuple[Correction, ...] = ()


def calendar_date(when: When | None) -> dt.date | None:
    """The calendar day of a date or datetime, as printed (never shifted to UTC)."""
    if when is None:
        return None
    if isinstance(when, dt.datetime):
        return when.date()
    return when

"""Markdown files with YAML front matter: the editable source of truth for each article.

`dump_article` and `load_article` round-trip an `Article` exactly. A file written by the importer
carries an `import_digest` line: the hash of everything else in the file. When the digest no longer
matches, a person has edited the file and the importer must leave it alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from sitegen.errors import ContentError
from sitegen.model import Article, Correction, Dateline, Photo, Source, When

try:  # libyaml is an order of magnitude faster; fall back when it is not compiled in.
    _Loader: type = yaml.CSafeLoader
    _Dumper: type = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader
    _Dumper = yaml.SafeDumper

FENCE = "---"
DIGEST_KEY = "import_digest"
_DIGEST_LINE = re.compile(rf"^{DIGEST_KEY}: *\S*\n", re.MULTILINE)

_STRING_FIELDS = ("id", "title", "slug", "date_source", "standfirst", "publisher", "lang", "story")
_LIST_FIELDS = ("sections", "tags", "authors", "cites")
_KNOWN_KEYS = frozenset(
    (
        *_STRING_FIELDS,
        *_LIST_FIELDS,
        "date",
        "updated",
        "dateline",
        "source",
        "photos",
        "original",
        "corrections",
        DIGEST_KEY,
    )
)


# --- writing -----------------------------------------------------------------------------------


def format_when(when: When | None) -> str | None:
    """ISO 8601: `YYYY-MM-DD` for a day, full RFC 3339 for an aware moment."""
    if when is None:
        return None
    return when.isoformat()


def _article_mapping(article: Article) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "slug": article.slug,
        "date": format_when(article.date),
        "date_source": article.date_source,
        "updated": format_when(article.updated),
        "sections": list(article.sections),
        "tags": list(article.tags),
        "standfirst": article.standfirst,
        "dateline": {
            "place": article.dateline.place,
            "date": format_when(article.dateline.date),
        },
        "authors": list(article.authors),
        "publisher": article.publisher,
        "cites": list(article.cites),
        "photos": [
            {
                "caption": photo.caption,
                "credit": photo.credit,
                "credit_parts": list(photo.credit_parts),
                "image": photo.image,
            }
            for photo in article.photos
        ],
        "source": {
            "file": article.source.file,
            "sha256": article.source.sha256,
            "fingerprint": article.source.fingerprint,
            "encoding": article.source.encoding,
            "url": article.source.url,
        },
    }
    if article.lang:
        data["lang"] = article.lang
    if article.story:
        data["story"] = article.story
    if article.original:
        data["original"] = True
    if article.corrections:
        data["corrections"] = [
            {"date": c.date.isoformat(), "text": c.text} for c in article.corrections
        ]
    return data


def dump_article(article: Article, *, stamp: bool = True) -> str:
    """The whole `.md` file for an article; with `stamp`, an import digest is appended."""
    front = yaml.dump(
        _article_mapping(article),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1_000_000,
    )
    body = article.body.rstrip("\n")
    text = f"{FENCE}\n{front}{FENCE}\n\n{body}\n"
    return stamp_digest(text) if stamp else text


def _digest(text_without_digest: str) -> str:
    return hashlib.sha256(text_without_digest.encode("utf-8")).hexdigest()[:32]


def stamp_digest(text: str) -> str:
    """Insert `import_digest: <hash of the rest>` as the last front-matter line."""
    bare = _DIGEST_LINE.sub("", text)
    closing = bare.index(f"\n{FENCE}\n", len(FENCE)) + 1
    line = f"{DIGEST_KEY}: {_digest(bare)}\n"
    return bare[:closing] + line + bare[closing:]


def is_pristine(text: str) -> bool:
    """True when the file is exactly as the importer wrote it (no person has edited it)."""
    match = _DIGEST_LINE.search(text)
    if match is None:
        return False
    recorded = match.group(0).split(":", 1)[1].strip()
    return recorded == _digest(_DIGEST_LINE.sub("", text))


# --- reading -----------------------------------------------------------------------------------


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (front matter YAML, body, line number where the body starts)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.startswith(FENCE + "\n"):
        raise ContentError("no front matter (the file must start with a '---' line)", path, 1)
    end = text.find(f"\n{FENCE}\n", len(FENCE))
    if end == -1:
        if text.rstrip("\n").endswith(f"\n{FENCE}"):
            end = text.rstrip("\n").rfind(f"\n{FENCE}")
        else:
            raise ContentError("front matter is not closed by a '---' line", path, 1)
    front = text[len(FENCE) + 1 : end + 1]
    body = text[end + len(FENCE) + 2 :]
    body_line = front.count("\n") + 3
    return front, body.strip("\n"), body_line


def _line_of(front: str, key: str) -> int:
    for number, line in enumerate(front.split("\n"), start=2):
        if line.startswith(f"{key}:"):
            return number
    return 1


_MISSING = object()


class _FieldReader:
    """Typed access to a front-matter mapping; every failure names the file and the key's line."""

    def __init__(self, data: dict[str, Any], front: str, path: Path):
        self.data = data
        self.front = front
        self.path = path

    def fail(self, key: str, problem: str) -> ContentError:
        return ContentError(
            f"front matter '{key}': {problem}", self.path, _line_of(self.front, key)
        )

    def string(self, key: str, value: Any = _MISSING, *, required: bool = False) -> str | None:
        value = self.data.get(key) if value is _MISSING else value
        if value is None or value == "":
            if required:
                raise self.fail(key, "is required")
            return None
        if isinstance(value, (bool, list, dict)):
            raise self.fail(key, f"must be text, not {type(value).__name__}")
        return str(value)

    def strings(self, key: str, value: Any = _MISSING) -> tuple[str, ...]:
        value = self.data.get(key) if value is _MISSING else value
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,) if value else ()
        if not isinstance(value, list) or any(isinstance(v, (list, dict)) for v in value):
            raise self.fail(key, "must be a list of text")
        return tuple(str(v) for v in value if v is not None and str(v) != "")

    def when(self, key: str, value: Any, *, day_only: bool = False) -> When | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            parsed: When = value
        elif isinstance(value, dt.date):
            parsed = value
        elif isinstance(value, str):
            try:
                parsed = (
                    dt.datetime.fromisoformat(value)
                    if "T" in value or " " in value.strip()
                    else dt.date.fromisoformat(value)
                )
            except ValueError:
                raise self.fail(key, f"'{value}' is not a date (use YYYY-MM-DD)") from None
        else:
            raise self.fail(key, f"must be a date, not {type(value).__name__}")
        if isinstance(parsed, dt.datetime):
            if day_only:
                return parsed.date()
            if parsed.tzinfo is None:
                raise self.fail(key, f"'{value}' has a time but no time zone")
        return parsed

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "must be a mapping")
        return value


def load_article(text: str, path: Path) -> Article:
    """Parse a `.md` file's text into an Article; raise ContentError naming file and line."""
    front, body, _ = split_front_matter(text, path)
    try:
        data = yaml.load(front, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise ContentError(f"front matter is not valid YAML ({problem})", path, line) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ContentError("front matter must be a mapping of fields", path, 2)
    unknown = sorted(str(k) for k in data if k not in _KNOWN_KEYS)
    if unknown:
        raise ContentError(
            f"unknown front matter field '{unknown[0]}'", path, _line_of(front, unknown[0])
        )
    r = _FieldReader(data, front, path)

    dateline = r.mapping("dateline")
    source = r.mapping("source")
    photos = data.get("photos") or []
    if not isinstance(photos, list) or not all(isinstance(p, dict) for p in photos):
        raise r.fail("photos", "must be a list of mappings with caption and credit")
    corrections = data.get("corrections") or []
    if not isinstance(corrections, list) or not all(isinstance(c, dict) for c in corrections):
        raise r.fail("corrections", "must be a list of mappings with date and text")
    original = data.get("original", False)
    if not isinstance(original, bool):
        raise r.fail("original", "must be true or false")

    parsed_corrections = []
    for entry in corrections:
        when = r.when("corrections", entry.get("date"))
        if not isinstance(when, dt.datetime):
            raise r.fail("corrections", "each correction needs a date with a time and zone")
        parsed_corrections.append(
            Correction(date=when, text=r.string("corrections", entry.get("text"), required=True))
        )

    return Article(
        id=r.string("id", required=True),
        title=r.string("title", required=True),
        slug=r.string("slug", required=True),
        body=body,
        date=r.when("date", data.get("date")),
        date_source=r.string("date_source"),
        updated=r.when("updated", data.get("updated")),
        sections=r.strings("sections"),
        tags=r.strings("tags"),
        standfirst=r.string("standfirst"),
        dateline=Dateline(
            place=r.string("dateline", dateline.get("place")),
            date=r.when("dateline", dateline.get("date"), day_only=True),
        ),
        authors=r.strings("authors"),
        publisher=r.string("publisher"),
        source=Source(
            file=r.string("source", source.get("file")),
            sha256=r.string("source", source.get("sha256")),
            fingerprint=r.string("source", source.get("fingerprint")),
            encoding=r.string("source", source.get("encoding")),
            url=r.string("source", source.get("url")),
        ),
        cites=r.strings("cites"),
        photos=tuple(
            Photo(
                caption=r.string("photos", p.get("caption")) or "",
                credit=r.string("photos", p.get("credit")),
                credit_parts=r.strings("photos", p.get("credit_parts")),
                image=r.string("photos", p.get("image")),
            )
            for p in photos
        ),
        lang=r.string("lang"),
        story=r.string("story"),
        original=original,
        corrections=tuple(parsed_corrections),
    )


def read_article(path: Path) -> Article:
    """Read and parse one `.md` file; unreadable or undecodable files raise ContentError."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ContentError(f"cannot read file ({error.strerror})", path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ContentError("not UTF-8 text", path) from None
    return load_article(text, path)

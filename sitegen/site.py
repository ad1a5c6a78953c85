"""The site model: every article, its taxonomies, the archive, pagination and the URL of each page.

Built from loaded articles and the settings, once per build; the renderer reads it and never
changes it. Every ordering here is total (date, then slug) so two builds of the same content list
pages in the same order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sitegen
from sitegen.cache import digest
from sitegen.content import read_article
from sitegen.errors import ContentError
from sitegen.model import Article, When, calendar_date
from sitegen.slugs import SLUG, make_slug
from sitegen.stories import FeatureStore, Stories, build_stories

_T = TypeVar("_T")
UNTITLED = "(untitled)"
TaxonomyKind = Literal["sections", "tags", "publishers"]
TAXONOMY_LABELS: dict[TaxonomyKind, str] = {
    "sections": "Section",
    "tags": "Tag",
    "publishers": "Publisher",
}
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


_SLUG = SLUG
# Bump when a loaded Article could differ for the same file: stored articles become stale. The
# source of the model, the parser and this module are part of the key as well.
ARTICLE_SCHEMA = "article 1"


def aware(when: When, zone: ZoneInfo) -> dt.datetime:
    """An aware moment for sorting and feeds: a calendar day is midnight in the site's zone."""
    if isinstance(when, dt.datetime):
        return when
    return dt.datetime.combine(when, dt.time(0, 0), tzinfo=zone)


# --- loading -----------------------------------------------------------------------------------

# Characters that HTML and XML cannot carry (controls other than tab/newline/return, lone
# surrogates, non-characters). A person can type them into a `.md` file (YAML escapes such as
# "\e" too); they mean nothing on a page and would break every feed, so they are dropped on load.
_UNWRITABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def _scrub(value: _T) -> _T:
    if isinstance(value, str):
        return _UNWRITABLE.sub("", value) if _UNWRITABLE.search(value) else value  # type: ignore[return-value]
    if isinstance(value, tuple):  # a name that was only controls is no name at all
        return tuple(item for item in map(_scrub, value) if item != "")  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _scrub(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)  # type: ignore[return-value]
    return value


@dataclass(frozen=True, slots=True)
class Loaded:
    """Articles that loaded, each with the file it came from, and the files that did not."""

    articles: tuple[Article, ...]
    files: tuple[Path, ...]
    errors: tuple[ContentError, ...]
    # Article id -> a hash of the file content and the code it was read with, when known: a
    # cheap stand-in for the whole article in the keys of later steps.
    content_keys: Mapping[str, str] = dataclasses.field(default_factory=dict)


class ArticleStore(Protocol):
    """The build cache, as loading sees it: file content hashes and stored bytes by key."""

    def file_hashes(self, paths: Iterable[Path], changed: set[Path] | None) -> dict[Path, str]: ...

    def blobs(self, keys: set[str]) -> dict[str, bytes]: ...

    def store_blobs(self, items: Mapping[str, bytes]) -> None: ...


class _StoredArticles:
    """Articles parsed in an earlier build, by their file's content hash; failures are not kept.

    The values are pickles written by sitegen itself into its own cache folder.
    """

    def __init__(self, store: ArticleStore | None, paths: Sequence[Path], kept: dict[str, Article]):
        self._store = store
        self._salt = ""
        self._keys: dict[Path, str] = {}
        self._found: dict[str, bytes] = {}
        self._fresh: dict[str, bytes] = {}
        self._kept = kept
        self._read: dict[str, Article] = {}
        if store is None or not paths:
            return
        try:
            hashes = store.file_hashes(paths, None)
        except OSError:  # a file vanished: read each one as before, and report it as before
            return
        self._salt = _parser_id()
        self._keys = {path: _article_key(self._salt, hashed) for path, hashed in hashes.items()}
        self._found = store.blobs(set(self._keys.values()) - kept.keys())

    def read(self, path: Path) -> tuple[Article, str | None]:
        """The article, and its content key when it is known to be the file's current one."""
        key = self._keys.get(path)
        if key is None:
            return _scrub(read_article(path)), None
        article = self._kept.get(key)
        if article is None:
            blob = self._found.get(key)
            if blob is not None:
                article = pickle.loads(blob)
            else:
                article = _scrub(read_article(path))
                if not self._keep(path, article):
                    return article, None
        self._read[key] = article
        return article, key

    def keep_in_memory(self) -> None:
        """What the next load in this process may reuse: the articles of this one."""
        self._kept.clear()
        self._kept.update(self._read)

    def save(self) -> None:
        """Store the articles parsed since the last save (one write for the whole folder)."""
        if self._store is not None and self._fresh:
            self._store.store_blobs(self._fresh)
        self._fresh = {}

    def _keep(self, path: Path, article: Article) -> bool:
        """Store the article under its file's hash, if the file still has that hash.

        A file rewritten between hashing and parsing is not stored: its article is not the one
        for the hash, and the next build hashes it again anyway.
        """
        try:
            unchanged = _article_key(self._salt, digest(path.read_bytes())) == self._keys[path]
        except OSError:
            return False
        if unchanged:
            self._fresh[self._keys[path]] = pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)
        return unchanged


def _parser_id() -> str:
    """The code an Article is made by: the model, the parser, and the scrubbing here."""
    package = Path(sitegen.__file__).parent
    code = (package / name for name in ("model.py", "content.py", "site.py"))
    return digest(ARTICLE_SCHEMA, sitegen.__version__, *(path.read_bytes() for path in code))


def _article_key(parser: str, file_hash: str) -> str:
    return digest(parser, file_hash)


def load_articles(
    folder: Path, store: ArticleStore | None = None, kept: dict[str, Article] | None = None
) -> Loaded:
    """Read every `*.md` in `folder`; a broken file becomes an error and the rest still load.

    Slugs are URL path segments, so each must already be a clean slug (no `/`, no `..`) and
    unique: an article whose slug breaks either rule is refused rather than silently renamed.
    With a `store` (the build cache), an unchanged file's article is loaded, not parsed again;
    `kept` (by content key), which a long-running process keeps between builds, spares even
    loading it: it is refilled with this load's articles.
    """
    articles: list[Article] = []
    files: list[Path] = []
    errors: list[ContentError] = []
    owner: dict[str, Path] = {}
    content_keys: dict[str, str] = {}
    ids: set[str] = set()
    paths = sorted(folder.glob("*.md")) if folder.is_dir() else []
    stored = _StoredArticles(store, paths, kept if kept is not None else {})
    for path in paths:
        try:
            article, content_key = stored.read(path)
        except ContentError as error:
            errors.append(error)
            continue
        if not article.title.strip():
            # Pages and feeds need a headline; say plainly that the file has none.
            article = dataclasses.replace(article, title=UNTITLED)
        if not _SLUG.fullmatch(article.slug):
            hint = make_slug(article.slug)
            errors.append(
                _slug_error(
                    path,
                    f"'{article.slug}' is not a URL slug (use lowercase letters, digits and "
                    f"hyphens, e.g. '{hint}')",
                )
            )
            continue
        if article.slug in owner:
            first = owner[article.slug].name
            errors.append(_slug_error(path, f"'{article.slug}' is already used by {first}"))
            continue
        owner[article.slug] = path
        articles.append(article)
        files.append(path)
        if content_key is not None and article.id not in ids:
            content_keys[article.id] = content_key
        else:  # unknown, or an id two files share: no stand-in for either
            content_keys.pop(article.id, None)
        ids.add(article.id)
        errors.extend(_missing_images(path, article))
    stored.save()
    stored.keep_in_memory()
    return Loaded(tuple(articles), tuple(files), tuple(errors), content_keys)


def _missing_images(path: Path, article: Article) -> list[ContentError]:
    """An error for each `photos[].image` naming a local file (beside the article) that is not
    there. The article is still built; web URLs are not checked."""
    found: list[ContentError] = []
    for photo in article.photos:
        image = (photo.image or "").strip()
        if not image or urlsplit(image).scheme or image.startswith(("/", "\\")):
            continue
        if not (path.parent / image).is_file():
            line = _line_of(
                path,
                lambda text, image=image: text.lstrip(" -").startswith("image:") and image in text,
            )
            problem = f"front matter 'photos': image '{image}' does not exist"
            found.append(ContentError(problem, path, line))
    return found


def _line_of(path: Path, matches: Callable[[str], bool]) -> int:
    """The first front matter line that `matches` (1 when none does)."""
    for number, text in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if matches(text):
            return number
    return 1


def _slug_error(path: Path, problem: str) -> ContentError:
    line = _line_of(path, lambda text: text.startswith("slug:"))
    return ContentError(f"front matter 'slug': {problem}", path, line)


# --- the model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One section, tag or publisher, with its articles newest first."""

    kind: TaxonomyKind
    name: str
    slug: str
    articles: tuple[Article, ...]

    @property
    def path(self) -> str:
        return f"{self.kind}/{self.slug}/"

    @property
    def label(self) -> str:
        return TAXONOMY_LABELS[self.kind]


@dataclass(frozen=True, slots=True)
class Month:
    """One month of the archive (`year` 0 holds the undated articles)."""

    year: int
    month: int
    articles: tuple[Article, ...]

    @property
    def label(self) -> str:
        if self.year == 0:
            return "Undated"
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    @property
    def anchor(self) -> str:
        return "undated" if self.year == 0 else f"{self.year:04d}-{self.month:02d}"

    @property
    def path(self) -> str:
        """The month's own archive page: `archive/2024/06/`, `archive/undated/`."""
        return (
            "archive/undated/" if self.year == 0 else f"archive/{self.year:04d}/{self.month:02d}/"
        )


@dataclass(frozen=True, slots=True)
class Pager:
    """One page of a paginated list; `base` is the list's first page path (`""` is home)."""

    base: str
    number: int
    count: int
    items: tuple[Article, ...]

    @property
    def path(self) -> str:
        return page_path(self.base, self.number)

    @property
    def previous(self) -> str | None:
        return page_path(self.base, self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return page_path(self.base, self.number + 1) if self.number < self.count else None


def page_path(base: str, number: int) -> str:
    """`base` for page 1, `base` + `page/N/` after it."""
    return base if number == 1 else f"{base}page/{number}/"


def article_path(article: Article) -> str:
    """The site-relative path of an article page (no leading slash; the base URL supplies it)."""
    return f"articles/{article.slug}/"


def paginate(base: str, articles: Sequence[Article], per_page: int) -> tuple[Pager, ...]:
    """Split a list into pages; an empty list still has one (empty) first page."""
    chunks = [tuple(articles[i : i + per_page]) for i in range(0, len(articles), per_page)]
    if not chunks:
        chunks = [()]
    return tuple(Pager(base, n, len(chunks), items) for n, items in enumerate(chunks, start=1))


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the renderer needs to know about the site's content."""

    articles: tuple[Article, ...]
    sections: tuple[Term, ...]
    tags: tuple[Term, ...]
    publishers: tuple[Term, ...]
    archive: tuple[Month, ...]
    zone: ZoneInfo
    stories: Stories = dataclasses.field(default_factory=Stories)
    content_keys: Mapping[str, str] = dataclasses.field(default_factory=dict)  # see `Loaded`

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.sections + self.tags + self.publishers

    def term(self, kind: TaxonomyKind, name: str) -> Term:
        """The term an article's section/tag/publisher name belongs to."""
        slug = make_slug(name)
        for term in getattr(self, kind):
            if term.slug == slug:
                return term
        raise KeyError(f"{kind}: {name}")

    def moment(self, when: When) -> dt.datetime:
        return aware(when, self.zone)


def sort_key(zone: ZoneInfo):
    """Newest first, undated last, ties broken by slug so the order never depends on input order."""

    def key(article: Article) -> tuple[int, float, str]:
        if article.date is None:
            return (1, 0.0, article.slug)
        return (0, -aware(article.date, zone).timestamp(), article.slug)

    return key


def _taxonomy(
    kind: TaxonomyKind, names: Iterable[tuple[Article, Iterable[str]]]
) -> tuple[Term, ...]:
    # Names that slugify alike ("News", "news") are one term; the first spelling met names it.
    display: dict[str, str] = {}
    members: dict[str, list[Article]] = {}
    slugs: dict[str, str] = {}  # thousands of articles share a few dozen names
    for article, article_names in names:
        seen: set[str] = set()
        for name in article_names:
            slug = slugs.get(name) or slugs.setdefault(name, make_slug(name))
            if slug in seen:
                continue
            seen.add(slug)
            display.setdefault(slug, name)
            members.setdefault(slug, []).append(article)
    return tuple(
        Term(kind, display[slug], slug, tuple(members[slug]))
        for slug in sorted(members, key=lambda s: (display[s].casefold(), s))
    )


def _archive(articles: Sequence[Article]) -> tuple[Month, ...]:
    months: dict[tuple[int, int], list[Article]] = {}
    for article in articles:
        day = calendar_date(article.date)
        key = (day.year, day.month) if day is not None else (0, 0)
        months.setdefault(key, []).append(article)
    ordered = sorted((k for k in months if k != (0, 0)), reverse=True)
    if (0, 0) in months:
        ordered.append((0, 0))
    return tuple(Month(y, m, tuple(months[(y, m)])) for y, m in ordered)


def build_model(
    articles: Iterable[Article],
    timezone: str,
    store: FeatureStore | None = None,
    content_keys: Mapping[str, str] | None = None,
) -> Site:
    """Sort the articles and derive every taxonomy and the archive.

    `store` (the build cache) keeps story detection's per-article features between builds;
    `content_keys` (from `load_articles`) spare later steps from hashing whole articles.
    """
    keys = content_keys if content_keys is not None else {}
    zone = ZoneInfo(timezone)
    ordered = tuple(sorted(articles, key=sort_key(zone)))
    return Site(
        articles=ordered,
        sections=_taxonomy("sections", ((a, a.sections) for a in ordered)),
        tags=_taxonomy("tags", ((a, a.tags) for a in ordered)),
        publishers=_taxonomy(
            "publishers", ((a, (a.publisher,) if a.publisher else ()) for a in ordered)
        ),
        archive=_archive(ordered),
        zone=zone,
        stories=build_stories(ordered, store=store, content_keys=keys),
        content_keys=keys,
    )

"""`sitegen import`: raw article files → `content/articles/<slug>.md`.

Nothing a person wrote is ever lost:

- An unchanged raw file (same bytes as recorded) is skipped without being read again.
- A changed raw file updates its Markdown, keeping the article's permanent id and slug.
- A Markdown file a person has edited since import is left alone (a warning names it), unless
  `force` is given.
- The same article pasted twice (other whitespace, other line endings) is recognised by its text
  fingerprint and imported once.
- Slugs are ASCII, bounded, unique, and can never leave `content/articles/`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.config import Project, Settings
from sitegen.content import dump_article, is_pristine, load_article
from sitegen.errors import ContentError, RefusedInput, SitegenError
from sitegen.ingest import Extraction, Extractor, load_knowledge, read_raw
from sitegen.ingest.decode import decode
from sitegen.ingest.markdown_body import blocks_to_markdown
from sitegen.ingest.normalise import fingerprint_text
from sitegen.model import Article, Dateline, Source, calendar_date
from sitegen.slugs import MAX_SLUG_LENGTH, make_slug

RAW_SUFFIXES = (".txt", ".text")
_EDITOR_DEBRIS = ("~", ".swp", ".swx", ".tmp", ".part")


@dataclass
class ImportReport:
    """What an import did, file by file."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept_edited: list[Path] = field(default_factory=list)
    duplicates: list[Path] = field(default_factory=list)
    refused: list[SitegenError] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"imported {len(self.written)}, unchanged {len(self.unchanged)}, "
            f"kept edited {len(self.kept_edited)}, duplicates {len(self.duplicates)}, "
            f"refused {len(self.refused)}"
        )


@dataclass(frozen=True, slots=True)
class _Existing:
    path: Path
    article: Article
    pristine: bool


def raw_files(paths: list[Path]) -> list[Path]:
    """The raw article files named by `paths` (folders are searched), sorted, without debris."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.suffix.lower() in RAW_SUFFIXES)
        else:
            candidates = [path]
        for candidate in candidates:
            name = candidate.name
            if name.startswith((".", "#")) or name.endswith(_EDITOR_DEBRIS):
                continue
            if candidate not in found:
                found.append(candidate)
    return found


def source_name(project: Project, path: Path) -> str:
    """How `source.file` names a raw file: relative to `content/` when inside it."""
    try:
        return path.resolve().relative_to(project.content.resolve()).as_posix()
    except ValueError:
        return path.name


def make_id(authority: str, minted: dt.date, fingerprint: str) -> str:
    """A permanent tag: URI (RFC 4151); minted once at import and never recomputed."""
    return f"tag:{authority},{minted.isoformat()}:article:{fingerprint[:20]}"


def write_atomically(path: Path, text: str) -> None:
    """Write a whole file or nothing: a temp file in the same folder, then a rename."""
    descriptor, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _existing_articles(articles_dir: Path) -> list[_Existing]:
    existing = []
    for path in sorted(articles_dir.glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
            article = load_article(text, path)
        except (OSError, UnicodeDecodeError, ContentError):
            continue  # the build reports broken files; the importer just never overwrites them
        existing.append(_Existing(path, article, is_pristine(text)))
    return existing


def to_article(
    extraction: Extraction,
    *,
    article_id: str,
    slug: str,
    source: Source,
) -> Article:
    """The Article an extraction becomes."""
    return Article(
        id=article_id,
        title=extraction.title,
        slug=slug,
        body=blocks_to_markdown(extraction.blocks),
        date=extraction.date,
        date_source=extraction.date_source,
        updated=extraction.updated,
        sections=extraction.sections,
        standfirst=extraction.standfirst,
        dateline=Dateline(extraction.dateline_place, extraction.dateline_date),
        authors=extraction.authors,
        publisher=extraction.publisher,
        source=source,
        cites=extraction.cited_sources,
        photos=extraction.photos,
        lang=extraction.lang,
    )


class _Run:
    """One import run: the index of existing articles and the decisions made so far."""

    def __init__(self, project: Project, settings: Settings, force: bool, url: str | None):
        self.project = project
        self.settings = settings
        self.force = force
        self.url = url
        self.report = ImportReport()
        self.extractor = Extractor(load_knowledge(project.content))
        project.articles.mkdir(parents=True, exist_ok=True)
        self.existing = _existing_articles(project.articles)
        self.by_source = {e.article.source.file: e for e in self.existing if e.article.source.file}
        self.by_fingerprint = {
            e.article.source.fingerprint: e for e in self.existing if e.article.source.fingerprint
        }
        self.taken_slugs = {e.path.stem for e in self.existing} | {
            p.stem for p in project.articles.glob("*.md")
        }

    def unique_slug(self, base: str) -> str:
        slug, n = base, 2
        while slug in self.taken_slugs:
            suffix = f"-{n}"
            slug = base[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
            n += 1
        return slug

    def target(self, slug: str) -> Path:
        path = (self.project.articles / f"{slug}.md").resolve()
        if path.parent != self.project.articles.resolve():
            raise RefusedInput("unsafe slug", slug)
        return path

    def import_file(self, path: Path) -> None:
        name = source_name(self.project, path)
        raw = read_raw(path)
        sha = hashlib.sha256(raw).hexdigest()
        previous = self.by_source.get(name)
        same_bytes = previous is not None and previous.article.source.sha256 == sha
        if same_bytes and not self.url and not self.force:
            self.report.unchanged.append(path)
            return
        text, encoding = decode(raw, path)
        fingerprint = hashlib.sha256(fingerprint_text(text).encode("utf-8")).hexdigest()[:32]
        twin = self.by_fingerprint.get(fingerprint)
        if twin is not None and twin.article.source.file != name:
            self.report.duplicates.append(path)
            self.report.messages.append(
                f"{path}: same article as {twin.article.source.file}, skipped"
            )
            return
        extraction = self.extractor.extract(text, str(path))
        if previous is not None and not previous.pristine and not self.force:
            self.report.kept_edited.append(previous.path)
            self.report.messages.append(
                f"{previous.path}: edited since import, not overwritten (use --force to replace it)"
            )
            return
        if previous is not None:
            article_id, slug = previous.article.id, previous.article.slug
            url = self.url or previous.article.source.url
        else:
            minted = calendar_date(extraction.date) or dt.date.today()
            article_id = make_id(self.settings.authority, minted, fingerprint)
            slug = self.unique_slug(
                make_slug(extraction.title, prefix="article", digest=fingerprint)
            )
            url = self.url
        source = Source(name, sha, fingerprint, encoding, url)
        article = to_article(extraction, article_id=article_id, slug=slug, source=source)
        destination = previous.path if previous is not None else self.target(slug)
        write_atomically(destination, dump_article(article))
        self.taken_slugs.add(slug)
        entry = _Existing(destination, article, True)
        self.by_source[name] = entry
        self.by_fingerprint[source.fingerprint] = entry
        self.report.written.append(destination)


def import_paths(
    project: Project,
    settings: Settings,
    paths: list[Path],
    *,
    force: bool = False,
    url: str | None = None,
    progress: Callable[[list[Path]], Iterable[Path]] | None = None,
) -> ImportReport:
    """Import raw files (folders are searched for `*.txt`); each failure is reported, not raised.

    `progress`, when given, wraps the list of files (the command line passes a progress bar).
    """
    run = _Run(project, settings, force, url)
    files = raw_files(paths)
    for path in progress(files) if progress is not None else files:
        try:
            run.import_file(path)
        except SitegenError as error:
            run.report.refused.append(error)
            run.report.messages.append(str(error))
        except OSError as error:
            refused = RefusedInput(f"cannot write ({error.strerror or error})", path)
            run.report.refused.append(refused)
            run.report.messages.append(str(refused))
    for path in paths:
        if not path.exists():
            missing = RefusedInput("no such file or folder", path)
            run.report.refused.append(missing)
            run.report.messages.append(str(missing))
    return run.report

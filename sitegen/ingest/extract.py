"""Raw article text → fields: where each line sits (header, body, footer) and what it says.

A pasted page reads top to bottom as: site clutter and breadcrumb, headline, standfirst, the meta
block (byline, dates, lead photo), the body, then related links and the footer. `Extractor` finds
the headline, walks the meta block, takes the body up to the footer, and reads the fields from
what each line turned out to be (see `lines` for the per-line rules).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Literal

from sitegen.errors import RefusedInput
from sitegen.ingest.cites import CiteFinder
from sitegen.ingest.credits import CreditLine, CreditReader
from sitegen.ingest.dateline import DatelineReader, join_dateline_lines
from sitegen.ingest.dates import DateLine, DateReader
from sitegen.ingest.knowledge import Knowledge
from sitegen.ingest.lines import (
    LineRules,
    ends_sentence,
    is_prose,
    letter_word_count,
    list_item,
    looks_like_name,
    strip_tags,
)
from sitegen.ingest.normalise import normalised_lines
from sitegen.ingest.publisher import (
    PublisherReader,
    has_copyright_mark,
    names_outlet,
)
from sitegen.ingest.source_lines import MAX_SOURCE_LINE, SourceLine, SourceLineReader
from sitegen.model import Photo

BlockKind = Literal["paragraph", "subheading", "list"]

MAX_TITLE_CHARS = 300
_HEADER_SCAN = 80
_BREADCRUMB_LOOKBACK = 2  # lines above the headline (past boilerplate) that may be its breadcrumb
_MAX_SECTION_RUN = 3  # labels one per line; a longer run is the site menu
_MAX_KICKER_WORDS = 8
_MAX_HEADLINE_WORDS = 20
_BBC_SOURCE = re.compile(r"^(?:image|media) source,\s*(?P<credit>.+)$", re.IGNORECASE)
_BBC_CAPTION = re.compile(r"^(?:image|media) caption,\s*(?P<caption>.+)$", re.IGNORECASE)
_BBC_PHOTO_LINE = re.compile(r"^(?:image|media) (?:source|caption),\s*.+$", re.IGNORECASE)
_QUOTES = "\"“”„«»‘’'"
# Words pasted without the space between two page elements: "professionalsLearn", "homeThe".
_DIGIT = re.compile(r"\d")
# Parts of one meta line set apart by a middle dot or bullet.
_COMPOUND_SEPARATOR = re.compile(r"\s[·•]\s")
_GLUED_WORDS = re.compile(r"[a-zà-ÿ]{2,}[A-ZÀ-Þ][a-zà-ÿ]")
_SENTENCE_END = re.compile(r"[.!?](?:\s+[A-ZÀ-Þ\"“]|$)")
_PLAYER_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")  # a video's duration: "0:47"
_MAX_APPEAL_WORDS = 30
_MAX_BUTTON_CHARS = 40
_MAX_CAPTION_WORDS = 40
_COPYRIGHT_CREDIT = re.compile(r"(?:©|\bcopyright\b)\s*[^!?©]{1,60}(?<![.!?])$", re.IGNORECASE)
_TRAILING_HANDLE = re.compile(r"\s+@\w{2,}$")
_AGENCY_SEPARATOR = re.compile(r"\s*[/,]\s*")  # "(AFP/AP)", "(dpa, AFP)"


@dataclass(frozen=True, slots=True)
class BodyBlock:
    """One block of the body: a paragraph, a subheading or a list."""

    kind: BlockKind
    text: str = ""
    items: tuple[str, ...] = ()
    ordered: bool = False

    def plain(self) -> str:
        return "\n".join(self.items) if self.kind == "list" else self.text


@dataclass(frozen=True, slots=True)
class Extraction:
    """Every field the importer read from one raw article, before it becomes an Article."""

    title: str
    blocks: tuple[BodyBlock, ...]
    sections: tuple[str, ...] = ()
    standfirst: str | None = None
    dateline_place: str | None = None
    dateline_date: dt.date | None = None
    date: dt.date | dt.datetime | None = None
    date_source: str | None = None
    updated: dt.date | dt.datetime | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    photos: tuple[Photo, ...] = ()
    cited_sources: tuple[str, ...] = ()
    lang: str | None = None
    encoding: str = "utf-8"

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "paragraph"]

    def body_text(self) -> str:
        return "\n\n".join(block.plain() for block in self.blocks)

    def as_gold_record(self, file_name: str) -> dict[str, object]:
        """The `extract --json` record: exactly the keys of `samples/gold.json`."""
        day = self.date.date() if isinstance(self.date, dt.datetime) else self.date
        return {
            "file": file_name,
            "title": self.title,
            "sections": list(self.sections),
            "standfirst": self.standfirst,
            "dateline_place": self.dateline_place,
            "date": day.isoformat() if day else None,
            "authors": list(self.authors),
            "publisher": self.publisher,
            "photos": [
                {"caption": p.caption, "credit": p.credit, "credit_parts": list(p.credit_parts)}
                for p in self.photos
            ],
            "cited_sources": list(self.cited_sources),
            "paragraphs": len(self.paragraphs),
            "body": self.body_text(),
        }


@dataclass
class _Page:
    """Working state while one article is read; private to Extractor.extract."""

    lines: list[str]
    title_index: int = 0
    body_start: int = 0
    body_end: int = 0
    standfirst: str | None = None
    authors: list[str] = field(default_factory=list)
    dates: list[tuple[DateLine, str]] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)
    publisher_hint: str | None = None
    credited: list[str] = field(default_factory=list)  # agencies a byline or source line names


class Extractor:
    """Reads articles with one set of knowledge; build it once and reuse it for many files."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        self.rules = LineRules.build(knowledge)
        self.dates = DateReader(knowledge, self.rules.is_boilerplate)
        self.credits = CreditReader(knowledge)
        self.cites = CiteFinder(knowledge)
        self.datelines = DatelineReader(knowledge, self.dates)
        self.publishers = PublisherReader(knowledge, self.credits)
        self.source_lines = SourceLineReader(knowledge)
        # Each line is judged by several phases; judge it once. Answers told by a length or a
        # character test are not cached: looking them up would cost more than telling them.
        self._date_line_of = functools.lru_cache(maxsize=4096)(self.dates.date_line)
        self._captioned_photo = functools.lru_cache(maxsize=4096)(self._captioned_photo)
        self._is_header_noise = functools.lru_cache(maxsize=4096)(self._is_header_noise)
        self._agencies_in = functools.lru_cache(maxsize=4096)(self._agencies_in)
        self._languages_of_word: dict[str, list[str]] = {}
        for lang, vocabulary in knowledge.language_words.items():
            for word in vocabulary:
                self._languages_of_word.setdefault(word, []).append(lang)

    # --- per-line helpers ----------------------------------------------------------------------

    def _date_lines(self, line: str) -> list[DateLine]:
        if len(line) > 120 or not _DIGIT.search(line):
            return []
        return self._date_line_of(line)

    def _is_source_name(self, line: str) -> bool:
        return self.publishers.masthead_name(line) is not None

    def _compound_meta(
        self, line: str, masthead: str | None
    ) -> tuple[list[DateLine], list[str]] | None:
        """A byline and a date on one line, in parts set apart by a dot
        ('Jessica Lambert · CBC News · Posted: Mar 11, 2025 4:15 PM EDT'): its dates and names.

        Every part must be a date, a person's name, the outlet or a known source, or interface
        text; one part at least must be a date. Anything else and the line is not meta.
        """
        if len(line) > 200 or not _COMPOUND_SEPARATOR.search(line) or not _DIGIT.search(line):
            return None
        dates: list[DateLine] = []
        names: list[str] = []
        for part in _COMPOUND_SEPARATOR.split(line):
            part = part.strip()
            if not part:
                continue
            if found := self._date_lines(part):
                dates.extend(found)
            elif (byline := self.rules.byline_names(part)) is not None:
                names.extend(byline)
            elif (
                self._is_source_name(part)  # a known outlet or agency
                or (masthead and names_outlet(part, masthead))
                or self.rules.is_boilerplate(part)
            ):
                continue
            elif looks_like_name(part):
                if not names:  # a name-like part after the byline is its outlet or desk
                    names.append(part)
            else:
                return None
        return (dates, names) if dates else None

    def _photo(self, line: str) -> Photo | None:
        if self.credits.split(line) is None:  # most lines: a cached answer
            return None
        return self._captioned_photo(line)

    def _captioned_photo(self, line: str) -> Photo:
        split = self.credits.split(line)
        assert split is not None
        return Photo(split.caption, split.credit, self.credits.parts(split.credit))

    def _is_header_noise(self, line: str, masthead: str | None) -> bool:
        rules = self.rules
        return (
            rules.is_boilerplate(line)
            or rules.is_footer_marker(line)
            or rules.published_in(line)
            or rules.breadcrumb(line) is not None
            or bool(self._date_lines(line))
            or rules.byline_names(line) is not None
            or list_item(line) is not None
            or line.startswith(("@", "http://", "https://", "www."))
            or line.endswith(":")
            or (masthead is not None and names_outlet(line, masthead))
            or self._is_source_name(line)
            or len(_GLUED_WORDS.findall(line)) >= 2
            or self._photo(line) is not None
            or self._job_byline(line) is not None
            or self.publishers.fingerprint([line]) is not None  # a tagline, not a headline
        )

    # --- structure -----------------------------------------------------------------------------

    def _title_index(self, lines: list[str], masthead: str | None) -> int:
        for i, line in enumerate(lines[:_HEADER_SCAN]):
            if len(line) > MAX_TITLE_CHARS or self._is_header_noise(line, masthead):
                continue
            count = letter_word_count(line)
            if count >= 4 and _sentence_count(line) <= 1:
                return i + 1 if self._is_kicker_above(lines, i, masthead) else i
            if count >= 2 and self._opens_article(lines, i + 1):
                return i
        for i, line in enumerate(lines[:_HEADER_SCAN]):
            if len(line) <= MAX_TITLE_CHARS and not self.rules.is_boilerplate(line):
                return i
        return 0

    def _opens_article(self, lines: list[str], start: int) -> bool:
        """Whether the lines from `start` begin an article: a byline, a date, or prose."""
        for line in lines[start : start + 3]:
            if self.rules.is_boilerplate(line):
                continue
            return bool(
                self._date_lines(line)
                or self.rules.byline_names(line) is not None
                or (is_prose(line) and letter_word_count(line) >= 12)
            )
        return False

    def _sections(self, lines: list[str], title_index: int, masthead: str | None) -> list[str]:
        """The breadcrumb right above the headline: one line with separators, or a short run of
        labels printed one per line ("Politik" / "Deutschland"), under an ad, login link or
        masthead. A kicker between breadcrumb and headline is skipped; a site menu is no section.
        """
        header = lines[:title_index]
        if header and self._is_kicker_line(header[-1]):
            header = header[:-1]
        for line in self._last_meaningful(header, _BREADCRUMB_LOOKBACK):
            crumbs = self.rules.breadcrumb(line)
            if crumbs and not self._is_source_name(line):
                return [_label_case(c) for c in crumbs]
        run: list[str] = []
        for line in reversed(header):
            if not self._is_label(line, masthead):
                break
            run.append(line)
        if 1 <= len(run) <= _MAX_SECTION_RUN:
            if len(run) > 1 and len(run) == len(header):
                run.pop()  # nothing above the labels: the first line is the page's masthead
            return [_label_case(label) for label in reversed(run)]
        if not run:
            return []
        # A longer run is the site menu; the label under it that repeats a menu item is the
        # section of this page (n-tv: "… Panorama Technik Wissen Auto Mediathek" / "Panorama").
        nearest = run[0].casefold()
        if any(line.casefold() == nearest for line in run[1:]):
            return [_label_case(run[0])]
        return []

    def _last_meaningful(self, lines: list[str], count: int) -> list[str]:
        """The last `count` lines that are not boilerplate, nearest first."""
        found: list[str] = []
        for line in reversed(lines):
            if len(found) == count:
                break
            if not self.rules.is_boilerplate(line):
                found.append(line)
        return found

    def _is_kicker_line(self, line: str) -> bool:
        """A short headline-like line above the headline ("Streit um das Mainufer:")."""
        count = letter_word_count(line)
        words = line.split(maxsplit=3)
        if len(words) <= 3 and not line.endswith(":"):
            # A label, unless a preposition or article makes it a phrase: "Waffenruhe im Sudan".
            kicker_words = self.knowledge.kicker_words
            if not any(w.casefold() in kicker_words for w in words[1:-1]):
                return False
        return (
            2 <= count <= _MAX_KICKER_WORDS
            and (line.endswith(":") or not ends_sentence(line))
            and not self.rules.is_boilerplate(line)
            and self.rules.breadcrumb(line) is None
        )

    def _is_kicker_above(self, lines: list[str], i: int, masthead: str | None) -> bool:
        """Whether line i is a kicker over the headline on line i+1, which the meta or the
        standfirst follows: "Nach Sturmflut an der Ostsee" / "Fähre strandet vor Fehmarn – …".
        """
        if i + 1 >= len(lines) or not self._is_kicker_line(lines[i]):
            return False
        headline = lines[i + 1]
        words = letter_word_count(headline)
        return (
            letter_word_count(lines[i]) + 2 <= words <= _MAX_HEADLINE_WORDS
            and not headline.endswith(".")
            and _sentence_count(headline) <= 1
            and not self._is_header_noise(headline, masthead)
            and self._opens_article(lines, i + 2)
        )

    def _is_label(self, line: str, masthead: str | None) -> bool:
        return (
            1 <= len(line.split(maxsplit=3)) <= 3
            and letter_word_count(line) >= 1
            and not ends_sentence(line)
            and not self.rules.is_boilerplate(line)
            and not self._date_lines(line)
            and not (masthead is not None and names_outlet(line, masthead))
            and line.casefold() not in self.knowledge.home_labels
        )

    def _next_meaningful(self, lines: list[str], start: int, stop: int) -> str | None:
        for line in lines[start:stop]:
            if not self.rules.is_boilerplate(line):
                return line
        return None

    def _standfirst_fits(self, page: _Page, i: int, masthead: str | None) -> bool:
        line = page.lines[i]
        count = letter_word_count(line)
        if count < 6 or count > 90 or list_item(line) or self.datelines.read(line)[0]:
            return False
        if _ends_with_copyright_credit(line):
            return False  # "… - Copyright AP Photo/Name": a caption with its credit
        if self.rules.is_footer_marker(line):
            return False
        nxt = self._next_meaningful(page.lines, i + 1, len(page.lines))
        if nxt is None:
            return False
        if not ends_sentence(line) and count >= 8:
            return True
        if (
            self._date_lines(nxt)
            or self.rules.byline_names(nxt) is not None
            or self._photo(nxt) is not None
            or self.source_lines.read(nxt) is not None
            or _BBC_SOURCE.match(nxt)
            or self.datelines.read(nxt)[0]
            or looks_like_name(nxt)
            or self._is_outlet_byline(nxt, masthead)
            or self._is_unread_meta(page.lines, i + 1)
        ):
            return True
        # A dek printed again as the opening of the body.
        return any(other.startswith(line) for other in page.lines[i + 1 :])

    def _walk_meta(self, page: _Page, masthead: str | None) -> None:
        """From the headline to the first body paragraph: standfirst, byline, dates, lead photo."""
        lines = page.lines
        i = page.title_index + 1
        seen_photo = seen_byline = False
        while i < len(lines):
            line = lines[i]
            rules = self.rules
            dates = self._date_lines(line)
            names = rules.byline_names(line)
            photo = self._photo(line)
            if dates:
                page.dates.extend((d, "byline") for d in dates)
            elif (compound := self._compound_meta(line, masthead)) is not None:
                page.dates.extend((d, "byline") for d in compound[0])
                seen_byline = seen_byline or bool(compound[1])
                page.authors.extend(n for n in compound[1] if n not in page.authors)
            elif rules.published_in(line):
                if i + 1 < len(lines):
                    page.publisher_hint = lines[i + 1]
                i += 1
            elif rules.is_related_opener(line):
                i += 1
            elif names is not None:
                seen_byline = True
                page.authors.extend(n for n in names if n not in page.authors)
                page.credited.extend(self._agencies_in(line))
            elif (source := self.source_lines.read(line)) is not None:
                page.credited.extend(source.agencies)
            elif (job_name := self._job_byline(line)) is not None:
                if job_name not in page.authors:
                    page.authors.append(job_name)
            elif photo is not None or _BBC_PHOTO_LINE.match(line):
                i = self._take_photo(page, i) - 1
                seen_photo = True
            elif (
                rules.is_boilerplate(line)
                or line.startswith("@")
                or ((seen_byline or bool(page.authors)) and self._is_role_line(line))
                or self._is_source_name(line.partition(",")[0])
                or (masthead and names_outlet(line, masthead))
            ):
                pass
            elif (
                page.standfirst is None
                and not seen_photo
                and self._standfirst_fits(page, i, masthead)
            ):
                page.standfirst = line
            elif (
                not page.authors
                and not seen_byline
                and looks_like_name(line)
                and not self.rules.breadcrumb(line)
                and self._opens_meta(lines, i + 1)
            ):
                page.authors.append(line)
            elif len(line.split(maxsplit=3)) <= 3 and not ends_sentence(line):
                pass  # a label such as "Analysis" or "English edition"
            elif self._is_unread_meta(lines, i) or self._is_unread_credit(line):
                pass  # a caption whose credit was not read, between the headline and the body
            else:
                break
            i += 1
        page.body_start = i

    def _is_unread_meta(self, lines: list[str], i: int) -> bool:
        """A caption-long line followed by a date or byline line: still the meta block."""
        if i + 1 >= len(lines) or letter_word_count(lines[i]) > _MAX_CAPTION_WORDS:
            return False
        nxt = lines[i + 1]
        return bool(self._date_lines(nxt)) or self.rules.byline_names(nxt) is not None

    @staticmethod
    def _is_unread_credit(line: str) -> bool:
        """'… Piraeus, 6 March 2025 - Copyright AP Photo/Name': a caption-long line with a
        copyright mark under the headline is a photo, never the story's first paragraph."""
        return _ends_with_copyright_credit(line) and letter_word_count(line) <= _MAX_CAPTION_WORDS

    def _is_role_line(self, line: str) -> bool:
        """'News reporter @AshnaKapoorSky', 'Politikredakteur': a job under the author's name."""
        words = _without_handle(line).split(maxsplit=4)
        return 1 <= len(words) <= 4 and (
            words[-1].casefold() in self.knowledge.job_nouns
            or " ".join(words).casefold() in self.knowledge.job_titles
        )

    @staticmethod
    def _is_outlet_byline(line: str, masthead: str | None) -> bool:
        """'Ouest-France avec AFP', 'The Herald': the outlet as the byline, a short line."""
        return (
            masthead is not None
            and not line.endswith(":")
            and "/" not in line  # "Dana Whitcombe/NPR": a photo credit
            and letter_word_count(line) <= 4
            and names_outlet(line, masthead)
        )

    def _job_byline(self, line: str) -> str | None:
        """'Helena Horton Environment reporter' → 'Helena Horton': a name, then a job."""
        words = _without_handle(line).split(maxsplit=7)  # eight parts: more than seven words
        if not 3 <= len(words) <= 7 or words[-1].casefold() not in self.knowledge.job_nouns:
            return None
        name = " ".join(words[:2])
        if len(words) >= 4 and words[2][:1].isupper() and words[3][:1].isupper():
            name = " ".join(words[:3])
        return name if looks_like_name(name) else None

    def _agencies_in(self, text: str) -> tuple[str, ...]:
        """Known agencies named in a byline or source line ("Par Le Figaro avec AFP")."""
        parts = re.split(r"\s*(?:,|/|;|\band\b|\bund\b|\bet\b|\bavec\b|\bwith\b|\bmit\b)\s*", text)
        found = []
        for part in parts:
            words = part.split()
            for i in range(len(words)):
                candidate = " ".join(words[i:])
                if self.knowledge.canonical_source(candidate):
                    found.append(candidate)
                    break
        return tuple(found)

    def _join_credit_lines(self, lines: list[str]) -> list[str]:
        """A caption and its credit printed on the next line are one line; viewer buttons go.

        "… in Berlin" + "Quelle: picture alliance/dpa", "… Wednesday." + "Jordan Vance/AP", and
        NPR's caption, credit, "hide caption", "toggle caption", the credit again.
        """
        credits = self.credits
        joined: list[str] = []
        repeated: str | None = None  # a credit the image viewer prints again after its toggles
        seen_prose = False  # before any prose, a line without full stop is the headline
        for line in lines:
            if (viewer := credits.viewer_line(line)) is not None:
                if viewer == "toggle":
                    repeated = self._toggled_credit(joined) or repeated
                continue
            if line == repeated:
                repeated = None
                continue
            repeated = None
            found = credits.credit_line(line)
            if (
                found is not None
                and joined
                and not has_copyright_mark(line)
                and (seen_prose or ends_sentence(joined[-1]))
                and self._is_caption_of(joined[-1], found, line)
            ):
                joined[-1] = credits.join(joined[-1], found.credit)
                continue
            seen_prose = seen_prose or (ends_sentence(line) and letter_word_count(line) >= 8)
            joined.append(line)
        return joined

    def _is_caption_of(self, previous: str, credit: CreditLine, line: str) -> bool:
        """Whether `previous` is the caption above this credit line, not a body paragraph.

        A body paragraph of three sentences followed by "Quelle: F.A.Z." ends the article with its
        source line; a caption is one or two sentences, or none when the credit is clearly one.
        """
        sentences = _sentence_count(previous)
        return (
            3 <= letter_word_count(previous) <= 60
            and sentences <= (1 if credit.source_label else 2)
            and (ends_sentence(previous) or credit.strong)
            and not self.rules.is_footer_marker(previous)
            and self.credits.split(previous) is None
            and not _BBC_SOURCE.match(line)
        )

    def _toggled_credit(self, joined: list[str]) -> str | None:
        """At a caption toggle: join the caption and credit above it; the credit, or None."""
        if joined and (photo := self.credits.split(joined[-1])) is not None:
            return photo.credit
        if len(joined) < 2:
            return None
        caption, credit = joined[-2], joined[-1]
        if (
            letter_word_count(credit) <= 10
            and not ends_sentence(credit)
            and 3 <= letter_word_count(caption) <= 60
            and self.credits.split(caption) is None
        ):
            joined[-2:] = [self.credits.join(caption, credit)]
            return credit
        return None

    def _opens_meta(self, lines: list[str], start: int) -> bool:
        """A bare name is a byline when meta follows it (a handle, a date, 'Follow', a photo)."""
        if start >= len(lines):
            return False
        line = lines[start]
        first = line.partition(",")[0].strip()
        return bool(
            line.startswith("@")
            or self._is_source_name(first)
            or self._job_byline(line)
            or self._is_role_line(line)
            or _BBC_SOURCE.match(line)
            or self._date_lines(line)
            or self._photo(line)
            or self.rules.is_boilerplate(line)
            or self.rules.published_in(line)
        )

    def _take_photo(self, page: _Page, i: int) -> int:
        """Read the photo at line i (caption with credit, or BBC's source/caption pair)."""
        lines = page.lines
        line = lines[i]
        source = _BBC_SOURCE.match(line)
        if source:
            credit = source.group("credit").strip()
            caption = ""
            if i + 1 < len(lines) and (cap := _BBC_CAPTION.match(lines[i + 1])):
                caption = cap.group("caption").strip()
                i += 1
            self._add_photo(page, Photo(caption, credit, self.credits.parts(credit)))
            return i + 1
        caption_only = _BBC_CAPTION.match(line)
        if caption_only:
            self._add_photo(page, Photo(caption_only.group("caption").strip()))
            return i + 1
        photo = self._photo(line)
        if photo is not None:
            self._add_photo(page, photo)
        return i + 1

    @staticmethod
    def _add_photo(page: _Page, photo: Photo) -> None:
        for existing in page.photos:
            if existing.caption == photo.caption and existing.credit == photo.credit:
                return
        page.photos.append(photo)

    def _footer_start(self, lines: list[str], start: int) -> int:
        """The first footer marker after which at most one long paragraph follows.

        Read from the end: once two long paragraphs lie below, no line above can start it.
        """
        footer_at = len(lines)
        long_below = 0
        for i in range(len(lines) - 1, start - 1, -1):
            line = lines[i]
            if self.rules.is_footer_marker(line):
                footer_at = i
            elif letter_word_count(line) >= 12 and ends_sentence(line):
                long_below += 1
                if long_below == 2:
                    break
        return footer_at

    def _body(self, page: _Page) -> list[BodyBlock]:
        lines = page.lines
        blocks: list[BodyBlock] = []
        pending_list: list[str] = []
        ordered = False
        i = page.body_start

        def flush() -> None:
            nonlocal pending_list
            if pending_list:
                blocks.append(BodyBlock("list", items=tuple(pending_list), ordered=ordered))
                pending_list = []

        while i < page.body_end:
            line = lines[i]
            item = list_item(line)
            if item is not None and not (item[1] and is_prose(line) and not pending_list):
                if pending_list and item[1] != ordered:
                    flush()
                ordered = item[1]
                pending_list.append(item[0])
                i += 1
                continue
            flush()
            if self.rules.is_related_opener(line):
                nxt = lines[i + 1] if i + 1 < page.body_end else ""
                i += 2 if nxt and letter_word_count(nxt) < 20 else 1
            elif len(line) <= MAX_SOURCE_LINE and (source := self._closing_source_line(page, i)):
                page.credited.extend(source.agencies)
                i += 1
            elif self.rules.is_boilerplate(line) or self.rules.is_footer_marker(line):
                i += 1
            elif self._photo(line) or _BBC_PHOTO_LINE.match(line):
                i = self._take_photo(page, i)
            elif self._date_lines(line):
                page.dates.extend((d, "byline") for d in self._date_lines(line))
                i += 1
            elif self._is_appeal(lines, i, page.body_end):
                i += 1
            elif (
                ends_sentence(line)
                and letter_word_count(line) >= 2
                and not (line.endswith(":") and letter_word_count(line) <= 8)
            ) or letter_word_count(line) >= 20:
                blocks.append(BodyBlock("paragraph", line))
                i += 1
            else:
                nxt = self._next_meaningful(lines, i + 1, page.body_end)
                if (
                    nxt is not None
                    and (is_prose(nxt) or list_item(nxt))
                    and letter_word_count(line) <= 14
                    and not line.startswith("@")
                    and not (i > 0 and _PLAYER_TIME.fullmatch(lines[i - 1]))  # a video's title
                ):
                    blocks.append(BodyBlock("subheading", line))
                i += 1
        flush()
        while blocks and blocks[-1].kind == "subheading":
            blocks.pop()
        return self._drop_repeats(blocks, page.standfirst)

    def _is_appeal(self, lines: list[str], i: int, end: int) -> bool:
        """A short paragraph right above a subscribe button is its appeal: "Soutenez une
        information locale de qualité." / "Je m'abonne"."""
        return (
            i + 1 < end
            and len(lines[i + 1]) <= _MAX_BUTTON_CHARS
            and letter_word_count(lines[i]) <= _MAX_APPEAL_WORDS
            and lines[i + 1].casefold().strip() in self.knowledge.subscribe_buttons
        )

    def _closing_source_line(self, page: _Page, i: int) -> SourceLine | None:
        """A source line that closes the body: no paragraph of the story follows it."""
        source = self.source_lines.read(page.lines[i])
        if source is None:
            return None
        for line in page.lines[i + 1 : page.body_end]:
            # The story goes on: a caption's credit ("Quelle: dpa"), not a source line.
            if letter_word_count(line) >= 12 and ends_sentence(line):
                return None
        return source

    @staticmethod
    def _drop_repeats(blocks: list[BodyBlock], standfirst: str | None) -> list[BodyBlock]:
        """Drop pull quotes, a standfirst printed again whole, and paragraphs printed twice."""
        kept: list[BodyBlock] = []
        texts = [b.text for b in blocks if b.kind == "paragraph"]
        joined = "\n".join(texts)
        seen: set[str] = set()
        for block in blocks:
            if block.kind == "paragraph":
                bare = block.text.strip(_QUOTES + " ")
                if block.text in seen or (standfirst and block.text == standfirst):
                    continue
                if len(bare) < 200 and joined.count(bare) > texts.count(block.text):
                    continue  # a pull quote: printed again from another paragraph
                seen.add(block.text)
            kept.append(block)
        return kept

    # --- fields --------------------------------------------------------------------------------

    def _date(self, page: _Page, place_date: dt.date | None) -> tuple:
        published = [d for d, _ in page.dates if d.kind == "published"]
        updated = [d for d, _ in page.dates if d.kind == "updated"]
        update_when = updated[0].when if updated else None
        if published:
            return published[0].when, "byline", update_when
        if place_date is not None:
            return place_date, "dateline", update_when
        for photo in page.photos:
            found = self.dates.find(photo.caption)
            if found:
                return found[0].day, "caption", update_when
        if update_when is not None:  # the only date printed is the last update: the best there is
            return update_when, "byline", update_when
        return None, None, update_when

    def _language(self, blocks: list[BodyBlock]) -> str | None:
        counts = dict.fromkeys(self.knowledge.language_words, 0)
        sample = " ".join(b.plain() for b in blocks[:4])[:2000].casefold()
        tokens = sample.split()  # function words stand alone; punctuation-glued ones don't matter
        languages_of = self._languages_of_word
        for token in filter(languages_of.__contains__, tokens):
            for lang in languages_of[token]:
                counts[lang] += 1
        if not tokens:
            return None
        best, score = max(counts.items(), key=lambda item: item[1])  # the first, on a tie
        return best if score >= max(3, len(tokens) // 20) else None

    # --- the whole article ---------------------------------------------------------------------

    def extract(self, text: str, path: str = "<text>") -> Extraction:
        """Read one decoded article; raise RefusedInput when it is not an article."""
        lines = self._join_credit_lines(join_dateline_lines(normalised_lines(text)))
        if not lines:
            raise RefusedInput("no text (only whitespace)", path)
        if len(lines) == 1 and len(lines[0]) > 1000:
            raise RefusedInput(
                f"no line breaks — the first line is {len(lines[0]):,} characters, not a title",
                path,
            )
        page = _Page(lines)
        fingerprint = self.publishers.fingerprint(lines)
        copyright_name = fingerprint or self.publishers.site_copyright(lines)
        page.title_index = self._title_index(lines, copyright_name)
        title = lines[page.title_index]
        sections = self._sections(lines, page.title_index, copyright_name)
        for line in lines[: page.title_index]:
            page.dates.extend((d, "byline") for d in self._date_lines(line))
            if names := self.rules.byline_names(line):
                page.authors.extend(names)
        self._walk_meta(page, copyright_name)
        footer_at = self._footer_start(lines, page.body_start)
        page.body_end = footer_at
        blocks = _without_author_bio(
            self._body(page), page.authors, self.knowledge.author_bio_verbs
        )
        if not any(b.kind == "paragraph" for b in blocks):
            if page.standfirst:  # a lone paragraph after the headline is the body, not a dek
                blocks = [BodyBlock("paragraph", page.standfirst)]
                page.standfirst = None
            else:
                raise RefusedInput("no body text (only a title)", path)
        for line in lines[footer_at:]:
            if "/" in line and has_copyright_mark(line):  # "© SZ/dpa/kast": agencies credited
                page.credited.extend(self._agencies_in(line.replace("©", " ")))
            elif len(line) <= MAX_SOURCE_LINE and (source := self.source_lines.read(line)):
                page.credited.extend(source.agencies)
            for found in self._date_lines(line):
                if found.kind == "published" and self.dates._published.match(line):
                    page.dates.append((found, "text"))

        first = next(b.text for b in blocks if b.kind == "paragraph")
        place, place_date, agency, _ = self.datelines.read(first)
        when, source, updated = self._date(page, place_date)
        publisher = self.publishers.publisher(
            lines,
            header=lines[: page.title_index],
            footer=lines[footer_at:],
            fingerprint=fingerprint,
            published_in=page.publisher_hint,
        )
        exclude = self.publishers.identities(publisher)
        agencies = tuple(
            name
            for name in [*_AGENCY_SEPARATOR.split(agency or ""), *page.credited]
            if name and letter_word_count(name) <= 4
        )
        cited = self.cites.find([b.plain() for b in blocks], exclude, agencies)
        return Extraction(
            title=title[:MAX_TITLE_CHARS],
            blocks=tuple(blocks),
            sections=tuple(sections),
            standfirst=page.standfirst,
            dateline_place=place,
            dateline_date=place_date,
            date=when,
            date_source=source,
            updated=updated,
            authors=tuple(strip_tags(a) for a in page.authors),
            publisher=publisher,
            photos=tuple(page.photos),
            cited_sources=tuple(cited),
            lang=self._language(blocks),
        )


def _without_author_bio(
    blocks: list[BodyBlock], authors: list[str], bio_verbs: tuple[str, ...]
) -> list[BodyBlock]:
    """Drop a closing 'Jane Doe reports on Spain from Madrid.' or 'Doe covers Spain for AP.':
    the author's bio, not the story."""
    while (
        len(blocks) > 1
        and blocks[-1].kind == "paragraph"
        and letter_word_count(blocks[-1].text) <= 30
        and any(_is_author_bio(blocks[-1].text, name, bio_verbs) for name in authors)
    ):
        blocks = blocks[:-1]
    return blocks


def _is_author_bio(text: str, author: str, bio_verbs: tuple[str, ...]) -> bool:
    """The full name, or the surname and a verb of a beat ("Silveira covers …")."""
    if text.startswith(f"{author} "):
        return True
    surname = author.split()[-1] if author.split() else ""
    if len(surname) < 2 or not text.startswith(f"{surname} "):
        return False
    rest = text[len(surname) + 1 :].casefold()
    return any(rest.startswith(f"{verb} ") for verb in bio_verbs)


def _ends_with_copyright_credit(line: str) -> bool:
    """'… - Copyright AP Photo/Name', '… © Name, AFP': a credit closes the line (no sentence
    after the mark, unlike 'The Copyright Office said it would appeal.')."""
    return has_copyright_mark(line) and _COPYRIGHT_CREDIT.search(line) is not None


def _without_handle(line: str) -> str:
    """'News reporter @AshnaKapoorSky' → 'News reporter'."""
    return _TRAILING_HANDLE.sub("", line) if "@" in line else line


def _sentence_count(line: str) -> int:
    return len(_SENTENCE_END.findall(line))


def _label_case(label: str) -> str:
    return label.title() if label.isupper() and len(label) > 3 else label

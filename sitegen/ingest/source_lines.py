"""Source lines: the short line that names the agencies an article is based on.

Wire-based copy says where it came from on a line of its own, usually the last line of the body or
a line of the meta block: "Quelle: ntv.de, mli/dpa/AFP", "pg/se (afp, dpa, rtr)", "jpz/dpa/AFP",
"Avec AFP", "Ouest-France avec AFP", "With files from The Canadian Press", "Reuters contributed to
this report.". Such a line credits its agencies and is not a body paragraph. The cue words of each
language are data (`[citations.source_lines]` in language.toml).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from sitegen.ingest.knowledge import Knowledge

MAX_SOURCE_LINE = 120  # a longer line is prose, never a source line
_MAX_PARTS = 8
_PART_SEPARATOR = re.compile(r"\s*(?:[,;/&]|\s(?:and|und|et)\s)\s*")
_INITIALS = re.compile(r"[a-zäöüßéèàç]{1,5}")  # desk initials: "se", "mli", "ghö"
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,4}")  # "ntv.de", "tagesschau.de"
_PERSON_WORD = re.compile(r"[A-ZÀ-Þ][a-zß-ÿ'’-]+")
_IN_PLACE = re.compile(r"\s+in\s+[A-ZÀ-Þ][\w-]*(?:\s+[A-ZÀ-Þ][\w-]*)*")
_BRACKETED = re.compile(r"^(?P<initials>[^\s()]{0,30})\s*\((?P<names>[^()]{2,60})\)$")


class SourceLine(NamedTuple):
    agencies: tuple[str, ...]  # canonical names of the known agencies the line credits


class SourceLineReader:
    """Recognises source lines and reads the agencies they credit."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        words = knowledge.source_lines
        self._labels = _prefix_pattern(knowledge.source_labels, r"\s*:\s*")
        self._openers = _prefix_pattern(words.get("openers", ()), r"\s+")
        self._contributor_openers = _prefix_pattern(words.get("contributor_openers", ()), r"\s+")
        closers = "|".join(re.escape(c) for c in words.get("contributor_closers", ())) or "(?!)"
        self._closers = re.compile(rf"^(?P<names>.+?)\s+(?:{closers})$", re.IGNORECASE)
        joiners = "|".join(re.escape(j) for j in words.get("outlet_joiners", ())) or "(?!)"
        self._outlet_with = re.compile(
            rf"^(?P<outlet>.{{2,40}}?)\s+(?:{joiners})\s+(?P<names>.+)$", re.IGNORECASE
        )
        self._photo_agencies = knowledge.photo_agencies
        # Cheap tests that rule most lines out before any pattern runs.
        self._first_words = frozenset(
            phrase.split()[0]
            for phrase in (
                *knowledge.source_labels,
                *words.get("openers", ()),
                *words.get("contributor_openers", ()),
            )
        )
        self._last_words = frozenset(c.split()[-1] for c in words.get("contributor_closers", ()))
        self._joined = re.compile(rf"\s(?:{joiners})\s", re.IGNORECASE)
        # Short lines recur (menus, footers, source lines of one desk): read each once.
        self.read = functools.lru_cache(maxsize=4096)(self.read)

    def read(self, line: str) -> SourceLine | None:
        """The agencies a source line credits, or None when the line is not a source line."""
        if len(line) > MAX_SOURCE_LINE or line.count(" ") > 16:
            return None
        text = line.strip().removesuffix(".").strip()
        if not text or not self._may_be_source_line(text):
            return None
        return (
            self._labelled(text)
            or self._opened(text)
            or self._contributors(text)
            or self._bracketed(text)
            or self._slashed(text)
            or self._outlet_with_agencies(text)
        )

    def _may_be_source_line(self, text: str) -> bool:
        if "/" in text or "(" in text or ":" in text:
            return True
        folded = text.casefold()
        words = folded.split()
        return (
            words[0] in self._first_words
            or words[-1] in self._last_words
            or self._joined.search(text) is not None
        )

    # --- the kinds of source line ------------------------------------------------------------

    def _labelled(self, text: str) -> SourceLine | None:
        """'Quelle: ntv.de, mli/dpa/AFP': every part a source, desk initials or a site name."""
        match = self._labels.match(text)
        if match is None:
            return None
        parts = _parts(text[match.end() :])
        if not parts or any(not self._source_like(p) for p in parts):
            return None  # 'Quelle: picture alliance/dpa/Philipp Schulze' is a photo credit
        return SourceLine(self._known(parts))

    def _opened(self, text: str) -> SourceLine | None:
        """'Avec AFP et Reuters', 'With files from The Canadian Press': only known agencies."""
        match = self._openers.match(text)
        if match is None:
            return None
        parts = _parts(text[match.end() :])
        agencies = self._known(parts)
        return SourceLine(agencies) if parts and len(agencies) == len(parts) else None

    def _contributors(self, text: str) -> SourceLine | None:
        """'Additional reporting by Reuters', 'Jane Roe contributed to this report': people too."""
        match = self._contributor_openers.match(text)
        if match is not None:
            names = text[match.end() :]
        elif (closing := self._closers.match(text)) is not None:
            names = closing.group("names")
        else:
            return None
        parts = _parts(_IN_PLACE.sub("", names))  # "Jane Roe in Lisbon"
        if not parts:
            return None
        return SourceLine(self._known([self._leading_source(p) for p in parts]))

    def _bracketed(self, text: str) -> SourceLine | None:
        """'pg/se (afp, dpa, rtr)', '(dpa)': desk initials, then the agencies in brackets."""
        if not text.endswith(")"):
            return None
        match = _BRACKETED.match(text)
        if match is None or not all(_is_initials(i) for i in _parts(match.group("initials"))):
            return None
        parts = _parts(match.group("names"))
        agencies = self._known(parts)
        return SourceLine(agencies) if parts and len(agencies) == len(parts) else None

    def _slashed(self, text: str) -> SourceLine | None:
        """'jpz/dpa/AFP', 'dpa/jw': agencies and desk initials joined by slashes, no spaces."""
        if "/" not in text or " " in text:
            return None
        parts = text.split("/")
        if not all(self._known((p,)) or _is_initials(p) for p in parts):
            return None
        agencies = self._known(parts)
        return SourceLine(agencies) if agencies else None

    def _outlet_with_agencies(self, text: str) -> SourceLine | None:
        """'Ouest-France avec AFP', 'Le Monde avec AFP et Reuters': an outlet with its agencies."""
        match = self._outlet_with.match(text)
        if match is None:
            return None
        outlet = match.group("outlet")
        if not (self._known((outlet,)) or _DOMAIN.fullmatch(outlet)):
            return None
        parts = _parts(match.group("names"))
        agencies = self._known(parts)
        return SourceLine(agencies) if parts and len(agencies) == len(parts) else None

    # --- parts -------------------------------------------------------------------------------

    def _known(self, parts: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        """The canonical names of the parts that are known sources, in printed order."""
        found = []
        for part in parts:
            canonical = self.knowledge.canonical_source(part) or self.knowledge.canonical_source(
                part.removeprefix("the ").removeprefix("The ")
            )
            if canonical and canonical not in found:
                found.append(canonical)
        return tuple(found)

    def _leading_source(self, part: str) -> str:
        """The known source a part opens with ("Associated Press writer Jane Roe"), or the part."""
        words = part.split()
        for end in range(min(len(words), 5), 0, -1):
            if self._known((candidate := " ".join(words[:end]),)):
                return candidate
        return part

    def _source_like(self, part: str) -> bool:
        """A known source, desk initials, a site's domain, or a name that is not a person's."""
        if self._known((part,)) or _is_initials(part) or _DOMAIN.fullmatch(part):
            return True
        if part.casefold() in self._photo_agencies:
            return False
        words = part.split()
        return not (2 <= len(words) <= 4 and all(_PERSON_WORD.fullmatch(w) for w in words))


def _prefix_pattern(words: tuple[str, ...], then: str) -> re.Pattern[str]:
    """A pattern of the cue words at the start of a line, followed by `then`."""
    if not words:
        return re.compile(r"(?!)")
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"^(?:{alternatives}){then}", re.IGNORECASE)


def _parts(names: str) -> tuple[str, ...]:
    parts = tuple(p.strip(" .()") for p in _PART_SEPARATOR.split(names.strip()))
    parts = tuple(p for p in parts if p)
    return parts if len(parts) <= _MAX_PARTS else ()


def _is_initials(part: str) -> bool:
    return bool(_INITIALS.fullmatch(part))

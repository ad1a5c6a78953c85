"""What a single pasted line is, judged on its own: each rule is a small, named, tested function.

The rules only look at one line (and the knowledge files). Where a line sits in the article —
header, body or footer — is decided later by `extract`, which combines these judgements.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from re import _constants as _regex_codes  # how `re` parses: private, but stable since 3.11
from re import _parser as _regex_parser
from typing import Any

from sitegen.ingest.knowledge import Knowledge

_WORD = re.compile(r"[^\W_][\w'’.&-]*")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
# On ASCII text: letters marked "a", all else a space, so each run of two or more letters
# opens with " aa" (after a leading space): counted by bytes.count instead of a regex.
_ASCII_LETTERS_MARKED = bytes(
    ord("a") if chr(c).isalpha() and c < 128 else ord(" ") for c in range(256)
)
_LIST_MARKS = "-•*–·▪●◦‣"
_LIST_ITEM = re.compile(rf"^(?:(?P<number>\d{{1,3}})[.)]|[{_LIST_MARKS}])\s+(?P<text>\S.*)$")
_SENTENCE_MARKS = (".", "!", "?", "…", ":", ";")
_CLOSING_MARKS = "'\"”’»)]"  # may follow the sentence mark: 'said.”', 'end.)'
_CLOSING_QUOTES = ('"', "”", "»")  # end a sentence on their own
_GLUED_CAMEL = re.compile(r"^(?:[A-ZÀ-ÞА-ЯЁ][a-zß-ÿа-яё]{2,}){2,5}$")
_CAMEL_PART = re.compile(r"[A-ZÀ-ÞА-ЯЁ][a-zß-ÿа-яё]+")
_NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-ÞĀ-ſА-ЯЁ][\w'’-]*\.?|[A-Z]\.|Mc[A-Z]\w+|O['’][A-Z]\w+)$")
_NAME_PARTICLES = frozenset(
    {
        "van",
        "von",
        "de",
        "der",
        "den",
        "da",
        "di",
        "du",
        "la",
        "le",
        "bin",
        "al",
        "el",
        "ten",
        "ter",
    }
)
_OPENING_CHARS = 120  # how much of a long line `AnyOf.match_opening` reads
_HTML_TAG = re.compile(r"<[^<>]{0,200}>")
# Words that glue into share-button rows ("pdfshareprint", "printsharecopy link").
_UI_WORDS = (
    "share", "print", "pdf", "copy", "link", "email", "mail", "save", "tweet", "post", "comment",
    "comments", "facebook", "twitter", "whatsapp", "telegram", "linkedin", "reddit", "bookmark",
    "listen", "download", "gift", "send", "url", "x", "vk", "teilen", "drucken", "merken",
    "kopieren", "partager", "imprimer", "copier", "lien",
)  # fmt: skip


class Tokens:
    """The runs of a character class in a text: `re.findall(class + "+", text)`, done faster.

    On ASCII text (most lines) one `str.translate` turns every other character into a space and
    `split` cuts there: a C loop instead of a regex scan.
    """

    def __init__(self, char_class: str):
        self._runs = re.compile(f"{char_class}+")
        member = re.compile(char_class)
        self._others_to_space = {c: " " for c in range(128) if not member.fullmatch(chr(c))}

    def __call__(self, text: str) -> list[str]:
        if text.isascii():
            return text.translate(self._others_to_space).split()
        return self._runs.findall(text)


class AsciiFast:
    """A pattern that ignores no case, also compiled with re.ASCII for ASCII text.

    On ASCII text both compilations match alike (re.ASCII only narrows \\w, \\d, \\s and \\b
    for other characters), and the ASCII one scans about twice as fast.
    """

    def __init__(self, pattern: re.Pattern[str]):
        if pattern.flags & re.IGNORECASE:
            raise ValueError("case-insensitive matching differs under re.ASCII")
        self.any_text = pattern
        flags = (pattern.flags & ~re.UNICODE) | re.ASCII
        self.ascii_text = re.compile(pattern.pattern, flags)

    def for_text(self, text: str) -> re.Pattern[str]:
        return self.ascii_text if text.isascii() else self.any_text


class NeedsPhrase:
    """A quick "cannot match" for a case-insensitive pattern that needs one of some phrases.

    The phrases must stand in the pattern literally (`re.escape`d). On ASCII text re.IGNORECASE
    finds a phrase exactly where the lowercased text contains it lowercased, unless a non-ASCII
    letter of a phrase is a case variant of an ASCII one (the Kelvin sign, "ſ", "ı"): checked
    once here, and then every text is let through. Other text is always let through too.
    """

    def __init__(self, phrases: Iterable[str]):
        phrases = set(phrases)
        self._ascii = tuple(sorted({p.lower() for p in phrases if p.isascii()}))
        self._exact = not any(_matches_ascii(c) for p in phrases for c in set(p) if not c.isascii())

    def may_match(self, text: str) -> bool:
        if not self._exact or not text.isascii():
            return True
        lowered = text.lower()
        return any(map(lowered.__contains__, self._ascii))


def required_phrases(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Literal phrases one of which every match of the pattern holds; None when not known.

    Read from the pattern as `re` itself parses it: the first run of literal characters after
    zero-width assertions (`\\b`, `^`, lookarounds), or such a run for each alternative of a
    leading group. With the phrases `NeedsPhrase` can rule a text out before a slow search.
    """
    return _leading_phrases(list(_regex_parser.parse(pattern, flags)))


def _leading_phrases(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    phrase: list[str] = []
    for op, argument in items:
        if op is _LITERAL:
            phrase.append(chr(argument))
        elif phrase:
            break
        elif op in _ZERO_WIDTH:
            continue
        elif op is _SUBPATTERN and not argument[1] and not argument[2]:
            return _leading_phrases(list(argument[3]))  # a group with no flags of its own
        elif op is _BRANCH:
            alternatives = [_leading_phrases(list(a)) for a in argument[1]]
            if any(a is None for a in alternatives):
                return None
            return frozenset().union(*alternatives)
        elif op in _REPEATS and argument[0] >= 1:
            return _leading_phrases(list(argument[2]))
        else:
            return None
    return frozenset({"".join(phrase)}) if phrase else None


_LITERAL, _SUBPATTERN, _BRANCH = _regex_codes.LITERAL, _regex_codes.SUBPATTERN, _regex_codes.BRANCH
_ZERO_WIDTH = (_regex_codes.AT, _regex_codes.ASSERT, _regex_codes.ASSERT_NOT)
_REPEATS = (_regex_codes.MAX_REPEAT, _regex_codes.MIN_REPEAT)


@functools.cache
def _matches_ascii(character: str) -> bool:
    """Whether re.IGNORECASE lets this character match an ASCII one."""
    pattern = re.compile(re.escape(character), re.IGNORECASE)
    return any(pattern.fullmatch(chr(code)) for code in range(128))


def words(line: str) -> list[str]:
    return _WORD.findall(line)


@functools.lru_cache(maxsize=8192)
def letter_word_count(line: str) -> int:
    """Words with at least two letters; estimated from spaces on long lines (thresholds only)."""
    if len(line) > 240:
        return line.count(" ") + 1
    if line.isascii():
        return (b" " + line.encode("ascii").translate(_ASCII_LETTERS_MARKED)).count(b" aa")
    return len(_LETTER_WORD.findall(line))


def ends_sentence(line: str) -> bool:
    """True when the line ends like a sentence (full stop, question, quote…)."""
    line = line.removesuffix("\n")  # one trailing line break is not the end (as regex `$`)
    return line.endswith(_CLOSING_QUOTES) or line.rstrip(_CLOSING_MARKS).endswith(_SENTENCE_MARKS)


def is_prose(line: str) -> bool:
    """A body-paragraph-like line: a sentence that ends, or a long run of words."""
    count = letter_word_count(line)
    return (ends_sentence(line) and count >= 4 and not line.endswith(":")) or count >= 25


def list_item(line: str) -> tuple[str, bool] | None:
    """(item text, ordered) for "1. text", "- text", "• text"; None otherwise."""
    first = line[:1]
    if not first.isdigit() and first not in _LIST_MARKS:  # every \d is a digit
        return None
    match = _LIST_ITEM.match(line)
    if match is None:
        return None
    return match.group("text"), match.group("number") is not None


def split_glued_labels(line: str) -> list[str] | None:
    """'NewsPolitics' → ['News', 'Politics']: labels that lost the space between them."""
    if " " in line or not _GLUED_CAMEL.match(line):
        return None
    return _CAMEL_PART.findall(line)


def is_glued_ui(line: str) -> bool:
    """'pdfshareprint', 'printsharecopy link': button labels pasted without spaces."""
    if len(line) - line.count(" ") > 60:
        return False  # too long for a button row (casefolding never shortens a text)
    squashed = line.casefold().replace(" ", "")
    if not squashed.isalpha() or len(squashed) > 60 or len(line.split()) > 3:
        return False
    reachable = [True] + [False] * len(squashed)
    for end in range(1, len(squashed) + 1):
        reachable[end] = any(
            reachable[end - len(w)] and squashed.endswith(w, 0, end)
            for w in _UI_WORDS
            if len(w) <= end
        )
    return reachable[-1] and len(squashed) > 4


def strip_tags(text: str) -> str:
    return " ".join(_HTML_TAG.sub(" ", text).split())


def looks_like_name(text: str) -> bool:
    """'Rowan Pike', 'Jean-Luc de la Tour': 2–5 capitalised words, no digits or sentence marks."""
    parts = text.split(maxsplit=5)  # six parts: more than five words
    if not 2 <= len(parts) <= 5 or any(ch.isdigit() for ch in text):
        return False
    if not parts[0][0].isupper() or not parts[-1][0].isupper():
        return False
    return all(_NAME_TOKEN.match(p) or p.casefold() in _NAME_PARTICLES for p in parts)


class AnyOf:
    """Whether any of several line patterns matches, tested the fast way.

    Python's `re` tries every alternative at every position of a union, which costs tens of
    microseconds on a paragraph. Patterns anchored at the start (`^…`) are joined and tried only
    at position 0; the few others are searched as usual.
    """

    def __init__(self, patterns: tuple[re.Pattern[str], ...]):
        anchored = [p.pattern[1:] for p in patterns if p.pattern.startswith("^")]
        floating = [p.pattern for p in patterns if not p.pattern.startswith("^")]
        self._anchored = _union(anchored)
        self._floating = _union(floating)
        # The anchored patterns a long line can match: those open at the end ("^want more …",
        # "^sign up\b.*$"); one that ends in "$" otherwise is written for short lines.
        open_ended = [p.removesuffix(".*$") for p in anchored if _open_ended(p)]
        self._open_ended = _union(open_ended)
        self._open_by_first, self._open_for_other = _by_first_character(open_ended)
        # The floating ones are searched only in lines that hold one of their phrases.
        phrases = [required_phrases(p, re.IGNORECASE) for p in floating]
        known = [p for p in phrases if p is not None]
        self._floating_needs = (
            NeedsPhrase(frozenset().union(*known)) if floating and known == phrases else None
        )
        self._anchored_by_first, self._anchored_for_other = _by_first_character(anchored)

    def __call__(self, line: str) -> bool:
        """Whether any pattern matches: on ASCII lines only the anchored patterns that can open
        with the line's first character are tried."""
        if not line.isascii():
            return self.match(line) is not None
        anchored = self._anchored_by_first.get(line[:1].lower(), self._anchored_for_other)
        if anchored is not None and anchored.match(line):
            return True
        if self._floating is None or not _may_match(self._floating_needs, line):
            return False
        return self._floating.search(line) is not None

    def match(self, line: str) -> re.Match[str] | None:
        """The match of the first pattern that matches, or None."""
        if self._anchored is not None and (found := self._anchored.match(line)):
            return found
        if self._floating is None or not _may_match(self._floating_needs, line):
            return None
        return self._floating.search(line)

    def match_opening(self, line: str) -> re.Match[str] | None:
        """The match of a pattern anchored at the start and open at the end, tried on the
        opening of the line only (a long line is known by how it opens)."""
        if not line.isascii():
            pattern = self._open_ended
        else:  # only the patterns that can open with the line's first character
            pattern = self._open_by_first.get(line[:1].lower(), self._open_for_other)
        return None if pattern is None else pattern.match(line, 0, _OPENING_CHARS)


def _open_ended(pattern: str) -> bool:
    return pattern.endswith(".*$") or not pattern.endswith("$")


def _union(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _may_match(needs: NeedsPhrase | None, line: str) -> bool:
    return needs is None or needs.may_match(line)


def _by_first_character(
    patterns: list[str],
) -> tuple[dict[str, re.Pattern[str] | None], re.Pattern[str] | None]:
    """For ASCII lines: the union of the patterns that can match a line opening with each
    (lowercased) character, and the union for lines opening with any other character.

    A pattern whose every match opens with a known phrase (`required_phrases`) can match an
    ASCII line only when the line opens with the first letter of one, in either case; other
    patterns are tried on every line. A phrase opening with a non-ASCII letter that
    re.IGNORECASE lets match an ASCII one (the Kelvin sign) counts as not known.
    """
    openers: list[frozenset[str] | None] = []
    for pattern in patterns:
        phrases = required_phrases(pattern, re.IGNORECASE)
        firsts = None if phrases is None else frozenset(p[0].lower() for p in phrases)
        if firsts is not None and any(not c.isascii() and _matches_ascii(c) for c in firsts):
            firsts = None
        openers.append(firsts)
    always = [p for p, firsts in zip(patterns, openers, strict=True) if firsts is None]
    by_first = {}
    for character in sorted({c for firsts in openers if firsts for c in firsts if c.isascii()}):
        opening = [
            p
            for p, firsts in zip(patterns, openers, strict=True)
            if firsts is None or character in firsts
        ]
        by_first[character] = _union(opening)
    return by_first, _union(always)


@dataclass(frozen=True)  # no slots: __post_init__ installs per-instance caches
class LineRules:
    """Line judgements that need the knowledge files, with their patterns compiled once."""

    knowledge: Knowledge
    boilerplate: AnyOf
    footer: AnyOf
    byline: re.Pattern[str]
    conjunctions: re.Pattern[str]
    crumb_separator: re.Pattern[str]
    crumb_marks: tuple[str, ...]  # every separator match holds one of these

    def __post_init__(self) -> None:
        # Each line is judged by several phases of the extractor; judge it once (the answers a
        # length tells are not cached: looking them up would cost more).
        for name in (
            "_short_line_is_boilerplate",
            "_long_line_is_boilerplate",
            "_names_footer",
            "byline_names",
            "breadcrumb",
        ):
            cached = functools.lru_cache(maxsize=4096)(getattr(self, name))
            object.__setattr__(self, name, cached)
        for name, texts in (
            ("_longest_related_opener", self.knowledge.related_openers),
            ("_longest_boilerplate_line", self.knowledge.boilerplate_lines),
            ("_longest_published_in", self.knowledge.published_in),
        ):
            object.__setattr__(self, name, max(map(len, texts), default=0))

    @classmethod
    def build(cls, knowledge: Knowledge) -> LineRules:
        prefixes = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in knowledge.byline_prefixes)
        conj = "|".join(re.escape(c) for c in knowledge.byline_conjunctions)
        separators = "|".join(re.escape(s) for s in knowledge.breadcrumb_separators)
        return cls(
            knowledge=knowledge,
            boilerplate=AnyOf(knowledge.boilerplate_patterns),
            footer=AnyOf(knowledge.footer_markers),
            byline=re.compile(rf"^(?:{prefixes})(?:\s*:\s*|\s+)(?P<names>\S.*)$", re.IGNORECASE),
            conjunctions=re.compile(rf"\s*(?:,|;|\s(?:{conj})\s)\s*", re.IGNORECASE),
            # "News › Regions", "News|Climate", "Startseite›München›…": arrows and bars need no
            # spaces around them; "/" and dots do ("AC/DC" is one label).
            crumb_separator=re.compile(rf"\s*(?:›|»|→|\|)\s*|\s+(?:{separators})\s+"),
            crumb_marks=("›", "»", "→", "|", *knowledge.breadcrumb_separators),
        )

    def is_boilerplate(self, line: str) -> bool:
        """Interface text: button labels, counts, read times, share rows, promos."""
        if len(line) > 160 and len(line.rstrip(" :")) > self._longest_boilerplate_line:
            return self._long_line_is_boilerplate(line)
        return self._short_line_is_boilerplate(line)

    def _long_line_is_boilerplate(self, line: str) -> bool:
        # Too long to be listed or to be tried with every pattern: a consent notice or a promo
        # is known by how it opens.
        return self.boilerplate.match_opening(line) is not None or is_glued_ui(line)

    def _short_line_is_boilerplate(self, line: str) -> bool:
        # Casefolding never shortens a text (nor the listed lines below): a longer line is
        # none of them, and is not folded.
        if len(line.rstrip(" :")) <= self._longest_boilerplate_line:
            folded = line.casefold()
            lines = self.knowledge.boilerplate_lines
            if folded.rstrip(" :") in lines or folded in lines:
                return True
        if len(line) <= 160:
            if self.boilerplate(line):
                return True
        elif self.boilerplate.match_opening(line):
            return True
        return is_glued_ui(line)

    def is_related_opener(self, line: str) -> bool:
        # Casefolding never shortens a text: a longer line is no opener, and is not folded.
        return len(line) <= self._longest_related_opener and (
            line.casefold() in self.knowledge.related_openers
        )

    def is_footer_marker(self, line: str) -> bool:
        """Copyright lines, legal links, "More from …": what follows is page footer."""
        return len(line) <= 250 and self._names_footer(line)

    def _names_footer(self, line: str) -> bool:
        return self.footer(line)

    def published_in(self, line: str) -> bool:
        return len(line.rstrip(" :")) <= self._longest_published_in and (
            line.casefold().rstrip(" :") in self.knowledge.published_in
        )

    def breadcrumb(self, line: str) -> list[str] | None:
        """'News › Regions', 'Home > World > Europe', 'NewsPolitics' → the labels without Home."""
        if len(line) > 200:
            return None
        separated = any(map(line.__contains__, self.crumb_marks))
        pieces = self.crumb_separator.split(line) if separated else [line]
        parts = [p for p in pieces if p]
        if len(parts) < 3 and ends_sentence(line):
            return None
        if len(parts) < 2:
            glued = split_glued_labels(line)
            if glued is None:
                return None
            parts = glued
        if len(parts) > 2 and len(parts[-1].split()) > 4:
            parts = parts[
                :-1
            ]  # "Home › City › Headline of this very page": the page is not a label
        if any(letter_word_count(p) == 0 or len(p.split()) > 4 or "<" in p for p in parts):
            return None
        return [p for p in parts if p.casefold() not in self.knowledge.home_labels]

    def byline_names(self, line: str) -> list[str] | None:
        """The people of a "By …" line, without job titles, outlets or places; None if no byline."""
        match = self.byline.match(line)
        if match is None or len(line) > 200:
            return None
        return self.names(match.group("names"))

    def _without_outlet(self, part: str) -> str:
        """'JOHN HANNA Associated Press' → 'JOHN HANNA': an outlet named after the person."""
        words = part.split()
        for i in range(1, len(words)):
            if self.knowledge.canonical_source(" ".join(words[i:])):
                return " ".join(words[:i])
        return part

    def names(self, text: str) -> list[str]:
        text = strip_tags(text)
        text = re.split(r"\s+[|·•—–-]\s+|\s*\|\s*", text)[0]
        if not self.conjunctions.search(text.replace(",", " ")):
            # "Sabine Müller, ARD-Studio Brüssel": one person, then a desk or a place.
            text = text.split(",")[0]
        people = []
        for part in self.conjunctions.split(text):
            part = re.sub(r"\s+(?:in|aus|à|en|from)\s+[A-ZÀ-Þ][\w .'’-]*$", "", part.strip())
            part = part.strip(" .,;:")
            folded = part.casefold()
            titles = self.knowledge.job_titles
            if not part or folded in titles or folded.removesuffix("s") in titles:
                continue
            if (
                self.knowledge.canonical_source(part)
                or part.casefold() in self.knowledge.home_labels
            ):
                continue
            part = self._without_outlet(part)
            if part.isupper():
                part = part.title()  # "MARK THIESSEN" → "Mark Thiessen"
            if looks_like_name(part) or (
                len(part.split()) == 1 and part[:1].isupper() and len(part) > 2
            ):
                people.append(part)
        return people

"""Photo captions and credits: "Caption. Photo: NAME / AGENCY", "(Photo by NAME/AGENCY via X)", …

A credit is kept as printed (case included), without its label, its parentheses or the interface
text a paste drags along ("Purchase Licensing Rights"), and split into people and organisations.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sitegen.ingest.knowledge import Knowledge
from sitegen.ingest.lines import NeedsPhrase, Tokens


@dataclass(frozen=True, slots=True)
class CaptionCredit:
    caption: str
    credit: str


_HINT_WORDS = Tokens(r"[^\W\d_]")


_CREDIT_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _looks_like_names(credit: str) -> bool:
    """Credits are names: most words are capitalised (or initials, agencies, "via", "for")."""
    words = _CREDIT_WORD.findall(credit)
    if not words:
        return False
    named = sum(
        1 for w in words if w[0].isupper() or w in ("via", "for", "de", "van", "von", "and")
    )
    return named * 3 >= len(words) * 2


class CreditReader:
    """Caption/credit patterns compiled once from the knowledge files."""

    def __init__(self, knowledge: Knowledge):
        labels = "|".join(re.escape(label) for label in knowledge.credit_labels)
        self.knowledge = knowledge
        # "(Photo by NAME)" or "(Courtesy: NAME)" closing the line.
        self._parenthesised = re.compile(
            rf"^(?P<caption>.*?)\s*\((?P<label>{labels})(?:\s*:\s*|\s+by\s+|\s+)(?P<credit>[^()]+)\)$",
            re.IGNORECASE,
        )
        # "… Photo: NAME", "… Photograph: NAME", "… Image source, NAME".
        self._labelled = re.compile(
            rf"^(?P<caption>.*?)(?:^|(?<=[\s.!?…”\"')]))(?P<label>{labels})\s*(?::|,|\s+by\b|\.\.\.|…)\s*(?P<credit>\S.*)$",
            re.IGNORECASE,
        )
        self._copyright = re.compile(r"^(?P<caption>.*?)\s*©\s*(?P<credit>\S.*)$")
        # No label, as wires and French dailies print it: "… 19 March. REUTERS/Kim Kyung-Hoon",
        # "… le 10 mars. JEAN-PHILIPPE KSIAZEK / AFP": names joined by "/" after the last sentence.
        name = r"[A-ZÀ-Þ][\w'’ .-]{1,40}?"
        joint = r"(?:\s*/\s*|\s+(?:for|via)\s+)"
        self._unlabelled = re.compile(
            rf"^(?P<caption>.*[.!?…])\s+(?P<credit>{name}(?:{joint}{name})+)$"
        )
        # "… 16 décembre 2024. (JOHN MACDOUGALL / AFP)": unlabelled, in brackets.
        self._bracketed = re.compile(
            rf"^(?P<caption>.*[.!?…])\s*[(\[](?P<credit>{name}(?:{joint}{name})+)[)\]]$"
        )
        # Al Jazeera: "… Canoas, Brazil [Diego Vara/Reuters]" (no full stop before the bracket).
        self._square = re.compile(
            rf"^(?P<caption>.*\S)\s*\[(?P<credit>{name}(?:{joint}{name})+)\]$"
        )
        # "(AP Photo/Charlie Riedel)": the label inside the credit.
        self._inner_label = re.compile(
            r"^(?P<caption>.*?)\s*\((?P<credit>[^()]*\b(?:photo|foto|photograph)\b[^()]*)\)$",
            re.IGNORECASE,
        )
        self._gallery = re.compile(  # "Item 1 of 2 " before a gallery caption
            r"^(?:item|image|photo|bild|foto)\s+\d+\s+(?:of|von|sur|de)\s+\d+\s+", re.I
        )
        # Cheap first look: no label word, "©" or "/" near the end means no credit.
        self._hint_words = frozenset(w for label in knowledge.credit_labels for w in label.split())
        # Text holding none of these holds no hint word ("photo" is in "photograph" too); ASCII
        # text holds none but the ASCII ones.
        self._hint_cores = tuple(
            sorted(
                w for w in self._hint_words if not any(o != w and o in w for o in self._hint_words)
            )
        )
        self._ascii_hint_cores = tuple(w for w in self._hint_cores if w.isascii())
        trailing = "|".join(re.escape(t) for t in knowledge.credit_trailing)
        self._trailing = re.compile(rf"\s*(?:{trailing})\s*$", re.IGNORECASE)
        self._has_trailing = NeedsPhrase(knowledge.credit_trailing)
        separators = "|".join(re.escape(s) for s in knowledge.credit_separators)
        self._splitter = re.compile(rf"\s*(?:{separators})\s*", re.IGNORECASE)
        # Several phases ask about the same line: answer once.
        self.split = functools.lru_cache(maxsize=4096)(self.split)

    def _has_hint_word(self, folded: str) -> bool:
        cores = self._ascii_hint_cores if folded.isascii() else self._hint_cores
        if not any(map(folded.__contains__, cores)):
            return False  # a few substring scans rule out most lines
        return not self._hint_words.isdisjoint(_HINT_WORDS(folded))

    def _without_trailing(self, text: str) -> str:
        """The text without interface words closing it ("Purchase Licensing Rights")."""
        return self._trailing.sub("", text) if self._has_trailing.may_match(text) else text

    def _clean_credit(self, credit: str) -> str:
        credit = self._without_trailing(credit.strip())
        credit = credit.strip().strip("()[]").strip()
        return credit.rstrip(".;,").strip()

    def split(self, line: str) -> CaptionCredit | None:
        """Split a caption line into caption and credit, or None when it carries no credit."""
        if len(line) > 600:
            return None
        tail = line[-200:]
        if (
            "/" not in tail
            and "©" not in tail
            and not tail.endswith((")", "]"))
            and not self._has_hint_word(tail.casefold())
        ):
            return None
        line = self._gallery.sub("", self._without_trailing(line))
        for pattern in self._patterns_that_may_match(line):
            match = pattern.match(line)
            if match is None:
                continue
            credit = self._clean_credit(match.group("credit"))
            caption = match.group("caption").strip()
            if not credit or len(credit) > 120 or len(credit.split()) > 14:
                continue
            if not _looks_like_names(credit) or len(caption.split()) > 80:
                continue  # a sentence that happens to contain "photo:", not a credit
            unlabelled = pattern in (self._unlabelled, self._bracketed, self._square)
            if unlabelled and not self._agency_credit(credit):
                continue
            return CaptionCredit(caption=caption, credit=credit)
        return None

    def _patterns_that_may_match(self, line: str) -> list[re.Pattern[str]]:
        """The caption patterns in the order they are tried, less those the line's last
        character (before a final line break, as `$` reads it), a missing "©" or a missing
        joint ("/", "for", "via") rules out."""
        last = line.removesuffix("\n")[-1:]
        patterns = []
        if last == ")":
            patterns += (self._parenthesised, self._inner_label)
        patterns.append(self._labelled)
        if "©" in line:
            patterns.append(self._copyright)
        if "/" in line or "for" in line or "via" in line:
            patterns.append(self._unlabelled)
            if last in (")", "]"):
                patterns.append(self._bracketed)
            if last == "]":
                patterns.append(self._square)
        return patterns

    def _agency_credit(self, credit: str) -> bool:
        """An unlabelled "Name / AGENCY" counts when it ends with an agency or is in capitals."""
        parts = self.parts(credit)
        last = parts[-1].casefold()
        known = last in self.knowledge.photo_agencies or self.knowledge.canonical_source(parts[-1])
        return bool(known) or any(p.isupper() and len(p) > 2 for p in parts)

    def parts(self, credit: str) -> tuple[str, ...]:
        """People and organisations of a credit, in printed order and case."""
        return tuple(part for part in self._splitter.split(credit) if part)


# Words that make a credit part an organisation ("KREMLIN POOL", "Getty Images", "Handout").
_ORGANISATION_WORDS = frozenset(
    [
        "pool",
        "images",
        "image",
        "press",
        "agency",
        "news",
        "photo",
        "photos",
        "service",
        "archive",
        "archives",
        "handout",
        "office",
        "ministry",
        "police",
        "army",
        "government",
        "museum",
        "library",
        "foundation",
        "festival",
        "council",
        "university",
        "studio",
        "studios",
        "agentur",
        "bildarchiv",
    ]
)


def credit_roles(parts: tuple[str, ...], knowledge: Knowledge) -> list[tuple[str, str]]:
    """Each credit part as ("Person" | "Organization", name): people can be told from agencies."""
    roles = []
    for part in parts:
        words = part.casefold().replace("-", " ").split()
        organisation = (
            part.casefold() in knowledge.photo_agencies
            or knowledge.canonical_source(part) is not None
            or not _ORGANISATION_WORDS.isdisjoint(words)
            or not 2 <= len(words) <= 4
        )
        roles.append(("Organization" if organisation else "Person", part))
    return roles

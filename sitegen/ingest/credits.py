"""Photo captions and credits: "Caption. Photo: NAME / AGENCY", "(Photo by NAME/AGENCY via X)", …

A credit is kept as printed (case included), without its label, its parentheses or the interface
text a paste drags along ("Purchase Licensing Rights"), and split into people and organisations.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from sitegen.ingest.knowledge import Knowledge
from sitegen.ingest.lines import NeedsPhrase, Tokens


@dataclass(frozen=True, slots=True)
class CaptionCredit:
    caption: str
    credit: str


@dataclass(frozen=True, slots=True)
class CreditLine:
    """A line that is only a credit ("Foto: picture alliance/dpa", "Jordan Vance/AP")."""

    credit: str
    source_label: bool  # "Quelle: …", "Source: …" also close an article as its source line
    strong: bool  # holds a "/" or a known agency: a credit even after a caption without full stop


_MAX_VIEWER_LINE = 40  # an image viewer's button is a few words

# Joins a caption and the credit printed on the next line into one line (see `CreditReader.join`).
_JOINT = "\u2063"


_HINT_WORDS = Tokens(r"[^\W\d_]")


_CREDIT_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _named_words(words: list[str]) -> int:
    return sum(1 for w in words if w[0].isupper() or w in ("via", "for", "de", "van", "von", "and"))


def _clean_caption(caption: str) -> str:
    """The caption without the separator or mark left before its credit ("… 2024. ©")."""
    return caption.strip().rstrip("|—–-©").strip()


def ends_caption(caption: str) -> bool:
    return caption.endswith((".", "!", "?", "…", ")", "»", "”", '"'))


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
        # "… next week. | Olivier Hoslet/EPA-EFE", "… janvier 2024. — C. Allain / 20 Minutes",
        # "… 6 March 2025 - Copyright AP Photo/Name": a credit behind a separator, a hyphen only
        # with a label.
        label_or_copyright = rf"(?:{labels}|copyright|©)"
        self._separated = re.compile(
            rf"^(?P<caption>.*\S)\s+(?:[|—–]\s+(?:(?P<label>{label_or_copyright})\s*:?\s*)?"
            rf"|-\s+(?P<hyphen_label>{label_or_copyright})\s*:?\s*)(?P<credit>[^|—–]+)$",
            re.IGNORECASE,
        )
        # "… since 1990Image: Name/dpa": a capitalised label glued to the caption's last word.
        glued = "|".join(
            re.escape(label[:1].upper() + label[1:]) for label in knowledge.credit_labels
        )
        self._glued = re.compile(
            rf"^(?P<caption>.*[a-zà-ÿ0-9)])(?P<label>{glued})\s*:\s*(?P<credit>\S.*)$"
        )
        self._source_labels = frozenset(knowledge.source_labels)
        self._viewer_lines: dict[str, Literal["marker", "toggle"]] = {
            **dict.fromkeys(knowledge.image_markers, "marker"),
            **dict.fromkeys(knowledge.caption_toggles, "toggle"),
        }
        # A line that is only a labelled credit: "Quelle: picture alliance/dpa", "Credit...Name".
        # An ASCII line opening with none of these letters (in either case) has no label first.
        self._label_initials = frozenset(label[:1].lower() for label in knowledge.credit_labels)
        self._label_first = re.compile(
            rf"^(?P<label>{labels})\s*(?::|,|\s+by\b|\.\.\.|…)\s*(?P<credit>\S.*)$", re.IGNORECASE
        )
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
        # "… wall in Holyhead (PA Wire)", "… in February (Peter Byrne/PA Wire)": no full stop.
        self._agency_bracket = re.compile(
            rf"^(?P<caption>.*[^\s.!?…])\s*\((?P<credit>{name}(?:{joint}{name})*)\)$"
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
        self._patterns = (
            self._parenthesised,
            self._inner_label,
            self._separated,
            self._glued,
            self._labelled,
            self._copyright,
            self._unlabelled,
            self._bracketed,
            self._square,
            self._agency_bracket,
        )
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
        if _JOINT in line:
            caption, _, credit = line.partition(_JOINT)
            return CaptionCredit(caption=caption.strip(), credit=credit)
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
        for pattern in self._patterns:
            if not self._may_match(pattern, line):
                continue
            match = pattern.match(line)
            if match is None:
                continue
            credit = self._clean_credit(match.group("credit"))
            caption = _clean_caption(match.group("caption"))
            if not credit or len(credit) > 120 or len(credit.split()) > 14:
                continue
            if not self._looks_like_names(credit) or len(caption.split()) > 80:
                continue  # a sentence that happens to contain "photo:", not a credit
            if not self._credit_fits(pattern, match, caption, credit):
                continue
            return CaptionCredit(caption=caption, credit=credit)
        return None

    def _may_match(self, pattern: re.Pattern[str], line: str) -> bool:
        """Cheap tests that rule out a pattern: the mark it needs is missing, or the line does
        not end as the pattern's `$` wants (lines carry no line break)."""
        if pattern is self._labelled:
            return True
        if pattern is self._separated:
            return "|" in line or "—" in line or "–" in line or " - " in line
        if pattern is self._glued:
            return ":" in line
        if pattern is self._copyright:
            return "©" in line
        last = line.removesuffix("\n")[-1:]  # `$` matches before a final line break
        if pattern in (self._parenthesised, self._inner_label, self._agency_bracket):
            return last == ")"
        # The others need names joined by "/", "for" or "via".
        if "/" not in line and "for" not in line and "via" not in line:
            return False
        if pattern is self._bracketed:
            return last in (")", "]")
        if pattern is self._square:
            return last == "]"
        return True

    def _credit_fits(
        self, pattern: re.Pattern[str], match: re.Match[str], caption: str, credit: str
    ) -> bool:
        """What each layout needs beyond its shape: a caption, an agency, no source line."""
        if pattern is self._agency_bracket:
            # "(PA Wire)" closing a caption, not "(AFP)" closing a paragraph nor "(NATO)" a name.
            # A dateline's "LONDON (Reuters)" is no caption either: a few words, in capitals.
            parts = self.parts(credit)
            return (
                any(map(self._names_agency, parts))
                and 3 <= len(caption.split()) <= 40
                and not caption.isupper()
            )
        if pattern is self._separated:
            if not caption:
                return False
            if match.group("label") or match.group("hyphen_label"):
                return True
            # "Headline | POLITICO" is a page title, "… next week. | Name/AGENCY" a credit.
            return self._agency_credit(credit) and (ends_caption(caption) or "/" in credit)
        if pattern in (self._unlabelled, self._bracketed, self._square):
            return self._agency_credit(credit)
        if not caption and pattern is self._labelled:
            # "Quelle: F.A.Z." alone closes an article as its source line; not a photo.
            return match.group("label").casefold() not in self._source_labels
        return True

    def credit_line(self, line: str) -> CreditLine | None:
        """The credit when the whole line is one, printed under its caption."""
        if len(line) > 160 or _JOINT in line:
            return None
        first = line[:1]
        may_be_labelled = not first.isascii() or first.lower() in self._label_initials
        if may_be_labelled and (labelled := self._label_first.match(line)) is not None:
            credit = self._clean_credit(labelled.group("credit"))
            if not credit or len(credit.split()) > 14 or not self._looks_like_names(credit):
                return None
            source = labelled.group("label").casefold() in self._source_labels
            return CreditLine(credit, source, self._strong(credit))
        if line.startswith(("(", "[")):  # "(Photo: Name)" on a line of its own
            split = self.split(line)
            if split is not None and not split.caption:
                return CreditLine(split.credit, False, self._strong(split.credit))
        elif "/" in line and len(line.split()) <= 14 and self._is_bare_credit(line):
            return CreditLine(self._clean_credit(line), source_label=False, strong=True)
        return None

    def _is_bare_credit(self, line: str) -> bool:
        """An unlabelled credit alone on its line: "Jordan Vance/AP", "dpa/Marcus Brandt"."""
        parts = self.parts(line)
        return (
            len(parts) >= 2
            and all(
                len(p.split()) <= 5 and (p[0].isupper() or self._names_agency(p)) for p in parts
            )
            and self._agency_credit(line)
        )

    def _strong(self, credit: str) -> bool:
        return "/" in credit or any(map(self._names_agency, self.parts(credit)))

    def viewer_line(self, line: str) -> Literal["marker", "toggle"] | None:
        """An image viewer's button: "marker" stands for an image above its caption ("Bild
        vergrößern"), "toggle" follows a caption and its credit (NPR's "hide caption")."""
        return self._viewer_lines.get(line.casefold()) if len(line) < _MAX_VIEWER_LINE else None

    @staticmethod
    def join(caption: str, credit: str) -> str:
        """One line holding a caption and the credit printed under it; `split` takes it apart."""
        return f"{caption}{_JOINT}{credit}"

    def _is_known(self, name: str) -> bool:
        return name.casefold() in self.knowledge.photo_agencies or bool(
            self.knowledge.canonical_source(name)
        )

    def _names_agency(self, part: str) -> bool:
        """A credit part that is or starts with an agency: "dpa", "Hans Lucas pour Libération"."""
        if self._is_known(part):
            return True
        words = part.split()
        return any(self._is_known(" ".join(words[:n])) for n in range(1, min(len(words), 4)))

    def _looks_like_names(self, credit: str) -> bool:
        """Credits are names: most words capitalised, or agencies in their own case ("dpa")."""
        found = _CREDIT_WORD.findall(credit)
        if found and _named_words(found) * 3 >= len(found) * 2:
            return True  # capitalised: no need to look for agencies
        words = named = 0
        for part in self.parts(credit):
            found = _CREDIT_WORD.findall(part)
            words += len(found)
            named += len(found) if self._names_agency(part) else _named_words(found)
        return words > 0 and named * 3 >= words * 2

    def _agency_credit(self, credit: str) -> bool:
        """An unlabelled credit counts when a part names an agency or is in capitals."""
        parts = self.parts(credit)
        return any(self._names_agency(p) for p in parts) or any(
            p.isupper() and len(p) > 2 for p in parts
        )

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

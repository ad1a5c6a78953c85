"""Which outlet a pasted page belongs to: fingerprints, copyright, mastheads, self-descriptions.

Not an owner group (owners map to their outlet in data) and not a wire agency that supplied the
story (its copyright line is skipped); nothing when the text does not reveal it.
"""

from __future__ import annotations

import functools
import re

from sitegen.ingest.credits import CreditReader
from sitegen.ingest.knowledge import Knowledge
from sitegen.ingest.lines import AnyOf, letter_word_count

_LEGAL_SUFFIX = re.compile(
    r",?\s+(?:ltd\.?|limited|gmbh(?:\s*&\s*co\.?(?:\s*kg)?)?|inc\.?|llc|plc|ag|s\.?a\.?s?|sas|sarl|bv|oy|ab|as)$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"(?:(?:©|\(c\)|copyright\b)\s*)+(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\s*,?\s*)?"
    r"(?P<name>[^.|·•,;:]+(?:\.(?:com|de|fr|co\.uk|org|net|ru|eu)\b)?)",
    re.IGNORECASE,
)
# A German publishing house is named "Verlag <paper>" in its legal name.
_PUBLISHING_HOUSE = re.compile(r"^(?:Verlag|Zeitungsverlag)\s+(?=\S)")
_TRAILING_YEAR = re.compile(r"\s*,?\s*(?:19|20)\d\d$")


class PublisherReader:
    """Publisher evidence, with its patterns compiled once from the knowledge files."""

    def __init__(self, knowledge: Knowledge, credits: CreditReader):
        self.knowledge = knowledge
        self.credits = credits
        self._outlet_names = {
            bare_name(spelling): outlet.name
            for outlet in knowledge.outlets
            for spelling in (outlet.name, *outlet.owners)
        }
        # One anchored union over every outlet's fingerprints; the group that matched names it.
        with_patterns = [o for o in knowledge.outlets if o.patterns]
        self._fingerprint_names = [o.name for o in with_patterns]
        self._fingerprints = AnyOf(
            tuple(
                re.compile(f"^(?P<o{i}>{_alternatives(o.patterns)})")
                for i, o in enumerate(with_patterns)
            )
        )
        self._self_description = re.compile(
            r"(?:^|[.!?]\s+)(?P<name>[A-ZÀ-Þ][^.!?]{1,60}?)\s+(?:"
            + "|".join(p.pattern for p in knowledge.self_descriptions)
            + ")",
            re.IGNORECASE,
        )
        # The publisher and the headline search both read the copyright lines: read each once.
        self.copyright_name = functools.lru_cache(maxsize=4096)(self.copyright_name)

    def identities(self, publisher: str | None) -> set[str]:
        """The names the publisher goes by as a source: its own, its canonical spelling, and the
        agency it is (on apnews.com "AP" is the publisher, not a source it cites)."""
        if publisher is None:
            return set()
        names = {publisher}
        if canonical := self.knowledge.canonical_source(publisher):
            names.add(canonical)
        outlet_name = self._outlet_names.get(bare_name(publisher), publisher)
        for outlet in self.knowledge.outlets:
            if outlet.agency and outlet.name == outlet_name:
                names.add(outlet.agency)
        return names

    def masthead_name(self, line: str) -> str | None:
        """The outlet a masthead-like line names (a known outlet, owner or agency), or None."""
        if len(line) > 80:
            return None
        return self._outlet_names.get(bare_name(line)) or self.knowledge.canonical_source(line)

    def fingerprint(self, lines: list[str]) -> str | None:
        """The outlet whose fingerprint (data) appears in the paste."""
        for line in lines:
            # The quick test first (on ASCII lines it tries only the fingerprints that can open
            # with the line's first letter); the match, to name the outlet, only when it says yes.
            if (
                len(line) <= 400
                and self._fingerprints(line)
                and (match := self._fingerprints.match(line))
            ):
                return self._fingerprint_names[int(match.lastgroup[1:])]
        return None

    def publisher(
        self,
        lines: list[str],
        *,
        header: list[str],
        footer: list[str],
        fingerprint: str | None,
        published_in: str | None,
    ) -> str | None:
        """The outlet, by the strongest evidence first: a fingerprint (data), a "Published in"
        line, the site's copyright line, a footer sentence naming it, a masthead in the header."""
        if fingerprint:
            return fingerprint
        if published_in:
            return published_in
        if name := self.site_copyright(lines):
            return name
        for line in footer:
            if match := self._self_description.search(line):
                return match.group("name").strip()
        for line in header:
            if name := self.masthead_name(line):
                return name
        return None

    def site_copyright(self, lines: list[str]) -> str | None:
        """The site's own copyright line: the lowest one that is not a photo credit or a wire's."""
        for line in reversed(lines):
            if (name := self.copyright_name(line)) and not self._is_photo_credit(line):
                return name
        return None

    def _is_photo_credit(self, line: str) -> bool:
        """'A meter in Berlin © Jens Kalaene/dpa' is a photo; '© 2025 The Herald' is not."""
        split = self.credits.split(line)
        return (
            split is not None
            and letter_word_count(split.caption) >= 3
            and not re.search(r"[·|•]", split.caption)
            and not re.match(r"(?:19|20)\d\d\b", split.credit)
        )

    def copyright_name(self, line: str) -> str | None:
        if len(line) > 400 or not has_copyright_mark(line):
            return None
        match = _COPYRIGHT.search(line)
        if match is None:
            return None
        name = _TRAILING_YEAR.sub("", match.group("name").strip())
        name = re.split(
            r"\s+(?:all rights|alle rechte|tous droits|(?:or|and) its affiliat)", name, flags=re.I
        )[0]
        name = _LEGAL_SUFFIX.sub("", name.strip()).strip(" -–—")
        name = name.split("/")[0].strip()  # "© SZ/dpa/kast": the outlet, its agencies, a desk
        name = _PUBLISHING_HOUSE.sub("", name)  # "Verlag Der Tagesspiegel": the paper's house
        if not name or not name[0].isupper() or len(name.split()) > 6:
            return None
        if outlet := self._outlet_names.get(bare_name(name)):
            return outlet
        canonical = self.knowledge.canonical_source(name)
        if canonical is None:
            return name
        if outlet := self._outlet_names.get(bare_name(canonical)):
            return outlet  # "SZ" → Süddeutsche Zeitung, an outlet known by its short name
        return None  # a wire agency's copyright on a story it supplied


def _alternatives(patterns: tuple[re.Pattern[str], ...]) -> str:
    return "|".join(p.pattern.removeprefix("^") for p in patterns)


def same_name(a: str, b: str) -> bool:
    """Equal names, ignoring case and a leading "The"."""
    return bare_name(a) == bare_name(b)


@functools.lru_cache(maxsize=4096)
def bare_name(name: str) -> str:
    name = name.casefold().strip()
    return name[4:] if name.startswith("the ") else name


def has_copyright_mark(line: str) -> bool:
    # "(c)" in any case; no other character lowercases to "(", "c" or ")".
    return "©" in line or "opyright" in line or "OPYRIGHT" in line or "(c)" in line or "(C)" in line


def names_outlet(line: str, outlet: str) -> bool:
    """A short line that is, or contains, the outlet's name: a masthead or a home link."""
    name = outlet.casefold().removeprefix("the ")
    return same_name(line, outlet) or (len(line.split(maxsplit=8)) <= 8 and name in line.casefold())

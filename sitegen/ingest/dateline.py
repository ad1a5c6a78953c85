"""The dateline that opens a first paragraph: 'Hamburg (dpa) -', 'Pyongyang, June 19, 2024 —'."""

from __future__ import annotations

import datetime as dt
import re

from sitegen.ingest.dates import DateReader
from sitegen.ingest.knowledge import Knowledge
from sitegen.ingest.lines import letter_word_count

_PLACE_WORDS = r"[A-ZÀ-ÞĀ-ſА-ЯЁ][\w'’.-]*(?:[ -][\w'’.-]+){0,3}"


class DatelineReader:
    """Dateline patterns compiled once from the knowledge files."""

    def __init__(self, knowledge: Knowledge, dates: DateReader):
        self.knowledge = knowledge
        self.dates = dates
        self._regex = self._pattern()

    def _pattern(self) -> re.Pattern[str]:
        particles = "|".join(sorted(self.knowledge.place_particles))
        word = r"[A-ZÀ-ÞĀ-ſА-ЯЁ][\w'’.-]*"
        place = rf"{word}(?:[ -](?:(?:{particles})[ -])?{word}){{0,3}}"
        return re.compile(
            rf"^(?P<place>{place})(?P<middle>,[^()—–]{{1,60}}?)?"
            rf"\s*(?:\((?P<agency>[^()]{{1,40}})\))?"
            rf"\s*(?:[—–]|--?)\s+(?=\S)"
        )

    def read(self, paragraph: str) -> tuple[str | None, dt.date | None, str | None, int]:
        """(place, date, agency, length of the dateline prefix) of a first body paragraph.

        Forms: 'Hamburg (dpa) -', 'POTES, Spain —', 'Pyongyang, June 19, 2024 —',
        'LONDON, June 19 (Reuters) -'. A date without a year is allowed but not used.
        """
        head = paragraph[:160]
        if "-" not in head and "—" not in head and "–" not in head:
            return None, None, None, 0  # no dash, no dateline: told before the pattern
        match = self._regex.match(head)
        if match is None:
            return None, None, None, 0
        place, region, day = match.group("place"), "", None
        middle = (match.group("middle") or "").strip(" ,")
        if middle:
            found = self.dates.find(middle)
            if found:
                day = found[0].day
                middle = (middle[: found[0].start] + middle[found[0].end :]).strip(" ,")
            if middle and partial_date(middle, self.knowledge.months):
                middle = ""
            if middle and not re.fullmatch(_PLACE_WORDS, middle):
                return None, None, None, 0
            region = middle
        agency = match.group("agency")
        if region and not agency:  # CNN prints "Athens, Greece CNN —": the outlet ends the place
            words = region.split()
            if len(words) > 1 and self.knowledge.canonical_source(words[-1]):
                region, agency = " ".join(words[:-1]), words[-1]
        name = f"{place}, {region}" if region else place
        if letter_word_count(name) > 6:
            return None, None, None, 0
        if agency and not self._is_agency_mark(agency):
            agency = None  # "Lyon (Rhône) –": a region in brackets, not a wire
        return name, day, agency, match.end()

    def _is_agency_mark(self, text: str) -> bool:
        """'(dpa)', '(Reuters)', '(AFP/AP)', '(NNA)': known, or a short all-caps/lowercase tag."""
        parts = [p.strip() for p in re.split(r"[/,]", text) if p.strip()]
        return bool(parts) and all(
            self.knowledge.canonical_source(p) or (len(p) <= 12 and (p.isupper() or p.islower()))
            for p in parts
        )


_DANGLING_DASH = re.compile(r"\s(?:[—–]|--?)$")
_DASHES = ("—", "–", "-")


def join_dateline_lines(lines: list[str]) -> list[str]:
    """'Athens, Greece CNN —' printed on a line of its own belongs to the next paragraph."""
    joined: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if (
            i + 1 < len(lines)
            and len(line) <= 60
            and line.removesuffix("\n").endswith(_DASHES)  # a cheap look before the pattern
            and _DANGLING_DASH.search(line)
            and line[:1].isupper()
        ):
            joined.append(f"{line} {lines[i + 1]}")
            i += 2
            continue
        joined.append(line)
        i += 1
    return joined


def partial_date(text: str, months: dict[str, int]) -> bool:
    """'June 19', '19 juin': a date without a year, allowed inside a dateline but not used."""
    tokens = re.findall(r"[^\W\d_]+", text.casefold())
    return bool(tokens) and all(t in months for t in tokens) and any(c.isdigit() for c in text)

"""Reading printed dates: full calendar dates in many languages, with time and zone when printed.

Only complete dates count (day, month and year); "2 hours ago", "19 June" and story IDs do not.
A date with a time and a known zone becomes an aware datetime in the printed zone (never shifted
to UTC); without a zone it stays a calendar date, because a zone is never invented.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sitegen.ingest.knowledge import Knowledge
from sitegen.ingest.lines import NeedsPhrase, Tokens

DateKind = Literal["published", "updated"]

_TIME = (
    r"(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))(?::\d{2})?"
    r"(?:\s*(?P<ampm>[ap]\.?\s?m\.?)(?![a-z]))?"
    r"(?:\s*uhr)?"
    r"(?:\s*(?P<zone>(?:gmt|utc)\s?[+-−]\s?\d{1,2}(?::?\d{2})?|[+-−]\d{2}:?\d{2}|[a-z]{1,5}\b))?"
)

_YEAR = re.compile(r"(?:19|20)\d\d")
# "05/03/25": a two-digit year, read only right after a "Published"/"Updated" label.
_SHORT_DATE = re.compile(r"(?P<a>\d{1,2})[./](?P<b>\d{1,2})[./](?P<yy>\d\d)(?![\d./])")
_FIGURE = re.compile(r"\d")
_LETTER_RUNS = Tokens(r"[^\W\d_]")


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A full date found in text, and where."""

    day: dt.date
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DateLine:
    """A line that is (mostly) a date: its moment and whether it is a publication or an update."""

    when: dt.date | dt.datetime
    kind: DateKind
    text: str


class DateReader:
    """Date patterns compiled once from the knowledge files."""

    def __init__(self, knowledge: Knowledge, is_clutter: Callable[[str], bool] | None = None):
        """`is_clutter` tells interface text ("Lesedauer: 3 Minuten") that may share a date's
        line, between "|" bars, without making it no date line."""
        self.knowledge = knowledge
        self._is_clutter = is_clutter or (lambda _text: False)
        months = "|".join(
            re.escape(m) for m in sorted(knowledge.months, key=lambda m: (-len(m), m))
        )
        suffix = "|".join(re.escape(s) for s in knowledge.year_suffixes)
        year = rf"(?P<year>(?:19|20)\d\d)(?:(?!\d)|(?=\d{{1,2}}[:.]\d\d))(?:\s*(?:{suffix})(?!\w))?"
        # Month names that are single words: only a word followed by a number can be one, which
        # is cheaper to rule out than every month name at every word.
        before_day = (
            r"(?=\w+\.?\s+\d)" if all(re.fullmatch(r"\w+", m) for m in knowledge.months) else ""
        )
        # Patterns that open with a figure test the character before it only after that first
        # figure ("\d(?<![\w.]\d)" is "(?<![\w.])\d"): `re` then skips ahead to the figures.
        self._patterns = [  # two with month names, then two all in figures
            re.compile(
                rf"(?<!\w){before_day}(?P<mon>{months})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{year}",
                re.IGNORECASE,
            ),
            re.compile(
                rf"(?P<day>\d(?<![\w.]\d)\d?)(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?(?P<mon>{months})"
                rf"\.?,?\s+(?:de\s+)?{year}",
                re.IGNORECASE,
            ),
            re.compile(
                r"(?P<year>(?:19|20)(?<![\w:-]\d\d)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)(?![\d-])",
            ),
            re.compile(
                r"(?P<a>\d(?<![\w./]\d)\d?)[./](?P<b>\d{1,2})[./](?P<year>(?:19|20)\d\d)(?!\d)",
            ),
        ]
        self._numeric_patterns = self._patterns[2:]
        self._month_named = NeedsPhrase(knowledge.months)
        self._time = re.compile(_TIME, re.IGNORECASE)
        # Words a date line may hold besides the date: weekdays, "at", "um", a.m./p.m.
        self._ignored_words = (
            knowledge.weekdays | knowledge.date_fillers | {"am", "pm", "a", "p", "m"}
        )
        self._published = self._label_pattern(knowledge.published_labels)
        self._updated = self._label_pattern(knowledge.updated_labels)
        self._updated_anywhere = re.compile(
            r"(?:(?<=\d)|(?<!\w))(?:" + "|".join(map(re.escape, knowledge.updated_labels)) + r")\b",
            re.IGNORECASE,
        )
        self._update_named = NeedsPhrase(knowledge.updated_labels)
        # The words a printed date may hold before its figures: those of the month names.
        month_words = {w for m in knowledge.months for w in _LETTER_RUNS(m)}
        self._month_word = re.compile(
            "|".join(map(re.escape, sorted(month_words, key=len, reverse=True))), re.IGNORECASE
        )
        # The same few words stand before the figures of many lines: each is looked up once.
        self._is_month_word = functools.lru_cache(maxsize=4096)(self._is_month_word)

    @staticmethod
    def _label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
        return re.compile(
            r"^(?:" + "|".join(map(re.escape, labels)) + r")(?:\s*:|\b)\s*", re.IGNORECASE
        )

    def find(self, text: str) -> list[FoundDate]:
        """Every complete date in the text, in order of appearance."""
        if not _YEAR.search(text):
            return []  # every date pattern has a year: most text is ruled out by one cheap scan
        found: list[FoundDate] = []
        taken: list[tuple[int, int]] = []
        month_named = self._month_named.may_match(text)
        for pattern in self._patterns if month_named else self._numeric_patterns:
            for match in pattern.finditer(text):
                if any(s < match.end() and match.start() < e for s, e in taken):
                    continue
                day = self._to_date(match)
                if day is not None:
                    found.append(FoundDate(day, match.start(), match.end()))
                    taken.append((match.start(), match.end()))
        return sorted(found, key=lambda f: f.start)

    def _to_date(self, match: re.Match[str]) -> dt.date | None:
        named = match.re.groupindex
        year = int(match["year"])
        if "mon" in named and match["mon"]:
            month = self.knowledge.months.get(match["mon"].casefold().rstrip("."))
            day = int(match["day"])
        elif "month" in named and match["month"]:
            month, day = int(match["month"]), int(match["day"])
        else:
            a, b = int(match["a"]), int(match["b"])
            # Day first (European) unless that is impossible; "/" with a day > 12 second is US.
            day, month = (b, a) if a <= 12 < b else (a, b)
        if month is None:
            return None
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None

    def _zone(self, text: str | None) -> dt.timezone | None:
        if not text:
            return None
        token = text.upper().replace("−", "-").replace(" ", "")
        offset = re.fullmatch(r"(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?", token)
        if offset:
            sign = -1 if offset.group(1) == "-" else 1
            minutes = int(offset.group(2)) * 60 + int(offset.group(3) or 0)
            if minutes > 14 * 60:
                return None
            return dt.timezone(dt.timedelta(minutes=sign * minutes))
        if token in self.knowledge.timezones:
            return dt.timezone(dt.timedelta(minutes=self.knowledge.timezones[token]))
        return None

    def _moment(self, day: dt.date, rest: str) -> dt.date | dt.datetime:
        """Attach a printed time and zone to the day when both are there."""
        match = self._time.search(rest)
        if match is None:
            return day
        hour, minute = int(match.group("hour")), int(match.group("minute"))
        ampm = (match.group("ampm") or "").lower().replace(".", "").replace(" ", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        zone = self._zone(match.group("zone"))
        if zone is None or hour > 23 or minute > 59:
            return day
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)

    def _is_leftover_word(self, word: str) -> bool:
        """A word that is no weekday, filler or zone: a date line holds none beside its date."""
        return (
            word.casefold() not in self._ignored_words
            and word.upper() not in self.knowledge.timezones
        )

    def _has_leftover_words(self, text: str) -> bool:
        """Whether words other than weekdays, fillers and zones stand beside the date."""
        return any(map(self._is_leftover_word, _LETTER_RUNS(text)))

    def _has_leftover_words_before_figures(self, text: str) -> bool:
        """Whether a leftover word stands before the text's first figure: a cheap early no.

        A date opens with a figure or a month name and a time with a figure, so removing them
        leaves the words before the first figure whole, but for month names and a word glued
        to that figure ("at10:30", which the removed time may glue to another).
        """
        figure = _FIGURE.search(text)
        if figure is None:
            return False  # no figure, no date: `find` says no just as fast
        words = _LETTER_RUNS(text[: figure.start()])
        if words and text[: figure.start()].endswith(words[-1]):
            words.pop()  # glued to the figure
        return any(self._is_leftover_word(w) and not self._is_month_word(w) for w in words)

    def _is_month_word(self, word: str) -> bool:
        return self._month_word.fullmatch(word) is not None

    def _segment(self, text: str, kind: DateKind, labelled: bool = False) -> DateLine | None:
        found = self._short_date(text) if labelled else None
        if found is None:
            if not _YEAR.search(text) or self._has_leftover_words_before_figures(text):
                return None  # no year is no date; a word before the date is no date line
            dates = self.find(text)
            if len(dates) != 1:
                return None
            found = dates[0]
        rest = text[: found.start] + " " + text[found.end :]
        time = self._time.search(rest)
        leftover = rest if time is None else rest[: time.start()] + rest[time.end() :]
        if self._has_leftover_words(leftover):
            return None
        return DateLine(self._moment(found.day, rest), kind, text)

    @staticmethod
    def _short_date(text: str) -> FoundDate | None:
        """'05/03/25 à 14h20' → 5 March 2025: day first, as _to_date reads figures."""
        match = _SHORT_DATE.match(text)
        if match is None:
            return None
        a, b = int(match["a"]), int(match["b"])
        day, month = (b, a) if a <= 12 < b else (a, b)
        try:
            return FoundDate(dt.date(2000 + int(match["yy"]), month, day), 0, match.end())
        except ValueError:
            return None

    def date_line(self, line: str) -> list[DateLine]:
        """The dates a line consists of (a publication and/or an update), or [] for other lines.

        'Updated Dec. 20, 2024 at 9:31 p.m. EST|Published Dec. 20, 2024 …' holds both.
        """
        if len(line) > 160 or not (_YEAR.search(line) or _SHORT_DATE.search(line)):
            return []  # every date has a year (two-digit ones only after a label)
        results: list[DateLine] = []
        segments = re.split(r"\s*\|\s*", line) if "|" in line else [line]
        for segment in segments:
            if not segment:
                continue
            found = self._labelled_segment(segment)
            if found is None:
                if len(segments) > 1 and self._is_clutter(segment):
                    continue  # "Veröffentlicht am 05.03.2025 | Lesedauer: 3 Minuten"
                return []
            results.extend(found)
        return results

    def _labelled_segment(self, line: str) -> list[DateLine] | None:
        kind: DateKind = "published"
        text = line
        labelled = True
        if match := self._updated.match(text):
            kind, text = "updated", text[match.end() :]
        elif match := self._published.match(text):
            text = text[match.end() :]
        else:
            labelled = False
        parts: list[tuple[DateKind, str, bool]] = [(kind, text, labelled)]
        split = self._updated_anywhere.search(text) if self._update_named.may_match(text) else None
        if split and split.start() > 0:
            before, after = text[: split.start()], text[split.end() :]
            parts = [(kind, before, labelled), ("updated", after, True)]
        results = []
        for part_kind, part, part_labelled in parts:
            part = part.strip(" :|/·•,-–—()")
            if not part:
                continue
            found = self._segment(part, part_kind, part_labelled)
            if found is None:
                if part_kind == "published":
                    return None
                continue  # "Updated 2 hours ago": no date, but the line is still a date line
            results.append(found)
        return results

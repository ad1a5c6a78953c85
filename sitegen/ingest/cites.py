"""Cited sources: the news agencies and outlets an article names as where its facts came from.

A name counts when two things hold. It is an outlet: a known agency or outlet (data), a name whose
first or last word is an outlet word ("Harbour Times", "Radio Lindholm"), or a name right after a
media noun ("the state news agency Baltica"). And the sentence cites it: a cue before it ("according
to", "quoted by", "told") or after it ("reported", "said, citing", "’s … report"). Councils,
companies and people who are quoted are not outlets, so they never count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.ingest.knowledge import Knowledge

_TOKEN = re.compile(r"[\w&][\w&.'’-]*")
_CONNECTORS = frozenset({"of", "de", "du", "la", "le", "der", "die", "für", "&", "van", "von"})
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_RUN_PREFIX_WORDS = frozenset({"radio", "tv", "télé", "kanal", "channel", "canal", "rádio"})
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")


@dataclass(frozen=True, slots=True)
class NameRun:
    text: str
    start: int
    end: int
    possessive: bool


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str


_ELISION = re.compile(r"^(?:[lLdDjJnNmMsStTcC]|qu|Qu)['’](?=\w)")


def _tokens(text: str, lowercase_names: frozenset[str]) -> list[_Token]:
    """Word tokens; French/Italian elisions ("l'AFP") are cut off, known lowercase names kept."""
    tokens = []
    for match in _TOKEN.finditer(text):
        start, word = match.start(), match.group()
        elision = _ELISION.match(word)
        if elision:
            start, word = start + elision.end(), word[elision.end() :]
        if word in lowercase_names:
            word = word[0].upper() + word[1:]  # read as capitalised; the text keeps its spelling
        tokens.append(_Token(start, start + len(word), word))
    return tokens


def _joined(text: str, left: _Token, right: _Token, glue: tuple[str, ...] = ("",)) -> bool:
    return text[left.end : right.start].strip() in glue


def name_runs(text: str, lowercase_names: frozenset[str] = frozenset()) -> list[NameRun]:
    """Runs of capitalised words ("Nordvest News Agency"), cut at possessives and punctuation."""
    runs: list[NameRun] = []
    tokens = _tokens(text, lowercase_names)
    i = 0
    while i < len(tokens):
        if not tokens[i].text[0].isupper():
            i += 1
            continue
        start, j, possessive = tokens[i].start, i, False
        while True:
            word = tokens[j].text
            end = tokens[j].end
            if len(word) > 2 and _POSSESSIVE.search(word):
                end = tokens[j].start + len(_POSSESSIVE.sub("", word))
                possessive = True
                break
            if word.endswith(".") and len(word) > 3 and not word.isupper():
                end -= 1
                break
            nxt = j + 1
            if nxt >= len(tokens) or not _joined(text, tokens[j], tokens[nxt], ("", "&")):
                break
            following = tokens[nxt].text
            if following[0].isupper():
                j = nxt
                continue
            if (
                following in _CONNECTORS
                and nxt + 1 < len(tokens)
                and tokens[nxt + 1].text[0].isupper()
                and _joined(text, tokens[nxt], tokens[nxt + 1])
            ):
                j = nxt + 1
                continue
            break
        runs.append(NameRun(text[start:end].rstrip(".,"), start, end, possessive))
        i = j + 1
    return runs


class CiteFinder:
    """Citation patterns compiled once from the knowledge files."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        before = "|".join(re.escape(c) for c in knowledge.cite_before)
        after = "|".join(re.escape(c) for c in knowledge.cite_after)
        nouns = "|".join(re.escape(n) for n in knowledge.media_nouns)
        self._before = re.compile(
            rf"(?:^|\W)(?:{before})\s+(?:(?:the|a|an|der|die|dem|den|des|le|la|les|l['’]|el)\s*)?"
            rf"(?:[\w’'-]+\s+){{0,4}}$",
            re.IGNORECASE,
        )
        self._media_noun = re.compile(rf"(?:^|\W)(?:{nouns})\s*,?\s*$", re.IGNORECASE)
        self._after = re.compile(
            rf"^\s*(?:\([^()]{{1,30}}\)\s*)?,?\s*(?:(?:also|has|have|had|was|were|it|on|which)\s+)*"
            rf"(?:{after})\b",
            re.IGNORECASE,
        )
        self._after_possessive = re.compile(
            rf"^['’]?s?\s*(?:[\w-]+\s+){{0,3}}(?:{after}|report|reports|reporting|article|interview)\b",
            re.IGNORECASE,
        )
        self._lowercase_names = frozenset(
            n for n in knowledge.agency_names_printed if n[:1].islower()
        )
        self._abbreviation = re.compile(r"^\s*\((?P<abbr>[A-ZÀ-Þ][A-Za-zÀ-ÿ&.-]{1,9})\)")

    def _is_outlet(self, name: str, before_text: str) -> bool:
        if self.knowledge.canonical_source(name):
            return True
        words = name.split()
        if words[-1].casefold() in self.knowledge.outlet_words and len(words) > 1:
            return True
        if any(w.casefold() in self.knowledge.strong_outlet_words for w in words):
            return True
        if words[0].casefold() in _RUN_PREFIX_WORDS and len(words) > 1:
            return True
        return bool(self._media_noun.search(before_text))

    def _cited(self, before_text: str, after_text: str, possessive: bool) -> bool:
        if self._before.search(before_text):
            return True
        if possessive:
            return bool(self._after_possessive.match(after_text))
        return bool(self._after.match(after_text))

    @staticmethod
    def _clip_before(paragraph: str, start: int) -> str:
        window = paragraph[max(0, start - 80) : start]
        ends = list(_SENTENCE_END.finditer(window))
        return window[ends[-1].end() :] if ends else window

    @staticmethod
    def _clip_after(paragraph: str, end: int) -> str:
        window = paragraph[end : end + 60]
        first = _SENTENCE_END.search(window)
        return window[: first.start() + 1] if first else window

    def find(
        self, paragraphs: list[str], exclude: set[str], dateline_agencies: tuple[str, ...] = ()
    ) -> list[str]:
        """Cited sources in order of first citation, each once, in the spelling first printed.

        Spellings of one source (a known alias, or an abbreviation the text defines as in
        "the Nordvest News Agency (NNA)") are folded together. Agencies named in the dateline
        ("Hamburg (dpa) -") are cited by definition and come first.
        """
        printed: dict[str, str] = {}  # canonical → first printed spelling
        aliases: dict[str, str] = {}
        excluded = {_bare(e) for e in exclude}

        def cite(name: str, canonical: str) -> None:
            if _bare(canonical) not in excluded and _bare(name) not in excluded:
                printed.setdefault(canonical, name)

        for name in dateline_agencies:
            cite(name, self.knowledge.canonical_source(name) or name)
        for paragraph in paragraphs:
            for run in name_runs(paragraph, self._lowercase_names):
                name = self._trim(run.text)
                if not name:
                    continue
                before = self._clip_before(paragraph, run.start)
                after = self._clip_after(paragraph, run.end)
                abbreviation = self._abbreviation.match(after)
                known = aliases.get(name) or self.knowledge.canonical_source(name)
                if known is None and not self._is_outlet(name, before):
                    continue
                if not self._cited(before, after, run.possessive):
                    continue
                canonical = known or name
                if abbreviation:
                    aliases[abbreviation.group("abbr")] = canonical
                cite(name, canonical)
        return list(printed.values())

    def _trim(self, name: str) -> str:
        """Drop a sentence-initial article or descriptor ("The", "State") before a known name."""
        words = name.split()
        for i in range(len(words)):
            candidate = " ".join(words[i:])
            if self.knowledge.canonical_source(candidate):
                return candidate
        return name


def _bare(name: str) -> str:
    name = name.casefold()
    return name[4:] if name.startswith("the ") else name

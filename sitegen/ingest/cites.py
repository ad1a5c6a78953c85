"""Cited sources: the news agencies and outlets an article names as where its facts came from.

A name counts when two things hold. It is an outlet: a known agency or outlet (data), a name whose
first or last word is an outlet word ("Harbour Times", "Radio Lindholm"), or a name right after a
media noun ("the state news agency Baltica"). And the sentence cites it: a cue before it ("according
to", "quoted by", "told") or after it ("reported", "said, citing", "’s … report"). Councils,
companies and people who are quoted are not outlets, so they never count.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from sitegen.ingest.knowledge import Knowledge
from sitegen.ingest.lines import AsciiFast, Tokens

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_RUN_PREFIX_WORDS = frozenset({"radio", "tv", "télé", "kanal", "channel", "canal", "rádio"})
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")


class NameRun(NamedTuple):  # a tuple: many are made per article, and cheaply
    text: str
    start: int
    end: int
    possessive: bool


# A capital is found in two steps: the pattern accepts any letter that is not lowercase in the
# common scripts (a small class, fast to scan), then `name_runs` keeps words whose first letter
# really is uppercase (str.isupper knows every script).
_LOWERCASE_RANGES = (("a", "z"), ("ß", "ö"), ("ø", "ÿ"), ("а", "я"), ("ё", "ё"), ("α", "ω"))
_CONNECTOR = r"(?:\s+(?:of|de|du|la|le|der|die|für|van|von)\s+|\s*&\s*|\s+)"


def _capital_class(also: frozenset[str] = frozenset()) -> str:
    """The character class of capitals (see above), with the letters `also` added to it."""
    excluded = []
    for low, high in _LOWERCASE_RANGES:
        kept = [chr(c) for c in range(ord(low), ord(high) + 1) if chr(c) not in also]
        excluded.extend(_as_ranges(kept))
    return "[^\\W\\d_" + "".join(excluded) + "]"


def _as_ranges(letters: list[str]) -> list[str]:
    """Consecutive letters as class ranges: ['a', 'b', 'c', 'f'] → ['a-c', 'f']."""
    ranges: list[str] = []
    start = 0
    for i in range(1, len(letters) + 1):
        if i == len(letters) or ord(letters[i]) != ord(letters[i - 1]) + 1:
            first, last = letters[start], letters[i - 1]
            ranges.append(first if first == last else f"{first}-{last}")
            start = i
    return ranges


_CAPITAL = _capital_class()


def _run_pattern(lowercase_names: frozenset[str]) -> re.Pattern[str]:
    """A run of name words: capitalised words and the known names printed in lowercase ("dpa").

    The pattern opens with one character class (a capital or the first letter of a lowercase
    name), so `re` skips ahead to such letters instead of trying the whole pattern at every
    position; the lookbehinds after that first letter check what the class cannot: the letter
    before it, and which kind of word it starts.
    """
    names = sorted(lowercase_names, key=len, reverse=True)
    lower = "|".join(re.escape(n) for n in names)
    word = rf"(?:{_CAPITAL}[\w&.'’-]*" + (rf"|(?:{lower})(?!\w)" if lower else "") + ")"
    first_word = (
        _capital_class(also=frozenset(n[0] for n in names))
        + r"(?<![\w&.-].)"  # the run starts a word
        + rf"(?:(?<={_CAPITAL})[\w&.'’-]*"
        + "".join(rf"|(?<={re.escape(n[0])}){re.escape(n[1:])}(?!\w)" for n in names)
        + ")"
    )
    return re.compile(rf"{first_word}(?:{_CONNECTOR}{word})*")


_DEFAULT_RUNS = _run_pattern(frozenset())
_CAPITALISED_RUNS = AsciiFast(_DEFAULT_RUNS)
_WORD_IN_RUN = re.compile(r"\S+")


# Every ASCII capital as "A", every other ASCII character as a space (a `bytes.translate` table:
# a byte loop, several times quicker than `str.translate`).
_ASCII_CAPITALS_MARKED = bytes(
    ord("A") if chr(c).isupper() and c < 128 else ord(" ") for c in range(256)
)


def _capitalised_matches(text: str, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for ASCII text and a pattern whose matches open with a capital.

    `re` tries the pattern at every position; here it is tried only where a capital stands,
    found by `str.find` on a copy with the capitals marked: the same matches, found faster.
    """
    marked = text.encode("ascii").translate(_ASCII_CAPITALS_MARKED)
    start = marked.find(b"A")
    while start >= 0:
        match = pattern.match(text, start)
        if match is None:
            start = marked.find(b"A", start + 1)
        else:
            yield match
            start = marked.find(b"A", match.end())


def name_runs(
    text: str,
    pattern: re.Pattern[str] = _DEFAULT_RUNS,
    lowercase_names: frozenset[str] = frozenset(),
) -> list[NameRun]:
    """Runs of capitalised words ("Nordvest News Agency"), cut at possessives and full stops.

    A French or Italian elision before a name ("l'AFP") is not part of it; a possessive ends a
    run and the next word starts a new one ("Russia's Interfax").
    """
    return _runs_in(text, pattern.finditer(text), lowercase_names)


def _runs_in(
    text: str, matches: Iterable[re.Match[str]], lowercase_names: frozenset[str]
) -> list[NameRun]:
    """The name runs of the run pattern's matches in the text (see `name_runs`)."""
    return list(map(NameRun._make, _run_parts(text, matches, lowercase_names)))


def _run_parts(
    text: str, matches: Iterable[re.Match[str]], lowercase_names: frozenset[str]
) -> Iterator[tuple[str, int, int, bool]]:
    """(text, start, end, possessive) of each name run, made lazily and as plain tuples."""
    for match in matches:
        base, end = match.span()
        chunk = text[base:end]
        if chunk.isascii() and "'" not in chunk and "." not in chunk:
            # ASCII capitals are real capitals: the run is one name as matched (and, opening
            # with a letter, never "&").
            yield chunk, base, end, False
        else:
            yield from _runs_in_chunk(text, base, chunk, lowercase_names)


def _runs_in_chunk(
    text: str, base: int, chunk: str, lowercase_names: frozenset[str]
) -> list[NameRun]:
    """The runs of one match word by word: capitals checked, cut at possessives and stops."""
    runs: list[NameRun] = []
    start: int | None = None
    end = base
    for word in _WORD_IN_RUN.finditer(chunk):
        token = word.group()
        capital = token[0].isupper() or token in lowercase_names or token[:1] == "&"
        if not capital and token not in _RUN_CONNECTORS:
            if start is not None:
                runs.append(NameRun(text[start:end].rstrip(".,"), start, end, False))
            start = None
            continue
        if start is None:
            if not capital:
                continue
            start = base + word.start()
        end = base + word.end()
        possessive = len(token) > 2 and bool(_POSSESSIVE.search(token))
        if possessive:
            end = base + word.start() + len(_POSSESSIVE.sub("", token))
        elif _ends_at_full_stop(token):
            end -= 1
        else:
            continue
        runs.append(NameRun(text[start:end].rstrip(".,"), start, end, possessive))
        start = None
    if start is not None:
        runs.append(NameRun(text[start:end].rstrip(".,"), start, end, False))
    return [run for run in runs if run.text and run.text[0] not in "&"]


def _ends_at_full_stop(token: str) -> bool:
    """Whether a word's full stop ends the sentence, and so the name ("told AFP. The …").

    An abbreviation's dot does not: inner dots ("U.S.", "F.A.Z."), one initial ("John F."),
    a short title ("Dr.", "St.").
    """
    if not token.endswith(".") or "." in token[:-1]:
        return False
    word = token[:-1]
    return len(word) > 2 or (len(word) == 2 and word.isupper())


_RUN_CONNECTORS = frozenset({"of", "de", "du", "la", "le", "der", "die", "für", "van", "von", "&"})


class CiteFinder:
    """Citation patterns compiled once from the knowledge files."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        after = "|".join(re.escape(c) for c in knowledge.cite_after)
        # Cue phrases and media nouns as word tuples, looked up by their last word (fast).
        self._cues = _phrase_index(knowledge.cite_before)
        self._nouns = _phrase_index(knowledge.media_nouns)
        self._after = re.compile(
            rf"^\s*(?:\([^()]{{1,30}}\)\s*)?,?\s*(?:(?:also|has|have|had|was|were|it|on|which)\s+)*"
            rf"(?:{after})\b",
            re.IGNORECASE,
        )
        clause_end = "|".join(re.escape(c) for c in knowledge.cite_clause_end) or "(?!)"
        self._after_clause_end = re.compile(
            rf"^[^.,;:!?]{{0,90}}?\s(?:{clause_end})\s*(?:[.,;!?]|$)", re.IGNORECASE
        )
        self._after_possessive = re.compile(
            rf"^['’]?s?\s*(?:[\w-]+\s+){{0,3}}(?:{after}|report|reports|reporting|article|interview)\b",
            re.IGNORECASE,
        )
        self._lowercase_names = frozenset(
            n for n in knowledge.agency_names_printed if n[:1].islower() and " " not in n
        )
        self._runs = AsciiFast(_run_pattern(self._lowercase_names))
        # A paragraph without any of these words can name no outlet: skip it cheaply.
        function_words = frozenset().union(*knowledge.language_words.values())
        self._function_words = function_words
        self._generic_words = frozenset(
            word
            for phrase in (*knowledge.media_nouns, *knowledge.outlet_words)
            for word in phrase.split()
        )
        self._evidence_words = frozenset(
            word.casefold().strip(_EDGE_PUNCTUATION + ".,;:’'")
            for phrase in (
                *knowledge.agency_names_printed,
                *knowledge.outlet_words,
                *knowledge.strong_outlet_words,
                *knowledge.media_nouns,
                *_RUN_PREFIX_WORDS,
            )
            for word in phrase.split()
            if word.casefold() not in function_words
        )
        # Evidence words that are whole tokens: found among a paragraph's words split at spaces.
        self._token_evidence = frozenset(
            w for w in self._evidence_words if _EVIDENCE_TOKEN.fullmatch(w)
        )
        self._abbreviation = re.compile(r"^\s*\((?P<abbr>[A-ZÀ-Þ][A-Za-zÀ-ÿ&.-]{1,9})\)")
        # Names recur from paragraph to paragraph: trim and look up each spelling once.
        self._known_name = functools.lru_cache(maxsize=4096)(self._known_name)

    def _is_outlet(self, name: str, paragraph: str, start: int) -> bool:
        """A news outlet by its name's words, or by the media noun right before it."""
        words = name.casefold().split()
        knowledge = self.knowledge
        if self._generic_noun(words):
            return False
        if len(words) > 1 and (
            words[-1] in knowledge.outlet_words or words[0] in _RUN_PREFIX_WORDS
        ):
            return True
        if not knowledge.strong_outlet_words.isdisjoint(words):
            return True
        # "the state news agency Baltica": the last words before the name (a short window).
        return _ends_with(_words(paragraph[max(0, start - 40) : start]), self._nouns, gap=0)

    def _generic_noun(self, words: list[str]) -> bool:
        """ "Die Zeitung", "Der Sender": an article and a media noun, capitalised as German
        nouns are, name no outlet."""
        return (
            len(words) > 1
            and words[0] in self._function_words
            and all(w in self._generic_words for w in words[1:])
        )

    def _cited(self, before_text: str, after_text: str, possessive: bool) -> bool:
        # "according to [the nature magazine] X": up to five words between the cue and the name.
        if _ends_with(_words(before_text), self._cues, gap=5):
            return True
        if possessive:
            return bool(self._after_possessive.match(after_text))
        after_text = after_text.lstrip(_CLOSING_QUOTES)  # der „Spiegel“ berichtete
        return bool(self._after.match(after_text) or self._after_clause_end.match(after_text))

    @staticmethod
    def _clip_before(paragraph: str, start: int) -> str:
        window = paragraph[max(0, start - 80) : start]
        ends = list(_SENTENCE_END.finditer(window))
        return window[ends[-1].end() :] if ends else window

    @staticmethod
    def _clip_after(paragraph: str, end: int) -> str:
        window = paragraph[end : end + 100]
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
        # Lowercase names ("dpa") looked for in the whole text once, in each paragraph only then.
        whole = "\n".join(paragraphs)
        lowercase = tuple(name for name in self._lowercase_names if name in whole)
        for paragraph in paragraphs:
            # A paragraph without evidence words names no new outlet; asked when a name needs it.
            needs_evidence = not aliases
            runs = self._outlet_runs(paragraph, aliases, lowercase)
            for start, end, possessive, name, known in runs:
                if needs_evidence:
                    if not self._may_name_an_outlet(paragraph):
                        break
                    needs_evidence = False
                before = self._clip_before(paragraph, start)
                after = self._clip_after(paragraph, end)
                if not self._cited(before, after, possessive):
                    continue
                abbreviation = self._abbreviation.match(after)
                canonical = known or name
                if abbreviation:
                    aliases[abbreviation.group("abbr")] = canonical
                cite(name, canonical)
        return list(printed.values())

    def _outlet_runs(
        self, paragraph: str, aliases: dict[str, str], lowercase: tuple[str, ...]
    ) -> Iterator[tuple[int, int, bool, str, str | None]]:
        """The name runs that are known sources or look like outlets: (start, end, possessive,
        name, canonical name when known).

        Made lazily, as `find` reads them: the aliases it adds on the way count for the runs
        after, and a paragraph it gives up on is not scanned further. `lowercase`: the lowercase
        names printed somewhere in the text.
        """
        for match in self._run_matches(paragraph, lowercase):
            start, end = match.span()
            chunk = paragraph[start:end]
            runs: Iterable[tuple[str, int, int, bool]]
            if chunk.isascii() and "'" not in chunk and "." not in chunk:
                # ASCII capitals are real capitals: the match is one name as matched. The usual
                # one, a capitalised first word of a sentence, is ruled out first and cheaply.
                if (
                    " " not in chunk
                    and chunk not in aliases
                    and _opens_sentence(paragraph, start)
                    and self._known_name(chunk)[1] is None
                ):
                    continue
                runs = ((chunk, start, end, False),)
            else:
                runs = _runs_in_chunk(paragraph, start, chunk, self._lowercase_names)
            yield from self._outlets_among(runs, paragraph, aliases)

    def _outlets_among(
        self, runs: Iterable[tuple[str, int, int, bool]], paragraph: str, aliases: dict[str, str]
    ) -> Iterator[tuple[int, int, bool, str, str | None]]:
        """Those of the runs that are known sources or look like outlets (see `_outlet_runs`)."""
        for text, start, end, possessive in runs:
            name, canonical = self._known_name(text)
            if not name:
                continue
            known = aliases.get(name) or canonical
            start = _trimmed_start(text, start, name)
            if known is None and (
                (" " not in name and _opens_sentence(paragraph, start))
                or not self._is_outlet(name, paragraph, start)
            ):
                continue  # a capitalised first word, or a name that is not an outlet
            yield start, end, possessive, name, known

    def _run_matches(self, paragraph: str, lowercase: Iterable[str]) -> Iterator[re.Match[str]]:
        """The run pattern's matches in the paragraph, found the fastest way that finds them all.

        `lowercase`: the lowercase names that may be printed in the paragraph (all of them, or
        those printed somewhere in its text).
        """
        for name in lowercase:
            if name in paragraph:
                return self._runs.for_text(paragraph).finditer(paragraph)
        # No lowercase name printed: every run opens with a capital.
        if paragraph.isascii():
            return _capitalised_matches(paragraph, _CAPITALISED_RUNS.ascii_text)
        return _DEFAULT_RUNS.finditer(paragraph)

    def _may_name_an_outlet(self, paragraph: str) -> bool:
        folded = paragraph.casefold()
        if not self._token_evidence.isdisjoint(folded.split()):
            return True  # an evidence word standing between spaces: the usual, cheap answer
        # Words split at apostrophes too, so "IRNA’s" and "l'AFP" show their names.
        return not self._evidence_words.isdisjoint(_EVIDENCE_TOKENS(folded))

    def _known_name(self, text: str) -> tuple[str, str | None]:
        """The name trimmed as below, and its canonical spelling when it is a known source."""
        name = self._trim(text)
        canonical = self.knowledge.canonical_source(name)
        if canonical is None and (regional := self._regional_edition(name.split())):
            return regional, regional  # a regional edition: a source of its own
        if canonical is None and "." in name:  # "F.A.Z." lost its last dot as the run ended
            canonical = self.knowledge.canonical_source(name + ".")
            name = name + "." if canonical else name
        return name, canonical

    def _trim(self, name: str) -> str:
        """Drop a sentence-initial article or descriptor ("The", "State") before a known name,
        and a weekday or month after it ("told CNN Sunday")."""
        words = name.split()
        while len(words) > 1 and self._is_date_word(words[-1]):
            words.pop()
        name = " ".join(words)
        for i in range(len(words)):
            candidate = " ".join(words[i:])
            if self.knowledge.canonical_source(candidate):
                return candidate
        return name

    def _regional_edition(self, words: list[str]) -> str | None:
        """A known outlet and one or two words of its region or edition: "France Bleu Provence".

        A weekday or month after the name is the date of the citation ("told CNN Sunday").
        """
        knowledge = self.knowledge
        for i in range(len(words) - 1):
            for extra in (1, 2):
                outlet, region = words[i : len(words) - extra], words[len(words) - extra :]
                if (
                    outlet
                    and knowledge.canonical_source(" ".join(outlet))
                    and all(w[:1].isupper() and not self._is_date_word(w) for w in region)
                ):
                    return " ".join(words[i:])
        return None

    def _is_date_word(self, word: str) -> bool:
        word = word.casefold().strip(".,")
        return word in self.knowledge.weekdays or word in self.knowledge.months


_EVIDENCE_TOKEN = re.compile(r"[\w-]+")
_EVIDENCE_TOKENS = Tokens(r"[\w-]")
_WORD_OR_STOP = re.compile(r"[\w’'-]+|[,;:()\"“”«»]")
_EDGE_PUNCTUATION = '"“”„«»‹›‚()'
_CLOSING_QUOTES = '"“”«»‹›‘'


def _words(text: str) -> list[str]:
    """The last words before a name, casefolded; a comma, colon or bracket is kept as a stop."""
    words: list[str] = []
    for token in text[-100:].casefold().split():
        token = token.strip(_EDGE_PUNCTUATION)
        if token[-1:] in (",", ";", ":"):
            words += [token[:-1], token[-1]] if len(token) > 1 else [token]
        elif token:
            words.append(token)
    return words


def _phrase_index(phrases: tuple[str, ...]) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(_WORD_OR_STOP.findall(phrase.casefold()))
        if words:
            index.setdefault(words[-1], []).append(words)
    return index


def _ends_with(words: list[str], index: dict[str, list[tuple[str, ...]]], gap: int) -> bool:
    """Whether a phrase of `index` ends the words, allowing up to `gap` words after it."""
    if words and words[-1] == ",":
        words = words[:-1]
    for skipped in range(gap + 1):
        end = len(words) - skipped
        if end <= 0:
            return False
        last = words[end - 1]
        for phrase in index.get(last, ()):
            if tuple(words[end - len(phrase) : end]) == phrase:
                return True
        if skipped < gap and not last[0].isalnum() and last not in ("’", "'"):
            return False  # punctuation between the cue and the name breaks the link
    return False


def _trimmed_start(run_text: str, run_start: int, name: str) -> int:
    """Where the trimmed name starts in the paragraph ("Nach Informationen der [dpa]")."""
    if name == run_text:
        return run_start
    offset = run_text.rfind(name.removesuffix("."))
    return run_start + offset if offset >= 0 else run_start


def _opens_sentence(paragraph: str, start: int) -> bool:
    before = paragraph[max(0, start - 3) : start].rstrip(" \"“”„«»‹›'‘’(")
    return not before or before[-1] in ".!?:"


def _bare(name: str) -> str:
    name = name.casefold()
    return name[4:] if name.startswith("the ") else name

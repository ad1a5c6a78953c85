"""Stories: articles about the same event, grouped at build time from their text and dates.

Method (sub-quadratic, deterministic):

1. Each article becomes a set of features: the casefolded content words of its title, standfirst
   and body (stop words and words under three letters dropped). Outlets retell an event in their
   own words, so single words, not multi-word shingles, are what two reports of one event share.
2. A MinHash signature (numpy, fixed-seed multiply-shift hashing of a BLAKE2b hash of each word)
   estimates the Jaccard similarity of two sets; LSH banding (`rows` values per band) puts articles
   that agree on a whole band in one bucket. Only articles sharing a bucket are compared, and
   within a bucket only those whose dates lie within `window_days` of each other (undated
   articles are compared by text alone).
3. Each candidate pair is confirmed with the exact Jaccard similarity of the two word sets; the
   confirmed pairs are joined with union-find.

Front matter overrides detection: `story: none` keeps an article alone, `story: <slug>` joins the
story of that slug (or starts one). A story's slug is its earliest article's slug (date, then
slug), so it stays the same across rebuilds as long as the membership does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from types import MappingProxyType
from typing import Protocol

from slugify import slugify

from sitegen import story_state
from sitegen.cache import digest
from sitegen.model import Article, calendar_date

NO_STORY = "none"
# Bump when `features` or `signatures` change what they compute: stored features become stale.
FEATURES_VERSION = "story-features 1"
_ODD = (1 << 63) - 1  # bound of the random multipliers (made odd) and offsets
_EMPTY = (1 << 64) - 1  # the signature of a set with no words
_BATCH = 500  # stored features fetched at a time
_CHUNK = 5_000  # articles read at a time: their words are held until stored
_SIGNED_AT_ONCE = 1_024  # words hashed in one numpy pass (256 permutations: 2 MB)
_SHARED_FROM = 2_000  # fewer articles to read are read here: a forked process costs more
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "we",
        "you",
        "his",
        "her",
        "their",
        "our",
        "your",
        "them",
        "him",
        "not",
        "no",
        "yes",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "said",
        "says",
        "say",
        "also",
        "after",
        "before",
        "over",
        "under",
        "about",
        "into",
        "onto",
        "than",
        "then",
        "there",
        "here",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "while",
        "why",
        "how",
        "more",
        "most",
        "some",
        "such",
        "only",
        "other",
        "others",
        "any",
        "all",
        "each",
        "both",
        "few",
        "many",
        "much",
        "very",
        "just",
        "even",
        "still",
        "yet",
        "new",
        "one",
        "two",
        "three",
        "first",
        "last",
        "next",
        "up",
        "down",
        "out",
        "off",
        "again",
        "per",
        "via",
        "like",
        "well",
        "now",
        "own",
        "same",
        "so",
        "too",
        "if",
        "because",
        "since",
        "until",
        "though",
        "although",
        "during",
        "against",
        "between",
        "among",
        "through",
        "across",
        "upon",
        "within",
        "without",
        "according",
        "told",
        "tuesday",
        "monday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "year",
        "years",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "time",
    ]
)


@dataclass(frozen=True, slots=True)
class Tuning:
    """Detection parameters; the defaults are tuned on the seeds, the samples and generated text."""

    permutations: int = 256
    rows: int = 2  # values per LSH band: 128 bands of 2
    threshold: float = 0.13  # exact Jaccard needed to confirm a candidate pair
    window_days: int = 3
    min_words: int = 20  # fewer distinct content words is too little evidence to group on
    # A word in more than max(common_floor, common_share × articles) articles says nothing
    # about the event (the site's boilerplate, its beat's everyday words): it is left out.
    common_floor: int = 12
    common_share: float = 0.02
    seed: int = 20240619
    # Bounds that keep detection and story pages linear on any corpus: an LSH bucket of more
    # than `crowded` articles is ignored (a band value that many articles share says nothing
    # about one event, like a common word), and pairs are joined strongest first into stories
    # of at most `largest` articles.
    crowded: int = 100
    largest: int = 50


@dataclass(frozen=True, slots=True)
class Story:
    """One event and the articles that report it, earliest first (undated last)."""

    slug: str
    title: str
    articles: tuple[Article, ...]

    @property
    def path(self) -> str:
        return f"stories/{self.slug}/"

    @property
    def dates(self) -> tuple[dt.date, ...]:
        return tuple(d for d in (calendar_date(a.date) for a in self.articles) if d is not None)

    @property
    def first(self) -> dt.date | None:
        return min(self.dates, default=None)

    @property
    def last(self) -> dt.date | None:
        return max(self.dates, default=None)

    @property
    def multi_source(self) -> bool:
        return len(self.articles) > 1


@dataclass(frozen=True, slots=True)
class Stories:
    """Every story of a site, and the story each article belongs to (by article id)."""

    all: tuple[Story, ...] = ()
    by_article: Mapping[str, Story] = field(default_factory=lambda: MappingProxyType({}))

    def of(self, article: Article) -> Story | None:
        return self.by_article.get(article.id)

    def others(self, article: Article) -> tuple[Article, ...]:
        """The other articles of this article's story (empty when it stands alone)."""
        story = self.of(article)
        if story is None:
            return ()
        return tuple(a for a in story.articles if a.id != article.id)


# --- features and signatures -------------------------------------------------------------------


def article_text(article: Article) -> str:
    return "\n".join(part for part in (article.title, article.standfirst or "", article.body))


def features(article: Article) -> frozenset[str]:
    """The content words of an article, casefolded: what two reports of one event share.

    The definition; detection finds the same words faster with `_Vocabulary.numbered_text`."""
    words = set(_WORD.findall(article_text(article).casefold()))
    return frozenset(w for w in words if _is_content(w))


def _is_content(word: str) -> bool:
    return len(word) > 2 and word not in _STOP and not word.isdigit()


def _pieces(article: Article) -> list[bytes]:
    """The casefolded text (UTF-8) split at every ASCII character no word can contain.

    Splitting bytes at such characters is a C loop, and no `_WORD` match crosses one (the
    pattern looks neither behind nor ahead), so each word of the text is a word of one piece;
    most pieces are one word, and each distinct piece is resolved once per vocabulary."""
    return article_text(article).casefold().encode("utf-8").translate(_SEPARATE).split()


# Bytes of word characters, joiners and anything beyond ASCII stay; the rest become spaces.
_SEPARATE = bytes(
    c if c >= 0x80 or chr(c).isalnum() or chr(c) in "'-" else 0x20 for c in range(256)
)


def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=4).digest(), "big")


class _Vocabulary:
    """Words numbered in order of first use, so that word sets become small integer arrays
    (a site's 10,000 articles hold millions of words: as Python sets they fill hundreds of MB)."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}  # in order of first use: number = position
        self.spelled: list[str] = []  # number -> word
        self._pieces = _Pieces(self.number)

    @property
    def words(self) -> list[str]:
        return self.spelled

    def number(self, word: str) -> int:
        found = self.numbers.get(word)
        if found is None:
            found = self.numbers[word] = len(self.spelled)
            self.spelled.append(word)
        return found

    def numbered(self, words: Iterable[str]):  # -> numpy int32, sorted, without repeats
        import numpy as np

        numbers = np.array([self.number(word) for word in words], dtype=np.int32)
        return _sorted_unique(numbers)

    def numbered_text(self, pieces: Sequence[bytes]) -> tuple[object, bytes]:
        """The content words of these pieces of text (`_pieces`, or stored words) as sorted
        numbers (numpy int32), and in their stored form (`_encode_words`). Only a piece never
        seen before costs Python code; the rest is C loops over a dict and numpy."""
        import numpy as np

        found = map(self._pieces.__getitem__, pieces)
        numbers = np.fromiter(found, dtype=np.int32, count=len(pieces))
        several = numbers[numbers < _NO_WORD]
        if len(several):
            more = [self._pieces.several[_NO_WORD - 1 - code] for code in several.tolist()]
            numbers = np.concatenate((numbers, np.array(list(chain(*more)), dtype=np.int32)))
        numbers = _sorted_unique(numbers[numbers >= 0])
        return numbers, "\n".join(map(self.spelled.__getitem__, numbers.tolist())).encode("utf-8")

    def hashes(self):  # -> numpy uint64, one per word
        import numpy as np

        return np.array([_word_hash(word) for word in self.spelled], dtype=np.uint64)


_NO_WORD = -1  # a piece of text with no content word (a stop word, a number …)


class _Pieces(dict[bytes, int]):
    """Each distinct piece of text, worked out when first asked for: the number of its content
    word, `_NO_WORD`, or, for the rare piece with several ("rock-'n'-roll"), a code below
    `_NO_WORD` that gives their numbers in `several`."""

    def __init__(self, number: Callable[[str], int]) -> None:
        super().__init__()
        self._word_number = number
        self.several: list[tuple[int, ...]] = []

    def __missing__(self, piece: bytes) -> int:
        words = _WORD.findall(piece.decode("utf-8"))
        numbers = tuple(self._word_number(w) for w in words if _is_content(w))
        if len(numbers) == 1:
            found = numbers[0]
        elif not numbers:
            found = _NO_WORD
        else:
            self.several.append(numbers)
            found = _NO_WORD - len(self.several)
        self[piece] = found
        return found


def _sorted_unique(numbers):  # numpy int32 -> the same, sorted, without repeats
    import numpy as np

    numbers.sort()
    if len(numbers) > 1:
        first = numbers[1:] != numbers[:-1]
        if not first.all():
            numbers = numbers[np.concatenate(([True], first))]
    return numbers


def signatures(sets: Sequence[frozenset[str]], tuning: Tuning):  # -> numpy array (n, permutations)
    """MinHash signatures, one row per set; the same sets always give the same rows.

    An empty set gets a row of the largest value, which `_buckets` leaves out.
    """
    vocabulary = _Vocabulary()
    numbered = [vocabulary.numbered(words) for words in sets]
    return _signatures_of(numbered, vocabulary.hashes(), tuning)


def _signatures_of(numbered: Sequence, word_hashes, tuning: Tuning):  # numpy arrays
    """`signatures` of word sets given as arrays of word numbers, with each word's hash."""
    import numpy as np  # imported here: a site with no stories to find never pays for numpy

    rng = np.random.Generator(np.random.PCG64(tuning.seed))
    a = rng.integers(1, _ODD, size=tuning.permutations, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, _ODD, size=tuning.permutations, dtype=np.uint64)
    rows = np.full((len(numbered), tuning.permutations), _EMPTY, dtype=np.uint64)
    for chunk in _chunks_of_words(numbered):
        words = np.concatenate([numbered[i] for i in chunk])
        starts = np.cumsum([0] + [len(numbered[i]) for i in chunk[:-1]])
        permuted = np.multiply.outer(a, word_hashes[words])  # multiply-shift hashing
        permuted += b[:, None]
        permuted >>= np.uint64(32)
        rows[chunk] = np.minimum.reduceat(permuted, starts, axis=1).T  # the least of each set
    return rows


def _chunks_of_words(numbered: Sequence) -> Iterator[list[int]]:
    """The indexes of the non-empty word sets, in runs of about `_SIGNED_AT_ONCE` words: one
    numpy pass signs many small sets, and its temporary stays a few MB."""
    chunk: list[int] = []
    words = 0
    for index, numbers in enumerate(numbered):
        if len(numbers):
            chunk.append(index)
            words += len(numbers)
            if words >= _SIGNED_AT_ONCE:
                yield chunk
                chunk, words = [], 0
    if chunk:
        yield chunk


def band_keys(rows, tuning: Tuning):  # rows: numpy (n, permutations) -> numpy (n, bands)
    """One key per LSH band of each signature: two rows agree on a band when its keys are equal."""
    import numpy as np

    mix = np.array([0x9E3779B97F4A7C15 >> shift for shift in range(tuning.rows)], np.uint64)
    keys = np.empty((len(rows), tuning.permutations // tuning.rows), dtype=np.uint64)
    for band in range(keys.shape[1]):  # band by band: no temporary the size of `rows`
        start = band * tuning.rows
        keys[:, band] = (rows[:, start : start + tuning.rows] * mix).sum(axis=1, dtype=np.uint64)
    return keys


def present(rows):  # rows: numpy (n, permutations) -> numpy bool (n,)
    """Rows of sets with words: the empty ones are never compared."""
    import numpy as np

    return rows[:, 0] != np.uint64(_EMPTY)


def candidate_pairs(
    rows, days: Sequence[int | None], tuning: Tuning
) -> set[tuple[int, int]]:  # rows: numpy (n, permutations)
    """Every pair that shares an LSH bucket and a date window: never all pairs of the site."""
    found = _candidates(band_keys(rows, tuning), present(rows), days, tuning)
    return {(i, j) for i, j in found.tolist()}


def _candidates(keys, rows_present, days: Sequence[int | None], tuning: Tuning):
    """`candidate_pairs` (numpy (pairs, 2) int64, sorted, without repeats) from the rows' band
    keys (n, bands) and which rows have words: bucket pairs found in numpy, a band at a time."""
    import numpy as np

    found = np.flatnonzero(rows_present)
    undated = np.array([day is None for day in days], dtype=bool)
    day = np.array([0 if d is None else d for d in days], dtype=np.int64)
    codes = [np.empty(0, dtype=np.int64)]
    for band in range(keys.shape[1]):
        left, right = (found[side] for side in _bucket_pairs(keys[found, band], tuning.crowded))
        near = undated[left] | undated[right] | (abs(day[left] - day[right]) <= tuning.window_days)
        low, high = np.minimum(left, right)[near], np.maximum(left, right)[near]
        codes.append(low * len(days) + high)  # one number per pair, ordered as the pairs are
    return np.stack(np.divmod(np.unique(np.concatenate(codes)), len(days)), axis=1)


def _bucket_pairs(keys, crowded: int):  # keys: numpy (m,) -> two numpy int64 (pairs,)
    """Every pair of positions whose keys are equal, in buckets of at most `crowded` positions
    (a bigger bucket is ignored). With the keys sorted, each position pairs with the later
    positions of its bucket: `later` of them, laid out with `repeat`."""
    import numpy as np

    order = np.argsort(keys)  # the order inside a bucket does not matter: pairs are sets
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    sizes = np.diff(np.append(starts, len(keys)))
    sizes_here = np.repeat(sizes, sizes)  # each sorted position: the size of its bucket
    later = np.repeat(starts + sizes, sizes) - np.arange(len(keys)) - 1
    later[sizes_here > crowded] = 0
    left = np.repeat(np.arange(len(keys)), later)
    first_of_left = np.repeat(np.cumsum(later) - later, later)  # where each run of `left` begins
    right = left + 1 + np.arange(len(left)) - first_of_left
    return order[left], order[right]


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return _share(len(first & second), len(first), len(second))


def _share(shared: int, first: int, second: int) -> float:
    """The Jaccard similarity of two sets of these sizes sharing `shared` members."""
    return shared / (first + second - shared)


# --- grouping ----------------------------------------------------------------------------------


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union_groups(
    count: int, pairs: Mapping[tuple[int, int], float], largest: int
) -> list[list[int]]:
    """Join confirmed pairs, the most similar first, into groups of at most `largest`: a chain
    of weak links cannot pull thousands of articles into one story."""
    parent = list(range(count))
    size = [1] * count
    for i, j in sorted(pairs, key=lambda pair: (-pairs[pair], pair)):
        root_i, root_j = _find(parent, i), _find(parent, j)
        if root_i != root_j and size[root_i] + size[root_j] <= largest:
            low, high = min(root_i, root_j), max(root_i, root_j)
            parent[high] = low
            size[low] += size[high]
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(count):
        groups[_find(parent, i)].append(i)
    return list(groups.values())


def _enough(words: frozenset[str], tuning: Tuning) -> frozenset[str]:
    return words if len(words) >= tuning.min_words else frozenset()


def feature_sets(articles: Sequence[Article], tuning: Tuning = Tuning()) -> list[frozenset[str]]:
    """What detection compares: each article's telling words (empty when it has too few)."""
    shared: dict[str, str] = {}  # one string object per distinct word, however many articles
    sets = [frozenset(shared.setdefault(w, w) for w in features(a)) for a in articles]
    return _without_common([_enough(words, tuning) for words in sets], tuning)


def _without_common(sets: list[frozenset[str]], tuning: Tuning) -> list[frozenset[str]]:
    common = _common_words(sets, tuning)
    return [words - common if common else words for words in sets]


def _common_words(sets: list[frozenset[str]], tuning: Tuning) -> frozenset[str]:
    return _common_of(_word_counts(sets), len(sets), tuning)


def _word_counts(sets: Iterable[frozenset[str]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for words in sets:
        counts.update(words)
    return counts


def _common_limit(count: int, tuning: Tuning) -> int:
    return max(tuning.common_floor, int(tuning.common_share * count))


def _common_of(counts: Counter[str], count: int, tuning: Tuning) -> frozenset[str]:
    """Words in more than max(common_floor, common_share × articles) articles."""
    limit = _common_limit(count, tuning)
    return frozenset(word for word, n in counts.items() if n > limit)


# --- stored features ---------------------------------------------------------------------------


class FeatureStore(Protocol):
    """Where computed features are kept between builds (the build cache): bytes by key."""

    def blobs(self, keys: set[str]) -> dict[str, bytes]: ...

    def store_blobs(self, items: Mapping[str, bytes]) -> None: ...


def feature_key(article: Article, content_key: str | None = None) -> str:
    """What an article's words are computed from: its text (or the content key of the file it
    was read from, which is quicker to hash), and the version of the method."""
    if content_key is not None:
        return digest(FEATURES_VERSION, "content", content_key)
    return digest(FEATURES_VERSION, article_text(article))


def _numbered_word_sets(
    articles: Sequence[Article],
    keys: list[str],
    store: FeatureStore | None,
    vocabulary: _Vocabulary,
) -> list:  # numpy int32 arrays
    """Each article's content words, numbered: from the store when its text is known, else
    read from the text (and stored). Stored words are fetched a batch at a time: all of them
    at once add up to tens of MB."""
    numbered: list = [None] * len(articles)
    missing: list[int] = []
    for start in range(0, len(keys), _BATCH):
        found = store.blobs(set(keys[start : start + _BATCH])) if store is not None else {}
        for index in range(start, min(start + _BATCH, len(keys))):
            blob = found.get(keys[index])
            if blob:
                numbered[index] = vocabulary.numbered_text(blob.split(b"\n"))[0]
            else:
                missing.append(index)
    for start in range(0, len(missing), _CHUNK):
        indexes = missing[start : start + _CHUNK]
        read = _read_texts([articles[i] for i in indexes], vocabulary)
        fresh = {}
        for index, (numbers, blob) in zip(indexes, read, strict=True):
            numbered[index] = numbers
            fresh[keys[index]] = blob
        if store is not None:
            store.store_blobs(fresh)
    return numbered


def _read_texts(articles: Sequence[Article], vocabulary: _Vocabulary) -> list[tuple]:
    """`_Vocabulary.numbered_text` of each article's text; many articles are shared with a
    forked process (the second half), whose word numbers are then turned into ours."""
    if len(articles) < _SHARED_FROM or not _can_fork():
        return [vocabulary.numbered_text(_pieces(article)) for article in articles]
    import multiprocessing

    half = len(articles) // 2
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_read_and_send, args=(articles[half:], sender), daemon=True)
    child.start()
    sender.close()
    try:
        mine = [vocabulary.numbered_text(_pieces(article)) for article in articles[:half]]
        try:
            theirs = _renumbered(receiver.recv(), vocabulary)
        except (EOFError, OSError):  # the process failed: read its half here
            theirs = [vocabulary.numbered_text(_pieces(article)) for article in articles[half:]]
    finally:
        receiver.close()
        child.join()
    return mine + theirs


def _can_fork() -> bool:
    import multiprocessing
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


def _read_and_send(articles: Sequence[Article], sender) -> None:  # sender: a Connection
    """In the forked process: the articles' words (numbered in a vocabulary of its own)."""
    import numpy as np

    vocabulary = _Vocabulary()
    read = [vocabulary.numbered_text(_pieces(article)) for article in articles]
    numbers = np.concatenate([np.empty(0, dtype=np.int32), *(n for n, _blob in read)])
    lengths = [len(n) for n, _blob in read]
    sender.send((vocabulary.spelled, lengths, numbers, [blob for _n, blob in read]))
    sender.close()


def _renumbered(message: tuple, vocabulary: _Vocabulary) -> list[tuple]:
    """What `_read_and_send` sent, with each word given its number in `vocabulary`."""
    import numpy as np

    spelled, lengths, numbers, blobs = message
    ours = np.array([vocabulary.number(word) for word in spelled], dtype=np.int32)[numbers]
    parts = np.split(ours, np.cumsum(lengths)[:-1]) if lengths else []
    return [(np.sort(part), blob) for part, blob in zip(parts, blobs, strict=True)]


def _encode_words(words: frozenset[str]) -> bytes:
    return "\n".join(sorted(words)).encode("utf-8")


def _decode_words(blob: bytes) -> list[str]:
    return blob.decode("utf-8").split("\n") if blob else []


def _shared_share(first, second) -> float:  # numpy arrays of word numbers
    """`jaccard` of two numbered word sets."""
    import numpy as np

    if not len(first) or not len(second):
        return 0.0
    shared = len(np.intersect1d(first, second, assume_unique=True))
    return _share(shared, len(first), len(second))


def _day(article: Article) -> int | None:
    day = calendar_date(article.date)
    return None if day is None else day.toordinal()


def detect_groups(
    articles: Sequence[Article],
    tuning: Tuning = Tuning(),
    store: FeatureStore | None = None,
    content_keys: Mapping[str, str] | None = None,
) -> list[list[Article]]:
    """Articles about the same event, by text and date (groups of one included).

    With a `store`, each article's words are loaded when its text is the one they were computed
    from (signatures are computed again: quicker than keying, storing and loading them), and
    the last detection's outcome is updated for the articles that changed (`sitegen.story_state`)
    instead of redone. The groups are the same either way.
    """
    if not articles:
        return []
    known = content_keys or {}
    keys = [feature_key(a, known.get(a.id)) for a in articles]
    days = [_day(a) for a in articles]
    pairs = _updated_pairs(articles, keys, days, tuning, store) if store is not None else None
    if pairs is None:
        pairs = _detected_pairs(articles, keys, days, tuning, store)
    groups = _union_groups(len(articles), pairs, tuning.largest)
    return [[articles[i] for i in group] for group in groups]


def _detected_pairs(
    articles: Sequence[Article],
    keys: list[str],
    days: list[int | None],
    tuning: Tuning,
    store: FeatureStore | None,
) -> dict[tuple[int, int], float]:
    """Confirmed pairs (with their similarity) found afresh; with a store, the outcome is kept
    for the next build."""
    import numpy as np

    vocabulary = _Vocabulary()
    nothing = np.empty(0, dtype=np.int32)
    enough = [
        words if len(words) >= tuning.min_words else nothing
        for words in _numbered_word_sets(articles, keys, store, vocabulary)
    ]
    spelled = vocabulary.words
    counted = np.bincount(np.concatenate([nothing, *enough]), minlength=len(spelled))
    is_common = counted > _common_limit(len(articles), tuning)
    sets = [words[~is_common[words]] for words in enough]
    rows = _signatures_of(sets, vocabulary.hashes(), tuning)
    bands, rows_present = band_keys(rows, tuning), present(rows)
    similar = (
        ((i, j), _shared_share(sets[i], sets[j]))
        for i, j in _candidates(bands, rows_present, days, tuning).tolist()
    )
    pairs = {pair: share for pair, share in similar if share >= tuning.threshold}
    counts = Counter({spelled[n]: int(counted[n]) for n in np.flatnonzero(counted)})
    common = frozenset(spelled[n] for n in np.flatnonzero(is_common))
    if store is not None and story_state.worth_keeping(len(articles)):
        ids = tuple(zip(keys, days, strict=True))
        state = story_state.DetectionState(ids, bands, rows_present, counts, common, pairs)
        store.store_blobs({story_state.state_key(FEATURES_VERSION, tuning): state.to_bytes()})
    return pairs


def _updated_pairs(
    articles: Sequence[Article],
    keys: list[str],
    days: list[int | None],
    tuning: Tuning,
    store: FeatureStore,
) -> dict[tuple[int, int], float] | None:
    """The last detection's pairs brought up to date, or None: detect afresh."""
    state_key = story_state.state_key(FEATURES_VERSION, tuning)
    state = story_state.load_state(store.blobs({state_key}).get(state_key))
    if state is None:
        return None
    ids = tuple(zip(keys, days, strict=True))
    if ids == state.ids:
        return dict(state.pairs)
    by_key = dict(zip(keys, articles, strict=True))
    updated = story_state.update(
        state, ids, lambda wanted: _words_by_key(wanted, by_key, store), _rules(tuning)
    )
    if updated is None:
        return None
    fresh, pairs = updated
    store.store_blobs({state_key: fresh.to_bytes()})
    return pairs


def _rules(tuning: Tuning) -> story_state.Rules:
    return story_state.Rules(
        enough=lambda words: _enough(words, tuning),
        common_limit=lambda count: _common_limit(count, tuning),
        signatures=lambda sets: signatures(sets, tuning),
        band_keys=lambda rows: band_keys(rows, tuning),
        present=present,
        jaccard=jaccard,
        threshold=tuning.threshold,
        window_days=tuning.window_days,
        crowded=tuning.crowded,
    )


def _words_by_key(
    wanted: set[str], by_key: Mapping[str, Article], store: FeatureStore
) -> dict[str, frozenset[str]] | None:
    """The raw words of each text key: stored, or computed from the article that has it."""
    found = {key: frozenset(_decode_words(blob)) for key, blob in store.blobs(wanted).items()}
    fresh: dict[str, bytes] = {}
    for key in wanted - found.keys():
        article = by_key.get(key)
        if article is None:
            return None  # a deleted article's words are gone: detect afresh
        found[key] = features(article)
        fresh[key] = _encode_words(found[key])
    if fresh:
        store.store_blobs(fresh)
    return found


def _chronological(article: Article) -> tuple[int, int, str]:
    day = _day(article)
    return (1, 0, article.slug) if day is None else (0, day, article.slug)


def override(article: Article) -> str | None:
    """The story slug an article's front matter asks for, `NO_STORY`, or None (detect it)."""
    if article.story is None or not article.story.strip():
        return None
    if article.story.strip().casefold() == NO_STORY:
        return NO_STORY
    slug = slugify(article.story, max_length=80, word_boundary=True)
    return slug or "s-" + hashlib.sha256(article.story.encode("utf-8")).hexdigest()[:10]


def _groups_by_slug(
    articles: Sequence[Article],
    tuning: Tuning,
    store: FeatureStore | None,
    content_keys: Mapping[str, str] | None,
) -> dict[str, list[Article]]:
    detected = [a for a in articles if override(a) is None]
    groups: dict[str, list[Article]] = {}
    for group in detect_groups(detected, tuning, store, content_keys):
        group.sort(key=_chronological)
        groups[group[0].slug] = group
    for article in articles:
        wanted = override(article)
        if wanted is not None and wanted != NO_STORY:
            groups.setdefault(wanted, []).append(article)
    return groups


def build_stories(
    articles: Iterable[Article],
    tuning: Tuning = Tuning(),
    store: FeatureStore | None = None,
    content_keys: Mapping[str, str] | None = None,
) -> Stories:
    """Every story with two or more articles, or named by hand in front matter.

    `store` (the build cache) keeps each article's features between builds; `content_keys`
    (article id -> key of its file's content) identify unchanged articles without hashing them.
    """
    ordered = sorted(articles, key=_chronological)
    named = {override(a) for a in ordered} - {None, NO_STORY}
    stories: list[Story] = []
    for slug, members in _groups_by_slug(ordered, tuning, store, content_keys).items():
        if len(members) < 2 and slug not in named:
            continue
        members = sorted(members, key=_chronological)
        stories.append(Story(slug, members[0].title, tuple(members)))
    stories.sort(key=lambda s: (_chronological(s.articles[0]), s.slug))
    index = {a.id: story for story in stories for a in story.articles}
    return Stories(tuple(stories), MappingProxyType(index))


def home_items(articles: Sequence[Article], stories: Stories) -> tuple[Article, ...]:
    """A list with each multi-source story shown once, at its newest article's place."""
    seen: set[str] = set()
    items: list[Article] = []
    for article in articles:
        story = stories.of(article)
        if story is not None and story.multi_source:
            if story.slug in seen:
                continue
            seen.add(story.slug)
        items.append(article)
    return tuple(items)


# --- details only one source has ---------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_][\w’'-]*")
_CAPITAL = re.compile(r"[^\W\d_a-z][\w’'-]*")  # a `_TOKEN` not starting with a-z, or its end
_TOKEN_CHAR = re.compile(r"[\w’'-]")
_TOKEN_TAIL = re.compile(r"[\d_’'-]")  # what may follow a token's first letter, but not start it
_CONNECTORS = frozenset({"of", "de", "da", "del", "von", "van", "der", "al", "bin", "du", "la"})
_NAME_GAP = re.compile(r"[ \t]+|[ \t]*-[ \t]*")
# After a capitalised word: a `_NAME_GAP` and a word that may be capitalised or a connector.
_MAY_CONTINUE = re.compile(
    rf"(?:{_NAME_GAP.pattern})(?:[^\W\d_a-z]|{'|'.join(sorted(_CONNECTORS))})"
)
_STARTERS = frozenset(
    [
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "as",
        "and",
        "but",
        "or",
        "if",
        "for",
        "of",
        "to",
        "by",
        "from",
        "with",
        "after",
        "before",
        "prior",
        "upon",
        "according",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "its",
        "their",
        "our",
        "while",
        "when",
        "where",
        "however",
        "also",
        "then",
        "there",
        "it",
        "he",
        "she",
        "they",
        "we",
        "mr",
        "mrs",
        "ms",
        "dr",
    ]
)
_TITLES = frozenset(
    {"president", "minister", "prime", "mr", "mrs", "ms", "dr", "general", "secretary", "leader"}
)
# A number not preceded by a word character, "." or "," (checked after its first digit: the
# search then skips from digit to digit), and the unit or counted noun after it.
_FIGURE = re.compile(
    r"(\d(?<![\w.,]\d)\d*(?:[.,]\d+)*)(?:\s*(%|per ?cent|million|billion|thousand|[^\W\d_]+))?"
)
_QUOTE = re.compile(r"“([^”]{12,400})”|\"([^\"\n]{12,400})\"|«([^»]{12,400})»")
_MAX_DETAILS = 12


@dataclass(frozen=True, slots=True)
class SourceDetails:
    """What one article of a story says that none of the others does."""

    article: Article
    names: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.names or self.figures or self.quotes)


def _possessive(word: str) -> tuple[str, bool]:
    if word.endswith(_POSSESSIVES):
        for suffix in _POSSESSIVES:
            if word.endswith(suffix):
                return word.removesuffix(suffix), True
    return word, False


_POSSESSIVES = ("’s", "'s", "’", "'")


def _name_runs(text: str) -> Iterator[list[str]]:
    """Runs of capitalised words joined by spaces, hyphens or a connector ("of", "de" …) that
    may be names: a capitalised word alone is left out unless it is an acronym.

    The words are `_TOKEN` matches; while no run is open, the search skips straight to the
    next word that may start with a capital (most words do not), and one that stands alone
    ("The", "Police’s") is passed over without looking at the word after it."""
    run: list[str] = []
    pending: list[str] = []
    end = position = 0
    while (match := (_TOKEN if run else _CAPITAL).search(text, position)) is not None:
        start, position = match.span()
        word, possessive = _possessive(match.group())
        if not run and not _opens_run(text, word, possessive, start, position):
            continue
        contiguous = bool(run) and _NAME_GAP.fullmatch(text, end, start) is not None
        end = position
        if word[:1].isupper():
            if not contiguous:
                yield from _flush(run)
                run = []
            run.extend(pending)
            run.append(word)
        elif contiguous and len(pending) < 2 and word in _CONNECTORS:
            pending.append(word)  # "Bank of England", "Ursula von der Leyen"
            continue
        else:
            yield from _flush(run)
            run = []
        pending = []
        if possessive:
            yield from _flush(run)
            run = []
    yield from _flush(run)


def _opens_run(text: str, word: str, possessive: bool, start: int, end: int) -> bool:
    """Whether a word `_CAPITAL` found opens a run that may be a name: it is a capitalised
    `_TOKEN`, and an acronym or followed by a gap and what may continue a run."""
    if not word[0].isupper() or _inside_token(text, start):
        return False  # "iPhone", "éclair"
    return _acronym(word) or (not possessive and _MAY_CONTINUE.match(text, end) is not None)


def _acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _inside_token(text: str, start: int) -> bool:
    """Whether the letter at `start` continues a `_TOKEN` that began earlier: a letter comes
    before it with only digits, underscores, apostrophes or hyphens between ("iPhone", "3M" not)."""
    before = start - 1
    if before < 0 or _TOKEN_CHAR.match(text, before) is None:
        return False  # the usual case: a space or punctuation before the word
    while before >= 0 and _TOKEN_TAIL.match(text, before) is not None:
        before -= 1
    return before >= 0 and _TOKEN.match(text, before) is not None


def _flush(run: list[str]) -> Iterator[list[str]]:
    if run:
        yield list(run)


def names(text: str) -> tuple[str, ...]:
    """People, places and organisations: capitalised runs and acronyms, first seen first."""
    found: dict[str, str] = {}
    for run in _name_runs(text):
        while run and (run[0].casefold() in _STARTERS or run[0].endswith(("ing", "ed", "ly"))):
            run = run[1:]
        if len(run) >= 2 or (len(run) == 1 and _acronym(run[0])):
            name = " ".join(run)
            found.setdefault(name.casefold(), name)
    return tuple(found.values())


def figures(text: str) -> tuple[str, ...]:
    """Numbers with a unit or a counted noun after them ("41 cars", "6.4 million")."""
    return _figures_and_numbers(text)[0]


def _figures_and_numbers(text: str) -> tuple[tuple[str, ...], set[str]]:
    """`figures` and every number of the text (with a unit or not), from one search."""
    found: dict[str, str] = {}
    numbers: set[str] = set()
    for number, unit in _FIGURE.findall(text):
        numbers.add(number)
        if unit and unit[:1].islower() and unit not in _STOP:
            found.setdefault(number, f"{number} {unit}")
    return tuple(found.values()), numbers


def quotes(text: str) -> tuple[str, ...]:
    """Quoted passages of three words or more."""
    found: dict[str, str] = {}
    for match in _QUOTE.finditer(text):
        quote = " ".join(next(g for g in match.groups() if g).split())
        if len(quote.split()) >= 3:
            found.setdefault(quote.casefold(), quote)
    return tuple(found.values())


def _numbers_in(text: str) -> set[str]:
    return {m.group(1) for m in _FIGURE.finditer(text)}


def _named_in(name: str, folded: str) -> bool:
    """Whether casefolded text names this person or body, in full or by its last two words."""
    words = name.casefold().split()
    if " ".join(words) in folded or (len(words) > 2 and " ".join(words[-2:]) in folded):
        return True
    titled = len(words) > 1 and all(word in _TITLES for word in words[:-1])
    return titled and re.search(rf"\b{re.escape(words[-1])}\b", folded) is not None


@dataclass(frozen=True, slots=True)
class ArticleDetails:
    """What one article says (its names, figures, quotes) and what it can confirm for others."""

    names: tuple[str, ...]
    figures: tuple[str, ...]
    quotes: tuple[str, ...]
    folded: str  # the casefolded title, standfirst and body
    numbers: frozenset[str]


def article_details(article: Article) -> ArticleDetails:
    text = "\n".join(part for part in (article.standfirst or "", article.body))
    figured, numbers = _figures_and_numbers(text)
    numbers |= _numbers_in(article.title)  # the title's numbers confirm others' figures too
    folded = article_text(article).casefold()
    return ArticleDetails(names(text), figured, quotes(text), folded, frozenset(numbers))


class DetailsCache:
    """Each article's details worked out once per build, however many stories ask for them."""

    def __init__(self) -> None:
        self._known: dict[str, ArticleDetails] = {}

    def of(self, article: Article) -> ArticleDetails:
        found = self._known.get(article.id)
        if found is None:
            found = self._known[article.id] = article_details(article)
        return found


def _said_elsewhere(name: str, others: Sequence[ArticleDetails]) -> bool:
    return any(_named_in(name, other.folded) for other in others)


def _only_here(
    article: Article, own: ArticleDetails, others: Sequence[ArticleDetails]
) -> SourceDetails:
    numbers = frozenset().union(*(other.numbers for other in others))
    own_names = [n for n in own.names if not _said_elsewhere(n, others)]
    own_figures = [f for f in own.figures if f.split(" ")[0] not in numbers]
    own_quotes = [
        q for q in own.quotes if not any(q.casefold() in other.folded for other in others)
    ]
    return SourceDetails(
        article,
        tuple(own_names[:_MAX_DETAILS]),
        tuple(own_figures[:_MAX_DETAILS]),
        tuple(own_quotes[:_MAX_DETAILS]),
    )


def unique_details(story: Story, cache: DetailsCache | None = None) -> tuple[SourceDetails, ...]:
    """For each article of a story: the names, figures and quotes no other article has."""
    if not story.multi_source:
        return ()
    known = cache if cache is not None else DetailsCache()
    details = [(article.id, known.of(article)) for article in story.articles]
    return tuple(
        _only_here(article, own, [d for other, d in details if other != article.id])
        for article, (_id, own) in zip(story.articles, details, strict=True)
    )

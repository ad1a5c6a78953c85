"""Story detection kept up to date between builds instead of redone.

The groups `sitegen.stories.detect_groups` finds depend only on the confirmed pairs, and a pair
depends only on its two articles' word sets and dates, once the site's common words are fixed.
So the outcome of the last detection is stored (each article's identity: its text key and day;
its LSH band keys; the word counts that decide the common words; the confirmed pairs) and a
build with a few articles added, edited or deleted compares only those with the rest. When the
common words change, an LSH bucket the change touches becomes crowded (ignored) or stops being
so, or too much changed, detection is run afresh: the result is always the one a fresh detection
gives.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sitegen.cache import digest

Identity = tuple[str, int | None]  # an article's text key and its day (ordinal), or None
_MOST_CHANGED = 0.1  # beyond this share of articles added or removed, detect afresh
_LARGEST = 250_000  # above this many articles the state (about 1 kB each) is not kept: memory


@dataclass(frozen=True, slots=True)
class DetectionState:
    """What the last detection found, by article identity."""

    ids: tuple[Identity, ...]
    bands: object  # numpy (n, bands) uint64: each article's LSH band keys
    present: object  # numpy (n,) bool: the article had words to compare
    counts: Counter[str]  # in how many articles (with enough words) each word occurs
    common: frozenset[str]
    pairs: Mapping[tuple[int, int], float]  # confirmed pairs (indexes into `ids`): similarity

    def to_bytes(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)


def state_key(version: str, tuning: object) -> str:
    return digest("story-detection-state", version, repr(tuning))


def load_state(blob: bytes | None) -> DetectionState | None:
    if blob is None:
        return None
    try:
        state = pickle.loads(blob)
    except Exception:  # a stale or damaged state is only a lost shortcut
        return None
    return state if isinstance(state, DetectionState) else None


def worth_keeping(count: int) -> bool:
    return 0 < count <= _LARGEST


@dataclass(frozen=True, slots=True)
class Rules:
    """How detection judges words and pairs (from `sitegen.stories`), given to the update."""

    enough: Callable[[frozenset[str]], frozenset[str]]  # too few words: the empty set
    common_limit: Callable[[int], int]  # a word in more articles than this is common
    signatures: Callable[[list[frozenset[str]]], object]  # -> numpy (n, permutations)
    band_keys: Callable[[object], object]
    present: Callable[[object], object]
    jaccard: Callable[[frozenset[str], frozenset[str]], float]
    threshold: float
    window_days: int
    crowded: int  # an LSH bucket with more articles is ignored (see `Tuning`)


def update(
    state: DetectionState,
    ids: Sequence[Identity],
    words_of: Callable[[set[str]], dict[str, frozenset[str]] | None],
    rules: Rules,
) -> tuple[DetectionState, dict[tuple[int, int], float]] | None:
    """The state for the articles `ids` (in order) and their confirmed pairs, or None when
    detection must be run afresh. `words_of` gives the raw words of text keys (None: unknown)."""
    import numpy as np

    if len(set(ids)) != len(ids):
        return None  # two articles with the same text and day: detect afresh
    old_index = {identity: i for i, identity in enumerate(state.ids)}
    added = [i for i, identity in enumerate(ids) if identity not in old_index]
    current = set(ids)
    removed = [identity for identity in state.ids if identity not in current]
    if len(added) + len(removed) > max(8, int(_MOST_CHANGED * len(ids))):
        return None
    words = words_of({ids[i][0] for i in added} | {key for key, _day in removed})
    if words is None:
        return None
    counts = state.counts.copy()
    for key, _day in removed:
        counts.subtract(rules.enough(words[key]))
    for i in added:
        counts.update(rules.enough(words[ids[i][0]]))
    counts = Counter({word: n for word, n in counts.items() if n > 0})
    limit = rules.common_limit(len(ids))
    common = frozenset(word for word, n in counts.items() if n > limit)
    if common != state.common:
        return None  # every article's words change: detect afresh

    before = np.array([old_index.get(identity, -1) for identity in ids], dtype=np.int64)
    kept = before >= 0
    bands = np.empty((len(ids), state.bands.shape[1]), dtype=np.uint64)
    present = np.zeros(len(ids), dtype=bool)
    bands[kept] = state.bands[before[kept]]
    present[kept] = state.present[before[kept]]
    sets = {i: rules.enough(words[ids[i][0]]) - common for i in added}
    if added:
        rows = rules.signatures([sets[i] for i in added])
        bands[added] = rules.band_keys(rows)
        present[added] = rules.present(rows)

    touched = [bands[i] for i in added if present[i]]
    touched += [state.bands[old_index[identity]] for identity in removed]
    if any(_crowding_changes(keys, state, bands, present, rules.crowded) for keys in touched):
        return None  # a bucket became crowded or stopped being so: its pairs come or go
    after = np.full(len(state.ids), -1, dtype=np.int64)  # old index -> new index
    after[before[kept]] = np.flatnonzero(kept)
    pairs = {
        _ordered(int(after[a]), int(after[b])): share
        for (a, b), share in state.pairs.items()
        if after[a] >= 0 and after[b] >= 0
    }
    new = _new_pairs(added, sets, ids, bands, present, common, words_of, rules)
    if new is None:
        return None
    pairs.update(new)
    ordered = dict(sorted(pairs.items()))
    fresh = DetectionState(tuple(ids), bands, present, counts, common, ordered)
    return fresh, ordered


def _crowding_changes(keys, state: DetectionState, bands, present, crowded: int) -> bool:
    """Whether one of these band keys' buckets is crowded before and not after, or after and
    not before (numpy arrays: the keys of one article in every band, and the sites' bands)."""
    before = ((state.bands == keys) & state.present[:, None]).sum(axis=0) > crowded
    after = ((bands == keys) & present[:, None]).sum(axis=0) > crowded
    return bool((before != after).any())


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _new_pairs(
    added: list[int],
    sets: dict[int, frozenset[str]],
    ids: Sequence[Identity],
    bands,  # numpy (n, bands)
    present,  # numpy (n,) bool
    common: frozenset[str],
    words_of: Callable[[set[str]], dict[str, frozenset[str]] | None],
    rules: Rules,
) -> dict[tuple[int, int], float] | None:
    """Confirmed pairs (with their similarity) of each added article with any other:
    candidates share a band key and lie within the date window, as in a fresh detection."""
    import numpy as np

    candidates: dict[int, list[int]] = {}
    for i in added:
        if not present[i]:
            continue
        shared = (bands == bands[i]) & present[:, None]
        usable = shared.sum(axis=0) <= rules.crowded  # crowded buckets are ignored
        match = shared[:, usable].any(axis=1)
        match[i] = False
        day = ids[i][1]
        candidates[i] = [
            j
            for j in np.flatnonzero(match).tolist()
            if day is None or ids[j][1] is None or abs(ids[j][1] - day) <= rules.window_days
        ]
    others = {ids[j][0] for found in candidates.values() for j in found if j not in sets}
    words = words_of(others) if others else {}
    if words is None:
        return None
    confirmed: dict[tuple[int, int], float] = {}
    for i, found in candidates.items():
        for j in found:
            theirs = sets[j] if j in sets else rules.enough(words[ids[j][0]]) - common
            share = rules.jaccard(sets[i], theirs)
            if share >= rules.threshold:
                confirmed[_ordered(i, j)] = share
    return confirmed

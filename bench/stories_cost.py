"""Cost of story detection and story details: time and peak memory at 1,000 and 10,000 articles.

    python bench/stories_cost.py [--sizes 1000 10000] [--runs 3]

Synthetic articles are made in memory as `Article` objects: about 400 words each, half drawn
from a Zipf-distributed everyday vocabulary shared by every article, half from the words of its
own event. One article in ten retells an earlier event (other sentences, a day or two later), so
detection has real stories to find among many unrelated articles spread over a year. Timing is
the median of `--runs` calls of `build_stories` (wall clock, and the CPU time of this process and
of the process it forks to read half of the texts); peak memory is measured in one more call
under tracemalloc (Python and numpy allocations of this process). Details: CPU time of every
story's `unique_details`, as the story pages ask for them. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import time
import tracemalloc
from dataclasses import dataclass

from sitegen.model import Article
from sitegen.stories import (
    DetailsCache,
    Tuning,
    build_stories,
    candidate_pairs,
    feature_sets,
    signatures,
    unique_details,
)

_SYLLABLES = ("ka", "lo", "mi", "ra", "ven", "tor", "sel", "dun", "fra", "qui", "bel", "nor", "sa")


@dataclass(frozen=True, slots=True)
class Corpus:
    articles: tuple[Article, ...]
    planted: int  # retellings: each should land in its event's story


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 5))))
    return sorted(words)


def make_corpus(count: int, seed: int = 1) -> Corpus:
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng, 40_000)
    everyday = vocabulary[:3_000]
    weights = [1 / (rank + 1) for rank in range(len(everyday))]  # Zipf
    events: list[tuple[list[str], dt.date]] = []
    articles: list[Article] = []
    planted = 0
    start = dt.date(2024, 1, 1)
    for n in range(count):
        if events and rng.random() < 0.1:
            topic, day = rng.choice(events)
            day += dt.timedelta(days=rng.randint(0, 2))
            planted += 1
        else:
            topic = rng.sample(vocabulary[3_000:], 80)
            day = start + dt.timedelta(days=rng.randrange(365))
            events.append((topic, day))
        words = rng.choices(everyday, weights, k=200) + rng.choices(topic, k=200)
        rng.shuffle(words)
        articles.append(
            Article(
                id=f"tag:bench,2024:{n}",
                title=" ".join(topic[:7]).capitalize(),
                slug=f"bench-{n:05d}",
                body=" ".join(words) + ".",
                date=day,
            )
        )
    return Corpus(tuple(articles), planted)


def _cpu() -> float:
    """CPU seconds of this process and of the children it has waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(-1)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _details_cost(stories) -> float:
    began = time.process_time()
    cache = DetailsCache()
    for story in stories.all:
        unique_details(story, cache)
    return time.process_time() - began


def measure(corpus: Corpus, runs: int) -> None:
    times, cpus, details = [], [], []
    for _ in range(runs):
        began, cpu = time.perf_counter(), _cpu()
        stories = build_stories(corpus.articles)
        times.append(time.perf_counter() - began)
        cpus.append(_cpu() - cpu)
        details.append(_details_cost(stories))
    tracemalloc.start()
    build_stories(corpus.articles)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tuning = Tuning()
    sets = feature_sets(corpus.articles, tuning)
    pairs = candidate_pairs(
        signatures(sets, tuning), [a.date.toordinal() for a in corpus.articles], tuning
    )
    n = len(corpus.articles)
    grouped = sum(len(s.articles) for s in stories.all) - len(stories.all)
    print(
        f"{n:>6} articles: {statistics.median(times):6.2f} s median of {runs} "
        f"({statistics.median(cpus):.2f} s CPU), peak {peak / 2**20:6.1f} MiB; "
        f"{len(pairs):,} candidate pairs ({len(pairs) / (n * (n - 1) / 2):.3%} of all pairs); "
        f"{len(stories.all)} stories, {grouped} of {corpus.planted} retellings grouped; "
        f"details {statistics.median(details):.2f} s CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for size in args.sizes:
        measure(make_corpus(size), args.runs)


if __name__ == "__main__":
    main()

"""Story detection: the seeds are one story, different events never merge, overrides win."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import shutil
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen import story_state
from sitegen.build import build_site
from sitegen.config import Project, Settings
from sitegen.content import dump_article
from sitegen.importer import import_paths
from sitegen.model import Article
from sitegen.site import load_articles
from sitegen.stories import (
    FEATURES_VERSION,
    Tuning,
    build_stories,
    candidate_pairs,
    feature_sets,
    home_items,
    signatures,
    unique_details,
)
from tests.conftest import SAMPLES

REPO = Path(__file__).resolve().parent.parent
SEED_ARTICLES = REPO / "content" / "articles"
NOVAYA = "putin-arrives-in-north-korea-on-first-state-visit-for-over-20-years"
IRNA = "russian-president-vladimir-putin-arrives-in-north-korea-for-official-visit"

_COMMON = [
    "government",
    "officials",
    "police",
    "city",
    "council",
    "minister",
    "report",
    "statement",
    "people",
    "residents",
    "local",
    "national",
    "public",
    "announced",
    "percent",
    "million",
    "spokesperson",
    "election",
    "budget",
    "plans",
    "meeting",
    "week",
    "region",
    "agency",
    "office",
    "service",
    "health",
    "school",
    "hospital",
    "company",
    "market",
    "workers",
    "prices",
    "costs",
    "support",
    "decision",
    "court",
    "law",
    "members",
    "country",
    "capital",
    "president",
]


def _pseudo_words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ra", "ven", "tor", "sel", "dun", "fra", "qui", "bel", "nor"]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(count)]


def generated_events(count: int, seed: int = 7, day: dt.date = dt.date(2024, 3, 1)):
    """`count` articles about `count` different events, all published within three days."""
    rng = random.Random(seed)
    vocabulary = sorted(set(_pseudo_words(rng, 6000)))
    articles = []
    for n in range(count):
        topic = rng.sample(vocabulary, 60)
        words = [rng.choice(topic if rng.random() < 0.6 else _COMMON) for _ in range(160)]
        articles.append(
            Article(
                id=f"tag:gen,2024:{n}",
                title=" ".join(topic[:6]).capitalize(),
                slug=f"gen-{n:05d}",
                body=" ".join(words) + ".",
                date=day + dt.timedelta(days=n % 4),
            )
        )
    return articles


def retold(article: Article, n: int, seed: int) -> Article:
    """The same event written again by another outlet: same facts, other sentences."""
    rng = random.Random(seed)
    words = article.body.rstrip(".").split()
    body = " ".join(rng.choice(words) for _ in range(len(words)))
    return dataclasses.replace(
        article, id=f"{article.id}-retold-{n}", slug=f"{article.slug}-retold-{n}", body=body + "."
    )


@pytest.fixture(scope="module")
def seeds() -> tuple[Article, ...]:
    return load_articles(SEED_ARTICLES).articles


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> tuple[Article, ...]:
    root = tmp_path_factory.mktemp("samples-site")
    (root / "content" / "articles").mkdir(parents=True)
    project = Project(root)
    folder = root / "raw"
    shutil.copytree(SAMPLES / "articles", folder)
    import_paths(project, Settings(), [folder])
    loaded = load_articles(project.articles)
    assert len(loaded.articles) == len(list((SAMPLES / "articles").glob("*.txt")))
    return loaded.articles


def _groups(articles) -> list[list[str]]:
    return [[a.slug for a in story.articles] for story in build_stories(articles).all]


def test_the_two_seeds_are_one_story_named_after_the_earliest(seeds):
    stories = build_stories(seeds)
    assert len(stories.all) == 1
    story = stories.all[0]
    assert {a.slug for a in story.articles} == {NOVAYA, IRNA}
    assert story.slug == NOVAYA  # same day: the slug breaks the tie
    assert story.title == story.articles[0].title
    assert story.first == story.last == dt.date(2024, 6, 19)
    assert {a.slug for a in stories.others(story.articles[0])} == {story.articles[1].slug}


def test_samples_are_not_merged_with_each_other_or_the_seeds(seeds, samples):
    assert _groups(list(samples)) == []
    assert _groups([*seeds, *samples]) == [[NOVAYA, IRNA]]


def test_samples_stay_apart_even_on_the_same_day(samples):
    same_day = [dataclasses.replace(a, date=dt.date(2025, 1, 1)) for a in samples]
    assert _groups(same_day) == []


def test_generated_different_events_are_not_merged():
    assert _groups(generated_events(400)) == []


def test_generated_retellings_of_one_event_are_grouped():
    events = generated_events(60)
    copies = [retold(a, 1, seed=n) for n, a in enumerate(events[:20])]
    groups = _groups(events + copies)
    assert sorted(groups) == sorted([[a.slug, f"{a.slug}-retold-1"] for a in events[:20]])


def test_lsh_keeps_comparisons_far_below_all_pairs():
    events = generated_events(600)
    tuning = Tuning()
    rows = signatures(feature_sets(events, tuning), tuning)
    days = [a.date.toordinal() for a in events]
    pairs = candidate_pairs(rows, days, tuning)
    assert len(pairs) < 0.05 * len(events) * (len(events) - 1) / 2


def test_a_date_window_separates_the_same_text_weeks_apart(seeds):
    later = dataclasses.replace(seeds[1], date=dt.date(2024, 7, 19))
    assert _groups([seeds[0], later]) == []
    undated = dataclasses.replace(seeds[1], date=None)
    assert len(_groups([seeds[0], undated])) == 1  # undated: compared by text alone


def test_story_none_keeps_an_article_alone(seeds):
    alone = [dataclasses.replace(seeds[0], story="none"), seeds[1]]
    assert _groups(alone) == []
    assert _groups([dataclasses.replace(a, story="None") for a in seeds]) == []


def test_story_slug_joins_a_detected_story(seeds, samples):
    ferry = next(a for a in samples if "ferry" in a.slug)
    joined = dataclasses.replace(ferry, story=NOVAYA)
    groups = _groups([*seeds, joined])
    assert len(groups) == 1 and set(groups[0]) == {NOVAYA, IRNA, ferry.slug}


def test_story_slug_groups_articles_detection_would_keep_apart(samples):
    named = [dataclasses.replace(a, story="Nordic Round-up") for a in samples[:2]]
    stories = build_stories([*named, *samples[2:]])
    assert [s.slug for s in stories.all] == ["nordic-round-up"]
    assert {a.slug for a in stories.all[0].articles} == {a.slug for a in samples[:2]}


def test_a_story_named_by_hand_exists_with_one_article(samples):
    stories = build_stories([dataclasses.replace(samples[0], story="solo")])
    assert [(s.slug, s.multi_source) for s in stories.all] == [("solo", False)]


def test_detection_is_deterministic_whatever_the_input_order(seeds, samples):
    events = generated_events(80)
    everything = [*seeds, *samples, *events, *(retold(a, 2, n) for n, a in enumerate(events[:9]))]
    first = build_stories(everything)
    shuffled = list(everything)
    random.Random(3).shuffle(shuffled)
    again = build_stories(shuffled)
    assert first.all == again.all
    assert len(first.all) == 10


def test_details_only_in_one_source(seeds):
    story = build_stories(seeds).all[0]
    details = {d.article.slug: d for d in unique_details(story)}
    novaya, irna = details[NOVAYA], details[IRNA]
    assert "NATO General Secretary Jens Stoltenberg" in novaya.names
    assert "sacred war of all Russian citizens" in novaya.quotes
    assert "Foreign Minister Sergei Lavrov" in irna.names
    assert "the most important and sensitive issues" in irna.quotes
    shared = set(novaya.names) & set(irna.names)
    assert not shared
    assert not any("Kim Jong Un" in name for name in novaya.names + irna.names)
    # Both name Putin: neither "President Putin" nor "Russian President Vladimir Putin" is news.
    assert not any("Putin" in name for name in novaya.names + irna.names)


def test_figures_with_units_only_in_one_source():
    base = Article(
        id="a", title="Ferry", slug="a", body="The ferry carried 41 cars and 150 people."
    )
    other = dataclasses.replace(base, id="b", slug="b", body="It carried 150 people, 6.4 million.")
    story = build_stories([dataclasses.replace(a, story="ferry") for a in (base, other)]).all[0]
    details = {d.article.slug: d for d in unique_details(story)}
    assert details["a"].figures == ("41 cars",)
    assert details["b"].figures == ("6.4 million",)


def test_home_shows_a_story_once_at_its_newest_article(seeds, samples):
    everything = [*samples, *seeds]
    stories = build_stories(everything)
    items = home_items(everything, stories)
    assert len(items) == len(everything) - 1
    assert [a.slug for a in items if a.slug in (NOVAYA, IRNA)] == [everything[-2].slug]


def test_sitemap_lists_story_pages_with_two_or_more_sources(tmp_path, seeds, samples):
    project = Project(tmp_path)
    project.articles.mkdir(parents=True)
    solo = dataclasses.replace(samples[0], story="solo")
    for item in (*seeds, solo):
        (project.articles / f"{item.slug}.md").write_text(dump_article(item), encoding="utf-8")
    result = build_site(project, import_seeds=False)
    assert result.published and result.ok, result.errors
    sitemap = (tmp_path / "public" / "sitemap.xml").read_text(encoding="utf-8")
    base = Settings().base_url
    story = f"<url><loc>{base}stories/{NOVAYA}/</loc><lastmod>2024-06-19"
    assert sitemap.count(story) == 1
    assert (tmp_path / "public" / "stories" / "solo" / "index.html").is_file()
    assert "stories/solo/" not in sitemap  # one source: a page, but not one to index


class _DictStore:
    """A feature store in memory, counting what it is asked to keep."""

    def __init__(self) -> None:
        self.values: dict[str, bytes] = {}
        self.stored = 0

    def blobs(self, keys: set[str]) -> dict[str, bytes]:
        return {key: self.values[key] for key in keys if key in self.values}

    def store_blobs(self, items) -> None:
        self.values.update(items)
        self.stored += sum(key != _STATE for key in items)  # the detection state aside


_STATE = story_state.state_key(FEATURES_VERSION, Tuning())


def _story_slugs(stories) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.slug, tuple(a.slug for a in s.articles)) for s in stories.all]


def test_stored_features_give_the_stories_computed_fresh(tmp_path):
    from sitegen.cache import BuildCache

    events = generated_events(150)
    corpus = [*events, *(retold(a, 1, n) for n, a in enumerate(events[:40]))]
    rng = random.Random(3)
    with BuildCache(tmp_path / "cache") as cache:
        assert _story_slugs(build_stories(corpus, store=cache)) == _story_slugs(
            build_stories(corpus)
        )
        for _round in range(4):
            for index in rng.sample(range(len(corpus)), 15):
                article = corpus[index]
                words = article.body.split()
                extra = " ".join(rng.choice(_COMMON) for _ in range(rng.randint(1, 30)))
                body = " ".join(words[: rng.randint(0, len(words))]) + " " + extra
                corpus[index] = dataclasses.replace(article, body=body)
            corpus = corpus[:-3]  # deletions change which words are common too
            warm = build_stories(corpus, store=cache)
            assert _story_slugs(warm) == _story_slugs(build_stories(corpus))
            assert _story_slugs(warm) == _story_slugs(build_stories(corpus, store=_DictStore()))


def test_unchanged_articles_features_are_loaded_not_computed():
    events = generated_events(60)
    store = _DictStore()
    first = build_stories(events, store=store)
    computed = store.stored
    assert computed == len(events)  # each article's words (signatures are quicker computed)
    again = build_stories(events, store=store)
    assert store.stored == computed
    assert _story_slugs(again) == _story_slugs(first)
    edited = [dataclasses.replace(events[0], body=events[0].body + " zyxw"), *events[1:]]
    build_stories(edited, store=store)
    assert store.stored == computed + 1  # its words; the detection state is updated, not redone


def _shuffled_edits(corpus: list[Article], rng: random.Random, serial: int) -> list[Article]:
    """A few edits of the kinds an editor makes: text, date, new article, deleted article."""
    corpus = list(corpus)
    for step in range(rng.randint(1, 4)):
        index = rng.randrange(len(corpus))
        article = corpus[index]
        choice = rng.random()
        if choice < 0.4:  # retell another article's event: may join (or leave) a story
            other = rng.choice(corpus)
            body = " ".join(other.body.split()[: rng.randint(5, 120)]) + " " + article.body[:200]
            corpus[index] = dataclasses.replace(article, body=body)
        elif choice < 0.6 and article.date is not None:
            days = dt.timedelta(days=rng.choice([-9, -2, 1, 5]))
            corpus[index] = dataclasses.replace(article, date=article.date + days)
        elif choice < 0.8:
            corpus.append(retold(article, 100 + serial * 10 + step, serial))
        else:
            del corpus[index]
    return corpus


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_updated_detection_equals_fresh_detection(seed: int, monkeypatch) -> None:
    import sitegen.stories as stories_module

    rng = random.Random(seed)
    events = generated_events(120)
    corpus = [*events, *(retold(a, 1, n) for n, a in enumerate(events[:30]))]
    store = _DictStore()
    build_stories(corpus, store=store)
    afresh = []
    real = stories_module._detected_pairs

    def counted(articles, keys, days, tuning, used_store):
        afresh.append(used_store is store)
        return real(articles, keys, days, tuning, used_store)

    monkeypatch.setattr(stories_module, "_detected_pairs", counted)
    for serial in range(12):
        corpus = _shuffled_edits(corpus, rng, serial)
        warm = build_stories(corpus, store=store)
        assert _story_slugs(warm) == _story_slugs(build_stories(corpus))  # no store: afresh
    assert sum(afresh) <= 4, "the stored detection was hardly ever updated"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Bank of England said", ("Bank of England",)),
        ("minister Ursula von der Leyen visited", ("Ursula von der Leyen",)),
        ("Reuters’s reporter met Jean-Luc Picard and the IMF", ("Jean-Luc Picard", "IMF")),
        ("He said the President Joe Biden", ("President Joe Biden",)),
        ("a plain sentence with no names at all", ()),
    ],
)
def test_names_are_capitalised_runs_with_connectors(text: str, expected: tuple[str, ...]) -> None:
    from sitegen.stories import names

    assert names(text) == expected


def test_a_crowd_of_retellings_makes_bounded_stories_and_updates_match() -> None:
    """One event retold 130 times on the same days: buckets far past `neighbours`, and a chain
    of links that would make one story of 131. Stories stay at most `largest`, the strongest
    links first, and a build that adds one more retelling finds what a fresh detection finds."""
    tuning = Tuning(crowded=20, largest=30, common_floor=1000)  # no word is too common
    event = generated_events(1)[0]
    crowd = [event, *(retold(event, n, n) for n in range(1, 131))]
    sizes = sorted(len(s.articles) for s in build_stories(crowd, tuning).all)
    assert max(sizes) <= 30 and sum(sizes) > 100
    store = _DictStore()
    build_stories(crowd, tuning, store=store)
    more = [*crowd, retold(event, 999, 999)]
    assert _story_slugs(build_stories(more, tuning, store=store)) == _story_slugs(
        build_stories(more, tuning)
    )


# Letters, digits, joiners, separators and the characters that casefold or encode unevenly.
_TRICKY = st.lists(
    st.sampled_from([*"abcAB019 -'’_.,\n\t«»\u00a0éÉßİΣςКиї٣", "don't", "rock-'n'-roll", "the"]),
    max_size=80,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(_TRICKY, min_size=1, max_size=6))
def test_numbered_text_finds_the_words_features_defines(texts: list[str]) -> None:
    """Detection's fast word extraction (split bytes, resolve each piece once) gives the
    words of `features`, from the text and again from the stored form."""
    from sitegen.stories import _pieces, _Vocabulary, features

    vocabulary = _Vocabulary()
    for text in texts:
        article = Article(id="tag:t,2024:1", title="", slug="t", body=text)
        numbers, stored = vocabulary.numbered_text(_pieces(article))
        found = {vocabulary.words[n] for n in numbers.tolist()}
        assert found == features(article)
        assert sorted(numbers.tolist()) == numbers.tolist() == sorted(set(numbers.tolist()))
        again, _stored = vocabulary.numbered_text(stored.split(b"\n"))
        assert again.tolist() == numbers.tolist()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_candidate_pairs_are_the_pairs_of_uncrowded_buckets_within_the_window(seed: int) -> None:
    """The numpy bucket pairing against its definition, pair by pair, on small random keys."""
    import numpy as np

    from sitegen.stories import _candidates

    rng = np.random.default_rng(seed)
    tuning = Tuning(permutations=8, rows=2, crowded=5, window_days=3)
    keys = rng.integers(0, 15, size=(60, 4)).astype(np.uint64)  # buckets of 1 to about 9
    rows_present = rng.random(60) > 0.1
    days = [None if rng.random() < 0.15 else int(d) for d in rng.integers(0, 12, size=60)]
    expected = set()
    for band in range(keys.shape[1]):
        for key in set(keys[rows_present, band].tolist()):
            members = [i for i in range(60) if rows_present[i] and keys[i, band] == key]
            if len(members) > tuning.crowded:
                continue
            for i in members:
                for j in members:
                    near = days[i] is None or days[j] is None or abs(days[i] - days[j]) <= 3
                    if i < j and near:
                        expected.add((i, j))
    found = [tuple(pair) for pair in _candidates(keys, rows_present, days, tuning).tolist()]
    assert expected and found == sorted(expected)


def _reference_name_runs(text: str):
    """`sitegen.stories._name_runs` as first written: every token in turn (the definition)."""
    from sitegen.stories import _CONNECTORS, _NAME_GAP, _TOKEN, _possessive

    run: list[str] = []
    pending: list[str] = []
    end = -1
    for match in _TOKEN.finditer(text):
        token = match.group()
        if not run and not pending and not token[0].isupper():
            end = match.end()
            continue
        word, possessive = _possessive(token)
        contiguous = bool(run) and _NAME_GAP.fullmatch(text[end : match.start()]) is not None
        end = match.end()
        if word[:1].isupper():
            if not contiguous:
                if run:
                    yield list(run)
                run = []
            run.extend(pending)
            run.append(word)
        elif contiguous and len(pending) < 2 and word in _CONNECTORS:
            pending.append(word)
            continue
        else:
            if run:
                yield list(run)
            run = []
        pending = []
        if possessive:
            if run:
                yield list(run)
            run = []
    if run:
        yield list(run)


_NAMEY = st.lists(
    st.sampled_from(
        [
            *" \t\n-'’_.,3½éÉǅ",
            *("Bank", "of", "de", "von", "der", "England", "’s", "'s", "IMF", "iPhone", "3M"),
            *("the", "Mr", "Jean-Luc", "mcDonald", "X", "said", "Ünal", "ÉCLAIR", "US", "IT"),
            *("delta", "Sing", "Ed", "Police’s", "IMF’s", "la", "al", "du", "bin", "ON"),
        ]
    ),
    max_size=60,
).map("".join)


def _reference_names(text: str) -> tuple[str, ...]:
    """`sitegen.stories.names` over every run of `_reference_name_runs` (the definition)."""
    from sitegen.stories import _STARTERS

    found: dict[str, str] = {}
    for run in _reference_name_runs(text):
        while run and (run[0].casefold() in _STARTERS or run[0].endswith(("ing", "ed", "ly"))):
            run = run[1:]
        if len(run) >= 2 or (len(run) == 1 and len(run[0]) > 1 and run[0].isupper()):
            name = " ".join(run)
            found.setdefault(name.casefold(), name)
    return tuple(found.values())


@settings(max_examples=1000, deadline=None)
@given(text=_NAMEY)
@example("Bank Ünal and Bank - Éclair, iPhone Maker 3M Deal, Bank of, England de la Paz")
@example("Police’s chief Bank de, England IMF’s head IT US the Jean-Luc’s ON la Mer")
def test_names_skipping_words_that_cannot_matter_are_the_names_of_every_token(text) -> None:
    """`names` passes over lowercase words and capitalised words alone (not acronyms) without
    looking at what follows them: the names are those of the token-by-token definition."""
    from sitegen.stories import names

    assert names(text) == _reference_names(text)


_ORIGINAL_FIGURE = (
    r"(?<![\w.,])(\d+(?:[.,]\d+)*)(?:\s*(%|per ?cent|million|billion|thousand|[^\W\d_]+))?"
)
_NUMBERY = st.lists(
    st.sampled_from([*" \n\t.,%-a3٣", "12", "4.5", "1,200", "cars", "per cent", "million", "The"]),
    max_size=40,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(title=_NUMBERY, standfirst=_NUMBERY, body=_NUMBERY)
def test_figures_and_numbers_are_those_of_the_first_pattern(title, standfirst, body) -> None:
    """The figure pattern checks what precedes a number after its first digit, and an article's
    numbers come from one search of the standfirst and body plus one of the title: the same
    figures and numbers as the first pattern run over each text."""
    import re

    from sitegen.stories import _FIGURE, article_details

    original = re.compile(_ORIGINAL_FIGURE)
    text = f"{standfirst}\n{body}"
    assert _FIGURE.findall(text) == original.findall(text)
    article = Article(id="tag:t,2024:1", title=title, slug="t", standfirst=standfirst, body=body)
    whole = f"{title}\n{standfirst}\n{body}"
    assert article_details(article).numbers == {m.group(1) for m in original.finditer(whole)}


def test_words_read_half_in_a_forked_process_give_the_same_stories(monkeypatch) -> None:
    """Many articles to read are shared with a forked process; its word numbers are turned
    into the parent's, so the stories and the stored words are those of one process."""
    import sitegen.stories as stories_module

    events = generated_events(80)
    corpus = [*events, *(retold(a, 1, n) for n, a in enumerate(events[:25]))]
    alone_store, shared_store = _DictStore(), _DictStore()
    alone = _story_slugs(build_stories(corpus, store=alone_store))
    monkeypatch.setattr(stories_module, "_SHARED_FROM", 2)
    monkeypatch.setattr(stories_module, "_CHUNK", 40)  # three chunks, each shared
    assert _story_slugs(build_stories(corpus, store=shared_store)) == alone
    words = {k: set(v.split(b"\n")) for k, v in alone_store.values.items() if k != _STATE}
    assert {k: set(v.split(b"\n")) for k, v in shared_store.values.items() if k != _STATE} == words

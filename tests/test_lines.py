from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.ingest.knowledge import load_knowledge
from sitegen.ingest.lines import (
    _OPENING_CHARS,
    LineRules,
    is_glued_ui,
    is_prose,
    list_item,
    looks_like_name,
    split_glued_labels,
)


@pytest.fixture(scope="module")
def rules() -> LineRules:
    return LineRules.build(load_knowledge())


def test_glued_labels_split_on_capitals() -> None:
    assert split_glued_labels("NewsPolitics") == ["News", "Politics"]
    assert split_glued_labels("CultureBooks") == ["Culture", "Books"]
    assert split_glued_labels("McDonald") is None
    assert split_glued_labels("News Politics") is None


@pytest.mark.parametrize("line", ["pdfshareprint", "printsharecopy link", "ShareTweetEmail"])
def test_glued_button_rows(line: str) -> None:
    assert is_glued_ui(line)


@pytest.mark.parametrize("line", ["Panorama", "shareholders", "Sharepoint", "Pyongyang"])
def test_words_that_are_not_button_rows(line: str) -> None:
    assert not is_glued_ui(line)


def test_list_items() -> None:
    assert list_item("1. Sergio Valdés 4hr 12min") == ("Sergio Valdés 4hr 12min", True)
    assert list_item("• Apples") == ("Apples", False)
    assert list_item("1,200 people came") is None


def test_prose_and_names() -> None:
    assert is_prose("Here is what they say.")
    assert not is_prose("Stage 4 result")
    assert looks_like_name("Rowan Pike")
    assert looks_like_name("Jean-Luc de la Tour")
    assert not looks_like_name("Stage 4 result")
    assert not looks_like_name("the council said")


@pytest.mark.parametrize(
    "line",
    [
        "Share", "SHARE", "Listen", "5 min read", "142", "·", "@jalmeida_cycles", "Share on Facebook",
        "Found a typo? Select it and press Ctrl+Enter", "dpa/jw/kl", "dpa:250210-99-118342/3",
        "VIDEO: Watch the moment the winning pumpkin hit the scale", "Artikel teilen", "Partager",
        "Sign up for The Peloton Post newsletter", "Weather Alerts (2)", "312 Followers",
    ],
)  # fmt: skip
def test_boilerplate(rules: LineRules, line: str) -> None:
    assert rules.is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    ["Here is what they say.", "Stage 4 result", "The council approved the budget.", "---"],
)
def test_not_boilerplate(rules: LineRules, line: str) -> None:
    assert not rules.is_boilerplate(line)


def test_footer_markers(rules: LineRules) -> None:
    assert rules.is_footer_marker("© 2025 Nordkyst Online. All rights reserved.")
    assert rules.is_footer_marker(
        "Editor in chief — Kirill Martynov. Terms of use. Privacy policy."
    )
    assert rules.is_footer_marker("More from Panorama")
    assert not rules.is_footer_marker("About a third of visitors came back.")


def test_breadcrumbs(rules: LineRules) -> None:
    assert rules.breadcrumb("News › Regions") == ["News", "Regions"]
    assert rules.breadcrumb("Home > World > Europe") == ["World", "Europe"]
    assert rules.breadcrumb("NewsPolitics") == ["News", "Politics"]
    assert rules.breadcrumb("The council met on Monday.") is None


def test_bylines(rules: LineRules) -> None:
    assert rules.byline_names("By Priya Okoro") == ["Priya Okoro"]
    assert rules.byline_names("by: Marisol Vega") == ["Marisol Vega"]
    assert rules.byline_names("Text: Mikkel Aasland") == ["Mikkel Aasland"]
    assert rules.byline_names("By Jane Doe and John Smith, Staff Writers") == [
        "Jane Doe",
        "John Smith",
    ]
    assert rules.byline_names("Von Anna Müller und Jonas Weber") == ["Anna Müller", "Jonas Weber"]
    assert rules.byline_names("Par Claire Dubois") == ["Claire Dubois"]
    assert rules.byline_names("By Andrew Roth in Moscow") == ["Andrew Roth"]
    assert rules.byline_names('By <b onmouseover="x">Mallory Hackworth</b>') == [
        "Mallory Hackworth"
    ]
    assert rules.byline_names("By Reuters") == []
    assert rules.byline_names("Byline policy changed") is None


@pytest.mark.parametrize(
    ("line", "ends"),
    [
        ("He left.", True),
        ("Really?", True),
        ("“We will stay,” she said.”", True),
        ("(See above.)", True),
        ("He said: ‘No.’", True),
        ("a «quote»", True),
        ("A label:", True),
        ("No mark at the end", False),
        ("Closing bracket only)", False),
        ("Apostrophe’", False),
        ("", False),
        ("Ends with a break.\n", True),
    ],
)
def test_ends_sentence(line: str, ends: bool) -> None:
    from sitegen.ingest.lines import ends_sentence

    assert ends_sentence(line) is ends


def test_letter_word_count_same_on_ascii_and_other_text() -> None:
    from sitegen.ingest.lines import letter_word_count

    assert letter_word_count("It's 10 a.m. in the U.S. now") == 4
    assert letter_word_count("Über 10 Straßen in Köln") == 4
    assert letter_word_count("x_y 2nd ab") == 2


@pytest.mark.parametrize(
    "text", ["plain words, and-hyphens_too (x)", "Zürich’s news: l'AFP", "", "a2b ³c  d"]
)
def test_tokens_match_findall_on_any_text(text: str) -> None:
    import re

    from sitegen.ingest.lines import Tokens

    for char_class in (r"[\w-]", r"[^\W\d_]", r"\w"):
        assert Tokens(char_class)(text) == re.findall(f"{char_class}+", text)


def test_ascii_fast_pattern_matches_alike() -> None:
    import re

    from sitegen.ingest.lines import AsciiFast

    pattern = AsciiFast(re.compile(r"(?<!\w)[^\W\d_]\w*"))
    for text in ("Plain ASCII text_1 here", "Ärger über Straße"):
        assert pattern.for_text(text).findall(text) == pattern.any_text.findall(text)
    with pytest.raises(ValueError):
        AsciiFast(re.compile("x", re.IGNORECASE))


def test_needs_phrase_rules_out_only_text_that_cannot_match() -> None:
    from sitegen.ingest.lines import NeedsPhrase

    months = NeedsPhrase(["june", "juin", "märz"])
    assert months.may_match("19 JUNE 2024")
    assert not months.may_match("19 July 2024")
    assert months.may_match("19 März 2024")  # not ASCII: always let through
    assert NeedsPhrase(["kasım"]).may_match("no such word")  # "ı" matches "i": no shortcut


_CONSENT_DE = (
    "Um eingebettete Inhalte anzeigen zu können, brauchen wir Ihre jederzeit widerrufliche "
    "Einwilligung zur Übermittlung und Verarbeitung personenbezogener Daten, weil die Anbieter "
    "dieser Inhalte als Drittanbieter eine solche Einwilligung verlangen."
)
_CONSENT_EN = (
    "This content is hosted by a third party. To show you this content, we need your permission "
    "to use cookies. You can use the buttons below to amend your preferences to enable third "
    "party cookies or to allow those cookies just once."
)
_PROMO = (
    "Want more analysis from POLITICO? POLITICO Pro is our premium intelligence service for "
    "professionals, with real time intelligence, deep insight and breaking scoops every day."
)


@pytest.mark.parametrize("line", [_CONSENT_DE, _CONSENT_EN, _PROMO])
def test_long_clutter_is_known_by_how_it_opens(rules: LineRules, line: str) -> None:
    assert len(line) > 160
    assert rules.is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "All materials used in the new bridge were tested for two years before the council "
        "approved the design, the engineers said on Tuesday after a long public hearing in town.",
        "More about the plan will be published next week, when the ministry presents its budget "
        "to parliament and the regional governments give their first opinions on the proposal.",
        "Click to enlarge the map: that was the only instruction on the page that the residents "
        "received from the council before the flood barrier was closed for the whole weekend.",
    ],
)
def test_long_paragraphs_that_open_like_short_clutter(rules: LineRules, line: str) -> None:
    assert len(line) > 160
    assert not rules.is_boilerplate(line)


@pytest.mark.parametrize(
    ("pattern", "phrases"),
    [
        (r"\ball rights reserved\b", {"all rights reserved"}),
        (r"\b(alle rechte|tous droits)\b", {"alle rechte", "tous droits"}),
        (r"\bterms of (use|service)\b.*\bprivacy\b", {"terms of "}),
        (r"\bcomments?$", {"comment"}),  # the optional "s" is not required
        (r"(?=q)abc", {"abc"}),
        (r"(?:xy)+z", {"xy"}),
        (r"a|bc", {"a", "bc"}),
        (r"(?i:ab)c", None),  # a group's own flags: not read
        (r"[ab]c", None),
        (r"x*ab", None),
        (r"(a|[bc])d", None),
    ],
)
def test_required_phrases(pattern: str, phrases: set[str] | None) -> None:
    import re

    from sitegen.ingest.lines import required_phrases

    assert required_phrases(pattern, re.IGNORECASE) == (None if phrases is None else phrases)


_MARKER_WORDS = [
    "all", "rights", "reserved", "Terms", "of", "USE", "privacy", "alle", "rechte", "Share", "on",
    "Facebook", "©", "2024", "More", "from", "comments", "3", "min", "read", "Sign", "up", "for",
    "newsletter", "é", "K", "x", ".", " ", "-", "@", "(c)", ":",
]  # fmt: skip


@given(st.lists(st.sampled_from(_MARKER_WORDS), max_size=10), st.booleans())
@settings(max_examples=500, deadline=None)
def test_line_patterns_found_as_by_a_plain_search(
    rules: LineRules, words: list[str], spaced: bool
) -> None:
    """The first-letter and phrase checks before the footer and boilerplate patterns rule out
    no line that one of them matches."""
    import re

    knowledge = rules.knowledge
    line = (" " if spaced else "").join(words)
    for patterns, any_of in (
        (knowledge.footer_markers, rules.footer),
        (knowledge.boilerplate_patterns, rules.boilerplate),
    ):
        union = re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)
        assert any_of(line) == bool(union.search(line)), line
        assert (any_of.match(line) is not None) == bool(union.search(line)), line


def _every_test_line() -> list[str]:
    from tests.conftest import DATA

    lines: set[str] = set()
    for path in sorted(DATA.rglob("*.txt")):
        text = path.read_bytes().decode("utf-8", "replace")
        for line in text.splitlines():
            line = line.strip()
            if line:
                lines |= {line, line.lower(), line.upper(), line[1:], line * 3}
    return sorted(lines)


def test_first_character_shortcuts_answer_as_the_whole_unions(rules: LineRules) -> None:
    """On ASCII lines only the patterns that can open with the line's first character are
    tried; over every line of the test data (and variants), that answers as trying them all."""
    boilerplate = rules.boilerplate
    checked = 0
    for line in _every_test_line():
        if not line.isascii():
            continue
        checked += 1
        whole = boilerplate.match(line) is not None
        assert boilerplate(line) == whole, line
        opening = boilerplate._open_ended
        expected = opening is not None and opening.match(line, 0, _OPENING_CHARS) is not None
        assert (boilerplate.match_opening(line) is not None) == expected, line
    assert checked > 1000


def test_the_fingerprint_union_answers_as_its_match() -> None:
    from sitegen.ingest.credits import CreditReader
    from sitegen.ingest.publisher import PublisherReader

    knowledge = load_knowledge()
    fingerprints = PublisherReader(knowledge, CreditReader(knowledge))._fingerprints
    for line in _every_test_line():
        assert fingerprints(line) == (fingerprints.match(line) is not None), line

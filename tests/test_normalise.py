from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.ingest.normalise import fingerprint_text, normalise


def test_line_endings_spaces_and_nbsp() -> None:
    assert normalise("a\r\nb\rc\u2028d") == "a\nb\nc\nd"
    assert normalise("  two\u00a0\u00a0 spaces\t here \u3000") == "two spaces here"


def test_terminal_escapes_removed_whole() -> None:
    assert normalise("\x1b[1mBold\x1b[0m and \x1b[31mred\x1b[0m\x1b[2K\x1b") == "Bold and red"


def test_controls_removed_without_splitting_sentences() -> None:
    assert normalise("said \x0b extra \x0c drivers\x85 left\x00.\x7f") == "said extra drivers left."


def test_zero_width_spaces_go_but_emoji_joiners_stay() -> None:
    cook = "\U0001f469\u200d\U0001f373"
    heart = "\u2764\ufe0f"
    assert normalise(f"a\u200bb {cook} {heart}\u2060") == f"ab {cook} {heart}"


def test_bidi_override_removed_but_rtl_marks_kept() -> None:
    assert normalise("abc\u202edef \u200fשלום\u200f") == "abcdef \u200fשלום\u200f"


def test_nfc() -> None:
    assert normalise("Cafe\u0301") == "Café"


def test_fingerprint_ignores_layout_only() -> None:
    one = "Title\n\nFirst line.\u00a0\nSecond  line.\n"
    two = "  Title\r\n\r\n\r\nFirst line.\r\nSecond line.\t\r\n"
    assert fingerprint_text(one) == fingerprint_text(two)
    assert fingerprint_text(one) != fingerprint_text(one.replace("First", "Third"))


def test_every_character_normalise_removes_or_replaces_is_not_printable() -> None:
    """The fast path skips removal for printable text: that is only sound if this holds."""
    from sitegen.ingest.normalise import _REMOVED, _SPACES

    for code in range(0x3100):
        character = chr(code)
        if _REMOVED.match(character) or _SPACES.match(character) or character in "\x1b\r":
            assert not character.isprintable(), hex(code)
    for character in "\u2028\u2029\u3000\ufeff":
        assert not character.isprintable()


def test_printable_apart_from() -> None:
    from sitegen.ingest.normalise import printable_apart_from

    assert printable_apart_from("Zürich › News\nline two", "\n")
    assert not printable_apart_from("a\tb", "\n")
    assert printable_apart_from("a\tb\r\n", "\t\r\n")
    assert not printable_apart_from("a\u00a0b", "\n")
    assert normalise("plain line\nsecond  line ") == "plain line\nsecond line"


_TEXT = st.text(
    st.one_of(
        st.characters(),  # surrogates too: printable_apart_from takes any str
        st.sampled_from(" \n\t\r\x1b\u00a0\u200b\u2028\u3000e\u0301ß"),
    ),
    max_size=80,
)


@given(_TEXT)
@settings(max_examples=500, deadline=None)
def test_normalised_lines_are_the_non_blank_lines_of_normalise(text: str) -> None:
    from sitegen.ingest.normalise import normalised_lines

    assert normalised_lines(text) == [line for line in normalise(text).split("\n") if line]


@given(_TEXT, st.sampled_from(["\n", "\t\n\r\x1b", "", "\n\u00a0"]))
@settings(max_examples=500, deadline=None)
def test_printable_apart_from_is_printable_without_the_allowed(text: str, allowed: str) -> None:
    from sitegen.ingest.normalise import printable_apart_from

    expected = all(c.isprintable() or c in allowed for c in text)
    assert printable_apart_from(text, allowed) == expected

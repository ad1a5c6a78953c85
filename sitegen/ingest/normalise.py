"""Text normalisation: one canonical form for everything downstream.

NFC; CRLF and CR to LF; terminal escape sequences removed whole; C0/C1 controls and DEL removed
(VT, FF and NEL too: inside a sentence they are not line breaks); zero-width spaces, word joiners,
BOMs, soft hyphens and bidi overrides removed, while ZERO WIDTH JOINER and variation selectors stay
(they hold emoji together); non-breaking and other wide spaces become spaces; runs of spaces
collapse and lines are stripped.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# CSI sequences (ESC [ … final byte), OSC sequences (ESC ] … BEL/ST), then any bare ESC left.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b")


# Controls except tab and LF (CR is made LF first); DEL; C1 (NEL U+0085 included); zero-width
# space, word joiner and the invisible operators (U+2061-U+2064: the importer uses U+2063 as an
# internal joint, so the text must never bring one), BOM, soft hyphen, Mongolian vowel separator;
# bidi embeddings, overrides and isolates. LRM/RLM, ZERO WIDTH JOINER (U+200D) and variation
# selectors (U+FE0F) stay.
_REMOVED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2060-\u2064\ufeff\u00ad\u180e\u202a-\u202e\u2066-\u2069]"
)
# Tabs, non-breaking and other wide spaces become plain spaces.
_SPACES = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def printable_apart_from(text: str, allowed: str) -> bool:
    """Whether every character is printable, or one of `allowed` (line breaks, say).

    Controls, format characters (zero-width, BOM, soft hyphen, bidi) and every space but " "
    are not printable, so such text has nothing to remove. Printable ASCII is deleted from the
    UTF-8 bytes first (one fast byte loop), so only the few other characters are looked up.
    """
    if allowed.isascii():
        rest = text.encode("utf-8", "surrogatepass").translate(None, _deleted_bytes(allowed))
        return rest.decode("utf-8", "surrogatepass").isprintable()
    for character in allowed:
        if character in text:
            text = text.replace(character, "")
    return text.isprintable()


@functools.cache
def _deleted_bytes(allowed: str) -> bytes:
    """Printable ASCII and the allowed ASCII characters, as bytes for `bytes.translate`.

    Valid UTF-8 without its bytes below 0x80 is still valid: what is left are the whole
    sequences of the characters beyond ASCII.
    """
    return bytes(range(0x20, 0x7F)) + allowed.encode("ascii")


def normalise(text: str) -> str:
    """Canonical text: see the module docstring. Lines are kept; blank lines are kept."""
    text = _canonical_characters(text)
    while "  " in text:
        text = text.replace("  ", " ")
    return text.replace(" \n", "\n").replace("\n ", "\n").strip(" ")


def normalised_lines(text: str) -> list[str]:
    """The lines of `normalise(text)` that are not blank.

    Spaces are collapsed line by line, and only in lines that need it, instead of in passes
    over the whole text.
    """
    lines = []
    for line in _canonical_characters(text).split("\n"):
        line = line.strip(" ")
        if "  " in line:
            line = " ".join(filter(None, line.split(" ")))
        if line:
            lines.append(line)
    return lines


def _canonical_characters(text: str) -> str:
    """NFC, without controls and invisible characters, with plain spaces and line breaks."""
    if not printable_apart_from(text, "\n"):
        text = _without_controls(text)
    return unicodedata.normalize("NFC", text)


def _without_controls(text: str) -> str:
    """Escape sequences, controls and invisible characters removed; wide spaces made plain."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return _SPACES.sub(" ", _REMOVED.sub("", text))


def fingerprint_text(text: str) -> str:
    """The text with all layout removed: two pastes of one article give the same string."""
    return " ".join(normalise(text).split())

"""Text normalisation: one canonical form for everything downstream.

NFC; CRLF and CR to LF; terminal escape sequences removed whole; C0/C1 controls and DEL removed
(VT, FF and NEL too: inside a sentence they are not line breaks); zero-width spaces, word joiners,
BOMs, soft hyphens and bidi overrides removed, while ZERO WIDTH JOINER and variation selectors stay
(they hold emoji together); non-breaking and other wide spaces become spaces; runs of spaces
collapse and lines are stripped.
"""

from __future__ import annotations

import re
import unicodedata

# CSI sequences (ESC [ … final byte), OSC sequences (ESC ] … BEL/ST), then any bare ESC left.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")
# Controls except tab and LF; DEL; C1 (incl. NEL U+0085).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Zero-width space, word joiner, BOM, soft hyphen, bidi embeddings/overrides/isolates (not LRM/RLM).
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069\u180e]")
_WIDE_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACE_RUNS = re.compile(r"[ \t]{2,}|\t")
_LINE_EDGES = re.compile(r" ?\n ?")


def normalise(text: str) -> str:
    """Canonical text: see the module docstring. Lines are kept; blank lines are kept."""
    text = _ANSI.sub("", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _WIDE_SPACES.sub(" ", text)
    text = _SPACE_RUNS.sub(" ", text)
    return _LINE_EDGES.sub("\n", text).strip(" ")


def fingerprint_text(text: str) -> str:
    """The text with all layout removed: two pastes of one article give the same string."""
    return " ".join(normalise(text).split())

"""Bytes → text: BOMs, strict UTF-8, then a detector for legacy encodings; binary data is refused.

Detection is by content (BOMs, NUL bytes, undecodable bytes, the share of control characters),
never by the file name.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import charset_normalizer

from sitegen.errors import RefusedInput
from sitegen.ingest.normalise import printable_apart_from

_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Above this share of control characters, decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.10


def _bom_encoding(raw: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return encoding
    return None


def _bomless_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM shows as NULs in every other byte of mostly-ASCII text."""
    sample = raw[:4096]
    pairs = len(sample) // 2
    if pairs < 8 or 0 not in sample:
        return None
    even_nuls = sample[0 : pairs * 2 : 2].count(0)
    odd_nuls = sample[1 : pairs * 2 : 2].count(0)
    if odd_nuls > 0.4 * pairs and even_nuls < 0.05 * pairs:
        return "utf-16-le"
    if even_nuls > 0.4 * pairs and odd_nuls < 0.05 * pairs:
        return "utf-16-be"
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]")


# The same characters in UTF-8: C0 controls and DEL are single bytes, C1 controls are C2 80–C2 9F.
_CONTROL_BYTES = bytes(code for code in range(0x80) if _CONTROL.match(chr(code)))
_C1_IN_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def _utf8_has_controls(raw: bytes) -> bool:
    """Whether valid UTF-8 bytes hold a control character, told by byte scans without decoding."""
    return len(raw.translate(None, _CONTROL_BYTES)) < len(raw) or bool(_C1_IN_UTF8.search(raw))


def _control_share(text: str) -> float:
    """Share of control characters other than tab, line breaks and ESC (terminal colours)."""
    sample = text[:65536]
    if not sample:
        return 0.0
    if printable_apart_from(sample, "\t\n\r\x1b"):
        return 0.0  # no control character at all: the usual case, told without a regex
    return len(_CONTROL.findall(sample)) / len(sample)


def _legacy(raw: bytes, path: Path | str) -> tuple[str, str]:
    """A legacy 8-bit encoding, chosen by charset-normalizer.

    On short Western text the detector cannot tell Windows-1252 from its Central European and
    Baltic siblings (all read "Münster" alike); when Windows-1252 reads the bytes as cleanly as the
    winner, it is taken, being by far the most common of them.
    """
    results = list(charset_normalizer.from_bytes(raw))
    if not results:
        raise _not_text(path)
    best = results[0]
    for result in results:
        if result.encoding == "cp1252" and result.chaos <= best.chaos + 0.01:
            best = result
            break
    return str(best), codecs.lookup(best.encoding).name


def _not_text(path: Path | str) -> RefusedInput:
    return RefusedInput("not a text file (binary data)", path)


def decode(raw: bytes, path: Path | str) -> tuple[str, str]:
    """Return (text, encoding name); raise RefusedInput for empty or binary data."""
    if not raw:
        raise RefusedInput("empty file (0 bytes)", path)
    encoding = _bom_encoding(raw) or _bomless_utf16(raw)
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise _not_text(path) from None
    else:
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            if raw.count(0) > len(raw) // 100:
                raise _not_text(path) from None
            text, encoding = _legacy(raw, path)
        else:
            if not _utf8_has_controls(raw):
                return text.lstrip("\ufeff"), encoding  # the usual paste: no share to count
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise _not_text(path)
    return text.lstrip("\ufeff"), encoding

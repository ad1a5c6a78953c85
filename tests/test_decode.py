from __future__ import annotations

import codecs

import pytest

from sitegen.errors import RefusedInput
from sitegen.ingest.decode import decode


def test_utf8_plain_and_with_bom() -> None:
    assert decode("Café".encode(), "a.txt") == ("Café", "utf-8")
    assert decode(codecs.BOM_UTF8 + "Café".encode(), "a.txt")[0] == "Café"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_or_without_bom(encoding: str) -> None:
    text = "Harbour festival returns with tall ships\nPort Kessock, 9 August 2025 — “Hello”"
    decoded, _ = decode(text.encode(encoding), "a.txt")
    assert decoded == text
    assert "\x00" not in decoded


def test_windows_1251_is_not_mojibake() -> None:
    text = (
        "В Каменске после ремонта открылся городской бассейн «Волна»\nКаменск, 14 марта 2025 года"
    )
    decoded, encoding = decode(text.encode("cp1251"), "a.txt")
    assert decoded == text
    assert encoding == "cp1251"


def test_latin1_is_read_as_western_european() -> None:
    text = "Owner Jürgen Weiß said the crème brûlée would stay on the menu in Münster."
    decoded, _ = decode(text.encode("latin-1"), "a.txt")
    assert decoded == text


def test_empty_is_refused_with_size() -> None:
    with pytest.raises(RefusedInput, match=r"empty file \(0 bytes\)"):
        decode(b"", "empty.txt")


def test_binary_is_refused_by_content_not_name() -> None:
    noise = bytes((i * 73 + 11) % 256 for i in range(4096)) + b"\x00" * 64
    with pytest.raises(RefusedInput, match="not a text file"):
        decode(noise, "binary.txt")


def test_a_few_nuls_in_readable_utf8_are_text() -> None:
    text = "A line of ordinary news text.\x00 Another sentence follows here.\n" * 5
    assert decode(text.encode(), "a.txt")[0] == text


def test_mostly_control_characters_is_binary() -> None:
    with pytest.raises(RefusedInput):
        decode(b"\x01\x02\x03\x04\x05\x06abc" * 50, "a.txt")


def test_control_characters_in_utf8_are_found_by_byte_scans() -> None:
    from importlib import import_module

    module = import_module("sitegen.ingest.decode")
    assert not module._utf8_has_controls("Zürich © 2024\tok\r\n\x1b[1m".encode())
    assert module._utf8_has_controls(b"a\x01b")
    assert module._utf8_has_controls("a\x85b".encode())  # C1 control NEL
    assert decode(b"plain text\n", "x.txt") == ("plain text\n", "utf-8")

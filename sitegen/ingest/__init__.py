"""Ingest: raw pasted article bytes → an `Extraction` of every field the text reveals.

decode (bytes → text) → normalise (one canonical form) → lines (what each line is) → extract
(where it sits and what it says). Knowledge that is data lives in `ingest/data/*.toml`.
"""

from __future__ import annotations

from pathlib import Path

from sitegen.errors import RefusedInput
from sitegen.ingest.decode import decode
from sitegen.ingest.extract import BodyBlock, Extraction, Extractor
from sitegen.ingest.knowledge import Knowledge, load_knowledge

__all__ = [
    "BodyBlock",
    "Extraction",
    "Extractor",
    "Knowledge",
    "extract_bytes",
    "extract_file",
    "load_knowledge",
    "read_raw",
]


def read_raw(path: Path) -> bytes:
    """The bytes of a raw article; unreadable files are refused with the reason."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise RefusedInput("is a folder, not a file", path) from None
    except OSError as error:
        raise RefusedInput(f"cannot read file ({error.strerror or error})", path) from None


def extract_bytes(raw: bytes, path: Path | str, extractor: Extractor) -> Extraction:
    """Decode and read one raw article."""
    text, encoding = decode(raw, path)
    extraction = extractor.extract(text, str(path))
    return _with_encoding(extraction, encoding)


def _with_encoding(extraction: Extraction, encoding: str) -> Extraction:
    from dataclasses import replace

    if extraction.encoding == encoding:
        return extraction  # UTF-8, the default: no copy to make
    return replace(extraction, encoding=encoding)


def extract_file(path: Path, knowledge: Knowledge | Extractor) -> Extraction:
    """Read, decode and extract one raw article file."""
    extractor = knowledge if isinstance(knowledge, Extractor) else Extractor(knowledge)
    return extract_bytes(read_raw(path), path, extractor)

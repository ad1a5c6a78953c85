"""Body blocks → Markdown in which every character of the raw text comes out literally.

Raw text is text: `*`, `_`, `[`, `#`, `<`, `&lt;` and friends are escaped so Python-Markdown shows
them as printed instead of reading them as emphasis, links, headings, HTML or entities.
"""

from __future__ import annotations

import re

from sitegen.ingest.extract import BodyBlock

_INLINE_MARKS = "\\`*_{}[]"
_INLINE = re.compile(r"([\\`*_{}\[\]])")
_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)](?=\s|$))")


def escape_markdown(text: str) -> str:
    """Escape one line of raw text so it renders literally as a Markdown paragraph."""
    if "&" in text:
        text = _ENTITY.sub("&amp;", text)
    if any(map(text.__contains__, _INLINE_MARKS)):
        text = _INLINE.sub(r"\\\1", text)
    if "<" in text:
        text = _HTML_START.sub("&lt;", text)
    match = _LINE_START.match(text)
    if match:
        marker = match.group(2)
        escaped = marker[:-1] + "\\" + marker[-1] if marker[-1] in ".)" else "\\" + marker
        text = match.group(1) + escaped + text[match.end() :]
    return text


def blocks_to_markdown(blocks: tuple[BodyBlock, ...] | list[BodyBlock]) -> str:
    """Paragraphs, `##` subheadings and lists, separated by blank lines."""
    parts = []
    for block in blocks:
        if block.kind == "paragraph":
            parts.append(escape_markdown(block.text))
        elif block.kind == "subheading":
            parts.append("## " + escape_markdown(block.text))
        else:
            items = [
                (f"{n}. " if block.ordered else "- ") + escape_markdown(item)
                for n, item in enumerate(block.items, start=1)
            ]
            parts.append("\n".join(items))
    return "\n\n".join(parts)

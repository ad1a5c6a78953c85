"""Escaped Markdown renders raw text literally (checked with Python-Markdown itself)."""

from __future__ import annotations

import html

import markdown
import pytest

from sitegen.ingest.extract import BodyBlock
from sitegen.ingest.markdown_body import blocks_to_markdown, escape_markdown

TRICKY = [
    "<script>alert(1)</script> and <img src=x onerror=alert(1)>",
    "[the council website](javascript:alert(1)) and ![map](data:text/html;base64,x)",
    "*not emphasis* and _not_ and **bold** and `code`",
    "# not a heading",
    "> not a quote",
    "- not a list",
    "1. not a list either",
    "---",
    "&lt;script&gt; stays escaped &amp; so does this",
    "{{ 7*7 }} and {% if true %}x{% endif %}",
    "back\\slash and <!-- not a comment",
    "<http://example.com> is not a link",
]


@pytest.mark.parametrize("text", TRICKY)
def test_escaped_text_renders_as_the_same_text(text: str) -> None:
    rendered = markdown.markdown(escape_markdown(text))
    assert rendered.startswith("<p>") and rendered.endswith("</p>")
    assert html.unescape(rendered[3:-4]) == text


def test_blocks_become_paragraphs_headings_and_lists() -> None:
    md = blocks_to_markdown(
        [
            BodyBlock("paragraph", "First."),
            BodyBlock("subheading", "Results"),
            BodyBlock("list", items=("One", "Two"), ordered=True),
        ]
    )
    assert md == "First.\n\n## Results\n\n1. One\n2. Two"


def test_plain_text_needs_no_escaping() -> None:
    from sitegen.ingest.markdown_body import escape_markdown

    assert escape_markdown("A plain sentence, with commas.") == "A plain sentence, with commas."
    assert escape_markdown("a_b [c] <b> &amp;") == "a\\_b \\[c\\] &lt;b> &amp;amp;"

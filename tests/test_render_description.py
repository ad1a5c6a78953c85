"""Page descriptions: read from a body's first paragraphs, the same as from the whole body."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.render.markdown import MarkdownRenderer
from sitegen.render.pages import lead_text, plain_text, shorten

_MD = MarkdownRenderer()

_words = st.text(alphabet="abcdé xyz&<>*_`\"'[]()#|-", min_size=0, max_size=40)
_paragraph = st.one_of(
    _words,
    _words.map(lambda w: f"*{w}* and **{w}**"),
    _words.map(lambda w: f'[{w}](https://example.org/a "</p> {w}")'),
    _words.map(lambda w: f"> {w}\n>\n> {w}"),
    _words.map(lambda w: f"- {w}\n- {w}"),
    _words.map(lambda w: f"| a | b |\n|---|---|\n| {w} | {w} |"),
    _words.map(lambda w: f"<p>{w}</p><div>{w}"),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_paragraph, max_size=12))
def test_the_lead_gives_the_description_the_whole_body_gives(paragraphs):
    body = _MD.render("\n\n".join(paragraphs))
    assert shorten(lead_text(body)) == shorten(plain_text(body))


def test_a_long_body_is_read_only_as_far_as_the_description_needs():
    body = _MD.render("\n\n".join(f"Paragraph {n} " + "word " * 30 for n in range(50)))
    lead = lead_text(body)
    assert len(lead) > 160
    assert "Paragraph 3" not in lead
    assert plain_text(body).startswith(lead)


def test_a_short_body_is_read_whole():
    body = _MD.render("One.\n\nTwo &amp; three.")
    assert lead_text(body) == "One. Two & three."

"""Markdown bodies: the chosen extensions, the sanitiser's allow-list, URL policy."""

from __future__ import annotations

import pytest

from sitegen.render.markdown import (
    MarkdownRenderer,
    absolutize,
    drop_repeated_standfirst,
    safe_link,
    sanitize,
)


@pytest.fixture(scope="module")
def md() -> MarkdownRenderer:
    return MarkdownRenderer()


def test_paragraphs_get_dir_auto_for_right_to_left_text(md):
    html = md.render("שלום עולם\n\n- item")
    assert '<p dir="auto">שלום עולם</p>' in html
    assert '<li dir="auto">item</li>' in html


def test_enabled_extensions_tables_fenced_code_footnotes(md):
    html = md.render(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode <x>\n```\n\nNote[^1]\n\n[^1]: Foot."
    )
    assert "<table>" in html and '<td dir="auto">2</td>' in html
    assert "<pre><code>code &lt;x&gt;\n</code></pre>" in html
    assert 'href="#fn:1"' in html and 'class="footnote"' in html


def test_disabled_extensions_leave_their_syntax_as_text(md):
    html = md.render('Para {: .evil onclick="x" }\n\nTerm\n: definition\n\n"quotes"')
    assert "{: .evil" in html  # attr_list is off: no attributes from text
    assert "<dl>" not in html  # def_list is off
    assert "&quot;quotes&quot;" in html or '"quotes"' in html  # smarty is off


def test_the_renderer_is_reusable_without_leaking_state(md):
    first = md.render("Text[^a]\n\n[^a]: one")
    second = md.render("Plain")
    assert "fn:a" in first and "footnote" not in second


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<svg onload=alert(1)>",
        '<div class="attribution">fake box</div>',
    ],
)
def test_hostile_markup_is_neutralised(md, hostile):
    html = md.render(f"Before\n\n{hostile}\n\nAfter")
    lowered = html.lower()
    for bad in ("<script", "onerror", "javascript:", "<iframe", "style=", "<svg", "onload"):
        assert bad not in lowered
    assert 'class="attribution"' not in html
    assert "Before" in html and "After" in html


def test_allowed_links_survive(md):
    html = md.render("[a](https://x.example/a) [b](mailto:news@x.example) [c](/archive/) [d](#top)")
    for href in ("https://x.example/a", "mailto:news@x.example", "/archive/", "#top"):
        assert f'href="{href}"' in html


def test_template_syntax_in_text_stays_text(md):
    assert "{{ 7*7 }}" in md.render("{{ 7*7 }} {% if %}")


def test_absolutize_resolves_relative_urls_against_the_page():
    html = sanitize('<a href="/archive/">a</a> <a href="../b/">b</a> <img src="p.jpg" alt="">')
    out = absolutize(html, "https://example.org/articles/x/")
    assert 'href="https://example.org/archive/"' in out
    assert 'href="https://example.org/articles/b/"' in out
    assert 'src="https://example.org/articles/x/p.jpg"' in out


def test_repeated_standfirst_is_dropped_only_when_it_is_the_whole_first_paragraph():
    stand = "Upon his arrival, Putin was received by Kim."
    assert drop_repeated_standfirst(f"{stand}\n\nNext.", stand) == "Next."
    assert drop_repeated_standfirst("Upon his  arrival,\nPutin was received by Kim.", stand) == ""
    whole = f"{stand} The visit marks his first trip.\n\nNext."
    assert drop_repeated_standfirst(whole, stand) == whole
    assert drop_repeated_standfirst("Body.", None) == "Body."


@pytest.mark.parametrize(
    ("url", "web", "expected"),
    [
        ("https://a.example/x", True, "https://a.example/x"),
        ("http://a.example/x", False, "http://a.example/x"),
        ("javascript:alert(1)", False, None),
        (" JAVASCRIPT:alert(1)", True, None),
        ("java\nscript:alert(1)", False, None),
        ("data:text/html,hi", False, None),
        ("/relative/", False, "/relative/"),
        ("/relative/", True, None),
        ("//evil.example/", False, None),
        ("mailto:a@b.example", True, None),
        ("", False, None),
        (None, False, None),
    ],
)
def test_safe_link(url, web, expected):
    assert safe_link(url, web=web) == expected

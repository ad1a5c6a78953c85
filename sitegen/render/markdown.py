"""Article bodies: Markdown to HTML, then sanitised with an allow-list.

A person may write HTML inside the Markdown; only harmless tags and attributes survive, and links
keep only http(s), mailto and relative targets. The same allow-list makes URLs absolute for feeds.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from urllib.parse import urljoin, urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

_EXTENSIONS = ("fenced_code", "tables", "footnotes", "sane_lists")

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "div", "em",
        "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
        "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    }
)  # fmt: skip
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"dir", "lang", "title", "id"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Only the classes the footnotes extension writes; a person's own classes could restyle the page.
_CLASSES = {"div": {"footnote"}, "a": {"footnote-ref", "footnote-backref"}}
# Block elements whose text may be right-to-left: the browser decides per element.
_DIR_AUTO_TAGS = frozenset({"p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "td", "th"})
_PARAGRAPHS = re.compile(r"\n\s*\n")


class _DirAuto(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in _DIR_AUTO_TAGS and "dir" not in element.attrib:
                element.set("dir", "auto")


class _DirAutoExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_DirAuto(md), "sitegen_dir_auto", 0)


def safe_link(url: str | None, *, web: bool = False) -> str | None:
    """The URL when it may be a link target (http, https, mailto or relative), else None.

    With `web`, only an absolute http(s) URL passes (an original article's address).
    """
    if not url or not url.strip():
        return None
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    if web:
        return url if scheme in ("http", "https") and urlsplit(url).hostname else None
    if scheme and scheme not in _URL_SCHEMES:
        return None
    if not scheme and (url.startswith("//") or any(c in url for c in "\\\x00\t\n\r")):
        return None
    return url


def sanitize(html: str) -> str:
    """Keep only allow-listed markup; drop scripts and styles with their content."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        url_schemes=set(_URL_SCHEMES),
        allowed_classes={k: set(v) for k, v in _CLASSES.items()},
        link_rel=None,  # an `a` whose href was refused must not keep a `rel` (invalid HTML)
    )


def absolutize(html: str, base: str) -> str:
    """The same sanitised HTML with every relative `href`/`src` resolved against `base`."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        # Our own templates' classes (figure, credit) are kept; the body was sanitised already.
        attributes={k: set(v) | ({"class"} if k == "*" else set()) for k, v in _ATTRIBUTES.items()},
        url_schemes=set(_URL_SCHEMES),
        url_relative=lambda url: urljoin(base, url),
        link_rel=None,  # an `a` whose href was refused must not keep a `rel` (invalid HTML)
    )


def drop_repeated_standfirst(body: str, standfirst: str | None) -> str:
    """Drop a first paragraph that is exactly the standfirst (it is already shown as the dek).

    A paragraph that merely starts with the standfirst stays whole: cutting a person's
    paragraph would change what the article says.
    """
    if not standfirst:
        return body
    blocks = _PARAGRAPHS.split(body.strip(), maxsplit=1)
    if " ".join(blocks[0].split()) == " ".join(standfirst.split()):
        return blocks[1] if len(blocks) > 1 else ""
    return body


class MarkdownRenderer:
    """One reusable Python-Markdown instance (building one per article is the slow part)."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=[*_EXTENSIONS, _DirAutoExtension()], output_format="html"
        )

    def render(self, text: str) -> str:
        self._md.reset()
        return sanitize(self._md.convert(text))

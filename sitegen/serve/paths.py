"""From a raw request target to a file inside the output folder, and the file's media type.

Nothing outside the output folder is ever served: a request path is refused before it touches the
file system when it could name another folder (`..`, encoded separators, backslashes, NUL, empty
segments that would make it absolute), and the file it names is resolved, symlinks included, and
must still lie inside the folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

ATOM = "application/atom+xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
JSON_FEED = "application/feed+json; charset=utf-8"
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"

_BY_NAME = {"atom.xml": ATOM, "rss.xml": RSS, "feed.json": JSON_FEED}
_BY_SUFFIX = {
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": "application/xhtml+xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".atom": ATOM,
    ".rss": RSS,
    ".xml": XML,
    ".xsl": XML,
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/vnd.microsoft.icon",
    ".webmanifest": "application/manifest+json",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".wasm": "application/wasm",
}
_FIRST_ELEMENT = re.compile(rb"<([A-Za-z][\w.:-]*)")
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_DRIVE = re.compile(r"^[A-Za-z]:")
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|00)", re.IGNORECASE)


class UnsafePath(Exception):
    """A request path that is refused; `status` is the HTTP status to answer with."""

    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.status = status


def request_path(target: str) -> str:
    """The decoded URL path of a raw request target (`/a/b.html?x`), or UnsafePath.

    The result starts with `/`, has no `.` or `..` segment, no empty segment but a trailing one,
    no backslash, NUL or control character, and no separator that arrived percent-encoded.
    """
    if target.lower().startswith(("http://", "https://")):
        target = urlsplit(target).path or "/"  # absolute-form request target
    if not target.startswith("/"):
        raise UnsafePath("the request path must start with '/'")
    raw = target.split("#", 1)[0].split("?", 1)[0]
    if "\\" in raw or _ENCODED_SEPARATOR.search(raw):
        raise UnsafePath("backslashes and encoded separators are not allowed")
    try:
        path = unquote(raw, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise UnsafePath("the request path is not UTF-8") from None
    if any(ord(char) < 0x20 or char == "\x7f" for char in path):
        raise UnsafePath("control characters are not allowed")
    segments = path.split("/")[1:]
    if any(segment in (".", "..") for segment in segments):
        raise UnsafePath("'.' and '..' segments are not allowed")
    if "" in segments[:-1]:
        raise UnsafePath("empty path segments are not allowed")
    if segments and _DRIVE.match(segments[0]):
        raise UnsafePath("drive letters are not allowed")
    return path


def contained(root: Path, path: Path) -> Path:
    """`path` with every symlink resolved, or UnsafePath (404) when that lies outside `root`.

    `root` must already be resolved.
    """
    resolved = path.resolve()
    if not resolved.is_relative_to(root):
        raise UnsafePath("outside the output folder", status=404)
    return resolved


def locate(root: Path, url_path: str) -> Path:
    """The file or folder inside `root` (resolved) that a checked URL path names."""
    segments = [segment for segment in url_path.split("/") if segment]
    return contained(root, root.joinpath(*segments))


def content_type(path: Path, head: bytes = b"") -> str:
    """The Content-Type for a file; `head` (its first bytes) tells feeds from other XML."""
    name = path.name.lower()
    if name in _BY_NAME:
        return _BY_NAME[name]
    suffix = path.suffix.lower()
    if suffix == ".xml" and head:
        match = _FIRST_ELEMENT.search(_COMMENT.sub(b"", head))
        if match is not None:
            element = match.group(1).split(b":")[-1]
            if element == b"feed":
                return ATOM
            if element == b"rss":
                return RSS
    return _BY_SUFFIX.get(suffix, "application/octet-stream")


def is_html(media_type: str) -> bool:
    return media_type.split(";", 1)[0].strip() in ("text/html", "application/xhtml+xml")

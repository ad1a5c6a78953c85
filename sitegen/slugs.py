"""Slugs: the one way sitegen turns text into a URL path segment.

ASCII (other scripts are transliterated), lowercase, hyphenated, at most 80 characters, cut at a
word boundary, never empty and never `.`/`..`: text with nothing to transliterate gets a stable
hash instead.
"""

from __future__ import annotations

import hashlib
import re

from slugify import slugify

MAX_SLUG_LENGTH = 80
SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def make_slug(text: str, *, prefix: str = "t", digest: str | None = None) -> str:
    """The slug of `text`; `prefix-<hash>` when nothing of it survives (emoji, symbols)."""
    slug = slugify(text, max_length=MAX_SLUG_LENGTH, word_boundary=True, save_order=True)
    if slug:
        return slug
    digest = digest or hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:12]}"

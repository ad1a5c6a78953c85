"""schema.org NewsArticle JSON-LD for an article page, safe to put inside a `<script>` element.

Only what the article records is stated: no author when none is known, no invented types for the
names in a photo credit (they may be agencies or people), the original publisher as
`sourceOrganization` and the original article as `isBasedOn`.
"""

from __future__ import annotations

import json
from typing import Any

from sitegen.ingest.credits import credit_roles
from sitegen.ingest.knowledge import load_knowledge
from sitegen.model import Article
from sitegen.render.newsroom import corrections_newest_first

_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def script_json(data: Any) -> str:
    """JSON whose text can never close the surrounding `<script>` element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_SCRIPT_SAFE).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _organization(name: str) -> dict[str, str]:
    return {"@type": "Organization", "name": name}


def _site_publisher(name: str, url: str, corrections_policy: str) -> dict[str, str]:
    publisher = {**_organization(name), "url": url}
    if corrections_policy:
        publisher["correctionsPolicy"] = corrections_policy
    return publisher


def _corrections(article: Article) -> list[dict[str, str]]:
    """CorrectionComment objects, newest first, dates RFC 3339 with their zone."""
    return [
        {"@type": "CorrectionComment", "text": c.text, "datePublished": c.date.isoformat()}
        for c in corrections_newest_first(article)
    ]


def news_article(
    article: Article,
    *,
    original_url: str | None,
    image_urls: tuple[str | None, ...],
    url: str,
    site_name: str,
    site_url: str,
    language: str,
    published: str | None,
    modified: str | None,
    description: str | None,
    corrections_policy: str = "",
) -> dict[str, Any]:
    """The NewsArticle object for one article page (URLs absolute, dates RFC 3339)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "identifier": article.id,
        "headline": article.title,
        "inLanguage": article.lang or language,
        "publisher": _site_publisher(site_name, site_url, corrections_policy),
    }
    if description:
        data["description"] = description
    if published:
        data["datePublished"] = published
    if modified:
        data["dateModified"] = modified
    if article.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    if article.sections:
        data["articleSection"] = list(article.sections)
    if article.tags:
        data["keywords"] = list(article.tags)
    if article.dateline.place:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline.place}
    if article.publisher:
        data["sourceOrganization"] = _organization(article.publisher)
    based_on: dict[str, Any] = {"@type": "NewsArticle", "headline": article.title}
    if original_url:
        based_on["url"] = original_url
    if article.publisher:
        based_on["publisher"] = _organization(article.publisher)
    if not article.original and (original_url or article.publisher):
        data["isBasedOn"] = based_on
    if article.corrections:
        data["correction"] = _corrections(article)
    if article.cites:
        data["citation"] = [_organization(name) for name in article.cites]
    images = []
    for photo, image_url in zip(article.photos, image_urls, strict=True):
        image: dict[str, Any] = {"@type": "ImageObject", "caption": photo.caption}
        if image_url:
            image["contentUrl"] = image_url
        if photo.credit:
            image["creditText"] = photo.credit
            roles = credit_roles(photo.credit_parts or (photo.credit,), load_knowledge())
            # The people among the credit's parts made the photo; agencies stay in creditText.
            people = [{"@type": "Person", "name": n} for kind, n in roles if kind == "Person"]
            if people:
                image["creator"] = people
        images.append(image)
    if images:
        data["image"] = images
    return data

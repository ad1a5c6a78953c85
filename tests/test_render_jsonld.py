"""NewsArticle JSON-LD: attribution fields, nothing invented, safe inside <script>."""

from __future__ import annotations

import dataclasses
import json

from sitegen.render.jsonld import news_article, script_json
from tests.sitegen_testkit import NO_PUBLISHER, SEED_LIKE


def _data(article, original_url=None):
    return news_article(
        article,
        original_url=original_url,
        image_urls=tuple(None for _ in article.photos),
        url="https://example.org/articles/x/",
        site_name="Site",
        site_url="https://example.org/",
        language="en",
        published="2024-06-19T00:00:00+00:00",
        modified=None,
        description=article.standfirst,
    )


def test_attribution_fields():
    data = _data(SEED_LIKE, original_url="https://example.net/003")
    assert data["@type"] == "NewsArticle"
    assert data["sourceOrganization"] == {"@type": "Organization", "name": "Novaya Gazeta Europe"}
    assert data["isBasedOn"]["url"] == "https://example.net/003"
    assert data["isBasedOn"]["publisher"]["name"] == "Novaya Gazeta Europe"
    assert [c["name"] for c in data["citation"]] == ["TASS", "Rodong Sinmum", "Interfax"]
    (image,) = data["image"]
    assert image["creditText"] == "EPA-EFE / GAVRIIL GRIGOROV / SPUTNIK / KREMLIN POOL"
    # The photographer is told from the agencies and the pool: only people are creators.
    assert image["creator"] == [{"@type": "Person", "name": "GAVRIIL GRIGOROV"}]
    assert "contentUrl" not in image


def test_nothing_invented_for_an_article_without_publisher_or_authors():
    data = _data(NO_PUBLISHER)
    for key in ("author", "sourceOrganization", "isBasedOn", "image", "dateModified"):
        assert key not in data
    assert data["citation"] == [{"@type": "Organization", "name": "IRNA"}]
    assert data["locationCreated"]["name"] == "Pyongyang"


def test_authors_are_people_when_known():
    data = _data(dataclasses.replace(SEED_LIKE, authors=("Ann Lee", "Bo Kim")))
    assert data["author"] == [
        {"@type": "Person", "name": "Ann Lee"},
        {"@type": "Person", "name": "Bo Kim"},
    ]


def test_script_json_cannot_close_the_script_element():
    hostile = {"headline": "</script><script>alert(1)</script> <!-- & \u2028"}
    text = script_json(hostile)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == hostile

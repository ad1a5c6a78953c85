"""Golden pages of the two real seeds, built from their committed Markdown (the importer's output)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from tests.golden import assert_golden

SEEDS = {
    "seed-003.html": "putin-arrives-in-north-korea-on-first-state-visit-for-over-20-years",
    "seed-000.html": "russian-president-vladimir-putin-arrives-in-north-korea-for-official-visit",
}


@pytest.mark.parametrize(("golden", "slug"), sorted(SEEDS.items()))
def test_seed_article_pages_stay_byte_identical(seed_public: Path, golden: str, slug: str) -> None:
    assert_golden(golden, (seed_public / "articles" / slug / "index.html").read_bytes())


def test_seed_site_feed_stays_byte_identical(seed_public: Path) -> None:
    assert_golden("seed-atom.xml", (seed_public / "atom.xml").read_bytes())


def test_seed_pages_show_their_attribution(seed_public: Path) -> None:
    page = (seed_public / "articles" / SEEDS["seed-003.html"] / "index.html").read_text("utf-8")
    [figure] = lxml.html.fromstring(page).xpath("//figure")  # the caption printed twice: one photo
    assert "EPA-EFE / GAVRIIL GRIGOROV / SPUTNIK / KREMLIN POOL" in figure.text_content()
    assert "Novaya Gazeta Europe" in page
    for source in ("TASS", "Rodong Sinmum", "Interfax"):
        assert source in page
    other = (seed_public / "articles" / SEEDS["seed-000.html"] / "index.html").read_text("utf-8")
    assert "publisher not identified" in other.lower() or "source not identified" in other.lower()
    assert "IRNA" in other

"""Extraction quality on the gold files: 100% or the suite fails (tests/eval_import.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLES, SEEDS
from tests.eval_import import evaluate

SHARED = Path(__file__).resolve().parents[2] / "shared"

CASES = [
    pytest.param(SAMPLES / "articles", SAMPLES / "gold.json", id="samples"),
    pytest.param(SEEDS, SEEDS / "gold.json", id="seeds"),
]
if (SHARED / "samples" / "gold.json").is_file():
    CASES += [
        pytest.param(
            SHARED / "samples/articles", SHARED / "samples/gold.json", id="shared-samples"
        ),
        pytest.param(SHARED / "seeds", SHARED / "seeds/gold.json", id="shared-seeds"),
    ]


@pytest.mark.parametrize(("articles", "gold"), CASES)
def test_every_field_is_right(articles: Path, gold: Path) -> None:
    scores = evaluate(articles, gold)
    assert scores == {name: 1.0 for name in scores}

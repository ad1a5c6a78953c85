"""Shared fixtures: the copied seed, sample and bad-input files, and small site folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.ingest import Extractor, load_knowledge

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"
SAMPLES = DATA / "samples"
BAD = SAMPLES / "bad"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor(load_knowledge())


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site folder with the two seeds in content/seeds/ and an empty content/articles/."""
    root = tmp_path / "site"
    (root / "content" / "seeds").mkdir(parents=True)
    (root / "content" / "articles").mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, root / "content" / "seeds" / seed.name)
    return root

"""Incremental builds (the cache in `.sitegen-cache/`) give the same bytes as a clean build."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from pathlib import Path

import pytest

from sitegen.build import build_site
from sitegen.cache import BuildCache, body_key
from sitegen.config import Project
from sitegen.content import dump_article
from sitegen.model import Article

SECTIONS = ("World", "Politics", "Business", "Science")
TAGS = ("energy", "elections", "climate", "trade", "health")
WORDS = "the minister said on Tuesday that talks would resume after a long pause in the capital"


def _article(rng: random.Random, number: int) -> Article:
    words = WORDS.split()
    paragraphs = [
        " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))).capitalize() + "."
        for _ in range(rng.randint(1, 4))
    ]
    if rng.random() < 0.3:
        paragraphs.insert(1, "> A *quoted* line with a [link](https://example.org/x).")
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(400))
    return Article(
        id=f"tag:example.org,2024:inc-{number}",
        title=f"Story {number}: " + " ".join(rng.sample(words, 4)),
        slug=f"story-{number}",
        body="\n\n".join(paragraphs) + "\n",
        date=day if rng.random() < 0.9 else None,
        sections=tuple(rng.sample(SECTIONS, rng.randint(1, 2))),
        tags=tuple(rng.sample(TAGS, rng.randint(0, 2))),
        authors=("A. Writer",) if rng.random() < 0.5 else (),
    )


def _write(project: Project, article: Article, name: str | None = None) -> None:
    path = project.articles / (name or f"{article.slug}.md")
    path.write_text(dump_article(article), encoding="utf-8")


def _new_project(root: Path, rng: random.Random) -> Project:
    project = Project(root)
    project.articles.mkdir(parents=True)
    (root / "sitegen.toml").write_text('title = "Inc News"\nper_page = 3\n', encoding="utf-8")
    for number in range(6):
        _write(project, _article(rng, number))
    return project


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _clean_build(project: Project, scratch: Path) -> dict[str, bytes]:
    """The same sources built in a fresh folder with no cache and no previous output."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(
        project.root, scratch, ignore=shutil.ignore_patterns(".sitegen-cache", "public*")
    )
    result = build_site(Project(scratch), import_seeds=False)
    assert result.published, result.errors
    return _tree(scratch / "public")


def _edit(project: Project, rng: random.Random, counter: list[int]) -> str:
    """One random change of the kind editors make; returns what it did."""
    files = sorted(project.articles.glob("*.md"))
    action = rng.choice(("add", "edit", "edit", "retag", "delete", "rename", "theme", "settings"))
    if action == "add" or (action in ("edit", "retag", "delete", "rename") and not files):
        counter[0] += 1
        _write(project, _article(rng, counter[0]))
        return "add"
    if action == "edit":
        path = rng.choice(files)
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    elif action == "retag":
        path = rng.choice(files)
        number = int(path.read_text(encoding="utf-8").split("inc-", 1)[1].split("\n", 1)[0])
        _write(project, _article(rng, number), path.name)
    elif action == "delete":
        rng.choice(files).unlink()
    elif action == "rename":
        path = rng.choice(files)
        path.rename(path.with_name(f"renamed-{counter[0]}-{path.name}"))
        counter[0] += 1
    elif action == "theme":
        templates = project.root / "themes" / "default" / "templates"
        templates.mkdir(parents=True, exist_ok=True)
        source = Path(__file__).resolve().parents[1] / "themes/default/templates/404.html"
        marker = f"<!-- edit {rng.randrange(1000)} -->\n"
        (templates / "404.html").write_text(source.read_text("utf-8") + marker, "utf-8")
    else:
        per_page = rng.randint(2, 5)
        (project.root / "sitegen.toml").write_text(
            f'title = "Inc News {per_page}"\nper_page = {per_page}\n', encoding="utf-8"
        )
    return action


@pytest.mark.parametrize("seed", range(8))
def test_incremental_build_equals_clean_build(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    project = _new_project(tmp_path / "site", rng)
    assert build_site(project, import_seeds=False).published
    counter = [100]
    for step in range(6):
        actions = [_edit(project, rng, counter) for _ in range(rng.randint(1, 3))]
        changed = {p for p in project.articles.glob("*.md")} if rng.random() < 0.5 else None
        result = build_site(project, import_seeds=False, changed=changed)
        assert result.published, result.errors
        clean = _clean_build(project, tmp_path / "clean")
        assert _tree(project.root / "public") == clean, f"step {step}: {actions}"


def test_no_change_rebuild_writes_nothing(tmp_path: Path) -> None:
    project = _new_project(tmp_path / "site", random.Random(1))
    first = build_site(project, import_seeds=False)
    assert first.published and first.files_written > 0
    before = (project.root / "public").stat().st_ino
    again = build_site(project, import_seeds=False)
    assert again.published and again.ok
    assert again.files_written == 0 and again.articles == first.articles
    assert again.unchanged and not first.unchanged and "nothing changed" in again.summary()
    assert (project.root / "public").stat().st_ino == before  # not even swapped


def test_one_edit_writes_only_changed_files(tmp_path: Path) -> None:
    project = _new_project(tmp_path / "site", random.Random(2))
    first = build_site(project, import_seeds=False)
    path = sorted(project.articles.glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nA late addition.\n", encoding="utf-8")
    second = build_site(project, import_seeds=False)
    assert second.published
    assert 0 < second.files_written < first.files_written


def test_output_removed_by_hand_is_rebuilt(tmp_path: Path) -> None:
    project = _new_project(tmp_path / "site", random.Random(3))
    build_site(project, import_seeds=False)
    expected = _tree(project.root / "public")
    shutil.rmtree(project.root / "public")
    result = build_site(project, import_seeds=False)
    assert result.published and _tree(project.root / "public") == expected


def test_corrupt_cache_is_only_a_lost_cache(tmp_path: Path) -> None:
    project = _new_project(tmp_path / "site", random.Random(4))
    build_site(project, import_seeds=False)
    expected = _tree(project.root / "public")
    (project.cache / "build.sqlite").write_bytes(b"not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        (project.cache / f"build.sqlite{suffix}").unlink(missing_ok=True)
    shutil.rmtree(project.root / "public")
    result = build_site(project, import_seeds=False)
    assert result.published and _tree(project.root / "public") == expected


def test_bodies_are_cached_by_markdown_and_pool_keeps_order(tmp_path: Path) -> None:
    texts = {f"t{i}": f"Paragraph *{i}* of the test.\n" for i in range(80)}
    with BuildCache(tmp_path) as cache:
        pooled = cache.bodies(texts, workers=2)
    with BuildCache(tmp_path) as cache:
        single = cache.bodies(texts, workers=1)
    assert pooled == single
    assert [pooled[f"t{i}"] for i in range(80)] == [
        f'<p dir="auto">Paragraph <em>{i}</em> of the test.</p>' for i in range(80)
    ]
    assert body_key("a") != body_key("b")


def test_changed_paths_are_hashed_even_when_their_stamp_looks_the_same(tmp_path: Path) -> None:
    project = _new_project(tmp_path / "site", random.Random(5))
    path = sorted(project.articles.glob("*.md"))[0]
    old = 1_600_000_000
    for file in project.articles.glob("*.md"):
        os.utime(file, (old, old))  # old enough that a stored hash is trusted by its stamp
    build_site(project, import_seeds=False)
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Story", "Storm", 1)
    assert edited != text and len(edited) == len(text)
    with path.open("r+", encoding="utf-8") as handle:  # same inode, same size, same mtime
        handle.write(edited)
    os.utime(path, (old, old))
    result = build_site(project, import_seeds=False, changed={path})
    assert result.published and not result.unchanged
    assert _tree(project.root / "public") == _clean_build(project, tmp_path / "clean")


def test_parallel_build_equals_single_process_build(tmp_path: Path) -> None:
    rng = random.Random(7)
    project = _new_project(tmp_path / "site", rng)
    for number in range(6, 40):
        _write(project, _article(rng, number))
    single = _clean_build(project, tmp_path / "single")
    shutil.rmtree(tmp_path / "single")
    shutil.copytree(project.root, tmp_path / "single")
    parallel = build_site(Project(tmp_path / "single"), import_seeds=False, workers=2)
    assert parallel.published and parallel.ok
    assert _tree(tmp_path / "single" / "public") == single
    path = sorted(project.articles.glob("*.md"))[3]
    path.write_text(path.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    assert build_site(project, import_seeds=False, workers=2).published  # cold, over the pool
    assert build_site(project, import_seeds=False, workers=2).unchanged
    edited = path.read_text(encoding="utf-8").replace("Edited.", "Edited again.")
    path.write_text(edited, encoding="utf-8")
    result = build_site(project, import_seeds=False, workers=2)  # incremental, over the pool
    assert result.published and 0 < result.files_written < parallel.files_written
    assert _tree(project.root / "public") == _clean_build(project, tmp_path / "clean")

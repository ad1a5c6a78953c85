"""Publishing through the spare folder: only changed files are written, and the site stays right
when the folders are exchanged, renamed, rejected, or tampered with."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import sitegen.cache
import sitegen.config
import sitegen.publish
from sitegen.build import build_site
from sitegen.config import Project
from sitegen.content import dump_article
from tests.sitegen_testkit import article, snapshot, write_project


def _edit(project: Project, number: int, body: str) -> None:
    path = project.articles / f"article-{number}.md"
    path.write_text(dump_article(article(number, body=body)), encoding="utf-8")


def _clean(tmp_path: Path, project: Project, name: str) -> dict:
    """The site a clean build makes of the same articles."""
    fresh = write_project(tmp_path / name, [])
    for source in project.articles.glob("*.md"):
        (fresh.articles / source.name).write_bytes(source.read_bytes())
    assert build_site(fresh, import_seeds=False).ok
    return snapshot(fresh.root / "public")


def test_the_spare_is_patched_not_copied(tmp_path: Path) -> None:
    project = write_project(tmp_path / "site", [article(n) for n in range(1, 41)])
    for body in ("First.", "Second.", "Third."):  # the first builds make the spare
        _edit(project, 3, body)
        assert build_site(project, import_seeds=False).ok
    untouched = project.root / "public" / "articles" / "article-1" / "index.html"
    inode = untouched.stat().st_ino
    _edit(project, 3, "Fourth.")
    result = build_site(project, import_seeds=False)
    site = snapshot(project.root / "public")
    assert result.ok and 0 < result.files_written < len(site) / 3  # its page, lists and feeds
    assert untouched.stat().st_ino == inode, "an unchanged file was written again"
    assert "Fourth." in (project.root / "public/articles/article-3/index.html").read_text()
    assert snapshot(project.root / "public") == _clean(tmp_path, project, "clean")
    spare = project.cache / "spare" / "public"
    assert spare.is_dir() and "Third." in (spare / "articles/article-3/index.html").read_text()


def test_a_deleted_article_leaves_no_file_and_no_empty_folder(tmp_path: Path) -> None:
    project = write_project(tmp_path / "site", [article(n) for n in range(1, 5)])
    for _ in range(3):
        assert build_site(project, import_seeds=False).ok
        _edit(project, 1, f"Body {_}.")
    (project.articles / "article-2.md").unlink()
    assert build_site(project, import_seeds=False).ok
    assert build_site(project, import_seeds=False).ok  # and once more from the other folder
    assert not (project.root / "public" / "articles" / "article-2").exists()
    assert snapshot(project.root / "public") == _clean(tmp_path, project, "clean")


def test_without_exchange_the_folders_are_renamed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sitegen.publish, "exchange", lambda first, second: False)
    project = write_project(tmp_path / "site", [article(n) for n in range(1, 5)])
    for n in range(4):
        _edit(project, 1 + n % 2, f"Version {n}.")
        assert build_site(project, import_seeds=False).ok
        assert snapshot(project.root / "public") == _clean(tmp_path, project, f"clean{n}")
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [
        ".sitegen-cache",
        "content",
        "public",
    ]


def test_a_file_deleted_from_the_output_by_hand_is_written_again(tmp_path: Path) -> None:
    project = write_project(tmp_path / "site", [article(n) for n in range(1, 5)])
    for body in ("One.", "Two."):
        _edit(project, 4, body)
        assert build_site(project, import_seeds=False).ok
    (project.root / "public" / "articles" / "article-1" / "index.html").unlink()
    _edit(project, 4, "Three.")
    assert build_site(project, import_seeds=False).ok
    assert snapshot(project.root / "public") == _clean(tmp_path, project, "clean")


@pytest.mark.parametrize("rejected_first", [True, False])
def test_a_rejected_build_leaves_the_output_and_the_next_one_is_right(
    tmp_path: Path, rejected_first: bool
) -> None:
    project = write_project(tmp_path / "site", [article(n) for n in range(1, 5)])
    assert build_site(project, import_seeds=False).ok
    if not rejected_first:
        _edit(project, 2, "Accepted.")
        assert build_site(project, import_seeds=False).ok
    before = snapshot(project.root / "public")
    _edit(project, 2, "Rejected.")
    result = build_site(project, import_seeds=False, accept=lambda errors: False)
    assert not result.published
    assert snapshot(project.root / "public") == before
    _edit(project, 2, "Finally.")
    assert build_site(project, import_seeds=False).published
    assert snapshot(project.root / "public") == _clean(tmp_path, project, "clean")


def test_an_output_elsewhere_keeps_its_spare_beside_it(tmp_path: Path) -> None:
    project = write_project(
        tmp_path / "site", [article(1), article(2)], settings='output_dir = "../www/news"\n'
    )
    for body in ("A.", "B.", "C."):
        _edit(project, 1, body)
        assert build_site(project, import_seeds=False).ok
    news = tmp_path / "www" / "news"
    assert "C." in (news / "articles/article-1/index.html").read_text()
    spare = sitegen.publish.spare_folder(project.cache, news)
    assert spare.is_dir()
    if spare.parent == news.parent:  # another file system than the cache
        assert spare.name == "news.spare"


def test_settings_change_of_output_starts_a_new_spare(tmp_path: Path) -> None:
    project = write_project(tmp_path / "site", [article(1), article(2)])
    assert build_site(project, import_seeds=False).ok
    assert build_site(project, import_seeds=False, changed=set()).ok
    settings = dataclasses.replace(sitegen.config.Settings(), output_dir="other")
    assert build_site(project, settings=settings, import_seeds=False).ok
    assert snapshot(project.root / "other") == snapshot(project.root / "public")


class _Died(BaseException):
    """Stands for a build killed at a chosen step (not an Exception: nothing may catch it)."""


@pytest.mark.parametrize(
    "step", ["cache.BuildCache.swap_manifests", "cache.BuildCache.update_units", "build._remember"]
)
def test_a_build_that_dies_after_the_exchange_is_not_trusted_later(
    tmp_path: Path, monkeypatch, step: str
) -> None:
    """Killed between exchanging the folders and recording it, the two builds after it (the
    content back as before, then as the dead build had it) still publish exactly their site."""
    project = write_project(tmp_path / "site", [article(n) for n in range(1, 6)])
    for body in ("One.", "Two."):  # both folders exist and are recorded
        _edit(project, 2, body)
        assert build_site(project, import_seeds=False).ok

    def die(*_args: object) -> None:
        raise _Died

    _edit(project, 2, "Three.")
    with monkeypatch.context() as patch:
        patch.setattr(f"sitegen.{step}", die)
        with pytest.raises(_Died):
            build_site(project, import_seeds=False)
    for body in ("Two.", "Three."):
        _edit(project, 2, body)
        assert build_site(project, import_seeds=False).ok
        assert snapshot(project.root / "public") == _clean(tmp_path, project, f"clean-{body}")

"""Issue 6 part 1: bad input beyond the samples, through `python -m sitegen build`.

Each case gets one clear stderr line naming the file and the problem, a non-zero exit, and the
rest of the site still built (a broken theme instead keeps the previous site whole: a template
is used by every page, so nothing is published).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import sitegen
from sitegen import site as site_module
from sitegen.build import build_site
from sitegen.errors import ContentError
from tests.sitegen_testkit import article, snapshot, write_project

REPO = Path(sitegen.__file__).resolve().parent.parent
GOOD = "---\nid: x-{n}\ntitle: T{n}\nslug: s-{n}\ndate: '2024-01-02'\n"


def cli_build(root: Path) -> tuple[int, list[str]]:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--no-import"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stderr.strip().splitlines()


def one_line_naming(lines: list[str], name: str, problem: str) -> str:
    naming = [line for line in lines if name in line]
    assert len(naming) == 1, lines
    assert naming[0].startswith("sitegen: ") and problem in naming[0], naming[0]
    return naming[0]


def rest_is_built(root: Path) -> None:
    for n in (1, 2):
        assert (root / "public" / "articles" / f"article-{n}" / "index.html").is_file()
    assert (root / "public" / "index.html").is_file()


@pytest.mark.parametrize(
    ("front_matter", "line", "problem"),
    [
        ("---\nid: x\ntitle: [a, b]\nslug: bad\n---\nBody\n", 3, "must be text"),
        ("---\nid: x\ntitle: T\nslug: bad\ndate: 31/02/2024\n---\nBody\n", 5, "not a date"),
        ("---\nid: x\ntitle: T\nslug: bad\ndate: [2024]\n---\nBody\n", 5, "date"),
        ("---\nid: x\ntitle: T\nslug: bad\n---\n", None, ""),  # empty body: fine, not bad
        ("---\nid: x\ntitle: 'T\nslug: bad\n---\nBody\n", 3, "not valid YAML"),
        ("---\nid: x\ntitle: T\nslug: bad\nBody without a closing fence\n", 1, ""),
    ],
)
def test_front_matter_of_the_wrong_shape(tmp_path, front_matter, line, problem):
    write_project(tmp_path, [article(1), article(2)])
    bad = tmp_path / "content" / "articles" / "bad.md"
    bad.write_text(front_matter, encoding="utf-8")
    code, lines = cli_build(tmp_path)
    rest_is_built(tmp_path)
    if line is None:
        assert code == 0, lines
        return
    assert code == 1, lines
    found = one_line_naming(lines, "bad.md", problem)
    assert f"bad.md:{line}: " in found


def test_a_missing_referenced_image(tmp_path):
    write_project(tmp_path, [article(1), article(2)])
    bad = tmp_path / "content" / "articles" / "bad.md"
    bad.write_text(
        "---\nid: x\ntitle: T\nslug: bad\nphotos:\n- caption: A photo\n"
        "  image: images/missing.jpg\n---\nBody\n",
        encoding="utf-8",
    )
    code, lines = cli_build(tmp_path)
    assert code == 1, lines
    found = one_line_naming(lines, "bad.md", "images/missing.jpg")
    assert "bad.md:7: " in found and "does not exist" in found
    rest_is_built(tmp_path)


def test_an_existing_local_image_and_web_images_are_not_errors(tmp_path):
    project = write_project(tmp_path, [article(1), article(2)])
    (project.articles / "images").mkdir()
    (project.articles / "images" / "here.jpg").write_bytes(b"\xff\xd8\xff")
    (project.articles / "ok.md").write_text(
        "---\nid: x\ntitle: T\nslug: ok\nphotos:\n- caption: A\n  image: images/here.jpg\n"
        "- caption: B\n  image: https://example.org/b.jpg\n---\nBody\n",
        encoding="utf-8",
    )
    code, lines = cli_build(tmp_path)
    assert code == 0, lines


def test_a_theme_template_with_a_syntax_error_keeps_the_previous_site(tmp_path):
    write_project(tmp_path, [article(1), article(2)])
    assert cli_build(tmp_path)[0] == 0
    before = snapshot(tmp_path / "public")
    templates = tmp_path / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "article.html").write_text(
        '{% extends "base.html" %}\n{% block main %}{{ article.title }\n{% endblock %}\n', "utf-8"
    )
    code, lines = cli_build(tmp_path)
    assert code == 1, lines
    found = one_line_naming(lines, "article.html", "")
    assert "article.html:2" in found
    assert snapshot(tmp_path / "public") == before


def test_a_folder_named_like_an_article(tmp_path):
    write_project(tmp_path, [article(1), article(2)])
    (tmp_path / "content" / "articles" / "folder.md").mkdir()
    code, lines = cli_build(tmp_path)
    assert code == 1, lines
    one_line_naming(lines, "folder.md", "cannot read file")
    rest_is_built(tmp_path)


def test_a_file_that_vanishes_between_listing_and_reading(tmp_path, monkeypatch):
    project = write_project(tmp_path, [article(1), article(2), article(3)])
    doomed = project.articles / "article-3.md"
    read = site_module.read_article

    def read_after_removal(path: Path):
        if path == doomed:
            doomed.unlink()  # another program deletes it after the build listed the folder
        return read(path)

    monkeypatch.setattr(site_module, "read_article", read_after_removal)
    result = build_site(project, import_seeds=False)
    assert result.published
    (error,) = result.errors
    assert isinstance(error, ContentError) and error.path == doomed
    assert "cannot read file" in str(error) and "\n" not in str(error)
    rest_is_built(tmp_path)
    assert not (tmp_path / "public" / "articles" / "article-3").exists()

"""A real site built once per session in a temporary folder, shared by the end-to-end tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from sitegen.build import BuildResult, build_site
from sitegen.config import Project
from sitegen.model import Photo, Source
from tests.sitegen_testkit import NO_PUBLISHER, SEED_LIKE, article, build, write_project

SETTINGS = """\
title = "Test Wire"
description = "A test site."
base_url = "https://news.example.org/"
language = "en"
per_page = 2
timezone = "Europe/Moscow"
"""

HOSTILE = dataclasses.replace(
    article(20),
    id="tag:news.example.org,2024:hostile",
    slug="hostile",
    title="<script>alert('title')</script> {{ 7*7 }} </script><!--",
    standfirst="Dek </script><script>alert(1)</script> {% raw %}",
    body=(
        "Para <script>alert('body')</script> with [bad](javascript:alert(1)) and "
        '<a href="JAVASCRIPT:alert(2)">worse</a> and {{ 7*7 }}.\n\n'
        '<img src="x" onerror="alert(3)" alt="">\n\n'
        "</script><script>alert(4)</script>"
    ),
    sections=("<b>Section</b>",),
    tags=("{{ 7*7 }}",),
    publisher="Evil </script> Corp",
    cites=("</script><script>alert(5)</script>",),
    photos=(Photo(caption='<img src=x onerror="alert(6)">', credit="<script>alert(7)</script>"),),
    source=Source(file="../../etc/passwd <script>", url="javascript:alert(8)"),
)

RTL = dataclasses.replace(
    article(15),
    id="tag:news.example.org,2024:rtl",
    slug="rtl-article",
    title="بوتين يصل إلى بيونغ يانغ",
    body="وصل الرئيس الروسي إلى كوريا الشمالية.",
    lang="ar",
    sections=("World",),
    authors=("Ann Lee", "Bo Kim"),
)

UNDATED = dataclasses.replace(article(3), slug="undated-story", date=None, id="tag:x,2024:undated")

ARTICLES = (
    SEED_LIKE,
    NO_PUBLISHER,
    HOSTILE,
    RTL,
    UNDATED,
    article(1),
    article(2, updated=dt.datetime(2024, 2, 1, 9, 30, tzinfo=dt.UTC)),
)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[Project, BuildResult]:
    root: Path = tmp_path_factory.mktemp("e2e-site")
    project = write_project(root, ARTICLES, settings=SETTINGS)
    result = build(project)
    assert result.ok, [str(e) for e in result.errors]
    return project, result


@pytest.fixture(scope="session")
def public(built) -> Path:
    return built[1].output


@pytest.fixture(scope="session")
def seed_public(tmp_path_factory) -> Path:
    """The repo's own content (the two seeds' committed Markdown) built as a site."""
    import shutil

    root = tmp_path_factory.mktemp("seed-site")
    shutil.copytree(Path(__file__).resolve().parents[2] / "content", root / "content")
    result = build_site(Project(root), import_seeds=False)
    assert result.ok, [str(e) for e in result.errors]
    return root / "public"

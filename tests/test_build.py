"""Build orchestration: errors collected, atomic publish, recovery after a killed build, CLI."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from sitegen.build import BuildResult, build_site
from sitegen.cli import cli
from sitegen.config import Settings
from sitegen.errors import ConfigError, ContentError, ThemeError
from tests.sitegen_testkit import article, build, snapshot, write_project


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("public."))


def test_a_clean_build_publishes_and_counts(tmp_path):
    project = write_project(tmp_path, [article(n) for n in range(3)])
    result = build(project)
    assert isinstance(result, BuildResult)
    assert result.ok and result.published and result.errors == ()
    assert result.output == tmp_path / "public"
    assert result.articles == 3
    # 3 articles + home + section + publisher + archive and its one month + 404
    assert result.pages_written == 9
    # site, section and publisher: Atom + RSS each
    assert result.feeds_written == 6
    assert (tmp_path / "public" / "articles" / "article-2" / "index.html").is_file()
    assert _leftovers(tmp_path) == []
    assert "3 article(s)" in result.summary()


def test_a_broken_article_is_reported_and_the_rest_is_built(tmp_path):
    project = write_project(tmp_path, [article(1), article(2)])
    bad = project.articles / "bad.md"
    bad.write_text(
        "---\nid: x\ntitle: T\nslug: bad\ndate: not-a-date\n---\nBody\n", encoding="utf-8"
    )
    result = build(project)
    assert not result.ok and result.published
    (error,) = result.errors
    assert isinstance(error, ContentError) and error.path == bad and error.line == 5
    assert (tmp_path / "public" / "articles" / "article-1" / "index.html").is_file()
    assert not (tmp_path / "public" / "articles" / "bad").exists()


def test_a_broken_theme_stops_the_publish_and_keeps_the_old_site(tmp_path):
    project = write_project(tmp_path, [article(1)])
    assert build(project).ok
    before = snapshot(tmp_path / "public")
    templates = tmp_path / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "article.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n', "utf-8"
    )
    write_project(tmp_path, [article(2)])  # new content that must not appear
    result = build(project)
    assert not result.ok and not result.published
    (error,) = result.errors
    assert isinstance(error, ThemeError)
    assert error.path == templates / "article.html" and error.line is not None
    assert snapshot(tmp_path / "public") == before
    assert _leftovers(tmp_path) == []


def test_an_exception_while_writing_leaves_the_old_site(tmp_path, monkeypatch):
    project = write_project(tmp_path, [article(1), article(2)])
    assert build(project).ok
    before = snapshot(tmp_path / "public")
    from sitegen.render import pages

    real = pages.SiteRenderer.units

    def disk_full():
        raise OSError("disk full")
        yield

    def failing(self):
        units = real(self)
        return [*units[:3], pages.Unit("failing", None, disk_full), *units[3:]]

    monkeypatch.setattr(pages.SiteRenderer, "units", failing)
    write_project(tmp_path, [article(3)])
    try:
        build(project)
    except OSError:
        pass
    else:
        raise AssertionError("the write error should propagate")
    assert snapshot(tmp_path / "public") == before
    assert _leftovers(tmp_path) == []


def test_a_killed_build_leaves_the_old_site_and_the_next_build_tidies_up(tmp_path):
    project = write_project(tmp_path, [article(n) for n in range(4)])
    assert build(project).ok
    before = snapshot(tmp_path / "public")
    write_project(tmp_path, [article(9)])
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from sitegen.build import build_site
        from sitegen.config import Project
        from sitegen.render import pages

        real = pages.SiteRenderer.units
        def die():
            os.kill(os.getpid(), signal.SIGKILL)
            yield
        def dying(self):
            units = real(self)
            return [*units[:5], pages.Unit("dying", None, die), *units[5:]]
        pages.SiteRenderer.units = dying
        build_site(Project(Path({str(tmp_path)!r})), import_seeds=False)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert snapshot(tmp_path / "public") == before
    assert _leftovers(tmp_path) == []  # the half-patched spare folder is inside the cache
    result = build(project)
    assert result.ok and _leftovers(tmp_path) == []
    assert (tmp_path / "public" / "articles" / "article-9" / "index.html").is_file()
    clean = write_project(tmp_path / "clean", [article(n) for n in (0, 1, 2, 3, 9)])
    assert build(clean).ok
    assert snapshot(tmp_path / "public") == snapshot(clean.root / "public")


def test_a_site_set_aside_by_a_killed_swap_is_put_back(tmp_path):
    project = write_project(tmp_path, [article(1)])
    assert build(project).ok
    before = snapshot(tmp_path / "public")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    pid = int(dead.stdout)
    (tmp_path / "public").rename(tmp_path / f"public.old-{pid}-abc")
    (tmp_path / "themes" / "default" / "templates").mkdir(parents=True)
    (tmp_path / "themes" / "default" / "templates" / "list.html").write_text("{% if %}", "utf-8")
    result = build(project)  # fails on the theme, but first restores the old site
    assert not result.published
    assert snapshot(tmp_path / "public") == before
    assert _leftovers(tmp_path) == []


def test_invalid_settings_are_an_error_not_an_exception(tmp_path):
    project = write_project(tmp_path, [article(1)], settings="per_page = 0\n")
    result = build(project)
    assert not result.published
    (error,) = result.errors
    assert isinstance(error, ConfigError) and error.path == tmp_path / "sitegen.toml"
    bad_zone = write_project(tmp_path, [], settings='timezone = "Mars/Olympus"\n')
    assert isinstance(build(bad_zone).errors[0], ConfigError)


def test_settings_passed_in_win_over_the_file(tmp_path):
    project = write_project(tmp_path, [article(1)], settings='output_dir = "from-file"\n')
    result = build_site(project, settings=Settings(output_dir="given"), import_seeds=False)
    assert result.output == tmp_path / "given" and result.output.is_dir()
    assert not (tmp_path / "from-file").exists()


def test_the_build_writes_nothing_outside_the_output_folder(tmp_path):
    project = write_project(tmp_path, [article(1), dataclasses.replace(article(2), photos=())])
    before = {p for p in tmp_path.rglob("*")}
    contents = snapshot(project.content)
    assert build(project).ok
    after = {p for p in tmp_path.rglob("*")}
    # The output, and the build cache (content hashes, rendered fragments) beside it.
    allowed = (tmp_path / "public", tmp_path / ".sitegen-cache")
    assert all(any(p.is_relative_to(folder) for folder in allowed) for p in after - before)
    assert snapshot(project.content) == contents


def test_cli_build_exit_codes_and_one_line_errors(tmp_path):
    project = write_project(tmp_path, [article(1)])
    runner = CliRunner()
    ok = runner.invoke(cli, ["build", "--root", str(tmp_path), "--no-import"])
    assert ok.exit_code == 0, ok.output
    assert "built 1 article(s)" in ok.stderr
    (project.articles / "bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    failed = runner.invoke(cli, ["build", "--root", str(tmp_path), "--no-import"])
    assert failed.exit_code == 1
    lines = failed.stderr.strip().splitlines()
    assert lines[0].startswith(f"sitegen: {project.articles / 'bad.md'}:")
    assert "front matter is not valid YAML" in lines[0]
    assert "Traceback" not in failed.output
    assert os.path.isdir(tmp_path / "public")


def test_an_output_path_that_would_escape_is_refused(tmp_path, monkeypatch):
    project = write_project(tmp_path, [article(1)])
    assert build(project).ok
    before = snapshot(tmp_path / "public")
    from sitegen.render import pages

    def escape():
        yield pages.Output("../escaped.html", b"x", "page")

    monkeypatch.setattr(pages.SiteRenderer, "units", lambda self: [pages.Unit("x", None, escape)])
    # A content change, so the build renders again (an unchanged site is not rebuilt).
    first = sorted(project.articles.glob("*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    result = build(project)
    assert not result.published and "outside the output folder" in str(result.errors[0])
    assert not (tmp_path / "escaped.html").exists()
    assert snapshot(tmp_path / "public") == before

"""`sitegen new`: a new site builds and checks at once, and nothing existing is overwritten."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path

from click.testing import CliRunner

from sitegen.build import build_site
from sitegen.check import check_site
from sitegen.cli import cli
from sitegen.config import Project, Settings, load_settings
from sitegen.scaffold import DESCRIPTIONS, EXAMPLE_NAME, new_site, settings_text


def test_every_setting_is_described() -> None:
    assert set(DESCRIPTIONS) == {f.name for f in dataclasses.fields(Settings)}


def test_settings_file_shows_every_default() -> None:
    text = settings_text()
    uncommented = "\n".join(
        line[2:] for line in text.splitlines() if line.startswith("# ") and " = " in line
    )
    values = tomllib.loads(uncommented)
    assert Settings(**values) == Settings()
    assert set(values) == {f.name for f in dataclasses.fields(Settings)}


def test_new_site_builds_and_checks(tmp_path: Path) -> None:
    root = tmp_path / "x"
    report = new_site(root)
    assert {p.relative_to(root).as_posix() for p in report.written} >= {
        "sitegen.toml",
        f"content/seeds/{EXAMPLE_NAME}",
        "content/articles/.gitkeep",
        "themes/README.md",
    }
    assert load_settings(root / "sitegen.toml") == Settings()
    result = build_site(Project(root))
    assert result.ok and result.published, [str(e) for e in result.errors]
    page = root / "public/articles/riverside-library-reopens-after-flood-repairs/index.html"
    assert page.is_file()
    html = page.read_text(encoding="utf-8")
    assert "Maria Lindqvist" in html and "RIVERSIDE" in html
    report = check_site(root / "public", Settings())
    assert report.ok, [str(p) for p in report.problems]


def test_cli_new_then_build_in_the_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["new", str(tmp_path / "x")])
    assert result.exit_code == 0, result.output
    assert "created 5 file(s)" in result.output
    cwd = Path.cwd()
    os.chdir(tmp_path / "x")
    try:
        result = runner.invoke(cli, ["build"])
        assert result.exit_code == 0, result.output
        result = runner.invoke(cli, ["check"])
        assert result.exit_code == 0, result.output
    finally:
        os.chdir(cwd)


def test_refuses_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["new", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}: folder is not empty" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_force_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text('title = "Mine"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["new", "--force", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "sitegen.toml: exists, left as it was" in result.output
    assert (tmp_path / "sitegen.toml").read_text(encoding="utf-8") == 'title = "Mine"\n'
    assert (tmp_path / "content" / "seeds" / EXAMPLE_NAME).is_file()


def test_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["new", str(target)])
    assert result.exit_code == 1
    assert f"{target}: exists and is not a folder" in result.output


def test_file_in_the_way_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "content").write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(cli, ["new", "--force", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'content'}" in result.output and "cannot create folder" in result.output
    assert "Traceback" not in result.output
    assert (tmp_path / "content").read_text(encoding="utf-8") == "not a folder"

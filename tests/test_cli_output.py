"""Command output: --quiet/--verbose, timing in the summary, no progress bar or colour off a TTY."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen import cli as cli_module
from sitegen.cli import cli
from sitegen.scaffold import new_site


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    new_site(site)
    return site


def test_import_summary_has_time_and_verbose_lists_files(root: Path) -> None:
    result = CliRunner().invoke(cli, ["import", "--root", str(root), "--verbose"])
    assert result.exit_code == 0, result.output
    assert "wrote " in result.stderr and "example-riverside-library" not in result.stdout
    assert "imported 1, unchanged 0" in result.stderr and "s\n" in result.stderr
    assert "\x1b[" not in result.output  # no colour, no progress bar: not a terminal


def test_import_quiet_prints_nothing_on_success(root: Path) -> None:
    result = CliRunner().invoke(cli, ["import", "--root", str(root), "--quiet"])
    assert result.exit_code == 0
    assert result.output == ""


def test_import_quiet_still_prints_errors(root: Path) -> None:
    (root / "content" / "seeds" / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["import", "--root", str(root), "-q"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sitegen: ") and "empty.txt" in lines[0]


def test_build_quiet_and_verbose(root: Path) -> None:
    runner = CliRunner()
    quiet = runner.invoke(cli, ["build", "--root", str(root), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""
    verbose = runner.invoke(cli, ["build", "--root", str(root), "-v"])
    assert verbose.exit_code == 0
    assert "file(s) written to" in verbose.stderr and "built 1 article(s)" in verbose.stderr


def test_no_progress_or_colour_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli_module._progress(quiet=False, label="x") is None  # pytest's stderr is no TTY
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli_module._colour() is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.delenv("CI", raising=False)
    assert cli_module._colour() is True
    assert cli_module._progress(quiet=True, label="x") is None
    bar = cli_module._progress(quiet=False, label="x")
    assert bar is not None and list(bar([Path("a")])) == [Path("a")]
    monkeypatch.setenv("CI", "true")
    assert cli_module._progress(quiet=False, label="x") is None

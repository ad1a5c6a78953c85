"""Every page passes the Nu HTML Checker (vnu.jar) with zero errors: the site as validators see it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VNU = Path(os.environ.get("VNU_JAR", REPO / "tests/.tools/node_modules/vnu-jar/build/dist/vnu.jar"))


def nu_errors(folder: Path) -> list[str]:
    """The checker's errors for every HTML page under `folder`, one line each."""
    assert VNU.is_file(), f"{VNU} missing: run `sh tests/install_test_tools.sh`"
    assert shutil.which("java"), "java missing: run `sh tests/install_test_tools.sh`"
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU),
            "--errors-only",
            "--skip-non-html",
            "--format",
            "json",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '?')}:{m.get('lastLine', '?')}: {m['message']}" for m in messages]


def test_the_e2e_site_has_no_html_errors(public: Path) -> None:
    assert len(list(public.rglob("*.html"))) > 10
    assert nu_errors(public) == []


def test_the_seed_site_has_no_html_errors(seed_public: Path) -> None:
    assert (seed_public / "stories").is_dir()  # story pages are checked too
    assert nu_errors(seed_public) == []


def test_the_checker_can_fail(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text(
        "<!DOCTYPE html><title>x</title><p><div></p>", encoding="utf-8"
    )
    assert nu_errors(tmp_path) != []


def test_check_strict_runs_the_checker_and_names_the_page(
    seed_public: Path, tmp_path: Path, monkeypatch
) -> None:
    from sitegen.check import check_site
    from sitegen.config import Settings

    monkeypatch.setenv("VNU_JAR", str(VNU))
    site = tmp_path / "public"
    shutil.copytree(seed_public, site)
    clean = check_site(site, Settings(), strict=True)
    assert any("Nu HTML Checker ran" in note for note in clean.notes)
    assert [p for p in clean.problems if "Nu checker" in str(p)] == []
    page = site / "archive" / "index.html"
    page.write_text(page.read_text("utf-8").replace("<main", "<main><p><div></p>", 1), "utf-8")
    broken = check_site(site, Settings(), strict=True)
    assert any("Nu checker" in str(p) and "archive" in str(p) for p in broken.problems)

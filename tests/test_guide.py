"""The user guide's commands run as written, so the guide cannot go stale."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "guide.md"


def guide_commands() -> list[str]:
    """Every `sitegen …` / `python -m sitegen …` line of the guide's sh blocks (not `serve`)."""
    text = GUIDE.read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            for part in (p.strip() for p in line.split("&&")):
                if part.startswith(("sitegen ", "python -m sitegen ")) and "serve" not in part:
                    commands.append(part)
    return commands


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    args = shlex.split(command)
    args = args[3:] if args[0] == "python" else args[1:]
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "sitegen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_guide_lists_commands() -> None:
    commands = guide_commands()
    assert "sitegen new mysite" in commands and "sitegen check" in commands


def test_quick_start_and_deploy_commands_run(tmp_path: Path) -> None:
    cwd = tmp_path
    for command in guide_commands():
        if "extract" in command:
            continue
        result = run(command, cwd)
        assert result.returncode == 0, f"{command}: {result.stderr}"
        if command.startswith("sitegen new "):
            cwd = tmp_path / command.split()[-1]
    assert (cwd / "public" / "index.html").is_file()


def test_extract_example_matches_the_guide_table() -> None:
    [command] = [c for c in guide_commands() if "extract" in c]
    result = run(command, REPO)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    text = GUIDE.read_text(encoding="utf-8")
    assert record["sections"] == ["News", "Politics"] and "`sections: [News, Politics]`" in text
    assert record["date"] == "2024-06-19" and "`date: 2024-06-19`" in text
    assert record["publisher"] == "Novaya Gazeta Europe"
    assert record["authors"] == [] and record["standfirst"] is None
    assert record["photos"][0]["credit"] == "EPA-EFE / GAVRIIL GRIGOROV / SPUTNIK / KREMLIN POOL"


@pytest.mark.parametrize(
    "field",
    [
        "id",
        "title",
        "slug",
        "date",
        "date_source",
        "updated",
        "sections",
        "tags",
        "standfirst",
        "dateline",
        "authors",
        "publisher",
        "cites",
        "photos",
        "source",
        "lang",
        "story",
        "original",
        "corrections",
        "import_digest",
    ],
)
def test_every_front_matter_field_is_documented(field: str) -> None:
    assert f"| `{field}` |" in GUIDE.read_text(encoding="utf-8")


def test_model_fields_are_all_in_the_guide() -> None:
    import dataclasses

    from sitegen.model import Article

    text = GUIDE.read_text(encoding="utf-8")
    for name in (f.name for f in dataclasses.fields(Article)):
        assert f"| `{name}` |" in text or name == "body", name


def test_readme_links_the_guide() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "\n## User guide\n" in readme
    assert "(docs/guide.md)" in readme

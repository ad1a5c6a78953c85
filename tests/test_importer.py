"""`sitegen import`: writing Markdown, re-imports, edits, duplicates, slugs and bad inputs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.config import Project, Settings
from sitegen.content import is_pristine, read_article
from sitegen.importer import import_paths
from sitegen.slugs import make_slug
from tests.conftest import BAD, SEEDS

SEED_003 = "003_412e391d8da5d31e.txt"


def run_import(root: Path, *paths: Path, force: bool = False):
    project = Project(root)
    return import_paths(project, Settings(), list(paths) or [project.seeds], force=force)


def articles(root: Path) -> list[Path]:
    return sorted((root / "content" / "articles").glob("*.md"))


def test_import_writes_one_markdown_file_per_seed_and_is_idempotent(site: Path) -> None:
    report = run_import(site)
    assert len(report.written) == 2 and not report.refused
    before = {p: p.read_bytes() for p in articles(site)}
    again = run_import(site)
    assert again.written == [] and len(again.unchanged) == 2
    assert {p: p.read_bytes() for p in articles(site)} == before


def test_markdown_round_trips_to_the_same_article(site: Path) -> None:
    run_import(site)
    for path in articles(site):
        article = read_article(path)
        assert article.id.startswith("tag:")
        assert article.source.file.startswith("seeds/")
        assert is_pristine(path.read_text(encoding="utf-8"))


def test_changed_raw_file_updates_markdown_and_keeps_id_and_slug(site: Path) -> None:
    run_import(site)
    seed = site / "content" / "seeds" / SEED_003
    [path] = [p for p in articles(site) if read_article(p).source.file.endswith(SEED_003)]
    old = read_article(path)
    seed.write_text(seed.read_text(encoding="utf-8").replace("early hours", "small hours"))
    report = run_import(site)
    assert report.written == [path]
    new = read_article(path)
    assert (new.id, new.slug) == (old.id, old.slug)
    assert "small hours" in new.body


def test_edited_markdown_is_never_overwritten_without_force(site: Path) -> None:
    run_import(site)
    seed = site / "content" / "seeds" / SEED_003
    [path] = [p for p in articles(site) if read_article(p).source.file.endswith(SEED_003)]
    edited = path.read_text(encoding="utf-8").replace("publisher: Novaya", "publisher: My Novaya")
    path.write_text(edited, encoding="utf-8")
    seed.write_text(seed.read_text(encoding="utf-8") + "\nOne more line of text for the story.\n")
    report = run_import(site)
    assert report.kept_edited == [path]
    assert any("edited since import" in m and path.name in m for m in report.messages)
    assert path.read_text(encoding="utf-8") == edited
    forced = run_import(site, force=True)
    assert path in forced.written
    assert "My Novaya" not in path.read_text(encoding="utf-8")


def test_the_same_article_pasted_twice_is_imported_once(site: Path) -> None:
    shutil.copy(BAD / "duplicate_of_seed.txt", site / "content" / "seeds" / "duplicate_of_seed.txt")
    report = run_import(site)
    assert len(report.written) == 2 and len(report.duplicates) == 1
    [message] = [m for m in report.messages if "same article" in m]
    assert "duplicate_of_seed.txt" in message and SEED_003 in message
    assert not report.refused


def test_duplicate_alone_gives_the_same_fields_as_the_seed(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    run_import(one, SEEDS / SEED_003)
    run_import(two, BAD / "duplicate_of_seed.txt")
    a, b = read_article(articles(one)[0]), read_article(articles(two)[0])
    assert (a.title, a.body, a.photos, a.cites, a.publisher, a.date, a.id) == (
        b.title, b.body, b.photos, b.cites, b.publisher, b.date, b.id,
    )  # fmt: skip


EXPECTED_REFUSALS = {
    "empty.txt": "empty file (0 bytes)",
    "whitespace.txt": "no text",
    "binary.txt": "not a text file (binary data)",
    "title_only.txt": "no body text (only a title)",
    "huge_line.txt": "no line breaks",
}


def test_bad_inputs_are_refused_or_imported_and_the_rest_still_imports(site: Path) -> None:
    bad_files = sorted(BAD.glob("*.txt"))
    report = run_import(site, *bad_files, site / "content" / "seeds")
    refused = {Path(str(e.path)).name: e.message for e in report.refused}
    assert set(refused) == set(EXPECTED_REFUSALS)
    for name, reason in EXPECTED_REFUSALS.items():
        assert reason in refused[name]
    # every other bad file and both seeds are imported; the duplicate is skipped
    assert len(report.duplicates) == 1
    written = {read_article(p).source.file for p in articles(site)}
    assert len(written) == len(bad_files) - len(EXPECTED_REFUSALS) - 1 + 2
    for path in articles(site):
        assert path.parent == site / "content" / "articles"
        assert len(path.stem) <= 80 and path.stem.replace("-", "").isalnum() and path.stem.isascii()
        text = path.read_text(encoding="utf-8")
        assert not any(ch in text for ch in "\x00\x1b\u202e")


def test_decoded_bad_inputs_keep_their_text(site: Path) -> None:
    names = ["cp1251.txt", "latin1.txt", "utf16.txt", "emoji_title.txt", "rtl_mixed.txt"]
    run_import(site, *[BAD / n for n in names])
    by_file = {read_article(p).source.file: read_article(p) for p in articles(site)}
    assert by_file["cp1251.txt"].title.startswith("В Каменске после ремонта")
    assert by_file["cp1251.txt"].source.encoding == "cp1251"
    assert by_file["cp1251.txt"].slug.startswith("v-kamenske-posle-remonta")
    assert (
        "crème brûlée" in by_file["latin1.txt"].body and "Jürgen Weiß" in by_file["latin1.txt"].body
    )
    assert (
        by_file["utf16.txt"].title
        == "Harbour festival returns with tall ships and a sea shanty contest"
    )
    assert "👩\u200d🍳" in by_file["emoji_title.txt"].title
    assert (
        by_file["emoji_title.txt"].slug
        == "village-bake-off-crowns-champion-for-a-third-year-running"
    )
    assert "ברוכים הבאים" in by_file["rtl_mixed.txt"].body


def test_traversal_titles_stay_in_their_folder(site: Path) -> None:
    run_import(site, BAD / "traversal_title.txt", BAD / "traversal_title_windows.txt")
    slugs = {read_article(p).title: p.stem for p in articles(site)}
    assert slugs["../../../etc/passwd"] == "etc-passwd"
    assert (
        slugs["..\\..\\windows\\system32\\drivers\\etc\\hosts"]
        == "windows-system32-drivers-etc-hosts"
    )
    assert sorted(p.name for p in (site / "content").iterdir()) == ["articles", "seeds"]


def test_slugs_are_bounded_unique_and_never_empty() -> None:
    assert make_slug("🎉🏆", prefix="article", digest="abcdef123456789") == "article-abcdef123456"
    assert len(make_slug("word " * 100)) <= 80


def test_cli_import_exit_codes_and_one_line_errors(site: Path) -> None:
    command = [sys.executable, "-m", "sitegen", "import", "--root", str(site)]
    ok = subprocess.run(command, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([*command, str(BAD / "empty.txt")], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "empty.txt: empty file (0 bytes)" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_cli_extract_prints_gold_keys(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "extract", "--json", str(SEEDS / SEED_003)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    import json

    record = json.loads(result.stdout)
    assert set(record) == {
        "file", "title", "sections", "standfirst", "dateline_place", "date", "authors",
        "publisher", "photos", "cited_sources", "paragraphs", "body",
    }  # fmt: skip
    assert list((tmp_path).iterdir()) == []


@pytest.mark.parametrize("name", ["script_injection.txt"])
def test_markup_in_raw_text_stays_text_in_markdown(site: Path, name: str) -> None:
    run_import(site, BAD / name)
    [path] = articles(site)
    article = read_article(path)
    assert article.title.startswith("<script>alert(1)</script>Council approves")
    assert "title: hacked" not in path.read_text(encoding="utf-8").split("---")[1]

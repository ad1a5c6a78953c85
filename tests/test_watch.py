"""Watching: ignore rules, coalescing, event translation, a real observer against editor saves."""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator
from pathlib import Path

import pytest
from watchdog.events import (
    DirCreatedEvent,
    DirModifiedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

from sitegen.config import Project
from sitegen.watch import ChangeBatch, SourceFilter, Watcher, _EventTranslator, is_editor_debris

# --- ignore rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        ".a.md.swp",
        ".a.md.swx",
        ".a.md.swo",
        "a.md~",
        ".#a.md",
        "#a.md#",
        "4913",
        "a.md.tmp",
        "a.md___jb_tmp___",
        "a.md___jb_old___",
        ".goutputstream-XYZ12",
        ".DS_Store",
        "~$report.docx",
        "a.md.bak",
    ],
)
def test_editor_debris_is_ignored(name: str) -> None:
    assert is_editor_debris(name)


@pytest.mark.parametrize(
    "name", ["a.md", "seed.txt", "base.html", "style.css", "swp.md", "4913.md"]
)
def test_real_files_are_not_debris(name: str) -> None:
    assert not is_editor_debris(name)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "site"
    (root / "content" / "articles").mkdir(parents=True)
    (root / "content" / "seeds").mkdir()
    (root / "themes" / "default").mkdir(parents=True)
    (root / "public").mkdir()
    (root / "sitegen.toml").write_text('title = "t"\n', encoding="utf-8")
    return Project(root)


@pytest.mark.parametrize(
    ("relative", "accepted"),
    [
        ("content/articles/a.md", True),
        ("content/seeds/raw.txt", True),
        ("content/articles/2024/deep.md", True),
        ("content", True),
        ("themes/default/article.html", True),
        ("sitegen.toml", True),
        ("public/index.html", False),
        ("public", False),
        ("public.tmp-1234/index.html", False),
        ("public.tmp-1234", False),
        (".sitegen-cache/hashes.json", False),
        ("README.md", False),
        ("sitegen.toml.tmp", False),
        ("content/articles/.a.md.swp", False),
        ("content/articles/4913", False),
        ("content/.git/HEAD", False),
        ("themes/default/__pycache__/x.pyc", False),
    ],
)
def test_source_filter(project: Project, relative: str, accepted: bool) -> None:
    source = SourceFilter(project, lambda: project.root / "public")
    assert source.accepts(project.root / relative) is accepted


def test_source_filter_with_output_inside_content(project: Project) -> None:
    output = project.content / "out"
    source = SourceFilter(project, lambda: output)
    assert not source.accepts(output / "index.html")
    assert not source.accepts(project.content / "out.tmp-77" / "index.html")
    assert not source.accepts(project.content / "out.tmp-77")
    assert source.accepts(project.content / "outline.md")
    nested = SourceFilter(project, lambda: project.articles / "out")
    assert nested.accepts(project.articles)
    assert not nested.accepts(project.articles / "out.old-9" / "a.html")


# --- coalescing --------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_batch_waits_for_a_quiet_period_and_coalesces() -> None:
    clock = FakeClock()
    batch = ChangeBatch(quiet=0.25, max_delay=2.0, clock=clock)
    assert batch.wait_time() is None
    assert batch.take() is None
    batch.add([Path("a.md")])
    clock.now += 0.2
    batch.add([Path("b.md"), Path("a.md")])
    clock.now += 0.2  # 0.2 s after the last event: not quiet long enough
    assert batch.take() is None
    assert batch.wait_time() == pytest.approx(0.05)
    clock.now += 0.06
    assert batch.take() == {Path("a.md"), Path("b.md")}
    assert batch.take() is None
    assert batch.wait_time() is None


def test_batch_is_released_after_max_delay_despite_a_trickle() -> None:
    clock = FakeClock()
    batch = ChangeBatch(quiet=0.25, max_delay=1.0, clock=clock)
    for step in range(10):
        batch.add([Path(f"{step}.md")])
        if clock.now - 100.0 >= 1.0:
            break
        assert batch.take() is None
        clock.now += 0.2
    assert batch.take() == {Path(f"{n}.md") for n in range(6)}


def test_empty_add_does_not_start_a_batch() -> None:
    batch = ChangeBatch(clock=FakeClock())
    batch.add([])
    assert batch.wait_time() is None


# --- event translation -------------------------------------------------------------------------


def _translator(project: Project, *, closed_events: bool) -> _EventTranslator:
    source = SourceFilter(project, lambda: project.root / "public")
    return _EventTranslator(source.accepts, lambda paths: None, closed_events=closed_events)


def test_translation_with_closed_write_events(project: Project) -> None:
    article = str(project.articles / "a.md")
    translate = _translator(project, closed_events=True).paths_of
    assert translate(FileClosedEvent(article)) == [Path(article)]
    assert translate(FileModifiedEvent(article)) == []  # a write in progress
    assert translate(FileClosedNoWriteEvent(article)) == []  # somebody (the build) read it
    assert translate(FileOpenedEvent(article)) == []
    assert translate(FileAttribEvent(article)) == []
    assert translate(DirModifiedEvent(str(project.articles))) == []
    assert translate(FileCreatedEvent(article)) == [Path(article)]
    assert translate(FileDeletedEvent(article)) == [Path(article)]


def test_translation_without_closed_write_events(project: Project) -> None:
    article = str(project.articles / "a.md")
    translate = _translator(project, closed_events=False).paths_of
    assert translate(FileModifiedEvent(article)) == [Path(article)]


def test_translation_of_renames(project: Project) -> None:
    translate = _translator(project, closed_events=True).paths_of
    temp = str(project.articles / ".a.md.XYZ123")
    article = str(project.articles / "a.md")
    other = str(project.articles / "b.md")
    # An atomic save renames a temporary file over the article: only the article changed.
    assert translate(FileMovedEvent(temp, article)) == [Path(article)]
    # A real rename changes both names.
    assert translate(FileMovedEvent(article, other)) == [Path(article), Path(other)]
    # Moving an article out of the site is a deletion.
    assert translate(FileMovedEvent(article, str(project.root / "trash.md"))) == [Path(article)]
    new_folder = str(project.articles / "2024")
    assert translate(DirCreatedEvent(new_folder)) == [Path(new_folder)]


# --- a real observer ---------------------------------------------------------------------------

QUIET = 0.15
WAIT = 10.0  # generous upper bound for an event to arrive on a loaded machine


@pytest.fixture
def batches(project: Project) -> Iterator[queue.Queue[frozenset[Path]]]:
    received: queue.Queue[frozenset[Path]] = queue.Queue()
    watcher = Watcher(project, received.put, output=lambda: project.root / "public", quiet=QUIET)
    with watcher:
        yield received


def _next(batches: queue.Queue[frozenset[Path]]) -> frozenset[Path]:
    return batches.get(timeout=WAIT)


def _assert_quiet(batches: queue.Queue[frozenset[Path]]) -> None:
    with pytest.raises(queue.Empty):
        batches.get(timeout=QUIET * 4)


def test_atomic_save_reports_the_file(project: Project, batches: queue.Queue) -> None:
    article = project.articles / "a.md"
    temp = project.articles / ".a.md.sitegen-editor-123"
    temp.write_text("new text\n", encoding="utf-8")
    os.replace(temp, article)
    assert _next(batches) == {article}


def test_vim_style_save_reports_only_the_file(project: Project, batches: queue.Queue) -> None:
    article = project.articles / "a.md"
    article.write_text("one\n", encoding="utf-8")
    assert _next(batches) == {article}
    # vim: probe file 4913, swap file, backup by rename, write anew, drop the backup.
    probe = project.articles / "4913"
    probe.write_text("", encoding="utf-8")
    probe.unlink()
    swap = project.articles / ".a.md.swp"
    swap.write_bytes(b"\0" * 64)
    backup = project.articles / "a.md~"
    os.replace(article, backup)
    article.write_text("two\n", encoding="utf-8")
    backup.unlink()
    swap.unlink()
    assert _next(batches) == {article}


def test_burst_is_coalesced_into_one_batch(project: Project, batches: queue.Queue) -> None:
    first, second = project.articles / "a.md", project.articles / "b.md"
    for n in range(30):
        (first if n % 2 else second).write_text(f"version {n}\n", encoding="utf-8")
    assert _next(batches) == {first, second}
    _assert_quiet(batches)


def test_rename_and_delete_are_reported(project: Project, batches: queue.Queue) -> None:
    old, new = project.articles / "a.md", project.articles / "c.md"
    old.write_text("x\n", encoding="utf-8")
    assert _next(batches) == {old}
    old.rename(new)
    assert _next(batches) == {old, new}
    new.unlink()
    assert _next(batches) == {new}


# watchdog may add the watch for a just-created folder twice (its own race) and warns about it.
@pytest.mark.filterwarnings("ignore:Callback with id .* already exists:RuntimeWarning")
def test_new_folders_are_watched(project: Project, batches: queue.Queue) -> None:
    folder = project.articles / "2024" / "may"
    folder.mkdir(parents=True)
    assert _next(batches) >= {project.articles / "2024"}
    deep = folder / "deep.md"
    deep.write_text("deep\n", encoding="utf-8")
    assert _next(batches) == {deep}


def test_own_output_and_cache_are_ignored(project: Project, batches: queue.Queue) -> None:
    (project.root / "public" / "index.html").write_text("<p>built</p>", encoding="utf-8")
    scratch = project.root / "public.tmp-42"
    (scratch / "posts").mkdir(parents=True)
    (scratch / "posts" / "index.html").write_text("<p>new</p>", encoding="utf-8")
    (project.root / "public").rename(project.root / "public.old-42")
    scratch.rename(project.root / "public")
    project.cache.mkdir()
    (project.cache / "hashes.json").write_text("{}", encoding="utf-8")
    (project.root / "README.md").write_text("readme", encoding="utf-8")
    # Events of one inotify instance arrive in order: this one comes after all of the above.
    project.settings_file.write_text('title = "changed"\n', encoding="utf-8")
    assert _next(batches) == {project.settings_file}
    _assert_quiet(batches)


def test_settings_saved_atomically(project: Project, batches: queue.Queue) -> None:
    temp = project.root / "sitegen.toml.tmp"
    temp.write_text('title = "x"\n', encoding="utf-8")
    os.replace(temp, project.settings_file)
    assert _next(batches) == {project.settings_file}


def test_theme_edits_are_reported(project: Project, batches: queue.Queue) -> None:
    template = project.themes / "default" / "article.html"
    template.write_text("{{ title }}", encoding="utf-8")
    assert _next(batches) == {template}


def test_a_callback_that_writes_output_does_not_loop(project: Project) -> None:
    received: queue.Queue[frozenset[Path]] = queue.Queue()

    def rebuild(paths: frozenset[Path]) -> None:
        received.put(paths)
        # What a build does: read the sources, write scratch output and cache, swap it in.
        for path in paths:
            if path.is_file():
                path.read_bytes()
        scratch = project.root / "public.tmp-1"
        scratch.mkdir(exist_ok=True)
        (scratch / "index.html").write_text("<p>x</p>", encoding="utf-8")
        project.cache.mkdir(exist_ok=True)
        (project.cache / "state").write_text(str(len(paths)), encoding="utf-8")

    with Watcher(project, rebuild, output=lambda: project.root / "public", quiet=QUIET):
        article = project.articles / "a.md"
        article.write_text("x\n", encoding="utf-8")
        assert received.get(timeout=WAIT) == {article}
        _assert_quiet(received)


def test_content_folder_created_later_is_watched(tmp_path: Path) -> None:
    project = Project(tmp_path)
    received: queue.Queue[frozenset[Path]] = queue.Queue()
    with Watcher(project, received.put, output=lambda: tmp_path / "public", quiet=QUIET):
        project.content.mkdir()
        assert _next(received) == {project.content}
        article = project.content / "a.md"
        article.write_text("x\n", encoding="utf-8")
        assert _next(received) == {article}


def test_a_failing_callback_does_not_stop_watching(project: Project) -> None:
    received: queue.Queue[frozenset[Path]] = queue.Queue()

    def rebuild(paths: frozenset[Path]) -> None:
        received.put(paths)
        raise RuntimeError("build bug")

    with Watcher(project, rebuild, output=lambda: project.root / "public", quiet=QUIET):
        first, second = project.articles / "a.md", project.articles / "b.md"
        first.write_text("x\n", encoding="utf-8")
        assert _next(received) == {first}
        second.write_text("y\n", encoding="utf-8")
        assert _next(received) == {second}

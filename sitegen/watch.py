"""Watch a site's sources (content, themes, settings) and report batches of changed paths.

Editors do not save a file in one step: they write temporary and swap files, rename over the
original, and touch backups. The watcher ignores the debris, coalesces a burst of events into one
set of changed paths after a quiet period, and never looks at the build's own output or cache, so
a rebuild cannot trigger another rebuild.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from sitegen.config import Project

QUIET_PERIOD = 0.1  # an editor's save (temp file, rename, backups) is one burst within it
MAX_DELAY = 2.0

# Files editors and operating systems leave beside the one being edited.
_IGNORED_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db", "desktop.ini"})
_IGNORED_SUFFIXES = (
    "~",
    ".tmp",
    ".temp",
    ".bak",
    ".swpx",
    ".crswap",
    ".kate-swp",
    "___jb_tmp___",
    "___jb_old___",
)
_VIM_SWAP = re.compile(r"\.sw[a-px]$")
_IGNORED_DIRS = frozenset(
    {".git", ".hg", ".svn", "__pycache__", ".sitegen-cache", ".idea", ".vscode", "node_modules"}
)


def is_editor_debris(name: str) -> bool:
    """True for swap, backup, lock and temporary files that editors write beside a file."""
    return (
        name in _IGNORED_NAMES
        or name.startswith((".", "~$"))
        or (name.startswith("#") and name.endswith("#"))
        or name.endswith(_IGNORED_SUFFIXES)
        or _VIM_SWAP.search(name) is not None
    )


def _is_build_scratch(name: str, output_name: str) -> bool:
    """The build's temporary and retired output folders (`public.tmp-*`, `public.old-*`)."""
    return name != output_name and name.startswith(output_name + ".")


class SourceFilter:
    """Decides whether a changed path is a site source the build cares about."""

    def __init__(self, project: Project, output: Callable[[], Path]):
        self.project = project
        self.output = output

    def roots(self) -> tuple[Path, ...]:
        """The folders watched recursively."""
        return (self.project.content, self.project.themes)

    def accepts(self, path: Path) -> bool:
        if path == self.project.settings_file:
            return True
        output = self.output()
        if path.is_relative_to(output) or path.is_relative_to(self.project.cache):
            return False
        watched = next((r for r in self.roots() if path.is_relative_to(r)), None)
        if watched is None:
            return False
        if path == watched:
            return True
        relative = path.relative_to(watched).parts
        if any(part in _IGNORED_DIRS for part in relative):
            return False
        # An output folder configured inside a watched folder has scratch siblings.
        if path != output.parent and path.is_relative_to(output.parent):
            top = path.relative_to(output.parent).parts[0]
            if _is_build_scratch(top, output.name):
                return False
        return not is_editor_debris(path.name)


class ChangeBatch:
    """Collects changed paths and releases them once events have been quiet for a while.

    A batch is released `quiet` seconds after the last event, or `max_delay` seconds after the
    first one, whichever comes first, so a steady trickle of events cannot postpone a rebuild
    forever. `clock` is injectable for tests.
    """

    def __init__(
        self,
        quiet: float = QUIET_PERIOD,
        max_delay: float = MAX_DELAY,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.quiet = quiet
        self.max_delay = max_delay
        self.clock = clock
        self._paths: set[Path] = set()
        self._first = 0.0
        self._last = 0.0

    def add(self, paths: Iterable[Path]) -> None:
        new = set(paths)
        if not new:
            return
        now = self.clock()
        if not self._paths:
            self._first = now
        self._last = now
        self._paths |= new

    def wait_time(self) -> float | None:
        """Seconds until the batch is due (0 when due), or None when nothing is pending."""
        if not self._paths:
            return None
        due = min(self._last + self.quiet, self._first + self.max_delay)
        return max(0.0, due - self.clock())

    def take(self) -> frozenset[Path] | None:
        """The pending paths if the batch is due (and forget them), else None."""
        if self.wait_time() != 0.0:
            return None
        paths = frozenset(self._paths)
        self._paths.clear()
        return paths


class _EventTranslator(FileSystemEventHandler):
    """Turns watchdog events into changed source paths."""

    def __init__(
        self,
        accept: Callable[[Path], bool],
        report: Callable[[list[Path]], None],
        *,
        closed_events: bool,
        on_folder: Callable[[Path], None] = lambda path: None,
    ):
        self.accept = accept
        self.report = report
        self.closed_events = closed_events
        self.on_folder = on_folder

    def paths_of(self, event: FileSystemEvent) -> list[Path]:
        """The source paths an event changes; [] for events that change no content."""
        # Where the platform reports 'closed after writing', a 'modified' event only says that
        # a write is in progress; the closed event follows when the editor is done.
        if isinstance(event, FileModifiedEvent) and self.closed_events:
            return []
        if not isinstance(
            event,
            (
                FileCreatedEvent,
                FileDeletedEvent,
                FileModifiedEvent,
                FileMovedEvent,
                FileClosedEvent,
                DirCreatedEvent,
                DirDeletedEvent,
                DirMovedEvent,
            ),
        ):
            return []  # opened, closed without writing, attributes, folder mtime
        candidates = [event.src_path]
        if isinstance(event, (FileMovedEvent, DirMovedEvent)):
            candidates.append(event.dest_path)
        paths = [Path(os.fsdecode(p)) for p in candidates if p]
        return [p for p in paths if self.accept(p)]

    def on_any_event(self, event: FileSystemEvent) -> None:
        paths = self.paths_of(event)
        if isinstance(event, (DirCreatedEvent, DirMovedEvent)):
            self.on_folder(Path(os.fsdecode(event.dest_path or event.src_path)))
        if paths:
            self.report(paths)


class Watcher:
    """Watches a project's sources and calls `on_change(paths)` once per quiet batch.

    `on_change` runs on the watcher's own thread, one call at a time, so a rebuild never runs
    concurrently with another; events arriving during a rebuild form the next batch.
    """

    def __init__(
        self,
        project: Project,
        on_change: Callable[[frozenset[Path]], object],
        *,
        output: Callable[[], Path],
        quiet: float = QUIET_PERIOD,
        max_delay: float = MAX_DELAY,
    ):
        self.project = project
        self.on_change = on_change
        self.filter = SourceFilter(project, output)
        self._batch = ChangeBatch(quiet, max_delay)
        self._wakeup = threading.Condition()
        self._stopping = False
        self._observer: BaseObserver = Observer()
        self._closed_events = _reports_closed_writes(self._observer)
        self._handler = _EventTranslator(
            self.filter.accepts,
            self._add,
            closed_events=self._closed_events,
            on_folder=self._folder_appeared,
        )
        self._watches: dict[Path, ObservedWatch] = {}
        self._worker = threading.Thread(target=self._run, name="sitegen-watch", daemon=True)

    def start(self) -> None:
        self._schedule(self.project.root, recursive=False)
        for root in self.filter.roots():
            if root.is_dir():
                self._schedule(root, recursive=True)
        self._observer.start()
        self._worker.start()

    def stop(self) -> None:
        with self._wakeup:
            self._stopping = True
            self._wakeup.notify_all()
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join(timeout=5)
        if self._worker.is_alive() and self._worker is not threading.current_thread():
            self._worker.join(timeout=30)

    def __enter__(self) -> Watcher:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- internals ---------------------------------------------------------------------------

    def _event_filter(self) -> list[type[FileSystemEvent]] | None:
        if not self._closed_events:
            return None
        # Subscribing only to these keeps the build's own reads (open, close-without-write)
        # from waking the watcher at all.
        return [
            FileCreatedEvent,
            FileDeletedEvent,
            FileMovedEvent,
            FileClosedEvent,
            DirCreatedEvent,
            DirDeletedEvent,
            DirMovedEvent,
        ]

    def _schedule(self, folder: Path, *, recursive: bool) -> None:
        old = self._watches.pop(folder, None)
        if old is not None:
            # The watch may have died with the folder it watched.
            with contextlib.suppress(KeyError, OSError):
                self._observer.unschedule(old)
        # The folder may vanish again before it can be watched.
        with contextlib.suppress(OSError):
            self._watches[folder] = self._observer.schedule(
                self._handler, str(folder), recursive=recursive, event_filter=self._event_filter()
            )

    def _folder_appeared(self, folder: Path) -> None:
        # content/ or themes/ created (or moved in) after the watcher started: watch it too.
        if folder in self.filter.roots() and folder.is_dir():
            self._schedule(folder, recursive=True)

    def _add(self, paths: list[Path]) -> None:
        with self._wakeup:
            self._batch.add(paths)
            self._wakeup.notify_all()

    def _run(self) -> None:
        while True:
            with self._wakeup:
                while True:
                    if self._stopping:
                        return
                    ready = self._batch.take()
                    if ready is not None:
                        break
                    self._wakeup.wait(self._batch.wait_time())
            try:
                self.on_change(ready)
            except Exception:  # a failing callback must not stop the watching
                traceback.print_exc()


def _reports_closed_writes(observer: BaseObserver) -> bool:
    """True when the observer emits FileClosedEvent after a write (inotify on Linux)."""
    try:
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:  # pragma: no cover - not Linux
        return False
    return isinstance(observer, InotifyObserver)

"""`sitegen serve`: build, serve the output with live reload, watch the sources, rebuild.

The preview keeps the last good site up. Each rebuild is written beside the served site (and
swapped in atomically by the build) only when it brought no error the served site did not
already have, so a half-edited article shows the error overlay over its last good page instead of
vanishing from the site.
"""

from __future__ import annotations

import dataclasses
import errno
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from sitegen.config import Project, Settings, load_settings
from sitegen.errors import SitegenError
from sitegen.model import Article
from sitegen.serve.server import PreviewServer, is_loopback
from sitegen.watch import Watcher

Echo = Callable[[str], None]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _stdout(line: str) -> None:
    print(line, flush=True)


@dataclass(frozen=True, slots=True)
class PreviewBuild:
    """A rebuild as the server sees it, with the URL path the site is mounted at."""

    output: Path
    errors: tuple[BaseException, ...] = ()
    published: bool = False
    base_path: str = "/"
    summary: str = ""


class LastGoodBuilder:
    """Builds the site and publishes it unless the rebuild added errors the served site lacks."""

    def __init__(self, project: Project, build: Callable[..., object] | None = None):
        self.project = project
        self._build = build
        self._served_errors: frozenset[str] | None = None  # None: nothing published yet
        self._articles: dict[str, Article] = {}  # kept between rebuilds (see load_articles)

    def _acceptable(self, errors: tuple[BaseException, ...]) -> bool:
        served = self._served_errors
        return served is None or frozenset(str(error) for error in errors) <= served

    def __call__(self, changed: frozenset[Path]) -> PreviewBuild:
        project = self.project
        try:
            settings = load_settings(project.settings_file)
        except SitegenError as error:
            return PreviewBuild(project.output(Settings()), (error,), summary="settings invalid")
        output = project.output(settings)
        base_path = urlsplit(settings.base_url).path or "/"
        build = self._build
        if build is None:
            from sitegen.build import build_site as build
        # The watcher's paths are re-hashed even when their stamp looks unchanged.
        result = build(
            project,
            settings=settings,
            changed=set(changed),
            accept=self._acceptable,
            kept=self._articles,
        )
        errors: tuple[BaseException, ...] = tuple(getattr(result, "errors", ()))
        summary = str(getattr(result, "summary", lambda: "")())
        published = bool(getattr(result, "published", False))
        if published:
            self._served_errors = frozenset(str(error) for error in errors)
        return PreviewBuild(output, errors, published, base_path, summary)


def _relative(path: Path | None, root: Path) -> Path | None:
    if path is not None and path.is_absolute() and path.is_relative_to(root):
        return path.relative_to(root)
    return path


def _for_people(errors: tuple[BaseException, ...], root: Path) -> tuple[BaseException, ...]:
    """Errors with paths relative to the site folder, as the overlay and terminal show them."""
    return tuple(
        SitegenError(error.message, _relative(error.path, root), error.line)
        if isinstance(error, SitegenError)
        else error
        for error in errors
    )


class _Stop(BaseException):
    """SIGTERM; a BaseException so that socketserver's per-request `except Exception` lets it by."""


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise _Stop

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def open_server(
    project: Project, host: str, port: int, rebuild: Callable[[frozenset[Path]], PreviewBuild]
) -> PreviewServer:
    """Bind the preview server, or raise SitegenError with one clear line."""
    try:
        settings = load_settings(project.settings_file)
    except SitegenError:
        settings = Settings()
    try:
        return PreviewServer(
            (host, port),
            project.output(settings),
            rebuild,
            base_path=urlsplit(settings.base_url).path or "/",
        )
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise SitegenError(
                f"port {port} on {host} is already in use (choose another with --port)"
            ) from None
        reason = error.strerror or str(error)
        raise SitegenError(f"cannot listen on {host}:{port} ({reason})") from None


def run_preview(
    project: Project,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    watch: bool = True,
    build: Callable[..., object] | None = None,
    echo: Echo = _stdout,
    warn: Echo = _stderr,
) -> int:
    """Serve the site until interrupted; returns the exit code. Raises SitegenError to refuse."""
    builder = LastGoodBuilder(project, build)
    server: PreviewServer | None = None

    def rebuild(changed: frozenset[Path]) -> PreviewBuild:
        outcome = builder(changed)
        if server is not None and outcome.published:
            server.base_path = outcome.base_path
        errors = _for_people(outcome.errors, project.root)
        for error in errors:
            warn(f"sitegen: {error}")
        if outcome.published:
            echo(
                f"rebuilt after {len(changed)} change(s): {outcome.summary}"
                if changed
                else outcome.summary
            )
        elif changed:
            warn(f"rebuild after {len(changed)} change(s) failed; still serving the last good site")
        else:
            warn(f"build failed; serving what {outcome.output.name}/ held before, if anything")
        return dataclasses.replace(outcome, errors=errors)

    server = open_server(project, host, port, rebuild)
    watcher: Watcher | None = None
    try:
        with _stop_on_sigterm():
            if not is_loopback(host):
                warn(
                    f"sitegen: warning: serving on {host}, reachable from other machines; "
                    "use --bind 127.0.0.1 to keep the preview private"
                )
            if watch:  # before the first build, so edits made during it are not missed
                watcher = Watcher(project, server.rebuild, output=lambda: server.output)
                watcher.start()
            server.rebuild()
            echo(f"Serving {project.root} at {server.url}  (Ctrl-C to stop)")
            server.serve_forever(poll_interval=0.2)
    except (KeyboardInterrupt, _Stop):
        echo("Stopped.")
    finally:
        if watcher is not None:
            watcher.stop()
        server.close()
    return 0

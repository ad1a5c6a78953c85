"""The preview HTTP server: serves the output folder, injects live reload, runs rebuilds.

Each response comes from one open file, so it can never mix two builds even when the build swaps
the output folder while the response is being sent. A request that finds nothing while a rebuild
is in progress waits for the rebuild and looks again (the folder may have been between swaps).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import stat
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import quote

from sitegen.errors import SitegenError
from sitegen.serve.livereload import (
    EVENTS_PATH,
    LIVERELOAD_JS,
    PREFIX,
    SCRIPT_PATH,
    STATUS_PATH,
    LiveState,
    Snapshot,
    inject_script,
    script_tag,
)
from sitegen.serve.paths import (
    HTML,
    UnsafePath,
    contained,
    content_type,
    is_html,
    locate,
    request_path,
)

KEEPALIVE_SECONDS = 15.0
BUILD_WAIT_SECONDS = 60.0
_CHUNK = 256 * 1024
_DISCONNECTED = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


class Outcome(Protocol):
    """What a rebuild reports: its errors, whether a new site was published, and where."""

    @property
    def errors(self) -> tuple[BaseException, ...]: ...

    @property
    def published(self) -> bool: ...

    @property
    def output(self) -> Path: ...


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """A plain Outcome."""

    output: Path
    errors: tuple[BaseException, ...] = ()
    published: bool = True


Rebuild = Callable[[frozenset[Path]], Outcome]


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class PreviewServer(ThreadingHTTPServer):
    """Serves `output` at `address` and runs `rebuild` when asked, one rebuild at a time."""

    daemon_threads = True
    block_on_close = False

    def __init__(
        self,
        address: tuple[str, int],
        output: Path,
        rebuild: Rebuild,
        *,
        base_path: str = "/",
        state: LiveState | None = None,
    ):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.output = output
        self.base_path = base_path if base_path.endswith("/") else base_path + "/"
        self.state = state or LiveState()
        self._rebuild = rebuild
        self._rebuilding = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        if ":" in str(host):
            host = f"[{host}]"
        return f"http://{host}:{port}{self.base_path}"

    def rebuild(self, changed: frozenset[Path] = frozenset()) -> tuple[Outcome, Snapshot]:
        """Run the rebuild; pages are told to reload when it published a new site."""
        with self._rebuilding:
            self.state.begin_build()
            try:
                outcome: Outcome = self._rebuild(changed)
            except Exception as error:  # a bug in the build must not take the preview down
                traceback.print_exc()
                failure = SitegenError(f"internal error during the build: {error!r}")
                outcome = Rebuilt(self.output, (failure,), published=False)
            if outcome.published:
                self.output = outcome.output
            snapshot = self.state.finish_build(published=outcome.published, errors=outcome.errors)
            return outcome, snapshot

    def close(self) -> None:
        """Stop serving: wake every waiting request and event stream, close the socket."""
        self.state.close()
        self.server_close()


@dataclass(slots=True)
class _OpenFile:
    path: Path
    file: IO[bytes]
    size: int


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "sitegen-preview"
    sys_version = ""

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def log_message(self, format: str, *args: object) -> None:
        pass  # a preview server that prints every request drowns the build messages

    # --- dispatch ----------------------------------------------------------------------------

    def _respond(self, *, head: bool) -> None:
        try:
            if self.path.startswith(PREFIX):
                self._internal(head=head)
            else:
                self._site(head=head)
        except _DISCONNECTED:
            self.close_connection = True

    def _internal(self, *, head: bool) -> None:
        route = self.path.split("?", 1)[0]
        state = self.server.state
        if route == SCRIPT_PATH:
            body = LIVERELOAD_JS.encode("utf-8")
            self._send(200, "text/javascript; charset=utf-8", body, head=head)
        elif route == STATUS_PATH:
            body = state.snapshot().as_json(state.instance).encode("utf-8")
            self._send(200, "application/json; charset=utf-8", body, head=head)
        elif route == EVENTS_PATH and not head:
            self._events()
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found\n", head=head)

    def _site(self, *, head: bool) -> None:
        try:
            url_path = request_path(self.path)
        except UnsafePath as refusal:
            self._send(refusal.status, "text/plain; charset=utf-8", b"refused\n", head=head)
            return
        query = self.path.split("?", 1)[1] if "?" in self.path else ""
        base = self.server.base_path
        if url_path + "/" == base:
            self._redirect(base, query, head=head)
            return
        if not url_path.startswith(base):
            self._not_found(head=head)
            return
        site_path = "/" + url_path[len(base) :]
        # Read the epoch before opening the file: a page may then be newer than its epoch
        # (and reload once more) but never older, so it cannot miss a reload.
        state = self.server.state
        epoch = state.snapshot().epoch
        found = self._lookup(site_path)
        if found is None and state.snapshot().building:
            # Perhaps the output folder is between two renames, or the page is being added.
            state.wait_until_built(BUILD_WAIT_SECONDS)
            epoch = state.snapshot().epoch
            found = self._lookup(site_path)
        if found is None:
            self._not_found(head=head)
        elif isinstance(found, str):
            self._redirect(base + found.lstrip("/"), query, head=head)
        else:
            with found.file:
                self._send_file(200, found, epoch, head=head)

    # --- files -------------------------------------------------------------------------------

    def _lookup(self, site_path: str) -> _OpenFile | str | None:
        """The open file a site path names, the path to redirect to (a folder), or None."""
        try:
            root = self.server.output.resolve()
            target = locate(root, site_path)
            if target.is_dir():
                if not site_path.endswith("/"):
                    return quote(site_path, safe="/!$&'()*+,;=:@~") + "/"
                target = contained(root, target / "index.html")
            return _open_regular(target)
        except (UnsafePath, OSError, RuntimeError):  # RuntimeError: a symlink loop
            return None

    def _not_found(self, *, head: bool) -> None:
        state = self.server.state
        epoch = state.snapshot().epoch
        try:
            root = self.server.output.resolve()
            opened = _open_regular(contained(root, root / "404.html"))
        except (UnsafePath, OSError, RuntimeError):
            body = b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>\n"
            body = inject_script(body, script_tag(epoch, state.instance))
            self._send(404, HTML, body, head=head)
            return
        with opened.file:
            self._send_file(404, opened, epoch, head=head)

    def _send_file(self, status: int, opened: _OpenFile, epoch: int, *, head: bool) -> None:
        first = opened.file.read(min(opened.size, _CHUNK))
        media_type = content_type(opened.path, first[:4096])
        if is_html(media_type):
            document = first + opened.file.read(max(0, opened.size - len(first)))
            state = self.server.state
            body = inject_script(document, script_tag(epoch, state.instance))
            self._send(status, media_type, body, head=head)
            return
        self._start(status, media_type, opened.size)
        if head:
            return
        self.wfile.write(first)
        remaining = opened.size - len(first)
        while remaining > 0:
            chunk = opened.file.read(min(remaining, _CHUNK))
            if not chunk:  # the file shrank under us; the client sees a short body
                self.close_connection = True
                return
            self.wfile.write(chunk)
            remaining -= len(chunk)

    # --- responses ---------------------------------------------------------------------------

    def _start(self, status: int, media_type: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def _send(self, status: int, media_type: str, body: bytes, *, head: bool) -> None:
        self._start(status, media_type, len(body))
        if not head:
            self.wfile.write(body)

    def _redirect(self, location: str, query: str, *, head: bool) -> None:
        if query:
            location += "?" + query
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _events(self) -> None:
        """A Server-Sent Events stream of the build state, until the client or server leaves."""
        state = self.server.state
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        seen = -1
        while True:
            snapshot = state.wait_for_change(seen, KEEPALIVE_SECONDS)
            if snapshot.closed:
                return
            if snapshot.version == seen:
                self.wfile.write(b": keep-alive\n\n")
            else:
                data = snapshot.as_json(state.instance)
                self.wfile.write(f"event: state\ndata: {data}\n\n".encode())
                seen = snapshot.version
            self.wfile.flush()


def _open_regular(path: Path) -> _OpenFile:
    """Open a regular file without following a last-moment symlink or blocking on a FIFO."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise IsADirectoryError(path)
        file = os.fdopen(descriptor, "rb")
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(descriptor)
        raise
    return _OpenFile(path, file, info.st_size)

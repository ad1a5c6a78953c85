"""Live reload: the build state open pages follow, and the script injected into HTML responses.

Each published site gets a new epoch. A page remembers the epoch it was served from and listens to
Server-Sent Events; when a newer epoch is announced it reloads, and while the last rebuild failed
it shows an overlay with the errors. The script is added to HTML responses on the way out, never
to the files on disk.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.errors import SitegenError

PREFIX = "/__sitegen/"
SCRIPT_PATH = PREFIX + "livereload.js"
EVENTS_PATH = PREFIX + "events"
STATUS_PATH = PREFIX + "status"


@dataclass(frozen=True, slots=True)
class ErrorReport:
    """One build error as pages show it."""

    file: str | None
    line: int | None
    message: str

    @classmethod
    def of(cls, error: BaseException) -> ErrorReport:
        if isinstance(error, SitegenError):
            file = str(error.path) if error.path is not None else None
            return cls(file, error.line, error.message)
        return cls(None, None, str(error) or type(error).__name__)

    @property
    def text(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}" if self.file else self.message


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The build state at one moment; `version` grows with every change."""

    version: int
    epoch: int
    builds: int
    building: bool
    errors: tuple[ErrorReport, ...]
    closed: bool = False

    def as_json(self, instance: str) -> str:
        return json.dumps(
            {
                "instance": instance,
                "epoch": self.epoch,
                "builds": self.builds,
                "building": self.building,
                "errors": [
                    {"file": e.file, "line": e.line, "message": e.message, "text": e.text}
                    for e in self.errors
                ],
            },
            ensure_ascii=False,
        )


class LiveState:
    """Thread-safe build state: rebuilds update it, request handlers read and wait on it."""

    def __init__(self) -> None:
        self.instance = secrets.token_hex(8)  # a restarted server makes every page reload
        self._changed = threading.Condition()
        self._snapshot = Snapshot(version=0, epoch=0, builds=0, building=False, errors=())

    def snapshot(self) -> Snapshot:
        with self._changed:
            return self._snapshot

    def _update(self, **changes: object) -> None:
        current = self._snapshot
        self._snapshot = Snapshot(
            version=current.version + 1,
            epoch=changes.get("epoch", current.epoch),  # type: ignore[arg-type]
            builds=changes.get("builds", current.builds),  # type: ignore[arg-type]
            building=changes.get("building", current.building),  # type: ignore[arg-type]
            errors=changes.get("errors", current.errors),  # type: ignore[arg-type]
            closed=changes.get("closed", current.closed),  # type: ignore[arg-type]
        )
        self._changed.notify_all()

    def begin_build(self) -> None:
        with self._changed:
            self._update(building=True)

    def finish_build(self, *, published: bool, errors: Iterable[BaseException]) -> Snapshot:
        """Record a finished build: a published site is a new epoch; errors replace the old."""
        with self._changed:
            current = self._snapshot
            self._update(
                building=False,
                builds=current.builds + 1,
                epoch=current.epoch + 1 if published else current.epoch,
                errors=tuple(ErrorReport.of(error) for error in errors),
            )
            return self._snapshot

    def close(self) -> None:
        """Tell everyone waiting that the server is going away."""
        with self._changed:
            self._update(closed=True, building=False)

    def wait_for_change(self, seen_version: int, timeout: float) -> Snapshot:
        """The snapshot once its version differs from `seen_version`, or after `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: self._snapshot.version != seen_version, timeout)
            return self._snapshot

    def wait_until_built(self, timeout: float) -> Snapshot:
        """Wait for a build in progress to finish (at most `timeout` seconds)."""
        with self._changed:
            self._changed.wait_for(
                lambda: not self._snapshot.building or self._snapshot.closed, timeout
            )
            return self._snapshot


def script_tag(epoch: int, instance: str) -> bytes:
    """The tag added to HTML pages: the page's epoch travels in data attributes."""
    return (
        f'<script src="{SCRIPT_PATH}" data-epoch="{epoch}" '
        f'data-instance="{html.escape(instance)}" defer></script>'
    ).encode("ascii")


def inject_script(document: bytes, tag: bytes) -> bytes:
    """`document` with `tag` before its last `</body>` (or `</html>`, or at the end)."""
    lowered = document.lower()
    for closing in (b"</body", b"</html"):
        at = lowered.rfind(closing)
        if at != -1:
            return document[:at] + tag + document[at:]
    return document + tag


# Plain DOM calls only: errors are put in with textContent, so a file name or message is shown,
# never interpreted as markup. Styles are set through element.style, which a page's
# Content-Security-Policy for inline styles does not block.
LIVERELOAD_JS = r"""
(() => {
  "use strict";
  const me = document.currentScript;
  const epoch = Number(me ? me.dataset.epoch : 0);
  const instance = me ? me.dataset.instance : "";
  const OVERLAY_ID = "sitegen-overlay";

  function style(element, rules) {
    for (const [name, value] of Object.entries(rules)) element.style.setProperty(name, value);
    return element;
  }

  function hide() {
    const old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  function show(errors) {
    hide();
    const box = style(document.createElement("div"), {
      position: "fixed", inset: "0", "z-index": "2147483647", overflow: "auto",
      background: "rgba(20, 20, 20, 0.92)", color: "#fff", padding: "2rem",
      font: "15px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
    });
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    const title = style(document.createElement("h2"), { margin: "0 0 1rem", color: "#ff8a80" });
    title.textContent = "sitegen: the last rebuild failed. The page shows the last good site.";
    box.append(title);
    const list = style(document.createElement("ul"), { margin: "0", padding: "0 0 0 1.2rem" });
    for (const error of errors) {
      const item = style(document.createElement("li"), { margin: "0 0 0.8rem" });
      item.className = "sitegen-error";
      if (error.file) {
        const where = style(document.createElement("strong"), { color: "#ffd180" });
        where.className = "sitegen-error-where";
        where.textContent = error.line ? `${error.file}:${error.line}` : error.file;
        item.append(where, document.createTextNode(": "));
      }
      const message = document.createElement("span");
      message.className = "sitegen-error-message";
      message.textContent = error.message;
      item.append(message);
      list.append(item);
    }
    box.append(list);
    const close = style(document.createElement("button"), { "margin-top": "1rem" });
    close.type = "button";
    close.textContent = "Hide";
    close.addEventListener("click", hide);
    box.append(close);
    (document.body || document.documentElement).append(box);
  }

  const events = new EventSource("/__sitegen/events");
  events.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    if (state.instance !== instance || state.epoch > epoch) {
      events.close();
      location.reload();
      return;
    }
    if (state.errors.length) show(state.errors);
    else hide();
  });
})();
"""

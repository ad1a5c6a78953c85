"""Preview latency: build times and save-to-reload time of `sitegen serve`, on large sites.

    python bench/serve_reload.py [--sizes 1000 10000] [--runs 3] [--saves 5]

For each N the article corpus of bench/build_bench.py (imported, not copied) is copied into a
throw-away folder, then timed as whole processes (`os.wait4`, as build_bench does):

- a clean `sitegen build` (no output, no cache; clearing them is not timed), median of `--runs`;
- a no-change `sitegen build` right after, median of `--runs` after one warm-up;
- with `python -m sitegen serve --port <free>` running on 127.0.0.1, one article saved the way
  editors do (temp file + `os.replace`) `--saves` times: the time from the replace to the server
  announcing the new epoch on `/__sitegen/events`, and to the article page being served with
  the new text. Medians.

Peak RSS is the serve process's own VmHWM from /proc (the forked render workers of a build are
not included). Everything the script starts is stopped and its folders removed. Not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_bench

from sitegen.importer import write_atomically

SAVE_TIMEOUT = 300.0


@dataclass(frozen=True, slots=True)
class Row:
    n: int
    clean: float
    no_change: float
    announced: float
    served: float
    peak_mb: float | None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_command() -> list[str]:
    return [sys.executable, "-m", "sitegen", "build", "--quiet", "--no-import"]


def clean_build(site: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        for name in ("public", ".sitegen-cache"):
            shutil.rmtree(site / name, ignore_errors=True)
        times.append(build_bench.run_once(build_command(), site)[0])
    return statistics.median(times)


def no_change_build(site: Path, runs: int) -> float:
    build_bench.run_once(build_command(), site)  # warm-up
    return statistics.median(build_bench.run_once(build_command(), site)[0] for _ in range(runs))


class EventStream:
    """Reads `/__sitegen/events` in a thread; each state event lands in `events` with its time."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=None)
        request = f"GET /__sitegen/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        self.sock.sendall(request.encode("ascii"))
        self.reader = self.sock.makefile("rb")
        status_line = self.reader.readline()
        if b" 200 " not in status_line:
            raise RuntimeError(f"event stream refused: {status_line!r}")
        while self.reader.readline() not in (b"\r\n", b"\n", b""):
            pass  # headers
        self.events: queue.Queue[tuple[float, dict]] = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        name, data = "", []
        try:
            for raw in self.reader:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if name == "state" and data:
                        self.events.put((time.monotonic(), json.loads("\n".join(data))))
                    name, data = "", []
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip(" "))
        except (OSError, ValueError):
            pass

    def wait_for(self, newer_than: int, timeout: float) -> tuple[float, dict]:
        """The first finished state whose epoch is above `newer_than`."""
        deadline = time.monotonic() + timeout
        while True:
            at, state = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            if state["errors"]:
                raise RuntimeError(f"the rebuild reported errors: {state['errors']}")
            if state["epoch"] > newer_than and not state["building"]:
                return at, state

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def get(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.read()


def wait_ready(port: int, server: subprocess.Popen, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("sitegen serve exited before its first build")
        try:
            state = json.loads(get(port, "/__sitegen/status"))
            if state["builds"] >= 1 and not state["building"]:
                return state
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"sitegen serve did not finish its first build in {timeout:.0f} s")


def save_atomically(path: Path, text: str) -> None:
    """What editors do: write a temp file beside it (a name the watcher ignores), rename over."""
    write_atomically(path, text)


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def preview_latency(site: Path, saves: int, log: Path) -> tuple[float, float, float | None]:
    article = sorted((site / "content" / "articles").glob("*.md"))[1]
    page = f"/articles/{article.stem}/"  # the corpus's file names are the slugs
    original = article.read_text(encoding="utf-8")
    port = free_port()
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "serve", "--port", str(port)],
            cwd=site,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    stream: EventStream | None = None
    try:
        state = wait_ready(port, server, SAVE_TIMEOUT)
        if b"Benchmark edit" in get(port, page):
            raise RuntimeError(f"{page} already holds an edit marker")
        stream = EventStream(port)
        announced, served = [], []
        epoch = state["epoch"]
        for i in range(saves):
            time.sleep(1.0)  # let the watcher settle after the previous rebuild
            marker = f"Benchmark edit {i} {time.time_ns()}."
            save_atomically(article, f"{original.rstrip()}\n\n{marker}\n")
            saved = time.monotonic()
            at, state = stream.wait_for(epoch, SAVE_TIMEOUT)
            epoch = state["epoch"]
            announced.append(at - saved)
            deadline = time.monotonic() + SAVE_TIMEOUT
            while marker.encode() not in get(port, page):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{page} never showed {marker!r}")
                time.sleep(0.005)
            served.append(time.monotonic() - saved)
            print(
                f"  save {i + 1}/{saves}: "
                f"announced {announced[-1]:.3f} s, served {served[-1]:.3f} s",
                file=sys.stderr,
                flush=True,
            )
        peak = peak_rss_mb(server.pid)
        return statistics.median(announced), statistics.median(served), peak
    except BaseException:
        print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        if stream is not None:
            stream.close()
        stop(server)
        article.write_text(original, encoding="utf-8")


def measure(n: int, runs: int, saves: int) -> Row:
    source = build_bench.make_corpora(n) / "sitegen"
    work = Path(tempfile.mkdtemp(prefix=f"sitegen-serve-reload-{n}-"))
    shared_work = build_bench.WORK
    try:
        site = work / "site"
        shutil.copytree(source, site, ignore=shutil.ignore_patterns("public", ".sitegen-cache"))
        build_bench.WORK = work  # build_bench.run_once keeps the last stderr there
        clean = clean_build(site, runs)
        no_change = no_change_build(site, runs)
        announced, served, peak = preview_latency(site, saves, work / "serve.log")
        return Row(n, clean, no_change, announced, served, peak)
    finally:
        build_bench.WORK = shared_work
        shutil.rmtree(work, ignore_errors=True)


def table(rows: list[Row]) -> str:
    lines = [
        "| N | clean build s | no-change build s | save→reload announced s"
        " | save→new page served s | serve peak RSS MiB |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        peak = f"{row.peak_mb:.0f}" if row.peak_mb is not None else "—"
        cells = [
            f"{row.n:,}",
            f"{row.clean:.2f}",
            f"{row.no_change:.2f}",
            f"{row.announced:.3f}",
            f"{row.served:.3f}",
            peak,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="clean and no-change builds per N")
    parser.add_argument("--saves", type=int, default=5, help="timed saves per N")
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        rows.append(measure(n, args.runs, args.saves))
        print(table(rows[-1:]), file=sys.stderr, flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()

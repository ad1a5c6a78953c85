"""`sitegen serve` as a real process against a throw-away site: what it serves, how it follows
edits the way editors make them, how it reports broken files, and a headless Chromium page that
reloads itself and shows the error overlay."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

import sitegen
from sitegen.content import dump_article
from sitegen.errors import ContentError
from sitegen.model import Article
from sitegen.serve.server import PreviewServer, Rebuilt
from tests.servekit import EventStream, fetch, fetch_raw

REPO = Path(sitegen.__file__).resolve().parent.parent
SEEDS = REPO / "tests" / "data" / "seeds"
CHROMIUM = "/usr/bin/chromium"
TIMEOUT = 20.0  # upper bound for anything to happen; tests poll and move on as soon as it does


def make_article(n: int, body: str | None = None) -> Article:
    return Article(
        id=f"tag:example.org,2024:serve-{n}",
        title=f"Serve test article {n}",
        slug=f"article-{n}",
        body=body or f"The original body of article {n}.\n\nA second paragraph.",
        date=dt.date(2024, 3, n),
        sections=("World",),
        publisher="Example Wire",
    )


def save_atomically(path: Path, text: str) -> None:
    """What most editors do: write a temporary file beside the target, then rename over it."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], what: str, timeout: float = TIMEOUT) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@dataclasses.dataclass
class Served:
    """A running `sitegen serve` process and its site."""

    root: Path
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def articles(self) -> Path:
        return self.root / "content" / "articles"

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        return fetch(("127.0.0.1", self.port), path, method)

    def text(self, path: str) -> str:
        status, _, body = self.get(path)
        return body.decode("utf-8") if status == 200 else ""

    def status(self) -> dict:
        return json.loads(self.get("/__sitegen/status")[2])

    def settled(self) -> dict:
        """The build state once no rebuild is pending (watcher quiet, no build running)."""
        previous = None
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            state = self.status()
            if not state["building"] and state == previous:
                return state
            previous = state
            time.sleep(0.4)  # longer than the watcher's quiet period
        raise AssertionError("the server never settled")

    def stderr(self) -> str:
        return self.log.with_suffix(".err").read_text(encoding="utf-8")


def start_serve(root: Path, port: int, *args: str) -> tuple[subprocess.Popen, Path]:
    log = root.parent / f"serve-{port}.out"
    environment = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out, open(log.with_suffix(".err"), "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "serve", "--port", str(port), *args],
            cwd=root,
            env=environment,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
    return process, log


def stop(process: subprocess.Popen, how: int = signal.SIGINT) -> int:
    if process.poll() is None:
        process.send_signal(how)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
            raise AssertionError("sitegen serve did not stop when asked") from None
    return process.returncode


def make_site(root: Path, count: int = 3) -> None:
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (root / "content" / "seeds").mkdir()
    for n in range(1, count + 1):
        (articles / f"article-{n}.md").write_text(dump_article(make_article(n)), encoding="utf-8")
    (root.parent / "secret.txt").write_text("TOP-SECRET", encoding="utf-8")


@contextlib.contextmanager
def serving(root: Path) -> Iterator[Served]:
    """`sitegen serve` on a free port for the site in `root`, after its first build; it must
    stop cleanly (exit 0, no traceback, "Stopped.")."""
    port = free_port()
    process, log = start_serve(root, port)
    server = Served(root, port, process, log)
    try:

        def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"sitegen serve exited early:\n{server.stderr()}")
            with contextlib.suppress(OSError):
                return server.status()["builds"] >= 1
            return False

        wait_for(ready, "the first build")
        yield server
    finally:
        code = stop(process)
    assert code == 0, server.stderr()
    assert "Traceback" not in server.stderr()
    assert "Stopped." in log.read_text(encoding="utf-8")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    root = tmp_path / "site"
    make_site(root)
    with serving(root) as server:
        yield server


# --- what it serves ----------------------------------------------------------------------------


def test_serves_the_site_with_its_media_types(served: Served) -> None:
    status, headers, body = served.get("/articles/article-1/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert b"The original body of article 1." in body
    assert b"/__sitegen/livereload.js" in body
    on_disk = (served.root / "public" / "articles" / "article-1" / "index.html").read_bytes()
    assert b"livereload" not in on_disk
    assert len(body) == int(headers["Content-Length"]) > len(on_disk)

    for path, media_type in [
        ("/atom.xml", "application/atom+xml"),
        ("/rss.xml", "application/rss+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
    ]:
        status, headers, body = served.get(path)
        assert status == 200, path
        assert headers["Content-Type"].split(";")[0] == media_type, path
        assert body == (served.root / "public" / path.lstrip("/")).read_bytes()
    css = next((served.root / "public").rglob("*.css")).relative_to(served.root / "public")
    assert served.get(f"/{css.as_posix()}")[1]["Content-Type"].startswith("text/css")

    status, headers, _ = served.get("/articles/article-1")
    assert (status, headers["Location"]) == (301, "/articles/article-1/")
    status, headers, body = served.get("/no/such/page/")
    assert status == 404
    assert body.startswith((served.root / "public" / "404.html").read_bytes()[:40])
    status, headers, body = served.get("/", method="HEAD")
    assert (status, body) == (200, b"")
    assert int(headers["Content-Length"]) == len(served.get("/")[2])


def test_nothing_outside_the_output_folder_is_served(served: Served) -> None:
    public = served.root / "public"
    (public / "leak.txt").symlink_to(served.root.parent / "secret.txt")
    (public / "up").symlink_to(served.root.parent, target_is_directory=True)
    secret = str(served.root.parent / "secret.txt").encode()
    targets = [
        b"/../secret.txt",
        b"/../../secret.txt",
        b"/articles/../../../secret.txt",
        b"/%2e%2e/secret.txt",
        b"/%2e%2e/%2e%2e/secret.txt",
        b"/..%2fsecret.txt",
        b"/%2e%2e%2f%2e%2e%2fsecret.txt",
        b"/..%5c..%5csecret.txt",
        b"/..\\..\\secret.txt",
        b"/%00/../secret.txt",
        b"//" + secret.lstrip(b"/"),
        b"/" + secret,
        secret,
        b"/leak.txt",
        b"/up/secret.txt",
        b"/up/site/sitegen.toml",
        b"http://127.0.0.1/../secret.txt",
    ]
    for target in targets:
        status, data = fetch_raw(("127.0.0.1", served.port), target)
        assert status in (400, 404), target
        assert b"TOP-SECRET" not in data, target


# --- following edits ---------------------------------------------------------------------------


def test_edits_deletions_new_files_and_seeds_appear(served: Served) -> None:
    page = "/articles/article-1/"
    save_atomically(
        served.articles / "article-1.md",
        dump_article(make_article(1, body="Edited by an editor, saved atomically.")),
    )
    wait_for(lambda: "saved atomically" in served.text(page), "the edit to appear")

    # In-place writes in several steps, as some editors do, coalesce into a rebuild.
    with open(served.articles / "article-2.md", "w", encoding="utf-8") as file:
        text = dump_article(make_article(2, body="Written in place, in two steps."))
        file.write(text[:40])
        file.flush()
        file.write(text[40:])
    wait_for(lambda: "in two steps" in served.text("/articles/article-2/"), "in-place edit")

    (served.articles / "article-3.md").unlink()
    wait_for(lambda: served.get("/articles/article-3/")[0] == 404, "the deleted page to go")
    assert "Serve test article 3" not in served.text("/")
    assert "Serve test article 3" not in served.text("/atom.xml")

    (served.articles / "article-9.md").write_text(dump_article(make_article(9)), encoding="utf-8")
    wait_for(lambda: "original body of article 9" in served.text("/articles/article-9/"), "new")
    assert "Serve test article 9" in served.text("/")

    before = set(served.articles.glob("*.md"))
    seed = sorted(SEEDS.glob("*.txt"))[0]
    shutil.copy(seed, served.root / "content" / "seeds" / seed.name)
    imported = wait_for(lambda: set(served.articles.glob("*.md")) - before, "the seed import")
    slug = next(iter(imported)).stem  # type: ignore[call-overload]
    wait_for(lambda: served.get(f"/articles/{slug}/")[0] == 200, "the imported article page")

    # The build's own writes (output, cache, imported Markdown) do not keep it rebuilding.
    first = served.settled()
    time.sleep(1.0)
    assert served.status()["builds"] == first["builds"]
    assert first["errors"] == []


def read_events(served: Served, states: list[dict]) -> None:
    stream = EventStream(("127.0.0.1", served.port), timeout=60)
    try:
        while (state := stream.next_state()) is not None:
            states.append(state)
    except OSError:
        pass  # the server stopped at the end of the test
    finally:
        stream.close()


def test_a_broken_file_is_reported_and_the_last_good_page_stays(served: Served) -> None:
    states: list[dict] = []
    reader = threading.Thread(target=read_events, args=(served, states), daemon=True)
    reader.start()
    wait_for(lambda: states, "the first event")
    epoch = states[-1]["epoch"]
    article = served.articles / "article-1.md"
    good = article.read_text(encoding="utf-8")

    save_atomically(article, good.replace("title: ", "title: [unclosed\n", 1))
    reported = wait_for(lambda: [s for s in states if s["errors"]], "the error event")
    error = reported[0]["errors"][0]  # type: ignore[index]
    assert error["file"] == "content/articles/article-1.md"
    assert isinstance(error["line"], int) and error["line"] > 1
    assert error["message"]
    assert served.status()["errors"] == reported[0]["errors"]  # type: ignore[index]
    assert reported[0]["epoch"] == epoch  # type: ignore[index]
    # The last good site is still served, broken article included.
    assert "The original body of article 1." in served.text("/articles/article-1/")
    assert "Serve test article 1" in served.text("/")

    save_atomically(article, good.replace("The original body", "The repaired body"))
    wait_for(lambda: "The repaired body" in served.text("/articles/article-1/"), "the fix")
    cleared = wait_for(lambda: [s for s in states if s["epoch"] > epoch], "the reload event")
    assert cleared[-1]["errors"] == []  # type: ignore[index]
    assert served.status()["errors"] == []


def test_a_broken_settings_file_keeps_the_site(served: Served) -> None:
    settings = served.root / "sitegen.toml"
    save_atomically(settings, "per_page = 'many'\n")
    state = wait_for(lambda: served.status()["errors"], "the settings error")
    assert state[0]["file"] == "sitegen.toml"  # type: ignore[index]
    assert served.get("/articles/article-1/")[0] == 200
    save_atomically(settings, 'title = "Renamed Wire"\n')
    wait_for(lambda: "Renamed Wire" in served.text("/"), "the new title")
    # The site is swapped in just before the build state is updated.
    wait_for(lambda: served.status()["errors"] == [], "the error to clear")


# --- the command line --------------------------------------------------------------------------


def test_a_busy_port_is_one_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "site"
    make_site(root, count=1)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process, log = start_serve(root, port, "--no-watch")
        try:
            assert process.wait(timeout=TIMEOUT) == 1
        finally:
            stop(process)
    lines = log.with_suffix(".err").read_text(encoding="utf-8").strip().splitlines()
    assert lines == [
        f"sitegen: port {port} on 127.0.0.1 is already in use (choose another with --port)"
    ]
    assert not (root / "public").exists()  # refused before building anything


def test_a_non_loopback_bind_is_warned_about(tmp_path: Path) -> None:
    root = tmp_path / "site"
    make_site(root, count=1)
    port = free_port()
    process, log = start_serve(root, port, "--bind", "0.0.0.0", "--no-watch")
    try:
        wait_for(
            lambda: "Serving" in log.read_text(encoding="utf-8") or process.poll() is not None,
            "the server to start",
        )
        assert process.poll() is None, log.with_suffix(".err").read_text(encoding="utf-8")
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).status == 200
    finally:
        code = stop(process, signal.SIGTERM)
    assert code == 0
    err = log.with_suffix(".err").read_text(encoding="utf-8")
    assert "warning: serving on 0.0.0.0" in err
    assert "Traceback" not in err


def test_no_watch_serves_without_rebuilding(tmp_path: Path) -> None:
    root = tmp_path / "site"
    make_site(root, count=1)
    port = free_port()
    process, log = start_serve(root, port, "--no-watch")
    try:
        wait_for(lambda: "Serving" in log.read_text(encoding="utf-8"), "the server to start")
        url = f"http://127.0.0.1:{port}/__sitegen/status"
        assert json.load(urllib.request.urlopen(url, timeout=10))["builds"] == 1
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nothing-here", timeout=10)
        assert missing.value.code == 404
    finally:
        assert stop(process) == 0


# --- in a browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield launched
        finally:
            launched.close()


def test_browser_page_reloads_itself_and_shows_the_overlay(
    served: Served, browser: Browser
) -> None:
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{served.port}/articles/article-1/")
        assert "The original body of article 1." in page.inner_text("body")
        page.evaluate("() => { window.__sitegenMarker = 'still the first load'; }")

        article = served.articles / "article-1.md"
        good = dump_article(make_article(1, body="Changed while the page was open."))
        save_atomically(article, good)
        page.wait_for_function(
            "() => document.body.innerText.includes('Changed while the page was open.')",
            timeout=TIMEOUT * 1000,
        )
        assert page.evaluate("() => window.__sitegenMarker") is None  # it reloaded by itself

        save_atomically(article, good.replace("slug: ", "slug: [broken\n", 1))
        overlay = page.locator("#sitegen-overlay")
        overlay.wait_for(state="visible", timeout=TIMEOUT * 1000)
        assert "content/articles/article-1.md" in overlay.inner_text()
        assert "Changed while the page was open." in page.inner_text("body")
        page.reload()  # a page loaded while the error stands shows it too
        overlay.wait_for(state="visible", timeout=TIMEOUT * 1000)

        save_atomically(article, good.replace("Changed while", "Fixed while"))
        page.wait_for_function(
            "() => document.body.innerText.includes('Fixed while the page was open.')",
            timeout=TIMEOUT * 1000,
        )
        overlay.wait_for(state="detached", timeout=TIMEOUT * 1000)
    finally:
        page.close()


def test_browser_overlay_shows_markup_as_text(tmp_path: Path, browser: Browser) -> None:
    output = tmp_path / "public"
    output.mkdir()
    (output / "index.html").write_text(
        "<!DOCTYPE html><html><head><title>t</title></head><body><p>page</p></body></html>",
        encoding="utf-8",
    )
    hostile = '<img src=x onerror="window.__pwned = 1"><b>bold</b>'
    errors = (ContentError(hostile, Path(f"content/articles/{hostile}.md"), 7),)
    results = iter([Rebuilt(output), Rebuilt(output, errors, published=False)])
    server = PreviewServer(("127.0.0.1", 0), output, lambda changed: next(results))
    server.rebuild()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    page = browser.new_page()
    try:
        page.goto(server.url)
        page.wait_for_function("() => document.querySelector('script[data-epoch]') !== null")
        server.rebuild()
        overlay = page.locator("#sitegen-overlay")
        overlay.wait_for(state="visible", timeout=TIMEOUT * 1000)
        text = overlay.inner_text()
        assert f"content/articles/{hostile}.md:7" in text
        assert hostile in text
        assert overlay.locator("img, b").count() == 0
        assert page.evaluate("() => window.__pwned") is None
    finally:
        page.close()
        server.shutdown()
        server.close()
        thread.join(timeout=10)

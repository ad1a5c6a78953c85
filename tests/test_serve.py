"""The preview server: path safety, media types, script injection, build state, and a live server
in this process driven by a fake build that swaps folders the way the real one does."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sitegen.config import Project, Settings
from sitegen.errors import ContentError, SitegenError
from sitegen.serve.livereload import (
    ErrorReport,
    LiveState,
    inject_script,
    script_tag,
)
from sitegen.serve.paths import (
    ATOM,
    JSON_FEED,
    RSS,
    UnsafePath,
    content_type,
    locate,
    request_path,
)
from sitegen.serve.server import PreviewServer, Rebuilt, is_loopback
from sitegen.serve.session import LastGoodBuilder, PreviewBuild
from tests.servekit import EventStream, fetch, fetch_raw

# --- request paths -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "path"),
    [
        ("/", "/"),
        ("/index.html", "/index.html"),
        ("/articles/a/", "/articles/a/"),
        ("/articles/a?x=1#top", "/articles/a"),
        ("/caf%C3%A9/", "/café/"),
        ("/a%20b.html", "/a b.html"),
        ("/%252e%252e/x", "/%2e%2e/x"),  # double encoding stays a literal name
        ("http://127.0.0.1:8000/feed.xml", "/feed.xml"),
    ],
)
def test_request_path_accepts(target: str, path: str) -> None:
    assert request_path(target) == path


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/a/../../secret.txt",
        "/..",
        "/./index.html",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/a%2f..%2f..%2fsecret.txt",
        "/%2Fetc%2Fpasswd",
        "/..\\secret.txt",
        "/a\\b",
        "/..%5csecret.txt",
        "/index.html%00.txt",
        "/index.html\x00",
        "/a%0a",
        "//etc/passwd",
        "/a//b",
        "/C:/Windows/win.ini",
        "etc/passwd",
        "*",
        "/%ff%fe",
        "http://x/../secret.txt",
    ],
)
def test_request_path_refuses(target: str) -> None:
    with pytest.raises(UnsafePath):
        request_path(target)


@pytest.fixture
def output(tmp_path: Path) -> Path:
    folder = tmp_path / "public"
    (folder / "articles" / "a").mkdir(parents=True)
    (folder / "index.html").write_text("<html><body><p>home</p></body></html>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("TOP-SECRET", encoding="utf-8")
    return folder


def test_locate_stays_inside(output: Path) -> None:
    root = output.resolve()
    assert locate(root, "/index.html") == root / "index.html"
    assert locate(root, "/articles/a/") == root / "articles" / "a"


def test_locate_refuses_symlinks_pointing_outside(output: Path) -> None:
    root = output.resolve()
    (output / "leak.txt").symlink_to(output.parent / "secret.txt")
    (output / "up").symlink_to(output.parent, target_is_directory=True)
    (output / "home.html").symlink_to(output / "index.html")
    for path in ("/leak.txt", "/up/secret.txt", "/up"):
        with pytest.raises(UnsafePath) as refused:
            locate(root, path)
        assert refused.value.status == 404
    assert locate(root, "/home.html") == root / "index.html"


# --- media types -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("atom.xml", b"", ATOM),
        ("sections/world/atom.xml", b"", ATOM),
        ("rss.xml", b"", RSS),
        ("feed.json", b"", JSON_FEED),
        ("news.atom", b"", ATOM),
        ("news.rss", b"", RSS),
        ("sitemap.xml", b'<?xml version="1.0"?><urlset>', "application/xml; charset=utf-8"),
        ("index.xml", b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', ATOM),
        ("index.xml", b'<?xml version="1.0"?><!-- <feed> --><rss version="2.0">', RSS),
        ("index.html", b"", "text/html; charset=utf-8"),
        ("style.CSS", b"", "text/css; charset=utf-8"),
        ("logo.svg", b"", "image/svg+xml"),
        ("site.webmanifest", b"", "application/manifest+json"),
        ("robots.txt", b"", "text/plain; charset=utf-8"),
        ("photo.jpg", b"", "image/jpeg"),
        ("font.woff2", b"", "font/woff2"),
        ("data.bin", b"", "application/octet-stream"),
        ("README", b"", "application/octet-stream"),
    ],
)
def test_content_type(name: str, head: bytes, expected: str) -> None:
    assert content_type(Path(name), head) == expected


# --- script injection --------------------------------------------------------------------------

TAG = b"<script data-x></script>"


def test_inject_before_the_last_closing_body() -> None:
    page = b"<html><body><pre>&lt;/body&gt; </BODY> in text</pre></BODY>\n</html>"
    assert inject_script(page, TAG) == (
        b"<html><body><pre>&lt;/body&gt; </BODY> in text</pre>" + TAG + b"</BODY>\n</html>"
    )


def test_inject_without_body_or_html() -> None:
    assert inject_script(b"<p>x</p></html>", TAG) == b"<p>x</p>" + TAG + b"</html>"
    assert inject_script(b"<p>x</p>", TAG) == b"<p>x</p>" + TAG


def test_script_tag_carries_epoch_and_instance() -> None:
    tag = script_tag(7, "abc")
    assert b'data-epoch="7"' in tag and b'data-instance="abc"' in tag
    assert b"/__sitegen/livereload.js" in tag


# --- build state -------------------------------------------------------------------------------


def test_state_epochs_and_errors() -> None:
    state = LiveState()
    state.begin_build()
    assert state.snapshot().building
    first = state.finish_build(published=True, errors=())
    assert (first.epoch, first.builds, first.building, first.errors) == (1, 1, False, ())
    broken = ContentError("front matter is not valid YAML", Path("content/articles/a.md"), 3)
    failed = state.finish_build(published=False, errors=[broken])
    assert failed.epoch == 1
    assert failed.errors == (ErrorReport("content/articles/a.md", 3, broken.message),)
    assert failed.errors[0].text == str(broken)
    fixed = state.finish_build(published=True, errors=())
    assert (fixed.epoch, fixed.errors) == (2, ())
    payload = json.loads(failed.as_json("i"))
    assert payload["errors"][0]["file"] == "content/articles/a.md"
    assert payload["errors"][0]["line"] == 3


def test_state_wait_for_change_wakes_up_and_times_out() -> None:
    state = LiveState()
    seen = state.snapshot().version
    assert state.wait_for_change(seen, timeout=0.01).version == seen
    timer = threading.Timer(0.05, lambda: state.finish_build(published=True, errors=()))
    timer.start()
    assert state.wait_for_change(seen, timeout=10).epoch == 1
    timer.join()


def test_error_report_of_unexpected_exceptions() -> None:
    assert ErrorReport.of(RuntimeError("boom")) == ErrorReport(None, None, "boom")
    assert ErrorReport.of(SitegenError("no file")).text == "no file"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("::", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# --- a live server with a fake build -----------------------------------------------------------


def publish(output: Path, files: dict[str, bytes | str]) -> None:
    """What the real build does: write a whole site beside the output, then swap it in."""
    temp = output.with_name(f"{output.name}.tmp-test")
    shutil.rmtree(temp, ignore_errors=True)
    for name, data in files.items():
        target = temp / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    old = output.with_name(f"{output.name}.old-test")
    if output.exists():
        output.rename(old)
    temp.rename(output)
    shutil.rmtree(old, ignore_errors=True)


def page(text: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{text}</title></head><body><p>{text}</p></body></html>"
    )


SITE: dict[str, bytes | str] = {
    "index.html": page("home"),
    "articles/a/index.html": page("article A"),
    "404.html": page("site not found page"),
    "atom.xml": '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>',
    "rss.xml": '<?xml version="1.0"?><rss version="2.0"/>',
    "static/style.css": "body { color: black }",
    "empty/.keep": "",
}


class FakeBuild:
    """A rebuild callable whose next result the test decides."""

    def __init__(self, output: Path):
        self.output = output
        self.next: Callable[[], Rebuilt] = lambda: Rebuilt(output)
        self.calls: list[frozenset[Path]] = []

    def __call__(self, changed: frozenset[Path]) -> Rebuilt:
        self.calls.append(changed)
        return self.next()

    def site(self, files: dict[str, bytes | str]) -> Callable[[], Rebuilt]:
        def build() -> Rebuilt:
            publish(self.output, files)
            return Rebuilt(self.output)

        return build


@pytest.fixture
def site(tmp_path: Path) -> Path:
    output = tmp_path / "public"
    publish(output, SITE)
    (tmp_path / "secret.txt").write_text("TOP-SECRET", encoding="utf-8")
    return output


@pytest.fixture
def server(site: Path) -> Iterator[PreviewServer]:
    fake = FakeBuild(site)
    preview = PreviewServer(("127.0.0.1", 0), site, fake)
    preview.rebuild()
    thread = threading.Thread(target=preview.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield preview
    preview.shutdown()
    preview.close()
    thread.join(timeout=10)


def fake_of(server: PreviewServer) -> FakeBuild:
    fake = server._rebuild
    assert isinstance(fake, FakeBuild)
    return fake


def request(
    server: PreviewServer, path: str, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    return fetch(server.server_address[:2], path, method)


def raw_request(server: PreviewServer, target: bytes) -> tuple[int, bytes]:
    return fetch_raw(server.server_address[:2], target)


def test_serves_pages_with_the_script_injected(server: PreviewServer, site: Path) -> None:
    status, headers, body = request(server, "/articles/a/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert int(headers["Content-Length"]) == len(body)
    assert b"<p>article A</p>" in body
    assert b'<script src="/__sitegen/livereload.js" data-epoch="1"' in body
    assert body.index(b"/__sitegen/livereload.js") < body.index(b"</body>")
    assert b"livereload" not in (site / "articles" / "a" / "index.html").read_bytes()


def test_head_sends_the_headers_of_get(server: PreviewServer) -> None:
    _, get_headers, get_body = request(server, "/")
    status, headers, body = request(server, "/", method="HEAD")
    assert status == 200
    assert body == b""
    assert headers["Content-Length"] == get_headers["Content-Length"] == str(len(get_body))
    status, headers, body = request(server, "/static/style.css", method="HEAD")
    assert (status, body, headers["Content-Length"]) == (200, b"", "21")


def test_media_types_and_non_html_untouched(server: PreviewServer, site: Path) -> None:
    for path, expected in [
        ("/atom.xml", ATOM),
        ("/rss.xml", RSS),
        ("/static/style.css", "text/css; charset=utf-8"),
    ]:
        status, headers, body = request(server, path)
        assert (status, headers["Content-Type"]) == (200, expected)
        assert body == (site / path.lstrip("/")).read_bytes()


def test_folders_redirect_to_their_slash(server: PreviewServer) -> None:
    status, headers, _ = request(server, "/articles/a?x=1")
    assert status == 301
    assert headers["Location"] == "/articles/a/?x=1"
    status, _, _ = request(server, "/empty/")
    assert status == 404  # a folder without index.html is not listed


def test_missing_pages_get_the_sites_404(server: PreviewServer) -> None:
    status, headers, body = request(server, "/no/such/page/")
    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"site not found page" in body
    assert b"/__sitegen/livereload.js" in body
    status, _, body = request(server, "/gone.css", method="HEAD")
    assert (status, body) == (404, b"")


def test_other_methods_are_refused(server: PreviewServer) -> None:
    status, _, _ = request(server, "/", method="POST")
    assert status == 501


@pytest.mark.parametrize(
    "target",
    [
        b"/../secret.txt",
        b"/articles/../../secret.txt",
        b"/%2e%2e/secret.txt",
        b"/%2E%2E/%2e%2e/secret.txt",
        b"/..%2fsecret.txt",
        b"/%2e%2e%2fsecret.txt",
        b"/..%5csecret.txt",
        b"/..\\secret.txt",
        b"/static/..\\..\\secret.txt",
        b"/index.html%00/../../secret.txt",
        b"/%00",
        b"//secret.txt",
        b"http://x/../secret.txt",
        b"/leak.txt",
        b"/up/secret.txt",
        b"/up/",
    ],
)
def test_traversal_is_refused(server: PreviewServer, site: Path, target: bytes) -> None:
    (site / "leak.txt").symlink_to(site.parent / "secret.txt")
    (site / "up").symlink_to(site.parent, target_is_directory=True)
    status, data = raw_request(server, target)
    assert status in (400, 404)
    assert b"TOP-SECRET" not in data


def test_loops_and_special_files_are_not_found(server: PreviewServer, site: Path) -> None:
    (site / "loop-a").symlink_to(site / "loop-b")
    (site / "loop-b").symlink_to(site / "loop-a")
    os.mkfifo(site / "pipe.html")  # opening a FIFO for reading would block the handler
    for path in ("/loop-a", "/loop-a/x.html", "/pipe.html"):
        assert request(server, path)[0] == 404, path


def test_absolute_paths_are_refused(server: PreviewServer, site: Path) -> None:
    secret = str(site.parent / "secret.txt").encode()
    for target in (b"/" + secret, b"/%2F" + secret.lstrip(b"/"), secret):
        status, data = raw_request(server, target)
        assert status in (400, 404)
        assert b"TOP-SECRET" not in data


def test_status_and_script_endpoints(server: PreviewServer) -> None:
    status, headers, body = request(server, "/__sitegen/status")
    state = json.loads(body)
    assert (status, state["epoch"], state["errors"]) == (200, 1, [])
    status, headers, body = request(server, "/__sitegen/livereload.js")
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert b"EventSource" in body and b"textContent" in body and b"innerHTML" not in body


def test_events_announce_rebuilds_and_errors(server: PreviewServer, site: Path) -> None:
    fake = fake_of(server)
    stream = EventStream(server.server_address[:2])
    try:
        assert stream.next_state()["epoch"] == 1
        # A successful rebuild publishes a new epoch.
        fake.next = fake.site({**SITE, "articles/a/index.html": page("article A, edited")})
        server.rebuild(frozenset({Path("content/articles/a.md")}))
        rebuilt = stream.settled()
        assert (rebuilt["epoch"], rebuilt["errors"]) == (2, [])
        assert fake.calls[-1] == {Path("content/articles/a.md")}
        assert b"article A, edited" in request(server, "/articles/a/")[2]
        # A failed rebuild keeps the epoch and the site, and reports the error.
        error = ContentError("front matter is not valid YAML (<b>bad</b>)", Path("a.md"), 4)
        fake.next = lambda: Rebuilt(site, (error,), published=False)
        server.rebuild(frozenset({Path("a.md")}))
        failed = stream.settled()
        assert failed["epoch"] == 2
        assert failed["errors"] == [
            {"file": "a.md", "line": 4, "message": error.message, "text": str(error)}
        ]
        assert b"article A, edited" in request(server, "/articles/a/")[2]
        status = json.loads(request(server, "/__sitegen/status")[2])
        assert status["errors"][0]["line"] == 4
        # Fixing it clears the errors and publishes a new epoch.
        fake.next = fake.site({**SITE, "articles/a/index.html": page("article A, fixed")})
        server.rebuild(frozenset({Path("a.md")}))
        fixed = stream.settled()
        assert (fixed["epoch"], fixed["errors"]) == (3, [])
        assert b'data-epoch="3"' in request(server, "/articles/a/")[2]
    finally:
        stream.close()


def test_a_crashing_build_is_reported_not_fatal(server: PreviewServer) -> None:
    def crash() -> Rebuilt:
        raise RuntimeError("bug in the build")

    fake_of(server).next = crash
    _, snapshot = server.rebuild(frozenset())
    assert snapshot.epoch == 1
    assert "bug in the build" in snapshot.errors[0].message
    assert request(server, "/")[0] == 200


def test_request_during_a_rebuild_waits_for_the_new_site(server: PreviewServer, site: Path) -> None:
    fake = fake_of(server)
    folder_gone = threading.Event()
    release = threading.Event()

    def slow_build() -> Rebuilt:
        # The moment between the build's two renames: no output folder at all.
        site.rename(site.with_name("public.old-slow"))
        folder_gone.set()
        assert release.wait(10)
        publish(site, {**SITE, "articles/a/index.html": page("article A, rebuilt")})
        return Rebuilt(site)

    fake.next = slow_build
    builder = threading.Thread(target=server.rebuild)
    builder.start()
    assert folder_gone.wait(10)
    results: list[tuple[int, dict[str, str], bytes]] = []
    reader = threading.Thread(target=lambda: results.append(request(server, "/articles/a/")))
    reader.start()
    reader.join(timeout=0.3)
    assert reader.is_alive(), "the request did not wait for the rebuild"
    release.set()
    builder.join(timeout=10)
    reader.join(timeout=10)
    status, _, body = results[0]
    assert status == 200
    assert b"article A, rebuilt" in body
    assert b'data-epoch="2"' in body


def test_a_response_never_mixes_two_builds(server: PreviewServer, site: Path) -> None:
    size = 8 * 1024 * 1024
    fake = fake_of(server)
    fake.next = fake.site({**SITE, "big.bin": b"a" * size})
    server.rebuild()
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    try:
        connection.request("GET", "/big.bin")
        response = connection.getresponse()
        start = response.read(1024)
        # The build swaps in a new site (and deletes the old one) mid-response.
        fake.next = fake.site({**SITE, "big.bin": b"b" * size})
        server.rebuild()
        assert (site / "big.bin").read_bytes()[:1] == b"b"
        body = start + response.read()
    finally:
        connection.close()
    assert body == b"a" * size


def test_site_mounted_under_a_base_path(site: Path) -> None:
    preview = PreviewServer(("127.0.0.1", 0), site, FakeBuild(site), base_path="/news/")
    thread = threading.Thread(target=preview.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        assert preview.url.endswith("/news/")
        status, headers, _ = request(preview, "/news")
        assert (status, headers["Location"]) == (301, "/news/")
        assert b"<p>home</p>" in request(preview, "/news/")[2]
        assert request(preview, "/news/articles/a")[1]["Location"] == "/news/articles/a/"
        assert request(preview, "/index.html")[0] == 404
    finally:
        preview.shutdown()
        preview.close()
        thread.join(timeout=10)


def test_close_ends_event_streams(site: Path) -> None:
    preview = PreviewServer(("127.0.0.1", 0), site, FakeBuild(site))
    thread = threading.Thread(target=preview.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    stream = EventStream(preview.server_address[:2])
    try:
        stream.next_state()
        preview.shutdown()
        preview.close()
        assert stream.response.fp.read() == b""  # the stream ended instead of hanging
    finally:
        stream.close()
        thread.join(timeout=10)


# --- keeping the last good site ----------------------------------------------------------------


class ScriptedBuild:
    """Stands in for build_site: publishes into the folder its settings name, with given errors,
    when its `accept` agrees."""

    def __init__(self) -> None:
        self.text = "v1"
        self.errors: tuple[SitegenError, ...] = ()
        self.publish = True

    def __call__(
        self, project: Project, *, settings: Settings, changed: set[Path], accept: Any, kept: Any
    ) -> object:
        output = project.output(settings)
        published = self.publish and accept(self.errors)
        if published:
            publish(output, {"index.html": page(self.text)})
        errors = self.errors

        class Result:
            def summary(self) -> str:
                return "built"

        result = Result()
        result.errors, result.published, result.output = errors, published, output  # type: ignore[attr-defined]
        return result


def test_last_good_site_stays_when_a_rebuild_adds_errors(tmp_path: Path) -> None:
    project = Project(tmp_path)
    build = ScriptedBuild()
    builder = LastGoodBuilder(project, build)
    old_bad = ContentError("refused seed", tmp_path / "content/seeds/bad.txt")
    build.errors = (old_bad,)
    first = builder(frozenset())
    assert isinstance(first, PreviewBuild)
    assert first.published and first.output == tmp_path / "public"
    assert b"v1" in (tmp_path / "public" / "index.html").read_bytes()

    # A new error: the served site is untouched.
    build.text = "v2 without the broken article"
    build.errors = (old_bad, ContentError("broken", tmp_path / "content/articles/a.md", 2))
    second = builder(frozenset({tmp_path / "content/articles/a.md"}))
    assert not second.published and len(second.errors) == 2
    assert b"v1" in (tmp_path / "public" / "index.html").read_bytes()

    # Back to only the error the served site already had: published.
    build.text = "v3"
    build.errors = (old_bad,)
    third = builder(frozenset())
    assert third.published
    assert b"v3" in (tmp_path / "public" / "index.html").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]


def test_invalid_settings_keep_the_site(tmp_path: Path) -> None:
    project = Project(tmp_path)
    build = ScriptedBuild()
    builder = LastGoodBuilder(project, build)
    assert builder(frozenset()).published
    project.settings_file.write_text("per_page = 0\n", encoding="utf-8")
    outcome = builder(frozenset({project.settings_file}))
    assert not outcome.published
    assert "per_page" in str(outcome.errors[0])
    assert os.path.exists(tmp_path / "public" / "index.html")


def test_connections_send_without_nagle_delay(
    server: PreviewServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Headers and body go out in separate writes; with Nagle's algorithm on, a keep-alive client's
    # delayed ACK held every response ~40 ms (the load test measured 159 requests/s, median 44 ms).
    import socket

    from sitegen.serve import server as server_module

    seen: list[int] = []
    original = server_module._Handler.setup

    def setup(handler: server_module._Handler) -> None:
        original(handler)
        seen.append(handler.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    monkeypatch.setattr(server_module._Handler, "setup", setup)
    assert request(server, "/")[0] == 200
    assert seen and all(seen), seen


def test_preview_rebuilds_stay_incremental_after_the_swap(tmp_path: Path) -> None:
    """The preview moves its staged site to public/; the next rebuild must still reuse the pages
    an edit does not touch (linked, so the same inode), not render the whole site again."""
    from sitegen.content import dump_article
    from tests.sitegen_testkit import article, write_project

    project = write_project(tmp_path, [article(n) for n in range(1, 6)])
    builder = LastGoodBuilder(project)
    assert builder(frozenset()).published
    untouched = project.root / "public" / "articles" / "article-1" / "index.html"
    before = untouched.stat().st_ino
    edited = project.articles / "article-5.md"
    edited.write_text(dump_article(article(5, body="Edited body.")), encoding="utf-8")
    assert builder(frozenset({edited})).published
    assert "Edited body." in (project.root / "public/articles/article-5/index.html").read_text()
    assert untouched.stat().st_ino == before, "an unchanged page was rendered again"

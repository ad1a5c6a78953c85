"""Issue 6 part 5: `sitegen serve` under concurrent load while articles are edited and rebuilt.

A real server process on 127.0.0.1 serves a 30-article site. A second process (tests/loadkit.py)
sends 8 threads of requests over pages, article pages, feeds, sitemaps, CSS and 404s, checking
each response is whole (Content-Length, one `</html>` at the end, XML parses, static files
byte-identical, one version per article page). Meanwhile this test saves articles atomically, in
bursts, waiting for each burst's rebuild, so pages are swapped under the load. Bounded by
request counts and by waiting for rebuilds; nothing is timed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_serve_e2e import (
    REPO,
    Served,
    save_atomically,
    serving,
    wait_for,
)
from tests.loadkit import load_article_text, make_load_site, marker, site_paths

ARTICLES = 30
THREADS = 8
MIN_REQUESTS = 200  # per thread
MAX_REQUESTS = 2000  # per thread: the bound if the edits take long
BURSTS = 5  # edit bursts, each waited for until rebuilt
PER_BURST = 4  # articles saved per burst


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    root = tmp_path / "site"
    make_load_site(root, ARTICLES)
    with serving(root) as server:
        yield server


def start_client(plan: dict, folder: Path) -> subprocess.Popen:
    plan_file = folder / "load-plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "tests.loadkit", str(plan_file)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_requests_during_rebuilds_get_whole_pages(served: Served, tmp_path: Path):
    paths = site_paths(served.root / "public")
    kinds = {spec["kind"] for spec in paths}
    assert kinds == {"html", "article", "xml", "static"}, kinds
    assert sum(spec["kind"] == "article" for spec in paths) == ARTICLES
    plan = {
        "port": served.port,
        "threads": THREADS,
        "min_requests": MIN_REQUESTS,
        "max_requests": MAX_REQUESTS,
        "paths": paths,
    }
    written = {n: {0} for n in range(1, ARTICLES + 1)}
    latest = dict.fromkeys(written, 0)
    builds_before = served.status()["builds"]

    client = start_client(plan, tmp_path)
    try:
        for burst in range(BURSTS):
            before = served.status()["builds"]
            for k in range(PER_BURST):
                n = (burst * PER_BURST + k) % ARTICLES + 1
                latest[n] += 1
                written[n].add(latest[n])
                save_atomically(
                    served.articles / f"article-{n}.md", load_article_text(n, latest[n])
                )
            wait_for(lambda before=before: served.status()["builds"] > before, "a rebuild")
            assert client.poll() is None or burst == BURSTS - 1, "the load ended before the edits"
        out, err = client.communicate("stop\n", timeout=120)
    finally:
        if client.poll() is None:
            client.kill()
            client.wait(timeout=10)
    assert client.returncode == 0, err
    report = json.loads(out)

    assert report["failures"] == [], report["failures"]
    assert report["connection_errors"] == 0
    assert report["bad_responses"] == 0
    assert report["requests"] >= THREADS * MIN_REQUESTS
    assert set(report["by_status"]) == {"200", "404"}, report["by_status"]
    for path, versions in report["versions"].items():
        n = int(path.rstrip("/").rsplit("-", 1)[1])
        assert set(versions) <= written[n], (path, versions, written[n])

    # The server is still up, rebuilt under load, and ends on the last version of every article.
    assert served.process.poll() is None
    state = served.settled()
    assert state["errors"] == []
    assert state["builds"] >= builds_before + BURSTS
    for n, version in latest.items():
        page = served.text(f"/articles/article-{n}/")
        assert marker(n, version) in page, (n, version)
    assert "failed" not in served.stderr()


def test_the_load_checks_catch_incomplete_and_mixed_responses():
    from email.message import Message

    from tests.loadkit import check

    def headers(body: bytes, length: int | None = None) -> Message:
        message = Message()
        message["Content-Length"] = str(len(body) if length is None else length)
        return message

    page = {"path": "/a/", "kind": "html", "status": 200}
    article = {"path": "/articles/article-3/", "kind": "article", "status": 200, "article": 3}
    whole = b"<!DOCTYPE html><html><body>LOADMARK-3-1 LOADMARK-3-1</body></html>\n"
    assert check(article, 200, headers(whole), whole) is None
    assert check(page, 404, headers(whole), whole)  # wrong status
    assert check(page, 200, headers(whole, len(whole) + 9), whole)  # short body
    assert check(page, 200, headers(whole[:-12]), whole[:-12])  # truncated
    doubled = whole + whole
    assert check(page, 200, headers(doubled), doubled)  # two documents
    mixed = whole.replace(b"3-1 ", b"3-2 ")
    assert check(article, 200, headers(mixed), mixed)  # two versions in one page
    other = whole.replace(b"LOADMARK-3", b"LOADMARK-4")
    assert check(article, 200, headers(other), other)  # another article's page
    feed = {"path": "/atom.xml", "kind": "xml", "status": 200}
    assert check(feed, 200, headers(b"<feed><entry>"), b"<feed><entry>")
    css = {"path": "/s.css", "kind": "static", "status": 200, "sha256": "0" * 64}
    assert check(css, 200, headers(b"body{}"), b"body{}")

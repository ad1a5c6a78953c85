"""Concurrent HTTP load against a running `sitegen serve`, checking that every response is whole.

    python -m tests.loadkit PLAN.json

The plan (JSON) names the port, the thread count, the paths with what each must be, and how many
requests each thread sends: at least `min_requests`, then on until a line "stop" (or end of input)
arrives on stdin, and never more than `max_requests`. Each thread keeps one HTTP/1.1 connection
and opens a new one after a failure. One JSON report is printed on stdout.

What "whole" means, per path kind:
- every response: the expected status, and a body exactly as long as its Content-Length;
- "html" and "article": one `</html>`, at the end (a truncated or concatenated page fails);
- "article": every `LOADMARK-<n>-<version>` on the page names this article and one version
  (a page mixing two builds fails); the versions seen are reported for the caller to check;
- "xml": parses as XML;
- "static": its SHA-256 is the expected one.

Used by tests/e2e/test_serve_load.py (short, bounded) and bench/serve_load.py (longer, timed).
"""

from __future__ import annotations

import hashlib
import http.client
import json
import random
import re
import statistics
import sys
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

MARK = re.compile(rb"LOADMARK-(\d+)-(\d+)")
FAILURES_KEPT = 20


def marker(article: int, version: int) -> str:
    return f"LOADMARK-{article}-{version}"


@dataclass
class Tally:
    requests: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    connection_errors: int = 0
    bad_responses: int = 0
    failures: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    versions: dict[str, set[int]] = field(default_factory=dict)

    def fail(self, problem: str, *, connection: bool = False) -> None:
        if connection:
            self.connection_errors += 1
        else:
            self.bad_responses += 1
        if len(self.failures) < FAILURES_KEPT:
            self.failures.append(problem)


def check(spec: dict, status: int, headers: http.client.HTTPMessage, body: bytes) -> str | None:
    """What is wrong with one response, or None."""
    path, kind = spec["path"], spec["kind"]
    if status != spec["status"]:
        return f"{path}: status {status}, expected {spec['status']}"
    length = headers.get("Content-Length")
    if length is None or int(length) != len(body):
        return f"{path}: Content-Length {length} but {len(body)} bytes"
    whole_html = body.count(b"</html>") == 1 and body.rstrip().endswith(b"</html>")
    if kind in ("html", "article") and not whole_html:
        return f"{path}: not one whole HTML document ({len(body)} bytes)"
    if kind == "article":
        found = {(int(a), int(v)) for a, v in MARK.findall(body)}
        if len(found) != 1 or next(iter(found))[0] != spec["article"]:
            return f"{path}: markers {sorted(found)} (expected one version of {spec['article']})"
    if kind == "xml":
        try:
            ET.fromstring(body)
        except ET.ParseError as error:
            return f"{path}: XML does not parse ({error})"
    if kind == "static" and hashlib.sha256(body).hexdigest() != spec["sha256"]:
        return f"{path}: {len(body)} bytes that are not the published file"
    return None


def worker(plan: dict, tally: Tally, lock: threading.Lock, stop: threading.Event, seed: int):
    rng = random.Random(seed)
    specs = plan["paths"]
    connection: http.client.HTTPConnection | None = None
    sent = 0
    while sent < plan["max_requests"] and (sent < plan["min_requests"] or not stop.is_set()):
        spec = rng.choice(specs)
        sent += 1
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", plan["port"], timeout=30)
        started = time.perf_counter()
        try:
            connection.request("GET", spec["path"])
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            connection = None
            with lock:
                tally.requests += 1
                tally.fail(f"{spec['path']}: {error!r}", connection=True)
            continue
        elapsed = time.perf_counter() - started
        problem = check(spec, response.status, response.headers, body)
        if response.will_close:
            connection.close()
            connection = None
        with lock:
            tally.requests += 1
            tally.latencies.append(elapsed)
            key = str(response.status)
            tally.by_status[key] = tally.by_status.get(key, 0) + 1
            if problem:
                tally.fail(problem)
            elif spec["kind"] == "article":
                version = int(MARK.search(body).group(2))
                tally.versions.setdefault(spec["path"], set()).add(version)
    if connection is not None:
        connection.close()


def run(plan: dict, stop: threading.Event) -> dict:
    """Send the load; returns the report (also what the command prints)."""
    tally, lock = Tally(), threading.Lock()
    threads = [
        threading.Thread(target=worker, args=(plan, tally, lock, stop, seed), daemon=True)
        for seed in range(plan["threads"])
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies = sorted(tally.latencies)
    return {
        "requests": tally.requests,
        "seconds": wall,
        "requests_per_second": tally.requests / wall if wall else 0.0,
        "by_status": tally.by_status,
        "connection_errors": tally.connection_errors,
        "bad_responses": tally.bad_responses,
        "failures": tally.failures,
        "latency_median_ms": 1000 * statistics.median(latencies) if latencies else None,
        "latency_p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else None,
        "latency_max_ms": 1000 * latencies[-1] if latencies else None,
        "versions": {path: sorted(seen) for path, seen in tally.versions.items()},
    }


def _wait_for_stop(stop: threading.Event) -> None:
    for line in sys.stdin:
        if line.strip() == "stop":
            break
    stop.set()


def main(argv: list[str]) -> int:
    with open(argv[0], encoding="utf-8") as file:
        plan = json.load(file)
    stop = threading.Event()
    threading.Thread(target=_wait_for_stop, args=(stop,), daemon=True).start()
    print(json.dumps(run(plan, stop)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


# --- the site under load (shared by the test and the benchmark) --------------------------------


def load_article_text(n: int, version: int) -> str:
    """Article `n` at `version` as Markdown; the body length changes with the version."""
    import datetime as dt

    from sitegen.content import dump_article
    from sitegen.model import Article

    filler = " ".join(f"Paragraph {i} of version {version}." for i in range(version % 7 + 1))
    body = (
        f"First paragraph {marker(n, version)} of article {n}.\n\n"
        + f"{filler}\n\n" * (version % 5 + 1)
        + f"Last paragraph {marker(n, version)}."
    )
    article = Article(
        id=f"tag:example.org,2024:load-{n}",
        title=f"Load article {n}",
        slug=f"article-{n}",
        body=body,
        date=dt.date(2024, 1, 1) + dt.timedelta(days=n),
        sections=("World", "Europe" if n % 2 else "Asia"),
        publisher="Example Wire",
    )
    return dump_article(article)


def make_load_site(root, count: int) -> None:
    """A site folder with `count` articles, each at version 0."""
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (root / "content" / "seeds").mkdir()
    for n in range(1, count + 1):
        (articles / f"article-{n}.md").write_text(load_article_text(n, 0), encoding="utf-8")


def site_paths(output, missing: int = 5) -> list[dict]:
    """What the load asks for: every published file (by kind) plus `missing` paths that 404."""
    specs: list[dict] = []
    for file in sorted(output.rglob("*")):
        if not file.is_file() or file.name == "404.html":
            continue
        relative = file.relative_to(output).as_posix()
        if file.name == "index.html":
            path = "/" + relative[: -len("index.html")]
            parts = relative.split("/")
            if parts[0] == "articles" and len(parts) == 3:
                number = int(parts[1].rsplit("-", 1)[1])
                specs.append({"path": path, "kind": "article", "status": 200, "article": number})
            else:
                specs.append({"path": path, "kind": "html", "status": 200})
        elif file.suffix == ".xml":
            specs.append({"path": "/" + relative, "kind": "xml", "status": 200})
        else:
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
            specs.append(
                {"path": "/" + relative, "kind": "static", "status": 200, "sha256": digest}
            )
    specs += [
        {"path": f"/no-such-page-{i}/", "kind": "html", "status": 404} for i in range(missing)
    ]
    return specs

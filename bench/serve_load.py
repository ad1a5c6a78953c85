"""Load on the preview server: requests/s, latency and errors while articles are edited.

    python bench/serve_load.py [--seconds 30] [--threads 8] [--articles 30] [--edit-every 0.5]

Starts `sitegen serve` on a free 127.0.0.1 port against a throw-away site, runs the load client
of tests/loadkit.py in a second process for `--seconds` (every response checked whole, as in
tests/e2e/test_serve_load.py), and meanwhile saves one article atomically every `--edit-every`
seconds (0: no edits) so the site is rebuilt under load. Prints the figures. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.loadkit import load_article_text, make_load_site, site_paths  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__sitegen/status", timeout=10) as r:
        return json.load(r)


def wait_ready(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("sitegen serve exited before its first build")
        try:
            if status(port)["builds"] >= 1:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("sitegen serve did not finish its first build in 60 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--edit-every", type=float, default=0.5)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sitegen-serve-load-"))
    root = work / "site"
    make_load_site(root, args.articles)
    port = free_port()
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--port", str(port)],
        cwd=root,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "serve.err", "wb"),  # noqa: SIM115
        stdin=subprocess.DEVNULL,
    )
    client = None
    try:
        wait_ready(port, server)
        plan = {
            "port": port,
            "threads": args.threads,
            "min_requests": 0,
            "max_requests": 10**9,
            "paths": site_paths(root / "public"),
        }
        (work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
        builds_before = status(port)["builds"]
        client = subprocess.Popen(
            [sys.executable, "-m", "tests.loadkit", str(work / "plan.json")],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        edits, version = 0, 0
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            if args.edit_every > 0:
                n = edits % args.articles + 1
                version = edits // args.articles + 1
                path = root / "content" / "articles" / f"article-{n}.md"
                temp = path.with_name(f".{path.name}.tmp")
                temp.write_text(load_article_text(n, version), encoding="utf-8")
                os.replace(temp, path)
                edits += 1
                time.sleep(args.edit_every)
            else:
                time.sleep(min(1.0, max(0.0, end - time.monotonic())))
        out, _ = client.communicate("stop\n", timeout=120)
        report = json.loads(out)
        alive = server.poll() is None
        builds = status(port)["builds"] - builds_before if alive else None
    finally:
        if client is not None and client.poll() is None:
            client.kill()
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)

    errors = report["connection_errors"] + report["bad_responses"]
    print(f"sitegen serve, {args.articles} articles, {args.threads} client threads, 127.0.0.1")
    print(f"  duration         {report['seconds']:.1f} s, {edits} article saves, {builds} rebuilds")
    print(f"  requests         {report['requests']}  (by status: {report['by_status']})")
    print(f"  requests/s       {report['requests_per_second']:.0f}")
    print(
        f"  latency          median {report['latency_median_ms']:.1f} ms, "
        f"p95 {report['latency_p95_ms']:.1f} ms, max {report['latency_max_ms']:.0f} ms"
    )
    print(
        f"  errors           {errors} (connection {report['connection_errors']}, "
        f"incomplete or wrong {report['bad_responses']})"
    )
    for failure in report["failures"]:
        print(f"    {failure}")
    print(f"  server up after  {'yes' if alive else 'NO'}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if errors == 0 and alive else 1


if __name__ == "__main__":
    sys.exit(main())

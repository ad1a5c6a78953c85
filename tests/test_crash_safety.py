"""Crash safety: `sitegen build` and `sitegen import` killed with SIGKILL at random moments.

After every kill, `public/` is byte for byte either the previous complete site or the new complete
site, `content/` is untouched by the build, and every `content/articles/*.md` the import left
behind is whole: byte-identical to what a complete import writes, and loadable.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitegen.content import dump_article, load_article
from sitegen.site import load_articles
from tests.sitegen_testkit import article

SAMPLES = Path(__file__).parent / "data" / "samples" / "articles"
SEEDS = Path(__file__).parent / "data" / "seeds"
RNG = random.Random(int(os.environ.get("CRASH_SEED", "20261123")))
BUILD_KILLS = 5
IMPORT_KILLS = 5


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file (and empty folder) under `folder`: relative path → sha256 of its bytes."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir() and not any(path.iterdir()):
            found[rel + "/"] = "empty folder"
    return found


REPO = Path(__file__).resolve().parents[1]
_FROZEN: list[Path] = []


@pytest.fixture(scope="module", autouse=True)
def frozen_code(tmp_path_factory) -> None:
    """Run one copy of the code for the whole module, so every build compares like with like."""
    folder: Path = tmp_path_factory.mktemp("frozen-code")
    shutil.copytree(REPO / "sitegen", folder / "sitegen", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copytree(REPO / "themes", folder / "themes")
    _FROZEN[:] = [folder]
    yield
    _FROZEN.clear()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(p) for p in _FROZEN] + [str(REPO)])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def sitegen(*args: str, root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sitegen", *args, "--root", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=_env(),
        cwd=_FROZEN[0],
    )


def run_to_end(*args: str, root: Path) -> float:
    start = time.monotonic()
    process = sitegen(*args, root=root)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err.decode()
    return time.monotonic() - start


def _delay(i: int, count: int, normal: float) -> float:
    """A random moment in [0, normal): one in each of `count` equal slices, so all are covered."""
    return normal * (i + RNG.random()) / count


def kill_after(process: subprocess.Popen, delay: float) -> bool:
    """SIGKILL the process after `delay` seconds; True when it was still running."""
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        pass
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    process.stderr.close()
    return True


# --- build ------------------------------------------------------------------------------------


@pytest.fixture
def big_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    seeds = root / "content" / "seeds"
    seeds.mkdir(parents=True)
    for raw in [*SEEDS.glob("*.txt"), *SAMPLES.glob("*.txt")]:
        shutil.copy(raw, seeds / raw.name)
    articles = root / "content" / "articles"
    articles.mkdir()
    for n in range(25):
        item = article(n, slug=f"generated-{n}", sections=("World", f"Desk {n % 7}"))
        (articles / f"generated-{n}.md").write_text(dump_article(item), encoding="utf-8")
    return root


EXTRA = article(
    999, slug="extra-story", title="An extra story that comes and goes", sections=("Extra",)
)


def _leftovers(root: Path) -> list[str]:
    """Folders a killed build left beside `public/`."""
    return sorted(p.name for p in root.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def _toggle(root: Path, present: bool) -> None:
    path = root / "content" / "articles" / "extra-story.md"
    if present:
        path.write_text(dump_article(EXTRA), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)


def test_killed_build_leaves_old_or_new_site_and_content_untouched(big_site: Path) -> None:
    public = big_site / "public"
    # Two complete sites to switch between, built once each (the first run imports the seeds).
    _toggle(big_site, True)
    run_to_end("build", root=big_site)
    with_extra = tree_hashes(public)
    _toggle(big_site, False)
    normal = run_to_end("build", root=big_site)
    without_extra = tree_hashes(public)
    assert with_extra != without_extra
    normal = max(normal, run_to_end("build", root=big_site))
    assert tree_hashes(public) == without_extra, "the build is not deterministic"
    sites = {True: with_extra, False: without_extra}

    state = False
    killed = 0
    for i in range(BUILD_KILLS):
        before = sites[state]
        assert tree_hashes(public) == before
        state = not state
        _toggle(big_site, state)
        content = tree_hashes(big_site / "content")
        process = sitegen("build", root=big_site)
        killed += kill_after(process, _delay(i, BUILD_KILLS, normal))
        assert tree_hashes(big_site / "content") == content, "the build changed content/"
        assert public.is_dir(), "public/ vanished after a killed build"
        now = tree_hashes(public)
        assert now in (before, sites[state]), (
            f"public/ is neither the old nor the new site: "
            f"{len(set(now.items()) ^ set(before.items()))} files differ from the old one"
        )
        if now == before:
            # Killed before publishing: the next complete build publishes the new site.
            run_to_end("build", root=big_site)
            assert tree_hashes(public) == sites[state]
    assert killed >= BUILD_KILLS // 2, f"only {killed} of {BUILD_KILLS} builds were interrupted"
    # Nothing a killed build left beside public/ survives the next complete build.
    run_to_end("build", root=big_site)
    assert _leftovers(big_site) == []
    assert tree_hashes(public) == sites[state]


def test_subprocesses_run_the_frozen_copy() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import sitegen; print(sitegen.__file__)"],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=_FROZEN[0],
        check=True,
    ).stdout
    assert out.startswith(str(_FROZEN[0])), out


def test_killed_first_build_leaves_no_public(tmp_path: Path, big_site: Path) -> None:
    """Before any complete build, a killed build leaves no `public/` at all, or a complete one."""
    reference = tmp_path / "reference"
    shutil.copytree(big_site, reference)
    run_to_end("build", root=reference)
    complete = tree_hashes(reference / "public")
    for n in range(2):
        root = tmp_path / f"first-{n}"
        shutil.copytree(big_site, root)
        # The import inside the build is itself atomic per file; run it first so only the render
        # and publish steps can be interrupted.
        run_to_end("import", root=root)
        process = sitegen("build", root=root)
        kill_after(process, RNG.uniform(0.3, 1.2))
        public = root / "public"
        assert not public.exists() or tree_hashes(public) == complete


# --- import -----------------------------------------------------------------------------------


def _raw_variants(folder: Path, count: int) -> None:
    """`count` distinct raw articles (different titles and text) made from the samples."""
    samples = sorted(SAMPLES.glob("*.txt"))
    for n in range(count):
        text = samples[n % len(samples)].read_text(encoding="utf-8")
        title, rest = text.split("\n", 1)
        words = ["north", "south", "river", "market", "school", "bridge", "harbour", "forest"]
        twist = f"{words[n % 8]} {words[(n // 8) % 8]} {n}"
        body = f"{rest.rstrip()}\n\nThe {twist} report was filed as number {n} of the day.\n"
        (folder / f"r{n:03d}.txt").write_text(f"{title} ({twist})\n{body}", encoding="utf-8")


def test_killed_import_writes_each_markdown_file_whole_or_not_at_all(tmp_path: Path) -> None:
    template = tmp_path / "template"
    (template / "content" / "seeds").mkdir(parents=True)
    (template / "content" / "articles").mkdir()
    _raw_variants(template / "content" / "seeds", 30)

    reference = tmp_path / "reference"
    shutil.copytree(template, reference)
    normal = run_to_end("import", root=reference)
    expected = tree_hashes(reference / "content" / "articles")
    assert len(expected) == 30, sorted(expected)

    partial_runs = 0
    for i in range(IMPORT_KILLS + 1):
        root = tmp_path / f"run-{i}"
        shutil.copytree(template, root)
        articles = root / "content" / "articles"
        if i == IMPORT_KILLS:
            # One kill that surely lands mid-import: at the 15th file, its temp file written.
            _kill_import_at(15, root)
        else:
            process = sitegen("import", root=root)
            kill_after(process, _delay(i, IMPORT_KILLS, normal))
        found = tree_hashes(articles)
        markdown = {name: sha for name, sha in found.items() if name.endswith(".md")}
        partial_runs += 0 < len(markdown) < len(expected)
        for name, sha in markdown.items():
            assert name in expected, f"{name}: a file a complete import does not write"
            assert sha == expected[name], f"{name}: not the whole file"
            text = (articles / name).read_text(encoding="utf-8")
            assert load_article(text, articles / name).slug == name[:-3]
        # Anything else is the importer's hidden temporary file, never read as an article.
        for name in set(found) - set(markdown):
            assert name.startswith(".") and name.endswith(".tmp"), name
        loaded = load_articles(articles)
        assert not loaded.errors, [str(e) for e in loaded.errors]
        assert sorted(a.slug + ".md" for a in loaded.articles) == sorted(markdown)
        # Running the import again finishes the job: nothing lost, nothing doubled.
        run_to_end("import", root=root)
        assert {k: v for k, v in tree_hashes(articles).items() if k.endswith(".md")} == expected
        shutil.rmtree(root)
    assert partial_runs >= 1, "no kill landed in the middle of an import"


_KILL_IMPORT_AT = """
import os, signal, sys
count, root = int(sys.argv[1]), sys.argv[2]
real_replace, done = os.replace, [0]

def replace(source, target):
    # The importer writes a temp file, then renames it over the Markdown file: die in between.
    done[0] += 1
    if done[0] == count:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(source, target)

os.replace = replace
sys.argv = ["sitegen", "import", "--root", root]
from sitegen.cli import main
main()
"""


def _kill_import_at(count: int, root: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-c", _KILL_IMPORT_AT, str(count), str(root)],
        capture_output=True,
        timeout=60,
        env=_env(),
        cwd=_FROZEN[0],
    )
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()


_KILL_AT = """
import os, signal, sys
from pathlib import Path
mode, root = sys.argv[1], sys.argv[2]
real_rename, real_write = Path.rename, Path.write_bytes
written = 0
build_process = os.getpid()  # rendering may happen in forked workers: the whole build dies

def rename(self, target):
    # Where folders cannot be exchanged, the second rename of a publish moves the new folder
    # (the spare) onto `public`: die just before it.
    if mode == "swap" and "spare" in self.parts and Path(target).name == "public":
        os.kill(os.getpid(), signal.SIGKILL)
    return real_rename(self, target)

def write_bytes(self, data):
    global written
    written += 1
    if mode.startswith("write:") and written == int(mode[6:]):
        real_write(self, data[: len(data) // 2])  # half a file on disk, then death
        os.kill(build_process, signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)
    return real_write(self, data)

Path.rename, Path.write_bytes = rename, write_bytes

import sitegen.publish as publish_module
real_exchange = publish_module.exchange

def exchange(first, second):
    # Publishing swaps the two folders in one step: die right after it, before the cache knows.
    swapped = real_exchange(first, second)
    if mode == "swap":
        os.kill(os.getpid(), signal.SIGKILL)
    return swapped

publish_module.exchange = exchange
sys.argv = ["sitegen", "build", "--root", root]
from sitegen.cli import main
main()
"""


def _kill_at(mode: str, root: Path) -> None:
    process = subprocess.run(
        [sys.executable, "-c", _KILL_AT, mode, str(root)],
        capture_output=True,
        timeout=60,
        env=_env(),
        cwd=_FROZEN[0],
    )
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()


def test_kill_in_the_middle_of_writing_a_file_keeps_the_old_site(big_site: Path) -> None:
    run_to_end("build", root=big_site)
    before = tree_hashes(big_site / "public")
    _toggle(big_site, True)
    for n in (1, 40):
        _kill_at(f"write:{n}", big_site)
        assert tree_hashes(big_site / "public") == before
    run_to_end("build", root=big_site)
    assert _leftovers(big_site) == []
    assert tree_hashes(big_site / "public") != before


def test_kill_between_the_renames_of_publish_keeps_a_site(tmp_path: Path, big_site: Path) -> None:
    """The worst moment of publishing: killed while the old and the new site change places."""
    run_to_end("build", root=big_site)
    before = tree_hashes(big_site / "public")
    _toggle(big_site, True)
    reference = tmp_path / "reference"
    shutil.copytree(big_site, reference)
    run_to_end("build", root=reference)
    after = tree_hashes(reference / "public")
    _kill_at("swap", big_site)
    public = big_site / "public"
    assert public.is_dir(), (
        "public/ is missing after a kill between the two renames: "
        f"{sorted(p.name for p in big_site.iterdir())}"
    )
    assert tree_hashes(public) in (before, after)

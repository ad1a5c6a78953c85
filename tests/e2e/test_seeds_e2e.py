"""`sitegen build` on the real seeds and the bad samples: import first, then the whole site."""

from __future__ import annotations

import shutil
from pathlib import Path

import feedparser
import lxml.html
from click.testing import CliRunner

from sitegen.build import build_site
from sitegen.cli import cli
from sitegen.config import Project
from sitegen.errors import RefusedInput
from tests.conftest import BAD


def _article(public: Path, title_start: str):
    for path in sorted((public / "articles").glob("*/index.html")):
        doc = lxml.html.parse(str(path)).getroot()
        if doc.xpath("string(//h1)").startswith(title_start):
            return doc
    raise AssertionError(f"no article page titled {title_start!r}")


def _words(element) -> str:
    return " ".join(element.text_content().split())


def test_build_imports_the_seeds_and_publishes_their_attribution(site):
    result = build_site(Project(site))
    assert result.ok, [str(e) for e in result.errors]
    assert result.articles == 2
    assert len(list((site / "content" / "articles").glob("*.md"))) == 2

    novaya = _article(result.output, "Putin arrives in North Korea on first state visit")
    figures = novaya.xpath("//figure")
    assert len(figures) == 1  # the caption printed twice in the paste is one photo
    assert "Photo: EPA-EFE / GAVRIIL GRIGOROV / SPUTNIK / KREMLIN POOL" in _words(figures[0])
    story = _words(novaya.xpath('//article[contains(@class, "story")]')[0])
    assert story.count("motorcade passes Pyongyang’s Arch of Triumph") == 1
    box = novaya.xpath('//aside[@class="attribution"]')[0]
    assert "Novaya Gazeta Europe" in _words(box)
    cites = box.xpath('.//ul[@class="cites"]/li/text()')
    assert {"TASS", "Interfax"} <= set(cites)
    assert any(c in ("Rodong Sinmun", "Rodong Sinmum") for c in cites)

    plain = _article(result.output, "Russian President Vladimir Putin Arrives")
    box = _words(plain.xpath('//aside[@class="attribution"]')[0])
    assert "publisher not identified" in box and "IRNA" in box
    assert "Pyongyang" in _words(plain.xpath('//p[@class="dates"]')[0])

    parsed = feedparser.parse((result.output / "atom.xml").read_bytes())
    assert not parsed.bozo and len(parsed.entries) == 2
    # A second build imports nothing new and publishes the same bytes.
    first = {p: p.read_bytes() for p in sorted(result.output.rglob("*")) if p.is_file()}
    again = build_site(Project(site))
    assert again.ok and again.warnings == ()
    assert {p: p.read_bytes() for p in sorted(again.output.rglob("*")) if p.is_file()} == first


def test_refused_seeds_fail_the_build_but_the_rest_is_published(site):
    for name in ("empty.txt", "binary.txt", "script_injection.txt", "cp1251.txt", "rtl_mixed.txt"):
        shutil.copy(BAD / name, site / "content" / "seeds" / name)
    result = build_site(Project(site))
    assert result.published and not result.ok
    refused = {e.path.name for e in result.errors if isinstance(e, RefusedInput)}
    assert refused == {"empty.txt", "binary.txt"}
    assert result.articles == 5
    for page in result.output.rglob("*.html"):
        doc = lxml.html.parse(str(page)).getroot()
        assert [s.get("type") for s in doc.xpath("//script")] in ([], ["application/ld+json"])
        assert not doc.xpath("//@*[starts-with(name(), 'on')]")

    run = CliRunner().invoke(cli, ["build", "--root", str(site)])
    assert run.exit_code == 1
    lines = run.stderr.strip().splitlines()
    assert any(line.startswith("sitegen: ") and "empty.txt" in line for line in lines)
    assert lines[-1].startswith("built 5 article(s)") and "2 error(s)" in lines[-1]

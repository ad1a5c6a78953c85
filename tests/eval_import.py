"""Extraction quality: run `sitegen extract --json` over raw articles, score it against gold.

    python tests/eval_import.py ARTICLES_DIR GOLD_JSON [--verbose]

Prints per-field accuracy and exits 1 when any field is below 100%. Comparison rules are those of
`samples/README.md` (normalisation, case-insensitive sets, aliases, leading "The").
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

FIELDS = (
    "title", "sections", "standfirst", "dateline_place", "date", "authors", "publisher",
    "photos", "cited_sources", "paragraphs", "must_contain", "must_not_contain",
)  # fmt: skip


def norm(text: str | None) -> str | None:
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub("[\u200b\u2060\ufeff\u00ad]", "", text)
    text = re.sub("[\u00a0\u202f\u2007\u3000]", " ", text)
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n"))


def fold(name: str, aliases: dict[str, str]) -> str:
    name = norm(name).casefold()
    name = aliases.get(name, name)
    return name[4:] if name.startswith("the ") else name


def alias_map(gold: dict) -> dict[str, str]:
    mapping = {}
    for canonical, others in gold.get("aliases", {}).items():
        for other in [canonical, *others]:
            mapping[norm(other).casefold()] = norm(canonical).casefold()
    return mapping


def field_ok(name: str, want: dict, got: dict, aliases: dict[str, str]) -> bool:
    body = norm(got["body"])
    if name == "must_contain":
        return all(norm(s) in body for s in want.get("must_contain", []))
    if name == "must_not_contain":
        return all(norm(s) not in body for s in want.get("must_not_contain", []))
    if name in ("title", "standfirst"):
        return norm(want[name]) == norm(got[name])
    if name == "dateline_place":
        w, g = want[name], got[name]
        return (w is None and g is None) or (
            w is not None and g is not None and norm(w).casefold() == norm(g).casefold()
        )
    if name == "sections":
        return [norm(s).casefold() for s in want[name]] == [norm(s).casefold() for s in got[name]]
    if name == "authors":
        return {norm(a).casefold() for a in want[name]} == {norm(a).casefold() for a in got[name]}
    if name == "publisher":
        w, g = want[name], got[name]
        if w is None or g is None:
            return w is g
        accepted = {fold(w, aliases)} | {
            fold(a, aliases) for a in want.get("publisher_aliases", [])
        }
        return fold(g, aliases) in accepted
    if name == "cited_sources":
        required = {fold(s, aliases) for s in want[name]}
        optional = {fold(s, aliases) for s in want.get("cited_sources_optional", [])}
        got_set = {fold(s, aliases) for s in got[name]}
        return required <= got_set <= required | optional
    if name == "photos":
        if len(want[name]) != len(got[name]):
            return False
        return all(
            norm(w["caption"]) == norm(g["caption"])
            and norm(w["credit"]) == norm(g["credit"])
            and [norm(p) for p in w["credit_parts"]] == [norm(p) for p in g["credit_parts"]]
            for w, g in zip(want[name], got[name], strict=True)
        )
    return want[name] == got[name]


def extract(files: list[Path]) -> dict[str, dict]:
    command = [sys.executable, "-m", "sitegen", "extract", "--json", *map(str, files)]
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8")
    if result.stderr:
        print(result.stderr, file=sys.stderr, end="")
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {r["file"]: r for r in records}


def misses(articles: Path, gold_path: Path, verbose: bool = False) -> dict[str, set[str]]:
    """For each field, the files whose extraction gets it wrong."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    aliases = alias_map(gold)
    wanted = gold["articles"]
    got = extract([articles / name for name in wanted])
    wrong: dict[str, set[str]] = {name: set() for name in FIELDS}
    for name in FIELDS:
        for file_name, want in wanted.items():
            record = got.get(file_name)
            if record is None or not field_ok(name, want, record, aliases):
                wrong[name].add(file_name)
                if verbose:
                    print(f"  MISS {name:16} {file_name}: got {record and record.get(name)!r}")
    return wrong


def evaluate(articles: Path, gold_path: Path, verbose: bool = False) -> dict[str, float]:
    """Each field's share of files extracted right."""
    count = len(json.loads(gold_path.read_text(encoding="utf-8"))["articles"])
    wrong = misses(articles, gold_path, verbose)
    return {name: 1 - len(files) / count for name, files in wrong.items()}


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    scores = evaluate(Path(args[0]), Path(args[1]), verbose="--verbose" in sys.argv)
    for name, score in scores.items():
        print(f"{name:18} {score:7.1%}")
    overall = sum(scores.values()) / len(scores)
    print(f"{'overall':18} {overall:7.1%}")
    return 0 if all(s == 1.0 for s in scores.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

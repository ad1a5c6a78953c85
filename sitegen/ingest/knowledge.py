"""Knowledge that is data: agencies, outlet fingerprints, boilerplate, words of dates and bylines.

The package ships `ingest/data/*.toml`; a site adds to them with files of the same names in
`content/knowledge/`. Lists are concatenated and tables merged, so a site can teach the importer a
new agency or footer without touching code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sitegen.errors import ConfigError

DATA_DIR = Path(__file__).parent / "data"
DATA_FILES = ("agencies", "outlets", "boilerplate", "language")
SITE_KNOWLEDGE_DIR = "knowledge"


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    patterns: tuple[re.Pattern[str], ...]
    owners: tuple[str, ...]
    agency: str | None = None  # the agency the outlet is (apnews.com is AP): never its own source


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything the importer knows beyond the text in front of it."""

    agency_names: dict[str, str]  # casefolded spelling → canonical name
    agency_names_printed: frozenset[str]  # every spelling as listed
    outlets: tuple[Outlet, ...]
    boilerplate_lines: frozenset[str]
    boilerplate_patterns: tuple[re.Pattern[str], ...]
    related_openers: frozenset[str]
    subscribe_buttons: frozenset[str]
    footer_markers: tuple[re.Pattern[str], ...]
    months: dict[str, int]
    published_labels: tuple[str, ...]
    updated_labels: tuple[str, ...]
    year_suffixes: tuple[str, ...]
    weekdays: frozenset[str]
    date_fillers: frozenset[str]
    timezones: dict[str, int]
    byline_prefixes: tuple[str, ...]
    byline_conjunctions: tuple[str, ...]
    job_titles: frozenset[str]
    author_bio_verbs: tuple[str, ...]
    credit_labels: tuple[str, ...]
    credit_trailing: tuple[str, ...]
    credit_separators: tuple[str, ...]
    caption_toggles: frozenset[str]
    image_markers: frozenset[str]
    photo_agencies: frozenset[str]
    source_labels: tuple[str, ...]
    cite_before: tuple[str, ...]
    cite_after: tuple[str, ...]
    media_nouns: tuple[str, ...]
    outlet_words: frozenset[str]
    strong_outlet_words: frozenset[str]
    job_nouns: frozenset[str]
    breadcrumb_separators: tuple[str, ...]
    home_labels: frozenset[str]
    kicker_words: frozenset[str]
    published_in: frozenset[str]
    self_descriptions: tuple[re.Pattern[str], ...]
    place_particles: frozenset[str]
    language_words: dict[str, frozenset[str]]
    # Cue words of source lines ("Avec AFP", "With files from …"), by kind (see source_lines).
    source_lines: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Reporting verbs that close the clause after the name ("der „Spiegel“ … berichtet").
    cite_clause_end: tuple[str, ...] = ()

    def canonical_source(self, name: str) -> str | None:
        """The canonical name of a known agency or outlet spelling, or None."""
        return self.agency_names.get(name.casefold())


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if key in merged and isinstance(merged[key], dict) and isinstance(value, dict):
            merged[key] = _merge(merged[key], value)
        elif key in merged and isinstance(merged[key], list) and isinstance(value, list):
            merged[key] = merged[key] + value
        else:
            merged[key] = value
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read knowledge file ({error})", path) from None


def _compile(patterns: list[str], path_hint: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as error:
            raise ConfigError(f"bad pattern {pattern!r} ({error})", path_hint) from None
    return tuple(compiled)


def _lower(words: list[str]) -> tuple[str, ...]:
    # Longest first, so "published on" is tried before "published".
    return tuple(sorted({w.casefold() for w in words}, key=lambda w: (-len(w), w)))


def build_knowledge(data: dict[str, dict[str, Any]]) -> Knowledge:
    """Turn the merged TOML tables into a Knowledge object with compiled patterns."""
    agencies = data["agencies"].get("agency", [])
    agency_names: dict[str, str] = {}
    for entry in agencies:
        for spelling in [entry["name"], *entry.get("aliases", [])]:
            agency_names[spelling.casefold()] = entry["name"]
    outlets = tuple(
        Outlet(
            name=entry["name"],
            patterns=_compile(entry.get("patterns", []), "outlets.toml"),
            owners=tuple(entry.get("owners", [])),
            agency=entry.get("agency"),
        )
        for entry in data["outlets"].get("outlet", [])
    )
    boiler = data["boilerplate"]
    lang = data["language"]
    dates, bylines, credits = lang["dates"], lang["bylines"], lang["credits"]
    cites, structure = lang["citations"], lang["structure"]
    return Knowledge(
        agency_names=agency_names,
        agency_names_printed=frozenset(
            s for e in agencies for s in [e["name"], *e.get("aliases", [])]
        ),
        outlets=outlets,
        boilerplate_lines=frozenset(line.casefold() for line in boiler.get("lines", [])),
        boilerplate_patterns=_compile(boiler.get("patterns", []), "boilerplate.toml"),
        related_openers=frozenset(line.casefold() for line in boiler.get("related_openers", [])),
        footer_markers=_compile(boiler.get("footer_markers", []), "boilerplate.toml"),
        subscribe_buttons=frozenset(b.casefold() for b in boiler.get("subscribe_buttons", [])),
        months={k.casefold(): int(v) for k, v in lang["months"].items()},
        published_labels=_lower(dates["published_labels"]),
        updated_labels=_lower(dates["updated_labels"]),
        year_suffixes=_lower(dates["year_suffixes"]),
        weekdays=frozenset(w.casefold() for w in dates["weekdays"]),
        date_fillers=frozenset(w.casefold() for w in dates["fillers"]),
        timezones={k.upper(): int(v) for k, v in lang["timezones"].items()},
        byline_prefixes=_lower(bylines["prefixes"]),
        byline_conjunctions=_lower(bylines["conjunctions"]),
        job_titles=frozenset(t.casefold() for t in bylines["titles"]),
        author_bio_verbs=_lower(bylines.get("bio_verbs", [])),
        credit_labels=_lower(credits["labels"]),
        credit_trailing=_lower(credits["trailing"]),
        credit_separators=tuple(credits["separators"]),
        caption_toggles=frozenset(t.casefold() for t in credits.get("caption_toggles", [])),
        image_markers=frozenset(m.casefold() for m in credits.get("image_markers", [])),
        photo_agencies=frozenset(a.casefold() for a in credits["photo_agencies"]),
        source_labels=_lower(cites["source_labels"]),
        cite_before=_lower(cites["before"]),
        cite_after=_lower(cites["after"]),
        media_nouns=_lower(cites["media_nouns"]),
        outlet_words=frozenset(w.casefold() for w in cites["outlet_words"]),
        strong_outlet_words=frozenset(w.casefold() for w in cites["strong_outlet_words"]),
        job_nouns=frozenset(w.casefold() for w in cites["job_nouns"]),
        breadcrumb_separators=tuple(structure["breadcrumb_separators"]),
        home_labels=frozenset(h.casefold() for h in structure["home_labels"]),
        kicker_words=frozenset(w.casefold() for w in structure.get("kicker_words", [])),
        published_in=frozenset(p.casefold() for p in structure["published_in"]),
        self_descriptions=_compile(structure["self_descriptions"], "language.toml"),
        place_particles=frozenset(p.casefold() for p in structure["place_particles"]),
        language_words={k: frozenset(v) for k, v in lang["languages"].items()},
        source_lines={k: _lower(v) for k, v in cites.get("source_lines", {}).items()},
        cite_clause_end=_lower(cites.get("clause_end", [])),
    )


@cache
def _packaged() -> dict[str, dict[str, Any]]:
    return {name: _read_toml(DATA_DIR / f"{name}.toml") for name in DATA_FILES}


def load_knowledge(content_dir: Path | None = None) -> Knowledge:
    """The packaged knowledge, extended by the site's `content/knowledge/*.toml` when present."""
    data = _packaged()
    if content_dir is not None:
        site_dir = content_dir / SITE_KNOWLEDGE_DIR
        extra = {
            name: _read_toml(site_dir / f"{name}.toml")
            for name in DATA_FILES
            if (site_dir / f"{name}.toml").is_file()
        }
        if extra:
            return build_knowledge({n: _merge(data[n], extra.get(n, {})) for n in DATA_FILES})
    return _default_knowledge()


@cache
def _default_knowledge() -> Knowledge:
    return build_knowledge(_packaged())

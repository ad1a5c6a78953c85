from __future__ import annotations

import pytest

from sitegen.ingest import Extractor
from sitegen.ingest.knowledge import load_knowledge
from sitegen.ingest.source_lines import SourceLineReader


@pytest.fixture(scope="module")
def reader() -> SourceLineReader:
    return SourceLineReader(load_knowledge())


@pytest.mark.parametrize(
    ("line", "agencies"),
    [
        ("pg/se (afp, dpa, rtr)", ("AFP", "dpa", "Reuters")),
        ("mm/wd (AP, Reuters)", ("AP", "Reuters")),
        ("(dpa)", ("dpa",)),
        ("Quelle: ntv.de, mli/dpa/AFP", ("dpa", "AFP")),
        ("Quelle: ZEIT ONLINE, dpa, AFP, til", ("dpa", "AFP")),
        ("jpz/dpa/AFP", ("dpa", "AFP")),
        ("Avec AFP", ("AFP",)),
        ("avec AFP et Reuters", ("AFP", "Reuters")),
        ("mit Material von dpa und AFP", ("dpa", "AFP")),
        ("Ouest-France avec AFP", ("AFP",)),
        ("Le Monde avec AFP et Reuters", ("AFP", "Reuters")),
        ("With files from The Canadian Press and Reuters", ("CP", "Reuters")),
        ("Reuters contributed to this report.", ("Reuters",)),
        ("Additional reporting by Jane Roe in Lisbon and Reuters", ("Reuters",)),
        ("Associated Press writer Jane Roe contributed to this report.", ("AP",)),
        ("Additional reporting by Jane Roe", ()),
    ],
)
def test_source_lines_credit_their_agencies(
    reader: SourceLineReader, line: str, agencies: tuple[str, ...]
) -> None:
    source = reader.read(line)
    assert source is not None
    assert source.agencies == agencies


@pytest.mark.parametrize(
    "line",
    [
        "Quelle: picture alliance/dpa/Philipp Schulze",  # a photo credit
        "Source: Getty Images",
        "With the election looming, the party split.",
        "Avec le soutien de la région",
        "Hamburg (dpa)",  # a dateline's opening, not a line of its own
        "The BBC announced job cuts.",
        "Mehr zum Thema",
        "and/or",
        "AFP",
    ],
)
def test_lines_that_are_not_source_lines(reader: SourceLineReader, line: str) -> None:
    assert reader.read(line) is None


_ARTICLE = """Ferry runs aground off the coast in a storm
A ferry with 300 passengers on board ran aground near the harbour on Tuesday evening, the coastguard said.
The passengers spent the night on board because rescue boats could not come alongside in the heavy seas.
A caption of a tug boat at work in the harbour.
Source: dpa
Two tugs began to pull the ship free on Wednesday morning, and the operator handed out blankets and food.
{closing}
More on this topic
Imprint
"""


@pytest.mark.parametrize(
    ("closing", "cited"),
    [
        ("pg/se (afp, dpa, rtr)", ["AFP", "dpa", "Reuters"]),
        ("Reuters contributed to this report.", ["Reuters"]),
        ("Avec AFP", ["AFP"]),
    ],
)
def test_a_closing_source_line_is_credited_and_not_a_paragraph(
    extractor: Extractor, closing: str, cited: list[str]
) -> None:
    extraction = extractor.extract(_ARTICLE.format(closing=closing))
    assert sorted(extraction.cited_sources) == sorted(cited)
    assert closing not in extraction.body_text()
    without = extractor.extract(_ARTICLE.format(closing=""))
    assert len(extraction.paragraphs) == len(without.paragraphs)


def test_a_labelled_credit_under_a_caption_is_no_source(extractor: Extractor) -> None:
    """'Source: dpa' with the story going on below it credits a photo, not the text."""
    extraction = extractor.extract(_ARTICLE.format(closing=""))
    assert extraction.cited_sources == ()


def test_outlet_with_agency_in_the_meta_block(extractor: Extractor) -> None:
    text = (
        "La deuxième ligne de tramway ouvrira finalement en septembre 2026\n"
        "Prévue pour la rentrée, la mise en service de la ligne est repoussée d’un an.\n"
        "Ouest-France avec AFP\n"
        "Publié le 05/03/2025 à 18h31\n"
        "Les Brestois devront patienter un an de plus, a annoncé mercredi la métropole.\n"
        "En cause : des retards dans la livraison des nouvelles rames par le constructeur.\n"
    )
    extraction = extractor.extract(text)
    assert extraction.cited_sources == ("AFP",)
    assert extraction.standfirst.startswith("Prévue pour la rentrée")
    assert len(extraction.paragraphs) == 2

from __future__ import annotations

import pytest

from sitegen.ingest import Extractor
from sitegen.ingest.credits import CreditReader
from sitegen.ingest.knowledge import load_knowledge
from sitegen.ingest.publisher import PublisherReader


@pytest.fixture(scope="module")
def reader() -> PublisherReader:
    knowledge = load_knowledge()
    return PublisherReader(knowledge, CreditReader(knowledge))


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("© 2025 Nordkyst Online. All rights reserved.", "Nordkyst Online"),
        ("Copyright 2024 Channel 9 Riverbend. All rights reserved.", "Channel 9 Riverbend"),
        ("Imprint · Data protection · © 2025 The Elbe Herald", "The Elbe Herald"),
        ("© 2025 Guardian News & Media Limited or its affiliated companies.", "The Guardian"),
        ("Copyright 2025 The Associated Press. All rights reserved.", None),  # a wire's line
        ("The council met on Monday.", None),
        ("© Copyright 2025 The Lakeside Herald. All rights reserved.", "The Lakeside Herald"),
        ("© DER RHEINBOTE GmbH & Co. KG", "DER RHEINBOTE"),
        ("© Rheinbote Medien GmbH & Co KG, Alle Rechte vorbehalten", "Rheinbote Medien"),
        ("© Verlag Der Nordspiegel GmbH", "Der Nordspiegel"),
    ],
)
def test_copyright_lines(reader: PublisherReader, line: str, name: str | None) -> None:
    assert reader.copyright_name(line) == name


def test_evidence_in_order_of_strength(reader: PublisherReader) -> None:
    lines = ["The Riverton Ledger", "Title of the story", "© 2025 The Riverton Ledger"]
    got = reader.publisher(
        lines, header=lines[:1], footer=lines[2:], fingerprint=None, published_in=None
    )
    assert got == "The Riverton Ledger"
    assert reader.publisher(lines, header=[], footer=[], fingerprint="X", published_in="Y") == "X"
    footer = ["Editor-in-chief — Aino Lehtinen. Nordic Lantern is an independent publication."]
    assert reader.publisher(
        footer, header=[], footer=footer, fingerprint=None, published_in=None
    ) == ("Nordic Lantern")


def test_fingerprint_and_masthead_from_data(reader: PublisherReader) -> None:
    assert reader.fingerprint(["Editor in chief — Kirill Martynov. Terms of use."]) == (
        "Novaya Gazeta Europe"
    )
    assert reader.masthead_name("ZEIT ONLINE") == "Die Zeit"
    assert reader.masthead_name("A headline about something else") is None


def test_a_photo_credit_is_not_the_site_copyright(reader: PublisherReader) -> None:
    lines = ["Ein Stromzähler in einem Mehrfamilienhaus in Berlin © Jens Kalaene/dpa"]
    assert reader.site_copyright(lines) is None


def test_identities_name_the_agency_an_outlet_is(reader: PublisherReader) -> None:
    """On the agency's own site (apnews.com is 'AP News') the agency is not a cited source."""
    assert reader.identities("AP News") == {"AP News", "AP"}
    assert "Die Welt" in reader.identities("WELT")  # its canonical spelling, too
    assert reader.identities("The Guardian") == {"The Guardian"}
    assert reader.identities(None) == set()


def test_ap_dateline_on_ap_news_is_not_a_source(extractor: Extractor) -> None:
    text = (
        "Wildfire forces hundreds to flee villages in central Portugal\n"
        "The Associated Press is an independent global news organization dedicated to reporting.\n"
        "LISBON, Portugal (AP) — A wildfire forced hundreds of people from their homes on Sunday, "
        "officials said, as strong winds fanned the flames across the hills.\n"
        "The fire had burned about 3,000 hectares by nightfall, the news agency Lusa reported.\n"
    )
    extraction = extractor.extract(text)
    assert extraction.publisher == "AP News"
    assert extraction.cited_sources == ("Lusa",)

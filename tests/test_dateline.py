from __future__ import annotations

import datetime as dt

import pytest

from sitegen.ingest.dateline import DatelineReader, join_dateline_lines
from sitegen.ingest.dates import DateReader
from sitegen.ingest.knowledge import load_knowledge


@pytest.fixture(scope="module")
def reader() -> DatelineReader:
    knowledge = load_knowledge()
    return DatelineReader(knowledge, DateReader(knowledge))


@pytest.mark.parametrize(
    ("paragraph", "place", "day", "agency"),
    [
        ("Hamburg (dpa) - Three otter pups", "Hamburg", None, "dpa"),
        ("POTES, Spain — Sergio Valdés won", "POTES, Spain", None, None),
        ("Pyongyang, June 19, 2024 — Russian President", "Pyongyang", dt.date(2024, 6, 19), None),
        ("TOKYO, March 19 (Reuters) - The Bank", "TOKYO", None, "Reuters"),
        ("Каменск, 14 марта 2025 года — Городской", "Каменск", dt.date(2025, 3, 14), None),
        ("Lyon (Rhône) – Le conseil municipal", "Lyon", None, None),
        ("Athens, Greece CNN — A fast-moving wildfire", "Athens, Greece", None, "CNN"),
        ("Frankfurt am Main (dpa) - Die Börse", "Frankfurt am Main", None, "dpa"),
    ],
)
def test_datelines(reader: DatelineReader, paragraph: str, place, day, agency) -> None:
    got_place, got_day, got_agency, _ = reader.read(paragraph)
    assert (got_place, got_day, got_agency) == (place, day, agency)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Upon his arrival in Pyongyang, President Putin was warmly received.",
        "The council said on Monday — after a long debate — that it would act.",
        "Ortiz said the wet conditions had made it a nervous day.",
    ],
)
def test_sentences_are_not_datelines(reader: DatelineReader, paragraph: str) -> None:
    assert reader.read(paragraph)[0] is None


def test_a_dateline_on_its_own_line_joins_its_paragraph() -> None:
    assert join_dateline_lines(["Athens, Greece CNN —", "A wildfire raged."]) == [
        "Athens, Greece CNN — A wildfire raged."
    ]
    assert join_dateline_lines(["A sentence.", "Another."]) == ["A sentence.", "Another."]

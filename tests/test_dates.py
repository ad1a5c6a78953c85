from __future__ import annotations

import datetime as dt

import pytest

from sitegen.ingest.dates import DateReader
from sitegen.ingest.knowledge import load_knowledge
from sitegen.ingest.lines import LineRules


@pytest.fixture(scope="module")
def reader() -> DateReader:
    return DateReader(load_knowledge())


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("June 19, 2024", dt.date(2024, 6, 19)),
        ("19 June 2024", dt.date(2024, 6, 19)),
        ("Wed 19 Jun 2024", dt.date(2024, 6, 19)),
        ("19. Juni 2024", dt.date(2024, 6, 19)),
        ("19 juin 2024", dt.date(2024, 6, 19)),
        ("1er mars 2025", dt.date(2025, 3, 1)),
        ("14 марта 2025 года", dt.date(2025, 3, 14)),
        ("19 de junio de 2024", dt.date(2024, 6, 19)),
        ("2025-05-21", dt.date(2025, 5, 21)),
        ("19.06.2024", dt.date(2024, 6, 19)),
    ],
)
def test_full_dates_in_many_languages(reader: DateReader, text: str, day: dt.date) -> None:
    assert [f.day for f in reader.find(f"Printed {text} here")] == [day]


@pytest.mark.parametrize(
    "text", ["2 hours ago", "19 June", "dpa:250210-99-118342/3", "June 31, 2024", "in 2024"]
)
def test_not_full_dates(reader: DateReader, text: str) -> None:
    assert reader.find(text) == []


def test_date_line_with_time_and_zone_keeps_the_printed_zone(reader: DateReader) -> None:
    [line] = reader.date_line("Posted: Oct 14, 2024 / 06:12 PM CDT")
    assert line.kind == "published"
    assert line.when == dt.datetime(
        2024, 10, 14, 18, 12, tzinfo=dt.timezone(dt.timedelta(hours=-5))
    )


def test_time_without_zone_stays_a_day(reader: DateReader) -> None:
    assert [d.when for d in reader.date_line("10 February 2025, 07:45 AM")] == [
        dt.date(2025, 2, 10)
    ]
    assert [d.when for d in reader.date_line("May 21, 2025 at 5:47 pm")] == [dt.date(2025, 5, 21)]


def test_updated_label_and_glued_update(reader: DateReader) -> None:
    [line] = reader.date_line("Updated: Oct 14, 2024 / 09:40 PM CDT")
    assert line.kind == "updated"
    [first] = reader.date_line("June 19, 20245:28 AM GMT+2Updated 2 hours ago")
    assert first.kind == "published"
    assert first.when == dt.datetime(2024, 6, 19, 5, 28, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def test_sentences_with_dates_are_not_date_lines(reader: DateReader) -> None:
    assert reader.date_line("The council met on 19 June 2024 to approve the budget.") == []


@pytest.mark.parametrize(
    ("line", "days"),
    [
        ("A view of the harbour, 18 June 2024. Photo: Jane Doe / AFP", []),  # a caption
        ("Wednesday, June 19, 2024", [dt.date(2024, 6, 19)]),  # weekday and month come first
        ("JUNE 19, 2024, 10:30 CEST", [dt.date(2024, 6, 19)]),
        ("Sept. 19, 2024", [dt.date(2024, 9, 19)]),
    ],
)
def test_words_before_the_first_figure(reader: DateReader, line: str, days: list[dt.date]) -> None:
    """A word before the first figure rules a line out early, unless a date may hold it."""
    found = [d.when for d in reader.date_line(line)]
    assert [w.date() if isinstance(w, dt.datetime) else w for w in found] == days


def test_text_without_a_year_has_no_date() -> None:
    reader = DateReader(load_knowledge())
    assert reader.find("19 June, 10:30") == []
    assert [f.day for f in reader.find("Am 19. Juni 2024 um 10:30")] == [dt.date(2024, 6, 19)]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("19 June 2024", [dt.date(2024, 6, 19)]),
        ("x19 June 2024", []),  # a figure glued to a word is no day
        (".19 June 2024", []),
        ("on 2024-06-19", [dt.date(2024, 6, 19)]),
        ("id:2024-06-19", []),
        ("on 19.06.2024", [dt.date(2024, 6, 19)]),
        ("v1.19.06.2024", []),
        ("June 19, 2024", [dt.date(2024, 6, 19)]),
    ],
)
def test_dates_need_a_free_standing_first_figure(text: str, days: list[dt.date]) -> None:
    reader = DateReader(load_knowledge())
    assert [f.day for f in reader.find(text)] == days


@pytest.fixture(scope="module")
def reader_with_clutter() -> DateReader:
    knowledge = load_knowledge()
    return DateReader(knowledge, LineRules.build(knowledge).is_boilerplate)


@pytest.mark.parametrize(
    ("line", "days"),
    [
        ("Veröffentlicht am 05.03.2025 | Lesedauer: 3 Minuten", [dt.date(2025, 3, 5)]),
        ("12.03.2025, 18:04 Uhr | Lesezeit: 4 Min.", [dt.date(2025, 3, 12)]),
        ("March 6, 2025 | 5 min read", [dt.date(2025, 3, 6)]),
    ],
)
def test_a_reading_time_beside_the_date_is_ignored(
    reader_with_clutter: DateReader, line: str, days: list[dt.date]
) -> None:
    assert [d.when for d in reader_with_clutter.date_line(line)] == days


@pytest.mark.parametrize(
    "line",
    [
        "Veröffentlicht am 05.03.2025 | Politik",  # a word that is no clutter: no date line
        "Lesezeit: 3 Min. | Teilen",  # only clutter
    ],
)
def test_bar_lines_without_a_date_beside_clutter(
    reader_with_clutter: DateReader, line: str
) -> None:
    assert reader_with_clutter.date_line(line) == []


def test_two_digit_years_after_a_label(reader: DateReader) -> None:
    got = reader.date_line("Publié le 05/03/25 à 14h20 — Mis à jour le 06/03/25 à 16h01")
    assert [(d.when, d.kind) for d in got] == [
        (dt.date(2025, 3, 5), "published"),
        (dt.date(2025, 3, 6), "updated"),
    ]
    got = reader.date_line("Publié le 07/03/25 à 10h05, mis à jour le 07/03/25 à 12h30")
    assert [d.kind for d in got] == ["published", "updated"]


@pytest.mark.parametrize(
    "line", ["05/03/25", "Room 05/03/25", "Updated 3 hours ago", "ab 05/03/25"]
)
def test_two_digit_years_need_a_label(reader: DateReader, line: str) -> None:
    assert [d.when for d in reader.date_line(line)] == []
    assert reader.find(line) == []

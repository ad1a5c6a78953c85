from __future__ import annotations

import pytest

from sitegen.ingest.cites import CiteFinder, name_runs
from sitegen.ingest.knowledge import load_knowledge


@pytest.fixture(scope="module")
def finder() -> CiteFinder:
    return CiteFinder(load_knowledge())


def test_name_runs_stop_at_possessives() -> None:
    runs = [
        r.text
        for r in name_runs("According to IRNA’s Wednesday morning report, the Harbour Times said")
    ]
    assert runs == ["According", "IRNA", "Wednesday", "Harbour Times"]


@pytest.mark.parametrize(
    ("sentence", "sources"),
    [
        ("Russia’s state-owned news agency TASS has reported.", ["TASS"]),
        ("It is set to end, according to an aide in comments quoted by Interfax.", ["Interfax"]),
        ("the regional news agency Pohjola Press has reported.", ["Pohjola Press"]),
        ("harbour master Torunn Bekkevold told the Harbour Times.", ["Harbour Times"]),
        ("One grocer, quoted by the state news agency Baltica, said so.", ["Baltica"]),
        (
            "the regional broadcaster Radio Lindholm said, citing figures from the council.",
            ["Radio Lindholm"],
        ),
        ("Das berichtete die Nachrichtenagentur dpa am Montag.", ["dpa"]),
        ("Selon l'AFP, le ministre a démissionné.", ["AFP"]),
        ("wie die Süddeutsche Zeitung berichtet.", ["Süddeutsche Zeitung"]),
        ("the county council said on Monday.", []),
        ("Festival organizer Janelle Fitch said about 6,500 people attended.", []),
        ("The visit was only announced by the Kremlin on Monday.", []),
        ("citing Russian news agencies", []),
        # A full stop after an all-caps name ends the name: the next sentence is not part of it.
        ("a déclaré le maire à la chaîne BFMTV. Une enquête a été ouverte.", ["BFMTV"]),
        ("sagte ein Passagier dem NDR. Die Reederei ließ Decken verteilen.", ["NDR"]),
        ("the minister told AP. The ministry denied it.", ["AP"]),
        # An abbreviation's dots do not end it.
        ("The U.S. Navy said so, according to the F.A.Z. newspaper.", ["F.A.Z."]),
        ("John F. Kennedy told Reuters.", ["Reuters"]),
        # German quote marks and a reporting verb at the end of the clause.
        (
            "Zuerst hatte der „Spiegel“ über die Einigung zwischen den Ministerien berichtet.",
            ["Spiegel"],
        ),
        (
            "Wie die „Süddeutsche Zeitung“ berichtete, hatten beide Seiten verhandelt.",
            ["Süddeutsche Zeitung"],
        ),
        (
            "Das sei zu teuer, berichtete die ‚Frankfurter Allgemeine Zeitung‘.",
            ["Frankfurter Allgemeine Zeitung"],
        ),
        (
            "Nach Informationen der Deutschen Presse-Agentur plant das Ministerium mehr.",
            ["Deutschen Presse-Agentur"],
        ),
        # A known outlet and its region or edition; a weekday after the name is no part of it.
        ("Interrogé par France Bleu Provence, le recteur a assuré.", ["France Bleu Provence"]),
        ("according to the BBC World Service, it was late.", ["BBC World Service"]),
        ("the mayor told CNN Sunday.", ["CNN"]),
        # A common noun that spells an outlet, and a verb of another clause, cite nothing.
        ("Eine Umfrage ergab ein gemischtes Bild, wie die Kammer berichtete.", []),
        ("Das ZDF kündigte an, seine Nachrichtensendungen am Freitag zu ergänzen.", []),
        # An outlet that announces its own news is the subject of the story, not a source.
        ("The BBC announced on Wednesday that it would cut 500 jobs.", []),
        ("The National Post announced last week that it would close its Ottawa bureau.", []),
        ("A BBC spokesperson said no final decisions had been taken.", []),
        # An article and a media noun, capitalised as German nouns are, name no outlet.
        ("Die Zeitung hat berichtet, dass der Minister zurücktritt.", []),
        ("Der Sender berichtete am Montag.", []),
    ],
)
def test_cited_sources(finder: CiteFinder, sentence: str, sources: list[str]) -> None:
    assert finder.find([sentence], set()) == sources


def test_abbreviation_defined_in_text_is_the_same_source(finder: CiteFinder) -> None:
    paragraphs = [
        "the Nordvest News Agency (NNA) reported.",
        "The council will pay, according to NNA.",
    ]
    assert finder.find(paragraphs, set()) == ["Nordvest News Agency"]


def test_publisher_and_dateline_agency(finder: CiteFinder) -> None:
    assert finder.find(["The Harbour Times reported it first."], {"The Harbour Times"}) == []
    assert finder.find(["Nothing cited here."], set(), ("dpa",)) == ["dpa"]


def test_name_runs_with_lowercase_agency_names() -> None:
    from sitegen.ingest.cites import _run_pattern

    pattern = _run_pattern(frozenset({"dpa", "epd"}))
    lowercase = frozenset({"dpa", "epd"})
    text = "Wie dpa und die epd-Redaktion, nicht aber update oder Xdpa, berichten (dpa) dpa."
    assert [r.text for r in name_runs(text, pattern, lowercase)] == [
        "Wie dpa",
        "epd",
        "Xdpa",
        "dpa",
        "dpa",
    ]
    assert [r.text for r in name_runs("Der Spiegel und dpa", pattern, lowercase)] == [
        "Der Spiegel",
        "dpa",
    ]


def test_lowercase_names_are_only_looked_for_when_printed(finder: CiteFinder) -> None:
    assert finder.find(["Das berichtete die Nachrichtenagentur dpa."], set()) == ["dpa"]
    assert finder.find(["Das berichtete die Nachrichtenagentur Reuters."], set()) == ["Reuters"]


def test_capitalised_runs_found_at_capitals_only_as_by_a_full_scan() -> None:
    from sitegen.ingest.cites import _CAPITALISED_RUNS, _DEFAULT_RUNS, _capitalised_matches

    text = "The Harbour Times and McDonald's said. BBC News of Wales & Co. AC/DC x.Y end"
    found = [m.span() for m in _capitalised_matches(text, _CAPITALISED_RUNS.ascii_text)]
    assert found == [m.span() for m in _DEFAULT_RUNS.finditer(text)]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Council votes. Reuters reported on Monday, citing the Harbour Times. NNA said so.",
        "HAMBURG (dpa) - Officials said. According to the news agency Baltica, it rained.",
        "Das berichtete die Nachrichtenagentur dpa. Laut „Spiegel“ war es kalt.",
        "The BBC’s report, quoted by Le Monde. McDonald's said. O'Brien told RTÉ News.",
        '"Reuters" said. (AFP) wrote: the Nordvest News Agency (NNA) reported it.',
    ],
)
def test_outlet_runs_are_the_name_runs_that_may_be_outlets(
    finder: CiteFinder, paragraph: str
) -> None:
    from sitegen.ingest.cites import _opens_sentence, _trimmed_start

    aliases = {"NNA": "Nordvest News Agency"}
    expected = []
    for run in name_runs(paragraph, finder._runs.any_text, finder._lowercase_names):
        name, canonical = finder._known_name(run.text)
        known = aliases.get(name) or canonical
        start = _trimmed_start(run.text, run.start, name) if name else run.start
        if not name or (
            known is None
            and (
                (" " not in name and _opens_sentence(paragraph, start))
                or not finder._is_outlet(name, paragraph, start)
            )
        ):
            continue
        expected.append((start, run.end, run.possessive, name, known))
    lowercase = tuple(finder._lowercase_names)
    assert list(finder._outlet_runs(paragraph, aliases, lowercase)) == expected

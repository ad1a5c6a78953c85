from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.ingest.credits import CreditReader
from sitegen.ingest.knowledge import load_knowledge


@pytest.fixture(scope="module")
def credits() -> CreditReader:
    return CreditReader(load_knowledge())


@pytest.mark.parametrize(
    ("line", "caption", "credit"),
    [
        (
            "A motorcade, 19 June 2024. Photo: EPA-EFE / POOL",
            "A motorcade, 19 June 2024.",
            "EPA-EFE / POOL",
        ),
        (
            "Pups play. (Photo by Ana Ruiz/AFP via Getty Images)",
            "Pups play.",
            "Ana Ruiz/AFP via Getty Images",
        ),
        ("A farmer. (Courtesy: Riverbend Fall Festival)", "A farmer.", "Riverbend Fall Festival"),
        ("Crowds gather. Photograph: Jo Smith/Reuters", "Crowds gather.", "Jo Smith/Reuters"),
        ("Der Kanzler. Foto: Kay Nietfeld/dpa", "Der Kanzler.", "Kay Nietfeld/dpa"),
        ("Le président. Photo : Ludovic Marin / AFP", "Le président.", "Ludovic Marin / AFP"),
        (
            "Flooded road. REUTERS/Name Photo: Jane Doe Purchase Licensing Rights",
            "Flooded road. REUTERS/Name",
            "Jane Doe",
        ),
        # Agencies printed in lowercase are names all the same.
        ("Wolves at night Image: Ann Kluge/dpa/picture alliance", "Wolves at night",
         "Ann Kluge/dpa/picture alliance"),
        ("Radfahrer am Main Bild: dpa", "Radfahrer am Main", "dpa"),
        ("Streik in Lichtenberg. Foto: imago/Sabine Gudath", "Streik in Lichtenberg.",
         "imago/Sabine Gudath"),
        # Behind a separator, with or without a label.
        ("The plan is due next week. | Eva Lind/EPA-EFE", "The plan is due next week.",
         "Eva Lind/EPA-EFE"),
        ("Le tribunal, en 2024. — C. Allain / 20 Minutes", "Le tribunal, en 2024.",
         "C. Allain / 20 Minutes"),
        ("Smoke over the port, 6 March 2025 - Copyright AP Photo/Nikos Pappas",
         "Smoke over the port, 6 March 2025", "AP Photo/Nikos Pappas"),
        ("Le pont, en 2024. © Crédit photo : Anne Roy / SUD OUEST", "Le pont, en 2024.",
         "Anne Roy / SUD OUEST"),
        # A label glued to the caption's last word.
        ("Protected since 1990Image: Jo Weiss/dpa", "Protected since 1990", "Jo Weiss/dpa"),
        # Bracketed without a label: a known agency, or any part naming one.
        ("The wall in Holyhead (PA Wire)", "The wall in Holyhead", "PA Wire"),
        ("The wall in May (Jo Byrne/PA Wire)", "The wall in May", "Jo Byrne/PA Wire"),
        ("Des enseignants, le 4 mars. (Théo Roux/Hans Lucas pour Libération)",
         "Des enseignants, le 4 mars.", "Théo Roux/Hans Lucas pour Libération"),
        ("Les pompiers dans le parking. LP/Olivier Roux", "Les pompiers dans le parking.",
         "LP/Olivier Roux"),
    ],
)  # fmt: skip
def test_caption_and_credit(credits: CreditReader, line: str, caption: str, credit: str) -> None:
    split = credits.split(line)
    assert split is not None
    assert (split.caption, split.credit) == (caption, credit)


def test_parts_in_printed_order_and_case(credits: CreditReader) -> None:
    assert credits.parts("EPA-EFE / GAVRIIL GRIGOROV / SPUTNIK / KREMLIN POOL") == (
        "EPA-EFE", "GAVRIIL GRIGOROV", "SPUTNIK", "KREMLIN POOL",
    )  # fmt: skip
    assert credits.parts("Ana Ruiz/AFP via Getty Images") == ("Ana Ruiz", "AFP", "Getty Images")
    assert credits.parts("Jo Smith for The Times") == ("Jo Smith", "The Times")


@pytest.mark.parametrize(
    "line",
    [
        "The photo: it showed the mayor, who asked not to be named in the report.",
        "He took a picture, then left the building before the police arrived.",
        # A page title behind a separator, a bracketed name, a paragraph closing with its agency.
        "Commission plans deadlines for power grids | POLITICO",
        "Ministers met the North Atlantic Treaty Organization (NATO)",
        "The talks ended without a deal, officials said. (AFP)",
        "RIO DE JANEIRO (AP)",
        "Prices rose again — oil and gas led the way, traders said",
        # A closing source line names where the article came from; no photo.
        "Quelle: F.A.Z.",
        "Quelle: ntv.de, mli/dpa/AFP",
    ],
)
def test_sentences_are_not_credits(credits: CreditReader, line: str) -> None:
    assert credits.split(line) is None


def test_people_are_told_from_agencies() -> None:
    from sitegen.ingest.credits import credit_roles

    roles = credit_roles(
        ("EPA-EFE", "GAVRIIL GRIGOROV", "SPUTNIK", "KREMLIN POOL"), load_knowledge()
    )
    assert roles == [
        ("Organization", "EPA-EFE"),
        ("Person", "GAVRIIL GRIGOROV"),
        ("Organization", "SPUTNIK"),
        ("Organization", "KREMLIN POOL"),
    ]
    assert credit_roles(("Ana Ruiz", "AFP", "Getty Images"), load_knowledge())[0] == (
        "Person",
        "Ana Ruiz",
    )


@pytest.mark.parametrize(
    ("line", "credit", "source_label", "strong"),
    [
        ("Quelle: picture alliance/dpa/Jan Roth", "picture alliance/dpa/Jan Roth", True, True),
        ("Foto: Jan Roth", "Jan Roth", False, False),
        ("Jordan Vance/AP", "Jordan Vance/AP", False, True),
        ("Eli Nord/AFP/Getty Images", "Eli Nord/AFP/Getty Images", False, True),
        ("dpa/Marcus Brandt", "dpa/Marcus Brandt", False, True),
    ],
)
def test_credit_on_a_line_of_its_own(
    credits: CreditReader, line: str, credit: str, source_label: bool, strong: bool
) -> None:
    found = credits.credit_line(line)
    assert found is not None
    assert (found.credit, found.source_label, found.strong) == (credit, source_label, strong)


@pytest.mark.parametrize(
    "line",
    ["Millbrook River Alliance", "Parents and/or teachers", "Politik", "Image:", "mli/dpa", "1/2"],
)
def test_lines_that_are_not_credits_alone(credits: CreditReader, line: str) -> None:
    assert credits.credit_line(line) is None


def test_joined_caption_and_credit_split_back(credits: CreditReader) -> None:
    split = credits.split(credits.join("Volunteers count fish.", "River Alliance"))
    assert split is not None
    assert (split.caption, split.credit) == ("Volunteers count fish.", "River Alliance")


_CAPTION_WORDS = [
    "A view,", "of the harbour.", "Photo:", "Foto", "©", "(", ")", "[", "]", "/", "for", "via",
    "AFP", "Jane Doe", "REUTERS", ".", "by", "Getty Images", "\n", " ", "|", "—", " - ", ":",
    "Copyright", "Image", "1990Image:", "PA Wire", "dpa",
]  # fmt: skip


@given(st.lists(st.sampled_from(_CAPTION_WORDS), max_size=14), st.booleans())
@settings(max_examples=400, deadline=None)
def test_only_patterns_that_cannot_match_are_skipped(words: list[str], spaced: bool) -> None:
    reader = CreditReader(load_knowledge())
    line = (" " if spaced else "").join(words)
    skipped = [p for p in reader._patterns if not reader._may_match(p, line)]
    assert not [p.pattern for p in skipped if p.match(line)]

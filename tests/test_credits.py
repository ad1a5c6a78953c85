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
    ],
)
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


_CAPTION_WORDS = [
    "A view,", "of the harbour.", "Photo:", "Foto", "©", "(", ")", "[", "]", "/", "for", "via",
    "AFP", "Jane Doe", "REUTERS", ".", "by", "Getty Images", "\n", " ",
]  # fmt: skip


@given(st.lists(st.sampled_from(_CAPTION_WORDS), max_size=14), st.booleans())
@settings(max_examples=400, deadline=None)
def test_only_patterns_that_cannot_match_are_skipped(words: list[str], spaced: bool) -> None:
    reader = CreditReader(load_knowledge())
    line = (" " if spaced else "").join(words)
    every = (
        reader._parenthesised, reader._inner_label, reader._labelled, reader._copyright,
        reader._unlabelled, reader._bracketed, reader._square,
    )  # fmt: skip
    tried = reader._patterns_that_may_match(line)
    assert [p for p in every if p in tried] == tried  # the same order
    assert all(p in tried for p in every if p.match(line))

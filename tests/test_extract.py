"""The extractor on the seeds field by field, on pages of several outlet styles, and on small cases."""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.errors import RefusedInput
from sitegen.ingest import Extractor, extract_file
from tests.conftest import DATA, SEEDS

STYLES = DATA / "styles"


def test_seed_003_every_field(extractor: Extractor) -> None:
    got = extract_file(SEEDS / "003_412e391d8da5d31e.txt", extractor)
    assert got.title == "Putin arrives in North Korea on first state visit for over 20 years"
    assert got.sections == ("News", "Politics")
    assert got.standfirst is None and got.dateline_place is None
    assert got.date == dt.date(2024, 6, 19) and got.date_source == "caption"
    assert got.authors == ()
    assert got.publisher == "Novaya Gazeta Europe"
    [photo] = got.photos
    assert (
        photo.caption
        == "Vladimir Putin’s motorcade passes Pyongyang’s Arch of Triumph, 19 June 2024."
    )
    assert photo.credit == "EPA-EFE / GAVRIIL GRIGOROV / SPUTNIK / KREMLIN POOL"
    assert photo.credit_parts == ("EPA-EFE", "GAVRIIL GRIGOROV", "SPUTNIK", "KREMLIN POOL")
    assert {"TASS", "Interfax"} <= set(got.cited_sources) <= {"TASS", "Interfax", "Rodong Sinmum"}
    assert len(got.paragraphs) == 6
    body = got.body_text()
    for junk in ("NewsPolitics", "Photo: EPA-EFE", "pdfshareprint", "Editor in chief", "Privacy"):
        assert junk not in body


def test_seed_000_every_field(extractor: Extractor) -> None:
    got = extract_file(SEEDS / "000_d00993bdb1b14b3e.txt", extractor)
    assert got.title == "Russian President Vladimir Putin Arrives in North Korea for Official Visit"
    assert got.standfirst == (
        "Upon his arrival in Pyongyang, President Putin was warmly received by North Korean leader"
        " Kim Jong Un."
    )
    assert got.dateline_place == "Pyongyang"
    assert got.date == dt.date(2024, 6, 19) and got.date_source == "dateline"
    assert got.publisher is None and got.authors == () and got.photos == ()
    assert got.cited_sources == ("IRNA",)
    assert len(got.paragraphs) == 8
    assert got.paragraphs[1].startswith("Upon his arrival in Pyongyang")  # the body stays whole


STYLE_EXPECTATIONS = {
    "guardian_like.txt": {
        "title": "Offshore wind farm off Norfolk coast gets final go-ahead",
        "authors": ("Helena Horton",),
        "publisher": "The Guardian",
        "date": dt.date(2025, 3, 4),
        "cited_sources": ("Financial Times",),
        "paragraphs": 5,
    },
    "spiegel_like.txt": {
        "title": "Bundestag beschließt neues Heizungsgesetz nach langer Debatte",
        "sections": ("Politik", "Deutschland"),
        "authors": ("Anna Müller", "Jonas Weber"),
        "publisher": "Der Spiegel",
        "date": dt.date(2023, 9, 8),
        "cited_sources": ("dpa",),
        "paragraphs": 5,
    },
    "lemonde_like.txt": {
        "title": "Le conseil municipal de Lyon adopte un plan vélo de 100 millions d’euros",
        "authors": ("Claire Dubois",),
        "publisher": "Le Monde",
        "dateline_place": "Lyon",
        "date": dt.date(2025, 3, 12),
        "cited_sources": ("AFP",),
        "paragraphs": 5,
    },
    "bbc_like.txt": {
        "title": "Flood defences to be rebuilt after record storm damage",
        "authors": ("Tom Edwards",),
        "publisher": "BBC",
        "date": None,
        "paragraphs": 5,
    },
    "reuters_like.txt": {
        "title": "Japan's central bank holds rates steady, signals caution on yen",
        "authors": ("Leika Kihara", "Takahiko Wada"),
        "publisher": "Reuters",
        "dateline_place": "TOKYO",
        "date": dt.date(2025, 3, 19),
        "paragraphs": 4,
    },
}


@pytest.mark.parametrize("name", sorted(STYLE_EXPECTATIONS))
def test_outlet_styles(extractor: Extractor, name: str) -> None:
    got = extract_file(STYLES / name, extractor)
    for field, want in STYLE_EXPECTATIONS[name].items():
        value = len(got.paragraphs) if field == "paragraphs" else getattr(got, field)
        if field == "date" and isinstance(value, dt.datetime):
            value = value.date()
        assert value == want, field


def test_menus_are_not_sections_but_a_label_is(extractor: Extractor) -> None:
    menu = "News\nWeather\nSports\nCommunity\nCouncil votes to keep the old library open\n"
    label = "The Town Crier\nCYCLING\nValdés wins the stage in the rain at last\n"
    body = "The council voted on Monday to keep the library open for another year, it said.\n"
    assert extractor.extract(menu + body).sections == ()
    assert extractor.extract(label + body).sections == ("Cycling",)


def test_pull_quote_and_repeated_paragraph_are_dropped(extractor: Extractor) -> None:
    text = (
        "Council keeps the old library open for now\n"
        "The council voted on Monday to keep the library open for another year.\n"
        "“We listened to the people of this town,” the mayor said after the vote on Monday.\n"
        "We listened to the people of this town\n"
        "The library will stay open on Saturdays as well, the council said.\n"
        "The library will stay open on Saturdays as well, the council said.\n"
    )
    got = extractor.extract(text)
    assert len(got.paragraphs) == 3


def test_subheadings_and_lists(extractor: Extractor) -> None:
    text = (
        "Results of the regional cycling race announced\n"
        "The race ended in heavy rain on Sunday afternoon after four hours.\n"
        "Final standings\n"
        "1. Ana Ruiz 4hr 2min\n"
        "2. Ben Acheson +12sec\n"
        "Organisers said the race would return next year.\n"
    )
    got = extractor.extract(text)
    kinds = [b.kind for b in got.blocks]
    assert kinds == ["paragraph", "subheading", "list", "paragraph"]
    assert got.blocks[2].items == ("Ana Ruiz 4hr 2min", "Ben Acheson +12sec")


def test_only_a_title_is_refused(extractor: Extractor) -> None:
    with pytest.raises(RefusedInput, match="no body text"):
        extractor.extract("Parish council meeting postponed until further notice\n")


def test_nothing_is_invented(extractor: Extractor) -> None:
    got = extractor.extract(
        "Village fete raises money for the church roof\n"
        "The fete raised £2,000 on Saturday, two days ago, the vicar said.\n"
    )
    assert got.date is None and got.publisher is None and got.authors == ()
    assert got.cited_sources == () and got.photos == ()


_BODY = (
    "The council voted on Monday to keep the library open for another year, it said.\n"
    "The library will stay open on Saturdays as well, the council said after the vote.\n"
)


def test_caption_without_full_stop_and_credit_line_below(extractor: Extractor) -> None:
    text = (
        "Council keeps the old library open for now\n"
        "The mayor says the town cannot do without its readers, and the budget allows it.\n"
        "Readers in the library hall on Monday\n"
        "Quelle: picture alliance/dpa/Jan Roth\n"
        "Bild vergrößern\n"
        "Volunteers sort books in the basement\n"
        "Eli Nord/AFP/Getty Images\n" + _BODY
    )
    got = extractor.extract(text)
    assert [(p.caption, p.credit) for p in got.photos] == [
        ("Readers in the library hall on Monday", "picture alliance/dpa/Jan Roth"),
        ("Volunteers sort books in the basement", "Eli Nord/AFP/Getty Images"),
    ]
    assert got.photos[0].credit_parts == ("picture alliance", "dpa", "Jan Roth")
    assert "vergrößern" not in got.body_text() and len(got.paragraphs) == 2


def test_headline_above_a_credit_line_stays_the_headline(extractor: Extractor) -> None:
    for credit in ("Foto: dpa/Jan Roth", "Jan Roth/AP"):
        got = extractor.extract(f"Council keeps the old library open for now\n{credit}\n{_BODY}")
        assert got.title == "Council keeps the old library open for now"


def test_closing_source_line_is_no_photo(extractor: Extractor) -> None:
    text = (
        "Council keeps the old library open for now\n" + _BODY + "The mayor welcomed it. "
        "Critics called the vote rushed. The budget will be reviewed in June.\n"
        "Quelle: F.A.Z.\n"
    )
    assert extractor.extract(text).photos == ()


def test_caption_toggle_layout(extractor: Extractor) -> None:
    text = (
        "Council keeps the old library open for now\n"
        "Readers in the library hall on Monday.\n"
        "Town Archive\n"
        "hide caption\n"
        "toggle caption\n"
        "Town Archive\n"
        "MILLBROOK, Wis. — The council voted on Monday to keep the library open, it said.\n"
        "The library will stay open on Saturdays as well, the council said after the vote.\n"
    )
    got = extractor.extract(text)
    assert [(p.caption, p.credit) for p in got.photos] == [
        ("Readers in the library hall on Monday.", "Town Archive")
    ]
    assert got.dateline_place == "MILLBROOK, Wis." and len(got.paragraphs) == 2
    assert "Town Archive" not in got.body_text() and "caption" not in got.body_text()


MORE_STYLES = {
    "aljazeera_like.txt": {
        "sections": ("News", "Climate Crisis"),
        "standfirst": "Heavy rains have hit Rio Grande do Sul state for days, forcing thousands from their homes.",
        "publisher": "Al Jazeera",
        "date": dt.date(2024, 5, 2),
        "photo_credit": "Diego Vara/Reuters",
        "paragraphs": 4,
    },
    "washpost_like.txt": {
        "title": "Senate passes bill to fund the government through March, averting shutdown",
        "authors": ("Jacob Bogage", "Marianna Sotomayor"),
        "publisher": "The Washington Post",
        "date": dt.date(2024, 12, 20),
        "photo_credit": "Kent Nishimura for The Washington Post",
        "paragraphs": 4,
    },
    "sz_like.txt": {
        "title": "Neue Tram-Linie durch die Innenstadt eröffnet",
        "sections": ("München",),
        "authors": ("Anna Hoben",),
        "publisher": "Süddeutsche Zeitung",
        "date": dt.date(2025, 3, 4),
        "cited_sources": ("dpa", "Bayerische Rundfunk"),
        "photo_credit": "Stephan Rumpf",
        "paragraphs": 4,
    },
    "nyt_like.txt": {
        "standfirst": "The pilot, the largest of its kind in Europe, will cover 30,000 civil servants in three regions from next spring.",
        "authors": ("Rachel Chaundler",),
        "publisher": "The New York Times",
        "date": dt.date(2024, 11, 12),
        "cited_sources": ("El País",),
        "photo_credit": "Samuel Aranda for The New York Times",
        "paragraphs": 4,
    },
    "cnn_like.txt": {
        "authors": ("Elinda Labropoulou", "Chris Liakos"),
        "publisher": "CNN",
        "dateline_place": "Athens, Greece",
        "cited_sources": ("ERT",),
        "photo_credit": "Angelos Tzortzinis/AFP/Getty Images",
        "paragraphs": 6,
    },
    "tagesschau_like.txt": {
        "authors": ("Sabine Müller",),
        "publisher": "tagesschau.de",
        "date": dt.date(2024, 7, 2),
        "cited_sources": ("ANP",),
        "paragraphs": 4,
    },
    "franceinfo_like.txt": {
        "standfirst": "Le chef du gouvernement allemand ouvre ainsi la voie à des élections législatives anticipées, prévues le 23 février.",
        "authors": (),
        "publisher": "franceinfo",
        "date": dt.date(2024, 12, 16),
        "cited_sources": ("AFP", "Reuters"),
        "photo_credit": "JOHN MACDOUGALL / AFP",
        "paragraphs": 4,
    },
    "ap_on_local_site.txt": {
        "authors": ("Mark Thiessen", "John Hanna"),
        "publisher": "The Riverton Ledger",
        "dateline_place": "WICHITA, Kan.",
        "date": dt.date(2025, 1, 14),
        "cited_sources": ("AP",),
        "photo_credit": "AP Photo/Charlie Riedel",
    },
    "zeit_like.txt": {
        "publisher": "Die Zeit",
        "date": dt.date(2025, 1, 2),
        "cited_sources": ("dpa", "AFP"),
        "photo_credit": "Jens Kalaene/dpa",
        "paragraphs": 4,
    },
    "figaro_like.txt": {
        "sections": ("Actualité", "Société"),
        "publisher": "Le Figaro",
        "date": dt.date(2025, 1, 15),
        "cited_sources": ("AFP",),
        "photo_credit": "Ludovic Marin / AFP",
        "paragraphs": 4,
    },
}


@pytest.mark.parametrize("name", sorted(MORE_STYLES))
def test_more_outlet_styles(extractor: Extractor, name: str) -> None:
    got = extract_file(STYLES / name, extractor)
    for field, want in MORE_STYLES[name].items():
        if field == "paragraphs":
            value = len(got.paragraphs)
        elif field == "photo_credit":
            value = got.photos[0].credit
        else:
            value = getattr(got, field)
        if isinstance(value, dt.datetime):
            value = value.date()
        assert value == want, field


_ONE_PARAGRAPH = "The council voted on Monday to keep the library open for another year, it said.\n"


@pytest.mark.parametrize(
    ("header", "want"),
    [
        ("Sign in\nPolitik\nDeutschland\n", ("Politik", "Deutschland")),
        ("Advertisement\nNews\nUK\nHome News\n", ("News", "UK", "Home News")),
        ("Subscribe\nBerlin\nVerkehr\nStreit um den Radweg:\n", ("Berlin", "Verkehr")),
        ("Menu\nEconomy / Tech\nSports\nAdvertisement\nFrance\n", ("France",)),
        ("Home\nPolitik\nPanorama\nSport\nWissen\nPanorama\n", ("Panorama",)),
        ("Search\nHome > World > Europe\n", ("World", "Europe")),
        ("Startseite › Politik › Ausland\n", ("Politik", "Ausland")),
        ("Se connecter\nAccueil / International\n", ("International",)),
        ("Anmelden\nAusland\nWaffenruhe im Sudan\n", ("Ausland",)),  # a short kicker
        ("Search\nNature and Environment\n", ("Nature and Environment",)),
        ("Se connecter\nFaits divers\n", ("Faits divers",)),
    ],
)
def test_breadcrumb_above_the_headline(extractor: Extractor, header: str, want: tuple) -> None:
    text = header + "Council votes to keep the old library open\n" + _ONE_PARAGRAPH
    assert extractor.extract(text).sections == want


@pytest.mark.parametrize(
    "header",
    [
        "Sign in\nNews\nWeather\nSports\nCommunity\n",  # a menu: four labels, none repeated
        "Related topics\nSign in\n",
        "Log in\nMore\n",
    ],
)
def test_menus_and_buttons_are_no_sections(extractor: Extractor, header: str) -> None:
    text = header + "Council votes to keep the old library open\n" + _ONE_PARAGRAPH
    assert extractor.extract(text).sections == ()


def test_a_kicker_over_the_headline_is_no_title(extractor: Extractor) -> None:
    text = (
        "Panorama\nNach Sturmflut an der Ostsee\n"
        "Fähre strandet vor Fehmarn – Passagiere stundenlang an Bord\n"
        "05.03.2025, 14:22 Uhr\n"
        "Eine Ostseefähre mit 327 Passagieren an Bord ist vor der Insel Fehmarn auf Grund gelaufen.\n"
    )
    got = extractor.extract(text)
    assert got.title == "Fähre strandet vor Fehmarn – Passagiere stundenlang an Bord"
    assert got.sections == ("Panorama",)


def test_a_standfirst_without_full_stop_is_no_headline(extractor: Extractor) -> None:
    text = (
        "Council agrees payout after wall collapse\n"
        "Three families whose homes were damaged will also be offered new housing\n"
        "Megan Ashworth\n"
        "Wednesday 12 March 2025 16:47 GMT\n" + _ONE_PARAGRAPH
    )
    assert extractor.extract(text).title == "Council agrees payout after wall collapse"


_STORY = (
    "Ferry fares on routes to the islands will be frozen until at least 2027, ministers said.\n"
    "The freeze applies to all routes and will cost an estimated nine million pounds a year.\n"
)


@pytest.mark.parametrize(
    ("meta", "authors"),
    [
        ("Ashna Kapoor\nNews reporter @AshnaKapoorSky\n", ("Ashna Kapoor",)),
        ("Ross Lydall\nTransport Editor @RossLydall\n", ("Ross Lydall",)),
        ("Von Anna Schmidt und Jan Meyer\n", ("Anna Schmidt", "Jan Meyer")),
        ("Ein Kommentar von Markus Feldmann\n", ("Markus Feldmann",)),
        ("Par Jean Dupont et Marie Martin\n", ("Jean Dupont", "Marie Martin")),
    ],
)
def test_bylines_under_the_headline(extractor: Extractor, meta: str, authors: tuple) -> None:
    text = "Island ferry fares to be frozen for two more years\n" + meta + _STORY
    got = extractor.extract(text)
    assert got.authors == authors
    assert "@" not in got.body_text() and len(got.paragraphs) == 2


@pytest.mark.parametrize(
    "bio",
    [
        "Kapoor covers transport and infrastructure for Sky News.",
        "Kapoor is the channel's transport reporter and has covered aviation since 2019.",
        "Ashna Kapoor reports on transport from London.",
    ],
)
def test_a_closing_author_bio_is_dropped(extractor: Extractor, bio: str) -> None:
    text = "Island ferry fares to be frozen for two more years\nBy Ashna Kapoor\n" + _STORY + bio
    assert len(extractor.extract(text).paragraphs) == 2


def test_a_closing_paragraph_about_a_namesake_stays(extractor: Extractor) -> None:
    closing = "Kapoor said the airline would pay compensation to every stranded passenger."
    text = (
        "Island ferry fares to be frozen for two more years\nBy Ashna Kapoor\n" + _STORY + closing
    )
    assert extractor.extract(text).paragraphs[-1] == closing


def test_an_appeal_above_a_subscribe_button_is_a_promo(extractor: Extractor) -> None:
    text = (
        "Brest : la deuxième ligne de tramway ouvrira en septembre 2026\n"
        "Les Brestois devront patienter un an de plus pour la deuxième ligne de tramway.\n"
        "Les travaux de voirie, eux, sont presque achevés depuis le mois de janvier.\n"
        "Ouest-France se mobilise pour vous informer. Soutenez une information locale.\n"
        "Je m’abonne\n"
    )
    got = extractor.extract(text)
    assert "Soutenez" not in got.body_text() and len(got.paragraphs) == 2


def test_a_short_paragraph_without_a_button_stays(extractor: Extractor) -> None:
    text = (
        "Brest : la deuxième ligne de tramway ouvrira en septembre 2026\n"
        "Les Brestois devront patienter un an de plus pour la deuxième ligne de tramway.\n"
        "Les commerçants demandent des compensations.\n"
        "Lire aussi\n"
    )
    assert len(extractor.extract(text).paragraphs) == 2


def test_a_video_title_after_its_duration_is_no_subheading(extractor: Extractor) -> None:
    text = (
        "Hundreds of flights cancelled as air traffic control fault hits UK airports\n"
        "More than 600 flights were cancelled across the UK on Tuesday after a fault.\n"
        "0:47\n"
        "Passengers describe being stuck on the tarmac for hours\n"
        "Gatwick said 212 departures had been cancelled, while Manchester reported 150.\n"
    )
    got = extractor.extract(text)
    assert "Passengers describe" not in got.body_text() and len(got.paragraphs) == 2


def test_a_standfirst_above_the_outlet_as_byline(extractor: Extractor) -> None:
    text = (
        "Ouest-France\n"
        "Brest : la deuxième ligne de tramway ouvrira finalement en septembre 2026\n"
        "Prévue pour la rentrée 2025, la mise en service de la ligne B est repoussée d’un an.\n"
        "Ouest-France avec AFP\n"
        "Publié le 05/03/2025 à 18h31\n"
        "Les Brestois devront patienter un an de plus. La deuxième ligne ne sera pas prête.\n"
        "© Ouest-France\n"
    )
    got = extractor.extract(text)
    assert got.standfirst.startswith("Prévue pour la rentrée 2025")
    assert got.date == dt.date(2025, 3, 5) and len(got.paragraphs) == 1


def test_an_unread_caption_between_standfirst_and_byline_stays_meta(extractor: Extractor) -> None:
    text = (
        "Brussels wants to fast-track cross-border power lines, leaked draft shows\n"
        "The European Commission will propose binding deadlines for permits on grid projects.\n"
        "Commissioner Mira Halvorsen is expected to present the plan next week ~ Someone\n"
        "March 6, 2025 4:02 pm CET\n"
        "By Karl Bergström and Zoé Marchetti\n"
        "BRUSSELS — The European Commission wants to force national governments to approve "
        "cross-border power lines within two years.\n"
        "The plan, due to be unveiled next Wednesday, would set a hard deadline for permits.\n"
    )
    got = extractor.extract(text)
    assert got.standfirst.startswith("The European Commission will propose")
    assert got.authors == ("Karl Bergström", "Zoé Marchetti")
    assert got.date.date() == dt.date(2025, 3, 6) and len(got.paragraphs) == 2
    assert got.dateline_place == "BRUSSELS"


def test_a_caption_with_a_copyright_credit_is_no_standfirst(extractor: Extractor) -> None:
    text = (
        "Hundreds evacuated after fire breaks out on ferry near Piraeus\n"
        "By Euronews with AP, AFP\n"
        "Firefighting boats spray water on the burning ferry off the port of Piraeus, Thursday, "
        "6 March 2025 - Copyright AP Photo/P. Giannakouris\n"
        "More than 280 passengers and crew were evacuated from a ferry near the Greek port.\n"
        "The ferry, which was sailing to the island of Aegina, turned back shortly after leaving.\n"
    )
    got = extractor.extract(text)
    assert got.standfirst is None and len(got.paragraphs) == 2
    assert "Firefighting" not in got.body_text()


def test_a_paragraph_about_copyright_is_story(extractor: Extractor) -> None:
    first = "The Copyright Office said on Monday that it would review the case of the photographs."
    text = "Photographer wins first round in battle over images\n" + first + "\n" + _STORY
    got = extractor.extract(text)
    assert got.blocks[0].text == first or got.standfirst == first


_COMPOUND_BODY = (
    "The regional council will spend more on buses next year, its chair said on Tuesday.\n"
    "The money will pay for new routes and longer hours, the council said in a statement.\n"
)


def test_a_byline_and_date_on_one_dotted_line(extractor: Extractor) -> None:
    text = (
        "Local news\n"
        "Buses get more money in the regional budget\n"
        "New routes and longer hours from the spring\n"
        "Anna Berg · Riverside Radio · Posted: Mar 11, 2025 4:15 PM EDT | Last Updated: March 12, 2025\n"
        + _COMPOUND_BODY
    )
    got = extractor.extract(text)
    assert got.authors == ("Anna Berg",)
    assert got.date == dt.datetime(2025, 3, 11, 16, 15, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    assert got.body_text().startswith("The regional council")


def test_a_dotted_line_without_a_date_is_not_a_byline(extractor: Extractor) -> None:
    text = (
        "Local news\n"
        "Buses get more money in the regional budget\n"
        "New routes and longer hours from the spring\n"
        "Anna Berg · a reporter who has covered the council for years and likes trains\n"
        + _COMPOUND_BODY
    )
    got = extractor.extract(text)
    assert got.date is None

"""Import speed: raw articles per second through decode → extract → Markdown, one process, one core.

    python bench/import_speed.py [N] [--runs R]

Generates N synthetic raw articles (menus, breadcrumb, byline, date, captions with credits,
about 750 words in all, related links and a footer, as a paste looks), then times the importer
over all of them R times and prints the median rate. Timing is this process's CPU time (robust
to a busy machine) and measures the importer, not interpreter start-up; `sitegen import` adds
file writes on top.
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from sitegen.ingest import Extractor, extract_bytes, load_knowledge
from sitegen.ingest.markdown_body import blocks_to_markdown

WORDS = [
    "council",
    "minister",
    "river",
    "harbour",
    "festival",
    "report",
    "week",
    "city",
    "government",
    "police",
    "school",
    "budget",
    "residents",
    "officials",
    "said",
    "would",
    "could",
    "after",
    "before",
    "during",
    "under",
    "against",
    "between",
    "people",
    "workers",
    "national",
    "regional",
    "local",
    "plan",
    "vote",
    "station",
    "bridge",
    "road",
    "market",
    "prices",
    "energy",
    "water",
]
PLACES = ["HAMBURG", "Lyon", "POTES, Spain", "Pyongyang", "Münster", "TOKYO"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    return " ".join(words).capitalize() + "."


def raw_article(i: int) -> bytes:
    rng = random.Random(i)
    body = [" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(12)]
    body[0] = f"{rng.choice(PLACES)} (dpa) - " + body[0]
    body[3] = body[3].rstrip(".") + ", the news agency Reuters reported."
    lines = [
        "Skip to main content", "The Daily Example", "News", "World", "Sport", "News › Politics",
        f"Council votes on plan number {i} after a long debate in the city",
        sentence(rng), f"By Jane Doe{i % 7} and John Roe", "19 June 2024, 10:30 CEST", "Share",
        f"A view of the harbour, 18 June 2024. Photo: Name {i} / AFP via Getty Images",
        *body[:6], "Read also:", "Another headline about the harbour", *body[6:],
        "More from Politics", "A related headline",
        "© 2024 The Daily Example. All rights reserved.",
    ]  # fmt: skip
    return "\n".join(lines).encode("utf-8")


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 3000
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    raws = [raw_article(i) for i in range(count)]
    extractor = Extractor(load_knowledge())
    words = sum(len(r.split()) for r in raws) / count
    rates = []
    for _ in range(runs):
        start = time.process_time()
        for n, raw in enumerate(raws):
            blocks_to_markdown(extract_bytes(raw, f"{n}.txt", extractor).blocks)
        rates.append(count / (time.process_time() - start))
    print(f"articles: {count} (about {words:.0f} words each), runs: {runs}")
    print(f"import rate, median: {statistics.median(rates):,.0f} articles/s")
    print(f"import rate, min/max: {min(rates):,.0f} / {max(rates):,.0f} articles/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

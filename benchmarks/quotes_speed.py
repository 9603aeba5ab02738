"""Speed of the quotes stage for a 10-article story, models already loaded.

The story is the bundled fictional example story plus the five real
Balenciaga articles from ../shared when present (else the example story
twice, ids made distinct). spaCy is loaded and warmed up before timing; the
figure is the median of 5 runs of `find_quotes` (mark pairing, parse of the
quote paragraphs, attribution, cross-outlet alignment, fidelity).

    .venv/bin/python benchmarks/quotes_speed.py
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "corroborate" / "data" / "example_story" / "articles"
BALENCIAGA = ROOT.parent / "shared" / "examples" / "balenciaga"


def story():
    from corroborate.ingest import read_articles

    articles, _ = read_articles([EXAMPLE])
    if BALENCIAGA.exists():
        more, _ = read_articles([BALENCIAGA])
    else:
        more = [replace(a, id=a.id + "-copy") for a in articles]
    return (articles + more)[:10] if len(articles + more) >= 10 else articles + more


def main() -> None:
    from corroborate.brief import start_brief
    from corroborate.nlp import spacy_model
    from corroborate.quotes import find_quotes

    spacy_model()("Warm up the pipeline.")
    articles = story()
    brief = start_brief(articles)
    find_quotes(brief)  # warm-up run
    times = []
    for _ in range(5):
        started = time.perf_counter()
        result = find_quotes(brief)
        times.append(time.perf_counter() - started)
    words = sum(a.word_count for a in articles)
    print(f"{len(articles)} articles, {words} words, {len(result.quotes)} statements")
    print(f"{'measure':<34}{'seconds':>10}{'target':>10}")
    print(f"{'find_quotes, median of 5':<34}{statistics.median(times):>10.3f}{1.0:>10.1f}")
    print(f"{'find_quotes, fastest of 5':<34}{min(times):>10.3f}")


if __name__ == "__main__":
    main()

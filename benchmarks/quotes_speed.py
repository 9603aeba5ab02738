"""Speed of the quotes stage for a 10-article story, models already loaded.

The story is the bundled fictional example story plus the five real
Balenciaga articles from ../shared when present (else the example story
twice, ids made distinct). spaCy is loaded and warmed up before timing; each
figure is the median of 5 runs of `find_quotes` (mark pairing, attribution,
cross-outlet alignment, fidelity):

- "parse cached": the articles' spaCy parses are already in the process-wide
  cache (`nlp.parse_texts`), as in a full brief where the stages share them;
- "cold": the cache is emptied before each run, so the run parses every
  article that has a quote.

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


def _median_seconds(run, before=lambda: None, repeat: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        before()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def main() -> None:
    from corroborate import nlp
    from corroborate.brief import start_brief
    from corroborate.quotes import find_quotes

    nlp.spacy_model()("Warm up the pipeline.")
    articles = story()
    brief = start_brief(articles)
    result = find_quotes(brief)  # warm-up run, fills the parse cache
    cached = _median_seconds(lambda: find_quotes(brief))
    cold = _median_seconds(lambda: find_quotes(brief), before=nlp._DOCS.clear)
    words = sum(a.word_count for a in articles)
    print(f"{len(articles)} articles, {words} words, {len(result.quotes)} statements")
    print(f"{'find_quotes':<34}{'median s':>10}{'fastest s':>10}{'target':>10}")
    print(f"{'parse cached (as in a brief)':<34}{cached[0]:>10.3f}{cached[1]:>10.3f}{1.0:>10.1f}")
    print(f"{'cold (parses the articles)':<34}{cold[0]:>10.3f}{cold[1]:>10.3f}")


if __name__ == "__main__":
    main()

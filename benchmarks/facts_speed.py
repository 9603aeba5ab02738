"""Speed of the facts and timeline stages on a 10-article story, after models are loaded.

The story is the bundled example story plus the real Balenciaga articles (read
from ../shared at run time when present), cut to 10 articles. Printed: the
spaCy parse (cached per process, shared by facts and timeline), the rest of
the facts stage (entities, claims, alignment) and the timeline stage, best of
three runs each.

    .venv/bin/python benchmarks/facts_speed.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from corroborate import claims  # noqa: E402
from corroborate.brief import start_brief  # noqa: E402
from corroborate.config import BriefOptions  # noqa: E402
from corroborate.ingest import read_articles  # noqa: E402
from corroborate.nlp import spacy_model  # noqa: E402
from corroborate.sentences import split_sentences  # noqa: E402
from corroborate.timeline import build_timeline  # noqa: E402

EXAMPLE = ROOT / "src" / "corroborate" / "data" / "example_story" / "articles"
BALENCIAGA = ROOT.parent / "shared" / "examples" / "balenciaga"


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    inputs = [EXAMPLE] + ([BALENCIAGA] if BALENCIAGA.exists() else [])
    articles, _ = read_articles(inputs)
    articles = articles[:10]
    options = BriefOptions()
    brief = split_sentences(start_brief(articles), options)
    spacy_model()  # models loaded before timing
    words = sum(a.word_count for a in articles)

    def parse_cold():
        claims._DOCS.clear()
        claims.parse(articles)

    parse = best_of(3, parse_cold)
    claims.parse(articles)  # warm cache: what the stages see after the first parse
    facts = best_of(3, lambda: claims.find_facts(brief, options))
    with_facts = claims.find_facts(brief, options)
    timeline = best_of(3, lambda: build_timeline(with_facts, options))

    print(f"{len(articles)} articles, {words} words; 2 cores; best of 3")
    print(f"{'step':<44}{'seconds':>9}")
    print(f"{'spaCy parse (en_core_web_sm, once per story)':<44}{parse:>9.3f}")
    print(f"{'facts after parse (entities, claims, slots)':<44}{facts:>9.3f}")
    print(f"{'timeline (from facts)':<44}{timeline:>9.3f}")
    print(f"{'facts + timeline incl. parse':<44}{parse + facts + timeline:>9.3f}")


if __name__ == "__main__":
    main()

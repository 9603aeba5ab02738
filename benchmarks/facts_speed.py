"""Speed of the facts and timeline stages on a 10-article story, after models are loaded.

The story is the bundled example story plus the real Balenciaga articles (read
from ../shared at run time when present), cut to 10 articles. Printed: the
spaCy parse (cached per process by `nlp.parse_texts`, shared with the quotes
stage, which runs first in a full brief), the facts stage with the parse
cached (entities, claims, clause embeddings, alignment), the same with the
embeddings cached too, and the timeline stage; best of three runs each.

    .venv/bin/python benchmarks/facts_speed.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from corroborate import claims, nlp  # noqa: E402
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
    nlp.embed(["warm up the sentence encoder"])
    words = sum(a.word_count for a in articles)

    def parse_cold():
        nlp._DOCS.clear()
        claims.parse(articles)

    # In a full brief the relations stage has embedded every sentence already;
    # the clause and head texts are new to the facts stage.
    sentences = [brief.text(s.span) for s in brief.sentences]
    nlp.embed(sentences)
    keep = set(sentences)

    def facts_cold_embeddings():
        for text in [t for t in nlp._EMBEDDINGS if t not in keep]:
            del nlp._EMBEDDINGS[text]
        claims.find_facts(brief, options)

    parse = best_of(3, parse_cold)
    claims.parse(articles)  # cached, as in a full brief where the quotes stage parsed first
    facts = best_of(3, facts_cold_embeddings)
    facts_warm = best_of(3, lambda: claims.find_facts(brief, options))
    with_facts = claims.find_facts(brief, options)
    timeline = best_of(3, lambda: build_timeline(with_facts, options))
    claims_count = sum(len(s.claims) for s in with_facts.facts)

    print(f"{len(articles)} articles, {words} words, {claims_count} claims in {len(with_facts.facts)} slots; "
          "2 cores; best of 3")  # fmt: skip
    print(f"{'step':<58}{'seconds':>9}")
    print(f"{'spaCy parse (en_core_web_sm), cold':<58}{parse:>9.3f}")
    print(f"{'facts, parse + sentence embeddings cached':<58}{facts:>9.3f}")
    print(f"{'facts, parse and embeddings cached':<58}{facts_warm:>9.3f}")
    print(f"{'timeline (from facts)':<58}{timeline:>9.3f}")
    print(f"{'facts + timeline, parse cached (as in a full brief)':<58}{facts + timeline:>9.3f}")
    print(f"{'facts + timeline incl. a cold parse':<58}{parse + facts + timeline:>9.3f}")


if __name__ == "__main__":
    main()

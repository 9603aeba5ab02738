"""How long the summary stage takes once models are loaded.

For each story: the earlier stages run first (as in `corroborate brief`, so the
sentence embeddings they computed are shared through `nlp.embed`'s cache), then
the summary stage is timed; "cold" also times it with the embedding cache
emptied (the summary then encodes every sentence itself). Stories: the bundled
example story (6 articles), ../shared/examples/balenciaga (5 articles) and the
largest Multi-News dev cluster (9 articles, ~9,900 words), which stands in for a
10-article story.

    .venv/bin/python benchmarks/summary_speed.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corroborate import nlp  # noqa: E402
from corroborate.brief import _stages, analyse, brief, start_brief  # noqa: E402
from corroborate.config import BriefOptions  # noqa: E402
from corroborate.summarize import summarize  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BEFORE_SUMMARY = BriefOptions(stages=tuple(name for name in _stages() if name != "summary"))


def stories():
    yield "example story (6 articles)", brief([ROOT / "src/corroborate/data/example_story/articles"], BEFORE_SUMMARY)
    if (SHARED / "examples" / "balenciaga").exists():
        yield "balenciaga (5 articles)", brief([SHARED / "examples" / "balenciaga"], BEFORE_SUMMARY)
    data = SHARED / "data" / "multinews_dev200.jsonl.gz"
    if data.exists():
        import summary_harness

        records = list(summary_harness.read_clusters(data))
        largest = max(records, key=lambda r: (len(r["docs"]), sum(len(d["text"]) for d in r["docs"])))
        articles = summary_harness.cluster_brief(largest, None).articles
        yield f"largest Multi-News cluster ({len(articles)} articles)", analyse(start_brief(articles), BEFORE_SUMMARY)


def timed(function, repeats: int = 3) -> tuple[float, float]:
    """Median wall and CPU seconds (CPU time is what a shared, loaded machine
    distorts least)."""
    walls, cpus = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    nlp.embed(["warm up"])
    nlp.spacy_model()
    options = BriefOptions()
    print("| story | sentences | words | summary stage (s, embeddings shared) | CPU s | cold (s, embeddings computed) |")
    print("|---|---|---|---|---|---|")
    for name, story in stories():
        summarize(story, options)  # first call loads what the stage needs (stemmer, solver)
        warm, warm_cpu = timed(lambda: summarize(story, options))

        def cold():
            nlp._EMBEDDINGS.clear()
            summarize(story, options)

        cold_seconds, _ = timed(cold, repeats=1)
        words = sum(a.word_count for a in story.articles)
        print(f"| {name} | {len(story.sentences)} | {words} | {warm:.2f} | {warm_cpu:.2f} | {cold_seconds:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

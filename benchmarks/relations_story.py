"""Source relations on whole stories: the bundled example story (planted copies,
with and without publication dates) and the five real articles in ../shared/examples.

For each story: planted copy/rewrite relations found with the right kind and
direction, false copy relations between independent sources, the independent
source count against the truth, and the stage's time.

    .venv/bin/python benchmarks/relations_story.py
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from corroborate.brief import start_brief  # noqa: E402
from corroborate.ingest import read_articles  # noqa: E402
from corroborate.relations import COPY_KINDS, find_relations  # noqa: E402
from corroborate.sentences import split_sentences  # noqa: E402

EXAMPLE = ROOT / "src" / "corroborate" / "data" / "example_story"
BALENCIAGA = ROOT.parent / "shared" / "examples" / "balenciaga"


def run(folder: Path, drop_dates: bool = False):
    articles, _ = read_articles([folder])
    if drop_dates:
        articles = [dataclasses.replace(a, published=None) for a in articles]
    brief = split_sentences(start_brief(articles))
    start = time.perf_counter()
    brief = find_relations(brief)
    seconds = time.perf_counter() - start
    name_of = {a.id: Path(a.origin).name for a in articles}
    found = {(name_of[r.source], name_of[r.derived]): r for r in brief.relations if r.kind in COPY_KINDS}
    return brief, found, seconds


def main() -> None:
    print("| story | planted copies found (kind and direction right) | false copy relations | "
          "independent sources (truth) | mean direction confidence | seconds |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    truth = json.loads((EXAMPLE / "truth.json").read_text()) if (EXAMPLE / "truth.json").exists() else None
    if truth:
        group = {name: info["group"] for name, info in truth["articles"].items()}
        planted = {(r["source"], r["derived"]): r["kind"] for r in truth["relations"]}
        for drop_dates in (False, True):
            brief, found, seconds = run(EXAMPLE / "articles", drop_dates)
            right = sum(1 for pair, kind in planted.items() if pair in found and found[pair].kind == kind)
            false = sum(1 for (left, right_name) in found if group[left] != group[right_name])
            confidence = sum(r.direction_confidence for r in found.values()) / max(1, len(found))
            label = "example story" + (" (dates removed: direction from evidence)" if drop_dates else "")
            print(f"| {label} | {right}/{len(planted)} | {false} | {brief.independent_source_count} "
                  f"({truth['independent_sources']}) | {confidence:.2f} | {seconds:.1f} |")  # fmt: skip
    if BALENCIAGA.exists():
        brief, found, seconds = run(BALENCIAGA)
        print(f"| ../shared/examples/balenciaga (real) | - | {len(found)} | {brief.independent_source_count} (5) "
              f"| - | {seconds:.1f} |")  # fmt: skip
        kinds = {}
        for relation in brief.relations:
            kinds[relation.kind] = kinds.get(relation.kind, 0) + 1
        print(f"\nbalenciaga pair kinds: {kinds}")


if __name__ == "__main__":
    main()

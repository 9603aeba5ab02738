"""Timeline17 dev as a summarisation set for benchmarks/summary_harness.py: one
cluster per collection, its first `--docs` articles by date, and for reference the
journalists' timeline entries dated within those articles' days.

Multi-News gives no outlet, so an outlet-aware rule (independence.py: one outlet's
same words in two of its articles are one source) cannot move a Multi-News figure.
Timeline17's articles name their outlets (CNN, the Guardian, the BBC, ...), and its
CNN pages carry sidebars printed on every page; a timeline is no summary of the first
days' articles, but it is written by journalists from the same events, so ROUGE
against it says which of two summaries of the same articles states more of what
happened. Use it to compare versions, never as an absolute figure.

    .venv/bin/python benchmarks/timeline17_as_summaries.py /tmp/t17-summaries.jsonl.gz --docs 100
    .venv/bin/python benchmarks/summary_harness.py /tmp/t17-summaries.jsonl.gz --words 100 --jobs 2

Reads ../shared/data/timeline17_dev.jsonl.gz. Contacts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "timeline17_dev.jsonl.gz"


def clusters(source: Path, docs: int):
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            chosen = sorted(record["docs"], key=lambda d: (str(d.get("date") or ""), str(d.get("id"))))[:docs]
            days = {str(d.get("date"))[:10] for d in chosen if d.get("date")}
            if not days:
                continue
            first, last = min(days), max(days)
            references = []
            for timeline in record["timelines"]:
                entries = [e["text"] for e in timeline["entries"] if first <= str(e["date"])[:10] <= last]
                if entries:
                    references.append(" ".join(entries))
            if references:
                yield {"cluster_id": record["collection_id"], "docs": chosen, "references": references}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="where to write the clusters (.jsonl.gz)")
    parser.add_argument("--docs", type=int, default=100, help="articles per collection, earliest first")
    parser.add_argument("--source", type=Path, default=SOURCE)
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"skipped: {args.source} is absent", file=sys.stderr)
        return 1
    count = 0
    with gzip.open(args.output, "wt", encoding="utf-8") as out:
        for cluster in clusters(args.source, args.docs):
            out.write(json.dumps(cluster) + "\n")
            count += 1
    print(f"{count} clusters written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

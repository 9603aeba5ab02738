"""How the quotes stage groups a big story's quotes into statements, and what it calls them.

Quotes of different articles are one statement when they share enough wording
(`quotes.align`), and linking is transitive. In a story of many speakers and long
quotes (Timeline17's CNN transcripts and live blogs) shared phrases chained different
statements of different speakers into one group, and every member was then judged
against one canonical wording: "altered" or "other-speaker" verdicts for outlets that
had printed other words faithfully. This prints, per story, the number of quotes and
statements, the largest statement's size and how many speakers it mixes, and the
verdicts given; with `PYTHONPATH=<other checkout>/src`, another version's.

    .venv/bin/python benchmarks/quote_groups.py [--rows flagship t17-100 mn-100]

Rows are those of benchmarks/brief_scaling.py (its inputs, from ../shared); each row
runs the stages the quotes stage needs (sentences, relations, quotes) in this process.
Contacts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

VERDICTS = ("verbatim", "partial", "typography", "altered", "other-speaker", "disputed")


def measure(path: Path) -> dict:
    from corroborate.brief import analyse, start_brief
    from corroborate.config import BriefOptions
    from corroborate.ingest import read_inputs

    started = time.perf_counter()
    read = read_inputs([path])
    brief = analyse(start_brief(read.articles, read.problems, read.repeats),
                    BriefOptions(stages=("sentences", "relations", "quotes")))  # fmt: skip
    groups = brief.quotes
    verdicts = Counter(o.verdict for g in groups for o in g.occurrences)
    largest = max(groups, key=lambda g: len(g.occurrences), default=None)
    speakers = {o.quote.speaker for o in largest.occurrences if o.quote.speaker} if largest else set()
    return {
        "articles": len(brief.articles),
        "quotes": sum(len(g.occurrences) for g in groups),
        "statements": len(groups),
        "largest statement (quotes)": len(largest.occurrences) if largest else 0,
        "its speakers": len(speakers),
        "statements mixing 3+ speakers": sum(
            len({o.quote.speaker for o in g.occurrences if o.quote.speaker}) >= 3 for g in groups
        ),
        **{verdict: verdicts.get(verdict, 0) for verdict in VERDICTS},
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    from brief_scaling import ROWS, report_stories

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", nargs="+", default=["flagship", "t17-100", "mn-100"], choices=list(ROWS))
    args = parser.parse_args(argv)
    return report_stories(args.rows, lambda row, path: measure(path))


if __name__ == "__main__":
    sys.exit(main())

"""Quote-mark pairing on real text: how long the quotes it finds are, and where a line
is a paragraph rather than a whole article written on one line.

`corroborate.quotes.marks` pairs quote marks within a line (a paragraph). A quote left
open runs to its paragraph's end, the convention for a quote that goes on in the next
paragraph. Timeline17 and ECB+ ship each article on one line, and write quotes as
Treebank `` and '': read as straight marks, a '' before a colon or full stop opened a
quote, which then ran to the article's end, crediting thousands of words to one
speaker. This prints, per corpus:

- lines: how many sentences a line holds (the evidence for
  `marks.PARAGRAPH_MAX_SENTENCES`: paragraphed news stays below it, one-line articles
  do not), and the share of lines read as whole articles;
- quotes: how many, how many were left open, how many credit more than 100 words to
  one speaker, and the longest.

    .venv/bin/python benchmarks/quote_marks.py [--sets polnear multinews timeline17 ecbplus balenciaga]

Run it with `PYTHONPATH=<other checkout>/src` for another version's figures. Reads
../shared (skips a set whose file is absent); contacts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
EXAMPLES = ROOT.parent / "shared" / "examples" / "balenciaga"
LONG_QUOTE_WORDS = 100


def _jsonl(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def texts_of(name: str) -> Iterator[str] | None:
    """The texts of one corpus, as its file ships them (None: the file is absent)."""
    files = {
        "polnear": [DATA / "polnear_train.jsonl.gz", DATA / "polnear_dev.jsonl.gz"],
        "multinews": [DATA / "multinews_dev200.jsonl.gz"],
        "timeline17": [DATA / "timeline17_dev.jsonl.gz"],
        "ecbplus": [DATA / "ecbplus_dev.jsonl.gz"],
    }
    if name == "balenciaga":
        if not EXAMPLES.is_dir():
            return None
        return (path.read_text(encoding="utf-8", errors="replace") for path in sorted(EXAMPLES.iterdir()) if path.is_file())
    paths = files[name]
    if not all(path.exists() for path in paths):
        return None

    def read() -> Iterator[str]:
        for path in paths:
            for record in _jsonl(path):
                if "docs" in record:
                    yield from ((doc.get("text") or "") for doc in record["docs"])
                else:
                    yield record.get("text") or ""

    return read()


def _percentile(values: list[int], share: float) -> int:
    return values[min(len(values) - 1, int(len(values) * share))] if values else 0


def measure(texts: Iterator[str]) -> dict:
    import re

    from corroborate.quotes import marks

    sentences_per_line: list[int] = []
    flat = 0
    quotes = unclosed = long_quotes = longest = documents = 0
    started = time.perf_counter()
    for text in texts:
        documents += 1
        for line in re.finditer(r"[^\n]+", text):
            sentences_per_line.append(len(marks._SENTENCE_END.findall(text, line.start(), line.end())) + 1)
            flat += getattr(marks, "_is_flat", lambda *_: False)(text, line.start(), line.end())
        for quote in marks.quoted_spans(text):
            words = len(text[quote.start : quote.end].split())
            quotes += 1
            unclosed += quote.how == "unclosed"
            long_quotes += words > LONG_QUOTE_WORDS
            longest = max(longest, words)
    sentences_per_line.sort()
    return {
        "documents": documents,
        "lines": len(sentences_per_line),
        "sentences/line p50": _percentile(sentences_per_line, 0.5),
        "p99": _percentile(sentences_per_line, 0.99),
        "p99.9": _percentile(sentences_per_line, 0.999),
        "max": sentences_per_line[-1] if sentences_per_line else 0,
        "lines read as articles": flat,
        "quotes": quotes,
        "left open": unclosed,
        f"over {LONG_QUOTE_WORDS} words": long_quotes,
        "longest (words)": longest,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=["polnear", "multinews", "timeline17", "ecbplus", "balenciaga"],
                        choices=["polnear", "multinews", "timeline17", "ecbplus", "balenciaga"])
    args = parser.parse_args(argv)
    import corroborate.quotes.marks as marks_module

    print(f"corroborate.quotes.marks from {marks_module.__file__}")
    rows = []
    for name in args.sets:
        texts = texts_of(name)
        if texts is None:
            print(f"{name}: skipped (its file is not under {DATA.parent})", file=sys.stderr)
            continue
        rows.append((name, measure(texts)))
    if not rows:
        return 1
    print_rows(rows, "set")
    return 0


def print_rows(rows: list[tuple[str, dict]], first: str) -> None:
    """A Markdown table: one row per (name, figures), the figures' keys as columns."""
    columns = list(rows[0][1])
    print(f"| {first} | " + " | ".join(columns) + " |")
    print("|---|" + "--:|" * len(columns))
    for name, figures in rows:
        print(f"| {name} | " + " | ".join(f"{figures[c]:,}" if isinstance(figures[c], int) else str(figures[c]) for c in columns) + " |")


if __name__ == "__main__":
    sys.exit(main())

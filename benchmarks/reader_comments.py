"""Reader-comment threads left in cleaned text, and what cutting them removes.

Cleans every document of the corpora in ../shared/data that ship whole pages as
text (Timeline17 dev, Multi-News dev, ECB+ dev, PolNeAR dev and train) with
`clean.clean`, and counts in the cleaned text:

- comment stamps: a full date, a time of day and the widget bar ("March 3, 2031
  at 9:14 am |", "June 7, 2030 12:24 PM |", "March 3, 2031 09:14 am at 9:14 am |"); the shape, written here again so that an older
  checkout without `reader_comments` is measured by the same count;
- the comment widget's words after a bar ("| Reply", "| Report abuse");

and, of the cleaning itself: articles touched by the "reader comments" rule, the
characters it removed, the characters kept, and every article that lost more than
half of its text to it (a few printed, where the cut begins, for reading).

    .venv/bin/python benchmarks/reader_comments.py [--show N]
    PYTHONPATH=/path/to/other/checkout/src .venv/bin/python benchmarks/reader_comments.py   # the "before" figure

Reads ../shared/data at run time and skips a corpus (with a message) when it is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
REASON = "reader comments"

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_STAMP = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}})[,;]?\s+(?:at\s+)?\d{{1,2}}:\d{{2}}(?:\s*[ap]\.?\s?m\.?)?"
    r"(?:\s+at\s+\d{1,2}:\d{2}(?:\s*[ap]\.?\s?m\.?)?)?(?:\s+[A-Z]{2,4})?\s*\|",
    re.IGNORECASE,
)
_WIDGET = re.compile(r"\|\s*(?:report\s+abuse|reply)\b", re.IGNORECASE)

CORPORA: dict[str, Callable[[dict], list[dict]]] = {
    "timeline17_dev.jsonl.gz": lambda record: record["docs"],
    "multinews_dev200.jsonl.gz": lambda record: record["docs"],
    "ecbplus_dev.jsonl.gz": lambda record: [record],
    "polnear_dev.jsonl.gz": lambda record: [record],
    "polnear_train.jsonl.gz": lambda record: [record],
}


@dataclass
class Tally:
    documents: int = 0
    raw_stamps: int = 0
    stamps: int = 0  # left in the cleaned text
    widgets: int = 0  # left in the cleaned text
    with_stamps: int = 0  # documents whose cleaned text still has one
    touched: int = 0
    removed_chars: int = 0
    kept_chars: int = 0
    heavy: list[tuple[str, int, int, str, str]] = field(default_factory=list)  # (id, removed, raw, kept end, cut start)


def documents(name: str) -> Iterator[tuple[str, dict]]:
    with gzip.open(DATA / name, "rt", encoding="utf-8") as handle:
        for number, record in enumerate(map(json.loads, handle)):
            for position, document in enumerate(CORPORA[name](record)):
                label = record.get("collection_id") or record.get("cluster_id") or record.get("id") or number
                yield f"{label}/{document.get('id', position)}", document


def measure(name: str) -> Tally:
    from corroborate.clean import clean
    from corroborate.model import RawArticle

    tally = Tally()
    for label, document in documents(name):
        text = document.get("text") or ""
        article = clean(RawArticle(origin=label, text=text, title=document.get("title") or None))
        tally.documents += 1
        tally.raw_stamps += len(_STAMP.findall(text))
        found = len(_STAMP.findall(article.text))
        tally.stamps += found
        tally.with_stamps += found > 0
        tally.widgets += len(_WIDGET.findall(article.text))
        tally.kept_chars += len(article.text)
        cut = [line for line in article.removed if line.reason == REASON]
        if not cut:
            continue
        tally.touched += 1
        removed = sum(len(line.text) for line in cut)
        tally.removed_chars += removed
        if removed > 0.5 * len(text):
            tally.heavy.append((label, removed, len(text), article.text[-160:], cut[0].text[:160]))
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=4, help="articles that lost more than half their text, printed per corpus")
    args = parser.parse_args()
    import corroborate.clean

    print(f"corroborate from {Path(corroborate.clean.__file__).parent}")
    if not DATA.is_dir():
        print(f"{DATA} is absent: nothing measured (it holds the evaluation data; see README)")
        return 0
    header = f"{'corpus':28} {'docs':>5} {'stamps raw':>10} {'left':>5} {'docs w/':>7} {'widgets':>7} {'touched':>7} {'removed':>9} {'kept chars':>11} {'>half':>5}"
    print(header)
    heavy: dict[str, list] = {}
    for name in CORPORA:
        if not (DATA / name).exists():
            print(f"{name:28} absent, skipped")
            continue
        tally = measure(name)
        heavy[name] = tally.heavy
        print(
            f"{name:28} {tally.documents:5} {tally.raw_stamps:10} {tally.stamps:5} {tally.with_stamps:7} {tally.widgets:7}"
            f" {tally.touched:7} {tally.removed_chars:9} {tally.kept_chars:11} {len(tally.heavy):5}"
        )
    for name, items in heavy.items():
        for label, removed, size, kept_end, cut_start in items[: args.show]:
            print(f"\n{name} {label}: {removed} of {size} characters cut")
            print(f"    kept ends:  ...{kept_end}")
            print(f"    cut starts: {cut_start}...")
    return 0


if __name__ == "__main__":
    sys.exit(main())

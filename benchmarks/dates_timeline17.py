"""Date resolution on Timeline17 (../shared/data/timeline17_dev.jsonl.gz), ours vs dateparser alone.

1. Found dates vs each doc's `mentioned_dates` (set per doc; a month is written
   YYYY-MM-01 and a year YYYY-01-01 there, as we do; week-precision dates have no
   counterpart there and are left out): precision and recall, micro-averaged over
   a seeded sample of docs. dateparser's `search_dates` on the same docs (with the
   doc date as RELATIVE_BASE) is the baseline.
2. Resolution accuracy on 100 hand-labelled relative/weekday expressions
   (tests/labels/timeline17_relative.json): ours, and `dateparser.parse` of the
   same expression with the doc date as RELATIVE_BASE, compared at the label's
   precision (same day / ISO week / month / year).

    .venv/bin/python benchmarks/dates_timeline17.py [--docs 400] [--baseline-docs 60]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "timeline17_dev.jsonl.gz"
LABELS = ROOT / "tests" / "labels" / "timeline17_relative.json"

sys.path.insert(0, str(ROOT / "src"))
from corroborate.dates import find_dates, same_date  # noqa: E402

warnings.filterwarnings("ignore")


def load_docs() -> dict[str, dict]:
    docs = {}
    with gzip.open(DATA, "rt") as handle:
        for line in handle:
            record = json.loads(line)
            for doc in record["docs"]:
                docs[f"{record['collection_id']}/{doc['id']}"] = doc
    return docs


def as_gold(date: dt.date, precision: str) -> str | None:
    if precision == "day":
        return date.isoformat()
    if precision == "month":
        return date.replace(day=1).isoformat()
    if precision == "year":
        return date.replace(month=1, day=1).isoformat()
    return None


def ours(doc: dict) -> set[str]:
    reference = dt.date.fromisoformat(doc["date"])
    found = set()
    for mention in find_dates(doc["text"], reference):
        if mention.date is not None and (value := as_gold(mention.date, mention.precision)):
            found.add(value)
    return found


def dateparser_search(doc: dict) -> set[str]:
    from dateparser.search import search_dates

    base = dt.datetime.fromisoformat(doc["date"])
    hits = search_dates(doc["text"], languages=["en"], settings={"RELATIVE_BASE": base}) or []
    return {when.date().isoformat() for _, when in hits}


def score(predict, docs: list[dict]) -> tuple[float, float, float]:
    true_positive = found_total = gold_total = 0
    start = time.perf_counter()
    for doc in docs:
        gold = {d for d in doc["mentioned_dates"] if d}
        found = predict(doc)
        true_positive += len(found & gold)
        found_total += len(found)
        gold_total += len(gold)
    elapsed = time.perf_counter() - start
    return true_positive / max(found_total, 1), true_positive / max(gold_total, 1), elapsed / max(len(docs), 1)


def labelled_accuracy(docs: dict[str, dict]) -> tuple[float, float, int]:
    import dateparser

    labels = json.loads(LABELS.read_text())["labels"]
    ours_correct = baseline_correct = 0
    for label in labels:
        doc = docs[label["doc"]]
        reference = dt.date.fromisoformat(doc["date"])
        expression = doc["text"][label["start"] : label["end"]]
        mention = {m.start: m for m in find_dates(doc["text"], reference)}.get(label["start"])
        parsed = dateparser.parse(
            expression,
            languages=["en"],
            settings={"RELATIVE_BASE": dt.datetime.combine(reference, dt.time()), "PREFER_DATES_FROM": "past"},
        )
        if label["date"] is None:
            ours_correct += mention is None or mention.date is None
            baseline_correct += parsed is None
            continue
        ours_correct += bool(mention and mention.date and same_date(mention.date, label["date"], label["precision"]))
        baseline_correct += bool(parsed and same_date(parsed.date(), label["date"], label["precision"]))
    return ours_correct / len(labels), baseline_correct / len(labels), len(labels)


def sample_expressions(docs: dict[str, dict], count: int = 100, seed: int = 7) -> list[tuple]:
    """How the hand-label sample was drawn (printed with --sample for labelling)."""
    items = sorted(docs.items())
    rng = random.Random(seed)
    rng.shuffle(items)
    picked = []
    for key, doc in items:
        reference = dt.date.fromisoformat(doc["date"])
        mentions = [m for m in find_dates(doc["text"], reference) if m.kind in ("weekday", "relative")]
        if mentions:
            picked.append((key, rng.choice(mentions)))
        if len(picked) >= count:
            break
    return picked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400, help="docs sampled for precision/recall")
    parser.add_argument("--baseline-docs", type=int, default=60, help="docs for dateparser.search_dates (slow)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is absent (it is beside the project in CI)")
        return
    docs = load_docs()
    sample = sorted(docs)
    random.Random(args.seed).shuffle(sample)
    chosen = [docs[k] for k in sample[: args.docs]]
    baseline = chosen[: args.baseline_docs]

    print(f"Timeline17 dev: {len(docs)} docs; dates found vs mentioned_dates (micro, set per doc)")
    print(f"{'resolver':<32}{'docs':>6}{'precision':>11}{'recall':>9}{'ms/doc':>9}")
    p, r, t = score(ours, chosen)
    print(f"{'corroborate.dates':<32}{len(chosen):>6}{p:>11.3f}{r:>9.3f}{t * 1000:>9.1f}")
    p, r, t = score(ours, baseline)
    print(f"{'corroborate.dates':<32}{len(baseline):>6}{p:>11.3f}{r:>9.3f}{t * 1000:>9.1f}")
    p, r, t = score(dateparser_search, baseline)
    print(f"{'dateparser.search_dates':<32}{len(baseline):>6}{p:>11.3f}{r:>9.3f}{t * 1000:>9.1f}")

    mine, theirs, n = labelled_accuracy(docs)
    print(f"\nHand-labelled relative/weekday expressions (n={n}), accuracy at the label's precision")
    print(f"{'corroborate.dates':<32}{mine:>9.3f}")
    print(f"{'dateparser.parse (alone)':<32}{theirs:>9.3f}")


if __name__ == "__main__":
    main()

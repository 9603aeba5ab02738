"""HTML main-text extraction: our body (ingest.html.parse_html + clean.clean) against
the gold article body, with trafilatura alone (default `trafilatura.extract`) side by
side in the same run, on ../shared/data/article_extraction (real news pages).

Token-level precision/recall/F1: bag-of-words overlap of lower-cased word tokens,
per page, averaged over pages (a page an extractor returns nothing for scores 0);
micro-averaged figures (all pages' tokens pooled) are printed too.

    .venv/bin/python benchmarks/html_extraction.py [--limit N] [--worst K]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "article_extraction"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> Counter[str]:
    return Counter(token.casefold() for token in _TOKEN.findall(text or ""))


def prf(predicted: Counter[str], gold: Counter[str]) -> tuple[float, float, float, int]:
    overlap = sum((predicted & gold).values())
    precision = overlap / sum(predicted.values()) if predicted else 0.0
    recall = overlap / sum(gold.values()) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, overlap


def load_pages(limit: int | None = None) -> list[dict]:
    pages = [json.loads(line) for line in (DATA / "pages.jsonl").read_text().splitlines() if line.strip()]
    pages = pages[:limit] if limit else pages
    for page in pages:
        page["html"] = gzip.decompress((DATA / page["html_path"]).read_bytes())
    return pages


def ours(page: dict) -> str:
    from corroborate.clean import clean
    from corroborate.ingest.html import parse_html
    from corroborate.model import InputProblem

    raw = parse_html(page["html"], page["id"], page.get("url"))
    return "" if isinstance(raw, InputProblem) else clean(raw).text


def trafilatura_default(page: dict) -> str:
    import trafilatura

    return trafilatura.extract(page["html"]) or ""


def trafilatura_precise(page: dict) -> str:
    import trafilatura

    return trafilatura.extract(page["html"], favor_precision=True, include_comments=False) or ""


# The baseline first (the comparison), then trafilatura with the settings
# parse_html uses but without our cleaning, to show what cleaning adds.
EXTRACTORS: dict[str, Callable[[dict], str]] = {
    "trafilatura.extract (default)": trafilatura_default,
    "trafilatura, our settings, no clean": trafilatura_precise,
    "corroborate (parse_html + clean)": ours,
}


BASELINE, OURS = "trafilatura.extract (default)", "corroborate (parse_html + clean)"


def evaluate(pages: list[dict], extractors: dict[str, Callable[[dict], str]] = EXTRACTORS) -> dict[str, dict]:
    """Per extractor: mean precision/recall/F1 over pages, micro figures, seconds, per-page F1."""
    results = {}
    for name, extract in extractors.items():
        started = time.perf_counter()
        per_page, overlap, predicted_total, gold_total = [], 0, 0, 0
        for page in pages:
            predicted, gold = tokens(extract(page)), tokens(page["article_body"])
            p, r, f, o = prf(predicted, gold)
            per_page.append((p, r, f))
            overlap += o
            predicted_total += sum(predicted.values())
            gold_total += sum(gold.values())
        micro_p = overlap / predicted_total if predicted_total else 0.0
        micro_r = overlap / gold_total if gold_total else 0.0
        results[name] = {
            "precision": statistics.mean(p for p, _, _ in per_page),
            "recall": statistics.mean(r for _, r, _ in per_page),
            "f1": statistics.mean(f for _, _, f in per_page),
            "micro_f1": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
            "seconds": time.perf_counter() - started,
            "per_page": per_page,
        }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N pages (for quick checks)")
    parser.add_argument("--worst", type=int, default=0, help="list the K pages where ours trails trafilatura most")
    args = parser.parse_args()
    if not (DATA / "pages.jsonl").exists():
        print(f"skipped: {DATA} is absent (it is beside the project in CI)")
        return 0
    pages = load_pages(args.limit)
    results = evaluate(pages)
    print(f"{len(pages)} pages from {DATA}")
    print(f"{'extractor':36} {'prec':>6} {'recall':>6} {'F1':>6} {'microF1':>7} {'s':>6}")
    for name, r in results.items():
        print(f"{name:36} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['micro_f1']:7.3f} {r['seconds']:6.1f}")
    if args.worst:
        base, mine = results[BASELINE]["per_page"], results[OURS]["per_page"]
        gaps = sorted(range(len(pages)), key=lambda i: mine[i][2] - base[i][2])[: args.worst]
        for i in gaps:
            print(f"  {pages[i]['id'][:12]} {pages[i]['source']:28} trafilatura F1 {base[i][2]:.3f}  ours {mine[i][2]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

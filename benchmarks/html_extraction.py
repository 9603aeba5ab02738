"""HTML main-text extraction: our body (ingest.html.parse_html + clean.clean) against
the gold article body, with trafilatura alone (default `trafilatura.extract`) side by
side in the same run, on ../shared/data/article_extraction (real news pages).

Token-level precision/recall/F1: bag-of-words overlap of lower-cased word tokens,
per page, averaged over pages (a page an extractor returns nothing for scores 0);
micro-averaged figures (all pages' tokens pooled) are printed too.

    .venv/bin/python benchmarks/html_extraction.py [--limit N] [--worst K] [--protocol]

`--protocol` re-chooses the one knob of ours, the share of the balanced extraction's
length below which the precision-favouring text is replaced by it
(`ingest.html._FALLBACK_SHARE`), under the tuning protocol of CONTRIBUTING.md: pages in
5 folds, the share chosen on the training folds (the shipped value is listed first, so
a tie goes to it), each held-out fold scored with the share its training folds chose;
printed beside trafilatura's default, with the worst page's gap to trafilatura.
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


SHARES = (0.2, 0.0, 0.1, 0.3, 0.5, 0.7)  # the shipped value first


def protocol_report(pages: list[dict], k: int = 5) -> str:
    """Cross-validated choice of `_FALLBACK_SHARE` (see the module docstring)."""
    import hashlib

    import protocol
    import trafilatura

    from corroborate.ingest import html

    extract = trafilatura.bare_extraction
    memo: dict = {}

    def remembered(text, **options):
        # Each setting re-reads every page; trafilatura's answer for one page and one set of
        # options does not change, so it is computed once.
        key = (hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest(), repr(sorted(options.items())))
        if key not in memo:
            memo[key] = extract(text, **options)
        return memo[key]

    gold = [tokens(page["article_body"]) for page in pages]
    base = [prf(tokens(trafilatura_default(page)), g)[2] for page, g in zip(pages, gold)]
    shipped = html._FALLBACK_SHARE
    per_page = {}
    trafilatura.bare_extraction = remembered
    try:
        for share in SHARES:
            html._FALLBACK_SHARE = share
            per_page[share] = [prf(tokens(ours(page)), g)[2] for page, g in zip(pages, gold)]
    finally:
        trafilatura.bare_extraction = extract
        html._FALLBACK_SHARE = shipped
    folds = protocol.folds(pages, lambda page: page["id"], k)

    def fold_means(scores):
        return [statistics.fmean(scores[i] for i in fold) for fold in folds]

    chosen = protocol.choose_from_table(list(SHARES), [fold_means(per_page[s]) for s in SHARES], "corroborate (share chosen)")
    baseline = protocol.fixed("trafilatura.extract (default)", fold_means(base))
    lines = [f"Tuning protocol: {k} folds of pages, token F1 per held-out fold", protocol.report([baseline, chosen], baseline)]
    lines.append(f"share chosen per fold {chosen.chosen}; fitted on itself {chosen.fitted_choice}")
    for share in SHARES:
        gaps = [mine - theirs for mine, theirs in zip(per_page[share], base)]
        changed = sum(a != b for a, b in zip(per_page[share], per_page[0.0]))
        lines.append(f"  share {share}: F1 {statistics.fmean(per_page[share]):.4f}, worst page vs trafilatura "
                     f"{min(gaps):+.3f}, pages whose text the fallback changed: {changed}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N pages (for quick checks)")
    parser.add_argument("--worst", type=int, default=0, help="list the K pages where ours trails trafilatura most")
    parser.add_argument("--protocol", action="store_true", help="also cross-validate the fallback share (CONTRIBUTING.md)")
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
    if args.protocol:
        print()
        print(protocol_report(pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())

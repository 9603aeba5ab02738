"""Paywall detection on real pages: how many real articles would be refused as teasers.

    .venv/bin/python benchmarks/paywall_pages.py

Reads the 91 real news pages of ../shared/data/article_extraction (each with the
gold article body: none is a teaser) at run time, extracts each through the HTML
path, and counts the pages `fetch.paywall` would call a paywall teaser (false
positives), beside the pages on which a paywall signal alone is present (what a
detector that ignored the text length would refuse). Our own fictional teaser
pages are in tests/test_fetch.py; real teasers with labels are not in ../shared.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT.parent / "shared" / "data" / "article_extraction"


def main() -> None:
    from corroborate.fetch.options import FetchOptions
    from corroborate.fetch.paywall import paywall_reason, paywall_signal
    from corroborate.ingest.html import parse_html
    from corroborate.model import RawArticle

    if not (DATA / "pages.jsonl").exists():
        sys.exit(f"real data not available: {DATA} is absent")
    limit = FetchOptions().paywall_max_words
    rows = [json.loads(line) for line in (DATA / "pages.jsonl").read_text().splitlines() if line.strip()]
    signalled, refused, short = [], [], 0
    for row in rows:
        html = gzip.decompress((DATA / row["html_path"]).read_bytes()).decode("utf-8", "replace")
        result = parse_html(html, row["id"], url=row["url"])
        words = len(result.text.split()) if isinstance(result, RawArticle) else 0
        short += words < limit
        if paywall_signal(html):
            signalled.append(row["source"])
        if paywall_reason(html, words, limit):
            refused.append(f"{row['source']} ({words} words)")
    print(f"{len(rows)} real article pages (../shared/data/article_extraction), paywall_max_words {limit}\n")
    print("| detector | pages refused as paywall teasers |")
    print("|---|--:|")
    print(f"| a paywall signal alone | {len(signalled)} |")
    print(f"| corroborate: a signal and fewer than {limit} words extracted | {len(refused)} |")
    print(f"\npages with fewer than {limit} words extracted: {short}")
    for name in refused:
        print("  refused:", name, "(read it: a real teaser is a true positive, a whole article a false one)")


if __name__ == "__main__":
    main()

"""Where a search page's time goes: the CPU of each step of `/?q=...`, in-process, on
the store that benchmarks/web_load.py builds (one thread, no load, so the figures
are costs, not waiting).

    .venv/bin/python benchmarks/web_load.py --store /tmp/web_load    # builds the store once (and measures the load)
    .venv/bin/python benchmarks/web_search_cost.py --store /tmp/web_load

The searches are those of web_load.py's mix (one or two title words, seeded).
Steps, each timed over every search (thread CPU time, `time.thread_time`; the
quickest of `--rounds` rounds):
FTS5 match only; with BM25; to stories (the join and grouping, `queries._search`);
the story list (filters, sort, keyset page, facets: `queries.story_page`); the whole
page (the endpoint: the list and its HTML, no HTTP). And the story rows a list reads,
worked out afresh after a commit, or from the rows of before it (what the server does).
"""

from __future__ import annotations

import argparse
import inspect
import json
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode


def timed(calls, rounds: int) -> tuple[float, float]:
    """Mean and p95 thread CPU ms of a call, from the round (every call once) with the
    lowest mean: on a shared machine the other rounds include others' cache misses."""
    best: list[float] | None = None
    for _ in range(rounds):
        costs = []
        for call in calls:
            started = time.thread_time()
            call()
            costs.append(1000 * (time.thread_time() - started))
        if best is None or statistics.mean(costs) < statistics.mean(best):
            best = costs
    best.sort()
    return statistics.mean(best), best[int(0.95 * (len(best) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="the folder of web_load.py's store (load.db, meta.json)")
    parser.add_argument("--searches", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3, help="times every step runs over every search; the quickest round counts")
    args = parser.parse_args()

    from starlette.requests import Request

    from corroborate.web import queries
    from corroborate.web.app import create_app
    from corroborate.web.settings import WebSettings

    info = json.loads((args.store / "meta.json").read_text())
    db_path = args.store / "load.db"
    rng = random.Random(args.seed)
    words = [" ".join(rng.sample(info["vocabulary"], rng.choice((1, 1, 2)))) for _ in range(args.searches)]
    fts = [queries.fts_query(text) for text in words]
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    weights = (queries.TITLE_WEIGHT, queries.TEXT_WEIGHT)
    rows = queries.story_rows(db)
    app = create_app(db_path, WebSettings(page_cache_mb=0, precompute_briefs=False), worker=None)
    home = next(route.endpoint for route in app.routes if getattr(route, "path", None) == "/")

    def page(text: str):
        scope = {"type": "http", "method": "GET", "path": "/", "query_string": urlencode({"q": text}).encode(), "headers": [],
                 "state": {"store_generation": 1}, "app": app}  # fmt: skip
        return lambda: home(Request(scope))

    for text in words[:20]:  # warm: imports, the first connection, templates
        page(text)()
    matched = [len(queries._search(db, query)) for query in fts]
    articles = [len(db.execute("SELECT rowid FROM articles_search WHERE articles_search MATCH ?", (q,)).fetchall()) for q in fts]
    steps = [
        ("FTS5 match only (rowids)", [lambda q=q: db.execute("SELECT rowid FROM articles_search WHERE articles_search MATCH ?", (q,)).fetchall() for q in fts]),
        ("FTS5 match with BM25", [lambda q=q: db.execute("SELECT rowid, bm25(articles_search, ?, ?) FROM articles_search WHERE articles_search MATCH ?",
                                                     (*weights, q)).fetchall() for q in fts]),
        ("to stories (queries._search: BM25, join, group)", [lambda q=q: queries._search(db, q) for q in fts]),
        ("story list (queries.story_page: search, sort, page, facets)",
         [lambda t=t: queries.story_page(db, queries.StoryFilters(q=t), 20, 12, rows) for t in words]),
        ("whole page (the endpoint: list and HTML)", [page(t) for t in words]),
    ]  # fmt: skip
    print(f"store: {db.execute('SELECT COUNT(*) FROM articles').fetchone()[0]:,} articles, {len(rows)} stories; "
          f"{len(words)} searches matching {statistics.mean(articles):.0f} articles / {statistics.mean(matched):.1f} stories on average "
          f"(max {max(articles)} / {max(matched)})\n")  # fmt: skip
    print("| step | CPU ms mean | p95 |")
    print("|---|--:|--:|")
    for label, calls in steps:
        mean, p95 = timed(calls, args.rounds)
        print(f"| {label} | {mean:.2f} | {p95:.2f} |")
    afresh = timed([lambda: queries.story_rows(db)] * 20, args.rounds)
    print(f"| story rows after a commit, afresh (once per commit) | {afresh[0]:.2f} | {afresh[1]:.2f} |")
    if "previous" in inspect.signature(queries.story_rows).parameters:
        kept = timed([lambda: queries.story_rows(db, rows)] * 20, args.rounds)
        print(f"| story rows after a commit, from those of before it | {kept[0]:.2f} | {kept[1]:.2f} |")


if __name__ == "__main__":
    sys.exit(main())

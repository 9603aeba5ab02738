"""Ingest throughput and memory: `corroborate ingest` (read, clean, deduplicate,
cluster, store; no briefs) over a stream of N news-length articles.

The stream is built at run time from the shared data (ECB+ and Multi-News
articles; never copied into the repository) with planted variations, so that
every article is new: sentences dropped and reordered, a sentence with fresh
names and figures added, its own URL, outlet and date (about 300 articles a day,
so stories go stale as in a real feed).

    .venv/bin/python benchmarks/ingest_throughput.py --articles 10000
    .venv/bin/python benchmarks/ingest_throughput.py --articles 100000

Prints articles/s and the resident memory of the process after each tenth of
the stream: it must stay flat as the store grows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def base_articles() -> list[str]:
    texts = []
    with gzip.open(DATA / "ecbplus_dev.jsonl.gz", "rt", encoding="utf-8") as lines:
        texts += [json.loads(line)["sentences"] for line in lines]
    with gzip.open(DATA / "multinews_dev200.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            for doc in json.loads(line)["docs"]:
                sentences = [s.strip() + "." for s in doc["text"].split(". ") if len(s.split()) > 3]
                texts.append(sentences[:40])
    return [t for t in texts if len(t) >= 3]


def write_stream(path: Path, count: int, seed: int = 0) -> float:
    """Write `count` varied articles as JSON Lines; returns their mean word count."""
    rng = random.Random(seed)
    bases = base_articles()
    start = dt.date(2030, 1, 1)
    words = 0
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            sentences = list(rng.choice(bases))
            keep = [s for s in sentences if rng.random() > 0.15] or sentences[:1]
            if len(keep) > 3:
                i = rng.randrange(1, len(keep) - 1)
                keep[i], keep[i + 1] = keep[i + 1], keep[i]
            keep.insert(rng.randrange(1, len(keep) + 1), f"Officials in Zone {number} counted {rng.randrange(10, 99999)} cases.")
            text = "\n\n".join(keep)
            words += len(text.split())
            out.write(json.dumps({
                "id": f"n{number}", "title": keep[0][:90], "text": text,
                "url": f"https://outlet{number % 97}.example/{number}",
                "source": f"Outlet {number % 97}",
                "date": (start + dt.timedelta(days=number // 300)).isoformat(),
            }) + "\n")  # fmt: skip
    return words / count


def resident_mb(field: str = "VmRSS") -> float:
    """Resident memory of this process now (VmRSS) or at its peak (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"skipped: {DATA} is absent (the evaluation data lives beside the project)")

    from corroborate.store import Store
    from corroborate.store.ingest import ingest

    with tempfile.TemporaryDirectory() as folder:
        feed = Path(folder) / "feed.jsonl"
        mean_words = write_stream(feed, args.articles)
        print(f"{args.articles} articles, {mean_words:.0f} words on average")
        print(f"{'stored':>8} {'art/s':>7} {'RSS MB':>7} {'live stories':>13} {'db MB':>7}")
        store = Store(Path(folder) / "s.db")
        started = time.perf_counter()
        step = max(args.articles // 10, args.batch)
        marks = {"next": step}

        def on_batch(summary) -> None:
            if summary.new >= marks["next"] or summary.new == args.articles:
                marks["next"] += step
                elapsed = time.perf_counter() - started
                live = store.connection.execute("SELECT COUNT(*) FROM stories WHERE live = 1").fetchone()[0]
                size = sum(p.stat().st_size for p in Path(folder).glob("s.db*")) / 1e6
                print(f"{summary.new:8d} {summary.new / elapsed:7.0f} {resident_mb():7.0f} {live:13d} {size:7.0f}", flush=True)

        cpu_before = os.times()
        summary = ingest([feed], store, batch_size=args.batch, on_batch=on_batch)
        elapsed = time.perf_counter() - started
        cpu = os.times()
        main_cpu = (cpu.user - cpu_before.user) + (cpu.system - cpu_before.system)
        reader_cpu = (cpu.children_user - cpu_before.children_user) + (cpu.children_system - cpu_before.children_system)
        print(f"total: {summary.new} new in {elapsed:.0f} s = {summary.new / elapsed:.0f} articles/s wall clock; "
              f"{store.counts()['stories']} stories; peak RSS {resident_mb('VmHWM'):.0f} MB")  # fmt: skip
        # The machine is shared, so wall clock understates what 2 free cores do: the
        # CPU seconds each process spent give the rate of the pipeline on 2 idle cores
        # (the slower of its two stages).
        print(f"CPU: ingest process {1000 * main_cpu / summary.new:.1f} ms/article, reading process "
              f"{1000 * reader_cpu / summary.new:.1f} ms/article -> {summary.new / max(main_cpu, reader_cpu):.0f} articles/s "
              f"on 2 idle cores")  # fmt: skip
        store.close()


if __name__ == "__main__":
    main()

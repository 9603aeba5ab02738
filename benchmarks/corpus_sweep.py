"""Real-corpus sweep: every real article we have, through every command's library
path, counting tracebacks (exceptions that escape) and stage problems (a stage
that failed on an article, `guard.StageProblem`), with the time and peak memory
of each set.

    nice -n 10 .venv/bin/python benchmarks/corpus_sweep.py            # everything (hours)
    nice -n 10 .venv/bin/python benchmarks/corpus_sweep.py --sets polnear --limit 5

Sets (read from ../shared/data at run time):

- multinews: every Multi-News dev cluster briefed as one story (200 briefs);
- timeline17: every Timeline17 dev collection, in chunks of 50 articles in date
  order, each chunk briefed as one story;
- polnear: every PolNeAR dev article briefed as a one-article story;
- uci, ecbplus: each file ingested into a new store (`store.ingest`) and
  clustered without one (`stories.cluster`).

Each set runs in its own process (peak RSS is per set); each unit is written as a
JSON Lines file and read back through the readers, as `corroborate brief` would.
Exit status 1 when any set had a traceback or a stage problem.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SETS = ("multinews", "timeline17", "polnear", "uci", "ecbplus")
CHUNK = 50


def _records(name: str) -> list[dict]:
    with gzip.open(DATA / name, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _article(doc: dict, fallback_id: str) -> dict:
    return {"id": str(doc.get("id") or fallback_id), "title": doc.get("title") or "", "text": doc.get("text") or "",
            "date": doc.get("date"), "source": doc.get("source") or doc.get("outlet")}  # fmt: skip


def units(set_name: str, limit: int | None) -> list[tuple[str, list[dict]]]:
    """(name, articles) for each brief of the set; one unit for the ingest sets."""
    found: list[tuple[str, list[dict]]] = []
    if set_name == "multinews":
        for cluster in _records("multinews_dev200.jsonl.gz"):
            found.append((str(cluster["cluster_id"]), [_article(d, f"{cluster['cluster_id']}-{i}") for i, d in enumerate(cluster["docs"])]))
    elif set_name == "timeline17":
        for collection in _records("timeline17_dev.jsonl.gz"):
            docs = sorted(collection["docs"], key=lambda d: (d.get("date") or "", str(d.get("id"))))
            for first in range(0, len(docs), CHUNK):
                chunk = [_article(d, str(first + i)) for i, d in enumerate(docs[first : first + CHUNK])]
                found.append((f"{collection['collection_id']}[{first}:{first + len(chunk)}]", chunk))
    elif set_name == "polnear":
        for article in _records("polnear_dev.jsonl.gz"):
            found.append((str(article["id"]), [_article(article, str(article["id"]))]))
    elif set_name in ("uci", "ecbplus"):
        file = "uci_headlines.jsonl.gz" if set_name == "uci" else "ecbplus_dev.jsonl.gz"
        records = _records(file)[:limit] if limit else _records(file)
        # As benchmarks/clustering_bcubed.py feeds them: a UCI headline is its own text.
        articles = [_article(r | ({"text": r["title"]} if set_name == "uci" else {}), str(r["id"])) for r in records]
        found.append((file, [a | {"url": r.get("url") or r.get("source_url")} for a, r in zip(articles, records)]))
        return found
    return found[:limit] if limit else found


def _write(folder: Path, name: str, articles: list[dict]) -> Path:
    path = folder / (name.replace("/", "_")[:80] + ".jsonl")
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    return path


def run_set(set_name: str, limit: int | None, log: Path) -> dict:
    """Run one set in this process; the row of the table."""
    from corroborate.model import StageProblem

    row = {"set": set_name, "units": 0, "articles": 0, "tracebacks": 0, "stage_problems": 0, "input_problems": 0}
    started, cpu_started = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as temporary, log.open("a", encoding="utf-8") as report:
        folder = Path(temporary)
        for name, articles in units(set_name, limit):
            row["units"] += 1
            path = _write(folder, name, articles)
            try:
                problems, read = _run_unit(set_name, path, folder)
            except Exception:  # noqa: BLE001 - what the sweep counts
                row["tracebacks"] += 1
                report.write(f"== {set_name} {name}: TRACEBACK\n{traceback.format_exc()}\n")
                continue
            row["articles"] += read
            for problem in problems:
                if isinstance(problem, StageProblem):
                    row["stage_problems"] += 1
                    report.write(f"== {set_name} {name}: {problem}\n")
                else:
                    row["input_problems"] += 1
    row["wall_s"] = round(time.perf_counter() - started, 1)
    row["cpu_s"] = round(time.process_time() - cpu_started, 1)
    row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return row


def _run_unit(set_name: str, path: Path, folder: Path) -> tuple[list, int]:
    if set_name in ("uci", "ecbplus"):
        from corroborate.store import Store
        from corroborate.store.ingest import ingest
        from corroborate.stories import cluster

        with Store(folder / f"{set_name}.db") as store:
            summary = ingest([path], store)
        records, problems = cluster([path])
        assert len(records) == summary.read, (len(records), summary.read)
        return list(summary.problems) + list(problems), summary.read
    from corroborate.brief import brief

    result = brief([path])
    return list(result.problems), len(result.articles)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=SETS)
    parser.add_argument("--limit", type=int, default=None, help="at most this many units per set (records for uci/ecbplus)")
    parser.add_argument("--log", type=Path, default=Path("corpus_sweep.log"), help="tracebacks and stage problems, in full")
    parser.add_argument("--one", choices=SETS, help=argparse.SUPPRESS)  # internal: run one set, print its row as JSON
    args = parser.parse_args()
    if not DATA.exists():
        print(f"real data not available: {DATA} is absent", file=sys.stderr)
        return 2
    if args.one:
        print(json.dumps(run_set(args.one, args.limit, args.log)))
        return 0
    rows = []
    for set_name in args.sets:
        command = [sys.executable, __file__, "--one", set_name, "--log", str(args.log)]
        if args.limit:
            command += ["--limit", str(args.limit)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            rows.append({"set": set_name, "units": 0, "articles": 0, "tracebacks": 1, "stage_problems": 0, "input_problems": 0,
                         "wall_s": 0, "cpu_s": 0, "peak_rss_mb": 0})  # fmt: skip
            args.log.open("a").write(f"== {set_name}: the set's process failed\n{done.stderr}\n")
        else:
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(_table(rows[-1:], header=len(rows) == 1), flush=True)
    print()
    print(_table(rows))
    return 1 if any(r["tracebacks"] or r["stage_problems"] for r in rows) else 0


COLUMNS = ("set", "units", "articles", "tracebacks", "stage_problems", "input_problems", "wall_s", "cpu_s", "peak_rss_mb")


def _table(rows: list[dict], header: bool = True) -> str:
    lines = []
    if header:
        lines += ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(str(row[c]) for c in COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

"""A lone Dask worker against the one-process path (issue 17): `ingest` of N
news-length articles with embeddings, the two run alternately in fresh processes,
several rounds (the machine's speed moves by 15% within minutes: compare the two
rows of a round), with the stores checked identical and the CPU split by process
and thread (where the Dask path spends more than one process).

    .venv/bin/python benchmarks/dask_lone_worker.py --articles 10000 --rounds 3
    .venv/bin/python benchmarks/dask_lone_worker.py --articles 2000 --rounds 2 --threads

CPU is user + system time of every process of a run (one process: itself and its
reading process; Dask: the client with the scheduler, the nanny and the worker).
`--threads` also prints each process's CPU by thread (Python thread names; others
are ONNX Runtime's or the libraries' own threads).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "benchmarks"))

VARIANTS = ("one process", "Dask, 1 worker")


def thread_cpu() -> dict[str, float]:
    """CPU seconds of each thread of this process so far, by Python thread name (a
    thread Python did not start is named by the system, numbered when several)."""
    ticks = os.sysconf("SC_CLK_TCK")
    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    out: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
            comm = (task / "comm").read_text().strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        name = names.get(int(task.name), f"[{comm}]")
        name = "ThreadPoolExecutor" if name.startswith("ThreadPoolExecutor") else name
        name = "Dask-Default-Threads" if name.startswith("Dask-Default-Threads") else name
        out[name] = out.get(name, 0.0) + seconds
    return out


def minus(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {name: seconds - before.get(name, 0.0) for name, seconds in after.items()}


def own_cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_variant(variant: str, db: Path, feed: Path) -> dict:
    """In its own process: ingest `feed` into `db` as `variant`."""
    from dask_scaling import EMBEDDINGS, fingerprint

    from corroborate.store import Store

    started, cpu, children = time.perf_counter(), own_cpu(), own_cpu(resource.RUSAGE_CHILDREN)
    parts: dict = {}
    with Store(db) as store:
        if variant == "one process":
            from corroborate.store.ingest import ingest

            outcome = ingest([feed], store, **EMBEDDINGS)
        else:
            from corroborate import distributed

            with distributed.connect("local:1") as client:
                # The worker's CPU and its threads' during the ingest (start-up apart).
                before = (next(iter(client.run(own_cpu).values())), next(iter(client.run(thread_cpu).values())), thread_cpu())
                parts["start-up"] = own_cpu() - cpu + before[0]
                outcome = distributed.ingest(client, [feed], store, **EMBEDDINGS)
                parts["worker threads"] = minus(next(iter(client.run(thread_cpu).values())), before[1])
                parts["worker"] = next(iter(client.run(own_cpu).values())) - before[0]
                parts["client threads"] = minus(thread_cpu(), before[2])
    wall = time.perf_counter() - started
    parts.setdefault("client threads", thread_cpu())
    parts["client"] = own_cpu() - cpu
    parts["children"] = own_cpu(resource.RUSAGE_CHILDREN) - children
    total = parts["client"] + parts["children"]
    return {"wall": wall, "cpu": total, "new": outcome.new, "result": fingerprint(db, "ingest"), **parts}


def spawn(variant: str, db: Path, feed: Path) -> dict:
    command = [sys.executable, __file__, "--run", variant, "--db", str(db), "--feed", str(feed)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{variant} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def show_threads(row: dict) -> str:
    lines = []
    for key in ("client threads", "worker threads"):
        if key in row:
            busy = sorted(((s, n) for n, s in row[key].items() if s >= 0.5), reverse=True)
            lines.append(f"    {key}: " + ", ".join(f"{n} {s:.1f}" for s, n in busy))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", action="store_true", help="print each process's CPU by thread")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--feed", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_variant(args.run, args.db, args.feed)))
        return
    if not DATA.exists():
        sys.exit(f"skipped: {DATA} is absent (the evaluation data lives beside the project)")
    from ingest_throughput import write_stream

    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        feed = folder / "feed.jsonl"
        words = write_stream(feed, args.articles)
        print(f"ingest of {args.articles} articles ({words:.0f} words on average), every article embedded")
        print("| round | run | wall s | CPU s | client CPU s | worker CPU s | load | result |")
        print("|--:|---|--:|--:|--:|--:|--:|---|", flush=True)
        rounds = []
        for number in range(1, args.rounds + 1):
            # Alternate which runs first, so that neither always gets the quieter minute.
            order = VARIANTS if number % 2 else VARIANTS[::-1]
            rows = {}
            for variant in order:
                rows[variant] = row = spawn(variant, folder / f"ingest-{number}-{len(rows)}.db", feed)
                worker = f"{row['worker']:.1f}" if "worker" in row else ""
                print(f"| {number} | {variant} | {row['wall']:.1f} | {row['cpu']:.1f} | {row['client']:.1f} | {worker} "
                      f"| {os.getloadavg()[0]:.1f} | {row['result']} |", flush=True)  # fmt: skip
                if args.threads:
                    print(show_threads(row), flush=True)
                    if "start-up" in row:
                        print(f"    start-up (cluster, worker imports and models): {row['start-up']:.1f} s CPU", flush=True)
            rounds.append(rows)
        print("\n| round | worker / one process, wall | CPU |")
        print("|--:|--:|--:|")
        for number, rows in enumerate(rounds, 1):
            one, dask = rows["one process"], rows["Dask, 1 worker"]
            print(f"| {number} | {dask['wall'] / one['wall']:.2f}x | {dask['cpu'] / one['cpu']:.2f}x |")
        results = {row["result"] for rows in rounds for row in rows.values()}
        print("identical stores:", "yes" if len(results) == 1 else f"NO ({sorted(results)})")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()

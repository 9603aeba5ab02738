"""Is a story's summary the same on every run, whatever else the machine is doing?

The summary's integer program is bounded by counts (candidates, branch-and-bound
nodes), not by the clock (`summarize.Tuning.ilp_candidates`, `ilp_nodes`), so a
loaded or slow machine must give the same answer. This script checks it end to end:
it computes the summaries of the bundled example story, ../shared/examples/balenciaga
(the whole brief, every stage) and the first `--clusters` Multi-News dev clusters (at
100 words DUC-style, and 300 words) in two fresh interpreters with different string
hash seeds (set iteration order differs), the second while `--load` processes burn
CPU beside it, and prints per story whether the two runs chose the same sentences.
No embedding cache is shared between the runs: everything is computed anew.

    .venv/bin/python benchmarks/summary_determinism.py            # 20 clusters, 2 burning processes
    .venv/bin/python benchmarks/summary_determinism.py --clusters 50 --load 4

Exit status 1 if any summary differs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEV = SHARED / "data" / "multinews_dev200.jsonl.gz"


def summaries(clusters: int) -> dict[str, list[str]]:
    """Story name -> its summary's sentences, as the brief (or the harness) gives them."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import summary_harness

    from corroborate.brief import brief
    from corroborate.config import BriefOptions
    from corroborate.summarize import TUNING, summary_sentences

    out: dict[str, list[str]] = {}
    stories = [("example story", ROOT / "src/corroborate/data/example_story/articles")]
    if (SHARED / "examples" / "balenciaga").exists():
        stories.append(("balenciaga", SHARED / "examples" / "balenciaga"))
    for name, path in stories:
        result = brief([path], BriefOptions())
        out[f"{name} (whole brief)"] = [result.text(s.span) for s in result.summary]
    if DEV.exists():
        for record in summary_harness.read_clusters(DEV, clusters):
            cluster = record.get("cluster_id")
            for words, duc in ((100, True), (300, False)):
                cluster_brief = summary_harness.cluster_brief(record, None, duc)
                chosen = summary_sentences(cluster_brief, words, TUNING, overflow=duc)
                out[f"Multi-News {str(cluster)[:12]} at {words} words"] = [cluster_brief.text(s.span) for s in chosen]
    return out


def _burn(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def run(clusters: int, seed: int, load: int) -> tuple[dict[str, list[str]], float, float]:
    """The summaries computed in a fresh interpreter (hash seed `seed`) while `load`
    processes burn CPU; with the child's CPU seconds and wall seconds."""
    stop = multiprocessing.Event()
    burners = [multiprocessing.Process(target=_burn, args=(stop,), daemon=True) for _ in range(load)]
    for burner in burners:
        burner.start()
    try:
        started = time.perf_counter()
        usage_before = os.times()
        completed = subprocess.run(
            [sys.executable, __file__, "--child", "--clusters", str(clusters)],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=False,
        )
        usage = os.times()
        wall = time.perf_counter() - started
    finally:
        stop.set()
        for burner in burners:
            burner.join()
    if completed.returncode != 0:
        raise SystemExit(f"the summaries' run failed:\n{completed.stderr[-2000:]}")
    cpu = (usage.children_user - usage_before.children_user) + (usage.children_system - usage_before.children_system)
    return json.loads(completed.stdout), cpu, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clusters", type=int, default=20, help="Multi-News dev clusters (default 20)")
    parser.add_argument("--load", type=int, default=2, help="CPU-burning processes beside the second run (default 2)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(summaries(args.clusters)))
        return 0
    first, first_cpu, first_wall = run(args.clusters, seed=1, load=0)
    second, second_cpu, second_wall = run(args.clusters, seed=2, load=args.load)
    print(f"run 1: hash seed 1, no added load: {first_cpu:.0f} s CPU, {first_wall:.0f} s wall")
    print(f"run 2: hash seed 2, {args.load} CPU-burning processes beside it: {second_cpu:.0f} s CPU, {second_wall:.0f} s wall")
    print("| story | sentences | same in both runs |")
    print("|---|---|---|")
    differing = 0
    for name in sorted(set(first) | set(second)):
        same = first.get(name) == second.get(name)
        differing += not same
        print(f"| {name} | {len(first.get(name, []))} | {'yes' if same else 'NO'} |")
    print(f"{len(first) - differing} of {len(first)} summaries identical")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())

"""The command line and the renderers: how fast `corroborate --help` answers,
what a cold `corroborate brief` costs on the five real articles (wall time and
peak memory of the process), and how long each renderer takes once a brief is
made. Prints a table for BENCHMARKS.md.

    .venv/bin/python benchmarks/cli_render.py [--runs N]

The issue's target for a cold brief of the five real articles is under 3 s and
under 600 MB (where that time goes, step by step and model by model, against another
checkout: benchmarks/cold_start.py); renderers have no named baseline, so the row beside them is
`json.dumps` of the same data (the least a renderer can do).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "corroborate"
BALENCIAGA = ROOT.parent / "shared" / "examples" / "balenciaga"
EXAMPLE = ROOT / "src" / "corroborate" / "data" / "example_story" / "articles"


def timed_process(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak resident MB and exit code of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env={**os.environ, "COLUMNS": "100"})
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far; runs go smallest-first below.
    return wall, max(peak_kb, before) / 1024, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions of the fast measurements")
    args = parser.parse_args()

    rows: list[tuple[str, str, str]] = []
    help_times = [timed_process([str(SCRIPT), "--help"])[0] for _ in range(args.runs)]
    rows.append(("corroborate --help (fresh process)", f"{statistics.median(help_times) * 1000:.0f} ms", "median"))

    if BALENCIAGA.exists():
        # Each run is a fresh process (models load again); the median of several, since
        # one cold run on a 2-core machine varies by +-0.15 s.
        runs = [timed_process([str(SCRIPT), "brief", str(BALENCIAGA), "--format", "json"]) for _ in range(args.runs)]
        walls = sorted(wall for wall, _, _ in runs)
        codes = sorted({code for _, _, code in runs})
        rows.append(("cold brief, 5 real articles: wall", f"{statistics.median(walls):.2f} s",
                     f"median of {len(runs)} ({walls[0]:.2f}-{walls[-1]:.2f}); target < 3 s (exit {codes})"))  # fmt: skip
        rows.append(("cold brief, 5 real articles: peak RSS", f"{max(peak for _, peak, _ in runs):.0f} MB", "max; target < 600 MB"))
    else:
        print(f"skipping the real articles: {BALENCIAGA} is absent", file=sys.stderr)

    from corroborate.brief import brief
    from corroborate.render import RenderOptions, render
    from corroborate.render.json import to_dict

    story = brief([EXAMPLE])
    options = RenderOptions(show_removed=True)
    for format_ in ("json", "md", "terminal", "html"):
        render(story, format_, options)  # warm: imports and template compilation
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            text = render(story, format_, options)
            times.append(time.perf_counter() - start)
        rows.append((f"render {format_}, example story (6 articles)", f"{statistics.median(times) * 1000:.1f} ms", f"{len(text.encode()) / 1024:.0f} kB"))
    data = to_dict(story)
    start = time.perf_counter()
    for _ in range(args.runs):
        json.dumps(data)
    rows.append(("baseline: json.dumps of the same dict", f"{(time.perf_counter() - start) / args.runs * 1000:.1f} ms", ""))

    width = max(len(r[0]) for r in rows)
    print(f"| {'measurement':<{width}} | figure    | note |")
    print(f"|{'-' * (width + 2)}|-----------|------|")
    for name, figure, note in rows:
        print(f"| {name:<{width}} | {figure:>9} | {note} |")


if __name__ == "__main__":
    main()

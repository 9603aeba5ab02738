"""The stages after the parse of a big story, with the quotes stage in a forked child
beside facts (stage_worker) and in one process, alternating in one process.

The story is parsed and embedded once (the docs kept cached: brief.KEEP_PARSE_CHARS
raised), then briefed again and again: each run pays only relations and the stages
after the parse, so the A/B is not lost in the noise of the parse. For each run:
the post-parse wall time (the steps quotes, facts, timeline and summary, from the
`progress` timings), the CPU time of this process over those steps, and the CPU
time of the finished children (the forked quotes stage). The output of every run is
compared with the first one-process run's JSON (it must be identical).

Inputs are the rows of brief_scaling.py (written under a temporary folder).

    .venv/bin/python benchmarks/side_stage.py --rows t17-100 mn-100 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brief_scaling  # noqa: E402

POST_PARSE = ("quotes", "facts", "timeline", "summary")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(story: Path, side: bool) -> dict:
    from corroborate import brief as pipeline, progress, stage_worker
    from corroborate.render.json import to_dict

    real = stage_worker.FORK_CHARS
    stage_worker.FORK_CHARS = real if side else float("inf")
    try:
        children = children_cpu()
        with progress.observing(progress.Timings()) as timings:
            result = pipeline.brief([story])
        children = children_cpu() - children
    finally:
        stage_worker.FORK_CHARS = real
    steps = {s.name: s for s in timings.steps}
    return {
        "mode": "side stage" if side else "one process",
        "wall": sum(steps[n].wall for n in POST_PARSE if n in steps),
        "cpu": sum(steps[n].cpu for n in POST_PARSE if n in steps),
        "children": children,
        "steps": {n: (round(steps[n].wall, 2), round(steps[n].cpu, 2)) for n in POST_PARSE if n in steps},
        "json": json.dumps(to_dict(result), ensure_ascii=False, sort_keys=True),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", nargs="*", choices=[r for r in brief_scaling.ROWS if r != "flagship"], default=["t17-100", "mn-100"])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from corroborate import brief as pipeline

    pipeline.KEEP_PARSE_CHARS = float("inf")  # the parse done once, kept for every run
    print("| row | mode | run | post-parse wall s | its CPU s (this process) | children CPU s | quotes / facts / timeline / summary wall s | same JSON |")
    print("|---|---|--:|--:|--:|--:|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for row in args.rows:
            story = brief_scaling.story_input(row, Path(folder))
            started = time.perf_counter()
            reference = run(story, side=False)["json"]  # parses and embeds: not counted
            print(f"<!-- {row}: first brief (parse and embed) {time.perf_counter() - started:.1f} s -->", flush=True)
            for repeat in range(1, args.repeats + 1):
                for side in (False, True) if repeat % 2 else (True, False):
                    got = run(story, side)
                    walls = " / ".join(f"{got['steps'].get(n, (0, 0))[0]:.2f}" for n in POST_PARSE)
                    print(
                        f"| {row} | {got['mode']} | {repeat} | {got['wall']:.2f} | {got['cpu']:.2f} | {got['children']:.2f} "
                        f"| {walls} | {'yes' if got['json'] == reference else 'NO'} |",
                        flush=True,
                    )


if __name__ == "__main__":
    main()

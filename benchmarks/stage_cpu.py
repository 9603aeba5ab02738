"""CPU time of each analysis stage of ours on one story, with the model work done first.

The parse (spaCy) and the sentence embeddings are computed and cached before the
stages run, so each stage's figure is the CPU time of its own algorithm (this
thread's CPU, `time.thread_time`), not of the models nor of other engineers' work on
a shared machine. Also the process's peak RSS, and, with --profile, a cProfile of the
stages (the top functions by cumulative time).

The inputs are those of benchmarks/brief_scaling.py (same rows).

    .venv/bin/python benchmarks/stage_cpu.py --rows t17-100
    .venv/bin/python benchmarks/stage_cpu.py --rows t17-300 --profile 40
    .venv/bin/python benchmarks/stage_cpu.py --rows t17-100 --json out.json   # the brief, to compare runs
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brief_scaling  # noqa: E402


def run(path: Path, profile: int, json_out: Path | None, profile_out: Path | None = None) -> dict:
    from corroborate import brief as pipeline
    from corroborate import nlp
    from corroborate.config import BriefOptions
    from corroborate.guard import run_stage
    from corroborate.ingest import read_inputs

    read = read_inputs([path])
    options = BriefOptions()
    story = pipeline._within_length(pipeline.start_brief(read.articles, read.problems, read.repeats), options.max_article_chars)
    stages = pipeline._stages()
    story = run_stage("sentences", stages["sentences"], story, options)
    start = time.perf_counter()
    nlp.parse_texts([article.text for article in story.articles])
    pipeline._embed_sentences_ahead(story)
    models = time.perf_counter() - start
    profiler = cProfile.Profile() if profile else None
    times = {}
    for name, stage in stages.items():
        if name == "sentences":
            continue
        cpu = time.thread_time()
        if profiler:
            profiler.enable()
        story = run_stage(name, stage, story, options)
        if profiler:
            profiler.disable()
        times[name] = time.thread_time() - cpu
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile)
        print(out.getvalue(), file=sys.stderr)
        if profile_out:
            profiler.dump_stats(profile_out)
    if json_out:
        from corroborate.render import render

        json_out.write_text(render(story, "json"), encoding="utf-8")
    return {
        "sentences": len(story.sentences),
        "models_wall": models,
        "stages": times,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "problems": len(story.problems),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", nargs="*", choices=list(brief_scaling.ROWS), default=["t17-100"])
    parser.add_argument("--profile", type=int, default=0, help="Print the top N functions of a cProfile of the stages.")
    parser.add_argument("--profile-out", type=Path, default=None, help="Save the cProfile statistics here (with --profile).")
    parser.add_argument("--json", type=Path, default=None, help="Write the brief (JSON) here (one row only).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stage_cpu_") as folder:
        results = {row: run(brief_scaling.story_input(row, Path(folder)), args.profile, args.json, args.profile_out) for row in args.rows}
    print("| input | sentences | " + " | ".join(next(iter(results.values()))["stages"]) + " | stages total | peak RSS MB |")
    print("|---|--:|" + "--:|" * (len(next(iter(results.values()))["stages"]) + 2))
    for row, r in results.items():
        cells = " | ".join(f"{seconds:.1f}" for seconds in r["stages"].values())
        print(f"| {row} | {r['sentences']} | {cells} | {sum(r['stages'].values()):.1f} | {r['rss_mb']:.0f} |")


if __name__ == "__main__":
    main()

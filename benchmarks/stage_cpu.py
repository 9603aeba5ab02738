"""CPU time of each analysis stage of ours on one story, with the model work done first.

Also the CPU of reading and cleaning the input ("read": what the background parse of
a brief waits for). The parse (spaCy) and the sentence embeddings are computed and cached before the
stages run, so each stage's figure is the CPU time of its own algorithm (this
thread's CPU, `time.thread_time`), not of the models nor of other engineers' work on
a shared machine. Also the process's peak RSS, and, with --profile, a cProfile of the
stages (the top functions by cumulative time).

The inputs are those of benchmarks/brief_scaling.py (same rows).

    .venv/bin/python benchmarks/stage_cpu.py --rows t17-100
    .venv/bin/python benchmarks/stage_cpu.py --rows t17-300 --profile 40
    .venv/bin/python benchmarks/stage_cpu.py --rows t17-100 --json out.json   # the brief, to compare runs
    .venv/bin/python benchmarks/stage_cpu.py --rows t17-100 --baseline /path/to/main/src   # before/after

With --baseline SRC, each row also runs in a child process importing corroborate from
SRC (e.g. main's `src`, or a `git archive` of it), one after the other, and the table
shows both, with each stage's peak RSS (a thread samples the process's RSS every
50 ms: the peak of the whole process while the stage runs, the parse's docs included).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import threading
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

    cpu = time.thread_time()
    read = read_inputs([path])
    read_cpu = time.thread_time() - cpu  # reading and cleaning: what the background parse waits for
    options = BriefOptions()
    story = pipeline._within_length(pipeline.start_brief(read.articles, read.problems, read.repeats), options.max_article_chars)
    stages = pipeline._stages()
    story = run_stage("sentences", stages["sentences"], story, options)
    start = time.perf_counter()
    nlp.parse_texts([article.text for article in story.articles])
    parsed = threading.Event()
    parsed.set()  # the parse is done: the encoder may take both cores
    pipeline._embed_sentences_ahead(story, parsed)
    models = time.perf_counter() - start
    profiler = cProfile.Profile() if profile else None
    times = {"read": read_cpu}
    sampler = _RssSampler()
    for name, stage in stages.items():
        if name == "sentences":
            continue
        sampler.start(name)
        cpu = time.thread_time()
        if profiler:
            profiler.enable()
        story = run_stage(name, stage, story, options)
        if profiler:
            profiler.disable()
        times[name] = time.thread_time() - cpu
        if name == "timeline" and hasattr(pipeline, "_forget_parse"):
            pipeline._forget_parse(story)  # as a brief does after its last parsing stage
    sampler.stop()
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
        "stage_rss_mb": sampler.peaks,
        "problems": len(story.problems),
    }


class _RssSampler:
    """The process's peak RSS while each stage runs (sampled every 50 ms on a thread)."""

    def __init__(self) -> None:
        self.stage = ""
        self.peaks: dict[str, float] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def start(self, stage: str) -> None:
        self.stage = stage
        self.peaks[stage] = _rss_mb()  # a stage shorter than one sample still has a figure

    def _run(self) -> None:
        while not self._done.wait(0.05):
            if self.stage:
                self.peaks[self.stage] = max(self.peaks.get(self.stage, 0.0), _rss_mb())

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _baseline(src: Path, row: str, json_out: Path | None) -> dict:
    """The same measurement in a child process importing corroborate from `src`."""
    command = [sys.executable, __file__, "--rows", row, "--emit-json"]
    if json_out:
        command += ["--json", str(json_out)]
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", nargs="*", choices=list(brief_scaling.ROWS), default=["t17-100"])
    parser.add_argument("--profile", type=int, default=0, help="Print the top N functions of a cProfile of the stages.")
    parser.add_argument("--profile-out", type=Path, default=None, help="Save the cProfile statistics here (with --profile).")
    parser.add_argument("--json", type=Path, default=None, help="Write the brief (JSON) here (one row only).")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="Also measure corroborate imported from this source folder (its `src`), in a child process.")
    parser.add_argument("--emit-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="stage_cpu_") as folder:
        for row in args.rows:
            if args.baseline:
                before_json = args.json.with_suffix(".baseline.json") if args.json else None
                results[(row, "baseline")] = _baseline(args.baseline, row, before_json)
            results[(row, "this tree")] = run(brief_scaling.story_input(row, Path(folder)), args.profile, args.json, args.profile_out)
    if args.emit_json:
        print(json.dumps(next(iter(results.values()))))
        return
    stages = list(next(iter(results.values()))["stages"])
    print("| input | code | sentences | " + " | ".join(f"{s} CPU s" for s in stages) + " | read and stages total | "
          + " | ".join(f"{s} peak RSS MB" for s in stages) + " | peak RSS MB |")
    print("|---|---|--:|" + "--:|" * (2 * len(stages) + 2))
    for (row, code), r in results.items():
        cells = " | ".join(f"{r['stages'].get(s, 0.0):.1f}" for s in stages)
        peaks = " | ".join(f"{r.get('stage_rss_mb', {}).get(s, 0.0):.0f}" for s in stages)
        print(f"| {row} | {code} | {r['sentences']} | {cells} | {sum(r['stages'].values()):.1f} | {peaks} | {r['rss_mb']:.0f} |")


if __name__ == "__main__":
    main()

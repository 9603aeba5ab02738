"""CPU time of the relations stage alone on one story, without the parse (relations reads
sentences and their embeddings only), optionally beside another source tree, and
whether the two give the same relations.

The sentences are split and embedded before the timer (the static encoder for a big
story, cached by text), so the figure is the stage's own algorithm: this thread's CPU
(`time.thread_time`) and the process's (`time.process_time`, with OpenBLAS's threads).
The inputs are those of benchmarks/brief_scaling.py (same rows).

    .venv/bin/python benchmarks/relations_cpu.py --rows t17-100 t17-300
    .venv/bin/python benchmarks/relations_cpu.py --rows t17-300 --baseline /path/to/main/src

With --baseline SRC each row also runs in a child process importing corroborate from
SRC, first; the table shows both and whether the briefs (JSON, relations filled) are
byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brief_scaling  # noqa: E402


def run(path: Path) -> dict:
    from corroborate import brief as pipeline
    from corroborate import nlp
    from corroborate.config import BriefOptions
    from corroborate.guard import run_stage
    from corroborate.ingest import read_inputs
    from corroborate.render import render

    read = read_inputs([path])
    options = BriefOptions()
    story = pipeline._within_length(pipeline.start_brief(read.articles, read.problems, read.repeats), options.max_article_chars)
    stages = pipeline._stages()
    story = run_stage("sentences", stages["sentences"], story, options)
    nlp.embed([story.text(s.span) for s in story.sentences], nlp.encoder_for(len(story.sentences)))
    thread, process = time.thread_time(), time.process_time()
    story = run_stage("relations", stages["relations"], story, options)
    thread, process = time.thread_time() - thread, time.process_time() - process
    digest = hashlib.sha256(render(story, "json").encode("utf-8")).hexdigest()[:12]
    return {"sentences": len(story.sentences), "thread": thread, "process": process, "brief": digest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", nargs="*", choices=list(brief_scaling.ROWS), default=["t17-100"])
    parser.add_argument("--baseline", type=Path, default=None, help="Also measure corroborate imported from this `src`.")
    parser.add_argument("--emit-json", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.emit_json:
        print(json.dumps(run(args.emit_json)))
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="relations_cpu_") as folder:
        for row in args.rows:
            path = brief_scaling.story_input(row, Path(folder))
            if args.baseline:
                env = dict(os.environ, PYTHONPATH=str(args.baseline))
                done = subprocess.run([sys.executable, __file__, "--emit-json", str(path)], env=env,
                                      capture_output=True, text=True, check=True)  # fmt: skip
                results.append((row, "baseline", json.loads(done.stdout.strip().splitlines()[-1])))
            done = subprocess.run([sys.executable, __file__, "--emit-json", str(path)], capture_output=True, text=True, check=True)
            results.append((row, "this tree", json.loads(done.stdout.strip().splitlines()[-1])))
    print("| input | code | sentences | relations CPU s (thread) | CPU s (process) | brief (sha256) |")
    print("|---|---|--:|--:|--:|---|")
    for row, code, r in results:
        print(f"| {row} | {code} | {r['sentences']} | {r['thread']:.1f} | {r['process']:.1f} | {r['brief']} |")


if __name__ == "__main__":
    main()

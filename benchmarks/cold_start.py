"""Where a cold flagship brief spends its time: `corroborate brief FLAGSHIP -f json
--timings` in fresh processes, the wall and CPU time of the whole process (CPU:
user + system of the child, from `os.wait4`) and of each step (the `--timings` table),
and, with `--against DIR`, the same for another checkout's install run alternately
with this one (A/B on a machine whose speed drifts), with whether both briefs are
byte-identical.

    .venv/bin/python benchmarks/cold_start.py [--runs 5] [--against /work/main]

"outside steps" is the process's time outside the brief's steps: interpreter start,
imports before the brief begins, rendering and writing. The last rows time the model
loading of the longest chains alone (thread CPU, a fresh process each run). Issue 12's target: the cold
flagship brief under 3 s wall.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = ROOT.parent / "shared" / "examples" / "balenciaga"


def cold_brief(checkout: Path, out: Path) -> dict[str, float]:
    """One cold brief by `checkout`'s install: wall, CPU and peak RSS of the process,
    and the wall/CPU of each step."""
    command = [str(checkout / ".venv" / "bin" / "corroborate"), "brief", str(FLAGSHIP), "-f", "json", "-o", str(out), "--timings"]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as stderr:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, cwd=checkout)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        stderr.seek(0)
        report = stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{checkout}: the brief failed:\n{report}")
    figures = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}
    steps_wall = 0.0
    for line in report.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] not in ("step", "total"):
            figures[f"{parts[0]} wall"], figures[f"{parts[0]} cpu"] = float(parts[1]), float(parts[2])
            steps_wall += float(parts[1])
    figures["outside steps wall"] = wall - steps_wall
    return figures


# The pieces of the longest chains, each timed by CPU of the one thread that runs them, in a
# fresh process of the checkout (what its brief's loader threads do, without the competition).
PIECES = """
import time
clock = time.thread_time
def timed(work):
    start = clock(); work(); return clock() - start
import numpy, scipy.sparse
from corroborate import nlp
try:
    from corroborate.milp import milp_api as import_milp
except ImportError:
    def import_milp():
        import scipy.optimize
print("import spaCy", timed(nlp._import_spacy_without_its_command_line))
print("load spaCy pipeline", timed(nlp.spacy_model))
print("load MiniLM encoder", timed(lambda: nlp.sentence_encoder(threads=1)))
print("import the MILP solver", timed(import_milp))
"""


def model_pieces(checkout: Path) -> dict[str, float]:
    python = checkout / ".venv" / "bin" / "python"
    done = subprocess.run([str(python), "-c", PIECES], capture_output=True, text=True, cwd=checkout, check=True)
    return {line.rsplit(" ", 1)[0] + " (thread CPU)": float(line.rsplit(" ", 1)[1]) for line in done.stdout.splitlines()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold runs of each checkout")
    parser.add_argument("--against", type=Path, help="another checkout with its own .venv (e.g. main), run alternately")
    args = parser.parse_args()
    if not FLAGSHIP.exists():
        sys.exit(f"the flagship articles are absent: {FLAGSHIP}")
    checkouts = {"this": ROOT} | ({"against": args.against.resolve()} if args.against else {})
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory() as folder:
        outputs = {name: Path(folder) / f"{name}.json" for name in checkouts}
        for _ in range(args.runs):
            for name, checkout in checkouts.items():  # alternately: the machine's speed drifts
                runs[name].append(cold_brief(checkout, outputs[name]) | model_pieces(checkout))
        identical = len({path.read_bytes() for path in outputs.values()}) == 1

    keys = [k for k in runs["this"][0] if k not in ("wall", "cpu", "rss_mb")]
    rows = [("process wall s", "wall"), ("process CPU s", "cpu"), ("peak RSS MB", "rss_mb")] + [(k, k) for k in keys]
    names = list(checkouts)
    print(f"cold flagship brief, {args.runs} runs each, medians (min-max); {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("| measure | " + " | ".join(f"{n} ({checkouts[n].name})" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for label, key in rows:
        cells = []
        for name in names:
            values = sorted(run.get(key, 0.0) for run in runs[name])
            cells.append(f"{statistics.median(values):.2f} ({values[0]:.2f}-{values[-1]:.2f})")
        print(f"| {label} | " + " | ".join(cells) + " |")
    if args.against:
        print(f"briefs byte-identical: {'yes' if identical else 'NO'}")


if __name__ == "__main__":
    main()

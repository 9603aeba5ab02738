"""A longer fuzz run than the test suite's: the fuzz tests of tests/test_fuzz.py
with many more examples, on seeds of your choosing (the suite always tries the
same 500 examples per test).

    nice -n 10 .venv/bin/python benchmarks/fuzz_long.py --examples 5000 --seed 1

Prints, per test, the generated inputs, the outcome and the time; any failure is
printed in full by pytest (with the example that failed, for `--seed` to rerun).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests" / "test_fuzz.py"
BATCH = 22  # inputs per example: 20 made from the seed, 2 drawn by hypothesis


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=5000, help="hypothesis examples per test (the suite runs 500)")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000, help="hypothesis seed")
    parser.add_argument("-k", default="fuzz", help="which fuzz tests (pytest -k)")
    args = parser.parse_args()
    env = dict(os.environ, CORROBORATE_FUZZ_EXAMPLES=str(args.examples), CORROBORATE_FUZZ_RANDOM="1")
    command = [sys.executable, "-m", "pytest", str(TESTS), "-k", args.k, "-p", "no:cacheprovider", "-q", "-rA",
               "--durations=0", f"--hypothesis-seed={args.seed}"]  # fmt: skip
    print(f"seed {args.seed}, {args.examples} examples per test ({args.examples * BATCH:,} inputs)", flush=True)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    timings = {name: seconds for seconds, name in re.findall(r"([\d.]+)s call\s+\S+::(\w+)", done.stdout)}
    outcomes = dict((name, outcome) for outcome, name in re.findall(r"^(PASSED|FAILED|ERROR) \S+::(\w+)", done.stdout, re.M))
    print("| test | inputs | outcome | seconds |\n|---|---:|---|---:|")
    for name in sorted(outcomes):
        inputs = args.examples * BATCH if "fuzz" in name and "every_format" not in name else "-"
        print(f"| {name} | {inputs if isinstance(inputs, str) else f'{inputs:,}'} | {outcomes[name]} | {timings.get(name, '-')} |")
    if done.returncode:
        print(done.stdout[-20_000:])
        print(done.stderr[-5_000:], file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())

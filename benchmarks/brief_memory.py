"""Peak memory and CPU of a cold brief, this tree beside another checkout, and
whether the two briefs are the same bytes.

Each row's input is that of benchmarks/brief_scaling.py (same rows, written as JSONL
under a temporary folder); each brief runs in a cold process,
`corroborate brief FILE -f json`, with its checkout's own .venv, one after the other.
Peak RSS is `ru_maxrss` of the brief's process tree from `os.wait4` (the largest
process: spaCy parses a big story in two child processes), CPU is user + system of
the tree (brief_scaling.measured). On a shared machine compare these, not wall time.

    .venv/bin/python benchmarks/brief_memory.py --baseline /path/to/main-checkout
    .venv/bin/python benchmarks/brief_memory.py --baseline ../base --rows t17-100 flagship
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brief_scaling  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def brief_of(checkout: Path, story: Path) -> dict:
    """A cold brief of `story` by the corroborate installed in `checkout`'s .venv."""
    return brief_scaling.measured([str(checkout / ".venv" / "bin" / "corroborate"), "brief", str(story), "-f", "json"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", nargs="*", choices=list(brief_scaling.ROWS), default=["t17-300"])
    parser.add_argument("--baseline", type=Path, required=True, help="Another checkout (with its own .venv), e.g. of main.")
    args = parser.parse_args()
    print("| input | baseline peak RSS MiB | this tree peak RSS MiB | baseline CPU s | this tree CPU s | same brief |")
    print("|---|--:|--:|--:|--:|---|")
    with tempfile.TemporaryDirectory(prefix="brief_memory_") as folder:
        for row in args.rows:
            story = brief_scaling.story_input(row, Path(folder))
            before, after = brief_of(args.baseline.resolve(), story), brief_of(ROOT, story)
            same = before["status"] == after["status"] == 0 and before["stdout"] == after["stdout"]
            print(f"| {row} | {before['rss_mb']:,.0f} | {after['rss_mb']:,.0f} | {before['cpu']:.1f} | {after['cpu']:.1f} "
                  f"| {'yes' if same else 'NO'} |", flush=True)


if __name__ == "__main__":
    main()

"""The time to read HTML pages into articles (`ingest.html.parse_html`): the 91 real
pages of ../shared/data/article_extraction, and pages made by the HTML fuzz test's
generator (tests/fuzzing.py, our own hostile text), and, with `--against DIR`, the
same pages read by another checkout (its `.venv/bin/python`, its source first), with
whether every page gives the same article or problem in both.

    .venv/bin/python benchmarks/html_reading.py [--generated 300] [--against /work/wt/base]

Each checkout reads every page once in its own process, after one page to warm up
(the libraries' imports are not counted); the figure is the wall time of the reading.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT.parent / "shared" / "data" / "article_extraction" / "html"

READER = r"""
import gzip, hashlib, json, sys, time
sys.path.insert(0, sys.argv[3])  # tests/, for the page generator
from corroborate.ingest.html import parse_html
from fuzzing import Hostile
import test_fuzz

pages = [gzip.open(path).read() for path in sorted(__import__("glob").glob(sys.argv[1] + "/*.html.gz"))]
real = len(pages)
for seed in range(int(sys.argv[2])):
    hostile = Hostile(seed)
    pages.append(hostile.encoded(test_fuzz._html_page(hostile, hostile.text(3))))
parse_html(pages[0], "warm-up")
times, digests = [], []
for number, page in enumerate(pages):
    start = time.perf_counter()
    result = parse_html(page, f"page-{number}")
    times.append(time.perf_counter() - start)
    digests.append(hashlib.sha256(repr(result).encode()).hexdigest())
print(json.dumps({"real": sum(times[:real]), "generated": sum(times[real:]), "pages": [real, len(pages) - real],
                  "digests": digests}))
"""


def read_pages(python: str, generated: int, source: Path | None = None) -> dict:
    env_path = [str(source)] if source else []
    code = READER if not env_path else f"import sys; sys.path.insert(0, {str(env_path[0])!r})\n" + READER
    output = subprocess.run([python, "-c", code, str(PAGES), str(generated), str(ROOT / "tests")],
                            capture_output=True, text=True, check=True, cwd=ROOT)  # fmt: skip
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=300, help="generated pages to read besides the real ones")
    parser.add_argument("--against", type=Path, help="another checkout, read with its own source first")
    args = parser.parse_args()
    if not PAGES.is_dir():
        sys.exit(f"skipped: {PAGES} is absent (the real pages are read from ../shared at run time)")
    rows = {"this tree": read_pages(sys.executable, args.generated)}
    if args.against:
        rows[str(args.against)] = read_pages(sys.executable, args.generated, args.against.resolve() / "src")
    print("| code | real pages | wall s | generated pages | wall s |")
    print("|---|--:|--:|--:|--:|")
    for name, row in rows.items():
        print(f"| {name} | {row['pages'][0]} | {row['real']:.1f} | {row['pages'][1]} | {row['generated']:.1f} |")
    if args.against:
        this, other = rows.values()
        differ = sum(a != b for a, b in zip(this["digests"], other["digests"]))
        print(f"\npages whose article or problem differs between the two: {differ} of {len(this['digests'])}")


if __name__ == "__main__":
    main()

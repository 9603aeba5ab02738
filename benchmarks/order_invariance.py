"""Does the brief depend on the order of its inputs? For each input set, the brief of
the files in name order against the briefs of K random permutations of them.

Input sets: the bundled example story (6 files), the five real articles in
../shared/examples/balenciaga, the cases of the planted-alteration story
(src/corroborate/data/planted_story/truth.json), and a few Multi-News dev clusters
from ../shared/data (no dates, no outlets: every tie is open), written as the
records of one JSON Lines file, so their permutations permute records in a file.

Two comparisons per permutation, both with record numbers (`path#line-N`, a
position) blanked:

- strict: the whole JSON brief is identical;
- content: identical once every list is sorted, i.e. up to the numbering and
  listing order of the articles (verdicts, canonical wordings, relations and their
  direction, source groups, facts, timeline, summary and citations compared as sets).

For the planted cases it also counts the swapped quotes judged right, in name order
and in reverse (the altering article `altered`, the others faithful; `disputed`
with nobody altered in the case without evidence). With --hash-seeds N the
name-order brief is also made in N fresh processes with other PYTHONHASHSEEDs
(set and dict iteration over strings), which must not change it either.

    .venv/bin/python benchmarks/order_invariance.py [--permutations 20] [--clusters 5] [--hash-seeds 2]
    .venv/bin/python benchmarks/order_invariance.py --src /tmp/main/src   # another checkout's code, same inputs
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "src" / "corroborate" / "data" / "example_story" / "articles"
PLANTED = ROOT / "src" / "corroborate" / "data" / "planted_story"
BALENCIAGA = SHARED / "examples" / "balenciaga"
MULTINEWS = SHARED / "data" / "multinews_dev200.jsonl.gz"
RECORD_NUMBER = re.compile(r"#(record|line|entry)-\d+")


def normalised(data: dict) -> str:
    return RECORD_NUMBER.sub("#N", json.dumps(data, ensure_ascii=False, sort_keys=True))


def sorted_lists(node):
    """Every list sorted (by its items' JSON): the brief up to listing order."""
    if isinstance(node, dict):
        return {key: sorted_lists(value) for key, value in node.items()}
    if isinstance(node, list):
        items = [sorted_lists(value) for value in node]
        return sorted(items, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))
    return node


def brief_json(paths: list[Path]) -> dict:
    from corroborate.brief import brief
    from corroborate.render.json import to_dict

    return json.loads(normalised(to_dict(brief(paths))))


def differing_sections(expected: dict, got: dict) -> list[str]:
    return sorted(key for key in set(expected) | set(got) if expected.get(key) != got.get(key))


def input_sets(clusters: int, folder: Path) -> list[tuple[str, list[Path]]]:
    sets = [("bundled story", sorted(EXAMPLE.glob("*.txt")))]
    if BALENCIAGA.exists():
        sets.append(("balenciaga (real)", sorted(BALENCIAGA.glob("*.txt"))))
    for case in json.loads((PLANTED / "truth.json").read_text())["cases"]:
        sets.append((f"planted: {case['name']}", [PLANTED / "articles" / f for f in case["files"]]))
    if MULTINEWS.exists() and clusters:
        with gzip.open(MULTINEWS, "rt", encoding="utf-8") as lines:
            records = [json.loads(line) for line in lines]
        chosen = [r for r in records if len(r["docs"]) >= 3][:clusters]
        for record in chosen:
            # One file per cluster, its articles as records; a permutation rewrites the
            # file in another record order (see `permuted`).
            path = folder / f"multinews-{record['cluster_id']}.jsonl"
            path.write_text("".join(json.dumps(doc, ensure_ascii=False) + "\n" for doc in record["docs"]), encoding="utf-8")
            sets.append((f"multi-news {record['cluster_id'][:8]} ({len(record['docs'])} records)", [path]))
    return sets


def permuted(paths: list[Path], rng: random.Random, folder: Path) -> list[Path]:
    """The files in another order; a single JSON Lines file: its records in another order."""
    if len(paths) == 1 and paths[0].suffix == ".jsonl":
        lines = paths[0].read_text(encoding="utf-8").splitlines(keepends=True)
        rng.shuffle(lines)
        target = folder / f"shuffled-{rng.random():.12f}" / paths[0].name
        target.parent.mkdir()
        target.write_text("".join(lines), encoding="utf-8")
        return [target]
    order = paths[:]
    rng.shuffle(order)
    return order


def comparable(data: dict, paths: list[Path], folder: Path) -> dict:
    """A brief of a rewritten JSON Lines file names that file: named as the original."""
    text = json.dumps(data, ensure_ascii=False)
    for path in folder.glob("shuffled-*/*.jsonl"):
        text = text.replace(str(path), str(folder / path.name))
    return json.loads(text)


# --- the planted swaps ------------------------------------------------------------


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text.lower().replace("’", "'"))) + " "


def swaps_right(case: dict, data: dict, truth: dict) -> tuple[int, int]:
    """Of the case's planted swaps, how many the brief judges right: on every article the
    verdict truth.json expects (`disputed` with nobody altered where there is no evidence)."""
    file_of = {a["id"]: Path(a["origin"]).name for a in data["articles"]}
    right = total = 0
    for key, expected in case["quotes"].items():
        if not expected.get("edits") and not expected.get("disputed"):
            continue  # not a swap: an editorial mark or a faithful quote
        total += 1
        find = _words(truth["statements"][key]["find"])
        groups = [g for g in data["quotes"] if any(find in _words(w) for w in [g["canonical"], *g.get("rivals", [])])]
        if len(groups) != 1:
            continue
        verdicts = {}
        for occurrence in groups[0]["occurrences"]:
            verdicts.setdefault(file_of[occurrence["quote"]["span"]["article_id"]], set()).add(occurrence["verdict"])
        right += verdicts == {f: {v} for f, v in expected["verdicts"].items()}
    return right, total


# --- hash seeds ----------------------------------------------------------------------


def in_fresh_process(paths: list[Path], seed: int, src: Path | None) -> dict:
    program = (
        "import json, sys; sys.path.insert(0, sys.argv[1]) if sys.argv[1] else None; "
        "from corroborate.brief import brief; from corroborate.render.json import to_dict; "
        "print(json.dumps(to_dict(brief(sys.argv[2:])), ensure_ascii=False))"
    )
    environment = dict(os.environ, PYTHONHASHSEED=str(seed))
    output = subprocess.run(
        [sys.executable, "-c", program, str(src or ""), *map(str, paths)],
        capture_output=True, text=True, env=environment, check=True,
    ).stdout  # fmt: skip
    return json.loads(normalised(json.loads(output)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--permutations", type=int, default=20, help="permutations per input set")
    parser.add_argument("--clusters", type=int, default=5, help="Multi-News dev clusters (0: none)")
    parser.add_argument("--hash-seeds", type=int, default=2, help="fresh processes with other hash seeds per set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--src", type=Path, help="run another checkout's corroborate (its src folder)")
    args = parser.parse_args()
    if args.src:
        sys.path.insert(0, str(args.src.resolve()))
    import corroborate

    print(f"corroborate from {Path(corroborate.__file__).parent}; {args.permutations} permutations per set, seed {args.seed}")
    truth = json.loads((PLANTED / "truth.json").read_text())
    cases = {f"planted: {c['name']}": c for c in truth["cases"]}
    rows, totals = [], Counter()
    started = time.process_time()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for name, paths in input_sets(args.clusters, folder):
            rng = random.Random(f"{args.seed}:{name}")
            expected = comparable(brief_json(paths), paths, folder)
            expected_content = sorted_lists(expected)
            strict = content = 0
            sections: Counter = Counter()
            for _ in range(args.permutations):
                got = comparable(brief_json(permuted(paths, rng, folder)), paths, folder)
                strict += got != expected
                if sorted_lists(got) != expected_content:
                    content += 1
                    sections.update(differing_sections(expected_content, sorted_lists(got)))
            seeds_differ = sum(in_fresh_process(paths, seed, args.src) != expected for seed in range(1, args.hash_seeds + 1))
            swaps = ""
            if name in cases:
                forward = swaps_right(cases[name], expected, truth)
                reverse = swaps_right(cases[name], brief_json(list(reversed(paths))), truth)
                swaps = f"{forward[0]}/{forward[1]} · {reverse[0]}/{reverse[1]}"
                totals["swaps right"] += forward[0] + reverse[0]
                totals["swaps"] += forward[1] + reverse[1]
            rows.append((name, strict, content, ", ".join(f"{k} {v}" for k, v in sections.most_common()) or "-", seeds_differ, swaps))
            totals["sets"] += 1
            totals["strict"] += strict
            totals["content"] += content
            totals["seeds"] += seeds_differ
    cpu = time.process_time() - started
    print()
    print(f"| input set | briefs differing (strict) | differing (content) | sections that differed | hash seeds differing | planted swaps right (name order · reverse) |")
    print("|---|--:|--:|---|--:|---|")
    for name, strict, content, sections, seeds, swaps in rows:
        print(f"| {name} | {strict}/{args.permutations} | {content}/{args.permutations} | {sections} | {seeds} | {swaps or '-'} |")
    print(
        f"| **all {totals['sets']} sets** | {totals['strict']}/{totals['sets'] * args.permutations} | "
        f"{totals['content']}/{totals['sets'] * args.permutations} | | {totals['seeds']} | "
        f"{totals['swaps right']}/{totals['swaps']} |"
    )
    print(f"\n{cpu:.1f} s CPU in this process (briefs in fresh processes not counted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

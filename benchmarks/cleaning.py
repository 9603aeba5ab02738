"""Line-level precision and recall of junk removal (clean.py), on hand labels.

Two labelled sets:
- the five real articles in ../shared/examples/balenciaga, labelled by hand in
  tests/labels/balenciaga_lines.json (line numbers and file hashes, no text);
- the bundled fictional example story, whose truth.json lists its junk lines.

A removed content line is a precision error, a kept junk line a recall error.
"Content lost" counts labelled content lines missing from the cleaned text.

    .venv/bin/python benchmarks/cleaning.py [--survey]

`--survey` also cleans two unlabelled real corpora (PolNeAR, Multi-News) and
prints how many lines each rule removed, with a sample of them, for reading
by hand: PolNeAR is clean article text, so what is removed there (besides
titles and separators) should be junk too.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BALENCIAGA = ROOT.parent / "shared" / "examples" / "balenciaga"
LABELS = ROOT / "tests" / "labels" / "balenciaga_lines.json"
EXAMPLE_STORY = ROOT / "src" / "corroborate" / "data" / "example_story"
_HEADER = re.compile(r"^\s*(?:date|source|url)\s+\S", re.IGNORECASE)


@dataclass
class Score:
    true_positive: int = 0  # junk removed
    false_positive: int = 0  # content removed
    false_negative: int = 0  # junk kept
    content_lost: int = 0  # labelled content not in the cleaned text
    lines: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.true_positive += other.true_positive
        self.false_positive += other.false_positive
        self.false_negative += other.false_negative
        self.content_lost += other.content_lost
        self.lines += other.lines
        self.errors += other.errors

    @property
    def precision(self) -> float:
        removed = self.true_positive + self.false_positive
        return self.true_positive / removed if removed else 1.0

    @property
    def recall(self) -> float:
        junk = self.true_positive + self.false_negative
        return self.true_positive / junk if junk else 1.0


def clean_file(path: Path):
    """The cleaned article of one file, read the way `corroborate brief` reads it."""
    from corroborate.clean import clean
    from corroborate.ingest import read_raw
    from corroborate.model import RawArticle

    raws = [item for item in read_raw([path]) if isinstance(item, RawArticle)]
    if len(raws) != 1:
        raise RuntimeError(f"{path}: expected one article, read {len(raws)}")
    return clean(raws[0])


def score_article(name: str, article, junk: set[int], content: set[int]) -> Score:
    removed = {line.line: line.reason for line in article.removed}
    kept = set(article.raw_line_of)
    score = Score(lines=len(junk) + len(content))
    for number in sorted(junk):
        if number in removed:
            score.true_positive += 1
        else:
            score.false_negative += 1
            score.errors.append(f"{name}:{number}: junk kept")
    for number in sorted(content):
        if number in removed:
            score.false_positive += 1
            score.errors.append(f"{name}:{number}: content removed ({removed[number]})")
        if number not in kept:
            score.content_lost += 1
    return score


def score_balenciaga() -> Score | None:
    if not BALENCIAGA.is_dir():
        return None
    labels = json.loads(LABELS.read_text())
    total = Score()
    for name, label in sorted(labels.items()):
        path = BALENCIAGA / name
        if hashlib.sha1(path.read_bytes()).hexdigest() != label["sha1"]:
            raise RuntimeError(f"{path} changed since it was labelled (sha1 differs): relabel it")
        total.add(score_article(name, clean_file(path), set(label["junk"]), set(label["content"])))
    return total


def example_story_labels() -> dict[str, tuple[set[int], set[int]]] | None:
    """junk and content line numbers per file of the example story, from truth.json:
    every non-blank line is content unless it is a junk line, a header line
    (`date ...`, `source ...`, `url ...`) or the headline after the headers."""
    truth_file = EXAMPLE_STORY / "truth.json"
    if not truth_file.exists():
        return None
    truth = json.loads(truth_file.read_text())
    junk_by_file: dict[str, set[int]] = {}
    for item in truth.get("junk_lines", []):
        junk_by_file.setdefault(item["file"], set()).add(int(item["line"]))
    labels = {}
    for name in truth["articles"]:
        path = next(iter(sorted(EXAMPLE_STORY.rglob(name))), None)
        if path is None:
            raise RuntimeError(f"truth.json names {name}, which is not in {EXAMPLE_STORY}")
        lines = path.read_text(encoding="utf-8").splitlines()
        content: set[int] = set()
        in_header, headline_seen = True, False
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            if in_header and _HEADER.match(line):
                continue
            in_header = False
            if not headline_seen:
                headline_seen = True
                continue
            content.add(number)
        junk = junk_by_file.get(name, set())
        labels[str(path.relative_to(EXAMPLE_STORY))] = (junk, content - junk)
    return labels


def score_example_story() -> Score | None:
    labels = example_story_labels()
    if labels is None:
        return None
    total = Score()
    for name, (junk, content) in sorted(labels.items()):
        total.add(score_article(name, clean_file(EXAMPLE_STORY / name), junk, content))
    return total


def survey(sample: int = 15) -> None:
    from corroborate.clean import clean
    from corroborate.model import RawArticle

    data = ROOT.parent / "shared" / "data"
    corpora = {
        "polnear_train.jsonl.gz": lambda record: [record],
        "multinews_dev200.jsonl.gz": lambda record: record["docs"],
    }
    for name, documents in corpora.items():
        path = data / name
        if not path.exists():
            print(f"{name}: absent, skipped")
            continue
        counts: collections.Counter[str] = collections.Counter()
        removed, lines = [], 0
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for record in map(json.loads, handle):
                for document in documents(record):
                    text = document.get("text") or ""
                    lines += sum(1 for line in text.splitlines() if line.strip())
                    article = clean(RawArticle(origin=name, text=text, title=document.get("title") or None))
                    counts.update(line.reason for line in article.removed)
                    removed += [f"{line.reason:22} {line.text[:100]}" for line in article.removed]
        print(f"\n{name}: {lines} non-blank lines; removed per reason: {dict(counts.most_common())}")
        for line in random.Random(0).sample(removed, min(sample, len(removed))):
            print("   ", line)


def main() -> int:
    parser = argparse.ArgumentParser(description="Line-level precision/recall of junk removal.")
    parser.add_argument("--survey", action="store_true", help="also survey removals on unlabelled real corpora")
    args = parser.parse_args()
    rows = [
        ("real: ../shared/examples/balenciaga (hand labels)", score_balenciaga()),
        ("fictional: bundled example story (truth.json)", score_example_story()),
    ]
    print(f"{'set':52} {'lines':>5} {'junk':>5} {'prec':>6} {'recall':>6} {'lost':>5}")
    for label, score in rows:
        if score is None:
            print(f"{label:52} {'(absent: skipped)':>32}")
            continue
        junk = score.true_positive + score.false_negative
        print(
            f"{label:52} {score.lines:5d} {junk:5d} {score.precision:6.3f} {score.recall:6.3f} {score.content_lost:5d}"
        )
        for error in score.errors:
            print(f"    {error}")
    if args.survey:
        survey()
    return 0


if __name__ == "__main__":
    sys.exit(main())

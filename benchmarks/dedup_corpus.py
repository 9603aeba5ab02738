"""A near-duplicate test corpus built at run time from the real articles in ../shared/data.

Nothing of it is stored: originals are read from the evaluation sets (Multi-News,
ECB+, PolNeAR, Timeline17), copies are made with planted edits:

- every copy has 1-10% of its words changed (replaced by words of another
  article, deleted, or doubled);
- and one of: nothing more, paragraphs dropped (10-40%), pasted into the middle
  of text from a held-out article, or site boilerplate added above and below.

Originals that are already near copies of each other (news sets hold wire
copies) are removed first by an exact check, so that every true pair is a
planted one. A pair is "true" when both documents come from one original.

Run directly for the precision/recall table:
    .venv/bin/python benchmarks/dedup_corpus.py [--originals N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from corroborate.dedup import DedupOptions, dedup_stream, final_groups, shingle_hashes, words  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
MIN_WORDS = 150

# Fictional site furniture, written for this benchmark.
BOILERPLATE = [
    "Sign up for our morning briefing and never miss a story.",
    "Advertisement",
    "Share this article: Facebook | Twitter | Email | Print",
    "Most read today: Weather warnings extended | Council budget vote | Match report",
    "Cookies help us deliver our services. By using our site you agree to our use of cookies.",
    "Follow us for breaking news, photos and video from around the region.",
    "Related coverage: more from our newsroom on this and other developing stories.",
    "Copyright the publisher. All rights reserved. Reproduction without permission is prohibited.",
]


@dataclass
class Corpus:
    documents: list[tuple[str, str]]  # (key, text)
    origin: dict[str, int]  # key -> index of the original it comes from
    removed_originals: int  # natural near copies dropped from the originals


def real_articles(data: Path) -> list[str]:
    """Texts of at least MIN_WORDS words from the evaluation sets, in a fixed order."""
    texts: list[str] = []

    def lines(name: str):
        path = data / name
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                for line in handle:
                    yield json.loads(line)

    for record in lines("multinews_dev200.jsonl.gz"):
        texts.extend(doc["text"] for doc in record["docs"])
    for name in ("polnear_train.jsonl.gz", "polnear_dev.jsonl.gz", "ecbplus_dev.jsonl.gz"):
        texts.extend(record["text"] for record in lines(name))
    for record in lines("timeline17_dev.jsonl.gz"):
        texts.extend(doc["text"] for doc in record["docs"])
    return [text for text in texts if len(text.split()) >= MIN_WORDS]


def _paragraphs(text: str) -> list[str]:
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    if len(paragraphs) >= 3:
        return paragraphs
    # One-block texts: cut into pseudo-paragraphs of about 40 words.
    tokens = text.split()
    return [" ".join(tokens[i : i + 40]) for i in range(0, len(tokens), 40)]


def change_words(text: str, share: float, donor: list[str], rng: random.Random) -> str:
    paragraphs = [p.split() for p in _paragraphs(text)]
    positions = [(p, w) for p, para in enumerate(paragraphs) for w in range(len(para))]
    for p, w in rng.sample(positions, max(1, int(len(positions) * share))):
        action = rng.random()
        if action < 0.6:
            paragraphs[p][w] = rng.choice(donor)
        elif action < 0.8:
            paragraphs[p][w] = ""
        else:
            paragraphs[p][w] = paragraphs[p][w] + " " + paragraphs[p][w]
    return "\n\n".join(" ".join(t for t in para if t) for para in paragraphs)


def plant_copy(text: str, host: str, rng: random.Random) -> tuple[str, str]:
    """A copy of `text` with planted edits, and the name of the structural edit."""
    donor = host.split()
    copy = change_words(text, rng.uniform(0.01, 0.10), donor, rng)
    edit = rng.choice(["words", "drop", "paste", "boilerplate"])
    paragraphs = _paragraphs(copy)
    if edit == "drop" and len(paragraphs) >= 3:
        keep = max(2, round(len(paragraphs) * (1 - rng.uniform(0.1, 0.4))))
        kept = sorted(rng.sample(range(len(paragraphs)), keep))
        copy = "\n\n".join(paragraphs[i] for i in kept)
    elif edit == "paste":
        # Surrounding text of 20-100% of the copy's length, before and after it.
        host_words = host.split()
        amount = min(len(host_words), int(len(copy.split()) * rng.uniform(0.2, 1.0)))
        cut = rng.randrange(0, amount + 1)
        copy = "\n\n".join([" ".join(host_words[:cut]), copy, " ".join(host_words[cut:amount])]).strip()
    elif edit == "boilerplate":
        copy = "\n\n".join(rng.sample(BOILERPLATE, 3) + [copy] + rng.sample(BOILERPLATE, 3))
    return copy, edit


def natural_near_copies(texts: list[str], options: DedupOptions) -> set[int]:
    """Indices of texts that are near copies of an earlier text, found exactly.

    Candidate pairs come from shingles that occur in at most 50 texts (a near copy
    shares hundreds of those); each candidate is then checked on full shingle sets."""
    from scipy import sparse

    sets = [shingle_hashes(words(t), options.shingle_words) for t in texts]
    rows = np.repeat(np.arange(len(sets)), [len(s) for s in sets])
    values, columns = np.unique(np.concatenate(sets), return_inverse=True)
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=(len(sets), len(values)))
    frequency = np.asarray(matrix.sum(axis=0)).ravel()
    rare = matrix[:, np.flatnonzero(frequency <= 50)]
    common = sparse.triu(rare @ rare.T, k=1).tocoo()
    duplicates = set()
    for i, j, shared in zip(common.row, common.col, common.data):
        if shared < 0.3 * min(len(sets[i]), len(sets[j])):
            continue
        inter = len(np.intersect1d(sets[i], sets[j], assume_unique=True))
        union = len(sets[i]) + len(sets[j]) - inter
        if inter / union >= options.jaccard or inter / min(len(sets[i]), len(sets[j])) >= options.containment:
            duplicates.add(int(max(i, j)))
    return duplicates


def planted_corpus(data: Path = DATA, originals: int = 300, seed: int = 0, copies_per_original: float = 1.0) -> Corpus:
    """`originals` real articles plus about `copies_per_original` planted copies each, shuffled."""
    rng = random.Random(seed)
    texts = real_articles(data)
    rng.shuffle(texts)
    # Hosts for pasted copies, and the words that replace words, come from
    # articles that are not originals (nor near copies of one).
    wanted = min(originals, len(texts) * 3 // 4)
    size = min(len(texts), int(wanted * 1.1) + 10)
    hosts_wanted = min(len(texts) - size, max(50, wanted // 2))
    candidates = texts[: size + hosts_wanted]
    dropped = natural_near_copies(candidates, DedupOptions())
    chosen = [t for i, t in enumerate(candidates[:size]) if i not in dropped][:wanted]
    hosts = [t for i, t in enumerate(candidates) if i >= size and i not in dropped] or texts[:1]
    documents: list[tuple[str, str]] = []
    origin: dict[str, int] = {}
    for index, text in enumerate(chosen):
        documents.append((f"o{index}", text))
        origin[f"o{index}"] = index
        count = int(copies_per_original) + (rng.random() < copies_per_original % 1)
        for number in range(count):
            copy, edit = plant_copy(text, rng.choice(hosts), rng)
            key = f"c{index}-{number}-{edit}"
            documents.append((key, copy))
            origin[key] = index
    rng.shuffle(documents)
    return Corpus(documents, origin, removed_originals=len([i for i in dropped if i < size]))


def true_pairs(corpus: Corpus) -> set[tuple[str, str]]:
    members: dict[int, list[str]] = defaultdict(list)
    for key, _ in corpus.documents:
        members[corpus.origin[key]].append(key)
    return {tuple(sorted(pair)) for keys in members.values() for pair in combinations(keys, 2)}


def predicted_pairs(groups: dict[str, int]) -> set[tuple[str, str]]:
    members: dict[int, list[str]] = defaultdict(list)
    for key, group in groups.items():
        members[group].append(key)
    return {tuple(sorted(pair)) for keys in members.values() for pair in combinations(keys, 2)}


def precision_recall(corpus: Corpus, groups: dict[str, int]) -> tuple[float, float]:
    truth, found = true_pairs(corpus), predicted_pairs(groups)
    hits = len(truth & found)
    return hits / max(1, len(found)), hits / max(1, len(truth))


def evaluate(corpus: Corpus, options: DedupOptions) -> tuple[float, float]:
    return precision_recall(corpus, final_groups(dedup_stream(corpus.documents, options)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--originals", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"real data not available: {DATA} is absent")
    corpus = planted_corpus(DATA, args.originals, args.seed)
    options = DedupOptions()
    start = time.perf_counter()
    records = list(dedup_stream(corpus.documents, options))
    seconds = time.perf_counter() - start
    groups = final_groups(records)
    precision, recall = precision_recall(corpus, groups)
    # Recall per planted edit: a copy counts as found when it is grouped with its original.
    original_group = {corpus.origin[k]: g for k, g in groups.items() if k.startswith("o")}
    by_edit: dict[str, list[bool]] = defaultdict(list)
    for key, group in groups.items():
        if key.startswith("c"):
            by_edit[key.rsplit("-", 1)[1]].append(group == original_group[corpus.origin[key]])
    print(f"corpus: {len(corpus.documents)} documents ({args.originals} real originals, "
          f"{corpus.removed_originals} natural near copies removed first), seed {args.seed}")  # fmt: skip
    print(f"options: {options}")
    print()
    print("| measure | value |")
    print("|---|---|")
    print(f"| pair precision | {precision:.3f} |")
    print(f"| pair recall | {recall:.3f} |")
    for edit, found in sorted(by_edit.items()):
        print(f"| copies found with their original, edit '{edit}' | {sum(found)}/{len(found)} = {np.mean(found):.3f} |")
    print(f"| seconds | {seconds:.1f} |")


if __name__ == "__main__":
    main()

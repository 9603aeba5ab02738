"""Speed of corpus dedup: corroborate.dedup versus datasketch MinHash LSH, one run.

Both read the same >= 10,000 news-length documents (real articles from
../shared/data plus planted copies, see dedup_corpus.py), use the same 3-word
shingles, the same exact-duplicate hash, and the same exact verification of
every LSH candidate (Jaccard >= 0.5 or containment >= 0.7, on the same sorted
shingle-hash arrays), so they differ only in MinHash and LSH. datasketch runs
with 128 permutations, once at the LSH threshold equal to the near-duplicate
Jaccard (0.5) and once at the candidate threshold of our banding, (1/bands)^(1/rows).

Each method runs in its own forked child process. Peak memory is the highest
resident set size above the child's level before the run,
sampled every 10 ms from /proc/self/statm (Linux), so one run gives both time
and memory without tracing overhead. CPU seconds (process time) are reported
beside wall seconds because the benchmark machine is shared; throughput is
documents per CPU second.

    .venv/bin/python benchmarks/dedup_speed.py [--originals 3000] [--copies 2.34]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_corpus import DATA, planted_corpus, precision_recall  # noqa: E402

from corroborate.dedup import (  # noqa: E402
    DedupOptions,
    Deduplicator,
    content_hash,
    final_groups,
    overlap,
    shingle_hashes,
    words,
)


class PeakMemory:
    """Highest RSS above the starting level while the block runs, in MB."""

    def __enter__(self):
        gc.collect()
        self._page = os.sysconf("SC_PAGE_SIZE")
        self.start = self.peak = self._rss()
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _rss(self) -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * self._page

    def _sample(self) -> None:
        while self._running:
            self.peak = max(self.peak, self._rss())
            time.sleep(0.01)

    def __exit__(self, *exc):
        self._running = False
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def megabytes(self) -> float:
        return (self.peak - self.start) / 2**20


def in_child_process(run):
    """Run one method in a forked child, so that neither method's memory (numpy's
    arenas, caches) is counted against the other: (groups, verified, wall s, CPU s, MB)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def child():
        with PeakMemory() as memory:
            start, cpu_start = time.perf_counter(), time.process_time()
            groups, verified = run()
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        sender.send((groups, verified, seconds, cpu, memory.megabytes))

    process = context.Process(target=child)
    process.start()
    result = receiver.recv()
    process.join()
    return result


def run_ours(documents, options: DedupOptions) -> tuple[dict[str, int], int]:
    deduplicator = Deduplicator(options)
    records = []
    for first in range(0, len(documents), 256):
        records.extend(deduplicator.add_batch(documents[first : first + 256]))
    return final_groups(records), deduplicator.verified


def run_datasketch(documents, options: DedupOptions, threshold: float) -> tuple[dict[str, int], int]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    exact: dict[str, str] = {}
    stored = {}
    groups: dict[str, int] = {}
    parent: dict[int, int] = {}  # the same group merging as ours

    def root(group: int) -> int:
        while parent.get(group, group) != group:
            group = parent[group]
        return group

    verified = 0
    for index, (key, text) in enumerate(documents):
        tokens = words(text)
        digest = content_hash(text, tokens)
        if digest in exact:
            groups[key] = groups[exact[digest]]
            continue
        exact[digest] = key
        size = options.shingle_words
        shingles = {" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1))}
        hashes = shingle_hashes(tokens, size)
        minhash = MinHash(num_perm=128)
        minhash.update_batch([s.encode("utf-8") for s in shingles])
        matched = set()
        for candidate in lsh.query(minhash):
            verified += 1
            jaccard, containment = overlap(hashes, stored[candidate])
            if jaccard >= options.jaccard or containment >= options.containment:
                matched.add(root(groups[candidate]))
        groups[key] = min(matched) if matched else index
        for group in matched:
            parent[group] = groups[key]
        lsh.insert(key, minhash)
        stored[key] = hashes
    return {key: root(group) for key, group in groups.items()}, verified


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--originals", type=int, default=3000)
    parser.add_argument("--copies", type=float, default=2.34, help="planted copies per original (mean)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"real data not available: {DATA} is absent")
    corpus = planted_corpus(DATA, args.originals, args.seed, copies_per_original=args.copies)
    documents = corpus.documents
    total_words = sum(len(text.split()) for _, text in documents)
    options = DedupOptions()
    bands = options.num_perm // options.band_rows
    our_threshold = (1 / bands) ** (1 / options.band_rows)
    print(f"{len(documents)} documents ({args.originals} real originals, {corpus.removed_originals} natural near "
          f"copies removed first), mean {total_words / len(documents):.0f} words; seed {args.seed}")  # fmt: skip
    print(f"ours: {options.num_perm} permutations, {bands} bands x {options.band_rows} rows "
          f"(candidate threshold {our_threshold:.2f}); verification Jaccard >= {options.jaccard} "
          f"or containment >= {options.containment}")  # fmt: skip
    print()
    runs = [
        (f"corroborate.dedup ({options.num_perm} perms)", lambda: run_ours(documents, options)),
        ("datasketch MinHashLSH (128 perms, threshold 0.5)", lambda: run_datasketch(documents, options, 0.5)),
        (f"datasketch MinHashLSH (128 perms, threshold {our_threshold:.2f})",
         lambda: run_datasketch(documents, options, our_threshold)),
    ]  # fmt: skip
    print("| method | wall s | CPU s | documents/s (CPU) | peak memory (MB above start) | candidates verified "
          "| pair precision | pair recall |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name, run in runs:
        groups, verified, seconds, cpu, megabytes = in_child_process(run)
        precision, recall = precision_recall(corpus, groups)
        print(f"| {name} | {seconds:.1f} | {cpu:.1f} | {len(documents) / cpu:.0f} | {megabytes:.0f} | {verified} "
              f"| {precision:.3f} | {recall:.3f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

"""Speed of corpus dedup: corroborate.dedup versus datasketch MinHash LSH, one run.

Both read the same >= 10,000 news-length documents (real articles from
../shared/data plus planted copies, see dedup_corpus.py) with 3-word shingles,
an exact-duplicate hash, and the same exact verification of every LSH
candidate (Jaccard >= 0.5 or containment >= 0.7, `dedup.common_counts` on
sorted shingle-hash arrays). Each method is timed end to end from raw text,
with its own shingling and hashing:

- corroborate.dedup: `Deduplicator.add_batch` (numpy word and shingle hashes,
  one permutation hashing, sorted-array LSH);
- datasketch, used as its documentation shows: words by the same tokeniser
  (`dedup.words`), shingle strings, `MinHash(num_perm=128).update_batch` (sha1
  per shingle; permutations made once and shared), `MinHashLSH` query and
  insert; verification on the sorted Python hashes of its shingle strings.
  It runs at the LSH threshold equal to the near-duplicate Jaccard (0.5), and
  at the candidate threshold of our banding, (1/bands)^(1/rows).

"index + query only" times the same methods from shingles made beforehand (ours:
`shingle_batch`; datasketch: the shingle string sets): MinHash, LSH and
verification alone.

Each method runs in its own forked child process. Peak memory is the highest
resident set size above the child's level before the timed part,
sampled every 10 ms from /proc/self/statm (Linux), so one run gives both time
and memory without tracing overhead. CPU seconds (process time) are reported
beside wall seconds because the benchmark machine is shared; throughput is
documents per CPU second.

    .venv/bin/python benchmarks/dedup_speed.py [--originals 3000] [--copies 2.34]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_corpus import DATA, planted_corpus, precision_recall  # noqa: E402

from corroborate.dedup import (  # noqa: E402
    DedupOptions,
    Deduplicator,
    common_counts,
    final_groups,
    shingle_batch,
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


def in_child_process(prepare, run):
    """Run one method in a forked child, so that neither method's memory (numpy's
    arenas, caches) is counted against the other: (groups, verified, wall s, CPU s, MB).
    `prepare()` runs untimed first; its result is passed to `run`."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def child():
        try:
            prepared = prepare()
            with PeakMemory() as memory:
                start, cpu_start = time.perf_counter(), time.process_time()
                groups, verified = run(prepared)
                seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            sender.send((groups, verified, seconds, cpu, memory.megabytes))
        except BaseException as error:  # the parent waits on the pipe: tell it, then fail
            sender.send(error)
            raise

    process = context.Process(target=child)
    process.start()
    result = receiver.recv()
    process.join()
    if isinstance(result, BaseException):
        raise SystemExit(f"benchmark child failed: {result!r}")
    return result


BATCH = 256


def ours_prepare(documents, options: DedupOptions, shingled: bool):
    if not shingled:
        return None
    return [
        ([key for key, _ in documents[first : first + BATCH]],
         shingle_batch([text for _, text in documents[first : first + BATCH]], options.shingle_words, options.seed))
        for first in range(0, len(documents), BATCH)
    ]  # fmt: skip


def ours_run(documents, options: DedupOptions, prepared) -> tuple[dict[str, int], int]:
    deduplicator = Deduplicator(options)
    records = []
    if prepared is None:  # end to end, from raw text
        for first in range(0, len(documents), BATCH):
            records.extend(deduplicator.add_batch(documents[first : first + BATCH]))
    else:
        for keys, batch in prepared:
            records.extend(deduplicator.add_shingled(keys, batch))
    return final_groups(records), deduplicator.verified


def datasketch_shingles(text: str, size: int) -> tuple[bytes, set[str]]:
    tokens = words(text)
    digest = hashlib.sha1(" ".join(tokens).encode("utf-8")).digest()
    return digest, {" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1))} if tokens else set()


def datasketch_prepare(documents, options: DedupOptions, shingled: bool):
    if not shingled:
        return None
    return [datasketch_shingles(text, options.shingle_words) for _, text in documents]


def datasketch_run(documents, options: DedupOptions, threshold: float, prepared) -> tuple[dict[str, int], int]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    template = MinHash(num_perm=128)  # permutations made once and shared, which datasketch allows for speed
    exact: dict[bytes, str] = {}
    stored: dict[str, np.ndarray] = {}
    groups: dict[str, int] = {}
    linked: dict[int, int] = {}  # joined groups, as final_groups does for ours

    def root(group: int) -> int:
        while linked.get(group, group) != group:
            group = linked[group]
        return group

    verified = 0
    for index, (key, text) in enumerate(documents):
        digest, shingles = prepared[index] if prepared is not None else datasketch_shingles(text, options.shingle_words)
        if digest in exact:
            groups[key] = groups[exact[digest]]
            continue
        exact[digest] = key
        groups[key] = index
        if len(shingles) < options.min_shingles:
            continue
        # Python's str hash is cached by the set that made the shingles: no second hashing pass.
        hashes = np.sort(np.fromiter(map(hash, shingles), dtype=np.int64, count=len(shingles)))
        minhash = MinHash(num_perm=128, permutations=template.permutations, scheme=template.scheme)
        minhash.update_batch([shingle.encode("utf-8") for shingle in shingles])
        candidates = lsh.query(minhash)
        if candidates:
            verified += len(candidates)
            others = [stored[candidate] for candidate in candidates]
            common = common_counts(hashes, others)
            sizes = np.array([len(other) for other in others])
            jaccard = common / (len(hashes) + sizes - common)
            containment = common / np.minimum(len(hashes), sizes)
            matched = (jaccard >= options.jaccard) | (containment >= options.containment)
            found = sorted({root(groups[candidate]) for candidate, hit in zip(candidates, matched) if hit})
            if found:
                groups[key] = found[0]
                for group in found[1:]:
                    linked[group] = found[0]
        lsh.insert(key, minhash)
        stored[key] = hashes
    return {key: root(group) for key, group in groups.items()}, verified


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--originals", type=int, default=3000)
    parser.add_argument("--copies", type=float, default=2.34, help="planted copies per original (mean)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--end-to-end-only", action="store_true", help="skip the index + query only runs")
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
    print(f"ours: {options.num_perm} one-permutation MinHash bins, {bands} bands x {options.band_rows} rows "
          f"(candidate threshold {our_threshold:.2f}); verification Jaccard >= {options.jaccard} "
          f"or containment >= {options.containment}")  # fmt: skip
    print()
    methods = [
        (f"corroborate.dedup ({options.num_perm} bins, {bands} bands x {options.band_rows})",
         lambda shingled: ours_prepare(documents, options, shingled),
         lambda prepared: ours_run(documents, options, prepared)),
        ("datasketch MinHashLSH (128 perms, threshold 0.5)",
         lambda shingled: datasketch_prepare(documents, options, shingled),
         lambda prepared: datasketch_run(documents, options, 0.5, prepared)),
        (f"datasketch MinHashLSH (128 perms, threshold {our_threshold:.2f})",
         lambda shingled: datasketch_prepare(documents, options, shingled),
         lambda prepared: datasketch_run(documents, options, our_threshold, prepared)),
    ]  # fmt: skip
    print("| timed | method | wall s | CPU s | documents / CPU s | peak memory (MB above start) "
          "| candidates verified | pair precision | pair recall |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    results = {}
    for timed in ["end to end"] + ([] if args.end_to_end_only else ["index + query only"]):
        for name, prepare, run in methods:
            shingled = timed != "end to end"
            groups, verified, seconds, cpu, megabytes = in_child_process(lambda: prepare(shingled), run)
            precision, recall = precision_recall(corpus, groups)
            results[timed, name] = (seconds, cpu)
            print(f"| {timed} | {name} | {seconds:.1f} | {cpu:.1f} | {len(documents) / cpu:.0f} | {megabytes:.0f} "
                  f"| {verified} | {precision:.3f} | {recall:.3f} |", flush=True)  # fmt: skip
    print()
    ours = methods[0][0]
    for timed, name in results:
        if name != ours:
            (our_wall, our_cpu), (wall, cpu) = results[timed, ours], results[timed, name]
            print(f"{timed}: ours is {cpu / our_cpu:.1f}x {name} per CPU second ({wall / our_wall:.1f}x wall)")


if __name__ == "__main__":
    main()

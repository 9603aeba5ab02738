"""`corroborate dedup` on a cluster: the band join.

One process compares each document with everything read before it through an
LSH index of MinHash band keys (`dedup.Deduplicator`). Here:

1. workers read and shingle the units (`tasks.shingle`); the shingles stay on
   the workers, the client fetches each document's exact-duplicate hash and size;
2. the client numbers the documents in input order and marks exact repeats
   (the first document with a hash is the original), which, as in one process,
   are neither indexed nor queried;
3. the band join: each unit's band keys are cut by key into partitions (map),
   and each partition finds the documents that share a key (reduce): the pairs of
   documents that share any band key, which is what the index would have
   returned for the later of the two;
4. workers count the shingles each pair shares (`tasks.overlaps`), fetching the
   earlier documents' shingles from the units that hold them (`tasks.pick`);
5. the client groups the documents in input order with the very step one process
   uses (`Deduplicator.assign`), so groups, matches and links are identical.

The join is a hash-partitioned shuffle of numpy arrays written as Dask tasks:
measured against `dask.bag.groupby` on the same keys in benchmarks/dask_scaling.py.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator
from dataclasses import replace

import numpy as np

from ..dedup import STREAM_BATCH, DedupOptions, DedupRecord, Deduplicator, batches, problems_in_place
from ..model import InputProblem
from . import tasks
from .reading import ordered_entries
from .stream import plan_units, worker_threads
from .units import Unit

_SHIFT = np.uint64(32)
_LOW = np.uint64(0xFFFFFFFF)


def dedup(client, inputs: Iterable, options: DedupOptions | None = None, unit_bytes: int | None = None) -> Iterator[DedupRecord | InputProblem]:
    """`dedup.dedup_inputs` with the per-document work and the band join on the cluster."""
    from ..store.briefs import code_fingerprint
    from .stream import PLANNED_PROBLEM, failed, result_or_failure

    options = options or DedupOptions()
    code = code_fingerprint()
    planned = list(plan_units(client, inputs, code, unit_bytes))
    shingled = {
        item.number: client.submit(tasks.shingle, item, options, code, pure=False) for item in planned if isinstance(item, Unit)
    }
    summaries = {number: client.submit(tasks.summary, future, pure=False) for number, future in shingled.items()}

    # 1-2. Documents numbered in input order; exact repeats point to their first copy.
    read: list[tuple[Unit, tuple]] = []
    offsets: dict[int, int] = {}
    counts: dict[int, int] = {}
    digests: list[bytes] = []
    sizes: list[np.ndarray] = []
    for item in planned:
        if isinstance(item, InputProblem):
            read.append((PLANNED_PROBLEM, ([item], set())))
            continue
        summary = result_or_failure(summaries.pop(item.number))
        if not isinstance(summary, tasks.Shingled):
            del shingled[item.number]
            read.append((item, failed(item, summary)))
            continue
        offsets[item.number], counts[item.number] = len(digests), len(summary.digests)
        digests.extend(summary.digests)
        sizes.append(summary.sizes)
        read.append((item, (summary.entries, summary.repeatable)))
    size_of = np.concatenate(sizes) if sizes else np.zeros(0, dtype=np.int64)
    exact_of: dict[int, int] = {}
    first_with: dict[bytes, int] = {}
    for index, digest in enumerate(digests):
        earlier = first_with.setdefault(digest, index)
        if earlier != index:
            exact_of[index] = earlier
    indexed = size_of >= max(1, options.min_shingles)
    indexed[list(exact_of)] = False

    later, earlier = _band_join(client, shingled, offsets, counts, indexed, options)
    common = _overlaps(client, shingled, offsets, counts, later, earlier)
    del shingled

    # 5. Grouped in input order by the deciding step of one process.
    starts = np.searchsorted(later, np.arange(len(digests) + 1))

    def records(documents: Iterator[tuple[str, str]]) -> Iterator[DedupRecord]:
        deduplicator = Deduplicator(options)
        index = 0
        for batch in batches(documents, STREAM_BATCH):  # read as one process reads: problems fall in the same places
            for key, origin in batch:
                if index in exact_of:
                    record = deduplicator.assign(index, key, exact_of=exact_of[index])
                else:
                    first, last = starts[index], starts[index + 1]
                    record = deduplicator.assign(
                        index, key, size=int(size_of[index]), candidates=earlier[first:last].tolist(),
                        common=common[first:last], sizes=size_of[earlier[first:last]],
                    )  # fmt: skip
                yield replace(record, origin=origin)
                index += 1

    return problems_in_place(ordered_entries(read), records)


def _band_join(client, shingled: dict, offsets: dict, counts: dict, indexed: np.ndarray, options) -> tuple[np.ndarray, np.ndarray]:
    """3. (later, earlier) pairs of indexed documents that share a band key, sorted."""
    partitions = max(1, 2 * worker_threads(client))
    parts = {}
    for number, future in shingled.items():
        offset = offsets[number]
        rows = np.flatnonzero(indexed[offset : offset + counts[number]])
        parts[number] = client.submit(tasks.band_parts, future, offset, rows, options, partitions, pure=False)
    ordered = [parts[number] for number in sorted(parts)]  # unit order: documents ascend within a key
    joined = [
        client.submit(tasks.band_pairs, *[client.submit(operator.getitem, part, p, pure=False) for part in ordered], pure=False)
        for p in range(partitions)
    ]
    pairs = np.unique(np.concatenate(client.gather(joined) + [np.zeros(0, dtype=np.uint64)]))
    return (pairs >> _SHIFT).astype(np.int64), (pairs & _LOW).astype(np.int64)


def _overlaps(client, shingled: dict, offsets: dict, counts: dict, later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """4. The shingles each pair shares, counted where the later document's unit is."""
    numbers = sorted(shingled)
    starts = np.array([offsets[n] for n in numbers], dtype=np.int64)
    unit_of_later = np.searchsorted(starts, later, side="right") - 1
    unit_of_earlier = np.searchsorted(starts, earlier, side="right") - 1
    picks = {}
    for position in np.unique(unit_of_earlier).tolist():
        number = numbers[position]
        rows = np.unique(earlier[unit_of_earlier == position]) - offsets[number]
        picks[position] = (offsets[number], client.submit(tasks.pick, shingled[number], rows, pure=False))
    common = np.zeros(len(later), dtype=np.int64)
    jobs = []
    for position in np.unique(unit_of_later).tolist():
        number = numbers[position]
        where = np.flatnonzero(unit_of_later == position)
        needed = [picks[p] for p in np.unique(unit_of_earlier[where]).tolist()]
        future = client.submit(tasks.overlaps, shingled[number], offsets[number], later[where], earlier[where], *needed, pure=False)
        jobs.append((where, future))
    for (where, _), counted in zip(jobs, client.gather([future for _, future in jobs])):
        common[where] = counted
    return common

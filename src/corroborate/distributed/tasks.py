"""The tasks workers run. Each takes a work unit (file names or a byte range, never
text) or futures of earlier tasks, checks that the worker runs the client's code,
and does the per-article work with the same library functions as one process:
read and clean (`reading.read_unit`), clustering features
(`StoryClusterer.features`: terms, entities, lead names, event dates,
embeddings), shingles, MinHash band keys and shingle overlaps (`dedup`), and the
analysis of a whole story (`brief.analyse`).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from ..model import Article, InputProblem
from .reading import read_unit
from .units import Unit, scan_range
from .worker import check_code

# --- reading ----------------------------------------------------------------------


def scan(name: str, start: int, end: int, code: str):
    """`units.scan_range` of one nominal range of a large JSON Lines file."""
    check_code(code)
    return scan_range(name, start, end)


@functools.lru_cache(maxsize=4)
def _clusterer(params: tuple):
    from ..stories import StoryClusterer

    return StoryClusterer(**dict(params))


def prepare(unit: Unit, params: tuple, code: str) -> tuple[list, set[int]]:
    """For `ingest`: the unit's articles, each prepared for the store (content hash and
    clustering features, `store.ingest.PreparedArticle`), and its problems."""
    check_code(code)
    from ..store import content_hash
    from ..store.ingest import PreparedArticle

    read = read_unit(unit, headline_is_enough=True)
    articles = [entry for entry in read.entries if isinstance(entry, Article)]
    features = iter(_clusterer(params).features(articles))
    entries = [
        PreparedArticle(entry, content_hash(entry), next(features)) if isinstance(entry, Article) else entry
        for entry in read.entries
    ]
    return entries, read.repeatable


class ClusterRow(NamedTuple):
    """What `cluster` needs of an article: its ids, its date (time order) and its features."""

    id: str
    source_id: str | None
    published: object
    features: object


def featurize(unit: Unit, params: tuple, code: str) -> tuple[list, set[int]]:
    """For `cluster`: each article's clustering features and ids (no text travels back)."""
    check_code(code)
    read = read_unit(unit, headline_is_enough=True)
    articles = [entry for entry in read.entries if isinstance(entry, Article)]
    features = iter(_clusterer(params).features(articles))
    entries = [
        ClusterRow(e.id, e.source_id, e.published, next(features)) if isinstance(e, Article) else e for e in read.entries
    ]
    return entries, read.repeatable


# --- near duplicates ----------------------------------------------------------------


class Shingled(NamedTuple):
    """A unit's documents shingled (kept on the worker) and what the client needs of them."""

    entries: list  # (key, origin) of each document and problems, in input order
    repeatable: set[int]
    digests: list[bytes]  # exact-duplicate hash of each document
    sizes: np.ndarray  # distinct shingles of each document
    batch: object  # dedup.ShingledBatch


def shingle(unit: Unit, options, code: str) -> Shingled:
    """For `dedup`: the unit's documents (`title + text`, keyed by the input's own
    id or else by origin, as `dedup.dedup_inputs` keys them) shingled and hashed by
    `dedup.shingle_batch`, as one process does."""
    check_code(code)
    from ..dedup import shingle_batch

    read = read_unit(unit, headline_is_enough=False)
    articles = [entry for entry in read.entries if isinstance(entry, Article)]
    batch = shingle_batch([a.title + "\n\n" + a.text for a in articles], options.shingle_words, options.seed)
    sizes = np.diff(batch.bounds).astype(np.int64)
    entries = [(entry.source_id or entry.origin, entry.origin) if isinstance(entry, Article) else entry for entry in read.entries]
    return Shingled(entries, read.repeatable, batch.digests, sizes, batch)


def summary(shingled: Shingled) -> Shingled:
    """`shingled` without its shingles (what the client fetches)."""
    return shingled._replace(batch=None)


def band_parts(shingled: Shingled, offset: int, rows: np.ndarray, options, partitions: int) -> list:
    """The LSH band keys of the unit's documents `rows` (global number `offset + row`),
    cut into `partitions` by key: the map side of the band join."""
    from ..dedup import _signatures, band_keys

    if not len(rows):
        empty = np.zeros(0, dtype=np.uint64)
        return [(empty, empty)] * partitions
    keys = band_keys(_signatures(shingled.batch.keys, rows, options.num_perm), options.band_rows)
    owners = np.repeat(rows.astype(np.uint64) + np.uint64(offset), keys.shape[1])
    flat = keys.ravel()
    part = (flat % np.uint64(partitions)).astype(np.int64)
    return [(flat[part == p], owners[part == p]) for p in range(partitions)]


def band_pairs(*parts) -> np.ndarray:
    """The reduce side of the band join: (later << 32 | earlier) pairs of documents that
    share a band key. `parts` come in unit order, so documents ascend within a key."""
    from ..dedup import _pairs_within

    keys = np.concatenate([keys for keys, _ in parts])
    owners = np.concatenate([owners for _, owners in parts])
    return np.unique(_pairs_within(keys, owners))


def pick(shingled: Shingled, rows: np.ndarray) -> dict[int, np.ndarray]:
    """The shingles of the unit's documents `rows` (others' candidates)."""
    return {int(row): shingled.batch.shingles(int(row)) for row in rows}


def overlaps(shingled: Shingled, offset: int, later: np.ndarray, earlier: np.ndarray, *picks) -> np.ndarray:
    """How many shingles each candidate pair (`later` in this unit, `earlier` anywhere,
    global numbers) shares, as `Deduplicator` counts them (`dedup.common_counts`).
    `picks` are (unit offset, `pick`) of the units the earlier documents are in."""
    from ..dedup import common_counts

    found = {}
    for unit_offset, picked in picks:
        found.update({unit_offset + row: shingles for row, shingles in picked.items()})
    common = np.zeros(len(later), dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], later[1:] != later[:-1]))) if len(later) else []
    bounds = list(starts) + [len(later)]
    for first, last in zip(bounds[:-1], bounds[1:]):
        shingles = shingled.batch.shingles(int(later[first]) - offset)
        common[first:last] = common_counts(shingles, [found[int(e)] for e in earlier[first:last]])
    return common


# --- briefs -------------------------------------------------------------------------


class BriefFailed(NamedTuple):
    reason: str


def brief_story(articles: list[Article], options, code: str):
    """The brief of one stored story (`store.briefs.analyse_story`: the same pipeline as
    one process), or why it failed."""
    check_code(code)
    from ..store.briefs import analyse_story, failure_reason

    try:
        return analyse_story(articles, options)
    except Exception as error:  # noqa: BLE001 - one story's failure must not end the run
        return BriefFailed(failure_reason(error))

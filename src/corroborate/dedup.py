"""Near-duplicate detection for a whole corpus, streaming and memory bounded.

Used by `corroborate dedup PATH...` (one line per article with its duplicate
group) and, for the exact measures, by `relations.py` inside one story.

How a document is handled, in one pass:

1. exact duplicates by a hash of the normalised word sequence (case, white
   space and punctuation ignored);
2. word shingles, each hashed once (words are hashed with crc32, shingles are
   combined from the word hashes with vectorised numpy arithmetic);
3. a MinHash signature: `num_perm` universal hash functions (a*x + b) >> 32
   applied to all shingles of a whole batch of documents at once, minimum per
   document with `np.minimum.reduceat`;
4. LSH banding: each band of `rows` signature values becomes one integer key in
   a dict; documents sharing a key are candidates;
5. exact verification of every candidate on the stored shingle sets: Jaccard
   similarity, and containment of the smaller document in the larger (so an
   article pasted inside a longer page is found).

Memory grows with the corpus (a signature band key and a sorted shingle array
per document, about 4 bytes per distinct shingle), never with the number of
pairs: there is no all-pairs matrix.

Why our own MinHash and not datasketch's: on 10,000 news-length documents,
same shingles and threshold, this is several times faster at equal or better
recall (figures in BENCHMARKS.md, `benchmarks/dedup_speed.py`); datasketch
hashes every shingle with sha1 in a Python loop and applies its permutations
one document at a time.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .model import InputProblem

_WORD = re.compile(r"\w+")
_QUOTES_SINGLE = re.compile(r"[\u2018\u2019\u201a\u201b`']")
_QUOTES_DOUBLE = re.compile(r"[\u201c\u201d\u201e\u201f\u00ab\u00bb\"]")
_MASK32 = np.uint64(0xFFFFFFFF)
_SHIFT32 = np.uint64(32)


def setting(default, help: str):  # noqa: A002 - the same convention as config.BriefOptions
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class DedupOptions:
    shingle_words: int = setting(3, "Words per shingle (3: a 10% word change still leaves Jaccard above 0.5).")
    jaccard: float = setting(0.5, "Two documents are near duplicates at this Jaccard similarity of their shingles...")
    containment: float = setting(
        0.7, "...or when this share of the smaller document's shingles is inside the larger one (pasted copies)."
    )
    min_shingles: int = setting(
        20, "Documents with fewer distinct shingles are matched only as exact duplicates (too short to judge)."
    )
    num_perm: int = setting(64, "MinHash permutations per document.")
    band_rows: int = setting(
        2,
        "Signature rows per LSH band. 2 rows x 32 bands makes a pair at Jaccard 0.2 a candidate 73% of the time "
        "and at 0.3 95%: low enough to reach copies pasted into other text, whose Jaccard is far lower than "
        "their containment (3 rows missed 3% of planted copies, benchmarks/dedup_corpus.py).",
    )
    seed: int = setting(1, "Seed of the MinHash permutations, so runs are repeatable.")


# --- text to shingles ---------------------------------------------------------


def normalise(text: str) -> str:
    """Identity of content ignores case, white space and quote-mark typography."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _QUOTES_SINGLE.sub("'", text)
    text = _QUOTES_DOUBLE.sub('"', text)
    return " ".join(text.split())


def content_hash(text: str, tokens: list[str] | None = None) -> str:
    """Hash of the word sequence: case, spacing and punctuation do not count."""
    tokens = words(text) if tokens is None else tokens
    return hashlib.sha1(" ".join(tokens).encode("utf-8")).hexdigest()


def words(text: str) -> list[str]:
    """The words of `text`, case-folded (punctuation, quote marks and spacing dropped)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


class _WordHasher:
    """crc32 of each word, memoised: news vocabularies repeat, so most lookups
    are one dict hit. The cache is cleared when it grows past `limit` words, so
    memory stays bounded on an endless stream."""

    def __init__(self, limit: int = 2_000_000) -> None:
        self._cache: dict[str, int] = {}
        self._limit = limit

    def __call__(self, tokens: list[str]) -> np.ndarray:
        cache = self._cache
        if len(cache) > self._limit:
            cache.clear()
        # New words first, so that the lookup of all words is one C-level map.
        for token in set(tokens).difference(cache):
            cache[token] = zlib.crc32(token.encode("utf-8"))
        return np.fromiter(map(cache.__getitem__, tokens), dtype=np.uint64, count=len(tokens))


_word_hashes = _WordHasher()

# Odd 64-bit multipliers that mix the word hashes of one shingle into one value.
_SHINGLE_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
     0x94D049BB133111EB, 0xBF58476D1CE4E5B9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)  # fmt: skip


def shingle_hashes(tokens: list[str], size: int = 3) -> np.ndarray:
    """Sorted distinct 32-bit hashes of the `size`-word shingles of `tokens`.
    A text shorter than one shingle gives one shingle of all its words."""
    if not tokens:
        return np.zeros(0, dtype=np.uint32)
    hashed = _word_hashes(tokens)
    size = max(1, min(size, len(tokens), len(_SHINGLE_MULTIPLIERS)))
    count = len(tokens) - size + 1
    with np.errstate(over="ignore"):
        mixed = np.zeros(count, dtype=np.uint64)
        for offset in range(size):
            mixed += hashed[offset : offset + count] * _SHINGLE_MULTIPLIERS[offset]
        mixed ^= mixed >> _SHIFT32
    return np.unique((mixed & _MASK32).astype(np.uint32))


def overlap(left: np.ndarray, right: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two sorted distinct shingle arrays."""
    if not len(left) or not len(right):
        return 0.0, 0.0
    common = len(np.intersect1d(left, right, assume_unique=True))
    return common / (len(left) + len(right) - common), common / min(len(left), len(right))


# --- MinHash and LSH --------------------------------------------------------------


class MinHasher:
    """MinHash signatures for many documents at once (vectorised over all their shingles)."""

    # Shingles per numpy block: num_perm x block uint64 values (4 MB at 64 x 8k),
    # large enough that numpy, not Python, does the work.
    BLOCK = 8_192

    def __init__(self, num_perm: int = 96, seed: int = 1) -> None:
        rng = np.random.default_rng(seed)
        # Multiply-shift hashing: (a*x + b) mod 2^64, keep the high 32 bits; `a` odd.
        self._a = (rng.integers(1, 2**63 - 1, size=(num_perm, 1), dtype=np.uint64) << np.uint64(1)) | np.uint64(1)
        self._b = rng.integers(0, 2**63 - 1, size=(num_perm, 1), dtype=np.uint64)
        self.num_perm = num_perm

    def signatures(self, shingle_sets: list[np.ndarray]) -> np.ndarray:
        """One row of `num_perm` uint32 minima per shingle set (an empty set gives all 2^32-1)."""
        out = np.full((len(shingle_sets), self.num_perm), 0xFFFFFFFF, dtype=np.uint32)
        # Group consecutive documents into blocks of about BLOCK shingles.
        first = 0
        while first < len(shingle_sets):
            last, total = first, 0
            while last < len(shingle_sets) and (total == 0 or total + len(shingle_sets[last]) <= self.BLOCK):
                total += len(shingle_sets[last])
                last += 1
            self._fill(shingle_sets, first, last, out)
            first = last
        return out

    def _fill(self, shingle_sets: list[np.ndarray], first: int, last: int, out: np.ndarray) -> None:
        members = [i for i in range(first, last) if len(shingle_sets[i])]
        if not members:
            return
        values = np.concatenate([shingle_sets[i] for i in members]).astype(np.uint64)
        offsets = np.cumsum([0] + [len(shingle_sets[i]) for i in members[:-1]])
        with np.errstate(over="ignore"):
            permuted = (self._a * values + self._b) >> _SHIFT32
        out[members] = np.minimum.reduceat(permuted, offsets, axis=1).T.astype(np.uint32)


class BandIndex:
    """LSH buckets: for each band, a dict from the band's key to the documents in it."""

    def __init__(self, num_perm: int, rows: int) -> None:
        self.rows = rows
        self.bands = num_perm // rows
        self._buckets: list[dict[int, list[int]]] = [{} for _ in range(self.bands)]
        weights = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5],
                           dtype=np.uint64)  # fmt: skip
        self._weights = np.resize(weights, rows)

    def keys(self, signatures: np.ndarray) -> np.ndarray:
        """(documents x bands) uint64 keys: each band's rows mixed into one integer."""
        used = signatures[:, : self.bands * self.rows].astype(np.uint64)
        with np.errstate(over="ignore"):
            return (used.reshape(len(signatures), self.bands, self.rows) * self._weights).sum(axis=2)

    def query(self, keys: np.ndarray) -> set[int]:
        found: set[int] = set()
        for band, key in enumerate(keys.tolist()):
            bucket = self._buckets[band].get(key)
            if bucket:
                found.update(bucket)
        return found

    def insert(self, document: int, keys: np.ndarray) -> None:
        for band, key in enumerate(keys.tolist()):
            self._buckets[band].setdefault(key, []).append(document)


# --- the streaming deduplicator ------------------------------------------------

MatchKind = Literal["original", "duplicate", "near-duplicate", "contained", "contains"]


@dataclass(frozen=True, slots=True)
class DedupRecord:
    """Where one document stands: its duplicate group and what it matched."""

    index: int  # position in the input stream
    key: str  # the caller's name for the document (a path, an id)
    group: int  # index of the group's first document
    kind: MatchKind  # "original": nothing earlier matched it
    original: str  # key of the group's first document (its own key when kind is "original")
    match: str | None = None  # key of the earlier document it matched best
    jaccard: float | None = None
    containment: float | None = None
    # Earlier groups this document showed to be the same as `group` (it matched
    # members of each): from here on they are `group`. Lines already written keep
    # their old number; `final_groups` applies the merges.
    merged: tuple[int, ...] = ()


class Deduplicator:
    """Feed documents in order; each gets a `DedupRecord` against everything before it.

    A document joins the group of the earlier document it overlaps most (ties go
    to the earlier one), so a record can be written as soon as its document is read.
    """

    def __init__(self, options: DedupOptions | None = None) -> None:
        self.options = options or DedupOptions()
        self._hasher = MinHasher(self.options.num_perm, self.options.seed)
        self._index = BandIndex(self.options.num_perm, self.options.band_rows)
        self._exact: dict[str, int] = {}
        self._shingles: dict[int, np.ndarray] = {}
        self._group: list[int] = []
        self._parent: dict[int, int] = {}  # merged groups: group -> the group it joined
        self._keys: list[str] = []
        self.verified = 0  # candidate pairs checked exactly (for benchmarks)

    def add_batch(self, documents: list[tuple[str, str]]) -> list[DedupRecord]:
        """Deduplicate `(key, text)` pairs (signatures are computed for the batch at once)."""
        options = self.options
        tokens = [words(text) for _, text in documents]
        hashes = [content_hash(text, these) for (_, text), these in zip(documents, tokens)]
        shingle_sets = [shingle_hashes(these, options.shingle_words) for these in tokens]
        signatures = self._hasher.signatures(shingle_sets)
        band_keys = self._index.keys(signatures)
        records = []
        for row, ((key, _), digest, shingles) in enumerate(zip(documents, hashes, shingle_sets)):
            index = len(self._group)
            self._keys.append(key)
            earlier = self._exact.get(digest)
            if earlier is not None:
                group = self._root(self._group[earlier])
                self._group.append(group)
                records.append(DedupRecord(index, key, group, "duplicate", self._keys[group], self._keys[earlier], 1.0, 1.0))
                continue
            self._exact[digest] = index
            record = self._near_match(index, key, shingles, band_keys[row]) if len(shingles) >= options.min_shingles else None
            if record is None:
                record = DedupRecord(index, key, index, "original", key)
            self._group.append(record.group)
            records.append(record)
            if len(shingles) >= options.min_shingles:
                self._shingles[index] = shingles
                self._index.insert(index, band_keys[row])
        return records

    def _near_match(self, index: int, key: str, shingles: np.ndarray, band_keys: np.ndarray) -> DedupRecord | None:
        best = None
        groups: set[int] = set()
        for candidate in sorted(self._index.query(band_keys)):
            self.verified += 1
            other = self._shingles[candidate]
            jaccard, containment = overlap(shingles, other)
            if jaccard >= self.options.jaccard or containment >= self.options.containment:
                groups.add(self._root(self._group[candidate]))
                if best is None or (jaccard, containment) > best[1:]:
                    best = (candidate, jaccard, containment)
        if best is None:
            return None
        candidate, jaccard, containment = best
        if jaccard >= self.options.jaccard:
            kind: MatchKind = "near-duplicate"
        else:
            kind = "contained" if len(shingles) <= len(self._shingles[candidate]) else "contains"
        # A document that matches members of several groups proves them one group
        # (two copies of an original that came before it): merge into the earliest.
        group = min(groups)
        for other_group in groups:
            self._parent[other_group] = group
        return DedupRecord(
            index, key, group, kind, self._keys[group], self._keys[candidate], round(jaccard, 4), round(containment, 4),
            merged=tuple(sorted(groups - {group})),
        )  # fmt: skip

    def _root(self, group: int) -> int:
        parent = self._parent
        while parent.get(group, group) != group:
            parent[group] = parent.get(parent[group], parent[group])
            group = parent[group]
        return group


def final_groups(records: Iterable[DedupRecord]) -> dict[str, int]:
    """Each document's group once every merge is applied (for callers that can wait for the end)."""
    parent: dict[int, int] = {}

    def root(group: int) -> int:
        while parent.get(group, group) != group:
            group = parent[group]
        return group

    records = list(records)
    for record in records:
        for other in record.merged:
            parent[root(other)] = root(record.group)
    return {record.key: root(record.group) for record in records}


def dedup_stream(
    documents: Iterable[tuple[str, str]], options: DedupOptions | None = None, batch_size: int = 256
) -> Iterator[DedupRecord]:
    """Records for `(key, text)` pairs, in input order, as soon as each batch is read."""
    deduplicator = Deduplicator(options)
    batch: list[tuple[str, str]] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= batch_size:
            yield from deduplicator.add_batch(batch)
            batch = []
    if batch:
        yield from deduplicator.add_batch(batch)


def dedup_inputs(inputs: Iterable[str], options: DedupOptions | None = None) -> Iterator[DedupRecord | InputProblem]:
    """`corroborate dedup`: read files and folders one article at a time (any format
    the readers know), clean each, and yield its record (keyed by where it came
    from) or the problem that stopped it, in input order."""
    from .clean import clean
    from .ingest import read_raw
    from .model import Article

    pending: list[InputProblem] = []

    def documents() -> Iterator[tuple[str, str]]:
        for item in read_raw(inputs):
            if isinstance(item, InputProblem):
                pending.append(item)
                continue
            article = item if isinstance(item, Article) else clean(item)
            if not article.text.strip():
                pending.append(InputProblem(article.origin, "no article text left after cleaning"))
                continue
            yield article.origin, article.title + "\n\n" + article.text

    for record in dedup_stream(documents(), options):
        if pending:
            yield from pending
            pending.clear()
        yield record
    yield from pending

"""Near-duplicate detection for a whole corpus, streaming and memory bounded.

Used by `corroborate dedup PATH...` (one line per article with its duplicate
group) and, for the exact measures, by `relations.py` inside one story.

A batch of documents is handled with numpy arrays, never one Python object per
word or shingle:

1. words: non-word characters beyond ASCII become spaces and letters are
   case-folded (a table lookup of a text's few non-ASCII code points), then the
   batch is one UTF-8 byte array in which word bytes are marked by
   `bytes.translate`; a word's bytes are read 8 at a time as uint64 and mixed
   into its 64-bit hash. The words are those of `words()` (the regex `\\w+`);
2. shingles: each run of `shingle_words` consecutive word hashes is mixed into
   one 32-bit shingle hash; one sort per batch gives every document its sorted
   distinct shingle hashes (kept for verification, 4 bytes a shingle);
3. exact duplicates: a hash of the document's word-hash sequence (case, white
   space and punctuation ignored);
4. MinHash by one permutation hashing (Li, Owen & Zhang 2012), densified by
   rotation (Shrivastava & Li 2014): the shingle hash is the permutation, its
   top bits pick one of `num_perm` bins and the smallest value in each bin is
   that bin's MinHash. Read off the already sorted shingles, so it costs almost
   nothing, where `num_perm` independent permutations cost num_perm passes;
5. LSH banding: each band of `band_rows` bins becomes one 64-bit key. The index
   is a few sorted key arrays merged like an LSM tree (searched with
   `np.searchsorted` for a whole batch at once), about 12 bytes per key;
6. exact verification of every candidate on the stored shingle arrays: Jaccard
   similarity, and containment of the smaller document in the larger (so an
   article pasted inside a longer page is found).

Memory grows with the corpus (4 bytes per distinct shingle and 12 bytes per
band key of each document), never with the number of pairs: there is no
all-pairs matrix.

Why our own code and not datasketch: on the same 10,031 news-length documents,
same 3-word shingles and verification, this measured 6.8x datasketch's
throughput per CPU second end to end at LSH threshold 0.5 (where datasketch's
recall is 0.785, ours 0.999) and 7.5x at threshold 0.18 (equal recall), with
2.6x less peak memory (BENCHMARKS.md, `benchmarks/dedup_speed.py`). datasketch
hashes every shingle string with sha1 in Python and applies 128 permutations
per document.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from .config import setting
from .model import Article, InputProblem

_WORD = re.compile(r"\w+")
_QUOTES_SINGLE = re.compile(r"[\u2018\u2019\u201a\u201b`']")
_QUOTES_DOUBLE = re.compile(r"[\u201c\u201d\u201e\u201f\u00ab\u00bb\"]")
_U64 = np.uint64
_SHIFT32 = _U64(32)
_MASK32 = _U64(0xFFFFFFFF)


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
    num_perm: int = setting(64, "MinHash values per document (bins of one permutation hashing; a power of 2).")
    band_rows: int = setting(
        2,
        "MinHash values per LSH band. 2 rows x 32 bands makes a pair at Jaccard 0.2 a candidate 73% of the time "
        "and at 0.3 95%: low enough to reach copies pasted into other text, whose Jaccard is far lower than "
        "their containment. Pair recall on the 10,031 documents of benchmarks/dedup_speed.py: 32 x 2 0.999, "
        "16 x 2 0.993, 21 x 3 0.963, 42 x 3 0.994 (half the candidates to verify, about the same time).",
    )
    seed: int = setting(1, "Seed of the word hashes (and so of the MinHash permutation), so runs are repeatable.")


# --- text to word hashes --------------------------------------------------------


def normalise(text: str) -> str:
    """Identity of content ignores case, white space and quote-mark typography."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _QUOTES_SINGLE.sub("'", text)
    text = _QUOTES_DOUBLE.sub('"', text)
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The words of `text`, case-folded (punctuation, quote marks and spacing dropped)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


# Non-ASCII characters that are not word characters (curly quotes, dashes, no-break
# spaces...): replaced by a space before the text becomes bytes, so that in UTF-8 every
# byte >= 0x80 belongs to a word. Ranges first: most characters are ASCII and fail fast.
_NOT_WORD_NON_ASCII = re.compile(r"[^\x00-\x7f\w]+")
# 1 for the bytes of words (ASCII letters, digits, "_", and every byte >= 0x80), for bytes.translate.
_WORD_BYTES = bytes(int(byte >= 0x80 or chr(byte).isalnum() or byte == ord("_")) for byte in range(256))
# _LENGTH_MASK[n]: the low n bytes of a little-endian uint64.
_LENGTH_MASK = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
_HASH_WIDTH = 8  # bytes of a word read at once


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit affects every output bit (in place)."""
    with np.errstate(over="ignore"):
        values ^= values >> _U64(30)
        values *= _U64(0xBF58476D1CE4E5B9)
        values ^= values >> _U64(27)
        values *= _U64(0x94D049BB133111EB)
        values ^= values >> _U64(31)
    return values


# For each code point of the Basic Multilingual Plane, what `_prepare_text` does
# with it: 0 keep, 1 a space (no word character, even after NFKC), 2 replace by its
# case fold (`_FOLDS`), 3 ask Python (NFKC or case folding changes it in other ways:
# ligatures, "ß" -> "ss", combining marks, Hangul jamo). Filled in as code points
# are first met (`_KNOWN`): the whole plane took 0.14 s, a twentieth of a cold brief.
_KINDS = np.zeros(0x10000, dtype=np.uint8)
_FOLDS = np.arange(0x10000, dtype=np.uint32)
_KNOWN = np.zeros(0x10000, dtype=np.bool_)
_KNOWN[:0x80] = True
_TABLE_LOCK = threading.Lock()


def _non_ascii_tables(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`_KINDS` and `_FOLDS`, with every code point in `values` (all <= 0xFFFF) filled in."""
    unknown = values[~_KNOWN[values]]
    if len(unknown):
        with _TABLE_LOCK:
            for point in np.unique(unknown).tolist():
                _KINDS[point], _FOLDS[point] = _code_point_kind(point)
                _KNOWN[point] = True
    return _KINDS, _FOLDS


def _code_point_kind(point: int) -> tuple[int, int]:
    char = chr(point)
    compatible = unicodedata.normalize("NFKC", char)
    if (unicodedata.category(char).startswith("M")  # they combine with the letter before them
            or 0x1100 <= point <= 0x11FF or 0xA960 <= point <= 0xA97F or 0xD7B0 <= point <= 0xD7FF):  # fmt: skip
        return 3, point
    if not _WORD.search(compatible):
        return 1, point
    if compatible != char:
        return 3, point
    folded = char.casefold()
    if folded != char:
        return (2, ord(folded)) if len(folded) == 1 else (3, point)
    return 0, point


def _prepare_text(text: str) -> str:
    """Text whose UTF-8 bytes split into words as `\\w+` splits its NFKC-normalised,
    case-folded form: non-word characters become spaces, so that every byte >= 0x80
    belongs to a word (ASCII letters are lowered later, byte-wise, for a whole batch).

    Most non-ASCII news text only has curly quotes, dashes and accented letters: a
    lookup of its few non-ASCII code points does it, ~5x faster than
    casefold + NFKC + a regular expression, which remain for the rest."""
    if text.isascii():
        return text
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    high = np.flatnonzero(points > 0x7F)
    values = points[high]
    if values.max() <= 0xFFFF:
        kinds, folds = _non_ascii_tables(values)
        kind = kinds[values]
        if not (kind == 3).any():
            changed = kind != 0
            if not changed.any():
                return text
            points = points.copy()
            points[high[changed]] = np.where(kind[changed] == 1, ord(" "), folds[values[changed]])
            return points.tobytes().decode("utf-32-le")
    if not unicodedata.is_normalized("NFKC", text):  # the check is much cheaper than normalising
        text = unicodedata.normalize("NFKC", text)
    return _NOT_WORD_NON_ASCII.sub(" ", text.casefold())


def _word_hashes(data: bytes, salt: int) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the words of `data` (prepared UTF-8), in order, and the byte
    offset where each word starts. Equal words hash equal wherever they are.

    No per-character arithmetic: a word's first 8 bytes are read as one uint64
    (masked to its length), so a word of up to 8 bytes is its own exact key
    before mixing; longer words fold in 8 more bytes per round. A per-character
    polynomial hash with numpy prefix sums took ~3x longer, and the regex plus
    crc32 per word of the first version ~5x longer."""
    data = data.lower()  # ASCII letters only; the rest was case-folded by _prepare_text
    # bytes.lower and bytes.translate run at memcpy speed, several times faster than numpy table lookups.
    is_word = np.frombuffer(data.translate(_WORD_BYTES), dtype=np.bool_)
    text = np.frombuffer(data + bytes(_HASH_WIDTH), dtype=np.uint8)
    edges = np.diff(is_word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    lengths = np.flatnonzero(edges == -1) - starts
    # Every position read as the little-endian uint64 of the 8 bytes from there (a view, no copy).
    windows = np.ndarray((len(data) + 1,), dtype="<u8", buffer=text, strides=(1,))
    hashes = windows[starts] & _LENGTH_MASK[np.minimum(lengths, _HASH_WIDTH)]
    offset = _HASH_WIDTH
    longer = np.flatnonzero(lengths > offset)
    while len(longer):
        rest = windows[starts[longer] + offset] & _LENGTH_MASK[np.minimum(lengths[longer] - offset, _HASH_WIDTH)]
        hashes[longer] = _mix(hashes[longer]) ^ rest
        offset += _HASH_WIDTH
        longer = longer[lengths[longer] > offset]
    hashes ^= _U64(salt * 0x9E3779B97F4A7C15 % 2**64)
    return _mix(hashes), starts


# Odd 64-bit multipliers that mix the word hashes of one shingle into one value.
_SHINGLE_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
     0x94D049BB133111EB, 0xBF58476D1CE4E5B9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)  # fmt: skip


@dataclass(frozen=True)
class ShingledBatch:
    """Several documents' exact-duplicate digests and sorted distinct shingle hashes."""

    digests: list[bytes]  # hash of each document's word sequence
    keys: np.ndarray  # sorted distinct uint64 (row << 32 | shingle hash) over all rows
    bounds: np.ndarray  # row i's keys are keys[bounds[i]:bounds[i + 1]]
    hashes: np.ndarray  # the uint32 shingle hashes of `keys`

    def __len__(self) -> int:
        return len(self.digests)

    def shingles(self, row: int) -> np.ndarray:
        """Row `row`'s sorted distinct shingle hashes (uint32)."""
        return self.hashes[self.bounds[row] : self.bounds[row + 1]]

    def size(self, row: int) -> int:
        return int(self.bounds[row + 1] - self.bounds[row])


def shingle_batch(texts: list[str], size: int = 3, seed: int = 1) -> ShingledBatch:
    """Shingle many texts at once: one pass of numpy over all their characters.
    A text shorter than one shingle gives one shingle of all its words."""
    prepared = [_prepare_text(text) for text in texts]
    hashes, word_starts = _word_hashes("\n".join(prepared).encode("utf-8"), seed)  # "\n" is no word character
    byte_lengths = [len(text) if text.isascii() else len(text.encode("utf-8")) for text in prepared]
    text_starts = np.cumsum([0] + [length + 1 for length in byte_lengths[:-1]])
    word_row = np.searchsorted(text_starts, word_starts, side="right") - 1
    word_bounds = np.searchsorted(word_row, np.arange(len(texts) + 1))
    digests = [
        hashlib.blake2b(hashes[first:last].tobytes(), digest_size=16).digest()
        for first, last in zip(word_bounds[:-1].tolist(), word_bounds[1:].tolist())
    ]
    size = max(1, min(size, len(_SHINGLE_MULTIPLIERS)))
    parts = []
    count = len(hashes) - size + 1
    if count > 0:
        with np.errstate(over="ignore"):
            mixed = hashes[:count] * _SHINGLE_MULTIPLIERS[0]
            for offset in range(1, size):
                mixed += hashes[offset : offset + count] * _SHINGLE_MULTIPLIERS[offset]
        inside = word_row[:count] == word_row[size - 1 :]  # no shingle across two texts
        parts.append((word_row[:count][inside].astype(np.uint64) << _SHIFT32) | (_mix(mixed[inside]) >> _SHIFT32))
    word_counts = np.diff(word_bounds)
    for row in np.flatnonzero((word_counts > 0) & (word_counts < size)).tolist():
        first, last = word_bounds[row], word_bounds[row + 1]
        with np.errstate(over="ignore"):
            mixed = (hashes[first:last] * _SHINGLE_MULTIPLIERS[: last - first]).sum(dtype=np.uint64, keepdims=True)
        parts.append((_U64(row) << _SHIFT32) | (_mix(mixed) >> _SHIFT32))
    keys = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    keys.sort()
    if len(keys):
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    bounds = np.searchsorted(keys >> _SHIFT32, np.arange(len(texts) + 1, dtype=np.uint64))
    return ShingledBatch(digests, keys, bounds, (keys & _MASK32).astype(np.uint32))


def shingle_hashes(tokens: list[str], size: int = 3) -> np.ndarray:
    """Sorted distinct 32-bit hashes of the `size`-word shingles of `tokens`.
    A text shorter than one shingle gives one shingle of all its words."""
    return shingle_batch([" ".join(tokens)], size).shingles(0)


def content_hash(text: str) -> str:
    """Hash of the word sequence: case, spacing and punctuation do not count."""
    return shingle_batch([text]).digests[0].hex()


def overlap(left: np.ndarray, right: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two sorted distinct shingle arrays."""
    if not len(left) or not len(right):
        return 0.0, 0.0
    common = len(np.intersect1d(left, right, assume_unique=True))
    return common / (len(left) + len(right) - common), common / min(len(left), len(right))


def common_counts(shingles: np.ndarray, others: list[np.ndarray]) -> np.ndarray:
    """How many of each of `others` (sorted distinct, non-empty) are in `shingles`
    (sorted distinct): one numpy pass for all of them instead of one `intersect1d`
    per pair. (A direct-address hash table instead of `searchsorted` measured no
    faster: numpy's binary search reuses its last position when keys are sorted.)"""
    together = np.concatenate(others)
    position = np.searchsorted(shingles, together)
    position[position == len(shingles)] = 0
    found = shingles[position] == together
    offsets = np.cumsum([0] + [len(other) for other in others[:-1]])
    return np.add.reduceat(found, offsets, dtype=np.int64)


# --- MinHash and LSH --------------------------------------------------------------

_EMPTY = np.uint32(0xFFFFFFFF)


def _signatures(keys: np.ndarray, rows: np.ndarray, num_perm: int) -> np.ndarray:
    """One permutation hashing of the rows `rows` of sorted `keys` (row << 32 | shingle hash):
    (len(rows) x num_perm) uint32, each the smallest shingle hash of its bin.

    A bin that holds no shingle (short documents) takes the value of the next
    non-empty bin to its right, tagged with the distance ("rotation"), so that two
    similar short documents still agree on it. A document without shingles
    gets all 2^32-1 (it matches nothing)."""
    bits = num_perm.bit_length() - 1
    if num_perm != 1 << bits:
        raise ValueError(f"num_perm must be a power of 2, not {num_perm}")
    shift = _U64(32 - bits)
    bins = np.arange(num_perm, dtype=np.uint64) << shift
    targets = ((rows.astype(np.uint64) << _SHIFT32)[:, None] | bins).ravel()
    position = np.searchsorted(keys, targets)
    inside = position < len(keys)
    found = keys[np.minimum(position, max(len(keys) - 1, 0))] if len(keys) else np.zeros_like(targets)
    hit = inside & ((found >> shift) == (targets >> shift))  # same row and bin
    values = np.where(hit, found & ((_U64(1) << shift) - _U64(1)), _U64(_EMPTY)).astype(np.uint32)
    values, hit = values.reshape(len(rows), num_perm), hit.reshape(len(rows), num_perm)
    if not hit.all():
        index = np.arange(num_perm)
        never = 4 * num_perm
        filled = np.where(hit, index, never)
        doubled = np.concatenate([filled, np.where(hit, index + num_perm, never)], axis=1)
        following = np.minimum.accumulate(doubled[:, ::-1], axis=1)[:, ::-1][:, :num_perm]
        usable = ~hit & (following < never)
        source = following % num_perm
        distance = (following - index).astype(np.uint32) << np.uint32(32 - bits)
        taken = np.take_along_axis(values, np.where(usable, source, 0), axis=1) | distance
        values = np.where(usable, taken, values)
    return values


def minhash_signatures(shingle_sets: list[np.ndarray], num_perm: int = 64) -> np.ndarray:
    """MinHash signatures (one permutation hashing) of sorted distinct shingle arrays."""
    keys = [(np.uint64(row) << _SHIFT32) | s.astype(np.uint64) for row, s in enumerate(shingle_sets)]
    joined = np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64)
    return _signatures(joined, np.arange(len(shingle_sets)), num_perm)


def band_keys(signatures: np.ndarray, rows: int) -> np.ndarray:
    """(documents x bands) uint64 keys: the `rows` values of each band mixed into one
    integer, salted by the band so one index holds all bands. Band b takes the values
    b, b + bands, ... (not neighbours, which densification makes alike)."""
    bands = signatures.shape[1] // rows
    used = signatures[:, : bands * rows].astype(np.uint64).reshape(len(signatures), rows, bands)
    key = np.zeros((len(signatures), bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(rows):
            key = key * _U64(0x100000001B3) + used[:, row, :]
        key ^= np.arange(1, bands + 1, dtype=np.uint64) * _U64(0x9E3779B97F4A7C15)
    return _mix(key)


class BandIndex:
    """LSH buckets as sorted arrays of (band key, document), queried with `searchsorted`
    for a whole batch at once. Each batch adds one array; arrays are merged like an
    LSM tree (two of similar size become one), so there are O(log n) of them.
    12 bytes per key, where a dict of lists takes about 100."""

    def __init__(self) -> None:
        self._levels: list[tuple[np.ndarray, np.ndarray]] = []

    def query(self, keys: np.ndarray, owners: np.ndarray) -> np.ndarray:
        """(owner, document) pairs, as uint64 owner << 32 | document, for every stored key equal to one of `keys`."""
        pairs = []
        for stored, documents in self._levels:
            first = np.searchsorted(stored, keys, side="left")
            last = np.searchsorted(stored, keys, side="right")
            counts = last - first
            if not counts.any():
                continue
            hits = np.flatnonzero(counts)
            counts, first = counts[hits], first[hits]
            starts = np.repeat(first - np.cumsum(counts) + counts, counts)
            found = documents[starts + np.arange(counts.sum())]
            pairs.append((np.repeat(owners[hits].astype(np.uint64), counts) << _SHIFT32) | found)
        return np.concatenate(pairs) if pairs else np.zeros(0, dtype=np.uint64)

    def insert(self, keys: np.ndarray, documents: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self._levels.append((keys[order], documents.astype(np.uint64)[order]))
        while len(self._levels) > 1 and len(self._levels[-2][0]) <= 2 * len(self._levels[-1][0]):
            (keys_a, docs_a), (keys_b, docs_b) = self._levels[-2:]
            merged = np.concatenate([keys_a, keys_b])
            order = np.argsort(merged, kind="stable")
            self._levels[-2:] = [(merged[order], np.concatenate([docs_a, docs_b])[order])]


def _pairs_within(keys: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """(later, earlier) pairs of `owners` (ascending) that share a key, as uint64 later << 32 | earlier."""
    order = np.argsort(keys, kind="stable")
    ordered, owned = keys[order], owners[order]
    run_starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    run_lengths = np.diff(np.append(run_starts, len(ordered)))
    shared = run_lengths > 1
    pairs = []
    # Runs of equal keys within one batch are rare and short (copies read together): a loop is enough.
    for start, length in zip(run_starts[shared].tolist(), run_lengths[shared].tolist()):
        members = owned[start : start + length].tolist()
        pairs.extend(later << 32 | earlier for i, later in enumerate(members) for earlier in members[:i] if earlier != later)
    return np.array(pairs, dtype=np.uint64)


# --- the streaming deduplicator ------------------------------------------------

MatchKind = Literal["original", "duplicate", "near-duplicate", "contained", "contains"]


@dataclass(frozen=True, slots=True)
class DedupRecord:
    """Where one document stands: its duplicate group and what it matched.

    `group` is final when written: groups are never renumbered. A document that
    matches members of several earlier groups joins the earliest and lists the
    others in `linked` (they turn out to hold one content: two parts of it first
    seen apart, then the whole). Lines written earlier keep their group;
    `final_groups` joins linked groups for callers that can wait for the end."""

    index: int  # position in the input stream
    key: str  # the caller's name for the document (a path, an id)
    group: int  # index of the group's first document
    kind: MatchKind  # "original": nothing earlier matched it
    original: str  # key of the group's first document (its own key when kind is "original")
    match: str | None = None  # key of the earlier document it matched best
    jaccard: float | None = None
    containment: float | None = None
    linked: tuple[int, ...] = ()  # other earlier groups this document also matched
    origin: str | None = None  # where it was read (path, path#line-N) when `key` is the input's own id


class Deduplicator:
    """Feed documents in order; each gets a `DedupRecord` against everything before it.

    A document joins the group of the earlier documents it matches (the earliest
    group when it matches several), so a record can be written as soon as its
    document is read, and never changes afterwards.
    """

    def __init__(self, options: DedupOptions | None = None) -> None:
        self.options = options or DedupOptions()
        self._index = BandIndex()
        self._exact: dict[bytes, int] = {}
        self._shingles: dict[int, np.ndarray] = {}
        self._group: list[int] = []
        self._keys: list[str] = []
        self.verified = 0  # candidate pairs checked exactly (for benchmarks)

    def add_batch(self, documents: list[tuple[str, str]]) -> list[DedupRecord]:
        """Deduplicate `(key, text)` pairs (shingled and hashed for the batch at once)."""
        batch = shingle_batch([text for _, text in documents], self.options.shingle_words, self.options.seed)
        return self.add_shingled([key for key, _ in documents], batch)

    def add_shingled(self, keys: list[str], batch: ShingledBatch) -> list[DedupRecord]:
        """Deduplicate documents already shingled with `shingle_batch` (same options)."""
        options = self.options
        first = len(self._group)
        # Exact duplicates first: they are neither queried nor indexed.
        exact_of: dict[int, int] = {}
        indexed = []
        for row, digest in enumerate(batch.digests):
            earlier = self._exact.setdefault(digest, first + row)
            if earlier != first + row:
                exact_of[row] = earlier
            elif batch.size(row) >= max(1, options.min_shingles):
                indexed.append(row)
        candidates: dict[int, list[int]] = {}
        if indexed:
            rows = np.array(indexed)
            band = band_keys(_signatures(batch.keys, rows, options.num_perm), options.band_rows)
            owners = np.repeat(rows + first, band.shape[1])
            flat = band.ravel()
            pairs = np.unique(np.concatenate([self._index.query(flat, owners), _pairs_within(flat, owners)]))
            self._index.insert(flat, owners)
            owner_of = (pairs >> _SHIFT32).astype(np.int64)
            split = np.flatnonzero(np.diff(owner_of)) + 1
            for run in np.split(np.arange(len(pairs)), split) if len(pairs) else []:
                candidates[int(owner_of[run[0]])] = (pairs[run] & _MASK32).astype(np.int64).tolist()
        records = []
        for row, key in enumerate(keys):
            index = first + row
            if row in exact_of:
                records.append(self.assign(index, key, exact_of=exact_of[row]))
                continue
            shingles = batch.shingles(row)
            found = candidates.get(index, [])
            others = [self._shingles[candidate] for candidate in found]
            common = common_counts(shingles, others) if found else np.zeros(0, dtype=np.int64)
            sizes = np.array([len(other) for other in others], dtype=np.int64)
            records.append(self.assign(index, key, size=len(shingles), candidates=found, common=common, sizes=sizes))
            if batch.size(row) >= max(1, options.min_shingles):
                self._shingles[index] = shingles
        return records

    def assign(
        self,
        index: int,
        key: str,
        exact_of: int | None = None,
        size: int = 0,
        candidates: list[int] = (),
        common: np.ndarray | None = None,
        sizes: np.ndarray | None = None,
    ) -> DedupRecord:
        """The record of document `index` (the next in the stream), from what was found
        about it: the earlier document it repeats exactly, or its `size` in shingles and,
        for each earlier candidate (ascending), the shingles they share (`common`) and
        the candidate's size. The deciding step alone, so that candidates found and
        verified elsewhere (`corroborate.distributed` does it on Dask workers) are
        grouped exactly as here."""
        if exact_of is not None:
            group = self._group[exact_of]
            record = DedupRecord(index, key, group, "duplicate", self._keys[group], self._keys[exact_of], 1.0, 1.0)
        else:
            record = self._near_match(index, key, size, list(candidates), common, sizes)
        self._keys.append(key)
        self._group.append(record.group)
        return record

    def _near_match(self, index: int, key: str, size: int, candidates: list[int], common, sizes) -> DedupRecord:
        if not candidates:
            return DedupRecord(index, key, index, "original", key)
        self.verified += len(candidates)
        jaccard = common / (size + sizes - common)
        containment = common / np.minimum(size, sizes)
        matched = np.flatnonzero((jaccard >= self.options.jaccard) | (containment >= self.options.containment))
        if not len(matched):
            return DedupRecord(index, key, index, "original", key)
        # Best match: highest Jaccard, then containment; ties go to the earlier document.
        best = matched[np.lexsort((-containment[matched], -jaccard[matched]))[0]]
        candidate = candidates[best]
        if jaccard[best] >= self.options.jaccard:
            kind: MatchKind = "near-duplicate"
        else:
            kind = "contained" if size <= sizes[best] else "contains"
        groups = sorted({self._group[candidates[i]] for i in matched.tolist()})
        group = groups[0]
        return DedupRecord(
            index, key, group, kind, self._keys[group], self._keys[candidate],
            round(float(jaccard[best]), 4), round(float(containment[best]), 4), linked=tuple(groups[1:]),
        )  # fmt: skip


def final_groups(records: Iterable[DedupRecord]) -> dict[str, int]:
    """Each document's group once linked groups are joined (the earliest group's number),
    for callers that can wait for the end."""
    parent: dict[int, int] = {}

    def root(group: int) -> int:
        while parent.get(group, group) != group:
            group = parent[group]
        return group

    records = list(records)
    for record in records:
        for other in record.linked:
            low, high = sorted((root(other), root(record.group)))
            if low != high:
                parent[high] = low
    return {record.key: root(record.group) for record in records}


STREAM_BATCH = 256  # documents shingled and hashed at once by `dedup_stream`


def batches(items: Iterable, size: int) -> Iterator[list]:
    """`items` in lists of `size` (the last may be shorter), read lazily."""
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def dedup_stream(
    documents: Iterable[tuple[str, str]], options: DedupOptions | None = None, batch_size: int = STREAM_BATCH
) -> Iterator[DedupRecord]:
    """Records for `(key, text)` pairs, in input order, as soon as each batch is read."""
    deduplicator = Deduplicator(options)
    for batch in batches(documents, batch_size):
        yield from deduplicator.add_batch(batch)


def dedup_inputs(inputs: Iterable[str], options: DedupOptions | None = None) -> Iterator[DedupRecord | InputProblem]:
    """`corroborate dedup`: read files and folders one article at a time (any format
    the readers know), clean each, and yield its record or the problem that stopped
    it, in input order. A record is keyed by the input's own id when it gives one (a
    user joins the output back to their data by it), else by where it was read;
    `origin` always says where it was read."""
    from collections import deque

    from .ingest import iter_clean

    origins: deque[str] = deque()  # of the documents handed on, in order: records come back in it

    def keyed(item):
        if not isinstance(item, Article):
            return item
        origins.append(item.origin)
        return item.source_id or item.origin, item.title + "\n\n" + item.text

    documents = (keyed(item) for item in iter_clean(inputs))
    for item in problems_in_place(documents, lambda found: dedup_stream(found, options)):
        yield replace(item, origin=origins.popleft()) if isinstance(item, DedupRecord) else item


def problems_in_place(items: Iterable, records: Callable[[Iterator], Iterator]) -> Iterator:
    """`records(documents)` over the documents among `items`, with each problem among
    them yielded before the first record made after it was read."""
    pending: list[InputProblem] = []

    def documents() -> Iterator:
        for item in items:
            if isinstance(item, InputProblem):
                pending.append(item)
            else:
                yield item

    for record in records(documents()):
        if pending:
            yield from pending
            pending.clear()
        yield record
    yield from pending

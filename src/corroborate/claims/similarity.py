"""How alike two claims' contexts are: the terms of their clauses, and
embeddings of the clause, the sentence and the head words."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from ..model import Brief
from .context import Found


def _weights(items: Sequence[Found]) -> dict[str, float]:
    """Inverse document frequency of clause terms over the story's claims: the
    story's main names occur in every clause and say little about which event
    a clause reports. A word no other claim has cannot link two claims; it
    counts with weight 1 (it still says the clause is about more)."""
    counts = Counter(term for item in items for term in item.terms)
    total = len(items) + 1
    return {term: math.log(total / count) if count > 1 else 1.0 for term, count in counts.items()}


def _term_similarity(left: Found, right: Found, weights: dict[str, float]) -> float:
    """Weighted cosine of two claims' clause-term sets."""
    if not left.terms or not right.terms:
        return 0.0
    shared = sum(weights.get(t, 0.0) for t in left.terms & right.terms)
    norm = math.sqrt(sum(weights.get(t, 0.0) for t in left.terms) * sum(weights.get(t, 0.0) for t in right.terms))
    return shared / norm if norm > 0 else 0.0


# How much each view of a claim's context counts in the similarity of two
# claims: the words of its clause (stems and canonical names, rare ones
# weighing more), the embedding of that clause without the value, the
# embedding of its whole sentence, and the embedding of its head words ("hurt"
# and "injured" are close; "be on" is not). The clause separates two values of
# one sentence; the sentence and the embeddings see through rewording. What a
# count counts is said by its head ("12 people were injured"); the event a date
# belongs to, by its clause ("gave way" and "collapsed" embed far apart).
_VIEW_WEIGHTS = {
    "count": {"terms": 0.25, "clause": 0.2, "sentence": 0.1, "head": 0.45},
    "date": {"terms": 0.35, "clause": 0.35, "sentence": 0.1, "head": 0.2},
    "": {"terms": 0.35, "clause": 0.3, "sentence": 0.1, "head": 0.25},
}
# Two reports of one value that each article gives once ("200 people" in
# each) are likely one fact; two dates whose clauses hold claims of one slot
# (the closure of "three other footbridges" on Monday / on March 10) report
# one event.
# Days are weaker evidence than counts and amounts: one day dates many events.
SAME_VALUE_BONUS = {"date": 0.1, "": 0.2}
SHARED_SLOT_BONUS = 0.25


class Similarity:
    """Pairwise similarity of claims of one kind (0 within one article: an article's
    own claims are linked only through other articles' reports). `links[i]`: the
    slots of other claims in claim i's clause.

    Computed a block of rows at a time, on arrays (a story of 300 articles has
    thousands of claims of one kind: a Python loop over every pair took minutes,
    a full matrix gigabytes): `rows(first, last)` for any rows, `matrix()` for all."""

    def __init__(self, items: Sequence[Found], links: Sequence[frozenset[int]] | None = None) -> None:
        import numpy as np
        from scipy.sparse import csr_matrix

        self.n = n = len(items)
        weights = _weights(items)
        self.view = _VIEW_WEIGHTS.get(items[0].claim.kind, _VIEW_WEIGHTS[""]) if items else _VIEW_WEIGHTS[""]
        vocabulary = {term: k for k, term in enumerate(weights)}
        rows, columns, values = [], [], []
        for i, item in enumerate(items):
            for term in item.terms:
                rows.append(i)
                columns.append(vocabulary[term])
                values.append(weights[term])
        shape = (n, len(vocabulary))
        self.term_weights = csr_matrix((np.array(values, dtype=np.float64), (rows, columns)), shape=shape)
        self.term_present = csr_matrix((np.ones(len(values)), (rows, columns)), shape=shape)
        # The sum of a claim's term weights, added in the order `_term_similarity` adds them.
        self.term_totals = np.array([sum(weights.get(t, 0.0) for t in item.terms) for item in items], dtype=np.float64)
        self.has_terms = np.array([bool(item.terms) for item in items])
        self.vectors = [np.stack([item.vectors[c] for item in items]) if n else None for c in range(3)]
        self.article = _codes([item.claim.span.article_id for item in items])
        self.thing = _codes([item.thing for item in items])
        self.subject = _codes([item.claim.subject or "" for item in items], empty="")
        self.value = _codes([item.claim.value for item in items])
        once = Counter((item.claim.span.article_id, item.claim.value) for item in items)
        self.unique = np.array([once[(item.claim.span.article_id, item.claim.value)] == 1 for item in items])
        self.daily = np.array([(item.claim.precision or "day") == "day" for item in items])
        self.same_value_bonus = SAME_VALUE_BONUS.get(items[0].claim.kind, SAME_VALUE_BONUS[""]) if items else 0.0
        self.links = None
        if links is not None:
            slots = sorted({slot for linked in links for slot in linked})
            column_of = {slot: k for k, slot in enumerate(slots)}
            link_rows = [i for i, linked in enumerate(links) for _ in linked]
            link_columns = [column_of[slot] for linked in links for slot in linked]
            self.links = csr_matrix((np.ones(len(link_rows)), (link_rows, link_columns)), shape=(n, max(1, len(slots))))

    def block(self, rows, columns):
        """Similarities of claims `rows` (indices) to claims `columns`; an entry is
        computed with the claim of the smaller index as the left one, as the
        symmetric matrix of all pairs has it."""
        import numpy as np

        rows, columns = np.asarray(rows), np.asarray(columns)
        shared = (self.term_present[rows] @ self.term_weights[columns].T).toarray()
        norm = np.sqrt(self.term_totals[rows][:, None] * self.term_totals[columns][None, :])
        with np.errstate(invalid="ignore", divide="ignore"):
            terms = np.where(norm > 0, shared / np.where(norm > 0, norm, 1.0), 0.0)
        terms[~(self.has_terms[rows][:, None] & self.has_terms[columns][None, :])] = 0.0
        terms = terms.astype(np.float32)
        terms[rows[:, None] == columns[None, :]] = 0.0  # the diagonal of the term matrix is never set
        sim = self.view["terms"] * terms
        for name, column in (("clause", 0), ("sentence", 1), ("head", 2)):
            vectors = self.vectors[column]
            sim += self.view[name] * np.clip(vectors[rows] @ vectors[columns].T, 0.0, 1.0)
        left = np.minimum(rows[:, None], columns[None, :])
        right = np.maximum(rows[:, None], columns[None, :])
        a, b = self.subject[left], self.subject[right]
        sim = np.where((a >= 0) & (b >= 0) & (a != b), sim - np.float32(0.15), np.where((a >= 0) & (a == b), sim + np.float32(0.1), sim))
        same_value = (self.value[left] == self.value[right]) & self.daily[left] & self.unique[left] & self.unique[right]
        sim = np.where(same_value, sim + np.float32(self.same_value_bonus), sim)
        if self.links is not None:
            linked = (self.links[rows] @ self.links[columns].T).toarray() > 0
            sim = np.where(linked, sim + np.float32(SHARED_SLOT_BONUS), sim)
        apart = (self.article[left] == self.article[right]) | (self.thing[left] != self.thing[right])
        sim = np.where(apart, np.float32(0.0), sim).astype(np.float32)
        diagonal = rows[:, None] == columns[None, :]
        if diagonal.any():  # the diagonal keeps its plain view sum (never read: an article is not paired with itself)
            base = self.view["terms"] * np.zeros(diagonal.sum(), dtype=np.float32)
            index = np.nonzero(diagonal)
            for name, column in (("clause", 0), ("sentence", 1), ("head", 2)):
                vectors = self.vectors[column]
                base += self.view[name] * np.clip((vectors[rows[index[0]]] * vectors[columns[index[1]]]).sum(axis=1), 0.0, 1.0)
            sim[index] = base
        return sim

    def square(self, part, chunk_rows: int = 256):
        """`block(part, part)`, a chunk of rows at a time: the same numbers with the
        temporaries of one chunk (a block's dozen float64 and int64 arrays of the whole
        part reached gigabytes for a part of thousands of dates at 300 long articles).
        Each entry is computed alone except in the embedding products, and BLAS gives
        a large product the same numbers whatever rows are around it (OpenBLAS on Intel;
        on AMD's Zen, within float32 rounding: `relations.upper_pairs`); a small one goes
        through other routines (one row: a matrix-vector product; OpenBLAS's small-matrix
        kernels below about a million multiplications), so a part of up to `chunk_rows`
        is one chunk, and a last chunk under half of `chunk_rows` joins the one before
        (every chunk then has at least 128 rows by more than 256 columns by the
        embedding's 256 or 384 dimensions)."""
        import numpy as np

        part = np.asarray(part)
        size = len(part)
        starts = list(range(0, size, chunk_rows))
        if len(starts) > 1 and size - starts[-1] < chunk_rows // 2:
            starts.pop()  # the short last chunk joins the one before it
        out = np.empty((size, size), dtype=np.float32)
        for k, first in enumerate(starts):
            last = starts[k + 1] if k + 1 < len(starts) else size
            out[first:last] = self.block(part[first:last], part)
        return out

    def matrix(self):
        import numpy as np

        everything = np.arange(self.n)
        return self.block(everything, everything)

    def linked_pairs(self, least: float, block_rows: int = 256):
        """(i, j), i < j, of every pair with a similarity of at least `least`, in order,
        a block of rows at a time (a generator: a big story's dates have millions of such
        pairs, which as one list of tuples took hundreds of megabytes)."""
        import numpy as np

        everything = np.arange(self.n)
        for first in range(0, self.n, block_rows):
            rows = everything[first : first + block_rows]
            # Only the columns after the block's first row hold pairs (i < j): half the
            # work of the whole rows. At least `block_rows` of them (all, in a small
            # kind), so that no product is small enough for BLAS's other routines: each
            # entry is then the number the whole rows give (see `square`; within float32
            # rounding on some processors).
            columns = everything[min(first + 1, max(0, self.n - block_rows)) :]
            sim = self.block(rows, columns)
            r, c = np.nonzero((sim >= least) & (columns[None, :] > rows[:, None]))
            yield from zip((rows[r]).tolist(), columns[c].tolist())


def _codes(values: Sequence[str], empty: str | None = None):
    """Each value as an integer code (`empty` as -1)."""
    import numpy as np

    codes: dict[str, int] = {}
    return np.array([-1 if value == empty else codes.setdefault(value, len(codes)) for value in values], dtype=np.int64)


def similarities(items: Sequence[Found], links: Sequence[frozenset[int]] | None = None):
    """The symmetric matrix of every pair's similarity (see `Similarity`)."""
    return Similarity(items, links).matrix()


def embed_contexts(brief: Brief, found: list[Found]) -> None:
    """Embeddings of each claim's clause, sentence and head words, in one call
    (sentences are usually cached already: relations and summary embed them)."""
    from ..nlp import embed, encoder_for

    free = [item for item in found if item.key is None]
    texts = []
    for item in free:
        sentence = brief.text(item.claim.context) if item.claim.context else item.local
        texts += [item.local or item.head, sentence, item.head or item.claim.attribute]
    vectors = embed(texts, encoder_for(len(brief.sentences)))
    for k, item in enumerate(free):
        item.vectors = (vectors[3 * k], vectors[3 * k + 1], vectors[3 * k + 2])

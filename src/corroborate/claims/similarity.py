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


def similarities(items: Sequence[Found], links: Sequence[frozenset[int]] | None = None):
    """Pairwise similarity of claims (0 within one article: an article's own
    claims are linked only through other articles' reports). `links[i]`: the
    slots of other claims in claim i's clause."""
    import numpy as np

    n = len(items)
    weights = _weights(items)
    view = _VIEW_WEIGHTS.get(items[0].claim.kind, _VIEW_WEIGHTS[""]) if items else _VIEW_WEIGHTS[""]
    terms = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            terms[i, j] = terms[j, i] = _term_similarity(items[i], items[j], weights)
    sim = view["terms"] * terms
    for name, column in (("clause", 0), ("sentence", 1), ("head", 2)):
        vectors = np.stack([item.vectors[column] for item in items])
        sim += view[name] * np.clip(vectors @ vectors.T, 0.0, 1.0)
    once = Counter((item.claim.span.article_id, item.claim.value) for item in items)
    for i in range(n):
        for j in range(i + 1, n):
            left, right = items[i].claim, items[j].claim
            a, b = left.subject, right.subject
            if left.span.article_id == right.span.article_id or items[i].thing != items[j].thing:
                sim[i, j] = sim[j, i] = 0.0  # counts of different things are never one fact
                continue
            value = sim[i, j]
            if a and b and a != b:
                value -= 0.15
            elif a and a == b:
                value += 0.1
            unique = once[(left.span.article_id, left.value)] == once[(right.span.article_id, right.value)] == 1
            if left.value == right.value and (left.precision or "day") == "day" and unique:
                value += SAME_VALUE_BONUS.get(left.kind, SAME_VALUE_BONUS[""])
            if links is not None and links[i] & links[j]:
                value += SHARED_SLOT_BONUS
            sim[i, j] = sim[j, i] = value
    return sim


def embed_contexts(brief: Brief, found: list[Found]) -> None:
    """Embeddings of each claim's clause, sentence and head words, in one call
    (sentences are usually cached already: relations and summary embed them)."""
    from ..nlp import embed

    free = [item for item in found if item.key is None]
    texts = []
    for item in free:
        sentence = brief.text(item.claim.context) if item.claim.context else item.local
        texts += [item.local or item.head, sentence, item.head or item.claim.attribute]
    vectors = embed(texts)
    for k, item in enumerate(free):
        item.vectors = (vectors[3 * k], vectors[3 * k + 1], vectors[3 * k + 2])

"""The brief's extractive summary: sentences taken from the articles, each citing
every article that says the same.

First version: sentences are scored by closeness to the story's embedding
centroid (how central they are to what all outlets report) with a lead bonus,
picked greedily under the word budget while skipping near-repeats (maximal
marginal relevance), then put in article order.
"""

from __future__ import annotations

from dataclasses import replace

from .config import BriefOptions
from .model import Brief, Sentence, SummarySentence

# Two sentences this similar say the same thing (cosine of MiniLM embeddings).
SAME_STATEMENT = 0.75
MIN_WORDS, MAX_WORDS = 6, 60


def _candidates(brief: Brief) -> list[Sentence]:
    out = []
    for sentence in brief.sentences:
        words = len(brief.text(sentence.span).split())
        if MIN_WORDS <= words <= MAX_WORDS:
            out.append(sentence)
    return out


def summarize(brief: Brief, options: BriefOptions | None = None) -> Brief:
    """Stage: fill `brief.summary`."""
    import numpy as np

    from .nlp import embed

    options = options or BriefOptions()
    candidates = _candidates(brief)
    if not candidates:
        return brief
    texts = [brief.text(s.span) for s in candidates]
    vectors = embed(texts)
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    lead_bonus = np.array([0.1 / (1 + s.index) for s in candidates])
    relevance = vectors @ centroid + lead_bonus

    chosen: list[int] = []
    words = 0
    for index in np.argsort(-relevance):
        if chosen and float(np.max(vectors[chosen] @ vectors[index])) >= SAME_STATEMENT:
            continue
        length = len(texts[index].split())
        if words + length > options.summary_words and chosen:
            continue
        chosen.append(int(index))
        words += length
        if words >= options.summary_words * 0.9:
            break

    article_order = {a.id: i for i, a in enumerate(brief.articles)}
    chosen.sort(key=lambda i: (article_order[candidates[i].span.article_id], candidates[i].index))
    summary = []
    for index in chosen:
        sentence = candidates[index]
        similar = vectors @ vectors[index]
        citing = [sentence.span.article_id]
        for other, score in zip(candidates, similar):
            if score >= SAME_STATEMENT and other.span.article_id not in citing:
                citing.append(other.span.article_id)
        groups = {brief.group_of(article_id) for article_id in citing}
        summary.append(SummarySentence(span=sentence.span, citations=tuple(citing), independent_sources=len(groups)))
    return replace(brief, summary=tuple(summary))

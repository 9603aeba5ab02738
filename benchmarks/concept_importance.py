"""Learned concept importance for the summary (Hong & Nenkova 2014, "Improving the
estimation of word importance for news multi-document summarization"): a logistic
regression, trained on development clusters, gives the probability that one of the
story's bigram concepts appears in a human summary, from what the story itself says
about the bigram (how many independent sources print it, how early, how often, whether
its words are names, numbers or stop words, how many sources print each of its words,
and the hand-made weight of `summarize._concept_weights`). Summed over covered
concepts, those probabilities are the expected number of reference bigrams a summary
recalls, which is what ROUGE-2 recall counts.

Measured under the tuning protocol (benchmarks/learned_concepts.py, BENCHMARKS.md
"Learned concept weights (branch sum14b)") and not kept: on held-out folds of
Multi-News dev it ranks concepts better than the hand-made weight (ROC AUC 0.74
against 0.70) but its summaries score lower (DUC-style -0.13 to -0.36 R-2). So it
lives here, beside the benchmark, and the summariser is unchanged: `learned_weights`
puts it in place of the hand-made weights for the duration of a `with` block.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections import defaultdict
from collections.abc import Sequence

# The features, in the order of a model's coefficients (each explained in `features`).
FEATURES = (
    "log_hand_weight",
    "log_sources",
    "source_share",
    "log_first_position",
    "lead_sum",
    "log_occurrences",
    "stop_words",
    "names",
    "numbers",
    "word_share_min",
    "word_share_max",
)

Model = tuple[tuple[str, float], ...]  # (feature or "intercept", coefficient)

_CAPITALISED = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+")


def features(candidates: Sequence, weights: dict) -> tuple[list, list[list[float]]]:
    """The story's bigram concepts (facts from other stages are not bigrams and keep
    their hand-made weight) and one row of FEATURES for each:

    - log_hand_weight: log of the hand-made weight (agreement, lead, relevance);
    - log_sources: log(1 + independent sources printing it, each scaled by how on-topic);
    - source_share: those sources over the story's sources (agreement, whatever its size);
    - log_first_position: log(1 + the earliest sentence index it appears at);
    - lead_sum: sum over sources of exp(-position / 5) (Hong & Nenkova's "first occurrence");
    - log_occurrences: log(1 + candidate sentences carrying it);
    - stop_words: whether one of its words is a stop word;
    - names: how many of its words the story capitalises inside a sentence (0-2: a name);
    - numbers: how many of its words are numbers;
    - word_share_min, word_share_max: the share of the story's sources printing each of
      its two words, anywhere (Hong & Nenkova's word-level importance: a bigram printed
      once may join two words every source prints)."""
    from corroborate.summarize import _stopwords, tokens

    stop = _stopwords()
    names: set[str] = set()
    first: dict[tuple, dict[int, int]] = defaultdict(dict)
    occurrences: dict[tuple, int] = defaultdict(int)
    relevance: dict[int, float] = {}
    word_groups: dict[str, set[int]] = defaultdict(set)
    for candidate in candidates:
        relevance[candidate.group] = candidate.relevance
        for word in _CAPITALISED.findall(candidate.text):
            names.update(tokens(word))
        for concept in candidate.concepts:
            if concept[0] == "fact":
                continue
            occurrences[concept] += 1
            word_groups[concept[0]].add(candidate.group)
            word_groups[concept[1]].add(candidate.group)
            seen = first[concept]
            if candidate.group not in seen or candidate.sentence.index < seen[candidate.group]:
                seen[candidate.group] = candidate.sentence.index
    story_sources = sum(relevance.values()) or 1.0
    keys, rows = [], []
    for concept in sorted(first):
        positions = first[concept]
        sources = sum(relevance[g] for g in positions)
        word_shares = [sum(relevance[g] for g in word_groups[w]) / story_sources for w in concept]
        rows.append([
            math.log(max(weights.get(concept, 0.0), 1e-3)),
            math.log1p(sources),
            sources / story_sources,
            math.log1p(min(positions.values())),
            sum(math.exp(-p / 5.0) for p in positions.values()),
            math.log1p(occurrences[concept]),
            float(concept[0] in stop or concept[1] in stop),
            float(concept[0] in names) + float(concept[1] in names),
            float(concept[0].isdigit()) + float(concept[1].isdigit()),
            min(word_shares),
            max(word_shares),
        ])  # fmt: skip
        keys.append(concept)
    return keys, rows


def probabilities(rows: list[list[float]], model: Model):
    """P(in a human summary) of each row, by the model's coefficients."""
    import numpy as np

    coefficients = dict(model)
    w = np.array([coefficients.get(name, 0.0) for name in FEATURES])
    if not rows:
        return np.zeros(0)
    z = np.asarray(rows, dtype=float) @ w + coefficients.get("intercept", 0.0)
    return 1.0 / (1.0 + np.exp(-z))


def reweigh(candidates: Sequence, weights: dict, model: Model, mode: str = "replace", power: float = 1.0) -> dict:
    """The concept weights with the model's probabilities (raised to `power`: sharper
    above 1): `replace` weighs a bigram by its probability alone, `combine` by the
    hand-made weight times it. Either is scaled
    so that the story's bigram weights sum as the hand-made ones do, which keeps the
    per-sentence terms (lexical centrality) in the balance they were tuned for."""
    keys, rows = features(candidates, weights)
    if not keys:
        return weights
    p = probabilities(rows, model) ** power
    hand = [weights[k] for k in keys]
    learned = p if mode == "replace" else p * hand
    total = float(learned.sum())
    scale = sum(hand) / total if total > 0 else 0.0
    out = dict(weights)
    out.update((k, float(v) * scale) for k, v in zip(keys, learned))
    return out


@contextlib.contextmanager
def learned_weights(model: Model, mode: str = "replace"):
    """Within the block, the summariser weighs concepts by `reweigh` (the summariser's
    own code, its concept weights replaced at the one place they are made)."""
    from corroborate import summarize

    hand_made = summarize._concept_weights

    def weights(candidates, tuning):
        return reweigh(candidates, hand_made(candidates, tuning), model, mode)

    summarize._concept_weights = weights
    try:
        yield
    finally:
        summarize._concept_weights = hand_made


def story_concepts(brief, budget: int):
    """The candidate sentences and hand-made concept weights a summary of `budget`
    words chooses from (the summariser's own steps, as `summary_sentences` takes them)."""
    from corroborate import summarize
    from corroborate.nlp import embed, encoder_for

    tuning = summarize.for_budget(summarize.TUNING, budget)
    texts = [brief.text(s.span) for s in brief.sentences]
    vectors = embed(texts, encoder_for(len(texts)))
    return summarize._candidates(brief, texts, vectors, summarize._Sameness(texts, vectors), tuning)

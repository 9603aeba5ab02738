"""Which of an article's candidate stories the clusterer must score exactly.

`StoryClusterer` decides with the two best-scoring candidates only (join the best
if it reaches the threshold; merge it with the second if both agree). Scoring
every candidate with the exact scalar scorer (`StoryClusterer._score`, a dozen
numpy calls per candidate) was ~1.9 ms an article, the ceiling of the one writer
of a cluster. Here all candidates are scored together, approximately, in one
numpy pass over their concatenated vectors (float64, IDF from a table of
log document frequencies kept up to date as they change); only the candidates
whose approximate score is within a safe margin of the second best are then
scored exactly, by the scalar scorer, and decide. The decision is therefore the
scalar scorer's own, bit for bit (see `contenders`).

The margin: the exact scorer works in float32 over at most `max_terms` entries
per vector, so each of its similarities is off the real value by at most about
`max_terms` x 6e-8 (~2e-5 at 300 terms); the approximation here is float64.
`ERROR` is 5e-4, twenty-five times that, and `contenders` keeps every candidate
that could be among the exact top two under errors of up to `ERROR` each.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

# Bound on |approximate - exact| score of a candidate (see the module docstring).
ERROR = 5e-4


class _Run(NamedTuple):
    """What the filter keeps of one story (`CandidateFilter._story`)."""

    arrays: tuple  # the story's arrays it was made from (compared by identity)
    slots: np.ndarray  # terms then entities: 2 x dense id (+ 1 for an entity)
    values: np.ndarray  # their values, float64
    dense: np.ndarray  # their dense ids
    names: np.ndarray  # lead names, as entity slots
    lengths: tuple[int, int]  # terms, entities
    embedding: np.ndarray | None  # sum of members' embeddings, float64
    embedding_square: float | None


class CandidateFilter:
    """Approximate scores of many candidate stories at once, for one clusterer.

    Features are renumbered densely in the order stories first hold them: the tables
    read for every candidate entry (log document frequency, the article's weights)
    then span the few tens of thousands of features the live stories hold, and stay
    in the CPU cache, instead of the 2**20 of the hashed space (random reads there
    were most of the time). Each story's terms and entities are kept as one run of
    slots (2 x dense id, + 1 for an entity), remade only when the story changes, so
    that both similarities of every candidate come out of one pass."""

    def __init__(self, clusterer) -> None:
        self.clusterer = clusterer
        self._key: tuple | None = None
        self._compact = np.full(clusterer.n_features, -1, dtype=np.int32)  # hashed -> dense id
        self._hashed = np.zeros(1024, dtype=np.int64)  # dense id -> hashed
        self._count = 0
        self._log_df = np.zeros(1024)  # by dense id
        self._doc = np.zeros(2048)  # the article's weights, by slot
        self._member = np.zeros(2048, dtype=bool)  # a set of features, by slot
        self._stories: dict[int, tuple] = {}  # story id -> its arrays, as last seen, and their slots

    def sync(self) -> None:
        """Rebuild the log-DF table when the document frequencies were replaced or
        changed outside the clusterer's own per-article update (`observed`)."""
        c = self.clusterer
        key = (id(c.df_), c.n_docs_)
        if key != self._key:
            self._log_df[: self._count] = np.log(c.df_[self._hashed[: self._count]].astype(np.float64) + 1)
            self._key = key

    def observed(self, indices: np.ndarray) -> None:
        """The clusterer counted one more document holding `indices`."""
        c = self.clusterer
        if self._key != (id(c.df_), c.n_docs_ - 1):
            self.sync()
            return
        dense = self._compact[indices]
        known = dense >= 0
        self._log_df[dense[known]] = np.log(c.df_[indices[known]].astype(np.float64) + 1)
        self._key = (id(c.df_), c.n_docs_)

    def _dense(self, indices: np.ndarray) -> np.ndarray:
        """Dense ids of hashed `indices` (unique), numbering those not seen before."""
        dense = self._compact[indices].astype(np.int64)
        new = dense < 0
        if new.any():
            fresh = indices[new]
            end = self._count + len(fresh)
            if end > len(self._hashed):
                size = max(end, 2 * len(self._hashed))
                self._hashed = np.resize(self._hashed, size)
                self._log_df = np.resize(self._log_df, size)
                self._doc = np.zeros(2 * size)  # all zero between articles
                self._member = np.zeros(2 * size, dtype=bool)
            numbers = np.arange(self._count, end)
            self._compact[fresh] = numbers
            self._hashed[self._count : end] = fresh
            self._log_df[self._count : end] = np.log(self.clusterer.df_[fresh].astype(np.float64) + 1)
            self._count = end
            dense[new] = numbers
        return dense

    def _slots(self, indices: np.ndarray, entity: int) -> np.ndarray:
        """Slots of those of hashed `indices` that some story holds (others match nothing)."""
        dense = self._compact[indices].astype(np.int64)
        return 2 * dense[dense >= 0] + entity

    def _story(self, story) -> _Run:
        """A story's terms and entities as one run of slots, their float64 values,
        their dense ids, its lead names' slots and its embedding sum; remade when the
        story changed (the clusterer replaces a story's arrays when it grows)."""
        seen = self._stories.get(story.id)
        if (
            seen is None or seen.arrays[0] is not story.term_idx or seen.arrays[1] is not story.term_val
            or seen.arrays[2] is not story.entity_idx or seen.arrays[3] is not story.entity_val
            or seen.arrays[4] is not story.lead_names or seen.arrays[5] is not story.embedding
        ):  # fmt: skip
            dense = np.concatenate([self._dense(story.term_idx), self._dense(story.entity_idx)])
            slots = 2 * dense
            slots[len(story.term_idx) :] += 1
            embedding = None if story.embedding is None else story.embedding.astype(np.float64)
            seen = _Run(
                arrays=(story.term_idx, story.term_val, story.entity_idx, story.entity_val, story.lead_names, story.embedding),
                slots=slots, values=np.concatenate([story.term_val, story.entity_val], dtype=np.float64), dense=dense,
                names=2 * self._dense(story.lead_names) + 1, lengths=(len(story.term_idx), len(story.entity_idx)),
                embedding=embedding, embedding_square=None if embedding is None else float(embedding @ embedding),
            )  # fmt: skip
            self._stories[story.id] = seen
            if len(self._stories) > 2 * len(self.clusterer.stories_) + 100:
                live = self.clusterer.stories_
                self._stories = {i: v for i, v in self._stories.items() if i in live}
        return seen

    def _embedding_cosines(self, stories, runs, article) -> tuple[list[int], np.ndarray]:
        """The stories that have an embedding, and the cosine of each one's (centered)
        sum with the article's (centered) embedding. Centering subtracts `count / n`
        times the sum of all embeddings seen, worked out on the cached sums:
        (E - aM).c = E.c - a M.c and |E - aM|^2 = |E|^2 - 2a E.M + a^2 |M|^2."""
        c = self.clusterer
        rows = [i for i, s in enumerate(stories) if s.embedding is not None]
        if not rows:
            return rows, np.zeros(0)
        sums = np.stack([runs[i].embedding for i in rows])
        squares = np.array([runs[i].embedding_square for i in rows])
        article = np.asarray(article, dtype=np.float64)
        if c._centering():
            mean_sum = c.embedding_sum_
            shares = np.array([stories[i].embedded for i in rows], dtype=np.float64) / c.n_embedded_
            products = sums @ np.stack([article, mean_sum], axis=1)
            dots = products[:, 0] - shares * float(mean_sum @ article)
            squares = squares - 2 * shares * products[:, 1] + shares**2 * float(mean_sum @ mean_sum)
        else:
            dots = sums @ article
        norms = np.sqrt(np.maximum(squares, 0.0)) * float(np.linalg.norm(article))
        cosines = np.zeros(len(rows))
        np.divide(dots, norms, out=cosines, where=norms > 0)
        return rows, cosines

    def scores(self, story_ids, word_idx, doc_words, entity_idx, doc_entities, embedding, day, lead_names) -> np.ndarray:
        """Approximately `_score` less the `_names_apart` penalty, for each story of `story_ids`."""
        c = self.clusterer
        self.sync()
        stories = [c.stories_[s] for s in story_ids]
        count = len(stories)
        runs = [self._story(s) for s in stories]
        lengths = np.array([n for r in runs for n in r.lengths])  # terms, entities, terms, ...
        slots = np.concatenate([r.slots for r in runs])
        values = np.concatenate([r.values for r in runs])
        dense = np.concatenate([r.dense for r in runs])

        # Cosines of the article's TF-IDF vectors (terms, entities) with each story's.
        idf = (math.log(c.n_docs_ + 1) + 1) - self._log_df[dense]
        if c.idf_power != 1:
            idf = idf**c.idf_power
        weighted = values * idf
        norms = np.sqrt(segment_sums(weighted * weighted, lengths))
        article = (self._slots(word_idx, 0), self._slots(entity_idx, 1))
        held = (self._compact[word_idx] >= 0, self._compact[entity_idx] >= 0)
        self._doc[article[0]] = doc_words[held[0]]
        self._doc[article[1]] = doc_entities[held[1]]
        dots = segment_sums(weighted * self._doc[slots], lengths)
        self._doc[article[0]] = 0.0
        self._doc[article[1]] = 0.0
        cosines = np.zeros(2 * count)
        np.divide(dots, norms, out=cosines, where=norms > 0)
        score = c.text_weight * cosines[0::2]
        if c.entity_weight:
            score += c.entity_weight * cosines[1::2]

        total = np.full(count, float(c.text_weight + c.entity_weight))
        if embedding is not None:
            rows, cosines = self._embedding_cosines(stories, runs, embedding)
            score[rows] += c.embedding_weight * cosines
            total[rows] += c.embedding_weight
        score /= total
        if day is not None:
            for i, story in enumerate(stories):
                if story.last_day is not None and (day < story.first_day or day > story.last_day):
                    score[i] -= c.time_weight * min(abs(day - story.last_day), c.window_days) / max(c.window_days, 1)
        if c.lead_name_weight and lead_names is not None and len(lead_names) and len(word_idx) >= c.short_text_terms:
            score -= c.lead_name_weight * self._names_apart(runs, lengths, slots, lead_names, entity_idx)
        return score

    def _names_apart(self, runs, lengths, slots, lead_names, entity_idx) -> np.ndarray:
        """`StoryClusterer._names_apart` of each story (exact: set membership only)."""
        names = [r.names for r in runs]
        name_lengths = np.array([len(n) for n in names])
        apart = name_lengths > 0
        # The article's lead names among each story's entities (an entity slot is odd:
        # a term never matches), and each story's lead names among the article's entities.
        for lengths, values, probe, pick in ((lengths, slots, lead_names, slice(1, None, 2)), (name_lengths, np.concatenate(names), entity_idx, slice(None))):
            probe = self._slots(probe, 1)
            if len(values) and len(probe):
                self._member[probe] = True
                found = self._member[values]
                self._member[probe] = False
                apart &= segment_sums(found, lengths)[pick] == 0
        return apart


def segment_sums(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Sums of consecutive runs of `values`, `lengths` long each (some may be empty).
    `np.add.reduceat` is ~7x faster than a weighted `np.bincount` here."""
    sums = np.zeros(len(lengths), dtype=np.float64 if values.dtype != bool else np.int64)
    filled = lengths > 0
    if filled.any():
        starts = np.cumsum(lengths) - lengths
        sums[filled] = np.add.reduceat(values, starts[filled])
    return sums


def decided(story_ids: list[int], approximate: np.ndarray, threshold: float, merge_threshold: float):
    """`(score, story)` of the best story, and of the second best when it matters,
    as the clusterer would rank them by exact scores, when approximate scores (within
    `ERROR` of the exact ones) settle every decision taken on them; else None.

    The clusterer joins the best story when its score reaches `threshold`, and then
    merges it with the second best when that one's score reaches `merge_threshold`.
    So the best must lead the rest by more than twice `ERROR`, and be more than
    `ERROR` from `threshold`; after a join the second best must be more than `ERROR`
    below `merge_threshold` (then it does not matter which story it is), or above it
    and lead the third by more than twice `ERROR`. The scores returned are
    approximate, on the same side of each threshold as the exact ones."""
    order = np.argsort(-approximate, kind="stable")[:3]
    best = float(approximate[order[0]])
    if abs(best - threshold) <= ERROR or (len(order) > 1 and best - approximate[order[1]] <= 2 * ERROR):
        return None
    top = [(best, story_ids[order[0]])]
    if best < threshold or len(order) == 1:
        return top  # a new story, or no second: nothing more is read
    second = float(approximate[order[1]])
    if second < merge_threshold - ERROR:
        return top + [(second, story_ids[order[1]])]
    if second > merge_threshold + ERROR and (len(order) == 2 or second - approximate[order[2]] > 2 * ERROR):
        return top + [(second, story_ids[order[1]])]
    return None


def contenders(story_ids: list[int], approximate: np.ndarray) -> list[int]:
    """The stories that may be among the two best by exact score, given approximate
    scores within `ERROR` of the exact ones: every story whose approximate score is
    at least the second best approximate score less twice `ERROR`. (The two best by
    approximate score are exactly at least `second - ERROR`, so the second best exact
    score is too, and a story below `second - 2 * ERROR` approximately is below it
    exactly.)"""
    if len(story_ids) <= 2:
        return list(story_ids)
    second = np.partition(approximate, -2)[-2]
    return [s for s, a in zip(story_ids, approximate) if a >= second - 2 * ERROR]

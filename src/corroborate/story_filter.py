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
    entities: frozenset[int]  # hashed entity ids (for the lead-name test)
    names: list[int]  # hashed lead names
    lengths: tuple[int, int]  # terms, entities
    row: int  # of its embedding sum in `CandidateFilter._embeddings`; -1: none
    embedded: int  # members with an embedding


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
        self._stories: dict[int, _Run] = {}  # story id -> its arrays, as last seen, and their slots
        # Stories' embedding sums (float64) and their squared norms, a row each, so that
        # the candidates' rows are read with one gather instead of stacked.
        self._embeddings = np.zeros((0, 0))
        self._squares = np.zeros(0)
        self._free_rows: list[int] = []

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
            numbers = np.arange(self._count, end)
            self._compact[fresh] = numbers
            self._hashed[self._count : end] = fresh
            self._log_df[self._count : end] = np.log(self.clusterer.df_[fresh].astype(np.float64) + 1)
            self._count = end
            dense[new] = numbers
        return dense

    def _story(self, story) -> _Run:
        """A story's terms and entities as one run of slots, their float64 values,
        their dense ids, its entities and lead names as Python sets and lists, and the
        row of its embedding sum; remade when the story changed (the clusterer replaces
        a story's arrays when it grows)."""
        seen = self._stories.get(story.id)
        # A story's arrays are replaced when it changes, never written in place, and its
        # terms and entities together (`StoryClusterer._grow`, `_merge`): its terms, lead
        # names and embedding tell.
        if (
            seen is None or seen.arrays[0] is not story.term_idx
            or seen.arrays[4] is not story.lead_names or seen.arrays[5] is not story.embedding
        ):  # fmt: skip
            dense = np.concatenate([self._dense(story.term_idx), self._dense(story.entity_idx)])
            slots = 2 * dense
            slots[len(story.term_idx) :] += 1
            row = -1 if seen is None else seen.row
            if story.embedding is not None:
                row = self._embedding_row(row, story.embedding)
            seen = _Run(
                arrays=(story.term_idx, story.term_val, story.entity_idx, story.entity_val, story.lead_names, story.embedding),
                slots=slots, values=np.concatenate([story.term_val, story.entity_val], dtype=np.float64), dense=dense,
                entities=frozenset(story.entity_idx.tolist()), names=story.lead_names.tolist(),
                lengths=(len(story.term_idx), len(story.entity_idx)), row=row, embedded=story.embedded,
            )  # fmt: skip
            self._stories[story.id] = seen
            if len(self._stories) > 2 * len(self.clusterer.stories_) + 100:
                live = self.clusterer.stories_
                self._free_rows += [v.row for i, v in self._stories.items() if i not in live and v.row >= 0]
                self._stories = {i: v for i, v in self._stories.items() if i in live}
        return seen

    def _embedding_row(self, row: int, embedding: np.ndarray) -> int:
        """Write a story's embedding sum (and its squared norm) to its row, or to a new one."""
        if row < 0:
            if not self._free_rows:
                old = len(self._squares)
                size = max(64, 2 * old)
                grown = np.zeros((size, len(embedding)))
                if old:
                    grown[:old] = self._embeddings
                self._embeddings, self._squares = grown, np.resize(self._squares, size)
                self._free_rows = list(range(size - 1, old - 1, -1))
            row = self._free_rows.pop()
        vector = self._embeddings[row]
        vector[:] = embedding
        self._squares[row] = float(vector @ vector)
        return row

    def _embedding_cosines(self, runs, article) -> tuple[list[int], np.ndarray]:
        """The candidates that have an embedding, and the cosine of each one's (centered)
        sum with the article's (centered) embedding. Centering subtracts `count / n`
        times the sum of all embeddings seen, worked out on the cached sums:
        (E - aM).c = E.c - a M.c and |E - aM|^2 = |E|^2 - 2a E.M + a^2 |M|^2."""
        c = self.clusterer
        rows = [i for i, r in enumerate(runs) if r.row >= 0]
        if not rows:
            return rows, np.zeros(0)
        table = np.array([runs[i].row for i in rows])
        sums = self._embeddings[table]
        squares = self._squares[table]
        article = np.asarray(article, dtype=np.float64)
        if c._centering():
            mean_sum = c.embedding_sum_
            shares = np.array([runs[i].embedded for i in rows], dtype=np.float64) / c.n_embedded_
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
        known = self._stories
        runs = []
        for story in stories:  # `_story`, its common case inline: it runs for every candidate
            run = known.get(story.id)
            if run is None or run.arrays[0] is not story.term_idx or run.arrays[4] is not story.lead_names or run.arrays[5] is not story.embedding:
                run = self._story(story)
            runs.append(run)
        lengths = np.array([n for r in runs for n in r.lengths])  # terms, entities, terms, ...
        slots = np.concatenate([r.slots for r in runs])
        values = np.concatenate([r.values for r in runs])
        dense = np.concatenate([r.dense for r in runs])

        # Cosines of the article's TF-IDF vectors (terms, entities) with each story's.
        idf = (math.log(c.n_docs_ + 1) + 1) - self._log_df[dense]
        if c.idf_power != 1:
            idf = idf**c.idf_power
        weighted = values * idf
        runs_of = _Segments(lengths)
        norms = np.sqrt(runs_of.sums(weighted * weighted))
        # The article's weights at its slots (those some story holds), for one gather.
        placed = []
        for indices, weights, entity in ((word_idx, doc_words, 0), (entity_idx, doc_entities, 1)):
            dense_ids = self._compact[indices]
            held = dense_ids >= 0
            at = 2 * dense_ids[held].astype(np.int64) + entity
            self._doc[at] = weights[held]
            placed.append(at)
        dots = runs_of.sums(weighted * self._doc[slots])
        for at in placed:
            self._doc[at] = 0.0
        cosines = np.zeros(2 * count)
        np.divide(dots, norms, out=cosines, where=norms > 0)
        score = c.text_weight * cosines[0::2]
        if c.entity_weight:
            score += c.entity_weight * cosines[1::2]

        total = np.full(count, float(c.text_weight + c.entity_weight))
        if embedding is not None:
            rows, cosines = self._embedding_cosines(runs, embedding)
            score[rows] += c.embedding_weight * cosines
            total[rows] += c.embedding_weight
        score /= total
        if day is not None:
            for i, story in enumerate(stories):
                if story.last_day is not None and (day < story.first_day or day > story.last_day):
                    score[i] -= c.time_weight * min(abs(day - story.last_day), c.window_days) / max(c.window_days, 1)
        if c.lead_name_weight and lead_names is not None and len(lead_names) and len(word_idx) >= c.short_text_terms:
            names, entities = lead_names.tolist(), frozenset(entity_idx.tolist())
            # `StoryClusterer._names_apart`, exactly (set membership only): the story has lead
            # names, none of the article's is among its entities, none of its is among the article's.
            for i, run in enumerate(runs):
                if run.names and run.entities.isdisjoint(names) and entities.isdisjoint(run.names):
                    score[i] -= c.lead_name_weight
        return score


class _Segments:
    """Sums of consecutive runs of values, the same `lengths` long each time (some may be
    empty): the runs' starts are worked out once. `np.add.reduceat` is ~7x faster than
    a weighted `np.bincount` here."""

    def __init__(self, lengths: np.ndarray) -> None:
        self.count = len(lengths)
        self.filled = lengths > 0
        self.all_filled = bool(self.filled.all())
        self.starts = (np.cumsum(lengths) - lengths)[self.filled]

    def sums(self, values: np.ndarray) -> np.ndarray:
        if self.all_filled:
            return np.add.reduceat(values, self.starts) if self.count else np.zeros(0)
        sums = np.zeros(self.count)
        if len(self.starts):
            sums[self.filled] = np.add.reduceat(values, self.starts)
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

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


# Columns of `CandidateFilter._table`, a row a story (`story_kernels.candidate_scores` reads it).
START, TERMS, ENTITIES, NAMES_START, NAMES, FIRST_DAY, LAST_DAY, DATED, EMBEDDING_ROW, EMBEDDED = range(10)
COLUMNS = 10
_NO_NAMES = np.zeros(0, np.int32)
story_kernels = None  # the module, imported by the first `CandidateFilter`


class _Run(NamedTuple):
    """What the filter keeps of one story (`CandidateFilter._story`)."""

    arrays: tuple  # the story's arrays it was made from (compared by identity)
    row: int  # its row of `CandidateFilter._table`


class CandidateFilter:
    """Approximate scores of many candidate stories at once, for one clusterer.

    Features are renumbered densely in the order stories first hold them: the tables
    read for every candidate entry (log document frequency, the article's weights)
    then span the few tens of thousands of features the live stories hold, and stay
    in the CPU cache, instead of the 2**20 of the hashed space (random reads there
    were most of the time). Each story's terms and entities are kept as one run of
    slots (2 x dense id, + 1 for an entity) and values in one pool shared by all
    stories (its lead names in another), with its offsets, days and embedding row in
    a row of one table, remade only when the story changes: all candidates of an
    article are then scored by one compiled call (`story_kernels.candidate_scores`)
    instead of gathering and concatenating each one's arrays."""

    def __init__(self, clusterer) -> None:
        global story_kernels
        from . import story_kernels  # numba: imported (~1 s) only when a stream is clustered

        self.clusterer = clusterer
        self._key: tuple | None = None
        self._compact = np.full(clusterer.n_features, -1, dtype=np.int32)  # hashed -> dense id
        self._hashed = np.zeros(1024, dtype=np.int64)  # dense id -> hashed
        self._count = 0
        # By dense id: its log document frequency, and the article's weight of it as a
        # term and as an entity (zero between articles); one row of 32 bytes read per
        # candidate entry, where two tables were two cache misses.
        self._features = np.zeros((1024, 4))
        self._log_df = self._features[:, 0]
        self._name_marks = np.zeros(1024, dtype=np.uint8)  # by dense id (all zero between articles)
        self._entity_marks = np.zeros(clusterer.n_features, dtype=np.uint8)  # by hashed id (likewise)
        self._stories: dict[int, _Run] = {}  # story id -> its arrays, as last seen, and its row
        self._table = np.zeros((64, COLUMNS), dtype=np.int64)
        self._free_table_rows = list(range(63, -1, -1))
        # The pools: runs of every story, remade ones appended (the old run is garbage
        # until the pool is compacted, when it would otherwise grow).
        self._slots, self._values, self._end, self._garbage = np.zeros(4096, np.int32), np.zeros(4096, np.float32), 0, 0
        self._names, self._names_end, self._names_garbage = np.zeros(1024, np.int64), 0, 0
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
        story_kernels.observe(indices, self._compact, c.df_, self._features)
        self._key = (id(c.df_), c.n_docs_)

    def _grow_features(self, needed: int) -> None:
        """Room in the tables by dense id for `needed` features."""
        size = max(needed, 2 * len(self._hashed))
        self._hashed = np.resize(self._hashed, size)
        features = np.zeros((size, 4))
        features[: self._count] = self._features[: self._count]
        self._features, self._log_df = features, features[:, 0]
        self._name_marks = np.zeros(size, dtype=np.uint8)

    def _story(self, story) -> _Run:
        """A story's row, its run of slots and values and its lead names remade in the
        pools when the story changed (the clusterer replaces a story's arrays when it
        grows), with its days and embedding sum."""
        seen = self._stories.get(story.id)
        # A story's arrays are replaced when it changes, never written in place, and its
        # terms and entities together (`StoryClusterer._grow`, `_merge`): its terms, lead
        # names and embedding tell.
        if (
            seen is not None and seen.arrays[0] is story.term_idx
            and seen.arrays[1] is story.lead_names and seen.arrays[2] is story.embedding
        ):  # fmt: skip
            return seen
        if seen is None:
            if not self._free_table_rows:
                old = len(self._table)
                self._table = np.concatenate([self._table, np.zeros((old, COLUMNS), np.int64)])
                self._free_table_rows = list(range(2 * old - 1, old - 1, -1))
            row = self._free_table_rows.pop()
            self._table[row, EMBEDDING_ROW] = -1
        else:
            row = seen.row
            self._drop_runs(row)
        terms, entities = len(story.term_idx), len(story.entity_idx)
        start = self._reserve(terms + entities)
        while True:
            count = story_kernels.write_run(
                story.term_idx, story.term_val, story.entity_idx, story.entity_val, self._compact, self._hashed,
                self._count, self.clusterer.df_, self._features, self._slots, self._values, start,
            )  # fmt: skip
            if count >= 0:
                break
            self._grow_features(self._count + terms + entities)
        self._count = count
        names = len(story.lead_names)
        names_start = self._reserve_names(names)
        self._names[names_start : names_start + names] = story.lead_names
        embedding_row = int(self._table[row, EMBEDDING_ROW])
        if story.embedding is not None:
            embedding_row = self._embedding_row(embedding_row, story.embedding)
        dated = story.last_day is not None
        self._table[row] = (start, terms, entities, names_start, names, story.first_day if dated else 0,
                            story.last_day if dated else 0, dated, embedding_row, story.embedded)  # fmt: skip
        seen = _Run(arrays=(story.term_idx, story.lead_names, story.embedding), row=row)
        self._stories[story.id] = seen
        return seen

    def _drop_runs(self, row: int) -> None:
        """The runs of the story at `row` become garbage in the pools."""
        self._garbage += int(self._table[row, TERMS] + self._table[row, ENTITIES])
        self._names_garbage += int(self._table[row, NAMES])
        self._table[row, TERMS] = self._table[row, ENTITIES] = self._table[row, NAMES] = 0

    def _forget_dead(self) -> None:
        """Stories that left the clusterer's live set leave the filter: their rows free."""
        live = self.clusterer.stories_
        for story_id in [i for i in self._stories if i not in live]:
            row = self._stories.pop(story_id).row
            self._drop_runs(row)
            if self._table[row, EMBEDDING_ROW] >= 0:
                self._free_rows.append(int(self._table[row, EMBEDDING_ROW]))
            self._free_table_rows.append(row)

    def _reserve(self, length: int) -> int:
        """Where a run of `length` slots goes in the pool (compacted or grown when full)."""
        if self._end + length > len(self._slots):
            self._forget_dead()
            live = self._end - self._garbage
            size = max(len(self._slots), 2 * (live + length))
            slots, values, end = np.zeros(size, np.int32), np.zeros(size, np.float32), 0
            for run in self._stories.values():
                first = int(self._table[run.row, START])
                length_of = int(self._table[run.row, TERMS] + self._table[run.row, ENTITIES])
                slots[end : end + length_of] = self._slots[first : first + length_of]
                values[end : end + length_of] = self._values[first : first + length_of]
                self._table[run.row, START] = end
                end += length_of
            self._slots, self._values, self._end, self._garbage = slots, values, end, 0
        start = self._end
        self._end += length
        return start

    def _reserve_names(self, length: int) -> int:
        """Where a story's `length` lead names go in the names pool (as `_reserve`)."""
        if self._names_end + length > len(self._names):
            self._forget_dead()
            live = self._names_end - self._names_garbage
            names, end = np.zeros(max(len(self._names), 2 * (live + length)), np.int64), 0
            for run in self._stories.values():
                first, count = int(self._table[run.row, NAMES_START]), int(self._table[run.row, NAMES])
                names[end : end + count] = self._names[first : first + count]
                self._table[run.row, NAMES_START] = end
                end += count
            self._names, self._names_end, self._names_garbage = names, end, 0
        start = self._names_end
        self._names_end += length
        return start

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

    def _embedding_cosines(self, rows: np.ndarray, article) -> tuple[np.ndarray, np.ndarray]:
        """Which of the candidates at `rows` of the table have an embedding, and the cosine
        of each one's (centered) sum with the article's (centered) embedding. Centering
        subtracts `count / n` times the sum of all embeddings seen, worked out on the
        cached sums: (E - aM).c = E.c - a M.c and |E - aM|^2 = |E|^2 - 2a E.M + a^2 |M|^2."""
        c = self.clusterer
        table = self._table[rows]
        embedded = table[:, EMBEDDING_ROW] >= 0
        if not embedded.any():
            return embedded, np.zeros(0)
        table = table[embedded]
        sums = self._embeddings[table[:, EMBEDDING_ROW]]
        squares = self._squares[table[:, EMBEDDING_ROW]]
        article = np.asarray(article, dtype=np.float64)
        if c._centering():
            mean_sum = c.embedding_sum_
            shares = table[:, EMBEDDED] / c.n_embedded_
            products = sums @ np.stack([article, mean_sum], axis=1)
            dots = products[:, 0] - shares * float(mean_sum @ article)
            squares = squares - 2 * shares * products[:, 1] + shares**2 * float(mean_sum @ mean_sum)
        else:
            dots = sums @ article
        norms = np.sqrt(np.maximum(squares, 0.0)) * float(np.linalg.norm(article))
        cosines = np.zeros(len(table))
        np.divide(dots, norms, out=cosines, where=norms > 0)
        return embedded, cosines

    def scores(self, story_ids, word_idx, doc_words, entity_idx, doc_entities, embedding, day, lead_names) -> np.ndarray:
        """Approximately `_score` less the `_names_apart` penalty, for each story of `story_ids`."""
        c = self.clusterer
        self.sync()
        stories, known = c.stories_, self._stories
        rows = []
        for story_id in story_ids:  # `_story`, its common case inline: it runs for every candidate
            story, run = stories[story_id], known.get(story_id)
            if run is None or run.arrays[0] is not story.term_idx or run.arrays[1] is not story.lead_names or run.arrays[2] is not story.embedding:
                run = self._story(story)
            rows.append(run.row)
        rows = np.array(rows, dtype=np.int64)
        embedding_scores = embedding_weights = np.zeros(len(rows))
        if embedding is not None:
            embedded, cosines = self._embedding_cosines(rows, embedding)
            if len(cosines):
                embedding_scores, embedding_weights = np.zeros(len(rows)), np.zeros(len(rows))
                embedding_scores[embedded] = c.embedding_weight * cosines
                embedding_weights[embedded] = c.embedding_weight
        names_weight = 0.0
        if c.lead_name_weight and lead_names is not None and len(lead_names) and len(word_idx) >= c.short_text_terms:
            names_weight = float(c.lead_name_weight)
        else:
            lead_names = _NO_NAMES
        return story_kernels.candidate_scores(
            rows, self._table, self._slots, self._values, math.log(c.n_docs_ + 1) + 1, float(c.idf_power),
            self._features, self._compact, word_idx, doc_words, entity_idx, doc_entities, float(c.text_weight),
            float(c.entity_weight), embedding_scores, embedding_weights, 0 if day is None else day, day is not None,
            float(c.time_weight), c.window_days, names_weight, lead_names, self._names, self._name_marks, self._entity_marks,
        )  # fmt: skip

    def warm_up(self) -> None:
        """One call of the compiled kernel on the types a stream gives it (`make install`
        compiles it into the on-disk cache this way)."""
        empty32, weights = np.zeros(0, np.int32), np.zeros(0, np.float32)
        self.scores([], empty32, weights, empty32, weights, None, None, None)


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

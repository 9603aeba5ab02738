"""Compiled inner loops of the story clusterer's candidate filter (`story_filter`).

Scoring an article's candidate stories was about 60 numpy calls and four short Python
loops an article, each a microsecond or two on a few hundred numbers, while the
arithmetic is ~50 us (BENCHMARKS.md, round 17c): the call overhead was the ceiling of
the one writer of a cluster. Here the whole pass over every candidate (both TF-IDF
cosines, the time penalty, the lead-name test) is one compiled call (numba) over
pooled arrays (`CandidateFilter`), so its cost is the arithmetic; the story sums, a
remade story's run and the log-DF refresh likewise.

Compiled on first use and cached on disk (`cache=True`: in `__pycache__` beside this
file; under NUMBA_CACHE_DIR when that is set; in the user's cache folder when this
one is read-only); `make install` compiles them once (`python -m
corroborate.story_kernels`), so that no command pays the seconds of compilation."""

from __future__ import annotations

import numpy as np
from numba import njit

from .story_filter import DATED, ENTITIES, FIRST_DAY, LAST_DAY, NAMES, NAMES_START, START, TERMS


@njit(cache=True, nogil=True, inline="always")
def _cosine(slots, values, log_n, idf_power, features, first, end):
    """Cosine of the article's weights in `features` with one story's run `first:end`. The two
    loops keep `idf**idf_power` out of the common one: LLVM computed the power for every
    entry there and selected (7x slower)."""
    squares = 0.0
    dot = 0.0
    if idf_power == 1.0:
        for j in range(first, end):
            slot = slots[j]
            dense = slot >> 1
            weight = values[j] * (log_n - features[dense, 0])
            squares += weight * weight
            dot += weight * features[dense, 1 + (slot & 1)]
    else:
        for j in range(first, end):
            slot = slots[j]
            dense = slot >> 1
            weight = values[j] * (log_n - features[dense, 0]) ** idf_power
            squares += weight * weight
            dot += weight * features[dense, 1 + (slot & 1)]
    return dot / np.sqrt(squares) if squares > 0.0 else 0.0


@njit(cache=True, nogil=True, inline="always")
def _place(compact, word_idx, doc_words, entity_idx, doc_entities, lead_names, names, features, name_marks, entity_marks, on):
    """The article's weights into `features` (columns 1 and 2) by dense id, and its lead names (dense ids) and
    entities (hashed ids) marked when `names`; with `on` False, all back to zero."""
    for i in range(len(word_idx)):
        dense = compact[word_idx[i]]
        if dense >= 0:
            features[dense, 1] = doc_words[i] if on else 0.0
    for i in range(len(entity_idx)):
        dense = compact[entity_idx[i]]
        if dense >= 0:
            features[dense, 2] = doc_entities[i] if on else 0.0
    if names:
        for i in range(len(lead_names)):
            dense = compact[lead_names[i]]
            if dense >= 0:
                name_marks[dense] = on
        for i in range(len(entity_idx)):
            entity_marks[entity_idx[i]] = on


@njit(cache=True, nogil=True)
def candidate_scores(
    rows, table, slots, values, log_n, idf_power, features, compact,
    word_idx, doc_words, entity_idx, doc_entities, text_weight, entity_weight,
    embedding_scores, embedding_weights, day, dated, time_weight, window_days,
    names_weight, lead_names, story_names, name_marks, entity_marks,
):  # fmt: skip
    """`CandidateFilter.scores` of the stories at `rows` of `table`: their runs of
    `slots` (2 x dense feature id, + 1 for an entity) and `values` in the pool, IDF as
    `log_n - features[dense id, 0]` (log DF; to the `idf_power`), the article's weights
    placed in `features` (columns 1 and 2) for the pass and cleared after, as are both marks.
    `embedding_scores`, `embedding_weights`: each candidate's weighted embedding cosine
    and its weight (0 without). `names_weight` 0: no lead-name test."""
    _place(compact, word_idx, doc_words, entity_idx, doc_entities, lead_names, names_weight != 0.0, features, name_marks, entity_marks, True)
    scores = np.empty(len(rows))
    for k in range(len(rows)):
        row = rows[k]
        start, terms, entities = table[row, START], table[row, TERMS], table[row, ENTITIES]
        score = 0.0
        for part in range(2):
            if part == 1 and entity_weight == 0.0:
                break
            first = start if part == 0 else start + terms
            end = start + terms if part == 0 else start + terms + entities
            score += (text_weight if part == 0 else entity_weight) * _cosine(slots, values, log_n, idf_power, features, first, end)
        score = (score + embedding_scores[k]) / (text_weight + entity_weight + embedding_weights[k])
        if dated and table[row, DATED]:
            first_day, last_day = table[row, FIRST_DAY], table[row, LAST_DAY]
            if day < first_day or day > last_day:
                score -= time_weight * min(abs(day - last_day), window_days) / max(window_days, 1)
        if names_weight != 0.0 and table[row, NAMES] > 0:
            # `StoryClusterer._names_apart`: none of the article's lead names among the
            # story's entities, none of the story's lead names among the article's.
            apart = True
            for j in range(start + terms, start + terms + entities):
                if name_marks[slots[j] >> 1]:
                    apart = False
                    break
            if apart:
                names_start = table[row, NAMES_START]
                for j in range(names_start, names_start + table[row, NAMES]):
                    if entity_marks[story_names[j]]:
                        apart = False
                        break
            if apart:
                score -= names_weight
        scores[k] = score
    _place(compact, word_idx, doc_words, entity_idx, doc_entities, lead_names, names_weight != 0.0, features, name_marks, entity_marks, False)
    return scores


@njit(cache=True, nogil=True)
def merge_sparse(a_idx, a_val, b_idx, b_val):
    """The sum of two sparse vectors (sorted unique int32 indices, float32 values) as
    sorted unique indices and values: `stories._add_sparse` before its cut to the
    largest entries, bit for bit (each shared entry one float32 addition, a's + b's)."""
    size = len(a_idx) + len(b_idx)
    indices, values = np.empty(size, np.int32), np.empty(size, np.float32)
    i = j = k = 0
    while i < len(a_idx) and j < len(b_idx):
        if a_idx[i] < b_idx[j]:
            indices[k], values[k] = a_idx[i], a_val[i]
            i += 1
        elif a_idx[i] > b_idx[j]:
            indices[k], values[k] = b_idx[j], b_val[j]
            j += 1
        else:
            indices[k], values[k] = a_idx[i], a_val[i] + b_val[j]
            i += 1
            j += 1
        k += 1
    for i in range(i, len(a_idx)):
        indices[k], values[k] = a_idx[i], a_val[i]
        k += 1
    for j in range(j, len(b_idx)):
        indices[k], values[k] = b_idx[j], b_val[j]
        k += 1
    return indices[:k], values[:k]


@njit(cache=True, nogil=True)
def observe(indices, compact, df, features):
    """`CandidateFilter.observed`: the log document frequency of each of `indices` a
    story holds, refreshed."""
    for i in range(len(indices)):
        dense = compact[indices[i]]
        if dense >= 0:
            features[dense, 0] = np.log(df[indices[i]] + 1.0)


@njit(cache=True, nogil=True)
def write_run(term_idx, term_val, entity_idx, entity_val, compact, hashed, count, df, features, slots, values, start):
    """A story's run written to the pool at `start` (`CandidateFilter._story`): each
    feature's slot (2 x dense id, + 1 for an entity) and value, features not seen before
    numbered from `count` (their hashed id and log document frequency recorded). The new
    count, or -1 when the tables are too small for the new features (nothing numbered)."""
    fresh = 0
    for part in range(2):
        indices = term_idx if part == 0 else entity_idx
        for i in range(len(indices)):
            if compact[indices[i]] < 0:
                fresh += 1
    if count + fresh > len(hashed):
        return -1
    k = start
    for part in range(2):
        indices, run = (term_idx, term_val) if part == 0 else (entity_idx, entity_val)
        for i in range(len(indices)):
            dense = compact[indices[i]]
            if dense < 0:
                dense = count
                compact[indices[i]] = dense
                hashed[dense] = indices[i]
                features[dense, 0] = np.log(df[indices[i]] + 1.0)
                count += 1
            slots[k] = 2 * dense + part
            values[k] = run[i]
            k += 1
    return count


def warm_up() -> None:
    """Every kernel compiled (or loaded from the on-disk cache) for the types a stream
    gives it: `make install` runs this once (`python -m corroborate.story_kernels`)."""
    from .stories import StoryClusterer, StoryState

    clusterer = StoryClusterer()
    clusterer._initialise()
    candidate_filter = clusterer._candidate_filter()
    candidate_filter.warm_up()
    candidate_filter._story(StoryState(id=0, title=""))  # write_run, on a story's types
    observe(np.zeros(1, np.int32), candidate_filter._compact, clusterer.df_, candidate_filter._features)
    merge_sparse(np.zeros(1, np.int32), np.ones(1, np.float32), np.zeros(1, np.int32), np.ones(1, np.float32))


if __name__ == "__main__":
    warm_up()

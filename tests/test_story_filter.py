"""`story_filter`: candidates ruled out by approximate scores, the exact scorer only
where a decision is too close to call. The stories must be exactly those of the
clusterer that scores every candidate exactly (`StoryClusterer._score_exactly`),
on fictional streams here and on real data (ECB+ dev, the first 500 UCI headlines) when present."""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, shared_path
from stream_builders import stream
from test_stories import as_articles

from corroborate.stories import StoryClusterer, read_for_clustering
from corroborate.story_filter import ERROR, contenders, decided


def exact_clusterer(**params) -> StoryClusterer:
    clusterer = StoryClusterer(**params)
    clusterer._score_exactly = True
    return clusterer


def run(clusterer: StoryClusterer, features) -> tuple[list[int], dict, list]:
    """Story of each article (merges resolved), merges, and every live story's vectors."""
    assigned = clusterer.add_features(features)
    states = [(s.id, s.size, s.term_idx.tobytes(), s.term_val.tobytes(), s.entity_idx.tobytes(), s.lead_names.tobytes())
              for s in sorted(clusterer.stories_.values(), key=lambda s: s.id)]  # fmt: skip
    return [clusterer.story_of(a) for a in assigned], dict(clusterer.merged_into_), states


def mixed_stream(seed: int) -> list:
    """Fictional stories of several lengths, interleaved, with look-alike events (the
    same kind of story in other places) so that many articles have close candidates."""
    records = stream(stories=25, per_story=6, seed=seed) + stream(stories=25, per_story=3, seed=seed + 1)
    random.Random(seed).shuffle(records)
    return as_articles(records)


@pytest.mark.parametrize("seed", [0, 7])
def test_same_stories_merges_and_story_vectors_as_scoring_every_candidate_exactly(seed):
    articles = mixed_stream(seed)
    features = StoryClusterer().features(articles)
    exact = run(exact_clusterer(), features)
    fast_clusterer = StoryClusterer()
    exact_calls, candidates = [], []
    score, retrieve = fast_clusterer._score, fast_clusterer._candidates
    fast_clusterer._score = lambda *args: exact_calls.append(1) or score(*args)
    fast_clusterer._candidates = lambda *args: candidates.extend(retrieve(*args)) or retrieve(*args)
    fast = run(fast_clusterer, features)
    assert fast == exact
    assert len(set(exact[0])) > 10  # many stories: articles had candidates to tell apart
    # The filter did the work: far fewer exact scores than candidates.
    assert len(exact_calls) < len(candidates) / 4


@pytest.mark.parametrize("params", [{}, {"embed_below_terms": 0, "embedding_weight": 1.0, "center_embeddings_after": 20}])
def test_approximate_scores_are_within_the_error_bound(params):
    """The bound the filter relies on, checked candidate by candidate on a stream
    (default settings, and every article embedded with centering on early)."""
    clusterer = StoryClusterer(**params)
    articles = mixed_stream(3)[: 90 if params else None]  # embedding is the slow part
    features = clusterer.features(articles)
    clusterer.add_features(features[:1])  # the stream's state (and its filter) made
    worst = 0.0
    candidate_filter = clusterer._candidate_filter()
    scores = candidate_filter.scores

    def compare(ids, word_idx, doc_words, entity_idx, doc_entities, centered, day, lead_names):
        nonlocal worst
        approximate = scores(ids, word_idx, doc_words, entity_idx, doc_entities, centered, day, lead_names)
        for story_id, value in zip(ids, approximate):
            story = clusterer.stories_[story_id]
            exact = clusterer._score(story, word_idx, doc_words, entity_idx, doc_entities, centered, day)
            exact -= clusterer.lead_name_weight * clusterer._names_apart(lead_names, entity_idx, story, len(word_idx))
            worst = max(worst, abs(exact - value))
        return approximate

    candidate_filter.scores = compare
    clusterer.add_features(features[1:])
    assert 0 < worst < ERROR / 10


def test_decided_only_when_the_margins_settle_every_decision():
    ids = [5, 3, 9]
    # A clear best above the threshold, the second far below the merge bar.
    assert decided(ids, np.array([0.6, 0.2, 0.1]), 0.24, 0.5) == [(0.6, 5), (0.2, 3)]
    # A clear best below the threshold: a new story, the second does not matter.
    assert decided(ids, np.array([0.1, 0.02, 0.0]), 0.24, 0.5) == [(0.1, 5)]
    # Too close to the threshold, to the runner-up, or (runner-up over the merge bar) to the third.
    assert decided(ids, np.array([0.24 + ERROR / 2, 0.1, 0.0]), 0.24, 0.5) is None
    assert decided(ids, np.array([0.6, 0.6 - ERROR, 0.0]), 0.24, 0.5) is None
    assert decided(ids, np.array([0.9, 0.55, 0.55 - ERROR]), 0.24, 0.5) is None
    assert decided(ids, np.array([0.9, 0.5 + ERROR / 2, 0.1]), 0.24, 0.5) is None
    assert decided(ids, np.array([0.9, 0.55, 0.1]), 0.24, 0.5) == [(0.9, 5), (0.55, 3)]


def test_contenders_keep_every_story_that_may_be_in_the_exact_top_two():
    ids = [1, 2, 3, 4, 5]
    approximate = np.array([0.5, 0.5 - 1.5 * ERROR, 0.5 - 2.5 * ERROR, 0.1, 0.9])
    assert contenders(ids, approximate) == [1, 2, 5]
    assert contenders([4, 2], np.array([0.0, 0.9])) == [4, 2]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "sample"), [("ecbplus", None), ("uci", 500)])
def test_same_stories_as_scoring_every_candidate_exactly_on_real_data(name, sample):
    shared_path("data", "ecbplus_dev.jsonl.gz" if name == "ecbplus" else "uci_headlines.jsonl.gz")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from clustering_bcubed import prepare

    with tempfile.TemporaryDirectory() as folder:
        path, _ = prepare(name, Path(folder), sample)
        articles, _ = read_for_clustering([path])
    features = StoryClusterer().features(articles)
    exact = exact_clusterer().fit_predict(articles, features)
    assert StoryClusterer().fit_predict(articles, features) == exact
    assert len(set(exact)) > 20


def test_story_vectors_are_summed_and_merged_as_numpy_sets_would():
    """The clusterer's sparse sums (`_add_sparse`, by searchsorted) and unions (`_union`)
    against the plain numpy formulas they replaced, bit for bit: the exact scorer shares
    them, so the equality above cannot catch a slip here."""
    from corroborate.stories import _add_sparse, _union

    rng = np.random.default_rng(0)
    for _ in range(300):
        a = np.unique(rng.integers(0, 600, rng.integers(0, 400))).astype(np.int32)
        b = np.unique(rng.integers(0, 600, rng.integers(0, 200))).astype(np.int32)
        a_val, b_val = rng.random(len(a), dtype=np.float32), rng.random(len(b), dtype=np.float32)
        unique, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
        summed = np.zeros(len(unique), dtype=np.float32)
        np.add.at(summed, inverse, np.concatenate([a_val, b_val]))
        if len(unique) > 300:
            top = np.sort(np.argpartition(-summed, 300)[:300])
            unique, summed = unique[top], summed[top]
        got = _add_sparse(a, a_val, b, b_val, 300)
        assert np.array_equal(got[0], unique) and got[0].dtype == np.int32
        assert got[1].tobytes() == summed.tobytes() and got[1].dtype == np.float32
        assert np.array_equal(_union(a, b), np.union1d(a, b)) and _union(a, b).dtype == np.int32

"""The shortcuts that big stories take give the answers of the long way round.

Each fast path (a bound before difflib, one comparison per distinct sentence text
instead of one per pair of prints) is compared with the plain computation on many
generated cases, including the repeats (wire copy) the shortcut is for."""

from __future__ import annotations

import random
from difflib import SequenceMatcher

import numpy as np
import pytest

from corroborate import relations
from corroborate.quotes import align

VOCABULARY = "the council said ferry crews were in water on monday night and tickets sold to children".split()


def _difflib_same_statement(a, b) -> bool:
    """`align.same_statement` as it was written before its shortcuts: difflib every time."""
    shorter = min(len(a), len(b))
    common = align._common_words(a, b)
    if common < 2 or (shorter > align.SHORT_QUOTE and common < max(align.MIN_SHARED_WORDS, align.MIN_SHARED_SHARE * shorter)):
        return False
    size = 2 if shorter <= align.SHORT_QUOTE else align.MIN_RUN
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    shared = sum(block.size for block in matcher.get_matching_blocks() if block.size >= size)
    if shorter <= align.SHORT_QUOTE:
        return shared >= 2 and shared >= 0.5 * shorter
    return shared >= align.MIN_SHARED_WORDS and shared >= align.MIN_SHARED_SHARE * shorter


def _quote_pairs(seed: int, count: int):
    rng = random.Random(seed)
    for _ in range(count):
        vocabulary = VOCABULARY[: rng.randint(3, len(VOCABULARY))]
        a = [rng.choice(vocabulary) for _ in range(rng.randint(1, 40))]
        kind = rng.random()
        if kind < 0.25:  # a piece of the other
            start = rng.randint(0, len(a) - 1)
            b = a[start : start + rng.randint(1, len(a))]
        elif kind < 0.6:  # the other with a few words changed, dropped or added
            b = list(a)
            for _ in range(rng.randint(0, 6)):
                k = rng.randint(0, len(b))
                action = rng.random()
                if action < 0.4 and k < len(b):
                    b[k] = rng.choice(vocabulary)
                elif action < 0.7 and k < len(b):
                    del b[k]
                else:
                    b.insert(k, rng.choice(vocabulary))
        else:
            b = [rng.choice(vocabulary) for _ in range(rng.randint(1, 40))]
        yield (a, b) if rng.random() < 0.5 else (b, a)


def test_same_statement_answers_as_difflib_alone_would():
    pairs = list(_quote_pairs(seed=12, count=3000))
    answers = [align.same_statement(a, b) for a, b in pairs]
    assert answers == [_difflib_same_statement(a, b) for a, b in pairs]
    assert 300 < sum(answers) < 2700  # both answers are well represented


def test_shared_runs_bound_difflibs_blocks():
    for a, b in _quote_pairs(seed=7, count=1000):
        for size in (2, 3):
            blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
            assert align._in_shared_runs(a, b, size) >= sum(block.size for block in blocks if block.size >= size)


def test_lexical_many_is_rapidfuzz_token_set_ratio():
    from rapidfuzz import fuzz

    texts = ["", "the ferry sank", "the ferry sank", "ferry the sank at night", "council said", "said council"]
    left = [x for x in texts for _ in texts]
    right = [y for _ in texts for y in texts]
    expected = [fuzz.token_set_ratio(x, y) / 100.0 for x, y in zip(left, right)]
    assert relations.lexical_many(left, right).tolist() == expected


def _pairwise_aligned(profiles, least):
    """`relations._aligned_pairs` the long way: every pair of prints in two articles."""
    out = {}
    for a in range(len(profiles)):
        for b in range(a + 1, len(profiles)):
            left, right = profiles[a], profiles[b]
            for i, x in enumerate(left.sentence_texts):
                for j, y in enumerate(right.sentence_texts):
                    cosine = float(left.embeddings[i] @ right.embeddings[j])
                    if cosine < least:
                        continue
                    score = relations._score(cosine, relations.lexical_similarity(x, y))
                    if score >= relations.PARAPHRASE_SIMILARITY:
                        out.setdefault((a, b), []).append((score, i, j))
    return {key: sorted(value, key=lambda t: t[1:]) for key, value in out.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_aligned_pairs_of_distinct_texts_stand_for_every_print(seed):
    """Wire copy: a few sentences printed by many articles (some twice in one), beside
    sentences of their own; vectors made so that many pairs are near the threshold."""
    rng = random.Random(seed)
    wire = [" ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(5, 12))) for _ in range(8)]
    direction = {text: rng.gauss(0, 1) for text in VOCABULARY}
    base = np.random.default_rng(seed).normal(size=(len(VOCABULARY), 16))

    def vector(text: str) -> np.ndarray:  # the same text, the same vector (as the encoder's cache gives)
        v = sum(base[VOCABULARY.index(w)] * (1 + direction[w]) for w in text.split())
        return (v / np.linalg.norm(v)).astype(np.float32)

    profiles = []
    for _ in range(12):
        texts = [rng.choice(wire) for _ in range(rng.randint(0, 6))]
        texts += [" ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(5, 12))) for _ in range(rng.randint(0, 3))]
        rng.shuffle(texts)
        profile = relations._Profile(None, "", np.array([]), np.array([]), [None] * len(texts), texts,
                                     np.array([vector(t) for t in texts]).reshape(len(texts), 16), [], 0, "")  # fmt: skip
        profiles.append(profile)
    found = {key: sorted(value, key=lambda t: t[1:]) for key, value in relations._aligned_pairs(profiles, 0.4).items()}
    expected = _pairwise_aligned(profiles, 0.4)
    assert found.keys() == expected.keys()
    for key in expected:  # scores to 6 decimals: a product in another block may differ in the last bit
        assert [(i, j) for _, i, j in found[key]] == [(i, j) for _, i, j in expected[key]]
        assert np.allclose([s for s, _, _ in found[key]], [s for s, _, _ in expected[key]], atol=2e-6)
    assert sum(len(v) for v in expected.values()) > 50  # many copies were paired


def _sentences(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    words = VOCABULARY + ["ferries", "crew", "a", "", "council's", "night-time", "2026", "é"]
    return [" ".join(w for w in (rng.choice(words) for _ in range(rng.randint(0, 14))) if w) for _ in range(count)]


def test_token_set_ratio_bounds_are_never_below_rapidfuzz():
    from rapidfuzz import fuzz

    texts = _sentences(seed=3, count=120)
    left = [x for x in texts for _ in texts]
    right = [y for _ in texts for y in texts]
    bounds = relations.token_set_ratio_bounds(left, right)
    ratios = np.array([fuzz.token_set_ratio(x, y) for x, y in zip(left, right)])
    assert (bounds >= ratios).all()
    assert (bounds < 100).sum() > len(bounds) // 4  # a bound that prunes, not 100 everywhere


def test_paraphrase_scores_keep_every_paraphrase_with_its_score():
    texts = _sentences(seed=5, count=100)
    left = [x for x in texts for _ in texts]
    right = [y for _ in texts for y in texts]
    cosines = np.random.default_rng(5).uniform(0.4, 1.0, len(left)).astype(np.float32)
    expected = relations._scores(cosines, relations.lexical_many(left, right))
    found = relations.paraphrase_scores(left, right, cosines)
    passing = expected >= relations.PARAPHRASE_SIMILARITY
    assert passing.sum() > 100
    assert np.array_equal(found >= relations.PARAPHRASE_SIMILARITY, passing)
    assert np.array_equal(found[passing], expected[passing])


def test_find_gives_the_first_run_from_start_as_a_scan_does():
    def scan(whole, part, start):
        for i in range(start, len(whole) - len(part) + 1):
            if list(whole[i : i + len(part)]) == list(part):
                return i
        return -1

    rng = random.Random(11)
    for _ in range(3000):
        whole = [rng.choice(VOCABULARY[:4] + ["council's", "a"]) for _ in range(rng.randint(0, 12))]
        part = [rng.choice(VOCABULARY[:4] + ["a"]) for _ in range(rng.randint(0, 3))]
        start = rng.randint(0, 14)
        assert align._find(whole, part, start) == scan(whole, part, start), (whole, part, start)


def test_occurrences_without_overlaps_are_what_str_count_counts():
    from corroborate.quotes import speakers

    rng = random.Random(4)
    for _ in range(2000):
        text = "".join(rng.choice("ab ") for _ in range(rng.randint(0, 30)))
        name = "".join(rng.choice("ab") for _ in range(rng.randint(1, 3)))
        assert speakers._without_overlaps(speakers._mentions(text, name), len(name)) == text.count(name)

"""A big story's exact shortcuts for sentence pairs give the answers of the long way round:
the compiled token-set ratio is rapidfuzz's number, the upper half of the cosine product
is the full product's numbers bit for bit, and the relations and summary stages find the
same pairs with them as by comparing every pair (generated, fictional text)."""

from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from corroborate import relations, summarize
from corroborate.token_set import TokenSetRatios

from test_big_story_indexes import FLOAT32_ROUNDING

WORDS = ("the harbour board said ferry crews were paid on monday night and tickets sold to islanders "
         "ferries crew a council's night-time 2026 é café naïve 😀 x y").split()  # fmt: skip


def _texts(seed: int, count: int) -> list[str]:
    """Sentences of a few shared words, some long (own words past 64 and 128 characters),
    some empty or of one word, some repeating a word."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        length = rng.choice([0, 1, 3, 8, 14, 30, 60])
        vocabulary = WORDS[: rng.randint(4, len(WORDS))]
        out.append(" ".join(rng.choice(vocabulary) for _ in range(length)))
    base = [t for t in out if t]
    for k in range(count // 4):  # near copies: a word swapped, added or dropped
        words = rng.choice(base).split()
        at = rng.randrange(len(words))
        words[at : at + 1] = rng.choice([[], [rng.choice(WORDS)], [words[at], rng.choice(WORDS)]])
        out.append(" ".join(words))
    return out


def test_compiled_token_set_ratio_is_rapidfuzz_bit_for_bit():
    texts = _texts(seed=1, count=160)
    index = np.arange(len(texts))
    left, right = np.repeat(index, len(texts)), np.tile(index, len(texts))
    expected = process.cdist(texts, texts, scorer=fuzz.token_set_ratio, dtype=np.float64).ravel()
    found = TokenSetRatios(texts)(left, right)
    assert np.array_equal(found, expected)
    assert len(set(expected.tolist())) > 100  # many different ratios, not 0 and 100 alone
    cutoff = np.random.default_rng(1).uniform(0, 100, len(left))
    assert np.array_equal(TokenSetRatios(texts)(left, right, cutoff), np.where(expected >= cutoff, expected, 0.0))


def test_upper_pairs_are_the_full_products_numbers():
    rng = np.random.default_rng(2)
    for rows in (1025, 1300, 300):  # a last block of one row, of a few hundred, a single block
        matrix = rng.normal(size=(rows, 256)).astype(np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        expected = []
        for first in range(0, rows, relations._BLOCK_ROWS):  # as the stages multiplied before
            cosine = matrix[first : first + relations._BLOCK_ROWS] @ matrix.T
            r, c = np.nonzero((cosine >= 0.1) & (np.arange(rows)[None, :] >= np.arange(first, first + len(cosine))[:, None]))
            expected.append((r + first, c, cosine[r, c]))
        found = list(relations.upper_pairs(matrix, 0.1))
        for (er, ec, ev), (fr, fc, fv) in zip(expected, found, strict=True):
            # The whole product's pairs and numbers within float32 rounding (bit for bit
            # where OpenBLAS sums every entry alike: see test_big_story_indexes.FLOAT32_ROUNDING).
            expected_pairs = dict(zip(zip(er.tolist(), ec.tolist()), ev.tolist()))
            found_pairs = dict(zip(zip(fr.tolist(), fc.tolist()), fv.tolist()))
            for pair in expected_pairs.keys() ^ found_pairs.keys():
                assert abs(expected_pairs.get(pair, found_pairs.get(pair)) - 0.1) <= FLOAT32_ROUNDING
            for pair in expected_pairs.keys() & found_pairs.keys():
                assert abs(expected_pairs[pair] - found_pairs[pair]) <= FLOAT32_ROUNDING
            assert list(zip(fr.tolist(), fc.tolist())) == sorted(found_pairs)  # row by row, in order


@pytest.fixture
def compiled(monkeypatch):
    """Every story's ratios asked of the compiled kernel, however few its texts."""
    monkeypatch.setattr(relations, "COMPILED_FROM_TEXTS", 0)


@pytest.mark.parametrize("seed", [1, 2])
def test_compiled_alignment_finds_every_pair_the_long_way_does(compiled, seed):
    from test_stage_shortcuts import test_aligned_pairs_of_distinct_texts_stand_for_every_print as long_way

    long_way(seed)


def test_repeats_of_the_summary_are_every_pair_that_is_the_same(compiled):
    rng = np.random.default_rng(3)
    texts = _texts(seed=3, count=450)  # 562, more than a block of rows
    vectors = rng.normal(size=(len(texts), 8)).astype(np.float32)
    for k, text in enumerate(texts):  # near copies get near vectors
        vectors[k, sum(map(len, text.split()[:3])) % 8] += 3
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sameness = summarize._Sameness(texts, vectors)
    rows = list(range(0, len(texts), 1))
    candidates = [SimpleNamespace(row=row, index=k, repeats=set()) for k, row in enumerate(rows)]
    summarize._mark_repeats(candidates, sameness, redundant_cosine=0.97)
    cosine = vectors[rows] @ vectors[rows].T
    expected = {k: set() for k in range(len(rows))}
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            if cosine[i, j] >= 0.97 or sameness.same(rows[i], rows[j], float(cosine[i, j])):
                expected[i].add(j)
                expected[j].add(i)
    assert {c.index: c.repeats for c in candidates} == expected
    assert sum(map(len, expected.values())) > 200

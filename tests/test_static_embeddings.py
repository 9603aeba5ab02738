"""The static sentence encoder distilled from MiniLM (corroborate.static_embeddings)."""

from __future__ import annotations

import numpy as np
import pytest

from corroborate import nlp
from corroborate.static_embeddings import STATIC_DIM, cache_path, static_encoder


def test_the_table_is_cached_outside_the_repository():
    from pathlib import Path

    repository = Path(__file__).resolve().parent.parent
    assert repository not in cache_path().resolve().parents


def test_sentences_are_unit_vectors_and_an_empty_text_is_zero():
    vectors = static_encoder().encode(["The mayor of Quellbridge opened the new bridge on Tuesday.", ""])
    assert vectors.shape == (2, STATIC_DIM) and vectors.dtype == np.float32
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-5)
    assert not vectors[1].any()


def test_a_rewording_is_closer_than_an_unrelated_sentence_and_on_minilm_scale():
    original = "The mayor of Quellbridge opened the new bridge on Tuesday."
    reworded = "On Tuesday the new bridge was opened by Quellbridge's mayor."
    unrelated = "Heavy rain is expected across the northern valleys this weekend."
    static = nlp.embed([original, reworded, unrelated], "static")
    minilm = nlp.embed([original, reworded, unrelated], "minilm")
    same, other = float(static[0] @ static[1]), float(static[0] @ static[2])
    assert same > 0.7 and other < 0.4
    # Thresholds tuned on MiniLM cosines hold: the two agree within a margin here.
    assert abs(same - float(minilm[0] @ minilm[1])) < 0.2
    assert abs(other - float(minilm[0] @ minilm[2])) < 0.3


def test_a_text_embeds_the_same_whatever_else_is_in_the_batch():
    texts = ["A fire closed the harbour road.", "Officials said the road reopens on Friday.", "Short."]
    together = static_encoder().encode(texts)
    alone = np.stack([static_encoder().encode([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-6)


def test_large_stories_embed_statically_and_small_ones_with_minilm(monkeypatch):
    monkeypatch.delenv("CORROBORATE_ENCODER", raising=False)
    assert nlp.encoder_for(100) == "minilm"
    assert nlp.encoder_for(nlp.MINILM_SENTENCE_BUDGET + 1) == "static"
    monkeypatch.setenv("CORROBORATE_ENCODER", "minilm")
    assert nlp.encoder_for(10**6) == "minilm"


def test_a_story_encoded_in_chunks_is_the_same_bit_for_bit(monkeypatch):
    from corroborate import static_embeddings

    texts = [f"Officials in Quellbridge counted {k} boats at the harbour on day {k % 7}." for k in range(23)] + [""]
    whole = static_encoder().encode(texts)
    monkeypatch.setattr(static_embeddings, "_ENCODE_TEXTS", 5)
    chunked = static_encoder().encode(texts)
    assert chunked.shape == whole.shape and np.array_equal(chunked, whole)

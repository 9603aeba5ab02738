"""Corpus near-duplicate detection: shingles, MinHash, LSH, the streaming records,
and the quality gate on a corpus of real articles with planted copies."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.dedup import (
    DedupOptions,
    Deduplicator,
    MinHasher,
    content_hash,
    dedup_stream,
    final_groups,
    normalise,
    overlap,
    shingle_hashes,
    words,
)

# A made-up vocabulary: documents of random words behave like unrelated articles.
VOCABULARY = [f"{a}{b}" for a in ("bra", "kel", "mor", "tis", "vun", "pa", "lo", "shen") for b in
              ("dor", "mik", "sa", "tol", "wen", "ri", "gax", "bu", "fen", "ul")]  # fmt: skip


def fake_document(rng: random.Random, length: int = 300) -> str:
    paragraphs = []
    for _ in range(length // 50):
        paragraphs.append(" ".join(rng.choice(VOCABULARY) for _ in range(50)) + ".")
    return "\n\n".join(paragraphs)


def change_words(text: str, share: float, rng: random.Random) -> str:
    tokens = text.split()
    for index in rng.sample(range(len(tokens)), int(len(tokens) * share)):
        tokens[index] = "replaced"
    return " ".join(tokens)


def test_shingles_are_sorted_distinct_and_repeatable():
    tokens = words("The ferry sailed, the ferry sailed, the ferry sailed again.")
    first = shingle_hashes(tokens, 3)
    assert first.dtype == np.uint32
    assert list(first) == sorted(set(first.tolist()))
    assert len(first) == 4  # "the ferry sailed", "ferry sailed the", "sailed the ferry", "ferry sailed again"
    assert np.array_equal(first, shingle_hashes(list(tokens), 3))


def test_short_text_is_one_shingle_and_empty_text_none():
    assert len(shingle_hashes(["two", "words"], 3)) == 1
    assert len(shingle_hashes([], 3)) == 0


def test_overlap_is_jaccard_and_containment_of_the_smaller():
    small = np.array([1, 2, 3, 4], dtype=np.uint32)
    large = np.array([2, 3, 4, 5, 6, 7, 8, 9], dtype=np.uint32)
    jaccard, containment = overlap(small, large)
    assert jaccard == pytest.approx(3 / 9)
    assert containment == pytest.approx(3 / 4)
    assert overlap(small, np.zeros(0, dtype=np.uint32)) == (0.0, 0.0)


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=200))
def test_normalise_is_idempotent_and_hash_ignores_case_and_spacing(text):
    assert normalise(normalise(text)) == normalise(text)
    assert content_hash(text) == content_hash("  " + text.replace(" ", "\n ") + "\t")


def test_content_hash_ignores_case_spacing_and_punctuation():
    assert content_hash("The Ferry  sailed.") == content_hash("the ferry\nsailed!") != content_hash("the ferry sank")


def test_minhash_estimates_jaccard():
    rng = random.Random(3)
    base = fake_document(rng, 600)
    copy = change_words(base, 0.08, rng)
    left, right = (shingle_hashes(words(t)) for t in (base, copy))
    true_jaccard, _ = overlap(left, right)
    signatures = MinHasher(num_perm=256, seed=5).signatures([left, right])
    estimate = float((signatures[0] == signatures[1]).mean())
    assert abs(estimate - true_jaccard) < 0.1
    assert 0.3 < true_jaccard < 0.9  # the pair is neither identical nor unrelated


def test_signature_of_an_empty_set_matches_nothing():
    hasher = MinHasher(num_perm=8)
    signatures = hasher.signatures([np.zeros(0, dtype=np.uint32), np.array([7], dtype=np.uint32)])
    assert (signatures[0] == 0xFFFFFFFF).all() and (signatures[1] != 0xFFFFFFFF).any()


def test_records_for_each_kind_of_match():
    rng = random.Random(7)
    original, other = fake_document(rng), fake_document(rng)
    host = fake_document(rng, 100)
    documents = [
        ("original", original),
        ("other", other),
        ("exact", original.upper()),
        ("edited", change_words(original, 0.05, rng)),
        ("pasted", host + "\n\n" + original + "\n\n" + host[::-1]),
        ("trimmed", original[: len(original) // 2]),
    ]
    records = {r.key: r for r in dedup_stream(documents)}
    assert records["original"].kind == records["other"].kind == "original"
    assert records["other"].group == 1
    assert (records["exact"].kind, records["exact"].match) == ("duplicate", "original")
    assert (records["edited"].kind, records["edited"].group) == ("near-duplicate", 0)
    assert records["pasted"].group == 0 and records["pasted"].kind in ("contains", "near-duplicate")
    assert records["pasted"].containment >= 0.95
    assert records["trimmed"].group == 0 and records["trimmed"].containment >= 0.95


def test_results_do_not_depend_on_batch_size():
    rng = random.Random(11)
    originals = [fake_document(rng) for _ in range(20)]
    documents = [(f"o{i}", t) for i, t in enumerate(originals)]
    documents += [(f"c{i}", change_words(t, 0.05, rng)) for i, t in enumerate(originals)]
    one_by_one = list(dedup_stream(documents, batch_size=1))
    batched = list(dedup_stream(documents, batch_size=16))
    assert one_by_one == batched
    assert all(r.group == int(r.key[1:]) for r in batched)


def test_a_document_matching_two_groups_merges_them():
    rng = random.Random(13)
    original = fake_document(rng, 600)
    half = len(original) // 2
    first_half, second_half = original[:half], original[half:]
    records = list(dedup_stream([("first", first_half), ("second", second_half), ("whole", original)]))
    assert [r.group for r in records] == [0, 1, 0]
    assert records[2].merged == (1,)
    assert final_groups(records) == {"first": 0, "second": 0, "whole": 0}


def test_short_documents_only_match_exactly():
    deduplicator = Deduplicator(DedupOptions(min_shingles=20))
    records = deduplicator.add_batch([("a", "Ferry cancelled today."), ("b", "Ferry cancelled today!"),
                                      ("c", "Ferry cancelled again today.")])  # fmt: skip
    assert [r.kind for r in records] == ["original", "duplicate", "original"]


@pytest.mark.slow
def test_planted_copies_of_real_articles_are_found():
    """Quality gate: precision and recall of duplicate pairs on real articles with planted copies."""
    import sys
    from pathlib import Path

    from conftest import ROOT, floor, shared_path

    shared_path("data", "multinews_dev200.jsonl.gz")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from dedup_corpus import evaluate, planted_corpus

    corpus = planted_corpus(Path(shared_path("data")), originals=300, seed=0)
    precision, recall = evaluate(corpus, DedupOptions())
    print(f"planted corpus: {len(corpus.documents)} documents, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= floor("dedup_planted_precision")
    assert recall >= floor("dedup_planted_recall")


def test_cli_writes_one_line_per_article_and_reports_bad_input(tmp_path):
    import csv
    import io
    import json

    from click.testing import CliRunner

    from corroborate.cli import main

    rng = random.Random(5)
    original = fake_document(rng)
    (tmp_path / "a.txt").write_text("Original headline\n\n" + original)
    (tmp_path / "b.txt").write_text("Copied headline\n\n" + change_words(original, 0.03, rng))
    (tmp_path / "c.txt").write_text("Other headline\n\n" + fake_document(rng))
    (tmp_path / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["dedup", str(tmp_path)])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    by_name = {line["article"].rsplit("/", 1)[-1]: line for line in lines}
    assert set(by_name) == {"a.txt", "b.txt", "c.txt"}
    assert by_name["b.txt"]["group"] == by_name["a.txt"]["group"] != by_name["c.txt"]["group"]
    assert by_name["b.txt"]["original"].endswith("a.txt") and by_name["b.txt"]["kind"] == "near-duplicate"
    assert "empty.txt: empty file" in result.stderr

    as_csv = CliRunner().invoke(main, ["dedup", str(tmp_path), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [row["group"] for row in rows] == [str(line["group"]) for line in lines]

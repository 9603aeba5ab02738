"""Corpus near-duplicate detection: shingles, MinHash, LSH, the streaming records,
and the quality gate on a corpus of real articles with planted copies."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.dedup import (
    BandIndex,
    DedupOptions,
    Deduplicator,
    common_counts,
    content_hash,
    dedup_stream,
    final_groups,
    minhash_signatures,
    normalise,
    overlap,
    shingle_batch,
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
    signatures = minhash_signatures([left, right], num_perm=256)
    estimate = float((signatures[0] == signatures[1]).mean())
    assert abs(estimate - true_jaccard) < 0.1
    assert 0.3 < true_jaccard < 0.9  # the pair is neither identical nor unrelated


def test_minhash_of_short_documents_is_densified():
    # 30 shingles in 64 bins leave most bins empty: they borrow a neighbour's value,
    # so a short document and its copy still agree on most bins.
    rng = random.Random(4)
    short = fake_document(rng, 50)
    left, right = (shingle_hashes(words(t)) for t in (short, short + " extra"))
    signatures = minhash_signatures([left, right], num_perm=64)
    assert (signatures != 0xFFFFFFFF).all()
    assert (signatures[0] == signatures[1]).mean() > 0.8


def test_signature_of_an_empty_set_matches_nothing():
    signatures = minhash_signatures([np.zeros(0, dtype=np.uint32), np.array([7], dtype=np.uint32)], num_perm=8)
    assert (signatures[0] == 0xFFFFFFFF).all() and (signatures[1] != 0xFFFFFFFF).all()


# Letters of several scripts, digits, "_", and punctuation that `\w` does not match.
MIXED_ALPHABET = "abcXYZ09_ \n\t.,;:!?-'\"()éÉßçÇøÅ’‘“”—–…«»°ΩωΣЖж字\u00a0\u0301½ﬁ😀"


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=MIXED_ALPHABET, max_size=80))
def test_numpy_words_are_the_regex_words(text):
    # The batch tokeniser works on UTF-8 bytes; it must split and case-fold as `words` (`\w+`) does.
    spaced = " ".join(words(text))
    batch = shingle_batch([text, spaced, text.upper()], size=1)
    assert batch.digests[0] == batch.digests[1]
    if words(text.upper()) == words(text):  # not always: "ß\u0301".upper() composes to "SŚ"
        assert batch.digests[2] == batch.digests[0]
    assert np.array_equal(batch.shingles(0), batch.shingles(1))
    assert len(batch.shingles(0)) == len(set(words(text)))


def test_batch_shingles_do_not_cross_documents():
    together = shingle_batch(["one two three", "four five six", "seven"])
    for row, text in enumerate(["one two three", "four five six", "seven"]):
        assert np.array_equal(together.shingles(row), shingle_batch([text]).shingles(0))
    assert together.size(2) == 1  # shorter than a shingle: one shingle of all its words


def test_common_counts_match_intersections():
    rng = np.random.default_rng(2)
    mine = np.unique(rng.integers(0, 500, 200).astype(np.uint32))
    others = [np.unique(rng.integers(0, 500, size).astype(np.uint32)) for size in (1, 50, 300)]
    assert common_counts(mine, others).tolist() == [len(np.intersect1d(mine, o)) for o in others]


def test_band_index_finds_every_stored_key_across_merges():
    rng = np.random.default_rng(1)
    index, stored = BandIndex(), {}
    for batch in range(9):  # enough batches for several LSM merges
        keys = rng.integers(0, 40, 16).astype(np.uint64)  # few distinct keys: many collisions
        documents = np.arange(batch * 16, batch * 16 + 16)
        owners = documents + 1000
        found = set(index.query(keys, owners).tolist())
        expected = {(int(o) << 32) | d for k, o in zip(keys.tolist(), owners.tolist()) for d in stored.get(k, [])}
        assert found == expected
        index.insert(keys, documents)
        for key, document in zip(keys.tolist(), documents.tolist()):
            stored.setdefault(key, []).append(document)


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


def test_a_document_matching_two_groups_links_them_without_renumbering():
    rng = random.Random(13)
    first, second, other = (fake_document(rng, 300) for _ in range(3))
    documents = [("first", first), ("second", second), ("whole", first + "\n\n" + second),
                 ("second with other", second + "\n\n" + other)]  # fmt: skip
    records = list(dedup_stream(documents))
    # "whole" contains both earlier texts: it joins the earliest group and links the other.
    # Group numbers are final when written: the last document matches only "second"
    # (a third of "whole" is not enough) and so still gets group 1, not a renumbered 0.
    assert [r.group for r in records] == [0, 1, 0, 1]
    assert records[2].linked == (1,) and records[2].kind == "contains"
    assert records[3].linked == () and records[3].match == "second"
    assert final_groups(records) == {"first": 0, "second": 0, "whole": 0, "second with other": 0}


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
    assert all(line["linked"] == [] for line in lines)  # no article here bridges two groups
    assert "empty.txt: empty file" in result.stderr

    as_csv = CliRunner().invoke(main, ["dedup", str(tmp_path), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [row["group"] for row in rows] == [str(line["group"]) for line in lines]

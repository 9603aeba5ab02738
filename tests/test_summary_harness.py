"""The summarisation harness (benchmarks/summary_harness.py) on a tiny fictional
cluster: input reading, the baselines' definitions, the word cut, and scoring."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import summary_harness as harness  # noqa: E402

FIRST = (
    "The Eastmere ferry stopped running on Monday after a fault in its engine.\n\n"
    "Passengers were moved to buses for the crossing to the island.\n\n"
    "The operator said repairs would take a week."
)
SECOND = (
    "Buses replaced the Eastmere ferry on Monday while engineers repaired its engine.\n\n"
    "The island's shops said fewer visitors came over the weekend."
)
REFERENCE = "The Eastmere ferry stopped running on Monday after an engine fault, and buses took passengers instead."


def cluster(**extra) -> dict:
    record = {
        "cluster_id": "eastmere-ferry",
        "docs": [
            {"id": "d2", "title": "", "text": SECOND, "date": "2031-06-03", "source": ""},
            {"id": "d1", "title": "", "text": FIRST, "date": "2031-06-02", "source": ""},
        ],
        "references": [REFERENCE],
    }
    record.update(extra)
    return record


def test_reads_gzipped_jsonl_with_a_limit(tmp_path):
    path = tmp_path / "clusters.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for index in range(3):
            out.write(json.dumps(cluster(cluster_id=f"c{index}")) + "\n")
    assert [r["cluster_id"] for r in harness.read_clusters(path, limit=2)] == ["c0", "c1"]


def test_a_bad_line_is_named_not_a_traceback(tmp_path):
    path = tmp_path / "clusters.jsonl"
    path.write_text(json.dumps(cluster()) + "\n{not json\n")
    with pytest.raises(SystemExit, match=r"clusters.jsonl:2: not JSON"):
        list(harness.read_clusters(path))


def test_lead_is_the_earliest_article_and_round_robin_alternates():
    brief = harness.cluster_brief(cluster(), None)
    lead = harness.lead(brief, 300)
    assert lead[0].startswith("The Eastmere ferry stopped running")
    robin = harness.round_robin_lead(brief, 300)
    assert robin[0].startswith("The Eastmere ferry stopped running")  # earliest article first
    assert robin[1].startswith("Buses replaced the Eastmere ferry")  # then the other's first sentence
    assert robin[2].startswith("Passengers were moved")


def test_cut_keeps_exactly_the_budget_and_sentence_breaks():
    assert harness.cut(["one two three", "four five six"], 4) == ["one two three", "four"]
    assert harness.cut(["one two"], 10) == ["one two"]


def test_sumy_baselines_run_with_our_sentence_splitter():
    tokenizer = harness.CorroborateTokenizer()
    assert tokenizer.to_sentences("The ferry stopped. Buses ran instead.") == ("The ferry stopped.", "Buses ran instead.")
    brief = harness.cluster_brief(cluster(), None)
    for name in ("LexRank (sumy)", "TextRank (sumy)", "TF-IDF centroid"):
        ranked = harness.SYSTEM_FUNCTIONS[name](brief, 300)
        assert ranked, name
        assert set(ranked) <= {brief.text(s.span) for s in brief.sentences}, name


def test_scores_every_system_and_the_table_lists_them():
    result = harness.score_cluster(cluster(), 20, harness.SYSTEMS, None)
    assert set(result.scores) == set(harness.SYSTEMS)
    for name, metrics in result.scores.items():
        assert set(metrics) == set(harness.METRICS)
        assert all(0.0 <= value <= 1.0 for pair in metrics.values() for value in pair), name
        assert result.words[name] <= 20
    # The reference retells the earliest article's lead: lead must score well above zero.
    assert result.scores["lead"]["rouge2"][0] > 0.2
    table = harness.table([result], harness.SYSTEMS, 20)
    assert all(f"| {name} |" in table for name in harness.SYSTEMS)


def test_offset_skips_clusters(tmp_path):
    path = tmp_path / "clusters.jsonl"
    path.write_text("".join(json.dumps(cluster(cluster_id=f"c{i}")) + "\n" for i in range(4)))
    assert [r["cluster_id"] for r in harness.read_clusters(path, limit=2, offset=1)] == ["c1", "c2"]


def test_split_prints_a_table_for_each_part(tmp_path, capsys):
    path = tmp_path / "clusters.jsonl"
    path.write_text("".join(json.dumps(cluster(cluster_id=f"c{i}")) + "\n" for i in range(3)))
    out = tmp_path / "table.md"
    assert harness.main([str(path), "--words", "20", "--systems", "lead", "--split", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "clusters #0-#1 (2 clusters)" in printed and "clusters #2-#2 (1 clusters)" in printed
    assert out.read_text().count("| lead |") == 3


def test_duc_setting_drops_titles_and_dates_and_fills_the_budget():
    record = cluster()
    record["docs"][0]["title"] = "Eastmere ferry replaced by buses"
    brief = harness.cluster_brief(record, None, duc=True)
    assert all(a.title in (None, "") or not a.title.startswith("Eastmere ferry replaced") for a in brief.articles)
    assert all(a.published is None for a in brief.articles)
    # 17 words: one whole sentence fits (8-13 words), no two do.
    whole = harness.score_cluster(cluster(), 17, ("corroborate",), None)
    filled = harness.score_cluster(cluster(), 17, ("corroborate",), None, duc=True)
    # Whole sentences stop short of the budget; the DUC-style run fills it like the baselines.
    assert whole.words["corroborate"] < 17 == filled.words["corroborate"]


def test_protocol_tables_choose_our_setting_on_training_folds_and_compare_with_the_best_baseline():
    records = [cluster(cluster_id=f"c{i}") for i in range(10)]

    def result(i: int) -> harness.ClusterResult:
        ours = {"rouge2": (0.12, 0.10)}
        scores = {"corroborate [shipped]": ours, "corroborate [other]": {"rouge2": (0.05, 0.04)},
                  "lead": {"rouge2": (0.08, 0.07)}, "TF-IDF centroid": {"rouge2": (0.10 + 0.001 * i, 0.09)}}  # fmt: skip
        return harness.ClusterResult(f"c{i}", scores, {}, {})

    text = harness.protocol_tables([result(i) for i in range(10)], records, ("lead", "TF-IDF centroid"), ("shipped", "other"))
    assert "setting chosen per fold ['shipped', 'shipped', 'shipped', 'shipped', 'shipped']" in text
    assert "ours over the best baseline (TF-IDF centroid)" in text and "target +0.8: met" in text


def test_several_references_are_pooled_as_rouge_155_does():
    """Recall over all references together (hits summed over references / their
    n-grams summed), not the best reference alone: a summary that matches one of
    four references perfectly is not scored as perfect."""
    summary = "The Eastmere ferry stopped running on Monday."
    others = ["Buses took the island's passengers across instead.", "An engine fault kept the boat in port all week.",
              "Island shops saw fewer visitors at the weekend."]  # fmt: skip
    best = harness.rouge_against([summary, *others], summary, pooled=False)
    pooled = harness.rouge_against([summary, *others], summary, pooled=True)
    assert best["rouge2"][1] == pytest.approx(1.0)
    bigrams = [len(harness._rouge()._tokenizer.tokenize(r)) - 1 for r in (summary, *others)]
    assert pooled["rouge2"][1] == pytest.approx(bigrams[0] / sum(bigrams))  # only the first has its bigrams
    # One reference: both ways are the plain score.
    assert harness.rouge_against([REFERENCE], summary) == harness.rouge_against([REFERENCE], summary, pooled=False)


# Wire stories long enough to be recognised as hard-wrapped (a few lines break inside
# each paragraph; two short paragraphs say nothing about wrapping).
WIRE_STORY = (
    "The Eastmere ferry stopped running on Monday after a fault in its engine, leaving the island "
    "without its only car crossing at the start of the holiday season.\n\n"
    "Passengers were moved to buses for the crossing to the island, which took them over the old "
    "causeway at low tide and doubled the journey for most of the commuters.\n\n"
    "The operator said repairs would take a week, and that the spare engine ordered in the spring "
    "had still not arrived from the yard in Port Alder."
)


def test_wire_copy_reads_as_the_plain_text():
    """--wire: the documents rewritten with a dateline and lines broken at 72 columns
    give the same sentences, the lead's without its dateline."""
    record = cluster(docs=[{"id": "d1", "title": "", "text": WIRE_STORY, "date": "", "source": ""}])
    plain = harness.cluster_brief(record, None, duc=True)
    wire = harness.cluster_brief(harness.as_wire(record), None, duc=True)
    texts = lambda brief: sorted(brief.text(s.span) for s in brief.sentences)  # noqa: E731
    assert len(texts(plain)) >= 3
    assert sorted(t.removeprefix(harness.WIRE_DATELINE) for t in texts(wire)) == texts(plain)
    assert all(len(line) <= 72 for line in harness.as_wire(record)["docs"][0]["text"].split("\n"))


def test_tokenised_documents_read_as_the_plain_text():
    """--tokenised: the documents as Treebank tokens give the same sentences once
    corroborate has read them; --flat puts each document on one line."""
    # one document with marks enough to be told tokenised (a two-sentence one is not)
    record = cluster(docs=[{"id": "d1", "title": "", "text": FIRST + "\n\n" + SECOND, "date": "", "source": ""}])
    tokenised = harness.as_tokenised(record)
    assert "Monday after a fault in its engine ." in tokenised["docs"][0]["text"]
    assert "The island 's shops" in tokenised["docs"][0]["text"]
    texts = lambda brief: sorted(brief.text(s.span) for s in brief.sentences)  # noqa: E731
    plain = harness.cluster_brief(record, None, duc=True)
    assert len(texts(plain)) == 5
    assert texts(harness.cluster_brief(tokenised, None, duc=True)) == texts(plain)
    flat = harness.as_tokenised(cluster(), tokenise=False, flat=True)
    assert all("\n" not in doc["text"] for doc in flat["docs"])
    assert flat["docs"][1]["text"].startswith(FIRST.split("\n")[0] + " Passengers")


def test_treebank_quote_marks_give_the_summary_of_the_plain_text():
    """--ptb-quotes: double quotes written as `` and '' give the same sentences and the
    same summary as the text written with straight quotes (the marks aside)."""
    quoted = FIRST + '\n\n"We will run buses until the ferry is fixed," the operator said.'
    record = cluster(docs=[{"id": "d1", "title": "", "text": quoted, "date": "", "source": ""},
                           {"id": "d2", "title": "", "text": SECOND, "date": "", "source": ""}])  # fmt: skip
    ptb = harness.with_ptb_quotes(record)
    assert "``We will run buses until the ferry is fixed,'' the operator said." in ptb["docs"][0]["text"]
    straight = lambda texts: [t.replace("``", '"').replace("''", '"') for t in texts]  # noqa: E731
    plain_brief, ptb_brief = (harness.cluster_brief(r, None, duc=True) for r in (record, ptb))
    texts = lambda brief: sorted(brief.text(s.span) for s in brief.sentences)  # noqa: E731
    assert sorted(straight(texts(ptb_brief))) == texts(plain_brief)
    summary = harness.ours(plain_brief, 40)
    assert any("We will run buses" in sentence for sentence in summary)
    assert sorted(straight(harness.ours(ptb_brief, 40))) == sorted(summary)  # (article order follows the text)


def test_ap_dashes_are_written_as_the_wire_wrote_them():
    """--ap-dashes: every dash (em dash, "--", a hyphen between spaces) written " _ ",
    hyphenated words and the rest of the text as they were."""
    text = "The ferry \u2014 the island's only one \u2014 stopped. Buses -- twelve of them - ran; a well-known route."
    record = harness.with_ap_dashes(cluster(docs=[{"id": "d1", "title": "", "text": text, "date": "", "source": ""}]))
    assert record["docs"][0]["text"] == (
        "The ferry _ the island's only one _ stopped. Buses _ twelve of them _ ran; a well-known route."
    )


def test_a_setting_can_be_any_tuning_fields_at_the_budget():
    tuning = harness.setting_tuning("tfidf_weight=0&min_words=10", 100)
    assert tuning.tfidf_weight == 0.0 and tuning.min_words == 10 and tuning.short == ()
    assert tuning.redundant_cosine == dict(harness.setting_tuning("shipped", 100).short)["redundant_cosine"]
    with pytest.raises(ValueError):
        harness.setting_tuning("no_such_field=1", 100)

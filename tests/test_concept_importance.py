"""Learned concept weights (benchmarks/concept_importance.py, measured and not kept in
the summariser) on a small fictional story: the Velmora ferry strike, told by two
made-up outlets."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from builders import article

from corroborate.brief import start_brief
from corroborate.sentences import split_sentences
from corroborate.summarize import summary_sentences

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from concept_importance import FEATURES, features, learned_weights, reweigh, story_concepts  # noqa: E402

HERALD = article(
    "Ferry crews in Velmora walked off the job on Monday over unpaid overtime.\n\n"
    "The strike stranded about 900 passengers on Tarn Island overnight.\n\n"
    "Union leader Oskar Brandt said talks with the operator had broken down.",
    title="Velmora ferry strike",
    outlet="Velmora Herald",
    published=dt.date(2031, 3, 2),
)
POST = article(
    "A ferry strike stranded hundreds of passengers on Tarn Island on Monday night.\n\n"
    "Crews stopped work over unpaid overtime, the union said.\n\n"
    "Cafes on the island stayed open late for the stranded travellers.",
    title="Island cut off",
    outlet="Coastal Post",
    published=dt.date(2031, 3, 3),
)


def _story(*articles):
    return split_sentences(start_brief(articles))


def _model(**coefficients):
    return tuple((name, coefficients.get(name, 0.0)) for name in (*FEATURES, "intercept"))


def test_features_say_how_many_sources_print_a_bigram_and_how_early():
    candidates, weights = story_concepts(_story(HERALD, POST), 100)
    keys, rows = features(candidates, weights)
    row = dict(zip(keys, (dict(zip(FEATURES, r)) for r in rows)))
    both, one = row[("tarn", "island")], row[("stai", "open")]
    assert both["source_share"] == 1.0 and one["source_share"] == 0.5
    assert both["log_sources"] > one["log_sources"]
    assert both["names"] == 2.0 and one["names"] == 0.0  # "Tarn Island" is capitalised mid-sentence
    assert row[("unpaid", "overtim")]["stop_words"] == 0.0 and row[("on", "tarn")]["stop_words"] == 1.0
    assert one["log_first_position"] > row[("ferri", "crew")]["log_first_position"]  # a lead's bigram


def test_learned_weights_follow_the_model_and_keep_the_stories_total():
    candidates, weights = story_concepts(_story(HERALD, POST), 100)
    favour_agreement = reweigh(candidates, weights, _model(source_share=4.0))
    assert sum(favour_agreement.values()) == pytest.approx(sum(weights.values()))
    assert favour_agreement[("tarn", "island")] > favour_agreement[("stai", "open")]
    favour_one_source = reweigh(candidates, weights, _model(source_share=-4.0))
    assert favour_one_source[("tarn", "island")] < favour_one_source[("stai", "open")]
    combined = reweigh(candidates, weights, _model(), mode="combine")  # p constant: the hand-made weights
    for concept, weight in weights.items():
        assert combined[concept] == pytest.approx(weight)


def test_a_summary_with_learned_weights_does_not_depend_on_input_order():
    forward = _story(HERALD, POST)
    backward = _story(POST, HERALD)
    shipped = [s.span for s in summary_sentences(forward, 30)]
    with learned_weights(_model(source_share=-4.0, log_occurrences=-1.0, intercept=-3.0)):
        spans = [s.span for s in summary_sentences(forward, 30)]
        assert spans and spans == [s.span for s in summary_sentences(backward, 30)]
    assert spans != shipped  # the model was in charge (it favours what one source alone says)
    assert [s.span for s in summary_sentences(forward, 30)] == shipped  # and is gone after the block

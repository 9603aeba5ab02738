"""Tokenised text (Penn Treebank tokens separated by spaces, as research corpora ship
news) is told from written text and read as the written text it was made from.

All fixture text is fictional (people, places and events made up here).
"""

from __future__ import annotations

import pytest
from conftest import EXAMPLE_STORY

from corroborate.clean import clean
from corroborate.detokenise import detokenise, is_tokenised
from corroborate.ingest import read_articles
from corroborate.model import RawArticle

TOKENISED = (
    "Harbour master Ines Valdor said on Tuesday that the Wexford ferry would n't sail until July 31 , 2026 .\n"
    "`` We are not going to risk anyone 's life , '' Valdor told reporters . The council 's engineer ( a contractor ) "
    "agreed ; the repairs cost $ 4.5 million , she said ."
)
WRITTEN = (
    "Harbour master Ines Valdor said on Tuesday that the Wexford ferry wouldn't sail until July 31, 2026.\n"
    '"We are not going to risk anyone\'s life," Valdor told reporters. The council\'s engineer (a contractor) '
    "agreed; the repairs cost $4.5 million, she said."
)


def _treebank_tokens(text: str) -> str:
    """`text` as Treebank tokens, sentence by sentence, paragraphs kept (the way
    benchmarks/summary_harness.py --tokenised makes a tokenised corpus)."""
    from nltk.tokenize import TreebankWordTokenizer

    from corroborate.sentences import _split_paragraph

    words = TreebankWordTokenizer()
    return "\n".join(
        " ".join(" ".join(words.tokenize(line[a:b])) for a, b in _split_paragraph(line)) for line in text.split("\n")
    )


def test_tokenised_text_is_told_from_written_text():
    assert is_tokenised(TOKENISED)
    assert not is_tokenised(WRITTEN)


@pytest.mark.parametrize(
    "written",
    [
        # a few marks standing alone, as written text has them: an ellipsis, a French-spaced question
        "The pump failed ... and the alarm never rang. Who knew ? Nobody, said Holt, and the council agreed. It rained.",
        # a headline with a spaced colon: too few marks to say anything
        "Ferry halted : harbour master orders checks",
        "",
    ],
)
def test_written_text_with_a_few_spaced_marks_is_not_tokenised(written):
    assert not is_tokenised(written)


def test_a_tokenised_paragraph_reads_as_written_text():
    assert [detokenise(line) for line in TOKENISED.split("\n")] == WRITTEN.split("\n")


def test_split_words_rejoin_and_only_those():
    assert detokenise("He got me , she said . We can not stay ; I 'm gon na go .") == (
        "He got me, she said. We cannot stay; I'm gonna go."
    )
    assert detokenise("The parents ' car is at https : //example.org now .") == "The parents' car is at https://example.org now."


def test_curly_quotes_rejoin_the_words_they_open_and_close():
    assert detokenise("“ We reported it , ” one resident wrote . ‘ Never , ’ she said .") == (
        "“We reported it,” one resident wrote. ‘Never,’ she said."
    )


def test_cleaning_reads_a_tokenised_article_as_written_keeping_its_raw_lines():
    article = clean(RawArticle(origin="tokenised.txt", text=TOKENISED))
    assert article.text == WRITTEN.replace("\n", "\n\n")  # each line one paragraph
    assert article.raw_line_of == (1, 1, 2)
    assert article.title.startswith("Harbour master Ines Valdor said on Tuesday that the Wexford ferry wouldn't")


def test_a_given_tokenised_title_is_read_as_written_too():
    article = clean(RawArticle(origin="t.txt", text=TOKENISED, title="Ferry halted until July 31 , harbour master says"))
    assert article.title == "Ferry halted until July 31, harbour master says"


def test_the_bundled_story_tokenised_reads_back_as_the_story_itself():
    """Every article of the bundled (fictional) story, tokenised with NLTK's Treebank
    tokenizer, is read back by corroborate as exactly the article it was made from:
    same text, same title, same id, so the same brief."""
    written, _ = read_articles([EXAMPLE_STORY / "articles"])
    assert written
    for article in written:
        tokens = _treebank_tokens(article.text)
        assert is_tokenised(tokens) and not is_tokenised(article.text)
        (again,), problems = read_articles([RawArticle(origin=article.origin, text=tokens, title=article.title)])
        assert not problems
        assert again.text == article.text
        assert again.id == article.id

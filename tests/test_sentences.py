"""Sentence spans: the splitter's pieces, and the labels news text puts before a sentence."""

from __future__ import annotations

from corroborate.model import Article
from corroborate.sentences import split_article


def _sentences(text: str) -> list[str]:
    article = Article(id="s1", origin="blog.txt", title="Live: harbour strike", text=text)
    return [article.slice(s.span) for s in split_article(article)]


def test_a_live_blog_stamp_is_a_sentence_of_its_own():
    """The words after the stamp are what was reported: they are the sentence a summary
    or a timeline shows, without the blog's clock."""
    text = ("(Update 12:05 a.m. Wednesday in Valdport, 5:05 p.m. ET Tuesday) Chants continue from thousands of "
            "strikers on the harbour front. More boats joined them.")
    assert _sentences(text) == [
        "(Update 12:05 a.m. Wednesday in Valdport, 5:05 p.m. ET Tuesday)",
        "Chants continue from thousands of strikers on the harbour front.",
        "More boats joined them.",
    ]


def test_a_transcript_speaker_label_is_a_sentence_of_its_own():
    text = "MIRA KESSEL, HARBOUR RADIO ANCHOR: The strike is spreading beyond the docks. KESSEL: Back to you."
    assert _sentences(text) == ["MIRA KESSEL, HARBOUR RADIO ANCHOR:", "The strike is spreading beyond the docks.",
                                "KESSEL:", "Back to you."]  # fmt: skip


def test_text_that_only_looks_like_a_label_is_left_whole():
    assert _sentences("The U.S. said: no.") == ["The U.S. said: no."]
    assert _sentences("Harbour master Ines Valdor: a profile of the woman who runs the docks.") == [
        "Harbour master Ines Valdor: a profile of the woman who runs the docks."
    ]
    assert _sentences("(Update 4:08 a.m.)") == ["(Update 4:08 a.m.)"]  # nothing after it


def test_a_line_of_thousands_of_labels_is_read():
    """Hostile input: every label is a sentence, and nothing raises (the labels are cut
    in a loop, not by recursion)."""
    text = "AB: " * 5000 + "The ferry sank."
    sentences = _sentences(text)
    assert len(sentences) == 5001 and sentences[-1] == "The ferry sank."

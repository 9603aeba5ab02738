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


def _spoken(text: str) -> list[bool]:
    article = Article(id="s1", origin="radio.txt", title="Harbour Radio evening", text=text)
    return [s.spoken for s in split_article(article)]


def test_a_transcripts_turns_are_spoken_from_its_first_label():
    """A conversation (two speakers' labels, one of them again) is a transcript: from its
    first label on, its sentences were said on air; the introduction before is the outlet's."""
    text = ("Harbour Radio's evening programme, 9 June.\n\nMIRA KESSEL, HARBOUR RADIO ANCHOR: Good evening. "
            "INES VALDOR, HARBOUR MASTER: Thank you, Mira. KESSEL: The strike goes on. VALDOR: It does.")
    assert _spoken(text) == [False] + [True] * 8


def test_headings_in_capitals_are_no_transcript():
    """A lone "UPDATE:", or headings that never come back, label the outlet's own text."""
    assert not any(_spoken("UPDATE: The strike ended at noon. The boats sailed."))
    assert not any(_spoken("ON PAY: The dockers want more. ON HOURS: They want fewer."))
    assert not any(_spoken("PHOTOS: The harbour at dawn. PHOTOS: The quay at night."))


def test_a_dated_list_run_into_one_paragraph_is_a_sentence_per_item():
    """A graphic's list of past spills, run together by the page's extraction: the
    parser hung one item's year on the item before it (one spill's year became
    another's: a false conflict in a real brief)."""
    from corroborate import nlp

    text = ("Worst spills: April 2031: Blast at the Kessary Deep rig spills up to 5,000 barrels a day "
            "1991: 11m gallons spilt into Lanner Sound in the Marlow Queen disaster "
            "1987: 80m gallons spilt off Tavra after a tanker hit a platform")
    items = ["Worst spills:", "April 2031: Blast at the Kessary Deep rig spills up to 5,000 barrels a day",
             "1991: 11m gallons spilt into Lanner Sound in the Marlow Queen disaster",
             "1987: 80m gallons spilt off Tavra after a tanker hit a platform"]  # fmt: skip
    assert _sentences(text) == items
    # The parse is cut the same way: its sentences are the items.
    assert [sentence.text for sentence in nlp.spacy_model()(text).sents] == items
    # A label that ends its paragraph leaves the next paragraph's first sentence alone.
    assert [s.text.strip() for s in nlp.spacy_model()("Spills: 1991: oil lost 1989:\nThe port reopened.").sents][-1] == (
        "The port reopened."
    )
    # One year and colon is a sentence's own: no list.
    assert _sentences("The port reopened in 1991: a day its workers still mark.") == [
        "The port reopened in 1991: a day its workers still mark."
    ]

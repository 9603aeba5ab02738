"""Cleaning: each kind of junk is removed with its reason, real content is kept,
raw line numbers stay right, and the hand-labelled real articles score 1.0.

All fixture lines are fictional (people, outlets and events made up here).
"""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest
from conftest import EXAMPLE_STORY, ROOT, floor, shared_path

from corroborate.clean import clean, derived_title, junk_reason
from corroborate.model import RawArticle
from corroborate.reader_comments import thread_start


def _clean_lines(*lines: str, title: str | None = None):
    return clean(RawArticle(origin="fixture.txt", text="\n\n".join(lines), title=title))


BODY = "Mayor Odile Brannock said on Monday that the Wexford ferry would run again by spring, as Brannock promised."


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Story saved!Story saved!", "share/save widget"),
        ("Share this article", "interface text"),
        ("Share on Facebook Share on Twitter Copy link", "interface text"),
        ("Advertisement", "interface text"),
        ("vt-author-image", "author image"),
        ("author-avatar size-thumbnail", "author image"),
        ("size-large wp-image-1263180494", "CMS class names"),
        ("alignnone size-full wp-image-88", "CMS class names"),
        ("Credit: Twitter", "image credit"),
        ("Featured image credit: Harbour Pictures / Dockside Agency", "image credit"),
        ("Photo by Tamsin Oakridge", "image credit"),
        ("Image source: Instagram", "image credit"),
        ("Image copyright Dockside Agency", "image credit"),
        ("Courtesy of the Brannock family", "image credit"),
        ("Click to email this to a friend (Opens in new window)", "interface text"),
        ("Ferry passengers wait at the quay on Monday. (Image via Instagram)", "image caption"),
        ("The mayor at the harbour last week (Photo: Lio Vance)", "image caption"),
        ("The mayor at the harbour last week | Getty Images", "image caption"),
        ("By hattie quennell", "byline"),
        ("By Hattie Quennell and Bram de Witt, Staff Writers", "byline"),
        ("Written by Hattie Quennell | Updated 2 hours ago", "byline"),
        ("Similar post:", "teaser"),
        ("Read more", "teaser"),
        ("Related: Wexford ferry fares to rise", "teaser"),
        ("ALSO READ | Harbour council votes on budget", "teaser"),
        ("More from The Quayside Courier:", "teaser"),
        ("Sign up for our free morning newsletter", "newsletter prompt"),
        ("Get the best stories delivered to your inbox every day.", "newsletter prompt"),
        ("Published: 28 Nov 2031", "publication date line"),
        ("* * *", "no text"),
    ],
)
def test_each_junk_kind_is_recognised(line: str, reason: str) -> None:
    assert junk_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        BODY,
        "By Friday, the ferry operator had refunded every ticket.",
        "By contrast, the council said nothing.",
        "By the end of the week the quay was closed.",
        "“Not now.”",
        "“We will not close the route,” Brannock said.",
        "“Back on the water”: Odile Brannock",  # a quoted subheading
        "The Wexford Crossing",  # a subheading that names nothing else in the text
        "The Story So Far",  # a subheading of everyday words that also label buttons
        "What Comes Next",
        "Related projects were cancelled in 2029, the council said.",
        "More than 400 passengers were stranded.",
        "Read the full statement below:",
        "She told readers to subscribe to the ferry timetable alerts.",
        "Photographs of the ferry were shared widely online.",
        "Pictures from the quay have sparked outrage online. They show a queue of 300 people.",
        "Sources close to the mayor said she would resign on Friday.",
        "Copyright law was changed in 2029, the court said.",
        "Source documents seen by the Courier show a shortfall of £2m.",
        "The harbour master, 61, said the share price had fallen.",
        "Nein",  # a one-word line of real text: short is not junk by itself
    ],
)
def test_real_content_is_never_junk(line: str) -> None:
    assert junk_reason(line) is None
    article = _clean_lines("Wexford ferry to return", line, BODY)
    assert line in article.text.split("\n\n")


def test_title_line_is_taken_and_its_repeat_removed() -> None:
    article = _clean_lines("Wexford ferry to return", "Wexford Ferry To Return", BODY)
    assert article.title == "Wexford ferry to return"
    assert [(r.line, r.reason) for r in article.removed] == [(1, "title line"), (3, "repeated title")]
    assert article.text == BODY


def test_given_title_repeated_as_first_body_line_is_removed() -> None:
    article = _clean_lines("Wexford ferry to return", BODY, title="Wexford ferry to return")
    assert [(r.line, r.reason) for r in article.removed] == [(1, "repeated title")]
    assert article.title == "Wexford ferry to return"


def test_a_first_line_that_reads_as_body_stays_and_the_title_is_derived() -> None:
    lead = (
        "Mayor Odile Brannock, who has led the harbour town since 2027 and fought two elections on the issue, "
        "said the Wexford ferry would run again by spring. Few believed her."
    )
    article = _clean_lines(lead, BODY)
    assert article.removed == ()
    assert article.text.startswith(lead)
    assert article.title.startswith("Mayor Odile Brannock, who has led")
    assert article.title.endswith("…") and len(article.title) <= 91


def test_junk_before_the_headline_is_removed_and_the_headline_still_found() -> None:
    article = _clean_lines("Share this article", "Wexford ferry to return", BODY)
    assert article.title == "Wexford ferry to return"
    assert [(r.line, r.reason) for r in article.removed] == [(1, "interface text"), (3, "title line")]


def test_a_long_first_line_without_full_stop_is_the_title_and_stays_in_the_body() -> None:
    # 20 words: a long headline, or a lead that lost its full stop; both readings kept.
    first = "The last crew of the Wexford ferry gathered at the quay on Monday to hear that the route would return"
    article = _clean_lines(first, BODY)
    assert article.title == first
    assert article.text.split("\n\n") == [first, BODY]
    assert article.removed == ()


def test_derived_title_keeps_a_short_first_sentence_whole() -> None:
    assert derived_title("The ferry is back. It sails at nine.") == "The ferry is back."


def test_name_alone_on_a_line_is_a_caption_when_the_article_names_that_person() -> None:
    article = _clean_lines("Wexford ferry to return", "Odile Brannock", BODY)
    assert [(r.line, r.reason) for r in article.removed][1:] == [(3, "name-only caption")]


def test_repeated_block_is_removed_and_its_first_copy_kept() -> None:
    paragraphs = [
        BODY,
        "The route closed in 2029 after the old vessel failed an inspection, stranding 400 passengers.",
        "“We owe the islanders a crossing,” Brannock told the Quayside Courier.",
    ]
    article = _clean_lines("Wexford ferry to return", *paragraphs, "Wexford ferry to return", *paragraphs)
    assert article.text == "\n\n".join(paragraphs)
    assert {r.reason for r in article.removed if r.line > 7} == {"repeated block"}
    assert [r.line for r in article.removed] == [1, 9, 11, 13, 15]


def test_raw_line_numbers_point_at_the_kept_lines() -> None:
    raw = "Wexford ferry to return\n\nBy hattie quennell\n\n" + BODY + "\nCredit: Twitter\n\n\nShort second paragraph here."
    article = clean(RawArticle(origin="fixture.txt", text=raw))
    raw_lines = raw.splitlines()
    cleaned_lines = article.text.split("\n")
    assert len(cleaned_lines) == len(article.raw_line_of)
    for line, number in zip(cleaned_lines, article.raw_line_of):
        if line:
            assert raw_lines[number - 1].strip() == line
    assert [r.line for r in article.removed] == [1, 3, 6]


def test_removed_lines_and_kept_lines_cover_the_whole_raw_text() -> None:
    raw = "Headline here\n\nvt-author-image\n\n" + BODY + "\n\nRead more"
    article = clean(RawArticle(origin="fixture.txt", text=raw))
    nonblank = {n for n, line in enumerate(raw.splitlines(), 1) if line.strip()}
    assert {r.line for r in article.removed} | set(article.raw_line_of) == nonblank
    assert not {r.line for r in article.removed} & set(article.raw_line_of)


# --- real-data gates ------------------------------------------------------------------


def _benchmark():
    spec = importlib.util.spec_from_file_location("cleaning_benchmark", ROOT / "benchmarks" / "cleaning.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_hand_labelled_real_articles_clean_perfectly() -> None:
    shared_path("examples", "balenciaga")
    score = _benchmark().score_balenciaga()
    assert score.errors == []
    assert score.precision >= floor("clean_balenciaga_precision")
    assert score.recall >= floor("clean_balenciaga_recall")
    assert score.content_lost == 0


@pytest.mark.slow
def test_hand_labels_cover_every_line_of_the_real_articles() -> None:
    folder = shared_path("examples", "balenciaga")
    labels = json.loads((ROOT / "tests" / "labels" / "balenciaga_lines.json").read_text())
    assert sorted(labels) == sorted(p.name for p in folder.glob("*.txt"))
    for name, label in labels.items():
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        nonblank = {n for n, line in enumerate(lines, 1) if line.strip()}
        assert set(label["junk"]) | set(label["content"]) | set(label["title"]) == nonblank, name


@pytest.mark.slow
def test_real_article_titles() -> None:
    folder = shared_path("examples", "balenciaga")
    labels = json.loads((ROOT / "tests" / "labels" / "balenciaga_lines.json").read_text())
    benchmark = _benchmark()
    for name, label in labels.items():
        article = benchmark.clean_file(folder / name)
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        if label["title"]:
            assert article.title == lines[label["title"][0] - 1].strip()
        else:  # no headline in the file: derived from the lead, which stays in the body
            assert article.title and article.title[:20] in article.text


def test_example_story_junk_lines() -> None:
    if not (EXAMPLE_STORY / "truth.json").exists():
        pytest.skip("the bundled example story has no truth.json yet")
    score = _benchmark().score_example_story()
    assert score.errors == []
    assert score.precision >= floor("clean_example_story_precision")
    assert score.recall >= floor("clean_example_story_recall")


# Wire copy as old archives keep it: every line broken at 72 columns, paragraphs
# marked by a three-space indent, no title, a dateline on the lead (fictional).
_WIRE_PARAGRAPHS = (
    "PORT ALDER, Westland (AP) _ The footbridge over the Keller canal collapsed on Sunday night "
    "during the Lantern Walk, injuring 12 people, the city's mayor said on Monday.",
    "City engineers closed the three remaining footbridges of the old town while inspectors examine "
    "them, and the council set aside $3.5 million for the work.",
    '"We will not reopen a single bridge until it is safe," Mayor Ilse Varga told reporters outside '
    "the town hall, where relatives waited for news.",
    "Police closed the canal path.",
    "The bridge was renovated in 2023 by a firm that also built two bridges in the neighbouring "
    "province of Dornwald, officials said.",
)


def test_a_hard_wrapped_text_is_read_by_its_paragraphs() -> None:
    import textwrap

    raw = "\n".join(textwrap.fill(p, 72, initial_indent="   ") for p in _WIRE_PARAGRAPHS)
    article = clean(RawArticle(origin="wire.txt", text=raw))
    # Each paragraph whole (the lead is not taken for a headline and dropped).
    assert article.text == "\n\n".join(_WIRE_PARAGRAPHS)
    assert article.removed == ()
    # Each paragraph traced to the raw line it starts on; every raw line is in one.
    starts = [n for n, line in enumerate(raw.splitlines(), 1) if line.startswith("   ")]
    assert sorted(set(article.raw_line_of)) == starts
    # A one-line paragraph that fills the width is not run into the indented next one.
    heading = "Keller canal: the old footbridge that fell during the Lantern Walk"
    assert 65 <= len(heading) <= 69  # with its indent, within 72 columns but no room for the next word
    joined = clean(RawArticle(origin="wire.txt", text="   " + heading + "\n" + raw)).text
    assert joined.split("\n\n")[-len(_WIRE_PARAGRAPHS):] == list(_WIRE_PARAGRAPHS)
    assert heading not in joined.split("\n\n")[-len(_WIRE_PARAGRAPHS)]
    # Many one-line indented paragraphs (captions, tweets) between the wrapped ones do
    # not hide the wrapping.
    short = "\n".join(f"   Photo {n}: the canal at dawn." for n in range(12))
    assert clean(RawArticle(origin="wire.txt", text=raw + "\n" + short)).text.split("\n\n")[: len(_WIRE_PARAGRAPHS)] == list(
        _WIRE_PARAGRAPHS
    )
    # The same paragraphs unwrapped, one per line, read the same.
    assert clean(RawArticle(origin="wire.txt", text="\n".join(_WIRE_PARAGRAPHS))).text == article.text


def test_short_lines_that_had_room_are_not_joined() -> None:
    # A list or verse: lines that end although the next word would have fitted.
    raw = "Harbour timetable\nFerry at nine.\nFerry at noon.\nFerry at six, weather permitting.\nLast boat at ten."
    article = clean(RawArticle(origin="list.txt", text=raw))
    assert article.text.split("\n\n") == raw.splitlines()[1:]
    assert article.title == "Harbour timetable"


# --- reader-comment threads ------------------------------------------------------------

_ARTICLE_PROSE = (
    BODY + " The harbour board approved the timetable on Tuesday, its chair Wenna Calloway told reporters."
    ' "We expect the first crossing in March," Calloway said.'
)
# Fictional readers: each comment's text, then its author and stamp, as pages print them.
_COMMENTS = (
    "I have waited years for this ferry! Finally some good news.",
    "Ravi Stenhouse March 3, 2031 at 9:14 am | Report abuse | Reply",
    "Will the fares go up again? Nobody at the board ever says.",
    "Lou Penmarric March 3, 2031 at 11:02 am | Reply",
)


def test_a_comment_thread_on_the_articles_own_line_is_cut_where_the_first_comment_begins() -> None:
    # A page flattened into one line: the comments follow the article's last sentence.
    line = _ARTICLE_PROSE + " " + " ".join(_COMMENTS)
    article = clean(RawArticle(origin="flat.txt", text=line, title="Wexford ferry to return"))
    assert article.text == _ARTICLE_PROSE
    assert [(r.line, r.text, r.reason) for r in article.removed] == [(1, " ".join(_COMMENTS), "reader comments")]
    assert article.raw_line_of == (1,)


def test_a_paragraphed_comment_thread_is_removed_line_by_line_with_its_end_of_post_furniture() -> None:
    raw = "\n\n".join(["Wexford ferry to return", _ARTICLE_PROSE, "Post by: Hattie Quennell", "2 Comments", *_COMMENTS])
    article = clean(RawArticle(origin="blog.txt", text=raw))
    assert article.title == "Wexford ferry to return"
    assert article.text == _ARTICLE_PROSE
    thread = [(r.line, r.text) for r in article.removed if r.reason == "reader comments"]
    assert thread == [(5, "Post by: Hattie Quennell"), (7, "2 Comments")] + [(9 + 2 * k, c) for k, c in enumerate(_COMMENTS)]
    assert article.raw_line_of == (3,)


def test_a_date_and_time_in_prose_is_not_a_comment_stamp() -> None:
    # One date with a time, even two, and no widget bar: news, kept whole.
    prose = (
        "On March 3, 2031 at 9:14 am the police closed the quay, Inspector Ada Morrow said."
        " I was there, one passenger wrote. By March 4, 2031 at 6:30 pm the ferry was running again."
    )
    article = clean(RawArticle(origin="prose.txt", text=prose, title="Quay closed"))
    assert article.text == prose
    assert article.removed == ()


def test_an_article_without_comments_is_unchanged_by_the_thread_rule() -> None:
    raw = "Wexford ferry to return\n\n" + _ARTICLE_PROSE + "\n\nShort second paragraph here."
    assert thread_start(raw.split("\n\n")) is None
    article = clean(RawArticle(origin="fixture.txt", text=raw))
    assert article.text == _ARTICLE_PROSE + "\n\nShort second paragraph here."
    assert [r.reason for r in article.removed] == ["title line"]


@pytest.mark.parametrize(
    "comments",
    [
        (  # "Posted by: x | <date> <time> | Report abuse", no "at"
            "Finally! My daughter commutes on that route. Posted by: harbourwatcher | March 3, 2031 9:14 AM | Report abuse",
            "Fares will double, you watch. Posted by: lpenmarric | March 3, 2031 11:02 AM | Report abuse",
        ),
        (  # a blog that prints the time again after "at"
            "Finally! My daughter commutes on that route. March 3, 2031 09:14 am at 9:14 am |",
            "Fares will double, you watch. March 3, 2031 11:02 am at 11:02 am |",
        ),
    ],
)
def test_a_thread_of_other_stamp_shapes_is_cut_too(comments) -> None:
    line = _ARTICLE_PROSE + " " + " ".join(comments)
    article = clean(RawArticle(origin="flat.txt", text=line, title="Wexford ferry to return"))
    assert article.text == _ARTICLE_PROSE
    assert [r.text for r in article.removed] == [" ".join(comments)]


def test_a_blogs_thread_without_a_widget_bar_is_cut_by_its_repeated_stamps() -> None:
    """"<comment> <author> March 3rd, 2031 9:14 am ET <next comment> ...": no bar, but
    an ordinal date, a time and a zone, twice. Once, it may be the article's own."""
    comments = ("I have waited years for this ferry! Finally some good news. harbourwatcher March 3rd, 2031 9:14 am ET",
                "Will the fares go up again? lpenmarric March 3rd, 2031 11:02 am ET Nobody at the board ever says.")
    line = _ARTICLE_PROSE + " " + " ".join(comments)
    article = clean(RawArticle(origin="flat.txt", text=line, title="Wexford ferry to return"))
    assert article.text == _ARTICLE_PROSE
    assert [r.text for r in article.removed] == [" ".join(comments)]
    once = _ARTICLE_PROSE + " The notice was posted on March 3rd, 2031 9:14 am ET and taken down at noon."
    assert clean(RawArticle(origin="flat.txt", text=once, title="Wexford ferry to return")).text == once


def test_a_page_of_nothing_but_comments_is_a_problem_that_says_so(tmp_path) -> None:
    from corroborate.ingest import read_articles

    page = tmp_path / "comments.txt"
    page.write_text("Wexford ferry to return\n\n" + " ".join(_COMMENTS) + "\n", encoding="utf-8")
    articles, problems = read_articles([page])
    assert articles == []
    assert [p.message for p in problems] == ["no article text left after cleaning (removed as reader comments)"]

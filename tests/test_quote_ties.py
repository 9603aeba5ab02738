"""Wordings that tie are decided by evidence, never by which article was read first, or
shown as disputed; the outlet's editorial marks inside a quote are not alterations.
Hand-built quotes (quotes.align, quotes.ties, quotes.editorial): no models."""

from __future__ import annotations

import datetime as dt

import pytest

from corroborate.model import Quote, Relation, Span
from corroborate.quotes import align, editorial
from corroborate.quotes.ties import StoryEvidence

ORIGINAL = "It was an obvious failure of a pump that should have been replaced last year, and we will pay for it."
SWAPPED = ORIGINAL.replace("obvious", "clear")
DAY = dt.date(2031, 6, 2)


def printed(article: str, text: str, order: int, speaker: str = "Mira Olsen") -> align.Printed:
    return align.Printed.read(Quote(Span(article, 0, len(text)), speaker), text, order, explicit=True, paragraph=0)


def statement(texts: dict[str, str], groups: dict[str, int], story: StoryEvidence | None = None, reverse: bool = False):
    """The one statement these articles print; `reverse` reads the articles in the other order."""
    items = list(texts.items())
    if reverse:
        items.reverse()
    quotes = [printed(article, text, order) for order, (article, text) in enumerate(items)]
    (group,) = align.group_quotes(quotes, groups.__getitem__, story)
    return group, {o.quote.span.article_id: o for o in group.occurrences}


def dated(**dates) -> StoryEvidence:
    return StoryEvidence(published=dates, labels={a: a.upper() for a in dates})


# --- editorial marks -------------------------------------------------------------------


def test_editorial_marks_are_read_apart_from_the_speakers_words():
    reading = editorial.read("we will not go back (in Kosovo) on this, [the ministry] said (sic) … never")
    assert reading.marks == ("(in Kosovo)", "[the ministry]", "(sic)", "…")
    assert reading.speaker_text == "we will not go back on this, said … never"
    assert reading.pieces == ("we will not go back on this, said ", " never")
    assert reading.around_marks == ("we will not go back ", " on this, ", " said ", " never")
    # An ellipsis at an end only says where the quote was cut: not a mark, no split.
    assert editorial.read("...and then it sank").marks == ()
    assert editorial.read("and then it sank…").pieces == ("and then it sank…",)


def test_an_insertion_is_not_an_alteration_and_never_the_canonical_wording():
    clarified = ORIGINAL.replace("a pump", "a pump (at the Saltings works)")
    group, by_article = statement({"a": ORIGINAL, "b": ORIGINAL, "c": clarified}, {"a": 0, "b": 0, "c": 1})
    assert group.canonical == ORIGINAL.rstrip(".")
    assert by_article["c"].verdict == "verbatim" and by_article["c"].editorial == ("(at the Saltings works)",)
    assert {by_article[a].verdict for a in "ab"} == {"verbatim"}
    # Printed by its outlet alone, a clarified quote still shows the speaker's words.
    group, by_article = statement({"c": clarified}, {"c": 0})
    assert "Saltings" not in group.canonical


def test_an_ellipsis_cut_is_a_partial_quote():
    cut = "It was an obvious failure ... and we will pay for it."
    group, by_article = statement({"a": ORIGINAL, "b": cut}, {"a": 0, "b": 1})
    assert by_article["b"].verdict == "partial" and by_article["b"].editorial == ("...",)
    assert by_article["a"].verdict == "verbatim"


def test_an_insertion_standing_for_the_speakers_words_is_a_marked_substitution():
    """News style lets an outlet put its own word, marked, in place of the speaker's
    ("(the Saltings pump)" for "a pump"): the reader sees the hand, so it is no silent alteration.
    A word changed outside the marks still is."""
    marked = ORIGINAL.replace("of a pump that", "of (the Saltings pump) that")
    group, by_article = statement({"a": ORIGINAL, "b": ORIGINAL, "c": marked}, {"a": 0, "b": 0, "c": 1})
    assert by_article["c"].verdict == "partial" and by_article["c"].editorial == ("(the Saltings pump)",)
    unmarked = SWAPPED.replace("of a pump that", "of (the Saltings pump) that")
    group, by_article = statement({"a": ORIGINAL, "b": ORIGINAL, "c": unmarked}, {"a": 0, "b": 0, "c": 1})
    assert by_article["c"].verdict == "altered" and [(e.removed, e.added) for e in by_article["c"].edits][0] == ("obvious", "clear")


# --- ties -------------------------------------------------------------------------------


@pytest.mark.parametrize("reverse", [False, True])
def test_the_earlier_printing_wins_a_tie_whatever_the_order(reverse):
    group, by_article = statement({"a": ORIGINAL, "b": SWAPPED}, {"a": 0, "b": 0}, dated(a=DAY, b=DAY + dt.timedelta(days=1)), reverse)
    assert group.canonical == ORIGINAL.rstrip(".") and "printed first: A on 2031-06-02" in group.decided_by
    assert by_article["a"].verdict == "verbatim"
    assert by_article["b"].verdict == "altered" and [(e.removed, e.added) for e in by_article["b"].edits] == [("obvious", "clear")]


@pytest.mark.parametrize("reverse", [False, True])
def test_a_copy_relation_decides_a_tie_when_the_dates_cannot(reverse):
    copy = Relation(source="b", derived="a", kind="duplicate", score=0.97, direction_confidence=0.65)
    story = StoryEvidence(published={"a": DAY, "b": DAY}, labels={"a": "A", "b": "B"}, copies={("b", "a"): copy})
    group, by_article = statement({"a": ORIGINAL, "b": SWAPPED}, {"a": 0, "b": 0}, story, reverse)
    assert group.canonical == SWAPPED.rstrip(".") and "A copies B" in group.decided_by
    assert by_article["a"].verdict == "altered" and by_article["b"].verdict == "verbatim"


@pytest.mark.parametrize("reverse", [False, True])
def test_an_outlets_habit_of_altering_quotes_decides_a_tie(reverse):
    other = "The plant has run normally since lunchtime and every valve has been checked twice by our engineers."
    changed = other.replace("normally", "smoothly")
    quotes = [
        printed("a", ORIGINAL, 0), printed("b", SWAPPED, 1),  # alone in printing it, one each
        printed("a", other, 2, "Ivo Brandt"), printed("b", changed, 3, "Ivo Brandt"), printed("c", other, 4, "Ivo Brandt"),
    ]  # fmt: skip
    if reverse:
        quotes = [align.Printed.read(q.quote, q.text, 10 - q.order, True) for q in quotes]
    groups = align.group_quotes(quotes, {"a": 0, "b": 1, "c": 2}.__getitem__, dated(a=DAY, b=DAY, c=DAY))
    tie = next(g for g in groups if "pump" in g.canonical)
    assert tie.canonical == ORIGINAL.rstrip(".") and "B alters 1 other quote" in tie.decided_by
    assert {o.quote.span.article_id: o.verdict for o in tie.occurrences} == {"a": "verbatim", "b": "altered"}


def test_a_reprint_is_weak_evidence_but_evidence():
    group, by_article = statement({"a": ORIGINAL, "r": ORIGINAL, "b": SWAPPED}, {"a": 0, "r": 0, "b": 0}, dated(a=DAY, r=DAY, b=DAY))
    assert group.canonical == ORIGINAL.rstrip(".") and "printed by 2 articles" in group.decided_by
    assert by_article["b"].verdict == "altered"


@pytest.mark.parametrize("reverse", [False, True])
def test_without_evidence_a_tie_is_disputed_and_nobody_blamed(reverse):
    group, by_article = statement({"a": ORIGINAL, "b": SWAPPED}, {"a": 0, "b": 0}, dated(a=DAY, b=None), reverse)
    assert group.disputed and not group.decided_by
    assert set(group.rivals) == {ORIGINAL.rstrip("."), SWAPPED.rstrip(".")}
    assert {o.verdict for o in by_article.values()} == {"disputed"} and not any(o.edits for o in by_article.values())
    report = {f.article_id: f for f in align.fidelity([group], ["a", "b", "c"], {"a": 0, "b": 1, "c": 2}.__getitem__)}
    assert report["a"].disputed == report["b"].disputed == 1
    assert report["a"].altered == report["b"].altered == 0


def test_a_partial_quote_held_by_every_rival_stays_faithful_in_a_dispute():
    part = "and we will pay for it"
    quotes = {"a": ORIGINAL, "b": SWAPPED, "c": part}
    group, by_article = statement(quotes, {"a": 0, "b": 0, "c": 1})
    assert group.disputed and by_article["c"].verdict == "partial"

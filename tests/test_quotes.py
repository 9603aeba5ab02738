"""Quotes: marks, speakers, cross-outlet verdicts and fidelity.

Unit tests use fictional text written for them; the slow tests read the real
Balenciaga articles and the bundled example story at run time.
"""

from __future__ import annotations

from dataclasses import replace

import re
from pathlib import Path

import pytest

from corroborate.model import Article, Quote, Span
from corroborate.quotes import align, extract_quotes
from corroborate.quotes.marks import quoted_spans


def _quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in quoted_spans(text)]


# --- marks ------------------------------------------------------------------


def test_curly_straight_and_backtick_marks():
    text = "“We will rebuild,” Ilsa Varn said.\n\nTomas Peck said: \"The river rose fast.\"\n\n``It held,'' he said."
    assert _quoted(text) == ["We will rebuild,", "The river rose fast.", "It held,"]


def test_quote_left_open_runs_to_paragraph_end():
    text = "Varn said: “The first part of it.\n\n“The second paragraph of it,” she said."
    assert _quoted(text) == ["The first part of it.", "The second paragraph of it,"]
    assert quoted_spans(text)[0].how == "unclosed"


def test_repeated_opening_mark_closes_at_last_sentence_end():
    # An outlet forgot the closing mark before the narrative resumed.
    text = "“Nobody buys from you now. One reader wrote under the post, “Say something at last."
    assert _quoted(text) == ["Nobody buys from you now.", "Say something at last."]


def test_treebank_closing_mark_before_punctuation_closes():
    """Where `` opens quotes, '' closes them even before a colon, semicolon or full
    stop (Timeline17's `` GPS '': and `` Restraint '';), where a straight mark
    standing after a space would read as opening."""
    text = (
        "HOST OF `` HARBOUR WATCH '': Good evening. The mayor urged `` restraint '' ; "
        "the council spoke of `` calm ''. Nobody else spoke, `` not one '' said."
    )
    assert _quoted(text) == ["HARBOUR WATCH", "restraint", "calm", "not one"]
    assert all(q.how == "closed" for q in quoted_spans(text))


def _one_line_article(sentences: int, quote_at: int, closing: bool = False) -> str:
    """A fictional article written on one line (as Timeline17 and ECB+ ship them), with
    one quote opened at sentence `quote_at`."""
    parts = [f"Sentence {n} of the Eastmere report tells of the ferry." for n in range(sentences)]
    parts[quote_at] = "The harbour master said: “The engine failed at dawn." + ("”" if closing else "")
    return " ".join(parts)


def test_quote_left_open_in_a_one_line_article_ends_with_its_sentence():
    """A whole article on one line is no paragraph: a quote left open there ends with
    its first sentence, not at the article's end."""
    text = _one_line_article(40, 5)
    assert _quoted(text) == ["The engine failed at dawn."]
    assert quoted_spans(text)[0].how == "unclosed"
    # the same opened again further on: each quote is its own first sentence
    twice = text.replace("Sentence 30 of", "The pilot said: “Sentence 30 of")
    assert _quoted(twice) == ["The engine failed at dawn.", "Sentence 30 of the Eastmere report tells of the ferry."]


def test_a_paragraph_keeps_its_open_quote_to_its_end():
    """A paragraph of news (up to PARAGRAPH_MAX_SENTENCES sentences) still reads a quote
    left open to its end: a tweet or statement whose closing mark was lost."""
    from corroborate.quotes.marks import PARAGRAPH_MAX_SENTENCES

    sentences = PARAGRAPH_MAX_SENTENCES - 1
    text = _one_line_article(sentences, sentences - 3)
    assert _quoted(text) == [text[text.index("The engine") :]]
    # one sentence more than a paragraph holds: read as an article
    longer = _one_line_article(PARAGRAPH_MAX_SENTENCES + 1, PARAGRAPH_MAX_SENTENCES - 2)
    assert _quoted(longer) == ["The engine failed at dawn."]


def test_missing_opening_mark_before_a_split_quote_is_repaired():
    text = "Not that we ever doubted the plan, Varn stated in a post, “but we wanted to hear it first.”"
    spans = quoted_spans(text)
    assert [text[q.start : q.end] for q in spans] == ["Not that we ever doubted the plan,", "but we wanted to hear it first."]
    assert spans[0].how == "repaired-opening"


def test_single_marks_only_without_double_marks_and_not_apostrophes():
    assert _quoted("Mayor 'deeply shaken' as ferry stays shut") == ["deeply shaken"]
    assert _quoted("It's the crew's 'last' run, she said \"today.\"") == ["today."]


# --- alignment and verdicts -------------------------------------------------


def _printed(article: str, text: str, order: int, speaker: str | None = "Ilsa Varn") -> align.Printed:
    quote = Quote(Span(article, 0, len(text)), speaker)
    tokens = [align.normalise(w) for w in align.words(text)]
    return align.Printed(quote, text, tokens, order, explicit=True, paragraph=order)


CANONICAL = "We owe the riverside families answers, and we will get them before the winter floods arrive."


def _verdicts(*variants: str) -> dict[str, tuple]:
    printed = [_printed(f"a{i}", text, i) for i, text in enumerate(variants)]
    (group,) = align.group_quotes(printed, group_of=lambda article_id: article_id)
    return group, {o.quote.span.article_id: (o.verdict, o.edits) for o in group.occurrences}


def test_verdicts_against_the_wording_most_sources_print():
    group, verdicts = _verdicts(
        CANONICAL,
        CANONICAL.replace(".", ","),  # outer punctuation differs: still verbatim
        CANONICAL.replace("and we", "& we"),
        "answers, and we will get them before the winter floods arrive",
        CANONICAL.replace("answers", "explanations"),
    )
    assert group.canonical.startswith("We owe the riverside families answers")
    assert verdicts["a0"][0] == "verbatim"
    assert verdicts["a1"][0] == "verbatim"
    assert verdicts["a2"][0] == "typography"
    assert verdicts["a3"][0] == "partial"
    assert verdicts["a4"] == ("altered", (align.WordEdit("answers", "explanations"),))


def test_edits_at_the_ends_of_a_print_and_hyphens():
    """An inserted word just before the wording's last word is an insertion, not that
    word replaced; a hyphen inside a word is the outlet's house style (typography)."""
    wording = "We will pay the crews of the harbour and ferries"
    group, verdicts = _verdicts(wording, wording, "We will pay the crews of the harbour and the ferries.")
    assert verdicts["a2"] == ("altered", (align.WordEdit("", "the"),))
    group, verdicts = _verdicts(wording, wording, "pay the crews of the harbour and the new ferries")
    assert verdicts["a2"] == ("altered", (align.WordEdit("", "the new"),))
    wording = "It was a non-violent protest on the quay, and it will stay that way"
    group, verdicts = _verdicts(wording, wording, wording.replace("non-violent", "nonviolent"))
    assert verdicts["a2"] == ("typography", ())


def test_a_print_sharing_one_phrase_with_a_statement_is_another_statement_not_an_alteration():
    """Two of a speaker's statements that share a phrase and nothing else: the short
    one changes no word inside what it shares, so it alters nothing; a print that
    shares most of itself and changes a word at its end still alters the statement."""
    for statement, other in (
        ("The ferries will sail again as soon as possible after the morning end of the curfew.", "through the morning"),
        ("The crews must be given a lawyer and must not be subjected to threats or other pressure.",
         "are at risk of threats or other pressure"),
    ):  # fmt: skip
        # Printed by two sources, and (a tie of wordings) by one each.
        for printed in ([_printed("a0", statement, 0), _printed("a1", statement, 1), _printed("a2", other, 2)],
                        [_printed("a0", statement, 0), _printed("a2", other, 2)]):  # fmt: skip
            groups = align.group_quotes(printed, group_of=lambda article_id: article_id)
            verdicts = {o.quote.span.article_id: o.verdict for g in groups for o in g.occurrences}
            assert "altered" not in verdicts.values(), verdicts
            assert set(verdicts) == {p.quote.span.article_id for p in printed}  # every print is still listed
    group, verdicts = _verdicts(CANONICAL, CANONICAL, "we will get them before the winter floods come")
    assert verdicts["a2"] == ("altered", (align.WordEdit("arrive", "come"),))


def test_a_second_statement_in_the_next_paragraph_does_not_ride_with_the_first():
    """An article prints a statement (in part) and, in the next paragraph, another of the
    speaker's statements that shares its closing phrase: the two are one run of the
    article, and the second was called an alteration of the first. It is another
    statement; a split quote whose second part is reworded is still one rendition."""
    statement = ("Our assessment is that the harbour board is sound and is looking for ways to meet the "
                 "reasonable needs and hopes of the river families.")
    part = "the harbour board is sound and is looking for ways to meet the reasonable needs and hopes of the river families"
    second = ("We believe strongly that the harbour board has a real chance at this moment to carry out new "
              "safety and staffing reforms to meet the reasonable needs and hopes of the river families.")

    def fragment(article: str, text: str, order: int, paragraph: int) -> align.Printed:
        return replace(_printed(article, text, order), paragraph=paragraph)

    printed = [_printed("a0", statement, 0), _printed("a1", statement, 1),
               fragment("a2", part, 2, 7), fragment("a2", second, 3, 8)]  # fmt: skip
    groups = align.group_quotes(printed, group_of=lambda article_id: article_id)
    text_of = {p.quote: p.text for p in printed}
    verdicts = {text_of[o.quote]: o.verdict for g in groups for o in g.occurrences}
    assert verdicts == {statement: "verbatim", part: "partial", second: "verbatim"}, verdicts
    assert len(groups) == 2

    # A split quote, its second part reworded: the part the first does not print.
    split = [fragment("a3", "Our assessment is that the harbour board is sound,", 4, 9),
             fragment("a3", "and it is searching for ways to answer the fair needs and hopes of the river families.", 5, 9)]  # fmt: skip
    groups = align.group_quotes(printed[:2] + split, group_of=lambda article_id: article_id)
    (group,) = groups
    assert [o.verdict for o in group.occurrences if o.quote.span.article_id == "a3"] == ["partial", "altered"]


def test_fidelity_flags_rewrites_but_not_a_single_changed_word():
    statements = [
        "We owe the riverside families answers, and we will get them before the winter floods arrive.",
        "The pumps at the north gate failed twice last month and nobody was told about either failure.",
        "Every footbridge on the river will be inspected by an independent engineer before it reopens.",
    ]
    rewritten = [
        "We owe the riverside families explanations, and we shall obtain them before the winter floods come.",
        "The pumps at the north gate broke down two times last month and no one heard about either failure.",
        "Each footbridge on the river will be checked by an outside engineer before it can reopen.",
    ]
    printed, order = [], 0
    for index, statement in enumerate(statements):
        for article, text in (("a", statement), ("b", statement), ("c", rewritten[index])):
            if article == "b" and index == 0:
                text = statement.replace("answers", "explanations")  # one changed word
            printed.append(_printed(article, text, order, speaker=f"speaker {index}"))
            order += 1
    groups = align.group_quotes(printed, group_of=lambda article_id: article_id)
    assert len(groups) == 3
    report = {f.article_id: f for f in align.fidelity(groups, ["a", "b", "c"], lambda a: a)}
    # Three independent outlets print the first statement three ways, and nothing says
    # which is the speaker's: it is disputed, counted against nobody. The two that a
    # and b agree on, c alters: still a rewrite.
    assert [g.disputed for g in groups].count(True) == 1
    assert report["c"].flagged_as_rewrite and report["c"].altered == 2 and report["c"].disputed == 1
    assert report["b"].altered == 0 and report["b"].disputed == 1 and not report["b"].flagged_as_rewrite
    assert not report["a"].flagged_as_rewrite and report["a"].faithful == 2 and report["a"].altered == 0


def test_one_word_partial_quote_joins_the_statement_of_its_speaker_without_changing_its_wording():
    printed = [
        _printed("a", CANONICAL, 0),
        _printed("a", "answers", 1),  # repeated after the full quote in the same article
        _printed("b", "answers", 2),
        _printed("c", CANONICAL, 3),
        _printed("d", "answers", 4, speaker="Tomas Peck"),  # another speaker: stays apart
    ]
    groups = align.group_quotes(printed, group_of=lambda article_id: article_id)
    assert len(groups) == 2
    statement = next(g for g in groups if len(g.occurrences) > 1)
    assert statement.canonical == CANONICAL.rstrip(".")
    verdicts = sorted((o.quote.span.article_id, o.verdict) for o in statement.occurrences)
    assert verdicts == [("a", "partial"), ("a", "verbatim"), ("b", "partial"), ("c", "verbatim")]


def test_heavily_reworded_quote_of_the_same_speaker_is_one_statement_shown_altered():
    original = "Our ferry tickets should not have been sold to children in this season. We have immediately refunded every family."
    reworded = "In this season, youngsters should not have been sold our ferry passes. Each family was promptly repaid in full."
    assert not align.same_statement(*([align.normalise(w) for w in align.words(t)] for t in (original, reworded)))
    printed = [_printed("a", original, 0), _printed("b", original, 1), _printed("c", reworded, 2)]
    (group,) = align.group_quotes(printed, group_of=lambda article_id: article_id)
    verdicts = {o.quote.span.article_id: o.verdict for o in group.occurrences}
    assert verdicts == {"a": "verbatim", "b": "verbatim", "c": "altered"}
    other_speaker = [_printed("a", original, 0), _printed("c", reworded, 1, speaker="Tomas Peck")]
    assert len(align.group_quotes(other_speaker, group_of=lambda article_id: article_id)) == 2
    # Outlets reword each other's prints; one outlet that prints the speaker twice in
    # words this far apart heard two statements.
    outlets = [replace(item, outlet=outlet) for item, outlet in zip(printed, ("Harbour Post", "Harbour Post", "Coast FM"))]
    (group,) = align.group_quotes(outlets, group_of=lambda article_id: article_id)
    assert {o.quote.span.article_id: o.verdict for o in group.occurrences}["c"] == "altered"
    own = [replace(item, outlet="Harbour Post") for item in printed]
    groups = align.group_quotes(own, group_of=lambda article_id: article_id)
    assert sorted(sorted(o.quote.span.article_id for o in g.occurrences) for g in groups) == [["a", "b"], ["c"]]
    assert all(o.verdict == "verbatim" for g in groups for o in g.occurrences)


def test_statements_of_different_speakers_sharing_a_phrase_stay_apart():
    """Two speakers' statements that share a phrase of the story ("the rights of the
    harbour workers") are two statements, even when a quote with no speaker shares the
    phrase with both; the same words credited to another speaker are one statement,
    judged `other-speaker`."""
    mayor = "We will defend the rights of the harbour workers in every meeting with the owners."
    union = "Nobody here will accept a contract that ignores the rights of the harbour workers."
    unattributed = "This is about the rights of the harbour workers and their families."
    printed = [
        _printed("a", mayor, 0, speaker="Ilsa Varn"),
        _printed("b", union, 1, speaker="Tomas Peck"),
        _printed("c", unattributed, 2, speaker=None),
        _printed("d", mayor, 3, speaker="Ilsa Varn"),
    ]
    assert align.same_statement(printed[0].tokens, printed[1].tokens)  # a phrase is shared
    groups = align.group_quotes(printed, group_of=lambda article_id: article_id)
    speakers = [{o.quote.speaker for o in g.occurrences if o.quote.speaker} for g in groups]
    assert all(len(names) <= 1 for names in speakers)
    verdicts = {o.quote.span.article_id: o.verdict for g in groups for o in g.occurrences}
    assert [verdicts[article] for article in "abd"] == ["verbatim"] * 3
    # the mayor's words printed whole and credited to the union's leader: one statement
    credited = [printed[0], printed[3], _printed("e", mayor, 4, speaker="Tomas Peck")]
    (mayors,) = align.group_quotes(credited, group_of=lambda article_id: article_id)
    verdicts = {o.quote.span.article_id: o.verdict for o in mayors.occurrences}
    assert verdicts == {"a": "verbatim", "d": "verbatim", "e": "other-speaker"}


def test_a_short_partial_quote_inside_two_statements_joins_one_of_them():
    """One speaker's two statements that share only a phrase, and an outlet quoting
    just that phrase: the short quote joins one statement, and does not make the two
    one (each judged against the other's wording)."""
    first = "The harbour vote must be free and fair, and every dock worker must be able to take part."
    second = "Nobody will accept a ballot unless it is free and fair and counted in the open by the union."
    printed = [
        _printed("a", first, 0),
        _printed("b", first, 1),
        _printed("c", "free and fair", 2),
        _printed("d", second, 3),
        _printed("e", second, 4),
    ]
    groups = align.group_quotes(printed, group_of=lambda article_id: article_id)
    members = sorted(sorted(o.quote.span.article_id for o in g.occurrences) for g in groups)
    assert members in (
        [["a", "b", "c"], ["d", "e"]],
        [["a", "b"], ["c", "d", "e"]],
    )
    assert all(o.verdict in ("verbatim", "partial") for g in groups for o in g.occurrences)


def test_a_statement_holds_only_prints_that_say_its_wording():
    """Linking is transitive: a speaker's different statements that share a pair of
    words chained into one, and each was judged an alteration of the canonical one.
    A print joins a statement only if it says the best-backed wording."""
    short = "need to see change"
    other = "We are deeply worried about the storm, and the crews need to rest before they sail again."
    printed = [_printed("a", short, 0), _printed("b", short, 1), _printed("c", other, 2)]
    groups = align.group_quotes(printed, group_of=lambda article_id: article_id)
    members = sorted(sorted(o.quote.span.article_id for o in g.occurrences) for g in groups)
    assert members == [["a", "b"], ["c"]]
    assert all(o.verdict == "verbatim" for g in groups for o in g.occurrences)

    long_ = "The council must be open with us, it must be fair to us and it must act before the winter."
    printed = [_printed("a", long_, 0), _printed("b", long_, 1), _printed("c", "There must be reform", 2)]
    groups = align.group_quotes(printed, group_of=lambda article_id: article_id)
    assert sorted(sorted(o.quote.span.article_id for o in g.occurrences) for g in groups) == [["a", "b"], ["c"]]


def test_tied_wordings_that_are_two_statements_are_not_alterations_of_each_other():
    """Two wordings of one speaker, each printed by two outlets, chained into one group by
    a third print that holds a run of each: the tie between them is no dispute about one
    statement's words, so neither is judged an alteration of the other."""
    crews = "The harbour crews need to rest before they sail again this winter"
    vote = "Every dock worker deserves a fair vote on the new harbour contract"
    both = "the harbour crews need to rest before they sail and every dock worker deserves a fair vote on the contract"
    printed = [_printed("a", crews, 0), _printed("b", crews, 1), _printed("c", vote, 2), _printed("d", vote, 3),
               _printed("e", both, 4)]  # fmt: skip
    assert not align.same_statement(printed[0].tokens, printed[2].tokens)
    assert align.same_statement(printed[0].tokens, printed[4].tokens) and align.same_statement(printed[2].tokens, printed[4].tokens)
    groups = align.group_quotes(printed, group_of=lambda article_id: article_id)
    group_of = {o.quote.span.article_id: k for k, g in enumerate(groups) for o in g.occurrences}
    assert group_of["a"] == group_of["b"] != group_of["c"] == group_of["d"]
    verdicts = {o.quote.span.article_id: o.verdict for g in groups for o in g.occurrences}
    assert all(verdicts[article] == "verbatim" for article in "abcd"), verdicts


def test_tied_wordings_are_kept_together_only_when_each_pair_is_one_statement():
    """Three wordings, each printed once: a long print holds a run of each of two
    statements, which share nothing. It is one statement with each, the two are not one:
    they are not kept together through it, and neither statement's print is judged an
    alteration of the other's wording."""
    crews = "The harbour crews need to rest before they sail again this winter"
    vote = "Every dock worker deserves a fair vote on the new harbour contract"
    both = "the harbour crews need to rest before they sail and every dock worker deserves a fair vote on the contract"
    printed = [_printed("a", crews, 0), _printed("c", vote, 1), _printed("e", both, 2)]
    groups = align.group_quotes(printed, group_of=lambda article_id: article_id)
    group_of = {o.quote.span.article_id: k for k, g in enumerate(groups) for o in g.occurrences}
    assert group_of["a"] != group_of["c"]
    verdicts = {o.quote.span.article_id: o.verdict for g in groups for o in g.occurrences}
    assert verdicts["a"] == "verbatim" and verdicts["c"] != "altered", verdicts


def test_a_short_quote_is_held_by_one_stretch_of_a_long_one():
    """A short quote is said by a long one only if a stretch of the long one about its
    length holds most of its words: a commentator's long answer that names the man early
    and says "going to go home" late does not print "Varn is going to have to go"."""
    short = "Varn is going to have to go"
    long_ = ("Varn is a proud man who built this harbour over thirty years, and he knows every crane on it, but I do "
             "not think the dock workers are going to go home until they see a new contract on the table")
    assert align.same_statement(align.words(short.lower()), align.words(long_.lower()))
    printed = [_printed("a", short, 0), _printed("b", short, 1), _printed("c", long_, 2)]
    groups = align.group_quotes(printed, group_of=lambda article_id: article_id)
    assert sorted(sorted(o.quote.span.article_id for o in g.occurrences) for g in groups) == [["a", "b"], ["c"]]
    assert all(o.verdict == "verbatim" for g in groups for o in g.occurrences)
    # A short quote reworded inside a stretch of the statement stays its alteration.
    statement = "When the alarm went off it was total chaos for about ten minutes on the lower deck, and then nothing"
    printed = [_printed("a", statement, 0), _printed("b", statement, 1), _printed("c", "complete chaos for roughly ten minutes", 2)]
    (group,) = align.group_quotes(printed, group_of=lambda article_id: article_id)
    assert {o.quote.span.article_id: o.verdict for o in group.occurrences}["c"] == "altered"


def test_a_short_quote_altered_in_most_of_its_words_stays_altered():
    printed = [_printed("a", "It was total chaos for about ten minutes, and then it was very quiet", 0),
               _printed("b", "total chaos for about ten minutes", 1),
               _printed("c", "complete chaos for roughly ten minutes", 2)]  # fmt: skip
    (group,) = align.group_quotes(printed, group_of=lambda article_id: article_id)
    verdicts = {o.quote.span.article_id: o.verdict for o in group.occurrences}
    assert verdicts == {"a": "verbatim", "b": "partial", "c": "altered"}


def test_a_speakers_statements_that_share_only_the_storys_words_stay_apart():
    """A short quote shares a run of words with many of a speaker's statements. Where the
    run is the story's own vocabulary ("the people of Ardmore", used by most articles in
    their own voice) and the words that carry the meaning differ, the two are two
    statements, not one altered by an outlet; each is printed verbatim."""
    narrations = ["The people of Ardmore voted on Sunday.", "In Ardmore, people queued to vote.",
                  "Ardmore's people chose a council.", "The count in Ardmore ran late."]  # fmt: skip
    vocabulary = align.story_vocabulary(narrations)
    assert {"ardmore", "people"} <= vocabulary and "council" not in vocabulary
    long_ = "Many questions about the harbour remain open, but the people of Ardmore will find those answers"
    short = "The people of Ardmore have spoken"
    printed = [_printed("a", long_, 0), _printed("b", long_, 1), _printed("c", short, 2), _printed("d", short, 3)]
    assert align.same_statement(printed[0].tokens, printed[2].tokens)  # the run alone would join them
    groups = align.group_quotes(printed, group_of=lambda article_id: article_id, vocabulary=vocabulary)
    assert sorted(sorted(o.quote.span.article_id for o in g.occurrences) for g in groups) == [["a", "b"], ["c", "d"]]
    assert all(o.verdict == "verbatim" for g in groups for o in g.occurrences)

    # Two longer statements of one speaker sharing a stock phrase of the story.
    talks = "We want talks that meet the hopes of the people of Ardmore"
    vote = "The count must answer the hopes of the people of Ardmore"
    printed = [_printed("a", talks, 0), _printed("b", talks, 1), _printed("c", vote, 2)]
    without = align.group_quotes(printed, group_of=lambda article_id: article_id)
    assert [o.verdict for g in without for o in g.occurrences].count("altered") == 1  # joined by the phrase alone
    groups = align.group_quotes(printed, group_of=lambda article_id: article_id, vocabulary=vocabulary)
    assert sorted(sorted(o.quote.span.article_id for o in g.occurrences) for g in groups) == [["a", "b"], ["c"]]

    # A quote whose words the outlets echo in their own voice is judged by all its words.
    echoed = align.story_vocabulary(["The overloaded ferry sank.", "The ferry was overloaded, divers said."])
    assert {"ferry", "overloaded"} <= echoed
    printed = [_printed("a", "the ferry was badly overloaded", 0), _printed("b", "the ferry was overloaded", 1)]
    (group,) = align.group_quotes(printed, group_of=lambda article_id: article_id, vocabulary=echoed)
    assert sorted(o.quote.span.article_id for o in group.occurrences) == ["a", "b"]  # one statement

    # What an outlet changes in a short quote is still found: it keeps the meaning's words.
    printed = [_printed("a", "total chaos for about ten minutes", 0), _printed("b", "complete chaos for roughly ten minutes", 1),
               _printed("c", "total chaos for about ten minutes", 2)]  # fmt: skip
    (group,) = align.group_quotes(printed, group_of=lambda article_id: article_id, vocabulary=vocabulary)
    assert {o.quote.span.article_id: o.verdict for o in group.occurrences}["b"] == "altered"


def test_different_statements_stay_apart():
    assert not align.same_statement(
        align.words("the ferry will run again on Monday once the divers have checked the hull".lower()),
        align.words("we have no plans to close the harbour office before the end of the year".lower()),
    )


# --- speakers (spaCy) ---------------------------------------------------------

FICTION = """Ilsa Varn, the mayor of Tollmere, spoke to reporters on Monday.

"The ferry will not sail until the divers have checked every plate of the hull," Varn said. "We owe that to the families."

Greyhaven Marine, the company that runs the ferry, issued a statement. "We are cooperating fully with the harbour authority," the company said.

Tomas Peck, a deckhand, described the moment the ramp gave way. He said:

"There was a bang like a door slamming and then the ramp just dropped into the water."

Residents on social media were less patient. "We told the council about that ramp two years ago," one wrote."""


@pytest.fixture(scope="module")
def fiction_quotes():
    article = Article(id="f1", origin="fiction.txt", title="Ferry halted", text=FICTION)
    return article, extract_quotes([article])["f1"]


def _speaker_of(article, quotes, start_words: str) -> str | None:
    for quote in quotes:
        if article.slice(quote.span).startswith(start_words):
            return quote.speaker
    raise AssertionError(f"no quote starting {start_words!r}")


def test_speakers_named_pronoun_company_lead_in_and_public(fiction_quotes):
    article, quotes = fiction_quotes
    assert _speaker_of(article, quotes, "The ferry will not sail") == "Ilsa Varn"
    assert _speaker_of(article, quotes, "We owe that") == "Ilsa Varn"  # carried over in the paragraph
    assert _speaker_of(article, quotes, "We are cooperating") == "Greyhaven Marine"  # "the company"
    assert _speaker_of(article, quotes, "There was a bang") == "Tomas Peck"  # lead-in "He said:"
    assert _speaker_of(article, quotes, "We told the council") == "residents on social media"


def _speakers(text: str) -> list[str | None]:
    """The speaker of each quote of a one-article story, in text order."""
    article = Article(id="a1", origin="story.txt", title="Harbour strike", text=text)
    return [quote.speaker for quote in extract_quotes([article])["a1"]]


def test_a_live_blog_stamp_before_the_speaker_is_not_the_speaker():
    """A live blog's entry starts with its stamp in parentheses; the parser can make a
    word of it the subject of the entry's verb, and the speaker's name an apposition."""
    text = ("Frank Tessler flew to Valdport to meet with officials there, spokesman Olek Brandt told reporters. "
            "(Update 2:18 p.m. Valdport, 7:18 a.m. ET) Tarek Samy, chair of the Northern Ports Board, told Radio Nord "
            "that if he is asked to play a role during any political transition, `` I will carry out my duties to "
            "serve the people of Valdport. '' (Update 1:04 p.m. Valdport, 6:04 a.m. ET) Ferry line Skarholm says it "
            "has organised extra crossings.")
    assert _speakers(text) == ["Tarek Samy"]


def test_things_that_continue_do_not_speak():
    """"Continue" is a speech verb ("she continued"), but negotiations that continue
    among the parties are not the speaker of the quote after them, nor a board that
    "will continue to stand up for" something."""
    text = ("`` The board must put forward a credible path toward a fair contract, and it has not yet seized that "
            "opportunity, '' Mayor Ilsa Varn said in a statement. Varn did not call on the board to resign, but she "
            "did call for the curfew to be lifted while negotiations continue among the council, the unions and the "
            "port on the harbour's future. `` As we have said from the beginning of this dispute, the future of the "
            "harbour will be determined by its workers. ''")
    speakers = _speakers(text)
    assert speakers[0] == "Ilsa Varn" and "negotiations" not in speakers, speakers
    assert _speakers("Mayor Ilsa Varn paused. `` We will not sign this, '' she continued.") == ["Ilsa Varn"]
    text = ("`` The strike is about safety, '' Mayor Ilsa Varn said, adding that talks would go on. The Harbour Board "
            "will continue to stand up for the rights of the dock workers, she affirmed. `` This moment of anger has "
            "to be turned into a moment of promise. ''")
    assert _speakers(text) == ["Ilsa Varn", "Ilsa Varn"]


def test_a_word_that_names_no_one_is_no_speaker():
    """The parse can give a quote the subject of a clause before it ("he warned that
    success was not guaranteed and asked people to “...”") or a bare "who" or "this": none
    of them is a speaker, and the quote is better left without one."""
    text = ("Harbour master Ines Valdor said the repairs could be done by Friday. However, she warned that success "
            "was not guaranteed and asked people to `` remember this is being done in forty metres of water. ''")
    assert not {"success", "who", "this"} & set(_speakers(text)), _speakers(text)
    text = "Commuters were angry on Monday. This adds `` a whole hour to every crossing, '' who said."
    assert not {"who", "this", "This"} & set(_speakers(text)), _speakers(text)


def test_an_aside_after_a_dash_is_not_part_of_the_name():
    text = ("`` The strike is about safety, '' Mayor Ilsa Varn said. Harbour League chair Tarek Samy -- Varn's former "
            "deputy -- called Monday for calm. Tarek Samy said: `` We will carry out our duties to serve the people of "
            "Valdport. ''")
    assert _speakers(text) == ["Ilsa Varn", "Tarek Samy"]


def test_a_capitalised_word_of_a_name_is_no_speech_verb():
    """ "States" in "the United States" is not "states"; "..., Viguerie notes." still is."""
    text = ("Tarek Samy, the former head of the Northern Ports Board who returned to Valdport last week, spoke to "
            "Radio Nord. Samy told the station that the United States needs to `` let go '' of its longtime ally. "
            "`` My message to the council is simple: you need to let go of the old contract. ''")
    assert set(_speakers(text)) == {"Tarek Samy"}
    assert _speakers("`` We will not sign, '' Viguerie notes.") == ["Viguerie"]


def test_quote_spans_point_at_the_quoted_words(fiction_quotes):
    article, quotes = fiction_quotes
    for quote in quotes:
        text = article.slice(quote.span)
        assert text and not text.startswith(('"', "“")) and not text.endswith(('"', "”"))
        if quote.speaker_span:
            assert article.slice(quote.speaker_span).strip()


def _one_article(text: str):
    article = Article(id="t1", origin="test.txt", title="Test", text=text)
    return article, extract_quotes([article])["t1"]


def test_content_span_is_the_clause_the_speaker_is_credited_with():
    article, quotes = _one_article(
        "Harbour master Tomas Peck says the ferry will be refloated this week and will “sail again by spring.”\n\n"
        "Ilsa Varn called the inspection “a box-ticking exercise” on Monday."
    )
    by_words = {article.slice(q.span): q for q in quotes}
    peck = by_words["sail again by spring."]
    assert article.slice(peck.content) == "the ferry will be refloated this week and will “sail again by spring.”"
    assert peck.speaker == "Tomas Peck"
    varn = by_words["a box-ticking exercise"]
    assert article.slice(varn.content) == "the inspection “a box-ticking exercise”"
    for quote in quotes:
        assert quote.content.contains(quote.span)


def test_a_whole_quoted_sentence_is_its_own_content(fiction_quotes):
    article, quotes = fiction_quotes
    quote = next(q for q in quotes if article.slice(q.span).startswith("There was a bang"))
    assert quote.content == quote.span


def test_titles_figures_and_scare_quotes_are_not_statements():
    _, quotes = _one_article(
        "Ilsa Varn spoke on the radio show “Harbour Hour Tonight” on Monday.\n\n"
        "The timetable lists “2026-03-01” as the day the ferry returns.\n\n"
        "The “temporary” closure of the slipway is now in its third week."
    )
    assert quotes == []


def test_short_words_from_a_longer_quote_in_the_story_are_a_partial_quote():
    told = Article(id="a", origin="a.txt", title="A", text="“We are deeply sorry for the delays,” Ilsa Varn said on Monday.")
    echoed = Article(id="b", origin="b.txt", title="B", text="Ilsa Varn was “deeply sorry” about the delays at the harbour.")
    alone = Article(id="c", origin="c.txt", title="C", text="Ilsa Varn was “deeply sorry” about the delays at the harbour.")
    story = extract_quotes([told, echoed])
    assert [echoed.slice(q.span) for q in story["b"]] == ["deeply sorry"]
    assert story["b"][0].speaker == "Ilsa Varn"
    assert extract_quotes([alone])["c"] == []  # with nobody printing more, a scare quote


def test_headline_quotes_are_noted_with_whose_words_they_are():
    from corroborate.brief import start_brief
    from corroborate.quotes import find_quotes

    said = Article(id="a", origin="a.txt", title="Mayor ‘deeply sorry’ over ferry delays", outlet="Tollmere Post",
                   text="“We are deeply sorry for the delays,” Ilsa Varn said on Monday.")
    invented = Article(id="b", origin="b.txt", title="Ferry chaos ‘a disgrace’ as delays go on", outlet="Quay Daily",
                       text="The ferry stayed in port for a third day, Ilsa Varn said on Monday.")
    notes = find_quotes(start_brief([said, invented])).notes
    assert any("Tollmere Post" in n and "deeply sorry" in n and "Ilsa Varn" in n for n in notes)
    assert any("Quay Daily" in n and "a disgrace" in n and "no quote of the story" in n for n in notes)


def test_alias_resolver_maps_short_names_to_the_full_name():
    from corroborate.quotes.speakers import Cast

    cast = Cast()
    for name, label in [("Ilsa Varn", "PERSON")] * 3 + [("Varn", "PERSON"), ("Ilsa", "PERSON"), ("Varn’s", "ORG")]:
        cast.add(name, label)
    assert {cast.canonical(n) for n in ("Varn", "Ilsa", "Varn’s", "Ilsa Varn")} == {"Ilsa Varn"}
    assert cast.kind("Ilsa Varn") == "PERSON"


# --- real data: the Balenciaga story -------------------------------------------


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[\w’'-]+", text)}


@pytest.mark.slow
def test_balenciaga_statements_verdicts_and_rewrites(balenciaga_dir: Path):
    from corroborate.brief import start_brief
    from corroborate.ingest import read_articles
    from corroborate.quotes import find_quotes

    articles, _ = read_articles([balenciaga_dir])
    brief = find_quotes(start_brief(articles))
    file_of = {a.id: Path(a.origin).name[:3] for a in brief.articles}

    shared = [g for g in brief.quotes if len({o.quote.span.article_id for o in g.occurrences}) >= 2]
    kim = [g for g in shared if g.speaker == "Kim Kardashian"]
    company = [g for g in shared if g.speaker == "Balenciaga"]
    # The statement's four parts, every outlet printing at least one of them.
    assert len(kim) == 4
    assert {file_of[o.quote.span.article_id] for g in kim for o in g.occurrences} == {"000", "001", "002", "003", "004"}
    # The apology, grouped across the three outlets that print it.
    assert any({file_of[o.quote.span.article_id] for o in g.occurrences} == {"001", "002", "004"} for g in company)

    flagged = {file_of[f.article_id] for f in brief.quote_fidelity if f.flagged_as_rewrite}
    assert flagged == {"000", "002"}
    # The outlet with one changed word shows it, and is not flagged.
    one_word = [
        o
        for g in kim
        for o in g.occurrences
        if file_of[o.quote.span.article_id] == "004" and o.verdict == "altered"
    ]
    assert [(e.removed, e.added) for o in one_word for e in o.edits] == [("disgusted", "shocked")]
    # Canonical wordings are the ones the faithful outlets print.
    assert any("disgusted" in _words(g.canonical) for g in kim)

    speakers = {g.speaker for g in brief.quotes}
    assert {"Kim Kardashian", "Balenciaga", "Kanye West", "Gabriele Galimberti", "fans on social media"} <= speakers


# --- the bundled example story (ground truth in truth.json) ------------------------


def _net_changes(edits) -> tuple[set[str], set[str]]:
    removed = {w for e in edits for w in align.normalise(" ".join(align.words(e[0]))).split()}
    added = {w for e in edits for w in align.normalise(" ".join(align.words(e[1]))).split()}
    return removed - added, added - removed


@pytest.mark.slow
def test_example_story_quotes_match_the_truth(example_story_dir: Path, example_truth: dict):
    from corroborate.brief import start_brief
    from corroborate.ingest import read_articles
    from corroborate.quotes import find_quotes

    articles, _ = read_articles([example_story_dir / "articles"])
    brief = find_quotes(start_brief(articles))
    by_file = {Path(a.origin).name: a for a in brief.articles}
    located = []  # (truth quote, truth occurrence, our group, our occurrence)
    for planted in example_truth["quotes"]:
        for occurrence in planted["occurrences"]:
            article = by_file[occurrence["file"]]
            wanted = [align.normalise(w) for w in align.words(occurrence["text"])]
            if not align._contains([align.normalise(w) for w in align.words(article.text)], wanted):
                # Printed in the headline, which cleaning takes out of the body
                # text that quote spans point into.
                assert align._contains([align.normalise(w) for w in align.words(article.title)], wanted)
                continue
            ours = sorted(
                ((group, o) for group in brief.quotes for o in group.occurrences if o.quote.span.article_id == article.id),
                key=lambda pair: pair[1].quote.span.start,
            )
            tokens = [[align.normalise(w) for w in align.words(brief.text(o.quote.span))] for _, o in ours]
            # A quote running over two paragraphs is two spans: look at runs of consecutive quotes.
            match = next(
                (
                    ours[i]
                    for size in (1, 2, 3)
                    for i in range(len(ours) - size + 1)
                    if align._contains([t for part in tokens[i : i + size] for t in part], wanted)
                ),
                None,
            )
            assert match, f"{occurrence['file']}: planted quote not found: {occurrence['text'][:40]}"
            located.append((planted, occurrence, *match))
    for planted, occurrence, group, ours in located:
        where = f"{occurrence['file']}: {occurrence['text'][:40]}"
        assert group.speaker == planted["speaker"], where
        if occurrence["verdict"] == "altered":
            assert ours.verdict == "altered", where
            assert _net_changes([(e.removed, e.added) for e in ours.edits]) == _net_changes(occurrence["edits"]), where
        else:
            assert ours.verdict != "altered", where


# --- command line ---------------------------------------------------------------


def test_quotes_command_prints_json(tmp_path: Path):
    import json

    from click.testing import CliRunner

    from corroborate.cli import main

    (tmp_path / "one.txt").write_text("Ferry halted at Tollmere\n\n" + FICTION, encoding="utf-8")
    result = CliRunner().invoke(main, ["quotes", str(tmp_path / "one.txt"), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert "Tomas Peck" in {group["speaker"] for group in payload["quotes"]}
    for group in payload["quotes"]:
        for occurrence in group["occurrences"]:
            quote = occurrence["quote"]
            assert quote["span"]["text"] in quote["content"]["text"]
    missing = CliRunner().invoke(main, ["quotes", str(tmp_path / "absent.txt")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output


# --- real data: PolNeAR (quality gate, floors in tests/floors.json) ------------------


@pytest.mark.slow
def test_polnear_direct_quotes_floor():
    import sys

    from conftest import ROOT, floor, shared_path

    shared_path("data", "polnear_dev.jsonl.gz")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from quotes_polnear import load, score

    result = score(load("dev"))
    print(
        f"PolNeAR dev: content F1 {result['f1']:.3f}, quoted words F1 {result['quoted']['f1']:.3f}, "
        f"speaker accuracy {result['speaker_accuracy']:.3f}"
    )
    assert result["f1"] >= floor("quotes_polnear_content_f1")
    assert result["quoted"]["f1"] >= floor("quotes_polnear_quoted_words_f1")
    assert result["speaker_accuracy"] >= floor("quotes_polnear_speaker_accuracy")

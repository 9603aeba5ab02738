"""A brief of a big generated story stays readable: every section is cut to its
top, says what it leaves out and how to see it, and still shows every planted
altered quote and every planted conflict (tests/large_story.py)."""

from __future__ import annotations

import re

import pytest
from large_story import planted, story

from corroborate.brief import analyse, start_brief
from corroborate.render import RenderOptions, render

ARTICLES = 240
# A terminal screen is about 50 lines: "a few screens".
MAX_TERMINAL_LINES = 350


@pytest.fixture(scope="module")
def big_brief():
    return analyse(start_brief(story(ARTICLES)))


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_analysis_finds_what_was_planted(big_brief):
    # Without this the rendering checks below could pass on a brief with nothing to show.
    truth = planted()
    altered = [o for g in big_brief.quotes for o in g.occurrences if o.verdict == "altered"]
    assert len(altered) == len(truth.altered_words)
    conflicts = {frozenset(c.display.split()[0] for c in slot.claims) for slot in big_brief.facts if slot.status == "conflicting"}
    assert {frozenset(pair) for pair in truth.conflicts} <= conflicts
    assert len(big_brief.articles) == ARTICLES and len(big_brief.quotes) > 10 and len(big_brief.entities) > 15


def test_the_terminal_brief_is_capped_and_says_what_it_leaves_out(big_brief):
    capped = render(big_brief, "terminal")
    everything = render(big_brief, "terminal", RenderOptions(show_all=True))
    assert len(capped.splitlines()) <= MAX_TERMINAL_LINES
    assert len(everything.splitlines()) > 3 * len(capped.splitlines())
    for what in ("sources", "quote groups", "single-source facts", "names", "copies or rewrites"):
        assert re.search(rf"… \d+ more {what} not shown \(--all shows everything\)", capped), what
    assert "not shown" not in everything


def test_every_planted_altered_quote_and_conflict_is_shown(big_brief):
    truth = planted()
    for rendered in (render(big_brief, "terminal"), render(big_brief, "md"), render(big_brief, "html")):
        flat = _flat(rendered)
        for word in truth.altered_words:
            assert re.search(rf"(\{{\+|\*\*|<ins>){word}", flat), word
        for majority, minority in truth.conflicts:
            assert re.search(rf"{re.escape(majority)} \w+.*?(vs|VS).*?{re.escape(minority)} \w+", flat), (majority, minority)


def test_html_folds_the_rest_in_place(big_brief):
    page = render(big_brief, "html")
    assert re.search(r'<details class="more"><summary>\d+ more quote groups</summary>', page)
    assert "<script" not in page
    # Folded, not dropped: every quote group is on the page.
    assert all(group.canonical.split(",")[0] in page for group in big_brief.quotes)

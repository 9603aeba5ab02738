"""An outlet printing its own words again is one source (corroborate.independence):
a sidebar headline on every page of one site confirms nothing."""

from __future__ import annotations

import datetime as dt
import itertools

from builders import article
from corroborate import summarize
from corroborate.brief import start_brief
from corroborate.claims import find_facts
from corroborate.config import BriefOptions
from corroborate.independence import print_key, source_count
from corroborate.sentences import split_sentences

SIDEBAR = "Most read: 40 sailors rescued off Gannet Rock in midnight storm."
REPORTS = [
    "Ferry crews in Port Ellery walked out on Monday over a pay offer that the union called an insult.",
    "The Tidewell Lines depot stayed shut on Tuesday as pickets blocked the gates at dawn.",
    "Islanders on Holm Bay queued for a relief boat on Wednesday, the third day without ferries.",
]


def strike_story():
    day = dt.date(2031, 3, 2)
    articles = [article(f"{text}\n\nTalks are due to resume next week, the union said.\n\n{SIDEBAR}",
                        title=f"Strike, day {k + 1}", outlet="Harbour Daily", published=day + dt.timedelta(days=k))
                for k, text in enumerate(REPORTS)]  # fmt: skip
    articles.append(article(f"Coastguard crews worked through the night.\n\n{SIDEBAR}", title="Rescue",
                            outlet="Coast Post", published=day))  # fmt: skip
    return split_sentences(start_brief(articles), BriefOptions())


def test_an_outlet_s_same_words_in_two_articles_are_one_source():
    brief = strike_story()
    daily = [a.id for a in brief.articles if a.outlet == "Harbour Daily"]
    post = next(a.id for a in brief.articles if a.outlet == "Coast Post")
    assert len({brief.group_of(a) for a in daily + [post]}) == 4  # four independent articles
    prints = [(a, print_key(brief, a, SIDEBAR)) for a in daily + [post]]
    for order in itertools.permutations(prints):
        assert source_count(brief, order) == 2  # Harbour Daily's three prints, and Coast Post's
    assert source_count(brief, [(a, None) for a in daily]) == 3  # other words: three reports
    assert print_key(brief, daily[0], "Most  read: 40 sailors rescued off Gannet Rock in midnight storm.") == prints[0][1]


def test_a_sidebar_fact_is_corroborated_only_by_other_outlets():
    facts = find_facts(strike_story(), BriefOptions()).facts
    rescued = [s for s in facts if any(c.value == "40" for c in s.claims)]
    assert len(rescued) == 1, [(s.attribute, [c.value for c in s.claims]) for s in facts]
    assert len(rescued[0].claims) == 4
    assert rescued[0].independent_sources == 2 and rescued[0].status == "corroborated"


def test_the_summary_weighs_a_sidebar_as_one_source():
    brief = strike_story()
    texts = [brief.text(s.span) for s in brief.sentences]
    reprints = summarize._reprints(brief, texts)
    daily = {row for row, s in enumerate(brief.sentences) if brief.article(s.span.article_id).outlet == "Harbour Daily"}
    # the sidebar and the closing line each Harbour Daily article carries: two sources of their own
    repeated = {row for row in daily if texts[row] in (SIDEBAR, "Talks are due to resume next week, the union said.")}
    assert set(reprints) == repeated
    assert len({reprints[row] for row in repeated if texts[row] == SIDEBAR}) == 1
    assert len(set(reprints.values())) == 2
    chosen = summarize.summary_sentences(brief, 60)
    cited = {brief.text(s.span): s.independent_sources for s in chosen}
    assert cited.get(SIDEBAR, 2) == 2  # if chosen at all, two sources: Harbour Daily and Coast Post


def test_a_sidebar_run_into_the_next_headline_is_still_one_outlet_s_print():
    """A page's sidebar printed on one line with that day's headlines after it is one
    sentence with a different end on every page: the clause that holds the value is
    the same words, so one source."""
    heads = ["Gull colony returns to the north pier: Wardens counted 300 pairs on the rocks",
             "Lifeboat crew honoured at the guildhall: The mayor thanked the volunteers",
             "Quay market reopens after repairs: Stallholders returned on a bright morning"]  # fmt: skip
    day = dt.date(2031, 3, 2)
    articles = [article(f"{text}\n\nThe three most read stories on the Harbour Daily site in the past 24 hours, "
                        f"according to ReadCount: {heads[k]}.", title=f"Strike, day {k + 1}", outlet="Harbour Daily",
                        published=day + dt.timedelta(days=k))
                for k, text in enumerate(REPORTS)]  # fmt: skip
    brief = split_sentences(start_brief(articles), BriefOptions())
    facts = find_facts(brief, BriefOptions()).facts
    sidebar = [s for s in facts if any("24 hours" in brief.text(c.span) for c in s.claims)]
    assert sidebar and all(len(s.claims) == 3 for s in sidebar), [(s.attribute, len(s.claims)) for s in sidebar]
    assert all(s.independent_sources == 1 and s.status == "single-source" for s in sidebar)

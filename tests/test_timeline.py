"""The story's events in date order (fictional story; real articles as a gate)."""

from __future__ import annotations

import datetime as dt

import pytest

from corroborate.config import BriefOptions
from corroborate.ingest import read_articles
from corroborate.timeline import build_timeline
from test_claims import ferry_brief
from test_entities import facts_of


def test_events_are_in_date_order_with_sources_and_a_sentence():
    brief, _ = ferry_brief()
    timeline = build_timeline(brief, BriefOptions()).timeline
    assert timeline
    dates = [event.date for event in timeline]
    assert dates == sorted(dates)
    for event in timeline:
        assert event.sources
        assert event.description.article_id in event.sources
        assert brief.text(event.description).strip()


def test_conflicting_days_give_one_event_each():
    brief, (herald, courier, _) = ferry_brief()
    timeline = build_timeline(brief, BriefOptions()).timeline
    by_date = {event.date: event for event in timeline}
    assert by_date[dt.date(2031, 3, 10)].sources == (herald.id,)
    assert by_date[dt.date(2031, 3, 11)].sources == (courier.id,)
    assert not any(event.date_inferred for event in timeline if herald.id in event.sources)


def test_timeline_runs_without_the_facts_stage():
    brief, _ = ferry_brief()
    bare = brief.__class__(title=brief.title, articles=brief.articles, sentences=brief.sentences)
    assert build_timeline(bare, BriefOptions()).timeline


@pytest.mark.slow
def test_balenciaga_statement_is_dated_sunday_27_november_2022(balenciaga_dir):
    articles, _ = read_articles([balenciaga_dir])
    brief = facts_of(*articles)
    timeline = build_timeline(brief, BriefOptions()).timeline
    sunday = [e for e in timeline if e.date == dt.date(2022, 11, 27) and e.precision == "day"]
    assert sunday, "no event on 2022-11-27"
    statement = max(sunday, key=lambda e: len(e.sources))
    assert len(statement.sources) >= 3
    text = brief.text(statement.description)
    assert "Twitter" in text or "statement" in text or "wrote" in text
    # Only one article states its published date: the others' dates are inferred.
    assert statement.date_inferred
    assert any("inferred" in note for note in brief.notes)
    assert [e.date for e in timeline] == sorted(e.date for e in timeline)


def test_one_event_per_sentence_the_main_clause_keeps_it():
    from builders import article

    text = (
        "Dancer Lio Varga, who won the Kestrel Prize in 2029, opened the Harwick festival on Saturday.\n\n"
        "The festival drew 4,000 visitors, organisers said."
    )
    item = article(text, title="Festival opens", outlet="Harwick Post", published=dt.date(2031, 6, 9))
    brief = facts_of(item)
    timeline = build_timeline(brief, BriefOptions()).timeline
    descriptions = [event.description for event in timeline]
    assert len(descriptions) == len(set(descriptions)), "one sentence told two events"
    assert [e.date for e in timeline] == [dt.date(2031, 6, 7)]  # the opening, not the background prize


def test_a_conflicting_value_keeps_its_event_told_by_its_clause():
    from builders import article

    one = article(
        "The Harwick concert hall, which opened in 1971, was repainted in 2030 by Osk Decorators.\n\n"
        "The hall seats 900 people.",
        title="Hall repainted", outlet="Harwick Post", published=dt.date(2031, 6, 9),
    )
    two = article(
        "The Harwick concert hall opened in 1974 and was repainted in 2030 by Osk Decorators.",
        title="Hall", outlet="Valley Times", published=dt.date(2031, 6, 9),
    )
    brief = facts_of(one, two)
    assert any(s.status == "conflicting" for s in brief.facts), [(s.attribute, s.status) for s in brief.facts]
    timeline = build_timeline(brief, BriefOptions()).timeline
    years = {e.date.year for e in timeline}
    assert {1971, 1974, 2030} <= years
    descriptions = [event.description for event in timeline]
    assert len(descriptions) == len(set(descriptions))


def test_a_future_year_naming_a_thing_is_no_event():
    """"its Spring/Summer 2032 collection" written in 2031 names a product; the show held
    in July is an event, and so is a plan with a verb ("will reopen in 2032")."""
    from builders import article

    text = (
        "The ads supported the label's Spring/Summer 2032 collection and featured two models in a July show "
        "in Orme.\n\nThe label said its flagship store will reopen in 2032."
    )
    articles = [
        article(text.replace("The label", label), title="Label", outlet=outlet, published=dt.date(2031, 9, 1))
        for label, outlet in (("The label", "Orme Daily"), ("The fashion label", "Bay Courier"))
    ]
    brief = facts_of(*articles)
    timeline = build_timeline(brief, BriefOptions()).timeline
    told = [(e.date.isoformat(), brief.text(e.description)) for e in timeline]
    assert any(date == "2031-07-01" and "July show" in t for date, t in told), told
    assert any(date == "2032-01-01" and "reopen" in t for date, t in told), told
    assert not any(date == "2032-01-01" and "collection" in t for date, t in told), told
    # Nor is it a fact outlets agree on ("date of collection: 2032").
    in_2032 = [brief.text(c.context or c.span) for slot in brief.facts for c in slot.claims if c.kind == "date" and c.value.startswith("2032")]
    assert in_2032 and all("reopen" in sentence for sentence in in_2032), in_2032


def test_an_outlets_report_tells_an_event_before_a_transcripts_turn():
    """A broadcast transcript's turns are what was said on air ("Sir, thanks for joining
    us tonight."): an event that a report also dates is told in the report's words."""
    from builders import article

    radio = article(
        "MIRA KESSEL, HARBOUR RADIO ANCHOR: Good evening from Valdport. KESSEL: The ferry Brantmoor sank on "
        "Saturday night, and we were all on the quay. INES VALDOR, HARBOUR MASTER: Thank you, Mira. VALDOR: It did.",
        title="Harbour Radio evening", outlet="Harbour Radio", published=dt.date(2031, 6, 9),
    )
    post = article(
        "The ferry Brantmoor sank off Valdport on Saturday, the coast guard said.\n\nDivers searched the wreck.",
        title="Ferry sinks", outlet="Harwick Post", published=dt.date(2031, 6, 9),
    )
    brief = facts_of(radio, post)
    sinking = [e for e in build_timeline(brief, BriefOptions()).timeline if set(e.sources) == {radio.id, post.id}]
    assert len(sinking) == 1 and sinking[0].date == dt.date(2031, 6, 7)
    assert brief.text(sinking[0].description) == "The ferry Brantmoor sank off Valdport on Saturday, the coast guard said."


def test_an_event_is_told_by_a_sentence_that_stands_on_its_own():
    """Shown alone on its date, a sentence that leans on the one before it ("They said
    ...") tells the event less well than another outlet's that names who said it."""
    from builders import article

    daily = article(
        "They said the ferry Brantmoor sank off Valdport on Saturday night.\n\nDivers searched the wreck on Sunday.",
        title="Ferry lost", outlet="Harbour Daily", published=dt.date(2031, 6, 9),
    )
    post = article(
        "Divers searched the wreck of a ferry.\n\nThe ferry Brantmoor sank off Valdport on Saturday night, the coast guard said.",
        title="Ferry sinks", outlet="Harwick Post", published=dt.date(2031, 6, 9),
    )
    brief = facts_of(daily, post)
    sinking = [e for e in build_timeline(brief, BriefOptions()).timeline if e.date == dt.date(2031, 6, 7)]
    assert len(sinking) == 1 and set(sinking[0].sources) == {daily.id, post.id}
    assert brief.text(sinking[0].description) == "The ferry Brantmoor sank off Valdport on Saturday night, the coast guard said."


def test_a_day_is_led_by_an_event_told_by_a_sentence_that_stands_on_its_own():
    """The best-reported event of a day told only by a sentence leaning on the one before
    it ("This was completed on Saturday.") does not lead the day over an event that a
    sentence tells on its own; both stay in the day."""
    from builders import article

    from corroborate.render.ranking import timeline_days

    reports = [
        article(f"Engineers worked through the night to seal the dock gate.\n\nThis was completed on Saturday, {outlet} reported.",
                title=f"Dock gate {k}", outlet=outlet, published=dt.date(2031, 6, 9))  # fmt: skip
        for k, outlet in enumerate(("Harbour Daily", "Harwick Post", "Quayside Courier"))
    ]
    reports.append(article("The harbour crane Valdport One was repaired on Saturday, the port authority said.\n\nShips may dock again.",
                           title="Crane repaired", outlet="Tidewell Times", published=dt.date(2031, 6, 9)))  # fmt: skip
    brief = build_timeline(facts_of(*reports), BriefOptions())
    saturday = next(day for day in timeline_days(brief) if day.date == dt.date(2031, 6, 7))
    texts = [brief.text(event.description) for event in saturday.events]
    assert texts[0] == "The harbour crane Valdport One was repaired on Saturday, the port authority said.", texts
    assert any(text.startswith("This was completed on Saturday") for text in texts[1:]), texts

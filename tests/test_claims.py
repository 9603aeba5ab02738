"""Entities, valued claims, and agreement/conflict across outlets.

Unit tests use a small fictional story (the Eastmere ferry); the quality gates
read the bundled example story's truth.json and the real Balenciaga articles
at run time.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from builders import article
from conftest import EXAMPLE_STORY, floor
from corroborate.brief import start_brief
from corroborate.claims import find_facts, parse_number, values_agree
from corroborate.config import BriefOptions
from corroborate.ingest import read_articles
from corroborate.model import Claim, Span
from corroborate.sentences import split_sentences

HERALD = (
    "Harbour master Ines Valdor withdrew the Eastmere ferry from service on Monday after inspectors found "
    "corrosion in its hull.\n\n"
    "Valdor, 51, said the repairs would cost $1.8 million.\n\n"
    "The harbour authority said 1,200 commuters use the crossing each day."
)
COURIER = (
    "Harbour master Ines Valdor withdrew the Eastmere ferry from service on March 11 when inspectors found "
    "corrosion in its hull.\n\n"
    "The 51-year-old harbour master said the repairs would cost $1.8m.\n\n"
    "About 1,200 commuters use the crossing each day, the harbour authority said."
)
BULLETIN = (
    "Eastmere's ferry is out of service after corrosion was found in its hull.\n\n"
    "Ines Valdor, the harbour master, said the repairs would cost $2.6 million."
)


def ferry_brief():
    herald = article(HERALD, title="Ferry withdrawn", outlet="Eastmere Herald", published=dt.date(2031, 3, 12))
    courier = article(COURIER, title="Ferry pulled", outlet="Bay Courier", published=dt.date(2031, 3, 12))
    bulletin = article(BULLETIN, title="Ferry out", outlet="Bay Bulletin", published=None)
    brief = start_brief([herald, courier, bulletin])
    return find_facts(split_sentences(brief, BriefOptions()), BriefOptions()), (herald, courier, bulletin)


@pytest.fixture(scope="module")
def ferry():
    return ferry_brief()


def slot_with(brief, kind: str, subject: str | None = None):
    return [
        slot
        for slot in brief.facts
        if slot.claims[0].kind == kind and (subject is None or slot.subject == subject)
    ]


def test_parse_number_keeps_the_precision_of_the_figure():
    assert parse_number("74.2 million") == (74_200_000, 100_000)
    assert parse_number("a dozen") == (12, 1)
    assert parse_number("four") == (4, 1)
    assert parse_number("1,200") == (1200, 1)


def test_rounding_and_currency_are_not_conflicts():
    def claim(value, tolerance=0.0, kind="money"):
        return Claim(Span("a", 0, 1), "X", "amount", value, value, kind=kind, tolerance=tolerance)

    assert values_agree(claim("74200000 USD", 50_000), claim("74000000 USD", 500_000))
    assert not values_agree(claim("25000000 USD", 500_000), claim("26000000 USD", 500_000))
    assert values_agree(claim("25000000 USD"), claim("22000000 EUR"))  # not comparable


def test_dates_agree_at_the_coarser_precision():
    def claim(value, precision):
        return Claim(Span("a", 0, 1), "X", "date", value, value, precision=precision, kind="date")

    assert values_agree(claim("2031-03-10", "day"), claim("2031-03-01", "month"))
    assert values_agree(claim("2031-03-12", "day"), claim("2031-03-10", "week"))
    assert not values_agree(claim("2031-03-10", "day"), claim("2031-03-11", "day"))


def test_a_week_at_the_end_of_the_calendar_is_compared_not_raised():
    # Found by fuzzing: the days after a week of year 9999 do not exist.
    from corroborate.claims.numbers import disagreements

    def claim(value, precision):
        return Claim(Span("a", 0, 1), "X", "date", value, value, precision=precision, kind="date")

    week, month = claim("9999-12-27", "week"), claim("9999-12-01", "month")
    assert values_agree(week, month)
    assert not disagreements([week, month]).any()


def test_one_canonical_name_per_person(ferry):
    brief, _ = ferry
    names = [e.name for e in brief.entities if e.kind == "PERSON"]
    assert "Ines Valdor" in names
    assert "Valdor" not in names


def test_money_conflict_lists_who_says_what(ferry):
    brief, (herald, courier, bulletin) = ferry
    (slot,) = [s for s in slot_with(brief, "money") if s.status == "conflicting"]
    by_article = {c.span.article_id: c.value for c in slot.claims}
    assert by_article[herald.id] == by_article[courier.id] == "1800000 USD"
    assert by_article[bulletin.id] == "2600000 USD"


def test_age_is_corroborated_on_its_subject(ferry):
    brief, _ = ferry
    (slot,) = slot_with(brief, "age", "Ines Valdor")
    assert slot.status == "corroborated" and slot.independent_sources == 2
    assert {c.value for c in slot.claims} == {"51"}


def test_weekday_and_date_for_the_same_event_conflict(ferry):
    brief, (herald, courier, _) = ferry
    conflicting = [s for s in slot_with(brief, "date") if s.status == "conflicting"]
    assert len(conflicting) == 1
    values = {c.span.article_id: (c.display, c.value) for c in conflicting[0].claims}
    assert values[herald.id] == ("Monday", "2031-03-10")
    assert values[courier.id] == ("March 11", "2031-03-11")


def test_approximate_count_agrees_with_exact(ferry):
    brief, _ = ferry
    counts = [s for s in slot_with(brief, "count") if "commuter" in s.attribute]
    assert counts and all(s.status != "conflicting" for s in counts)


# A second fictional story: outlets word one count differently ("injured",
# "hurt"), one outlet gives another value, and every outlet also counts the
# passengers aboard. One row per real-world fact: the injured are one
# conflicting slot holding all three outlets; the passengers aboard another.
TRAM = {
    "Lowfield Post": "Nine passengers were injured when a tram left the rails on Kestrel Road. About 300 passengers "
    "were on the tram, the operator said.",
    "Kestrel Times": "A tram derailed on Kestrel Road, injuring 9 passengers. Some 300 passengers were aboard.",
    "Lowfield Radio": "Eleven passengers were hurt when the tram came off the rails on Kestrel Road with 300 "
    "passengers on board.",
}


@pytest.fixture(scope="module")
def tram():
    published = dt.date(2031, 5, 2)
    articles = [article(text, title="Tram", outlet=outlet, published=published) for outlet, text in TRAM.items()]
    return find_facts(split_sentences(start_brief(articles), BriefOptions()), BriefOptions())


def test_one_slot_per_fact_whatever_the_wording(tram):
    counts = [s for s in tram.facts if s.claims[0].kind == "count"]
    injured = [s for s in counts if {"9", "11"} & {c.value for c in s.claims}]
    aboard = [s for s in counts if "300" in {c.value for c in s.claims}]
    assert len(injured) == 1 and injured[0].status == "conflicting"
    assert {c.value for c in injured[0].claims} == {"9", "11"}
    assert len({c.span.article_id for c in injured[0].claims}) == 3
    assert len(aboard) == 1 and aboard[0].status == "corroborated" and aboard[0].independent_sources == 3


def test_uninformative_claims_are_dropped():
    story = [
        article("On Tuesday it was a wreck. Crews were in the water within four minutes, Dana Lusk told Radio Orme. "
                "Something very strange happened yesterday.",
                title="Wreck", outlet="Orme Daily", published=dt.date(2031, 5, 2)),  # fmt: skip
    ]
    brief = find_facts(split_sentences(start_brief(story), BriefOptions()), BriefOptions())
    assert not [s for s in brief.facts if s.claims[0].kind in ("date", "duration", "participants")], brief.facts


def test_inferred_window_is_noted(ferry):
    brief, _ = ferry
    assert any("Bay Bulletin" in note and "inferred" in note for note in brief.notes)


# --- quality gates on the example story and real articles ---------------------


def _brief_of(path: Path):
    articles, _ = read_articles([path])
    brief = split_sentences(start_brief(articles), BriefOptions())
    return find_facts(brief, BriefOptions())


def _file_of(brief, article_id: str) -> str:
    return Path(brief.article(article_id).origin).name


@pytest.mark.slow
def test_example_story_conflicts_are_all_found_and_none_invented(example_truth):
    if not example_truth.get("conflicts"):
        pytest.skip("the example story's truth.json lists no conflicts yet")
    brief = _example_brief()
    found = []
    for slot in brief.facts:
        if slot.status != "conflicting":
            continue
        found.append({_file_of(brief, c.span.article_id): c.value for c in slot.claims})
    planted = [conflict["values"] for conflict in example_truth["conflicts"]]

    def normal(value: str) -> str:
        return value.split("-")[0] if len(value) == 10 and value.endswith("-01-01") else value

    def matches(slot_values: dict, truth_values: dict) -> bool:
        shared = [f for f in slot_values if f in truth_values]
        agree = all(normal(slot_values[f]) == truth_values[f] for f in shared)
        differs = len({truth_values[f] for f in shared}) > 1
        return agree and differs

    for truth_values in planted:
        assert any(matches(slot, truth_values) for slot in found), f"planted conflict not found: {truth_values}"
    for slot in found:
        assert any(matches(slot, truth_values) for truth_values in planted), f"invented conflict: {slot}"


_EXAMPLE_BRIEF: list = []


def _example_brief():
    if not _EXAMPLE_BRIEF:
        _EXAMPLE_BRIEF.append(_brief_of(EXAMPLE_STORY / "articles"))
    return _EXAMPLE_BRIEF[0]


def _normal(value: str) -> str:
    return value.split("-")[0] if len(value) == 10 and value.endswith("-01-01") else value


def _pairs(brief, slot) -> set[tuple[str, str]]:
    return {(_file_of(brief, c.span.article_id), _normal(c.value)) for c in slot.claims}


@pytest.mark.slow
def test_example_story_each_conflict_is_one_slot_with_every_outlet(example_truth):
    """De-fragmentation: one row per planted conflict, holding every value and
    (nearly) every outlet's report, and no other conflicting row."""
    brief = _example_brief()
    conflicting = [s for s in brief.facts if s.status == "conflicting"]
    assert len(conflicting) == len(example_truth["conflicts"])
    covered = total = 0
    for truth in example_truth["conflicts"]:
        wanted = set(truth["values"].items())
        best = max(conflicting, key=lambda s: len(_pairs(brief, s) & wanted))
        assert {v for _, v in wanted} <= {v for _, v in _pairs(brief, best)}, (truth, best)
        covered += len(_pairs(brief, best) & wanted)
        total += len(wanted)
    assert covered / total >= floor("facts_example_conflict_coverage")


@pytest.mark.slow
def test_example_story_corroborated_facts_are_one_slot_each(example_truth):
    brief = _example_brief()
    covered = total = 0
    for truth in example_truth["corroborated"]:
        wanted = {(f, truth["value"]) for f in truth["files"]}
        best = max(brief.facts, key=lambda s: len(_pairs(brief, s) & wanted))
        assert best.status == "corroborated", (truth, best)
        assert len(_pairs(brief, best) & wanted) >= len(wanted) - 1, (truth, best)
        covered += len(_pairs(brief, best) & wanted)
        total += len(wanted)
    assert covered / total >= floor("facts_example_corroborated_coverage")


@pytest.mark.slow
def test_example_story_relative_dates_resolve_to_the_true_dates(example_truth):
    from corroborate.claims import reference_windows
    from corroborate.dates import find_dates

    brief = _brief_of(EXAMPLE_STORY / "articles")
    windows = reference_windows(brief, BriefOptions())
    by_file = {_file_of(brief, a.id): a for a in brief.articles}
    order = {"day": 0, "week": 1, "month": 2, "year": 3}
    for expected in example_truth["relative_dates"]:
        item = by_file[expected["file"]]
        mentions = find_dates(item.text, windows[item.id].reference)
        words = expected["expression"].lower().removeprefix("on ").removeprefix("in ")
        candidates = [m for m in mentions if m.expression.lower() == words]
        assert candidates, f"{expected['file']}: '{expected['expression']}' not found"
        assert any(m.date.isoformat() == expected["date"] for m in candidates), (expected, candidates)
        # Never finer than the truth; "earlier this week" is honestly a week.
        assert all(order[m.precision] >= order[expected["precision"]] for m in candidates)


@pytest.mark.slow
def test_balenciaga_facts(balenciaga_dir):
    brief = _brief_of(balenciaga_dir)
    lawsuit = [s for s in brief.facts if s.claims[0].kind == "money" and "25000000 USD" in {c.value for c in s.claims}]
    assert lawsuit and max(s.independent_sources for s in lawsuit) >= 3
    assert all(s.status != "conflicting" for s in lawsuit)
    ages = [s for s in brief.facts if s.attribute == "age" and s.subject == "Kim Kardashian"]
    assert ages and ages[0].status == "corroborated" and {c.value for c in ages[0].claims} == {"42"}
    # The day the campaign was pulled: a weekday in some outlets, a date in another,
    # resolving to different days - shown side by side, not merged.
    pulled = [
        s
        for s in brief.facts
        if s.status == "conflicting" and s.claims[0].kind == "date" and s.subject == "Balenciaga"
    ]
    assert len(pulled) == 1
    shown = {(c.display, c.value) for c in pulled[0].claims}
    assert ("Tuesday", "2022-11-22") in shown and ("November 23", "2022-11-23") in shown
    assert not [s for s in brief.facts if s.status == "conflicting" and s is not pulled[0]]


def test_no_real_text_in_labels():
    # Labels for real data hold ids, offsets and dates only.
    labels = Path(__file__).parent / "labels" / "timeline17_relative.json"
    if labels.exists():
        for label in json.loads(labels.read_text())["labels"]:
            assert set(label) <= {"doc", "start", "end", "date", "precision", "note"}


def test_statement_verbs_are_one_event():
    """"wrote on Sunday", "spoke out late Sunday", "broke her silence on Sunday": one act
    of making a statement, so one slot corroborated by every outlet."""
    published = dt.date(2031, 6, 3)  # a Tuesday: "Sunday" is 1 June
    texts = {
        "Orme Daily": "Mayor Dana Lusk wrote on Sunday that the harbour would stay closed.",
        "Kestrel Times": "Mayor Dana Lusk spoke out late Sunday about the closed harbour.",
        "Lowfield Post": "Mayor Dana Lusk broke her silence on Sunday about the harbour closure.",
    }
    articles = [article(text, title="Harbour", outlet=outlet, published=published) for outlet, text in texts.items()]
    brief = find_facts(split_sentences(start_brief(articles), BriefOptions()), BriefOptions())
    dated = [s for s in brief.facts if s.claims[0].kind == "date"]
    assert len(dated) == 1, [(s.subject, s.attribute) for s in dated]
    assert dated[0].attribute == "date of statement"
    assert dated[0].status == "corroborated" and dated[0].independent_sources == 3
    assert {c.value for c in dated[0].claims} == {"2031-06-01"}


def _facts_of(articles):
    return find_facts(split_sentences(start_brief(articles), BriefOptions()), BriefOptions())


def test_a_sentence_reprinted_a_day_later_does_not_contradict_itself():
    """A live blog's entry printed by two articles published a day apart: its "Tuesday"
    resolves to two dates, but one report cannot conflict with itself."""
    entry = "Harbour master Ines Valdor closed the Eastmere ferry terminal on Tuesday after a bomb threat."
    first = article(f"{entry}\n\nCommuters waited at the gates for hours.", title="Terminal closed",
                    outlet="Eastmere Herald", published=dt.date(2031, 3, 13))  # fmt: skip
    later = article(f"Police said the threat was a hoax.\n\n{entry}", title="Threat a hoax", outlet="Bay Courier",
                    published=dt.date(2031, 3, 19))  # fmt: skip
    brief = _facts_of([first, later])
    dated = [s for s in brief.facts if s.claims[0].kind == "date" and len(s.claims) == 2]
    assert len(dated) == 1, [(s.attribute, [c.value for c in s.claims]) for s in brief.facts]
    assert {c.value for c in dated[0].claims} == {"2031-03-11", "2031-03-18"}  # resolved against each article
    assert dated[0].status == "corroborated"
    assert not [s for s in brief.facts if s.status == "conflicting"]


def test_a_copy_that_changes_a_figure_is_not_a_conflict_between_outlets():
    """Only independent sources can contradict each other: an outlet rewriting the
    wire's figure is one source (its rewrite is flagged in the copy relations)."""
    from corroborate.model import Relation, SourceGroup
    from dataclasses import replace

    wire = article(HERALD, title="Ferry withdrawn", outlet="Eastmere Wire", published=dt.date(2031, 3, 12))
    copy = article(HERALD.replace("$1.8 million", "$1.9 million"), title="Ferry withdrawn", outlet="Bay Reprints",
                   published=dt.date(2031, 3, 12))  # fmt: skip
    brief = split_sentences(start_brief([wire, copy]), BriefOptions())
    brief = replace(brief, relations=(Relation(source=wire.id, derived=copy.id, kind="rewrite", score=0.98),),
                    source_groups=(SourceGroup(original=wire.id, articles=(wire.id, copy.id)),))  # fmt: skip
    assert brief.group_of(wire.id) == brief.group_of(copy.id)
    facts = find_facts(brief, BriefOptions())
    (money,) = [s for s in facts.facts if s.claims[0].kind == "money"]
    assert {c.value for c in money.claims} == {"1800000 USD", "1900000 USD"}
    assert money.status == "single-source" and money.independent_sources == 1


def test_a_toll_that_rises_over_days_is_not_a_conflict_but_one_day_s_reports_are():
    """Reports of one news cycle that give different figures conflict; a later day's
    different figure is the story moving on, a fact of its own."""
    day = dt.date(2031, 3, 12)
    texts = [
        ("Eastmere Herald", day, "Police said 8 people were injured when the Eastmere ferry hit the pier."),
        ("Bay Courier", day, "Police said 8 people were injured when the Eastmere ferry struck the pier."),
        ("Bay Bulletin", day + dt.timedelta(days=1), "Police said 11 people were injured when the Eastmere ferry hit the pier."),
        ("Coast Weekly", day + dt.timedelta(days=9), "Police said 40 people were injured when the Eastmere ferry hit the pier."),
    ]  # fmt: skip
    brief = _facts_of([article(text, title="Ferry", outlet=outlet, published=published)
                       for outlet, published, text in texts])  # fmt: skip
    counts = [s for s in brief.facts if s.claims[0].kind == "count" and "injur" in s.attribute]
    by_value = {frozenset(c.value for c in s.claims): s.status for s in counts}
    assert by_value == {frozenset({"8", "11"}): "conflicting", frozenset({"40"}): "single-source"}, by_value


def test_a_time_of_day_counts_nothing():
    """A live blog stamps every entry "(Update 4 p.m. Eastmere, 9 a.m. GMT)": a clock
    time is no count of "a.m."s, and two entries' stamps are no conflict."""
    text = ("(Update 4 p.m. Eastmere, 9 a.m. GMT) Two ferries left the harbour at 8 a.m. and 40 passengers "
            "waited at the pier until 10 o'clock.")  # fmt: skip
    brief = _facts_of([article(text, title="Ferries", outlet="Eastmere Herald", published=dt.date(2031, 3, 2))])
    counted = sorted(c.display for s in brief.facts if s.claims[0].kind == "count" for c in s.claims)
    assert counted == ["40 passengers", "Two ferries"]


def test_a_live_blog_stamp_dates_no_event():
    """"(Update 4:08 a.m. Tuesday in Eastmere, 9:08 p.m. GMT Monday)" says when the blog
    wrote an entry, in two time zones: no "date of update" fact, and two entries' stamps
    are no conflict. The entry's own day is still read."""
    texts = [("Eastmere Herald", "(Update 4:08 a.m. Tuesday in Eastmere, 9:08 p.m. GMT Monday) The harbour "
                                 "authority closed the ferry terminal on Saturday."),
             ("Bay Courier", "(Update 1:12 a.m. Wednesday in Eastmere, 6:12 p.m. GMT Tuesday) Divers checked "
                             "the hull of the Eastmere ferry for a second day.")]  # fmt: skip
    brief = _facts_of([article(text, title="Live", outlet=outlet, published=dt.date(2031, 3, 18)) for outlet, text in texts])
    dated = {(s.attribute, c.display) for s in brief.facts if s.claims[0].kind == "date" for c in s.claims}
    assert dated == {("date of close terminal", "Saturday")}, dated
    assert not _conflicts(brief)


def test_a_duration_is_read_from_its_whole_number():
    """"7,000 years" had been read from its last group of digits, "000 years"; "1.5
    years" as "5 years"."""
    text = ("The harbour of Eastmere has stood for 7,000 years, the museum said. "
            "The repairs will take 1.5 years, the harbour master said.")  # fmt: skip
    brief = _facts_of([article(text, title="Harbour", outlet="Eastmere Herald", published=dt.date(2031, 3, 2))])
    shown = sorted(c.display for s in brief.facts if s.claims[0].kind == "duration" for c in s.claims)
    assert "7,000 years (P7000Y)" in shown and not any(d.startswith(("000", "5 years")) for d in shown), shown


def _conflicts(brief) -> list[set[str]]:
    return [{c.value for c in s.claims} for s in brief.facts if s.status == "conflicting"]


def _conflicts_of_one_day(texts: list[tuple[str, str]], day: dt.date = dt.date(2031, 3, 14)) -> list[set[str]]:
    """The conflicts among (outlet, text) articles all published on `day` (a Friday)."""
    return _conflicts(_facts_of([article(text, title="Ferry", outlet=outlet, published=day) for outlet, text in texts]))


def test_one_weekday_resolved_against_two_days_is_no_conflict():
    """Two outlets both say "Sunday"; dated a day apart, our resolution makes two days of
    it. The outlets said the same: no conflict (each stays a fact of its own)."""
    texts = [
        ("Eastmere Herald", dt.date(2031, 3, 15), "Harbour master Ines Valdor reopened the Eastmere ferry terminal on Sunday after repairs."),
        ("Bay Courier", dt.date(2031, 3, 16), "Harbour master Ines Valdor reopened the Eastmere ferry terminal on Sunday afternoon after repairs."),
    ]  # fmt: skip
    brief = _facts_of([article(text, title="Terminal", outlet=o, published=p) for o, p, text in texts])
    dated = sorted(c.value for s in brief.facts if s.claims[0].kind == "date" for c in s.claims)
    assert dated == ["2031-03-09", "2031-03-16"]  # the Saturday article's "Sunday" taken as the one before
    assert not _conflicts(brief)


def test_two_reckoned_days_conflict_only_in_sentences_that_say_the_same():
    """One person acts on many days of a long story: "Valdor spoke on Tuesday" and
    "Valdor spoke on Wednesday" in sentences about different things are two facts; the
    same report with two days is a conflict."""
    apart = [
        ("Eastmere Herald", "Harbour master Ines Valdor told reporters on Tuesday that the hull repairs would cost more than planned."),
        ("Bay Courier", "On Wednesday Ines Valdor spoke at a council meeting, where a new winter timetable for commuters was agreed."),
    ]  # fmt: skip
    assert not _conflicts_of_one_day(apart)
    alike = [
        ("Eastmere Herald", "Harbour master Ines Valdor withdrew the Eastmere ferry from service on Tuesday after inspectors found corrosion in its hull."),
        ("Bay Courier", "Harbour master Ines Valdor withdrew the Eastmere ferry from service on Wednesday after inspectors found corrosion in its hull."),
    ]  # fmt: skip
    assert {"2031-03-11", "2031-03-12"} in _conflicts_of_one_day(alike)


def test_a_reckoned_day_and_a_named_year_are_two_events():
    """ "was named today" and "was named in 2009": a weekday or "today" reaches a week,
    so a day years away is another event, not a contradiction."""
    texts = [
        ("Eastmere Herald", "Ines Valdor was named harbour master of Eastmere today by the town council."),
        ("Bay Courier", "Ines Valdor was named harbour master of Eastmere in 2009 by the town council."),
    ]  # fmt: skip
    assert not _conflicts_of_one_day(texts)


def test_amounts_an_order_of_magnitude_apart_are_two_things():
    """ "$5,000" and "$1.5 billion" in clauses alike are two amounts, not one misreported;
    $5,000 against $6,000 is a conflict."""
    texts = [
        ("Eastmere Herald", "The Eastmere harbour authority will give up to $5,000 to each ferry operator."),
        ("Bay Courier", "The Eastmere harbour authority will give up to $1.5 billion to each ferry operator."),
        ("Coast Weekly", "The Eastmere harbour authority will give up to $6,000 to each ferry operator."),
    ]  # fmt: skip
    assert _conflicts_of_one_day(texts) == [{"5000 USD", "6000 USD"}]


def test_a_duration_agrees_within_half_the_unit_it_is_given_in():
    """As for counts and amounts: "a day" is not contradicted by "12 hours", nor "a year"
    by "eight months"; "ten days" against "twelve days" is a conflict."""
    texts = [
        ("Eastmere Herald", "The Eastmere ferry terminal stayed closed for a day after the bomb threat, police said."),
        ("Bay Courier", "The Eastmere ferry terminal stayed closed for 12 hours after the bomb threat, police said."),
    ]  # fmt: skip
    assert not _conflicts_of_one_day(texts)
    texts = [
        ("Eastmere Herald", "Harbour master Ines Valdor was held by the strikers for ten days, her office said."),
        ("Bay Courier", "Harbour master Ines Valdor was held by the strikers for twelve days, her office said."),
    ]  # fmt: skip
    assert _conflicts_of_one_day(texts) == [{"10 days", "12 days"}]


def test_one_outlet_giving_two_values_is_no_conflict_between_outlets():
    """A conflict is two outlets disagreeing. One outlet's live blog that puts the toll at
    three in the morning and eight by the evening revised it (or reports two events): its
    two values stay two facts. Two outlets giving the same two values conflict."""
    texts = [
        ("Eastmere Herald", "Three people were killed when the Eastmere ferry terminal roof fell in, the harbour authority said."),
        ("Eastmere Herald", "Eight people were killed when the Eastmere ferry terminal roof fell in, the harbour authority said."),
    ]  # fmt: skip
    assert not _conflicts_of_one_day(texts)
    texts[1] = ("Bay Courier", texts[1][1])
    assert _conflicts_of_one_day(texts) == [{"3", "8"}]


def test_a_rate_is_no_duration_and_one_of_is_no_child_count():
    text = ("Deckhands on the Eastmere ferry earn $15 an hour and most commuters spend $2 a day on fares. "
            "Harbour master Ines Valdor spoke to the father of one of the injured passengers for an hour.")  # fmt: skip
    brief = _facts_of([article(text, title="Ferry", outlet="Eastmere Herald", published=dt.date(2031, 3, 2))])
    durations = sorted(c.display for s in brief.facts if s.claims[0].kind == "duration" for c in s.claims)
    assert durations == ["an hour (PT1H)"], durations
    assert not [s for s in brief.facts if s.attribute == "number of children"]


def test_tolls_of_two_places_are_two_facts():
    """A day of unrest in several towns: each town's toll is its own fact, not one toll
    the outlets disagree on; the same town's two tolls are a conflict."""
    texts = [
        ("Eastmere Herald", "Police said 31 people were injured in Eastmere when the ferry terminal roof fell in."),
        ("Bay Courier", "Police said 12 people were injured in Westhaven when the ferry terminal roof fell in."),
    ]  # fmt: skip
    assert not _conflicts_of_one_day(texts)
    texts[1] = ("Bay Courier", "Police said 12 people were injured in Eastmere when the ferry terminal roof fell in.")
    assert _conflicts_of_one_day(texts) == [{"31", "12"}]


def test_a_fact_is_about_the_subject_its_reports_name_not_one_report_s():
    """Three reports of one toll whose clauses name three different people, one each:
    the fact is about none of them; two of three naming one subject make it the fact's."""
    from corroborate.claims.context import Found
    from corroborate.claims.slots import make_slot

    articles = [article(f"Police said 12 people were injured. Report {k}.", title=f"Ferry {k}", outlet=f"Outlet {k}",
                        published=dt.date(2031, 3, 2)) for k in range(3)]  # fmt: skip
    brief = split_sentences(start_brief(articles), BriefOptions())

    def found(k: int, subject: str) -> Found:
        claim = Claim(span=Span(articles[k].id, 12, 14), subject=subject, attribute="people injured", value="12",
                      display="12 people", kind="count")  # fmt: skip
        return Found(claim, frozenset(), k)

    assert make_slot(brief, [found(0, "Ines Valdor"), found(1, "Tomas Peck"), found(2, "Ilsa Varn")]).subject == ""
    assert make_slot(brief, [found(0, "Ines Valdor"), found(1, "Ines Valdor"), found(2, "Ilsa Varn")]).subject == "Ines Valdor"
    assert make_slot(brief, [found(0, "Ines Valdor"), found(1, ""), found(2, "")]).subject == "Ines Valdor"


def test_a_hundred_percent_as_a_degree_is_no_share_and_a_bare_percentage_needs_its_subject():
    """"100 percent sure" and "100% convinced" say "completely"; "rose 100 percent" is a
    figure. A percentage whose clause names no subject and only "was" ("It was 40 percent")
    says of what to nobody, as a duration or a date of "be" does not."""
    text = ("Harbour master Ines Valdor said she was 100 percent sure the pier was safe, and the crews are 100% "
            "convinced. Ferry fares in Eastmere rose 100 percent in a year. It was 40 percent, a clerk said.")
    brief = _facts_of([article(text, title="Pier", outlet="Eastmere Herald", published=dt.date(2031, 3, 2))])
    shown = sorted(c.display for s in brief.facts if s.claims[0].kind == "percent" for c in s.claims)
    assert shown == ["100 percent"], shown
    assert [c.span for s in brief.facts for c in s.claims if c.display == "100 percent"][0].start == text.index("100 percent in")


def test_a_number_before_a_symbol_counts_nothing():
    """A page that lost its pound signs prints "# 1 in every # 7": no fact counts "#"s,
    and no fact is shown without its value."""
    text = ("The Eastmere ferry company pays around # 1 of every # 7 handed to the harbour's investors, "
            "and 40 passengers waited at the pier.")  # fmt: skip
    brief = _facts_of([article(text, title="Ferry", outlet="Eastmere Herald", published=dt.date(2031, 3, 2))])
    shown = sorted(c.display for s in brief.facts for c in s.claims)
    assert shown == ["40 passengers"], shown


def test_a_rise_and_a_fall_are_two_facts():
    """Clauses of a rise and a fall read alike ("Shares ... rose 4% on Monday" / "Shares
    ... fell 4% on Monday"): they neither corroborate nor contradict each other."""
    day = dt.date(2031, 6, 9)
    up = article("Shares in Tidewell Lines rose 4% on Monday as the strike ended, traders said.\n\nThe ferries sailed again.",
                 title="Shares up", outlet="Harbour Daily", published=day)  # fmt: skip
    for fell in ("4%", "6%"):
        down = article(f"Shares in Tidewell Lines fell {fell} on Monday as the strike went on, traders said.\n\n"
                       "The ferries stayed in port.", title="Shares down", outlet="Harwick Post", published=day)  # fmt: skip
        shares = [s for s in _facts_of([up, down]).facts if s.claims[0].kind == "percent"]
        assert sorted(s.attribute for s in shares) == ["percentage (fall)", "percentage (rise)"], shares
        assert all(s.status == "single-source" for s in shares)


def _claims_of_two_outlets(first: str, second: str, kind: str) -> list[Claim]:
    """The claims of `kind` in two one-line reports of one day by two outlets."""
    day = dt.date(2031, 6, 9)
    articles = [article(text, title=f"Report {k}", outlet=outlet, published=day)
                for k, (text, outlet) in enumerate(((first, "Harbour Daily"), (second, "Harwick Post")))]  # fmt: skip
    return [c for s in _facts_of(articles).facts for c in s.claims if c.kind == kind]


def test_a_comma_after_an_amount_is_not_part_of_it():
    amounts = _claims_of_two_outlets("The harbour auction raised more than $15,000, and the lifeboat crew thanked the bidders.",
                                     "Bidders at the harbour auction paid $15,000 in all for the lifeboat crew.", "money")  # fmt: skip
    assert sorted(c.display for c in amounts) == ["$15,000", "$15,000"], [c.display for c in amounts]


def test_a_street_block_is_an_address_not_a_count():
    counts = _claims_of_two_outlets("Police found the van in the 3100 block of Quay Street on Monday.",
                                    "The van was found in the 5000 block of Quay Street, police said.", "count")  # fmt: skip
    assert not counts, [c.display for c in counts]


def _slots_of_one_day(*reports: tuple[str, str], kind: str) -> list:
    """The fact slots of `kind` of one-line reports published on one day, each (text, outlet)."""
    day = dt.date(2031, 6, 11)  # a Wednesday
    articles = [article(text + "\n\nMore follows.", title=f"Report {k}", outlet=outlet, published=day)
                for k, (text, outlet) in enumerate(reports)]  # fmt: skip
    return [s for s in _facts_of(articles).facts if s.claims[0].kind == kind]


def test_values_of_two_named_days_are_two_facts_and_of_one_day_a_conflict():
    """A value that changes day by day is reported for its day: "fell 13% on Tuesday"
    and "fell 3% on Wednesday" contradict nobody; the same day with two values does."""
    days_apart = _slots_of_one_day(("Shares in Tidewell Lines fell 13% on Tuesday after the strike began, traders said.", "Harbour Daily"),
                                   ("Shares in Tidewell Lines fell 3% on Wednesday after the strike began, traders said.", "Harwick Post"),
                                   kind="percent")  # fmt: skip
    assert days_apart and all(s.status != "conflicting" for s in days_apart), days_apart
    one_day = _slots_of_one_day(("Shares in Tidewell Lines fell 13% on Tuesday after the strike began, traders said.", "Harbour Daily"),
                                ("Shares in Tidewell Lines fell 3% on Tuesday after the strike began, traders said.", "Harwick Post"),
                                kind="percent")  # fmt: skip
    assert [s.status for s in one_day] == ["conflicting"], one_day


def test_a_toll_of_another_year_is_another_event_though_some_reports_name_no_date():
    """The reports that date a toll outvote the ones that do not: 15 killed in a blast
    of 2004 and 11 killed on 3 June are two events, however alike the clauses read and
    though one report of the 11 names no day."""
    slots = _slots_of_one_day(("The Greyhaven refinery blast in 2004 killed 15 workers, the inquiry found.", "Harbour Daily"),
                              ("The Greyhaven platform exploded on 3 June, killing 11 workers.", "Harwick Post"),
                              ("The Greyhaven platform explosion killed 11 workers.", "Quayside Courier"),
                              ("The Greyhaven platform blast on 3 June killed 11 workers.", "Tidewell Times"),
                              kind="count")  # fmt: skip
    assert slots and all(s.status != "conflicting" for s in slots), [(s.heading, s.status, [c.display for c in s.claims]) for s in slots]
    assert sorted(c.display for s in slots for c in s.claims) == ["11 workers"] * 3 + ["15 workers"]


def test_who_is_urged_to_pay_is_who_pays():
    """Object control: in "Varrow urged Tidewell Lines to pay a $5 million fine", the one
    to pay is Tidewell Lines, not Varrow."""
    amounts = _claims_of_two_outlets("Councillor Ilse Varrow urged Tidewell Lines to pay a $5 million fine for the spill.",
                                     "Tidewell Lines must pay a $5 million fine for the spill, the council said.", "money")  # fmt: skip
    assert [c.subject for c in amounts] == ["Tidewell Lines", "Tidewell Lines"], [(c.subject, c.display) for c in amounts]


def test_an_act_urged_on_someone_is_no_fact_of_who_did_what():
    """"Harbour Daily urged Maria Kessel to condemn Tidewell Lines" says what was asked
    of her (a fact of Harbour Daily's), not that she condemned anyone."""
    relations = _claims_of_two_outlets("Harbour Daily urged Maria Kessel to condemn Tidewell Lines after the spill.",
                                       "Maria Kessel sued Tidewell Lines after the spill, her lawyer said.", "participants")  # fmt: skip
    assert sorted((c.subject, c.attribute, c.value) for c in relations) == [
        ("Harbour Daily", "urge", "Maria Kessel"), ("Maria Kessel", "sue", "Tidewell Lines")], relations  # fmt: skip

"""Date expressions resolved against a reference date (fictional sentences)."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, floor, shared_path
from corroborate.dates import WEEKDAYS, find_dates, infer_reference, same_date

MONDAY = dt.date(2031, 3, 10)  # a Monday


def resolved(text: str, reference: dt.date = MONDAY) -> list[tuple[str, str | None, str]]:
    return [(m.expression, m.date.isoformat() if m.date else None, m.precision) for m in find_dates(text, reference)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The pier closed late Sunday night.", ("late Sunday night", "2031-03-09", "day")),
        ("Ferries stopped on Tuesday.", ("Tuesday", "2031-03-04", "day")),
        ("The council met on Monday.", ("Monday", "2031-03-10", "day")),  # the reference day itself
        ("The council will vote on Wednesday.", ("Wednesday", "2031-03-12", "day")),  # future tense
        ("Crews return next Friday.", ("next Friday", "2031-03-14", "day")),
        ("It sank last Monday.", ("last Monday", "2031-03-03", "day")),
        ("He wrote on Sunday, March 9.", ("Sunday, March 9", "2031-03-09", "day")),
        ("Work ended on 3 March.", ("3 March", "2031-03-03", "day")),
        ("Work ended on 14 December.", ("14 December", "2030-12-14", "day")),  # last year's December
        ("The quay opened in July 2004.", ("July 2004", "2004-07-01", "month")),
        ("The quay opened in 1994.", ("1994", "1994-01-01", "year")),
        ("It was inspected two days ago.", ("two days ago", "2031-03-08", "day")),
        ("Fares rose last month.", ("last month", "2031-02-01", "month")),
        ("The mayor spoke earlier this week.", ("earlier this week", "2031-03-10", "week")),
        ("Boats left yesterday.", ("yesterday", "2031-03-09", "day")),
        ("He spoke day before yesterday.", ("day before yesterday", "2031-03-08", "day")),
        ("Boats left the day before yesterday.", ("the day before yesterday", "2031-03-08", "day")),
        ("The ferry was built three years ago.", ("three years ago", "2028-01-01", "year")),
        ("Tickets went on sale 2031-02-27.", ("2031-02-27", "2031-02-27", "day")),
    ],
)
def test_expressions_resolve_with_the_precision_the_text_gives(text, expected):
    assert expected in resolved(text)


def test_a_vague_count_is_not_given_a_date():
    assert resolved("The ferry was repaired a few days ago.") == []


def test_may_as_a_verb_is_not_a_month():
    assert resolved("The ferry may sail again.") == []


def test_relative_dates_need_a_reference():
    (mention,) = find_dates("The ferry left on Tuesday.", None)
    assert mention.date is None


@given(st.dates(dt.date(1990, 1, 1), dt.date(2090, 1, 1)), st.sampled_from(sorted(WEEKDAYS)))
def test_a_past_weekday_is_the_last_such_day_on_or_before_the_reference(reference, weekday):
    (mention,) = find_dates(f"The ferry sank on {weekday.title()}.", reference)
    assert 0 <= (reference - mention.date).days <= 6
    assert mention.date.weekday() == WEEKDAYS[weekday]


def test_an_undated_article_is_dated_by_its_own_dates_and_the_story():
    window = infer_reference("The ferry sank on Sunday, March 9.", None, [dt.date(2031, 3, 11)])
    assert window.inferred
    assert window.earliest == dt.date(2031, 3, 9)
    assert window.reference == dt.date(2031, 3, 11)
    stated = infer_reference("Anything.", dt.date(2031, 3, 5), [dt.date(2031, 3, 11)])
    assert not stated.inferred and stated.reference == dt.date(2031, 3, 5)


# --- Timeline17 hand labels (real data read at run time; labels hold no text) ---

LABELS = ROOT / "tests" / "labels" / "timeline17_relative.json"


@pytest.mark.slow
def test_hand_labelled_timeline17_relative_expressions_resolve():
    data_file = shared_path("data", "timeline17_dev.jsonl.gz")
    labels = json.loads(LABELS.read_text())["labels"]
    docs = {}
    with gzip.open(data_file, "rt") as handle:
        for line in handle:
            record = json.loads(line)
            for doc in record["docs"]:
                docs[f"{record['collection_id']}/{doc['id']}"] = doc
    correct = 0
    for label in labels:
        doc = docs[label["doc"]]
        reference = dt.date.fromisoformat(doc["date"])
        found = {m.start: m for m in find_dates(doc["text"], reference)}
        mention = found.get(label["start"])
        if label["date"] is None:  # not a date at all ("Sunday Times")
            correct += mention is None or mention.date is None
        elif mention and mention.date and same_date(mention.date, label["date"], label["precision"]):
            correct += 1
    accuracy = correct / len(labels)
    print(f"timeline17 relative-date accuracy {accuracy:.3f} on {len(labels)} labels")
    assert accuracy >= floor("dates_timeline17_relative_accuracy")


def test_a_date_outside_the_calendar_is_no_date_and_no_error():
    # "5000 years ago" from 2011 is year -2989: no date of the story (it raised ValueError).
    found = find_dates("It was built 5000 years ago, and 20 years ago it fell.", dt.date(2011, 1, 1))
    assert [(m.expression, m.date) for m in found] == [("20 years ago", dt.date(1991, 1, 1))]


def test_a_month_not_expected_until_later_is_still_to_come():
    """Written in June: "the wells are not expected to be finished until August" is this
    August, not last year's, as "are expected to be finished in August" is."""
    june = dt.date(2031, 6, 3)
    for text in ("The relief wells are not expected to be finished until August.",
                 "The relief wells aren't expected to be finished until August.",
                 "The relief wells are expected to be finished in August."):  # fmt: skip
        assert [m.date for m in find_dates(text, june)] == [dt.date(2031, 8, 1)], text


def test_a_bare_month_is_the_nearest_one_the_past_four_times_as_likely():
    """As a bare day is (`_nearest_year`): "before August", written in June, is this
    August (two months ahead) without a word of the future; "in October" last October;
    "in January", written in December, the coming January."""
    june = dt.date(2031, 6, 3)
    assert [m.date for m in find_dates("Nothing will change before August.", june)] == [dt.date(2031, 8, 1)]
    assert [m.date for m in find_dates("The pier was damaged in October.", june)] == [dt.date(2030, 10, 1)]
    assert [m.date for m in find_dates("The pier was damaged in May.", june)] == [dt.date(2031, 5, 1)]
    december = dt.date(2031, 12, 20)
    assert [m.date for m in find_dates("Repairs begin in January.", december)] == [dt.date(2032, 1, 1)]


def test_a_clock_time_of_the_24_hour_kind_is_no_year():
    """"completed at 1930 CDT on 1 June (0030 GMT 2 June)": 1930 is half past seven in
    the evening, not a year; a year is still a year."""
    day = dt.date(2031, 6, 3)
    found = [(m.expression, m.date) for m in find_dates("The cap was fitted at 1930 CDT on 1 June (0030 GMT 2 June).", day)]
    assert found == [("1 June", dt.date(2031, 6, 1)), ("2 June", dt.date(2031, 6, 2))], found
    assert not find_dates("The ferry leaves at 1800 GMT, and troops withdrew at 2000 hours.", day)
    assert [m.date for m in find_dates("The plan was approved in 2029.", day)] == [dt.date(2029, 1, 1)]


def test_a_date_names_the_period_of_its_precision_to_the_last_day_there_is():
    from corroborate.dates import period

    assert period(dt.date(2012, 2, 14), "month") == (dt.date(2012, 2, 1), dt.date(2012, 2, 29))
    assert period(dt.date(2031, 6, 11), "week") == (dt.date(2031, 6, 9), dt.date(2031, 6, 15))
    assert period(dt.date(2031, 6, 11), "year") == (dt.date(2031, 1, 1), dt.date(2031, 12, 31))
    assert period(dt.date(9999, 12, 30), "week") == (dt.date(9999, 12, 27), dt.date.max)

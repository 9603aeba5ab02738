"""Changed after publication: the word diff between the briefed text and a later
version, with changed quotes, numbers and dates flagged."""

from __future__ import annotations

import datetime as dt

from builders import article

from corroborate.changes import article_changes, word_counts
from corroborate.model import ArticleVersion

FIRST = (
    "The council approved a $3.5 million fund on Wednesday.\n\n"
    "“We owe them answers,” the mayor said.\n\n"
    "Inspections begin next week."
)


def version(item, number: int, text: str, hours: int = 0, gone: bool = False) -> ArticleVersion:
    when = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC) + dt.timedelta(hours=hours)
    return ArticleVersion(item.id, number, when, item.url, item.title, text, gone)


def test_changed_quote_number_and_date_are_flagged():
    item = article(FIRST, title="Fund approved")
    later = FIRST.replace("$3.5 million", "$4 million").replace("on Wednesday", "on Thursday")
    later = later.replace("We owe them answers", "We owe them the truth")
    change = article_changes(item, [version(item, 1, FIRST), version(item, 2, later, hours=5)])
    edits = {item.text[e.removed.start : e.removed.end]: (e.added, e.flags) for e in change.edits}
    assert edits["$3.5"] == ("$4", ("number",))
    assert edits["Wednesday."] == ("Thursday.", ("date",))
    assert edits["answers,”"] == ("the truth,”", ("quote",))
    assert change.versions == 2 and change.last_changed.hour == 17
    assert (change.words_added, change.words_removed) == (4, 3)


def test_an_insertion_points_between_words_and_plain_edits_carry_no_flag():
    item = article(FIRST, title="Fund approved")
    later = FIRST.replace("Inspections begin", "Independent inspections begin")
    [edit] = article_changes(item, [version(item, 1, FIRST), version(item, 2, later)]).edits
    # Case is not a change ("Inspections" -> "inspections"): one word was inserted,
    # at the end of the word before it.
    assert edit.added == "Independent" and edit.flags == ()
    assert len(edit.removed) == 0 and item.text[: edit.removed.start].endswith("the mayor said.")


def test_no_change_and_typography_are_not_changes():
    item = article(FIRST, title="Fund approved")
    assert article_changes(item, [version(item, 1, FIRST)]) is None
    curly = FIRST.replace("“", '"').replace("”", '"')
    change = article_changes(item, [version(item, 1, FIRST), version(item, 2, curly)])
    assert change.edits == () and word_counts(FIRST, curly) == (0, 0)


def test_a_taken_down_article_keeps_its_last_text_changes():
    item = article(FIRST, title="Fund approved")
    later = FIRST.replace("next week", "in April")
    versions = [version(item, 1, FIRST), version(item, 2, later, 2), version(item, 3, "", 9, gone=True)]
    change = article_changes(item, versions)
    assert change.gone and change.versions == 3
    assert [(e.added, e.flags) for e in change.edits] == [("in April.", ("date",))]


def test_every_format_shows_the_changes_and_the_json_is_valid():
    import dataclasses
    import json
    from pathlib import Path

    import jsonschema
    from builders import full_brief
    from markupsafe import escape

    from corroborate.render import render

    brief = full_brief()
    item = brief.articles[0]
    later = item.text.replace(item.text.split()[0], "Meanwhile,", 1)
    change = article_changes(item, [version(item, 1, item.text), version(item, 2, later, hours=3)])
    brief = dataclasses.replace(brief, changes=(change,))
    removed = brief.text(change.edits[0].removed)
    assert "Changed after publication (1)" in render(brief, "terminal")
    assert f"~~{removed}~~ **Meanwhile,**" in render(brief, "md")
    assert f"<del>{escape(removed)}</del> <ins>Meanwhile,</ins>" in render(brief, "html")
    data = json.loads(render(brief, "json"))
    schema = json.loads((Path(__file__).resolve().parent.parent / "docs" / "brief-schema.json").read_text())
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert data["changes"][0]["edits"][0]["added"] == "Meanwhile,"

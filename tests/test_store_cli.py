"""The store's commands: ingest, stories, brief --story, cluster (thin layers, so
one run through each, plus the user mistakes)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from stream_builders import stream, write_jsonl

from corroborate.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_ingest_then_stories_then_a_story_brief(tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", stream(stories=3, per_story=3))
    db = tmp_path / "news.db"
    result = run("ingest", feed, "--db", db)
    assert result.exit_code == 0
    assert "9 read, 9 new, 0 duplicates, 0 rejected; the store has 9 articles in 3 stories" in result.stdout

    again = run("ingest", feed, "--db", db)
    assert "9 read, 0 new, 9 duplicates" in again.stdout

    listed = [json.loads(line) for line in run("stories", "--db", db, "--format", "jsonl").stdout.splitlines()]
    assert [row["size"] for row in listed] == [3, 3, 3]
    assert all(row["first_date"] and len(row["outlets"]) == 3 for row in listed)

    brief = run("brief", "--story", listed[0]["id"], "--db", db, "--format", "json")
    assert brief.exit_code == 0
    assert json.loads(brief.stdout)["article_count"] == 3


def test_story_brief_mistakes_are_one_line_errors(tmp_path):
    missing = run("brief", "--story", 1, "--db", tmp_path / "none.db")
    assert missing.exit_code == 2 and "no store at" in missing.stderr
    feed = write_jsonl(tmp_path / "feed.jsonl", stream(stories=1, per_story=2))
    run("ingest", feed, "--db", tmp_path / "s.db")
    unknown = run("brief", "--story", 999, "--db", tmp_path / "s.db")
    assert unknown.exit_code == 2 and "no story 999" in unknown.stderr
    both = run("brief", feed, "--story", 1, "--db", tmp_path / "s.db")
    assert both.exit_code == 2 and "either" in both.stderr


def test_a_file_that_is_not_a_store(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not a database\n" * 200)
    result = run("stories", "--db", path)
    assert result.exit_code == 2 and "notes.db" in result.stderr and "Traceback" not in result.output


def test_cluster_writes_one_line_per_input_record(tmp_path):
    records = stream(stories=2, per_story=3)
    result = run("cluster", write_jsonl(tmp_path / "f.jsonl", records), "--format", "jsonl")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == [r["id"] for r in records]
    by_story = {}
    for record, line in zip(records, lines):
        by_story.setdefault(record["story"], set()).add(line["story"])
    assert all(len(labels) == 1 for labels in by_story.values()) and len({line["story"] for line in lines}) == 2

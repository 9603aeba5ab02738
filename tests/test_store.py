"""The SQLite store: migrations, one write per batch, repeats stored once,
re-ingesting changes nothing, and a killed ingest run resumes to the same store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stream_builders import stream, write_jsonl

from corroborate.store import MIGRATIONS, Store, StoreError, migrations
from corroborate.store.briefs import story_brief
from corroborate.store.ingest import ingest

TABLES = {
    "articles": "SELECT * FROM articles ORDER BY seq",
    "stories": "SELECT * FROM stories ORDER BY id",
    "memberships": "SELECT * FROM memberships ORDER BY article_id",
    "clustering": "SELECT * FROM clustering ORDER BY key",
}


def snapshot(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as db:
        return {name: db.execute(query).fetchall() for name, query in TABLES.items()}


@pytest.fixture
def feed(tmp_path) -> Path:
    return write_jsonl(tmp_path / "feed.jsonl", stream(stories=12, per_story=6))


def test_new_store_has_every_migration_and_wal(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert store.version == len(migrations()) >= 2
        assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migration_brings_an_old_store_up_to_date_keeping_its_data(tmp_path, feed):
    # A store made by a corroborate that only knew migration 0001 ...
    old = tmp_path / "old_migrations"
    old.mkdir()
    (old / "0001_init.sql").write_text((MIGRATIONS / "0001_init.sql").read_text())
    path = tmp_path / "s.db"
    with Store(path, migrations_dir=old) as store:
        assert store.version == 1
        ingest([feed], store, batch_size=20)
        before = snapshot(path)
    # ... opened by this one: the brief cache arrives, nothing is lost.
    with Store(path) as store:
        assert store.version == len(migrations())
        assert store.connection.execute("SELECT COUNT(*) FROM briefs").fetchone()[0] == 0
    assert snapshot(path) == before


def test_a_store_newer_than_the_code_is_refused(tmp_path):
    path = tmp_path / "s.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="notes.db"):
        Store(path)


def test_same_url_or_same_text_is_stored_once(tmp_path):
    records = stream(stories=2, per_story=3)
    same_url = dict(records[1], text=records[1]["text"] + " An update was added later.")
    same_text = dict(records[2], url="https://elsewhere.example/copy", title="Another headline")
    feed = write_jsonl(tmp_path / "f.jsonl", records + [same_url, same_text])
    with Store(tmp_path / "s.db") as store:
        summary = ingest([feed], store, batch_size=4)
        assert (summary.read, summary.new, summary.duplicates) == (8, 6, 2)
        assert store.counts()["articles"] == 6


def test_reingesting_everything_changes_nothing(tmp_path, feed):
    path = tmp_path / "s.db"
    with Store(path) as store:
        first = ingest([feed], store, batch_size=10)
    before = snapshot(path)
    with Store(path) as store:
        again = ingest([feed], store, batch_size=10)
    assert first.new == 72 and again.new == 0 and again.duplicates == 72
    assert snapshot(path) == before


def test_bad_input_is_reported_and_the_rest_stored(tmp_path, feed):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"title": "x", "text": \n')
    with Store(tmp_path / "s.db") as store:
        summary = ingest([feed, broken, tmp_path / "missing.txt"], store)
        assert summary.new == 72
        assert sorted(p.message.split(" (")[0] for p in summary.problems) == ["malformed JSON line", "no such file or folder"]


def test_stories_group_the_stream(tmp_path, feed):
    with Store(tmp_path / "s.db") as store:
        ingest([feed], store, batch_size=25)
        rows = store.stories()
    assert len(rows) == 12
    assert all(row.size == 6 for row in rows)
    assert all(row.first_date and row.last_date and len(row.outlets) >= 2 for row in rows)


def test_ingest_in_two_runs_continues_the_clustering(tmp_path):
    records = stream(stories=10, per_story=6)
    half = len(records) // 2
    first, second = write_jsonl(tmp_path / "a.jsonl", records[:half]), write_jsonl(tmp_path / "b.jsonl", records[half:])
    with Store(tmp_path / "s.db") as store:
        ingest([first], store, batch_size=10)
        ingest([second], store, batch_size=10)
        assert sorted(row.size for row in store.stories()) == [6] * 10


def test_story_brief_is_cached_and_dropped_when_the_story_grows(tmp_path):
    records = stream(stories=1, per_story=4)
    with Store(tmp_path / "s.db") as store:
        ingest([write_jsonl(tmp_path / "a.jsonl", records[:3])], store)
        story_id = store.stories()[0].id
        brief = story_brief(store, story_id)
        assert len(brief.articles) == 3
        assert store.connection.execute("SELECT COUNT(*) FROM briefs").fetchone()[0] == 1
        ingest([write_jsonl(tmp_path / "b.jsonl", records[3:])], store)
        assert store.connection.execute("SELECT COUNT(*) FROM briefs").fetchone()[0] == 0
        assert len(story_brief(store, story_id).articles) == 4


def _ingest_command(feed: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "corroborate", "ingest", str(feed), "--db", str(db), "--batch", "25"]


def test_a_killed_ingest_run_again_ends_with_the_same_store(tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", stream(stories=60, per_story=20))  # 1200 articles
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    reference = tmp_path / "reference.db"
    subprocess.run(_ingest_command(feed, reference), check=True, capture_output=True, env=env)

    killed = tmp_path / "killed.db"
    process = subprocess.Popen(_ingest_command(feed, killed), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if killed.exists():
            try:
                with sqlite3.connect(f"file:{killed}?mode=ro", uri=True, timeout=1) as db:
                    stored = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:  # the tables are not there yet
                stored = 0
        if stored >= 100:
            break
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with sqlite3.connect(killed) as db:
        stored = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert 0 < stored < 1200, f"the kill did not land mid-run ({stored} articles stored)"

    subprocess.run(_ingest_command(feed, killed), check=True, capture_output=True, env=env)
    assert snapshot(killed) == snapshot(reference)


def test_reading_in_a_second_process_stores_the_same(tmp_path, feed):
    with Store(tmp_path / "a.db") as store:
        ingest([feed], store, batch_size=10, background=True)
    with Store(tmp_path / "b.db") as store:
        ingest([feed], store, batch_size=10, background=False)
    assert snapshot(tmp_path / "a.db") == snapshot(tmp_path / "b.db")


def test_a_repeat_read_just_after_its_original_was_written_is_still_a_repeat(tmp_path):
    # One chunk of reads fills a batch, which is written, and then holds a copy of
    # an article of that batch: the store lookup made before the write cannot
    # know it (this once stopped `ingest` with a UNIQUE constraint error).
    records = stream(stories=2, per_story=2)
    copy = dict(records[0], url="https://elsewhere.example/copy")
    feed = write_jsonl(tmp_path / "f.jsonl", [records[0], records[0], records[1], copy, records[2]])
    with Store(tmp_path / "s.db") as store:
        summary = ingest([feed], store, batch_size=2, background=False)
        assert (summary.read, summary.new, summary.duplicates) == (5, 3, 2)
        assert store.counts()["articles"] == 3


def test_an_outlet_name_with_a_comma_stays_whole(tmp_path):
    records = stream(stories=1, per_story=3)
    records[0] = dict(records[0], source="Harbour Report, LLC")
    with Store(tmp_path / "s.db") as store:
        ingest([write_jsonl(tmp_path / "f.jsonl", records)], store, background=False)
        (row,) = store.stories()
    assert "Harbour Report, LLC" in row.outlets and " LLC" not in row.outlets
    assert len(row.outlets) == len({r["source"] for r in records})


def test_a_brief_cached_by_other_code_is_built_afresh(tmp_path, monkeypatch):
    from corroborate.store import briefs

    records = stream(stories=1, per_story=3)
    with Store(tmp_path / "s.db") as store:
        ingest([write_jsonl(tmp_path / "a.jsonl", records)], store, background=False)
        story_id = store.stories()[0].id
        built = []  # cached briefs after each step: one per code that built one
        monkeypatch.setattr(briefs, "code_fingerprint", lambda: "code of one release")
        story_brief(store, story_id)
        story_brief(store, story_id)
        built.append(store.connection.execute("SELECT COUNT(*) FROM briefs").fetchone()[0])
        monkeypatch.setattr(briefs, "code_fingerprint", lambda: "code of the next release")
        story_brief(store, story_id)
        built.append(store.connection.execute("SELECT COUNT(*) FROM briefs").fetchone()[0])
    assert built == [1, 2]

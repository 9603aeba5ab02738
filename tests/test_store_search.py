"""What the store keeps for the web app: the full-text index (filled for an old
store, kept in step by triggers), the summary and findings written with each
cached brief and dropped with it, and the read-only store."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest
from builders import full_brief
from stream_builders import stream, write_jsonl
from web_builders import only

from corroborate.model import SourceGroup
from corroborate.store import MIGRATIONS, Store, StoreError, migrations
from corroborate.store.briefs import stored_brief_keys
from corroborate.store.ingest import ingest
from corroborate.store.reading import ReadOnlyStore
from corroborate.store.summaries import findings, summarise


def search(store, words: str) -> set[str]:
    return {row[0] for row in store.connection.execute(
        "SELECT a.id FROM articles_search s JOIN articles a ON a.seq = s.rowid WHERE articles_search MATCH ?", (words,)
    )}  # fmt: skip


def test_an_old_store_gets_its_articles_indexed(tmp_path):
    old = tmp_path / "old_migrations"
    old.mkdir()
    web = next(number for number, path in migrations() if "web_search" in path.name)
    for number, path in migrations():
        if number < web:  # the store as it was before the web app's migration
            (old / path.name).write_text(path.read_text())
    db = tmp_path / "s.db"
    records = stream(stories=3, per_story=2, seed=5)
    with Store(db, migrations_dir=old) as store:
        ingest([write_jsonl(tmp_path / "f.jsonl", records)], store, background=False)
        assert store.version < len(migrations())
    with Store(db) as store:
        town = records[0]["title"].split()[0]
        found = search(store, town)
        assert found and len(found) == sum(1 for r in records if r["title"].startswith(town + " "))


def test_triggers_keep_the_index_in_step(tmp_path):
    with Store(tmp_path / "s.db") as store:
        ingest([write_jsonl(tmp_path / "f.jsonl", stream(stories=1, per_story=2, seed=3))], store, background=False)
        article_id = store.connection.execute("SELECT id FROM articles ORDER BY seq LIMIT 1").fetchone()[0]
        store.connection.execute("UPDATE articles SET title = 'Quokka parade delights harbour' WHERE id = ?", (article_id,))
        assert search(store, "quokka") == {article_id}
        store.connection.execute("UPDATE articles SET title = 'Nothing to see' WHERE id = ?", (article_id,))
        assert search(store, "quokka") == set()
        store.connection.execute("DELETE FROM memberships WHERE article_id = ?", (article_id,))
        store.connection.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        assert search(store, "nothing") == set()
        assert store.connection.execute("INSERT INTO articles_search(articles_search) VALUES ('integrity-check')").fetchall() == []


def test_summary_and_findings_are_written_with_the_brief_and_dropped_with_it(tmp_path):
    brief = full_brief()
    with Store(tmp_path / "s.db") as store:
        ingest(list(brief.articles), store, background=False)
        story_id = store.connection.execute("SELECT story_id FROM memberships WHERE article_id = ?", (brief.articles[0].id,)).fetchone()[0]
        members = [row[0] for row in store.connection.execute("SELECT article_id FROM memberships WHERE story_id = ?", (story_id,))]
        kept = only(brief, set(members))
        store.cache_brief(story_id, *stored_brief_keys(store, story_id), kept)
        row = store.connection.execute("SELECT articles, quotes, altered_quotes, conflicts FROM story_summary WHERE story_id = ?", (story_id,)).fetchone()
        assert row[0] == len(members) and row[2] >= 1
        assert store.connection.execute("SELECT COUNT(*) FROM brief_findings WHERE story_id = ?", (story_id,)).fetchone()[0] > 0
        # An article moved into the story drops the brief, its summary and its findings together.
        outsider = next(a.id for a in brief.articles if a.id not in members)
        store.connection.execute("UPDATE memberships SET story_id = ? WHERE article_id = ?", (story_id, outsider))
        for table in ("briefs", "story_summary", "brief_findings"):
            assert store.connection.execute(f"SELECT COUNT(*) FROM {table} WHERE story_id = ?", (story_id,)).fetchone()[0] == 0, table


def test_counts_of_a_brief():
    counts = summarise(full_brief())
    assert (counts.articles, counts.independent_sources, counts.copies, counts.quotes, counts.altered_quotes) == (4, 2, 2, 2, 1)
    assert (counts.facts, counts.conflicts) == (3, 1)


def test_a_value_against_the_independent_majority_and_a_tie():
    brief = full_brief()
    gazette, wire, ledger, bramble = brief.articles
    # As built, the three outlets that give a commuter count are one source: 1,200 and 900
    # each have one independent source, so neither is the majority.
    tied = {f.article_id: f.label for f in findings(brief) if f.kind == "fact"}
    assert set(tied.values()) == {"disputed"}
    # With the wire counted apart, 1,200 has two independent sources: the ledger's 900 is against them.
    apart = replace(brief, source_groups=tuple(SourceGroup((a.id,), a.id) for a in brief.articles))
    labels = {f.article_id: f.label for f in findings(apart) if f.kind == "fact"}
    assert labels == {gazette.id: "majority", wire.id: "majority", ledger.id: "against-majority"}
    quotes = [f for f in findings(brief) if f.kind == "quote"]
    assert {f.label for f in quotes if f.article_id == ledger.id} == {"altered"}
    copies = [f for f in findings(brief) if f.kind == "copy"]
    assert {(f.article_id, f.other_article_id, f.label) for f in copies} == {(wire.id, gazette.id, "contained"), (ledger.id, gazette.id, "rewrite")}


def test_the_read_only_store_reads_and_refuses_to_write(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest([write_jsonl(tmp_path / "f.jsonl", stream(stories=1, per_story=2, seed=3))], store, background=False)
    reader = ReadOnlyStore(db)
    assert reader.counts()["articles"] == 2
    with pytest.raises(sqlite3.OperationalError):
        reader.connection.execute("DELETE FROM articles")
    with pytest.raises(StoreError, match="no such store"):
        ReadOnlyStore(tmp_path / "absent.db")


def test_the_read_only_store_refuses_an_older_schema_with_advice(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    (old / "0001_init.sql").write_text((MIGRATIONS / "0001_init.sql").read_text())
    Store(tmp_path / "s.db", migrations_dir=old).close()
    with pytest.raises(StoreError, match="corroborate ingest"):
        ReadOnlyStore(tmp_path / "s.db")

"""What makes a loaded server's search pages cheaper gives the same answers as
working them out afresh: story rows kept across commits, query strings quoted
once, and the Server-Timing header that measures a page's CPU. The store is
tests/web_builders.py's (fictional stories only)."""

from __future__ import annotations

import shutil
import sqlite3
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from corroborate.store import Store
from corroborate.web import WebSettings, create_app
from corroborate.web.app import with_query
from corroborate.web.queries import story_rows


def test_story_rows_kept_across_a_commit_are_the_rows_read_afresh(web_store, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    with sqlite3.connect(path) as db:
        before = story_rows(db)
        article = db.execute("SELECT article_id FROM memberships WHERE story_id = ? ORDER BY article_id LIMIT 1",
                             (web_store.example_story,)).fetchone()[0]  # fmt: skip
    with Store(path) as store:
        # Outlets and title change, the size and dates do not: the row must still be read again.
        store.connection.execute("UPDATE articles SET outlet = 'The Gazette, \"renamed\" / :7' WHERE id = ?", (article,))
        store.connection.execute("UPDATE stories SET title = 'Retitled' WHERE id = ?", (web_store.unbriefed_story,))
        store.connection.commit()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        kept, afresh = story_rows(db, before), story_rows(db)
    assert kept == afresh and list(kept) == list(afresh)
    assert 'The Gazette, "renamed" / :7' in kept[web_store.example_story].outlets
    assert kept[web_store.unbriefed_story].title == "Retitled"
    assert kept[web_store.example_story] != before[web_store.example_story]
    unchanged = set(before) - {web_store.example_story, web_store.unbriefed_story}
    assert unchanged and all(kept[story] is before[story] for story in unchanged)  # not made again
    assert all(kept[story].outlets == tuple(sorted(kept[story].outlets)) for story in kept)


@pytest.mark.parametrize("params", [
    {}, {"q": "a b&c=d é +%"}, {"outlet": "x/y?z#w", "after": "eyJhIjoxfQ"}, {"q": '"quoted" <b>', "sort": "oldest", "since": "2026-01-01"},
])  # fmt: skip
def test_query_strings_are_what_urlencode_writes(params):
    assert with_query("/", params) == "/" + ("?" + urlencode(params) if params else "")
    assert with_query("/stories.json", {"page": 2}) == "/stories.json?page=2"  # not text: urlencode's own way


def test_server_timing_gives_a_made_pages_cpu_time_only_when_asked(web_store, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    settings = WebSettings(allowed_hosts=("testserver",), server_timing=True)
    with TestClient(create_app(path, settings, worker=None)) as timed:
        made = timed.get("/?q=report")
        name, _, duration = made.headers["server-timing"].partition(";dur=")
        assert made.status_code == 200 and name == "cpu" and float(duration) > 0
        kept = timed.get("/?q=report")
        assert kept.headers["x-corroborate-page"] == "kept" and "server-timing" not in kept.headers and kept.content == made.content
        assert "server-timing" in timed.get(f"/stories/{web_store.example_story}.json").headers
    with TestClient(create_app(path, WebSettings(allowed_hosts=("testserver",)), worker=None)) as plain:
        assert "server-timing" not in plain.get("/?q=report").headers

"""What makes a loaded server's search pages cheaper gives the same answers as
working them out afresh: story rows kept across commits, query strings quoted
once, and the Server-Timing header that measures a page's CPU. The store is
tests/web_builders.py's (fictional stories only)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
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


# --- more than one server process (setting `processes`) -----------------------------


class RecordingWorker:
    def __init__(self):
        self.asked: list[int] = []

    def request_brief(self, story_id):
        self.asked.append(story_id)

    def failure(self, story_id, members):
        return f"no brief for {story_id} {members}" if story_id == 13 else None

    def job(self, job_id):
        from corroborate.web.worker import Job

        return Job(id=job_id, files=("a.txt",), state="done", new=2)

    def submit_ingest(self, *args):
        return None


def test_the_other_processes_reach_the_one_worker_through_the_lender():
    import threading

    from corroborate.web.processes import Lender, SharedWorker

    worker = RecordingWorker()
    lender = Lender(worker)
    try:
        shared = SharedWorker(lender.address, lender.key)
        threads = [threading.Thread(target=shared.request_brief, args=(story,)) for story in (3, 5, 8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(worker.asked) == [3, 5, 8]  # the same object, called from every page thread
        assert shared.failure(13, "abc") == "no brief for 13 abc" and shared.failure(2, "abc") is None
        assert shared.job("j1").new == 2 and shared.alive()
        with pytest.raises(Exception):  # anyone else: the wrong key is refused
            SharedWorker(lender.address, b"not the key")
    finally:
        lender.close()
    assert not Path(lender.folder).exists()


def test_serve_with_two_processes_answers_and_stops_with_no_process_left(web_store, tmp_path):
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    path = tmp_path / "copy.db"
    shutil.copy(web_store.path, path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "corroborate", "serve", "--db", str(path), "--port", str(port),
                               "--set", "processes=2", "--set", "precompute_briefs=false"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=2).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read().decode()[-2000:]
                time.sleep(0.2)
        children = _children(server.pid)
        assert len(children) >= 2  # the other server process and the brief worker
        for _ in range(12):  # fresh connections: the kernel hands them to either process
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/stories/{web_store.unbriefed_story}", timeout=20) as page:
                assert page.status == 200 and b"being prepared" in page.read()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)
    time.sleep(0.5)
    assert not [pid for pid in children if os.path.exists(f"/proc/{pid}") and _state(pid) != "Z"]


def _children(pid: int) -> list[int]:
    import os

    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"

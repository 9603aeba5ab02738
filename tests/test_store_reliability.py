"""The store under stress: merges that chain inside one batch, any sequence of
ingests, two writers at once, a damaged, read-only or full store, and a killed
writer's reading process. Issue 18, items 1-4."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stream_builders import stream, write_jsonl
from test_store import snapshot

import corroborate
from corroborate.cli import main
from corroborate.model import Article
from corroborate.store import Store, StoreError
from corroborate.store.ingest import ingest
from corroborate.stories import Changes, StoryState

def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _article(number: int, day: int = 0) -> Article:
    return Article(
        id=f"a{number:05d}", origin=f"feed.jsonl#line-{number}", title=f"Headline {number}",
        text=f"Body of article {number} about the Quelbran ferry.", published=dt.date(2031, 5, 1) + dt.timedelta(days=day),
    )  # fmt: skip


def _story(story_id: int, size: int = 1) -> StoryState:
    return StoryState(id=story_id, title=f"Story {story_id}", size=size)


# --- item 1: a store that cannot grow past a batch ----------------------------------


def test_merges_that_chain_inside_one_batch_are_stored(tmp_path):
    # Story 78 is stored; in the next batch story 79 is born, takes 78 in, and is
    # then merged into 24 (the case seen on real data: every rerun failed there).
    with Store(tmp_path / "s.db") as store:
        store.write_batch([_article(1), _article(2)], [24, 78], Changes([_story(24), _story(78)], [], []), b"state", {})
        changes = Changes(stories=[_story(24, size=3)], merges=[(78, 79), (79, 24)], stale=[])
        store.write_batch([_article(3)], [24], changes, b"state", {})
        rows = dict(store.connection.execute("SELECT id, merged_into FROM stories"))
        members = dict(store.connection.execute("SELECT article_id, story_id FROM memberships"))
    assert rows == {24: None, 78: 24}
    assert members == {"a00001": 24, "a00002": 24, "a00003": 24}


@st.composite
def _stream_of_batches(draw):
    """Batches of new articles as a clusterer may report them: each article joins a
    live story or starts one, and live stories (old or born in the batch) merge, in
    chains, into others."""
    batches = []
    for _ in range(draw(st.integers(1, 6))):
        batch = []
        for _ in range(draw(st.integers(1, 8))):
            batch.append(("article", draw(st.integers(0, 1_000))))
        for _ in range(draw(st.integers(0, 4))):
            batch.append(("merge", draw(st.integers(0, 1_000)), draw(st.integers(0, 1_000))))
        batches.append(draw(st.permutations(batch)))
    return batches


class _FakeClusterer:
    """Turns drawn events into the `Changes` a StoryClusterer would report."""

    def __init__(self) -> None:
        self.next_id, self.live, self.merged_into, self.sizes = 1, [], {}, {}

    def final(self, story: int) -> int:
        while story in self.merged_into:
            story = self.merged_into[story]
        return story

    def batch(self, events, first_article: int):
        articles, stories, merges, dirty, born = [], [], [], set(), []
        for event in events:
            if event[0] == "article":
                if not self.live or event[1] % 3 == 0:
                    story = self.next_id
                    self.next_id += 1
                    self.live.append(story)
                    born.append(story)
                else:
                    story = self.live[event[1] % len(self.live)]
                self.sizes[story] = self.sizes.get(story, 0) + 1
                dirty.add(story)
                articles.append(_article(first_article + len(articles)))
                stories.append(story)
            elif len(self.live) >= 2:
                # Stories born in this batch are picked often: merges through them chain.
                pool = self.live + [story for story in born if story in self.live] * 3
                gone, kept = pool[event[1] % len(pool)], pool[event[2] % len(pool)]
                if gone == kept:
                    continue
                self.live.remove(gone)
                self.merged_into[gone] = kept
                self.sizes[kept] += self.sizes.pop(gone)
                merges.append((gone, kept))
                dirty.discard(gone)
                dirty.add(kept)
        changes = Changes([_story(s, self.sizes[s]) for s in sorted(dirty)], merges, [])
        return articles, [self.final(s) for s in stories], changes


@settings(max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(_stream_of_batches())
def test_the_store_never_refuses_a_batch_whatever_merges_it_holds(tmp_path_factory, batches):
    path = tmp_path_factory.mktemp("merges") / "s.db"
    clusterer = _FakeClusterer()
    stored = 0
    with Store(path) as store:
        for events in batches:
            articles, stories, changes = clusterer.batch(events, stored)
            store.write_batch(articles, stories, changes, b"state", {})
            stored += len(articles)
        assert store.counts()["articles"] == stored
        # Every article is in a story the clusterer still has live, and every merged
        # story leads (through later merges) to the story it finally went into.
        members = store.connection.execute("SELECT DISTINCT story_id FROM memberships").fetchall()
        assert {story for (story,) in members} <= set(clusterer.live)
        merged_into = dict(store.connection.execute("SELECT id, merged_into FROM stories WHERE merged_into IS NOT NULL"))
        for gone in merged_into:
            story = gone
            while story in merged_into:
                story = merged_into[story]
            assert story == clusterer.final(gone)
        assert store.connection.execute("PRAGMA foreign_key_check").fetchall() == []


def _facet_records(count: int, seed: int) -> list[dict]:
    """Fictional headlines mixing the facets of one story, so stories split and merge."""
    rng = random.Random(seed)
    facets = [
        "ferry crews walked out over rota changes at the quelbran harbour pier".split(),
        "harbour master valdor warned passengers about cancelled sailings at quelbran".split(),
        "brantmoor council met the union about the quelbran dispute and wages".split(),
        "quelbran traders counted losses as tourists stayed away from the harbour".split(),
    ]
    records = []
    for number in range(count):
        words = [w for facet in rng.sample(facets, rng.choice([1, 1, 2, 3])) for w in rng.sample(facet, len(facet) - 3)]
        rng.shuffle(words)
        records.append({"id": f"h{number}", "title": " ".join(words[:9]), "text": " ".join(words) + ".",
                        "date": (dt.date(2031, 5, 1) + dt.timedelta(days=number // 15)).isoformat()})  # fmt: skip
    return records


@settings(max_examples=8, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False), st.lists(st.integers(1, 40), min_size=1, max_size=4))
def test_any_sequence_of_ingests_keeps_growing_the_store(tmp_path_factory, rng, batch_sizes):
    """Random orders and batch sizes of a stream that merges stories (lower merge bars):
    every run stores what it read, and the store ends with every article."""
    folder = tmp_path_factory.mktemp("grow")
    records = _facet_records(60, seed=rng.randrange(3))
    rng.shuffle(records)
    cuts = sorted(rng.sample(range(1, len(records)), len(batch_sizes) - 1)) if len(batch_sizes) > 1 else []
    parts = [records[a:b] for a, b in zip([0, *cuts], [*cuts, len(records)])]
    merging = {"short_merge_threshold": 0.25, "centered_short_merge_threshold": 0.2}
    with Store(folder / "s.db") as store:
        for number, (part, size) in enumerate(zip(parts, batch_sizes)):
            summary = ingest([write_jsonl(folder / f"part{number}.jsonl", part)], store, batch_size=size, background=False, **merging)
            assert summary.new == len(part)
        assert store.counts()["articles"] == len(records)
        assert store.connection.execute("PRAGMA foreign_key_check").fetchall() == []


# --- item 2: two writers at once ------------------------------------------------------


def _cli(*args: object) -> list[str]:
    return [sys.executable, "-m", "corroborate", *map(str, args)]


def test_writers_at_once_end_like_writers_one_after_another(tmp_path):
    records = stream(stories=8, per_story=6)
    first, second = write_jsonl(tmp_path / "a.jsonl", records[::2]), write_jsonl(tmp_path / "b.jsonl", records[1::2])
    db = tmp_path / "together.db"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    # Three at once: two halves, and the first half again (it once failed with a
    # UNIQUE constraint traceback). Each waits for the writer before it.
    processes = [subprocess.Popen(_cli("ingest", feed, "--db", db, "--batch", 10), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env) for feed in (first, second, first)]  # fmt: skip
    outcomes = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outcomes
    assert all("Traceback" not in err for _, err in outcomes)
    orders = []
    for name, feeds in (("ab", (first, second)), ("ba", (second, first))):
        with Store(tmp_path / f"{name}.db") as store:
            for feed in feeds:
                ingest([feed], store, batch_size=10, background=False)
        orders.append(snapshot(tmp_path / f"{name}.db"))
    assert snapshot(db) in orders


def test_a_second_writer_is_told_whom_it_waits_for_or_refused(tmp_path):
    from corroborate.store.writer import WriterLock

    feed = write_jsonl(tmp_path / "f.jsonl", stream(stories=1, per_story=2))
    db = tmp_path / "s.db"
    Store(db).close()
    holder = WriterLock(db)
    holder.acquire()
    try:
        refused = subprocess.run(_cli("ingest", feed, "--db", db, "--wait", 0), capture_output=True, text=True, timeout=120)
        assert refused.returncode == 3
        assert f"pid {os.getpid()}" in refused.stderr and "is writing to this store" in refused.stderr
        assert "Traceback" not in refused.stderr
        waiting = subprocess.Popen(_cli("ingest", feed, "--db", db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The lock is released only once the second writer has said it waits: a fixed
        # sleep let a slow start (a loaded machine) reach the lock after its release.
        said = []
        reader = threading.Thread(target=lambda: said.extend(waiting.stderr), daemon=True)
        reader.start()
        deadline = time.monotonic() + 120
        while not any("waiting for it to finish" in line for line in list(said)) and time.monotonic() < deadline:
            assert waiting.poll() is None, "".join(said)  # still waiting for the writer
            time.sleep(0.05)
    finally:
        holder.release()
    out = waiting.stdout.read()
    waiting.wait(timeout=120)
    reader.join(timeout=120)
    err = "".join(said)
    assert waiting.returncode == 0, err
    assert f"being written by pid {os.getpid()}" in err and "waiting for it to finish" in err
    assert "2 new" in out


def test_writer_lock_in_the_library_times_out_with_store_busy(tmp_path):
    from corroborate.store import StoreBusy
    from corroborate.store.writer import WriterLock

    db = tmp_path / "s.db"
    holder = WriterLock(db)
    holder.acquire()
    try:
        with Store(db) as store, pytest.raises(StoreBusy, match="is writing to this store"):
            with store.writer(wait=0.3):
                pass
    finally:
        holder.release()
    with Store(db) as store, store.writer(wait=0), store.writer():  # free again, and re-entrant
        assert store._writer is not None


# --- item 3: damaged, read-only and full stores ------------------------------------------


def _filled_store(tmp_path: Path) -> Path:
    db = tmp_path / "news.db"
    with Store(db) as store:
        ingest([write_jsonl(tmp_path / "feed.jsonl", stream(stories=3, per_story=3))], store, background=False)
    return db


def test_a_store_with_garbage_in_its_middle_is_one_line_error(tmp_path):
    db = _filled_store(tmp_path)
    data = bytearray(db.read_bytes())
    page = 4096  # the header page stays: it still opens as a database
    data[page : len(data) - page] = random.Random(5).randbytes(len(data) - 2 * page)
    db.write_bytes(bytes(data))
    feed = write_jsonl(tmp_path / "more.jsonl", stream(stories=1, per_story=2, seed=9))
    for args in (("ingest", feed, "--db", db), ("stories", "--db", db), ("brief", "--story", 1, "--db", db)):
        result = CliRunner().invoke(main, [str(a) for a in args])
        assert result.exit_code == 2, (args, result.output, result.exception)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "news.db" in result.stderr and "damaged" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def _as_nobody(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run Python `code` as a user who may not write the test's files: as root, the
    only way to meet a read-only file or folder is to stop being root."""
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    env = dict(os.environ, PYTHONPATH=str(Path(corroborate.__file__).parent.parent), HOME=str(cwd))
    if os.geteuid() == 0 and not _nobody_can_import(tuple(command[:-2]), env["PYTHONPATH"]):
        pytest.skip("the unprivileged user (uid 65534) cannot read this checkout or its .venv (a clone inside a "
                    "private folder, as `mktemp -d` makes): a read-only store cannot be met as root here")  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@functools.lru_cache(maxsize=1)
def _nobody_can_import(command: tuple[str, ...], pythonpath: str) -> bool:
    """Whether `command` (the interpreter, run as the unprivileged user) can import corroborate."""
    env = dict(os.environ, PYTHONPATH=pythonpath, HOME="/")
    try:
        probe = subprocess.run([*command, "-c", "import corroborate.cli"], capture_output=True, env=env, cwd="/", timeout=120)
    except OSError:
        return False
    return probe.returncode == 0


def _cli_code(*args: str) -> str:
    return f"import sys; sys.argv = ['corroborate', *{list(args)!r}]; from corroborate.cli import run; run()"


@pytest.fixture
def readable_tmp(tmp_path):
    """A folder everyone can read (pytest's own are private to their owner)."""
    for folder in (tmp_path, *tmp_path.parents):
        if str(folder) == "/tmp":
            break
        folder.chmod(folder.stat().st_mode | 0o755)
    return tmp_path


def test_a_read_only_store_file_reads_and_briefs_but_refuses_ingest_in_one_line(readable_tmp):
    db = _filled_store(readable_tmp)
    db.chmod(0o444)
    readable_tmp.chmod(0o777)  # the folder may be written, the store may not
    listed = _as_nobody(_cli_code("stories", "--db", str(db), "--format", "jsonl"), readable_tmp)
    assert listed.returncode == 0, listed.stderr
    story = json.loads(listed.stdout.splitlines()[0])["id"]
    briefed = _as_nobody(_cli_code("brief", "--story", str(story), "--db", str(db), "--format", "json"), readable_tmp)
    assert briefed.returncode == 0, briefed.stderr
    assert json.loads(briefed.stdout)["article_count"] == 3
    assert "this brief was not cached: the store is read-only here" in briefed.stderr
    feed = readable_tmp / "feed.jsonl"
    refused = _as_nobody(_cli_code("ingest", str(feed), "--db", str(db)), readable_tmp)
    assert refused.returncode == 2 and "read-only" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr + briefed.stderr and len(refused.stderr.strip().splitlines()) == 1


def test_a_store_in_a_read_only_folder_can_be_listed_and_briefed(readable_tmp):
    db = _filled_store(readable_tmp)
    readable_tmp.chmod(0o555)
    try:
        listed = _as_nobody(_cli_code("stories", "--db", str(db), "--format", "jsonl"), readable_tmp)
        assert listed.returncode == 0, listed.stderr
        assert len(listed.stdout.splitlines()) == 3
        story = json.loads(listed.stdout.splitlines()[0])["id"]
        briefed = _as_nobody(_cli_code("brief", "--story", str(story), "--db", str(db), "--format", "md"), readable_tmp)
        assert briefed.returncode == 0 and "## Sources" in briefed.stdout, briefed.stderr
    finally:
        readable_tmp.chmod(0o755)


def test_a_full_disk_is_one_line_and_the_store_keeps_its_last_batch(tmp_path, monkeypatch):
    db = _filled_store(tmp_path)
    before = snapshot(db)
    opened = Store.__init__

    def small_disk(self, *args, **kwargs):
        opened(self, *args, **kwargs)
        pages = self.connection.execute("PRAGMA page_count").fetchone()[0]
        self.connection.execute(f"PRAGMA max_page_count = {pages + 1}")  # as if the disk were full

    monkeypatch.setattr(Store, "__init__", small_disk)
    feed = write_jsonl(tmp_path / "more.jsonl", stream(stories=4, per_story=10, seed=3))
    result = CliRunner().invoke(main, ["ingest", str(feed), "--db", str(db)])
    assert result.exit_code == 2, (result.output, result.exception)
    assert "disk is full" in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    monkeypatch.undo()
    assert snapshot(db) == before


def test_a_damaged_clustering_state_is_a_store_error(tmp_path):
    db = _filled_store(tmp_path)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE clustering SET value = X'00FF00' WHERE key = 'state'")
    with Store(db) as store, pytest.raises(StoreError, match="damaged"):
        ingest([tmp_path / "feed.jsonl"], store, background=False)


# --- item 4: a killed ingest's reading process -----------------------------------------


_KILLED_LATE = """
import multiprocessing, os, signal, sys, time
from corroborate.store.ingest import _read_in_background
total = int(sys.argv[2])
read = 0
items = _read_in_background([sys.argv[1]])  # kept: a generator dropped early kills its reader
for item in items:
    read += 1
    if read == total - 3 * 64:  # a few chunks left in the queue: the reader has put its last
        break
time.sleep(2)  # it has read everything and is ending, its last chunks not yet taken
print(*[child.pid for child in multiprocessing.active_children()], flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_killing_ingest_late_also_ends_its_reading_process(tmp_path):
    # Late: the reading process has read everything and waits for the ingest to take
    # its last chunks; killed then, the ingest once left it running for minutes, with
    # the store open.
    feed = write_jsonl(tmp_path / "feed.jsonl", stream(stories=40, per_story=25))  # 1000 articles
    said = tmp_path / "said.txt"
    with said.open("w") as out:  # a file, not a pipe: a reader left alive would hold a pipe open
        killed = subprocess.run([sys.executable, "-c", _KILLED_LATE, str(feed), "1000"], stdout=out, stderr=out, timeout=300)
    assert killed.returncode == -signal.SIGKILL, said.read_text()
    (child,) = map(int, said.read_text().split())
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.1)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the reading process outlived the killed ingest"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; it only waits to be reaped

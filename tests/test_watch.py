"""`corroborate watch`, `feeds` and `changes`: feeds followed round after round into
the store, unchanged feeds costing nothing, articles that change after publication
kept as versions and shown in the story's brief, and a watch killed mid-round
(SIGKILL) that restarts losing nothing and fetching nothing twice."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from local_web import Reply, Site, page, rss, story_page

from corroborate.cli import main
from corroborate.config import BriefOptions
from corroborate.fetch import Fetcher, FetchOptions
from corroborate.fetch.archive import Archive
from corroborate.fetch.watch import Watcher, parse_duration, read_feeds_file
from corroborate.store import Store
from corroborate.store import feeds as feed_table
from corroborate.store.briefs import story_brief
from corroborate.store.fetched import changed_articles

pytestmark = pytest.mark.usefixtures("loopback_only")

STORY = Path(__file__).resolve().parent.parent / "src" / "corroborate" / "data" / "example_story" / "articles"
OPTIONS = FetchOptions(per_host_interval=0.02, connect_timeout=1, read_timeout=1, total_timeout=3, revisit_after=(3600.0,))
# The cheapest brief: its articles, sentences and (read from the store) their changes.
CHEAP = BriefOptions(stages=("sentences",))


def run(*args):
    # Wide enough that rich's tables do not fold their cells.
    return CliRunner(env={"COLUMNS": "250"}).invoke(main, [str(a) for a in args], catch_exceptions=False)


def feed_with_etag(site: Site, items) -> str:
    """A feed that answers 304 to a request carrying its ETag."""
    body = rss("Brantmoor news", items).body

    def reply(handler) -> None:
        if handler.headers.get("If-None-Match") == '"feed-1"':
            handler.send(Reply(304, content_type=None, headers={"ETag": '"feed-1"'}))
        else:
            handler.send(Reply(body=body, content_type="application/rss+xml", headers={"ETag": '"feed-1"'}))

    return site.route("/rss", reply)


def test_rounds_store_new_articles_skip_an_unchanged_feed_and_catch_a_changed_article(tmp_path):
    files = sorted(STORY.glob("*.txt"))
    courier = files[1]
    original = story_page(courier)
    edited = story_page(courier)
    edited.body = (
        edited.body.replace(b"Twelve people were injured", b"Fourteen people were injured")
        .replace(b"counting far more injuries", b"counting many more injuries")
        .replace(b"signed off in October 2023", b"signed off in November 2023")
    )
    offset = [dt.timedelta(0)]  # the watcher's clock, moved on by hand between rounds

    def clock() -> dt.datetime:
        return dt.datetime.now(dt.UTC) + offset[0]

    with Site() as site, Store(tmp_path / "news.db") as store:
        urls = [site.route(f"/news/{f.stem}", [original, edited] if f == courier else story_page(f)) for f in files]
        feed = feed_with_etag(site, [(f.stem, url) for f, url in zip(files, urls)])
        feed_table.follow(store, [(feed, 900.0)])
        with Archive(tmp_path / "news-fetched.warc.gz") as archive, Fetcher(OPTIONS, archive=archive) as fetcher:
            watcher = Watcher(store, fetcher, batch_size=2, brief_options=CHEAP, clock=clock)
            first = watcher.round()
            assert (first.polled, first.unchanged, first.collected.new) == (1, 0, 6)
            [story] = store.stories()
            story_brief(store, story.id, CHEAP)  # a cached brief, to be refreshed when the story changes

            offset[0] = dt.timedelta(hours=2)  # the feed and the first checks for changes are due
            second = watcher.round()
        assert (second.polled, second.unchanged, second.collected.new) == (1, 1, 0)
        assert (second.collected.unchanged, second.collected.changed, second.refreshed) == (5, 1, 1)
        assert "1 feeds polled (1 unchanged, 0 failed), 0 new articles, 6 rechecked (1 changed" in second.line()
        rss_hits = site.hits("/rss")
        assert len(rss_hits) == 2 and rss_hits[1].headers.get("if-none-match") == '"feed-1"'
        assert all(len(site.hits(f"/news/{f.stem}")) == 2 for f in files)  # fetched, then checked once

        [row] = feed_table.feeds(store)
        assert row.last_success and row.failures == 0 and row.entries == 6 and row.new_articles == 6
        [changed] = changed_articles(store)
        assert changed.title.startswith("Tollgate Footbridge collapse") and changed.versions == 2
        assert (changed.words_added, changed.words_removed) == (3, 3)

        # The round built the story's brief again, with the change in it.
        refreshed = store.connection.execute("SELECT COUNT(*) FROM briefs WHERE story_id = ?", (story.id,)).fetchone()
        brief = story_brief(store, story.id, CHEAP)
        assert refreshed == (1,) and len(brief.changes) == 1
        flags = {brief.text(edit.removed): (edit.added, edit.flags) for edit in brief.changes[0].edits}
        assert flags == {"Twelve": ("Fourteen", ("number",)), "far": ("many", ("quote",)), "October": ("November", ("date",))}
        versions = store.versions(changed.article_id)
        assert [v.number for v in versions] == [1, 2] and "Fourteen people" in versions[1].text

    listed = run("changes", "--db", tmp_path / "news.db")
    assert listed.exit_code == 0 and "+3 / −3" in listed.stdout
    status = run("feeds", "--db", tmp_path / "news.db", "--format", "jsonl")
    assert f'"url": "{feed}"' in status.stdout and '"failure_score": 0.0' in status.stdout
    markdown = run("brief", "--story", story.id, "--db", tmp_path / "news.db", "--format", "md", "--set", "stages=sentences")
    assert "## Changed after publication (1)" in markdown.stdout and "~~Twelve~~ **Fourteen** _(changed number)_" in markdown.stdout


def test_a_failing_feed_backs_off_and_says_why(tmp_path):
    with Site() as site, Store(tmp_path / "news.db") as store, Fetcher(OPTIONS) as fetcher:
        feed = site.route("/rss", Reply(404, b"no feed here"))
        feed_table.follow(store, [(feed, 60.0)])
        summary = Watcher(store, fetcher).round()
        [row] = feed_table.feeds(store)
    assert summary.failed == 1 and row.last_success is None
    assert row.last_error == "not found (HTTP 404)" and row.failures == 1 and row.failure_score == 1.0
    assert 110 <= (row.next_poll - row.last_polled).total_seconds() <= 130  # twice its interval
    table = run("feeds", "--db", tmp_path / "news.db")
    assert "not found (HTTP 404)" in table.stdout and "1.00 (1 in a row)" in table.stdout


def test_feeds_files_and_durations():
    assert parse_duration("15m") == 900 and parse_duration("1h30m") == 5400 and parse_duration("45") == 45
    with pytest.raises(ValueError):
        parse_duration("soon")
    text = "# our feeds\nhttp://127.0.0.1:9/rss\nhttp://127.0.0.1:9/atom 30m  # slower\nnot a url\nhttp://127.0.0.1:9/x fast\n"
    feeds, problems = read_feeds_file(text, 900.0, "feeds.txt")
    assert feeds == [("http://127.0.0.1:9/rss", 900.0), ("http://127.0.0.1:9/atom", 1800.0)]
    assert [str(p) for p in problems] == [
        "feeds.txt:4: not a url: malformed URL (it does not start with http:// or https://)",
        "feeds.txt:5: 'fast' is not a duration (such as 30s, 15m, 2h, 1d)",
    ]


# --- killed mid-round --------------------------------------------------------------------

ARTICLES = 12


def _slow_page(number: int):
    paragraphs = [
        f"The Harwick Bay ferry committee met for the {number + 1}th time on Thursday to discuss route number {number * 7 + 3}.",
        f"Committee member Ilse Varnum said item {number} on the agenda covered {number * 40 + 120} passengers a day on that route.",
        f"“We will decide on item {number} before the spring timetable,” Varnum told reporters after meeting {number}.",
    ]
    reply = page(f"Ferry committee item {number}", paragraphs)

    def slow(handler) -> None:
        handler.server.site.stopping.wait(0.15)  # slow enough that a round takes a while
        handler.send(reply)

    return slow


def _watch(feeds_file: Path, db: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.Popen(
        [sys.executable, "-m", "corroborate", "watch", "--feeds", str(feeds_file), "--db", str(db), "--every", "1h",
         "--batch", "2", "--rounds", "1", "--set", "per_host_interval=0.02", "--set", "revisit_after="],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip


def _stored_urls(db: Path) -> set[str]:
    try:
        with sqlite3.connect(db) as connection:
            return {row[0] for row in connection.execute("SELECT url FROM articles")}
    except sqlite3.OperationalError:  # the watch has not made its tables yet
        return set()


def _stop_when_stored(process: subprocess.Popen, db: Path, count: int, how: signal.Signals) -> set[str]:
    """Send `how` once the store holds `count` articles; the URLs stored by then."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None and len(_stored_urls(db)) < count:
        time.sleep(0.05)
    process.send_signal(how)
    process.wait(timeout=60)
    return _stored_urls(db)


def test_a_watch_stopped_or_killed_mid_round_loses_nothing_and_fetches_nothing_twice(tmp_path):
    db = tmp_path / "news.db"
    with Site() as site:
        urls = [site.route(f"/committee/{n}", _slow_page(n)) for n in range(ARTICLES)]
        feed = site.route("/rss", rss("Harwick Gazette", [(f"Item {n}", url) for n, url in enumerate(urls)]))
        (tmp_path / "feeds.txt").write_text(f"{feed}\n")

        def hits() -> dict[str, int]:
            return {url: len(site.hits(url.removeprefix(site.origin))) for url in urls}

        # SIGTERM: the watch stops between writes, says so, and exits cleanly.
        first = _watch(tmp_path / "feeds.txt", db)
        stopped = _stop_when_stored(first, db, 2, signal.SIGTERM)
        out, err = first.communicate()
        assert first.returncode == 0 and "SIGTERM: stopping after the current write" in err and "(stopped)" in out
        # SIGKILL: no chance to tidy up at all.
        second = _watch(tmp_path / "feeds.txt", db)
        killed = _stop_when_stored(second, db, len(stopped) + 3, signal.SIGKILL)
        hits_before = hits()
        assert 2 <= len(stopped) < len(killed) < ARTICLES, "each stop must land mid-round"

        third = _watch(tmp_path / "feeds.txt", db)
        out, err = third.communicate(timeout=120)
        assert third.returncode == 0, err
        hits_after = hits()

    assert _stored_urls(db) == set(urls)  # nothing lost
    assert f"{ARTICLES - len(killed)} new articles" in out
    for url in killed:  # nothing stored before the kill was fetched again after it
        assert hits_after[url] == hits_before[url]
    for url in stopped:  # nor anything stored before the stop
        assert hits_after[url] == 1

    from warcio.archiveiterator import ArchiveIterator

    with (tmp_path / "news-fetched.warc.gz").open("rb") as stream:  # readable after the kill
        fetched = {r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream) if r.rec_type == "response"}
    assert set(urls) <= fetched

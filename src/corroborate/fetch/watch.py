"""`corroborate watch`: follow feeds, round after round, until stopped.

A round polls every feed that is due (each on its own schedule: its interval,
doubled after each failure in a row), with a conditional GET; a feed that
answers 304, or whose body hashes as before, costs nothing more. The entries of
the feeds that changed are fetched unless the store has them, read and ingested
(clustered into stories); stored articles due for a check are fetched again to
catch changes after publication; and the cached briefs of stories that changed
are built again. A feed's poll is recorded only after its entries are stored,
so a round cut short (a signal, a kill) is simply redone by the next run,
fetching again only what it had not stored.

SIGINT and SIGTERM stop the watch between writes: the fetches in flight are
cancelled, nothing half-done is written.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import InputProblem
from ..store import Store
from ..store import feeds as feed_table
from ..store import fetched as records
from .client import DOCUMENT_TYPES, Fetcher, Response
from .collect import CollectSummary, Collector, Stopped
from .errors import FetchFailure
from .feeds import Listing
from .pages import entry_urls, read_listing
from .urls import normalise, read_url_list

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|s)?", re.IGNORECASE)
_UNIT = {"d": 86400, "h": 3600, "m": 60, "s": 1, None: 1}


def parse_duration(text: str) -> float:
    """Seconds in "15m", "90s", "2h", "1h30m", "1d" or a bare number of seconds."""
    text = text.strip()
    position, total = 0, 0.0
    for match in _DURATION.finditer(text):
        if match.start() != position:
            break
        total += float(match.group(1)) * _UNIT[(match.group(2) or "").lower() or None]
        position = match.end()
    if not text or position != len(text) or total <= 0:
        raise ValueError(f"{text!r} is not a duration (such as 30s, 15m, 2h, 1d)")
    return total


def read_feeds_file(text: str, every: float, origin: str) -> tuple[list[tuple[str, float]], list[InputProblem]]:
    """A feeds file: one feed URL per line, optionally followed by its own interval
    ("https://example.org/rss 30m"); `#` starts a comment."""
    feeds: list[tuple[str, float]] = []
    problems: list[InputProblem] = []
    for number, line in read_url_list(text):
        url, _, rest = line.partition(" ")
        try:
            normal = normalise(url)
            interval = parse_duration(rest) if rest.strip() else every
        except FetchFailure as failure:
            problems.append(InputProblem(origin, f"{line}: {failure.message}", number))
            continue
        except ValueError as error:
            problems.append(InputProblem(origin, str(error), number))
            continue
        if normal not in [f for f, _ in feeds]:
            feeds.append((normal, interval))
    return feeds, problems


@dataclass
class RoundSummary:
    number: int
    polled: int = 0
    unchanged: int = 0  # 304, or the same body as last time
    failed: int = 0  # feeds that could not be polled
    collected: CollectSummary = field(default_factory=CollectSummary)
    refreshed: int = 0  # cached briefs built again
    stopped: bool = False

    def line(self) -> str:
        c = self.collected
        parts = [
            f"round {self.number}: {self.polled} feeds polled ({self.unchanged} unchanged, {self.failed} failed)",
            f"{c.new} new articles",
        ]
        if c.duplicates:
            parts.append(f"{c.duplicates} duplicates")
        if c.changed or c.unchanged or c.gone:
            parts.append(f"{c.unchanged + c.changed + c.gone} rechecked ({c.changed} changed, {c.gone} taken down)")
        parts.append(f"{len(c.problems)} failed")
        if self.refreshed:
            parts.append(f"{self.refreshed} briefs refreshed")
        return ", ".join(parts) + (" (stopped)" if self.stopped else "")


def _cached_stories(store: Store) -> set[int]:
    return {row[0] for row in store.connection.execute("SELECT DISTINCT story_id FROM briefs")}


class Watcher:
    """Rounds of polling over one store. `stop` (an Event) ends it between writes."""

    def __init__(
        self, store: Store, fetcher: Fetcher, *, batch_size: int = 20, brief_options=None,
        stop: threading.Event | None = None, report: Callable[[InputProblem], None] | None = None,
        clock: Callable[[], dt.datetime] = records.now,
    ) -> None:  # fmt: skip
        self.store = store
        self.fetcher = fetcher
        self.stop = stop or threading.Event()
        self.collector = Collector(store, fetcher, batch_size=batch_size, stop=self.stop)
        self.brief_options = brief_options
        self.report = report or (lambda problem: None)
        self.clock = clock
        self.rounds = 0

    def request_stop(self) -> None:
        """Stop between writes (what a SIGINT/SIGTERM handler calls)."""
        self.stop.set()
        self.fetcher.cancel()

    # --- one round -----------------------------------------------------------------------

    def _poll(self, feed: feed_table.FeedRow):
        async def job():
            try:
                response = await self.fetcher.get(feed.url, DOCUMENT_TYPES, (feed.etag, feed.last_modified, None))
                if response.not_modified or response.body_sha1 == feed.body_sha1:
                    return response, None
                return response, await read_listing(self.fetcher, feed.url, response)
            except FetchFailure as failure:
                return failure, None

        return job

    def round(self) -> RoundSummary:
        """Poll the feeds that are due, store what is new, recheck what is due."""
        self.rounds += 1
        summary = RoundSummary(self.rounds)
        started = self.clock()
        cached_before = _cached_stories(self.store)
        due = feed_table.due(self.store, started)
        try:
            polls = list(self.fetcher.ordered(self._poll(feed) for feed in due))
        except concurrent.futures.CancelledError:
            summary.stopped = True
            return summary
        summary.polled = len(due)
        changed: list[tuple[feed_table.FeedRow, Response, Listing, list[str]]] = []
        for feed, (result, listed) in zip(due, polls):
            if isinstance(result, FetchFailure):
                summary.failed += 1
                self.report(result.problem())
                feed_table.polled(self.store, feed, self.clock(), error=result.message)
            elif listed is None and (result.not_modified or result.body_sha1 == feed.body_sha1):
                summary.unchanged += 1
                feed_table.polled(self.store, feed, self.clock(), validators=result.validators[:2] + (feed.body_sha1,))
            elif listed is None:
                summary.failed += 1
                message = "not an RSS/Atom feed or sitemap"
                self.report(InputProblem(feed.url, message))
                feed_table.polled(self.store, feed, self.clock(), error=message)
            else:
                urls, problems = entry_urls(listed, feed.url, self.fetcher.options.max_feed_entries)
                for problem in problems:
                    self.report(problem)
                changed.append((feed, result, listed, urls))
        try:
            via = {}
            for feed, _, _, urls in changed:
                for url in urls:
                    via.setdefault(url, feed.url)
            before = len(summary.collected.problems)
            self.collector.add(list(via), via=via, summary=summary.collected)
            for problem in summary.collected.problems[before:]:
                self.report(problem)
            # Every entry is stored (or settled): now the feeds count as polled.
            for feed, response, listed, urls in changed:
                feed_table.polled(
                    self.store, feed, self.clock(), title=listed.title, validators=response.validators,
                    entries=len(urls), new_articles=summary.collected.new_by_source.get(feed.url, 0),
                )  # fmt: skip
            before = len(summary.collected.problems)
            self.collector.recheck(records.due_revisits(self.store, self.clock()), summary.collected)
            for problem in summary.collected.problems[before:]:
                self.report(problem)
        except Stopped:
            summary.stopped = True
            return summary
        summary.refreshed = self._refresh_briefs(cached_before)
        return summary

    def _refresh_briefs(self, cached_before: set[int]) -> int:
        """Build again the cached briefs this round dropped (their story changed)."""
        from ..config import BriefOptions
        from ..store.briefs import story_brief

        dropped = sorted(cached_before - _cached_stories(self.store))
        refreshed = 0
        for story_id in dropped:
            if self.stop.is_set():
                break
            if self.store.story_exists(story_id):
                story_brief(self.store, story_id, self.brief_options or BriefOptions())
                refreshed += 1
        return refreshed

    # --- round after round -----------------------------------------------------------------

    def next_wake(self) -> dt.datetime | None:
        """When the next feed poll or article recheck is due."""
        times = [feed_table.next_due(self.store)]
        row = self.store.connection.execute(
            "SELECT MIN(next_check) FROM fetched WHERE outcome = 'stored' AND next_check IS NOT NULL"
        ).fetchone()
        times.append(records.moment(row[0]) if row and row[0] else None)
        times = [t for t in times if t is not None]
        return min(times) if times else None

    def run(self, rounds: int | None = None, on_round: Callable[[RoundSummary, dt.datetime | None], None] | None = None) -> int:
        """Rounds until stopped (or `rounds` of them); returns how many ran."""
        done = 0
        while not self.stop.is_set() and (rounds is None or done < rounds):
            summary = self.round()
            done += 1
            wake = self.next_wake()
            if on_round:
                on_round(summary, wake)
            if summary.stopped or (rounds is not None and done >= rounds):
                break
            wait = (wake - self.clock()).total_seconds() if wake else 60.0
            self.stop.wait(max(wait, 0.0))
        return done

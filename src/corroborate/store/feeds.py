"""The feeds `corroborate watch` follows: each feed's schedule, its validators for a
conditional GET, and its scoreboard (last success, last error, failure score).

A feed that fails waits twice as long after each failure in a row (up to a day);
its failure score halves at every poll and gains 1 at a failed one, so it shows
how unwell a feed has been lately rather than forever.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from . import Store
from .fetched import iso, moment

MAX_BACKOFF = 86400.0


@dataclass(frozen=True)
class FeedRow:
    """One followed feed, as `corroborate feeds` shows it."""

    url: str
    title: str | None
    every: float
    active: bool
    etag: str | None
    last_modified: str | None
    body_sha1: str | None
    last_polled: dt.datetime | None
    last_success: dt.datetime | None
    last_error: str | None
    last_error_at: dt.datetime | None
    failures: int
    failure_score: float
    next_poll: dt.datetime | None
    entries: int
    new_articles: int


_COLUMNS = (
    "url, title, every, active, etag, last_modified, body_sha1, last_polled, last_success, last_error,"
    " last_error_at, failures, failure_score, next_poll, entries, new_articles"
)


def _row(values) -> FeedRow:
    (url, title, every, active, etag, last_modified, body_sha1, polled, success, error, error_at, failures, score,
     next_poll, entries, new_articles) = values  # fmt: skip
    return FeedRow(
        url, title, every, bool(active), etag, last_modified, body_sha1, moment(polled), moment(success), error,
        moment(error_at), failures, score, moment(next_poll), entries, new_articles,
    )  # fmt: skip


def follow(store: Store, feeds: Iterable[tuple[str, float]]) -> None:
    """Follow exactly these feeds (URL, seconds between polls): new ones are polled at
    once, known ones keep their schedule, feeds no longer listed are set inactive."""
    feeds = list(feeds)
    with store._transaction() as db:
        db.execute("UPDATE feeds SET active = 0")
        for url, every in feeds:
            db.execute(
                "INSERT INTO feeds (url, every, active) VALUES (?, ?, 1)"
                " ON CONFLICT(url) DO UPDATE SET every = excluded.every, active = 1",
                (url, every),
            )


def feeds(store: Store, active_only: bool = False) -> list[FeedRow]:
    where = " WHERE active = 1" if active_only else ""
    rows = store.connection.execute(f"SELECT {_COLUMNS} FROM feeds{where} ORDER BY url")
    return [_row(values) for values in rows]


def due(store: Store, at: dt.datetime) -> list[FeedRow]:
    """Active feeds whose next poll is due."""
    rows = store.connection.execute(
        f"SELECT {_COLUMNS} FROM feeds WHERE active = 1 AND (next_poll IS NULL OR next_poll <= ?) ORDER BY url",
        (iso(at),),
    )
    return [_row(values) for values in rows]


def next_due(store: Store) -> dt.datetime | None:
    """When the next active feed is due (None: no active feed)."""
    row = store.connection.execute(
        "SELECT MIN(COALESCE(next_poll, '')) FROM feeds WHERE active = 1"
    ).fetchone()
    if row is None or row[0] is None:
        return None
    return moment(row[0]) or dt.datetime.min.replace(tzinfo=dt.UTC)


def polled(
    store: Store, feed: FeedRow, at: dt.datetime, *, error: str | None = None, title: str | None = None,
    validators: tuple[str | None, str | None, str | None] | None = None, entries: int | None = None,
    new_articles: int = 0,
) -> None:  # fmt: skip
    """Record one poll of `feed`: its outcome, new validators and its next poll."""
    failures = feed.failures + 1 if error else 0
    wait = min(feed.every * 2**failures, max(MAX_BACKOFF, feed.every)) if error else feed.every
    score = feed.failure_score / 2 + (1 if error else 0)
    etag, last_modified, body_sha1 = validators or (feed.etag, feed.last_modified, feed.body_sha1)
    with store._transaction() as db:
        db.execute(
            "UPDATE feeds SET last_polled = ?, failures = ?, failure_score = ?, next_poll = ?,"
            " etag = ?, last_modified = ?, body_sha1 = ?, title = COALESCE(?, title),"
            " entries = COALESCE(?, entries), new_articles = new_articles + ?,"
            " last_success = CASE WHEN ? IS NULL THEN ? ELSE last_success END,"
            " last_error = COALESCE(?, last_error), last_error_at = CASE WHEN ? IS NULL THEN last_error_at ELSE ? END"
            " WHERE url = ?",
            (
                iso(at), failures, score, iso(at + dt.timedelta(seconds=wait)), etag, last_modified, body_sha1, title,
                entries, new_articles, error, iso(at), error, error, iso(at), feed.url,
            ),
        )  # fmt: skip

"""What the store knows of fetched URLs: their outcome, the validators for asking
again cheaply, when to look for changes, and every version of an article's text.

Every write goes through `Store._transaction()`. The order of writes is what
makes `watch` safe to kill: a URL is recorded as `pending` (with where it led)
right after it is fetched, its article is stored by the ingest batch, and its
outcome is settled after that. A URL counts as done once it is settled, or once
its pending final URL is in the articles table: a run killed anywhere between
these writes, started again, fetches again only what it had not stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..model import ArticleVersion
from . import Store

# A URL whose fetch failed for a passing reason (timeout, 5xx) is tried again on
# later runs, up to this many times in all.
MAX_ATTEMPTS = 3


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds") if moment else None


def moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Fetch:
    """One fetch of a URL, to be recorded."""

    url: str
    final_url: str | None
    fetched_at: dt.datetime
    via: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_sha1: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of a fetched URL."""

    url: str
    outcome: str  # stored | duplicate | problem | failed
    article_id: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Revisit:
    """A stored article's URL, due to be fetched again to catch changes."""

    url: str
    final_url: str | None
    article_id: str
    etag: str | None
    last_modified: str | None
    body_sha1: str | None
    first_fetched: dt.datetime
    checks: int


@dataclass(frozen=True)
class ChangedArticle:
    """A row of `corroborate changes`."""

    article_id: str
    title: str
    outlet: str | None
    url: str | None
    versions: int
    first_fetched: dt.datetime | None
    last_changed: dt.datetime | None
    words_added: int
    words_removed: int
    gone: bool


def _chunks(items: Sequence, size: int = 500):
    for first in range(0, len(items), size):
        yield items[first : first + size]


def done_urls(store: Store, urls: Sequence[str]) -> set[str]:
    """Which of these URLs need no fetching: settled (or given up on), pending with
    their article stored, or the URL of an article stored from any input."""
    done: set[str] = set()
    db = store.connection
    for chunk in _chunks(list(urls)):
        marks = ",".join("?" * len(chunk))
        done.update(
            row[0]
            for row in db.execute(
                f"SELECT f.url FROM fetched f WHERE f.url IN ({marks}) AND ("
                " f.outcome IN ('stored', 'duplicate', 'problem')"
                " OR (f.outcome = 'failed' AND f.attempts >= ?)"
                " OR EXISTS (SELECT 1 FROM articles a WHERE a.url = f.final_url))",
                (*chunk, MAX_ATTEMPTS),
            )
        )
        done.update(row[0] for row in db.execute(f"SELECT url FROM articles WHERE url IN ({marks})", chunk))
    return done


def record_fetches(store: Store, fetches: Iterable[Fetch], schedule: Sequence[float] = ()) -> None:
    """Record URLs just fetched as `pending` (kept as they were if already settled),
    with their validators; the first check for changes is `schedule[0]` seconds on."""
    rows = [
        (
            f.url, f.final_url, f.via, f.etag, f.last_modified, f.body_sha1, iso(f.fetched_at), iso(f.fetched_at),
            iso(f.fetched_at + dt.timedelta(seconds=schedule[0])) if schedule else None,
        )
        for f in fetches
    ]  # fmt: skip
    if not rows:
        return
    with store._transaction() as db:
        db.executemany(
            "INSERT INTO fetched (url, final_url, via, outcome, etag, last_modified, body_sha1, first_fetched,"
            " last_fetched, next_check) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET final_url = excluded.final_url, etag = excluded.etag,"
            " last_modified = excluded.last_modified, body_sha1 = excluded.body_sha1,"
            " last_fetched = excluded.last_fetched, checks = checks + 1,"
            " outcome = CASE WHEN outcome = 'failed' THEN 'pending' ELSE outcome END",
            rows,
        )


def settle(store: Store, outcomes: Iterable[Outcome]) -> None:
    """Record what became of fetched URLs; a stored article also gets its version 1."""
    outcomes = list(outcomes)
    if not outcomes:
        return
    stamp = iso(now())
    with store._transaction() as db:
        for item in outcomes:
            if item.outcome == "failed":
                db.execute(
                    "INSERT INTO fetched (url, outcome, message, first_fetched, last_fetched, attempts)"
                    " VALUES (?, 'failed', ?, ?, ?, 1) ON CONFLICT(url) DO UPDATE SET"
                    " attempts = CASE WHEN outcome = 'failed' THEN attempts + 1 ELSE 1 END,"
                    " outcome = 'failed', message = excluded.message, last_fetched = excluded.last_fetched",
                    (item.url, item.message, stamp, stamp),
                )
                continue
            db.execute(
                "INSERT INTO fetched (url, outcome, article_id, message, first_fetched, last_fetched)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET outcome = excluded.outcome,"
                " article_id = excluded.article_id, message = excluded.message",
                (item.url, item.outcome, item.article_id, item.message, stamp, stamp),
            )
            if item.outcome != "stored":
                db.execute("UPDATE fetched SET next_check = NULL WHERE url = ?", (item.url,))
                continue
            db.execute(
                "INSERT OR IGNORE INTO article_versions (article_id, version, fetched_at, url, title, text, content_hash)"
                " SELECT a.id, 1, COALESCE(f.first_fetched, ?), a.url, a.title, a.text, a.content_hash"
                " FROM articles a LEFT JOIN fetched f ON f.url = ? WHERE a.id = ?",
                (stamp, item.url, item.article_id),
            )


def articles_at(store: Store, urls: Iterable[str]) -> dict[str, str]:
    """The id of the stored article at each of these (final) URLs, where there is one."""
    urls = list(urls)
    found: dict[str, str] = {}
    for chunk in _chunks(urls):
        marks = ",".join("?" * len(chunk))
        found.update(store.connection.execute(f"SELECT url, id FROM articles WHERE url IN ({marks})", chunk))
    return found


def fetch_record(store: Store, url: str) -> Revisit | None:
    """The stored article a URL gave, with its validators (None when it gave none)."""
    row = store.connection.execute(
        "SELECT f.url, f.final_url, COALESCE(f.article_id, a.id), f.etag, f.last_modified, f.body_sha1,"
        " f.first_fetched, f.checks FROM fetched f LEFT JOIN articles a ON a.url = f.final_url"
        " WHERE f.url = ? AND (f.article_id IS NOT NULL OR a.id IS NOT NULL)",
        (url,),
    ).fetchone()
    return _revisit(row) if row else None


def _revisit(row) -> Revisit:
    url, final_url, article_id, etag, last_modified, body_sha1, first, checks = row
    return Revisit(url, final_url, article_id, etag, last_modified, body_sha1, moment(first), checks)


def due_revisits(store: Store, at: dt.datetime, limit: int = 1000) -> list[Revisit]:
    """Stored articles' URLs whose next check for changes is due, oldest first."""
    rows = store.connection.execute(
        "SELECT url, final_url, article_id, etag, last_modified, body_sha1, first_fetched, checks FROM fetched"
        " WHERE outcome = 'stored' AND next_check IS NOT NULL AND next_check <= ? ORDER BY next_check, url LIMIT ?",
        (iso(at), limit),
    )
    return [_revisit(row) for row in rows]


def checked(store: Store, revisit: Revisit, fetched_at: dt.datetime, schedule: Sequence[float], validators=None) -> None:
    """Record one more check of a stored article's URL, and when the next is due: the
    first of the `schedule` times (seconds after its first fetch) still ahead, if any."""
    later = [s for s in schedule if revisit.first_fetched + dt.timedelta(seconds=s) > fetched_at]
    next_check = iso(revisit.first_fetched + dt.timedelta(seconds=later[0])) if later else None
    etag, last_modified, body_sha1 = validators or (revisit.etag, revisit.last_modified, revisit.body_sha1)
    with store._transaction() as db:
        db.execute(
            "UPDATE fetched SET checks = checks + 1, last_fetched = ?, next_check = ?, etag = ?, last_modified = ?,"
            " body_sha1 = ? WHERE url = ?",
            (iso(fetched_at), next_check, etag, last_modified, body_sha1, revisit.url),
        )


def latest_version(store: Store, article_id: str) -> tuple[int, str | None]:
    """The number of the article's latest version and its content hash (None when gone)."""
    row = store.connection.execute(
        "SELECT version, content_hash, gone FROM article_versions WHERE article_id = ? ORDER BY version DESC LIMIT 1",
        (article_id,),
    ).fetchone()
    if row is None:
        stored = store.connection.execute("SELECT content_hash FROM articles WHERE id = ?", (article_id,)).fetchone()
        return 0, stored[0] if stored else None
    return row[0], None if row[2] else row[1]


def add_version(
    store: Store, article_id: str, fetched_at: dt.datetime, url: str | None, title: str, text: str, content_hash: str,
    gone: bool = False,
) -> int:  # fmt: skip
    """Store a new version of an article (version 1 first, from the stored text, if it
    has none yet); returns its number. Drops the cached briefs of its story (trigger)."""
    with store._transaction() as db:
        db.execute(
            "INSERT OR IGNORE INTO article_versions (article_id, version, fetched_at, url, title, text, content_hash)"
            " SELECT a.id, 1, COALESCE(f.first_fetched, ?), a.url, a.title, a.text, a.content_hash FROM articles a"
            " LEFT JOIN fetched f ON f.final_url = a.url WHERE a.id = ? LIMIT 1",
            (iso(fetched_at), article_id),
        )
        number = db.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM article_versions WHERE article_id = ?", (article_id,)
        ).fetchone()[0]
        db.execute(
            "INSERT INTO article_versions (article_id, version, fetched_at, url, title, text, content_hash, gone)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, number, iso(fetched_at), url, title, text, content_hash, int(gone)),
        )
    return number


def versions(store: Store, article_id: str) -> list[ArticleVersion]:
    """Every version of a stored article, oldest first. An article that was never
    fetched from the web (read from a file) has one version, its stored text."""
    rows = store.connection.execute(
        "SELECT version, fetched_at, url, title, text, gone FROM article_versions WHERE article_id = ? ORDER BY version",
        (article_id,),
    ).fetchall()
    if rows:
        return [
            ArticleVersion(article_id, number, moment(fetched_at), url, title, text, bool(gone))
            for number, fetched_at, url, title, text, gone in rows
        ]
    stored = store.connection.execute("SELECT url, title, text FROM articles WHERE id = ?", (article_id,)).fetchone()
    return [ArticleVersion(article_id, 1, None, *stored)] if stored else []


def versions_of(store: Store, article_ids: Iterable[str]) -> dict[str, list[ArticleVersion]]:
    """The versions of those of these articles that have more than one."""
    ids = list(article_ids)
    many: list[str] = []
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        many += [
            row[0]
            for row in store.connection.execute(
                f"SELECT article_id FROM article_versions WHERE article_id IN ({marks}) GROUP BY article_id"
                " HAVING COUNT(*) > 1",
                chunk,
            )
        ]
    return {article_id: versions(store, article_id) for article_id in sorted(many)}


def changed_articles(store: Store) -> list[ChangedArticle]:
    """Articles whose text changed (or that were taken down) after they were first
    fetched, most recently changed first; words counted against version 1."""
    from ..changes import word_counts

    rows = store.connection.execute(
        "SELECT v.article_id, a.title, a.outlet, a.url, COUNT(*), MIN(v.fetched_at), MAX(v.fetched_at)"
        " FROM article_versions v JOIN articles a ON a.id = v.article_id"
        " GROUP BY v.article_id HAVING COUNT(*) > 1 ORDER BY MAX(v.fetched_at) DESC, v.article_id"
    ).fetchall()
    changed = []
    for article_id, title, outlet, url, count, first, last in rows:
        every = versions(store, article_id)
        latest = every[-1]
        texts = [v for v in every if not v.gone]
        added, removed = word_counts(every[0].text, texts[-1].text) if len(texts) > 1 else (0, 0)
        changed.append(
            ChangedArticle(article_id, title, outlet, url, count, moment(first), moment(last), added, removed, latest.gone)
        )
    return changed

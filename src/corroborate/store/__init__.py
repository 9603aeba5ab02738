"""The SQLite store: articles, stories, memberships, clustering state, cached briefs.

The schema is SQL text in `migrations/NNNN_name.sql`, applied in order and
counted in SQLite's `user_version`, so an old store is brought up to date when
it is opened. The database runs in WAL mode (readers never block the writer).

There is one write path: every change goes through `Store._transaction()`,
and an ingest batch (its articles, their stories, merges and the clustering
state) is one transaction. A run killed half-way therefore leaves the store as
it was after the last whole batch, and running it again continues from there.

One writer at a time: a writer (an ingest run, and anything else that changes
stories) holds `store.writer()` for its whole run (`store/writer.py`), so two
runs never interleave their batches and clustering state. Readers need no lock
and no write access: `Store.for_reading(path)` opens a store in a read-only file
or folder read-only (`reading.ReadOnlyStore`).

Every SQLite failure (a damaged file, a full disk, a read-only store) comes out
of the public methods as a `StoreError` naming the store, never as a raw
`sqlite3` error: the command line prints it as one line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..model import Article, RemovedLine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_PATH = Path("corroborate.db")

__all__ = ["Store", "StoryRow", "StoreError", "StoreBusy", "content_hash", "DEFAULT_PATH"]


class StoreError(Exception):
    """The store file cannot be used (not a database, damaged, newer schema, unwritable,
    disk full). The message names the store and says what to do."""

    exit_code = 2  # the command line's code for a store it cannot use (README, "Exit codes")


def _described(path: Path, error: Exception) -> StoreError:
    """A SQLite failure as a `StoreError` a user can act on."""
    text = str(error)
    lowered = text.lower()
    if "malformed" in lowered or "not a database" in lowered or isinstance(error, (zlib.error, ValueError, EOFError)):
        return StoreError(f"{path}: the store is damaged ({text}); restore it from a copy or start a new store")
    if "disk is full" in lowered or "disk full" in lowered or getattr(error, "errno", None) == 28:
        return StoreError(f"{path}: the disk is full ({text}); nothing of the unfinished batch was stored")
    if "readonly" in lowered or "read-only" in lowered:
        return StoreError(f"{path}: the store is read-only here ({text}); it can be read, not changed")
    if "unable to open" in lowered:
        return StoreError(f"{path}: cannot open the store ({text}); check the file and its folder can be read")
    if "locked" in lowered or "busy" in lowered:
        return StoreError(f"{path}: the store stayed locked by another program ({text}); try again")
    return StoreError(f"{path}: cannot use the store ({text})")


def _store_errors(method):
    """Public methods raise `StoreError` (named, one line), never sqlite3's own errors."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except StoreError:
            raise
        except (sqlite3.Error, OSError) as error:
            raise _described(self.path, error) from error

    return guarded


def migrations(directory: Path = MIGRATIONS) -> list[tuple[int, Path]]:
    """The migration files, numbered by their `NNNN_` prefix, in order."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        number = int(path.name.split("_", 1)[0])
        found.append((number, path))
    numbers = [n for n, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations in {directory} are not numbered 1..N: {numbers}")
    return found


def _outlets(joined: str | None) -> tuple[str, ...]:
    return tuple(sorted(name.replace("\x1f", ",") for name in joined.split(","))) if joined else ()


def content_hash(article: Article) -> str:
    """Identity of an article's content: case, spacing and quote-mark typography aside.
    A headline-only article is identified by its headline."""
    from ..clean import normalise_for_id

    body = article.text if article.text.strip() else "title:" + article.title
    return hashlib.sha1(normalise_for_id(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoryRow:
    """One story as `corroborate stories` lists it."""

    id: int
    title: str
    size: int
    outlets: tuple[str, ...]
    first_date: dt.date | None
    last_date: dt.date | None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# How long a statement waits for another connection's write transaction (a reader's
# cache write during an ingest batch) before giving up with "database is locked".
BUSY_TIMEOUT_SECONDS = 60


class Store:
    """A corroborate database at `path` (created and migrated on open). To read a
    store that may not be writable, `Store.for_reading` (or `reading.ReadOnlyStore`)."""

    read_only = False  # `reading.ReadOnlyStore` can only read
    _writer = None  # the writer lock, while `writer()` holds it

    def __init__(self, path: str | Path = DEFAULT_PATH, migrations_dir: Path = MIGRATIONS) -> None:
        self.path = Path(path)
        try:
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
            self.connection = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
            self.connection.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable for every committed transaction except on power loss in
            # WAL mode, and a process kill (the case we promise) loses nothing committed.
            self.connection.execute("PRAGMA synchronous=NORMAL")
            self.connection.execute("PRAGMA foreign_keys=ON")
            self._migrate(migrations_dir)
        except StoreError:
            self._close_quietly()
            raise
        except sqlite3.DatabaseError as error:
            self._close_quietly()
            if "not a database" in str(error):
                raise StoreError(f"{self.path}: cannot use as a corroborate store ({error})") from None
            raise _described(self.path, error) from None

    @classmethod
    def for_reading(cls, path: str | Path = DEFAULT_PATH) -> Store:
        """A store to read (list stories, brief one): opened as usual when it can be
        written (an older store is brought up to date, a story brief can be cached),
        read-only (`reading.ReadOnlyStore`) when its file or folder cannot be written."""
        from .reading import ReadOnlyStore

        path = Path(path)
        if not _writable(path):
            return ReadOnlyStore(path)
        try:
            return cls(path)
        except StoreError as error:
            if "read-only" not in str(error) and "cannot open" not in str(error):
                raise
            return ReadOnlyStore(path)  # a read-only mount, say

    def _close_quietly(self) -> None:
        connection = getattr(self, "connection", None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None
        self.connection.close()

    def writer(self, wait: float | None = None, on_wait=None):
        """Hold the store's single-writer lock while the `with` block runs (see
        `store/writer.py`): another writer waits for it, or with `wait` seconds
        gone (0: at once) gets `StoreBusy`. `on_wait(holder)` is called once when
        this one has to wait. Re-entrant for this store object."""
        from .writer import writer_session

        return writer_session(self, wait, on_wait)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def version(self) -> int:
        return self.connection.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self, directory: Path) -> None:
        steps = migrations(directory)
        if self.version > len(steps):
            raise StoreError(
                f"{self.path}: schema version {self.version} is newer than this corroborate knows ({len(steps)})"
            )
        for number, path in steps:
            if number <= self.version:
                continue
            # One transaction per migration (executescript would commit on its own). The
            # version is read again inside it: another process may have just applied it.
            with self._transaction() as db:
                if self.version >= number:
                    continue
                for statement in _statements(path.read_text(encoding="utf-8")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    # --- the one write path ---------------------------------------------------------

    @_store_errors
    def check_writable(self) -> None:
        """Raise `StoreError` now, before any work, when the store cannot be written
        (SQLite opens a read-only file without a word, and fails at the first write)."""
        db = self.connection
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(f"PRAGMA user_version = {int(self.version)}")  # a write that changes nothing
        finally:
            if db.in_transaction:
                db.execute("ROLLBACK")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.connection
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.in_transaction:  # SQLite has already rolled back after some errors (a full disk)
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @_store_errors
    def write_batch(self, articles: Sequence[Article], stories: Sequence[int], changes, state: bytes, params: dict) -> None:
        """Store one ingest batch: `articles` and the story of each (resolved ids),
        the clusterer's `changes` (see `StoryClusterer.drain_changes`) and its state."""
        with self._transaction() as db:
            first_seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()[0]
            for story in changes.stories:
                db.execute(
                    "INSERT INTO stories (id, title, size, first_date, last_date, live, state) VALUES (?, ?, ?, ?, ?, 1, ?)"
                    " ON CONFLICT(id) DO UPDATE SET size=excluded.size, first_date=excluded.first_date,"
                    " last_date=excluded.last_date, state=excluded.state",
                    (story.id, story.title, story.size, _iso(story.first_day), _iso(story.last_day), story.to_bytes()),
                )
            for gone, kept in changes.merges:
                # Merges can chain inside one batch (78 into 79, then 79 into 24), and a
                # story born in this batch and merged away again is not in the table: each
                # merged story points at the story it finally went into, which is.
                final = _final_story(kept, changes.merges)
                db.execute("UPDATE memberships SET story_id = ? WHERE story_id = ?", (final, gone))
                db.execute(
                    "UPDATE stories SET live = 0, merged_into = ?, size = 0, state = NULL WHERE id = ?", (final, gone)
                )
            for story_id in changes.stale:
                db.execute("UPDATE stories SET live = 0 WHERE id = ?", (story_id,))
            for offset, (article, story_id) in enumerate(zip(articles, stories, strict=True)):
                db.execute(
                    "INSERT INTO articles (id, seq, url, content_hash, title, outlet, published, origin, source_id,"
                    " text, removed, raw_line_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.id, first_seq + offset, article.url, content_hash(article), article.title,
                        article.outlet, article.published.isoformat() if article.published else None,
                        article.origin, article.source_id, article.text,
                        json.dumps([[r.line, r.text, r.reason] for r in article.removed], ensure_ascii=False),
                        json.dumps(list(article.raw_line_of)),
                    ),
                )  # fmt: skip
                db.execute("INSERT INTO memberships (article_id, story_id) VALUES (?, ?)", (article.id, story_id))
            db.execute("INSERT OR REPLACE INTO clustering (key, value) VALUES ('state', ?)", (state,))
            db.execute("INSERT OR REPLACE INTO clustering (key, value) VALUES ('params', ?)", (json.dumps(params, sort_keys=True),))

    @_store_errors
    def cache_brief(self, story_id: int, members_hash: str, options_hash: str, brief) -> None:
        import pickle

        from .summaries import write_summary

        blob = zlib.compress(pickle.dumps(brief, protocol=pickle.HIGHEST_PROTOCOL))
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO briefs (story_id, members_hash, options_hash, brief) VALUES (?, ?, ?, ?)",
                (story_id, members_hash, options_hash, blob),
            )
            # The counts story lists and outlet pages show, kept with the brief they come from.
            write_summary(db, story_id, brief)

    # --- reads ------------------------------------------------------------------

    @_store_errors
    def known(self, urls: Sequence[str], hashes: Sequence[str]) -> tuple[set[str], set[str]]:
        """Which of these URLs and content hashes are already stored."""
        db = self.connection
        found_urls: set[str] = set()
        found_hashes: set[str] = set()
        for first in range(0, len(urls), 500):
            chunk = urls[first : first + 500]
            marks = ",".join("?" * len(chunk))
            found_urls.update(r[0] for r in db.execute(f"SELECT url FROM articles WHERE url IN ({marks})", chunk))
        for first in range(0, len(hashes), 500):
            chunk = hashes[first : first + 500]
            marks = ",".join("?" * len(chunk))
            found_hashes.update(
                r[0] for r in db.execute(f"SELECT content_hash FROM articles WHERE content_hash IN ({marks})", chunk)
            )
        return found_urls, found_hashes

    @_store_errors
    def clustering_state(self) -> tuple[bytes | None, dict | None, list]:
        """The saved stream state, the clusterer's parameters and the live stories."""
        from ..stories import StoryState

        rows = dict(self.connection.execute("SELECT key, value FROM clustering"))
        try:
            params = json.loads(rows["params"]) if "params" in rows else None
            stories = [
                StoryState.from_bytes(story_id, title, state)
                for story_id, title, state in self.connection.execute(
                    "SELECT id, title, state FROM stories WHERE live = 1 AND state IS NOT NULL ORDER BY id"
                )
            ]
        except (ValueError, TypeError, KeyError, EOFError, zlib.error) as error:  # bytes that are not a saved state
            raise StoreError(f"{self.path}: the store is damaged (unreadable clustering state: {error})") from None
        return rows.get("state"), params, stories

    @_store_errors
    def counts(self) -> dict[str, int]:
        db = self.connection
        return {
            "articles": db.execute("SELECT COUNT(*) FROM articles").fetchone()[0],
            "stories": db.execute("SELECT COUNT(DISTINCT story_id) FROM memberships").fetchone()[0],
        }

    @_store_errors
    def stories(self, limit: int | None = None, min_size: int = 1) -> list[StoryRow]:
        """Stories, largest first (then newest): title, size, outlets, first and last date."""
        # group_concat(DISTINCT ...) joins with commas only, and outlet names may hold
        # commas ("Tech Report, LLC"): they travel as \x1f and are put back after the split.
        rows = self.connection.execute(
            "SELECT s.id, s.title, COUNT(*) AS n, group_concat(DISTINCT replace(a.outlet, ',', char(31))),"
            " MIN(a.published), MAX(a.published)"
            " FROM memberships m JOIN stories s ON s.id = m.story_id JOIN articles a ON a.id = m.article_id"
            " GROUP BY s.id HAVING n >= ? ORDER BY n DESC, MAX(a.published) DESC, s.id"
            + (" LIMIT ?" if limit else ""),
            (min_size, limit) if limit else (min_size,),
        )
        return [
            StoryRow(story_id, title, size, _outlets(outlets), _date(first), _date(last))
            for story_id, title, size, outlets, first, last in rows
        ]

    _ARTICLE_COLUMNS = "a.id, a.origin, a.title, a.text, a.url, a.outlet, a.published, a.source_id, a.removed, a.raw_line_of"

    @_store_errors
    def story_articles(self, story_id: int) -> list[Article]:
        """The articles of a story, in ingest order."""
        rows = self.connection.execute(
            f"SELECT {self._ARTICLE_COLUMNS}"
            " FROM memberships m JOIN articles a ON a.id = m.article_id WHERE m.story_id = ? ORDER BY a.seq",
            (story_id,),
        )
        return [_article(row) for row in rows]

    @_store_errors
    def article(self, article_id: str) -> Article | None:
        """One stored article, or None."""
        row = self.connection.execute(f"SELECT {self._ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    @_store_errors
    def story_exists(self, story_id: int) -> bool:
        return self.connection.execute("SELECT 1 FROM memberships WHERE story_id = ? LIMIT 1", (story_id,)).fetchone() is not None

    @_store_errors
    def has_cached_brief(self, story_id: int, members_hash: str, options_hash: str) -> bool:
        return self.connection.execute(
            "SELECT 1 FROM briefs WHERE story_id = ? AND members_hash = ? AND options_hash = ?",
            (story_id, members_hash, options_hash),
        ).fetchone() is not None

    @_store_errors
    def versions(self, article_id: str) -> list:
        """Every version of an article's text, oldest first (`model.ArticleVersion`):
        version 1 is the text stored and briefed, later ones what later fetches of its
        URL found (see store/fetched.py)."""
        from .fetched import versions

        return versions(self, article_id)

    @_store_errors
    def cached_brief(self, story_id: int, members_hash: str, options_hash: str):
        import pickle

        row = self.connection.execute(
            "SELECT brief FROM briefs WHERE story_id = ? AND members_hash = ? AND options_hash = ?",
            (story_id, members_hash, options_hash),
        ).fetchone()
        if row is None:
            return None
        try:
            return pickle.loads(zlib.decompress(row[0]))
        except Exception:  # noqa: BLE001 - a cache entry from another version: rebuild it
            return None


def _writable(path: Path) -> bool:
    """Whether the store file (or, for a new store, its folder) and the folder can be
    written: SQLite's WAL mode writes files beside the store."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _final_story(story_id: int, merges: Sequence[tuple[int, int]]) -> int:
    """Where `story_id` ended up after `merges` (in the order they happened)."""
    into = dict(merges)
    seen = {story_id}
    while story_id in into and into[story_id] not in seen:
        story_id = into[story_id]
        seen.add(story_id)
    return story_id
def _article(row) -> Article:
    article_id, origin, title, text, url, outlet, published, source_id, removed, raw_line_of = row
    return Article(
        id=article_id, origin=origin, title=title, text=text, url=url, outlet=outlet,
        published=_date(published), source_id=source_id,
        removed=tuple(RemovedLine(line, line_text, reason) for line, line_text, reason in json.loads(removed)),
        raw_line_of=tuple(json.loads(raw_line_of)),
    )  # fmt: skip


def _iso(day: int | None) -> str | None:
    return dt.date.fromordinal(day).isoformat() if day is not None else None


def _statements(script: str) -> list[str]:
    """Split a migration into statements (sqlite3.complete_statement knows where
    a CREATE TRIGGER ... END; ends), so that they run inside our transaction."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


from .writer import StoreBusy  # noqa: E402 - defined beside the lock, exported here

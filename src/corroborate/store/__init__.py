"""The SQLite store: articles, stories, memberships, clustering state, cached briefs.

The schema is SQL text in `migrations/NNNN_name.sql`, applied in order and
counted in SQLite's `user_version`, so an old store is brought up to date when
it is opened. The database runs in WAL mode (readers never block the writer).

There is one write path: every change goes through `Store._transaction()`,
and an ingest batch (its articles, their stories, merges and the clustering
state) is one transaction. A run killed half-way therefore leaves the store as
it was after the last whole batch, and running it again continues from there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..model import Article, RemovedLine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_PATH = Path("corroborate.db")

__all__ = ["Store", "StoryRow", "StoreError", "content_hash", "DEFAULT_PATH"]


class StoreError(Exception):
    """The store file cannot be used (not a database, newer schema, unwritable)."""


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


class Store:
    """A corroborate database at `path` (created and migrated on open)."""

    def __init__(self, path: str | Path = DEFAULT_PATH, migrations_dir: Path = MIGRATIONS) -> None:
        self.path = Path(path)
        try:
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
            self.connection = sqlite3.connect(self.path, isolation_level=None)
            self.connection.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable for every committed transaction except on power loss in
            # WAL mode, and a process kill (the case we promise) loses nothing committed.
            self.connection.execute("PRAGMA synchronous=NORMAL")
            self.connection.execute("PRAGMA foreign_keys=ON")
            self._migrate(migrations_dir)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: cannot use as a corroborate store ({error})") from None

    def close(self) -> None:
        self.connection.close()

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
            # One transaction per migration (executescript would commit on its own).
            with self._transaction() as db:
                for statement in _statements(path.read_text(encoding="utf-8")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    # --- the one write path ---------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.connection
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

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
                db.execute("UPDATE memberships SET story_id = ? WHERE story_id = ?", (kept, gone))
                db.execute(
                    "UPDATE stories SET live = 0, merged_into = ?, size = 0, state = NULL WHERE id = ?", (kept, gone)
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

    def clustering_state(self) -> tuple[bytes | None, dict | None, list]:
        """The saved stream state, the clusterer's parameters and the live stories."""
        from ..stories import StoryState

        rows = dict(self.connection.execute("SELECT key, value FROM clustering"))
        params = json.loads(rows["params"]) if "params" in rows else None
        stories = [
            StoryState.from_bytes(story_id, title, state)
            for story_id, title, state in self.connection.execute(
                "SELECT id, title, state FROM stories WHERE live = 1 AND state IS NOT NULL ORDER BY id"
            )
        ]
        return rows.get("state"), params, stories

    def counts(self) -> dict[str, int]:
        db = self.connection
        return {
            "articles": db.execute("SELECT COUNT(*) FROM articles").fetchone()[0],
            "stories": db.execute("SELECT COUNT(DISTINCT story_id) FROM memberships").fetchone()[0],
        }

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

    def story_articles(self, story_id: int) -> list[Article]:
        """The articles of a story, in ingest order."""
        rows = self.connection.execute(
            f"SELECT {self._ARTICLE_COLUMNS}"
            " FROM memberships m JOIN articles a ON a.id = m.article_id WHERE m.story_id = ? ORDER BY a.seq",
            (story_id,),
        )
        return [_article(row) for row in rows]

    def article(self, article_id: str) -> Article | None:
        """One stored article, or None."""
        row = self.connection.execute(f"SELECT {self._ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def story_exists(self, story_id: int) -> bool:
        return self.connection.execute("SELECT 1 FROM memberships WHERE story_id = ? LIMIT 1", (story_id,)).fetchone() is not None

    def has_cached_brief(self, story_id: int, members_hash: str, options_hash: str) -> bool:
        return self.connection.execute(
            "SELECT 1 FROM briefs WHERE story_id = ? AND members_hash = ? AND options_hash = ?",
            (story_id, members_hash, options_hash),
        ).fetchone() is not None

    def versions(self, article_id: str) -> list:
        """Every version of an article's text, oldest first (`model.ArticleVersion`):
        version 1 is the text stored and briefed, later ones what later fetches of its
        URL found (see store/fetched.py)."""
        from .fetched import versions

        return versions(self, article_id)

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

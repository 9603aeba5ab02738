"""What a story's or an article's page was made from, so that a kept page outlives
commits that did not touch it.

The page cache (cache.PageCache) drops its pages when anything commits to the
store; while an ingest writes, that is every few seconds, and every story page
would be made again each time although the ingest only added other stories. A
story page and an article page depend on a few rows only, so they are kept with
a *fingerprint* of those rows: when the store has changed, the fingerprint is
read again (a few indexed lookups, a fraction of a millisecond against the
milliseconds of making the page) and the page is served again if it is the same.

A fingerprint covers every row the page shows or is made from:
- story page: the story's row, each member article's listed fields, the story's
  cached briefs (row, keys and size: a brief made again is a new row) and its
  articles' latest versions;
- article page: the article's whole row, the story it belongs to, that story's
  cached briefs (the marks, copies and rewrites come from the brief) and the
  article's versions.
Any other page has none and lives only as long as the store's generation.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3

_STORY = re.compile(r"/stories/([0-9]{1,18})(?:\.json)?")
_ARTICLE = re.compile(r"/articles/([^/]{1,400}?)(?:\.json)?")


def fingerprint(connection: sqlite3.Connection, path: str) -> bytes | None:
    """The fingerprint of the rows the page at `path` is made from, or None for a page
    that has none (kept only until the store changes)."""
    if match := _STORY.fullmatch(path):
        return _digest(story_page_rows(connection, int(match.group(1))))
    if match := _ARTICLE.fullmatch(path):
        return _digest(article_page_rows(connection, match.group(1)))  # scope["path"] is decoded already
    return None


def story_page_rows(connection: sqlite3.Connection, story_id: int) -> list:
    return [
        connection.execute("SELECT title, merged_into, live FROM stories WHERE id = ?", (story_id,)).fetchall(),
        connection.execute(
            "SELECT a.id, a.seq, a.title, a.outlet, a.published, a.url FROM memberships m JOIN articles a ON a.id = m.article_id"
            " WHERE m.story_id = ? ORDER BY a.id",
            (story_id,),
        ).fetchall(),
        _briefs(connection, story_id),
        connection.execute(
            "SELECT v.article_id, MAX(v.version) FROM memberships m JOIN article_versions v ON v.article_id = m.article_id"
            " WHERE m.story_id = ? GROUP BY v.article_id ORDER BY v.article_id",
            (story_id,),
        ).fetchall(),
    ]


def article_page_rows(connection: sqlite3.Connection, article_id: str) -> list:
    stories = connection.execute("SELECT story_id FROM memberships WHERE article_id = ? ORDER BY story_id", (article_id,)).fetchall()
    return [
        connection.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchall(),
        stories,
        [_briefs(connection, story_id) for (story_id,) in stories],
        connection.execute("SELECT version, content_hash, gone, fetched_at FROM article_versions WHERE article_id = ? ORDER BY version",
                           (article_id,)).fetchall(),  # fmt: skip
    ]


def _briefs(connection: sqlite3.Connection, story_id: int) -> list:
    return connection.execute(
        "SELECT rowid, members_hash, options_hash, length(brief) FROM briefs WHERE story_id = ? ORDER BY rowid", (story_id,)
    ).fetchall()


def _digest(rows: list) -> bytes:
    return hashlib.blake2b(repr(rows).encode(), digest_size=16).digest()

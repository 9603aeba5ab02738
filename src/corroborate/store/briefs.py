"""Briefs of stored stories, cached in the store.

A cached brief is keyed by the story, a hash of its exact member set and a hash
of the options, the corroborate version and its source code (`code_fingerprint`),
so a story that gained an article, a brief asked with other options or one made
by other code is built afresh; the store's triggers also drop a story's cached
briefs whenever its membership changes.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from ..config import BriefOptions
from ..model import Brief
from . import Store


class NoSuchStory(Exception):
    """The store has no story with this id."""


@functools.cache
def code_fingerprint() -> str:
    """A hash of the package's own source (less the web app, which only shows
    briefs): a cached brief made by other code (an upgrade, or a change between
    releases) is built afresh rather than served stale. ~100 small files, read
    once per process (a few milliseconds)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1()
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).parts[0] == "web":  # the web app shows briefs, never makes them
            continue
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def brief_keys(member_ids, options: BriefOptions) -> tuple[str, str]:
    """The cache keys of a story's brief: a hash of its exact member set, and one of
    the options, the corroborate version and its code."""
    from .. import __version__

    members = hashlib.sha1("\n".join(sorted(member_ids)).encode()).hexdigest()
    option_key = hashlib.sha1(f"{__version__}\n{code_fingerprint()}\n{options!r}".encode()).hexdigest()
    return members, option_key


def story_brief(store: Store, story_id: int, options: BriefOptions | None = None, use_cache: bool = True) -> Brief:
    """The brief of stored story `story_id`: the same library pipeline as
    `corroborate brief PATH...`, over the story's articles."""
    from ..brief import analyse, start_brief

    options = options or BriefOptions()
    articles = store.story_articles(story_id)
    if not articles:
        raise NoSuchStory(story_id)
    members, option_key = brief_keys((a.id for a in articles), options)
    if use_cache:
        cached = store.cached_brief(story_id, members, option_key)
        if cached is not None:
            return cached
    result = analyse(start_brief(articles), options)
    result = with_changes(store, result)
    store.cache_brief(story_id, members, option_key, result)
    return result


def stored_brief_keys(store: Store, story_id: int, options: BriefOptions | None = None) -> tuple[str, str]:
    """The cache keys of the brief of story `story_id` as it is stored now (its
    member ids only: no article text is read)."""
    member_ids = [row[0] for row in store.connection.execute("SELECT article_id FROM memberships WHERE story_id = ?", (story_id,))]
    return brief_keys(member_ids, options or BriefOptions())


def with_changes(store: Store, brief: Brief) -> Brief:
    """The brief with its articles' changes after publication (versions kept by the store)."""
    from dataclasses import replace

    from ..changes import story_changes
    from .fetched import versions_of

    versions = versions_of(store, [article.id for article in brief.articles])
    return replace(brief, changes=story_changes(brief.articles, versions)) if versions else brief

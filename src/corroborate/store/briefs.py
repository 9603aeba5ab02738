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
from . import Store, StoreError


class NoSuchStory(Exception):
    """The store has no story with this id."""


@functools.cache
def code_fingerprint() -> str:
    """A hash of the package's own source: a cached brief made by other code (an
    upgrade, or a change between releases) is built afresh rather than served
    stale. ~100 small files, read once per process (a few milliseconds)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def story_brief(store: Store, story_id: int, options: BriefOptions | None = None, use_cache: bool = True) -> Brief:
    """The brief of stored story `story_id`: the same library pipeline as
    `corroborate brief PATH...`, over the story's articles."""
    from .. import __version__
    from ..brief import analyse, start_brief

    options = options or BriefOptions()
    articles = store.story_articles(story_id)
    if not articles:
        raise NoSuchStory(story_id)
    members = hashlib.sha1("\n".join(sorted(a.id for a in articles)).encode()).hexdigest()
    option_key = hashlib.sha1(f"{__version__}\n{code_fingerprint()}\n{options!r}".encode()).hexdigest()
    if use_cache:
        cached = store.cached_brief(story_id, members, option_key)
        if cached is not None:
            return cached
    result = analyse(start_brief(articles), options)
    if store.read_only:
        return _noted(result, f"{UNCACHED}: the store is read-only here")
    try:
        store.cache_brief(story_id, members, option_key, result)
    except StoreError as error:  # read-only after all (a read-only mount), or a full disk
        return _noted(result, f"{UNCACHED} ({error})")
    return result


UNCACHED = "this brief was not cached"


def _noted(brief: Brief, note: str) -> Brief:
    from dataclasses import replace

    return replace(brief, notes=brief.notes + (note,))

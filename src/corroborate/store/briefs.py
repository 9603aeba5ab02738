"""Briefs of stored stories, cached in the store.

A cached brief is keyed by the story, a hash of its exact member set and a hash
of the options (and the corroborate version), so a story that gained an article
or a brief asked with other options is built afresh; the store's triggers also
drop a story's cached briefs whenever its membership changes.
"""

from __future__ import annotations

import hashlib

from ..config import BriefOptions
from ..model import Brief
from . import Store


class NoSuchStory(Exception):
    """The store has no story with this id."""


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
    option_key = hashlib.sha1(f"{__version__}\n{options!r}".encode()).hexdigest()
    if use_cache:
        cached = store.cached_brief(story_id, members, option_key)
        if cached is not None:
            return cached
    result = analyse(start_brief(articles), options)
    store.cache_brief(story_id, members, option_key, result)
    return result

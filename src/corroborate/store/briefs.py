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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..config import BriefOptions
from ..model import Article, Brief
from . import Store, StoreError


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


@dataclass(frozen=True)
class StoryJob:
    """What briefing one stored story takes: its articles and the keys its brief is cached under."""

    story_id: int
    articles: list[Article]
    members_hash: str
    options_hash: str


def story_job(store: Store, story_id: int, options: BriefOptions) -> StoryJob:
    articles = store.story_articles(story_id)
    if not articles:
        raise NoSuchStory(story_id)
    members, option_key = brief_keys((a.id for a in articles), options)
    return StoryJob(story_id, articles, members, option_key)


def analyse_story(articles: list[Article], options: BriefOptions) -> Brief:
    """The analysis of a story's articles: the same library pipeline as `corroborate
    brief PATH...` (reads nothing from the store, so it can run anywhere)."""
    from ..brief import analyse, start_brief

    return analyse(start_brief(articles), options)


def keep_brief(store: Store, job: StoryJob, result: Brief) -> Brief:
    """`result`, the analysis of `job`, with what only the store knows (its articles'
    changes after publication, `with_changes`), cached in the store."""
    result = with_changes(store, result)
    if store.read_only:
        return _noted(result, f"{UNCACHED}: the store is read-only here")
    try:
        store.cache_brief(job.story_id, job.members_hash, job.options_hash, result)
    except StoreError as error:  # read-only after all (a read-only mount), or a full disk
        return _noted(result, f"{UNCACHED} ({error})")
    return result


UNCACHED = "this brief was not cached"


def _noted(brief: Brief, note: str) -> Brief:
    from dataclasses import replace

    return replace(brief, notes=brief.notes + (note,))


def story_brief(store: Store, story_id: int, options: BriefOptions | None = None, use_cache: bool = True) -> Brief:
    """The brief of stored story `story_id`: the same library pipeline as
    `corroborate brief PATH...`, over the story's articles."""
    options = options or BriefOptions()
    job = story_job(store, story_id, options)
    if use_cache:
        cached = store.cached_brief(story_id, job.members_hash, job.options_hash)
        if cached is not None:
            return cached
    return keep_brief(store, job, analyse_story(job.articles, options))


@dataclass
class BriefsSummary:
    """What `build_briefs` did: stories briefed, cached briefs kept, and failures."""

    built: int = 0
    kept: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)  # (story, reason)


def stories_to_brief(store: Store, options: BriefOptions, stale_only: bool, summary: BriefsSummary) -> Iterator[StoryJob]:
    """Every story of the store, largest first, as a job; with `stale_only`, only those
    whose cached brief is missing or out of date (the others are counted as kept)."""
    for row in store.stories():
        job = story_job(store, row.id, options)
        if stale_only and store.has_cached_brief(row.id, job.members_hash, job.options_hash):
            summary.kept += 1
            continue
        yield job


def build_briefs(
    store: Store,
    options: BriefOptions | None = None,
    stale_only: bool = False,
    on_story: Callable[[BriefsSummary], None] | None = None,
) -> BriefsSummary:
    """`corroborate briefs`: (re)build and cache the brief of every story, one after
    the other (`corroborate.distributed.build_briefs` spreads them over a cluster).
    A story whose brief fails is reported and the others are still built."""
    options = options or BriefOptions()
    summary = BriefsSummary()
    for job in stories_to_brief(store, options, stale_only, summary):
        try:
            result = analyse_story(job.articles, options)
        except Exception as error:  # noqa: BLE001 - one story's failure must not end the run
            summary.failed.append((job.story_id, failure_reason(error)))
        else:
            keep_brief(store, job, result)
            summary.built += 1
        if on_story:
            on_story(summary)
    return summary


def failure_reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:160]}"


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

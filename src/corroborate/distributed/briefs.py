"""`corroborate briefs` on a cluster: each story's brief is built on a worker, and
the client, the store's one writer, caches them.

A story's articles come from the store, which is the client's (SQLite is not
shared between machines), so they travel with the task; its brief is built by
the same function as in one process (`store.briefs.analyse_story`), and so is
identical. The largest stories go first, so that the last to finish are short.
"""

from __future__ import annotations

from collections.abc import Callable

from ..config import BriefOptions
from ..store.briefs import BriefsSummary, keep_brief, stories_to_brief
from . import tasks
from .stream import AHEAD_PER_THREAD, worker_threads


def build_briefs(
    client,
    store,
    options: BriefOptions | None = None,
    stale_only: bool = False,
    on_story: Callable[[BriefsSummary], None] | None = None,
) -> BriefsSummary:
    """`store.briefs.build_briefs` with the stories briefed on the cluster of `client`."""
    from distributed import KilledWorker, as_completed

    from ..store.briefs import code_fingerprint

    options = options or BriefOptions()
    summary = BriefsSummary()
    code = code_fingerprint()
    jobs = stories_to_brief(store, options, stale_only, summary)
    running: dict = {}

    def submit_next(pool) -> None:
        job = next(jobs, None)
        if job is not None:
            future = client.submit(tasks.brief_story, job.articles, options, code, pure=False)
            running[future.key] = job
            pool.add(future)

    pool = as_completed(loop=client.loop)
    for _ in range(AHEAD_PER_THREAD * worker_threads(client)):
        submit_next(pool)
    for future in pool:
        job = running.pop(future.key)
        try:
            result = future.result()
        except KilledWorker:
            result = tasks.BriefFailed("every worker that briefed it died (out of memory?)")
        if isinstance(result, tasks.BriefFailed):
            summary.failed.append((job.story_id, result.reason))
        else:
            keep_brief(store, job, result)
            summary.built += 1
        del future
        if on_story:
            on_story(summary)
        submit_next(pool)
    return summary

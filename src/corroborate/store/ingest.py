"""`corroborate ingest`: read articles in any input format, keep the new ones, and
file each under a story, in batches, into the store.

A batch is `batch_size` *new* articles (repeats do not count), clustered in time
order and written in one transaction. Because repeats never shape a batch, a
run that was killed and is run again forms exactly the batches the first run
would have formed after its last commit, and ends with the same store.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..model import Article, InputProblem, RawArticle
from ..stories import StoryClusterer, time_order
from . import Store, content_hash

log = logging.getLogger(__name__)


@dataclass
class IngestSummary:
    read: int = 0  # articles read (new + duplicates)
    new: int = 0
    duplicates: int = 0
    problems: list[InputProblem] = field(default_factory=list)  # rejected inputs, with reasons
    batches: int = 0

    @property
    def rejected(self) -> int:
        return len(self.problems)

    def reasons(self) -> Counter:
        """Rejections by reason (the message without the file name)."""
        return Counter(problem.message for problem in self.problems)


def clusterer_for(store: Store, **params) -> StoryClusterer:
    """A clusterer that continues the store's stream (with the parameters it was
    started with, so that later runs cluster the same way)."""
    state, saved, stories = store.clustering_state()
    clusterer = StoryClusterer(**(saved or params))
    return clusterer.set_state(state, stories)


def ingest(
    inputs: Iterable,
    store: Store,
    batch_size: int = 500,
    on_batch: Callable[[IngestSummary], None] | None = None,
    **clusterer_params,
) -> IngestSummary:
    """Read `inputs` (paths, folders or article objects) into `store`."""
    from ..clean import clean
    from ..ingest import read_raw

    clusterer = clusterer_for(store, **clusterer_params)
    summary = IngestSummary()
    batch: list[Article] = []
    batch_urls: set[str] = set()
    batch_hashes: set[str] = set()
    pending: list[tuple[Article, str]] = []  # read but not yet checked against the store

    def check_pending() -> None:
        """Sort what was read into duplicates and the next batch's new articles."""
        urls = [a.url for a, _ in pending if a.url]
        stored_urls, stored_hashes = store.known(urls, [h for _, h in pending])
        for article, digest in pending:
            if (article.url and (article.url in stored_urls or article.url in batch_urls)) or (
                digest in stored_hashes or digest in batch_hashes
            ):
                summary.duplicates += 1
                continue
            batch.append(article)
            batch_hashes.add(digest)
            if article.url:
                batch_urls.add(article.url)
            if len(batch) == batch_size:
                flush()
        pending.clear()

    def flush() -> None:
        if not batch:
            return
        ordered = [batch[i] for i in time_order(batch)]
        assigned = clusterer.add(ordered)
        stories = [clusterer.story_of(s) for s in assigned]
        store.write_batch(ordered, stories, clusterer.drain_changes(), clusterer.get_state(), clusterer.get_params())
        summary.new += len(batch)
        summary.batches += 1
        batch.clear()
        batch_urls.clear()
        batch_hashes.clear()
        if on_batch:
            on_batch(dataclasses.replace(summary, problems=list(summary.problems)))

    for item in read_raw(inputs):
        if isinstance(item, InputProblem):
            summary.problems.append(item)
            continue
        article = item if isinstance(item, Article) else clean(item)
        if not article.text.strip() and not (isinstance(item, RawArticle) and item.title):
            summary.problems.append(InputProblem(article.origin, "no article text left after cleaning"))
            continue
        summary.read += 1
        pending.append((article, content_hash(article)))
        # Look repeats up in the store in chunks rather than one query per article.
        if len(pending) >= min(batch_size, 200):
            check_pending()
    check_pending()
    flush()
    return summary

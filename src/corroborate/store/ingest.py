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
import multiprocessing
import os
import queue as queues
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..model import Article, InputProblem
from ..stories import ArticleFeatures, StoryClusterer, time_order
from ..stories import iter_articles as _read
from . import Store, StoreError, content_hash

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
    if saved:
        # A store started by an older version may name parameters since removed
        # (they were dropped because they did not hold on held-out data).
        known = StoryClusterer().get_params()
        saved = {name: value for name, value in saved.items() if name in known}
    try:
        clusterer = StoryClusterer(**(saved or params))
        return clusterer.set_state(state, stories)
    except (ValueError, TypeError, KeyError, EOFError, OSError) as error:  # bytes that are not a saved state
        raise StoreError(f"{store.path}: the store is damaged (unreadable clustering state: {error})") from None


@dataclass(frozen=True)
class PreparedArticle:
    """An article with what ingest computes from it alone, made ahead of time and
    elsewhere (`corroborate.distributed` makes them on Dask workers): the store and
    the clusterer then do only the ordered, stateful part."""

    article: Article
    content_hash: str
    features: ArticleFeatures


def ingest(
    inputs: Iterable,
    store: Store,
    batch_size: int = 500,
    on_batch: Callable[[IngestSummary], None] | None = None,
    background: bool | None = None,
    wait: float | None = None,
    on_wait: Callable | None = None,
    **clusterer_params,
) -> IngestSummary:
    """Read `inputs` (paths, folders or article objects) into `store`.

    The run holds the store's writer lock throughout (`ingest_items`, `Store.writer`:
    another writer waits for it, and this one waits up to `wait` seconds for another,
    calling `on_wait(holder)` once).

    With `background` (the default on a machine with more than one core), reading
    and cleaning run in a second process while this one clusters and writes:
    they cost about as much as clustering and storing, so the two overlap."""
    if background is None:
        background = (os.cpu_count() or 1) > 1
    items = _read_in_background(inputs) if background else _read(inputs)
    return ingest_items(items, store, batch_size, on_batch, wait=wait, on_wait=on_wait, **clusterer_params)


def ingest_items(
    items: Iterable[Article | PreparedArticle | InputProblem],
    store: Store,
    batch_size: int = 500,
    on_batch: Callable[[IngestSummary], None] | None = None,
    wait: float | None = None,
    on_wait: Callable | None = None,
    **clusterer_params,
) -> IngestSummary:
    """Store a stream of read articles (or prepared ones, or problems), in input
    order: skip repeats, cluster each batch of new articles in time order, write it.
    The one loop behind every way of reading, so that they all end with the same store.

    It holds the store's writer lock from before it reads the clustering state until
    its last batch is written (`Store.writer`): two runs never interleave."""
    with store.writer(wait=wait, on_wait=on_wait):
        return _ingest_items(items, store, batch_size, on_batch, clusterer_params)


def _ingest_items(items, store: Store, batch_size: int, on_batch, clusterer_params: dict) -> IngestSummary:
    clusterer = clusterer_for(store, **clusterer_params)
    summary = IngestSummary()
    batch: list[tuple[Article, ArticleFeatures | None]] = []
    batch_urls: set[str] = set()
    batch_hashes: set[str] = set()
    # Written by a flush during the current check: the store lookup made before it
    # cannot know them, and a repeat later in the same chunk must still be caught.
    written_urls: set[str] = set()
    written_hashes: set[str] = set()
    pending: list[tuple[Article, str, ArticleFeatures | None]] = []  # read but not yet checked against the store

    def check_pending() -> None:
        """Sort what was read into duplicates and the next batch's new articles."""
        urls = [a.url for a, _, _ in pending if a.url]
        stored_urls, stored_hashes = store.known(urls, [h for _, h, _ in pending])
        written_urls.clear()
        written_hashes.clear()
        for article, digest, features in pending:
            if (article.url and (article.url in stored_urls or article.url in batch_urls or article.url in written_urls)) or (
                digest in stored_hashes or digest in batch_hashes or digest in written_hashes
            ):
                summary.duplicates += 1
                continue
            batch.append((article, features))
            batch_hashes.add(digest)
            if article.url:
                batch_urls.add(article.url)
            if len(batch) == batch_size:
                flush()
        pending.clear()

    def flush() -> None:
        if not batch:
            return
        ordered = [batch[i] for i in time_order([article for article, _ in batch])]
        articles = [article for article, _ in ordered]
        assigned = clusterer.add_features(_features_of(clusterer, ordered))
        stories = [clusterer.story_of(s) for s in assigned]
        store.write_batch(articles, stories, clusterer.drain_changes(), clusterer.get_state(), clusterer.get_params())
        summary.new += len(batch)
        summary.batches += 1
        written_urls.update(batch_urls)
        written_hashes.update(batch_hashes)
        batch.clear()
        batch_urls.clear()
        batch_hashes.clear()
        if on_batch:
            on_batch(dataclasses.replace(summary, problems=list(summary.problems)))

    for item in items:
        if isinstance(item, InputProblem):
            summary.problems.append(item)
            continue
        if isinstance(item, PreparedArticle):
            pending.append((item.article, item.content_hash, item.features))
        else:
            pending.append((item, content_hash(item), None))
        summary.read += 1
        # Look repeats up in the store in chunks rather than one query per article.
        if len(pending) >= min(batch_size, 200):
            check_pending()
    check_pending()
    flush()
    return summary


def _features_of(clusterer: StoryClusterer, ordered: list[tuple[Article, ArticleFeatures | None]]) -> list[ArticleFeatures]:
    """The clustering features of each article: as prepared, else computed here (an
    article's features depend on it alone, so where they were made does not matter)."""
    missing = [i for i, (_, features) in enumerate(ordered) if features is None]
    made = iter(clusterer.features([ordered[i][0] for i in missing]) if missing else ())
    return [features if features is not None else next(made) for _, features in ordered]


_CHUNK = 64
_DONE = "done"


def _die_with(parent: int) -> None:
    """Have the kernel kill this process as soon as `parent` dies (Linux), so that a
    killed ingest never leaves its reading process running with the store open; a
    parent that died before this took effect is caught by the pid check."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pid checks below still stop it
        pass
    if os.getppid() != parent:
        os._exit(0)


def _produce(inputs: list, out, parent: int) -> None:
    """The reading process: send chunks of `_read` down `out`, then `_DONE`."""
    _die_with(parent)

    def put(message) -> None:
        while True:
            try:
                out.put(message, timeout=1)
                return
            except queues.Full:
                if os.getppid() != parent:  # the ingest process was killed: stop too
                    os._exit(0)

    try:
        chunk: list = []
        for item in _read(inputs):
            chunk.append(item)
            if len(chunk) == _CHUNK:
                put(chunk)
                chunk = []
        put(chunk)
        put(_DONE)
    except BaseException as error:  # noqa: BLE001 - hand it to the ingest process, which raises it
        put(("error", f"{type(error).__name__}: {error}"))


def _read_in_background(inputs: Iterable) -> Iterator[Article | InputProblem]:
    """`_read` run in a child process (same order), so reading overlaps clustering."""
    context = multiprocessing.get_context("fork")
    channel = context.Queue(maxsize=16)  # bounded: memory stays flat on a huge input
    producer = context.Process(target=_produce, args=(list(inputs), channel, os.getpid()), daemon=True)
    producer.start()
    try:
        while True:
            try:
                message = channel.get(timeout=5)
            except queues.Empty:
                if not producer.is_alive():
                    raise RuntimeError("the reading process ended unexpectedly") from None
                continue
            if message == _DONE:
                break
            if isinstance(message, tuple):
                raise RuntimeError(f"reading failed: {message[1]}")
            yield from message
    finally:
        if producer.is_alive():
            producer.kill()
        producer.join()

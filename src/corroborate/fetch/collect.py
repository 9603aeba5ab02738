"""Fetching into the store: new URLs fetched, read and ingested (clustered into
stories); stored ones fetched again only to catch changes after publication.

`Collector.add(urls)` fetches the URLs the store has not done yet, in chunks: each
chunk's fetches are recorded (`pending`), its articles ingested through the one
ingest path (store/ingest.py: duplicates skipped, stories assigned), and each
URL's outcome settled, in that order, so a run killed at any point and started
again fetches only what it had not stored (see store/fetched.py).

`Collector.recheck(revisits)` fetches stored articles' URLs again with their
validators (a 304 costs nothing), and when the cleaned text differs from the
latest version, stores it as the next version; a URL that now answers 404/410
records that the article was taken down.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..model import InputProblem, RawArticle
from ..store import Store, content_hash
from ..store import fetched as records
from .client import Fetcher
from .errors import FetchFailure
from .pages import Page, fetch_page, open_document, read_page
from .urls import normalise


@dataclass
class CollectSummary:
    """What one collection did; `problems` has one line per URL that gave nothing."""

    fetched: int = 0  # article URLs fetched (first time or again)
    new: int = 0  # articles stored
    duplicates: int = 0  # fetched, but the store had the text already
    unchanged: int = 0  # fetched again, same text
    changed: int = 0  # fetched again, new text: a new version
    gone: int = 0  # fetched again, taken down (404/410)
    skipped: int = 0  # already done, not fetched
    problems: list[InputProblem] = field(default_factory=list)
    stories: set[int] = field(default_factory=set)  # stories that gained an article or a version
    new_by_source: Counter = field(default_factory=Counter)  # via (feed URL) -> articles stored

    @property
    def usable(self) -> int:
        return self.new + self.duplicates + self.unchanged + self.changed + self.skipped


def _normal_forms(urls: Iterable[str], summary: CollectSummary) -> list[str]:
    """The URLs in normal form, each once, in order; a malformed one becomes a problem."""
    found: list[str] = []
    for url in urls:
        try:
            normal = normalise(url)
        except FetchFailure as failure:
            summary.problems.append(failure.problem())
            continue
        if normal not in found:
            found.append(normal)
    return found


class Stopped(Exception):
    """The collection was asked to stop (a signal); what was written stays written."""


class Collector:
    """Fetches into one store with one fetcher; `stop` (an Event) ends it between writes."""

    def __init__(
        self, store: Store, fetcher: Fetcher, batch_size: int = 20, stop: threading.Event | None = None,
        on_fetch: Callable[[str], None] | None = None,
    ) -> None:  # fmt: skip
        self.store = store
        self.fetcher = fetcher
        self.options = fetcher.options
        self.batch_size = batch_size
        self.stop = stop or threading.Event()
        self.on_fetch = on_fetch

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise Stopped

    def _pages(self, jobs: Sequence[tuple[str, str | None, tuple | None]]):
        """Fetch (url, via, validators) jobs concurrently; yield pages in order."""
        try:
            for page in self.fetcher.ordered(lambda job=job: fetch_page(self.fetcher, *job) for job in jobs):
                self._check_stop()
                if self.on_fetch:
                    self.on_fetch(page.url)
                yield page
        except concurrent.futures.CancelledError:
            raise Stopped from None

    # --- new URLs -------------------------------------------------------------------

    def add(self, urls: Iterable[str], via: str | dict[str, str] | None = None, summary: CollectSummary | None = None) -> CollectSummary:
        """Fetch, read and store the articles at `urls` that the store has not done.
        `via` names the feed that listed them (one for all, or per URL)."""
        summary = summary or CollectSummary()
        wanted = _normal_forms(urls, summary)
        done = records.done_urls(self.store, wanted)
        summary.skipped += len(done)
        todo = [url for url in wanted if url not in done]
        source_of = via if isinstance(via, dict) else dict.fromkeys(todo, via)
        chunk: list[Page] = []
        for page in self._pages([(url, source_of.get(url), None) for url in todo]):
            chunk.append(page)
            if len(chunk) >= self.batch_size:
                self._store_chunk(chunk, summary)
                chunk = []
        if chunk:
            self._store_chunk(chunk, summary)
        return summary

    def _store_chunk(self, pages: list[Page], summary: CollectSummary) -> None:
        from ..store.ingest import ingest

        self._check_stop()
        summary.fetched += len(pages)
        fetched = [p for p in pages if p.response is not None]
        records.record_fetches(
            self.store,
            [
                records.Fetch(p.url, p.response.final_url, p.response.fetched_at, p.via, *p.response.validators)
                for p in fetched
            ],
            self.options.revisit_after,
        )
        read: list[tuple[Page, RawArticle | InputProblem]] = [(p, read_page(p, self.options)) for p in pages]
        articles = [item for _, item in read if isinstance(item, RawArticle)]
        rejected: dict[str, str] = {}
        # Articles at these URLs before this chunk: those after it that were not are new.
        earlier = set(records.articles_at(self.store, [p.response.final_url for p in fetched]).values())
        if articles:
            self._check_stop()
            result = ingest(articles, self.store, batch_size=max(len(articles), 1), background=False)
            rejected = {problem.origin: problem.message for problem in result.problems}
        stored = records.articles_at(self.store, [p.response.final_url for p in fetched])
        new_ids = set(stored.values()) - earlier
        outcomes = []
        for page, item in read:
            if isinstance(item, InputProblem) or page.url in rejected:
                message = item.message if isinstance(item, InputProblem) else rejected[page.url]
                transient = page.failure is not None and page.failure.transient
                outcomes.append(records.Outcome(page.url, "failed" if transient else "problem", message=message))
                summary.problems.append(InputProblem(page.url, message))
            elif page.response.final_url in stored:
                outcomes.append(records.Outcome(page.url, "stored", stored[page.response.final_url]))
            else:
                outcomes.append(records.Outcome(page.url, "duplicate"))
                summary.duplicates += 1
        # One write: the outcomes of the chunk (its articles are already stored).
        records.settle(self.store, outcomes)
        counted: set[str] = set()
        for page, outcome in zip((p for p, _ in read), outcomes):
            if outcome.outcome == "stored" and outcome.article_id in new_ids and outcome.article_id not in counted:
                counted.add(outcome.article_id)
                summary.new += 1
                if page.via:
                    summary.new_by_source[page.via] += 1
        summary.stories |= self._stories_of(counted)

    def _stories_of(self, article_ids: Iterable[str]) -> set[int]:
        ids = list(article_ids)
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = self.store.connection.execute(f"SELECT DISTINCT story_id FROM memberships WHERE article_id IN ({marks})", ids)
        return {row[0] for row in rows}

    # --- stored URLs, again ---------------------------------------------------------------

    def recheck(self, revisits: Sequence[records.Revisit], summary: CollectSummary | None = None) -> CollectSummary:
        """Fetch stored articles' URLs again (conditional GET) and keep any new text as a version."""
        summary = summary or CollectSummary()
        jobs = [(r.url, None, (r.etag, r.last_modified, r.body_sha1)) for r in revisits]
        for revisit, page in zip(revisits, self._pages(jobs)):
            summary.fetched += 1
            self._recheck_one(revisit, page, summary)
        return summary

    def _recheck_one(self, revisit: records.Revisit, page: Page, summary: CollectSummary) -> None:
        from ..stories import iter_articles

        schedule = self.options.revisit_after
        at = page.response.fetched_at if page.response else dt.datetime.now(dt.UTC)
        if page.failure is not None:
            if page.failure.kind in ("not-found", "gone") and records.latest_version(self.store, revisit.article_id)[1]:
                records.add_version(self.store, revisit.article_id, at, revisit.final_url, "", "", "", gone=True)
                summary.gone += 1
                summary.stories |= self._stories_of([revisit.article_id])
            summary.problems.append(page.failure.problem())
            records.checked(self.store, revisit, at, schedule)
            return
        response = page.response
        if response.not_modified or response.body_sha1 == revisit.body_sha1:
            summary.unchanged += 1
            records.checked(self.store, revisit, at, schedule)
            return
        item = read_page(page, self.options)
        article = next(iter_articles([item]), None) if isinstance(item, RawArticle) else item
        if not article or isinstance(article, InputProblem):
            summary.problems.append(article or InputProblem(page.url, "no article text found"))
            records.checked(self.store, revisit, at, schedule, response.validators)
            return
        digest = content_hash(article)
        _, latest = records.latest_version(self.store, revisit.article_id)
        if digest == latest:
            summary.unchanged += 1
        else:
            records.add_version(self.store, revisit.article_id, at, response.final_url, article.title, article.text, digest)
            summary.changed += 1
            summary.stories |= self._stories_of([revisit.article_id])
        records.checked(self.store, revisit, at, schedule, response.validators)

    def collect(self, urls: Iterable[str], summary: CollectSummary | None = None) -> CollectSummary:
        """`corroborate ingest URL...`: each URL an article, a feed or a sitemap. An
        article the store has is checked for changes now; a feed's or sitemap's
        entries are fetched and stored unless the store has them."""
        summary = summary or CollectSummary()
        fresh: list[str] = []
        again: list[records.Revisit] = []
        for url in _normal_forms(urls, summary):
            record = records.fetch_record(self.store, url)
            (again if record else fresh).append(record or url)
        if again:
            self.recheck(again, summary)
        chunk: list[Page] = []
        try:
            for opened in self.fetcher.ordered(lambda url=url: open_document(self.fetcher, url) for url in fresh):
                self._check_stop()
                summary.problems += opened.problems
                chunk += opened.pages
                if opened.listing is not None or len(chunk) >= self.batch_size:
                    if chunk:
                        self._store_chunk(chunk, summary)
                    chunk = []
                if opened.listing is not None:
                    self.add(opened.entries, via=opened.url, summary=summary)
        except concurrent.futures.CancelledError:
            raise Stopped from None
        if chunk:
            self._store_chunk(chunk, summary)
        return summary

"""The background worker of `corroborate serve`: the one writer of the store.

Pages never run NLP and never write. A page that needs a brief the store has not
cached asks the worker for it and says the brief is being prepared; the worker
briefs the story (the library's `story_brief`, which caches the brief and its
summary in the store) and the next visit finds it. Uploaded articles are
ingested by the worker too, so there is one writer. When nobody is waiting it
briefs the stories that have no brief yet, largest first (`precompute_briefs`).

It runs in a child process (spawned, at a lower priority), so its NLP neither
holds the server's interpreter lock nor competes with pages for the first
core; tests run the same loop on a thread. Requests go down one queue and
events ("brief ready", "brief failed", job progress) come back on another.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue as queues
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

log = logging.getLogger(__name__)

STOP = ("stop",)
IDLE_POLL = 1.0  # seconds between looks for an unbriefed story when nothing is asked
RESTARTS = 3  # times a dead worker process is started again before giving up


@dataclass(frozen=True)
class Job:
    """An add-articles request and its progress, as the progress page shows it."""

    id: str
    files: tuple[str, ...]  # the names the files were uploaded under
    urls: tuple[str, ...] = ()  # web addresses to fetch
    not_fetched: tuple[tuple[str, str], ...] = ()  # (pasted line, why it was not fetched)
    state: str = "queued"  # queued | running | done | failed
    read: int = 0
    new: int = 0
    duplicates: int = 0
    problems: tuple[str, ...] = ()
    message: str = ""
    created: float = field(default_factory=time.time)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


# --- the loop (child process or thread) --------------------------------------------


def work(db_path: str, requests, events, precompute: bool, niceness: int = 0) -> None:
    """Serve requests until STOP: ("brief", story_id) and ("ingest", job_id, paths, urls, folder)."""
    from ..store import Store

    if niceness:
        try:
            os.nice(niceness)
        except OSError:  # not allowed here: run at the same priority
            pass
    store = Store(db_path)
    failed: set[tuple[int, str]] = set()  # (story, members hash) that could not be briefed
    try:
        while True:
            try:
                item = requests.get(timeout=IDLE_POLL if precompute else None)
            except queues.Empty:
                item = None
            if item == STOP:
                break
            if item is None:
                story_id = _next_unbriefed(store, failed)
                if story_id is None:
                    continue
                item = ("brief", story_id)
            if item[0] == "brief":
                _brief(store, item[1], events, failed)
            elif item[0] == "ingest":
                _ingest(store, *item[1:], events=events)
    finally:
        store.close()


def _members(store, story_id: int) -> str:
    from ..store.briefs import stored_brief_keys

    return stored_brief_keys(store, story_id)[0]


def _brief(store, story_id: int, events, failed: set) -> None:
    from ..store.briefs import NoSuchStory, story_brief

    members = _members(store, story_id)
    if (story_id, members) in failed:
        events.put(("brief", story_id, members, "failed", "could not be briefed (see the server log)"))
        return
    try:
        started = time.monotonic()
        story_brief(store, story_id)
        log.info("briefed story %s in %.1f s", story_id, time.monotonic() - started)
        events.put(("brief", story_id, members, "ready", ""))
    except NoSuchStory:
        events.put(("brief", story_id, members, "failed", "the story has no articles (merged into another?)"))
    except Exception as error:  # noqa: BLE001 - one story's failure must not stop the worker
        log.exception("story %s could not be briefed", story_id)
        failed.add((story_id, members))
        events.put(("brief", story_id, members, "failed", f"{type(error).__name__}: {error}"))


def _next_unbriefed(store, failed: set) -> int | None:
    """The largest (then newest) story with no brief yet that has not failed."""
    skip = {story for story, _ in failed}
    rows = store.connection.execute(
        "SELECT m.story_id FROM memberships m JOIN articles a ON a.id = m.article_id"
        " WHERE m.story_id NOT IN (SELECT story_id FROM story_summary)"
        " GROUP BY m.story_id ORDER BY COUNT(*) DESC, MAX(a.published) DESC, m.story_id LIMIT ?",
        (len(skip) + 1,),
    )
    return next((story for (story,) in rows if story not in skip), None)


def _ingest(store, job_id: str, paths: list[str], urls: list[str], folder: str, events) -> None:
    """Uploaded files through the one ingest path, then pasted URLs through the
    fetcher (fetch.collect: robots.txt, per-host turns, size limits, the archive
    beside the store), each with its progress."""
    from ..store.ingest import ingest

    events.put(("job", job_id, {"state": "running"}))
    totals = {"read": 0, "new": 0, "duplicates": 0, "problems": ()}

    def progress(summary) -> None:
        events.put(("job", job_id, {"read": summary.read, "new": summary.new, "duplicates": summary.duplicates}))

    try:
        if paths:
            summary = ingest(paths, store, batch_size=200, on_batch=progress, background=False)
            totals = {"read": summary.read, "new": summary.new, "duplicates": summary.duplicates,
                      "problems": tuple(str(p).replace(folder + os.sep, "") for p in summary.problems)}  # fmt: skip
            events.put(("job", job_id, totals))
        if urls:
            collected = _fetch(store, urls)
            totals = {
                "read": totals["read"] + collected.usable, "new": totals["new"] + collected.new,
                "duplicates": totals["duplicates"] + collected.duplicates + collected.skipped + collected.unchanged,
                "problems": totals["problems"] + tuple(str(p) for p in collected.problems),
            }  # fmt: skip
        events.put(("job", job_id, {"state": "done", **totals}))
    except Exception as error:  # noqa: BLE001 - reported on the job's page
        log.exception("ingest job %s failed", job_id)
        events.put(("job", job_id, {"state": "failed", "message": f"{type(error).__name__}: {error}"}))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _fetch(store, urls: list[str]):
    """Fetch URLs into the store as `corroborate ingest URL...` does."""
    from ..fetch.archive import Archive, default_path
    from ..fetch.client import Fetcher
    from ..fetch.collect import Collector
    from ..fetch.options import FetchOptions

    archive = Archive(default_path(Path(store.path)))
    try:
        with Fetcher(FetchOptions(), archive=archive) as fetcher:
            return Collector(store, fetcher).collect(urls)
    finally:
        archive.close()


# --- the server's side ---------------------------------------------------------------


class BriefWorker:
    """Starts the worker and keeps what it reported: which briefs are being
    prepared or failed, and every add-articles job."""

    def __init__(self, db_path: str | Path, precompute: bool = True, niceness: int = 10, in_thread: bool = False) -> None:
        self.db_path = str(db_path)
        self.precompute = precompute
        self.niceness = niceness
        self.in_thread = in_thread
        self._lock = threading.Lock()
        self._pending: set[int] = set()
        self._failed: dict[tuple[int, str], str] = {}
        self._jobs: dict[str, Job] = {}
        self._runner = None
        self._listener = None
        self._restarts = 0
        self._stopping = False

    # lifecycle
    def start(self) -> None:
        if self.in_thread:
            self._requests, self._events = queues.Queue(), queues.Queue()
            self._runner = threading.Thread(
                target=work, args=(self.db_path, self._requests, self._events, self.precompute), name="corroborate-worker", daemon=True
            )
        else:
            context = multiprocessing.get_context("spawn")  # the server has threads: never fork it
            self._requests, self._events = context.Queue(), context.Queue()
            self._runner = context.Process(
                target=work, args=(self.db_path, self._requests, self._events, self.precompute, self.niceness),
                name="corroborate-worker", daemon=True,
            )  # fmt: skip
        self._runner.start()
        if self._listener is None:
            self._listener = threading.Thread(target=self._listen, name="corroborate-worker-events", daemon=True)
            self._listener.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping = True
        if self._runner is None:
            return
        self._requests.put(STOP)
        self._runner.join(timeout)
        if not self.in_thread and self._runner.is_alive():
            self._runner.terminate()
            self._runner.join(timeout)

    def alive(self) -> bool:
        return self._runner is not None and self._runner.is_alive()

    def _ensure_running(self) -> None:
        if self.alive() or self._stopping or self._restarts >= RESTARTS:
            return
        log.warning("the background worker stopped (exit code %s); starting it again", getattr(self._runner, "exitcode", None))
        self._restarts += 1
        with self._lock:
            self._pending.clear()
        self.start()

    def _listen(self) -> None:
        while not self._stopping:
            try:
                event = self._events.get(timeout=0.5)
            except queues.Empty:
                continue
            except (EOFError, OSError):  # the queue was closed with the process
                return
            with self._lock:
                if event[0] == "brief":
                    _, story_id, members, state, message = event
                    self._pending.discard(story_id)
                    if state == "failed":
                        self._failed[(story_id, members)] = message
                elif event[0] == "job" and event[1] in self._jobs:
                    self._jobs[event[1]] = replace(self._jobs[event[1]], **event[2])

    # briefs
    def request_brief(self, story_id: int) -> None:
        """Ask for the story's brief (once: asking again while it is prepared does nothing)."""
        self._ensure_running()
        with self._lock:
            if story_id in self._pending:
                return
            self._pending.add(story_id)
        self._requests.put(("brief", story_id))

    def failure(self, story_id: int, members: str) -> str | None:
        """Why the story's brief (of these members) could not be made, if it failed."""
        with self._lock:
            return self._failed.get((story_id, members))

    # add-articles jobs
    def submit_ingest(self, folder: Path, paths: list[Path], names: list[str], urls: list[str], refused: list[tuple[str, str]]) -> Job:
        """Queue uploaded files (saved in `folder`, removed when done) and URLs to fetch;
        `refused` are pasted lines that are not web addresses, with the reason."""
        job = Job(id=uuid.uuid4().hex, files=tuple(names), urls=tuple(urls), not_fetched=tuple(refused))
        with self._lock:
            self._jobs[job.id] = job
        if paths or urls:
            self._ensure_running()
            self._requests.put(("ingest", job.id, [str(p) for p in paths], list(urls), str(folder)))
        else:
            shutil.rmtree(folder, ignore_errors=True)
            with self._lock:
                self._jobs[job.id] = replace(job, state="done", message="nothing to add")
        return self._jobs[job.id]

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

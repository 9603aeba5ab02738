"""Read-only connections for serving pages, one per thread, and time limits on queries.

Every page reads through a `ReadOnlyStore` (the file opened read-only, writes
refused), so serving can never change the store; the worker is the one writer.
A listing or search query runs under a deadline: SQLite calls the progress
handler every few thousand instructions, and a query past its deadline is
interrupted (`QueryTimeout`), so one expensive search cannot hold a thread.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..store.reading import ReadOnlyStore

# How many SQLite virtual-machine instructions run between two deadline checks (about
# 10,000 a millisecond here: a check every ~10 ms, against limits of seconds). Each check
# calls back into Python and so needs the interpreter lock, which a loaded server's other
# threads hold for up to 5 ms at a time: with a check a millisecond, one search in 20 of
# the load benchmark waited for the lock 6 or more times in the middle of its query.
_CHECK_EVERY = 100_000


class QueryTimeout(Exception):
    """A query ran past its time limit and was stopped."""


class Readers:
    """A read-only store per thread (sqlite3 connections are not shared across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._all: list[ReadOnlyStore] = []
        self._lock = threading.Lock()

    def store(self) -> ReadOnlyStore:
        store = getattr(self._local, "store", None)
        if store is None:
            store = ReadOnlyStore(self.path)
            self._local.store = store
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                with contextlib.suppress(sqlite3.Error):
                    store.close()
            self._all.clear()


@contextlib.contextmanager
def time_limit(connection: sqlite3.Connection, seconds: float) -> Iterator[None]:
    """Stop any query on `connection` once this thread has spent `seconds` of CPU
    from now. CPU, not the clock: on a busy server a cheap search waits for the
    interpreter lock and the cores, and that waiting must not make it fail (a
    search stopped after 2 s of wall-clock time was seen under load)."""
    deadline = time.thread_time() + seconds
    connection.set_progress_handler(lambda: 1 if time.thread_time() > deadline else 0, _CHECK_EVERY)
    try:
        yield
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error):
            raise QueryTimeout(f"the query took longer than {seconds:g} s and was stopped") from None
        raise
    finally:
        connection.set_progress_handler(None, _CHECK_EVERY)

"""The store's single-writer rule: one writer at a time, for its whole run.

An ingest run reads the clustering state when it starts and writes batch after
batch from it; two runs at once would both start from the same state, give out
the same story ids and overwrite each other's stories. So every writer holds
the store's writer lock from before it reads that state until it is done:

    with store.writer(wait=None, on_wait=say_waiting):
        ...  # read the state, write batches

A second writer waits for the first (`on_wait(holder)` tells it who it waits
for, once), or, when `wait` seconds pass first (0: at once), gets `StoreBusy`
naming the holder. The lock is an advisory `flock` on a file beside the store
(`news.db-writer`), so the kernel releases it when its holder dies, even by
SIGKILL: a crashed writer never leaves a store locked. The file holds the
holder's pid and command, for the messages. Readers take no lock (SQLite's WAL
mode lets them read while a batch is written).

Processes forked while the lock is held (the ingest's reading process) close
their copy of it at once: only the writer itself holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import StoreError

POLL_SECONDS = 0.2


class StoreBusy(StoreError):
    """Another process is writing to the store, and we would not (or could no longer) wait."""

    exit_code = 3  # README, "Exit codes"


@dataclass(frozen=True)
class Holder:
    """Who holds a store's writer lock, as its lock file says."""

    pid: int | None
    command: str

    def __str__(self) -> str:
        who = f"pid {self.pid}" if self.pid else "another process"
        return f"{who} ({self.command})" if self.command else who


def lock_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + "-writer")


# File descriptors of writer locks this process holds: a forked child closes them.
_HELD: set[int] = set()


def _close_inherited_locks() -> None:
    for descriptor in list(_HELD):
        try:
            os.close(descriptor)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_close_inherited_locks)


def _command() -> str:
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    words = [name if name not in ("__main__.py", "-c", "") else "corroborate", *sys.argv[1:2]]
    return " ".join(words)[:80]


class WriterLock:
    """The writer lock of the store at `store_path` (not re-entrant: see `writer_session`)."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        self.path = lock_path(store_path)
        self._descriptor: int | None = None

    def holder(self) -> Holder:
        try:
            first = self.path.read_text(encoding="utf-8", errors="replace").splitlines()[:1]
        except OSError:
            first = []
        pid_text, _, command = (first[0] if first else "").partition(" ")
        return Holder(int(pid_text) if pid_text.isdigit() else None, command.strip())

    def acquire(self, wait: float | None = None, on_wait: Callable[[Holder], None] | None = None) -> None:
        """Take the lock, waiting up to `wait` seconds (None: as long as it takes)."""
        descriptor = self._open()
        deadline = None if wait is None else time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = self.holder()
                if deadline is not None and time.monotonic() >= deadline:
                    os.close(descriptor)
                    waited = f" after waiting {wait:g} s" if wait else ""
                    raise StoreBusy(
                        f"{self.store_path}: {holder} is writing to this store{waited}; "
                        "run again when it is done (or give --wait SECONDS)"
                    ) from None
                if not told and on_wait is not None:
                    on_wait(holder)
                    told = True
                time.sleep(POLL_SECONDS if deadline is None else max(0.0, min(POLL_SECONDS, deadline - time.monotonic())))
        try:
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, f"{os.getpid()} {_command()}\n".encode(), 0)
        except OSError:  # a lock file we may only read: the lock holds, the message says less
            pass
        self._descriptor = descriptor
        _HELD.add(descriptor)

    def release(self) -> None:
        if self._descriptor is None:
            return
        descriptor, self._descriptor = self._descriptor, None
        _HELD.discard(descriptor)
        try:
            os.ftruncate(descriptor, 0)
        except OSError:
            pass
        os.close(descriptor)  # closing the only descriptor releases the flock

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError as error:
            if self.path.exists():
                try:  # another user's lock file: flock works on a read-only descriptor too
                    return os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
                except OSError:
                    pass
            raise StoreError(
                f"{self.store_path}: the store is read-only here (cannot create its lock file {self.path.name}: "
                f"{error.strerror or error}); it can be read, not changed"
            ) from None


@contextlib.contextmanager
def writer_session(store, wait: float | None = None, on_wait: Callable[[Holder], None] | None = None) -> Iterator:
    """`store.writer()`: hold the writer lock of `store` for the block (re-entrant for
    one store object), and fail early when the store cannot be written at all."""
    if store._writer is not None:
        yield store
        return
    if store.read_only:
        raise StoreError(f"{store.path}: the store is read-only here; it can be read, not changed")
    lock = WriterLock(store.path)
    lock.acquire(wait, on_wait)
    store._writer = lock
    try:
        store.check_writable()
        yield store
    finally:
        if store._writer is lock:
            store._writer = None
            lock.release()

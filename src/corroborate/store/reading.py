"""A store opened for reading only: what a web page or any other reader uses.

It cannot write (SQLite opens the file read-only and `query_only` refuses any
change), so a reader can never race the one writer or alter the store, and a
store file without write permission, or in a folder without it, can still be
read. It does not migrate: a store older than this code is refused with a
message saying how to update it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from . import BUSY_TIMEOUT_SECONDS, Store, StoreError, migrations


class ReadOnlyStore(Store):
    """`Store`'s reads over a read-only connection (its writes fail)."""

    read_only = True

    def __init__(self, path: str | Path, check_same_thread: bool = True) -> None:  # noqa: D107 - no migration here
        self.path = Path(path)
        if not self.path.is_file():
            raise StoreError(f"{self.path}: no such store")
        try:
            self.connection = _connect(self.path, check_same_thread)
            self.connection.execute("PRAGMA query_only=ON")
            known = len(migrations())
            if self.version != known:
                raise StoreError(
                    f"{self.path}: schema version {self.version}, this corroborate reads version {known}"
                    " (open it once with a command that writes, e.g. `corroborate ingest`, to update it)"
                )
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: cannot read as a corroborate store ({error})") from None


def _connect(path: Path, check_same_thread: bool) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=check_same_thread, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.OperationalError:
        # A WAL store in a folder this user cannot write: SQLite cannot make the
        # shared-memory file WAL readers need ("attempt to write a readonly database").
        # `immutable` reads the file as it is, which is right when nobody can be writing
        # it; a writer elsewhere (the file's owner) could show us a half-written batch,
        # so this is the last resort only.
        connection.close()
        return sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None, check_same_thread=check_same_thread)

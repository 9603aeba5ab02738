"""Whole pages kept until the store changes.

The same pages are asked for again and again (the home page, a story in the
news), and each costs milliseconds of Python that one interpreter can only do
one at a time. A GET page is therefore kept, whole, under its URL and the
store's *generation*; the generation moves on as soon as anything commits to
the store (the worker's briefs, an ingest), so a kept page is never older than
the store was when its request arrived.

The generation is SQLite's `PRAGMA data_version` on one read-only connection of
the event loop's thread: it changes whenever another connection has committed
since it was last asked. It is asked when a request arrives, before the page is
made, so a page kept under generation g was made from a store at least as new
as every commit that g stands for.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A response carrying this header is not kept (its state lives outside the store,
# such as a brief being prepared or that failed, or it sets a cookie).
NO_KEEP = b"x-corroborate-no-keep"


class PageCache:
    """ASGI middleware keeping whole 200 responses to GET requests."""

    def __init__(self, app: ASGIApp, db_path: Path, max_bytes: int, skip_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.db_path = Path(db_path)
        self.max_bytes = max_bytes
        self.skip_prefixes = skip_prefixes
        self._pages: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self._bytes = 0
        self._connection: sqlite3.Connection | None = None
        self._seen_version: int | None = None
        self.generation = 0
        self.hits = 0
        self.misses = 0

    def _store_generation(self) -> int:
        if self._connection is None:
            uri = f"file:{quote(str(self.db_path.resolve()))}?mode=ro"
            self._connection = sqlite3.connect(uri, uri=True, isolation_level=None)
        version = self._connection.execute("PRAGMA data_version").fetchone()[0]
        if version != self._seen_version:
            self._seen_version = version
            self.generation += 1
            self._pages.clear()  # every kept page is older than this commit
            self._bytes = 0
        return self.generation

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        generation = self._store_generation()
        # Pages read it (request.state.store_generation) to keep what they work out too.
        scope["state"] = {**scope.get("state", {}), "store_generation": generation}
        if self.max_bytes <= 0 or scope["method"] != "GET" or scope["path"].startswith(self.skip_prefixes):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""), _host(scope))
        kept = self._pages.get(key)
        if kept is not None and kept[0] == generation:
            self._pages.move_to_end(key)
            self.hits += 1
            await send({"type": "http.response.start", "status": 200, "headers": [*kept[1], (b"x-corroborate-page", b"kept")]})
            await send({"type": "http.response.body", "body": kept[2]})
            return
        self.misses += 1
        start: Message | None = None
        body: list[bytes] = []

        async def keeping_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keeping_send)
        if start is None or start["status"] != 200:
            return
        headers = list(start.get("headers", []))
        if any(name.lower() in (NO_KEEP, b"set-cookie") for name, _ in headers):
            return
        content = b"".join(body)
        if len(content) > self.max_bytes // 8 or generation != self.generation:
            return
        self._keep(key, (generation, headers, content))

    def _keep(self, key: tuple, entry: tuple[int, list, bytes]) -> None:
        old = self._pages.pop(key, None)
        if old is not None:
            self._bytes -= len(old[2])
        self._pages[key] = entry
        self._bytes += len(entry[2])
        while self._bytes > self.max_bytes and self._pages:
            _, dropped = self._pages.popitem(last=False)
            self._bytes -= len(dropped[2])


def _host(scope: Scope) -> bytes:
    for name, value in scope.get("headers", []):
        if name == b"host":
            return value
    return b""

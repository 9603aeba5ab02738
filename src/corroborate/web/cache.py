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

A story's or an article's page is kept with a fingerprint of the rows it was
made from (freshness.py): after a commit it is served again, without being made
again, if those rows are the same.

A kept page carries an ETag (a hash of its bytes, worked out once when it is
kept), so a browser that has it gets `304 Not Modified` and no body; one that
accepts gzip gets the page compressed, once, the first time one asks for it.
"""

from __future__ import annotations

import gzip
import hashlib
import sqlite3
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .freshness import fingerprint

# A response carrying this header is not kept (its state lives outside the store,
# such as a brief being prepared or that failed, or it sets a cookie).
NO_KEEP = b"x-corroborate-no-keep"
KEPT = (b"x-corroborate-page", b"kept")
VARY = (b"vary", b"Accept-Encoding")
TIMING = b"server-timing"
# Smaller pages are sent as they are: gzip's header and a round of compression cost
# more than the bytes it saves.
GZIP_FROM_BYTES = 1_400
GZIP_LEVEL = 6  # zlib's default: a 300 KB story page in about 3 ms, once per kept page
COMPRESSIBLE = (b"text/", b"application/json", b"image/svg+xml", b"application/javascript")


class KeptPage:
    """One kept response: its status line's headers, its bytes, their ETag, and the
    gzip of them once a client has asked for it."""

    __slots__ = ("generation", "headers", "body", "etag", "gzipped", "fingerprint")

    def __init__(self, generation: int, headers: list, body: bytes, fingerprint: bytes | None = None) -> None:
        self.generation = generation
        self.fingerprint = fingerprint  # of the rows it was made from (freshness.py), if it has one
        self.body = body
        self.etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
        # A Server-Timing header (timing.py) tells what making the page cost: a kept page cost nothing of that.
        self.headers = [*[(n, v) for n, v in headers if n.lower() not in (b"etag", b"vary", TIMING)], (b"etag", self.etag), VARY, KEPT]
        self.gzipped: bytes | None = None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")

    def compressible(self) -> bool:
        if len(self.body) < GZIP_FROM_BYTES:
            return False
        for name, value in self.headers:
            if name.lower() == b"content-encoding":
                return False
            if name.lower() == b"content-type" and not value.startswith(COMPRESSIBLE):
                return False
        return True


class PageCache:
    """ASGI middleware keeping whole 200 responses to GET requests."""

    def __init__(self, app: ASGIApp, db_path: Path, max_bytes: int, skip_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.db_path = Path(db_path)
        self.max_bytes = max_bytes
        self.skip_prefixes = skip_prefixes
        self._pages: OrderedDict[tuple, KeptPage] = OrderedDict()
        self._bytes = 0
        self._connection: sqlite3.Connection | None = None
        self._seen_version: int | None = None
        self.generation = 0
        self.hits = 0
        self.misses = 0
        self.revalidated = 0  # kept pages served again after a commit: their rows had not changed

    def _store_generation(self) -> int:
        if self._connection is None:
            uri = f"file:{quote(str(self.db_path.resolve()))}?mode=ro"
            self._connection = sqlite3.connect(uri, uri=True, isolation_level=None)
        version = self._connection.execute("PRAGMA data_version").fetchone()[0]
        if version != self._seen_version:
            self._seen_version = version
            self.generation += 1
            # Every kept page is older than this commit: those with a fingerprint stay
            # to be checked when asked for again, the others go.
            for key in [key for key, page in self._pages.items() if page.fingerprint is None]:
                self._bytes -= self._pages.pop(key).size
        return self.generation

    def _fingerprint(self, path: str) -> bytes | None:
        self._store_generation()  # opens the connection
        try:
            return fingerprint(self._connection, path)
        except sqlite3.Error:  # an older store's schema, a locked file: the page is made afresh
            return None

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
        before = None
        if kept is not None and kept.generation != generation and kept.fingerprint is not None:
            before = self._fingerprint(scope["path"])
            if before == kept.fingerprint:
                kept.generation = generation
                self.revalidated += 1
        if kept is not None and kept.generation == generation:
            self._pages.move_to_end(key)
            self.hits += 1
            await self._send_kept(kept, scope, send)
            return
        self.misses += 1
        if before is None:
            before = self._fingerprint(scope["path"])
        start: Message | None = None
        body: list[bytes] = []

        async def keeping_send(message: Message) -> None:
            # A whole response that may be kept (status 200, a Content-Length: not a
            # stream) is held until its last byte, so that it goes out with its ETag.
            nonlocal start
            if message["type"] == "http.response.start" and _keepable(message):
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            # The page was made from rows read after `before` and before `after`: when
            # the two are the same, so were the rows it was made from.
            now = self._store_generation()
            after = self._fingerprint(scope["path"]) if before is not None else None
            made_from = after if after == before else None
            page = KeptPage(now if made_from else generation, list(start.get("headers", [])), b"".join(body), made_from)
            if page.etag in _header_values(scope.get("headers", []), b"if-none-match"):
                await self._send_not_modified(page.headers[:-1], send)  # made again, the same bytes
            else:
                timing = [(n, v) for n, v in start.get("headers", []) if n.lower() == TIMING]
                await send({**start, "headers": page.headers[:-1] + timing})  # all but the KEPT mark
                await send({"type": "http.response.body", "body": page.body})
            if len(page.body) <= self.max_bytes // 8 and (made_from or generation == now):
                self._keep(key, page)

        await self.app(scope, receive, keeping_send)

    async def _send_kept(self, kept: KeptPage, scope: Scope, send: Send) -> None:
        request_headers = scope.get("headers", [])
        if kept.etag in _header_values(request_headers, b"if-none-match"):
            await self._send_not_modified(kept.headers, send)
            return
        body, headers = kept.body, kept.headers
        if b"gzip" in b",".join(_header_values(request_headers, b"accept-encoding")) and kept.compressible():
            if kept.gzipped is None:
                kept.gzipped = gzip.compress(kept.body, GZIP_LEVEL, mtime=0)
                self._bytes += len(kept.gzipped)
            body = kept.gzipped
            headers = [*[(n, v) for n, v in headers if n.lower() != b"content-length"],
                       (b"content-encoding", b"gzip"), (b"content-length", str(len(body)).encode())]  # fmt: skip
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _send_not_modified(self, headers: list, send: Send) -> None:
        headers = [(name, value) for name, value in headers if name.lower() not in (b"content-length", b"content-type")]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    def _keep(self, key: tuple, entry: KeptPage) -> None:
        old = self._pages.pop(key, None)
        if old is not None:
            self._bytes -= old.size
        self._pages[key] = entry
        self._bytes += entry.size
        while self._bytes > self.max_bytes and self._pages:
            _, dropped = self._pages.popitem(last=False)
            self._bytes -= dropped.size


def _keepable(start: Message) -> bool:
    if start["status"] != 200:
        return False
    names = {name.lower() for name, _ in start.get("headers", [])}
    return b"content-length" in names and not names & {NO_KEEP, b"set-cookie"}


def _header_values(headers: list, name: bytes) -> list[bytes]:
    """Every value a request sent for header `name`, split at commas (ETags, codings)."""
    return [part.strip().split(b";")[0].strip() for n, value in headers if n == name for part in value.split(b",")]


def _host(scope: Scope) -> bytes:
    for name, value in scope.get("headers", []):
        if name == b"host":
            return value
    return b""

"""The polite HTTP client: httpx on an event loop of its own, behind a plain API.

`Fetcher.get(url)` (a coroutine) fetches one URL: robots.txt first (per host,
cached), then a GET in the host's turn (`hosts.HostBoard`), retried with backoff
on 429 and 5xx (Retry-After honoured, also by every other request to that host),
redirects followed one hop at a time (each hop checked against robots.txt and
spaced like any request; a loop is named as one), connect/read timeouts from
httpx and a total timeout around each request, the body read up to a size limit
(also after decompression) and refused unread when its Content-Type is not one
we can use. TLS certificates are always verified, and the environment's proxy
settings are never read (`trust_env=False`): corroborate talks only to the hosts
it was asked to. Every response is archived when an `Archive` is given.

`Fetcher.ordered(jobs)` runs many such coroutines concurrently and hands their
results back in the order they were asked for, so that what a command reads
never depends on which server answered first.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import datetime as dt
import email.utils
import functools
import hashlib
import itertools
import ssl
import threading
import zlib
from collections.abc import Callable, Coroutine, Iterable, Iterator
from dataclasses import dataclass, field

import httpx

from .archive import Archive
from .errors import FetchFailure, for_status, from_network_error
from .hosts import HostBoard
from .options import FetchOptions
from .robots import MAX_ROBOTS_BYTES, RobotsCache
from .urls import normalise, origin, resolve

PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
    "application/x-rss+xml", "application/feed+json",
)  # fmt: skip
GZIP_TYPES = ("application/gzip", "application/x-gzip")  # compressed sitemaps (`sitemap.xml.gz`)
# A URL the user gave may be an article or a feed or a sitemap; some servers send
# feeds as text/plain. No Content-Type at all: the body decides.
DOCUMENT_TYPES = PAGE_TYPES + FEED_TYPES + GZIP_TYPES + ("text/plain",)
ANY_TYPE: tuple[str, ...] = ()

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# The body of an error or redirect answer is read this far (for the archive), no further.
ERROR_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class Response:
    """A usable answer: 2xx with its body, or 304 Not Modified (empty body)."""

    url: str  # the URL asked for, in normal form
    final_url: str  # where the redirects led
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes  # decoded (Content-Encoding undone)
    fetched_at: dt.datetime  # UTC, when the answer came
    redirects: tuple[str, ...] = ()
    tries: int = 1

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in (self.header("content-type") or "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'").lower()
        return None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def body_sha1(self) -> str:
        return hashlib.sha1(self.body).hexdigest()

    @property
    def validators(self) -> tuple[str | None, str | None, str | None]:
        """(ETag, Last-Modified, body hash): what a conditional GET asks with next time."""
        return self.header("etag"), self.header("last-modified"), self.body_sha1 if not self.not_modified else None


@dataclass
class _Answer:
    """One HTTP exchange, before redirects and statuses are judged."""

    url: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: dt.datetime
    tries: int = 1
    notes: dict = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The TLS settings of every fetcher: certificates verified against certifi's
    authorities, host names checked. Made once per process (loading the authorities
    takes 0.1-0.2 s)."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _text_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    """Headers as sent on the wire (original case, in order)."""
    return [(key.decode("latin-1"), value.decode("latin-1")) for key, value in headers.raw]


def retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds a Retry-After header asks for (delay-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _decompress(raw: bytes, encoding: str, limit: int, url: str) -> bytes:
    """The body with its Content-Encoding undone, refusing to grow past `limit`."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchFailure("bad-body", f"unreadable body (Content-Encoding {encoding} is not one we asked for)", url)
    # 47: gzip or zlib header; deflate is sometimes sent raw (-15), tried second.
    for wbits in ((47,) if encoding != "deflate" else (47, -15)):
        decompressor = zlib.decompressobj(wbits)
        try:
            out = decompressor.decompress(raw, limit + 1)
        except zlib.error:
            continue
        if len(out) > limit:
            raise FetchFailure("too-large", f"too large (more than {limit / 1e6:g} MB once decompressed)", url)
        return out
    raise FetchFailure("bad-body", f"unreadable body (broken {encoding} data)", url)


class Fetcher:
    """Polite fetching on a background event loop. Use as a context manager:

        with Fetcher(FetchOptions(contact="desk@example.org")) as fetcher:
            response = fetcher.fetch("https://example.org/news/1")
    """

    def __init__(
        self, options: FetchOptions | None = None, archive: Archive | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:  # fmt: skip
        self.options = options or FetchOptions()
        self.archive = archive
        self._loop = asyncio.new_event_loop()
        # Not a daemon: a program ending at once must not finalise under a half-done
        # import on this thread (see CONTRIBUTING, Threads); `close` ends it.
        self._thread = threading.Thread(target=self._loop.run_forever, name="corroborate-fetch")
        self._thread.start()
        self._closed = False
        self.run(self._start(transport))

    async def _start(self, transport) -> None:
        options = self.options
        self.hosts = HostBoard(options)
        self.robots = RobotsCache(options.robots_agent, options.robots_ttl)
        self.client = httpx.AsyncClient(
            headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(
                connect=options.connect_timeout, read=options.read_timeout, write=options.read_timeout, pool=None
            ),
            limits=httpx.Limits(max_connections=options.max_connections, max_keepalive_connections=options.max_connections),
            follow_redirects=False,  # one hop at a time: each is checked and spaced
            verify=_tls_context(),  # certificates always verified; never configurable
            trust_env=False,  # no proxy or certificate settings from the environment
            transport=transport,
        )
        self._timeouts = {"connect": options.connect_timeout, "read": options.read_timeout}
        self._tasks: set[asyncio.Future] = set()

    # --- the plain API ---------------------------------------------------------------

    def run(self, coroutine: Coroutine):
        """Run a coroutine on the fetcher's loop and wait for its result."""
        return self.submit(coroutine).result()

    def submit(self, coroutine: Coroutine) -> concurrent.futures.Future:
        if self._closed:
            coroutine.close()
            raise RuntimeError("the fetcher is closed")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def fetch(self, url: str, accept: tuple[str, ...] = DOCUMENT_TYPES, validators=None) -> Response:
        """Fetch one URL (see `get`); raises `FetchFailure`."""
        return self.run(self.get(url, accept, validators))

    def ordered(self, jobs: Iterable[Callable[[], Coroutine]], window: int = 64) -> Iterator:
        """Run the coroutines the `jobs` make, up to `window` at a time, and yield their
        results in the order of `jobs` (a job should return its failures, not raise them)."""
        jobs = iter(jobs)
        pending: collections.deque[concurrent.futures.Future] = collections.deque(
            self.submit(job()) for job in itertools.islice(jobs, window)
        )
        try:
            while pending:
                result = pending.popleft().result()
                following = next(jobs, None)
                if following is not None:
                    pending.append(self.submit(following()))
                yield result
        finally:
            for future in pending:
                future.cancel()

    def cancel(self) -> None:
        """Cancel every request in flight (a stop signal); safe from any thread."""
        if not self._closed:
            self._loop.call_soon_threadsafe(self._cancel_all)

    def _cancel_all(self) -> None:
        for task in asyncio.all_tasks(self._loop):
            task.cancel()

    def close(self) -> None:
        if self._closed:
            return
        try:
            self.run(self.client.aclose())
        finally:
            self._closed = True
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- one URL ---------------------------------------------------------------------

    async def get(
        self, url: str, accept: tuple[str, ...] = DOCUMENT_TYPES,
        validators: tuple[str | None, str | None, str | None] | None = None,
    ) -> Response:  # fmt: skip
        """Fetch `url` politely (robots.txt, the host's turn, retries, redirects).
        `validators` (ETag, Last-Modified, _) make it a conditional GET: an unchanged
        page comes back as a 304 `Response` with no body. Raises `FetchFailure`."""
        requested = normalise(url)
        chain = [requested]
        conditional = {}
        if validators and validators[0]:
            conditional["If-None-Match"] = validators[0]
        if validators and validators[1]:
            conditional["If-Modified-Since"] = validators[1]
        current = requested
        while True:
            host = origin(current)
            rules = await self.robots.check(current, host, self._robots_get)
            self.hosts.slow_down(host, rules.crawl_delay(self.options.robots_agent))
            answer = await self._with_retries(current, accept, conditional, self.options.max_body_bytes)
            if answer.status in REDIRECT_STATUSES and answer.header("location"):
                target = resolve(current, answer.header("location"))
                if target in chain:
                    hops = " -> ".join([*chain[chain.index(target) :], target])
                    raise FetchFailure("redirect-loop", f"redirect loop ({hops})", requested)
                if len(chain) > self.options.max_redirects:
                    raise FetchFailure("too-many-redirects", f"more than {self.options.max_redirects} redirects", requested)
                chain.append(target)
                current = target
                continue
            if answer.status == 304 or 200 <= answer.status < 300:
                return Response(
                    requested, current, answer.status, tuple(answer.headers), answer.body, answer.fetched_at,
                    tuple(chain[1:]), answer.tries,
                )  # fmt: skip
            failure = for_status(answer.status, answer.reason, requested, answer.tries)
            if answer.notes.get("wait"):
                failure = FetchFailure(
                    failure.kind, f"{failure.message}; it asked us to wait {answer.notes['wait']:.0f} s, more than "
                    f"the {self.options.max_retry_after:g} s we wait (max_retry_after)", requested, answer.status,
                )  # fmt: skip
            raise failure

    async def _robots_get(self, robots_url: str) -> tuple[int, bytes]:
        """A host's robots.txt: (status, body) after retries and up to 5 redirects (RFC 9309)."""
        current = robots_url
        for _ in range(5):
            answer = await self._with_retries(
                current, ANY_TYPE, {}, MAX_ROBOTS_BYTES, truncate=True, total=self.options.robots_timeout
            )
            if answer.status in REDIRECT_STATUSES and answer.header("location"):
                current = resolve(current, answer.header("location"))
                continue
            return answer.status, answer.body
        return 404, b""  # too many redirects: RFC 9309 treats it as "unavailable" (4xx)

    async def _with_retries(
        self, url: str, accept: tuple[str, ...], headers: dict, max_bytes: int, truncate: bool = False,
        total: float | None = None,
    ) -> _Answer:  # fmt: skip
        """One request in the host's turn, repeated on 429/5xx while retries last."""
        host = origin(url)
        for tries in itertools.count(1):
            try:
                async with self.hosts.turn(host, url):
                    answer = await self._once(url, accept, headers, max_bytes, truncate, total)
            except FetchFailure as failure:
                self.hosts.failed(host, failure)
                raise
            self.hosts.succeeded(host)
            answer.tries = tries
            if answer.status not in RETRY_STATUSES or tries > self.options.retries:
                return answer
            asked = retry_after(answer.header("retry-after"), answer.fetched_at)
            wait = asked if asked is not None else self.options.backoff * 2 ** (tries - 1)
            if wait > self.options.max_retry_after:
                answer.notes["wait"] = wait
                return answer
            self.hosts.push_back(host, wait)
        raise AssertionError("unreachable")

    async def _once(
        self, url: str, accept: tuple[str, ...], headers: dict, max_bytes: int, truncate: bool, total: float | None
    ) -> _Answer:
        total = total or self.options.total_timeout
        try:
            async with asyncio.timeout(total):
                async with self.client.stream("GET", url, headers=headers) as response:
                    return await self._read(url, response, accept, max_bytes, truncate)
        except TimeoutError:
            raise FetchFailure("timeout", f"timed out: no complete answer within {total:g} s", url) from None
        except httpx.TransportError as error:
            raise from_network_error(error, url, self._timeouts) from None
        except httpx.InvalidURL:
            raise FetchFailure("malformed-url", "malformed URL", url) from None

    async def _read(self, url: str, response: httpx.Response, accept, max_bytes: int, truncate: bool) -> _Answer:
        answer = _Answer(
            url, response.status_code, response.reason_phrase, _text_headers(response.headers), b"",
            dt.datetime.now(dt.UTC),
        )  # fmt: skip
        sent = [(k, v) for k, v in _text_headers(response.request.headers) if k.lower() != "host"]
        if answer.status >= 300 or answer.status < 200:
            answer.body = await self._read_raw(response, ERROR_BODY_BYTES, truncate=True)
            await self._archive(answer, sent, answer.body)
            return answer
        content_type = (answer.header("content-type") or "").split(";", 1)[0].strip().lower()
        if accept and content_type and content_type not in accept:
            await self._archive(answer, sent, b"", truncated="unspecified")
            raise FetchFailure("not-html", f"not an HTML page or feed (Content-Type: {content_type})", url)
        length = answer.header("content-length")
        limit_text = f"{max_bytes / 1e6:g} MB"
        if length and length.isdigit() and int(length) > max_bytes and not truncate:
            await self._archive(answer, sent, b"", truncated="length")
            raise FetchFailure("too-large", f"too large ({int(length) / 1e6:.1f} MB; the limit is {limit_text})", url)
        raw = await self._read_raw(response, max_bytes, truncate)
        if raw is None:
            await self._archive(answer, sent, b"", truncated="length")
            raise FetchFailure("too-large", f"too large (more than the {limit_text} limit)", url)
        await self._archive(answer, sent, raw)
        answer.body = _decompress(raw, answer.header("content-encoding") or "", max_bytes, url)
        return answer

    @staticmethod
    async def _read_raw(response: httpx.Response, limit: int, truncate: bool) -> bytes | None:
        """The body as sent, up to `limit` bytes: cut there when `truncate`, else None when longer."""
        chunks, size = [], 0
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if size > limit:
                if not truncate:
                    return None
                chunks.append(chunk[: len(chunk) - (size - limit)])
                break
            chunks.append(chunk)
        return b"".join(chunks)

    async def _archive(self, answer: _Answer, sent: list[tuple[str, str]], raw: bytes, truncated: str | None = None) -> None:
        if self.archive is None:
            return
        await asyncio.to_thread(
            self.archive.write, answer.url, answer.fetched_at, sent, answer.status, answer.reason, answer.headers, raw,
            truncated,
        )  # fmt: skip

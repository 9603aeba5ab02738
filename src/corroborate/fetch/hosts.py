"""Per-host politeness and the host scoreboard (Scrapy's download slots, Media Cloud's
habit of remembering hosts that are down).

Each host (scheme://host:port) gets one request at a time, and the next request
to it starts no sooner than `per_host_interval` seconds after the previous one
*finished*: measured from the end rather than the start, the spacing a server
sees can never be shorter than the interval, whatever the network delays.
A Retry-After or a robots.txt Crawl-delay pushes a host's next turn further out.
A host whose connections keep failing is skipped for `host_down_seconds`, so a
dead site costs one timeout per run instead of one per article.

Different hosts proceed concurrently (up to `max_connections` requests at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from .errors import FetchFailure
from .options import FetchOptions

# Failures that say the host itself is unreachable (not that one page is missing).
HOST_FAILURES = frozenset({"unknown-host", "refused", "timeout", "network", "tls"})


@dataclass
class HostState:
    """What the scoreboard knows of one host."""

    origin: str
    interval: float
    next_start: float = 0.0  # clock time before which no request may start
    requests: int = 0
    failures_in_a_row: int = 0
    down_until: float = 0.0
    last_error: str | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)


class HostBoard:
    """Turns for requests, per host; one board per fetcher (and its event loop)."""

    def __init__(self, options: FetchOptions, clock: Callable[[], float] = time.monotonic):
        self.options = options
        self.clock = clock
        self.hosts: dict[str, HostState] = {}
        self.connections = asyncio.Semaphore(options.max_connections)

    def host(self, origin: str) -> HostState:
        if origin not in self.hosts:
            self.hosts[origin] = HostState(origin, self.options.per_host_interval)
        return self.hosts[origin]

    @contextlib.asynccontextmanager
    async def turn(self, origin: str, url: str) -> AsyncIterator[HostState]:
        """Wait for the host's turn, then hold it (and one connection) for one request."""
        host = self.host(origin)
        async with host.lock:
            if host.down_until > self.clock():
                raise FetchFailure(
                    "host-down",
                    f"skipped: the host failed {host.failures_in_a_row} times in a row (last: {host.last_error})",
                    url,
                )
            # Sleep can wake a little early; loop until the interval has truly passed.
            while (wait := host.next_start - self.clock()) > 0:
                await asyncio.sleep(wait)
            try:
                async with self.connections:
                    host.requests += 1
                    yield host
            finally:
                host.next_start = max(host.next_start, self.clock() + host.interval)

    def push_back(self, origin: str, seconds: float) -> None:
        """No request to this host for `seconds` (a Retry-After, or a backoff)."""
        host = self.host(origin)
        host.next_start = max(host.next_start, self.clock() + seconds)

    def slow_down(self, origin: str, crawl_delay: float | None) -> None:
        """Honour a robots.txt Crawl-delay longer than our interval (up to `max_crawl_delay`)."""
        if crawl_delay:
            host = self.host(origin)
            host.interval = max(self.options.per_host_interval, min(float(crawl_delay), self.options.max_crawl_delay))

    def succeeded(self, origin: str) -> None:
        self.host(origin).failures_in_a_row = 0

    def failed(self, origin: str, failure: FetchFailure) -> None:
        """Count a failure against the host if it says the host is unreachable."""
        if failure.kind not in HOST_FAILURES:
            return
        host = self.host(origin)
        host.failures_in_a_row += 1
        host.last_error = failure.message
        if host.failures_in_a_row >= self.options.host_failures_to_skip:
            host.down_until = self.clock() + self.options.host_down_seconds

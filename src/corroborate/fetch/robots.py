"""robots.txt (RFC 9309), parsed by protego, fetched once per host and kept for a while.

What a host's answer means, as the RFC says:
- 2xx: the rules in the file (matched against the agent name `corroborate`);
- 4xx (no file, or none for us): everything may be fetched;
- 5xx after retries, or a robots.txt that cannot be reached for another reason:
  nothing may be fetched for now ("unreachable" is treated as complete disallow).
A host that cannot be reached at all fails its pages with the network error itself
(refused, unknown host ...), which tells the user more than "robots.txt unreachable".
A Crawl-delay longer than our interval slows our requests to that host.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .errors import FetchFailure
from .hosts import HOST_FAILURES

# Google reads the first 500 KiB of a robots.txt; so do we.
MAX_ROBOTS_BYTES = 500 * 1024


@dataclass(frozen=True)
class Rules:
    """One host's robots.txt, as far as we are concerned."""

    parser: object | None  # protego.Protego, or None for "no rules" / "unreachable"
    allow_all: bool
    reason: str = ""  # why nothing may be fetched, when not allow_all and no parser
    expires: float = 0.0

    def allows(self, url: str, agent: str) -> bool:
        if self.parser is not None:
            return self.parser.can_fetch(url, agent)
        return self.allow_all

    def crawl_delay(self, agent: str) -> float | None:
        return self.parser.crawl_delay(agent) if self.parser is not None else None


# fetch(robots_url) -> (status, body) after retries and redirects; raises FetchFailure
# only when no answer came (network errors, timeouts)
RobotsGetter = Callable[[str], Awaitable[tuple[int, bytes]]]


class RobotsCache:
    """robots.txt rules per origin, fetched once (concurrent askers wait for the one fetch)."""

    def __init__(self, agent: str, ttl: float, clock: Callable[[], float] = time.monotonic):
        self.agent = agent
        self.ttl = ttl
        self.clock = clock
        self._rules: dict[str, Rules] = {}
        self._pending: dict[str, asyncio.Future] = {}

    async def rules(self, origin: str, get: RobotsGetter) -> Rules:
        cached = self._rules.get(origin)
        if cached is not None and cached.expires > self.clock():
            return cached
        if origin in self._pending:
            return await asyncio.shield(self._pending[origin])
        future = asyncio.get_running_loop().create_future()
        self._pending[origin] = future
        try:
            rules = await self._fetch(origin, get)
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved here, so an unawaited future logs nothing
            raise
        finally:
            self._pending.pop(origin, None)
        self._rules[origin] = rules
        future.set_result(rules)
        return rules

    async def _fetch(self, origin: str, get: RobotsGetter) -> Rules:
        from protego import Protego

        expires = self.clock() + self.ttl
        try:
            status, body = await get(origin + "/robots.txt")
        except FetchFailure as failure:
            if failure.kind in HOST_FAILURES or failure.kind == "host-down":
                raise  # the host is unreachable: the page's own failure says so
            return Rules(None, allow_all=False, reason=f"robots.txt unreachable ({failure.message})", expires=expires)
        if 400 <= status < 500:
            return Rules(None, allow_all=True, expires=expires)
        if not 200 <= status < 300:
            return Rules(None, allow_all=False, reason=f"robots.txt unreachable (HTTP {status})", expires=expires)
        try:
            return Rules(Protego.parse(body.decode("utf-8", "replace")), allow_all=False, expires=expires)
        except Exception:  # noqa: BLE001 - a file protego cannot parse has no rules we could follow
            return Rules(None, allow_all=True, expires=expires)

    async def check(self, url: str, origin: str, get: RobotsGetter) -> Rules:
        """The host's rules; raises `FetchFailure("robots")` when they forbid `url`
        (and the host's own failure, named for `url`, when it cannot be reached)."""
        try:
            rules = await self.rules(origin, get)
        except FetchFailure as failure:
            raise FetchFailure(failure.kind, failure.message, url, failure.status) from None
        if rules.parser is None and not rules.allow_all:
            raise FetchFailure("robots-unreachable", f"not fetched: {rules.reason}", url)
        if not rules.allows(url, self.agent):
            raise FetchFailure("robots", "not fetched: robots.txt disallows it", url)
        return rules

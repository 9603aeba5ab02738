"""The fetcher's settings: politeness, limits, timeouts, revisits; every field documented.

`corroborate settings` lists them beside the brief's settings, and any of them can
be changed for one run with `--set NAME=VALUE` on the commands that fetch. Tests
and benchmarks shorten the intervals and timeouts through the same object.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .. import __version__
from ..config import setting

# Where the tool says who runs it (RFC 9110 "product (comment)"); site owners read this.
CONTACT_VARIABLE = "CORROBORATE_CONTACT"


@dataclass(frozen=True)
class FetchOptions:
    contact: str | None = setting(
        None,
        "URL or e-mail address put in the User-Agent so that site owners can reach whoever runs "
        f"corroborate (default: the {CONTACT_VARIABLE} environment variable).",
    )
    per_host_interval: float = setting(
        3.0, "Seconds between the starts of two requests to one host (a robots.txt Crawl-delay may lengthen it)."
    )
    max_connections: int = setting(8, "Requests in flight at once, across all hosts (one at a time per host).")
    connect_timeout: float = setting(10.0, "Seconds to wait for a connection.")
    read_timeout: float = setting(20.0, "Seconds to wait for the next bytes of a response.")
    total_timeout: float = setting(60.0, "Seconds one request may take in all, body included.")
    max_body_bytes: int = setting(10_000_000, "Largest response body read (after decompression), in bytes.")
    max_redirects: int = setting(5, "Redirects followed before giving up.")
    retries: int = setting(3, "Retries of a request answered 429 or 5xx.")
    backoff: float = setting(2.0, "Seconds before the first retry when the server gives no Retry-After; doubled each retry.")
    max_retry_after: float = setting(300.0, "Longest Retry-After honoured; a server asking for longer is given up on.")
    robots_timeout: float = setting(10.0, "Seconds to wait for a host's robots.txt (total).")
    robots_ttl: float = setting(86400.0, "Seconds a host's robots.txt is kept before it is fetched again.")
    max_crawl_delay: float = setting(60.0, "Longest robots.txt Crawl-delay honoured (a longer one counts as this).")
    host_failures_to_skip: int = setting(
        3, "Connection failures (refused, timeout, unknown host) in a row after which a host is skipped for a while."
    )
    host_down_seconds: float = setting(600.0, "Seconds a host that keeps failing is skipped.")
    max_feed_entries: int = setting(200, "Most articles fetched from one feed or sitemap (the first ones it lists).")
    paywall_max_words: int = setting(
        250, "A page with a subscription prompt and fewer words of article text than this is a paywall teaser."
    )
    revisit_after: tuple[float, ...] = setting(
        (3600.0, 21600.0, 86400.0, 259200.0),
        "`corroborate watch` fetches a stored article again this many seconds after it was first "
        "fetched (one check per value) to catch changes after publication; empty: never.",
    )

    def __post_init__(self) -> None:
        # `--set revisit_after=60,3600` arrives as strings.
        object.__setattr__(self, "revisit_after", tuple(float(value) for value in self.revisit_after))

    @property
    def user_agent(self) -> str:
        """An honest User-Agent: the tool, its version, and how to reach whoever runs it."""
        contact = self.contact or os.environ.get(CONTACT_VARIABLE, "").strip()
        comment = f"+{contact}" if contact else "news brief tool; no contact set"
        return f"corroborate/{__version__} ({comment})"

    # The name robots.txt rules are matched against.
    robots_agent = "corroborate"

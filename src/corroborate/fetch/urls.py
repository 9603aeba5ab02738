"""URLs: which inputs are URLs, one normal form for each (courlan), and their host.

A URL is stored, compared and looked up in its normal form (lower-case scheme
and host, default port dropped, tracking parameters such as `utm_*` removed,
query sorted, fragment dropped: a fragment is never sent to the server), so the
same article listed by two feeds with different tracking tails is fetched once.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from .errors import FetchFailure

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_INLINE_COMMENT = re.compile(r"\s#")


def is_url(text: str) -> bool:
    """Whether a command-line input is meant as a URL (it has a scheme) rather than a path."""
    return bool(_SCHEME.match(text.strip()))


def normalise(url: str) -> str:
    """The normal form of an http(s) URL; raises `FetchFailure("malformed-url")` for anything else."""
    from courlan import normalize_url

    text = url.strip()
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        raise FetchFailure("malformed-url", "malformed URL", url) from None
    if not parts.scheme:
        raise FetchFailure("malformed-url", "malformed URL (it does not start with http:// or https://)", url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchFailure("malformed-url", f"malformed URL (only http and https are fetched, not {parts.scheme})", url)
    if not parts.hostname or not port_ok or any(ch.isspace() for ch in text):
        raise FetchFailure("malformed-url", "malformed URL", url)
    normal = normalize_url(text.split("#", 1)[0])
    return normal if normal.count("/") > 2 else normal + "/"


def origin(url: str) -> str:
    """scheme://host[:port]: what robots.txt rules and per-host limits are kept for."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def resolve(base: str, location: str) -> str:
    """An absolute, normal URL for a redirect's Location (which may be relative)."""
    return normalise(urljoin(base, location.strip()))


def read_url_list(text: str) -> list[tuple[int, str]]:
    """The URLs of a `--urls` / `--feeds` file: one per line, `#` starts a comment;
    each with its line number (the rest of a line after the URL is kept for the caller)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        # A comment starts a line or follows white space; a '#' inside a URL is its fragment.
        content = "" if line.lstrip().startswith("#") else _INLINE_COMMENT.split(line, 1)[0].strip()
        if content:
            found.append((number, content))
    return found

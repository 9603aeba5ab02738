"""Live sources: fetch articles, feeds and sitemaps politely, keep what was read.

One concern per module:

| module       | what it does                                                                 |
|--------------|------------------------------------------------------------------------------|
| options.py   | `FetchOptions`: politeness, limits, timeouts, revisits (every field documented) |
| urls.py      | which inputs are URLs; one normal form per URL (courlan); hosts              |
| errors.py    | `FetchFailure`: one kind and one line per way a URL can fail                 |
| hosts.py     | per-host turns (rate limit, Retry-After, Crawl-delay) and the host scoreboard |
| robots.py    | robots.txt per host (protego), fetched once and kept                         |
| client.py    | `Fetcher`: httpx with retries, timeouts, size and type limits, redirects     |
| archive.py   | `Archive`: every response kept in a WARC file, safe against being killed     |
| feeds.py     | RSS/Atom feeds and sitemaps: the article URLs they list                      |
| paywall.py   | paywall teasers recognised (never briefed as the article)                    |
| pages.py     | URLs to articles: feeds opened into pages, pages read through the HTML path  |
| collect.py   | fetching into the store: new articles ingested, changed ones versioned       |
| watch.py     | `corroborate watch`: feeds polled on their own schedules, round after round  |

Conditional GET is ours, not a cache library's: the validators (ETag,
Last-Modified, a hash of the body) of every fetched URL and followed feed are
kept in the store (store/fetched.py, store/feeds.py), so a restart keeps them
and an unchanged feed costs one 304 or one hash.
"""

# Imported on first use, so that reading a setting (`FetchOptions`) does not load httpx.
_EXPORTS = {
    "Fetcher": "client",
    "Response": "client",
    "FetchFailure": "errors",
    "FetchOptions": "options",
    "is_url": "urls",
    "normalise": "urls",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(name)
    from importlib import import_module

    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)

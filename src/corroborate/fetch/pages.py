"""From URLs to articles: fetch each URL, open a feed or sitemap into its entries'
pages, and read every page through the HTML path we have (`ingest.html.parse_html`).

`open_url` (a coroutine) gives the pages one URL stands for: itself when it is a
page, its entries' pages when it is a feed or a sitemap (a sitemap index: its
sitemaps' entries). `read_page` turns a fetched page into a `RawArticle`, or an
`InputProblem` naming the URL (a paywall teaser, a page without article text).
`with_urls_fetched` is what the commands use: their inputs with every URL
replaced by what it gave, in input order.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..model import InputProblem, RawArticle
from .client import DOCUMENT_TYPES, PAGE_TYPES, Fetcher, Response
from .errors import FetchFailure
from .feeds import Listing, kind_of, listing, unzip
from .options import FetchOptions
from .paywall import paywall_reason
from .urls import is_url, normalise

# Sitemap indexes list sitemaps; sitemaps of sitemaps are not followed further.
_MAX_SITEMAPS = 20


@dataclass(frozen=True)
class Page:
    """One article URL after fetching: its response, or why there is none."""

    url: str  # as asked, in normal form when it has one
    response: Response | None = None
    failure: FetchFailure | None = None
    via: str | None = None  # the feed or sitemap that listed it


@dataclass(frozen=True)
class Opened:
    """What one input URL stands for: a page (`pages`), or a feed or sitemap (`listing`)
    with the URLs of its entries (`entries`), and problems to report."""

    url: str
    pages: tuple[Page, ...] = ()
    problems: tuple[InputProblem, ...] = ()
    listing: Listing | None = None
    entries: tuple[str, ...] = ()


async def fetch_page(fetcher: Fetcher, url: str, via: str | None = None, validators=None) -> Page:
    """One article page (HTML only); its failure is returned, not raised."""
    try:
        return Page(url, await fetcher.get(url, PAGE_TYPES, validators), via=via)
    except FetchFailure as failure:
        return Page(url, failure=failure, via=via)


def entry_urls(listed: Listing, source: str, limit: int) -> tuple[list[str], list[InputProblem]]:
    """A listing's entry URLs in normal form, each once, at most `limit`, and what was left out."""
    urls: list[str] = []
    problems: list[InputProblem] = []
    for entry in listed.entries:
        try:
            url = normalise(entry.url)
        except FetchFailure as failure:
            problems.append(InputProblem(f"{source}: entry {entry.url}", failure.message))
            continue
        if url not in urls:
            urls.append(url)
    if len(urls) > limit:
        problems.append(
            InputProblem(source, f"lists {len(urls)} articles; only the first {limit} fetched (max_feed_entries)")
        )
        urls = urls[:limit]
    return urls, problems


async def read_listing(fetcher: Fetcher, url: str, response: Response) -> Listing | None:
    """The listing a fetched document is (a sitemap index read into its sitemaps'
    entries), or None when it is a page; raises `FetchFailure` for a broken one."""
    body = unzip(response.body, fetcher.options.max_body_bytes)
    kind = kind_of(body)
    if kind not in ("feed", "sitemap", "sitemap-index"):
        return None
    listed = listing(body, url)
    if listed.kind != "sitemap-index":
        return listed
    entries = []
    for child in listed.entries[:_MAX_SITEMAPS]:
        try:
            child_response = await fetcher.get(child.url, DOCUMENT_TYPES)
            entries += listing(unzip(child_response.body, fetcher.options.max_body_bytes), child.url).entries
        except FetchFailure:
            continue  # one broken sitemap of an index does not spoil the others
        if len(entries) >= fetcher.options.max_feed_entries:
            break
    return Listing("sitemap", listed.title, tuple(entries))


async def open_document(fetcher: Fetcher, url: str) -> Opened:
    """One input URL fetched: the page it is, or the listing it is with its entries'
    URLs (not fetched yet); a failure comes back as a problem."""
    try:
        url = normalise(url)
        response = await fetcher.get(url, DOCUMENT_TYPES)
        listed = await read_listing(fetcher, url, response)
    except FetchFailure as failure:
        return Opened(url, problems=(failure.problem(),))
    if listed is None:
        if response.content_type not in PAGE_TYPES and kind_of(response.body) != "html":
            failure = FetchFailure("not-html", f"not an HTML page or feed (Content-Type: {response.content_type})", url)
            return Opened(url, problems=(failure.problem(),))
        return Opened(url, pages=(Page(url, response),))
    urls, problems = entry_urls(listed, url, fetcher.options.max_feed_entries)
    if not listed.entries:
        problems.append(InputProblem(url, f"the {listed.kind} lists no articles"))
    return Opened(url, problems=tuple(problems), listing=listed, entries=tuple(urls))


async def open_url(fetcher: Fetcher, url: str) -> Opened:
    """The pages one input URL stands for: itself, or its entries' pages, fetched."""
    opened = await open_document(fetcher, url)
    if opened.listing is None:
        return opened
    pages = await asyncio.gather(*(fetch_page(fetcher, entry, via=opened.url) for entry in opened.entries))
    return dataclasses.replace(opened, pages=tuple(pages))


_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252"}


def page_text(response: Response) -> str | bytes:
    """The page as text when its Content-Type names a charset that decodes it (a
    byte-order mark comes first, as browsers do); else its bytes, for the HTML
    reader to decode from the page's own <meta charset> or by detection."""
    body = response.body
    if body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return body
    charset = response.charset
    if charset:
        try:
            return body.decode(_WHATWG_ALIASES.get(charset, charset))
        except (LookupError, UnicodeDecodeError):
            pass
    return body


def read_page(page: Page, options: FetchOptions) -> RawArticle | InputProblem:
    """The article on a fetched page, or an InputProblem naming its URL."""
    from ..ingest.html import parse_html

    if page.failure is not None:
        return page.failure.problem()
    response = page.response
    html = page_text(response)
    result = parse_html(html, page.url, url=response.final_url)
    words = len(result.text.split()) if isinstance(result, RawArticle) else 0
    as_text = html if isinstance(html, str) else html.decode("utf-8", "replace")
    reason = paywall_reason(as_text, words, options.paywall_max_words)
    if reason:
        return InputProblem(page.url, reason)
    return result


def with_urls_fetched(inputs: Iterable, fetcher: Fetcher) -> Iterator:
    """`inputs` with every URL (a string with a scheme) replaced by the articles and
    problems it gave, in input order; paths and article objects pass unchanged."""

    async def passing(item):
        return item

    def job(item):
        if isinstance(item, str) and is_url(item):
            return lambda: open_url(fetcher, item)
        return lambda: passing(item)

    for result in fetcher.ordered(job(item) for item in inputs):
        if not isinstance(result, Opened):
            yield result
            continue
        yield from result.problems
        for page in result.pages:
            yield read_page(page, fetcher.options)

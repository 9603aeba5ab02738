"""Feeds and sitemaps: what a fetched document lists, so each entry's article can be fetched.

`kind_of(body)` tells an RSS/Atom feed, a sitemap, a sitemap index and an HTML
page apart by the document's root element (the Content-Type is often wrong:
feeds come as text/html or text/plain). `listing(body, url)` reads the entries:
feeds with feedparser (given a stream, so that nothing in a document can make it
open a URL or a file), sitemaps with lxml (entities not resolved, no network).
Entries keep the document's order for feeds (newest first, by convention);
sitemap entries are ordered newest first by their dates, then by URL, so the
result never depends on how the file happened to be written.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zlib
from dataclasses import dataclass

from .errors import FetchFailure

_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_ROOT = re.compile(rb"<\s*([A-Za-z_][\w.-]*:)?(urlset|sitemapindex|html)[\s>]", re.IGNORECASE)
_DOCTYPE_HTML = re.compile(rb"<!doctype\s+html", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """One article (or, in a sitemap index, one sitemap) a listing names."""

    url: str
    title: str | None = None
    published: dt.datetime | None = None


@dataclass(frozen=True)
class Listing:
    kind: str  # feed | sitemap | sitemap-index
    title: str | None
    entries: tuple[Entry, ...]


def unzip(body: bytes, limit: int) -> bytes:
    """A gzip-compressed document (`sitemap.xml.gz`), decompressed up to `limit` bytes."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        return zlib.decompressobj(31).decompress(body, limit)
    except zlib.error:
        return body


def kind_of(body: bytes) -> str:
    """feed | sitemap | sitemap-index | html | other, from the document's first element
    (the earliest root-like tag: a feed may quote HTML further on, and a page may
    mention a feed)."""
    head = body[:4096]
    found = []
    feed = _FEED_ROOT.search(head)
    if feed:
        found.append((feed.start(), "feed"))
    root = _ROOT.search(head)
    if root:
        kind = {b"urlset": "sitemap", b"sitemapindex": "sitemap-index"}.get(root.group(2).lower(), "html")
        found.append((root.start(), kind))
    doctype = _DOCTYPE_HTML.search(head)
    if doctype:
        found.append((doctype.start(), "html"))
    return min(found)[1] if found else "other"


def _feed_time(entry) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return dt.datetime(*value[:6], tzinfo=dt.UTC)
    return None


def _feed(body: bytes, url: str) -> Listing:
    import feedparser

    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": url})
    if not parsed.entries and parsed.get("bozo") and not parsed.get("version"):
        reason = type(parsed.get("bozo_exception")).__name__
        raise FetchFailure("bad-feed", f"not a readable RSS/Atom feed ({reason})", url)
    entries = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (item.get("href") for item in entry.get("links", []) if item.get("rel", "alternate") == "alternate"), None
        )
        if link:
            entries.append(Entry(link.strip(), (entry.get("title") or "").strip() or None, _feed_time(entry)))
    return Listing("feed", (parsed.feed.get("title") or "").strip() or None, tuple(entries))


def _iso_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _sitemap(body: bytes, url: str) -> Listing:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as error:
        raise FetchFailure("bad-feed", f"not a readable sitemap ({error})", url) from None
    if root is None:
        raise FetchFailure("bad-feed", "not a readable sitemap (no XML in it)", url)
    kind = "sitemap-index" if _local(root.tag) == "sitemapindex" else "sitemap"
    entries = []
    for item in root:
        if _local(item.tag) not in ("url", "sitemap"):
            continue
        fields: dict[str, str] = {}
        for child in item.iter():
            name = _local(child.tag)
            if name in ("loc", "lastmod", "publication_date", "title") and child.text and name not in fields:
                fields[name] = child.text.strip()
        if fields.get("loc"):
            when = _iso_time(fields.get("publication_date")) or _iso_time(fields.get("lastmod"))
            entries.append(Entry(fields["loc"], fields.get("title"), when))
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    entries.sort(key=lambda e: e.url)
    entries.sort(key=lambda e: e.published or oldest, reverse=True)
    return Listing(kind, None, tuple(entries))


def listing(body: bytes, url: str) -> Listing:
    """The entries of a feed or sitemap; raises `FetchFailure` when it is neither readable."""
    kind = kind_of(body)
    if kind == "feed":
        return _feed(body, url)
    if kind in ("sitemap", "sitemap-index"):
        return _sitemap(body, url)
    raise FetchFailure("bad-feed", "not an RSS/Atom feed or sitemap", url)


__all__ = ["Entry", "Listing", "kind_of", "listing", "unzip"]

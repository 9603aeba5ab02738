"""RSS and Atom feeds (feedparser): one article per entry.

The body is the entry's full content (`content:encoded`, Atom `content`) when
present, else its summary, turned from HTML into text; the feed's own title
names the outlet. Entries carry no text of their own beyond that, so a feed
of bare headlines gives short articles; an entry with no text is a problem.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path

from ..model import InputProblem, RawArticle
from .decode import read_text
from .fields import html_fragment_to_text, looks_like_html

_FEED_ROOT = re.compile(r"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)


def is_feed(path: Path) -> bool:
    """Whether an `.xml` file is an RSS/Atom feed (its root element says so)."""
    from .decode import UnreadableInput
    from .files import open_binary

    try:
        with open_binary(path) as handle:
            head = handle.read(4096)
    except (OSError, EOFError, UnreadableInput):
        return False
    return bool(_FEED_ROOT.search(head.decode("latin-1")))


def _date(entry) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value: time.struct_time | None = entry.get(key)
        if value:
            return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
    return None


def _body(entry) -> str:
    candidates = [part for part in entry.get("content", []) if part.get("value")]
    if candidates:
        # An entry may give several versions (plain and HTML): take the fullest.
        value = max(candidates, key=lambda part: len(part["value"]))["value"]
    else:
        value = entry.get("summary", "") or ""
    return html_fragment_to_text(value) if looks_like_html(value) else value.strip()


_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _valid_references(document: str) -> str:
    """Character references to no character ("&#xD800;", "&#0;", past U+10FFFF) become
    U+FFFD: feedparser turns them into strings it then cannot encode, and fails."""

    def checked(match: re.Match[str]) -> str:
        point = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        return match.group(0) if 0 < point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF else "\ufffd"

    return _REFERENCE.sub(checked, document)


def read(path: Path) -> Iterator[RawArticle | InputProblem]:
    import feedparser  # loaded on the first feed

    document = read_text(path, repair_text=False)
    if not document.lstrip().startswith("<"):
        # feedparser treats a string that is not markup as a URL or a file path and
        # opens it: a file's content must never make us fetch or read anything else.
        yield InputProblem(str(path), "not an RSS/Atom feed (no XML in the file)")
        return
    try:
        parsed = feedparser.parse(_valid_references(document))
    except (ValueError, UnicodeError) as error:  # feedparser's own parsers fail on some broken XML
        yield InputProblem(str(path), f"not a readable RSS/Atom feed ({type(error).__name__})")
        return
    if not parsed.entries:
        if parsed.get("bozo") and not parsed.get("version"):
            reason = type(parsed.get("bozo_exception")).__name__
            yield InputProblem(str(path), f"not a readable RSS/Atom feed ({reason})")
        else:
            yield InputProblem(str(path), "feed has no entries")
        return
    outlet = (parsed.feed.get("title") or "").strip() or None
    for number, entry in enumerate(parsed.entries, start=1):
        origin = f"{path}#entry-{number}"
        body = _body(entry)
        if not body:
            yield InputProblem(origin, "feed entry has no text")
            continue
        yield RawArticle(
            origin=origin,
            text=body,
            title=(entry.get("title") or "").strip() or None,
            url=entry.get("link") or None,
            outlet=outlet,
            published=_date(entry),
            source_id=entry.get("id") or None,
            format="feed",
        )

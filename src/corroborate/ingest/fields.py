"""Article fields shared by the record readers (JSON, JSON Lines, CSV, feeds):
field-name aliases, date parsing, HTML fragments to text, outlet from a URL.

Scrapers and APIs name the same field many ways (`body`, `content`,
`publishedAt`, `site_name` ...); `record_to_raw` maps any of them to a
`RawArticle`, so each reader only has to split its file into records.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from ..model import RawArticle
from .decode import UnreadableInput


def _key(name: str) -> str:
    """Field names compare without case, spaces, `_` or `-`: `published_at` == `publishedAt`."""
    return re.sub(r"[\s_\-]", "", str(name)).lower()


# In order of preference: the first present, non-empty field wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id", "doc_id", "guid", "uuid"),
    "title": ("title", "headline", "heading"),
    "text": ("text", "body", "content", "article_body", "full_text", "maintext", "article", "story"),
    "url": ("url", "link", "source_url", "canonical_url", "permalink", "uri", "href"),
    "source": (
        "source",
        "outlet",
        "publisher",
        "site",
        "site_name",
        "sitename",
        "source_name",
        "publication",
        "source_domain",
        "domain",
        "host",
    ),
    "date": (
        "date",
        "published",
        "published_at",
        "publish_date",
        "date_published",
        "date_publish",
        "pub_date",
        "datetime",
        "created_at",
        "timestamp",
    ),
}
_ALIAS_KEYS = {field: tuple(_key(name) for name in names) for field, names in ALIASES.items()}


def column_for(field: str, names: list[str]) -> str | None:
    """Which of `names` (a header row, a record's keys) holds `field`, if any."""
    by_key = {}
    for name in names:
        by_key.setdefault(_key(name), name)
    for alias in _ALIAS_KEYS[field]:
        if alias in by_key:
            return by_key[alias]
    return None


def accepted(field: str) -> str:
    return ", ".join(ALIASES[field])


# --- values -----------------------------------------------------------------

_ISO_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+)?(?:Z|[+-]\d{2}:?\d{2})?\s*$")
_NUMERIC = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$")


def parse_date(value: object) -> dt.date | None:
    """A publication date from a field value: ISO 8601, RFC 2822 (feeds, e-mail),
    Unix timestamps and the usual written forms ("28 November 2022", "Nov 28, 2022").
    Free text is not searched for a date: a value that is not a date gives None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_timestamp(float(value))
    text = str(value).strip()
    if not text or len(text) > 40:
        return None
    match = _ISO_DATE.match(text)
    if match:
        try:
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            return None
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return _from_timestamp(float(text))
    try:
        parsed = email.utils.parsedate_to_datetime(text)
        if parsed is not None:
            return parsed.date()
    except (TypeError, ValueError, IndexError):
        pass
    match = _NUMERIC.match(text)
    if match:
        # 28/11/2022 and 11/28/2022 can only be read one way; 03/04/2022 is March
        # in the US and April elsewhere, so it is no date rather than a guess.
        first, second, year = (int(part) for part in match.groups())
        if first > 12 or first == second:
            day, month = first, second
        elif second > 12:
            day, month = second, first
        else:
            return None
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    return _dateparser(text)


def _from_timestamp(seconds: float) -> dt.date | None:
    if seconds > 1e11:  # milliseconds, as JavaScript writes them
        seconds /= 1000
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).date()
    except (OverflowError, OSError, ValueError):
        return None


def _dateparser(text: str) -> dt.date | None:
    import dateparser  # for the written forms; only loaded when a record has one

    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            # A date field must name a whole date: no relative dates ("yesterday"
            # depends on when we read it), no day or year filled in from today.
            "PARSERS": ["custom-formats", "absolute-time"],
            "REQUIRE_PARTS": ["day", "month", "year"],
            "STRICT_PARSING": True,
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return parsed.date() if parsed else None


def host_of(url: str | None) -> str | None:
    """The host of a URL without `www.`, as a stand-in outlet name."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


_MARKUP = re.compile(r"<\s*(p|br|div|span|a|b|i|em|strong|li|ul|ol|h[1-6]|img|blockquote|figure|table)\b[^>]*>", re.I)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def looks_like_html(text: str) -> bool:
    return bool(_MARKUP.search(text))


def html_fragment_to_text(fragment: str) -> str:
    """Readable text of an HTML fragment (a feed entry, a record's body), one paragraph
    per line. Uses html-text rather than trafilatura: trafilatura judges whole pages and
    rejects short fragments as too short to be an article."""
    import html_text

    from .decode import safe_text

    # lxml refuses a string with a lone surrogate (a JSON "\\ud800" escape), a NUL or
    # another control character outright; none of them is text.
    text = html_text.extract_text(_NOT_XML.sub("", safe_text(fragment)), guess_layout=True)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n\n".join(line for line in lines if line)


def _string(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):  # NewsAPI-style {"source": {"id": ..., "name": "..."}}
        for name in ("name", "title", "text", "value"):
            if value.get(name):
                return _string(value[name])
        return ""
    if isinstance(value, (list, tuple)):  # a body given as a list of paragraphs
        return "\n\n".join(part for part in (_string(v) for v in value) if part)
    return str(value).strip()


def _check_text_value(name: str, value: object) -> None:
    """An article's text is a string, or a list of strings (its paragraphs). A number,
    a truth value or an object in the text field is a data error, not an article."""
    if value is None or isinstance(value, str):
        return
    if isinstance(value, (list, tuple)) and all(isinstance(part, str) for part in value):
        return
    kind = "a list of non-text values" if isinstance(value, (list, tuple)) else _json_kind(value)
    raise UnreadableInput(f"{name!r} field is {kind}, not text")


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def record_to_raw(record: Mapping, origin: str, fmt: str) -> RawArticle:
    """One record (a JSON object, a CSV row) as a `RawArticle`.
    Raises `UnreadableInput` when it has no article text."""
    names = [str(name) for name in record]
    found = {field: column_for(field, names) for field in ALIASES}
    if found["text"] is not None:
        _check_text_value(found["text"], record.get(found["text"]))
    body = _string(record.get(found["text"])) if found["text"] else ""
    if not body:
        if found["text"] is None:
            raise UnreadableInput(f"no text field (expected one of: {accepted('text')})")
        raise UnreadableInput(f"empty {found['text']!r} field")
    if looks_like_html(body):
        body = html_fragment_to_text(body)
    title = _string(record.get(found["title"])) if found["title"] else ""
    url = _string(record.get(found["url"])) if found["url"] else ""
    outlet = _string(record.get(found["source"])) if found["source"] else ""
    date_value = record.get(found["date"]) if found["date"] else None
    source_id = _string(record.get(found["id"])) if found["id"] else ""
    return RawArticle(
        origin=origin,
        text=body,
        title=title or None,
        url=url or None,
        outlet=outlet or None,
        published=parse_date(date_value),
        source_id=source_id or None,
        format=fmt,
    )

"""Plain-text articles: optional header lines, then the article.

Header lines sit at the very top, one per line, `key value` or `key: value`:
`date 2022-11-28`, `source Outlet Name`, `url https://...`, `title Headline`.
Scrapers sometimes run the lead paragraph on after the date (`date 2022-11-28
The lead ...`); the rest of that line stays in the body. Without a `title`
header the title is the first meaningful line (cleaning decides that).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from ..model import InputProblem, RawArticle
from .decode import read_text
from .fields import parse_date

_ISO = r"\d{4}-\d{2}-\d{2}"
# `date 2022-11-28` optionally followed, on the same line, by body text.
_DATE_PREFIX = re.compile(rf"^[ \t]*date[ \t]*[:=]?[ \t]*({_ISO})\b[ \t]*", re.IGNORECASE)
# Other headers take the whole line. Without a colon only the lower-case key counts,
# so that a headline such as "Source of the leak named" or "Title IX ..." is not
# read as a header.
_HEADER = re.compile(r"^[ \t]*(?:(date|source|outlet|url|title)[ \t]+|(?i:(date|source|outlet|url|title))[ \t]*:[ \t]*)(\S.*?)[ \t]*$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.IGNORECASE)


def parse_text(text: str, origin: str) -> RawArticle:
    """Split the header lines off `text` and return the article they describe."""
    fields: dict[str, str] = {}
    published: dt.date | None = None
    lines = text.splitlines(keepends=True)
    position = 0
    while position < len(lines):
        line = lines[position]
        if not line.strip():
            if fields:  # blank lines inside the header block are fine
                position += 1
                continue
            break
        date_prefix = _DATE_PREFIX.match(line)
        if date_prefix and "date" not in fields:
            fields["date"] = date_prefix.group(1)
            published = dt.date.fromisoformat(fields["date"]) if _valid_iso(fields["date"]) else None
            rest = line[date_prefix.end() :]
            if rest.strip():
                lines[position] = rest  # the lead paragraph run on after the date
                break
            position += 1
            continue
        header = _HEADER.match(line)
        if not header:
            break
        key = (header.group(1) or header.group(2)).lower()
        value = header.group(3)
        if key == "outlet":
            key = "source"
        if key in fields or (key == "url" and not _URL.match(value)):
            break
        if key == "date":
            date = parse_date(value)
            if date is None:
                break  # not a date header after all: body text
            published = published or date
            fields["date"] = value
        else:
            fields[key] = value
        position += 1
    # Blank lines that stood between headers and body do not shift line numbers
    # that matter: cleaning counts lines of the text it is given, so keep the
    # header lines as blank lines and the body's line numbers match the file.
    body = "\n" * position + "".join(lines[position:])
    return RawArticle(
        origin=origin,
        text=body,
        title=fields.get("title"),
        url=fields.get("url"),
        outlet=fields.get("source"),
        published=published,
        format="text",
    )


def _valid_iso(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def read(path: Path) -> Iterator[RawArticle | InputProblem]:
    article = parse_text(read_text(path, repair_text=False), str(path))
    if not article.text.strip():
        yield InputProblem(str(path), "no article text after the header lines")
        return
    yield article

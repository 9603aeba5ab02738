"""Plain-text articles: the title is the first meaningful line; a leading
`date YYYY-MM-DD` (as scrapers write it) becomes the published date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from ..model import InputProblem, RawArticle

_DATE_PREFIX = re.compile(r"^\s*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2})\b[ \t]*", re.IGNORECASE)


def parse_text(text: str, origin: str) -> RawArticle:
    published = None
    match = _DATE_PREFIX.match(text)
    if match:
        try:
            published = dt.date.fromisoformat(match.group(1))
            # Keep the rest of that line (some scrapers put the lead right after
            # the date), but not the date itself.
            text = text[match.end() :]
        except ValueError:
            pass
    return RawArticle(origin=origin, text=text, published=published, format="text")


def read(path: Path) -> Iterator[RawArticle | InputProblem]:
    data = path.read_bytes()
    if not data.strip():
        yield InputProblem(str(path), "empty file")
        return
    yield parse_text(data.decode("utf-8", errors="replace"), str(path))

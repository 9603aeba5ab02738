"""Cleaning: turn a `RawArticle` into an `Article` without scraping junk.

Works line by line: each line is either kept or removed with a reason, and
the removed lines are recorded on the article (`corroborate brief
--show-removed` prints them). The cleaned text is what every span points into.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from .model import Article, RawArticle, RemovedLine


def normalise_for_id(text: str) -> str:
    """Content identity ignores case, white space and typography of quote marks."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u2018\u2019\u201a\u201b`']", "'", text)
    text = re.sub(r"[\u201c\u201d\u201e\u201f\"]", '"', text)
    return " ".join(text.split())


def article_id(title: str, text: str) -> str:
    """Stable id from content (not from input order or file name)."""
    digest = hashlib.sha1(normalise_for_id(title + "\n" + text).encode("utf-8")).hexdigest()
    return "a" + digest[:11]


def _is_meaningful(line: str) -> bool:
    return sum(ch.isalnum() for ch in line) >= 3


def clean(raw: RawArticle) -> Article:
    lines = raw.text.splitlines()
    kept: list[str] = []
    kept_line_numbers: list[int] = []
    removed: list[RemovedLine] = []
    title = (raw.title or "").strip()
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not title and _is_meaningful(stripped):
            # A text file's first meaningful line is its title, unless it reads as
            # a body paragraph (long, ends like a sentence): then it stays in the body
            # and also serves as the title.
            title = stripped
            if len(stripped.split()) <= 25 and not stripped.endswith((".", "”", '"')):
                removed.append(RemovedLine(number, stripped, "title line"))
                continue
        kept.append(stripped)
        kept_line_numbers.append(number)
    text = "\n\n".join(kept)
    # Each kept line becomes one paragraph; record its raw line number per
    # cleaned-text line (paragraph lines and the blank lines between them).
    raw_line_of: list[int] = []
    for index, number in enumerate(kept_line_numbers):
        raw_line_of.append(number)
        if index < len(kept_line_numbers) - 1:
            raw_line_of.append(number)
    return Article(
        id=article_id(title, text),
        origin=raw.origin,
        title=title or raw.origin,
        text=text,
        url=raw.url,
        outlet=raw.outlet,
        published=raw.published,
        source_id=raw.source_id,
        removed=tuple(removed),
        raw_line_of=tuple(raw_line_of),
    )

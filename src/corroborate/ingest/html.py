"""HTML pages: the main article text and its metadata, extracted with trafilatura.

`parse_html` is also what the WARC reader calls for each HTML response. The
body comes back as one paragraph per line (what `clean.clean` expects); the
title, date, site name (-> outlet) and canonical URL come from the page's
metadata. A page without article text is an `InputProblem`, not an error.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from ..model import InputProblem, RawArticle

# trafilatura logs every page it rejects; our one-line InputProblem says it instead.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _decode(data: str | bytes) -> str:
    """Text of the page; raises `UnreadableInput` for empty, binary or undecodable bytes.

    Repairing the whole page with ftfy (what `decode.decode` does for text files)
    tripled the time of HTML extraction (measured on the 91 pages of the
    extraction benchmark: 8.0 s against 2.6 s), so pages are only decoded here,
    and the extracted text alone is repaired."""
    from .decode import UnreadableInput, decode

    if isinstance(data, str):
        return data
    if not data.strip():
        raise UnreadableInput("empty file")
    if b"\x00" in data[:4096]:
        # UTF-16 (with or without a byte-order mark) or binary data: `decode` tells
        # which by the share of control characters, not by one stray NUL byte.
        return decode(data, repair_text=False)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        # Browsers read latin-1 and ascii declarations as windows-1252 (WHATWG encoding standard).
        name = "cp1252" if name in {"iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"} else name
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _date_params() -> dict:
    """htmldate's settings for the date in the page's markup, URL and metadata only."""
    return {"original_date": True, "extensive_search": False, "max_date": dt.date.today().isoformat()}


def _date_from_text(page: str, url: str | None) -> dt.date | None:
    """A publication date htmldate finds only by searching the page's text, when the
    markup gives none. A year alone comes back as 1 January ("reopened in 2023" ->
    2023-01-01, seen on a page without date metadata), which is a guess, not a
    date: dropped. On the 91 real pages of ../shared/data/article_extraction, 2
    get their date this way (both day-exact), none is dropped."""
    import htmldate

    try:
        found = htmldate.find_date(
            page, extensive_search=True, original_date=True, url=url, max_date=dt.date.today().isoformat()
        )
    except Exception:  # noqa: BLE001 - htmldate raises assorted errors on broken markup
        return None
    return None if not found or found.endswith("-01-01") else _date(found)


# trafilatura settings, chosen by measurement on ../shared/data/article_extraction
# (91 real pages, token F1 of parse_html + clean against the gold body; see
# benchmarks/html_extraction.py and BENCHMARKS.md): favor_precision 0.980,
# default 0.973, favor_recall 0.971, without tables 0.966, fast 0.977.
# Comments are excluded because reader comments are not the article.
_EXTRACTION = dict(
    favor_precision=True,
    include_comments=False,
    include_tables=True,
    include_images=False,
    deduplicate=False,
)

# favor_precision sometimes keeps almost nothing of a real article (one page of the
# benchmark kept only its copyright notice). When its text is shorter than
# _FALLBACK_SHARE of what trafilatura's balanced extraction (neither precision nor
# recall favoured, comments excluded) finds, the balanced text is taken instead.
# Rule and share chosen under the tuning protocol (pages in 5 folds, chosen on the
# training folds; benchmarks/html_extraction.py --protocol, BENCHMARKS.md).
_FALLBACK = dict(_EXTRACTION, favor_precision=False)
_FALLBACK_SHARE = 0.2


def _letters(text: str) -> int:
    return sum(map(str.isalnum, text))


def _extractable_letters(tree) -> int:
    """At least as many letters as any extraction of the page can keep: the text of
    its tree without scripts and styles (which every trafilatura path, readability's
    included, drops), plus the LaTeX that trafilatura writes for a formula from its
    annotation or `alttext` (`recover_math`). When the precise extraction already
    keeps _FALLBACK_SHARE of this, it keeps that share of the balanced extraction
    too, and the balanced one need not run: on 84 of the 91 benchmark pages, and
    on most small pages, the second extraction was half the time of reading them."""
    dropped = sum(_letters(node.text_content()) for node in tree.xpath("//script|//style"))
    formulas = sum(_letters(" ".join(node.xpath(".//annotation//text()")) + (node.get("alttext") or ""))
                   for node in tree.xpath("//math"))  # fmt: skip
    return _letters(tree.text_content()) - dropped + formulas


# Less text than this, or no line long enough to be a sentence of prose: what
# trafilatura returns for a page of navigation only ("menu"), not an article.
# Counted in letters and digits, not words, so that text without spaces between
# words (Japanese, Chinese) is measured fairly.
_MIN_CHARACTERS = 60
_MIN_LONGEST_LINE_CHARACTERS = 30


def _too_little_text(lines: list[str]) -> bool:
    sizes = [sum(ch.isalnum() for ch in line) for line in lines]
    return sum(sizes) < _MIN_CHARACTERS or max(sizes, default=0) < _MIN_LONGEST_LINE_CHARACTERS


def _without_site_name(title: str | None, site: str | None) -> str | None:
    """"Headline | Site" -> "Headline" when the suffix is the page's own site name."""
    if not title:
        return None
    title = " ".join(title.split())
    if site:
        match = re.match(rf"^(.+?)\s+[|\-–—:·•]\s+{re.escape(site.strip())}\s*$", title, re.IGNORECASE)
        if match:
            return match.group(1)
    return title


def _body_of(document) -> str:
    return (getattr(document, "text", None) or "") if document is not None else ""


def parse_html(html: str | bytes, origin: str, url: str | None = None) -> RawArticle | InputProblem:
    """The article in one HTML page, or an InputProblem when the page has none."""
    import trafilatura  # heavy (lxml, justext, htmldate): loaded on first HTML input
    from trafilatura.utils import load_html

    from .decode import UnreadableInput, repair

    try:
        text = _decode(html)
    except UnreadableInput as problem:
        return InputProblem(origin, problem.message, problem.line)
    if not text.strip():
        return InputProblem(origin, "empty file")
    try:
        # Parsed once, as trafilatura parses a page; each extraction works on its own
        # copy (bare_extraction copies a tree it is given).
        tree = load_html(text)
        document = None if tree is None else trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, date_extraction_params=_date_params(), **_EXTRACTION
        )
        body = _body_of(document)
        kept = _letters(body)
        if tree is not None and _FALLBACK_SHARE and kept < _FALLBACK_SHARE * _extractable_letters(tree):
            # Its body only, unless the first extraction gave nothing: the page's title,
            # site and date do not depend on the extraction's balance (the same on all
            # 91 benchmark pages), and reading them twice cost a fifth of an HTML page's
            # extraction (two fifths of a small page's).
            balanced = trafilatura.bare_extraction(
                tree, url=url, with_metadata=document is None, date_extraction_params=_date_params(), **_FALLBACK
            )
            if kept < _FALLBACK_SHARE * _letters(_body_of(balanced)):
                body = _body_of(balanced)
                document = document or balanced
    except Exception as error:  # trafilatura raises assorted lxml errors on broken markup
        return InputProblem(origin, f"not a readable HTML page ({type(error).__name__})")
    if document is None:
        return InputProblem(origin, "no article text found")
    body = repair(body)
    # trafilatura separates paragraphs by one newline: one paragraph per line for cleaning.
    lines = [" ".join(line.split()) for line in body.splitlines()]
    lines = [line for line in lines if line]
    if _too_little_text(lines):
        return InputProblem(origin, "no article text found")
    site = repair(document.sitename) if document.sitename else None
    return RawArticle(
        origin=origin,
        text="\n\n".join(lines),
        title=_without_site_name(repair(document.title or ""), site),
        url=url or document.url or None,
        outlet=site or None,
        published=_date(document.date) or _date_from_text(text, url),
        format="html",
    )


def read(path: Path) -> Iterator[RawArticle | InputProblem]:
    from .files import read_bytes

    data = read_bytes(path)
    if not data.strip():
        yield InputProblem(str(path), "empty file")
        return
    yield parse_html(data, str(path))

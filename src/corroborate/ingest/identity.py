"""Which inputs are one article, so that every input is accounted for.

An article's id comes from its cleaned title and text (`clean.article_id`), so
two inputs with the same words share an id. They are one article only when the
reader found nothing else to tell them apart: the same file given twice, or
identical records of one file. Those are *repeats*: read once and listed as
such, never dropped without a word. Inputs with the same words but something of
their own (another outlet, URL, date, record id, or other junk lines around the
text, as a reprint scraped from another site has) are distinct articles, a
verbatim reprint being weak but real evidence of which wording was printed;
their ids then also hash what tells them apart. Nothing here depends on the
order of the inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..clean import normalise_for_id
from ..model import Article


def _details(article: Article) -> tuple:
    """What, beside its words, the reader found about an article."""
    return (
        article.outlet,
        article.url,
        article.published.isoformat() if article.published else None,
        article.source_id,
        tuple(line.text for line in article.removed),
    )


def _distinct_id(article: Article) -> str:
    """An id for one of several distinct articles with the same words: the content
    id's hash, extended by the details that tell this one apart."""
    key = normalise_for_id(article.title + "\n" + article.text) + "\x00" + repr(_details(article))
    return "a" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:11]


@dataclass(frozen=True, slots=True)
class Repeat:
    """An input read as an article already read (listed, analysed once)."""

    origin: str
    article_id: str


def distinct_articles(articles: Iterable[Article]) -> tuple[list[Article], list[Repeat]]:
    """The distinct articles among `articles` (in the order first read) and the repeats.

    Of identical inputs the one kept is the first by origin, not by position, so the
    kept article (and the label a file name gives it) is the same in any input order."""
    articles = list(articles)
    by_content: dict[str, dict[tuple, list[Article]]] = {}
    for article in articles:
        by_content.setdefault(article.id, {}).setdefault(_details(article), []).append(article)
    kept_for: dict[int, Article] = {}  # id() of each input -> the article it is read as
    repeats: list[Repeat] = []
    for variants in by_content.values():
        for copies in variants.values():
            first = min(copies, key=lambda a: a.origin)
            if len(variants) > 1:
                first = replace(first, id=_distinct_id(first))
            for copy in copies:
                kept_for[id(copy)] = first
            repeats += [Repeat(copy.origin, first.id) for copy in sorted(copies, key=lambda a: a.origin)[1:]]
    kept: dict[str, Article] = {}
    for article in articles:
        chosen = kept_for[id(article)]
        kept.setdefault(chosen.id, chosen)
    return list(kept.values()), repeats

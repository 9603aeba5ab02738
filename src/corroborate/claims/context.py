"""What claim extraction works on: one article's parse and entities, and the
claim found with its clause (`Found`), and the small look-ups every extractor uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from .. import dates as datemod
from ..entities import EntityIndex
from ..model import Article, Claim, Span


def parse(articles: Sequence[Article]) -> list:
    """spaCy docs of the articles, from the process-wide cache of `nlp.parse_texts`
    (the quotes stage parses the same full texts, so one parse serves both)."""
    from ..nlp import parse_texts

    return parse_texts([a.text for a in articles])


@dataclass
class Found:
    claim: Claim
    terms: frozenset[str]
    group: int
    key: tuple | None = None  # claims with a key align on it alone
    event: str = ""
    local: str = ""  # the value's clause as text, for embedding
    head: str = ""  # the few words that say what the value is of: "injured", "renovation", "order closure"
    thing: str = ""  # what a count counts ("people"): counts of different things never share a slot
    vectors: tuple = ()  # embeddings of the clause, the sentence and the head (set before alignment)
    anchor: int = -1  # token index of the value
    clause: frozenset[int] = frozenset()  # token indices of its clause
    # Its sentence and value as printed. Two claims printed alike are one report
    # copied into two articles: they never disagree, even when the articles'
    # publication dates resolve its "Tuesday" to two days (a live blog's entry
    # reprinted a day later; set by `find_facts`).
    printed: str = ""
    published: dt.date | None = None  # its article's publication date, if it gives one
    outlet: str = ""  # its article's outlet, if known
    # Its sentence, normalised as relations compare sentences (`dedup.normalise`): two
    # different values are one fact in conflict only where their sentences say the same
    # thing (`align._said_alike`).
    sentence: str = ""
    # A date whose day is of our reckoning: a weekday or "yesterday" resolved against
    # its article's date, not a day the outlet names outright.
    reckoned: bool = False
    places: frozenset[str] = frozenset()  # the places its clause names ("in Alexandria")
    # The periods its sentence names, as (first, last) day ordinals: "fell 13% on
    # Tuesday", "killed 15 workers in 2005" (`extract._name_times`).
    times: frozenset[tuple[int, int]] = frozenset()


@dataclass
class ArticleContext:
    article: Article
    doc: object
    index: EntityIndex
    window: datemod.ReferenceWindow
    group: int
    sentences: tuple[Span, ...] = ()
    date_tokens: set[int] = field(default_factory=set)
    value_tokens: set[int] = field(default_factory=set)
    last_clause: tuple[int, frozenset[int]] = (-1, frozenset())  # anchor token, clause tokens of the last claim
    last_places: frozenset[str] = frozenset()  # the places its clause names


def stem(word: str) -> str:
    # A five-letter prefix joins "apology"/"apologise" and "renovation"/"renovate"
    # without a stemmer dependency.
    return word[:5]


def tokens_of(ctx: ArticleContext, start: int, end: int):
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    return span


def name_at(ctx: ArticleContext, token) -> str | None:
    return ctx.index.name_at(ctx.article.id, token.i)


def named_in(ctx: ArticleContext, tokens) -> str | None:
    for token in tokens:
        name = name_at(ctx, token)
        if name:
            return name
    return None


def names_in(ctx: ArticleContext, tokens) -> list[str]:
    names: list[str] = []
    for token in tokens:
        name = name_at(ctx, token)
        if name and name not in names:
            names.append(name)
    return names


def paragraph(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def sentence_around(ctx: ArticleContext, start: int) -> Span | None:
    """The brief's sentence holding a claim (the project's splitter keeps to
    paragraphs; spaCy's parser sometimes runs a sentence across them)."""
    for sentence in ctx.sentences:
        if sentence.start <= start < sentence.end:
            return sentence
    first, last = paragraph(ctx.article.text, start)
    return Span(ctx.article.id, first, last)


def make_claim(ctx, start, end, kind, subject, attribute, value, display, tolerance=0.0, precision=None, inferred=False):
    context = sentence_around(ctx, start)
    return Claim(
        span=Span(ctx.article.id, start, end),
        subject=subject or "",
        attribute=attribute,
        value=value,
        display=display,
        precision=precision,
        kind=kind,
        tolerance=tolerance,
        date_inferred=inferred,
        context=context,
    )

"""The clause a value belongs to: its terms (canonical names and stems) and its
text for embedding, which tell two reports of one fact from other facts."""

from __future__ import annotations

import re

from .. import dates as datemod
from .context import ArticleContext, name_at, paragraph, stem
from .grammar import governing_verb

_DATE_WORDS = set(datemod.MONTHS) | set(datemod.WEEKDAYS) | {"night", "morning", "afternoon", "evening", "late",
                                                             "early", "day", "week", "month", "year", "ago"}  # fmt: skip
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
_SKIP_CLAUSE_DEPS = {"advcl", "relcl", "parataxis", "conj"}
# Entity kinds that name where something happened (spaCy's labels).
_PLACE_KINDS = {"GPE", "LOC", "FAC"}


def clause_terms(ctx: ArticleContext, anchor, skip: set[int]) -> tuple[object, frozenset[str], str]:
    """The clause a value belongs to, as a set of terms: canonical entity names
    and stemmed content words, without the value itself and without sub-clauses
    that are about something else (carrying their own date); and the same
    clause as text (names canonical, value and dates left out), for embedding."""
    verb = governing_verb(anchor)
    tokens = [verb]
    stack = [c for c in verb.children]
    while stack:
        token = stack.pop()
        contains_anchor = token.left_edge.i <= anchor.i <= token.right_edge.i
        if token.dep_ in _SKIP_CLAUSE_DEPS and not contains_anchor:
            # A coordinated or adverbial clause without a date of its own shares
            # this one's ("dropped the campaign on Tuesday and issued an apology").
            own_dates = any(t.i in ctx.date_tokens for t in token.subtree)
            if token.dep_ not in ("conj", "advcl") or own_dates or token.pos_ not in ("VERB", "AUX"):
                continue
        tokens.append(token)
        stack.extend(token.children)
    if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN"):
        tokens.append(verb.head)
    if verb.dep_ == "conj":
        tokens.extend(c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass"))
    # The parser sometimes runs a sentence across a paragraph break; a claim's
    # clause never leaves its paragraph.
    first, last = paragraph(ctx.article.text, anchor.idx)
    local = _clause_text(ctx, tokens, skip, first, last)
    ctx.last_clause = (anchor.i, frozenset(t.i for t in tokens if first <= t.idx < last))
    if _reports_statement(verb):
        tokens.extend(_adjacent_quote(ctx, anchor))
    terms: set[str] = set()
    places: set[str] = set()
    for token in tokens:
        if token.i in skip or not first <= token.idx < last:
            continue
        name = name_at(ctx, token)
        if name:
            terms.add(name.casefold())
            if ctx.index.kind_of(name) in _PLACE_KINDS:
                places.add(name)
            continue
        if token.pos_ in _CONTENT_POS and not token.is_stop and token.lower_ not in _DATE_WORDS and token.is_alpha:
            terms.add(stem(token.lemma_.lower()))
    ctx.last_places = frozenset(places)
    return verb, frozenset(terms), local


def clause_fields(ctx: ArticleContext, local: str) -> dict:
    """The clause of the claim just found, for `Found`."""
    return {"local": local, "anchor": ctx.last_clause[0], "clause": ctx.last_clause[1], "places": ctx.last_places}


def _clause_text(ctx: ArticleContext, tokens, skip: set[int], first: int, last: int) -> str:
    words: list[str] = []
    previous_name = None
    for token in sorted(tokens, key=lambda t: t.i):
        hidden = token.i in skip or token.i in ctx.date_tokens or token.i in ctx.value_tokens
        if hidden or not first <= token.idx < last or token.is_punct:
            continue
        name = name_at(ctx, token)
        if name:
            if name != previous_name:
                words.append(name)
            previous_name = name
            continue
        previous_name = None
        words.append(token.text)
    # Long clauses are capped: the words nearest the verb say what it is about,
    # and the encoder's cost grows with the length of its inputs.
    return " ".join(words[:_CLAUSE_WORDS])


_CLAUSE_WORDS = 20
_QUOTED = re.compile(r"[“\"]([^”“\"]{20,})[”\"]")


def _reports_statement(verb) -> bool:
    """Whether a clause is the sentence's main clause (or hangs off it without
    a relative or adverbial clause between): only then is a quotation beside
    it what the clause reports."""
    token = verb
    while token.head.i != token.i:
        if token.dep_ in ("relcl", "advcl", "conj", "ccomp"):
            return False
        token = token.head
    return True


def _adjacent_quote(ctx: ArticleContext, anchor) -> list:
    """The tokens of a quotation that a sentence attributes ('"...," the company
    wrote on November 23'; 'writing: "..."'): what the statement says is what
    tells two reports of it apart from other statements."""
    text = ctx.article.text
    start, end = paragraph(text, anchor.idx)
    sentence_start = max(anchor.sent.start_char, start)
    sentence_end = min(anchor.sent.end_char, end)
    tokens = []
    for match in _QUOTED.finditer(text, start, end):
        if sentence_start - 3 <= match.end() and match.start() <= sentence_end + 3:
            quoted = ctx.doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
            if quoted is not None:
                tokens.extend(quoted)
    return tokens

"""Events: the date of what happened, and its named participants (who sued whom)."""

from __future__ import annotations

from .. import dates as datemod
from ..entities import in_quote
from ..nlp import tokens_where
from ..sentences import LIVE_BLOG_STAMP
from .clauses import clause_fields, clause_terms
from .context import ArticleContext, Found, make_claim, name_at, names_in, paragraph, tokens_of
from .grammar import asked_of_another, subject_of_noun, subject_of_verb, unlikely_verb

_PARTICIPANT_PREPS = {"against", "with", "by"}


# Verbs (and verb + object) that all name one act, making a statement: "wrote on
# Sunday", "spoke out late Sunday night", "broke her silence on Sunday" are one slot.
_STATEMENT_EVENTS = frozenset({
    "say", "speak", "write", "tweet", "state", "announce", "declare", "tell", "comment", "respond", "reply",
    "break silence", "issue statement", "release statement", "post statement", "make statement",
})


def _event(verb, anchor) -> str:
    """A short name for the event a value belongs to: "drop campaign", "approve fund"."""
    if anchor.dep_ in ("compound", "nummod", "amod", "nmod", "quantmod") and anchor.head.pos_ == "NOUN":
        return anchor.head.lemma_.lower()
    parts = [verb.lemma_.lower()]
    for child in verb.children:
        if child.dep_ in ("dobj", "attr") and child.pos_ in ("NOUN", "PROPN"):
            parts.append(_hyphenated(child) or (child.lemma_.lower() if child.pos_ == "NOUN" else child.text))
            break
    event = " ".join(parts)
    if event in _STATEMENT_EVENTS or parts[0] in _STATEMENT_EVENTS:
        return "statement"
    return event


def _hyphenated(token) -> str | None:
    """The whole word a token is a piece of, when the tokenizer split it at hyphens
    ("re-election", whose pieces "re" and "election" are parsed apart; "cease-fire"),
    lower-cased; None for a word without hyphens."""
    doc = token.doc
    start = end = token.i
    while end + 2 < len(doc) and doc[end + 1].text == "-" and not doc[end].whitespace_ and not doc[end + 1].whitespace_:
        end += 2
    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ and not doc[start - 1].whitespace_:
        start -= 2
    return doc[start : end + 1].text.lower() if end > start else None


def participants(ctx: ArticleContext) -> list[Found]:
    """Who did what to whom: a verb whose subject and object are both named
    people or organisations ("Balenciaga filed a lawsuit against North Siz")."""
    found = []
    kinds = ("PERSON", "ORG")
    for verb in tokens_where(ctx.doc, "POS", ("VERB",)):
        if unlikely_verb(verb) or asked_of_another(verb):
            continue
        subject = subject_of_verb(ctx, verb)
        if subject is None or ctx.index.kind_of(subject) not in kinds:
            continue
        objects: list[tuple[str, str]] = []
        for child in verb.children:
            if child.dep_ == "dobj":
                named = name_at(ctx, child)
                if named:
                    objects.append((verb.lemma_.lower(), named))
                for prep in child.children:
                    if prep.dep_ == "prep" and prep.lower_ in _PARTICIPANT_PREPS:
                        for name in names_in(ctx, prep.subtree):
                            objects.append((f"{verb.lemma_.lower()} {child.lemma_.lower()} {prep.lower_}", name))
            elif child.dep_ == "prep" and child.lower_ in ("against",):
                for name in names_in(ctx, child.subtree):
                    objects.append((f"{verb.lemma_.lower()} {child.lower_}", name))
        for attribute, name in objects:
            if name == subject or ctx.index.kind_of(name) not in kinds:
                continue
            claim = make_claim(ctx, verb.idx, verb.idx + len(verb), "participants", subject, attribute, name, name)
            # "re-evaluating her relationship with", "... her partnership with": one
            # relation between the two, named by its verb.
            key = (subject, verb.lemma_.lower(), name)
            found.append(Found(claim, frozenset(), ctx.group, key=key, head=verb.lemma_.lower()))
    return found


def _unattributed_quote(ctx: ArticleContext, offset: int) -> bool:
    """Whether `offset` is inside a quotation that no named person or
    organisation is said to have written ('A second added: "... this
    weekend"', 'One person tweeted: "..."'): what an anonymous post says
    happened is not an event the story reports."""
    text = ctx.article.text
    if not in_quote(text, offset):
        return False
    first, last = paragraph(text, offset)
    for token in ctx.doc.char_span(first, last, alignment_mode="expand") or ():
        if in_quote(text, token.idx) or token.is_punct:
            continue
        name = name_at(ctx, token)
        if name and ctx.index.kind_of(name) in ("PERSON", "ORG"):
            return False
    return True


def dates(ctx: ArticleContext, mentions: list[datemod.DateMention]) -> list[Found]:
    found = []
    # A live blog's stamp dates its entry, no event; its two days (Cairo's and New York's)
    # had set every entry's "date of update" against the next.
    stamps = [(m.start(), m.end()) for m in LIVE_BLOG_STAMP.finditer(ctx.article.text)]
    for mention in mentions:
        if mention.date is None or any(start <= mention.start < end for start, end in stamps):
            continue
        span = tokens_of(ctx, mention.start, mention.end)
        if span is None or _unattributed_quote(ctx, mention.start):
            continue
        anchor = span.root
        modifies_noun = anchor.dep_ in ("compound", "nummod", "amod", "nmod") and anchor.head.pos_ in ("NOUN", "PROPN")
        latest = ctx.window.latest
        if modifies_noun and latest is not None and datemod.starts_after(mention.date, mention.precision or "day", latest):
            # "its Spring/Summer 2023 collection": a date that modifies a noun and lies
            # after the article was written names the thing, not an event of the story
            # (a past one, "its July show", is; a future plan has a verb, "will reopen in May").
            continue
        skip = {t.i for t in span}
        verb, terms, local = clause_terms(ctx, anchor, skip)
        if modifies_noun and anchor.head.pos_ == "NOUN":
            subject = subject_of_noun(ctx, anchor.head)
        else:
            subject = subject_of_verb(ctx, verb)
        event = _event(verb, anchor)
        inferred = ctx.window.inferred and datemod.needs_reference(mention)
        claim = make_claim(ctx, mention.start, mention.end, "date", subject, f"date of {event}", mention.date.isoformat(),
                       mention.expression, precision=mention.precision, inferred=inferred)  # fmt: skip
        terms |= {subject.casefold()} if subject else set()
        found.append(Found(claim, terms, ctx.group, event=event, head=event, reckoned=mention.kind != "absolute",
                           **clause_fields(ctx, local)))  # fmt: skip
    return found

"""Facts about a named person: an age ("Kardashian, 42,", "the 42-year-old")
and a number of children ("mother of four"). They align on their subject alone."""

from __future__ import annotations

import re

from .context import ArticleContext, Found, make_claim, name_at, named_in, tokens_of
from .grammar import governing_verb, subject_of_verb
from .numbers import WORD_NUMBER, parse_number

_AGE_HYPHEN = re.compile(rf"\b(?P<num>{WORD_NUMBER})[- ]years?[- ]old\b", re.IGNORECASE)
_AGE_APPOS = re.compile(r"(?<=\w), (?P<num>\d{1,3})(?=,|\)| and\b| who\b|\.)")
_AGED = re.compile(r"\baged (?P<num>\d{1,3})\b")
_CHILDREN = re.compile(rf"\b(?:mother|mom|mum|father|dad|parent)[- ]of[- ](?P<num>{WORD_NUMBER})\b(?! of\b)", re.IGNORECASE)


def ages(ctx: ArticleContext) -> list[Found]:
    found = []
    text = ctx.article.text
    for pattern in (_AGE_HYPHEN, _AGE_APPOS, _AGED):
        for match in pattern.finditer(text):
            span = tokens_of(ctx, *match.span())
            parsed = parse_number(match.group("num"))
            if span is None or parsed is None or not 0 < parsed[0] < 125:
                continue
            if any(t.i in ctx.value_tokens for t in span):
                continue
            if pattern is _AGE_HYPHEN:
                holder = span.root.head if span.root.dep_ in ("amod", "compound", "nmod") else span.root
                subject = named_in(ctx, span) or name_at(ctx, holder)
                if subject is None and holder.dep_ == "appos":
                    subject = name_at(ctx, holder.head)
            else:
                before = ctx.doc.char_span(*_word_before(text, match.start()), alignment_mode="expand")
                subject = named_in(ctx, before) if before is not None else None
            if subject is None or ctx.index.kind_of(subject) != "PERSON":
                continue
            ctx.value_tokens |= {t.i for t in span}
            claim = make_claim(ctx, *match.span(), "age", subject, "age", f"{parsed[0]:g}", match.group(0).strip(", "))
            found.append(Found(claim, frozenset({subject.casefold(), "age"}), ctx.group, key=(subject, "age")))
    return found


def _word_before(text: str, offset: int) -> tuple[int, int]:
    match = re.search(r"(\w[\w'’.-]*)\s*$", text[max(0, offset - 40) : offset])
    if not match:
        return offset, offset
    start = max(0, offset - 40) + match.start(1)
    return start, start + len(match.group(1))


def children(ctx: ArticleContext) -> list[Found]:
    found = []
    for match in _CHILDREN.finditer(ctx.article.text):
        span = tokens_of(ctx, *match.span())
        parsed = parse_number(match.group("num"))
        if span is None or parsed is None:
            continue
        subject = named_in(ctx, span)
        if subject is None:
            root = span.root
            verb = governing_verb(root)
            subject = subject_of_verb(ctx, verb) if root.dep_ not in ("nsubj",) else None
        if subject is None or ctx.index.kind_of(subject) != "PERSON":
            continue
        ctx.value_tokens |= {t.i for t in span}
        claim = make_claim(ctx, *match.span(), "count", subject, "number of children", f"{parsed[0]:g}", match.group(0))
        found.append(Found(claim, frozenset({subject.casefold(), "child"}), ctx.group,
                            key=(subject, "number of children")))  # fmt: skip
    return found

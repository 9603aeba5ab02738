"""Amounts of money ("$25 million" -> "25000000 USD") and percentages."""

from __future__ import annotations

import re

from .clauses import clause_fields, clause_terms
from .context import ArticleContext, Found, make_claim, tokens_of
from .grammar import governing_verb, subject_of_noun, subject_of_verb
from .numbers import NUM, approximate, parse_number

_CURRENCIES = {"$": "USD", "us$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "dollars": "USD", "dollar": "USD",
               "euros": "EUR", "euro": "EUR", "pounds": "GBP", "yen": "JPY"}  # fmt: skip
_MONEY = re.compile(
    rf"(?P<cur>US\$|\$|£|€|¥)\s?(?P<num>{NUM})(?:\s?(?P<mult>million|billion|trillion|thousand|bn|mn|tn|m|k)\b)?"
    rf"|\b(?P<num2>{NUM})\s?(?P<mult2>million|billion|trillion|thousand)?\s+(?P<cur2>dollars|euros|pounds|yen)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"\b(?P<num>{NUM})\s?(?:%|percent\b|per cent\b)", re.IGNORECASE)


def money(ctx: ArticleContext) -> list[Found]:
    found = []
    text = ctx.article.text
    for match in _MONEY.finditer(text):
        currency = _CURRENCIES[(match.group("cur") or match.group("cur2")).lower()]
        number = match.group("num") or match.group("num2")
        multiplier = match.group("mult") or match.group("mult2") or ""
        parsed = parse_number(f"{number} {multiplier}")
        span = tokens_of(ctx, *match.span())
        if parsed is None or span is None:
            continue
        value, unit = parsed
        tolerance = value * 0.1 if approximate(text, match.start()) else unit / 2
        anchor = span.root
        noun = anchor.head if anchor.dep_ in ("compound", "nummod", "amod", "nmod", "quantmod") else None
        if noun is not None and noun.pos_ in ("NOUN", "PROPN"):
            attribute = f"amount of {noun.lemma_.lower()}"
            subject = subject_of_noun(ctx, noun)
        else:
            verb = governing_verb(anchor)
            attribute = f"amount ({verb.lemma_.lower()})"
            subject = subject_of_verb(ctx, verb)
        skip = {t.i for t in span}
        ctx.value_tokens |= skip
        _, terms, local = clause_terms(ctx, anchor, skip)
        claim = make_claim(ctx, *match.span(), "money", subject, attribute, f"{value:.0f} {currency}", match.group(0),
                       tolerance)  # fmt: skip
        head = noun.lemma_.lower() if noun is not None and noun.pos_ in ("NOUN", "PROPN") else attribute
        terms |= {attribute.split()[-1][:5]}
        found.append(Found(claim, terms, ctx.group, head=head, **clause_fields(ctx, local)))
    return found


def percentages(ctx: ArticleContext) -> list[Found]:
    found = []
    for match in _PERCENT.finditer(ctx.article.text):
        span = tokens_of(ctx, *match.span())
        parsed = parse_number(match.group("num"))
        if span is None or parsed is None:
            continue
        value, unit = parsed
        anchor = span.root
        degree = anchor.head.pos_ == "ADJ" or anchor.dep_ == "npadvmod" and anchor.head.dep_ in ("acomp", "amod")
        if value == 100 and degree:
            continue  # "100 percent sure", "100% convinced": a degree, "completely", not a share of anything
        verb = governing_verb(anchor)
        of_noun = next((c for t in span for c in t.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        target = next((c for c in of_noun.children if c.dep_ == "pobj"), None) if of_noun is not None else None
        attribute = f"share of {target.lemma_.lower()}" if target is not None else f"percentage ({verb.lemma_.lower()})"
        skip = {t.i for t in span}
        ctx.value_tokens |= skip
        _, terms, local = clause_terms(ctx, anchor, skip)
        tolerance = value * 0.1 if approximate(ctx.article.text, match.start()) else unit / 2
        claim = make_claim(ctx, *match.span(), "percent", subject_of_verb(ctx, verb), attribute, f"{value:g} %",
                       match.group(0), tolerance)  # fmt: skip
        found.append(Found(claim, terms, ctx.group, **clause_fields(ctx, local), head=attribute))
    return found

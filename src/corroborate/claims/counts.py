"""Numbers counting something ("74.2 million Twitter followers", "12 people")
and durations ("three weeks")."""

from __future__ import annotations

import re

from ..nlp import tokens_where
from .clauses import clause_fields, clause_terms
from .context import ArticleContext, Found, make_claim, stem, tokens_of
from .grammar import governing_verb, subject_of_noun, subject_of_verb
from .numbers import WORD_NUMBER, approximate, parse_number

# A number is read whole: "7,000 years" had been read from its last group, "000 years".
_DURATION = re.compile(
    rf"(?<![\d.,])\b(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{WORD_NUMBER}|a|an|a couple of)\s+(?P<unit>seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b"
    r"(?![- ](?:old|ago|earlier|later|before))",
    re.IGNORECASE,
)
_DURATION_CODE = {"second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "month": "M", "year": "Y"}
_DURATION_DAYS = {"second": 1 / 86400, "minute": 1 / 1440, "hour": 1 / 24, "day": 1, "week": 7, "month": 30.44,
                  "year": 365.25}  # fmt: skip
_TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "cent", "percent"}


def _after_amount(span) -> bool:
    """Whether the words before `span` end with an amount ("$2", "1.5 billion", "60 miles")."""
    if span.start == 0:
        return False
    before = span.doc[span.start - 1]
    return before.like_num or before.is_currency or any(child.dep_ == "nummod" for child in before.children)


def durations(ctx: ArticleContext, taken: list[tuple[int, int]]) -> list[Found]:
    found = []
    for match in _DURATION.finditer(ctx.article.text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        if match.group("num").lower() in ("a", "an") and match.group("unit").lower() == "second":
            continue  # "a second statement": an ordinal as often as a duration
        parsed = parse_number(match.group("num"))
        span = tokens_of(ctx, *match.span())
        if parsed is None or span is None or any(t.i in ctx.value_tokens for t in span):
            continue
        if match.group("num").lower() in ("a", "an") and _after_amount(span):
            continue  # "$2 a day", "$15 an hour": a rate, not how long something lasted
        unit = match.group("unit").lower().rstrip("s")
        count = parsed[0]
        code = _DURATION_CODE[unit]
        iso = f"PT{count:g}{code}" if unit in ("second", "minute", "hour") else f"P{count:g}{code}"
        days = count * _DURATION_DAYS[unit]
        approx = approximate(ctx.article.text, match.start())
        verb = governing_verb(span.root)
        skip = {t.i for t in span}
        _, terms, local = clause_terms(ctx, span.root, skip)
        # Agreeing within half the unit given, as counts and amounts do: "a day" is not
        # contradicted by "12 hours", nor "a year" by "eight months".
        tolerance = days * 0.25 if approx else _DURATION_DAYS[unit] / 2
        claim = make_claim(ctx, *match.span(), "duration", subject_of_verb(ctx, verb), f"duration ({verb.lemma_.lower()})",
                           f"{days:.6g} days", f"{match.group(0)} ({iso})", tolerance)  # fmt: skip
        found.append(Found(claim, terms, ctx.group, **clause_fields(ctx, local), head=verb.lemma_.lower()))
    return found


def counts(ctx: ArticleContext) -> list[Found]:
    """Numbers counting something: "74.2 million Twitter followers", "12 people"."""
    found = []
    doc = ctx.doc
    for token in tokens_where(doc, "DEP", ("nummod",)):
        if token.i in ctx.value_tokens or token.i in ctx.date_tokens:
            continue
        if not (token.like_num or token.lower_ == "dozen") or token.dep_ not in ("nummod",):
            continue
        noun = token.head
        if noun.pos_ != "NOUN" or noun.lemma_.lower() in _TIME_UNITS or noun.i in ctx.value_tokens:
            continue  # durations and ages are found on their own
        if not any(ch.isalpha() for ch in noun.text):
            continue  # "# 7" (a pound sign lost to a page's encoding) counts no thing
        number_tokens = [t for t in token.subtree if t.i not in ctx.value_tokens]
        if any(t.i in ctx.date_tokens for t in number_tokens):
            continue
        if _clock_time(doc, token):
            continue  # "8 a.m.": a time of day counts nothing (live blogs stamp every entry)
        start, end = number_tokens[0].idx, number_tokens[-1].idx + len(number_tokens[-1])
        text = ctx.article.text[start:end]
        words = text.split()
        if words and words[0].lower() in ("about", "around", "roughly", "some", "nearly", "almost", "over"):
            start += len(words[0]) + 1
            text = ctx.article.text[start:end]
        parsed = parse_number(text)
        if parsed is None or parsed[0] < 2:
            continue
        value, unit = parsed
        if noun.lemma_.lower() == "block" and value >= 100 and value % 100 == 0:
            continue  # "the 3100 block of North Avenue": a street address (US), counting no blocks
        compounds = [c.text for c in noun.children if c.dep_ == "compound" and c.i not in ctx.value_tokens]
        attribute = " ".join(compounds + [noun.lemma_.lower() if noun.tag_ != "NNPS" else noun.text])
        verb = governing_verb(noun)
        # What the verb did to the counted things is part of what is counted:
        # "12 people were injured" and "200 people were on the bridge" are two facts.
        if noun.dep_ in ("nsubj", "nsubjpass", "dobj") and verb.pos_ in ("VERB", "AUX"):
            attribute = f"{attribute} {verb.lower_}" if verb.tag_ == "VBN" else f"{attribute} ({verb.lemma_.lower()})"
        subject = None if noun.dep_ in ("nsubj", "nsubjpass") else subject_of_noun(ctx, noun)
        skip = {t.i for t in number_tokens}
        ctx.value_tokens |= skip
        _, terms, local = clause_terms(ctx, token, skip)
        tolerance = value * 0.1 if approximate(ctx.article.text, start) else unit / 2
        claim = make_claim(ctx, start, end, "count", subject, attribute, f"{value:g}", ctx.article.text[start:noun.idx + len(noun)],
                       tolerance)  # fmt: skip
        found.append(Found(claim, terms | {stem(noun.lemma_.lower())}, ctx.group, **clause_fields(ctx, local),
                            head=_count_predicate(noun, verb), thing=noun.lemma_.lower()))  # fmt: skip
    return found


_CLOCK = re.compile(r"[ap]\.?m\.?|o'clock", re.IGNORECASE)


def _clock_time(doc, number) -> bool:
    """Whether `number` is the hour of a time of day ("8 a.m.", "4 p.m. Cairo", "10
    o'clock"): the word after it, or the number's head, is a.m., p.m. or o'clock."""
    following = doc[number.i + 1] if number.i + 1 < len(doc) else None
    return any(t is not None and _CLOCK.fullmatch(t.text) for t in (following, number.head))


def _count_predicate(noun, verb) -> str:
    """What is said of the counted things, as a few words to embed: "injured"
    for "12 people were injured", "be on" for "200 people were on the bridge",
    "with on" for "with 200 people on it" ("hurt" and "injured" embed close)."""
    words = []
    if noun.dep_ in ("nsubj", "nsubjpass", "dobj") and verb.pos_ in ("VERB", "AUX"):
        words.append(verb.lemma_.lower())
        if verb.lemma_ == "be":
            words += [c.lower_ for c in verb.children if c.dep_ in ("prep", "acomp", "attr") and c.i != noun.i]
    else:
        head = noun.head
        words.append(head.lower_ if head.dep_ == "prep" else head.lemma_.lower())
        if head.dep_ == "prep" and head.lower_ == "of":
            words.append(head.head.lemma_.lower())  # "a crowd of 200 people"
    words += [c.lower_ for c in noun.children if c.dep_ in ("prep", "amod", "acl", "relcl")]
    return " ".join(words)

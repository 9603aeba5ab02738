"""Valued claims, and where the outlets of a story agree or conflict on them.

The `find_facts` stage:

1. parses each article with spaCy and builds the story's entities (entities.py:
   one canonical name per entity, descriptions and pronouns resolved);
2. works out each article's reference date (its published date, or a window
   inferred from its own dates and the other articles', dates.infer_reference);
3. finds valued claims: money ("$25 million" -> "25000000 USD"), counts ("74.2
   million Twitter followers"), ages ("Kardashian, 42,", "the 42-year-old"),
   children ("mother of four"), percentages, durations, dates of events, and the
   named participants of an event (who sued whom). The dependency parse gives
   each value its subject (the entity the clause is about) and its attribute
   (the noun or verb the value belongs to);
4. aligns claims about the same real-world fact across articles into one slot
   and classifies each slot:
   corroborated by k independent sources, single-source, or conflicting.

Alignment: one slot per real-world fact, each claim in at most one slot.
Ages and children counts align on their subject, participants on (subject,
verb, other party). Other claims are clustered per kind (money, count, date,
...) on a similarity of their contexts: the words of the value's clause
(entities by canonical name, other words by stem), embeddings of that clause
and of its sentence (nlp.embed), and of the head words saying what the value
is of ("injured" ~ "hurt"); counts of different things never share a slot.
Average-linkage clustering joins agreeing groups first, and joins groups
with different values only above a higher bar: a wrongly joined pair of
equal values costs little, a wrongly joined pair of different values invents
a conflict. An article never holds two different values of one slot (two
values in one article are two facts). Dates are clustered last: two dates
whose clauses hold claims of one slot ("closed three other footbridges on
Monday" / "on March 10") date one event. Claims that name nothing a reader can
recognise (no subject and only "be"/"have": "duration (be)"; a copula dated
"On Tuesday it was a wreck"; speech verbs as participants) are dropped. A
rounding difference ("74.2 million" vs "74 million", "about 200" vs "200") or
a coarser date ("November" vs "November 23") is not a conflict; a different
currency is not comparable, so not a conflict either.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from . import dates as datemod
from .config import BriefOptions
from .entities import EntityIndex, in_quote, build_index
from .model import Article, Brief, Claim, FactSlot, Span

_CURRENCIES = {"$": "USD", "us$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "dollars": "USD", "dollar": "USD",
               "euros": "EUR", "euro": "EUR", "pounds": "GBP", "yen": "JPY"}  # fmt: skip
_MULTIPLIERS = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9,
                "b": 1e9, "trillion": 1e12, "tn": 1e12, "dozen": 12, "hundred": 100}  # fmt: skip
_APPROX = re.compile(r"\b(?:about|around|roughly|some|nearly|almost|approximately|more than|over|up to|at least|"
                     r"close to|just under|just over|an estimated)\s*$", re.IGNORECASE)  # fmt: skip
_NUM = r"\d[\d,]*(?:\.\d+)?"
_MONEY = re.compile(
    rf"(?P<cur>US\$|\$|£|€|¥)\s?(?P<num>{_NUM})(?:\s?(?P<mult>million|billion|trillion|thousand|bn|mn|tn|m|k)\b)?"
    rf"|\b(?P<num2>{_NUM})\s?(?P<mult2>million|billion|trillion|thousand)?\s+(?P<cur2>dollars|euros|pounds|yen)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"\b(?P<num>{_NUM})\s?(?:%|percent\b|per cent\b)", re.IGNORECASE)
_WORD_NUMBER = (
    r"\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    r"|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:one|two|three|four|five|six|seven|eight|nine)"
)
_AGE_HYPHEN = re.compile(rf"\b(?P<num>{_WORD_NUMBER})[- ]years?[- ]old\b", re.IGNORECASE)
_AGE_APPOS = re.compile(r"(?<=\w), (?P<num>\d{1,3})(?=,|\)| and\b| who\b|\.)")
_AGED = re.compile(r"\baged (?P<num>\d{1,3})\b")
_CHILDREN = re.compile(rf"\b(?:mother|mom|mum|father|dad|parent)[- ]of[- ](?P<num>{_WORD_NUMBER})\b", re.IGNORECASE)
_DURATION = re.compile(
    rf"\b(?P<num>{_WORD_NUMBER}|a|an|a couple of)\s+(?P<unit>seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b"
    r"(?![- ](?:old|ago|earlier|later|before))",
    re.IGNORECASE,
)
_DURATION_CODE = {"second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "month": "M", "year": "Y"}
_DURATION_DAYS = {"second": 1 / 86400, "minute": 1 / 1440, "hour": 1 / 24, "day": 1, "week": 7, "month": 30.44,
                  "year": 365.25}  # fmt: skip
_DATE_WORDS = set(datemod.MONTHS) | set(datemod.WEEKDAYS) | {"night", "morning", "afternoon", "evening", "late",
                                                             "early", "day", "week", "month", "year", "ago"}  # fmt: skip
_TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "cent", "percent"}
_PARTICIPANT_PREPS = {"against", "with", "by"}
_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
_SKIP_CLAUSE_DEPS = {"advcl", "relcl", "parataxis", "conj"}


# --- parsing ----------------------------------------------------------------


def parse(articles: Sequence[Article]) -> list:
    """spaCy docs of the articles, from the process-wide cache of `nlp.parse_texts`
    (the quotes stage parses the same full texts, so one parse serves both)."""
    from .nlp import parse_texts

    return parse_texts([a.text for a in articles])


# --- numbers ----------------------------------------------------------------


def parse_number(text: str) -> tuple[float, float] | None:
    """A number written in digits and/or words -> (value, the unit of its last
    significant figure), e.g. "74.2 million" -> (74200000, 100000); "a dozen" -> (12, 1)."""
    words = text.lower().replace(",", "").replace("-", " ").split()
    words = [w for w in words if w not in ("a", "an", "of")] or ["1"]
    value: float | None = None
    unit = 1.0
    rest: list[str] = []
    for word in words:
        if re.fullmatch(r"\d+(?:\.\d+)?", word):
            value = float(word)
            decimals = len(word.split(".")[1]) if "." in word else 0
            unit = 10.0**-decimals
        elif word in _MULTIPLIERS and (value is not None or word in ("dozen", "hundred")):
            factor = _MULTIPLIERS[word]
            if value is None:  # "a dozen": exactly twelve
                value = factor
            else:  # "74.2 million": the unit of the last figure scales too
                value *= factor
                unit *= factor
        else:
            rest.append(word)
    if rest:
        from text_to_num import text2num

        try:
            worded = float(text2num(" ".join(rest), "en"))
        except ValueError:
            return None
        value = worded if value is None else value * worded
    return (value, unit) if value is not None else None


def _approximate(text: str, start: int) -> bool:
    return bool(_APPROX.search(text[max(0, start - 20) : start]))


def values_agree(left: Claim, right: Claim) -> bool:
    """Whether two claims' values can both be true (rounding, precision, units)."""
    if left.kind == "date" or right.kind == "date":
        return _dates_agree(left, right)
    if left.kind in ("participants",):
        return True
    if left.value == right.value:
        return True
    left_parts, right_parts = left.value.split(), right.value.split()
    if len(left_parts) > 1 and len(right_parts) > 1 and left_parts[1] != right_parts[1]:
        return True  # different currencies or units: not comparable, so not a conflict
    try:
        a, b = float(left_parts[0].lstrip("~P")), float(right_parts[0].lstrip("~P"))
    except ValueError:
        return left.value == right.value
    tolerance = max(left.tolerance, right.tolerance)
    return abs(a - b) <= tolerance + 1e-9


def _dates_agree(left: Claim, right: Claim) -> bool:
    a, b = dt.date.fromisoformat(left.value), dt.date.fromisoformat(right.value)
    order = {"day": 0, "week": 1, "month": 2, "year": 3}
    coarse = max(left.precision or "day", right.precision or "day", key=order.__getitem__)
    if coarse == "year":
        return a.year == b.year
    if coarse == "month":
        if "week" in (left.precision, right.precision):  # a week may straddle two months
            week = a if left.precision == "week" else b
            other = b if week is a else a
            return any((week + dt.timedelta(days=d)).month == other.month for d in range(7))
        return (a.year, a.month) == (b.year, b.month)
    if coarse == "week":
        return a - dt.timedelta(days=a.weekday()) == b - dt.timedelta(days=b.weekday())
    return a == b


# --- finding claims ---------------------------------------------------------


@dataclass
class _Found:
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


@dataclass
class _ArticleContext:
    article: Article
    doc: object
    index: EntityIndex
    window: datemod.ReferenceWindow
    group: int
    sentences: tuple[Span, ...] = ()
    date_tokens: set[int] = field(default_factory=set)
    value_tokens: set[int] = field(default_factory=set)
    last_clause: tuple[int, frozenset[int]] = (-1, frozenset())  # anchor token, clause tokens of the last claim


def _stem(word: str) -> str:
    # A five-letter prefix joins "apology"/"apologise" and "renovation"/"renovate"
    # without a stemmer dependency.
    return word[:5]


def _tokens_of(ctx: _ArticleContext, start: int, end: int):
    span = ctx.doc.char_span(start, end, alignment_mode="expand")
    return span


def _name(ctx: _ArticleContext, token) -> str | None:
    return ctx.index.name_at(ctx.article.id, token.i)


def _named_in(ctx: _ArticleContext, tokens) -> str | None:
    for token in tokens:
        name = _name(ctx, token)
        if name:
            return name
    return None


def _misparsed_verb(token) -> bool:
    """A word tagged as a verb that heads no clause: a participle modifying a
    noun, or a "verb" coordinated with a noun ("the production firm and set
    designer": `set` is part of a noun phrase)."""
    return token.dep_ in ("amod", "compound") or (token.dep_ == "conj" and token.head.pos_ in ("NOUN", "PROPN"))


def _unlikely_verb(verb) -> bool:
    """A verb the tagger got wrong: misparsed (above), or a bare infinitive
    coordinated with a finite verb and no auxiliary of its own ("has filed a
    suit against X and set designer Y": `set` is a noun's modifier)."""
    if _misparsed_verb(verb):
        return True
    return (
        verb.dep_ == "conj"
        and verb.tag_ == "VB"
        and verb.head.tag_ in ("VBD", "VBN", "VBZ", "VBG")
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
    )


def _governing_verb(token):
    steps = 0
    while (token.pos_ not in ("VERB", "AUX") or _unlikely_verb(token)) and token.head.i != token.i and steps < 8:
        token = token.head
        steps += 1
    return token


def _subject_of_verb(ctx: _ArticleContext, verb) -> str | None:
    for _ in range(4):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
                if child.lower_ in ("who", "which", "that") and verb.dep_ in ("relcl", "acl"):
                    return _named_in(ctx, [verb.head]) or _named_in(ctx, verb.head.subtree)
                return _name(ctx, child) or _named_in(ctx, child.subtree)
            if child.dep_ == "agent":
                named = _named_in(ctx, child.subtree)
                if named:
                    return named
        if verb.dep_ in ("conj", "xcomp", "advcl", "acl", "relcl", "ccomp") and verb.head.i != verb.i:
            if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
                named = _name(ctx, verb.head)
                if named and verb.dep_ == "relcl":
                    return named
            verb = verb.head if verb.head.pos_ in ("VERB", "AUX") else _governing_verb(verb.head)
            continue
        break
    return None


def _subject_of_noun(ctx: _ArticleContext, noun) -> str | None:
    """Who a noun with a value belongs to: its possessor, its agent ("by X"),
    else the subject of its clause."""
    for child in noun.children:
        if child.dep_ == "poss":
            named = _name(ctx, child)
            if named:
                return named
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            named = _named_in(ctx, child.subtree)
            if named:
                return named
    if noun.dep_ in ("nsubj", "nsubjpass"):
        return None
    return _subject_of_verb(ctx, _governing_verb(noun))


def _clause_terms(ctx: _ArticleContext, anchor, skip: set[int]) -> tuple[object, frozenset[str], str]:
    """The clause a value belongs to, as a set of terms: canonical entity names
    and stemmed content words, without the value itself and without sub-clauses
    that are about something else (carrying their own date); and the same
    clause as text (names canonical, value and dates left out), for embedding."""
    verb = _governing_verb(anchor)
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
    first, last = _paragraph(ctx.article.text, anchor.idx)
    local = _clause_text(ctx, tokens, skip, first, last)
    ctx.last_clause = (anchor.i, frozenset(t.i for t in tokens if first <= t.idx < last))
    if _reports_statement(verb):
        tokens.extend(_adjacent_quote(ctx, anchor))
    terms: set[str] = set()
    for token in tokens:
        if token.i in skip or not first <= token.idx < last:
            continue
        name = _name(ctx, token)
        if name:
            terms.add(name.casefold())
            continue
        if token.pos_ in _CONTENT_POS and not token.is_stop and token.lower_ not in _DATE_WORDS and token.is_alpha:
            terms.add(_stem(token.lemma_.lower()))
    return verb, frozenset(terms), local


def _clause_fields(ctx: _ArticleContext, local: str) -> dict:
    """The clause of the claim just found, for `_Found`."""
    return {"local": local, "anchor": ctx.last_clause[0], "clause": ctx.last_clause[1]}


def _clause_text(ctx: _ArticleContext, tokens, skip: set[int], first: int, last: int) -> str:
    words: list[str] = []
    previous_name = None
    for token in sorted(tokens, key=lambda t: t.i):
        hidden = token.i in skip or token.i in ctx.date_tokens or token.i in ctx.value_tokens
        if hidden or not first <= token.idx < last or token.is_punct:
            continue
        name = _name(ctx, token)
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


def _paragraph(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


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


def _adjacent_quote(ctx: _ArticleContext, anchor) -> list:
    """The tokens of a quotation that a sentence attributes ('"...," the company
    wrote on November 23'; 'writing: "..."'): what the statement says is what
    tells two reports of it apart from other statements."""
    text = ctx.article.text
    start, end = _paragraph(text, anchor.idx)
    sentence_start = max(anchor.sent.start_char, start)
    sentence_end = min(anchor.sent.end_char, end)
    tokens = []
    for match in _QUOTED.finditer(text, start, end):
        if sentence_start - 3 <= match.end() and match.start() <= sentence_end + 3:
            quoted = ctx.doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
            if quoted is not None:
                tokens.extend(quoted)
    return tokens


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
            parts.append(child.lemma_.lower() if child.pos_ == "NOUN" else child.text)
            break
    event = " ".join(parts)
    if event in _STATEMENT_EVENTS or parts[0] in _STATEMENT_EVENTS:
        return "statement"
    return event


def _sentence_around(ctx: _ArticleContext, start: int) -> Span | None:
    """The brief's sentence holding a claim (the project's splitter keeps to
    paragraphs; spaCy's parser sometimes runs a sentence across them)."""
    for sentence in ctx.sentences:
        if sentence.start <= start < sentence.end:
            return sentence
    first, last = _paragraph(ctx.article.text, start)
    return Span(ctx.article.id, first, last)


def _claim(ctx, start, end, kind, subject, attribute, value, display, tolerance=0.0, precision=None, inferred=False):
    context = _sentence_around(ctx, start)
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


def _money(ctx: _ArticleContext) -> list[_Found]:
    found = []
    text = ctx.article.text
    for match in _MONEY.finditer(text):
        currency = _CURRENCIES[(match.group("cur") or match.group("cur2")).lower()]
        number = match.group("num") or match.group("num2")
        multiplier = match.group("mult") or match.group("mult2") or ""
        parsed = parse_number(f"{number} {multiplier}")
        span = _tokens_of(ctx, *match.span())
        if parsed is None or span is None:
            continue
        value, unit = parsed
        tolerance = value * 0.1 if _approximate(text, match.start()) else unit / 2
        anchor = span.root
        noun = anchor.head if anchor.dep_ in ("compound", "nummod", "amod", "nmod", "quantmod") else None
        if noun is not None and noun.pos_ in ("NOUN", "PROPN"):
            attribute = f"amount of {noun.lemma_.lower()}"
            subject = _subject_of_noun(ctx, noun)
        else:
            verb = _governing_verb(anchor)
            attribute = f"amount ({verb.lemma_.lower()})"
            subject = _subject_of_verb(ctx, verb)
        skip = {t.i for t in span}
        ctx.value_tokens |= skip
        _, terms, local = _clause_terms(ctx, anchor, skip)
        claim = _claim(ctx, *match.span(), "money", subject, attribute, f"{value:.0f} {currency}", match.group(0),
                       tolerance)  # fmt: skip
        head = noun.lemma_.lower() if noun is not None and noun.pos_ in ("NOUN", "PROPN") else attribute
        terms |= {attribute.split()[-1][:5]}
        found.append(_Found(claim, terms, ctx.group, head=head, **_clause_fields(ctx, local)))
    return found


def _percentages(ctx: _ArticleContext) -> list[_Found]:
    found = []
    for match in _PERCENT.finditer(ctx.article.text):
        span = _tokens_of(ctx, *match.span())
        parsed = parse_number(match.group("num"))
        if span is None or parsed is None:
            continue
        value, unit = parsed
        anchor = span.root
        verb = _governing_verb(anchor)
        of_noun = next((c for t in span for c in t.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        target = next((c for c in of_noun.children if c.dep_ == "pobj"), None) if of_noun is not None else None
        attribute = f"share of {target.lemma_.lower()}" if target is not None else f"percentage ({verb.lemma_.lower()})"
        skip = {t.i for t in span}
        ctx.value_tokens |= skip
        _, terms, local = _clause_terms(ctx, anchor, skip)
        tolerance = value * 0.1 if _approximate(ctx.article.text, match.start()) else unit / 2
        claim = _claim(ctx, *match.span(), "percent", _subject_of_verb(ctx, verb), attribute, f"{value:g} %",
                       match.group(0), tolerance)  # fmt: skip
        found.append(_Found(claim, terms, ctx.group, **_clause_fields(ctx, local), head=attribute))
    return found


def _ages(ctx: _ArticleContext) -> list[_Found]:
    found = []
    text = ctx.article.text
    for pattern in (_AGE_HYPHEN, _AGE_APPOS, _AGED):
        for match in pattern.finditer(text):
            span = _tokens_of(ctx, *match.span())
            parsed = parse_number(match.group("num"))
            if span is None or parsed is None or not 0 < parsed[0] < 125:
                continue
            if any(t.i in ctx.value_tokens for t in span):
                continue
            if pattern is _AGE_HYPHEN:
                holder = span.root.head if span.root.dep_ in ("amod", "compound", "nmod") else span.root
                subject = _named_in(ctx, span) or _name(ctx, holder)
                if subject is None and holder.dep_ == "appos":
                    subject = _name(ctx, holder.head)
            else:
                before = ctx.doc.char_span(*_word_before(text, match.start()), alignment_mode="expand")
                subject = _named_in(ctx, before) if before is not None else None
            if subject is None or ctx.index.kind_of(subject) != "PERSON":
                continue
            ctx.value_tokens |= {t.i for t in span}
            claim = _claim(ctx, *match.span(), "age", subject, "age", f"{parsed[0]:g}", match.group(0).strip(", "))
            found.append(_Found(claim, frozenset({subject.casefold(), "age"}), ctx.group, key=(subject, "age")))
    return found


def _word_before(text: str, offset: int) -> tuple[int, int]:
    match = re.search(r"(\w[\w'’.-]*)\s*$", text[max(0, offset - 40) : offset])
    if not match:
        return offset, offset
    start = max(0, offset - 40) + match.start(1)
    return start, start + len(match.group(1))


def _children(ctx: _ArticleContext) -> list[_Found]:
    found = []
    for match in _CHILDREN.finditer(ctx.article.text):
        span = _tokens_of(ctx, *match.span())
        parsed = parse_number(match.group("num"))
        if span is None or parsed is None:
            continue
        subject = _named_in(ctx, span)
        if subject is None:
            root = span.root
            verb = _governing_verb(root)
            subject = _subject_of_verb(ctx, verb) if root.dep_ not in ("nsubj",) else None
        if subject is None or ctx.index.kind_of(subject) != "PERSON":
            continue
        ctx.value_tokens |= {t.i for t in span}
        claim = _claim(ctx, *match.span(), "count", subject, "number of children", f"{parsed[0]:g}", match.group(0))
        found.append(_Found(claim, frozenset({subject.casefold(), "child"}), ctx.group,
                            key=(subject, "number of children")))  # fmt: skip
    return found


def _durations(ctx: _ArticleContext, taken: list[tuple[int, int]]) -> list[_Found]:
    found = []
    for match in _DURATION.finditer(ctx.article.text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        if match.group("num").lower() in ("a", "an") and match.group("unit").lower() == "second":
            continue  # "a second statement": an ordinal as often as a duration
        parsed = parse_number(match.group("num"))
        span = _tokens_of(ctx, *match.span())
        if parsed is None or span is None or any(t.i in ctx.value_tokens for t in span):
            continue
        unit = match.group("unit").lower().rstrip("s")
        count = parsed[0]
        code = _DURATION_CODE[unit]
        iso = f"PT{count:g}{code}" if unit in ("second", "minute", "hour") else f"P{count:g}{code}"
        days = count * _DURATION_DAYS[unit]
        approx = _approximate(ctx.article.text, match.start())
        verb = _governing_verb(span.root)
        skip = {t.i for t in span}
        _, terms, local = _clause_terms(ctx, span.root, skip)
        claim = _claim(ctx, *match.span(), "duration", _subject_of_verb(ctx, verb), f"duration ({verb.lemma_.lower()})",
                       f"{days:.6g} days", f"{match.group(0)} ({iso})", days * (0.25 if approx else 0.01))  # fmt: skip
        found.append(_Found(claim, terms, ctx.group, **_clause_fields(ctx, local), head=verb.lemma_.lower()))
    return found


def _counts(ctx: _ArticleContext) -> list[_Found]:
    """Numbers counting something: "74.2 million Twitter followers", "12 people"."""
    found = []
    doc = ctx.doc
    for token in doc:
        if token.i in ctx.value_tokens or token.i in ctx.date_tokens:
            continue
        if not (token.like_num or token.lower_ == "dozen") or token.dep_ not in ("nummod",):
            continue
        noun = token.head
        if noun.pos_ != "NOUN" or noun.lemma_.lower() in _TIME_UNITS or noun.i in ctx.value_tokens:
            continue  # durations and ages are found on their own
        number_tokens = [t for t in token.subtree if t.i not in ctx.value_tokens]
        if any(t.i in ctx.date_tokens for t in number_tokens):
            continue
        start, end = number_tokens[0].idx, number_tokens[-1].idx + len(number_tokens[-1])
        text = doc.text[start:end]
        words = text.split()
        if words and words[0].lower() in ("about", "around", "roughly", "some", "nearly", "almost", "over"):
            start += len(words[0]) + 1
            text = doc.text[start:end]
        parsed = parse_number(text)
        if parsed is None or parsed[0] < 2:
            continue
        value, unit = parsed
        compounds = [c.text for c in noun.children if c.dep_ == "compound" and c.i not in ctx.value_tokens]
        attribute = " ".join(compounds + [noun.lemma_.lower() if noun.tag_ != "NNPS" else noun.text])
        verb = _governing_verb(noun)
        # What the verb did to the counted things is part of what is counted:
        # "12 people were injured" and "200 people were on the bridge" are two facts.
        if noun.dep_ in ("nsubj", "nsubjpass", "dobj") and verb.pos_ in ("VERB", "AUX"):
            attribute = f"{attribute} {verb.lower_}" if verb.tag_ == "VBN" else f"{attribute} ({verb.lemma_.lower()})"
        subject = None if noun.dep_ in ("nsubj", "nsubjpass") else _subject_of_noun(ctx, noun)
        skip = {t.i for t in number_tokens}
        ctx.value_tokens |= skip
        _, terms, local = _clause_terms(ctx, token, skip)
        tolerance = value * 0.1 if _approximate(doc.text, start) else unit / 2
        claim = _claim(ctx, start, end, "count", subject, attribute, f"{value:g}", doc.text[start:noun.idx + len(noun)],
                       tolerance)  # fmt: skip
        found.append(_Found(claim, terms | {_stem(noun.lemma_.lower())}, ctx.group, **_clause_fields(ctx, local),
                            head=_count_predicate(noun, verb), thing=noun.lemma_.lower()))  # fmt: skip
    return found


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


def _participants(ctx: _ArticleContext) -> list[_Found]:
    """Who did what to whom: a verb whose subject and object are both named
    people or organisations ("Balenciaga filed a lawsuit against North Siz")."""
    found = []
    kinds = ("PERSON", "ORG")
    for verb in ctx.doc:
        if verb.pos_ != "VERB" or _unlikely_verb(verb):
            continue
        subject = _subject_of_verb(ctx, verb)
        if subject is None or ctx.index.kind_of(subject) not in kinds:
            continue
        objects: list[tuple[str, str]] = []
        for child in verb.children:
            if child.dep_ == "dobj":
                named = _name(ctx, child)
                if named:
                    objects.append((verb.lemma_.lower(), named))
                for prep in child.children:
                    if prep.dep_ == "prep" and prep.lower_ in _PARTICIPANT_PREPS:
                        for name in _names_in(ctx, prep.subtree):
                            objects.append((f"{verb.lemma_.lower()} {child.lemma_.lower()} {prep.lower_}", name))
            elif child.dep_ == "prep" and child.lower_ in ("against",):
                for name in _names_in(ctx, child.subtree):
                    objects.append((f"{verb.lemma_.lower()} {child.lower_}", name))
        for attribute, name in objects:
            if name == subject or ctx.index.kind_of(name) not in kinds:
                continue
            claim = _claim(ctx, verb.idx, verb.idx + len(verb), "participants", subject, attribute, name, name)
            # "re-evaluating her relationship with", "... her partnership with": one
            # relation between the two, named by its verb.
            key = (subject, verb.lemma_.lower(), name)
            found.append(_Found(claim, frozenset(), ctx.group, key=key, head=verb.lemma_.lower()))
    return found


def _unattributed_quote(ctx: _ArticleContext, offset: int) -> bool:
    """Whether `offset` is inside a quotation that no named person or
    organisation is said to have written ('A second added: "... this
    weekend"', 'One person tweeted: "..."'): what an anonymous post says
    happened is not an event the story reports."""
    text = ctx.article.text
    if not in_quote(text, offset):
        return False
    first, last = _paragraph(text, offset)
    for token in ctx.doc.char_span(first, last, alignment_mode="expand") or ():
        if in_quote(text, token.idx) or token.is_punct:
            continue
        name = _name(ctx, token)
        if name and ctx.index.kind_of(name) in ("PERSON", "ORG"):
            return False
    return True


def _names_in(ctx: _ArticleContext, tokens) -> list[str]:
    names: list[str] = []
    for token in tokens:
        name = _name(ctx, token)
        if name and name not in names:
            names.append(name)
    return names


def _dates(ctx: _ArticleContext, mentions: list[datemod.DateMention]) -> list[_Found]:
    found = []
    for mention in mentions:
        if mention.date is None:
            continue
        span = _tokens_of(ctx, mention.start, mention.end)
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
        verb, terms, local = _clause_terms(ctx, anchor, skip)
        if modifies_noun and anchor.head.pos_ == "NOUN":
            subject = _subject_of_noun(ctx, anchor.head)
        else:
            subject = _subject_of_verb(ctx, verb)
        event = _event(verb, anchor)
        inferred = ctx.window.inferred and datemod.needs_reference(mention)
        claim = _claim(ctx, mention.start, mention.end, "date", subject, f"date of {event}", mention.date.isoformat(),
                       mention.expression, precision=mention.precision, inferred=inferred)  # fmt: skip
        terms |= {subject.casefold()} if subject else set()
        found.append(_Found(claim, terms, ctx.group, event=event, head=event, **_clause_fields(ctx, local)))
    return found


def extract_claims(ctx: _ArticleContext) -> list[_Found]:
    mentions = datemod.find_dates(ctx.article.text, ctx.window.reference)
    for mention in mentions:
        span = _tokens_of(ctx, mention.start, mention.end)
        if span is not None:
            ctx.date_tokens |= {t.i for t in span}
    found = _money(ctx) + _percentages(ctx) + _children(ctx) + _ages(ctx)
    found += _durations(ctx, [(m.start, m.end) for m in mentions])
    found += _counts(ctx) + _dates(ctx, mentions) + _participants(ctx)
    return found


# How far below its sentence's main clause a date sits: a relative or
# adverbial clause ("..., who made headlines in 2021") is background to the
# main event; a reduced participle ("people cast in the show in July") less
# so; a date that only modifies a noun ("the 1994 bridge") a little.
_CLAUSE_DEPTH = {"relcl": 1.0, "advcl": 1.0, "ccomp": 1.0, "csubj": 1.0, "parataxis": 1.0, "acl": 0.5}
_NOUN_MODIFIER_DEPTH = 0.25


def clause_depth(doc, start: int, end: int) -> float:
    """How subordinate the clause holding the text at [start, end) is in its
    sentence (0: the main clause; see _CLAUSE_DEPTH)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return 0.0
    token = span.root
    depth = _NOUN_MODIFIER_DEPTH if token.dep_ in ("compound", "nummod", "amod", "nmod", "poss") else 0.0
    steps = 0
    while token.head.i != token.i and steps < 40:
        if not (token.dep_ in ("ccomp", "parataxis") and token.head.dep_ == "ROOT"):
            depth += _CLAUSE_DEPTH.get(token.dep_, 0.0)  # "X was approved in 2023, minutes show": X is the content
        token = token.head
        steps += 1
    return depth


def clause_span(doc, start: int, end: int) -> tuple[int, int]:
    """Characters of the clause holding the text at [start, end): its verb's
    words, from the noun a relative clause describes ("the bridge, which
    opened in 1984")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return start, end
    verb = _governing_verb(span.root)
    first = verb.head if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN") else verb
    left = min(first.left_edge.i, verb.left_edge.i) if first is not verb else verb.left_edge.i
    right = verb.right_edge
    while right.i > left and right.is_punct:
        right = doc[right.i - 1]
    return doc[left].idx, right.idx + len(right)


def claim_depths(brief: Brief, claims: Sequence[Claim]) -> dict[Span, float]:
    """`clause_depth` of each claim's value (the parse comes from the process-wide cache)."""
    docs = dict(zip((a.id for a in brief.articles), parse(brief.articles)))
    return {c.span: clause_depth(docs[c.span.article_id], c.span.start, c.span.end) for c in claims}


# --- reference dates --------------------------------------------------------


def reference_windows(brief: Brief, options: BriefOptions) -> dict[str, datemod.ReferenceWindow]:
    given = dt.date.fromisoformat(options.reference_date) if options.reference_date else None
    story_dates = [a.published for a in brief.articles if a.published]
    windows = {}
    for article in brief.articles:
        if article.published is None and given is not None:
            windows[article.id] = datemod.ReferenceWindow(given, given, given, inferred=False)
        else:
            windows[article.id] = datemod.infer_reference(article.text, article.published, story_dates, given)
    return windows


# --- alignment --------------------------------------------------------------

# Verbs that say little about which fact a value belongs to: a slot named only
# by one of them ("duration (be)", "date of be") and by no subject tells a
# reader nothing, and speech verbs name no relation between two parties.
_LIGHT_VERBS = {"be", "have", "do", "get", "make", "take", "go", "come", "put", "give"}
_SPEECH_VERBS = {"say", "tell", "write", "add", "tweet", "state", "post", "explain", "ask", "call"}


def informative(item: _Found) -> bool:
    """Whether a claim names a fact a reader can recognise (see _LIGHT_VERBS)."""
    claim = item.claim
    first = item.head.split()[0] if item.head else ""
    if claim.kind == "participants":
        return first not in _LIGHT_VERBS | _SPEECH_VERBS
    if claim.kind == "date" and first == "be":
        return False  # "On Tuesday it was a wreck": a copula dates a state, not an event
    if claim.kind in ("duration", "date", "money", "percent") and not claim.subject:
        return item.head not in _LIGHT_VERBS and bool(item.head)  # "gave way" says what happened; "was" does not
    return True


def _weights(items: Sequence[_Found]) -> dict[str, float]:
    """Inverse document frequency of clause terms over the story's claims: the
    story's main names occur in every clause and say little about which event
    a clause reports. A word no other claim has cannot link two claims; it
    counts with weight 1 (it still says the clause is about more)."""
    counts = Counter(term for item in items for term in item.terms)
    total = len(items) + 1
    return {term: math.log(total / count) if count > 1 else 1.0 for term, count in counts.items()}


def _term_similarity(left: _Found, right: _Found, weights: dict[str, float]) -> float:
    """Weighted cosine of two claims' clause-term sets."""
    if not left.terms or not right.terms:
        return 0.0
    shared = sum(weights.get(t, 0.0) for t in left.terms & right.terms)
    norm = math.sqrt(sum(weights.get(t, 0.0) for t in left.terms) * sum(weights.get(t, 0.0) for t in right.terms))
    return shared / norm if norm > 0 else 0.0


# How much each view of a claim's context counts in the similarity of two
# claims: the words of its clause (stems and canonical names, rare ones
# weighing more), the embedding of that clause without the value, the
# embedding of its whole sentence, and the embedding of its head words ("hurt"
# and "injured" are close; "be on" is not). The clause separates two values of
# one sentence; the sentence and the embeddings see through rewording. What a
# count counts is said by its head ("12 people were injured"); the event a date
# belongs to, by its clause ("gave way" and "collapsed" embed far apart).
_VIEW_WEIGHTS = {
    "count": {"terms": 0.25, "clause": 0.2, "sentence": 0.1, "head": 0.45},
    "date": {"terms": 0.35, "clause": 0.35, "sentence": 0.1, "head": 0.2},
    "": {"terms": 0.35, "clause": 0.3, "sentence": 0.1, "head": 0.25},
}
# Two reports of one value that each article gives once ("200 people" in
# each) are likely one fact; two dates whose clauses hold claims of one slot
# (the closure of "three other footbridges" on Monday / on March 10) report
# one event.
# Days are weaker evidence than counts and amounts: one day dates many events.
SAME_VALUE_BONUS = {"date": 0.1, "": 0.2}
SHARED_SLOT_BONUS = 0.25
# Similarity above which two groups of claims are one slot (average over their
# pairs of claims) when all their values agree, and when some values differ:
# a wrongly joined pair of equal values costs little, a wrongly joined pair of
# different values invents a conflict. Chosen on the bundled example story,
# the Balenciaga articles and the unit-test story (tests/test_claims.py).
# Dates need more to conflict: most of a story's dates are about its main
# person or organisation, so their clauses look alike more often than those of
# two counts of one thing or two amounts.
SAME_SLOT_AGREEING = 0.42
SAME_SLOT_CONFLICTING = {"date": 0.55, "": 0.45}


def similarities(items: Sequence[_Found], links: Sequence[frozenset[int]] | None = None):
    """Pairwise similarity of claims (0 within one article: an article's own
    claims are linked only through other articles' reports). `links[i]`: the
    slots of other claims in claim i's clause."""
    import numpy as np

    n = len(items)
    weights = _weights(items)
    view = _VIEW_WEIGHTS.get(items[0].claim.kind, _VIEW_WEIGHTS[""]) if items else _VIEW_WEIGHTS[""]
    terms = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            terms[i, j] = terms[j, i] = _term_similarity(items[i], items[j], weights)
    sim = view["terms"] * terms
    for name, column in (("clause", 0), ("sentence", 1), ("head", 2)):
        vectors = np.stack([item.vectors[column] for item in items])
        sim += view[name] * np.clip(vectors @ vectors.T, 0.0, 1.0)
    once = Counter((item.claim.span.article_id, item.claim.value) for item in items)
    for i in range(n):
        for j in range(i + 1, n):
            left, right = items[i].claim, items[j].claim
            a, b = left.subject, right.subject
            if left.span.article_id == right.span.article_id or items[i].thing != items[j].thing:
                sim[i, j] = sim[j, i] = 0.0  # counts of different things are never one fact
                continue
            value = sim[i, j]
            if a and b and a != b:
                value -= 0.15
            elif a and a == b:
                value += 0.1
            unique = once[(left.span.article_id, left.value)] == once[(right.span.article_id, right.value)] == 1
            if left.value == right.value and (left.precision or "day") == "day" and unique:
                value += SAME_VALUE_BONUS.get(left.kind, SAME_VALUE_BONUS[""])
            if links is not None and links[i] & links[j]:
                value += SHARED_SLOT_BONUS
            sim[i, j] = sim[j, i] = value
    return sim


def align(found: Sequence[_Found]) -> list[list[_Found]]:
    """Group the claims of all articles into slots (see the module docstring).
    Dates come last: the slots of the values in their clauses help tell which
    event each one dates."""
    clusters: list[list[_Found]] = []
    keyed: dict[tuple, list[_Found]] = {}
    free: dict[str, list[_Found]] = {}
    for item in found:
        if item.key is not None:
            keyed.setdefault((item.claim.kind, *item.key), []).append(item)
        else:
            free.setdefault(item.claim.kind, []).append(item)
    clusters.extend(keyed.values())
    for kind, items in free.items():
        if kind != "date":
            clusters.extend(_cluster(items))
    if "date" in free:
        slot_of = {id(item): number for number, cluster in enumerate(clusters) for item in cluster}
        valued: dict[str, list[_Found]] = {}
        for item in found:
            if item.claim.kind != "date" and item.anchor >= 0:
                valued.setdefault(item.claim.span.article_id, []).append(item)
        links = []
        for item in free["date"]:
            near = valued.get(item.claim.span.article_id, [])
            links.append(frozenset(slot_of[id(other)] for other in near
                                   if other.anchor in item.clause or item.anchor in other.clause))  # fmt: skip
        clusters.extend(_cluster(free["date"], links))
    return clusters


def _cluster(items: list[_Found], links: Sequence[frozenset[int]] | None = None) -> list[list[_Found]]:
    """Average-linkage agglomerative clustering under two rules: an article
    never holds two different values of one slot (two values in one article
    are two facts), and groups whose values differ join only above the
    stricter bar, after every join of agreeing groups (reports that agree
    gather first, so a conflict is judged between whole groups of reports).
    Sums over pairs are kept per pair of clusters, so each join costs O(n)."""
    import numpy as np

    n = len(items)
    if n < 2:
        return [items]
    sim = similarities(items, links)
    conflict_bar = SAME_SLOT_CONFLICTING.get(items[0].claim.kind, SAME_SLOT_CONFLICTING[""])
    articles = [item.claim.span.article_id for item in items]
    cross = np.array([[a != b for b in articles] for a in articles], dtype=np.float32)
    differ = np.array([[not values_agree(x.claim, y.claim) for y in items] for x in items], dtype=np.float32)
    forbidden = differ * (1.0 - cross)  # one article, two different values
    sim_sum, cross_sum, differ_sum, forbidden_sum = sim * cross, cross.copy(), differ.copy(), forbidden.copy()
    differ_sim = sim * cross * differ
    members: list[list[int]] = [[i] for i in range(n)]
    alive = np.ones(n, dtype=bool)
    while True:
        with np.errstate(invalid="ignore", divide="ignore"):
            average = np.where(cross_sum > 0, sim_sum / np.maximum(cross_sum, 1), -1.0)
            differ_average = np.where(differ_sum > 0, differ_sim / np.maximum(differ_sum, 1), 0.0)
        agreeing = (differ_sum == 0) & (average >= SAME_SLOT_AGREEING)
        conflicting = (differ_sum > 0) & (average >= SAME_SLOT_AGREEING) & (differ_average >= conflict_bar)
        score = np.where(agreeing, average + 1.0, np.where(conflicting, differ_average, -np.inf))
        score[forbidden_sum > 0] = -np.inf
        score[~alive, :] = -np.inf
        score[:, ~alive] = -np.inf
        np.fill_diagonal(score, -np.inf)
        x, y = np.unravel_index(int(np.argmax(score)), score.shape)
        if not np.isfinite(score[x, y]):
            break
        for matrix in (sim_sum, cross_sum, differ_sum, forbidden_sum, differ_sim):
            matrix[x, :] += matrix[y, :]
            matrix[:, x] += matrix[:, y]
        members[x] += members[y]
        members[y] = []
        alive[y] = False
    return [[items[k] for k in sorted(group)] for group in members if group]


def _slot(brief: Brief, items: list[_Found]) -> FactSlot:
    claims = tuple(sorted((i.claim for i in items), key=lambda c: (c.span.article_id, c.span.start)))
    groups = {brief.group_of(c.span.article_id) for c in claims}
    agreeing = all(values_agree(a, b) for a in claims for b in claims)
    if not agreeing and len({c.span.article_id for c in claims}) > 1:
        status = "conflicting"
    elif len(groups) >= 2:
        status = "corroborated"
    else:
        status = "single-source"
    subjects = Counter(c.subject for c in claims if c.subject)
    # The label most outlets use, preferring a readable one ("people injured"
    # over "people (injure)").
    attributes = Counter(c.attribute for c in claims)
    attribute = max(attributes, key=lambda a: ("(" not in a, attributes[a], -len(a)))
    subject = subjects.most_common(1)[0][0] if subjects else ""
    return FactSlot(
        subject=subject,
        attribute=attribute,
        status=status,
        claims=claims,
        independent_sources=len(groups),
    )


def _embed_contexts(brief: Brief, found: list[_Found]) -> None:
    """Embeddings of each claim's clause, sentence and head words, in one call
    (sentences are usually cached already: relations and summary embed them)."""
    from .nlp import embed

    free = [item for item in found if item.key is None]
    texts = []
    for item in free:
        sentence = brief.text(item.claim.context) if item.claim.context else item.local
        texts += [item.local or item.head, sentence, item.head or item.claim.attribute]
    vectors = embed(texts)
    for k, item in enumerate(free):
        item.vectors = (vectors[3 * k], vectors[3 * k + 1], vectors[3 * k + 2])


_STATUS_ORDER = {"conflicting": 0, "corroborated": 1, "single-source": 2}


def facts_of(brief: Brief, options: BriefOptions | None = None) -> tuple[list, list[FactSlot], dict]:
    """Entities, fact slots and reference windows of a brief (the stage's work,
    without touching the brief)."""
    options = options or BriefOptions()
    articles = brief.articles
    docs = parse(articles)
    index = build_index(articles, docs)
    windows = reference_windows(brief, options)
    found: list[_Found] = []
    for article, doc in zip(articles, docs):
        sentences = tuple(s.span for s in brief.sentences_of(article.id))
        ctx = _ArticleContext(article, doc, index, windows[article.id], brief.group_of(article.id), sentences)
        found.extend(extract_claims(ctx))
    found = [item for item in found if informative(item)]
    _embed_contexts(brief, found)
    slots = [_slot(brief, items) for items in align(found)]
    slots.sort(key=lambda s: (_STATUS_ORDER[s.status], -s.independent_sources, s.subject, s.attribute))
    return index.entities, slots, windows


def find_facts(brief: Brief, options: BriefOptions | None = None) -> Brief:
    """Stage: fill `brief.entities` and `brief.facts` (and note inferred publication windows)."""
    entities, slots, windows = facts_of(brief, options)
    notes = []
    for article in brief.articles:
        window = windows[article.id]
        if window.inferred and window.reference:
            since = f"on or after {window.earliest.isoformat()}" if window.earliest else "date unknown"
            notes.append(
                f"{article.label}: no published date; dates resolved against {window.reference.isoformat()} "
                f"(inferred: written {since}, by {window.latest.isoformat()})"
            )
    return replace(brief, entities=tuple(entities), facts=tuple(slots), notes=brief.notes + tuple(notes))

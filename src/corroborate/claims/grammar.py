"""Walking the dependency parse: the verb governing a word, the subject of a
verb or noun, and how deep in its sentence a clause sits."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Brief, Claim, Span
from .context import ArticleContext, name_at, named_in, parse


def misparsed_verb(token) -> bool:
    """A word tagged as a verb that heads no clause: a participle modifying a
    noun, or a "verb" coordinated with a noun ("the production firm and set
    designer": `set` is part of a noun phrase)."""
    return token.dep_ in ("amod", "compound") or (token.dep_ == "conj" and token.head.pos_ in ("NOUN", "PROPN"))


def unlikely_verb(verb) -> bool:
    """A verb the tagger got wrong: misparsed (above), or a bare infinitive
    coordinated with a finite verb and no auxiliary of its own ("has filed a
    suit against X and set designer Y": `set` is a noun's modifier)."""
    if misparsed_verb(verb):
        return True
    return (
        verb.dep_ == "conj"
        and verb.tag_ == "VB"
        and verb.head.tag_ in ("VBD", "VBN", "VBZ", "VBG")
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
    )


def governing_verb(token):
    steps = 0
    while (token.pos_ not in ("VERB", "AUX") or unlikely_verb(token)) and token.head.i != token.i and steps < 8:
        token = token.head
        steps += 1
    return token


def _controller(verb):
    """The object of the verb an infinitive complements, when it has one before it: the
    one asked to act ("urged BP to suspend": BP), else None."""
    if verb.dep_ != "xcomp" or verb.head.i == verb.i:
        return None
    return next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)


def asked_of_another(verb) -> bool:
    """Whether the verb's act is one someone asks, urges or tells another to do ("fans
    urged her to condemn the brand"): wanted, not done."""
    return _controller(verb) is not None


def subject_of_verb(ctx: ArticleContext, verb) -> str | None:
    for _ in range(4):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
                if child.lower_ in ("who", "which", "that") and verb.dep_ in ("relcl", "acl"):
                    return named_in(ctx, [verb.head]) or named_in(ctx, verb.head.subtree)
                return name_at(ctx, child) or named_in(ctx, child.subtree)
            if child.dep_ == "agent":
                named = named_in(ctx, child.subtree)
                if named:
                    return named
        controller = _controller(verb)
        if controller is not None:
            # Object control: "senators urged BP to suspend its $10bn dividend": who
            # suspends is the object of "urged", not its subject (nobody named when
            # the object is no name: "asked the company to pay").
            return name_at(ctx, controller) or named_in(ctx, controller.subtree)
        if verb.dep_ in ("conj", "xcomp", "advcl", "acl", "relcl", "ccomp") and verb.head.i != verb.i:
            if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
                named = name_at(ctx, verb.head)
                if named and verb.dep_ == "relcl":
                    return named
            verb = verb.head if verb.head.pos_ in ("VERB", "AUX") else governing_verb(verb.head)
            continue
        break
    return None


def subject_of_noun(ctx: ArticleContext, noun) -> str | None:
    """Who a noun with a value belongs to: its possessor, its agent ("by X"),
    else the subject of its clause."""
    for child in noun.children:
        if child.dep_ == "poss":
            named = name_at(ctx, child)
            if named:
                return named
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            named = named_in(ctx, child.subtree)
            if named:
                return named
    if noun.dep_ in ("nsubj", "nsubjpass"):
        return None
    return subject_of_verb(ctx, governing_verb(noun))


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
    verb = governing_verb(span.root)
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

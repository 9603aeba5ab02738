"""How many independent sources say one thing.

The relations stage groups articles into independent sources: an original with its
copies and rewrites is one source (`Brief.group_of`). That is a verdict on whole
articles. One sentence has a second way to be repeated without being confirmed:
an outlet printing its own words again in another of its articles (a sidebar's
headline, "the five most popular stories", a background paragraph carried from
one day's article to the next). Timeline17's CNN pages printed one sidebar
headline in 63 of 300 articles, 41 independent sources by article, and the
summary chose it as the story's best-corroborated sentence. So, for one
statement: two articles of one outlet that print it in the same words are one
source, whatever the rest of the two articles says. A fact's statement is the clause
that holds its value (`claim_print`), not its whole sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .model import Brief, normalise_for_id

_WORDS = re.compile(r"\w+")


def print_key(brief: Brief, article_id: str, text: str) -> tuple[str, str] | None:
    """(outlet, words) of a print: the same for an outlet's prints of the same words
    (case, spacing and punctuation aside: "-- Tony Blair told ..." reprints "Tony
    Blair told ..."). None for an article whose outlet is not known: nothing says
    that two such articles share one."""
    outlet = (brief.article(article_id).outlet or "").strip().lower()
    return (outlet, same_words(text)) if outlet else None


def same_words(text: str) -> str:
    """`text` as its words alone: the same for two prints of the same words."""
    return " ".join(_WORDS.findall(normalise_for_id(text)))


def source_count(brief: Brief, prints: Iterable[tuple[str, tuple[str, str] | None]]) -> int:
    """Independent sources among `prints`, each (article id, its `print_key` or None):
    the articles' source groups, with the groups of an outlet's same-words prints
    counted as one."""
    parent: dict[int, int] = {}

    def root(group: int) -> int:
        while parent[group] != group:
            parent[group] = parent[parent[group]]
            group = parent[group]
        return group

    first_of_key: dict[tuple[str, str], int] = {}
    for article_id, key in prints:
        group = brief.group_of(article_id)
        parent.setdefault(group, group)
        if key is None:
            continue
        other = first_of_key.setdefault(key, group)
        a, b = root(group), root(other)
        if a != b:
            parent[max(a, b)] = min(a, b)  # by value, so the roots do not depend on the order
    return len({root(group) for group in parent})


def claim_source_count(brief: Brief, claims: Iterable) -> int:
    """`source_count` of valued claims (`model.Claim`), each printed as its clause."""
    return source_count(brief, [(claim.span.article_id, print_key(brief, claim.span.article_id, claim_print(brief, claim))
                                 if claim.context is not None else None) for claim in claims])  # fmt: skip


# Where a clause ends: a comma, colon or semicolon before a space, a dash between
# spaces, a bracket (a comma inside a number, "1,200", is none).
_CLAUSE_BREAK = re.compile(r"[,;:](?=\s)|\s[-\u2013\u2014]+\s|[()\[\]]")
# A clause of fewer words than this beside the value ("On Friday, ...") is no print of
# its own: the whole sentence is (as a shared run of four words makes two quotes one
# statement, `quotes.align.MIN_SHARED_WORDS`).
MIN_CLAUSE_WORDS = 4


def claim_print(brief: Brief, claim) -> str:
    """The words that print a claim: the clause of its sentence that holds its value.
    A sidebar run into the page's next line is one sentence with a different end on
    every page ("The five most popular stories on CNN.com in the past 24 hours,
    according to NewsPulse: <that day's first headline> ..."): its clause is the
    same words on each. A clause too short to be a print of its own gives the sentence."""
    sentence = brief.text(claim.context)
    start, end = claim.span.start - claim.context.start, claim.span.end - claim.context.start
    if not 0 <= start <= end <= len(sentence):
        return sentence
    before = [match.end() for match in _CLAUSE_BREAK.finditer(sentence, 0, start)]
    after = _CLAUSE_BREAK.search(sentence, end)
    clause = sentence[before[-1] if before else 0 : after.start() if after else len(sentence)]
    beside = len(_WORDS.findall(clause)) - len(_WORDS.findall(sentence[start:end]))
    return clause if beside >= MIN_CLAUSE_WORDS else sentence

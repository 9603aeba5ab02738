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
currency is not comparable, so not a conflict either. A conflict is between
independent sources (copies and rewrites of one original differing are one
source), never between two prints of one sentence (a relative date copied into
an article of a later day), and only within a news cycle: values that differ
only between reports published days apart are the story moving on, two facts
(align.NEWS_CYCLE_DAYS). Nor do values in the same words ("Sunday" in two
articles, resolved against two dates), amounts an order of magnitude apart,
values of clauses that name different places ("in Alexandria" / "in Suez"),
values of groups whose dated reports mostly name different times ("fell 13% on
Tuesday" / "fell 3% on Wednesday"; a toll "in 2005" / one "on 20 April"), or
two days of our own reckoning ("Tuesday", "yesterday") unless their sentences
say the same thing; a reckoned day and a named one conflict only within a week.

Modules: `numbers` (numbers and when two values agree), `context` (one
article's parse and entities; the found claim), `grammar` (walking the
parse), `clauses` (a value's clause as terms and text), one extractor per kind
of value (`amounts`, `people`, `counts`, `events`; `extract` runs them all),
`similarity` and `align` (slots), `slots` (a slot's status), `reference`
(each article's reference date).
"""

from __future__ import annotations

from dataclasses import replace

from ..config import BriefOptions
from ..dedup import normalise
from ..entities import build_index
from ..guard import per_article
from ..independence import same_words
from ..model import Brief, FactSlot
from .align import SAME_SLOT_AGREEING, SAME_SLOT_CONFLICTING, align
from .context import ArticleContext, Found, parse
from .extract import extract_claims, informative
from .grammar import claim_depths, clause_depth, clause_span
from .numbers import parse_number, values_agree
from .reference import reference_windows
from .similarity import SAME_VALUE_BONUS, SHARED_SLOT_BONUS, embed_contexts, similarities
from .slots import STATUS_ORDER, make_slot

__all__ = [
    "SAME_SLOT_AGREEING", "SAME_SLOT_CONFLICTING", "SAME_VALUE_BONUS", "SHARED_SLOT_BONUS", "align", "claim_depths",
    "clause_depth", "clause_span", "extract_claims", "facts_of", "find_facts", "informative", "parse", "parse_number",
    "reference_windows", "similarities", "values_agree",
]  # fmt: skip


def facts_of(brief: Brief, options: BriefOptions | None = None) -> tuple[list, list[FactSlot], dict]:
    """Entities, fact slots and reference windows of a brief (the stage's work,
    without touching the brief)."""
    options = options or BriefOptions()
    articles = brief.articles
    docs = parse(articles)
    index = build_index(articles, docs)
    windows = reference_windows(brief, options)
    found: list[Found] = []
    # Each article's sentence spans, in one pass (`Brief.sentences_of` scans every
    # sentence of the story for each article: 8 million steps at 300 long articles).
    spans_of: dict[str, list] = {}
    for sentence in brief.sentences:
        spans_of.setdefault(sentence.span.article_id, []).append(sentence.span)

    def claims_of(article, doc) -> list[Found]:
        sentences = tuple(spans_of.get(article.id, ()))
        ctx = ArticleContext(article, doc, index, windows[article.id], brief.group_of(article.id), sentences)
        return extract_claims(ctx)

    for article, doc in zip(articles, docs):
        found.extend(per_article(article, claims_of, article, doc, default=[]))  # a failing article adds no claim
    found = [item for item in found if informative(item)]
    for item in found:
        item.published = brief.article(item.claim.span.article_id).published
        item.outlet = brief.article(item.claim.span.article_id).outlet or ""
        context = item.claim.context
        if context is not None:
            # Its words alone: a live blog's entry reprinted as "-- Tony Blair ... told
            # Sky News Monday" is still the same report.
            item.printed = same_words(brief.text(context)) + "\n" + item.claim.display
        item.sentence = normalise(brief.text(context) if context is not None else item.local)
    embed_contexts(brief, found)
    slots = [make_slot(brief, items) for items in align(found)]
    slots.sort(key=lambda s: (STATUS_ORDER[s.status], -s.independent_sources, s.subject, s.attribute))
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

"""Small builders for articles and briefs made by hand, so renderers and other
consumers of a Brief can be tested without reading files or loading models.

Everything here is fictional: the town of Eastmere, its ferry, and outlets
that do not exist (URLs on the .example TLD).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from corroborate.model import (
    AlignedPair,
    Article,
    Brief,
    Claim,
    Entity,
    FactSlot,
    InputProblem,
    Quote,
    QuoteFidelity,
    QuoteGroup,
    QuoteOccurrence,
    Relation,
    RemovedLine,
    SourceGroup,
    Span,
    SummarySentence,
    TimelineEvent,
    WordEdit,
)


def article(
    text: str,
    *,
    title: str = "Untitled",
    outlet: str | None = None,
    published: dt.date | None = None,
    url: str | None = None,
    origin: str | None = None,
    removed: tuple[RemovedLine, ...] = (),
) -> Article:
    """An already-cleaned article; its id is derived from its text, like real ones."""
    article_id = "a" + hashlib.sha1(text.encode()).hexdigest()[:11]
    return Article(
        id=article_id,
        origin=origin or f"fixtures/{article_id}.txt",
        title=title,
        text=text,
        url=url,
        outlet=outlet,
        published=published,
        removed=removed,
        raw_line_of=tuple(range(1, text.count("\n") + 2)),
    )


def span_of(item: Article, phrase: str, occurrence: int = 0) -> Span:
    """The span of the `occurrence`-th appearance of `phrase` in the article (must be there)."""
    start = -1
    for _ in range(occurrence + 1):
        start = item.text.index(phrase, start + 1)
    return Span(item.id, start, start + len(phrase))


GAZETTE = (
    "Eastmere's only ferry was withdrawn from service on Monday after an inspection found "
    "corrosion in its hull, the harbour authority said.\n\n"
    'Harbour master Ines Valdor said: "We will not sail a vessel we cannot trust. '
    'Repairs start this week and should take 18 days."\n\n'
    "About 1,200 commuters use the crossing each day. The authority has chartered two buses "
    "to run around the bay until the ferry returns."
)
WIRE = (
    "Eastmere's only ferry was withdrawn from service on Monday after an inspection found "
    "corrosion in its hull, the harbour authority said.\n\n"
    'Harbour master Ines Valdor said: "We will not sail a vessel we cannot trust. '
    'Repairs start this week and should take 18 days."\n\n'
    "About 1,200 commuters use the crossing each day."
)
LEDGER = (
    "The Eastmere ferry has been pulled from service after inspectors discovered rust "
    "damage to its hull on 3 March.\n\n"
    '"We will not run a vessel we cannot trust," harbour master Ines Valdor told reporters, '
    "adding that repairs would last three weeks.\n\n"
    "Roughly 900 commuters rely on the ferry every day."
)
BRAMBLE = (
    "Commuters in Eastmere face longer journeys this month while the town's ferry is repaired.\n\n"
    'Valdor said repairs "should take 18 days" and that buses would fill the gap.\n\n'
    "Local baker Tomas Reed said the detour adds an hour to his morning."
)


def full_brief(payload: str = "") -> Brief:
    """A brief with every section filled, about a fictional ferry closure.

    `payload` is appended to every piece of text a renderer shows (titles,
    outlets, article text, quotes, facts, problems, removed lines), so escaping
    can be tested in every section at once.
    """
    tail = f" {payload}" if payload else ""
    gazette = article(
        GAZETTE + tail,
        title="Eastmere ferry withdrawn after hull corrosion found" + tail,
        outlet="Eastmere Gazette" + tail,
        published=dt.date(2031, 3, 4),
        url="https://gazette.example/ferry",
        removed=(
            RemovedLine(3, "Share this article" + tail, "share widget"),
            RemovedLine(9, "Photo: Harbour Authority" + tail, "image credit"),
        ),
    )
    wire = article(
        WIRE + tail,
        title="Eastmere ferry withdrawn after hull corrosion found",
        outlet="Northline Wire",
        published=dt.date(2031, 3, 4),
        url="https://northline.example/ferry-eastmere",
    )
    ledger = article(
        LEDGER + tail,
        title="Rust damage halts Eastmere ferry",
        outlet="Coastal Daily Ledger",
        published=dt.date(2031, 3, 5),
        url="https://ledger.example/2031/03/05/ferry",
        removed=(RemovedLine(2, "Read more: harbour news" + tail, "teaser"),),
    )
    bramble = article(BRAMBLE + tail, title="Ferry repairs lengthen commutes", outlet=None, origin="inbox/bramble-ferry.txt")
    articles = (gazette, wire, ledger, bramble)

    sentence_one = span_of(gazette, "Eastmere's only ferry was withdrawn from service on Monday after an inspection found corrosion in its hull, the harbour authority said.")
    sentence_two = span_of(gazette, "About 1,200 commuters use the crossing each day.")
    canonical = "We will not sail a vessel we cannot trust."
    repairs = "Repairs start this week and should take 18 days."

    def quote(item: Article, words: str, speaker_phrase: str | None = "Ines Valdor", speaker: str = "Ines Valdor") -> Quote:
        return Quote(
            span=span_of(item, words),
            speaker=speaker,
            speaker_span=span_of(item, speaker_phrase) if speaker_phrase else None,
            cue="said",
        )

    quotes = (
        QuoteGroup(
            speaker="Ines Valdor",
            canonical=canonical + tail,
            occurrences=(
                QuoteOccurrence(quote(gazette, canonical), "verbatim"),
                QuoteOccurrence(quote(wire, canonical), "verbatim"),
                QuoteOccurrence(
                    quote(ledger, "We will not run a vessel we cannot trust,"),
                    "altered",
                    (WordEdit("sail", "run"),),
                ),
            ),
        ),
        QuoteGroup(
            speaker="Ines Valdor",
            canonical=repairs,
            occurrences=(
                QuoteOccurrence(quote(gazette, repairs), "verbatim"),
                QuoteOccurrence(quote(wire, repairs), "verbatim"),
                QuoteOccurrence(quote(bramble, "should take 18 days", "Valdor"), "partial"),
            ),
        ),
    )

    relations = (
        Relation(
            source=gazette.id,
            derived=wire.id,
            kind="contained",
            score=0.97,
            direction_confidence=0.8,
            evidence=("97% of the copy's words appear in the same order in the original" + tail, "the copy drops the last paragraph"),
            aligned=(
                AlignedPair(sentence_one, span_of(wire, "Eastmere's only ferry was withdrawn from service on Monday after an inspection found corrosion in its hull, the harbour authority said."), 1.0),
                AlignedPair(sentence_two, span_of(wire, "About 1,200 commuters use the crossing each day."), 1.0),
            ),
        ),
        Relation(
            source=gazette.id,
            derived=ledger.id,
            kind="rewrite",
            score=0.62,
            direction_confidence=0.55,
            evidence=("alters a quote the other outlets print verbatim",),
            aligned=(
                AlignedPair(sentence_one, span_of(ledger, "The Eastmere ferry has been pulled from service after inspectors discovered rust damage to its hull on 3 March."), 0.81),
            ),
        ),
        Relation(source=gazette.id, derived=bramble.id, kind="independent", score=0.08),
    )
    groups = (
        SourceGroup(articles=(gazette.id, wire.id, ledger.id), original=gazette.id),
        SourceGroup(articles=(bramble.id,), original=bramble.id),
    )

    commuters = "Eastmere ferry"
    facts = (
        FactSlot(
            subject=commuters,
            attribute="daily commuters",
            status="conflicting",
            claims=(
                Claim(
                    span_of(gazette, "About 1,200 commuters"),
                    commuters,
                    "daily commuters",
                    "1200",
                    "about 1,200" + tail,
                    kind="count",
                    tolerance=120.0,
                    context=sentence_two,
                ),
                Claim(span_of(wire, "About 1,200 commuters"), commuters, "daily commuters", "1200", "about 1,200"),
                Claim(span_of(ledger, "Roughly 900 commuters"), commuters, "daily commuters", "900", "roughly 900"),
            ),
            independent_sources=1,
        ),
        FactSlot(
            subject="repairs",
            attribute="duration",
            status="corroborated",
            claims=(
                Claim(span_of(gazette, "should take 18 days"), "repairs", "duration", "P18D", "18 days"),
                Claim(span_of(bramble, "should take 18 days"), "repairs", "duration", "P18D", "18 days"),
            ),
            independent_sources=2,
        ),
        FactSlot(
            subject="Eastmere ferry",
            attribute="replacement",
            status="single-source",
            claims=(Claim(span_of(gazette, "two buses"), "Eastmere ferry", "replacement", "2 buses", "two buses"),),
            independent_sources=1,
        ),
    )
    timeline = (
        TimelineEvent(
            date=dt.date(2031, 3, 3),
            precision="day",
            description=span_of(gazette, "Eastmere's only ferry was withdrawn from service on Monday"),
            sources=(gazette.id, wire.id, ledger.id),
        ),
        TimelineEvent(
            date=dt.date(2031, 3, 1),
            precision="month",
            description=span_of(bramble, "Commuters in Eastmere face longer journeys this month"),
            sources=(bramble.id,),
            date_inferred=True,
        ),
    )
    timeline = timeline + (
        TimelineEvent(
            date=dt.date(2031, 3, 3),
            precision="week",
            description=span_of(gazette, "Repairs start this week"),
            sources=(gazette.id, wire.id),
        ),
    )
    entities = (
        Entity("Ines Valdor", "PERSON", ("Valdor", "harbour master Ines Valdor"), (span_of(gazette, "Ines Valdor"), span_of(bramble, "Valdor"))),
        Entity("Eastmere" + tail, "GPE", (), (span_of(gazette, "Eastmere"),)),
    )
    summary = (
        SummarySentence(sentence_one, (gazette.id, wire.id, ledger.id), 2),
        SummarySentence(span_of(gazette, "The authority has chartered two buses to run around the bay until the ferry returns."), (gazette.id,), 1),
        SummarySentence(span_of(bramble, "Local baker Tomas Reed said the detour adds an hour to his morning."), (bramble.id,), 1),
    )
    problems = (
        InputProblem("inbox/empty.txt", "empty file"),
        InputProblem("inbox/feed.jsonl", "malformed JSON: Expecting value" + tail, line=7),
    )
    fidelity = (
        QuoteFidelity(gazette.id, 2, 2, 0, False),
        QuoteFidelity(wire.id, 2, 2, 0, False),
        QuoteFidelity(ledger.id, 1, 0, 1, True),
        QuoteFidelity(bramble.id, 1, 1, 0, False),
    )
    return Brief(
        title=gazette.title,
        articles=articles,
        problems=problems,
        relations=relations,
        source_groups=groups,
        quotes=quotes,
        quote_fidelity=fidelity,
        entities=entities,
        facts=facts,
        timeline=timeline,
        summary=summary,
    )


def minimal_brief() -> Brief:
    """Only articles and a summary: what the first pipeline fills."""
    gazette = article(GAZETTE, title="Eastmere ferry withdrawn", outlet="Eastmere Gazette", published=dt.date(2031, 3, 4))
    return Brief(
        title=gazette.title,
        articles=(gazette,),
        summary=(SummarySentence(span_of(gazette, "About 1,200 commuters use the crossing each day."), (gazette.id,)),),
    )

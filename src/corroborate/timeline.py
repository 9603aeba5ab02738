"""The story's events in date order, each with its resolved date and precision,
a one-line description taken from the text, and its sources.

Events come from the date-valued fact slots of the `facts` stage (claims/):
one slot is one event as reported by every outlet that dates it. A slot whose
outlets give different days (a conflict) yields one event per day, so the
timeline shows both rather than silently picking one; the facts section says
that they conflict. Events of one subject on the same day are shown once.

One sentence describes one event: when two events would be told by the same
sentence ("X, who made headlines in 2021, walked in the July show"), the event
of the sentence's main clause keeps it and the other is told by another of its
sentences, or left out when it has none (it is background to the first).
"""

from __future__ import annotations

from dataclasses import replace

from .config import BriefOptions
from .model import Brief, Claim, FactSlot, Span, TimelineEvent

_FINER = {"day": 0, "week": 1, "month": 2, "year": 3}


def _value_groups(claims: tuple[Claim, ...]) -> list[list[Claim]]:
    """Claims of one slot split into groups that agree on the date (a month
    agrees with a day inside it; a day with a different day does not)."""
    from .claims import values_agree

    groups: list[list[Claim]] = []
    for claim in sorted(claims, key=lambda c: _FINER[c.precision or "day"]):
        for group in groups:
            if all(values_agree(claim, other) for other in group):
                group.append(claim)
                break
        else:
            groups.append([claim])
    return groups


def _description_claim(brief: Brief, group: list[Claim]) -> Claim:
    """The claim whose sentence describes the event: from an article that states
    its published date, with the finest date, earliest in its article."""

    def rank(claim: Claim):
        dated = brief.article(claim.span.article_id).published is not None
        return (not dated, _FINER[claim.precision or "day"], claim.date_inferred, -len(claim.display), claim.span.start)

    return min(group, key=rank)


def _turns_start(brief: Brief) -> dict[str, int]:
    """Article id -> where its transcript's turns begin (the first `Sentence.spoken`;
    every sentence after it is a turn too), for the transcripts among the articles."""
    out: dict[str, int] = {}
    for sentence in brief.sentences:
        if sentence.spoken:
            out.setdefault(sentence.span.article_id, sentence.span.start)
    return out


def events_of(brief: Brief, slots: tuple[FactSlot, ...]) -> list[TimelineEvent]:
    import datetime as dt

    grouped: dict[tuple, list[Claim]] = {}
    conflicting: set[tuple] = set()
    for slot in slots:
        date_claims = tuple(c for c in slot.claims if c.kind == "date")
        if not date_claims:
            continue
        for group in _value_groups(date_claims):
            best = _description_claim(brief, group)
            key = (best.value, best.precision or "day", slot.subject or (best.context or best.span))
            grouped.setdefault(key, []).extend(group)
            if slot.status == "conflicting":
                conflicting.add(key)
    from .claims import claim_depths, clause_span, parse
    from .summarize import needs_antecedent

    depth = claim_depths(brief, [c for group in grouped.values() for c in group])
    docs = dict(zip((a.id for a in brief.articles), parse(brief.articles)))

    turns_start = _turns_start(brief)

    def spoken(claim: Claim) -> bool:
        return claim.span.start >= turns_start.get(claim.span.article_id, float("inf"))

    def leans(claim: Claim) -> bool:
        # Shown alone on its date, a sentence that needs the one before it ("They said
        # the ferry sank on Saturday night.", `summarize.needs_antecedent`) tells the
        # event less well than one that names who did it.
        return needs_antecedent(brief.text(claim.context or claim.span))

    def candidates(group: list[Claim]) -> list[Claim]:
        # An outlet's own report before a transcript's turn ("Sir, thanks for joining us
        # tonight."), then a sentence that stands on its own, then sentences where the
        # date is in the main clause, then the usual preference.
        first = _description_claim(brief, group)
        return sorted(group, key=lambda c: (spoken(c), leans(c), depth[c.span], c is not first, c.span))

    # Events whose date is most central to its sentence choose first; then the best reported.
    def priority(key):
        group = grouped[key]
        finest = min(_FINER[c.precision or "day"] for c in group)
        return (min(depth[c.span] for c in group), -len({c.span.article_id for c in group}), finest)

    order = sorted(grouped, key=priority)
    taken: set = set()
    events = []
    for key in order:
        group = grouped[key]
        dated = _description_claim(brief, group)  # the finest date of the event
        told = next((c for c in candidates(group) if (c.context or c.span) not in taken), None)
        if told is not None:
            description = told.context or told.span
            taken.add(description)
        elif key in conflicting:
            # A value outlets disagree on stays visible: told by its own clause.
            shallow = min(group, key=lambda c: depth[c.span])
            start, end = clause_span(docs[shallow.span.article_id], shallow.span.start, shallow.span.end)
            description = Span(shallow.span.article_id, start, end)
        else:
            continue  # every sentence telling it tells a more central event
        events.append(
            TimelineEvent(
                date=dt.date.fromisoformat(dated.value),
                precision=dated.precision or "day",
                description=description,
                sources=tuple(dict.fromkeys(c.span.article_id for c in sorted(group, key=lambda c: c.span))),
                date_inferred=all(c.date_inferred for c in group),
            )
        )
    # A day's events in the order a reader should meet them (renderers lead a day with the
    # first): one told by a sentence that stands on its own before one leaning on the
    # sentence before it ("This was completed at 1930 CDT on 1 June"), then the best
    # reported, then by their words (never by position).
    return sorted(events, key=lambda e: (e.date, _FINER[e.precision], needs_antecedent(brief.text(e.description)),
                                         -len(e.sources), brief.text(e.description)))  # fmt: skip


def build_timeline(brief: Brief, options: BriefOptions | None = None) -> Brief:
    """Stage: fill `brief.timeline` (runs the facts analysis itself when the
    `facts` stage was not run)."""
    slots = brief.facts
    if not slots:
        from .claims import facts_of

        _, found, _ = facts_of(brief, options)
        slots = tuple(found)
    return replace(brief, timeline=tuple(events_of(brief, slots)))

"""The facts of a cached brief that lists and records count, stored beside it.

A story list shows, for every story, how many independent sources it has and
whether outlets altered quotes or disagree on facts; an outlet's page counts
its copies, altered quotes and facts against the majority across every story.
None of that may run NLP while a page is served, so when a brief is cached its
counts (`story_summary`) and what it found in each article (`brief_findings`)
are written in the same transaction, and dropped with it when the story's
membership changes (migration 0004's triggers).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from ..model import Brief
from ..render import common as view

# Quote verdicts that change what the speaker said (typography and cuts do not).
ALTERING_VERDICTS = ("altered", "other-speaker")


@dataclass(frozen=True)
class StorySummary:
    """The counts a story list shows for one briefed story."""

    articles: int
    independent_sources: int
    copies: int
    quotes: int
    altered_quotes: int
    facts: int
    conflicts: int


@dataclass(frozen=True)
class Finding:
    """One thing a brief found in one article (see migration 0004 for the kinds)."""

    article_id: str
    kind: str  # copy | quote | fact
    label: str
    span_start: int | None
    span_end: int | None
    other_article_id: str | None
    detail: str


def summarise(brief: Brief) -> StorySummary:
    return StorySummary(
        articles=len(brief.articles),
        independent_sources=brief.independent_source_count,
        copies=len(view.shown_relations(brief)),
        quotes=len(brief.quotes),
        altered_quotes=sum(1 for g in brief.quotes if any(o.verdict in ALTERING_VERDICTS for o in g.occurrences)),
        facts=len(brief.facts),
        conflicts=sum(1 for f in brief.facts if f.status == "conflicting"),
    )


def findings(brief: Brief) -> list[Finding]:
    """Copies, quotes and the claims of conflicting facts, per article."""
    found: list[Finding] = []
    for relation in view.shown_relations(brief):
        phrase = view.RELATION_PHRASE.get(relation.kind, relation.kind)
        found.append(Finding(relation.derived, "copy", relation.kind, None, None, relation.source,
                             f"{brief.article(relation.derived).label} {phrase} {brief.article(relation.source).label}"))  # fmt: skip
    for group in brief.quotes:
        for occurrence in group.occurrences:
            span = occurrence.quote.span
            speaker = occurrence.quote.speaker or group.speaker or "unknown speaker"
            found.append(Finding(span.article_id, "quote", occurrence.verdict, span.start, span.end, None,
                                 f"{speaker}: “{view.short(group.canonical, 140)}”"))  # fmt: skip
    for slot in brief.facts:
        if slot.status != "conflicting":
            continue
        values = view.who_says_what(slot, brief)
        # A majority is a value stated by more independent sources than any other;
        # with a tie no side is the majority and every claim is disputed.
        clear = len(values) < 2 or values[0].independent > values[1].independent
        for rank, value in enumerate(values):
            label = "disputed" if not clear else ("majority" if rank == 0 else "against-majority")
            majority = values[0].display if clear and rank else ""
            for claim in value.claims:
                detail = f"{slot.heading}: {claim.display}" + (f" (most independent sources: {majority})" if majority else "")
                found.append(Finding(claim.span.article_id, "fact", label, claim.span.start, claim.span.end, None, detail))
    return found


def write_summary(db: sqlite3.Connection, story_id: int, brief: Brief) -> None:
    """Replace the story's summary and findings (inside the caller's transaction)."""
    counts = summarise(brief)
    db.execute(
        "INSERT OR REPLACE INTO story_summary (story_id, articles, independent_sources, copies, quotes,"
        " altered_quotes, facts, conflicts, briefed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (story_id, counts.articles, counts.independent_sources, counts.copies, counts.quotes, counts.altered_quotes,
         counts.facts, counts.conflicts, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")),
    )  # fmt: skip
    db.execute("DELETE FROM brief_findings WHERE story_id = ?", (story_id,))
    db.executemany(
        "INSERT INTO brief_findings (story_id, article_id, kind, label, span_start, span_end, other_article_id, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(story_id, f.article_id, f.kind, f.label, f.span_start, f.span_end, f.other_article_id, f.detail) for f in findings(brief)],
    )

"""The brief as JSON, in the versioned schema documented in docs/brief-schema.json.

`to_dict(brief)` is the stable, machine-readable form of a brief. Every span
is written as {article_id, start, end, text}: the characters of the article's
cleaned text it points to, plus those characters, so a consumer can both read
the report and trace each line back. When the model grows a field, add it
here and to the schema (tests/test_render_json.py fails until both are done).
"""

from __future__ import annotations

import json

from ..model import (
    AlignedPair,
    Article,
    ArticleChanges,
    Brief,
    Claim,
    Entity,
    FactSlot,
    InputProblem,
    InputStatus,
    Quote,
    QuoteFidelity,
    QuoteGroup,
    QuoteOccurrence,
    Relation,
    RemovedLine,
    SourceGroup,
    Span,
    SummarySentence,
    TextChange,
    TimelineEvent,
)

# Fields of the model deliberately left out of the JSON, and why: the test that
# keeps JSON and model in step reads this.
OMITTED_FIELDS = {
    "Brief.sentences": "every sentence of every article: large, and recoverable from the text",
    "Brief.notes": "free-form stage notes, not part of the report",
    "Article.text": "the cleaned text; spans carry the characters they point to",
    "Article.raw_line_of": "internal mapping from cleaned lines to raw lines",
    "Article.published": "written as `date`",
    "Article.source_id": "written as `input_id`",
}


def span(brief: Brief, value: Span | None) -> dict | None:
    if value is None:
        return None
    return {"article_id": value.article_id, "start": value.start, "end": value.end, "text": brief.text(value)}


def article(item: Article, status: InputStatus | None = None) -> dict:
    status = status or InputStatus(item.origin, "original", item.id)
    return {
        "id": item.id,
        "label": item.label,
        "outlet": item.outlet,
        "title": item.title,
        "url": item.url,
        "date": item.published.isoformat() if item.published else None,
        "origin": item.origin,
        "input_id": item.source_id,
        "words": item.word_count,
        "removed": [removed_line(r) for r in item.removed],
        "status": {"kind": status.status, "of": status.of, "reason": status.reason},
    }


def input_status(item: InputStatus) -> dict:
    return {"origin": item.origin, "status": item.status, "article_id": item.article_id, "of": item.of, "reason": item.reason}


def removed_line(item: RemovedLine) -> dict:
    return {"line": item.line, "text": item.text, "reason": item.reason}


def summary_sentence(brief: Brief, item: SummarySentence) -> dict:
    return {
        "text": brief.text(item.span),
        "span": span(brief, item.span),
        "citations": list(item.citations),
        "independent_sources": item.independent_sources,
    }


def aligned_pair(brief: Brief, item: AlignedPair) -> dict:
    return {"left": span(brief, item.left), "right": span(brief, item.right), "similarity": item.similarity}


def relation(brief: Brief, item: Relation) -> dict:
    return {
        "source": item.source,
        "derived": item.derived,
        "kind": item.kind,
        "score": item.score,
        "direction_confidence": item.direction_confidence,
        "evidence": list(item.evidence),
        "aligned": [aligned_pair(brief, pair) for pair in item.aligned],
    }


def source_group(item: SourceGroup) -> dict:
    return {"original": item.original, "articles": list(item.articles)}


def quote(brief: Brief, item: Quote) -> dict:
    return {
        "span": span(brief, item.span),
        "speaker": item.speaker,
        "speaker_span": span(brief, item.speaker_span),
        "cue": item.cue,
        "content": span(brief, item.content),
    }


def quote_occurrence(brief: Brief, item: QuoteOccurrence) -> dict:
    return {
        "quote": quote(brief, item.quote),
        "verdict": item.verdict,
        "edits": [{"removed": e.removed, "added": e.added} for e in item.edits],
        "editorial": list(item.editorial),
    }


def quote_group(brief: Brief, item: QuoteGroup) -> dict:
    return {
        "speaker": item.speaker,
        "canonical": item.canonical,
        "articles": list(dict.fromkeys(o.quote.span.article_id for o in item.occurrences)),
        "occurrences": [quote_occurrence(brief, o) for o in item.occurrences],
        "decided_by": item.decided_by,
        "disputed": item.disputed,
        "rivals": list(item.rivals),
    }


def quote_fidelity(item: QuoteFidelity) -> dict:
    return {
        "article_id": item.article_id,
        "quotes": item.quotes,
        "faithful": item.faithful,
        "altered": item.altered,
        "flagged_as_rewrite": item.flagged_as_rewrite,
        "disputed": item.disputed,
    }


def entity(brief: Brief, item: Entity) -> dict:
    return {
        "name": item.name,
        "kind": item.kind,
        "aliases": list(item.aliases),
        "mentions": [span(brief, m) for m in item.mentions],
    }


def claim(brief: Brief, item: Claim) -> dict:
    return {
        "span": span(brief, item.span),
        "subject": item.subject,
        "attribute": item.attribute,
        "value": item.value,
        "display": item.display,
        "precision": item.precision,
        "kind": item.kind,
        "tolerance": item.tolerance,
        "date_inferred": item.date_inferred,
        "context": span(brief, item.context),
    }


def fact(brief: Brief, item: FactSlot) -> dict:
    return {
        "subject": item.subject,
        "attribute": item.attribute,
        "status": item.status,
        "independent_sources": item.independent_sources,
        "claims": [claim(brief, c) for c in item.claims],
    }


def timeline_event(brief: Brief, item: TimelineEvent) -> dict:
    return {
        "date": item.date.isoformat(),
        "precision": item.precision,
        "date_inferred": item.date_inferred,
        "description": span(brief, item.description),
        "sources": list(item.sources),
    }


def problem(item: InputProblem) -> dict:
    return {"origin": item.origin, "line": item.line, "message": item.message, "text": str(item)}


def text_change(brief: Brief, item: TextChange) -> dict:
    return {"removed": span(brief, item.removed), "added": item.added, "flags": list(item.flags)}


def article_changes(brief: Brief, item: ArticleChanges) -> dict:
    return {
        "article_id": item.article_id,
        "versions": item.versions,
        "first_fetched": item.first_fetched.isoformat() if item.first_fetched else None,
        "last_changed": item.last_changed.isoformat() if item.last_changed else None,
        "words_added": item.words_added,
        "words_removed": item.words_removed,
        "gone": item.gone,
        "edits": [text_change(brief, edit) for edit in item.edits],
    }


def to_dict(brief: Brief) -> dict:
    """The brief as plain JSON-ready data (schema: docs/brief-schema.json)."""
    return {
        "schema_version": brief.schema_version,
        "title": brief.title,
        "article_count": len(brief.articles),
        "input_count": len(brief.accounted_inputs),
        "distinct_texts": brief.distinct_texts,
        "independent_sources": brief.independent_source_count,
        "articles": [article(a, brief.status_of(a.id)) for a in brief.articles],
        "inputs": [input_status(i) for i in brief.accounted_inputs],
        "summary": [summary_sentence(brief, s) for s in brief.summary],
        "relations": [relation(brief, r) for r in brief.relations],
        "source_groups": [source_group(g) for g in brief.source_groups],
        "quotes": [quote_group(brief, q) for q in brief.quotes],
        "quote_fidelity": [quote_fidelity(f) for f in brief.quote_fidelity],
        "entities": [entity(brief, e) for e in brief.entities],
        "facts": [fact(brief, f) for f in brief.facts],
        "timeline": [timeline_event(brief, t) for t in brief.timeline],
        "problems": [problem(p) for p in brief.problems],
        "changes": [article_changes(brief, c) for c in brief.changes],
    }


def render(brief: Brief, options=None) -> str:
    return json.dumps(to_dict(brief), ensure_ascii=False, indent=2) + "\n"

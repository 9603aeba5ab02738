"""An article's cleaned text cut into pieces, each marked with what the brief found
there (quotes with their verdict, claimed values, dates), for the article page.

Spans may nest or overlap (a claim inside a quote): the text is cut at every
span edge and each piece carries every span that covers it, so nothing is
dropped and no piece is shown twice. The pieces are text; the template escapes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Brief


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    kind: str  # quote | claim | date
    label: str  # a verdict or a fact status
    title: str  # what a reader sees on hover
    anchor: str  # the id a link to this mark jumps to

    def as_json(self, text: str) -> dict:
        return {"kind": self.kind, "label": self.label, "start": self.start, "end": self.end,
                "text": text[self.start : self.end], "note": self.title, "anchor": self.anchor}  # fmt: skip


@dataclass(frozen=True)
class Piece:
    text: str
    marks: tuple[Mark, ...]
    anchors: tuple[str, ...]  # anchors of the marks that start here

    @property
    def classes(self) -> str:
        return " ".join(sorted({m.kind for m in self.marks} | {f"is-{m.label}" for m in self.marks}))

    @property
    def title(self) -> str:
        return "\n".join(m.title for m in self.marks)


def quote_anchor(start: int) -> str:
    return f"q-{start}"


def claim_anchor(start: int) -> str:
    return f"c-{start}"


def marks(brief: Brief, article_id: str) -> list[Mark]:
    """Every quote and claim the brief found in the article."""
    found = []
    for group in brief.quotes:
        for occurrence in group.occurrences:
            span = occurrence.quote.span
            if span.article_id == article_id:
                speaker = occurrence.quote.speaker or group.speaker or "unknown speaker"
                found.append(Mark(span.start, span.end, "quote", occurrence.verdict,
                                  f"Quote of {speaker}: {occurrence.verdict}", quote_anchor(span.start)))  # fmt: skip
    for slot in brief.facts:
        for claim in slot.claims:
            span = claim.span
            if span.article_id == article_id:
                kind = "date" if claim.kind == "date" else "claim"
                found.append(Mark(span.start, span.end, kind, slot.status,
                                  f"{slot.heading}: {claim.display} ({slot.status})", claim_anchor(span.start)))  # fmt: skip
    return sorted(found, key=lambda m: (m.start, -m.end, m.kind))


def pieces(text: str, found: list[Mark]) -> list[Piece]:
    """The text cut at every mark's edges; each piece with the marks covering it."""
    edges = sorted({0, len(text)} | {m.start for m in found} | {m.end for m in found})
    out = []
    for start, end in zip(edges, edges[1:]):
        if start >= len(text):
            break
        covering = tuple(m for m in found if m.start <= start and m.end >= end and m.start < m.end)
        anchors = tuple(dict.fromkeys(m.anchor for m in found if m.start == start))
        out.append(Piece(text[start:end], covering, anchors))
    return out

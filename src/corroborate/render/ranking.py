"""What each section of a brief shows first, and how much of it, for every renderer.

A story of 300 articles has hundreds of quote groups, facts, dates and names,
and a section that lists all of them is one nobody reads. Each section is
ranked by what matters to a reader and cut after its top items; the renderers
say how many items are left out and how to see them (`--all` on the command
line; the HTML page folds them into a <details> element). JSON is never cut.

Whatever a reader must not miss is always shown, whatever the limit: every
quote that some outlet altered and every conflicting fact.

Rankings (ties broken by content, never by input order):

- quote groups: altered by some outlet first, then by the independent sources
  that print them, then by how many articles do; inside a group every
  occurrence that is not faithful is shown, the faithful ones up to a few;
- facts: conflicts first, then corroborated facts by independent sources;
  single-source facts are folded away by default;
- timeline: events merged per day, each day with the sources that date an
  event to it; the best-supported days are shown, in date order;
- entities: by mentions; sources: the articles the summary cites, then in
  their order; copies and rewrites: strongest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from ..independence import print_key, source_count
from ..model import Brief, FactSlot, QuoteGroup, TimelineEvent

T = TypeVar("T")

# Verdicts of a printed quote that changes the words or the speaker.
ALTERED = ("altered", "other-speaker")
# Verdicts a reader needs to see line by line (a faithful print is a count); a
# disputed wording is shown like an altered one, with no outlet blamed.
UNFAITHFUL = ("altered", "other-speaker", "typography", "disputed")


@dataclass(frozen=True)
class Limits:
    """How many items of each section are shown before the rest is left out."""

    sources: int = 12
    relations: int = 4
    aligned: int = 1  # aligned sentence pairs shown under a copy or rewrite (the evidence lines say the rest)
    title_lines: int = 1  # lines of a source's title in the terminal's table, when not every source is shown
    group_pairs: int = 12  # independent-source groups and quote-sharing pairs listed in one line
    group_members: int = 4  # articles named per independent-source group
    quote_groups: int = 10
    occurrences: int = 4  # faithful prints listed under a quote group (with none, counted beside it)
    facts: int = 15  # corroborated facts (every conflict is shown)
    days: int = 15
    entities: int = 15
    aliases: int = 8  # other names and descriptions listed for one entity
    event_words: int = 60  # words of a day's lead event (a run-on "sentence" of a flat page is hundreds)
    quote_words: int = 60  # words of a statement's wording, and of one change shown in a diff
    diff_context: int = 8  # unchanged words shown on each side of a change in a diff
    citations: int = 12  # article numbers cited in one place
    value_citations: int = 4  # article numbers cited for one value of a fact (its independent sources are counted beside)
    fact_values: int = 8  # values of one fact listed (the others counted)
    fidelity: int = 10
    problems: int = 10
    single_source_facts: bool = False  # shown when True (folded by default)
    one_line_notes: bool = False  # a tie's reason and a disputed print's words cut to one line


EVERYTHING = Limits(
    sources=10**9, relations=10**9, aligned=10**9, title_lines=10**9, group_pairs=10**9, group_members=10**9, quote_groups=10**9, occurrences=10**9, facts=10**9,
    days=10**9, entities=10**9, aliases=10**9, event_words=10**9, quote_words=10**9, diff_context=10**9, citations=10**9, value_citations=10**9,
    fact_values=10**9, fidelity=10**9, problems=10**9, single_source_facts=True,
)  # fmt: skip

# A story too big to read whole (more inputs than the sources table lists) is read
# by its outline: every altered quote and every conflict is still there, each in
# fewer words (the first words of a wording, a diff's changes with three words on
# each side, and a day's event; a conflict's best-backed values, fewer article
# numbers where the count of independent sources is beside them; a tie's reason on
# one line). A quote's faithful prints are counted beside it, not listed, and the
# fidelity table keeps the articles a reader should look at (likely rewrites, two or
# more quotes altered): an article's one altered quote is under the quote. At 300
# articles the sections these shorten were most of the terminal brief.
BIG_STORY = replace(Limits(), relations=2, quote_words=30, event_words=25, citations=4, value_citations=2, fact_values=3,
                    one_line_notes=True, occurrences=0, diff_context=3, fidelity=0)


def limits(show_all: bool, inputs: int = 0) -> Limits:
    """What the text renderers show: everything with `show_all`; for a story of more
    `inputs` than the sources table lists, `BIG_STORY`'s shorter forms."""
    if show_all:
        return EVERYTHING
    return BIG_STORY if inputs > Limits().sources else Limits()


@dataclass(frozen=True)
class Cut(Generic[T]):
    """A ranked section: the items shown, and those left out (in rank order)."""

    shown: tuple[T, ...]
    rest: tuple[T, ...] = ()

    @property
    def left_out(self) -> int:
        return len(self.rest)


def cut(items: Iterable[T], limit: int, keep: Callable[[T], bool] = lambda item: False) -> Cut[T]:
    """The first `limit` items, and every later one that `keep` says must be shown."""
    shown, rest = [], []
    for item in items:
        (shown if len(shown) < limit or keep(item) else rest).append(item)
    return Cut(tuple(shown), tuple(rest))


def left_out_note(count: int, what: str) -> str:
    """The line that says what a section leaves out and how to see it."""
    return f"… {count} more {what} not shown (--all shows everything)"


# --- quotes -----------------------------------------------------------------------


def is_altered(group: QuoteGroup) -> bool:
    return any(o.verdict in ALTERED for o in group.occurrences)


def quote_sources(brief: Brief, group: QuoteGroup) -> int:
    """Independent sources that print the quote: copies counted once, and an outlet's
    prints of the same words in several of its articles too (`independence`)."""
    return source_count(brief, [(o.quote.span.article_id, print_key(brief, o.quote.span.article_id, brief.text(o.quote.span)))
                                for o in group.occurrences])  # fmt: skip


def ranked_quotes(brief: Brief, limit: int) -> Cut[QuoteGroup]:
    """Altered quotes first (all of them shown), then by independent sources and articles."""

    def rank(group: QuoteGroup):
        articles = len({o.quote.span.article_id for o in group.occurrences})
        return (not is_altered(group), -quote_sources(brief, group), -articles, group.speaker or "", group.canonical)

    return cut(sorted(brief.quotes, key=rank), limit, keep=lambda group: is_altered(group) or group.disputed)


def shown_occurrences(group: QuoteGroup, limit: int):
    """Every occurrence that is not faithful, and up to `limit` faithful ones (in order)."""
    faithful = [o for o in group.occurrences if o.verdict not in UNFAITHFUL]
    keep = set(map(id, faithful[:limit]))
    shown = tuple(o for o in group.occurrences if o.verdict in UNFAITHFUL or id(o) in keep)
    return Cut(shown, tuple(faithful[limit:]))


# --- facts ------------------------------------------------------------------------


@dataclass(frozen=True)
class FactSections:
    shown: tuple[FactSlot, ...]  # conflicts, then corroborated (ranked)
    corroborated_left_out: tuple[FactSlot, ...]
    single_source: tuple[FactSlot, ...]  # folded unless the limits show them

    @property
    def left_out(self) -> tuple[FactSlot, ...]:
        return self.corroborated_left_out + self.single_source


def ranked_facts(brief: Brief, chosen: Limits) -> FactSections:
    """Conflicts first (all), then corroborated by independent sources, then (only
    when asked for) single-source facts."""

    def rank(slot: FactSlot):
        return (-slot.independent_sources, -len(slot.claims), slot.subject, slot.attribute)

    conflicts = sorted((s for s in brief.facts if s.status == "conflicting"), key=rank)
    corroborated = sorted((s for s in brief.facts if s.status == "corroborated"), key=rank)
    single = sorted((s for s in brief.facts if s.status not in ("conflicting", "corroborated")), key=rank)
    top = cut(corroborated, chosen.facts)
    if chosen.single_source_facts:
        return FactSections(tuple(conflicts) + top.shown + tuple(single), top.rest, ())
    return FactSections(tuple(conflicts) + top.shown, top.rest, tuple(single))


# --- timeline ---------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """The events of one date (of one precision), with the articles that date them."""

    date: dt.date
    precision: str
    events: tuple[TimelineEvent, ...]  # the timeline stage's order: the lead first
    sources: tuple[str, ...] = field(default=())  # article ids, in the brief's order
    independent: int = 0
    inferred: bool = False

    @property
    def lead(self) -> TimelineEvent:
        return self.events[0]


def timeline_days(brief: Brief) -> list[Day]:
    """Events merged per date, in date order."""
    order = {a.id: k for k, a in enumerate(brief.articles)}
    by_day: dict[tuple[dt.date, str], list[TimelineEvent]] = {}
    for event in brief.timeline:
        by_day.setdefault((event.date, event.precision), []).append(event)
    days = []
    for (date, precision), events in by_day.items():
        sources = sorted({a for e in events for a in e.sources}, key=lambda a: order.get(a, len(order)))
        ranked = events  # the timeline stage's order: the event to lead the day first
        days.append(Day(date, precision, tuple(ranked), tuple(sources), len({brief.group_of(a) for a in sources}),
                        all(e.date_inferred for e in events)))  # fmt: skip
    precision_order = {"day": 0, "week": 1, "month": 2, "year": 3}
    days.sort(key=lambda d: (d.date, precision_order.get(d.precision, 4)))
    # One sentence that dates two days ("completed at 1930 CDT on 1 June (0030 GMT 2 June)")
    # leads only the first of them; the next day is led by its best event of its own.
    led: set[str] = set()
    for k, day in enumerate(days):
        texts = [brief.text(e.description) for e in day.events]
        fresh = next((i for i, text in enumerate(texts) if text not in led), 0)
        if fresh:
            days[k] = replace(day, events=(day.events[fresh],) + day.events[:fresh] + day.events[fresh + 1 :])
        led.add(texts[fresh])
    return days


def ranked_days(brief: Brief, limit: int) -> Cut[Day]:
    """The best-supported days (most independent sources), shown in date order."""
    days = timeline_days(brief)
    best = sorted(days, key=lambda d: (-d.independent, -len(d.sources), d.date))[:limit]
    chosen = set(map(id, best))
    return Cut(tuple(d for d in days if id(d) in chosen), tuple(d for d in days if id(d) not in chosen))


# --- the rest ---------------------------------------------------------------------


def ranked_entities(brief: Brief, limit: int):
    return cut(sorted(brief.entities, key=lambda e: (-len(e.mentions), e.name)), limit)


def ranked_sources(brief: Brief, limit: int):
    """The sources table's rows (every input, with its status: `common.source_rows`),
    the articles the summary cites first, then the rest; each part keeps the table's
    order (numbers stay those of the full table). Rows left out are counted, never
    dropped: the renderers say how many and `--all` shows them."""
    from .common import source_rows

    rows = source_rows(brief)
    cited = {a for s in brief.summary for a in s.citations}
    is_cited = [row.article is not None and row.input.status != "repeat" and row.article.id in cited for row in rows]
    ranked = [k for k in range(len(rows)) if is_cited[k]] + [k for k in range(len(rows)) if not is_cited[k]]
    top = cut(ranked, limit)
    return Cut(tuple(rows[k] for k in sorted(top.shown)), tuple(rows[k] for k in sorted(top.rest)))


def fidelity_left_out(shown) -> str:
    """What the fidelity table's left-out note counts: with no row shown (a big story
    where no article stands out), it says why instead of drawing an empty table."""
    return "articles" if shown else "articles (none a likely rewrite, none altering two quotes)"


def ranked_fidelity(brief: Brief, limit: int):
    """Articles flagged as rewrites or altering quotes first, then by shared quotes. Past
    `limit`, rewrites and articles that alter two quotes or more are still shown: an
    article's one altered quote is shown with the quote (at 300 articles, thirty rows
    of "1 altered" told a reader nothing the quotes section does not)."""
    order = {a.id: k for k, a in enumerate(brief.articles)}
    ranked = sorted(brief.quote_fidelity, key=lambda f: (not f.flagged_as_rewrite, -f.altered, -f.quotes, order.get(f.article_id, 0)))
    return cut(ranked, limit, keep=lambda f: f.flagged_as_rewrite or f.altered > 1)


def source_groups(brief: Brief, chosen: Limits) -> Cut[tuple[tuple[str, ...], int]]:
    """The compared independent-source groups, largest first (copies are what a reader
    looks for), each as (the article ids shown, how many more it has)."""
    compared = brief.compared_source_groups if brief.source_groups else ()
    ranked = sorted(compared, key=lambda g: -len(g.articles))
    listed = cut(ranked, chosen.group_pairs)

    def members(group) -> tuple[tuple[str, ...], int]:
        return tuple(group.articles[: chosen.group_members]), max(0, len(group.articles) - chosen.group_members)

    return Cut(tuple(members(g) for g in listed.shown), tuple(members(g) for g in listed.rest))


def shown_aliases(entity, limit: int) -> Cut[str]:
    """An entity's other names, the first `limit` (a big story's main person gathers
    eighty other names: "the president", "the embattled Egyptian president", ...)."""
    return capped([a for a in entity.aliases if a != entity.name], limit)


def clipped(text: str, words: int) -> str:
    """`text` on one line, cut after `words` words (with "…")."""
    parts = text.split()
    return " ".join(parts) if len(parts) <= words else " ".join(parts[:words]) + " …"


def condensed(pieces: Sequence[tuple[str, str]], context: int, longest: int, total: int | None = None) -> list[tuple[str, str]]:
    """A word diff (`common.word_diff` pieces) with each unchanged run cut to `context`
    words on each side of the changes it borders ("…" for the rest), and each change cut
    after `longest` words: a transcript's quote printed inside a 300-word passage is a
    change a reader sees from its first words. With `total`, the whole diff ends after
    that many words, the rest counted: a passage printed around a quote makes many changes."""
    out: list[tuple[str, str, int]] = []  # (kind, text, words of a change cut from it)
    for k, (kind, text) in enumerate(pieces):
        words = text.split()
        if kind == "equal" and len(words) > 2 * context:
            before = [] if k == 0 else words[:context]
            after = [] if k == len(pieces) - 1 else words[-context:]
            out += [("equal", " ".join(before), 0)] if before else []
            out.append(("gap", "…", 0))
            out += [("equal", " ".join(after), 0)] if after else []
        elif kind in ("ins", "del") and len(words) > longest:
            out.append((kind, " ".join(words[:longest]), len(words) - longest))
        else:
            out.append((kind, text, 0))
    if total is not None:
        out = _within(out, total)
    return [(kind, f"{text} … ({cut} more words)" if cut else text) for kind, text, cut in out]


def _within(pieces: list[tuple[str, str, int]], total: int) -> list[tuple[str, str, int]]:
    """`pieces` up to `total` words shown (a gap's "…" counts none), the rest counted."""
    out: list[tuple[str, str, int]] = []
    budget = total
    for k, (kind, text, cut) in enumerate(pieces):
        words = [] if kind == "gap" else text.split()
        if budget and len(words) <= budget:
            out.append((kind, text, cut))
            budget -= len(words)
            continue
        rest = len(words) - budget + cut + sum(len(t.split()) + c for kind_, t, c in pieces[k + 1 :] if kind_ != "gap")
        if budget:
            out.append((kind, " ".join(words[:budget]), 0))
        if rest:
            out.append(("gap", f"… ({rest} more words)", 0))
        break
    return out


def capped(items: Sequence[T], limit: int) -> Cut[T]:
    """The first `limit` of items already in their order."""
    return cut(items, limit)

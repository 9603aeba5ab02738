"""The brief as Markdown (CommonMark + GitHub tables), for notes, issues and wikis.

Article text is escaped: Markdown renderers pass raw HTML through, so an
article's `<script>` must reach the page as text, and its `*` or `[` must not
turn into emphasis or links.
"""

from __future__ import annotations

import re

from ..model import Brief
from . import RenderOptions
from . import common as view

# Characters CommonMark may read as markup mid-line, plus `|` (table cells) and
# `&` when it starts an entity; a backslash before ASCII punctuation is a literal
# in CommonMark. Line-start markup (#, -, +, 1.) cannot occur: every line starts
# with our own text.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~]|&(?=#?\w+;))")


def esc(text: str | None) -> str:
    """Text as a literal in Markdown: one line, every markup character escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def cite(numbers: dict[str, int], article_ids) -> str:
    return "".join(f"[\\[{numbers[a]}\\]](#sources)" for a in article_ids if a in numbers)


def diff(canonical: str, printed: str) -> str:
    pieces = []
    for kind, piece in view.word_diff(canonical, printed):
        if kind == "del":
            pieces.append(f"~~{esc(piece)}~~")
        elif kind == "ins":
            pieces.append(f"**{esc(piece)}**")
        else:
            pieces.append(esc(piece))
    return " ".join(pieces)


def render(brief: Brief, options: RenderOptions | None = None) -> str:
    options = options or RenderOptions()
    numbers = view.source_numbers(brief)
    out: list[str] = [f"# {esc(brief.title) or 'Untitled story'}", ""]
    line = f"**{view.headline_counts(brief)}**"
    if view.date_range(brief):
        line += f" · published {view.date_range(brief)}"
    out += [line, ""]

    out += ["## Sources", "", "| # | Outlet | Title | Date | Words | Junk removed |", "|--:|---|---|---|--:|--:|"]
    for article in brief.articles:
        title = f"[{esc(article.title)}](<{article.url}>)" if article.url and _safe_url(article.url) else esc(article.title)
        date = article.published.isoformat() if article.published else "–"
        out.append(f"| {numbers[article.id]} | {esc(article.label)} | {title} | {date} | {article.word_count} | {len(article.junk_removed)} |")
    out.append("")

    if brief.summary:
        out += [f"## Summary ({view.summary_words(brief)} words)", ""]
        for sentence in brief.summary:
            extra = f" _({sentence.independent_sources} independent sources)_" if sentence.independent_sources > 1 else ""
            out.append(f"- {esc(brief.text(sentence.span))} {cite(numbers, sentence.citations)}{extra}")
        out.append("")

    if brief.relations or brief.source_groups:
        shown = view.shown_relations(brief)
        out += [f"## {view.relations_heading(brief)}", ""]
        compared = brief.compared_source_groups if brief.source_groups else ()
        if compared:
            groups = "; ".join(
                " + ".join(f"{esc(brief.article(a).label)} \\[{numbers[a]}\\]" for a in g.articles) for g in compared
            )
            out += [f"**Independent sources:** {groups}", ""]
        for rel in shown:
            out.append(
                f"- **{esc(brief.article(rel.derived).label)}** \\[{numbers[rel.derived]}\\] "
                f"{view.RELATION_PHRASE.get(rel.kind, rel.kind)} **{esc(brief.article(rel.source).label)}** "
                f"\\[{numbers[rel.source]}\\] (score {rel.score:.2f}, direction confidence {rel.direction_confidence:.2f})"
            )
            for reason in rel.evidence:
                out.append(f"  - {esc(reason)}")
            for pair in rel.aligned[: view.ALIGNED_SHOWN]:
                out.append(f"  - > \\[{numbers[rel.source]}\\] {esc(brief.text(pair.left))}  ")
                out.append(f"    > \\[{numbers[rel.derived]}\\] {esc(brief.text(pair.right))} ({pair.similarity:.2f})")
        sharing = view.quote_sharing(brief)
        if sharing:
            pairs = ", ".join(f"\\[{numbers[r.source]}\\]–\\[{numbers[r.derived]}\\]" for r in sharing)
            out.append(f"\n**Share quotes but not prose:** {pairs}")
        others = view.independent_pairs(brief)
        if others:
            out.append(f"\n_{view.plural(others, 'other pair')} judged independent._")
        out.append("")

    if brief.quotes:
        out += [f"## Quotes ({len(brief.quotes)})", ""]
        for group in brief.quotes:
            out.append(f"- **{esc(group.speaker or 'unknown speaker')}**: “{esc(group.canonical)}” {cite(numbers, view.quote_article_ids(group))}")
            for occurrence in group.occurrences:
                article_id = occurrence.quote.span.article_id
                line = f"  - \\[{numbers.get(article_id, '?')}\\] {esc(brief.article(article_id).label)}: _{occurrence.verdict}_"
                if occurrence.quote.speaker and occurrence.quote.speaker != group.speaker:
                    line += f" (attributed to {esc(occurrence.quote.speaker)})"
                if occurrence.verdict in ("altered", "typography", "other-speaker"):
                    line += f": {diff(group.canonical, brief.text(occurrence.quote.span))}"
                out.append(line)
        out.append("")

    if brief.quote_fidelity:
        out += ["## Quote fidelity per article", "", "| # | Outlet | Shared quotes | Faithful | Altered | Likely rewrite |", "|--:|---|--:|--:|--:|---|"]
        for item in brief.quote_fidelity:
            out.append(
                f"| {numbers.get(item.article_id, '?')} | {esc(brief.article(item.article_id).label)} | {item.quotes} | "
                f"{item.faithful} | {item.altered} | {'**yes**' if item.flagged_as_rewrite else 'no'} |"
            )
        out.append("")

    if brief.facts:
        out += [f"## Facts ({len(brief.facts)})", "", "| Status | Subject | Attribute | Who says what | Independent sources |", "|---|---|---|---|--:|"]
        for slot in view.ordered_facts(brief):
            values = (" **vs** " if slot.status == "conflicting" else "; ").join(
                f"{esc(v.display)} {cite(numbers, v.article_ids)}"
                + (f" ({view.plural(v.independent, 'independent source')})" if slot.status == "conflicting" else "")
                for v in view.who_says_what(slot, brief)
            )
            status = f"**{slot.status}**" if slot.status == "conflicting" else slot.status
            out.append(f"| {status} | {esc(slot.subject)} | {esc(slot.attribute)} | {values} | {slot.independent_sources} |")
        out.append("")

    if brief.timeline:
        out += [f"## Timeline ({len(brief.timeline)})", ""]
        for event in brief.timeline:
            inferred = " (inferred)" if event.date_inferred else ""
            out.append(
                f"- **{view.date_text(event.date, event.precision)}**{inferred}: "
                f"{esc(brief.text(event.description))} {cite(numbers, event.sources)}"
            )
        out.append("")

    if brief.entities:
        out += [f"## People, organisations and places ({len(brief.entities)})", ""]
        for entity in brief.entities:
            aliases = [a for a in entity.aliases if a != entity.name]
            also = f"; also {', '.join(esc(a) for a in aliases)}" if aliases else ""
            out.append(f"- **{esc(entity.name)}** ({esc(entity.kind)}{also}): {view.plural(len(entity.mentions), 'mention')}")
        out.append("")

    if brief.problems:
        out += [f"## Problems ({len(brief.problems)})", ""]
        out += [f"- {esc(str(problem))}" for problem in brief.problems]
        out.append("")

    if options.show_removed:
        out += ["## Removed lines", ""]
        for article in brief.articles:
            out.append(f"- \\[{numbers[article.id]}\\] **{esc(article.label)}**: {view.plural(len(article.removed), 'line')} removed")
            for item in article.removed:
                out.append(f"  - line {item.line} ({esc(item.reason)}): {esc(item.text)}")
        out.append("")

    return "\n".join(out).rstrip() + "\n"


def _safe_url(url: str) -> bool:
    """Only web links become links: a `javascript:` URL from an input must not."""
    return url.lower().startswith(("http://", "https://")) and not any(c in url for c in "<> \n")

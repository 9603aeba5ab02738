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
from . import ranking

# Characters CommonMark may read as markup mid-line, plus `|` (table cells) and
# `&` when it starts an entity; a backslash before ASCII punctuation is a literal
# in CommonMark. Line-start markup (#, -, +, 1.) cannot occur: every line starts
# with our own text.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~]|&(?=#?\w+;))")


def esc(text: str | None) -> str:
    """Text as a literal in Markdown: one line, every markup character escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def cite(numbers: dict[str, int], article_ids, limit: int | None = None) -> str:
    """Links to the sources; past `limit` numbers, "+N" for the rest."""
    cited = [a for a in article_ids if a in numbers]
    # "+1" is no shorter than the one number it stands for
    shown = cited if limit is None or len(cited) <= limit + 1 else cited[:limit]
    more = f"+{len(cited) - len(shown)}" if len(cited) > len(shown) else ""
    return "".join(f"[\\[{numbers[a]}\\]](#sources)" for a in shown) + more


def left_out(count: int, what: str) -> list[str]:
    return ["", f"_{esc(ranking.left_out_note(count, what))}_"] if count else []


def diff(canonical: str, printed: str, limits: ranking.Limits | None = None) -> str:
    pieces = []
    shown = view.word_diff(canonical, printed)
    if limits is not None:
        shown = ranking.condensed(shown, limits.diff_context, limits.quote_words, limits.quote_words)
    for kind, piece in shown:
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
    limits = ranking.limits(options.show_all, len(brief.inputs))
    out: list[str] = [f"# {esc(brief.title) or 'Untitled story'}", ""]
    line = f"**{view.headline_counts(brief)}**"
    if view.date_range(brief):
        line += f" · published {view.date_range(brief)}"
    out += [line, ""]

    out += ["## Sources", "", "| # | Outlet | Title | Date | Words | Junk removed | Status |", "|--:|---|---|---|--:|--:|---|"]
    sources = ranking.ranked_sources(brief, limits.sources)
    for row in sources.shown:
        article, status = row.article, esc(row.status)
        if article is None:
            out.append(f"| – | {esc(row.label)} |  | – | – | – | {status} |")
            continue
        title = f"[{esc(article.title)}](<{article.url}>)" if article.url and _safe_url(article.url) else esc(article.title)
        date = article.published.isoformat() if article.published else "–"
        number = row.number if row.number is not None else "–"
        out.append(f"| {number} | {esc(row.label)} | {title} | {date} | {article.word_count} | {len(article.junk_removed)} | {status} |")
    out += left_out(sources.left_out, "sources")
    out.append("")

    if brief.summary:
        out += [f"## Summary ({view.summary_words(brief)} words)", ""]
        for sentence in brief.summary:
            extra = f" _({sentence.independent_sources} independent sources)_" if sentence.independent_sources > 1 else ""
            out.append(f"- {esc(brief.text(sentence.span))} {cite(numbers, sentence.citations, limits.citations)}{extra}")
        out.append("")

    if brief.relations or brief.source_groups:
        shown = ranking.capped(view.shown_relations(brief), limits.relations)
        out += [f"## {view.relations_heading(brief)}", ""]
        listed = ranking.source_groups(brief, limits)
        if listed.shown:
            groups = "; ".join(
                " + ".join(f"{esc(brief.article(a).label)} \\[{numbers[a]}\\]" for a in members) + (f" + {more} more" if more else "")
                for members, more in listed.shown
            )
            more = f"; and {listed.left_out} more" if listed.left_out else ""
            out += [f"**Independent sources:** {groups}{more}", ""]
        for rel in shown.shown:
            out.append(
                f"- **{esc(brief.article(rel.derived).label)}** \\[{numbers[rel.derived]}\\] "
                f"{view.RELATION_PHRASE.get(rel.kind, rel.kind)} **{esc(brief.article(rel.source).label)}** "
                f"\\[{numbers[rel.source]}\\] (score {rel.score:.2f}, direction confidence {rel.direction_confidence:.2f})"
            )
            for reason in rel.evidence:
                out.append(f"  - {esc(reason)}")
            aligned = ranking.capped(rel.aligned, limits.aligned)
            for pair in aligned.shown:
                if brief.text(pair.left) == brief.text(pair.right):  # a copy's sentence: its words once
                    out.append(f"  - > \\[{numbers[rel.source]}\\] = \\[{numbers[rel.derived]}\\] {esc(brief.text(pair.left))}")
                    continue
                out.append(f"  - > \\[{numbers[rel.source]}\\] {esc(brief.text(pair.left))}  ")
                out.append(f"    > \\[{numbers[rel.derived]}\\] {esc(brief.text(pair.right))} ({pair.similarity:.2f})")
            if aligned.left_out:
                out.append(f"  - _{esc(ranking.left_out_note(aligned.left_out, 'aligned sentence pair' if aligned.left_out == 1 else 'aligned sentence pairs'))}_")
        out += left_out(shown.left_out, "copies or rewrites")
        sharing = ranking.capped(view.quote_sharing(brief), limits.group_pairs)
        if sharing.shown:
            pairs = ", ".join(f"\\[{numbers[r.source]}\\]–\\[{numbers[r.derived]}\\]" for r in sharing.shown)
            more = f" and {sharing.left_out} more pairs" if sharing.left_out else ""
            out.append(f"\n**Share quotes but not prose:** {pairs}{more}")
        others = view.independent_pairs(brief)
        if others:
            out.append(f"\n_{view.plural(others, 'other pair')} judged independent._")
        out.append("")

    if brief.quotes:
        out += [f"## Quotes ({len(brief.quotes)})", ""]
        chosen = ranking.ranked_quotes(brief, limits.quote_groups)
        for group in chosen.shown:
            wording = " vs ".join(f"“{esc(ranking.clipped(w, limits.quote_words))}”" for w in group.rivals) if group.disputed else f"“{esc(ranking.clipped(group.canonical, limits.quote_words))}”"
            occurrences = ranking.shown_occurrences(group, limits.occurrences)
            faithful = f" _({occurrences.left_out} print it faithfully)_" if occurrences.left_out and not limits.occurrences else ""
            out.append(f"- **{esc(group.speaker or 'unknown speaker')}**: {wording} {cite(numbers, view.quote_article_ids(group), limits.citations)}{faithful}")
            if group.disputed:
                out.append(f"  - _{esc(view.dispute_text(group))}_")
                out += [f"  - wordings differ: {diff(group.rivals[0], rival, limits)}" for rival in group.rivals[1:]]
            elif group.decided_by:
                out.append(f"  - _{esc(view.decision_text(group, limits.one_line_notes))}_")
            for kind, items in view.occurrence_lines(group, occurrences.shown, brief.text, limits.one_line_notes):
                if kind == "same":
                    printers = ", ".join(f"\\[{numbers.get(o.quote.span.article_id, '?')}\\] "
                                         f"{esc(brief.article(o.quote.span.article_id).label)}" for o in items)  # fmt: skip
                    out.append(f"  - {printers}: _{items[0].verdict}_")
                    continue
                occurrence = items[0]  # the prints of one line say the same words
                printers = ", ".join(f"\\[{numbers.get(o.quote.span.article_id, '?')}\\] "
                                     f"{esc(brief.article(o.quote.span.article_id).label)}" for o in items)  # fmt: skip
                line = f"  - {printers}: _{occurrence.verdict}_"
                if occurrence.quote.speaker and occurrence.quote.speaker != group.speaker:
                    line += f" (attributed to {esc(occurrence.quote.speaker)})"
                if view.verdict_note(occurrence):
                    line += f" ({esc(view.verdict_note(occurrence))})"
                if occurrence.verdict in view.DIFFED_VERDICTS:
                    line += f": {diff(group.canonical, brief.text(occurrence.quote.span), limits)}"
                elif occurrence.verdict == "disputed":
                    line += f": “{esc(ranking.clipped(brief.text(occurrence.quote.span), limits.quote_words))}”"
                out.append(line)
            if occurrences.left_out and limits.occurrences:
                out.append(f"  - _… {occurrences.left_out} more print it faithfully_")
        out += left_out(chosen.left_out, "quote groups")
        out.append("")

    if brief.quote_fidelity:
        out += ["## Quote fidelity per article", ""]
        chosen_fidelity = ranking.ranked_fidelity(brief, limits.fidelity)
        if chosen_fidelity.shown:
            out += ["| # | Outlet | Shared quotes | Faithful | Altered | Disputed | Likely rewrite |", "|--:|---|--:|--:|--:|--:|---|"]
        for item in chosen_fidelity.shown:
            out.append(
                f"| {numbers.get(item.article_id, '?')} | {esc(brief.article(item.article_id).label)} | {item.quotes} | "
                f"{item.faithful} | {item.altered} | {item.disputed} | {'**yes**' if item.flagged_as_rewrite else 'no'} |"
            )
        note = left_out(chosen_fidelity.left_out, ranking.fidelity_left_out(chosen_fidelity.shown))
        out += note if chosen_fidelity.shown else note[1:]  # no table to keep the note apart from
        out.append("")

    if brief.facts:
        out += [f"## Facts ({len(brief.facts)})", "", "| Status | Subject | Attribute | Who says what | Independent sources |", "|---|---|---|---|--:|"]
        chosen_facts = ranking.ranked_facts(brief, limits)
        for slot in chosen_facts.shown:
            said = ranking.capped(view.who_says_what(slot, brief), limits.fact_values)
            values = (" **vs** " if slot.status == "conflicting" else "; ").join(
                f"{esc(v.display)} {cite(numbers, v.article_ids, limits.value_citations)}"
                + (f" ({view.plural(v.independent, 'independent source')})" if slot.status == "conflicting" else "")
                for v in said.shown
            )
            if said.left_out:
                values += f" _{'vs' if slot.status == 'conflicting' else 'and'} {view.plural(said.left_out, 'more value')}_"
            status = f"**{slot.status}**" if slot.status == "conflicting" else slot.status
            out.append(f"| {status} | {esc(slot.subject)} | {esc(slot.attribute)} | {values} | {slot.independent_sources} |")
        out += left_out(len(chosen_facts.corroborated_left_out), "corroborated facts")
        out += left_out(len(chosen_facts.single_source), "single-source facts")
        out.append("")

    if brief.timeline:
        out += [f"## Timeline ({len(brief.timeline)})", ""]
        days = ranking.ranked_days(brief, limits.days)
        for day in days.shown:
            inferred = " (inferred)" if day.inferred else ""
            more = f" _(+{view.plural(len(day.events) - 1, 'more event')} that day)_" if len(day.events) > 1 else ""
            support = f" _({day.independent} independent sources)_" if day.independent > 1 else ""
            out.append(
                f"- **{view.date_text(day.date, day.precision)}**{inferred}: "
                f"{esc(ranking.clipped(brief.text(day.lead.description), limits.event_words))} {cite(numbers, day.sources, limits.citations)}{more}{support}"
            )
        out += left_out(days.left_out, "days")
        out.append("")

    if brief.entities:
        out += [f"## People, organisations and places ({len(brief.entities)})", ""]
        chosen_entities = ranking.ranked_entities(brief, limits.entities)
        for entity in chosen_entities.shown:
            aliases = ranking.shown_aliases(entity, limits.aliases)
            more = f" and {aliases.left_out} more" if aliases.left_out else ""
            also = f"; also {', '.join(esc(a) for a in aliases.shown)}{more}" if aliases.shown else ""
            out.append(f"- **{esc(entity.name)}** ({esc(entity.kind)}{also}): {view.plural(len(entity.mentions), 'mention')}")
        out += left_out(chosen_entities.left_out, "names")
        out.append("")

    if brief.changes:
        out += [f"## Changed after publication ({len(brief.changes)})", ""]
        for change in brief.changes:
            article = brief.article(change.article_id)
            out.append(f"- \\[{numbers[article.id]}\\] **{esc(article.label)}**: {esc(view.change_summary(change))}")
            for edit in change.edits[: view.CHANGES_SHOWN]:
                pieces = [f"~~{esc(brief.text(edit.removed))}~~" if len(edit.removed) else "", f"**{esc(edit.added)}**" if edit.added else ""]
                flags = f" _(changed {', '.join(edit.flags)})_" if edit.flags else ""
                out.append(f"  - {' '.join(p for p in pieces if p)}{flags}")
            if len(change.edits) > view.CHANGES_SHOWN:
                out.append(f"  - _… {len(change.edits) - view.CHANGES_SHOWN} more changes_")
        out.append("")

    if brief.problems:
        out += [f"## Input problems ({len(brief.problems)})", ""]
        chosen_problems = ranking.capped(brief.problems, limits.problems)
        out += [f"- {esc(str(problem))}" for problem in chosen_problems.shown]
        out += left_out(chosen_problems.left_out, "input problems")
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

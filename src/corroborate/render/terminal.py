"""The brief in the terminal (rich): title, sources table, cited summary, then
every other section that has something to say.

`renderables(brief, options)` yields rich objects so the CLI can print them to
a real console (colours, width and NO_COLOR decided by rich); `render` returns
the same as a string, plain unless `options.color`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..model import Brief
from . import RenderOptions
from . import common as view
from . import ranking

VERDICT_STYLE = {
    "verbatim": "green",
    "partial": "green",
    "typography": "yellow",
    "altered": "bold red",
    "other-speaker": "bold red",
    "disputed": "yellow",
}
STATUS_STYLE = {
    "conflicting": "bold red",
    "corroborated": "green",
    "single-source": "yellow",
    "duplicate": "red",
    "contained": "red",
    "rewrite": "yellow",
    "repeat": "dim",
    "rejected": "yellow",
}
LIMITS = ranking.Limits()


def cite(numbers: dict[str, int], article_ids, limit: int | None = None) -> str:
    """[1][4][7]; past `limit` numbers, "+N" for the rest."""
    cited = [a for a in article_ids if a in numbers]
    # "+1" is no shorter than the one number it stands for
    shown = cited if limit is None or len(cited) <= limit + 1 else cited[:limit]
    more = f"+{len(cited) - len(shown)}" if len(cited) > len(shown) else ""
    return "".join(f"[{numbers[a]}]" for a in shown) + more


def left_out(count: int, what: str) -> Text:
    return Text(ranking.left_out_note(count, what), style="dim italic")


def note(text: str, style: str, limits: ranking.Limits) -> Text:
    """A line of explanation; on one line, cut to the width, with `limits.one_line_notes`."""
    if limits.one_line_notes:
        return Text(text, style=style, no_wrap=True, overflow="ellipsis")
    return Text(text, style=style)


def section(title: str, count: int | None = None) -> Rule:
    label = f"{title} ({count})" if count is not None else title
    return Rule(Text(label, style="bold"), align="left", style="dim")


def diff_text(canonical: str, printed: str, limits: ranking.Limits | None = None) -> Text:
    """The printed quote with deletions struck in red and insertions in green (with
    `limits`, long unchanged runs and long changes cut: `ranking.condensed`)."""
    text = Text()
    pieces = view.word_diff(canonical, printed)
    if limits is not None:
        pieces = ranking.condensed(pieces, limits.diff_context, limits.quote_words, limits.quote_words)
    for kind, piece in pieces:
        if text:
            text.append(" ")
        if kind == "del":
            text.append(f"[-{piece}-]", style="red strike")
        elif kind == "ins":
            text.append(f"{{+{piece}+}}", style="bold green")
        elif kind == "gap":
            text.append(piece, style="dim")
        else:
            text.append(piece)
    return text


def header(brief: Brief) -> RenderableType:
    lines = Text(brief.title or "(untitled story)", style="bold")
    lines.append("\n")
    details = view.headline_counts(brief)
    if view.date_range(brief):
        details += f" · published {view.date_range(brief)}"
    lines.append(details, style="dim")
    return lines


def sources_table(brief: Brief, numbers: dict[str, int], limits: ranking.Limits | None = None) -> RenderableType:
    """Every input, one row each, with its status (N inputs, N rows; past the limit,
    the rows left out are counted)."""
    limits = limits or ranking.Limits()
    chosen = ranking.ranked_sources(brief, limits.sources)
    rows = []
    for row in chosen.shown:
        article = row.article
        status = Text(view.short(row.status, 120), style=STATUS_STYLE.get(row.input.status, ""))
        if article is None:
            rows.append(("-", escape(row.label), "", "-", "-", "-", status))
            continue
        rows.append((
            f"[{row.number}]" if row.number is not None else "-",
            escape(row.label),
            " ".join(article.title.split()),
            article.published.isoformat() if article.published else "-",
            str(article.word_count),
            str(len(article.junk_removed)),
            status,
        ))  # fmt: skip
    # A few sources show their whole titles; a big story's table is a list to scan.
    table = _SourcesTable(rows, cut_titles=limits.title_lines == 1 and chosen.left_out > 0)
    if chosen.left_out:
        return Group(table, left_out(chosen.left_out, "sources"))
    return table


class _SourcesTable:
    """The sources table, laid out for the width it is given: with `cut_titles`, each
    title is cut to the width the other columns leave, so that a source is one line (a
    long title wrapped over four lines made the table of twelve sources fifty lines)."""

    _COLUMNS = 7
    _TITLE_AT_LEAST = 20

    def __init__(self, rows: list[tuple], cut_titles: bool) -> None:
        self.rows, self.cut_titles = rows, cut_titles

    def __rich_console__(self, console, options):
        title_width = None
        if self.cut_titles:
            others = [max([len(header)] + [len(str(row[k])) for row in self.rows]) for k, header in
                      ((0, "#"), (1, "Outlet"), (3, "Date"), (4, "Words"), (5, "Junk"), (6, "Status"))]  # fmt: skip
            others[1], others[5] = min(others[1], 22), min(others[5], 40)  # the columns' max widths below
            borders = 3 * self._COLUMNS + 1
            title_width = max(self._TITLE_AT_LEAST, options.max_width - sum(others) - borders)
        table = Table(title=None, show_lines=False, expand=False, header_style="bold")
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("Outlet", overflow="fold", max_width=22)
        table.add_column("Title", overflow="fold", ratio=1)
        table.add_column("Date", no_wrap=True)
        table.add_column("Words", justify="right")
        table.add_column("Junk", justify="right")  # lines removed as scraping junk
        table.add_column("Status", overflow="fold", max_width=40)
        for number, outlet, title, *rest in self.rows:
            title = escape(view.short(title, title_width) if title_width else title)
            table.add_row(number, outlet, title, *rest)
        yield table


def summary(brief: Brief, numbers: dict[str, int]) -> Iterator[RenderableType]:
    yield section(f"Summary ({view.summary_words(brief)} words)")
    for sentence in brief.summary:
        line = Text("• ")
        line.append(brief.text(sentence.span))
        line.append(" " + cite(numbers, sentence.citations, LIMITS.citations), style="cyan")
        if sentence.independent_sources > 1:
            line.append(f" ({sentence.independent_sources} independent sources)", style="dim")
        yield line


def relations(brief: Brief, numbers: dict[str, int], limits: ranking.Limits) -> Iterator[RenderableType]:
    shown = ranking.capped(view.shown_relations(brief), limits.relations)
    yield section(view.relations_heading(brief))
    listed = ranking.source_groups(brief, limits)
    if listed.shown:
        groups = Text("Independent sources: ", style="bold")
        groups.append("; ".join(
            " + ".join(f"{brief.article(a).label} [{numbers[a]}]" for a in members) + (f" + {more} more" if more else "")
            for members, more in listed.shown
        ))  # fmt: skip
        if listed.left_out:
            groups.append(f"; and {listed.left_out} more", style="dim")
        yield groups
    for rel in shown.shown:
        line = Text()
        line.append(f"{brief.article(rel.derived).label} [{numbers[rel.derived]}]", style="bold")
        line.append(f" {view.RELATION_PHRASE.get(rel.kind, rel.kind)} ", style="red" if rel.kind in ("duplicate", "contained") else "yellow")
        line.append(f"{brief.article(rel.source).label} [{numbers[rel.source]}]", style="bold")
        line.append(f"  score {rel.score:.2f}, direction confidence {rel.direction_confidence:.2f}", style="dim")
        yield line
        for reason in rel.evidence:
            yield Padding(Text(f"- {reason}"), (0, 0, 0, 4), expand=False)
        aligned = ranking.capped(rel.aligned, limits.aligned)
        for pair in aligned.shown:
            if brief.text(pair.left) == brief.text(pair.right):  # a copy's sentence: its words once
                yield Padding(Text(f"[{numbers[rel.source]}] = [{numbers[rel.derived]}] {brief.text(pair.left)}"), (0, 0, 0, 4), expand=False)
                continue
            yield Padding(Text(f"[{numbers[rel.source]}] {brief.text(pair.left)}", style="dim"), (0, 0, 0, 4), expand=False)
            yield Padding(Text(f"[{numbers[rel.derived]}] {brief.text(pair.right)}  ({pair.similarity:.2f})"), (0, 0, 0, 4), expand=False)
        if aligned.left_out:
            yield Padding(left_out(aligned.left_out, "aligned sentence pair" if aligned.left_out == 1 else "aligned sentence pairs"), (0, 0, 0, 4), expand=False)
    if shown.left_out:
        yield left_out(shown.left_out, "copies or rewrites")
    sharing = ranking.capped(view.quote_sharing(brief), limits.group_pairs)
    if sharing.shown:
        line = Text("Share quotes but not prose: ", style="bold")
        line.append(", ".join(f"[{numbers[r.source]}]–[{numbers[r.derived]}]" for r in sharing.shown))
        if sharing.left_out:
            line.append(f" and {sharing.left_out} more pairs", style="dim")
        yield line
    others = view.independent_pairs(brief)
    if others:
        yield Text(f"{view.plural(others, 'other pair')} judged independent.", style="dim")


def quotes(brief: Brief, numbers: dict[str, int], limits: ranking.Limits) -> Iterator[RenderableType]:
    yield section("Quotes", len(brief.quotes))
    chosen = ranking.ranked_quotes(brief, limits.quote_groups)
    for group in chosen.shown:
        head = Text()
        head.append(group.speaker or "unknown speaker", style="bold")
        if group.disputed:
            head.append(": " + " vs ".join(f"“{ranking.clipped(wording, limits.quote_words)}”" for wording in group.rivals) + " ")
        else:
            head.append(": “" + ranking.clipped(group.canonical, limits.quote_words) + "” ")
        head.append(cite(numbers, view.quote_article_ids(group), limits.citations), style="cyan")
        occurrences = ranking.shown_occurrences(group, limits.occurrences)
        if occurrences.left_out and not limits.occurrences:
            head.append(f" ({occurrences.left_out} print it faithfully)", style="dim")
        yield head
        if group.disputed:
            yield Padding(note(view.dispute_text(group), "yellow", limits), (0, 0, 0, 4), expand=False)
            for rival in group.rivals[1:]:
                line = Text("wordings differ: ")
                line.append(diff_text(group.rivals[0], rival, limits))
                yield Padding(line, (0, 0, 0, 4), expand=False)
        elif group.decided_by:
            yield Padding(note(view.decision_text(group, limits.one_line_notes), "dim", limits), (0, 0, 0, 4), expand=False)
        for kind, items in view.occurrence_lines(group, occurrences.shown, brief.text, limits.one_line_notes):
            if kind == "same":
                line = Text(", ".join(f"[{numbers.get(o.quote.span.article_id, '?')}] {brief.article(o.quote.span.article_id).label}"
                                      for o in items) + ": ")  # fmt: skip
                line.append(items[0].verdict, style=VERDICT_STYLE.get(items[0].verdict, ""))
                yield Padding(line, (0, 0, 0, 4), expand=False)
                continue
            occurrence = items[0]  # the prints of one line say the same words
            line = Text(", ".join(f"[{numbers.get(o.quote.span.article_id, '?')}] {brief.article(o.quote.span.article_id).label}"
                                  for o in items) + ": ")  # fmt: skip
            line.append(occurrence.verdict, style=VERDICT_STYLE.get(occurrence.verdict, ""))
            if occurrence.quote.speaker and occurrence.quote.speaker != group.speaker:
                line.append(f" (attributed to {occurrence.quote.speaker})", style="red")
            if view.verdict_note(occurrence):
                line.append(f" ({view.verdict_note(occurrence)})", style="dim")
            if occurrence.verdict in view.DIFFED_VERDICTS:
                line.append("  ")
                line.append(diff_text(group.canonical, brief.text(occurrence.quote.span), limits))
            elif occurrence.verdict == "disputed":
                line.append("  " + brief.text(occurrence.quote.span))
                if limits.one_line_notes:  # which wording it holds is in its first words
                    line.no_wrap, line.overflow = True, "ellipsis"
            yield Padding(line, (0, 0, 0, 4), expand=False)
        if occurrences.left_out and limits.occurrences:
            yield Padding(Text(f"… {occurrences.left_out} more print it faithfully", style="dim"), (0, 0, 0, 4), expand=False)
    if chosen.left_out:
        yield left_out(chosen.left_out, "quote groups")


def fidelity(brief: Brief, numbers: dict[str, int], limits: ranking.Limits) -> Iterator[RenderableType]:
    yield section("Quote fidelity per article")
    table = Table(header_style="bold")
    for column in ("#", "Outlet", "Shared quotes", "Faithful", "Altered", "Disputed", "Likely rewrite"):
        table.add_column(column, justify="right" if column not in ("Outlet", "Likely rewrite") else "left")
    chosen = ranking.ranked_fidelity(brief, limits.fidelity)
    for item in chosen.shown:
        table.add_row(
            f"[{numbers.get(item.article_id, '?')}]",
            escape(brief.article(item.article_id).label),
            str(item.quotes),
            str(item.faithful),
            str(item.altered),
            str(item.disputed),
            "[bold red]yes[/]" if item.flagged_as_rewrite else "no",
        )
    if chosen.shown:
        yield table
    if chosen.left_out:
        yield left_out(chosen.left_out, ranking.fidelity_left_out(chosen.shown))


def facts(brief: Brief, numbers: dict[str, int], limits: ranking.Limits) -> Iterator[RenderableType]:
    yield section("Facts", len(brief.facts))
    chosen = ranking.ranked_facts(brief, limits)
    for slot in chosen.shown:
        line = Text()
        line.append(f"{slot.status:<13}", style=STATUS_STYLE.get(slot.status, ""))
        line.append(f" {slot.heading}: ", style="bold")
        values = ranking.capped(view.who_says_what(slot, brief), limits.fact_values)
        for index, value in enumerate(values.shown):
            if index:
                line.append("  vs  " if slot.status == "conflicting" else "; ", style="red" if slot.status == "conflicting" else "")
            line.append(value.display)
            line.append(" " + cite(numbers, value.article_ids, limits.value_citations), style="cyan")
            if slot.status == "conflicting":
                line.append(f" ({value.independent} indep.)", style="dim")
        if values.left_out:
            line.append(f"  {'vs' if slot.status == 'conflicting' else 'and'} {view.plural(values.left_out, 'more value')}", style="dim")
        line.append(f"  ({view.plural(slot.independent_sources, 'independent source')})", style="dim")
        yield line
    if chosen.corroborated_left_out:
        yield left_out(len(chosen.corroborated_left_out), "corroborated facts")
    if chosen.single_source:
        yield left_out(len(chosen.single_source), "single-source facts")


def timeline(brief: Brief, numbers: dict[str, int], limits: ranking.Limits) -> Iterator[RenderableType]:
    yield section("Timeline", len(brief.timeline))
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0))
    table.add_column("date", justify="right", style="bold", no_wrap=True)
    table.add_column("event", overflow="fold")
    days = ranking.ranked_days(brief, limits.days)
    for day in days.shown:
        when = Text(view.date_text(day.date, day.precision))
        if day.inferred:
            when.append(" (inferred)", style="dim")
        line = Text(ranking.clipped(brief.text(day.lead.description), limits.event_words))
        line.append(" " + cite(numbers, day.sources, limits.citations), style="cyan")
        if len(day.events) > 1:
            line.append(f" (+{view.plural(len(day.events) - 1, 'more event')} that day)", style="dim")
        if day.independent > 1:
            line.append(f" ({day.independent} independent sources)", style="dim")
        table.add_row(when, line)
    yield table
    if days.left_out:
        yield left_out(days.left_out, "days")


def entities(brief: Brief, limits: ranking.Limits) -> Iterator[RenderableType]:
    yield section("People, organisations and places", len(brief.entities))
    chosen = ranking.ranked_entities(brief, limits.entities)
    for entity in chosen.shown:
        line = Text()
        line.append(entity.name, style="bold")
        line.append(f" ({entity.kind})", style="dim")
        aliases = ranking.shown_aliases(entity, limits.aliases)
        if aliases.shown:
            line.append(" also: " + ", ".join(aliases.shown))
        if aliases.left_out:
            line.append(f" and {aliases.left_out} more", style="dim")
        if entity.mentions:
            line.append(f"  {view.plural(len(entity.mentions), 'mention')}", style="dim")
        yield line
    if chosen.left_out:
        yield left_out(chosen.left_out, "names")


def problems(brief: Brief, limits: ranking.Limits) -> Iterator[RenderableType]:
    yield section("Input problems", len(brief.problems))
    chosen = ranking.capped(brief.problems, limits.problems)
    for problem in chosen.shown:
        yield Text(f"! {problem}", style="yellow")
    if chosen.left_out:
        yield left_out(chosen.left_out, "input problems")


def removed(brief: Brief, numbers: dict[str, int]) -> Iterator[RenderableType]:
    yield section("Removed lines")
    for article in brief.articles:
        yield Text(f"[{numbers[article.id]}] {article.label}: {view.plural(len(article.removed), 'line')} removed", style="bold")
        for item in article.removed:
            line = Text(f"    line {item.line:>3}  ")
            line.append(f"{item.reason:<22}", style="yellow")
            line.append(" " + view.short(item.text, 100), style="dim")
            yield line


def changes(brief: Brief, numbers: dict[str, int]) -> Iterator[RenderableType]:
    """Articles edited after publication: each change as removed -> added words, flagged."""
    yield section("Changed after publication", len(brief.changes))
    for change in brief.changes:
        article = brief.article(change.article_id)
        yield Text(f"[{numbers[article.id]}] {article.label}: {view.change_summary(change)}", style="bold")
        for edit in change.edits[: view.CHANGES_SHOWN]:
            line = Text("    ")
            if len(edit.removed):
                line.append(f"[-{brief.text(edit.removed)}-]", style="red strike")
            if len(edit.removed) and edit.added:
                line.append(" ")
            if edit.added:
                line.append(f"{{+{edit.added}+}}", style="bold green")
            if edit.flags:
                line.append("  changed " + ", ".join(edit.flags), style="bold yellow")
            yield line
        if len(change.edits) > view.CHANGES_SHOWN:
            yield Text(f"    … {len(change.edits) - view.CHANGES_SHOWN} more changes", style="dim")


def renderables(brief: Brief, options: RenderOptions | None = None) -> Iterator[RenderableType]:
    options = options or RenderOptions()
    numbers = view.source_numbers(brief)
    limits = ranking.limits(options.show_all, len(brief.inputs))
    yield header(brief)
    yield Text("")
    yield sources_table(brief, numbers, limits)
    parts = []
    if brief.summary:
        parts.append(summary(brief, numbers))
    if brief.relations or brief.source_groups:
        parts.append(relations(brief, numbers, limits))
    if brief.quotes:
        parts.append(quotes(brief, numbers, limits))
    if brief.quote_fidelity:
        parts.append(fidelity(brief, numbers, limits))
    if brief.facts:
        parts.append(facts(brief, numbers, limits))
    if brief.timeline:
        parts.append(timeline(brief, numbers, limits))
    if brief.entities:
        parts.append(entities(brief, limits))
    if brief.changes:
        parts.append(changes(brief, numbers))
    if brief.problems:
        parts.append(problems(brief, limits))
    if options.show_removed:
        parts.append(removed(brief, numbers))
    for part in parts:
        yield Text("")
        yield Group(*part)


def render(brief: Brief, options: RenderOptions | None = None) -> str:
    options = options or RenderOptions()
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=options.width,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        no_color=not options.color,
        highlight=False,
        emoji=False,
    )
    for item in renderables(brief, options):
        console.print(item)
    # rich pads wrapped, indented lines to the full width; a file has no use for that.
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))

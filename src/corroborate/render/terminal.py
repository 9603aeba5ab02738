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

VERDICT_STYLE = {
    "verbatim": "green",
    "partial": "green",
    "typography": "yellow",
    "altered": "bold red",
    "other-speaker": "bold red",
}
STATUS_STYLE = {"conflicting": "bold red", "corroborated": "green", "single-source": "yellow"}


def cite(numbers: dict[str, int], article_ids) -> str:
    return "".join(f"[{numbers[a]}]" for a in article_ids if a in numbers)


def section(title: str, count: int | None = None) -> Rule:
    label = f"{title} ({count})" if count is not None else title
    return Rule(Text(label, style="bold"), align="left", style="dim")


def diff_text(canonical: str, printed: str) -> Text:
    """The printed quote with deletions struck in red and insertions in green."""
    text = Text()
    for kind, piece in view.word_diff(canonical, printed):
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


def sources_table(brief: Brief, numbers: dict[str, int]) -> Table:
    table = Table(title=None, show_lines=False, expand=False, header_style="bold")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Outlet", overflow="fold", max_width=22)
    table.add_column("Title", overflow="fold", ratio=1)
    table.add_column("Date", no_wrap=True)
    table.add_column("Words", justify="right")
    table.add_column("Junk", justify="right")  # lines removed as scraping junk
    for article in brief.articles:
        table.add_row(
            f"[{numbers[article.id]}]",
            escape(article.label),
            escape(view.short(article.title, 120)),
            article.published.isoformat() if article.published else "-",
            str(article.word_count),
            str(len(article.junk_removed)),
        )
    return table


def summary(brief: Brief, numbers: dict[str, int]) -> Iterator[RenderableType]:
    yield section(f"Summary ({view.summary_words(brief)} words)")
    for sentence in brief.summary:
        line = Text("• ")
        line.append(brief.text(sentence.span))
        line.append(" " + cite(numbers, sentence.citations), style="cyan")
        if sentence.independent_sources > 1:
            line.append(f" ({sentence.independent_sources} independent sources)", style="dim")
        yield line


def relations(brief: Brief, numbers: dict[str, int]) -> Iterator[RenderableType]:
    shown = view.shown_relations(brief)
    yield section(view.relations_heading(brief))
    compared = brief.compared_source_groups if brief.source_groups else ()
    if compared:
        groups = Text("Independent sources: ", style="bold")
        groups.append("; ".join(" + ".join(f"{brief.article(a).label} [{numbers[a]}]" for a in g.articles) for g in compared))
        yield groups
    for rel in shown:
        line = Text()
        line.append(f"{brief.article(rel.derived).label} [{numbers[rel.derived]}]", style="bold")
        line.append(f" {view.RELATION_PHRASE.get(rel.kind, rel.kind)} ", style="red" if rel.kind in ("duplicate", "contained") else "yellow")
        line.append(f"{brief.article(rel.source).label} [{numbers[rel.source]}]", style="bold")
        line.append(f"  score {rel.score:.2f}, direction confidence {rel.direction_confidence:.2f}", style="dim")
        yield line
        for reason in rel.evidence:
            yield Padding(Text(f"- {reason}"), (0, 0, 0, 4), expand=False)
        for pair in rel.aligned[: view.ALIGNED_SHOWN]:
            yield Padding(Text(f"[{numbers[rel.source]}] {brief.text(pair.left)}", style="dim"), (0, 0, 0, 4), expand=False)
            yield Padding(Text(f"[{numbers[rel.derived]}] {brief.text(pair.right)}  ({pair.similarity:.2f})"), (0, 0, 1, 4), expand=False)
    sharing = view.quote_sharing(brief)
    if sharing:
        line = Text("Share quotes but not prose: ", style="bold")
        line.append(", ".join(f"[{numbers[r.source]}]–[{numbers[r.derived]}]" for r in sharing))
        yield line
    others = view.independent_pairs(brief)
    if others:
        yield Text(f"{view.plural(others, 'other pair')} judged independent.", style="dim")


def quotes(brief: Brief, numbers: dict[str, int]) -> Iterator[RenderableType]:
    yield section("Quotes", len(brief.quotes))
    for group in brief.quotes:
        head = Text()
        head.append(group.speaker or "unknown speaker", style="bold")
        head.append(": “" + group.canonical + "” ")
        head.append(cite(numbers, view.quote_article_ids(group)), style="cyan")
        yield head
        for occurrence in group.occurrences:
            article_id = occurrence.quote.span.article_id
            line = Text(f"[{numbers.get(article_id, '?')}] {brief.article(article_id).label}: ")
            line.append(occurrence.verdict, style=VERDICT_STYLE.get(occurrence.verdict, ""))
            if occurrence.quote.speaker and occurrence.quote.speaker != group.speaker:
                line.append(f" (attributed to {occurrence.quote.speaker})", style="red")
            if occurrence.verdict in ("altered", "typography", "other-speaker"):
                line.append("  ")
                line.append(diff_text(group.canonical, brief.text(occurrence.quote.span)))
            yield Padding(line, (0, 0, 0, 4), expand=False)


def fidelity(brief: Brief, numbers: dict[str, int]) -> Iterator[RenderableType]:
    yield section("Quote fidelity per article")
    table = Table(header_style="bold")
    for column in ("#", "Outlet", "Shared quotes", "Faithful", "Altered", "Likely rewrite"):
        table.add_column(column, justify="right" if column not in ("Outlet", "Likely rewrite") else "left")
    for item in brief.quote_fidelity:
        table.add_row(
            f"[{numbers.get(item.article_id, '?')}]",
            escape(brief.article(item.article_id).label),
            str(item.quotes),
            str(item.faithful),
            str(item.altered),
            "[bold red]yes[/]" if item.flagged_as_rewrite else "no",
        )
    yield table


def facts(brief: Brief, numbers: dict[str, int]) -> Iterator[RenderableType]:
    yield section("Facts", len(brief.facts))
    for slot in view.ordered_facts(brief):
        line = Text()
        line.append(f"{slot.status:<13}", style=STATUS_STYLE.get(slot.status, ""))
        line.append(f" {slot.subject} — {slot.attribute}: ", style="bold")
        values = view.who_says_what(slot, brief)
        for index, value in enumerate(values):
            if index:
                line.append("  vs  " if slot.status == "conflicting" else "; ", style="red" if slot.status == "conflicting" else "")
            line.append(value.display)
            line.append(" " + cite(numbers, value.article_ids), style="cyan")
            if slot.status == "conflicting":
                line.append(f" ({value.independent} indep.)", style="dim")
        line.append(f"  ({view.plural(slot.independent_sources, 'independent source')})", style="dim")
        yield line


def timeline(brief: Brief, numbers: dict[str, int]) -> Iterator[RenderableType]:
    yield section("Timeline", len(brief.timeline))
    table = Table(box=None, show_header=False, padding=(0, 1, 0, 0))
    table.add_column("date", justify="right", style="bold", no_wrap=True)
    table.add_column("event", overflow="fold")
    for event in brief.timeline:
        when = Text(view.date_text(event.date, event.precision))
        if event.date_inferred:
            when.append(" (inferred)", style="dim")
        line = Text(" ".join(brief.text(event.description).split()))
        line.append(" " + cite(numbers, event.sources), style="cyan")
        table.add_row(when, line)
    yield table


def entities(brief: Brief) -> Iterator[RenderableType]:
    yield section("People, organisations and places", len(brief.entities))
    for entity in brief.entities:
        line = Text()
        line.append(entity.name, style="bold")
        line.append(f" ({entity.kind})", style="dim")
        aliases = [a for a in entity.aliases if a != entity.name]
        if aliases:
            line.append(" also: " + ", ".join(aliases))
        if entity.mentions:
            line.append(f"  {view.plural(len(entity.mentions), 'mention')}", style="dim")
        yield line


def problems(brief: Brief) -> Iterator[RenderableType]:
    yield section("Problems", len(brief.problems))
    for problem in brief.problems:
        yield Text(f"! {problem}", style="yellow")


def removed(brief: Brief, numbers: dict[str, int]) -> Iterator[RenderableType]:
    yield section("Removed lines")
    for article in brief.articles:
        yield Text(f"[{numbers[article.id]}] {article.label}: {view.plural(len(article.removed), 'line')} removed", style="bold")
        for item in article.removed:
            line = Text(f"    line {item.line:>3}  ")
            line.append(f"{item.reason:<22}", style="yellow")
            line.append(" " + view.short(item.text, 100), style="dim")
            yield line


def renderables(brief: Brief, options: RenderOptions | None = None) -> Iterator[RenderableType]:
    options = options or RenderOptions()
    numbers = view.source_numbers(brief)
    yield header(brief)
    yield Text("")
    yield sources_table(brief, numbers)
    parts = []
    if brief.summary:
        parts.append(summary(brief, numbers))
    if brief.relations or brief.source_groups:
        parts.append(relations(brief, numbers))
    if brief.quotes:
        parts.append(quotes(brief, numbers))
    if brief.quote_fidelity:
        parts.append(fidelity(brief, numbers))
    if brief.facts:
        parts.append(facts(brief, numbers))
    if brief.timeline:
        parts.append(timeline(brief, numbers))
    if brief.entities:
        parts.append(entities(brief))
    if brief.problems:
        parts.append(problems(brief))
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

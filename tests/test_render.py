"""Renderers (terminal, Markdown) and their shared layout helpers, on briefs built
by hand (tests/builders.py): no files read, no models loaded."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from builders import full_brief, minimal_brief

from corroborate.model import Brief
from corroborate.render import FORMATS, RenderOptions, render
from corroborate.render import common as view

RENDER_DIR = Path(__file__).resolve().parent.parent / "src" / "corroborate" / "render"


# --- layout helpers -----------------------------------------------------------


def test_word_diff_marks_the_changed_word_only():
    pieces = view.word_diff("We will not sail a vessel", "We will not run a vessel")
    assert pieces == [("equal", "We will not"), ("del", "sail"), ("ins", "run"), ("equal", "a vessel")]


def test_word_diff_shows_a_partial_quote_as_gaps_not_deletions():
    pieces = view.word_diff("Repairs start this week and should take 18 days.", "should take 18 days.")
    assert pieces == [("gap", "…"), ("equal", "should take 18 days.")]


def test_word_diff_ignores_the_punctuation_the_sentence_puts_at_a_quote_end():
    assert view.word_diff("we will get them", "we will get them.") == [("equal", "we will get them.")]


def test_word_diff_shows_typography_changes_inside_a_quote():
    pieces = view.word_diff("and we won't speculate", "and we won’t speculate")
    assert pieces == [("equal", "and we"), ("del", "won't"), ("ins", "won’t"), ("equal", "speculate")]


def test_word_diff_shows_a_fragment_sharing_no_word_against_the_words_it_stands_for():
    """A one-word print of a long statement, spelt otherwise: the changed words with gaps
    around them, not the whole statement deleted (which a capped diff then cut off
    before the printed word)."""
    canonical = "We will not be nickel-and-diming the ferry crews or the harbour traders who keep this town going"
    assert view.word_diff(canonical, "nickeling and diming") == [
        ("gap", "…"), ("del", "nickel-and-diming"), ("ins", "nickeling and diming"), ("gap", "…")]  # fmt: skip


def test_word_diff_of_a_quote_both_cut_and_reworded():
    pieces = view.word_diff("We are cooperating fully with the city, and we will not guess", "collaborating fully with the city")
    assert pieces == [("gap", "…"), ("del", "cooperating"), ("ins", "collaborating"), ("equal", "fully with the city"), ("gap", "…")]


def test_word_diff_of_a_quote_printed_inside_a_longer_passage_shows_its_change():
    """The outlet's passage around the statement is no words added to it (the quotes
    stage reads it so): the diff shows the one changed word, not the passage."""
    pieces = view.word_diff("people have a right to protest",
                            "the two things we have said are that people have the right to protest and so on")
    assert pieces == [("gap", "…"), ("equal", "people have"), ("del", "a"), ("ins", "the"), ("equal", "right to protest"),
                      ("gap", "…")]  # fmt: skip


def test_word_diff_of_unrelated_texts_keeps_both_sides():
    pieces = view.word_diff("alpha beta", "gamma delta")
    assert ("del", "alpha beta") in pieces and ("ins", "gamma delta") in pieces


def test_facts_are_ordered_conflicts_first():
    statuses = [slot.status for slot in view.ordered_facts(full_brief())]
    assert statuses == ["conflicting", "corroborated", "single-source"]


@pytest.mark.parametrize("format_", ["terminal", "html"])
def test_a_fact_whose_reports_name_no_common_subject_is_headed_by_its_attribute(format_):
    """A slot with subject "" (its reports name different subjects, or none) reads
    "duration: 18 days", not " — duration: 18 days"."""
    from dataclasses import replace

    brief = full_brief()
    facts = tuple(replace(slot, subject="") if slot.attribute == "duration" else slot for slot in brief.facts)
    out = render(replace(brief, facts=facts), format_, RenderOptions(width=120))
    assert "duration" in out and "— duration" not in out


def test_who_says_what_groups_claims_by_value():
    conflict = view.ordered_facts(full_brief())[0]
    values = view.who_says_what(conflict)
    assert [v.value for v in values] == ["1200", "900"]
    assert len(values[0].article_ids) == 2


def test_dates_never_show_more_precision_than_given():
    import datetime as dt

    day = dt.date(2031, 3, 3)
    assert view.date_text(day, "day") == "3 March 2031"
    assert view.date_text(day, "month") == "March 2031"
    assert view.date_text(day, "year") == "2031"
    assert view.date_text(day, "week") == "week of 3 March 2031"


def test_headline_counts_use_independent_sources():
    assert view.headline_counts(full_brief()) == "6 inputs (2 rejected), 4 distinct texts, 2 independent sources"
    assert view.headline_counts(minimal_brief()) == "1 file, 1 distinct text, 1 independent source"


# --- every format, every section ----------------------------------------------


def section_texts(brief: Brief) -> dict[str, str]:
    """A piece of text each section must print, from the hand-built brief."""
    ledger = brief.articles[2]
    return {
        "title": brief.title,
        "counts": "6 inputs (2 rejected), 4 distinct texts, 2 independent sources",
        "sources": "Coastal Daily Ledger",
        "file-name label": "bramble-ferry.txt",
        "summary": "chartered two buses to run around the bay",
        "relation evidence": "the copy drops the last paragraph",
        "aligned pair": "inspectors discovered rust damage to its hull on 3 March",
        "quote": "We will not sail a vessel we cannot trust.",
        "quote speaker": "Ines Valdor",
        "fact conflict": "roughly 900",
        "fact corroborated": "18 days",
        "timeline": "Commuters in Eastmere face longer journeys this month",
        "timeline date": "3 March 2031",
        "entity": "harbour master Ines Valdor",
        "problem": "inbox/feed.jsonl:7: malformed JSON",
        "fidelity": ledger.label,
    }


@pytest.mark.parametrize("format_", ["terminal", "md", "html"])
def test_every_section_is_rendered(format_):
    brief = full_brief()
    text = render(brief, format_, RenderOptions(width=200))
    if format_ == "html":
        import html

        text = html.unescape(text)
    missing = [name for name, piece in section_texts(brief).items() if piece not in text]
    assert not missing, f"{format_} output lacks {missing}"


@pytest.mark.parametrize("format_", ["terminal", "md", "html", "json"])
def test_removed_lines_only_with_show_removed(format_):
    brief = full_brief()
    assert "Read more: harbour news" not in render(brief, format_ if format_ != "json" else "md")
    shown = render(brief, format_, RenderOptions(show_removed=True, width=200))
    assert "Read more: harbour news" in shown
    assert "teaser" in shown


@pytest.mark.parametrize("format_", sorted(FORMATS))
def test_empty_sections_are_left_out(format_):
    text = render(minimal_brief(), format_, RenderOptions(width=200))
    for heading in ("Quotes", "Facts", "Timeline", "Who copied whom", "Input problems"):
        assert heading not in text or format_ == "json"


def test_summary_sentences_cite_the_sources_table_numbers():
    text = render(full_brief(), "terminal", RenderOptions(width=200))
    assert "the harbour authority said. [1][2][3]" in text
    assert "adds an hour to his morning. [4]" in text
    assert "[4] │ bramble-ferry.txt" in text


def test_terminal_diff_is_readable_without_colour():
    text = render(full_brief(), "terminal", RenderOptions(width=200))
    assert "We will not [-sail-] {+run+} a vessel" in text
    assert "\x1b[" not in text


def test_terminal_colours_only_when_asked():
    coloured = render(full_brief(), "terminal", RenderOptions(color=True, width=200))
    assert "\x1b[" in coloured


def test_markdown_diff_uses_strike_and_bold():
    text = render(full_brief(), "md")
    assert "We will not ~~sail~~ **run** a vessel" in text


@pytest.mark.parametrize("format_", ["terminal", "md"])
def test_faithful_prints_share_a_line_and_a_copied_sentence_is_printed_once(format_):
    """A big story's quotes section gave each faithful print a line, and its copies
    section printed each copied sentence twice, word for word."""
    text = render(full_brief(), format_, RenderOptions(width=200)).replace("\\", "")
    assert "[1] Eastmere Gazette, [2] Northline Wire: " in text
    assert "Coastal Daily Ledger: altered" in text.replace("*", "").replace("_", "")  # an altered print keeps its own line
    # A copy shows one aligned sentence and counts the rest; --all shows each, once.
    assert "1 more aligned sentence pair not shown" in text and "About 1,200 commuters" not in text
    everything = render(full_brief(), format_, RenderOptions(width=200, show_all=True)).replace("\\", "")
    assert "[1] = [2] About 1,200 commuters use the crossing each day." in everything
    assert everything.count("About 1,200 commuters use the crossing each day.") == 1


def test_markdown_relations_and_quote_sharing():
    text = render(full_brief(), "md")
    assert "**Northline Wire** \\[2\\] reprints text of **Eastmere Gazette** \\[1\\]" in text
    assert "_1 other pair judged independent._" in text


# --- escaping -----------------------------------------------------------------

PAYLOAD = '<script>alert(1)</script> <img src=x onerror=alert(1)> *bold* [link](javascript:alert(1)) | cell'


def test_markdown_escapes_article_text():
    from markdown_it import MarkdownIt

    text = render(full_brief(PAYLOAD), "md", RenderOptions(show_removed=True))
    page = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough").render(text)
    assert "<script" not in page
    assert "<img" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert 'href="javascript' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, not dropped
    assert "<em>bold</em>" not in page


def test_markdown_tables_keep_their_columns_with_pipes_in_text():
    from markdown_it import MarkdownIt

    text = render(full_brief(PAYLOAD), "md")
    page = MarkdownIt("commonmark").enable("table").render(text)
    sources = page[page.index("<table>") : page.index("</table>")]
    first_row = sources.split("<tr>")[2]  # [1] is the header row
    assert "| cell" in first_row  # the payload's pipe is text in its cell...
    assert first_row.count("<td") == 7  # ...and did not add a column


# --- renderers never analyse ----------------------------------------------------

ANALYSIS_MODULES = {"nlp", "sentences", "summarize", "relations", "quotes", "claims", "dates", "timeline", "clean", "ingest", "brief", "dedup"}


@pytest.mark.parametrize("module", sorted(p.name for p in RENDER_DIR.glob("*.py")))
def test_renderers_import_no_analysis(module):
    tree = ast.parse((RENDER_DIR / module).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 2 and node.module:
            imported.add(node.module.split(".")[0])
        if isinstance(node, ast.ImportFrom) and node.level >= 2 and not node.module:
            imported.update(alias.name for alias in node.names)
    assert not imported & ANALYSIS_MODULES, f"render/{module} imports {imported & ANALYSIS_MODULES}"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format"):
        render(minimal_brief(), "pdf")


@pytest.mark.parametrize("format_", ["terminal", "md"])
def test_a_long_list_of_names_and_a_run_on_event_are_cut(format_):
    """A big story's main person gathers a hundred descriptions, and a page printed on
    one line gives a "sentence" of hundreds of words: both are cut, and say so."""
    from dataclasses import replace

    from corroborate.model import Entity

    brief = full_brief()
    descriptions = tuple(f"the {n}th harbour official" for n in range(4, 24))
    person = Entity(name="Ines Valdor", kind="PERSON", aliases=("Ines Valdor",) + descriptions,
                    mentions=brief.entities[0].mentions if brief.entities else ())  # fmt: skip
    brief = replace(brief, entities=(person,) + tuple(brief.entities))
    out = " ".join(render(brief, format_, RenderOptions(width=200)).split())
    assert "the 11th harbour official" in out and "the 12th harbour official" not in out
    assert "and 12 more" in out
    everything = " ".join(render(brief, format_, RenderOptions(width=200, show_all=True)).split())
    assert "the 23th harbour official" in everything and "and 12 more" not in everything


def test_clipped_cuts_after_the_words_given():
    from corroborate.render.ranking import clipped

    assert clipped("one  two\nthree", 3) == "one two three"
    assert clipped("one two three four", 2) == "one two …"


def test_a_diff_keeps_a_few_words_around_each_change_and_cuts_a_long_change():
    from corroborate.render import ranking

    pieces = [("equal", " ".join(f"w{k}" for k in range(20))), ("del", "old"), ("ins", "new"),
              ("equal", " ".join(f"v{k}" for k in range(20))), ("ins", " ".join(f"x{k}" for k in range(100)))]  # fmt: skip
    shown = ranking.condensed(pieces, context=3, longest=10)
    assert shown[:3] == [("gap", "…"), ("equal", "w17 w18 w19"), ("del", "old")]
    assert shown[4:7] == [("equal", "v0 v1 v2"), ("gap", "…"), ("equal", "v17 v18 v19")]
    assert shown[-1] == ("ins", " ".join(f"x{k}" for k in range(10)) + " … (90 more words)")
    assert ranking.condensed(pieces, context=10**9, longest=10**9) == pieces  # --all: whole
    # A whole diff ends after `total` words, the rest counted.
    capped = ranking.condensed(pieces, context=3, longest=10, total=8)
    assert capped == [("gap", "…"), ("equal", "w17 w18 w19"), ("del", "old"), ("ins", "new"),
                      ("equal", "v0 v1 v2"), ("gap", "… (103 more words)")]  # fmt: skip


def test_a_capped_sources_table_gives_each_source_one_line():
    """A big story's table listed twelve sources in fifty lines, each long title wrapped
    over four: when sources are left out, titles are cut to the width left, one line each;
    a table of every source keeps its titles whole."""
    from dataclasses import replace

    from rich.console import Console

    from corroborate.render import ranking, terminal

    brief = full_brief()
    long_title = "Harbour authority withdraws the Eastmere ferry after inspectors find corrosion in its hull " * 2
    brief = replace(brief, articles=(replace(brief.articles[0], title=long_title),) + brief.articles[1:])
    numbers = view.source_numbers(brief)

    def lines(limits: ranking.Limits) -> list[str]:
        console = Console(width=100, record=True, color_system=None)
        console.print(terminal.sources_table(brief, numbers, limits))
        return console.export_text().splitlines()

    capped = lines(ranking.Limits(sources=2))
    rows = [line for line in capped if line.startswith("│")]
    assert len(rows) == 2 and "…" in rows[0], capped
    assert any("more sources not shown" in line for line in capped)
    whole = lines(ranking.Limits())
    assert sum(line.startswith("│") for line in whole) > len(brief.articles)  # the long title wraps
    assert "inspectors" in " ".join(whole) and "inspectors" not in " ".join(capped)


def test_the_fidelity_table_keeps_rewrites_and_repeat_alterers_past_its_limit():
    """Past the limit, an article that alters one quote is left to the quotes section
    (thirty rows of "1 altered" at 300 articles); a likely rewrite, or an article that
    alters two quotes or more, is still listed."""
    from dataclasses import replace

    from corroborate.model import QuoteFidelity
    from corroborate.render import ranking

    brief = full_brief()
    rows = [QuoteFidelity(f"once-{k}", quotes=5, faithful=4, altered=1, flagged_as_rewrite=False) for k in range(6)]
    rows += [QuoteFidelity("twice", quotes=3, faithful=1, altered=2, flagged_as_rewrite=False),
             QuoteFidelity("rewrite", quotes=9, faithful=9, altered=0, flagged_as_rewrite=True),
             QuoteFidelity("faithful", quotes=9, faithful=9, altered=0, flagged_as_rewrite=False)]  # fmt: skip
    chosen = ranking.ranked_fidelity(replace(brief, quote_fidelity=tuple(rows)), limit=1)
    assert [f.article_id for f in chosen.shown] == ["rewrite", "twice"]
    assert chosen.left_out == 7


def test_a_sentence_that_dates_two_days_leads_only_the_first():
    """"Fitted at 1930 CDT on 3 March (0030 GMT 4 March)" dates two days: it leads the
    first, and the second day is led by its next best event."""
    import datetime as dt
    from dataclasses import replace

    from corroborate.model import TimelineEvent
    from corroborate.render import ranking

    brief = full_brief()
    first, *_ = brief.timeline
    other = TimelineEvent(dt.date(2031, 3, 4), "day", brief.timeline[1].description, first.sources[:1])
    again = replace(first, date=dt.date(2031, 3, 4))
    days = ranking.timeline_days(replace(brief, timeline=(first, again, other)))
    leads = {(d.date, d.precision): brief.text(d.lead.description) for d in days}
    assert leads[(dt.date(2031, 3, 3), "day")] == brief.text(first.description)
    assert leads[(dt.date(2031, 3, 4), "day")] == brief.text(other.description), leads


def test_a_big_story_where_no_article_stands_out_draws_no_empty_fidelity_table():
    """A big story's fidelity table lists only likely rewrites and articles altering two
    quotes or more; when there are none, it says so instead of drawing the table's
    header over no row."""
    from dataclasses import replace

    from rich.console import Console

    from corroborate.model import QuoteFidelity
    from corroborate.render import markdown, ranking, terminal

    brief = full_brief()
    rows = tuple(QuoteFidelity(a.id, quotes=3, faithful=2, altered=1, flagged_as_rewrite=False) for a in brief.articles)
    brief = replace(brief, quote_fidelity=rows)
    console = Console(width=100, record=True, color_system=None)
    for part in terminal.fidelity(brief, view.source_numbers(brief), ranking.BIG_STORY):
        console.print(part)
    shown = console.export_text()
    assert "Shared quotes" not in shown and f"{len(rows)} more articles (none a likely rewrite" in shown, shown
    lines = markdown.render(brief, RenderOptions()).splitlines()
    assert any(line.startswith("| # | Outlet | Shared quotes") for line in lines)  # a small story keeps its table


@pytest.mark.parametrize("format_", ["terminal", "md"])
def test_a_big_story_is_read_in_shorter_forms_and_all_shows_everything(format_):
    """Past the sources table's limit of inputs, a conflict lists its best-backed values
    and counts the rest, and a tie's reason is given without the tie's count; `--all`
    shows every value and the whole reason."""
    from dataclasses import replace

    from corroborate.model import Claim, FactSlot, InputStatus, QuoteGroup
    from corroborate.render import ranking

    brief = full_brief()
    conflict = next(slot for slot in brief.facts if slot.status == "conflicting")
    first = conflict.claims[0]
    values = [("1200", "about 1,200"), ("900", "roughly 900"), ("700", "some 700"), ("1500", "1,500"), ("300", "300")]
    claims = tuple(replace(first, value=value, display=display) for value, display in values)
    tied = replace(brief.quotes[0], decided_by="2 wordings had equal independent support; printed first: gazette on 2031-03-04")
    brief = replace(brief, facts=(replace(conflict, claims=claims),) + tuple(s for s in brief.facts if s is not conflict),
                    quotes=(tied,) + brief.quotes[1:])  # fmt: skip
    small = " ".join(render(brief, format_, RenderOptions(width=100)).split())
    assert "some 700" in small and "300" in small and "more value" not in small
    assert "2 wordings had equal independent support" in small
    many = tuple(InputStatus(f"input-{k}.txt", "used", article_id=brief.articles[k % len(brief.articles)].id)
                 for k in range(ranking.Limits().sources + 1))  # fmt: skip
    big = replace(brief, inputs=many)
    shown = " ".join(render(big, format_, RenderOptions(width=100)).split())
    assert "about 1,200" in shown and "roughly 900" in shown and "2 more values" in shown
    assert "canonical by evidence: printed first: gazette on 2031-03-04" in shown
    assert "2 wordings had equal independent support" not in shown
    # A quote's faithful prints are counted beside it, not listed; its altered print is shown.
    assert "(2 print it faithfully)" in shown and ": verbatim" not in shown and ": _verbatim_" not in shown
    assert ": verbatim" in small or ": _verbatim_" in small
    assert "altered" in shown
    everything = " ".join(render(big, format_, RenderOptions(width=100, show_all=True)).split())
    assert all(display in everything for _, display in values) and "more value" not in everything
    assert "2 wordings had equal independent support" in everything
    assert "print it faithfully" not in everything and "verbatim" in everything


def test_a_disputes_prints_share_one_line_in_a_big_storys_short_form():
    """Each disputed print on its own line, or (short form) all on one: the wordings they
    hold are on the group's first line. A print credited to someone else stays apart."""
    from corroborate.model import Quote, QuoteGroup, QuoteOccurrence, Span

    texts = {"a": "we sail at dawn", "b": "we sail at first light", "c": "we sail at dawn, she said"}

    def occurrence(article: str, speaker: str = "Ines Valdor") -> QuoteOccurrence:
        return QuoteOccurrence(Quote(Span(article, 0, len(texts[article])), speaker), "disputed")

    group = QuoteGroup("Ines Valdor", texts["a"], (occurrence("a"), occurrence("b"), occurrence("c", "Lio Varga")),
                       rivals=(texts["a"], texts["b"]))  # fmt: skip

    def text_of(span: Span) -> str:
        return texts[span.article_id][span.start : span.end]

    apart = view.occurrence_lines(group, group.occurrences, text_of)
    assert [len(items) for _, items in apart] == [1, 1, 1]
    together = view.occurrence_lines(group, group.occurrences, text_of, disputed_together=True)
    assert [(kind, [o.quote.span.article_id for o in items]) for kind, items in together] == [("same", ["a", "b"]), ("one", ["c"])]

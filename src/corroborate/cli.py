"""The `corroborate` command line: thin click commands over the library.

Each command parses its flags, builds the same options object a library user
would pass, calls one library function and prints the result. Nothing heavy is
imported at module level, so `corroborate --help` is instant; each command
imports what it needs when it runs.

Adding a command is adding a function:

    @main.command()
    @click.argument("paths", nargs=-1, required=True, metavar="PATH...")
    def quotes(paths):
        \"\"\"One line a newcomer understands. Then an example.\"\"\"
        ...

Use `fail(message)` for a user's mistake (one line on stderr, exit code 2,
no traceback), `report_problems(problems)` for unreadable input, and
`write_output(text, out)` to print or write a result (a file is written
atomically: whole, or not at all).

Exit codes, the same for every command (README, "Exit codes"):

    0  done; input that could not be read was reported on stderr, one line each
    1  nothing usable came out (every article failed analysis), or corroborate
       itself failed: one line on stderr, never a traceback (CORROBORATE_DEBUG=1
       shows it)
    2  a user's mistake: a bad flag, nothing readable in the input, an output
       or a store that cannot be used
    3  the store is being written by another corroborate and --wait ran out
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterable
from dataclasses import fields, replace
from pathlib import Path

import click

from . import __version__

# Mirrors corroborate.render.FORMATS (a test keeps them equal); repeated here so
# that building the CLI imports nothing but click.
FORMATS = ("terminal", "md", "json", "html")
FORMAT_OF_SUFFIX = {".md": "md", ".markdown": "md", ".json": "json", ".html": "html", ".htm": "html", ".txt": "terminal"}

# Exit codes (see the module docstring).
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BUSY = 3

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """Stop with a one-line message naming what is wrong (never a traceback)."""
    click.echo(f"corroborate: error: {message}", err=True)
    raise click.exceptions.Exit(code)


class ProblemReport:
    """Problems on stderr as they come, one line each (`corroborate: FILE:LINE:
    message`). After the first few of one kind in one file (3,000 headline-only
    records in one feed), the rest are counted, and `finish()` says how many."""

    SHOWN = 3

    def __init__(self) -> None:
        from collections import Counter

        self.counts: Counter[tuple[str, str]] = Counter()

    def __call__(self, problems: Iterable) -> None:
        for problem in problems:
            key = (problem.origin.split("#", 1)[0], problem.message)
            self.counts[key] += 1
            if self.counts[key] <= self.SHOWN:
                click.echo(f"corroborate: {problem}", err=True)

    def finish(self) -> None:
        for (origin, message), count in self.counts.items():
            if count > self.SHOWN:
                click.echo(f"corroborate: {origin}: {count - self.SHOWN} more with the same problem: {message}", err=True)
        self.counts.clear()


def report_problems(problems: Iterable) -> None:
    """One line per unreadable input on stderr (repeats summarised, `ProblemReport`)."""
    report = ProblemReport()
    report(problems)
    report.finish()


def check_writable(out: Path) -> None:
    """Fail before any work when `--out` cannot be written."""
    if out.is_dir():
        fail(f"cannot write --out {out}: it is a folder")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        fail(f"cannot write --out {out}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        fail(f"cannot write --out {out}: permission denied")


def write_output(text: str, out: Path | None, what: str = "brief") -> None:
    """Print `text` to stdout, or write it to `out` and say so on stderr."""
    if out is None:
        try:
            click.echo(text, nl=not text.endswith("\n"))
            sys.stdout.flush()
        except BrokenPipeError:  # `corroborate ... | head`: the reader left, that is fine
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    from .output import write_atomically

    try:
        write_atomically(out, text)
    except OSError as error:
        fail(f"cannot write --out {out}: {error.strerror or error}; the file was left as it was")
    except UnicodeError as error:  # a bug if it happens: every string is made safe on reading
        fail(f"cannot write --out {out}: text not writable as UTF-8 ({error.reason}); the file was left as it was", EXIT_FAILED)
    click.echo(f"corroborate: wrote {what} to {out}", err=True)


class _Progress:
    """A one-line progress display on stderr while a long step runs, when stderr is a
    terminal (nothing otherwise: logs and pipes stay clean)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._progress = None

    def __enter__(self) -> _Progress:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
            self._progress = Progress(*columns, transient=True, console=Console(stderr=True))
            self._progress.start()
            self._task = self._progress.add_task(self.label)
        return self

    def __call__(self, description: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=f"{self.label}: {description}")

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()


def _iso_date(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None
    return value


def _coerce(name: str, type_text: str, raw: str):
    """A `--set NAME=VALUE` value as the type the setting declares."""
    text = raw.strip()
    if "None" in type_text and text.lower() in ("", "none", "null"):
        return None
    if type_text.startswith("bool"):
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise click.BadParameter(f"{name} takes true or false, not {raw!r}", param_hint="--set")
    try:
        if type_text.startswith("int"):
            return int(text)
        if type_text.startswith("float"):
            return float(text)
    except ValueError:
        raise click.BadParameter(f"{name} takes a number, not {raw!r}", param_hint="--set") from None
    if type_text.startswith("tuple"):
        return tuple(part.strip() for part in text.split(",") if part.strip())
    return text


def apply_settings(options, pairs: Iterable[str]):
    """`options` with each `NAME=VALUE` applied (any documented setting, see `corroborate settings`)."""
    declared = {f.name: str(f.type) for f in fields(options)}
    changes = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--set")
        if name not in declared:
            raise click.BadParameter(
                f"unknown setting {name!r} (see `corroborate settings`)", param_hint="--set"
            )
        changes[name] = _coerce(name, declared[name], value)
    return replace(options, **changes)


class _Commands(click.Group):
    """The command group: an error that carries an `exit_code` (a store that cannot be
    used, or is busy) ends the command with its one-line message and that code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except Exception as error:  # noqa: BLE001 - only errors that say how to exit are handled here
            code = getattr(error, "exit_code", None)
            if not isinstance(code, int) or isinstance(error, click.ClickException):
                raise
            fail(str(error), code)


@click.group(context_settings=CONTEXT, cls=_Commands)
@click.version_option(__version__, "-V", "--version", prog_name="corroborate", message="%(prog)s %(version)s")
def main() -> None:
    """Read many outlets' articles about one news story and say what happened,
    who said what, and which outlets copied whom.

    Give it the articles of one story (text, HTML, JSON, JSONL, CSV, RSS/Atom or
    WARC files, or folders of them) and it writes a brief: the sources, a short
    summary whose every sentence cites the articles that say it, and, as the
    analyses find them, copies and rewrites, quotes compared across outlets,
    facts that agree or conflict, and a timeline.

    \b
    Examples:
      corroborate brief articles/                   brief in the terminal
      corroborate brief articles/ -o brief.html     one self-contained HTML page
      corroborate brief a.txt b.html --format json  JSON (schema: docs/brief-schema.json)
      corroborate settings                          every setting and its default

    Run `corroborate COMMAND --help` for the options of a command.
    """


@main.command()
@click.argument("paths", nargs=-1, required=False, metavar="PATH...")
@click.option("--story", "story_id", type=int, default=None, metavar="ID", help="Brief story ID of the store (see `corroborate stories`) instead of PATHs.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help="The store for --story (default ./corroborate.db).")
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format. Default: from the --out file's extension (.html, .md, .json), else terminal.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the brief to this file instead of printing it.",
)
@click.option("--words", type=click.IntRange(min=1), default=None, metavar="N", help="Word budget of the summary (default 120).")
@click.option("--show-removed", is_flag=True, help="Also list every line removed as scraping junk, with the reason.")
@click.option(
    "--reference-date",
    callback=_iso_date,
    default=None,
    metavar="YYYY-MM-DD",
    help="Resolve relative dates ('on Tuesday') against this date when an article has no date.",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override any setting listed by `corroborate settings` (repeatable).",
)
def brief(paths, story_id, db, format_, out, words, show_removed, reference_date, settings) -> None:
    """Brief one story: read its articles and write what they say.

    PATH is a file or a folder (read recursively). Files that cannot be read
    are reported on stderr, one line each, and the rest is briefed.

    \b
    Examples:
      corroborate brief story/
      corroborate brief story/ --format md --words 200
      corroborate brief story/ --out brief.html --show-removed
      corroborate brief --story 12 --db news.db     a story of the store (`corroborate ingest`)
    """
    from .config import BriefOptions

    if story_id is None and not paths:
        fail("give the PATHs of one story's articles, or --story ID of a stored story")
    if story_id is not None and paths:
        fail("give either PATHs or --story, not both")

    if format_ is None:
        format_ = FORMAT_OF_SUFFIX.get(out.suffix.lower(), "terminal") if out else "terminal"
    if out is not None:
        check_writable(out)
    options = apply_settings(BriefOptions(), settings)
    if words is not None:
        options = replace(options, summary_words=words)
    if reference_date is not None:
        options = replace(options, reference_date=reference_date)

    from .brief import NoUsableInput, nothing_usable
    from .brief import brief as make_brief

    try:
        if story_id is not None:
            result = _story_brief(story_id, db, options)
        else:
            with _Progress("reading") as progress:
                result = make_brief(list(paths), options, on_read=lambda n: progress(f"{n} articles"))
    except NoUsableInput as error:
        report_problems(error.problems)
        _leave_at_once()  # models may still be loading on other threads: do not wait for them
        fail("nothing to brief: no readable article in the input")
    report_problems(result.problems)
    if nothing_usable(result):
        _leave_at_once()
        fail("nothing to brief: every article failed in the analysis (see the problems above)", EXIT_FAILED)

    from .render import RenderOptions, render

    if format_ == "terminal" and out is None:
        _print_terminal(result, RenderOptions(show_removed=show_removed))
        _leave_at_once()
        return
    text = render(result, format_, RenderOptions(show_removed=show_removed))
    write_output(text, out, what=f"{format_} brief")
    _leave_at_once()


def _story_brief(story_id: int, db: Path | None, options):
    from .store.briefs import UNCACHED, NoSuchStory, story_brief

    with _open_store(db, must_exist=True, reading=True) as store:
        try:
            result = story_brief(store, story_id, options)
        except NoSuchStory:
            fail(f"{store.path}: no story {story_id} (see `corroborate stories --db {store.path}`)")
    for note in result.notes:
        if note.startswith(UNCACHED):
            click.echo(f"corroborate: {store.path}: {note}", err=True)
    return result


def _print_terminal(result, options) -> None:
    """Print to the real console, so rich decides colour and width (and honours NO_COLOR)."""
    from rich.console import Console

    from .render.terminal import renderables

    console = Console(highlight=False, emoji=False)
    try:
        for item in renderables(result, options):
            console.print(item)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@main.command()
@click.option("-f", "--format", "format_", type=click.Choice(["text", "md"]), default="text", help="Table format.")
def settings(format_) -> None:
    """List every setting of a brief, its default and what it does.

    Change one for a run with `corroborate brief --set NAME=VALUE`.
    """
    from .config import documented_settings

    rows = documented_settings()
    if format_ == "md":
        lines = ["| Setting | Default | What it does |", "|---|---|---|"]
        lines += [f"| `{name}` | `{default!r}` | {help_text} |" for name, default, help_text in rows]
        click.echo("\n".join(lines))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold")
    table.add_column("Setting", no_wrap=True)
    table.add_column("Default")
    table.add_column("What it does")
    for name, default, help_text in rows:
        table.add_row(name, repr(default), help_text)
    Console(highlight=False).print(table)


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "-f", "--format", "format_", type=click.Choice(["terminal", "json"]), default="terminal", help="Output format."
)
def quotes(paths, format_) -> None:
    """Who said what, and which outlets changed the words: the story's quotes alone.

    Each statement is shown once, with its canonical wording (the one printed by
    the most independent sources), every outlet that prints it and a verdict per
    outlet (verbatim, partial, typography, altered with the changed words).

    \b
    Examples:
      corroborate quotes story/
      corroborate quotes a.txt b.txt --format json
    """
    import json

    from .brief import analyse, start_brief
    from .config import BriefOptions
    from .ingest import read_articles

    articles, problems = read_articles(list(paths))
    report_problems(problems)
    if not articles:
        fail("no quotes to show: no readable article in the input")
    result = analyse(start_brief(articles, problems), BriefOptions(stages=("relations", "quotes")))
    if format_ == "json":
        from .render import json as as_json

        payload = {
            "articles": [{"id": a.id, "origin": a.origin, "outlet": a.outlet} for a in result.articles],
            "quotes": [as_json.quote_group(result, group) for group in result.quotes],
            "quote_fidelity": [as_json.quote_fidelity(item) for item in result.quote_fidelity],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from .render import common as view
    from .render.terminal import fidelity, quotes as quote_lines

    console = Console(highlight=False, emoji=False)
    numbers = view.source_numbers(result)
    for item in [*quote_lines(result, numbers), *fidelity(result, numbers)]:
        console.print(item)



@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("-f", "--format", "format_", type=click.Choice(["jsonl", "csv"]), default="jsonl", help="Output format.")
@click.option("--jaccard", type=click.FloatRange(0, 1), default=None, help="Near duplicates from this shingle Jaccard (default 0.5).")
@click.option(
    "--containment",
    type=click.FloatRange(0, 1),
    default=None,
    help="...or when this share of the smaller article is inside the larger (default 0.7).",
)
def dedup(paths, format_, jaccard, containment) -> None:
    """Find copies across a whole corpus: one line per article with its duplicate group.

    Streams: each article is compared with everything read before it (MinHash
    and LSH, then an exact check), and its line is written as soon as its batch
    is read; memory grows with the corpus, never with the number of pairs.

    "article" is the input's own id when a record has one (JSON, JSON Lines,
    CSV, feeds), else where it was read; "origin" is always where it was read
    (path, path#line-N).

    "group" is final when the line is written: the number of the group's
    first article, never renumbered later. An article that matches articles
    of several earlier groups joins the earliest, and "linked" lists the
    others (copies first seen apart, e.g. two halves before the whole): join
    them yourself if you want transitive groups; earlier lines are unchanged.

    \b
    Examples:
      corroborate dedup crawl/ > groups.jsonl
      corroborate dedup a.warc.gz feed.jsonl --format csv --containment 0.8
    """
    import csv
    import json
    from dataclasses import asdict

    from .dedup import DedupOptions, dedup_inputs
    from .model import InputProblem

    options = DedupOptions()
    if jaccard is not None:
        options = replace(options, jaccard=jaccard)
    if containment is not None:
        options = replace(options, containment=containment)
    columns = ["article", "origin", "group", "original", "kind", "match", "jaccard", "containment", "linked"]
    writer = csv.writer(sys.stdout, lineterminator="\n") if format_ == "csv" else None
    report = ProblemReport()
    written = 0
    try:
        if writer:
            writer.writerow(columns)
        for item in dedup_inputs(list(paths), options):
            if isinstance(item, InputProblem):
                report([item])
                continue
            written += 1
            row = asdict(item)
            row["article"] = row.pop("key")
            values = {name: row[name] for name in columns}
            values["linked"] = list(values["linked"])
            if writer:
                values["linked"] = ";".join(str(group) for group in values["linked"])
                writer.writerow(["" if values[name] is None else values[name] for name in columns])
            else:
                click.echo(json.dumps(values, ensure_ascii=False))
        sys.stdout.flush()
    except BrokenPipeError:  # `corroborate dedup ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    report.finish()
    if not written:
        fail("nothing to deduplicate: no readable article in the input")


# --- the store: ingest a stream, list its stories, cluster without a store --------

DB_OPTION = click.option(
    "--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help="The store (default ./corroborate.db)."
)


def _open_store(db: Path | None, must_exist: bool = False, reading: bool = False):
    """The store at `db` (read-only when `reading` and it cannot be written); a
    one-line error for a file that is not one."""
    from .store import DEFAULT_PATH, Store, StoreError

    path = db or DEFAULT_PATH
    if must_exist and not path.exists():
        fail(f"no store at {path} (make one with `corroborate ingest PATH... --db {path}`)")
    if path.parent != Path("") and not path.parent.is_dir():
        fail(f"cannot create --db {path}: folder {path.parent} does not exist")
    try:
        return Store.for_reading(path) if reading else Store(path)
    except StoreError as error:
        fail(str(error))


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@DB_OPTION
@click.option("--batch", "batch_size", type=click.IntRange(min=1), default=500, show_default=True, help="New articles per committed batch.")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="When another corroborate is writing to the store, wait at most this long for it (0: refuse at once). Default: wait until it is done.",
)
def ingest(paths, db, batch_size, wait) -> None:
    """Add articles to the store and file each under a story.

    Reads every input format `corroborate brief` reads, skips articles already
    stored (same URL or same text), and clusters the new ones into stories as
    they arrive (see `corroborate stories`). Work is committed in batches: a run
    that is stopped can simply be run again. One ingest writes to a store at a
    time: another waits until it is done (see --wait).

    \b
    Examples:
      corroborate ingest feed.jsonl crawl/ --db news.db
      corroborate stories --db news.db
      corroborate brief --story 12 --db news.db
    """
    from .store.ingest import ingest as ingest_into

    def on_wait(holder) -> None:
        click.echo(f"corroborate: {store.path} is being written by {holder}; waiting for it to finish", err=True)

    with _open_store(db) as store:
        if sys.stderr.isatty():
            with _Progress("ingesting") as progress:

                def on_batch(s) -> None:
                    progress(f"{s.read} read, {s.new} new, {s.duplicates} duplicates, {s.rejected} rejected")

                summary = ingest_into(list(paths), store, batch_size=batch_size, on_batch=on_batch, wait=wait, on_wait=on_wait)
        else:

            def on_batch(s) -> None:
                click.echo(f"corroborate: batch {s.batches}: {s.read} read, {s.new} new, {s.duplicates} duplicates", err=True)

            summary = ingest_into(list(paths), store, batch_size=batch_size, on_batch=on_batch, wait=wait, on_wait=on_wait)
        report_problems(summary.problems)
        if summary.read == 0:
            fail("nothing to ingest: no readable article in the input")
        counts = store.counts()
    click.echo(
        f"{summary.read} read, {summary.new} new, {summary.duplicates} duplicates, {summary.rejected} rejected; "
        f"the store has {counts['articles']} articles in {counts['stories']} stories"
    )
    for reason, count in summary.reasons().most_common():
        click.echo(f"  rejected {count}: {reason}")


@main.command()
@DB_OPTION
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Show this many stories.")
@click.option("--min-size", type=click.IntRange(min=1), default=1, show_default=True, help="Only stories with at least this many articles.")
@click.option("-f", "--format", "format_", type=click.Choice(["table", "jsonl"]), default="table", help="Output format.")
def stories(db, limit, min_size, format_) -> None:
    """List the stories of the store, largest first: title, size, outlets, dates.

    \b
    Examples:
      corroborate stories --db news.db --min-size 3
      corroborate brief --story 12 --db news.db
    """
    import json

    with _open_store(db, must_exist=True, reading=True) as store:
        rows = store.stories(limit=limit, min_size=min_size)
    if format_ == "jsonl":
        for row in rows:
            click.echo(json.dumps({
                "id": row.id, "title": row.title, "size": row.size, "outlets": list(row.outlets),
                "first_date": row.first_date.isoformat() if row.first_date else None,
                "last_date": row.last_date.isoformat() if row.last_date else None,
            }, ensure_ascii=False))  # fmt: skip
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold")
    for name in ("Story", "Title", "Articles", "Outlets", "First", "Last"):
        table.add_column(name, overflow="fold")
    for row in rows:
        outlets = ", ".join(row.outlets[:4]) + (f" +{len(row.outlets) - 4}" if len(row.outlets) > 4 else "")
        # Titles and outlet names are third-party text: shown as Text, never read as
        # rich markup ("[/bold]" would crash the table, "[link=...]" make a link).
        cells = (str(row.id), row.title, str(row.size), outlets, str(row.first_date or ""), str(row.last_date or ""))
        table.add_row(*(Text(cell) for cell in cells))
    Console(highlight=False).print(table)


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("-f", "--format", "format_", type=click.Choice(["jsonl"]), default="jsonl", help="Output format.")
@click.option("--embeddings", is_flag=True, help="Compare sentence embeddings of long articles too (slower; headlines and other short texts are always embedded).")
def cluster(paths, format_, embeddings) -> None:
    """Group articles into stories without a store: one {"id", "story"} line each.

    The id is the input's own id field when it has one, else the article id;
    meant for scoring the clustering against labelled data.

    \b
    Example:
      corroborate cluster articles.jsonl > stories.jsonl
    """
    import json

    from .stories import StoryClusterer
    from .stories import cluster as cluster_inputs

    # Short texts are embedded by default; embedding long articles too makes their
    # similarities run higher, and the entity-conflict penalty then only hurt
    # (measured, BENCHMARKS.md): its own threshold, no penalty.
    clusterer = (
        StoryClusterer(embed_below_terms=0, embedding_weight=1.0, threshold=0.3, conflict_weight=0.0)
        if embeddings
        else StoryClusterer()
    )
    with _Progress("clustering") as progress:
        records, problems = cluster_inputs(list(paths), clusterer, on_progress=progress)
    report_problems(problems)
    if not records:
        fail("nothing to cluster: no readable article in the input")
    try:
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))
        sys.stdout.flush()
    except BrokenPipeError:  # `corroborate cluster ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


# Set by a command once everything it made is written and closed (no store or child
# process left open): the console script then exits without tearing the interpreter
# down, which frees spaCy's and ONNX Runtime's objects one by one (0.2 s of a 3 s
# cold brief, measured).
_NOTHING_LEFT_OPEN = False


def _leave_at_once() -> None:
    global _NOTHING_LEFT_OPEN
    _NOTHING_LEFT_OPEN = True


def run(**click_options) -> None:
    """The console script: `main`, then a quick exit when the command allowed it.

    The last resort of "no traceback, ever": an error nothing else caught (a bug)
    ends the program with one line naming it and exit code 1; CORROBORATE_DEBUG=1
    shows the traceback instead."""
    try:
        main(**click_options)
    except Exception as error:  # noqa: BLE001 - see the docstring
        if os.environ.get("CORROBORATE_DEBUG"):
            raise
        detail = (str(error).splitlines() or [""])[0][:200]
        print(
            f"corroborate: error: corroborate failed ({type(error).__name__}: {detail}); "
            "please report it, with CORROBORATE_DEBUG=1 for the details",
            file=sys.stderr,
        )
        sys.stderr.flush()
        os._exit(EXIT_FAILED)  # threads may be loading models: do not wait for them
    except SystemExit as stop:
        if not _NOTHING_LEFT_OPEN:
            raise
        code = stop.code
        if isinstance(code, str):
            print(code, file=sys.stderr)
            code = 1
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (BrokenPipeError, ValueError):
                pass
        os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    run()

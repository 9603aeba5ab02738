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

import contextlib
import datetime as dt
import functools
import logging
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

DASK_OPTION = click.option(
    "--dask",
    default=None,
    metavar="ADDRESS",
    help="Run on a Dask cluster: its scheduler's address (tcp://HOST:8786), or local:N for N worker "
    "processes on this machine. Same results as without it (README: On a cluster).",
)


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


def split_settings(pairs: Iterable[str]) -> tuple[list[str], list[str]]:
    """`--set` pairs as (brief settings, fetch settings), by the setting's name."""
    from .fetch.options import FetchOptions

    fetch_names = {f.name for f in fields(FetchOptions)}
    brief_pairs, fetch_pairs = [], []
    for pair in pairs:
        name = pair.partition("=")[0].strip().replace("-", "_")
        (fetch_pairs if name in fetch_names else brief_pairs).append(pair)
    return brief_pairs, fetch_pairs


def fetch_options(pairs: Iterable[str], contact: str | None = None):
    """The fetcher's settings from `--set` pairs naming fetch settings, and `--contact`."""
    from .fetch.options import FetchOptions

    options = apply_settings(FetchOptions(), pairs)
    return replace(options, contact=contact) if contact else options


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


# --- live sources: URLs wherever paths are accepted ---------------------------------

URLS_OPTION = click.option(
    "--urls", "urls_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Also read the URLs listed in this file (one per line; # starts a comment).",
)  # fmt: skip
ARCHIVE_OPTION = click.option(
    "--archive", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Keep every fetched response in this WARC file (appended; `corroborate ingest` reads it back).",
)  # fmt: skip
STORE_ARCHIVE_OPTION = click.option(
    "--archive", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="WARC file for every fetched response (default: beside the store, DB-fetched.warc.gz).",
)  # fmt: skip
CONTACT_OPTION = click.option(
    "--contact", default=None, metavar="URL|EMAIL",
    help="How site owners can reach you, sent in the User-Agent (default: $CORROBORATE_CONTACT).",
)  # fmt: skip


def _urls_from_file(path: Path | None) -> list[str]:
    """The URLs of a `--urls` file (a line that is no URL is reported with its line
    number); a one-line error when the file cannot be read."""
    if path is None:
        return []
    from .fetch.errors import FetchFailure
    from .fetch.urls import normalise, read_url_list
    from .model import InputProblem

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read --urls {path}: {getattr(error, 'strerror', None) or error}")
    urls = []
    for number, line in read_url_list(text):
        try:
            normalise(line)
        except FetchFailure as failure:
            report_problems([InputProblem(str(path), f"{line}: {failure.message}", number)])
            continue
        urls.append(line)
    return urls


def _open_archive(path: Path | None):
    """The WARC archive at `path` (None: no archive); a one-line error when it cannot be written."""
    if path is None:
        return None
    from .fetch.archive import Archive

    try:
        return Archive(path)
    except OSError as error:
        fail(f"cannot write --archive {path}: {error.strerror or error}")


def _fetched(inputs: list[str], options, archive_path: Path | None) -> list:
    """The inputs with every URL fetched into articles (or problems); paths untouched."""
    from .fetch.urls import is_url

    if not any(is_url(str(item)) for item in inputs):
        return list(inputs)
    from .fetch.client import Fetcher
    from .fetch.pages import with_urls_fetched

    archive = _open_archive(archive_path)
    try:
        with Fetcher(options, archive=archive) as fetcher:
            return list(with_urls_fetched(inputs, fetcher))
    finally:
        if archive is not None:
            archive.close()


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
@URLS_OPTION
@ARCHIVE_OPTION
@CONTACT_OPTION
@click.option("--all", "show_all", is_flag=True, help="Show every item of every section (by default a long section shows its top items and says how many it leaves out).")
@click.option("--timings", is_flag=True, help="Print each step's wall-clock and CPU time to stderr when done.")
@click.option("-v", "--verbose", is_flag=True, help="Log each step as it finishes (stderr).")
def brief(paths, story_id, db, format_, out, words, show_removed, reference_date, settings, urls_file, archive, contact, show_all, timings, verbose) -> None:
    """Brief one story: read its articles and write what they say.

    PATH is a file or a folder (read recursively), or a URL: an article page, an
    RSS/Atom feed or a sitemap (whose articles are fetched). Inputs that cannot
    be read are reported on stderr, one line each, and the rest is briefed.

    \b
    Examples:
      corroborate brief story/
      corroborate brief story/ --format md --words 200
      corroborate brief story/ --out brief.html --show-removed
      corroborate brief https://example.org/news/a https://example.net/b.html
      corroborate brief --urls links.txt --archive read.warc.gz
      corroborate brief --story 12 --db news.db     a story of the store (`corroborate ingest`)
    """
    from .config import BriefOptions

    paths = [*paths, *_urls_from_file(urls_file)]
    if story_id is None and not paths:
        fail("give the PATHs or URLs of one story's articles, or --story ID of a stored story")
    if story_id is not None and paths:
        fail("give either PATHs or --story, not both")
    settings, fetch_settings = split_settings(settings)

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

    from . import progress

    if verbose:
        logging.basicConfig(level=logging.INFO, format="corroborate: %(message)s", stream=sys.stderr)
    inputs = _fetched(paths, fetch_options(fetch_settings, contact), archive)
    recorder, bars = progress.Timings(), progress.ProgressBars()
    try:
        with progress.observing(progress.Fanout([recorder, bars])):
            result = _story_brief(story_id, db, options) if story_id is not None else make_brief(inputs, options)
    except NoUsableInput as error:
        report_problems(error.problems)
        _leave_at_once()  # models may still be loading on other threads: do not wait for them
        fail("nothing to brief: no readable article in the input")
    finally:
        bars.close()
    report_problems(result.problems)
    if timings:
        click.echo(recorder.table(), err=True)
    if nothing_usable(result):
        _leave_at_once()
        fail("nothing to brief: every article failed in the analysis (see the problems above)", EXIT_FAILED)

    from .render import RenderOptions, render

    if format_ == "terminal" and out is None:
        _print_terminal(result, RenderOptions(show_removed=show_removed, show_all=show_all))
        _leave_at_once()
        return
    text = render(result, format_, RenderOptions(show_removed=show_removed, show_all=show_all))
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
    """List every setting, its default and what it does: the brief's, the
    fetcher's (for URLs, feeds and `corroborate watch`) and the web app's
    (`corroborate serve`).

    Change one for a run with `--set NAME=VALUE` (brief, ingest, watch, serve).
    """
    from .config import documented_settings
    from .fetch.options import FetchOptions
    from .web.settings import WebSettings

    groups = [
        ("Brief settings", documented_settings()),
        ("Fetch settings", documented_settings(FetchOptions)),
        ("Web settings (corroborate serve)", documented_settings(WebSettings)),
    ]
    if format_ == "md":
        lines = []
        for heading, rows in groups:
            lines += [f"### {heading}", "", "| Setting | Default | What it does |", "|---|---|---|"]
            lines += [f"| `{name}` | `{default!r}` | {help_text} |" for name, default, help_text in rows]
            lines.append("")
        click.echo("\n".join(lines).rstrip())
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    for heading, rows in groups:
        table = Table(title=heading, title_justify="left", header_style="bold")
        table.add_column("Setting", no_wrap=True)
        table.add_column("Default")
        table.add_column("What it does")
        for name, default, help_text in rows:
            table.add_row(name, repr(default), help_text)
        console.print(table)


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
@DASK_OPTION
def dedup(paths, format_, jaccard, containment, dask) -> None:
    """Find copies across a whole corpus: one line per article with its duplicate group.

    Streams: each article is compared with everything read before it (MinHash
    and LSH, then an exact check), and its line is written as soon as its batch
    is read; memory grows with the corpus, never with the number of pairs.

    "group" is final when the line is written: the number of the group's
    first article, never renumbered later. An article that matches articles
    of several earlier groups joins the earliest, and "linked" lists the
    others (copies first seen apart, e.g. two halves before the whole): join
    them yourself if you want transitive groups; earlier lines are unchanged.

    \b
    "article" is the input's own id when a record has one (JSON, JSON Lines,
    CSV, feeds), else where it was read; "origin" is always where it was read
    (path, path#line-N).

    \b
    Examples:
      corroborate dedup crawl/ > groups.jsonl
      corroborate dedup a.warc.gz feed.jsonl --format csv --containment 0.8
      corroborate dedup crawl/ --dask tcp://scheduler:8786 > groups.jsonl   (same lines, on a cluster)
    """
    import csv

    from .dedup import DedupOptions, dedup_inputs

    options = DedupOptions()
    if jaccard is not None:
        options = replace(options, jaccard=jaccard)
    if containment is not None:
        options = replace(options, containment=containment)
    columns = ["article", "origin", "group", "original", "kind", "match", "jaccard", "containment", "linked"]
    writer = csv.writer(sys.stdout, lineterminator="\n") if format_ == "csv" else None
    with _cluster(dask) as client, _cluster_lost(client):
        if client is not None:
            from .distributed import dedup as dedup_on_cluster

            dedup_inputs = functools.partial(dedup_on_cluster, client)
        _write_dedup(dedup_inputs(list(paths), options), writer, columns)


def _write_dedup(items, writer, columns) -> None:
    import json
    from dataclasses import asdict

    from .model import InputProblem

    report = ProblemReport()
    written = 0
    try:
        if writer:
            writer.writerow(columns)
        for item in items:
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
@click.argument("paths", nargs=-1, required=False, metavar="PATH|URL...")
@DB_OPTION
@click.option("--batch", "batch_size", type=click.IntRange(min=1), default=500, show_default=True, help="New articles per committed batch.")
@URLS_OPTION
@STORE_ARCHIVE_OPTION
@CONTACT_OPTION
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE", help="Override a fetch setting (see `corroborate settings`).")
@DASK_OPTION
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="When another corroborate is writing to the store, wait at most this long for it (0: refuse at once). Default: wait until it is done.",
)
def ingest(paths, db, batch_size, urls_file, archive, contact, settings, dask, wait) -> None:
    """Add articles to the store and file each under a story.

    Reads every input format `corroborate brief` reads, skips articles already
    stored (same URL or same text), and clusters the new ones into stories as
    they arrive (see `corroborate stories`). Work is committed in batches: a run
    that is stopped can simply be run again. One ingest writes to a store at a
    time: another waits until it is done (see --wait).

    A URL may be an article page, an RSS/Atom feed or a sitemap (its articles are
    fetched, those already stored skipped). An article URL already stored is
    fetched again to look for changes: a changed text is kept as a new version
    (see `corroborate changes`). Every response is kept in a WARC archive.

    \b
    Examples:
      corroborate ingest feed.jsonl crawl/ --db news.db
      corroborate ingest https://example.org/rss.xml --db news.db
      corroborate ingest --urls links.txt --db news.db --contact desk@example.org
      corroborate stories --db news.db
      corroborate brief --story 12 --db news.db
      corroborate ingest crawl/ --db news.db --dask local:4    (read on 4 worker processes)
    """
    from .fetch.urls import is_url
    from .store.ingest import ingest as ingest_into

    inputs = [*paths, *_urls_from_file(urls_file)]
    if not inputs:
        fail("give the PATHs or URLs to ingest (or --urls FILE)")
    _, fetch_settings = split_settings(settings)
    urls = [item for item in inputs if is_url(item)]
    paths = [item for item in inputs if not is_url(item)]
    def on_wait(holder) -> None:
        click.echo(f"corroborate: {store.path} is being written by {holder}; waiting for it to finish", err=True)

    with _open_store(db) as store, store.writer(wait=wait, on_wait=on_wait):  # one writer at a time (store/writer.py)
        summary = None
        if paths:
            with _cluster(dask) as client, _cluster_lost(client):
                if client is not None:  # pages (URLs) are still fetched here, politely, by one process
                    from .distributed import ingest as ingest_on_cluster

                    ingest_into = functools.partial(ingest_on_cluster, client)
                summary = _ingest_paths(store, paths, batch_size, ingest_into)
        collected = _ingest_urls(store, urls, archive, fetch_options(fetch_settings, contact)) if urls else None
        counts = store.counts()
    if summary is not None:
        click.echo(
            f"{summary.read} read, {summary.new} new, {summary.duplicates} duplicates, {summary.rejected} rejected; "
            f"the store has {counts['articles']} articles in {counts['stories']} stories"
        )
        for reason, count in summary.reasons().most_common():
            click.echo(f"  rejected {count}: {reason}")
    if collected is not None:
        click.echo(
            f"{len(urls)} URLs: {collected.fetched} pages fetched, {collected.new} new, {collected.duplicates} duplicates, "
            f"{collected.skipped} already stored, {collected.unchanged + collected.changed} checked again "
            f"({collected.changed} changed), {len(collected.problems)} failed; "
            f"the store has {counts['articles']} articles in {counts['stories']} stories"
        )
    usable = (summary.read if summary else 0) + (collected.usable if collected else 0)
    if usable == 0:
        fail("nothing to ingest: no readable article in the input")


def _ingest_paths(store, paths, batch_size, ingest_into):
    if sys.stderr.isatty():
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, transient=True) as progress:
            task = progress.add_task("ingesting")

            def on_batch(s) -> None:
                progress.update(task, description=f"{s.read} read, {s.new} new, {s.duplicates} duplicates, {s.rejected} rejected")

            summary = ingest_into(list(paths), store, batch_size=batch_size, on_batch=on_batch)
    else:

        def on_batch(s) -> None:
            click.echo(f"corroborate: batch {s.batches}: {s.read} read, {s.new} new, {s.duplicates} duplicates", err=True)

        summary = ingest_into(list(paths), store, batch_size=batch_size, on_batch=on_batch)
    report_problems(summary.problems)
    return summary


def _ingest_urls(store, urls: list[str], archive_path: Path | None, options):
    """Fetch URLs into the store (see fetch.collect); problems reported one line each."""
    from .fetch.archive import default_path
    from .fetch.client import Fetcher
    from .fetch.collect import Collector

    archive = _open_archive(archive_path or default_path(store.path))
    try:
        with Fetcher(options, archive=archive) as fetcher:
            collected = Collector(store, fetcher).collect(urls)
    finally:
        archive.close()
    report_problems(collected.problems)
    return collected


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


def _every(ctx, param, value: str | None) -> float | None:
    if value is None:
        return None
    from .fetch.watch import parse_duration

    try:
        return parse_duration(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@main.command()
@click.option("--feeds", "feeds_file", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The feeds to follow: one URL per line, optionally followed by its own interval (`URL 30m`); # comments.")
@DB_OPTION
@click.option("--every", callback=_every, default="15m", show_default=True, metavar="DURATION", help="How often to poll a feed (30s, 15m, 2h, 1d).")
@click.option("--rounds", type=click.IntRange(min=1), default=None, metavar="N", help="Stop after N rounds (default: run until stopped).")
@click.option("--batch", "batch_size", type=click.IntRange(min=1), default=20, show_default=True, help="Articles per committed batch.")
@STORE_ARCHIVE_OPTION
@CONTACT_OPTION
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE", help="Override a setting (see `corroborate settings`).")
def watch(feeds_file, db, every, rounds, batch_size, archive, contact, settings) -> None:
    """Follow feeds: poll each on its own schedule, store and cluster new articles.

    Each round polls the feeds that are due (a conditional GET: an unchanged feed
    costs nothing), fetches the articles the store does not have, files them
    under stories, checks stored articles again for changes after publication
    (see `corroborate changes`), and rebuilds the cached briefs of stories that
    changed. One summary line per round. Runs until stopped: Ctrl-C or SIGTERM
    stops it between writes, and the next run resumes without fetching again
    what it stored. `corroborate feeds` shows each feed's state.

    \b
    Examples:
      corroborate watch --feeds feeds.txt --db news.db
      corroborate watch --feeds feeds.txt --db news.db --every 30m --contact desk@example.org
      corroborate feeds --db news.db
    """
    import signal

    from .config import BriefOptions
    from .fetch.archive import default_path
    from .fetch.client import Fetcher
    from .fetch.watch import Watcher, read_feeds_file
    from .store import feeds as feed_table

    try:
        text = feeds_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read --feeds {feeds_file}: {getattr(error, 'strerror', None) or error}")
    followed, problems = read_feeds_file(text, every, str(feeds_file))
    report_problems(problems)
    if not followed:
        fail(f"{feeds_file}: no feed URL to follow")
    brief_settings, fetch_settings = split_settings(settings)
    brief_options = apply_settings(BriefOptions(), brief_settings)
    options = fetch_options(fetch_settings, contact)
    with _open_store(db) as store:
        feed_table.follow(store, followed)
        archive = _open_archive(archive or default_path(store.path))
        try:
            with Fetcher(options, archive=archive) as fetcher:
                watcher = Watcher(store, fetcher, batch_size=batch_size, brief_options=brief_options, report=lambda p: report_problems([p]))

                def stop(signum, frame) -> None:
                    click.echo(f"corroborate: {signal.Signals(signum).name}: stopping after the current write", err=True)
                    watcher.request_stop()

                previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
                try:
                    click.echo(f"corroborate: watching {len(followed)} feeds into {store.path}", err=True)
                    watcher.run(rounds, on_round=_print_round)
                finally:
                    for sig, handler in previous.items():
                        signal.signal(sig, handler)
        finally:
            archive.close()


def _print_round(summary, wake) -> None:
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    line = f"{now:%Y-%m-%d %H:%M:%S} {summary.line()}"
    if wake is not None and not summary.stopped:
        line += f"; next poll in {_duration(max((wake - now).total_seconds(), 0))}"
    click.echo(line)
    sys.stdout.flush()


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "–"


@main.command()
@DB_OPTION
@click.option("-f", "--format", "format_", type=click.Choice(["table", "jsonl"]), default="table", help="Output format.")
def feeds(db, format_) -> None:
    """The feeds `corroborate watch` follows: last success, last error, failure score, next poll.

    The failure score halves at every poll and gains 1 at a failed one; a feed
    that fails waits twice as long after each failure in a row. Times are UTC.

    \b
    Example:
      corroborate feeds --db news.db
    """
    import json

    from .store import feeds as feed_table

    with _open_store(db, must_exist=True, reading=True) as store:
        rows = feed_table.feeds(store)
    if format_ == "jsonl":
        for row in rows:
            click.echo(json.dumps({
                "url": row.url, "title": row.title, "active": row.active, "every": row.every,
                "last_success": _iso(row.last_success), "last_error": row.last_error, "last_error_at": _iso(row.last_error_at),
                "failures": row.failures, "failure_score": round(row.failure_score, 3), "next_poll": _iso(row.next_poll),
                "entries": row.entries, "new_articles": row.new_articles,
            }, ensure_ascii=False))  # fmt: skip
        return
    if not rows:
        click.echo(f"no feeds followed in {db or 'corroborate.db'} (start with `corroborate watch --feeds FILE`)")
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold")
    for name in ("Feed", "Every", "Last success", "Last error", "Failure score", "Next poll", "Articles"):
        table.add_column(name, overflow="fold")
    for row in rows:
        error = f"{_when(row.last_error_at)}: {row.last_error}" if row.last_error else "–"
        name = row.url + (f"\n{row.title}" if row.title else "") + ("" if row.active else "\n(no longer followed)")
        cells = (
            name, _duration(row.every), _when(row.last_success), error,
            f"{row.failure_score:.2f} ({row.failures} in a row)" if row.failures else f"{row.failure_score:.2f}",
            _when(row.next_poll) if row.active else "–", str(row.new_articles),
        )  # fmt: skip
        table.add_row(*(Text(cell) for cell in cells))  # feed titles and errors are third-party text, not markup
    Console(highlight=False).print(table)


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


@main.command()
@DB_OPTION
@click.option("-f", "--format", "format_", type=click.Choice(["table", "jsonl"]), default="table", help="Output format.")
def changes(db, format_) -> None:
    """Articles whose text changed after publication (or that were taken down).

    `corroborate watch` fetches stored articles again some time after their first
    fetch (see the `revisit_after` setting), and `corroborate ingest URL` does it
    for a URL already stored; a different text is kept as a new version. Words
    are counted against the first version, the one briefed; the brief of the
    story (`corroborate brief --story ID`) shows each change word by word.

    \b
    Example:
      corroborate changes --db news.db
    """
    import json

    from .store.fetched import changed_articles

    with _open_store(db, must_exist=True, reading=True) as store:
        rows = changed_articles(store)
        stories = {
            article_id: story for article_id, story in store.connection.execute("SELECT article_id, story_id FROM memberships")
        } if rows else {}  # fmt: skip
    if format_ == "jsonl":
        for row in rows:
            click.echo(json.dumps({
                "article_id": row.article_id, "story": stories.get(row.article_id), "title": row.title,
                "outlet": row.outlet, "url": row.url, "versions": row.versions,
                "first_fetched": _iso(row.first_fetched), "last_changed": _iso(row.last_changed),
                "words_added": row.words_added, "words_removed": row.words_removed, "gone": row.gone,
            }, ensure_ascii=False))  # fmt: skip
        return
    if not rows:
        click.echo("no article has changed since it was first fetched")
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(header_style="bold")
    for name in ("Story", "Article", "Versions", "First fetched", "Last changed", "Words +/−"):
        table.add_column(name, overflow="fold")
    for row in rows:
        article = f"{row.outlet or ''}: {row.title}\n{row.url or row.article_id}"
        words = "taken down" if row.gone else f"+{row.words_added} / −{row.words_removed}"
        cells = (
            str(stories.get(row.article_id, "")), article, str(row.versions), _when(row.first_fetched),
            _when(row.last_changed), words,
        )  # fmt: skip
        table.add_row(*(Text(cell) for cell in cells))  # titles and outlets are third-party text, not markup
    Console(highlight=False).print(table)


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("-f", "--format", "format_", type=click.Choice(["jsonl"]), default="jsonl", help="Output format.")
@click.option("--embeddings", is_flag=True, help="Compare sentence embeddings of long articles too (slower; headlines and other short texts are always embedded).")
@DASK_OPTION
def cluster(paths, format_, embeddings, dask) -> None:
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
    # similarities run higher (measured, BENCHMARKS.md): its own threshold.
    clusterer = (
        StoryClusterer(embed_below_terms=0, embedding_weight=1.0, threshold=0.3)
        if embeddings
        else StoryClusterer()
    )
    with _cluster(dask) as client, _cluster_lost(client):
        if client is not None:
            from .distributed import cluster as cluster_on_cluster

            cluster_inputs = functools.partial(cluster_on_cluster, client)
        from . import progress

        bars = progress.ProgressBars()
        try:
            with progress.observing(bars):
                records, problems = cluster_inputs(list(paths), clusterer)
        finally:
            bars.close()
    report_problems(problems)
    if not records:
        fail("nothing to cluster: no readable article in the input")
    try:
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))
        sys.stdout.flush()
    except BrokenPipeError:  # `corroborate cluster ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@main.command()
@DB_OPTION
@click.option("--stale-only", is_flag=True, help="Only stories whose cached brief is missing or out of date.")
@click.option("--words", type=click.IntRange(min=1), default=None, metavar="N", help="Word budget of the summaries (default 120).")
@click.option("--set", "settings", multiple=True, metavar="NAME=VALUE", help="Override any setting listed by `corroborate settings` (repeatable).")
@DASK_OPTION
def briefs(db, stale_only, words, settings, dask) -> None:
    """Build the brief of every story of the store, ready for `brief --story`.

    Briefs are cached in the store, keyed by the story's articles and the
    settings; with --stale-only, stories whose cached brief is still good are
    left alone. A story whose brief fails is reported and the others are built.

    \b
    Examples:
      corroborate briefs --db news.db
      corroborate briefs --db news.db --stale-only --dask tcp://scheduler:8786
    """
    from .config import BriefOptions
    from .store.briefs import build_briefs

    options = apply_settings(BriefOptions(), settings)
    if words is not None:
        options = replace(options, summary_words=words)
    with _open_store(db, must_exist=True) as store, _cluster(dask, parser=True) as client, _cluster_lost(client):
        if client is not None:
            from .distributed import build_briefs as briefs_on_cluster

            build_briefs = functools.partial(briefs_on_cluster, client)

        def on_story(summary) -> None:
            if not sys.stderr.isatty():
                click.echo(f"corroborate: {summary.built} briefs built, {len(summary.failed)} failed", err=True)

        summary = build_briefs(store, options, stale_only, on_story)
    for story_id, reason in summary.failed:
        click.echo(f"corroborate: story {story_id}: brief failed ({reason})", err=True)
    click.echo(f"{summary.built} briefs built, {summary.kept} up to date, {len(summary.failed)} failed")


@contextlib.contextmanager
def _cluster(spec: str | None, parser: bool = False):
    """The Dask client of `--dask`, or None without the flag; a one-line error when the
    cluster cannot be used."""
    if spec is None:
        yield None
        return
    try:
        from .distributed import ClusterUnavailable, connect
    except ImportError:
        fail("--dask needs Dask: pip install 'corroborate[dask]'")
    try:
        with connect(spec, parser=parser) as client:
            yield client
    except ClusterUnavailable as error:
        fail(str(error))


@contextlib.contextmanager
def _cluster_lost(client):
    """A one-line error when the scheduler goes away during the run (what was stored stays)."""
    if client is None:
        yield
        return
    from concurrent.futures import CancelledError

    from .distributed.connection import lost

    try:
        yield
    except (OSError, CancelledError, TimeoutError) as error:
        if client.status == "running" and not isinstance(error, CancelledError):
            raise
        fail(str(lost(error, client.scheduler.address if client.scheduler else "?")))


@main.command()
@DB_OPTION
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1: only this machine can connect).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port to listen on (default 8000).")
@click.option("--allow-ingest", is_flag=True, help="Let the browser add articles to the store (upload files, paste URLs).")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override any of the web settings listed by `corroborate settings` (repeatable).",
)
def serve(db, host, port, allow_ingest, settings) -> None:
    """Browse, search and read the store's stories in a browser.

    One process serves the pages (HTML that works without JavaScript, and the
    same data as JSON at every page's address + .json); a background worker,
    the store's one writer, prepares the briefs pages ask for. Stop with Ctrl-C.

    \b
    Examples:
      corroborate serve --db news.db                 then open http://127.0.0.1:8000/
      corroborate serve --db news.db --port 8080 --allow-ingest
      corroborate serve --db news.db --set page_size=50
    """
    from .store import DEFAULT_PATH
    from .web.settings import WebSettings

    options = apply_settings(WebSettings(), settings)
    changes = {"host": host, "port": port, "allow_ingest": allow_ingest or None}
    options = replace(options, **{name: value for name, value in changes.items() if value is not None})
    with _open_store(db, must_exist=True):  # brings an older store's schema up to date before pages read it
        pass
    path = db or DEFAULT_PATH
    from .web import serve as run_server

    shown = f"[{options.host}]" if ":" in options.host else options.host
    click.echo(f"corroborate: serving {path} at http://{shown}:{options.port}/ (Ctrl-C stops)", err=True)
    try:
        run_server(path, options)
    except OSError as error:
        fail(f"cannot serve on {options.host}:{options.port}: {error.strerror or error}")


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
    # OpenBLAS (NumPy's and SciPy's products, spaCy's layers: nlp._load_pipeline) on one
    # thread, read when NumPy loads it (nothing has yet), unless the user chose: a brief
    # keeps both cores busy with its own processes and threads (the parse, the encoder's
    # threads, the side stage), and OpenBLAS's second thread, spinning while it waited,
    # took the other core from them. Measured (BENCHMARKS.md, "thinc's matrix product"):
    # flagship cold 2.46-2.63 s against 2.67-3.24, 300 long articles 73.5 against 75.1 s
    # (114 against 124 s of CPU), identical briefs. A product's last bits then no longer
    # depend on how many cores the machine has either.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
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

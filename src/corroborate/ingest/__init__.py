"""Readers: one per input format, all yielding `RawArticle`s (or `InputProblem`s).

`read_articles` walks paths (folders recursively), picks the reader by file
extension, cleans every raw article into an `Article`, and collects problems
instead of raising, so one bad file never stops the rest.

| extension                  | reader             | one article per      |
|----------------------------|--------------------|----------------------|
| .txt                       | text.read          | file                 |
| .html .htm .xhtml          | html.read          | file                 |
| .json                      | records.read_json  | record               |
| .jsonl .ndjson             | records.read_jsonl | line                 |
| .csv .tsv                  | records.read_csv   | row                  |
| .rss .atom, feed .xml      | feed.read          | feed entry           |
| .warc .warc.gz             | warc.read          | HTML response record |

Any of them may be compressed (`.gz`, `.bz2`, `.xz`: `feed.jsonl.gz`), as news
data sets usually are; it is read as it decompresses. Only regular files are
read (a FIFO or a device named on the command line is a problem, never a hang),
and files read whole are bounded in size (`files.MAX_FILE_BYTES`).

Inside a folder, files of other types (and `.xml` files that are not feeds,
hidden files and folders) are skipped silently; named explicitly they are a
problem.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..model import Article, InputProblem, RawArticle
from . import feed, files, records, text, warc
from .decode import UnreadableInput, repair, safe_text
from .fields import host_of
from .identity import Repeat, distinct_articles

log = logging.getLogger(__name__)

Reader = Callable[[Path], Iterator[RawArticle | InputProblem]]


def _read_html(path: Path) -> Iterator[RawArticle | InputProblem]:
    from . import html  # trafilatura is heavy: imported on the first HTML file

    result = html.read(path)
    if isinstance(result, (RawArticle, InputProblem)):
        yield result
    else:
        yield from result


READERS: dict[str, Reader] = {
    ".warc": warc.read,
    ".txt": text.read,
    ".html": _read_html,
    ".htm": _read_html,
    ".xhtml": _read_html,
    ".json": records.read_json,
    ".jsonl": records.read_jsonl,
    ".ndjson": records.read_jsonl,
    ".csv": records.read_csv,
    ".tsv": records.read_csv,
    ".rss": feed.read,
    ".atom": feed.read,
    ".xml": feed.read,
}


def reader_for(path: Path) -> Reader | None:
    name = files.inner_name(path)
    for suffix, reader in READERS.items():
        if name.endswith(suffix):
            return reader
    return None


def _wanted_in_folder(path: Path, root: Path) -> bool:
    if any(part.startswith(".") for part in path.relative_to(root).parts):
        return False
    if files.kind_of(path) != "file" or reader_for(path) is None:
        return False  # inside a folder, FIFOs and devices are skipped like other odd files
    # Plenty of .xml files are not feeds (sitemaps, configuration): only feeds count.
    return not files.inner_name(path).endswith(".xml") or feed.is_feed(path)


def iter_files(path: Path) -> Iterator[Path]:
    """The files to read under `path`: the path itself if a file, else every readable
    file below it, in name order (ids come from content, so order never changes them)."""
    if files.kind_of(path) == "folder":
        for child in sorted(path.rglob("*")):
            if _wanted_in_folder(child, path):
                yield child
    else:
        yield path


def _finish(raw: RawArticle) -> RawArticle:
    """What every reader's article gets: its strings repaired (mojibake, once, here:
    readers decode without repairing, since JSON escapes, feed entities and HTML
    markup only reveal their text after parsing), made safe to print and store
    (`safe_text`), and the outlet from the URL host when the input names none."""
    outlet = safe_text(repair(raw.outlet)).strip() if raw.outlet else None
    url = safe_text(raw.url).strip() or None if raw.url else None
    return replace(
        raw,
        origin=safe_text(raw.origin),
        text=safe_text(repair(raw.text)),
        title=safe_text(repair(raw.title)) if raw.title else raw.title,
        url=url,
        outlet=outlet or host_of(url),
        source_id=safe_text(raw.source_id) if raw.source_id else raw.source_id,
    )


class RepeatedProblems:
    """The problems of one file worth showing: a file of a thousand records with the
    same fault (a headline-only export) should not print a thousand lines, so the
    first few of each kind are shown, then a count."""

    shown = 3

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.counts: Counter[str] = Counter()

    def show(self, problem: InputProblem) -> bool:
        """Count `problem`; whether it is one of the first few of its kind."""
        self.counts[problem.message] += 1
        return self.counts[problem.message] <= self.shown

    def summary(self) -> Iterator[InputProblem]:
        """One line per kind with more problems than were shown."""
        for message, count in self.counts.items():
            if count > self.shown:
                yield InputProblem(self.origin, f"{count - self.shown} more records with the same problem: {message}")


def _read_file(
    file: Path, reader: Reader | None = None, repeats: RepeatedProblems | None = None
) -> Iterator[RawArticle | InputProblem]:
    """The raw articles (or problems) of one file, in order, repaired (`_finish`).
    `reader` and `repeats` replace the reader for the file's type and the problem
    counting (`corroborate.distributed` reads parts of a file apart and counts its
    problems in one place)."""
    for item in _read_file_as_given(file, reader, repeats):
        yield _finish(item) if isinstance(item, RawArticle) else replace(item, origin=safe_text(item.origin))


def _read_file_as_given(file: Path, reader: Reader | None, repeats: RepeatedProblems | None) -> Iterator[RawArticle | InputProblem]:
    kind = files.kind_of(file)
    if kind != "file":
        yield InputProblem(str(file), f"not a regular file (a {kind}): corroborate reads files and folders")
        return
    if reader is None:
        reader = reader_for(file)
        if reader is None:
            known = ", ".join(sorted(READERS))
            yield InputProblem(str(file), f"unknown file type (corroborate reads {known})")
            return
        if reader is feed.read and files.inner_name(file).endswith(".xml") and not feed.is_feed(file):
            yield InputProblem(str(file), "XML file that is not an RSS or Atom feed")
            return
    repeats = repeats or RepeatedProblems(str(file))
    try:
        for item in reader(file):
            if isinstance(item, RawArticle):
                yield item
            elif repeats.show(item):
                yield item
    except UnreadableInput as problem:
        yield InputProblem(str(file), problem.message, problem.line)
    except OSError as error:
        yield InputProblem(str(file), f"cannot read: {error.strerror or error}")
    except Exception as error:  # noqa: BLE001 - a user's odd file must never end the run
        # Malformed input in some library we call (lxml, feedparser, warcio ...) that
        # no specific check caught: report it like any other bad file, keep the detail
        # for debugging.
        log.debug("reading %s failed", file, exc_info=True)
        detail = (str(error).splitlines() or [""])[0][:160]
        yield InputProblem(str(file), f"cannot read ({type(error).__name__}: {detail})")
    yield from repeats.summary()


def read_raw(
    inputs: Iterable[str | Path | RawArticle | Article | InputProblem],
) -> Iterator[RawArticle | Article | InputProblem]:
    """Every raw article (or problem) in the inputs, in input order. A problem among
    the inputs (a URL that could not be fetched, see fetch.pages) is passed on."""
    for item in inputs:
        if isinstance(item, InputProblem):
            yield item
            continue
        if isinstance(item, RawArticle):
            yield _finish(item)
            continue
        if isinstance(item, Article):
            yield item
            continue
        path = Path(item)
        if files.kind_of(path) == "missing":
            yield InputProblem(safe_text(str(path)), "no such file or folder")
            continue
        found = False
        for file in iter_files(path):
            found = True
            yield from _read_file(file)
        if not found:
            yield InputProblem(safe_text(str(path)), "folder has no readable files")


def _has_prose(text: str, words: int = 6) -> bool:
    """Whether any paragraph is long enough to be prose rather than a menu or button label."""
    return any(len(line.split()) >= words for line in text.splitlines())


def iter_clean(
    inputs: Iterable[str | Path | RawArticle | Article], headline_is_enough: bool = False
) -> Iterator[Article | InputProblem]:
    """Every article in `inputs`, cleaned, or a problem, in input order, repeats kept
    (streaming: `corroborate dedup` and the store read a corpus through this). An
    article whose cleaning left no text is a problem, unless `headline_is_enough` and
    the input gave it a headline (headline feeds can still be clustered); label-only
    HTML pages are problems too, unless `headline_is_enough`."""
    for item in read_raw(inputs):
        yield item if isinstance(item, InputProblem) else clean_one(item, headline_is_enough)


def clean_one(item: RawArticle | Article, headline_is_enough: bool = False) -> Article | InputProblem:
    """One article of `iter_clean`: cleaned (a raw article `_read_file` read), or the
    problem that leaves nothing of it."""
    from ..clean import clean

    article = item if isinstance(item, Article) else clean(item)
    # The headline the input gave (cleaning makes one up from the text when none was given).
    headline = item.title if isinstance(item, RawArticle) else article.title
    if not article.text.strip() and not (headline_is_enough and headline):
        # What the cleaning took it all as ("reader comments": a page that is nothing but
        # its comment thread), the commonest first; a text that was only its title says so plainly.
        taken = Counter(line.reason for line in article.junk_removed)
        why = ", ".join(reason for reason, _ in sorted(taken.items(), key=lambda kv: (-kv[1], kv[0])))
        return InputProblem(article.origin, "no article text left after cleaning" + (f" (removed as {why})" if why else ""))
    if isinstance(item, RawArticle) and item.format == "html" and not _has_prose(article.text) and not headline_is_enough:
        # trafilatura falls back to whatever text a page has, so a login or index
        # page comes back as its menu and button labels: not an article.
        return InputProblem(article.origin, "no article text found (only short page labels)")
    return article


@dataclass(frozen=True)
class ReadInputs:
    """Everything read from the user's inputs: the distinct articles, the inputs that
    repeat one of them, and the inputs that could not be read."""

    articles: list[Article]
    problems: list[InputProblem]
    repeats: list[Repeat]


def read_inputs(inputs: Iterable[str | Path | RawArticle | Article]) -> ReadInputs:
    """Read and clean every article in `inputs`; an input repeating an article already
    read (see `identity`) is kept as a `Repeat`, so that every input is accounted for.
    The progress observer hears how many were read, every hundred."""
    from ..progress import advance

    read: list[Article] = []
    problems: list[InputProblem] = []
    for item in iter_clean(inputs):
        if isinstance(item, InputProblem):
            problems.append(item)
        else:
            read.append(item)
            if len(read) % 100 == 0:
                advance(len(read), len(read))
    articles, repeats = distinct_articles(read)
    return ReadInputs(articles, problems, repeats)


def read_articles(inputs: Iterable[str | Path | RawArticle | Article]) -> tuple[list[Article], list[InputProblem]]:
    """Read and clean every article in `inputs`; repeats of one article are kept once
    (`read_inputs` also lists the repeats)."""
    result = read_inputs(inputs)
    return result.articles, result.problems

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
from dataclasses import replace
from pathlib import Path

from ..model import Article, InputProblem, RawArticle
from . import feed, files, records, text, warc
from .decode import UnreadableInput, repair, safe_text
from .fields import host_of

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


_SAME_PROBLEM_SHOWN = 3


def _read_file(file: Path) -> Iterator[RawArticle | InputProblem]:
    for item in _read_file_as_given(file):
        yield _finish(item) if isinstance(item, RawArticle) else replace(item, origin=safe_text(item.origin))


def _read_file_as_given(file: Path) -> Iterator[RawArticle | InputProblem]:
    kind = files.kind_of(file)
    if kind != "file":
        yield InputProblem(str(file), f"not a regular file (a {kind}): corroborate reads files and folders")
        return
    reader = reader_for(file)
    if reader is None:
        known = ", ".join(sorted(READERS))
        yield InputProblem(str(file), f"unknown file type (corroborate reads {known})")
        return
    if reader is feed.read and files.inner_name(file).endswith(".xml") and not feed.is_feed(file):
        yield InputProblem(str(file), "XML file that is not an RSS or Atom feed")
        return
    repeats: Counter[str] = Counter()
    try:
        for item in reader(file):
            if isinstance(item, RawArticle):
                yield item
                continue
            # A file of a thousand records with the same fault (a headline-only export)
            # should not print a thousand lines: the first few, then a count.
            repeats[item.message] += 1
            if repeats[item.message] <= _SAME_PROBLEM_SHOWN:
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
    for message, count in repeats.items():
        if count > _SAME_PROBLEM_SHOWN:
            yield InputProblem(str(file), f"{count - _SAME_PROBLEM_SHOWN} more records with the same problem: {message}")


def read_raw(inputs: Iterable[str | Path | RawArticle | Article]) -> Iterator[RawArticle | Article | InputProblem]:
    """Every raw article (or problem) in the inputs, in input order."""
    for item in inputs:
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
    from ..clean import clean

    for item in read_raw(inputs):
        if isinstance(item, InputProblem):
            yield item
            continue
        article = item if isinstance(item, Article) else clean(item)
        # The headline the input gave (cleaning makes one up from the text when none was given).
        headline = item.title if isinstance(item, RawArticle) else article.title
        if not article.text.strip() and not (headline_is_enough and headline):
            yield InputProblem(article.origin, "no article text left after cleaning")
            continue
        if isinstance(item, RawArticle) and item.format == "html" and not _has_prose(article.text) and not headline_is_enough:
            # trafilatura falls back to whatever text a page has, so a login or index
            # page comes back as its menu and button labels: not an article.
            yield InputProblem(article.origin, "no article text found (only short page labels)")
            continue
        yield article


def read_articles(
    inputs: Iterable[str | Path | RawArticle | Article], on_read: Callable[[int], None] | None = None
) -> tuple[list[Article], list[InputProblem]]:
    """Read and clean every article in `inputs`; exact repeats of one article are kept
    once. `on_read(count)` hears every hundredth article read (for progress)."""
    articles: list[Article] = []
    problems: list[InputProblem] = []
    seen: set[str] = set()
    for item in iter_clean(inputs):
        if isinstance(item, InputProblem):
            problems.append(item)
        elif item.id not in seen:
            seen.add(item.id)
            articles.append(item)
            if on_read and len(articles) % 100 == 0:
                on_read(len(articles))
    return articles, problems

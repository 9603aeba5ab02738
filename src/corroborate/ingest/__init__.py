"""Readers: one per input format, all yielding `RawArticle`s (or `InputProblem`s).

`read_articles` walks paths (folders recursively), picks the reader by file
extension, cleans every raw article into an `Article`, and collects problems
instead of raising, so one bad file never stops the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..model import Article, InputProblem, RawArticle
from . import text

Reader = Callable[[Path], Iterator[RawArticle | InputProblem]]

READERS: dict[str, Reader] = {
    ".txt": text.read,
}


def reader_for(path: Path) -> Reader | None:
    name = path.name.lower()
    for suffix, reader in READERS.items():
        if name.endswith(suffix):
            return reader
    return None


def iter_files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not child.name.startswith(".") and reader_for(child):
                yield child
    else:
        yield path


def read_raw(inputs: Iterable[str | Path | RawArticle | Article]) -> Iterator[RawArticle | Article | InputProblem]:
    """Every raw article (or problem) in the inputs, in input order."""
    for item in inputs:
        if isinstance(item, (RawArticle, Article)):
            yield item
            continue
        path = Path(item)
        if not path.exists():
            yield InputProblem(str(path), "no such file or folder")
            continue
        for file in iter_files(path):
            reader = reader_for(file)
            if reader is None:
                known = ", ".join(sorted(READERS))
                yield InputProblem(str(file), f"unknown file type (corroborate reads {known})")
                continue
            try:
                yield from reader(file)
            except OSError as error:
                yield InputProblem(str(file), f"cannot read: {error.strerror or error}")


def read_articles(inputs: Iterable[str | Path | RawArticle | Article]) -> tuple[list[Article], list[InputProblem]]:
    """Read and clean every article in `inputs`; exact repeats of one article are kept once."""
    from ..clean import clean

    articles: list[Article] = []
    problems: list[InputProblem] = []
    seen: set[str] = set()
    for item in read_raw(inputs):
        if isinstance(item, InputProblem):
            problems.append(item)
            continue
        article = item if isinstance(item, Article) else clean(item)
        if not article.text.strip():
            problems.append(InputProblem(article.origin, "no article text left after cleaning"))
            continue
        if article.id in seen:
            continue
        seen.add(article.id)
        articles.append(article)
    return articles, problems

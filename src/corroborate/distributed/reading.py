"""Reading one work unit on a worker, and putting the units' results back into one
stream on the client, exactly as `ingest.iter_clean` reads the same inputs in
one process.

Whole files go through `ingest.read_file`, as in one process. A byte range of a
JSON Lines file is read by `records.jsonl_records` from its first line number
on; the problems its records have are counted for the whole file by the client
(`ordered_entries`), which shows the first few of each kind as `read_file`
does for a file read whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..ingest import RepeatedProblems, clean_one
from ..ingest import _read_file as read_file  # one file, as `iter_clean` reads it
from ..model import Article, InputProblem, RawArticle
from .units import Unit, _decode_range, as_path


@dataclass
class UnitRead:
    """A unit's articles (cleaned) and problems, in input order. For a byte range,
    `repeatable` are the positions of the problems its records had (the client
    counts them over the whole file)."""

    entries: list = field(default_factory=list)
    repeatable: set[int] = field(default_factory=set)


class _KeepAll(RepeatedProblems):
    """Every problem of a range kept, and where it is noted (the client counts them)."""

    def __init__(self, origin: str) -> None:
        super().__init__(origin)
        self.seen: set[int] = set()

    def show(self, problem: InputProblem) -> bool:
        self.seen.add(id(problem))
        return True

    def summary(self) -> Iterator[InputProblem]:
        return iter(())


def read_unit(unit: Unit, headline_is_enough: bool) -> UnitRead:
    """The unit's files (or range), read and cleaned as `ingest.iter_clean` does."""
    result = UnitRead()
    if unit.ranged:
        path = as_path(unit.files[0])
        repeats = _KeepAll(str(path))
        for item in read_file(path, _RangeReader(unit), repeats):
            if isinstance(item, InputProblem) and id(item) in repeats.seen:
                result.repeatable.add(len(result.entries))
            result.entries.append(_cleaned(item, headline_is_enough))
        return result
    for name in unit.files:
        path = as_path(name)
        if not path.exists():  # gone since the client listed it
            result.entries.append(InputProblem(str(path), "no such file or folder"))
            continue
        result.entries.extend(_cleaned(item, headline_is_enough) for item in read_file(path))
    return result


def _cleaned(item: RawArticle | InputProblem, headline_is_enough: bool) -> Article | InputProblem:
    return item if isinstance(item, InputProblem) else clean_one(item, headline_is_enough)


class _RangeReader:
    """A reader (`ingest.Reader`) of the unit's byte range of its JSON Lines file."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit

    def __call__(self, path) -> Iterator[RawArticle | InputProblem]:
        from ..ingest.records import jsonl_records

        with path.open("rb") as handle:
            handle.seek(self.unit.start)
            data = handle.read(self.unit.end - self.unit.start)
        text = _decode_range(data, self.unit.start)
        if text is None:  # the file changed since it was scanned
            raise OSError(f"bytes {self.unit.start}-{self.unit.end} changed while being read")
        yield from jsonl_records(text, path, self.unit.first_line)


def ordered_entries(units_and_reads: Iterable[tuple[Unit, list]]) -> Iterator:
    """The entries of each unit, in unit order, with the problems of a file read in
    ranges shown as for a file read whole (the first few of each kind, then a count).
    `units_and_reads` gives each unit with its entries and repeatable positions."""
    repeats: RepeatedProblems | None = None
    for unit, (entries, repeatable) in units_and_reads:
        if not unit.ranged:
            yield from entries
            continue
        if repeats is None or repeats.origin != str(as_path(unit.files[0])):
            repeats = RepeatedProblems(str(as_path(unit.files[0])))
        for position, entry in enumerate(entries):
            if position not in repeatable or repeats.show(entry):
                yield entry
        if unit.last:
            yield from repeats.summary()
            repeats = None

"""Record files: JSON (a list of records, one record, or an object holding a list),
JSON Lines (one record per line) and CSV/TSV (a header row, one record per row).
JSON Lines and CSV are read as streams, a line at a time, so a file of any
size is never held in memory whole.

One article per record; its origin is `path#record-N` (`path#line-N` for JSON
Lines) so a user can find it. A bad record is a one-line problem naming the
file and record or line; the other records are still read.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..model import InputProblem, RawArticle
from .decode import UnreadableInput, read_text
from .files import inner_name, text_lines
from .fields import accepted, column_for, record_to_raw

# Keys under which APIs and scrapers wrap their list of articles.
_LIST_KEYS = ("articles", "items", "records", "data", "results", "documents", "docs", "entries")


def _records_of(document: object) -> list | None:
    if isinstance(document, list):
        return document
    if isinstance(document, Mapping):
        if column_for("text", list(document)) is not None:
            return [document]
        for key in _LIST_KEYS:
            if isinstance(document.get(key), list):
                return document[key]
    return None


def _one(record: object, origin: str, fmt: str, problem_origin: str, line: int | None) -> RawArticle | InputProblem:
    if not isinstance(record, Mapping):
        return InputProblem(problem_origin, f"not an article record (a JSON {type(record).__name__})", line)
    try:
        return record_to_raw(record, origin, fmt)
    except UnreadableInput as problem:
        return InputProblem(problem_origin, problem.message, line)
    except RecursionError:  # a field nested hundreds deep: this record only
        return InputProblem(problem_origin, _TOO_DEEP, line)


def _loads(text: str) -> object:
    # strict=False: a raw control character inside a string (a NUL pasted into a
    # body) is kept for the repair step to remove, rather than losing the record.
    return json.loads(text, strict=False)


_TOO_DEEP = "JSON nested too deeply to read"
_TOO_LONG_NUMBER = "a number in the JSON is too long to read (over 4,300 digits)"


def read_json(path: Path) -> Iterator[RawArticle | InputProblem]:
    text = read_text(path, repair_text=False)
    try:
        document = _loads(text)
    except json.JSONDecodeError as error:
        yield InputProblem(str(path), f"not valid JSON ({error.msg})", error.lineno)
        return
    except RecursionError:
        yield InputProblem(str(path), _TOO_DEEP)
        return
    except ValueError:  # Python refuses integers of over 4,300 digits
        yield InputProblem(str(path), _TOO_LONG_NUMBER)
        return
    records = _records_of(document)
    if records is None:
        yield InputProblem(str(path), f"no article records (expected a list of objects with a text field: {accepted('text')})")
        return
    if not records:
        yield InputProblem(str(path), "no article records (an empty list)")
        return
    for number, record in enumerate(records, start=1):
        origin = f"{path}#record-{number}"
        yield _one(record, origin, "json", origin, None)


def read_jsonl(path: Path) -> Iterator[RawArticle | InputProblem]:
    """One record per line, read as a stream: a file of any size is never held whole."""
    records = number = 0
    try:
        for number, line in enumerate(text_lines(path), start=1):
            if line.strip():
                records += 1
                yield from _jsonl_line(line, number, path)
    except UnreadableInput as problem:
        # Raised after every line before the fault was read (a cut-short .gz, an
        # over-long line): the problem says where it stopped.
        after = f" (read up to line {number})" if number and problem.line is None else ""
        yield InputProblem(str(path), problem.message + after, problem.line)
        return
    if not records:
        yield InputProblem(str(path), "empty file")


def jsonl_records(text: str, path: Path, first_line: int = 1) -> Iterator[RawArticle | InputProblem]:
    """The records of JSON Lines `text` read from `path`, its first line numbered
    `first_line` (a part of a large file is read on its own by `corroborate.distributed`)."""
    for number, line in enumerate(text.splitlines(), start=first_line):
        if line.strip():
            yield from _jsonl_line(line, number, path)


def _jsonl_line(line: str, number: int, path: Path) -> Iterator[RawArticle | InputProblem]:
    """The record on one line, or the problem that stops it (that line only)."""
    try:
        record = _loads(line)
    except json.JSONDecodeError as error:
        yield InputProblem(str(path), f"malformed JSON line ({error.msg})", number)
        return
    except RecursionError:
        yield InputProblem(str(path), _TOO_DEEP, number)
        return
    except ValueError:  # Python refuses integers of over 4,300 digits
        yield InputProblem(str(path), _TOO_LONG_NUMBER, number)
        return
    yield _one(record, f"{path}#line-{number}", "json", str(path), number)


def read_csv(path: Path) -> Iterator[RawArticle | InputProblem]:
    """A header row, then one record per row, read as a stream."""
    lines = text_lines(path)
    try:
        first = next(lines)
    except StopIteration:
        yield InputProblem(str(path), "empty file")
        return
    dialect = _dialect(first, path)
    # A body may be long: lift the csv module's 128 kB field limit.
    csv.field_size_limit(16 * 1024 * 1024)
    reader = csv.DictReader(itertools.chain([first], lines), dialect=dialect)
    try:
        header = [name for name in (reader.fieldnames or []) if name]
    except csv.Error as error:
        yield InputProblem(str(path), f"malformed CSV header ({error})", 1)
        return
    if not header:
        yield InputProblem(str(path), "no header row")
        return
    if column_for("text", header) is None:
        found = ", ".join(" ".join(name.split())[:40] for name in header[:8]) + (" ..." if len(header) > 8 else "")
        yield InputProblem(str(path), f"no text column (expected one of: {accepted('text')}; found: {found})", 1)
        return
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            yield InputProblem(str(path), f"malformed CSV row ({error})", reader.line_num)
            return  # the csv module cannot resynchronise after a broken row
        except UnreadableInput as problem:
            yield InputProblem(str(path), problem.message, problem.line)
            return
        number += 1
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        row = {name: value for name, value in row.items() if name is not None}  # drop overflow cells
        origin = f"{path}#record-{number}"
        yield _one(row, origin, "csv", str(path), reader.line_num)
    if number == 0:
        yield InputProblem(str(path), "no records: the file has only its header row")


def _dialect(header: str, path: Path) -> type[csv.Dialect] | csv.Dialect:
    if inner_name(path).endswith(".tsv"):
        return csv.excel_tab
    try:
        return csv.Sniffer().sniff(header[:8192].rstrip("\r\n"), delimiters=",;\t|")
    except csv.Error:
        return csv.excel

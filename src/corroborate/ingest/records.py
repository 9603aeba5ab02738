"""Record files: JSON (a list of records, one record, or an object holding a list),
JSON Lines (one record per line) and CSV/TSV (a header row, one record per row).

One article per record; its origin is `path#record-N` (`path#line-N` for JSON
Lines) so a user can find it. A bad record is a one-line problem naming the
file and record or line; the other records are still read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..model import InputProblem, RawArticle
from .decode import UnreadableInput, read_text
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


def read_json(path: Path) -> Iterator[RawArticle | InputProblem]:
    try:
        document = json.loads(read_text(path, repair_text=False))
    except json.JSONDecodeError as error:
        yield InputProblem(str(path), f"not valid JSON ({error.msg})", error.lineno)
        return
    records = _records_of(document)
    if records is None:
        yield InputProblem(str(path), f"no article records (expected a list of objects with a text field: {accepted('text')})")
        return
    for number, record in enumerate(records, start=1):
        origin = f"{path}#record-{number}"
        yield _one(record, origin, "json", origin, None)


def read_jsonl(path: Path) -> Iterator[RawArticle | InputProblem]:
    yield from jsonl_records(read_text(path, repair_text=False), path)


def jsonl_records(text: str, path: Path, first_line: int = 1) -> Iterator[RawArticle | InputProblem]:
    """The records of JSON Lines `text` read from `path`, its first line numbered
    `first_line` (a part of a large file is read on its own by `corroborate.distributed`)."""
    for number, line in enumerate(text.splitlines(), start=first_line):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield InputProblem(str(path), f"malformed JSON line ({error.msg})", number)
            continue
        yield _one(record, f"{path}#line-{number}", "json", str(path), number)


def read_csv(path: Path) -> Iterator[RawArticle | InputProblem]:
    text = read_text(path, repair_text=False)
    dialect = _dialect(text, path)
    # A body may be long: lift the csv module's 128 kB field limit.
    csv.field_size_limit(16 * 1024 * 1024)
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    header = [name for name in (reader.fieldnames or []) if name]
    if not header:
        yield InputProblem(str(path), "no header row")
        return
    if column_for("text", header) is None:
        found = ", ".join(header[:8]) + (" ..." if len(header) > 8 else "")
        yield InputProblem(str(path), f"no text column (expected one of: {accepted('text')}; found: {found})", 1)
        return
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield InputProblem(str(path), f"malformed CSV row ({error})", reader.line_num)
            return  # the csv module cannot resynchronise after a broken row
        number += 1
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        row = {name: value for name, value in row.items() if name is not None}  # drop overflow cells
        origin = f"{path}#record-{number}"
        yield _one(row, origin, "csv", str(path), reader.line_num)


def _dialect(text: str, path: Path) -> type[csv.Dialect] | csv.Dialect:
    if path.name.lower().endswith(".tsv"):
        return csv.excel_tab
    try:
        return csv.Sniffer().sniff(text[:8192].split("\n", 1)[0], delimiters=",;\t|")
    except csv.Error:
        return csv.excel

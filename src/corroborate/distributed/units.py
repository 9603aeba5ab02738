"""Work units: the input cut into tasks' shares, in input order, by the client.

A unit names files (paths, or URLs that fsspec reads), never their text: the
client only lists folders and asks for sizes. Small files are grouped, so
that a task reads a few hundred articles; a JSON Lines file larger than one
unit is cut into byte ranges that workers read on their own.

A byte range must give exactly what reading the whole file gives, and a
record's origin (`path#line-N`) and, for a record without a headline, its
title, hold its line number. So a large file is first scanned (`scan_range`,
on the workers): each range finds its own line boundaries and counts its lines
and what the whole-file decoder looks at (`ingest.decode`); the client adds
up the counts. Ranges are used only when they decode as the whole file would
(UTF-8 without NUL bytes, not binary-looking in sum); otherwise the file is
read whole by one task.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model import InputProblem

# About a megabyte of news text (~250 articles): long enough that a task's overhead
# (a few milliseconds) is lost in its work, short enough to balance many workers.
UNIT_BYTES = 1 << 20
MIN_UNIT_BYTES = 16 << 10
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_JSON_LINES = (".jsonl", ".ndjson")
_BLOCK = 1 << 16


def as_path(name: str | Path):
    """A local path, or for a URL (`s3://bucket/crawl/`, `file:///srv/news/`) a
    pathlib-like object that fsspec reads (universal-pathlib): readers only read
    bytes and names, and list folders, so they take either."""
    if isinstance(name, str) and _URL.match(name):
        from upath import UPath

        return UPath(name)
    return Path(name)


@dataclass(frozen=True)
class Unit:
    """One task's share of the input: whole `files`, or the byte range `start`..`end`
    of the one JSON Lines file `files[0]`, whose first line is line `first_line`
    (`last` when the range ends the file)."""

    number: int
    files: tuple[str, ...]
    start: int = 0
    end: int | None = None
    first_line: int = 1
    last: bool = True

    @property
    def ranged(self) -> bool:
        return self.end is not None

    def describe(self) -> str:
        if self.ranged:
            return f"{self.files[0]} (bytes {self.start}-{self.end})"
        return self.files[0] if len(self.files) == 1 else f"{self.files[0]} and {len(self.files) - 1} more files"


@dataclass(frozen=True)
class BigFile:
    """A JSON Lines file to cut into ranges (after a scan)."""

    name: str
    size: int


def list_files(inputs: Iterable[str | Path]) -> list[tuple[str, int] | InputProblem]:
    """Every file to read, with its size, and the problems, in input order, by the
    one-process reader's rules (`ingest.read_raw`): folders read recursively in name
    order; a missing path or a folder without readable files is a problem."""
    from ..ingest import iter_files

    listing: list[tuple[str, int] | InputProblem] = []
    for name in inputs:
        if isinstance(name, str) and name.lower().startswith(("http://", "https://")):
            # Pages are fetched politely, one host at a time, by one process; a cluster
            # reads files and object stores.
            listing.append(InputProblem(name, "web addresses are not read with --dask: fetch them without it"))
            continue
        path = as_path(name)
        if not path.exists():
            listing.append(InputProblem(str(path), "no such file or folder"))
            continue
        before = len(listing)
        listing.extend((str(file), _size(file)) for file in iter_files(path))
        if len(listing) == before:
            listing.append(InputProblem(str(path), "folder has no readable files"))
    return listing


def unit_size(listing: list, threads: int) -> int:
    """Bytes per unit: `UNIT_BYTES`, or less when the input is small, so that every
    worker thread gets a few units (never below `MIN_UNIT_BYTES`)."""
    total = sum(item[1] for item in listing if not isinstance(item, InputProblem))
    return max(MIN_UNIT_BYTES, min(UNIT_BYTES, total // max(1, 4 * threads)))


def group_files(listing: list, unit_bytes: int) -> Iterator[list[str] | BigFile | InputProblem]:
    """The listing as groups of whole files of about `unit_bytes`, large JSON Lines
    files (to be read in ranges) and problems, in order."""
    group: list[str] = []
    group_bytes = 0
    for item in listing:
        if isinstance(item, InputProblem) or (item[0].lower().endswith(_JSON_LINES) and item[1] > unit_bytes):
            if group:
                yield group
            group, group_bytes = [], 0
            yield item if isinstance(item, InputProblem) else BigFile(*item)
            continue
        group.append(item[0])
        group_bytes += item[1]
        if group_bytes >= unit_bytes:
            yield group
            group, group_bytes = [], 0
    if group:
        yield group


def _size(file) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0  # the reading task reports what is wrong with it


# --- ranges of a JSON Lines file (run on the workers) ------------------------------


@dataclass(frozen=True)
class RangeScan:
    """What one range of a file holds, for the client to plan and check the ranges."""

    start: int  # first byte of its first line
    end: int  # first byte after its last line
    lines: int  # str.splitlines() of its decoded text (what read_jsonl numbers)
    utf8: bool  # decodes as UTF-8, has no NUL byte and no UTF-16/32 byte-order mark
    controls: int  # C0 controls that ingest.decode counts as binary
    chars: int
    blank: bool
    bom: bool = False  # the file starts with a UTF-8 byte-order mark (then decode skips the binary check)


def scan_range(name: str, nominal_start: int, nominal_end: int) -> RangeScan:
    """The lines that start inside bytes `nominal_start`..`nominal_end` of a file."""
    with as_path(name).open("rb") as handle:
        start = _line_start_at_or_after(handle, nominal_start)
        end = _line_start_at_or_after(handle, nominal_end)
        handle.seek(start)
        data = handle.read(max(0, end - start))
    text = _decode_range(data, start)
    if text is None:
        return RangeScan(start, end, 0, False, 0, 0, not data.strip())
    from ..ingest.decode import control_count

    bom = start == 0 and data.startswith(codecs.BOM_UTF8)
    return RangeScan(start, end, len(text.splitlines()), True, control_count(text), len(text), not data.strip(), bom)


def _line_start_at_or_after(handle, position: int) -> int:
    """The first byte at or after `position` that starts a line (or the file's end)."""
    if position <= 0:
        return 0
    handle.seek(position - 1)
    offset = position - 1
    while True:
        block = handle.read(_BLOCK)
        if not block:
            return offset
        found = block.find(b"\n")
        if found >= 0:
            return offset + found + 1
        offset += len(block)


_OTHER_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _decode_range(data: bytes, start: int) -> str | None:
    """The range's text as `ingest.decode` reads the whole file when it is UTF-8,
    else None (the file is then read whole)."""
    if start == 0 and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        try:
            return data.decode("utf-8").lstrip("\ufeff")
        except UnicodeDecodeError:
            return None
    if (start == 0 and data.startswith(_OTHER_BOMS)) or b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def ranges_of(big: BigFile, scans: list[RangeScan], first_number: int) -> list[Unit] | None:
    """The ranged units of `big` from its scans, or None when reading it in ranges would
    not give what reading it whole gives."""
    if not all(scan.utf8 for scan in scans) or all(scan.blank for scan in scans):
        return None
    from ..ingest.decode import looks_binary_counts

    if not scans[0].bom and looks_binary_counts(sum(s.controls for s in scans), sum(s.chars for s in scans)):
        return None
    units = []
    line = 1
    kept = [scan for scan in scans if scan.end > scan.start]
    for index, scan in enumerate(kept):
        units.append(Unit(first_number + index, (big.name,), scan.start, scan.end, line, last=index == len(kept) - 1))
        line += scan.lines
    return units


def nominal_ranges(size: int, unit_bytes: int = UNIT_BYTES) -> list[tuple[int, int]]:
    return [(first, min(first + unit_bytes, size)) for first in range(0, size, unit_bytes)]

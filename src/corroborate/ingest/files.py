"""Opening a user's input file safely: regular files only, compressed files read
transparently, whole-file reads bounded, line-by-line reads streamed.

Every reader gets its bytes through here, so no input can hang a command (a FIFO
named on the command line), grow memory without bound (a link to /dev/zero, a
decompression bomb), or be dropped silently (a truncated gzip member).

- `kind_of(path)`: a regular file, a folder, or what else it is (FIFO, device ...);
- `inner_name(path)`: the name that picks the reader: `feed.jsonl.gz` reads as
  `feed.jsonl`;
- `read_bytes(path)`: the whole (decompressed) content, up to `MAX_FILE_BYTES`;
- `text_lines(path)`: the decoded lines of a line-based file (JSON Lines, CSV),
  one at a time, each line decoded on its own, so a huge file is never held whole
  and one line in another encoding does not spoil the rest.

Problems raise `UnreadableInput` with a few words a user understands.
"""

from __future__ import annotations

import bz2
import io
import lzma
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .decode import UnreadableInput, decode_line, sniff_encoding

# A whole-file read (one article, a JSON document, a feed) is held in memory and
# parsed at once: beyond this it is not an article file, and parsing it would take
# gigabytes. Line-based files (JSON Lines, CSV) stream and have no such limit.
MAX_FILE_BYTES = 128 * 1024 * 1024
# One line of a streamed file (one JSON record, one CSV row) at most.
MAX_LINE_BYTES = 64 * 1024 * 1024

_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
)
COMPRESSED_SUFFIXES = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def kind_of(path: Path) -> str:
    """"file", "folder", "missing", or what else the path is ("FIFO", "device", "socket")."""
    try:
        mode = os.stat(path).st_mode  # follows links: a link to /dev/zero is a device
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "file"  # unreadable for another reason: opening it says why
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def compression_of(path: Path) -> str | None:
    """"gzip", "bzip2" or "xz" when the name says so (`.gz`, `.bz2`, `.xz`)."""
    return COMPRESSED_SUFFIXES.get(path.suffix.lower())


def inner_name(path: Path) -> str:
    """The file name without its compression suffix, lower-cased: what picks the reader."""
    name = path.name.lower()
    return name[: -len(path.suffix)] if compression_of(path) else name


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes as a stream, decompressed when it is compressed (by name;
    the first bytes must then agree, else it is not what its name says)."""
    if kind_of(path) not in ("file", "missing"):
        raise UnreadableInput(f"not a regular file (a {kind_of(path)})")
    handle = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    method = compression_of(path)
    if method is None:
        return handle
    head = handle.read(6)
    handle.seek(0)
    if not any(head.startswith(magic) and name == method for magic, name in _MAGIC):
        handle.close()
        raise UnreadableInput(f"not a {method} file (its name ends in {path.suffix})")
    return io.BufferedReader(_Decompressing(handle, method), buffer_size=1 << 16)  # type: ignore[return-value]


_DECOMPRESSORS = {
    "gzip": lambda: zlib.decompressobj(31),
    "bzip2": bz2.BZ2Decompressor,
    "xz": lzma.LZMADecompressor,
}


def check_complete(stream: BinaryIO) -> None:
    """Raise `EOFError` if `stream` (from `open_binary`, read to its end) was compressed
    data cut short: the reader has had every byte before the cut, and now learns that
    the rest is missing."""
    raw = getattr(stream, "raw", None)
    if isinstance(raw, _Decompressing) and raw.cut_short:
        raise EOFError(f"{raw.method} data cut short")


class _Decompressing(io.RawIOBase):
    """A decompressed view of a compressed stream (every member of a multi-member
    file, as `gzip -c a b` writes). Unlike the gzip/bz2/lzma file objects, data cut
    short is handed out up to the cut and then ends, with `cut_short` set
    (`check_complete`): raising at the cut would lose the data buffered before it."""

    def __init__(self, compressed: BinaryIO, method: str) -> None:
        self._compressed, self.method = compressed, method
        self._decompressor = _DECOMPRESSORS[method]()
        self._pending = b""  # compressed bytes not yet fed
        self._started = False  # the current member has had input
        self._output = b""
        self.cut_short = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._compressed.close()
        super().close()

    def readinto(self, buffer) -> int:
        while not self._output:
            if not self._fill():
                return 0
        size = min(len(buffer), len(self._output))
        buffer[:size] = self._output[:size]
        self._output = self._output[size:]
        return size

    def _fill(self) -> bool:
        """Decompress some more; False at the clean end of the data."""
        if self._decompressor.eof:
            rest = self._decompressor.unused_data + self._pending
            self._pending = b""
            if not rest.strip(b"\x00"):
                rest = self._compressed.read(1 << 16)
                if not rest.strip(b"\x00"):
                    return False  # the end, perhaps after zero padding
            self._decompressor, self._started = _DECOMPRESSORS[self.method](), False
            self._pending = rest
        chunk = self._pending or self._compressed.read(1 << 16)
        self._pending = b""
        if not chunk:
            self.cut_short = self._started
            return False
        self._started = True
        if self.method == "gzip":
            self._output = self._decompressor.decompress(chunk, 1 << 20)
            self._pending = self._decompressor.unconsumed_tail
        else:
            self._output = self._decompressor.decompress(chunk)
        return True


def _problem(method: str, error: Exception) -> UnreadableInput:
    """What a failing decompressor raised, as a problem a user understands."""
    if isinstance(error, EOFError):
        return UnreadableInput(f"the {method} data is cut short (the end of the file is missing)")
    detail = (str(error).splitlines() or [type(error).__name__])[0][:80]
    return UnreadableInput(f"damaged {method} data ({detail})")


_DECOMPRESSION_ERRORS = (EOFError, OSError, zlib.error, lzma.LZMAError)


def _reading(path: Path, read):
    """`read()`, with a decompressor's failure turned into an `UnreadableInput`."""
    method = compression_of(path)
    try:
        return read()
    except _DECOMPRESSION_ERRORS as error:
        if method is None:
            raise
        raise _problem(method, error) from None


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The whole content of the file (decompressed), refusing more than `limit` bytes
    (default `MAX_FILE_BYTES`)."""
    limit = MAX_FILE_BYTES if limit is None else limit
    with open_binary(path) as stream:
        data = _reading(path, lambda: stream.read(limit + 1))
        if len(data) <= limit:
            _reading(path, lambda: check_complete(stream))
    if len(data) > limit:
        uncompressed = " uncompressed" if compression_of(path) else ""
        raise UnreadableInput(
            f"file too large (over {_megabytes(limit)}{uncompressed}) for one article file; "
            "give many records as JSON Lines, which are read one at a time"
        )
    return data


# Enough of the start of a file to tell its encoding, or that it is binary.
_SNIFF_BYTES = 8 * 1024


def text_lines(path: Path) -> Iterator[str]:
    """The lines of a line-based file (JSON Lines, CSV), decoded, with their line
    ends, one at a time. Raises `UnreadableInput` for an empty or binary file, a
    line over `MAX_LINE_BYTES`, or compressed data that is cut short or damaged
    (after yielding every line before the fault: nothing readable is lost)."""
    with open_binary(path) as stream:
        head = _reading(path, lambda: stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES])
        if not head:
            _reading(path, lambda: check_complete(stream))
        encoding = sniff_encoding(head)
        if encoding is not None:
            # UTF-16 and UTF-32 cannot be split at b"\n": the codec reads the lines.
            text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
            readline, decoded = (lambda: text.readline(MAX_LINE_BYTES + 1)), True
        else:
            readline, decoded = (lambda: stream.readline(MAX_LINE_BYTES + 1)), False
        number = 0
        while True:
            line = _reading(path, readline)
            if not line:
                _reading(path, lambda: check_complete(stream))
                return
            number += 1
            if len(line) > MAX_LINE_BYTES:
                raise UnreadableInput(f"line longer than {_megabytes(MAX_LINE_BYTES)}", number)
            if decoded:
                yield line.lstrip("\ufeff") if number == 1 else line
            else:
                yield decode_line(line)

"""Bytes to text for every reader: encoding detection and mojibake repair.

UTF-8 first (or UTF-16/32 with a byte-order mark, or UTF-16 recognised by its
NUL bytes without one); otherwise charset-normalizer
chooses among the single-byte encodings English news files come in (cp1252,
latin-1); files that mix encodings are read byte for byte and left to ftfy.
ftfy then repairs mojibake ("donâ€™t" -> "don’t") but leaves quote marks as
they are: which marks an outlet printed is evidence (curly versus straight
quotes tell copies apart), so `uncurl_quotes` is off.

Readers decode with `repair_text=False` and `ingest._finish` repairs the strings
they extract, once; `decode` repairs by default for other callers.

A user's unreadable file raises `UnreadableInput` once; `ingest.read_raw`
catches it and reports a one-line `InputProblem`.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import ftfy

# Every ftfy default except straightening quotes (see the module docstring).
_FIX = ftfy.TextFixerConfig(uncurl_quotes=False)

# charset-normalizer left free picks cp1250 or even UTF-16 for short cp1252 news
# text (measured: a French latin-1 sentence came back as cp1250 with "à" read as
# "ŕ", "café" as utf_16_be), so it only chooses among the encodings our inputs use.
_WESTERN = ["cp1252", "latin_1"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class UnreadableInput(ValueError):
    """A user's file (or record) that cannot be read; the message says why, in a few words."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


# Lone UTF-16 surrogates: from a JSON "\\ud800" escape, or from the bytes of a file
# name that is not UTF-8 (Python keeps them as U+DC80..U+DCFF). They cannot be
# written as UTF-8: the store, JSON output and the terminal all refuse them.
_SURROGATE = re.compile("[\ud800-\udfff]")
# Bidirectional embedding, override and isolate controls: invisible, and they make
# the characters after them display in another order, so that an outlet name or a
# title can be made to read as another ("\u202eswen" shows as "news").
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _surrogate(match: re.Match[str]) -> str:
    point = ord(match.group())
    # A file-name byte that is not UTF-8 is shown as \xNN, as `ls -b` shows it.
    return f"\\x{point - 0xDC00:02x}" if 0xDC80 <= point <= 0xDCFF else "\ufffd"


def safe_text(text: str) -> str:
    """`text` that can be stored, printed and written as UTF-8, and displays in the
    order it is stored: lone surrogates and bidirectional controls replaced."""
    if not text:
        return text
    return _BIDI_CONTROLS.sub("", _SURROGATE.sub(_surrogate, text))


def repair(text: str) -> str:
    """Fix mojibake, HTML entities in plain text, line breaks and control characters;
    keep quote marks as printed."""
    return ftfy.fix_text(text, config=_FIX) if text else text


def _western(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    match = from_bytes(data, cp_isolation=_WESTERN).best()
    return str(match) if match is not None else None


# C0 control characters that text files do not hold (white space and ESC aside).
_CONTROLS = [chr(code) for code in range(32) if chr(code) not in "\t\n\r\f\v\x1b"]
# Binary data (images, archives, office documents) has about one control byte in
# eight; text pasted from a terminal or a PDF may carry a few. Below both bars it
# is text, and the few control characters are removed when it is repaired.
_BINARY_CONTROLS = 8
_BINARY_SHARE = 0.05


def control_count(text: str) -> int:
    """How many C0 control characters (besides white space) `text` holds. One
    `str.count` per character: C speed, where a Python loop took ~50 ms a megabyte."""
    return sum(text.count(control) for control in _CONTROLS)


def looks_binary_counts(controls: int, chars: int) -> bool:
    """`_looks_binary` from its counts (a file read in parts adds up its parts' counts).
    A short text needs fewer to tell (a GIF header: 6 control bytes in 15)."""
    return controls > _BINARY_SHARE * chars and controls >= min(_BINARY_CONTROLS, 0.2 * chars)


def _looks_binary(text: str) -> bool:
    """Whether decoded text is binary data rather than text with a few stray control
    characters. (charset-normalizer's `is_binary` was tried and called a UTF-8 file
    with one pasted cp1252 quote mark binary; any NUL byte meaning binary rejected a
    JSON Lines file for one NUL on one line.)"""
    return looks_binary_counts(control_count(text), len(text))


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the bytes look like UTF-16 without a byte-order
    mark: Latin-script text then has a NUL in every other byte, on one side only."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _unicode_encoding(data: bytes) -> str | None:
    """The UTF-16/32 encoding the bytes are in (by byte-order mark, or UTF-16's NUL
    pattern), or None for byte-oriented text (UTF-8 and single-byte encodings)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return None if encoding == "utf-8" else encoding
    return _utf16_without_bom(data)


def sniff_encoding(head: bytes) -> str | None:
    """For files read a line at a time: the UTF-16/32 codec to read them with, or None
    when each line can be decoded on its own (`decode_line`). Raises `UnreadableInput`
    for an empty or binary file, judged by its first bytes `head`."""
    if not head.strip():
        raise UnreadableInput("empty file")
    encoding = _unicode_encoding(head)
    sample = head.decode(encoding, "replace") if encoding else head.decode("latin-1")
    if _looks_binary(sample):
        raise UnreadableInput("binary file, not text")
    return encoding


def decode_line(line: bytes) -> str:
    """One line of a byte-oriented file: UTF-8, else cp1252 (latin-1 for the five
    bytes cp1252 leaves undefined). Mojibake is repaired later, field by field."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


# A whole HTML or XML document: its text is repaired after extraction instead
# (`ingest._finish`), because ftfy over a page's markup is slow: 9 s for the 91 pages
# (17 MB) of the article-extraction set, against 0.06 s for decoding alone.
_MARKUP_DOCUMENT = re.compile(r"^\s*<(?:\?xml|!doctype|html|rss|feed|rdf:rdf)\b", re.IGNORECASE)


def decode(data: bytes, repair_text: bool = True) -> str:
    """The text in `data`, repaired (unless `repair_text` is false, or it is an HTML/XML
    document). Raises `UnreadableInput` for empty, binary or undecodable bytes."""
    text = _decode(data)
    if repair_text and not _MARKUP_DOCUMENT.match(text[:200]):
        return repair(text)
    return text


def _decode(data: bytes) -> str:
    if not data.strip():
        raise UnreadableInput("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError:
                raise UnreadableInput(f"undecodable bytes (marked as {encoding.upper()} but is not)") from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        text = data.decode(utf16, "replace")
        if not _looks_binary(text):
            return text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_binary(text):
            raise UnreadableInput("binary file, not text")
        return text
    if _looks_binary(data.decode("latin-1")):
        raise UnreadableInput("binary file, not text")
    text = _western(data)
    if text is not None:
        return text
    # charset-normalizer rejects files that mix encodings, such as UTF-8 text with a
    # pasted cp1252 quote mark; latin-1 keeps every byte, and ftfy then restores both
    # the UTF-8 sequences and the cp1252 characters. What ftfy still finds bad after
    # that is not text in any encoding we know.
    text = repair(data.decode("latin-1"))
    from ftfy.badness import badness

    bad = badness(text)
    if bad >= 3 and bad * 100 > len(text):
        raise UnreadableInput("undecodable bytes (not UTF-8, cp1252 or latin-1 text)")
    return text


def read_text(path: Path, repair_text: bool = True) -> str:
    """The decoded text of the file at `path` (see `decode`), decompressed when it is
    compressed, refused when it is not a regular file or too large (`files`)."""
    from .files import read_bytes

    return decode(read_bytes(path), repair_text)

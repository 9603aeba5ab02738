"""Bytes to text for every reader: encoding detection and mojibake repair.

UTF-8 first (or UTF-16/32 with a byte-order mark); otherwise charset-normalizer
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


def control_count(text: str) -> int:
    """How many C0 control characters (besides white space) `text` holds. One
    `str.count` per character: C speed, where a Python loop took ~50 ms a megabyte."""
    return sum(text.count(control) for control in _CONTROLS)


def looks_binary_counts(controls: int, chars: int) -> bool:
    """`_looks_binary` from its counts (a file read in parts adds up its parts' counts)."""
    return controls > 0.01 * chars


def _looks_binary(text: str) -> bool:
    """Text files have no C0 control characters besides white space; binary data has
    about one in ten bytes of them. (charset-normalizer's `is_binary` was tried and
    called a UTF-8 file with one pasted cp1252 quote mark binary.)"""
    return looks_binary_counts(control_count(text), len(text))


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
    if b"\x00" in data:
        # No text encoding we accept without a byte-order mark has NUL bytes;
        # images, archives and office documents all do.
        raise UnreadableInput("binary file, not text")
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
    """The decoded text of the file at `path` (see `decode`)."""
    return decode(path.read_bytes(), repair_text)
